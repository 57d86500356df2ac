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
pass
