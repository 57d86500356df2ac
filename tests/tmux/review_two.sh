#!/bin/sh
# tmux: two experts on one database at once. ben opens the item ana holds
# (claimed: he cannot decide it); once she has decided it, his key moves him
# on; then each decides items concurrently; no item ends up decided twice
# and nothing is lost.
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
# ana decides r3 and moves on to r1; ben, still on r3 with a stale view, is
# told who decided it, writes nothing and moves on past r1 (ana's) to r2.
keys a 1
wait_for a "saved: r3 = negative"
keys b 3
wait_for b "r3 was decided by ana meanwhile; nothing of yours was written"
wait_for b "r2 | sentiment"
# ana decides r1 and passes r2 (ben's); ben steps back (p) onto r1, decided by
# ana, then forward to r2 again and decides it.
keys a 2
wait_for a "saved: r1 = neutral"
keys b p
wait_for b "already decided by ana"
keys b n
wait_for b "r2 | sentiment"
keys b 3
wait_for b "saved: r2 = positive"
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
