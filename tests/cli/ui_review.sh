#!/bin/sh
# gavel review end to end in headless mode: deciding three items writes three
# decisions with their events and the chain verifies; a reason citing a rule
# the guideline lacks is refused; undo is a new superseding decision; the draft reason survives a hang-up; identity comes
# from the uid (--as only among its names); viewers and --read-only write
# nothing; a second expert sees the first one's decisions and cannot
# overwrite them; an undo refused because a lead overruled says nothing was
# undone; usage errors exit 2.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
events() { sqlite3 "$db" "SELECT count(*) FROM event WHERE action = '$1'"; }

expect_exit 0 "$GAVEL" review --help
grep -q '^Usage: gavel review' "$work/stdout" || fail "review --help"
expect_exit 2 "$GAVEL" review
expect_exit 2 "$GAVEL" review "$db" --headless
expect_exit 2 "$GAVEL" review "$db" --headless --script /dev/null --size 80by24
expect_exit 2 "$GAVEL" review "$db" --messages
# Three experts share this uid: without --as it must ask, and a name mapped
# to no uid of ours is refused.
expect_exit 1 "$GAVEL" review "$db" --headless --script /dev/null
grep -q -- '--as' "$work/stderr" || fail "no hint about --as: $(cat "$work/stderr")"
expect_exit 1 "$GAVEL" review "$db" --as mallory --headless --script /dev/null

# Decide three items, the first with a reason citing a rule.
printf '<Enter>\nr\n:type #R1 sarcasm\n<Enter>\n1\n3\n2\n<C-c>\n' >"$work/three.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --messages --script "$work/three.keys"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM decision')" = 3 ] || fail "wanted 3 decisions"
# --messages: each "saved" as the screen said it, with the script line of
# its key (5, 6, 7), a time and the kind, even though the next item's
# message may replace it on the screen.
[ "$(grep '^msg [0-9]* [0-9.]* saved ' "$work/stdout" | sed 's/^msg \([0-9]*\) [0-9.]* /\1 /')" = "5 saved saved: r3 = negative
6 saved saved: r1 = positive
7 saved saved: r2 = neutral" ] || fail "--messages: $(cat "$work/stdout")"
[ "$(events decide)" = 3 ] || fail "wanted 3 decide events, got $(events decide)"
row=$(sqlite3 "$db" "SELECT i.external_id, l.value, d.expert, d.rule, d.reason, d.seconds >= 0,
	d.queue FROM decision d JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task
	AND l.code = d.label ORDER BY d.id LIMIT 1")
[ "$row" = "r3|negative|ana|R1|sarcasm|1|disputed" ] || fail "first decision: $row"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM claim')" = 0 ] || fail "claims left behind"
expect_exit 0 "$GAVEL" audit verify "$db"
# The history reads as sentences from the stored events, claims folded.
printf '<Enter>\nh\n:dump hist\nc\n:dump histc\n<C-c>\n' >"$work/hist.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/hist.keys" \
	--dump-dir "$work/h"
grep -Eq '^ [0-9-]{10} [0-9:]{8}  ana +decided negative in [0-9]+ s$' "$work/h/hist.txt" ||
	fail "history: $(cat "$work/h/hist.txt")"
grep -q '  why: rule R1, sarcasm$' "$work/h/hist.txt" || fail "history: no why"
grep -Eq '[0-9]+ claims? folded \(c shows them\)' "$work/h/hist.txt" || fail "history: claims not folded"
grep -q 'opened it (claim)' "$work/h/hist.txt" && fail "history: a claim shown folded"
grep -q 'opened it (claim)' "$work/h/histc.txt" || fail "history: c does not show claims"
grep -q '[{"]' "$work/h/hist.txt" && fail "history: raw JSON on the screen"

# Undo from the queue: a new decision superseding the old, never an update.
printf 'j\nu\n<C-c>\n' >"$work/undo.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/undo.keys"
row=$(sqlite3 "$db" "SELECT d.label IS NULL, s.expert FROM decision d JOIN decision s
	ON s.id = d.supersedes ORDER BY d.id DESC LIMIT 1")
[ "$row" = "1|ana" ] || fail "undo: $row"
[ "$(events undo)" = 1 ] || fail "no undo event"

# Another expert: the decided items are not in ben's queue; forcing one
# through a stale view is refused by the database layer (covered in the
# update tests); here ben decides what is left and nothing of ana's changes.
before=$(sqlite3 "$db" "SELECT group_concat(id) FROM decision WHERE expert = 'ana'")
printf '<Enter>\n2\n2\n<C-c>\n' >"$work/ben.keys"
expect_exit 0 "$GAVEL" review "$db" --as ben --headless --script "$work/ben.keys"
[ "$(sqlite3 "$db" "SELECT group_concat(id) FROM decision WHERE expert = 'ana'")" = "$before" ] ||
	fail "ana's decisions changed"
dup=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT item FROM decision d WHERE label IS NOT NULL
	AND id = (SELECT max(id) FROM decision e WHERE e.item = d.item) AND d.expert = 'ben'
	AND d.item IN (SELECT item FROM decision WHERE expert = 'ana' AND label IS NOT NULL
	AND supersedes IS NULL AND id IN (SELECT max(id) FROM decision GROUP BY item)))")
[ "$dup" = 0 ] || fail "ben decided an item ana had decided"

# A hang-up while typing a reason: the draft is saved and comes back.
printf '<Enter>\nr\n:type half a thought\n:hup\n' >"$work/hup.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/hup.keys"
[ "$(sqlite3 "$db" "SELECT text FROM draft WHERE expert = 'ana'")" = "half a thought" ] ||
	fail "draft not saved on hang-up"
printf '<Enter>\n:dump back\n<C-c>\n' >"$work/back.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/back.keys" --dump-dir "$work"
grep -q 'draft reason is back' "$work/back.txt" || fail "draft not restored: $(cat "$work/back.txt")"
grep -q 'reason: half a thought' "$work/back.txt" || fail "draft text not shown"

# Viewers and --read-only write nothing.
n=$(sqlite3 "$db" 'SELECT count(*) FROM event')
"$GAVEL" expert add "$db" vic --role viewer --unix-user "$(id -un)" >/dev/null || fail "expert add"
n=$((n + 1))
printf '<Enter>\n:dump ro\n1\nr\nf\ns\n<C-c>\n' >"$work/try.keys"
for who in "--as vic" "--as ana --read-only"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$GAVEL" review "$db" $who --headless --script "$work/try.keys" \
		--dump-dir "$work/ro"
	# Their footer offers no key that would decide or write.
	foot=$(tail -n 1 "$work/ro/ro.txt")
	for k in '1:' 'r:reason' 's:skip' 'f:flag' 'u:undo'; do
		case $foot in *"$k"*) fail "$who: the footer offers $k: $foot" ;; esac
	done
	case $foot in *'q:back'*) ;; *) fail "$who: footer without q:back: $foot" ;; esac
