#!/bin/sh
# Issue 13, item 1: many experts on one queue. Eight experts and two leads,
# each a stream of headless `gavel review --messages` sessions, work one
# 2,000-item queue at once for a fixed time: experts open items (spread a
# few rows apart, so they run into each other), decide, undo, give reasons,
# skip and move on; a fifth of their sessions and all the leads' include
# decided items, where experts must be refused and leads overrule by
# pressing the same label twice. Claims, from the database and every
# message the screens showed:
#   items decided by two experts (one over the other's current decision,
#     not a lead's overrule) 0; chains forked (two current decisions) 0
#   acknowledged decisions without their decide event (lost) 0, and decide
#     events nobody was told were saved 0
#   "busy" or "locked" shown 0; sessions that failed 0
#   audit events (decide, undo, reason, flag, skip) = changes shown saved
#   decision rows without their event 0; integrity_check and audit verify ok
# Figures: decisions, refusals, p50/p99 of key -> "saved" for decide keys
# (the claim if needed, the decision's transaction and its COMMIT).
# Negative controls (tests/reliability/gavel_unsafe, the same program with
# the checks a claim and a decision make inside their transaction compiled
# out): with no check at all the harness must count doubles; with only the
# claim check kept, as before the fix for eight experts deciding the same
# items (commit f6e02fd), it must count them too.
. "$top_srcdir/tests/reliability/lib.sh"
. "$top_srcdir/tests/reliability/checks.sh"

secs=${GAVEL_REL_EXPERTS_SECONDS:-$(tier 180 300)}
ctl_secs=$(tier 15 45)
items=2000
seed=${GAVEL_REL_SEED:-$(date +%s)}
unsafe=$GAVEL_REL_BIN/gavel_unsafe
[ -x "$unsafe" ] || rel_fail "$unsafe is missing: run through make reliability"
figure "seed $seed (GAVEL_REL_SEED), $secs s with 8 experts and 2 leads on $items items"

# keys KIND SEED: a session's script. Experts go down a few rows, open the
# item and do 60 things, mostly deciding; leads press a label twice (an
# overrule when the item is someone else's) or once, and move on.
keys() {
    awk -v kind="$1" -v seed="$2" 'BEGIN {
        srand(seed)
        skip = int(rand() * 40)
        for (i = 0; i < skip; i++) print "j"
        print "<Enter>"
        for (k = 0; k < 60; k++) {
            r = rand(); l = 1 + int(rand() * 3)
            if (kind == "lead") {
                if (r < 0.5) { print l; print l } else if (r < 0.8) print l; else print "n"
                continue
            }
            if (r < 0.80) print l
            else if (r < 0.85) print "u"
            else if (r < 0.90) { print "r"; print ":type checked " k; print "<Enter>"; print l }
            else if (r < 0.93) print "s"
            else if (r < 0.97) print "n"
            else print "p"
        }
    }'
}

# actor BIN DB DIR NAME KIND N DEADLINE: sessions of NAME until DEADLINE;
# messages to DIR/NAME.msg, failures to DIR/NAME.fail.
actor() {
    i=0
    while [ "$(date +%s)" -lt "$7" ]; do
        s=$((seed + $6 * 100000 + i))
        keys "$5" "$s" >"$3/$4.keys"
        all=""
        if [ "$5" = lead ] || [ $((s % 5)) = 0 ]; then all=--all; fi
        "$1" review "$2" --as "$4" --headless --messages $all --script "$3/$4.keys" \
            >>"$3/$4.msg" 2>>"$3/$4.err" ||
            echo "session $i of $4 exited $?: $(tail -n 1 "$3/$4.err")" >>"$3/$4.fail"
        i=$((i + 1))
    done
    echo "$i" >"$3/$4.sessions"
}

