#!/bin/sh
# The lead's view in `gavel stats --json` (the "lead" object of a task): two
# seeded projects, one with undated votes (agreement per import batch) and
# one whose votes carry times (per ISO week), each imported in two batches,
# with expert decisions imported and added citing guideline rules, and
# "unclear guideline" flags; every figure is recomputed from the input files
# by tests/ref/lead_check.py (numpy, sklearn, datetime). Also: the text
# report's lines, --no-ds, and the same numbers for the same seed.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
check=$top_srcdir/tests/ref/lead_check.py
[ -x "$py" ] || skip "$py is missing"
"$py" -c 'import sklearn, numpy' 2>/dev/null || skip "$py lacks sklearn or numpy"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is missing"

for spec in 1:undated 2:dated; do
    seed=${spec%%:*}
    kind=${spec#*:}
    d=$work/$kind
    db=$d/p.db
    mkdir -p "$d"
    "$py" "$check" gen "$seed" "$d" $kind || fail "generator failed"
    expect_exit 0 "$GAVEL" init "$db"
    expect_exit 0 "$GAVEL" import "$db" votes "$d/votes1.csv" --task t
    expect_exit 0 "$GAVEL" import "$db" votes "$d/votes2.csv" --task t
    expect_exit 0 "$GAVEL" import "$db" decisions "$d/decisions.csv" --task t --expert ex
    sqlite3 "$db" <"$d/extra.sql" || fail "extra.sql failed"
    expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 1000 --seed 3
    cp "$work/stdout" "$d/stats.json"
    expect_exit 0 "$GAVEL" export "$db" --format csv -o "$d/export.csv"
    "$py" "$check" check "$d" "$d/stats.json" "$d/export.csv" ||
        fail "$kind: the lead view differs from the reference"
    # deterministic: the same seed gives the same bytes
    expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 1000 --seed 3
    cmp -s "$work/stdout" "$d/stats.json" || fail "$kind: stats --json is not deterministic"
done

db=$work/undated/p.db
# without a bootstrap the interval is null; without DS its figure is null
expect_exit 0 "$GAVEL" stats "$db" --json --no-ds
"$py" - "$work/stdout" <<'PY' || fail "--no-ds lead view is wrong"
import json, sys
lead = json.load(open(sys.argv[1]))["tasks"][0]["lead"]
assert lead["alpha"]["ci"] is None and lead["alpha"]["replicates"] == 0, lead["alpha"]
assert lead["ds_differs"] is None
assert all(a["ds_accuracy"] is None for a in lead["annotators"])
PY
# the text report has the lead's lines, fitting 80 columns
expect_exit 0 "$GAVEL" stats "$db" --bootstrap 100
for want in "Krippendorff alpha, nominal (the task's scale)" "95% bootstrap interval" \
    "disputed and open" "labels most often given to the same items" "guideline rules cited"; do
    grep -qF "$want" "$work/stdout" || fail "text report lacks '$want'"
done
awk "/the task's scale/,/^\$/" "$work/stdout" >"$work/lead.txt"
[ "$(wc -l <"$work/lead.txt")" -gt 5 ] || fail "the lead's lines are missing: $(cat "$work/lead.txt")"
awk 'length($0) > 80 { exit 1 }' "$work/lead.txt" || fail "a lead line is wider than 80 columns"
pass
