#!/bin/sh
# dash_keys: the dashboard from review, headless. d opens it from the item
# view (the footer says d:dash) unless the item's guideline gives d to a
# label: there d decides that label and never opens the dashboard, and the
# footer and the help screen give D. A drill-down where an item is decided
# returns, on q, to the same cell, and after the background computation
# (a headless script waits for it before its next line) the figures count
# the new decision.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
mkdir -p "$work/d"
decisions() {
	sqlite3 "$db" "SELECT count(*) FROM decision"
}

# 1. The fixture's task has no label keys: d in the item view opens the
# dashboard, and q goes back to the item.
cat >"$work/open.keys" <<'EOF'
<Enter>
:dump item
d
:dump dash
q
:dump item-again
<C-c>
EOF
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --size 132x43 --script "$work/open.keys" \
	--dump-dir "$work/d"
tail -1 "$work/d/item.txt" | grep -q ' d:dash' || fail "item footer: $(tail -1 "$work/d/item.txt")"
head -1 "$work/d/dash.txt" | grep -q 'gavel dashboard' || fail "d did not open the dashboard"
head -1 "$work/d/item-again.txt" | grep -q 'gavel review' || fail "q did not go back"
[ "$(decisions)" = 0 ] || fail "d decided"

# 2. A guideline that gives d to neutral: d decides it, D opens the
# dashboard, and the footer and the help screen say so.
sed 's/^\(  *\)- value: neutral$/&\n\1  key: d/' "$top_srcdir/guidelines/example.yaml" \
	>"$work/g.yaml"
grep -q '^ *key: d$' "$work/g.yaml" || fail "could not give neutral the key d"
"$GAVEL" guide load "$db" "$work/g.yaml" >/dev/null 2>"$work/err" ||
	fail "guide load: $(cat "$work/err")"
cat >"$work/label.keys" <<'EOF'
<Enter>
:dump label-item
?
G
:dump label-help
q
D
:dump label-dash
q
d
:dump label-decided
<C-c>
EOF
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --size 132x43 --script "$work/label.keys" \
	--dump-dir "$work/d"
foot=$(tail -1 "$work/d/label-item.txt")
echo "$foot" | grep -q 'd:neutral' || fail "no d:neutral in the footer: $foot"
echo "$foot" | grep -q ' D:dash' || fail "no D:dash in the footer: $foot"
echo "$foot" | grep -q ' d:dash' && fail "d:dash in the footer though d decides: $foot"
grep -q 'On this item d decides label neutral' "$work/d/label-help.txt" ||
	fail "help: $(cat "$work/d/label-help.txt")"
head -1 "$work/d/label-dash.txt" | grep -q 'gavel dashboard' || fail "D did not open the dashboard"
head -1 "$work/d/label-decided.txt" | grep -q 'gavel review' || fail "d opened the dashboard"
got=$(sqlite3 "$db" "SELECT l.value FROM decision d JOIN item i ON i.id = d.item
	JOIN label l ON l.task = i.task AND l.code = d.label")
[ "$got" = neutral ] || fail "d decided '$got', wanted neutral"

# 3. Drill down from the Pairs cell alice vs bob, decide an item there
# (the second: the first, r3, was decided above), q twice: the same cell,
# and the figures count the decision.
cat >"$work/drill.keys" <<'EOF'
d
<Tab>
<Tab>
<Tab>
<Right>
:dump before
<Enter>
:dump drill
j
<Enter>
1
q
q
:dump after
<C-c>
EOF
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --size 132x43 \
	--script "$work/drill.keys" --dump-dir "$work/d"
[ "$(decisions)" = 2 ] || fail "the drill-down's decision was not saved ($(decisions))"
grep -q 'alice vs bob: [0-9]* disagreement' "$work/d/drill.txt" || fail "no drill-down queue"
status() {
	sed -n '42p' "$work/d/$1.txt"
}
[ "$(status before)" = "$(status after)" ] ||
	fail "not the same cell: '$(status before)' then '$(status after)'"
status after | grep -q '^alice vs bob:' || fail "status line: $(status after)"
sed -n 2p "$work/d/after.txt" | grep -q '^ Pairs: task sentiment' ||
	fail "title: $(sed -n 2p "$work/d/after.txt")"
grep -q 'updating' "$work/d/after.txt" && fail "still updating after the poll"
grep -q 'decided 1,' "$work/d/before.txt" || fail "before: $(grep decided "$work/d/before.txt")"
grep -q 'decided 2,' "$work/d/after.txt" || fail "after: $(grep decided "$work/d/after.txt")"
pass
