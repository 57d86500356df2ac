#!/bin/sh
# gavel import end to end: exit codes (0 accepted, 1 bad file, 2 usage),
# "file:line:col:" messages, the database unchanged after every rejected file
# (compared with the sqlite3 shell's .dump when it is installed), and escape
# sequences in bad data never reaching stderr raw.
set -u
. "$top_srcdir/tests/cli/lib.sh"

data="$top_srcdir/tests/data"
db="$work/p.db"
expect_exit 0 "$GAVEL" init "$db"

# Votes: aliases, CRLF, a quoted comment with a newline and doubled quotes.
expect_exit 0 "$GAVEL" import "$db" votes "$data/import_votes.csv" --task sentiment
grep -qx "imported 5 votes on 3 items (3 labels, 3 annotators) into task 'sentiment' (new task)" \
    "$work/stdout" || fail "votes summary: $(cat "$work/stdout")"
# Items (TSV with a BOM), predictions with one column per label, gold decisions.
expect_exit 0 "$GAVEL" import "$db" items "$data/import_items.tsv"
grep -q "imported 2 items (0 new, 2 updated)" "$work/stdout" || fail "items: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" import "$db" predictions "$data/import_preds.csv" --model m1
grep -q "imported 2 predictions of model 'm1'" "$work/stdout" || fail "preds: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" import "$db" decisions "$data/import_gold.csv" --expert gold
grep -q "imported 1 decision by 'gold'" "$work/stdout" || fail "gold: $(cat "$work/stdout")"

# A prediction for an item the task lacks is refused (exit 1, nothing
# written) unless --new-items asks for the item.
printf 'item,label,confidence\nr1,pos,0.9\nnope,neg,0.8\n' >"$work/unknown.csv"
before=$(dump "$db")
expect_exit 1 "$GAVEL" import "$db" predictions "$work/unknown.csv" --model m2
grep -qF "unknown.csv:3:6: prediction for item 'nope', which task 'sentiment' does not have (1 of the file's 2 items are unknown): import the items or their votes first, or pass --new-items to create them" \
    "$work/stderr" || fail "unknown item: $(cat "$work/stderr")"
[ "$before" = "$(dump "$db")" ] || fail "a refused prediction file changed the database"
expect_exit 0 "$GAVEL" import "$db" predictions "$work/unknown.csv" --model m2 --new-items
grep -q "imported 2 predictions of model 'm2' on 2 items" "$work/stdout" ||
    fail "--new-items: $(cat "$work/stdout")"
expect_exit 2 "$GAVEL" import "$db" votes "$data/import_votes.csv" --new-items

# Usage errors: exit 2.
expect_exit 2 "$GAVEL" import "$db" votes
expect_exit 2 "$GAVEL" import "$db" opinions "$data/import_votes.csv"
expect_exit 2 "$GAVEL" import "$db" predictions "$data/import_preds.csv"
expect_exit 2 "$GAVEL" import "$db" decisions "$data/import_gold.csv"
expect_exit 2 "$GAVEL" import "$db" votes "$data/import_votes.csv" --format xml
expect_exit 2 "$GAVEL" import "$db" votes "$data/import_votes.csv" --duplicates both
printf 'item\n' >"$work/one.dat"
expect_exit 2 "$GAVEL" import "$db" items "$work/one.dat"
grep -q -- "--format" "$work/stderr" || fail "no --format hint: $(cat "$work/stderr")"
expect_exit 0 "$GAVEL" init "$work/two.db"
expect_exit 0 "$GAVEL" import "$work/two.db" votes "$data/import_votes.csv" --task a
expect_exit 0 "$GAVEL" import "$work/two.db" votes "$data/import_votes.csv" --task b
expect_exit 2 "$GAVEL" import "$work/two.db" votes "$data/import_votes.csv"
grep -q -- "--task" "$work/stderr" || fail "no --task hint: $(cat "$work/stderr")"

have_sqlite3=0
command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=1
[ $have_sqlite3 = 1 ] && dump "$db" >"$work/before.sql"

# bad NAME CONTENT WANT: importing CONTENT as votes fails with exit 1, stderr
# holds WANT, and the database is unchanged.
bad() {
    name=$1 msg=$3
    printf "$2" >"$work/$name"
    expect_exit 1 "$GAVEL" import "$db" votes "$work/$name" --task sentiment
    grep -qF -- "$msg" "$work/stderr" || fail "$name: wanted '$msg', got: $(cat "$work/stderr")"
    if [ $have_sqlite3 = 1 ]; then
        dump "$db" >"$work/after.sql"
        cmp -s "$work/before.sql" "$work/after.sql" || fail "$name changed the database"
    fi
}

