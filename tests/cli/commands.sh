#!/bin/sh
# The command line's contract: --help on every command, --version, and exit
# codes that mean something (0 success, 1 bad input or failed check, 2 usage).
set -u
. "$top_srcdir/tests/cli/lib.sh"

out=$("$GAVEL" --version) || fail "--version exited $?"
case $out in "gavel "[0-9]*) ;; *) fail "--version printed '$out'" ;; esac

"$GAVEL" --help | grep -q '^Usage: gavel' || fail "gavel --help has no usage line"
expect_exit 2 "$GAVEL"
expect_exit 2 "$GAVEL" no-such-command

for cmd in init import stats queue export guide expert audit review; do
    "$GAVEL" "$cmd" --help >"$work/help" 2>&1 || fail "gavel $cmd --help exited $?"
    grep -q "^Usage: gavel $cmd" "$work/help" || fail "gavel $cmd --help has no usage line"
    expect_exit 2 "$GAVEL" "$cmd" --no-such-option
done

# A bad option gets one message in every command, from cli.c, with a "did you
# mean" for a near miss: each long option its --help lists, misspelt (last
# letter replaced), is suggested back. getopt's own messages stay off.
for cmd in init import stats queue export guide expert audit review; do
    case $cmd in guide) sub=check ;; expert) sub=list ;; audit) sub=log ;; *) sub= ;; esac
    longs=$("$GAVEL" "$cmd" --help | sed -n '/^Options:/,$p' |
        grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | sed 's/.*--//')
    [ -n "$longs" ] || fail "gavel $cmd --help lists no long options"
    for opt in $longs; do
        typo=${opt%?}x
        expect_exit 2 "$GAVEL" "$cmd" $sub "--$typo"
        first=$(head -n 1 "$work/stderr")
        [ "$first" = "gavel $cmd: unknown option '--$typo'; did you mean '--$opt'?" ] ||
            fail "gavel $cmd --$typo said: $(cat "$work/stderr")"
        [ "$(sed -n 2p "$work/stderr")" = "Try 'gavel $cmd --help'." ] ||
            fail "gavel $cmd --$typo: no help hint: $(cat "$work/stderr")"
        [ "$(wc -l <"$work/stderr")" -eq 2 ] || fail "gavel $cmd --$typo: $(cat "$work/stderr")"
    done
done
expect_exit 2 "$GAVEL" stats x.db --task
grep -qx "gavel stats: option '--task' needs a value" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" queue x.db --json=yes
grep -qx "gavel queue: option '--json' takes no value" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" review x.db --s 80x24
grep -qx "gavel review: option '--s' is ambiguous (--size, --script)" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" export x.db -Z
grep -qx "gavel export: unknown option '-Z'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" audit log x.db "--$(printf '\033')[31mred"
grep -q "unknown option '--^\[\[31mred'" "$work/stderr" || fail "escape echoed: $(cat -v "$work/stderr")"
expect_exit 2 "$GAVEL" improt x.db votes f.csv
grep -qx "gavel: unknown command 'improt'; did you mean 'import'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" --verison
grep -qx "gavel: unknown option '--verison'; did you mean '--version'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" guide chek f.yaml
grep -qx "gavel guide: unknown subcommand 'chek'; did you mean 'check'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"

# Usage errors are 2, runtime failures 1.
expect_exit 2 "$GAVEL" init
expect_exit 2 "$GAVEL" export
expect_exit 0 "$GAVEL" init "$work/p.db"
expect_exit 1 "$GAVEL" init "$work/p.db"
expect_exit 1 "$GAVEL" stats "$work/missing.db"
printf 'not a database at all' >"$work/junk.db"
expect_exit 1 "$GAVEL" stats "$work/junk.db"
grep -q 'not a gavel project' "$work/stderr" || fail "junk database: $(cat "$work/stderr")"

# The OS user who ran init is the first lead, found by uid.
"$GAVEL" expert list "$work/p.db" --json >"$work/experts" || fail "expert list exited $?"
grep -q "\"role\":\"lead\",\"uid\":$(id -u)," "$work/experts" ||
    fail "init did not make uid $(id -u) a lead: $(cat "$work/experts")"
expect_exit 0 "$GAVEL" expert add "$work/p.db" alice --role viewer
expect_exit 2 "$GAVEL" expert add "$work/p.db" bob --role boss
"$GAVEL" expert list "$work/p.db" | grep -q '^alice  *viewer' || fail "alice not listed as viewer"
pass
