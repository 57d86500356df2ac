#!/bin/sh
# tmux: two experts on one database at once. ben opens the item ana holds
# (claimed: he cannot decide it); then each decides items concurrently; no
# item ends up decided twice and nothing is lost.
set -u
. "$top_srcdir/tests/tmux/lib.sh"

ui_fixture "$GAVEL" "$work" || fail "fixture"
db=$work/p.db
start a 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ana"
start b 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ben"
wait_for a "6 of 6 items"
wait_for b "6 of 6 items"
keys a Enter
wait_for a "1:negative"
keys b Enter
wait_for b "ana is working on this item"
keys b 2
wait_for b "nothing was written"
# ana decides r3; ben, still on r3 with a stale view, is refused again.
keys a 1
wait_for a "saved: r3 = negative"
keys b 3
wait_for b "nothing was written"
# ana decides r1 and moves on to r2; ben passes r1 (decided) and r2
# (claimed) and decides r4.
keys a 2
wait_for a "saved: r1 = neutral"
keys b n
wait_for b "already decided by ana"
keys b n
wait_for b "ana is working on this item"
keys b n
wait_for b "r4 | sentiment"
keys b 3
wait_for b "saved: r4 = positive"
keys a q
keys a q
keys b q
keys b q
sleep 0.5
dups=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT item FROM decision WHERE label IS NOT NULL
	GROUP BY item HAVING count(DISTINCT expert) > 1)")
[ "$dups" = 0 ] || fail "$dups items decided by both experts"
[ "$(sqlite3 "$db" "SELECT count(*) FROM decision WHERE expert = 'ana'")" -ge 2 ] || fail "ana lost"
[ "$(sqlite3 "$db" "SELECT count(*) FROM decision WHERE expert = 'ben'")" -ge 1 ] || fail "ben lost"
"$GAVEL" audit verify "$db" >/dev/null || fail "audit verify failed"
pass
