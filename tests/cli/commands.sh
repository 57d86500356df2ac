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
