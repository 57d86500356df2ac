#!/bin/sh
# Headless snapshots of the review screen: every screen at 80x24 and 132x43
# (queue, item with ANSI/OSC escapes and control characters, CJK and emoji,
# bidi controls, help, decide flow, too small; at 132x43 also history, the
# scrolled evidence pane and the queue picker; the calibration view on a
# project with expert decisions and two models; the dashboard's sections with
# and without colour, a drill-down and back; an item in conflict after a
# packet's merge) compared with tests/ui/expected/. Event times are masked
# with TIME, the seconds a decision took with N and packet ids with p-ID. To accept new screens after a
# deliberate change run:  GAVEL_UI_ACCEPT=1 make check TESTS=tests/cli/ui_snapshots.sh
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
expected=$top_srcdir/tests/ui/expected
mkdir -p "$work/dumps"
for keys in screens decide wide; do
	"$GAVEL" review "$work/p.db" --as ana --headless --size 80x24 \
		--script "$top_srcdir/tests/ui/$keys.keys" --dump-dir "$work/dumps" \
		>"$work/out" 2>&1 || fail "$keys.keys: exit $?: $(head -c 300 "$work/out")"
done
mkdir -p "$work/cal"
ui_fixture_calib "$GAVEL" "$work/cal" || fail "could not build the calibration fixture"
"$GAVEL" review "$work/cal/p.db" --as ana --headless --size 80x24 \
	--script "$top_srcdir/tests/ui/calib.keys" --dump-dir "$work/dumps" \
	>"$work/out" 2>&1 || fail "calib.keys: exit $?: $(head -c 300 "$work/out")"
# The dashboard on the calibration project (decisions, two models), every
# section without colour (shading) and with it (the dump holds the text; the
# colours are the ramp's), then the review fixture's, which has no decision.
mkdir -p "$work/dcol"
"$GAVEL" dashboard "$work/cal/p.db" --headless --no-color \
	--script "$top_srcdir/tests/ui/dash.keys" --dump-dir "$work/dumps" \
	>"$work/out" 2>&1 || fail "dash.keys: exit $?: $(head -c 300 "$work/out")"
"$GAVEL" dashboard "$work/cal/p.db" --headless \
	--script "$top_srcdir/tests/ui/dash.keys" --dump-dir "$work/dcol" \
	>"$work/out" 2>&1 || fail "dash.keys (colour): exit $?: $(head -c 300 "$work/out")"
for f in "$work"/dcol/*.txt; do
	mv "$f" "$work/dumps/$(basename "$f" .txt)-color.txt"
done
"$GAVEL" review "$work/p.db" --as ana --headless --no-color \
	--script "$top_srcdir/tests/ui/dash-review.keys" --dump-dir "$work/dumps" \
	>"$work/out" 2>&1 || fail "dash-review.keys: exit $?: $(head -c 300 "$work/out")"
# The conflict block: an item decided here and offline (bidi overrides in
# both reasons), at 80x24 (stacked) and 132x43 (side by side).
mkdir -p "$work/cf"
ui_fixture_conflict "$GAVEL" "$work/cf" || fail "could not build the conflict fixture"
"$GAVEL" review "$work/cf/p.db" --as lee --queue conflicts --read-only --headless --size 80x24 \
	--script "$top_srcdir/tests/ui/conflict.keys" --dump-dir "$work/dumps" \
	>"$work/out" 2>&1 || fail "conflict.keys: exit $?: $(head -c 300 "$work/out")"

esc=$(printf '\033')
status=0
for f in "$work"/dumps/*.txt; do
	name=$(basename "$f")
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}[0-9:.]*Z?/TIME/g' \
		-e 's/ in [0-9]+ s( |$)/ in N s\1/g' -e 's/p-[0-9a-f]{12}/p-ID/g' "$f" >"$f.norm"
	if grep -q "$esc" "$f"; then
		echo "FAIL $name: an escape character reached the screen" >&2
		status=1
	fi
	if [ "${GAVEL_UI_ACCEPT:-}" = 1 ]; then
		cp "$f.norm" "$expected/$name"
		continue
	fi
	if [ ! -f "$expected/$name" ]; then
		echo "FAIL $name: no expected screen tests/ui/expected/$name" >&2
		status=1
	elif ! diff -u "$expected/$name" "$f.norm" >&2; then
		echo "FAIL $name differs from tests/ui/expected/$name" >&2
		status=1
	fi
done
for e in "$expected"/*.txt; do
	[ -f "$work/dumps/$(basename "$e")" ] || { echo "FAIL $(basename "$e"): not produced" >&2; status=1; }
done
if [ $status != 0 ]; then
	echo "To accept the new screens: GAVEL_UI_ACCEPT=1 make check TESTS=tests/cli/ui_snapshots.sh" >&2
	echo "  (or copy them by hand: cp $work/dumps/NAME.txt.norm $expected/NAME.txt)" >&2
	trap - EXIT
	fail "screens differ; the new ones are kept in $work/dumps"
fi
pass
