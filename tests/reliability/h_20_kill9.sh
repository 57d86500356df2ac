#!/bin/sh
# Issue 13, item 2: kill -9. A supervisor starts headless review sessions
# (gavel review --headless --messages) that decide, give reasons and undo
# on one project, and kills each with SIGKILL at a random moment, from its
# start-up to the middle of its work: in a commit, between two, while it
# loads the next item. Experts ex1..ex4 take turns, so a killed session's
# claim is still live when the next one starts. After every kill:
#   acknowledged decisions ("saved" printed, flushed after the commit)
#     without their decision row as acknowledged and its decide event 0
#   PRAGMA integrity_check failures 0
#   decision rows without their event (or events without their row) 0
#   audit chain breaks (gavel audit verify) 0
# Negative controls, on a copy of the final project with the triggers
# dropped, as someone with the file would: an acknowledged decision's label
# changed, then one deleted (decisions edited behind gavel's back, fixed in
# commit 00eb7a0): the harness must count each as lost, as a row without
# its event, and as an audit verify failure.
. "$top_srcdir/tests/reliability/lib.sh"
. "$top_srcdir/tests/reliability/checks.sh"

kills=${GAVEL_REL_KILLS:-$(tier 40 200)}
items=$(tier 3000 10000)
seed=${GAVEL_REL_SEED:-$(date +%s)}
figure "seed $seed (GAVEL_REL_SEED), $kills kills on $items items"
db=$out/p.db
rel_project "$db" "$items" || rel_fail "could not build the project"
mkdir -p "$out/k"

# keys SEED: go a few rows down, open the item, then 400 actions: mostly
# decisions, reasons given before some, an undo or a move to the next item
# now and then (past an item a killed session still holds).
keys() {
    awk -v seed="$1" 'BEGIN {
        srand(seed)
        skip = int(rand() * 20)
        for (i = 0; i < skip; i++) print "j"
        print "<Enter>"
        for (k = 0; k < 400; k++) {
            r = rand(); l = 1 + int(rand() * 3)
            if (r < 0.80) print l
            else if (r < 0.88) { print "r"; print ":type reason " k; print "<Enter>"; print l }
            else if (r < 0.93) print "u"
            else print "n"
        }
    }'
}

# delay SEED: seconds before the kill, 0 to 1.5.
delay() {
    awk -v seed="$1" 'BEGIN { srand(seed); printf "%.3f\n", rand() * 1.5 }'
}

: >"$out/acked"
ended=0 startup=0 integ=0 orph=0 chains=0 lostmax=0
i=0
while [ "$i" -lt "$kills" ]; do
    s=$((seed + i))
    who=ex$((i % 4 + 1))
    keys "$s" >"$out/k/keys"
    "$GAVEL" review "$db" --as "$who" --headless --messages --script "$out/k/keys" \
        >"$out/k/$i.msg" 2>"$out/k/$i.err" &
    pid=$!
    sleep "$(delay "$s")"
    kill -9 "$pid" 2>/dev/null || ended=$((ended + 1))
    { wait "$pid"; } 2>/dev/null
    acked "$who" <"$out/k/$i.msg" >>"$out/acked"
    grep -q '^msg ' "$out/k/$i.msg" || startup=$((startup + 1))
    n=$(lost "$db" "$out/acked")
    [ "$n" -gt "$lostmax" ] && lostmax=$n && echo "kill $i: $n acknowledged decisions lost"
    st=$(state "$db")
    [ "${st% *}" = 0 ] || { integ=$((integ + 1)) && echo "kill $i: integrity_check failed"; }
    [ "${st#* }" = 0 ] || { orph=$((orph + 1)) && echo "kill $i: ${st#* } decision rows or events without the other"; }
    n=$(chain "$db")
    [ "$n" = 0 ] || { chains=$((chains + 1)) && echo "kill $i: $(cat "$out/verify.txt")"; }
    i=$((i + 1))
done
acks=$(wc -l <"$out/acked")
figure "$kills kills: $startup before the first message, $ended after the session had ended; $acks decisions acknowledged"
figure "acknowledged decisions lost $lostmax; integrity_check failures $integ; decisions without their event $orph; chain breaks $chains"
claim "acknowledged decisions lost" "$lostmax" 0
claim "integrity_check failures" "$integ" 0
claim "kills after which a decision row or event lacked the other" "$orph" 0
claim "kills after which audit verify failed" "$chains" 0
claim "decisions acknowledged" "$([ "$acks" -gt 0 ] && echo some)" some

# tamper NAME SQL: on a copy with the triggers dropped; every check must see it.
tamper() {
    rm -f "$out/t.db"*
    sqlite3 "$db" ".backup '$out/t.db'" || rel_fail "backup failed"
    q "$out/t.db" "DROP TRIGGER decision_no_update; DROP TRIGGER decision_no_delete; $2" ||
        rel_fail "could not tamper: $2"
    l=$(lost "$out/t.db" "$out/acked")
    o=$(orphans "$out/t.db")
    c=$(chain "$out/t.db")
    figure "negative control ($1): lost $l, decisions without their event $o, audit verify failures $c"
    claim_gt "control $1: acknowledged decisions lost" "$l" 0
    claim_gt "control $1: decision rows without their event" "$o" 0
    claim_gt "control $1: audit verify failures" "$c" 0
}
# The row of the last acknowledged decision that no other row repeats:
# a session killed after its commit but before its "saved" leaves a row
# nobody was told of, and when that row has the same expert, item and
# label as an acknowledged one, editing either leaves the other to match.
decided "$db" >"$out/.decided"
last=$(awk 'NR == FNR { d[$0]++; next }
    { a[$0]++; line[FNR] = $0; n = FNR }
    END { for (i = n; i > 0; i--) if (d[line[i]] == a[line[i]]) { print line[i]; exit } }' \
    "$out/.decided" "$out/acked")
[ -n "$last" ] || rel_fail "no acknowledged decision that no other row repeats"
id=$(q "$db" "$ev_sql
    SELECT max(d.id) FROM decision d JOIN ev ON ev.did = d.id AND ev.action = 'decide'
    JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task AND l.code = d.label
    WHERE d.expert = '$(echo "$last" | cut -f1)' AND i.external_id = '$(echo "$last" | cut -f2)'
    AND l.value = '$(echo "$last" | cut -f3)'")
[ -n "$id" ] || rel_fail "no row for the last acknowledged decision ($last)"
tamper "label edited" "UPDATE decision SET label = (label + 1) % 3 WHERE id = $id"
tamper "row deleted" "DELETE FROM decision WHERE id = $id"
verdict
