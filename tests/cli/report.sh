#!/bin/sh
# gavel report: the Markdown checked by structure and against the numbers of
# `gavel stats --json --bootstrap 1000` (tests/ref/report_check.py md), the
# HTML checked to parse, to fetch nothing and to hold the same numbers
# (report_check.py html), the HTML-injection case (an annotator called
# <script>alert(1)</script>, item text with markup), the audit head that
# `gavel audit verify --head` accepts, the feedback sheet against the items
# the input files say an expert decided against the annotator, -o written
# whole under a temporary name, empty projects, and bad input.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
gen=$top_srcdir/tests/ref/lead_check.py
check=$top_srcdir/tests/ref/report_check.py
[ -x "$py" ] || skip "$py is missing"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is missing"

expect_exit 0 "$GAVEL" report --help
grep -q '^Usage: gavel report' "$work/stdout" || fail "--help prints no usage"
expect_exit 2 "$GAVEL" report
expect_exit 2 "$GAVEL" report x.db --format pdf
expect_exit 2 "$GAVEL" report x.db --bootstrap many
expect_exit 1 "$GAVEL" report "$work/missing.db"

d=$work/p
db=$d/p.db
mkdir -p "$d"
"$py" "$gen" gen 3 "$d" || fail "generator failed"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes1.csv" --task t
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes2.csv" --task t
expect_exit 0 "$GAVEL" import "$db" decisions "$d/decisions.csv" --task t --expert ex
sqlite3 "$db" <"$d/extra.sql" || fail "extra.sql failed"
# markup in data: an annotator's name, an item's text, a reason
printf 'item,annotator,label\nitem001,<script>alert(1)</script>,cat\nitem002,<script>alert(1)</script>,dog\n' \
    >"$work/inj.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/inj.csv" --task t
printf 'item,text\nitem001,"<b>bold</b> & <img src=x onerror=alert(2)>\nsecond line"\n' >"$work/items.csv"
expect_exit 0 "$GAVEL" import "$db" items "$work/items.csv" --task t

# the feedback sheet: every item the files say an expert decided against
# ann03's vote, with its expert, reason and rule; markup escaped
"$py" "$gen" expect "$d" overruled ann03 >"$work/want"
expect_exit 0 "$GAVEL" report "$db" --annotator ann03 --format md
cp "$work/stdout" "$work/f.md"
grep -q '^# Feedback for ann03 (p)$' "$work/f.md" || fail "feedback title: $(head -n 1 "$work/f.md")"
"$py" - "$work/f.md" "$work/want" <<'PY' || fail "the feedback sheet's items are wrong"
import re, sys
text = open(sys.argv[1]).read()
want = open(sys.argv[2]).read().split()
listed = text.split("### Decided against your vote (")[1]
n = int(listed.split(")")[0])
rows = re.findall(r"^\| (item\d+) \|", listed, re.M)
assert n == len(want) and sorted(rows) == want, (n, rows, want)
# the matrix: its off-diagonal cells sum to the items listed
m = text.split("| you \\\\ expert |")[1].split("\n\n")[0].strip().split("\n")[1:]
cells = [[int(c) for c in r.strip("|").split("|")[1:]] for r in m[1:]]
off = sum(v for i, r in enumerate(cells) for j, v in enumerate(r) if i != j)
assert off == n, (off, n)
PY
# a decision with markup in its reason, on the item with markup in its text
sqlite3 "$db" "INSERT INTO decision(item, expert, label, reason, rule, at)
    SELECT i.id, 'ex', l.code, '<i>see</i> | *here*', 'R1', '2024-07-01T00:00:00Z'
    FROM item i JOIN label l ON l.task = i.task
    WHERE i.external_id = 'item001' AND l.value = 'fish'" || fail "decision insert failed"

expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 1000
cp "$work/stdout" "$work/stats.json"

# Markdown: structure and numbers; markup from data escaped
expect_exit 0 "$GAVEL" report "$db" --format md
cp "$work/stdout" "$work/r.md"
"$py" "$check" md "$work/r.md" "$work/stats.json" || fail "the Markdown report is wrong"
grep -q '<script' "$work/r.md" && fail "raw <script> in the Markdown"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/r.md" || fail "the name is not escaped in Markdown"

