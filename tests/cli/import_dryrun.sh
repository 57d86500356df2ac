#!/bin/sh
# gavel import --dry-run, for every kind of import: the database stays the
# same (its .dump and its bytes), and the summary is the one the real import
# then prints, with "would import" for "imported" and a dry-run note. A file
# the real import refuses is refused the same way.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is needed to compare databases"

data="$top_srcdir/tests/data"
db="$work/p.db"
expect_exit 0 "$GAVEL" init "$db"

# same CMD...: CMD with --dry-run changes nothing and reports what CMD then does.
same() {
    dump "$db" >"$work/before.sql"
    cp "$db" "$work/before.db"
    expect_exit 0 "$@" --dry-run
    cp "$work/stdout" "$work/dry.out"
    dump "$db" >"$work/after.sql"
    cmp -s "$work/before.sql" "$work/after.sql" || fail "--dry-run changed the database: $*"
    cmp -s "$work/before.db" "$db" || fail "--dry-run changed the database file: $*"
    grep -q '; dry run, nothing written$' "$work/dry.out" || fail "no dry-run note: $(cat "$work/dry.out")"
    expect_exit 0 "$@"
    sed -e 's/^would import /imported /' -e 's/; dry run, nothing written$//' "$work/dry.out" >"$work/dry.cmp"
    cmp -s "$work/dry.cmp" "$work/stdout" ||
        fail "dry run said '$(cat "$work/dry.out")', the import '$(cat "$work/stdout")'"
    cmp -s "$work/after.sql" "$(dump "$db" >"$work/real.sql"; echo "$work/real.sql")" &&
        fail "the real import changed nothing: $*"
}

same "$GAVEL" import "$db" votes "$data/import_votes.csv" --task sentiment
same "$GAVEL" import "$db" items "$data/import_items.tsv"
same "$GAVEL" import "$db" predictions "$data/import_preds.csv" --model m1
same "$GAVEL" import "$db" decisions "$data/import_gold.csv" --expert gold
printf 'item,annotator,label\nr1,ann9,mixed\nr7,ann1,neg\n' >"$work/more.csv"
same "$GAVEL" import "$db" votes "$work/more.csv" --new-labels
same "$GAVEL" import "$db" votes "$data/fmt_labelstudio.json" --task sentiment --duplicates last

# Refused files are refused the same way with --dry-run.
printf 'item,annotator,label\nr1,ann1,pos\n' >"$work/dup.csv"
expect_exit 1 "$GAVEL" import "$db" votes "$work/dup.csv" --task sentiment --dry-run
grep -q "already has a vote" "$work/stderr" || fail "dry-run duplicate: $(cat "$work/stderr")"
printf 'item,annotator,label\nr1,ann7,brand-new\n' >"$work/new.csv"
expect_exit 1 "$GAVEL" import "$db" votes "$work/new.csv" --dry-run
grep -q "brings 1 new label ('brand-new')" "$work/stderr" || fail "dry-run labels: $(cat "$work/stderr")"
same "$GAVEL" import "$db" votes "$data/fmt_prodigy.jsonl" --task news
pass
