#!/bin/sh
# gavel import over its memory budget (GAVEL_IMPORT_MEM): a votes or items
# file past an eighth of the budget is streamed: its records are spilled to
# a temporary file in runs sorted by item id and merged while the rows are
# written, with no item interned. Every case is imported twice, in memory
# and over a budget of 2 KB (a run every 30 votes or so), and the two
# databases must hold the same items, votes, annotators, summaries and
# tallies, and give the same `gavel export` and `stats --json`: duplicates
# within the file (across runs) kept first or last or refused with the same
# message, votes added to items that existed before (found by a cursor over
# the task's items, or by a lookup each when the file is small beside the
# task), votes with times, comments and item text, items files with their
# repeats, votes grouped by item with items given again further on. The
# temporary directory stays empty after a success, a failure
# and a rejected file; every import, a new project's first too, runs in
# WAL mode; and 200,000 votes on 50,000 items imported over a
# 1 MB budget peak lower than in memory (the peak is read from the kernel's
# rusage through python3).
set -u
. "$top_srcdir/tests/cli/lib.sh"

mkdir "$work/tmp"

# tables DB: what an import writes, for comparing two databases (spill_same
# compares the import in memory and spilled with it).
tables() {
    for t in item item_votes annotator label task task_tally; do
        sqlite3 "$1" ".dump $t"
    done
    if "$GAVEL" export "$1" -o "$work/tables.export.csv" >/dev/null 2>&1; then
        cat "$work/tables.export.csv"
    fi
    # The audit trail's head hashes the import's time, and stats says when it
    # ran: everything else.
    "$GAVEL" stats "$1" --json --no-ds 2>/dev/null | sed 's/"audit_head":"[0-9a-f]*"//; s/"at":"[^"]*"//g'
}

# votes N SEED: N votes on 150 items by 9 annotators, in an order of the
# seed's LCG, with repeats of the same (item, annotator) far apart.
votes() {
    awk -v n="$1" -v s="$2" 'BEGIN {
        print "item,annotator,label"
        for (i = 0; i < n; i++) {
            s = (s * 1103515245 + 12345) % 2147483648; it = int(s / 65536) % 150
            s = (s * 1103515245 + 12345) % 2147483648; a = int(s / 65536) % 9
            s = (s * 1103515245 + 12345) % 2147483648; l = int(s / 65536) % 3
            printf "it%d,ann%d,l%d\n", it, a, l
        }
    }'
}

votes 900 1 >"$work/dups.csv"
# 900 draws of 1,350 (item, annotator) pairs: many repeats, across runs.
spill_same dups_first votes "$work/dups.csv" --task t --duplicates first
grep -q "duplicates* dropped" "$work/mem.out" || fail "no duplicates: $(cat "$work/mem.out")"
spill_same dups_last votes "$work/dups.csv" --task t --duplicates last
spill_same dups_refused votes "$work/dups.csv" --task t
grep -q "dups.csv:[0-9]*: duplicate vote by annotator" "$work/mem.err" ||
    fail "refused: $(cat "$work/mem.err")"

# Votes added to a project: existing items (their rows merged with the
# stored votes) and new ones.
"$GAVEL" init "$work/base.db" >/dev/null || fail "init"
votes 300 2 >"$work/first.csv"
"$GAVEL" import "$work/base.db" votes "$work/first.csv" --task t --duplicates last \
    >/dev/null || fail "first import"
votes 700 3 | sed 's/^it1\([0-9]\)/new\1/' >"$work/more.csv"
spill_same base votes "$work/more.csv" --task t --duplicates last
grep -q "items_added\|new item\|imported" "$work/mem.out" || fail "more: $(cat "$work/mem.out")"
spill_same base votes "$work/more.csv" --task t --duplicates first
# Refused against the stored votes: the database is unchanged.
spill_same base votes "$work/more.csv" --task t
grep -q "already has a vote\|duplicate vote" "$work/mem.err" || fail "$(cat "$work/mem.err")"
[ "$(tables "$work/base.db")" = "$(tables "$work/base-spill.db")" ] ||
    fail "a refused spilled import changed the database"

# Times and comments travel with each vote through the runs.
awk 'BEGIN { print "item,annotator,label,created_at,comment"
    for (i = 0; i < 400; i++)
        printf "c%d,a%d,x%d,2024-01-%02dT00:00:00Z,note %d\n", (i * 37) % 97, i % 5, i % 2,
            1 + i % 28, i }' >"$work/timed.csv"