done
[ "$(sqlite3 "$db" 'SELECT count(*) FROM event')" = "$n" ] || fail "a viewer or read-only wrote events"
expect_exit 0 "$GAVEL" audit verify "$db"

# --dump-dir is created when missing (mkdir -p), and must be a directory.
printf ':dump made\n<C-c>\n' >"$work/made.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/made.keys" \
	--dump-dir "$work/new/deeper"
[ -s "$work/new/deeper/made.txt" ] || fail "--dump-dir was not created"
: >"$work/plain"
expect_exit 1 "$GAVEL" review "$db" --as ana --headless --script "$work/made.keys" \
	--dump-dir "$work/plain"

# A reason citing a rule the guideline lacks is refused in the editor, with
# the rules there are; the guideline's spelling of a rule is stored.
rdir=$work/rule
mkdir -p "$rdir"
ui_fixture "$GAVEL" "$rdir" || fail "rule fixture"
printf '<Enter>\nr\n:type #R99 no such rule\n<Enter>\n:dump rule99\n<C-u>\n:type #r3 final verdict\n<Enter>\n1\n<C-c>\n' \
	>"$work/rule.keys"
expect_exit 0 "$GAVEL" review "$rdir/p.db" --as ana --headless --script "$work/rule.keys" \
	--dump-dir "$rdir"
grep -q 'no rule R99 in guideline 2.1; its rules: R1, R2, R3' "$rdir/rule99.txt" ||
	fail "#R99 not refused: $(cat "$rdir/rule99.txt")"
