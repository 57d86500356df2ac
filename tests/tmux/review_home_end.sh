#!/bin/sh
# tmux: Home and End work under TERM=xterm-256color whichever sequence the
# terminal sends for them: tmux's own keys (ESC [1~ and ESC [4~), xterm's in
# normal and application cursor mode (ESC [H / ESC [F, ESC O H / ESC O F)
# and rxvt's (ESC [7~ / ESC [8~). In the queue they go to the first and the
# last row (Enter then opens item 1/6 or 6/6); in a prompt they move the
# cursor to the start and the end of the entry. None of them may act as Esc.
set -u
. "$top_srcdir/tests/tmux/lib.sh"

ui_fixture "$GAVEL" "$work" || fail "fixture"
db=$work/p.db
start s 80 24 "TERM=xterm-256color exec $GAVEL review $db --as ana --read-only"
wait_for s "6 of 6 items"

# end_then_home NAME END-KEYS HOME-KEYS: End, Enter shows the last item;
# back, Home, Enter shows the first. Keys are send-keys arguments.
end_then_home() {
	# shellcheck disable=SC2086
	keys s $2
	keys s Enter
	wait_for s "| 6/6" 3 || fail "$1: End did not reach the last row"
	keys s q
	wait_for s "6 of 6 items"
	# shellcheck disable=SC2086
	keys s $3
	keys s Enter
	wait_for s "| 1/6" 3 || fail "$1: Home did not reach the first row"
	keys s q
	wait_for s "6 of 6 items"
	t capture-pane -p -t s >"$work/pane"
	grep -q "not bound here" "$work/pane" && fail "$1: a stray key: $(cat "$work/pane")"
	return 0
}
end_then_home "tmux keys" End Home
end_then_home "ESC [4~ / ESC [1~" "-H 1b 5b 34 7e" "-H 1b 5b 31 7e"
end_then_home "ESC [F / ESC [H" "-H 1b 5b 46" "-H 1b 5b 48"
end_then_home "ESC O F / ESC O H" "-H 1b 4f 46" "-H 1b 4f 48"
end_then_home "ESC [8~ / ESC [7~" "-H 1b 5b 38 7e" "-H 1b 5b 37 7e"

# In the search prompt: Home, type, End, type.
keys s /
keys s -l "mid"
wait_for s "/mid"
keys s Home
keys s -l "A"
keys s End
keys s -l "Z"
wait_for s "/AmidZ" 3
keys s -H 1b 5b 31 7e
keys s -l "B"
keys s -H 1b 4f 46
keys s -l "Y"
wait_for s "/BAmidZY" 3
keys s Escape
wait_for s "cancelled"
keys s q
pass
