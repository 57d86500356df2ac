#!/bin/sh
# gavel import in any row order: the same votes grouped by item, grouped by
# annotator and shuffled, with numeric ids and with string ids, give
# byte-identical `gavel export` (CSV and JSONL) and `stats --json` within each
# id scheme, and each file imported over a tiny memory budget (its votes
# spilled to a temporary file in sorted runs) gives the same tables as in
# memory. The votes are written here by awk (a seeded LCG), so the test
# needs nothing but the shell tools and sqlite3: 600 items, 3-5 votes each, 12
# annotators, 4 labels, items numbered so that their byte order differs from
# their numeric order (item 10 sorts before item 9).
set -u
. "$top_srcdir/tests/cli/lib.sh"

# make_votes IDS: the votes grouped by item, ids numeric or string.
make_votes() {
    awk -v ids="$1" 'BEGIN {
        s = 12345
        print "item,annotator,label"
        for (i = 1; i <= 600; i++) {
            s = (s * 1103515245 + 12345) % 2147483648; n = 3 + int(s / 65536) % 3
            used = ""
            for (v = 0; v < n; v++) {
                do { s = (s * 1103515245 + 12345) % 2147483648; a = int(s / 65536) % 12 }
                while (index(used, "," a ","))
                used = used "," a ","
                s = (s * 1103515245 + 12345) % 2147483648; l = int(s / 65536) % 4
                if (ids == "string")
                    printf "item-%05d,annotator %c%d,lab_%d\n", i, 65 + a, a, l
                else
                    printf "%d,a%d,l%d\n", i, a, l
            }
        }
    }'
}

# reorder FILE ORDER: FILE's votes in ORDER (item, annotator, shuffled).
reorder() {
    head -n 1 "$1"
    case $2 in
    item) tail -n +2 "$1" ;;
    annotator) tail -n +2 "$1" | sort -t, -k2,2 -s ;;
    shuffled)
        tail -n +2 "$1" | awk 'BEGIN { s = 99 }
            { s = (s * 1103515245 + 12345) % 2147483648; printf "%010d\t%s\n", s, $0 }' |
            sort -k1,1 | cut -f2-
        ;;
    esac
}

for ids in numeric string; do
    make_votes "$ids" >"$work/grouped.csv"
    for order in item annotator shuffled; do
        # Each file is votes.csv in a directory of its own, imported from
        # there: the import event, which stats --json lists, names the file.
        mkdir -p "$work/$ids-$order"
        reorder "$work/grouped.csv" "$order" >"$work/$ids-$order/votes.csv"
        ln -sf "$work/$ids-$order/votes.csv" "$work/votes-$order.csv"
        # Same votes in every order, and the orders really differ.
        [ "$(sort "$work/votes-$order.csv")" = "$(sort "$work/grouped.csv")" ] ||
            fail "$ids $order: the reordered file lost votes"
        db="$work/$ids-$order.db"
        expect_exit 0 "$GAVEL" init "$db"
        expect_exit 0 sh -c 'cd "$1" && exec "$2" import "$3" votes votes.csv --task t' - \
            "$work/$ids-$order" "$GAVEL" "$db"
        grep -q "^imported [0-9]* votes on 600 items" "$work/stdout" ||
            fail "$ids $order: $(cat "$work/stdout")"
        expect_exit 0 "$GAVEL" export "$db" -o "$work/$ids-$order.export.csv"
        expect_exit 0 "$GAVEL" export "$db" --format jsonl -o "$work/$ids-$order.export.jsonl"
        expect_exit 0 "$GAVEL" stats "$db" --json
        # The audit head (it hashes the import event, which holds the
        # file's SHA-256) and the import's time are all that may differ.
        sed 's/"audit_head":"[0-9a-f]*"//; s/"at":"[^"]*"//g' "$work/stdout" \
            >"$work/$ids-$order.stats.json"
        # The same file over a memory budget of 2 KB (56 votes): its votes go
        # through some 40 sorted runs in a temporary file, merged while they
        # are written, and the database holds what the import in memory wrote.
        sdb="$work/$ids-$order-spill.db"
        expect_exit 0 "$GAVEL" init "$sdb"
        expect_exit 0 env GAVEL_IMPORT_MEM=2K TMPDIR="$work/tmp-$ids-$order" sh -c \
            'mkdir "$TMPDIR" && cd "$1" && exec "$2" import "$3" votes votes.csv --task t' - \
            "$work/$ids-$order" "$GAVEL" "$sdb"
        [ -z "$(ls -A "$work/tmp-$ids-$order")" ] || fail "$ids $order: a spill file was left"
        for t in item item_votes annotator label task; do
            [ "$(sqlite3 "$db" ".dump $t")" = "$(sqlite3 "$sdb" ".dump $t")" ] ||
                fail "$ids $order: table $t differs when the import spills"
        done
        expect_exit 0 "$GAVEL" export "$sdb" -o "$work/spill.export.csv"
        cmp -s "$work/$ids-$order.export.csv" "$work/spill.export.csv" ||
            fail "$ids $order: the export differs when the import spills"
        # And the budget is what made it spill: no directory, no import.
        expect_exit 1 env GAVEL_IMPORT_MEM=2K TMPDIR="$work/none" \
            "$GAVEL" import "$work/$ids-$order.db" votes "$work/$ids-$order/votes.csv" \
            --task t --duplicates last
        grep -q "cannot create a temporary file in $work/none" "$work/stderr" ||
            fail "$ids $order: $(cat "$work/stderr")"
    done
    cmp -s "$work/votes-item.csv" "$work/votes-shuffled.csv" &&
        fail "$ids: the shuffled file is in item order"
    cmp -s "$work/votes-item.csv" "$work/votes-annotator.csv" &&
        fail "$ids: the by-annotator file is in item order"
    for order in annotator shuffled; do
        for out in export.csv export.jsonl stats.json; do
            cmp "$work/$ids-item.$out" "$work/$ids-$order.$out" >/dev/null ||
                fail "$ids ids: $out differs between rows grouped by item and $order" \
                    "($(diff "$work/$ids-item.$out" "$work/$ids-$order.$out" | head -c 400))"
        done
    done
    [ -s "$work/$ids-item.export.csv" ] && [ -s "$work/$ids-item.stats.json" ] ||
        fail "$ids: empty export or stats"
done
pass