grep -q 'reason: #R99 no such rule' "$rdir/rule99.txt" || fail "the editor closed on #R99"
row=$(sqlite3 "$rdir/p.db" "SELECT rule || '|' || reason FROM decision")
[ "$row" = "R3|final verdict" ] || fail "rule decision: '$row'"

# f flags the guideline with a note, once: f again writes nothing; the
# queue marks flagged items with !, also in a later session.
printf '<Enter>\nf\n:type R2 and R3 pull apart \033[31m\n<Enter>\nf\n:dump flag2\nq\n:dump flagq\n<C-c>\n' \
	>"$work/flag.keys"
expect_exit 0 "$GAVEL" review "$rdir/p.db" --as ana --headless --script "$work/flag.keys" \
	--dump-dir "$rdir"
[ "$(sqlite3 "$rdir/p.db" "SELECT count(*) || '|' || max(note) FROM flag")" = "1|R2 and R3 pull apart [31m" ] ||
	fail "flags: $(sqlite3 "$rdir/p.db" 'SELECT * FROM flag')"
[ "$(sqlite3 "$rdir/p.db" "SELECT count(*) FROM event WHERE action = 'flag'")" = 1 ] || fail "flag events"
grep -q 'you flagged this item already: R2 and R3 pull apart' "$rdir/flag2.txt" ||
	fail "second f: $(tail -n 3 "$rdir/flag2.txt")"
printf ':dump flagq2\n<C-c>\n' >"$work/flagq.keys"
expect_exit 0 "$GAVEL" review "$rdir/p.db" --as ben --headless --script "$work/flagq.keys" \
	--dump-dir "$rdir"
for f in flagq flagq2; do
	grep -q '^.!r1 ' "$rdir/$f.txt" || fail "$f: r1 not marked flagged: $(cat "$rdir/$f.txt")"
	grep -q '! guideline flagged' "$rdir/$f.txt" || fail "$f: no legend for the flag mark"
	[ "$(grep -c '^.!' "$rdir/$f.txt")" = 1 ] || fail "$f: more than one row marked"
done

# The line under the queue says what the compact summaries stand for: short
# names, or bare counts when a task's names do not fit, both when both show.
grep -q '^ votes: neg=negative neu=neutral pos=positive   ! guideline flagged$' "$rdir/flagq2.txt" ||
	fail "no legend: $(tail -n 3 "$rdir/flagq2.txt")"
tdir=$work/topics
mkdir -p "$tdir"
"$GAVEL" init "$tdir/p.db" >/dev/null || fail "init topics"
printf 'item,annotator,label\nx1,a,sports\nx1,b,science\nx1,c,politics\nx1,d,business\nx1,e,health\nx2,a,travel\nx2,b,sports\n' \
	>"$tdir/votes.csv"
"$GAVEL" import "$tdir/p.db" votes "$tdir/votes.csv" --task topic >/dev/null || fail "topic votes"
"$GAVEL" expert add "$tdir/p.db" ana --role expert --unix-user "$(id -un)" >/dev/null || fail "expert"
printf ':resize 160x24\n:dump topics\n<C-c>\n' >"$work/topics.keys"
expect_exit 0 "$GAVEL" review "$tdir/p.db" --as ana --headless --script "$work/topics.keys" \
	--dump-dir "$tdir"
grep -q '^> x1 .* 1·1·1·1·1·0 ' "$tdir/topics.txt" || fail "counts form: $(cat "$tdir/topics.txt")"
grep -q '^  x2 .* sp1 tr1 ' "$tdir/topics.txt" || fail "names form: $(cat "$tdir/topics.txt")"
legend='votes: n·n·n·n·n·n = business·health·politics·science·sports·travel; bu=business he=health po=politics sc=science sp=sports tr=travel'
grep -qF " $legend" "$tdir/topics.txt" || fail "legend: $(tail -n 3 "$tdir/topics.txt")"

# A blind audit queue (from the project YAML): Q switches to it, votes and
# model stay hidden until the blind call, and both calls are stored.
bdir=$work/blind
mkdir -p "$bdir"
ui_fixture "$GAVEL" "$bdir" || fail "second fixture"
cat >"$bdir/project.yaml" <<'YAML'
project: blind test
tasks:
  - name: sentiment
    labels: [negative, neutral, positive]
queues:
  - {name: disputed, rule: disputed}
  - {name: audit, rule: audit, sample: 10, seed: 3, min_confidence: 0.6, blind: true}
