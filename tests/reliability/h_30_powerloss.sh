#!/bin/sh
# Issue 13, item 3: power loss. tests/reliability/powerloss makes decisions
# through gavel's own review calls on a connection opened as gavel opens it
# (store_open), over faultvfs, a VFS that keeps unsynced writes in memory
# and at a random sync (or after the last decision) drops all of them or a
# random part, tearing some; then reopens the project with the default VFS
# and checks every decision ever acknowledged. Claims, over all trials:
#   acknowledged decisions lost 0 (row gone or not as acknowledged)
#   corruption 0 (the project does not open, or integrity_check fails)
#   audit verify failures 0 (the chain, and every decision row against
#     its event); acknowledged decisions without their decide event 0
# Negative control: every decision committed without a sync and
# acknowledged before the sync the screen waits for (--synchronous normal), where WAL
# commits are not synced, must lose acknowledged decisions.
. "$top_srcdir/tests/reliability/lib.sh"

trials=${GAVEL_REL_POWER_TRIALS:-$(tier 150 1000)}
ctl_trials=$(tier 20 100)
per=10
seed=${GAVEL_REL_SEED:-$(date +%s)}
bin=$GAVEL_REL_BIN/powerloss
[ -x "$bin" ] || rel_fail "$bin is missing: run through make reliability"
figure "seed $seed (GAVEL_REL_SEED), $trials trials of up to $per decisions"

rel_project "$out/base.db" 200 || rel_fail "could not build the project"

# run DB TRIALS SYNC LOG: powerloss on a fresh copy; prints its result line.
run() {
    rm -f "$1" "$1-wal" "$1-shm"
    sqlite3 "$out/base.db" ".backup '$1'" || rel_fail "backup failed"
    "$bin" "$1" --expert ex1 --trials "$2" --decisions "$per" --seed "$seed" \
        --synchronous "$3" 2>"$4" | tail -n 1
}

# get KEY LINE: the value of KEY=... in a result line.
get() {
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

res=$(run "$out/p.db" "$trials" full "$out/full.log")
echo "$res"
case $res in result*) ;; *) rel_fail "powerloss did not finish: $(tail -n 3 "$out/full.log")" ;; esac
at_sync=$(grep -c '(at a sync)' "$out/full.log")
at_end=$(grep -c '(after the last decision)' "$out/full.log")
whole=$(grep -c 'cache dropped whole' "$out/full.log")
# The counts on each line are the child's own: sum them.
writes=$(sed -n 's/.* \([0-9]*\) writes kept, \([0-9]*\) dropped, \([0-9]*\) torn$/\1 \2 \3/p' \
    "$out/full.log" | awk '{ k += $1; d += $2; t += $3 } END { printf "%d kept, %d dropped, %d torn", k, d, t }')
figure "power failed $at_sync times at a sync, $at_end after the last decision; unsynced cache dropped whole $whole times, else in part: writes $writes"
figure "acknowledged decisions $(get acked "$res"), lost $(get lost "$res"); corrupt $(get corrupt "$res"); audit verify failed $(get verify "$res"); without their event $(get orphans "$res")"
claim "acknowledged decisions lost" "$(get lost "$res")" 0
claim "corrupt after the power failed" "$(get corrupt "$res")" 0
claim "audit verify failures" "$(get verify "$res")" 0
claim "acknowledged decisions without their event" "$(get orphans "$res")" 0
claim "trials that acknowledged something" "$([ "$(get acked "$res")" -gt 0 ] && echo yes)" yes

res=$(run "$out/n.db" "$ctl_trials" normal "$out/normal.log")
echo "control: $res"
case $res in result*) ;; *) rel_fail "powerloss (control) did not finish: $(tail -n 3 "$out/normal.log")" ;; esac
figure "negative control (acknowledged at a commit without a sync, $ctl_trials trials): acknowledged decisions lost $(get lost "$res") of $(get acked "$res")"
claim_gt "control: acknowledged decisions lost" "$(get lost "$res")" 0
verdict
