#!/bin/sh
# gavel stats end to end: seeded random long CSVs are imported and every
# figure of `gavel stats --json` is recomputed from the same CSV with
# statsmodels, nltk and sklearn (tests/ref/stats_check.py). Also the command
# line contract: --help, usage errors, unknown task, read-only access,
# deterministic bootstrap, and no escape sequence from data in the output.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
check=$top_srcdir/tests/ref/stats_check.py
[ -x "$py" ] || skip "$py is missing"
"$py" -c 'import statsmodels, nltk, sklearn, numpy' 2>/dev/null ||
    skip "$py lacks statsmodels, nltk, sklearn or numpy"

expect_exit 0 "$GAVEL" stats --help
grep -q '^Usage: gavel stats' "$work/stdout" || fail "--help prints no usage"
expect_exit 2 "$GAVEL" stats
expect_exit 2 "$GAVEL" stats --bogus x.db
expect_exit 2 "$GAVEL" stats --bootstrap zero x.db
expect_exit 1 "$GAVEL" stats "$work/missing.db"

for spec in 1:text 2:numeric 3:binary 4:text 5:numeric; do
    seed=${spec%%:*}
    kind=${spec#*:}
    db=$work/p$seed.db
    "$py" "$check" gen "$seed" "$kind" "$work/v$seed.csv" || fail "generator failed"
    expect_exit 0 "$GAVEL" init "$db"
    expect_exit 0 "$GAVEL" import "$db" votes "$work/v$seed.csv" --task t
    expect_exit 0 "$GAVEL" stats "$db" --json
    cp "$work/stdout" "$work/s$seed.json"
    "$py" "$check" check "$work/v$seed.csv" "$work/s$seed.json" ||
        fail "seed $seed ($kind): gavel stats --json differs from the reference"
done

db=$work/p1.db
# one task by name, and an unknown one
expect_exit 0 "$GAVEL" stats "$db" --task t --json
cmp -s "$work/stdout" "$work/s1.json" || fail "--task t differs from the whole-project report"
expect_exit 1 "$GAVEL" stats "$db" --task nope
grep -q "no task named 'nope'" "$work/stderr" || fail "unknown task message: $(cat "$work/stderr")"

# text report
expect_exit 0 "$GAVEL" stats "$db"
for want in "Task t" "percent agreement" "Fleiss' kappa" "Krippendorff alpha" \
    "Cohen's kappa" "specific agr." "audit head"; do
    grep -q "$want" "$work/stdout" || fail "text report lacks '$want'"
done

# bootstrap: deterministic for a seed, an interval around the estimate
expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 200 --seed 7
cp "$work/stdout" "$work/b1.json"
expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 200 --seed 7
cmp -s "$work/stdout" "$work/b1.json" || fail "bootstrap is not deterministic"
"$py" - "$work/b1.json" <<'PY' || fail "bootstrap interval is wrong"
import json, sys
t = json.load(open(sys.argv[1]))["tasks"][0]
ci = t["krippendorff_alpha_ci"]
a = t["krippendorff_alpha"]["nominal"]
assert ci["replicates"] == 200 and ci["seed"] == 7, ci
assert ci["nominal"][0] < a < ci["nominal"][1], (ci, a)
PY

# read-only: stats leaves the database file unchanged
sum_before=$(sha256sum "$db" | cut -d' ' -f1)
chmod a-w "$db"
expect_exit 0 "$GAVEL" stats "$db" --json
chmod u+w "$db"
[ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum_before" ] || fail "stats changed the database"

# data with escape sequences never reaches the terminal raw
esc=$(printf '\033')
printf 'item,annotator,label\ni1,x%s]0;owned%s\\,a\ni1,y,a\ni2,x%s]0;owned%s\\,b\ni2,y,b\n' \
    "$esc" "$esc" "$esc" "$esc" >"$work/esc.csv"
for i in 3 4 5 6 7 8 9 10 11 12; do
    printf 'e%s,x%s]0;owned%s\\,a\ne%s,y,b\n' "$i" "$esc" "$esc" "$i" >>"$work/esc.csv"
done
expect_exit 0 "$GAVEL" init "$work/e.db"
expect_exit 0 "$GAVEL" import "$work/e.db" votes "$work/esc.csv" --task t
expect_exit 0 "$GAVEL" stats "$work/e.db"
grep -q "$esc" "$work/stdout" && fail "an escape byte reached the text report"
expect_exit 0 "$GAVEL" stats "$work/e.db" --json
grep -q "$esc" "$work/stdout" && fail "an escape byte reached the JSON report"
pass
