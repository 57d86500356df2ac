#!/bin/sh
# gavel audit verify/log end to end: an intact chain verifies and its head is
# printed; a head recorded earlier is found later; an edited event (triggers
# dropped with the plain sqlite3 shell), a deleted middle event and a
# truncated chain are each caught with exit 1 and the bad event named; no
# escape sequence from data reaches the output of log.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"

p=$work/p.db
esc=$(printf '\033')
rlo=$(printf '\342\200\256')

expect_exit 2 "$GAVEL" audit
expect_exit 2 "$GAVEL" audit frobnicate "$p"
expect_exit 2 "$GAVEL" audit verify
expect_exit 2 "$GAVEL" audit log "$p" --head 00
expect_exit 1 "$GAVEL" audit verify "$work/missing.db"

expect_exit 0 "$GAVEL" init "$p"
expect_exit 0 "$GAVEL" audit verify "$p"
grep -q '^audit chain intact: [1-9][0-9]* events, head [0-9a-f]\{64\}$' "$work/stdout" ||
    fail "verify printed: $(cat "$work/stdout")"
n1=$(sed -n 's/^audit chain intact: \([0-9]*\) events.*/\1/p' "$work/stdout")
head1=$(sed -n 's/^audit chain intact: .*, head //p' "$work/stdout")

# A name with an escape sequence and a bidi override becomes an event.
expect_exit 0 "$GAVEL" expert add "$p" "mal${esc}[31mory${rlo}" --role viewer
expect_exit 0 "$GAVEL" expert add "$p" bob --role expert
expect_exit 0 "$GAVEL" audit verify "$p" --head "$head1"
n2=$(sed -n 's/^audit chain intact: \([0-9]*\) events.*/\1/p' "$work/stdout")
[ "$n2" = $((n1 + 2)) ] || fail "expected $((n1 + 2)) events after two expert adds, got $n2"
grep -q '^recorded head found: 2 events after it$' "$work/stdout" ||
    fail "head check printed: $(cat "$work/stdout")"
head2=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$work/stdout")
# One event after a head is "1 event", not "1 events".
expect_exit 0 "$GAVEL" expert add "$p" carol --role viewer
expect_exit 0 "$GAVEL" audit verify "$p" --head "$head2"
grep -q '^recorded head found: 1 event after it$' "$work/stdout" ||
    fail "singular head check printed: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" audit verify "$p"
head2=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$work/stdout")
n2=$((n2 + 1))
expect_exit 2 "$GAVEL" audit verify "$p" --head nothex
expect_exit 1 "$GAVEL" audit verify "$p" --head "$(printf '%064d' 7)"
grep -q 'not found: the chain was truncated or rewritten' "$work/stderr" ||
    fail "unknown head: $(cat "$work/stderr")"

# log: one line per event, sanitised; JSON lines parse and are sanitised too.
expect_exit 0 "$GAVEL" audit log "$p"
[ "$(wc -l <"$work/stdout")" -eq "$n2" ] || fail "log has $(wc -l <"$work/stdout") lines, want $n2"
grep -q "$esc" "$work/stdout" && fail "an escape character reached the log output"
grep -q "$rlo" "$work/stdout" && fail "a bidi override reached the log output"
# Shown visibly: as <RLO> by the sanitiser, or as the \u202e escape that
# JSON details carry (the same character, never the raw one).
grep -q -e '<RLO>' -e '\\u202e' "$work/stdout" || fail "the bidi override is not shown: $(cat "$work/stdout")"
grep -q '^1 [0-9T:.-]*Z .* init - {' "$work/stdout" || fail "first log line: $(head -1 "$work/stdout")"
expect_exit 0 "$GAVEL" audit log "$p" --json
grep -q "$esc" "$work/stdout" && fail "an escape character reached the JSON log"
grep -q "$rlo" "$work/stdout" && fail "a bidi override reached the JSON log"
if command -v /usr/bin/python3 >/dev/null 2>&1; then
    /usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1)), rows
