#!/bin/sh
# Formats that name the question each annotation answers (Label Studio's
# from_name here) never merge two questions into one task: a file answering
# one question goes to the task of that name, a file answering two needs
# --task to pick one, and picking one imports only its votes.
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
pass
