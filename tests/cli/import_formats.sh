#!/bin/sh
# Files of other tools as those tools write them: a file that gives nothing
# gavel reads is an error naming what it holds (exit 1, database unchanged)
# rather than an empty task and "imported 0 votes".
set -u
. "$top_srcdir/tests/cli/lib.sh"

data="$top_srcdir/tests/data"
db="$work/p.db"
expect_exit 0 "$GAVEL" init "$db"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is needed to compare databases"

# refused WANT CMD...: CMD exits 1 with WANT on stderr and leaves $db unchanged.
refused() {
    msg=$1
    shift
    before=$(dump "$db")
    expect_exit 1 "$@"
    grep -qF -- "$msg" "$work/stderr" || fail "wanted '$msg', got: $(cat "$work/stderr")"
    [ "$before" = "$(dump "$db")" ] || fail "a refused import changed the database: $*"
}

# Label Studio: spans, taxonomies and boxes only.
refused "no votes to import into task 'ls_spans_taxonomy': the file holds 2 labels results for 'label', 3 taxonomy results for 'topic', 1 cancelled annotation, and gavel reads annotation results of type \"choices\" with one choice, or \"rating\"" \
    "$GAVEL" import "$db" votes "$data/ls_spans_taxonomy.json"
# --task naming the taxonomy question: only its results are counted.
refused "no votes to import into task 'topic': the file holds 3 taxonomy results for 'topic', 1 cancelled annotation, and gavel reads" \
    "$GAVEL" import "$db" votes "$data/ls_spans_taxonomy.json" --task topic
refused "the file holds 2 rectanglelabels results for 'label'" \
    "$GAVEL" import "$db" votes "$data/ls_boxes.json"

# Every format: a file without a vote is an error.
printf 'item,annotator,label\n' >"$work/header.csv"
refused "no votes to import into task 'header': gavel reads one vote per row" \
    "$GAVEL" import "$db" votes "$work/header.csv"
printf 'item\tannotator\tlabel\r\n' >"$work/header.tsv"
refused "no votes to import" "$GAVEL" import "$db" votes "$work/header.tsv"
: >"$work/empty.jsonl"
refused "no votes to import" "$GAVEL" import "$db" votes "$work/empty.jsonl" --format jsonl
printf '%s\n' '{"text":"Late goal seals the derby.","label":"SPORTS","_input_hash":-1821528064,"_task_hash":790119437,"answer":"ignore","_annotator_id":"news-carol","_session_id":"news-carol"}' >"$work/ignored.jsonl"
refused "the file holds 1 ignored answer, and gavel reads accepted or rejected classification answers" \
    "$GAVEL" import "$db" votes "$work/ignored.jsonl"
printf '%s\n' '[{"text": "Meh.", "id": 7, "annotator": 3, "annotation_id": 9, "created_at": "2024-05-02T08:00:00.000000Z", "updated_at": "2024-05-02T08:00:00.000000Z", "lead_time": 1.2}]' >"$work/min.json"
refused "the file holds 1 unlabelled row" "$GAVEL" import "$db" votes "$work/min.json"

# Label Studio JSON_MIN with the task's data next to the label: --task names
# the label column.
refused 'ls_min_image.json:2:3: row 1: cannot tell the label column among "image" and "label": name it with --task' \
    "$GAVEL" import "$db" votes "$data/ls_min_image.json"
expect_exit 0 "$GAVEL" init "$work/min.db"
expect_exit 0 "$GAVEL" import "$work/min.db" votes "$data/ls_min_image.json" --task label
grep -qx "imported 3 votes on 2 items (2 labels, 2 annotators) into task 'label' (new task); skipped 1 unlabelled row for 'label'" \
    "$work/stdout" || fail "JSON_MIN --task: $(cat "$work/stdout")"

# Argilla, in the three layouts it writes, detected without --format.
adb="$work/argilla.db"
for f in argilla_records.json argilla_hub.jsonl argilla_flat.jsonl; do
    rm -f "$adb"
    expect_exit 0 "$GAVEL" init "$adb"
    expect_exit 0 "$GAVEL" import "$adb" votes "$data/$f"
    cp "$work/stdout" "$work/$f.out"
done
grep -qx "imported 3 votes on 3 items (2 labels, 3 annotators) into task 'sentiment' (new task); skipped 1 draft response for 'sentiment', 1 span or ranking response for 'spans', 1 discarded response for 'sentiment'" \
    "$work/argilla_records.json.out" || fail "to_disk: $(cat "$work/argilla_records.json.out")"
grep -qx "imported 3 votes on 3 items (2 labels, 2 annotators) into task 'sentiment' (new task); skipped 1 discarded response for 'sentiment'" \
    "$work/argilla_hub.jsonl.out" || fail "hub: $(cat "$work/argilla_hub.jsonl.out")"
grep -qx "imported 1 vote on 2 items (1 label, 1 annotator) into task 'sentiment' (new task); skipped 1 draft response for 'sentiment', 1 null-status response for 'sentiment'" \
    "$work/argilla_flat.jsonl.out" || fail "flat: $(cat "$work/argilla_flat.jsonl.out")"
