#!/bin/sh
# gavel export to a terminal: text from data passes the sanitiser (no escape
# sequence reaches the terminal), while a pipe or file gets the exact bytes.
# script(1) gives the export a pseudo-terminal.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v script >/dev/null 2>&1 || skip "script(1) is not installed"

db=$work/p.db
expect_exit 0 "$GAVEL" init "$db"
printf 'item,annotator,label\ni1,a,"x\033]2;PWNED\007"\ni1,b,y\n' >"$work/v.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/v.csv" --task t
esc=$(printf '\033')
# To a pipe: the label as it is in the data.
"$GAVEL" export "$db" --task t --no-ds >"$work/pipe.csv" 2>/dev/null || fail "export to a pipe"
grep -q "$esc" "$work/pipe.csv" || fail "the export to a pipe lost the data's ESC"
# To a terminal: shown, not sent.
script -qec "$GAVEL export $db --task t --no-ds 2>/dev/null" /dev/null >"$work/tty.out" </dev/null ||
    fail "export to a terminal exited $?"
grep -q "$esc" "$work/tty.out" && fail "an escape sequence reached the terminal: $(od -c "$work/tty.out" | head)"
grep -qF 'x^[]2;PWNED^G' "$work/tty.out" || fail "the label is not shown sanitised: $(cat "$work/tty.out")"
pass
