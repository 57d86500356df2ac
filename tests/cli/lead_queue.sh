#!/bin/sh
# Drill-down queues of `gavel queue` (--pair, --confused, --agreement, --rule,
# --annotator --overruled, --majority, --batch): on a seeded project (tests/ref/lead_check.py gen),
# each queue's items are checked against two independent counts: Python over
# the input files (tests/ref/lead_check.py expect) and, for the pair and label
# queues, SQL over the stored votes with json_each (for --majority and
# --batch, over the decisions and the import events). Also: --all, the order
# (lowest agreement first), --limit with the total in the title, the counts
# the lead view shows, and bad input (unknown task, annotator, label, rule;
# a pair of one; a bad band; several tasks and no --task).
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
check=$top_srcdir/tests/ref/lead_check.py
[ -x "$py" ] || skip "$py is missing"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is missing"

d=$work/p
db=$d/p.db
mkdir -p "$d"
"$py" "$check" gen 5 "$d" || fail "generator failed"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes1.csv" --task t
expect_exit 0 "$GAVEL" import "$db" votes "$d/votes2.csv" --task t
expect_exit 0 "$GAVEL" import "$db" decisions "$d/decisions.csv" --task t --expert ex
sqlite3 "$db" <"$d/extra.sql" || fail "extra.sql failed"

# ids: the item ids of a `gavel queue --json` listing, sorted
ids() {
    "$py" -c 'import json, sys
for e in json.load(open(sys.argv[1]))["items"]: print(e["item"])' "$1" | sort
}

# drill NAME ARGS... -- KIND EXPECT-ARGS: the queue with and without --all
# against the reference, and its title's count against the listing.
drill() {
    name=$1
    shift
    args=
    while [ "$1" != -- ]; do args="$args $1"; shift; done
    shift
    for mode in all open; do
        flag=
        [ $mode = all ] && flag=--all
        # shellcheck disable=SC2086
        expect_exit 0 "$GAVEL" queue "$db" $args $flag --json
        cp "$work/stdout" "$work/$name.$mode.json"
        ids "$work/$name.$mode.json" >"$work/got"
        # decided items by definition: --all changes nothing
        oflag=
        case $mode:$1 in open:pair | open:confused | open:agreement | open:batch) oflag=--open ;; esac
        "$py" "$check" expect "$d" "$@" $oflag >"$work/want" || fail "$name: reference failed"
        cmp -s "$work/got" "$work/want" ||
            fail "$name ($mode): gavel lists $(wc -l <"$work/got") items, the files say $(wc -l <"$work/want"): $(diff "$work/got" "$work/want" | head -5)"
        "$py" - "$work/$name.$mode.json" "$(wc -l <"$work/want")" <<'PY' || fail "$name ($mode): title, total or order"
import json, sys
q = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert q["total"] == n == q["count"], (q["total"], n, q["count"])
assert q["title"].endswith(": %d %s" % (n, q["title"].split()[-1])), q["title"]
keys = [(e["agreement"] if e["agreement"] is not None else 2, e["item"]) for e in q["items"]]
assert keys == sorted(keys), "not lowest agreement first"
PY
    done
}

