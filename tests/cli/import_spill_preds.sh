#!/bin/sh
# gavel import of predictions and decisions over its memory budget
# (GAVEL_IMPORT_MEM): a file past an eighth of the budget is streamed (its
# records sorted by item id in runs in a temporary file, merged, each item
# resolved, then written by item id from a spool) instead of held in
# memory. Every case is imported twice into copies of one project, in
# memory and over a budget of 2 KB (a run every 15 records or so), and the
# two must give the same exit code, message and tables (items and their
# summaries, predictions with every column, decisions, the audit events in
# order with their details; times the import takes from the clock masked):
# probabilities and top-label rows, several models, repeats of an (item,
# model) kept first or last or refused, predictions the project already
# has, unknown items refused or created with --new-items, string ids in
# shuffled order, items whose ids do not follow their byte order (read
# back through a second sort), --dry-run, decisions with repeats, stored
# decisions superseded or refused, and a file's own repeat reported before
# a stored conflict earlier in the file. The temporary directory stays
# empty, and 100,000 predictions imported over a 1 MB budget peak lower
# than in memory (the peak is read from the kernel's rusage through python3).
set -u
. "$top_srcdir/tests/cli/lib.sh"

mkdir "$work/tmp"

# tables DB: what these imports write, for comparing two databases
# (spill_same compares the import in memory and spilled with it).
tables() {
    for t in item item_votes label task task_tally prediction; do
        sqlite3 "$1" ".dump $t"
    done
    # A decision without a time in the file takes the clock's.
    sqlite3 "$1" "SELECT id, item, expert, label, reason, supersedes, origin,
        CASE WHEN at LIKE '2024-%' THEN at ELSE 'now' END FROM decision ORDER BY id"
    sqlite3 "$1" "SELECT seq, actor, action, item, detail FROM event ORDER BY seq" |
        sed 's/"at":"20[0-9][0-9]-[^"]*Z"/"at":"T"/g'
    "$GAVEL" audit verify "$1" >/dev/null 2>&1 || echo "audit verify failed"
}

# A project of 150 items with string ids (it0 .. it149), 3 labels.
awk 'BEGIN { print "item,annotator,label"
    for (i = 0; i < 450; i++) printf "it%d,a%d,l%d\n", (i * 53) % 150, i % 7, (i * 7) % 3 }' \
    >"$work/votes.csv"
"$GAVEL" init "$work/base.db" >/dev/null || fail "init"
"$GAVEL" import "$work/base.db" votes "$work/votes.csv" --task t --duplicates last >/dev/null ||
    fail "votes"

# preds N SEED [PREFIX]: N predictions (one probability column per label)
# on 150 items in the seed's LCG order, so with repeats far apart.
preds() {
    awk -v n="$1" -v s="$2" -v pre="${3:-it}" 'BEGIN {
        print "item,l0,l1,l2"
        for (i = 0; i < n; i++) {
            s = (s * 1103515245 + 12345) % 2147483648; it = int(s / 65536) % 150
            s = (s * 1103515245 + 12345) % 2147483648; a = int(s / 65536) % 1000
            s = (s * 1103515245 + 12345) % 2147483648; b = int(s / 65536) % (1000 - a)
            printf "%s%d,%.3f,%.3f,%.3f\n", pre, it, a / 1000, b / 1000, (1000 - a - b) / 1000
        }
    }'
}

preds 100 1 >"$work/once.csv"
preds 400 2 >"$work/dups.csv"
spill_same base predictions "$work/once.csv" --model m --duplicates first
grep -q "imported" "$work/mem.out" || fail "once: $(cat "$work/mem.out")"
spill_same base predictions "$work/dups.csv" --model m --duplicates first
grep -q "duplicates* dropped" "$work/mem.out" || fail "no duplicates: $(cat "$work/mem.out")"
spill_same base predictions "$work/dups.csv" --model m --duplicates last
grep -q '"it[0-9]*",' "$work/mem.tables" || grep -q "INSERT INTO prediction" "$work/mem.tables" ||
    fail "no predictions stored"
spill_same base predictions "$work/dups.csv" --model m
grep -q "dups.csv:[0-9]*:[0-9]*: a second prediction of model 'm'" "$work/mem.err" ||
    fail "refused: $(cat "$work/mem.err")"
spill_same base predictions "$work/dups.csv" --model m --duplicates last --dry-run