YAML
bdb=$bdir/b.db
"$GAVEL" init "$bdb" --project "$bdir/project.yaml" >/dev/null || fail "init with project"
"$GAVEL" import "$bdb" items "$bdir/items.csv" --task sentiment >/dev/null || fail "items"
"$GAVEL" import "$bdb" votes "$bdir/votes.csv" --task sentiment >/dev/null || fail "votes"
"$GAVEL" import "$bdb" predictions "$bdir/preds.csv" --model m1 --task sentiment >/dev/null ||
	fail "predictions"
"$GAVEL" expert add "$bdb" ana --role expert --unix-user "$(id -un)" >/dev/null || fail "expert"
"$GAVEL" expert add "$bdb" ben --role expert --unix-user "$(id -un)" >/dev/null || fail "expert"
printf 'Q\nj\n<Enter>\n:dump aq\n<Enter>\n:dump hidden\n3\n:dump revealed\n1\n:dump after\n<C-c>\n' \
	>"$work/audit.keys"
expect_exit 0 "$GAVEL" review "$bdb" --as ana --headless --script "$work/audit.keys" \
	--dump-dir "$work/aud"
grep -q 'queue audit' "$work/aud/aq.txt" || fail "Q did not switch to the audit queue"
grep -q 'blind' "$work/aud/aq.txt" || fail "the audit queue is not shown blind"
# Nothing from the votes or the model in the list: no counts, agreement,
# "2/4 agree" or "audit: model 0.97".
for what in 'audit: model' agree 'neu2' '0\.[0-9][0-9]'; do
	grep -q -- "$what" "$work/aud/aq.txt" && fail "the blind queue shows '$what': $(cat "$work/aud/aq.txt")"
done
grep -q 'Votes and model hidden' "$work/aud/hidden.txt" || fail "votes not hidden"
for who in alice bob carol stated; do
	! grep -q "$who" "$work/aud/hidden.txt" || fail "$who shown before the blind call"
done
grep -q 'alice' "$work/aud/revealed.txt" || fail "votes not revealed after the call"
grep -q 'effective' "$work/aud/revealed.txt" || fail "no effective confidence after the call"
row=$(sqlite3 "$bdb" "SELECT l.value, b.value, d.queue FROM decision d JOIN item i ON i.id = d.item
	JOIN label l ON l.task = i.task AND l.code = d.label
	JOIN label b ON b.task = i.task AND b.code = d.blind_label")
[ "$row" = "negative|positive|audit" ] || fail "blind decision: '$row'"

# A lead overrules ana's decision; ana's undo is refused, and says that
# nothing was undone, on which item, and why; no undo is written.
mkdir -p "$work/ov"
ui_fixture "$GAVEL" "$work/ov" || fail "could not build the overrule fixture"
odb=$work/ov/p.db
"$GAVEL" expert add "$odb" lea --role lead --unix-user "$(id -un)" >/dev/null || fail "expert"
printf '<Enter>\n1\n<C-c>\n' >"$work/ov/ana.keys"
expect_exit 0 "$GAVEL" review "$odb" --as ana --headless --script "$work/ov/ana.keys"
printf '<Enter>\n2\n2\n<C-c>\n' >"$work/ov/lea.keys"
expect_exit 0 "$GAVEL" review "$odb" --as lea --all --headless --script "$work/ov/lea.keys"
[ "$(sqlite3 "$odb" "SELECT group_concat(expert, ',') FROM decision")" = "ana,lea" ] ||
	fail "the lead did not overrule: $(sqlite3 "$odb" 'SELECT * FROM decision')"
printf 'u\n:dump undo\n<C-c>\n' >"$work/ov/undo.keys"
expect_exit 0 "$GAVEL" review "$odb" --as ana --all --headless --script "$work/ov/undo.keys" \
	--dump-dir "$work/ov"
grep -q "^nothing was undone on r3: the latest decision is lea's, not yours" "$work/ov/undo.txt" ||
	fail "refused undo: $(tail -2 "$work/ov/undo.txt")"
[ "$(sqlite3 "$odb" 'SELECT count(*) FROM decision')" = 2 ] || fail "the refused undo wrote"
[ "$(sqlite3 "$odb" "SELECT count(*) FROM event WHERE action = 'undo'")" = 0 ] ||
	fail "an undo event for the refused undo"
pass
