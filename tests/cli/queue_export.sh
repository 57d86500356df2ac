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

# disputed: lowest agreement first, then highest vote entropy.
"$GAVEL" queue "$db" --queue disputed --json >"$work/q.json" || fail "queue exited $?"
order=$(grep -o '"item":"[^"]*"' "$work/q.json" | cut -d'"' -f4 | tr '\n' ' ')
[ "$order" = "d2 t1 d1 =x " ] || fail "disputed order '$order'"
grep -q '"reason":"not unanimous: 1/2 agree (tie)"' "$work/q.json" || fail "tie reason missing"

# needs-votes: fewer than 3 votes, fewest first.
order=$("$GAVEL" queue "$db" --queue needs-votes --json | grep -o '"item":"[^"]*"' |
    cut -d'"' -f4 | tr '\n' ' ')
[ "$order" = "s1 t1 " ] || fail "needs-votes order '$order'"
expect_exit 0 "$GAVEL" queue "$db" --queue disputed --limit 1 --json
[ "$(grep -c '"item":' "$work/stdout")" = 1 ] || fail "--limit 1 gave $(cat "$work/stdout")"
expect_exit 1 "$GAVEL" queue "$db" --queue nonesuch
grep -q 'queues: disputed, needs-votes' "$work/stderr" || fail "unknown queue message: $(cat "$work/stderr")"

# Export: plurality labels, ties to the first label in order, majority empty on a tie.
"$GAVEL" export "$db" --format csv -o "$work/out.csv" 2>/dev/null || fail "export exited $?"
head -1 "$work/out.csv" | grep -q '^# gavel export; project p; exported .*; audit head [0-9a-f]\{64\}' ||
    fail "export header: $(head -1 "$work/out.csv")"
head_hash=$(head -1 "$work/out.csv" | sed 's/.*audit head \([0-9a-f]*\).*/\1/')
"$GAVEL" audit verify "$db" --head "$head_hash" >/dev/null || fail "exported head does not verify"
sed -n 2p "$work/out.csv" | grep -q '^item,task,label,source,weight,votes,agreement,majority' ||
    fail "export columns: $(sed -n 2p "$work/out.csv")"
grep -q '^t1,t,a,plurality,0.5,"{""a"":1,""b"":1}",0.0,,2,' "$work/out.csv" ||
    fail "tie row: $(grep '^t1' "$work/out.csv")"
grep -q '^d1,t,a,plurality,0.666667,"{""a"":2,""b"":1}",0.333333,a,3,' "$work/out.csv" ||
    fail "d1 row: $(grep '^d1' "$work/out.csv")"
grep -q '^s1,t,b,plurality,1.0,"{""b"":1}",,b,1,' "$work/out.csv" ||
    fail "single-vote row: $(grep '^s1' "$work/out.csv")"
# Formula-looking cells are defused with a leading quote.
grep -q "^\"'=x\",t,\"'=SUM(1)\",plurality," "$work/out.csv" ||
    fail "spreadsheet guard: $(grep 'SUM' "$work/out.csv")"

# JSONL: a metadata line, then one object per item.
"$GAVEL" export "$db" --format jsonl >"$work/out.jsonl" || fail "jsonl export exited $?"
head -1 "$work/out.jsonl" | grep -q '^{"gavel_export":{"project":"p",' || fail "jsonl header"
[ "$(wc -l <"$work/out.jsonl")" -eq 7 ] || fail "jsonl has $(wc -l <"$work/out.jsonl") lines"
grep -q '^{"item":"t1","task":"t","label":"a","source":"plurality","weight":0.5,"votes":{"a":1,"b":1},"agreement":0.0,"majority":null,' \
    "$work/out.jsonl" || fail "jsonl tie row: $(grep '"t1"' "$work/out.jsonl")"
expect_exit 1 "$GAVEL" export "$db" --task nonesuch
expect_exit 2 "$GAVEL" export "$db" --format xml
pass
