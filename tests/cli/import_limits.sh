#!/bin/sh
# The size limits of src/limit.h on import, in every format: a 5 KB label is
# refused with its line and column and the limit, the database unchanged; a
# label of exactly 4,096 bytes and a 3 MB item text are accepted; a 5 MB
# text is refused at its column, naming its key or column. The same from
# standard input, named <stdin>.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 writes the files"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is needed to compare databases"

db="$work/p.db"
expect_exit 0 "$GAVEL" init "$db"

# refused FILE TEXT ARGS...: the votes import of FILE exits 1 with
# "FILE:TEXT" on stderr and leaves the database as it was.
refused() {
    file=$1 text=$2
    shift 2
    dump "$db" >"$work/before.sql"
    expect_exit 1 "$GAVEL" import "$db" "$@"
    grep -qF "$file:$text" "$work/stderr" || fail "wanted '$file:$text', got: $(cat "$work/stderr")"
    dump "$db" >"$work/after.sql"
    cmp -s "$work/before.sql" "$work/after.sql" || fail "a refused import changed the database: $*"
}

python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
big = "y" * 5000
def put(name, text):
    with open("%s/%s" % (w, name), "w") as f:
        f.write(text)
put("l.csv", "item,annotator,label\ni1,a,pos\ni2,a,%s\n" % big)
put("l.tsv", "item\tannotator\tlabel\ni1\t%s\tpos\n" % big)
put("l.jsonl", '{"item":"i1","annotator":"a","label":"pos"}\n'
    '{"item":"i2","annotator":"a","label":"%s"}\n' % big)
put("l-ls.json", '[{"id":1,"data":{"text":"x"},"annotations":[{"completed_by":1,"result":'
    '[{"from_name":"s","to_name":"text","type":"choices","value":{"choices":["%s"]}}]}]}]' % big)
put("l-min.json", '[{"id":1,"text":"x","annotator":1,"sentiment":"%s"}]' % big)
put("l-argilla.jsonl", '{"id":"1","text":"x","sentiment.responses":["%s"],'
    '"sentiment.responses.users":["u"],"sentiment.responses.status":["submitted"]}\n' % big)
put("l-prodigy.jsonl", '{"text":"x","_input_hash":1,"_annotator_id":"a","answer":"accept",'
    '"label":"%s"}\n' % big)
put("ok-4096.csv", "item,annotator,label\ni1,a,%s\n" % ("z" * 4096))
text3 = "t" * (3 << 20)
put("items3.jsonl", '{"item":"i1","text":"%s"}\n' % text3)
put("items3.csv", "item,text\ni1,%s\n" % text3)
text5 = "t" * (5 << 20)
put("items5.jsonl", '{"item":"i1","text":"ok"}\n{"item":"i2","text":"%s"}\n' % text5)
put("items5.csv", "item,text\ni1,ok\ni2,%s\n" % text5)
PY

# A 5 KB label: refused at the label (CSV, TSV: its field; JSON: its record).
lim="the label is 5000 bytes long, more than the limit of 4096 bytes"
refused "$work/l.csv" "3:6: $lim" votes "$work/l.csv" --task t
refused "$work/l.tsv" "2:4: the annotator name is 5000 bytes long, more than the limit of 4096 bytes" \
    votes "$work/l.tsv" --task t
refused "$work/l.jsonl" "2:1: $lim" votes "$work/l.jsonl" --task t
refused "$work/l-ls.json" "1:2: $lim" votes "$work/l-ls.json" --format labelstudio --task t
refused "$work/l-min.json" "1:2: $lim" votes "$work/l-min.json" --format labelstudio-min --task t
refused "$work/l-argilla.jsonl" "1:1: $lim" votes "$work/l-argilla.jsonl" --format argilla --task t
# Prodigy's label names the question, so it is the task's name.
refused "$work/l-prodigy.jsonl" "1:1: the task name is 5000 bytes long" votes "$work/l-prodigy.jsonl" \
    --format prodigy --task t

# At the limit: accepted.
expect_exit 0 "$GAVEL" import "$db" votes "$work/ok-4096.csv" --task t
grep -q "imported 1 vote" "$work/stdout" || fail "4,096-byte label: $(cat "$work/stdout")"

# A 3 MB item text is accepted and stored whole; 5 MB is refused at its column.
expect_exit 0 "$GAVEL" import "$db" items "$work/items3.jsonl" --task t3
expect_exit 0 "$GAVEL" import "$db" items "$work/items3.csv" --task t4
n=$(sqlite3 "$db" "SELECT count(*) FROM item WHERE length(text) = 3145728")
[ "$n" = 2 ] || fail "3 MB item texts stored: $n, wanted 2"
refused "$work/items5.jsonl" '2:21: the string in "text" is longer than the limit of 4194304 bytes' \
    items "$work/items5.jsonl" --task t5
refused "$work/items5.csv" "3:4: field longer than the limit of 4194304 bytes (column 'text')" \
    items "$work/items5.csv" --task t5
# Standard input: copied to an unlinked temporary file in TMPDIR and mapped,
# so the same limits hold, each error naming <stdin> with its line and
# column, and nothing is left in TMPDIR.
mkdir -p "$work/tmp"
piped() { # piped FILE ARGS...: cat FILE | gavel import $db ARGS, TMPDIR=$work/tmp
    f=$1
    shift
    cat "$f" | TMPDIR=$work/tmp "$GAVEL" import "$db" "$@" >"$work/stdout" 2>"$work/stderr"
}
dump "$db" >"$work/before.sql"
piped "$work/l.csv" votes - --task t && fail "a 5 KB label from standard input was accepted"
grep -qxF "gavel: <stdin>:3:6: $lim" "$work/stderr" || fail "stdin: $(cat "$work/stderr")"
piped "$work/items5.csv" items - --task t5 && fail "a 5 MB text from standard input was accepted"
grep -q '^gavel: <stdin>:3:4: ' "$work/stderr" || fail "stdin, 5 MB: $(cat "$work/stderr")"
dump "$db" >"$work/after.sql"
cmp -s "$work/before.sql" "$work/after.sql" || fail "a refused import from stdin changed the database"
piped "$work/items3.jsonl" items - --task t6 || fail "3 MB text from stdin: $(cat "$work/stderr")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM item i JOIN task t ON t.id = i.task
    WHERE t.name = 't6' AND length(i.text) = 3145728")" = 1 ] || fail "stdin: the 3 MB text not stored"
sqlite3 "$db" "SELECT detail FROM event WHERE action = 'import' ORDER BY seq DESC LIMIT 1" |
    grep -qF '"file":"<stdin>"' || fail "the import event does not name <stdin>"
[ -z "$(ls -A "$work/tmp")" ] || fail "left in TMPDIR: $(ls -A "$work/tmp")"
# An empty standard input is an empty file.
: | "$GAVEL" import "$db" votes - --format csv --task t >"$work/stdout" 2>"$work/stderr" &&
    fail "empty stdin accepted"
grep -q '^gavel: <stdin>' "$work/stderr" || fail "empty stdin: $(cat "$work/stderr")"
pass
