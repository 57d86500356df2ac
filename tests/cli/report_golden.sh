#!/bin/sh
# gavel report, byte for byte: a small fixed project (two tasks, one of them
# with a single annotator; dated votes, so agreement goes by ISO week;
# decisions with reasons, dates and a cited rule; item text with a line
# break; names and labels holding Markdown's and HTML's special characters)
# reported as Markdown and HTML, and one annotator's feedback sheet in both,
# compared with tests/data/report/. Only the time of making and the audit
# head, which change with every run, are masked. A section, a column or an
# escape that changes in either format fails here; to accept new output:
#   GAVEL_REPORT_ACCEPT=1 make check TESTS=tests/cli/report_golden.sh
set -u
. "$top_srcdir/tests/cli/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is missing"
expected=$top_srcdir/tests/data/report
db=$work/g.db

# 24 items, four annotators, three labels, votes over three weeks
awk 'BEGIN {
	print "item,annotator,label,at"
	split("ann1;b|o*b;<i>c</i>;d_e", a, ";")
	split("cat;dog;`fish`", l, ";")
	for (i = 1; i <= 24; i++)
		for (k = 1; k <= 4; k++) {
			if (k == 4 && i % 3 == 0)
				continue
			v = (i * 7 + k * (i % 4)) % 3 + 1
			printf "it%02d,%s,%s,2024-06-%02dT09:00:00Z\n", i, a[k], l[v], 3 + 7 * (i % 3)
		}
}' >"$work/votes.csv"
cat >"$work/items.csv" <<'EOF'
item,text
it01,"<b>first</b> line
second | line"
it02,plain text
EOF
cat >"$work/decisions.csv" <<'EOF'
item,label,reason,at
it01,dog,"looks *like* a dog",2024-06-20T10:00:00Z
it02,cat,,2024-06-21T10:00:00Z
it04,`fish`,<script>x</script>,2024-06-22T10:00:00Z
it05,cat,by the guide,2024-06-22T11:00:00Z
it07,dog,,2024-06-23T10:00:00Z
it10,`fish`,[see](here),2024-06-24T10:00:00Z
EOF
printf 'item,annotator,label,at\ns1,solo,yes,2024-06-03T09:00:00Z\ns2,solo,no,2024-06-10T09:00:00Z\ns3,solo,yes,2024-06-10T09:00:00Z\n' >"$work/solo.csv"

expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task alpha
grep -q '4 annotators' "$work/stdout" || fail "the fixture's votes: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" import "$db" items "$work/items.csv" --task alpha
expect_exit 0 "$GAVEL" import "$db" decisions "$work/decisions.csv" --task alpha --expert 'ex_pert'
expect_exit 0 "$GAVEL" import "$db" votes "$work/solo.csv" --task solo
# a cited rule: a later decision on two items (decisions are append-only)
sqlite3 "$db" "INSERT INTO decision(item, expert, label, reason, rule, at)
    SELECT d.item, d.expert, d.label, d.reason, 'R2 <a>', '2024-06-25T10:00:00Z'
    FROM decision d JOIN item i ON i.id = d.item WHERE i.external_id IN ('it01', 'it04')" ||
    fail "the rule could not be set"

# report NAME ARGS...: the report in $work/NAME with what changes per run masked
report() {
    name=$1
    shift
    expect_exit 0 "$GAVEL" report "$db" "$@"
    sed -E -e 's/([Mm]ade )[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/\1TIME/' \
        -e 's/[0-9a-f]{64}/HEAD/g' "$work/stdout" >"$work/$name"
}
report report.md --format md
report report.html
report feedback.md --format md --annotator 'b|o*b'
report feedback.html --annotator 'b|o*b'

# the fixture reaches what it is for
grep -q '^### Decided against your vote ([1-9]' "$work/feedback.md" || fail "nothing decided against"
grep -q 'per ISO week' "$work/report.md" || fail "the agreement is not by week"
grep -q 'Fewer than two annotators' "$work/report.md" || fail "no task with one annotator"
grep -q '^\*\*Label errors\*\*' "$work/report.md" || fail "no label-errors paragraph"
grep -qF 'R2 &lt;a&gt;' "$work/report.md" || fail "no rule cited"

if [ -n "${GAVEL_REPORT_ACCEPT:-}" ]; then
    mkdir -p "$expected"
    for f in report.md report.html feedback.md feedback.html; do
        cp "$work/$f" "$expected/$f"
    done
    echo "report_golden: accepted into $expected"
fi
bad=0
for f in report.md report.html feedback.md feedback.html; do
    if ! cmp -s "$expected/$f" "$work/$f"; then
        echo "report_golden: $f differs from $expected/$f:" >&2
        diff "$expected/$f" "$work/$f" | head -n 20 >&2
        bad=1
    fi
done
if [ "$bad" = 1 ]; then
    echo "To accept the new output: GAVEL_REPORT_ACCEPT=1 make check TESTS=tests/cli/report_golden.sh" >&2
    fail "the reports changed"
fi
pass
