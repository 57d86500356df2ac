# Helpers for the tmux end-to-end tests: a private tmux server per test
# (its own socket, killed on exit), waiting for text on the pane, and the
# fixture project. Sourced, not run.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
sock=$work/tmux.sock
t() { tmux -S "$sock" "$@"; }
trap 't kill-server >/dev/null 2>&1; rm -rf "$work"' EXIT

# start NAME COLS ROWS CMD: a detached session running CMD in a shell, so the
# pane survives CMD and shows what it left behind.
start() {
	t new-session -d -s "$1" -x "$2" -y "$3" "sh" || fail "tmux new-session"
	t set-option -t "$1" -g remain-on-exit on >/dev/null 2>&1
	t send-keys -t "$1" "$4" Enter
}

# wait_for NAME TEXT [SECONDS]: until the pane shows TEXT.
wait_for() {
	i=0
	lim=$(( ${3:-5} * 10 ))
	while [ $i -lt $lim ]; do
		t capture-pane -p -t "$1" >"$work/pane" 2>/dev/null
		grep -qF -- "$2" "$work/pane" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "timed out waiting for '$2' on $1; the pane shows:
$(cat "$work/pane")"
}

keys() { t send-keys -t "$@"; }
