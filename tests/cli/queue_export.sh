#!/bin/sh
# Queues and exports on a project whose answers are worked out by hand:
#   u1  a a a    unanimous         agreement 1
#   d1  a a b    2/3 agree         agreement (2*1)/(3*2) = 1/3
#   d2  a b c    no two agree      agreement 0, vote entropy ln3/ln4 = 0.792
#   t1  a b      tie               agreement 0, entropy ln2/ln4 = 0.5
#   s1  b        one vote          no agreement
#   =x  =SUM(1) =SUM(1) c          a formula-looking item id and label
# with K = 4 labels (a, b, c, =SUM(1)).
set -u
. "$top_srcdir/tests/cli/lib.sh"

db=$work/p.db
cat >"$work/votes.csv" <<'CSV'
item,annotator,label
u1,ann1,a
u1,ann2,a
u1,ann3,a
d1,ann1,a
d1,ann2,a
d1,ann3,b
d2,ann1,a
d2,ann2,b
d2,ann3,c
t1,ann1,a
t1,ann2,b
s1,ann1,b
=x,ann1,=SUM(1)
=x,ann2,=SUM(1)
=x,ann3,c
CSV
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t

# disputed: lowest agreement first, then item id
# (new items are numbered in byte order of their external ids, so =x comes
# before d1 when their figures are equal).
"$GAVEL" queue "$db" --queue disputed --json >"$work/q.json" || fail "queue exited $?"
order=$(grep -o '"item":"[^"]*"' "$work/q.json" | cut -d'"' -f4 | tr '\n' ' ')
[ "$order" = "d2 t1 =x d1 " ] || fail "disputed order '$order'"
grep -q '"reason":"1/2 agree (tie)"' "$work/q.json" || fail "tie reason missing"

# needs-votes: fewer than 3 votes, fewest first.
order=$("$GAVEL" queue "$db" --queue needs-votes --json | grep -o '"item":"[^"]*"' |
    cut -d'"' -f4 | tr '\n' ' ')
[ "$order" = "s1 t1 " ] || fail "needs-votes order '$order'"
expect_exit 0 "$GAVEL" queue "$db" --queue disputed --limit 1 --json
[ "$(grep -c '"item":' "$work/stdout")" = 1 ] || fail "--limit 1 gave $(cat "$work/stdout")"
expect_exit 1 "$GAVEL" queue "$db" --queue nonesuch
grep -q 'queues: disputed, needs-votes' "$work/stderr" || fail "unknown queue message: $(cat "$work/stderr")"

# Export without Dawid-Skene: plurality labels, ties to the first label in
# order, majority empty on a tie, weight = plurality share.
"$GAVEL" export "$db" --no-ds --format csv -o "$work/out.csv" 2>"$work/out.err" || fail "export exited $?"
sed -n 1p "$work/out.csv" | grep -q '^item,task,label,source,weight,plurality,majority,ds_label,ds_posterior,model_confidence,effective_confidence,votes,agreement,n_votes,expert,reason,guideline_version,decided_at' ||
    fail "the CSV does not start with its header row: $(sed -n 1p "$work/out.csv")"
grep -q '^t1,t,a,plurality,0.5,a,,,,,,"{""a"":1,""b"":1}",0.0,2,' "$work/out.csv" ||
    fail "tie row: $(grep '^t1' "$work/out.csv")"
grep -q '^d1,t,a,plurality,0.666667,a,a,,,,,"{""a"":2,""b"":1}",0.333333,3,' "$work/out.csv" ||
    fail "d1 row: $(grep '^d1' "$work/out.csv")"
grep -q '^s1,t,b,plurality,1.0,b,b,,,,,"{""b"":1}",,1,' "$work/out.csv" ||
    fail "single-vote row: $(grep '^s1' "$work/out.csv")"
# Formula-looking cells are defused with a leading quote.
grep -q "^\"'=x\",t,\"'=SUM(1)\",plurality," "$work/out.csv" ||
    fail "spreadsheet guard: $(grep 'SUM' "$work/out.csv")"

# JSONL: one object per item and nothing else.
"$GAVEL" export "$db" --no-ds --format jsonl >"$work/out.jsonl" 2>"$work/jsonl.err" ||
    fail "jsonl export exited $?"
[ "$(wc -l <"$work/out.jsonl")" -eq 6 ] || fail "jsonl has $(wc -l <"$work/out.jsonl") lines"
grep -q '^{"item":"t1","task":"t","label":"a","source":"plurality","weight":0.5,"plurality":"a","majority":null,"ds_label":null,"ds_posterior":null,"model_confidence":null,"effective_confidence":null,"votes":{"a":1,"b":1},"agreement":0.0,"n_votes":2,' \
    "$work/out.jsonl" || fail "jsonl tie row: $(grep '"t1"' "$work/out.jsonl")"
# With Dawid-Skene (the default) every undecided item's label is DS's, its
# weight the posterior of that label, which lies in (0, 1]; the unanimous u1
# keeps its label.
"$GAVEL" export "$db" --format jsonl >"$work/ds.jsonl" || fail "ds export exited $?"
grep -q '^{"item":"u1","task":"t","label":"a","source":"ds","weight":' "$work/ds.jsonl" ||
    fail "ds row: $(grep '"u1"' "$work/ds.jsonl")"
