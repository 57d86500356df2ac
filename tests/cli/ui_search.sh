#!/bin/sh
# / in the queue, headless on a real project: it finds an item by its text,
# its metadata and the names of its annotators (not only the queue's own
# columns), without regard to ASCII case; n and N repeat it forwards and
# backwards, an empty / repeats the last search; blind, nothing that comes
# from votes, agreement or the model is found, and the queue shows none of
# it either.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
# r5 gets metadata (items import updates an item it knows).
printf 'item,text,source\nr5,"Arrived on Tuesday. Have not opened it yet.",web FORUM\n' \
	>"$work/meta.csv"
"$GAVEL" import "$db" items "$work/meta.csv" --task sentiment >/dev/null || fail "meta import"

# The queue runs r3 r1 r2 r4 r5 r6; dave voted on r2 and r5.
cat >"$work/find.keys" <<'KEYS'
/
:type forum
<Enter>
:dump meta
g
/
:type TUESDAY
<Enter>
:dump text
g
/
:type Dave
<Enter>
:dump ann1
n
:dump ann2
n
:dump ann3
N
:dump ann4
/
<Enter>
:dump again
/
:type nobody at all
<Enter>
:dump none
<C-c>
KEYS
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/find.keys" \
	--dump-dir "$work/d"
at() { grep '^>' "$work/d/$1.txt" | awk '{ print $2 }'; }
said() { grep -q -- "$2" "$work/d/$1.txt" || fail "$1: no '$2' on the screen: $(cat "$work/d/$1.txt")"; }
[ "$(at meta)" = r5 ] || fail "metadata: cursor on $(at meta)"
said meta "match 1 of 1 (metadata)"
[ "$(at text)" = r5 ] || fail "text: cursor on $(at text)"
said text "(text)"
[ "$(at ann1)" = r2 ] || fail "annotator: cursor on $(at ann1)"
said ann1 "match 1 of 2 (annotator names)"
[ "$(at ann2)" = r5 ] || fail "n: cursor on $(at ann2)"
said ann2 "match 2 of 2"
[ "$(at ann3)" = r2 ] || fail "n after the last: cursor on $(at ann3)"
said ann3 "wrapped"
[ "$(at ann4)" = r5 ] || fail "N: cursor on $(at ann4)"
[ "$(at again)" = r2 ] || fail "empty /: cursor on $(at again)"
[ "$(at none)" = r2 ] || fail "a failed search moved the cursor"
said none "not found: nobody at all"

# Blind: annotator names, vote counts, agreement and the queue's reasons
# are not searched (a match would tell); the text still is.
cat >"$work/blind.keys" <<'KEYS'
:dump bqueue
/
:type dave
<Enter>
:dump bann
/
:type agree
<Enter>
:dump breason
/
:type neu2
<Enter>
:dump bvotes
/
:type tuesday
<Enter>
:dump btext
<C-c>
KEYS
expect_exit 0 "$GAVEL" review "$db" --as ana --blind --headless --script "$work/blind.keys" \
	--dump-dir "$work/d"
for f in bann breason bvotes; do
	said $f "not found"
	[ "$(at $f)" = r3 ] || fail "$f: blind search moved to $(at $f)"
done
[ "$(at btext)" = r5 ] || fail "blind text search: cursor on $(at btext)"
for what in agree 0.33 neu2 negative positive; do
	grep -q -- "$what" "$work/d/bqueue.txt" && fail "blind queue shows '$what': $(cat "$work/d/bqueue.txt")"
done
said bqueue "hidden until your blind call"
pass
