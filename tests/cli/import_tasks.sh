#!/bin/sh
# Formats that name the question each annotation answers (Label Studio's
# from_name, a CSV task column next to an item column) never merge two
# questions into one task: a file answering one question goes to the task of
# that name, a file answering two needs --task to pick one, and picking one
# imports only its votes. A task whose labels came from data takes new ones
# only when the task is named or --new-labels says so.
set -u
. "$top_srcdir/tests/cli/lib.sh"

cat >"$work/two.json" <<'JSON'
[
  {"id": 1, "data": {"text": "Great phone, rude seller."},
   "annotations": [
     {"completed_by": 1, "was_cancelled": false, "result": [
       {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["positive"]}},
       {"from_name": "toxic", "to_name": "text", "type": "choices", "value": {"choices": ["no"]}}]},
     {"completed_by": 2, "was_cancelled": false, "result": [
       {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["negative"]}},
       {"from_name": "toxic", "to_name": "text", "type": "choices", "value": {"choices": ["yes"]}}]}]}
]
JSON
cat >"$work/one.json" <<'JSON'
[
  {"id": 1, "data": {"text": "Great phone, rude seller."},
   "annotations": [
     {"completed_by": 1, "was_cancelled": false, "result": [
       {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["positive"]}}]},
     {"completed_by": 2, "was_cancelled": false, "result": [
       {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["negative"]}}]}]}
]
JSON

db=$work/p.db
expect_exit 0 "$GAVEL" init "$db"
# One question, an empty project: the task takes the question's name.
expect_exit 0 "$GAVEL" import "$db" votes "$work/one.json"
grep -q "into task 'sentiment'" "$work/stdout" || fail "one question: $(cat "$work/stdout")"

# Two questions and no --task: refused, naming both, database unchanged.
before=$(dump "$db")
expect_exit 2 "$GAVEL" import "$db" votes "$work/two.json"
grep -q 'answers 2 questions (sentiment, toxic); import one at a time with --task NAME' \
    "$work/stderr" || fail "two questions message: $(cat "$work/stderr")"
[ "$before" = "$(dump "$db")" ] || fail "a refused import changed the database"
expect_exit 2 "$GAVEL" import "$db" votes "$work/two.json" --task nonesuch

# --task toxic imports only the toxic votes, into a task named toxic.
expect_exit 0 "$GAVEL" import "$db" votes "$work/two.json" --task toxic
"$GAVEL" export "$db" --task toxic --no-ds --format jsonl >"$work/toxic.jsonl" || fail "export"
grep -q '"votes":{"no":1,"yes":1}' "$work/toxic.jsonl" || fail "toxic votes: $(cat "$work/toxic.jsonl")"
"$GAVEL" export "$db" --task sentiment --no-ds --format jsonl >"$work/sent.jsonl" || fail "export"
grep -q '"votes":{"positive":1}' "$work/sent.jsonl" && fail "sentiment got toxic's votes"
grep -q '"votes":{"negative":1,"positive":1}' "$work/sent.jsonl" ||
    fail "sentiment votes: $(cat "$work/sent.jsonl")"

# A long CSV with item and task columns: one task per value, never merged.
cat >"$work/two.csv" <<'CSV'
item,task,annotator,label
r1,sentiment,ann1,positive
r1,toxic,ann1,no
r2,sentiment,ann2,negative
r2,toxic,ann2,yes
CSV
db=$work/csv.db
expect_exit 0 "$GAVEL" init "$db"
before=$(dump "$db")
expect_exit 2 "$GAVEL" import "$db" votes "$work/two.csv"
grep -q 'answers 2 questions (sentiment, toxic); import one at a time with --task NAME' \
    "$work/stderr" || fail "CSV task column: $(cat "$work/stderr")"
[ "$before" = "$(dump "$db")" ] || fail "a refused CSV import changed the database"
expect_exit 0 "$GAVEL" import "$db" votes "$work/two.csv" --task toxic
grep -qx "imported 2 votes on 2 items (2 labels, 2 annotators) into task 'toxic' (new task)" \
    "$work/stdout" || fail "CSV --task toxic: $(cat "$work/stdout")"
"$GAVEL" export "$db" --task toxic --no-ds --format jsonl >"$work/toxic.jsonl" || fail "export"
grep -q '"label":"positive"\|"label":"negative"' "$work/toxic.jsonl" && fail "toxic got sentiment votes"
# One value in the task column: that task (here in a TSV with other header
# names). In a project whose only task is another, the labels give it away.
printf 'item_id\ttask\tworker\tlabel\nr3\tsentiment\tann3\tpositive\n' >"$work/one.tsv"
expect_exit 1 "$GAVEL" import "$db" votes "$work/one.tsv"
grep -q "brings 1 new label ('positive') to task 'toxic'" "$work/stderr" ||
    fail "one task, other project task: $(cat "$work/stderr")"
expect_exit 0 "$GAVEL" init "$work/csv2.db"
expect_exit 0 "$GAVEL" import "$work/csv2.db" votes "$work/one.tsv"
grep -q "into task 'sentiment' (new task)" "$work/stdout" || fail "one task: $(cat "$work/stdout")"
# Without an item column, task is the item (crowd-kit's task,worker,label).
printf 'task,worker,label\nr9,ann1,positive\n' >"$work/ck.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/ck.csv" --task crowdkit
grep -qx "imported 1 vote on 1 item (1 label, 1 annotator) into task 'crowdkit' (new task)" \
    "$work/stdout" || fail "crowd-kit layout: $(cat "$work/stdout")"

# New labels for a task whose labels came from data.
db=$work/labels.db
expect_exit 0 "$GAVEL" init "$db"
printf 'item,annotator,label\ni1,a,pos\ni1,b,neg\n' >"$work/first.csv"
printf 'item,annotator,label\ni2,a,pos\ni2,b,mixed\ni3,a,Neutral\n' >"$work/second.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/first.csv"
before=$(dump "$db")
expect_exit 1 "$GAVEL" import "$db" votes "$work/second.csv"
grep -qF "second.csv: the file brings 2 new labels ('Neutral', 'mixed') to task 'first', whose 2 labels came from earlier imports; if the file is meant for this task, import it again with --new-labels (or --task)" \
    "$work/stderr" || fail "new labels refusal: $(cat "$work/stderr")"
[ "$before" = "$(dump "$db")" ] || fail "a refused import changed the database"
expect_exit 0 "$GAVEL" import "$db" votes "$work/second.csv" --new-labels
grep -qx "imported 3 votes on 2 items (4 labels, 2 annotators) into task 'first'; 2 new labels (Neutral, mixed)" \
    "$work/stdout" || fail "--new-labels summary: $(cat "$work/stdout")"
# Naming the task is deliberate enough; labels already known need nothing.
printf 'item,annotator,label\ni4,a,other\n' >"$work/third.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/third.csv" --task first
grep -q "; 1 new label (other)" "$work/stdout" || fail "--task summary: $(cat "$work/stdout")"
printf 'item,annotator,label\ni5,a,pos\n' >"$work/fourth.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/fourth.csv"
pass
