#!/bin/sh
# gavel audit verify when memory runs out: an allocation failure is an error,
# never a verdict. With tests/reliability/gavel-fault failing the K-th
# allocation of SQLite's allocator, and then of gavel's own, audit verify of
# an intact project (review decisions with a reason and a rule, an undo, a
# reason added later, an imported decision, a packet merged with a conflict
# and a trusted key, a packet cancelled and one still out) either says it is
# intact (exit 0) or fails with a clear out-of-memory error (exit 1), and
# never reports tampering; audit verify of a copy with one decision's label
# edited around gavel either names that edit or fails with the same error.
# Before the fix, SQLite's json_valid (3.40) answered 0, "not JSON", when it
# ran out of memory, so an event went unseen and its decision was reported
# "written around gavel"; and a value SQLite could not give as text for want
# of memory was compared as null ("label is 'negative' but event N recorded
# null") or crashed the check. Later, a step of the packet rows that failed
# after a row had matched ended the check as intact: exit 0 with "2 packets"
# where there are 3 (tests/test_audit_oom.c fails every allocation of that
# check in turn).
#
# Every K of gavel's allocator; SQLite's allocator (several thousand calls)
# every K up to 300, then a spread of about 300 more over the rest, or every K with
# GAVEL_TEST_FAULT_SAMPLES=all (tests/reliability/h_40_faults.sh runs every K
# in its long tier).
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
fault=$(dirname "$GAVEL")/tests/reliability/gavel-fault
[ -x "$fault" ] || skip "$fault is not built"
me=$(id -un)

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
q() { sqlite3 "$db" "$1"; }
expect_exit 0 "$GAVEL" expert add "$db" lea --role lead --unix-user "$me"
# Review: a decision with a reason citing a rule, two more; an undo; a
# reason added later. Then an imported decision with its own time.
printf '<Enter>\nr\n:type #R1 sarcasm\n<Enter>\n1\n3\n2\n<C-c>\n' >"$work/k1"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/k1"
printf 'j\nu\n<C-c>\n' >"$work/k2"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/k2"
printf '<Enter>\nr\n:type added later\n<Enter>\n<C-c>\n' >"$work/k3"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/k3"
printf 'item,label,reason,at\nr5,neutral,checked by phone,2025-01-02T03:04:05Z\n' >"$work/dec.csv"
expect_exit 0 "$GAVEL" import "$db" decisions "$work/dec.csv" --task sentiment --expert ben
# A packet of two items (r1, r4) for ben, decided offline and signed with
# his key; meanwhile the lead decides r1 (the second row of --all): a
# conflict when it is merged with the key trusted. Then a packet cancelled,
# and one still out.
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk1.db" --limit 2 --for ben
printf '<Enter>\n1\n2\n<C-c>\n' >"$work/k4"
expect_exit 0 env XDG_CONFIG_HOME="$work/ben" "$GAVEL" review "$work/pk1.db" --as ben \
    --headless --script "$work/k4"
printf 'j\n<Enter>\n1\n<C-c>\n' >"$work/k5"
expect_exit 0 "$GAVEL" review "$db" --as lea --all --headless --script "$work/k5"
expect_exit 0 "$GAVEL" packet merge "$db" "$work/pk1.db" --trust-new-key
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk2.db" --limit 1 --for ana
expect_exit 0 "$GAVEL" packet cancel "$db" "$(q "SELECT id FROM packet WHERE state = 'out'")"
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk3.db" --limit 1 --for ana

[ "$(q "SELECT group_concat(origin || ':' || (supersedes IS NOT NULL) || ':' || (label IS NULL),
    ' ') FROM (SELECT * FROM decision ORDER BY id)")" = \
    "review:0:0 review:0:0 review:0:0 review:1:1 review:1:0 import:0:0 review:1:0 packet:1:0 packet:0:0" ] ||
    fail "the fixture's decisions are not what this test expects: $(q 'SELECT * FROM decision')"
