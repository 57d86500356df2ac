#!/bin/sh
# The HTML report in a real browser: Debian's chromium, headless, with
# networking off (a proxy on the discard port, every host name unresolvable,
# background services off) and a net log that must record no request but
# the file itself. It renders the report to a PNG that must decode, be large
# and not blank; prints it to PDF (A4, checked with pdfinfo) whose text
# (pdftotext) must hold the report's figures; and dumps the DOM, where the
# annotator called <script>alert(1)</script> must be text and no script
# element may exist. ./quickstart test installs chromium and poppler-utils;
# without chromium (not installable here) the test is skipped.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
gen=$top_srcdir/tests/ref/lead_check.py
check=$top_srcdir/tests/ref/report_check.py
[ -x "$py" ] || skip "$py is missing"
chrome=
for c in chromium chromium-browser; do
    command -v "$c" >/dev/null 2>&1 && chrome=$c && break
done
[ -n "$chrome" ] || skip "chromium is not installed (./quickstart test installs it)"

d=$work/p
db=$d/p.db
mkdir -p "$d"
"$py" "$gen" gen 9 "$d" || fail "generator failed"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes1.csv" --task t
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes2.csv" --task t
expect_exit 0 "$GAVEL" import "$db" decisions "$d/decisions.csv" --task t --expert ex
printf 'item,annotator,label\nitem001,<script>alert(1)</script>,cat\nitem002,<script>alert(1)</script>,dog\n' \
    >"$work/inj.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/inj.csv" --task t
expect_exit 0 "$GAVEL" stats "$db" --json --bootstrap 1000
cp "$work/stdout" "$work/stats.json"
expect_exit 0 "$GAVEL" report "$db" -o "$work/r.html"

# run_chrome ARGS...: headless chromium on the report, offline, in a
# profile of its own; the net log goes to $work/net-N.json
runs=0
run_chrome() {
    runs=$((runs + 1))
    HOME=$work/home timeout 120 "$chrome" --headless --disable-gpu --no-sandbox \
        --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --disable-background-networking --disable-component-update --disable-default-apps \
        --disable-sync --disable-extensions --no-first-run --mute-audio \
        --user-data-dir="$work/profile" --log-net-log="$work/net-$runs.json" \
        "$@" "file://$work/r.html" >"$work/chrome.out" 2>"$work/chrome.err"
}
mkdir -p "$work/home"

run_chrome --window-size=1000,2600 --screenshot="$work/r.png" ||
    fail "chromium --screenshot failed: $(tail -n 3 "$work/chrome.err")"
[ -s "$work/r.png" ] || fail "chromium wrote no PNG"
"$py" "$check" png "$work/r.png" || fail "the rendered report looks wrong"

run_chrome --no-pdf-header-footer --print-to-pdf="$work/r.pdf" ||
    fail "chromium --print-to-pdf failed: $(tail -n 3 "$work/chrome.err")"
[ -s "$work/r.pdf" ] || fail "chromium wrote no PDF"
if command -v pdfinfo >/dev/null 2>&1; then
    pdfinfo "$work/r.pdf" >"$work/pdfinfo" || fail "pdfinfo failed"
    grep -q '^Page size: *59[45][.0-9]* x 84[12][.0-9]* pts (A4)' "$work/pdfinfo" ||
        fail "not printed on A4: $(grep 'Page size' "$work/pdfinfo")"
fi
if command -v pdftotext >/dev/null 2>&1; then
    pdftotext -enc UTF-8 "$work/r.pdf" "$work/r.txt" || fail "pdftotext failed"
    "$py" "$check" text "$work/r.txt" "$work/stats.json" || fail "the printed report lacks figures"
fi

run_chrome --dump-dom || fail "chromium --dump-dom failed: $(tail -n 3 "$work/chrome.err")"
cp "$work/chrome.out" "$work/dom.html"
grep -qi '<script' "$work/dom.html" && fail "the rendered page holds a script element"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/dom.html" || fail "the name is not text in the DOM"
"$py" "$check" dom "$work/dom.html" "$work/stats.json" || fail "the rendered DOM is wrong"

for n in $(seq "$runs"); do
    [ -s "$work/net-$n.json" ] || fail "chromium run $n wrote no net log"
    "$py" "$check" netlog "$work/net-$n.json" || fail "chromium run $n: the report fetched something"
done
# the net log check sees a page that does fetch
printf '<!DOCTYPE html><html><body><img src="http://example.com/x.png"></body></html>\n' \
    >"$work/r.html"
run_chrome --dump-dom || fail "chromium failed on the fetching page"
"$py" "$check" netlog "$work/net-$runs.json" 2>/dev/null &&
    fail "the net log check missed a page's request"
pass