# The hub layout's items are numbered by position; its suggestions are predictions.
[ "$(sqlite3 "$adb" "SELECT group_concat(external_id) FROM item")" = "rev-001,rev-002" ] ||
    fail "flat items"
rm -f "$adb"
expect_exit 0 "$GAVEL" init "$adb"
expect_exit 0 "$GAVEL" import "$adb" votes "$data/argilla_hub.jsonl"
[ "$(sqlite3 "$adb" "SELECT group_concat(external_id || '=' || coalesce(meta, '-'), ' ') FROM item")" = '1={"source":"web"} 2=- 3=-' ] ||
    fail "hub items: $(sqlite3 "$adb" "SELECT external_id, meta FROM item")"
expect_exit 0 "$GAVEL" import "$adb" predictions "$data/argilla_hub.jsonl" --model m
# The summary names the model the predictions are stored under: the file's.
grep -qx "imported 2 predictions of model 'distilbert-sst2' on 2 items into task 'sentiment'" \
    "$work/stdout" || fail "hub predictions: $(cat "$work/stdout")"
[ "$(sqlite3 "$adb" "SELECT DISTINCT model FROM prediction")" = distilbert-sst2 ] ||
    fail "hub predictions: models $(sqlite3 "$adb" "SELECT DISTINCT model FROM prediction")"
# Nothing submitted: an error naming what there was.
printf '%s\n' '{"id":"r1","status":"pending","text":"Meh.","sentiment.responses":["neutral"],"sentiment.responses.users":["5e0c1a2b-7d4f-4a61-9b2e-3f8d6c1a0e11"],"sentiment.responses.status":["draft"]}' >"$work/drafts.jsonl"
refused "no votes to import into task 'drafts': the file holds 1 draft response for 'sentiment', and gavel reads submitted responses holding one label" \
    "$GAVEL" import "$db" votes "$work/drafts.jsonl"

# Prodigy: span annotations are not supported, and most datasets name no
# annotator: --annotator does.
refused "no votes to import into task 'prodigy_ner': the file holds 3 span annotations (spans are not supported)" \
    "$GAVEL" import "$db" votes "$data/prodigy_ner.jsonl"
refused 'prodigy_single.jsonl:1:1: no "_annotator_id" or "_session_id" names the annotator (name it with --annotator)' \
    "$GAVEL" import "$db" votes "$data/prodigy_single.jsonl"

# --annotator, for every format.
printf 'item,label\ni1,pos\ni2,neg\n' >"$work/own.csv"
printf 'item\tlabel\ni1\tpos\ni2\tneg\n' >"$work/own.tsv"
printf '{"item": "i1", "label": "pos"}\n{"item": "i2", "label": "neg"}\n' >"$work/own.jsonl"
cat >"$work/own.json" <<'JSON'
[{"id": 1, "data": {"text": "Good."}, "annotations": [{"id": 1, "completed_by": 3, "was_cancelled": false, "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}]}]},
 {"id": 2, "data": {"text": "Bad."}, "annotations": [{"id": 2, "completed_by": 3, "was_cancelled": false, "result": [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["neg"]}}]}]}]
JSON
cat >"$work/own_min.json" <<'JSON'
[{"text": "Good.", "id": 1, "sentiment": "pos", "annotator": 3, "annotation_id": 1, "created_at": "2024-05-01T10:00:00.000000Z", "updated_at": "2024-05-01T10:00:00.000000Z", "lead_time": 3.1},
 {"text": "Bad.", "id": 2, "sentiment": "neg", "annotator": 3, "annotation_id": 2, "created_at": "2024-05-01T10:01:00.000000Z", "updated_at": "2024-05-01T10:01:00.000000Z", "lead_time": 2.5}]
JSON
cat >"$work/own_argilla.jsonl" <<'JSON'
{"id":"i1","status":"completed","text":"Good.","sentiment.responses":["pos"],"sentiment.responses.users":[null],"sentiment.responses.status":["submitted"]}
{"id":"i2","status":"completed","text":"Bad.","sentiment.responses":["neg"],"sentiment.responses.users":[null],"sentiment.responses.status":["submitted"]}
JSON
cp "$data/prodigy_single.jsonl" "$work/own_prodigy.jsonl"
for f in own.csv own.tsv own.jsonl own.json own_min.json own_argilla.jsonl own_prodigy.jsonl; do
    rm -f "$work/own.db"
    expect_exit 0 "$GAVEL" init "$work/own.db"
    expect_exit 0 "$GAVEL" import "$work/own.db" votes "$work/$f" --annotator alice
    grep -q "(2 labels, 1 annotator)\|(3 labels, 1 annotator)" "$work/stdout" ||
        fail "--annotator with $f: $(cat "$work/stdout")"
    [ "$(sqlite3 "$work/own.db" "SELECT group_concat(name) FROM annotator")" = alice ] ||
        fail "--annotator with $f: annotators $(sqlite3 "$work/own.db" "SELECT name FROM annotator")"
done
# A file whose records name two annotators is not one annotator's.
refused "names annotator 'bo@example.com' here and 'user3' at line 2: --annotator gives one annotator to a whole file" \
    "$GAVEL" import "$db" votes "$data/fmt_labelstudio.json" --annotator alice
expect_exit 2 "$GAVEL" import "$db" items "$work/own.csv" --annotator alice
pass
