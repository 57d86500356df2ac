#!/bin/sh
# A packet merge that runs out of memory or meets a failing disk: with
# tests/reliability/gavel-fault failing the K-th SQLite allocation, write or
# sync for K spread over the whole merge, every run ends with exit 0 or 1,
# never a signal; a failure says "gavel: ..." and never blames the packet
# ("refused": before the fix, a failed allocation while the packet was
# checked refused it as "not a packet: out of memory"); the project is as
# before or wholly merged and passes audit verify. (The reliability harness
# h_40_faults.sh runs every K; this is its quick sample.)
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
fault=$(dirname "$GAVEL")/tests/reliability/gavel-fault
[ -x "$fault" ] || skip "$fault is not built"
me=$(id -un)
XDG_CONFIG_HOME=$work/lead
export XDG_CONFIG_HOME

q() { sqlite3 "$1" "$2"; }
state="SELECT (SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event) || '/'
    || (SELECT group_concat(state) FROM packet) || '/' || (SELECT count(*) FROM packet_item)
    || '/' || (SELECT count(*) FROM expert_key)"

db=$work/base.db
expect_exit 0 "$GAVEL" init "$db"
{
    echo item,annotator,label
    for i in 1 2 3 4 5 6 7 8; do
        printf 'i%d,a,pos\ni%d,b,neg\n' $i $i
    done
} >"$work/votes.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" expert add "$db" alice --role expert --unix-user "$me"
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk.db" --limit 5 --for alice
printf '<Enter>\n1\n2\n1\n2\n1\n<C-c>\n' >"$work/keys"
expect_exit 0 env XDG_CONFIG_HOME="$work/alice" "$GAVEL" review "$work/pk.db" --as alice \
    --headless --script "$work/keys"
[ "$(q "$work/pk.db" 'SELECT count(*) FROM decision')" = 5 ] || fail "offline decisions"
before=$(q "$db" "$state")
cp "$db" "$work/m.db"
expect_exit 0 "$GAVEL" packet merge "$work/m.db" "$work/pk.db" --trust-new-key
after=$(q "$work/m.db" "$state")
[ "$before" != "$after" ] || fail "the merge changed nothing"

runs=0
for kind in malloc write sync; do
    rm -f "$work/count"
    cp "$db" "$work/m.db"
    GAVEL_FAULT=$kind:999999999 GAVEL_FAULT_COUNT=$work/count \
        "$fault" packet merge "$work/m.db" "$work/pk.db" --trust-new-key >/dev/null 2>&1
    total=$(cat "$work/count")
    [ "$total" -gt 0 ] || fail "no $kind calls counted"
    # About 20 values of K from 1 to past the last call (or as many as
    # GAVEL_TEST_FAULT_SAMPLES says, for a denser look by hand).
    step=$((total / ${GAVEL_TEST_FAULT_SAMPLES:-20} + 1))
    k=1
    while [ "$k" -le $((total + 1)) ]; do
        cp "$db" "$work/m.db"
        rm -f "$work/m.db-wal" "$work/m.db-shm"
        GAVEL_FAULT=$kind:$k "$fault" packet merge "$work/m.db" "$work/pk.db" --trust-new-key \
            >"$work/stdout" 2>"$work/stderr"
        rc=$?
        runs=$((runs + 1))
        case $rc in
        0) ;;
        1)
            grep -q '^gavel: ..' "$work/stderr" || fail "$kind:$k: unclear: $(cat "$work/stderr")"
            ! grep -q 'refused' "$work/stderr" ||
                fail "$kind:$k: a valid packet refused: $(cat "$work/stderr")"
            ;;
        *) fail "$kind:$k: exit $rc: $(head -c 300 "$work/stderr")" ;;
        esac
        expect_exit 0 "$GAVEL" audit verify "$work/m.db"
        s=$(q "$work/m.db" "$state")
        [ "$s" = "$before" ] || [ "$s" = "$after" ] ||
            fail "$kind:$k: state $s, neither $before nor $after"
        [ "$rc" != 0 ] || [ "$s" = "$after" ] || fail "$kind:$k: exit 0 but state $s"
        k=$((k + step))
    done
done
[ "$runs" -ge 30 ] || fail "only $runs runs"
pass
