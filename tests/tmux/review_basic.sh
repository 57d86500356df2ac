#!/bin/sh
# tmux: on a real terminal, decide three items and quit (three decisions and
# events, the audit chain verifies, the terminal is restored: the shell
# prompt and earlier output are back, no alternate screen left); resize the
# item view live, below 80x24 and back.
set -u
. "$top_srcdir/tests/tmux/lib.sh"

ui_fixture "$GAVEL" "$work" || fail "fixture"
db=$work/p.db
start s 80 24 "PS1='READY> '; export PS1; clear; echo before-review; TERM=xterm-256color $GAVEL review $db --as ana; echo exit=\$?"
wait_for s "6 of 6 items"
keys s Enter
wait_for s "1:negative"
keys s 1
wait_for s "saved: r3 = negative"
# Resize the item view: too small, then wide, then back.
t resize-window -t s -x 70 -y 20
wait_for s "gavel needs at least 80x24"
t resize-window -t s -x 132 -y 43
wait_for s "Guideline 2.1"
t capture-pane -p -t s >"$work/wide"
[ "$(awk 'length > 100' "$work/wide" | wc -l)" -gt 0 ] || fail "wide layout not used"
t resize-window -t s -x 80 -y 24
wait_for s "1:negative"
keys s 3
wait_for s "saved: r1 = positive"
keys s 2
wait_for s "saved: r2 = neutral"
keys s q
wait_for s "6 of 6 items"
keys s q
wait_for s "exit=0"
wait_for s "before-review"
t capture-pane -p -t s >"$work/after"
grep -q "gavel review |" "$work/after" && fail "the review screen was left on the terminal"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM decision')" = 3 ] || fail "wanted 3 decisions"
[ "$(sqlite3 "$db" "SELECT count(*) FROM event WHERE action = 'decide'")" = 3 ] || fail "events"
"$GAVEL" audit verify "$db" >/dev/null || fail "audit verify failed"
pass
