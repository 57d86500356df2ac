#!/bin/sh
# A streamed import into a new task (a votes file past the memory budget's
# share, no item there before) computes its rows on one thread and hands
# them to the writer a chunk of 1 MB at a time, at most four waiting. Here
# 400,000 votes on 100,000 items (string ids, rows shuffled), over a 1 MB
# budget, make about a dozen chunks, so the thread that computes them waits
# for the writer; the project must be the one the same import in memory
# makes. A repeated vote on an item near the end of the order fails the
# computing thread after the writer has taken chunks: the same message as
# in memory and nothing written. The audit event records the file's
# SHA-256, hashed on a thread beside the reader. And the writer failing (the K-th SQLite
# allocation, K spread over the import, with
# tests/reliability/gavel-fault) while the other thread waits for room must
# stop both: exit 1 with a message, the project as before, within a minute.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
mkdir "$work/tmp"

tables() {
    for t in item item_votes annotator label task task_tally; do
        sqlite3 "$1" ".dump $t"
    done
}

# shuffled N: N votes on N/4 items, 4 annotators each, in an order far from
# grouped (a stride prime to N).
shuffled() {
    awk -v n="$1" 'BEGIN { print "item,annotator,label"
        m = n / 4
        for (j = 0; j < n; j++) {
            i = (j * 7919) % n; it = i % m; k = int(i / m)
            printf "item-%06d,ann%d,l%d\n", it, k * 10 + it % 10, (it * 3 + k) % 5 } }'
}

# imp NAME ENV...: a new project NAME.db, then the import of $work/in.csv
# with ENV set; exit code and output in NAME.out, messages in NAME.err.
imp() {
    name=$1
    shift
    rm -f "$work/$name.db"
    "$GAVEL" init "$work/$name.db" >/dev/null || fail "init"
    env "$@" "$GAVEL" import "$work/$name.db" votes "$work/in.csv" --task t \
        >"$work/$name.out" 2>"$work/$name.err"
    echo "exit $?" >>"$work/$name.out"
}

shuffled 400000 >"$work/in.csv"
imp mem GAVEL_IMPORT_MEM=
imp spill GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp"
grep -q "exit 0" "$work/mem.out" || fail "in memory: $(cat "$work/mem.err")"
cmp -s "$work/mem.out" "$work/spill.out" ||
    fail "output differs: $(cat "$work/mem.out") / $(cat "$work/spill.out")"
tables "$work/mem.db" >"$work/mem.tables"
tables "$work/spill.db" >"$work/spill.tables"
[ "$(sqlite3 "$work/spill.db" 'SELECT count(*) FROM item_votes')" = 100000 ] ||
    fail "not 100,000 item_votes rows"
cmp -s "$work/mem.tables" "$work/spill.tables" ||
    fail "tables differ ($(diff "$work/mem.tables" "$work/spill.tables" | head -c 400))"
[ -z "$(ls -A "$work/tmp")" ] || fail "a spill file was left"
# The file's hash, computed beside the reader (mapped) or after it (read
# from standard input), is the file's.
sha=$(sha256sum "$work/in.csv" | cut -d' ' -f1)
recorded() { sqlite3 "$1" "SELECT json_extract(detail, '$.sha256') FROM event WHERE action = 'import'"; }
[ "$(recorded "$work/spill.db")" = "$sha" ] || fail "sha256 $(recorded "$work/spill.db"), not $sha"
"$GAVEL" init "$work/stdin.db" >/dev/null || fail "init"
GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp" "$GAVEL" import "$work/stdin.db" votes - --task t \
    <"$work/in.csv" >/dev/null 2>&1 || fail "import from standard input"