# load BIN DB DIR SECS: the ten actors at once for SECS seconds.
load() {
    mkdir -p "$3"
    deadline=$(($(date +%s) + $4))
    n=0
    for a in ex1 ex2 ex3 ex4 ex5 ex6 ex7 ex8 ld1 ld2; do
        n=$((n + 1))
        kind=expert
        case $a in ld*) kind=lead ;; esac
        actor "$1" "$2" "$3" "$a" "$kind" "$n" "$deadline" &
    done
    wait
    for a in ex1 ex2 ex3 ex4 ex5 ex6 ex7 ex8 ld1 ld2; do
        acked "$a" <"$3/$a.msg"
    done >"$3/acked"
    for a in ex1 ex2 ex3 ex4 ex5 ex6 ex7 ex8 ld1 ld2; do
        cat "$3/$a.msg"
    done >"$3/all.msg"
}

# The run.
rel_project "$out/p.db" "$items" || rel_fail "could not build the project"
t0=$(date +%s)
load "$GAVEL" "$out/p.db" "$out/run" "$secs"
took=$(($(date +%s) - t0))
db=$out/p.db
decisions=$(q "$db" "SELECT count(*) FROM event WHERE action = 'decide'")
shown=$(saved_count <"$out/run/all.msg")
events=$(q "$db" "SELECT count(*) FROM event WHERE action IN ('decide', 'undo', 'reason', 'flag', 'skip')")
busy=$(grep -ciE 'busy|locked' "$out/run/all.msg" "$out"/run/*.err | awk -F: '{ s += $NF } END { print s + 0 }')
failed=$(cat "$out"/run/*.fail 2>/dev/null | wc -l)
sessions=$(cat "$out"/run/*.sessions | awk '{ s += $1 } END { print s }')
refused=$(grep -cE 'only a lead may overrule|decided by .* meanwhile|is working on this item' "$out/run/all.msg")
overrules=$(q "$db" "SELECT count(*) FROM event WHERE action = 'decide' AND detail->>'overrule'")
decided=$(q "$db" "SELECT count(DISTINCT item) FROM decision WHERE label IS NOT NULL")
lat=$(decide_ms <"$out/run/all.msg")
p50=$(echo "$lat" | percentile 50)
p99=$(echo "$lat" | percentile 99)
figure "$sessions sessions in $took s: $decisions decisions ($((decisions / (took > 0 ? took : 1)))/s), $decided of $items items decided, $overrules lead overrules, $refused refusals shown"
figure "decide key -> \"saved\": p50 $p50 ms, p99 $p99 ms"
v=$(doubles "$db")
figure "items decided by two experts: $v"
claim "items decided by two experts" "$v" 0
v=$(forks "$db")
claim "items with two current decisions" "$v" 0
v=$(lost "$db" "$out/run/acked")
figure "acknowledged decisions lost: $v of $(wc -l <"$out/run/acked")"
claim "acknowledged decisions lost" "$v" 0
claim "decide rows never shown saved" "$(unacked "$db" "$out/run/acked")" 0
figure "\"busy\" or \"locked\" shown: $busy; sessions failed: $failed"
claim "busy or locked shown" "$busy" 0
claim "sessions that failed" "$failed" 0
[ "$failed" = 0 ] || head -n 5 "$out"/run/*.fail
figure "audit events $events, changes shown saved $shown"
claim "audit events minus changes shown saved" "$((events - shown))" 0
claim "decision rows without their event" "$(orphans "$db")" 0
claim "integrity_check failures" "$(integrity "$db")" 0
claim "audit verify failures" "$(chain "$db")" 0
[ "$(cat "$out/verify.txt" | head -c 1)" ] && sed 's/^/  verify: /' "$out/verify.txt" | tail -n 2

# control OFF SECS NAME: the same load on gavel_unsafe with the checks in
# OFF compiled out; the harness must count doubles.
control() {
    rm -f "$out/c.db"*
    rel_project "$out/c.db" "$items" || rel_fail "could not build the control project"
    GAVEL_UNSAFE_OFF=$1
    export GAVEL_UNSAFE_OFF
    load "$unsafe" "$out/c.db" "$out/ctl-$3" "$2"
    unset GAVEL_UNSAFE_OFF
    v=$(doubles "$out/c.db")
    figure "negative control ($3: checks off: $1, $2 s): items decided by two experts: $v"
    claim_gt "control $3: items decided by two experts" "$v" 0
}
control claim,meanwhile,lead "$ctl_secs" "no-checks"
control meanwhile,lead "$ctl_secs" "before-f6e02fd"
verdict
