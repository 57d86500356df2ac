# Shared helpers for the shell tests: a scratch directory, failure reporting
# and exit-code checks. Sourced, not run.
[ -n "${GAVEL:-}" ] || { echo "GAVEL is not set (run through make check)"; exit 99; }
work=$(mktemp -d "${TMPDIR:-/tmp}/gavel-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
test_name=$(basename "$0" .sh)

fail() {
    echo "FAIL $test_name: $*" >&2
    exit 1
}

pass() {
    echo "PASS $test_name"
    exit 0
}

skip() {
    echo "SKIP $test_name: $*"
    exit 77
}

# expect_exit CODE CMD...: run CMD with stdout/stderr in $work/stdout, $work/stderr.
expect_exit() {
    want=$1
    shift
    "$@" >"$work/stdout" 2>"$work/stderr"
    got=$?
    [ "$got" = "$want" ] || fail "exit $got, wanted $want: $* ($(head -c 300 "$work/stderr"))"
}

# dump DB: a logical dump of a database, to compare before and after.
dump() {
    sqlite3 "$1" .dump
}
