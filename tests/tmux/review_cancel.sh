#!/bin/sh
# tmux: a reason typed and cancelled is gone for good. r, type, wait past the
# autosave (the draft table holds the text then), Esc: the table is empty
# again; q, Enter on the same item: no "draft reason is back", and deciding
# saves no reason. (A hang-up keeps the draft: review_hangup.sh.)
set -u
. "$top_srcdir/tests/tmux/lib.sh"

ui_fixture "$GAVEL" "$work" || fail "fixture"
db=$work/p.db
draft() { sqlite3 "$db" "SELECT count(*) || ':' || COALESCE(max(text), '') FROM draft"; }
start s 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ana"
wait_for s "6 of 6 items"
keys s Enter
wait_for s "1:negative"
keys s r
keys s -l "WRONG ITEM REASON"
wait_for s "reason: WRONG ITEM REASON"
# The autosave runs every few seconds: wait until it has written the text.
i=0
while [ "$(draft)" != "1:WRONG ITEM REASON" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "no autosave within 10 s: $(draft)"
	sleep 0.1
done
keys s Escape
wait_for s "cancelled"
[ "$(draft)" = "0:" ] || fail "Esc left a draft: $(draft)"
keys s q
wait_for s "6 of 6 items"
keys s Enter
wait_for s "1:negative"
t capture-pane -p -t s >"$work/back"
grep -q "draft reason is back" "$work/back" && fail "a cancelled reason came back"
grep -q "WRONG ITEM" "$work/back" && fail "the cancelled text is on the screen"
keys s 1
wait_for s "saved: r3 = negative"
row=$(sqlite3 "$db" "SELECT COALESCE(reason, '-') || '|' || COALESCE(rule, '-') FROM decision")
[ "$row" = "-|-" ] || fail "the decision carries a reason: $row"
[ "$(sqlite3 "$db" "SELECT count(*) FROM event WHERE detail LIKE '%WRONG ITEM%'")" = 0 ] ||
	fail "the cancelled reason reached the audit trail"
keys s q
keys s q
"$GAVEL" audit verify "$db" >/dev/null || fail "audit verify failed"
pass