spill_same timed votes "$work/timed.csv" --task t --duplicates last
grep -q '"at":"2024-01' "$work/mem.tables" || grep -q "2024-01" "$work/mem.tables" ||
    fail "timed: no times stored"

# Item text carried by the votes (the last one given wins) and items files,
# with text and metadata, repeated items kept first or last or refused.
awk 'BEGIN { print "item,annotator,label,text"
    for (i = 0; i < 300; i++)
        printf "t%d,a%d,x%d,text %d of t%d\n", (i * 41) % 83, i % 4, i % 3, i, (i * 41) % 83 }' \
    >"$work/texted.csv"
spill_same texted votes "$work/texted.csv" --task t --duplicates last
grep -q "text 2[0-9][0-9] of" "$work/mem.tables" || fail "texted: no text stored"
awk 'BEGIN { print "item,text,source"
    for (i = 0; i < 200; i++) printf "i%d,text %d,src%d\n", (i * 13) % 170, i, i % 7 }' \
    >"$work/items.csv"
spill_same items_first items "$work/items.csv" --task t --duplicates first
spill_same items_last items "$work/items.csv" --task t --duplicates last
spill_same items_refused items "$work/items.csv" --task t
grep -q "items.csv:[0-9]*:.*is given again" "$work/mem.err" || fail "items: $(cat "$work/mem.err")"
# Items and text given to the items of a project that has votes on them.
cp "$work/base.db" "$work/items_base.db"
awk 'BEGIN { print "item,text"; for (i = 0; i < 60; i++) printf "it%d,new text %d\n", i, i }' \
    >"$work/retext.csv"
spill_same items_base items "$work/retext.csv" --task t
grep -q "new text 59" "$work/mem.tables" || fail "retext: no text stored"

# A small file into a task with many items: each of its items is looked up
# through the index instead of a cursor over the task.
awk 'BEGIN { print "item,annotator,label"
    for (i = 0; i < 4000; i++) printf "big%d,a%d,y%d\n", i, i % 3, i % 2 }' >"$work/bigtask.csv"
"$GAVEL" init "$work/lookup.db" >/dev/null || fail "init"
"$GAVEL" import "$work/lookup.db" votes "$work/bigtask.csv" --task t >/dev/null ||
    fail "bigtask import"
awk 'BEGIN { print "item,annotator,label"
    for (i = 0; i < 30; i++) printf "big%d,a%d,y%d\n", i * 97 % 4000, 3 + i % 2, i % 2
    print "fresh1,a1,y1" }' >"$work/few.csv"
spill_same lookup votes "$work/few.csv" --task t
grep -q "fresh1" "$work/mem.tables" || fail "lookup: no new item"
spill_same lookup votes "$work/few.csv" --task t --duplicates first

# Ids that tie on the eight bytes the runs' radix sort reads, some ending
# there and some going on ("abcdefgh", "abcdefghi"), beside ids that make
# the shared prefix empty: each item's votes still come out of every run
# together (a run once held abcdefgh, abcdefghi, abcdefgh in that order,
# and the second abcdefgh became an item of its own).
awk 'BEGIN { print "item,annotator,label"
    split("abcdefgh abcdefghi z abcdefghijklmnopq abcdefghijklmnop abcdefghijklmnopqr", id, " ")
    for (i = 0; i < 600; i++) printf "%s%s,a%d,l%d\n", id[1 + i % 6], i % 6 == 2 ? i % 13 : "",
        i, i % 3 }' >"$work/ties.csv"
spill_same ties votes "$work/ties.csv" --task t
grep -q "on 18 items" "$work/mem.out" || fail "ties: $(cat "$work/mem.out")"

# Votes grouped by item, as most exports give them, with each item given
# again further on in groups of its own (in the same run and in others) and
# votes repeated across its groups: a run keeps one sort key per group of
# records on one item, and the vote kept first or last, or the one refused,
# is still the file's.
awk 'BEGIN { print "item,annotator,label"
    for (g = 0; g < 120; g++) for (k = 0; k < 2 + g % 4; k++)
        printf "g%d,a%d,l%d\n", (g * 7) % 45, (g + k) % 5, (g * 3 + k) % 4 }' \
    >"$work/grouped.csv"