drill pair --pair ann01,ann04 -- pair ann01 ann04
drill confused --confused cat,dog -- confused cat dog
drill band1 --agreement 0.3-0.4 -- agreement 0.3-0.4
drill band2 --agreement 0.5-1 -- agreement 0.5-1
drill rule --rule R2 -- rule R2
drill overruled --annotator ann03 --overruled -- overruled ann03
drill majority --majority cat,dog -- majority cat dog
# the import of votes2.csv, by its audit event
seq2=$(sqlite3 "$db" "SELECT seq FROM event WHERE action = 'import'
    AND json_extract(detail, '$.file') LIKE '%votes2.csv'")
[ -n "$seq2" ] || fail "no import event of votes2.csv"
drill batch --batch "$seq2" -- batch 2
expect_exit 0 "$GAVEL" queue "$db" --batch "$seq2" --all
head -n 1 "$work/stdout" | grep -q "^import $seq2 (.*votes2.csv): [0-9]* items$" ||
    fail "batch title: $(head -n 1 "$work/stdout")"

# The majority / expert and batch queues by SQL: the current decisions with
# the stored summaries; the items whose ids the second import added.
sqlite3 "$db" "SELECT i.external_id FROM decision d JOIN item i ON i.id = d.item
    JOIN item_votes v ON v.item = d.item
    WHERE d.id = (SELECT max(id) FROM decision x WHERE x.item = d.item)
    AND d.label = (SELECT code FROM label WHERE value = 'dog')
    AND v.plurality = (SELECT code FROM label WHERE value = 'cat')
    AND v.plurality_n * 2 > v.n ORDER BY 1" >"$work/want"
ids "$work/majority.all.json" >"$work/got"
cmp -s "$work/got" "$work/want" || fail "majority differs from SQL over the decisions"
sqlite3 "$db" "SELECT i.external_id FROM item i JOIN item_votes v ON v.item = i.id
    WHERE v.n > 0 AND i.id > (SELECT sum(json_extract(detail, '$.items_added'))
        FROM event WHERE action = 'import' AND seq < $seq2) ORDER BY 1" >"$work/want"
ids "$work/batch.all.json" >"$work/got"
cmp -s "$work/got" "$work/want" || fail "batch differs from SQL over the import events"

# The same pair and label queues by SQL over the stored votes.
sqlite3 "$db" "SELECT DISTINCT i.external_id FROM item_votes v JOIN item i ON i.id = v.item,
    json_each(v.votes) a, json_each(v.votes) b
    WHERE a.value->>0 = (SELECT id FROM annotator WHERE name = 'ann01')
    AND b.value->>0 = (SELECT id FROM annotator WHERE name = 'ann04')
    AND a.value->>1 <> b.value->>1 ORDER BY 1" >"$work/want"
ids "$work/pair.all.json" >"$work/got"
cmp -s "$work/got" "$work/want" || fail "pair differs from SQL over the stored votes"
sqlite3 "$db" "SELECT i.external_id FROM item_votes v JOIN item i ON i.id = v.item
    WHERE EXISTS (SELECT 1 FROM json_each(v.votes) j WHERE j.value->>1 =
        (SELECT code FROM label WHERE value = 'cat'))
    AND EXISTS (SELECT 1 FROM json_each(v.votes) j WHERE j.value->>1 =
        (SELECT code FROM label WHERE value = 'dog')) ORDER BY 1" >"$work/want"
ids "$work/confused.all.json" >"$work/got"
cmp -s "$work/got" "$work/want" || fail "confused differs from SQL over the stored votes"

# The lead view's numbers are the queues' counts: co-occurrence (all items),
# the histogram bin, the rule's overturns.
expect_exit 0 "$GAVEL" stats "$db" --json
"$py" - "$work/stdout" "$work" <<'PY' || fail "the lead view's counts differ from the queues"
import json, sys
lead = json.load(open(sys.argv[1]))["tasks"][0]["lead"]
w = sys.argv[2]
total = lambda n: json.load(open("%s/%s.all.json" % (w, n)))["total"]
labels = lead["confusion"]["labels"]
assert lead["confusion"]["cooccurrence"][labels.index("cat")][labels.index("dog")] == total("confused")
assert lead["distribution"]["bins"][3]["items"] == total("band1")
r2 = [r for r in lead["rules"] if r["rule"] == "R2"][0]
assert r2["overturned"] == total("rule"), (r2, total("rule"))
me = lead["confusion"]["majority_expert"]
assert me[labels.index("cat")][labels.index("dog")] == total("majority"), (me, total("majority"))
b2 = [b for b in lead["distribution"]["buckets"] if b["name"].endswith("votes2.csv")][0]
assert b2["items"] == total("batch"), (b2, total("batch"))
p = lead["pairs"]
a, b = p["annotators"].index("ann01"), p["annotators"].index("ann04")
pair = json.load(open("%s/pair.all.json" % w))
assert pair["title"].startswith("ann01 vs ann04: ")
PY

# --limit keeps the first items of the order and the total in the title
expect_exit 0 "$GAVEL" queue "$db" --confused cat,dog --all --limit 5 --json
"$py" - "$work/stdout" "$work/confused.all.json" <<'PY' || fail "--limit"
import json, sys
q, full = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert q["count"] == 5 and q["total"] == full["total"], (q["count"], q["total"])
assert [e["item"] for e in q["items"]] == [e["item"] for e in full["items"][:5]]
PY
expect_exit 0 "$GAVEL" queue "$db" --confused cat,dog --all --limit 5
head -n 1 "$work/stdout" | grep -q "^cat / dog: [0-9]* items (the first 5)$" ||
    fail "text title: $(head -n 1 "$work/stdout")"
[ "$(wc -l <"$work/stdout")" -eq 7 ] || fail "text listing: $(cat "$work/stdout")"

# bad input: errors name what was asked for
expect_exit 1 "$GAVEL" queue "$db" --pair ann01,nobody
grep -q "no annotator named 'nobody'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --pair ann01,anx01
grep -q "did you mean 'ann01'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --pair ann01,ann01
grep -q "not 'ann01' twice" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --confused cat,cow
grep -q "task 't' has no label 'cow' (labels: bird, cat, dog, fish)" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --rule R9
grep -q "cites rule 'R9'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --task nope --agreement 0-1
grep -q "no task named 'nope'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --annotator nobody --overruled
expect_exit 2 "$GAVEL" queue "$db" --agreement 0.5-0.2
expect_exit 2 "$GAVEL" queue "$db" --agreement 1-2
expect_exit 2 "$GAVEL" queue "$db" --pair ann01
expect_exit 2 "$GAVEL" queue "$db" --annotator ann01
expect_exit 2 "$GAVEL" queue "$db" --overruled
expect_exit 2 "$GAVEL" queue "$db" --pair ann01,ann02 --rule R1
expect_exit 2 "$GAVEL" queue "$db" --queue disputed --rule R1
expect_exit 2 "$GAVEL" queue "$db" --task t
expect_exit 2 "$GAVEL" queue "$db" --batch x
expect_exit 2 "$GAVEL" queue "$db" --majority cat
expect_exit 1 "$GAVEL" queue "$db" --batch 999999
grep -q "audit event 999999 is not an import" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 1 "$GAVEL" queue "$db" --majority cat,cow
grep -q "task 't' has no label 'cow'" "$work/stderr" || fail "$(cat "$work/stderr")"

# a second task: a drill-down must name one; annotators who never met
printf 'item,annotator,label\nz1,zed,yes\nz1,ann01,no\n' >"$work/other.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/other.csv" --task other
expect_exit 1 "$GAVEL" queue "$db" --agreement 0-1
grep -q "the project has 2 tasks (t, other): name one" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 0 "$GAVEL" queue "$db" --task other --pair zed,ann01
head -n 1 "$work/stdout" | grep -qx "zed vs ann01: 1 disagreement" || fail "$(cat "$work/stdout")"
expect_exit 1 "$GAVEL" queue "$db" --task t --pair zed,ann01
grep -q "'zed' and 'ann01' share no item in task 't'" "$work/stderr" || fail "$(cat "$work/stderr")"

# names from data never reach the terminal raw
esc=$(printf '\033')
printf 'item,annotator,label\nz2,x%s]0;owned%s\\,yes\nz2,zed,no\n' "$esc" "$esc" >"$work/esc.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/esc.csv" --task other
expect_exit 0 "$GAVEL" queue "$db" --task other --pair "x$esc]0;owned$esc\\,zed"
grep -q "$esc" "$work/stdout" && fail "an escape byte reached the listing"
grep -q '\^\[\]0;owned' "$work/stdout" || fail "the name is not shown sanitised: $(cat -v "$work/stdout")"

# --confused reads a row without strings by its text and parses one with a
# time or a comment, whose text may look like votes: comments that spell
# "[9,1]", ",1]" and ",0," do not make an item hold a label, checked against
# SQL over the stored votes and by hand (c1, c3 and c5 hold cat and dog).
c=$work/c
mkdir -p "$c"
cat >"$c/votes.csv" <<'CSV'
item,annotator,label,at,comment
c1,a,cat,,
c1,b,dog,,
c2,a,cat,,"see [9,1] and [8,0]: ,1] ,0, ,1,"
c2,b,cat,,
c2,c,bird,,"[7,1],[7,0]"
c3,a,dog,2024-03-01T10:00:00Z,
c3,b,cat,,
c4,a,bird,,",1]"
c4,b,cat,,
c5,a,cat,,"dog, then cat"
c5,b,bird,,
c5,c,dog,,
c6,a,dog,,
c6,b,dog,,
CSV
cdb=$c/p.db
expect_exit 0 "$GAVEL" init "$cdb"
expect_exit 0 "$GAVEL" import "$cdb" votes "$c/votes.csv" --task t
expect_exit 0 "$GAVEL" queue "$cdb" --confused cat,dog --all --json
"$py" -c 'import json, sys
for e in json.load(open(sys.argv[1]))["items"]: print(e["item"])' "$work/stdout" |
    sort | paste -sd, - >"$c/got"
[ "$(cat "$c/got")" = "c1,c3,c5" ] || fail "--confused with strings in the votes: $(cat "$c/got")"
sqlite3 "$cdb" "SELECT i.external_id FROM item_votes v JOIN item i ON i.id = v.item
    WHERE EXISTS (SELECT 1 FROM json_each(v.votes) j WHERE j.value->>1 =
        (SELECT code FROM label WHERE value = 'cat'))
    AND EXISTS (SELECT 1 FROM json_each(v.votes) j WHERE j.value->>1 =
        (SELECT code FROM label WHERE value = 'dog')) ORDER BY 1" | paste -sd, - >"$c/want"
cmp -s "$c/got" "$c/want" || fail "--confused $(cat "$c/got"), SQL $(cat "$c/want")"
pass