# Top label and confidence only (no entropy, no margin), two models in one
# JSON Lines file and a third from --model.
awk 'BEGIN { for (i = 0; i < 300; i++) {
    m = i % 4 == 0 ? "" : ",\"model\":\"m" i % 4 "\""
    if (i % 2) printf "{\"item\":\"it%d\",\"label\":\"l%d\",\"confidence\":0.%d%s}\n", \
        (i * 31) % 150, i % 3, 50 + i % 40, m
    else printf "{\"item\":\"it%d\",\"probs\":{\"l0\":0.25,\"l1\":0.5,\"l2\":0.25}%s}\n", \
        (i * 31) % 150, m } }' >"$work/models.jsonl"
spill_same base predictions "$work/models.jsonl" --model m0 --duplicates last
[ "$(grep -c "INSERT INTO prediction" "$work/mem.tables")" -gt 200 ] ||
    fail "models: $(grep -c "INSERT INTO prediction" "$work/mem.tables") rows"

# Predictions the project already has: refused (the first by item id), or
# kept or replaced; a repeat within the file is reported before them.
cp "$work/base.db" "$work/stored.db"
"$GAVEL" import "$work/stored.db" predictions "$work/once.csv" --model m --duplicates last \
    >/dev/null || fail "stored"
preds 60 3 >"$work/more.csv"
spill_same stored predictions "$work/more.csv" --model m --duplicates last
spill_same stored predictions "$work/more.csv" --model m --duplicates first
preds 60 4 | awk -F, 'NR == 1 || !seen[$1]++' >"$work/norepeat.csv"
spill_same stored predictions "$work/norepeat.csv" --model m
grep -q "already has a prediction for item" "$work/mem.err" || fail "$(cat "$work/mem.err")"
{ cat "$work/norepeat.csv"; tail -n 1 "$work/norepeat.csv"; } >"$work/both.csv"
spill_same stored predictions "$work/both.csv" --model m
grep -q "a second prediction of model" "$work/mem.err" || fail "both: $(cat "$work/mem.err")"

# Unknown items: refused, naming the first in the file and how many, or
# created with --new-items (numbered in byte order of their ids, with
# empty summaries); the ids of the new items then interleave the old.
{ preds 200 5; preds 40 6 new | tail -n +2; preds 30 7 zz | tail -n +2; } >"$work/unknown.csv"
spill_same base predictions "$work/unknown.csv" --model m --duplicates last
grep -q "unknown.csv:[0-9]*:[0-9]*: prediction for item '.*', which task 't' does not have" \
    "$work/mem.err" || fail "unknown: $(cat "$work/mem.err")"
spill_same base predictions "$work/unknown.csv" --model m --duplicates last --new-items
grep -q "new1" "$work/mem.tables" || fail "new items: none created"

# Items whose database ids do not follow the byte order of their external
# ids (b-items imported before a-items): the spool is sorted again by id.
awk 'BEGIN { print "item,annotator,label"
    for (i = 0; i < 90; i++) printf "b%d,a%d,l%d\n", i, i % 3, i % 2 }' >"$work/b.csv"
awk 'BEGIN { print "item,annotator,label"
    for (i = 0; i < 90; i++) printf "a%d,a%d,l%d\n", i, i % 3, i % 2 }' >"$work/a.csv"
"$GAVEL" init "$work/mixed.db" >/dev/null || fail "init"
"$GAVEL" import "$work/mixed.db" votes "$work/b.csv" --task t >/dev/null || fail "b"
"$GAVEL" import "$work/mixed.db" votes "$work/a.csv" --task t >/dev/null || fail "a"
awk 'BEGIN { print "item,l0,l1"
    for (i = 0; i < 400; i++) printf "%s%d,0.%d,0.%d\n", i % 2 ? "a" : "b", (i * 37) % 90, \
        10 + i % 80, 90 - i % 80 }' >"$work/mixedp.csv"
spill_same mixed predictions "$work/mixedp.csv" --model m --duplicates first
spill_same mixed predictions "$work/mixedp.csv" --model m

# Decisions: repeats kept first or last or refused, with times and reasons
# (and some without either), new items created, events in item id order.
decisions() {
    awk -v n="$1" -v s="$2" 'BEGIN { print "item,label,reason,at"
        for (i = 0; i < n; i++) {
            s = (s * 1103515245 + 12345) % 2147483648; it = int(s / 65536) % 160
            name = it < 150 ? "it" it : "fresh" it
            if (i % 5 == 0) printf "%s,l%d,,\n", name, i % 3
            else printf "%s,l%d,reason %d,2024-02-%02dT10:00:00Z\n", name, i % 3, i, 1 + i % 28
        }
    }'
}
decisions 120 8 >"$work/dec.csv"
spill_same base decisions "$work/dec.csv" --expert ex --duplicates first
grep -q "fresh" "$work/mem.tables" || fail "decisions: no new item"
grep -q '"decide"\|decide' "$work/mem.tables" || fail "decisions: no events"
spill_same base decisions "$work/dec.csv" --expert ex --duplicates last
spill_same base decisions "$work/dec.csv" --expert ex
grep -q "dec.csv:[0-9]*: a second decision for item" "$work/mem.err" ||
    fail "decisions refused: $(cat "$work/mem.err")"