spill_same grouped_first votes "$work/grouped.csv" --task t --duplicates first
grep -q "on 45 items.*duplicates* dropped" "$work/mem.out" || fail "grouped: $(cat "$work/mem.out")"
spill_same grouped_last votes "$work/grouped.csv" --task t --duplicates last
spill_same grouped_refused votes "$work/grouped.csv" --task t
grep -q "grouped.csv:[0-9]*: duplicate vote by annotator" "$work/mem.err" ||
    fail "grouped refused: $(cat "$work/mem.err")"

# A bad row after the budget was passed: rejected, nothing left behind.
{ votes 500 4; echo "it1,,l1"; } >"$work/bad.csv"
spill_same bad votes "$work/bad.csv" --task t
grep -q "bad.csv:502:.*empty annotator" "$work/mem.err" || fail "bad: $(cat "$work/mem.err")"

# Every import stays in WAL mode, a new project's first import too: a
# reader that opens the project meanwhile reads it rather than waiting on a
# rollback journal's lock, and an import killed half-way leaves no hot
# journal for a read-only command to trip on. The pragmas in the statement
# log show it: store_open's WAL and no other journal_mode.
journal() {
    rm -f "$work/sql.log"
    GAVEL_SQL_LOG="$work/sql.log" "$GAVEL" "$@" >/dev/null 2>&1
    echo "exit $?" $(grep -o "journal_mode = [A-Z]*" "$work/sql.log" | sed 's/.* //') \
        $(sqlite3 "$2" "PRAGMA journal_mode; PRAGMA integrity_check")
    [ ! -e "$2-journal" ] || fail "journal: $2-journal left behind"
}
"$GAVEL" init "$work/jnew.db" >/dev/null || fail "init"
got=$(journal import "$work/jnew.db" votes "$work/bad.csv" --task t)
[ "$got" = "exit 1 WAL wal ok" ] || fail "journal, rejected: $got"
[ "$(sqlite3 "$work/jnew.db" "SELECT count(*) FROM item")" = 0 ] || fail "journal: rejected rows"
got=$(journal import "$work/jnew.db" votes "$work/dups.csv" --task t --duplicates last)
[ "$got" = "exit 0 WAL wal ok" ] || fail "journal, new project: $got"
[ "$(tables "$work/jnew.db")" = "$(tables "$work/dups_last-mem.db")" ] ||
    fail "journal: the tables differ from the import's in memory"
got=$(journal import "$work/jnew.db" votes "$work/more.csv" --task t --duplicates last)
[ "$got" = "exit 0 WAL wal ok" ] || fail "journal, project with items: $got"

# Peak memory: 200,000 votes (50,000 items, 4 votes each, in an order far
# from grouped) over a 1 MB budget against the same import in memory. The
# vote arrays in memory take about 8 MB at their peak (16 bytes a vote and
# as much again while they are sorted): spilled, the peak is lower by more
# than 2 MB, and under a generous 64 MB.
command -v python3 >/dev/null 2>&1 || skip "python3 not found (peak memory)"
awk 'BEGIN { print "item,annotator,label"
    for (n = 0; n < 200000; n++) {
        i = (n * 7919) % 200000; it = i % 50000; k = int(i / 50000)
        printf "item-%06d,ann%d,l%d\n", it, k * 10 + it % 10, (it * 3 + k) % 5 } }' \
    >"$work/big.csv"
# peak_kb ENV...: the peak RSS of importing big.csv into a new project.
peak_kb() {
    rm -f "$work/big.db"
    "$GAVEL" init "$work/big.db" >/dev/null || fail "init"
    env "$@" python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)
' "$GAVEL" import "$work/big.db" votes "$work/big.csv" --task t
}
inmem=$(peak_kb GAVEL_IMPORT_MEM=)
spilled=$(peak_kb GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp")
[ "$inmem" -gt 0 ] && [ "$spilled" -gt 0 ] || fail "big import failed ($inmem, $spilled)"
# Both bounds hold for a plain build (make check and the clang build run
# them). AddressSanitizer's shadow memory and its quarantine of freed blocks
# (the streamed import frees and refills its run buffers) add tens of MB to
# any run, more to the one that frees more, so under it neither applies.
if ! grep -q __asan_init "$GAVEL" 2>/dev/null; then
    [ "$spilled" -lt $((inmem - 2048)) ] ||
        fail "spilled import peaked at $spilled KB, in memory $inmem KB"
    [ "$spilled" -lt 65536 ] || fail "spilled import peaked at $spilled KB"
fi
[ -z "$(ls -A "$work/tmp")" ] || fail "big: a spill file was left"
pass
