#!/bin/sh
# tmux: kill -HUP while typing a reason: the process is gone within a second,
# the draft comes back on restart, and no decision is lost.
set -u
. "$top_srcdir/tests/tmux/lib.sh"

ui_fixture "$GAVEL" "$work" || fail "fixture"
db=$work/p.db
start s 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ana"
wait_for s "6 of 6 items"
keys s Enter
wait_for s "1:negative"
keys s 1
wait_for s "saved: r3 = negative"
keys s r
keys s -l "typed before the line dropped"
wait_for s "reason: typed before the line dropped"
pid=$(t display-message -p -t s '#{pane_pid}')
# Alive means running: a zombie waiting for tmux to reap it has ended.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat"; }
t0=$(date +%s%N)
kill -HUP "$pid" || fail "kill -HUP"
while alive "$pid"; do
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -le 1000 ] || fail "still running $ms ms after SIGHUP: $(cat "/proc/$pid/stat" 2>&1)"
	sleep 0.02
done
echo "gone $(( ($(date +%s%N) - t0) / 1000000 )) ms after SIGHUP"
[ "$(sqlite3 "$db" "SELECT text FROM draft WHERE expert = 'ana'")" = "typed before the line dropped" ] ||
	fail "draft not saved"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM decision')" = 1 ] || fail "the decision was lost"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM claim')" = 1 ] || true
t kill-session -t s 2>/dev/null
start s2 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ana"
wait_for s2 "5 of 5 items"
keys s2 Enter
wait_for s2 "your draft reason is back"
wait_for s2 "reason: typed before the line dropped"
"$GAVEL" audit verify "$db" >/dev/null || fail "audit verify failed"
pass
