#!/bin/sh
# Long CSVs from crowdsourcing research: the header names of crowd-kit and
# the truth-inference benchmarks are accepted, files without a header are
# read with --columns in any order, and when the first row names nothing
# gavel knows the error shows that row. A real data set (when
# ../shared/datasets is there) imports to the same labels in each spelling.
set -u
. "$top_srcdir/tests/cli/lib.sh"

db="$work/p.db"
expect_exit 0 "$GAVEL" init "$db"

# ok FILE TASK WANT [OPTIONS...]: FILE imports into TASK with summary WANT.
ok() {
    file=$1 task=$2 line=$3
    shift 3
    expect_exit 0 "$GAVEL" import "$db" votes "$work/$file" --task "$task" "$@"
    grep -qxF "$line" "$work/stdout" || fail "$file: $(cat "$work/stdout")"
}

printf 'question,worker,answer\nq1,w1,A\nq1,w2,B\nq2,w1,A\n' >"$work/qwa.csv"
ok qwa.csv a "imported 3 votes on 2 items (2 labels, 2 annotators) into task 'a' (new task)"
printf 'task\tperformer\tchoice\nt1\tp1\tyes\nt1\tp2\tno\n' >"$work/tpc.tsv"
ok tpc.tsv b "imported 2 votes on 1 item (2 labels, 2 annotators) into task 'b' (new task)"
printf '!amt_annotation_ids\t!amt_worker_ids\torig_id\tresponse\tgold\nE1\tA19IBSKBTABMR3\t266\t1\t1\n' >"$work/snow.tsv"
ok snow.tsv c "imported 1 vote on 1 item (1 label, 1 annotator) into task 'c' (new task)"
"$GAVEL" export "$db" --task c --no-ds --format jsonl 2>/dev/null | grep -q '"item":"266"' ||
    fail "snow2008 columns: orig_id is the item"
"$GAVEL" stats "$db" --task c --annotators 2>/dev/null | grep -q A19IBSKBTABMR3 ||
    fail "snow2008 columns: !amt_worker_ids is the annotator"

# No header: --columns, in the file's order.
printf 'w1\ti1\tpos\nw2\ti1\tneg\nw1\ti2\tpos\n' >"$work/nohdr.tsv"
expect_exit 1 "$GAVEL" import "$db" votes "$work/nohdr.tsv" --task d
grep -qF "nohdr.tsv:1: the first row (w1, i1, pos) names no column gavel knows, such as item, annotator, label: if the file has no header, give its columns in order with --columns, e.g. --columns annotator,item,label" \
    "$work/stderr" || fail "headerless without --columns: $(cat "$work/stderr")"
ok nohdr.tsv d "imported 3 votes on 2 items (2 labels, 2 annotators) into task 'd' (new task)" \
    --columns annotator,item,label
printf 'i1,pos,w1\ni2,neg,w1\n' >"$work/nohdr.csv"
ok nohdr.csv e "imported 2 votes on 2 items (2 labels, 1 annotator) into task 'e' (new task)" \
    --columns item,label,worker
# A header row with --columns is refused, not imported as a vote.
expect_exit 1 "$GAVEL" import "$db" votes "$work/qwa.csv" --task f --columns item,annotator,label
grep -qF "qwa.csv:1: this row (question, worker, answer) is a header: --columns is for files without one" \
    "$work/stderr" || fail "header with --columns: $(cat "$work/stderr")"
expect_exit 1 "$GAVEL" import "$db" votes "$work/nohdr.tsv" --task f --columns annotator,item
grep -qF "nohdr.tsv: --columns (annotator, item) names no label column" "$work/stderr" ||
    fail "short --columns: $(cat "$work/stderr")"
expect_exit 1 "$GAVEL" import "$db" votes "$work/nohdr.tsv" --task f --columns annotator,item,label,at
grep -qF "nohdr.tsv:1:10: expected 4 fields as --columns names, found 3" "$work/stderr" ||
    fail "ragged with --columns: $(cat "$work/stderr")"
# A header that lacks a column: the error shows the header found.
printf 'item,who,label\ni1,a,x\n' >"$work/who.csv"
expect_exit 1 "$GAVEL" import "$db" votes "$work/who.csv" --task f
grep -qF "who.csv:1: the header (item, who, label) has no annotator column (gavel takes annotator, annotator_id, worker," \
    "$work/stderr" || fail "missing column: $(cat "$work/stderr")"
expect_exit 2 "$GAVEL" import "$db" votes "$top_srcdir/tests/data/fmt_prodigy.jsonl" --columns a,b

# A real data set in three spellings gives the same labels.
set_dir="$top_srcdir/../shared/datasets/zheng2017_d_duck_bluebirds"
[ -f "$set_dir/labels.csv" ] || set_dir="../shared/datasets/zheng2017_d_duck_bluebirds"
if [ -f "$set_dir/labels.csv" ]; then
    src="$set_dir/labels.csv"
    { echo question,worker,answer; tail -n +2 "$src"; } >"$work/real_qwa.csv"
    tail -n +2 "$src" | awk -F, -v OFS='\t' '{ print $2, $1, $3 }' >"$work/real.tsv"
    for v in orig qwa cols; do
        expect_exit 0 "$GAVEL" init "$work/$v.db"
    done
    expect_exit 0 "$GAVEL" import "$work/orig.db" votes "$src" --task duck
    cp "$work/stdout" "$work/orig.out"
    expect_exit 0 "$GAVEL" import "$work/qwa.db" votes "$work/real_qwa.csv" --task duck
    cmp -s "$work/stdout" "$work/orig.out" || fail "question,worker,answer: $(cat "$work/stdout")"
    expect_exit 0 "$GAVEL" import "$work/cols.db" votes "$work/real.tsv" --task duck \
        --columns annotator,item,label
    cmp -s "$work/stdout" "$work/orig.out" || fail "--columns: $(cat "$work/stdout")"
    for v in orig qwa cols; do
        "$GAVEL" export "$work/$v.db" --no-ds --format csv 2>/dev/null >"$work/$v.all" ||
            fail "export $v"
        grep -v '^#' "$work/$v.all" >"$work/$v.csv" # provenance differs by project
    done
    cmp -s "$work/orig.csv" "$work/qwa.csv" || fail "question,worker,answer gave other labels"
    cmp -s "$work/orig.csv" "$work/cols.csv" || fail "--columns gave other labels"
else
    echo "(no ../shared/datasets: the real data set part is skipped)"
fi
pass