/usr/bin/python3 - "$work/ds.jsonl" <<'PY' || fail "ds weights"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 6, rows
for r in rows:
    assert r["source"] == "ds" and r["label"] == r["ds_label"], r
    assert 0 < r["weight"] <= 1 and r["weight"] == r["ds_posterior"], r
PY
# --weights agreement: the share of votes for the final label.
"$GAVEL" export "$db" --no-ds --weights agreement --format csv | grep -q '^d1,t,a,plurality,0.666667,' ||
    fail "agreement weight"

# Both load unchanged in the csv module, csv.DictReader and, when installed,
# pandas: every line is a row.
/usr/bin/python3 - "$work/out.csv" "$work/out.jsonl" <<'PY' || fail "readers do not load the exports"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["item"] for r in rows] == ["=x", "d1", "d2", "s1", "t1", "u1"] or \
    sorted(r["item"] for r in rows) == sorted(["'=x", "d1", "d2", "s1", "t1", "u1"]), rows
assert all(set(r) >= {"item", "label", "source", "weight"} for r in rows), rows
lines = [json.loads(l) for l in open(sys.argv[2])]
assert len(lines) == 6 and all("item" in r and "label" in r for r in lines), lines
try:
    import pandas
except ImportError:
    sys.exit(0)
c = pandas.read_csv(sys.argv[1])
assert len(c) == 6 and list(c.columns)[:4] == ["item", "task", "label", "source"], c
j = pandas.read_json(sys.argv[2], lines=True)
assert len(j) == 6 and set(j["item"]) == {"=x", "d1", "d2", "s1", "t1", "u1"}, j
PY

# The provenance goes to standard error, the same summary with or without
# -o; -o also writes it to FILE.meta.json with the file's SHA-256.
summary='^exported 6 items\( to [^ ]* (provenance in [^ ]*)\)\?$'
sed -n 1p "$work/jsonl.err" | grep -q "$summary" || fail "stdout export summary: $(cat "$work/jsonl.err")"
sed -n 1p "$work/out.err" | grep -q "$summary" || fail "-o export summary: $(cat "$work/out.err")"
grep -q "^exported 6 items to $work/out.csv (provenance in $work/out.csv.meta.json)\$" "$work/out.err" ||
    fail "-o does not name its files: $(cat "$work/out.err")"
for e in jsonl.err out.err; do
    sed -n 2p "$work/$e" | grep -q "^project 'p', exported [0-9T:-]*Z, audit head [0-9a-f]\{64\}\$" ||
        fail "provenance line: $(cat "$work/$e")"
    [ "$(wc -l <"$work/$e")" -eq 2 ] || fail "$e has more than the summary: $(cat "$work/$e")"
done
head_hash=$(sed -n 's/.*audit head \([0-9a-f]*\)$/\1/p' "$work/out.err")
"$GAVEL" audit verify "$db" --head "$head_hash" >/dev/null || fail "exported head does not verify"
/usr/bin/python3 - "$work/out.csv" "$head_hash" <<'PY' || fail "meta: $(cat "$work/out.csv.meta.json")"
import hashlib, json, sys
path, head = sys.argv[1:]
m = json.load(open(path + ".meta.json"))
assert list(m) == ["project", "exported_at", "audit_head", "file", "sha256", "format",
                   "task", "weights", "ds", "rows", "skipped"], m
assert m["project"] == "p" and m["audit_head"] == head and m["file"] == "out.csv", m
assert m["sha256"] == hashlib.sha256(open(path, "rb").read()).hexdigest(), m
assert m["format"] == "csv" and m["task"] is None and m["ds"] is False, m
assert m["rows"] == 6 and m["skipped"] == 0 and m["weights"] == "expert", m
PY
[ ! -e "$work/out.jsonl.meta.json" ] || fail "a stdout export wrote a sidecar"

# A failed export leaves the old file as it was and no partial or temporary
# file: here the stored votes of the last item are damaged, so the export
# fails after it has written the rows before it.
if command -v sqlite3 >/dev/null 2>&1; then
    cp "$db" "$work/bad.db"
    sqlite3 "$work/bad.db" "UPDATE item_votes SET votes = '[[1' WHERE item = (SELECT max(item) FROM item_votes)" ||
        fail "sqlite3 update failed"
    mkdir "$work/o"
    echo old >"$work/o/labels.csv"
    expect_exit 1 "$GAVEL" export "$work/bad.db" --no-ds -o "$work/o/labels.csv"
    grep -q 'damaged' "$work/stderr" || fail "failed export message: $(cat "$work/stderr")"
    [ "$(cat "$work/o/labels.csv")" = old ] || fail "a failed export changed the old file"
    [ "$(ls -A "$work/o")" = labels.csv ] || fail "a failed export left files: $(ls -A "$work/o")"
fi
expect_exit 1 "$GAVEL" export "$db" -o "$work/no/such/dir/labels.csv"
grep -q 'labels.csv' "$work/stderr" || fail "unwritable path message: $(cat "$work/stderr")"

expect_exit 2 "$GAVEL" export "$db" --no-ds --weights ds
expect_exit 2 "$GAVEL" export "$db" --weights nonesuch
expect_exit 1 "$GAVEL" export "$db" --task nonesuch
expect_exit 2 "$GAVEL" export "$db" --format xml
pass
