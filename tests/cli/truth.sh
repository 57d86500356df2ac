#!/bin/sh
# Truth inference end to end: decisions imported as gold, the export's sources
# and weights, majority vs expert, and annotator track records. The project:
#   i1  a1=x a2=x a3=y   strict majority x; the expert says y (overturned)
#   i2  a1=x a2=x a3=x   strict majority x; the expert agrees
#   i3  a1=y a2=x        a tie: no strict majority; the expert says x
#   i4  a1=y a2=y a3=y   no decision
set -u
. "$top_srcdir/tests/cli/lib.sh"

db=$work/p.db
printf 'item,annotator,label\ni1,a1,x\ni1,a2,x\ni1,a3,y\ni2,a1,x\ni2,a2,x\ni2,a3,x\ni3,a1,y\ni3,a2,x\ni4,a1,y\ni4,a2,y\ni4,a3,y\n' >"$work/votes.csv"
printf 'item,label,reason\ni1,y,the product name is sarcasm\ni2,x,\ni3,x,clear once read twice\n' >"$work/gold.csv"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" import "$db" decisions "$work/gold.csv" --expert olga
# A bad decisions file (an empty label on line 3) is refused whole.
printf 'item,label\ni4,y\ni4,\n' >"$work/bad.csv"
before=$(dump "$db")
expect_exit 1 "$GAVEL" import "$db" decisions "$work/bad.csv" --expert olga
grep -q 'bad.csv:3:4: empty label' "$work/stderr" || fail "bad decision message: $(cat "$work/stderr")"
[ "$before" = "$(dump "$db")" ] || fail "a rejected decisions file changed the database"

# Export: decided items come from the expert with weight 1; i4 from DS.
"$GAVEL" export "$db" --format jsonl >"$work/out.jsonl" || fail "export exited $?"
/usr/bin/python3 - "$work/out.jsonl" <<'PY' || fail "export sources and weights"
import json, sys
rows = {r["item"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["i1"]["label"] == "y" and rows["i1"]["source"] == "expert", rows["i1"]
assert rows["i1"]["weight"] == 1.0 and rows["i1"]["expert"] == "olga", rows["i1"]
assert rows["i1"]["reason"] == "the product name is sarcasm", rows["i1"]
assert rows["i1"]["plurality"] == "x" and rows["i1"]["majority"] == "x", rows["i1"]
assert rows["i1"]["decided_at"], rows["i1"]
# DS takes decisions as known: the posterior of the expert's label is 1.
assert rows["i1"]["ds_label"] == "y" and rows["i1"]["ds_posterior"] == 1.0, rows["i1"]
assert rows["i3"]["majority"] is None and rows["i3"]["source"] == "expert", rows["i3"]
assert rows["i4"]["source"] == "ds" and rows["i4"]["label"] == "y", rows["i4"]
assert 0 < rows["i4"]["weight"] <= 1 and rows["i4"]["weight"] == rows["i4"]["ds_posterior"]
PY

# Majority vs expert: 2 decided items had a strict majority (i1, i2); 1 overturned.
"$GAVEL" stats "$db" --json >"$work/stats.json" || fail "stats exited $?"
grep -q '"majority_vs_expert":{"decided":2,"overturned":1,"rate":0.5,' "$work/stats.json" ||
    fail "majority vs expert: $(grep -o '"majority_vs_expert":[^]]*]' "$work/stats.json")"
grep -q '"ds":{"iterations":[0-9]*,"converged":true,"max_iter":100,"tolerance":1e-05,"decided_items":3,' \
    "$work/stats.json" || fail "ds block: $(grep -o '"ds":{[^}]*}' "$work/stats.json")"
"$GAVEL" stats "$db" | grep -q 'the expert overturned 1 of 2 strict majorities (50.0%)' ||
    fail "text report lacks majority vs expert"

# Track records against the three decisions (Wilson intervals from statsmodels
# 0.13.5 proportion_confint(k, n, method='wilson')):
#   a1 1/3 [0.061492, 0.792340]; a2 2/3 [0.207660, 0.938508]; a3 2/2 [0.342380, 1.0]
"$GAVEL" stats "$db" --annotators --json >"$work/ann.json" || fail "stats --annotators exited $?"
for want in \
    '"name":"a1","votes":4,"agreement":[0-9.]*,"expert":{"n":3,"correct":1,"accuracy":0.333333,"ci":\[0.061492,0.79234\]}' \
    '"name":"a2","votes":4,"agreement":[0-9.]*,"expert":{"n":3,"correct":2,"accuracy":0.666667,"ci":\[0.20766,0.938508\]}' \
    '"name":"a3","votes":3,"agreement":[0-9.]*,"expert":{"n":2,"correct":2,"accuracy":1.0,"ci":\[0.34238,1.0\]}'; do
    grep -q "$want" "$work/ann.json" || fail "annotator record /$want/ in $(cat "$work/ann.json")"
done
# a1's agreement with the others: i1 x (1 of 2 others), i2 x (2/2), i3 y (0/1),
# i4 y (2/2): mean (0.5 + 1 + 0 + 1) / 4 = 0.625.
grep -q '"name":"a1","votes":4,"agreement":0.625,' "$work/ann.json" || fail "a1 agreement"
"$GAVEL" stats "$db" --annotators | grep -q '^  a3 .* 1.000 (   2, 0.342-1.000)' ||
    fail "text track record: $("$GAVEL" stats "$db" --annotators)"
pass
