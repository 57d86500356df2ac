# Shared helpers for the shell tests: a scratch directory, failure reporting,
# exit-code checks and the comparison of an import in memory with the same
# import spilled. Sourced, not run.
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

# spill_same NAME ARGS...: for the tests of an import over its memory
# budget: `gavel import DB ARGS` twice, in memory and over a budget of 2 KB
# (GAVEL_IMPORT_MEM) spilling into $work/tmp, each into its own copy
# $work/NAME-mem.db and $work/NAME-spill.db of $work/NAME.db (of a new
# project when there is none). The exit codes and output ($work/mem.out,
# $work/spill.out), the messages ($work/mem.err, $work/spill.err; compared
# with the databases' paths masked) and what the calling test's own
# `tables DB` prints ($work/mem.tables, $work/spill.tables) must be the
# same, and $work/tmp empty afterwards.
spill_same() {
    name=$1
    shift
    mkdir -p "$work/tmp"
    for how in mem spill; do
        db=$work/$name-$how.db
        if [ -f "$work/$name.db" ]; then
            cp "$work/$name.db" "$db"
        else
            "$GAVEL" init "$db" >/dev/null || fail "init"
        fi
        if [ "$how" = mem ]; then
            "$GAVEL" import "$db" "$@"
        else
            GAVEL_IMPORT_MEM=2K TMPDIR="$work/tmp" "$GAVEL" import "$db" "$@"
        fi >"$work/$how.out" 2>"$work/$how.err"
        echo "exit $?" >>"$work/$how.out"
        tables "$db" >"$work/$how.tables"
        sed "s|$work/[a-z_-]*.db|DB|" "$work/$how.err" >"$work/$how.err2"
    done
    cmp -s "$work/mem.out" "$work/spill.out" ||
        fail "$name $*: output differs: $(cat "$work/mem.out") / $(cat "$work/spill.out")"
    cmp -s "$work/mem.err2" "$work/spill.err2" ||
        fail "$name $*: message differs: $(cat "$work/mem.err") / $(cat "$work/spill.err")"
    cmp -s "$work/mem.tables" "$work/spill.tables" ||
        fail "$name $*: tables differ ($(diff "$work/mem.tables" "$work/spill.tables" | head -c 400))"
    [ -z "$(ls -A "$work/tmp")" ] || fail "$name: a spill file was left: $(ls -A "$work/tmp")"
}