expect_exit 0 "$GAVEL" audit verify "$db"
cp "$work/stdout" "$work/intact.out"
grep -q '^state matches the trail: 9 decisions, 4 experts, 1 guideline version$' \
    "$work/intact.out" || fail "intact project: $(cat "$work/intact.out")"
grep -q '^packets match the trail: 3 packets, 1 trusted key, 1 conflict$' "$work/intact.out" ||
    fail "intact project: $(cat "$work/intact.out")"

# The edited copy: decision 3's label changed with the triggers dropped.
sqlite3 "$db" ".backup '$work/e.db'" || fail "backup failed"
sqlite3 "$work/e.db" "DROP TRIGGER decision_no_update;
    UPDATE decision SET label = (SELECT min(code) FROM label WHERE code <> decision.label)
    WHERE id = 3" || fail "edit failed"
expect_exit 1 "$GAVEL" audit verify "$work/e.db"
verdict=$(cat "$work/stderr")
case $verdict in
"gavel: decision 3 (item r2): label is '"*"' but event "*" recorded '"*"'") ;;
*) fail "the edit was not caught as it should be: $verdict" ;;
esac

# one FILE KIND K: audit verify under the fault; prints what is wrong, if
# anything.
one() {
    GAVEL_FAULT=$2:$3 "$fault" audit verify "$1" >"$work/out" 2>"$work/err"
    rc=$?
    oom=0
    [ "$rc" != 1 ] || [ "$(wc -l <"$work/err")" != 1 ] ||
        ! grep -q '^gavel: .*out of memory' "$work/err" || oom=1
    case $1,$rc in
    "$db",0) cmp -s "$work/out" "$work/intact.out" || echo "exit 0 but: $(cat "$work/out")" ;;
    "$work/e.db",1)
        [ "$oom" = 1 ] || [ "$(cat "$work/err")" = "$verdict" ] ||
            echo "not the edit's verdict nor out of memory: $(head -c 300 "$work/err")"
        ;;
    *,1) [ "$oom" = 1 ] || echo "exit 1 without out of memory: $(head -c 300 "$work/err")" ;;
    *) echo "exit $rc: $(head -c 300 "$work/err")" ;;
    esac
    [ "$rc" != 0 ] || [ "$1" = "$db" ] || echo "exit 0: the edit went unseen"
}

runs=0 ooms=0 bad=0
for f in "$db" "$work/e.db"; do
    for kind in xmalloc malloc; do
        rm -f "$work/count"
        GAVEL_FAULT=$kind:999999999 GAVEL_FAULT_COUNT=$work/count "$fault" audit verify "$f" \
            >/dev/null 2>&1
        total=$(cat "$work/count")
        [ "$total" -gt 0 ] || fail "no $kind calls counted"
        step=1
        if [ "${GAVEL_TEST_FAULT_SAMPLES:-}" != all ] && [ "$total" -gt 600 ]; then
            step=$(((total - 300) / 300 + 1))
        fi
        k=1
        while [ "$k" -le $((total + 1)) ]; do
            one "$f" "$kind" "$k" >"$work/problem"
            runs=$((runs + 1))
            [ "$rc" = 0 ] || ooms=$((ooms + 1))
            if [ -s "$work/problem" ]; then
                bad=$((bad + 1))
                [ "$bad" -gt 5 ] || echo "$(basename "$f") $kind:$k: $(cat "$work/problem")" >&2
            fi
            if [ "$k" -lt 300 ]; then
                k=$((k + 1))
            else
                k=$((k + step))
            fi
        done
    done
done
echo "audit verify under allocation faults: $runs runs, $ooms ended with an error, $bad wrong"
[ "$bad" = 0 ] || fail "$bad runs gave a verdict or an unclear error where memory ran out"
[ "$runs" -ge 1000 ] || fail "only $runs runs"
pass