assert all(len(r["hash"]) == 64 and isinstance(r["detail"], dict) for r in rows)
assert any("\u202e" in json.dumps(r["detail"], ensure_ascii=False) for r in rows)
' "$work/stdout" || fail "JSON log is not what it should be"
fi
expect_exit 1 "$GAVEL" audit log "$p" --item no-such-item
grep -q "no item 'no-such-item'" "$work/stderr" || fail "unknown item: $(cat "$work/stderr")"

# With items and decisions imported, --item narrows the log to one item.
if "$GAVEL" import --help >/dev/null 2>&1; then
    printf 'item,annotator,label\nx1,a,pos\nx1,b,neg\nx2,a,pos\n' >"$work/votes.csv"
    expect_exit 0 "$GAVEL" import "$p" votes "$work/votes.csv" --task t
    expect_exit 0 "$GAVEL" audit verify "$p"
    if "$GAVEL" import --help 2>/dev/null | grep -q decisions; then
        printf 'item,label\nx1,neg\n' >"$work/decisions.csv"
        expect_exit 0 "$GAVEL" import "$p" decisions "$work/decisions.csv" --task t --expert bob
        expect_exit 0 "$GAVEL" audit log "$p" --item x1
        [ "$(wc -l <"$work/stdout")" -ge 1 ] || fail "no events for item x1"
        awk '$5 != "x1" { exit 1 }' "$work/stdout" || fail "log --item x1: $(cat "$work/stdout")"
        expect_exit 0 "$GAVEL" audit log "$p" --item x1 --task t --json
        grep -q '"item":"x1","task":"t"' "$work/stdout" || fail "JSON --item: $(cat "$work/stdout")"
        expect_exit 1 "$GAVEL" audit log "$p" --item x1 --task nope
    fi
fi
expect_exit 0 "$GAVEL" audit verify "$p"
n3=$(sed -n 's/^audit chain intact: \([0-9]*\) events.*/\1/p' "$work/stdout")
head3=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$work/stdout")

# Tampering, as someone with the file would: drop the triggers first.
cp "$p" "$work/t1.db"
sqlite3 "$work/t1.db" "DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete;
    UPDATE event SET detail = '{\"forged\":true}' WHERE seq = 2" || fail "sqlite3 update failed"
expect_exit 1 "$GAVEL" audit verify "$work/t1.db"
grep -q '^gavel: event 2: hash mismatch' "$work/stderr" || fail "edit: $(cat "$work/stderr")"

cp "$p" "$work/t2.db"
sqlite3 "$work/t2.db" "DROP TRIGGER event_no_delete; DELETE FROM event WHERE seq = 2" ||
    fail "sqlite3 delete failed"
expect_exit 1 "$GAVEL" audit verify "$work/t2.db"
grep -q '^gavel: event 3: sequence gap' "$work/stderr" || fail "delete: $(cat "$work/stderr")"

# A truncated chain verifies on its own but not against the recorded head.
cp "$p" "$work/t3.db"
sqlite3 "$work/t3.db" "DROP TRIGGER event_no_delete; DELETE FROM event WHERE seq = $n3" ||
    fail "sqlite3 truncate failed"
expect_exit 0 "$GAVEL" audit verify "$work/t3.db"
expect_exit 1 "$GAVEL" audit verify "$work/t3.db" --head "$head3"
grep -q "head $head3 not found" "$work/stderr" || fail "truncation: $(cat "$work/stderr")"
expect_exit 0 "$GAVEL" audit verify "$work/t3.db" --head "$head2"

# While the triggers are there, events cannot be changed at all.
sqlite3 "$p" "UPDATE event SET actor = 'x' WHERE seq = 1" 2>/dev/null &&
    fail "an event was updated despite the trigger"
expect_exit 0 "$GAVEL" audit verify "$p" --head "$head3"
pass