[ "$(recorded "$work/stdin.db")" = "$sha" ] || fail "stdin: sha256 $(recorded "$work/stdin.db")"
# Over a 1 MB budget the hash may run only a third of it ahead of the
# parser, and waits: a file that fails near its end must still stop it,
# the import exiting 1 at once with the line named.
cp "$work/in.csv" "$work/bad.csv"
printf 'item-000001,ann1,"open\n' >>"$work/bad.csv"
"$GAVEL" init "$work/bad.db" >/dev/null || fail "init"
GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp" timeout 60 "$GAVEL" import "$work/bad.db" votes \
    "$work/bad.csv" --task t >/dev/null 2>"$work/bad.err"
rc=$?
[ "$rc" = 1 ] || fail "a bad last row: exit $rc (124: hung): $(cat "$work/bad.err")"
grep -q "bad.csv:400002:" "$work/bad.err" || fail "a bad last row: $(cat "$work/bad.err")"

# A repeated vote late in the items' order: refused after chunks were
# written, as in memory.
echo "item-099998,ann8,l1" >>"$work/in.csv"
imp dmem GAVEL_IMPORT_MEM=
imp dspill GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp"
grep -q "exit 1" "$work/dspill.out" || fail "repeat accepted: $(cat "$work/dspill.out")"
grep -q "in.csv:400002.*duplicate vote by annotator 'ann8'" "$work/dspill.err" ||
    fail "repeat: $(cat "$work/dspill.err")"
cmp -s "$work/dmem.err" "$work/dspill.err" ||
    fail "repeat: messages differ: $(cat "$work/dmem.err") / $(cat "$work/dspill.err")"
[ "$(sqlite3 "$work/dspill.db" 'SELECT count(*) FROM item')" = 0 ] || fail "repeat: items written"

fault=$(dirname "$GAVEL")/tests/reliability/gavel-fault
[ -x "$fault" ] || skip "$fault is not built (the rest passed)"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) is not installed (the rest passed)"
shuffled 400000 >"$work/in.csv"
rm -f "$work/f.db" "$work/count"
"$GAVEL" init "$work/f.db" >/dev/null || fail "init"
cp "$work/f.db" "$work/f0.db"
before=$(tables "$work/f0.db")
GAVEL_FAULT=malloc:999999999 GAVEL_FAULT_COUNT=$work/count GAVEL_IMPORT_MEM=1M \
    TMPDIR="$work/tmp" "$fault" import "$work/f.db" votes "$work/in.csv" --task t \
    >/dev/null 2>&1 || fail "no fault: the import failed"
total=$(cat "$work/count")
[ "$total" -gt 1000 ] || fail "only $total SQLite allocations counted"
whole=$(tables "$work/f.db")
# K over the second half of the import's allocations (the writing), where
# the other thread has chunks waiting. SQLite does without a few of its
# allocations (a page for its cache: it reuses one instead), so a fault
# may let the import finish: then the project must be the whole import,
# and most of the faults must still fail it.
failed=0
for tenth in 5 6 7 8 9; do
    k=$((total * tenth / 10))
    cp "$work/f0.db" "$work/f.db"
    rm -f "$work/f.db-wal" "$work/f.db-shm"
    GAVEL_FAULT=malloc:$k GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp" timeout 60 \
        "$fault" import "$work/f.db" votes "$work/in.csv" --task t \
        >"$work/stdout" 2>"$work/stderr"
    rc=$?
    [ -z "$(ls -A "$work/tmp")" ] || fail "malloc:$k: a spill file was left"
    if [ "$rc" = 0 ]; then
        [ "$(tables "$work/f.db")" = "$whole" ] ||
            fail "malloc:$k: exit 0 with a project unlike the import's without a fault"
        continue
    fi
    [ "$rc" = 1 ] || fail "malloc:$k of $total: exit $rc (124: hung): $(head -c 300 "$work/stderr")"
    grep -q '^gavel: ..' "$work/stderr" || fail "malloc:$k: unclear: $(cat "$work/stderr")"
    [ "$(tables "$work/f.db")" = "$before" ] || fail "malloc:$k: the project changed"
    failed=$((failed + 1))
done
[ "$failed" -ge 3 ] || fail "only $failed of 5 faults in the writing failed the import"
pass