# HTML: parses, fetches nothing, no script; the same numbers
expect_exit 0 "$GAVEL" report "$db" -o "$work/r.html"
[ ! -s "$work/stdout" ] || fail "-o also wrote to standard output"
"$py" "$check" html "$work/r.html" "$work/stats.json" || fail "the HTML report is wrong"
grep -qi '<script' "$work/r.html" && fail "raw <script> in the HTML"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/r.html" || fail "the name is not shown as text"
ls -a "$work" | grep -q '^\.gavel-report' && fail "a temporary file was left behind"
# the same bytes on standard output, but for the time it was made
expect_exit 0 "$GAVEL" report "$db" -o -
sed 's/made [0-9TZ:-]* by/made X by/' "$work/stdout" >"$work/a"
sed 's/made [0-9TZ:-]* by/made X by/' "$work/r.html" >"$work/b"
cmp -s "$work/a" "$work/b" || fail "-o - differs from -o FILE"

# provenance: project, version, and an audit head the trail still holds (on
# a project written by gavel alone: the rows added above have no events)
head=$(sed -n 's/.*audit head <code>\([0-9a-f]\{64\}\)<\/code>.*/\1/p' "$work/r.html")
[ -n "$head" ] || fail "no audit head in the HTML"
expect_exit 0 "$GAVEL" init "$work/h.db"
expect_exit 0 "$GAVEL" import "$work/h.db" votes "$d/votes1.csv" --task t
expect_exit 0 "$GAVEL" report "$work/h.db" -o "$work/h.html"
hhead=$(sed -n 's/.*audit head <code>\([0-9a-f]\{64\}\)<\/code>.*/\1/p' "$work/h.html")
expect_exit 0 "$GAVEL" import "$work/h.db" votes "$d/votes2.csv" --task t
expect_exit 0 "$GAVEL" audit verify "$work/h.db" --head "$hhead"
expect_exit 1 "$GAVEL" audit verify "$work/h.db" --head "$head"
grep -qF "gavel $("$GAVEL" --version | cut -d' ' -f2)" "$work/r.html" || fail "no version in the HTML"
grep -q 'Project <b>p</b>' "$work/r.html" || fail "no project name in the HTML"
grep -qF "Audit head \`$head\`" "$work/r.md" || fail "no audit head in the Markdown"

# one task by name; an unknown one
expect_exit 0 "$GAVEL" report "$db" --task t --format md
expect_exit 1 "$GAVEL" report "$db" --task nope
grep -q "no task named 'nope'" "$work/stderr" || fail "$(cat "$work/stderr")"

expect_exit 0 "$GAVEL" report "$db" --annotator '<script>alert(1)</script>' -o "$work/f.html"
grep -qi '<script' "$work/f.html" && fail "raw <script> in the feedback sheet"
grep -qi '<img\|<b>bold' "$work/f.html" && fail "item text markup reached the feedback sheet"
grep -qF '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(2)&gt;<br>second line' \
    "$work/f.html" || fail "the item text is not shown as text"
grep -qF '&lt;i&gt;see&lt;/i&gt; | *here*' "$work/f.html" || fail "the reason is not shown as text"
expect_exit 0 "$GAVEL" report "$db" --annotator '<script>alert(1)</script>' --format md
grep -qF '&lt;i&gt;see&lt;/i&gt; \| \*here\*' "$work/stdout" || fail "the reason is not escaped in Markdown"
expect_exit 1 "$GAVEL" report "$db" --annotator nobody
grep -q "no annotator named 'nobody'" "$work/stderr" || fail "$(cat "$work/stderr")"

# -o: a failure leaves nothing; a rewrite replaces the file whole
expect_exit 1 "$GAVEL" report "$db" -o "$work/no/such/dir/r.html"
[ ! -e "$work/no" ] || fail "a failed report left something"
echo old >"$work/r.md"
expect_exit 0 "$GAVEL" report "$db" --format md -o "$work/r.md"
head -n 1 "$work/r.md" | grep -q '^# gavel report: p$' || fail "-o did not replace the file"

# empty projects say so
expect_exit 0 "$GAVEL" init "$work/e.db"
expect_exit 0 "$GAVEL" report "$work/e.db" --format md
grep -q "This project has no tasks yet" "$work/stdout" || fail "empty project: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" report "$work/e.db"
grep -q "This project has no tasks yet" "$work/stdout" || fail "empty project (HTML)"
printf 'item,text\na,first\nb,second\n' >"$work/only-items.csv"
expect_exit 0 "$GAVEL" import "$work/e.db" items "$work/only-items.csv" --task q
expect_exit 0 "$GAVEL" report "$work/e.db" --format md
# the task's two items are counted though they have no votes
grep -q "^2 items, no votes yet: there is nothing to measure" "$work/stdout" ||
	fail "no votes: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" report "$work/e.db" -o "$work/e.html"
"$py" - "$work/e.html" <<'PY' || fail "the empty report's HTML does not parse"
import html.parser, sys
html.parser.HTMLParser().feed(open(sys.argv[1]).read())
PY
grep -q "2 items, no votes yet" "$work/e.html" || fail "no votes (HTML)"
pass