bad ragged.csv 'item,annotator,label\nr1,a,pos\nr2,b\n' "ragged.csv:3:5: expected 3 fields"
bad quote.csv 'item,annotator,label\nr1,a,"pos\n' "quote.csv:2:6: unterminated quoted field"
bad utf8.csv 'item,annotator,label\nr1,a,p\377s\n' "utf8.csv:2:7: invalid UTF-8"
bad nul.csv 'item,annotator,label\nr1,a,p\000s\n' "nul.csv:2:7: NUL byte"
bad empty.csv 'item,annotator,label\nr1,,pos\n' "empty.csv:2:4: empty annotator field"
bad header.csv 'item,label\nr1,pos\n' "header.csv:1: the header (item, label) has no annotator column"
bad dup.csv 'item,annotator,label\nr9,a,pos\nr9,a,neg\n' "dup.csv:3: duplicate vote"
bad stored.csv 'item,annotator,label\nr1,ann1,neg\n' "stored.csv:2: annotator 'ann1' already has a vote"
printf '[{"item": "r1",}]' >"$work/broken.json"
expect_exit 1 "$GAVEL" import "$db" votes "$work/broken.json" --format labelstudio --task sentiment
grep -q "broken.json:1:" "$work/stderr" || fail "broken JSON: $(cat "$work/stderr")"

# A declared label set rejects unknown labels, and an escape sequence in the
# label is shown visibly, never raw.
cat >"$work/proj.yaml" <<'YAML'
project: moderation
tasks:
  - name: mod
    labels: [ok, spam]
YAML
if "$GAVEL" init "$work/decl.db" --project "$work/proj.yaml" >"$work/init.out" 2>&1; then
    printf 'item,annotator,label\nr1,a,ok\nr2,a,\033]0;pwned\007\033[31mspam\n' >"$work/esc.csv"
    expect_exit 1 "$GAVEL" import "$work/decl.db" votes "$work/esc.csv"
    grep -q "esc.csv:3:6: unknown label" "$work/stderr" || fail "escape: $(cat "$work/stderr")"
    if LC_ALL=C grep -q "$(printf '\033')" "$work/stderr"; then
        fail "an escape character reached stderr raw"
    fi
    if LC_ALL=C grep -q "$(printf '\007')" "$work/stderr"; then
        fail "a BEL character reached stderr raw"
    fi
else
    fail "gavel init --project refused the test YAML: $(cat "$work/init.out")"
fi

# --duplicates: first keeps the stored vote, last replaces it.
printf 'item,annotator,label\nr1,ann1,neg\n' >"$work/again.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/again.csv" --duplicates first
grep -q "imported 0 votes.*1 duplicate dropped" "$work/stdout" || fail "first: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" import "$db" votes "$work/again.csv" --duplicates last
grep -q "imported 1 vote on" "$work/stdout" || fail "last: $(cat "$work/stdout")"

# Quoted fields with doubled quotes, a comma and UTF-8 in the item,
# annotator and label: the reader gives their unescaped lengths in bytes
# with them, and what is stored must be the whole unescaped value, in memory and over a
# 1 KB budget (sorted runs).
if command -v sqlite3 >/dev/null 2>&1; then
    printf 'item,annotator,label\n"q""1, x","ann ""y""",l1\n"\303\257t\303\251m",ann2,"l""2"\n"q""1, x",ann2,"l""2"\n' \
        >"$work/quoted.csv"
    stored=$(printf 'q"1, x|6\n\303\257t\303\251m|6\nann "y"|7\nann2|4\nl"2|3\nl1|2')
    for mem in "" 1K; do
        rm -f "$work/qt.db"
        expect_exit 0 "$GAVEL" init "$work/qt.db"
        GAVEL_IMPORT_MEM=$mem TMPDIR="$work" "$GAVEL" import "$work/qt.db" votes "$work/quoted.csv" \
            --task q >/dev/null || fail "quoted ($mem): the import failed"
        got=$(sqlite3 "$work/qt.db" "SELECT external_id, length(CAST(external_id AS BLOB))
            FROM item ORDER BY 1; SELECT name, length(CAST(name AS BLOB)) FROM annotator ORDER BY 1;
            SELECT value, length(CAST(value AS BLOB)) FROM label ORDER BY 1")
        [ "$got" = "$stored" ] || fail "quoted ($mem): stored $got"
    done
fi
pass