awk 'BEGIN { print "item,label,reason"
    for (i = 0; i < 200; i++) printf "%s%d,l%d,r%d\n", i % 2 ? "a" : "b", (i * 37) % 90, i % 2, i }' \
    >"$work/mixedd.csv"
spill_same mixed decisions "$work/mixedd.csv" --expert ex --duplicates last
spill_same mixed decisions "$work/mixedd.csv" --expert ex
# Against stored decisions: superseded (last; root is the project's lead),
# kept (first), or refused, the file's own repeat reported first.
cp "$work/base.db" "$work/decided.db"
decisions 60 9 | awk -F, 'NR == 1 || !seen[$1]++' >"$work/dec1.csv"
"$GAVEL" import "$work/decided.db" decisions "$work/dec1.csv" --expert ex >/dev/null ||
    fail "dec1"
decisions 80 10 | awk -F, 'NR == 1 || !seen[$1]++' >"$work/dec2.csv"
spill_same decided decisions "$work/dec2.csv" --expert ex2 --duplicates last
grep -q '"supersedes":[0-9]' "$work/mem.tables" || fail "nothing superseded"
spill_same decided decisions "$work/dec2.csv" --expert ex2 --duplicates first
spill_same decided decisions "$work/dec2.csv" --expert ex2
grep -q "already has a decision" "$work/mem.err" || fail "$(cat "$work/mem.err")"
{ cat "$work/dec2.csv"; tail -n 1 "$work/dec2.csv"; } >"$work/dec3.csv"
spill_same decided decisions "$work/dec3.csv" --expert ex2
grep -q "a second decision for item" "$work/mem.err" || fail "dec3: $(cat "$work/mem.err")"

# Peak memory: 100,000 predictions on 100,000 items over a 1 MB budget
# against the same import in memory, which holds each prediction (about
# 80 bytes, its probabilities and its interned id: some 20 MB): streamed,
# the peak is lower by more than 4 MB, and under a generous 64 MB.
command -v python3 >/dev/null 2>&1 || skip "python3 not found (peak memory)"
awk 'BEGIN { print "item,text"; for (i = 0; i < 100000; i++) printf "p%06d,x\n", i }' \
    >"$work/items.csv"
"$GAVEL" init "$work/big.db" >/dev/null || fail "init"
"$GAVEL" import "$work/big.db" items "$work/items.csv" --task t >/dev/null || fail "items"
printf 'item,annotator,label\np000000,a,l0\np000001,a,l1\np000002,a,l2\n' >"$work/labels.csv"
"$GAVEL" import "$work/big.db" votes "$work/labels.csv" --task t >/dev/null || fail "labels"
awk 'BEGIN { print "item,l0,l1,l2"
    for (n = 0; n < 100000; n++) printf "p%06d,0.2,0.3,0.5\n", (n * 7919) % 100000 }' \
    >"$work/bigp.csv"
# peak_kb ENV...: the peak RSS of importing bigp.csv into a copy of big.db.
peak_kb() {
    cp "$work/big.db" "$work/bigc.db"
    env "$@" python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)
' "$GAVEL" import "$work/bigc.db" predictions "$work/bigp.csv" --model m
}
inmem=$(peak_kb GAVEL_IMPORT_MEM=)
spilled=$(peak_kb GAVEL_IMPORT_MEM=1M TMPDIR="$work/tmp")
[ "$inmem" -gt 0 ] && [ "$spilled" -gt 0 ] || fail "big import failed ($inmem, $spilled)"
[ "$(sqlite3 "$work/bigc.db" "SELECT count(*) FROM prediction")" = 100000 ] ||
    fail "big: not every prediction stored"
# Not under AddressSanitizer: its shadow memory and its quarantine of
# freed blocks add tens of MB to any run (see import_spill.sh).
if ! grep -q __asan_init "$GAVEL" 2>/dev/null; then
    [ "$spilled" -lt $((inmem - 4096)) ] ||
        fail "streamed import peaked at $spilled KB, in memory $inmem KB"
    [ "$spilled" -lt 65536 ] || fail "streamed import peaked at $spilled KB"
fi
[ -z "$(ls -A "$work/tmp")" ] || fail "big: a spill file was left"
pass
