# What the reliability harnesses hold a project to after a run, read with
# the sqlite3 shell, apart from gavel's own code (a defect in gavel must not
# hide itself), and the "saved" lines gavel review --messages printed.
# Sourced after lib.sh.

# saved < MESSAGES: "MS<TAB>TEXT" for each change the screen said was saved
# (decide, undo, reason, flag, skip), once: when the screen moves on it may
# add to the message ("saved: it1 = a; it2 was decided by ex3 meanwhile;
# moved on"), which repeats the "saved" and is not counted again.
saved() {
    awk '/^msg [0-9]+ [0-9.]+ saved saved: / {
        t = $0; sub(/^msg [0-9]+ [0-9.]+ saved /, "", t)
        if (last != "" && index(t, last "; ") == 1) next
        last = t; print $3 "\t" t
    }'
}

# acked ACTOR < MESSAGES: the decisions the screen said were saved, one line
# "ACTOR<TAB>ITEM<TAB>LABEL" each (from "saved: ITEM = LABEL").
acked() {
    saved | sed -n 's/^[0-9.]*\tsaved: \(.*\) = \([^;]*\)$/\1\t\2/p' | sed "s/^/$1\t/"
}

# saved_count < MESSAGES: how many changes the screen said were saved.
saved_count() {
    saved | wc -l
}

# decide_ms < MESSAGES: the milliseconds from each decide key to its "saved".
decide_ms() {
    saved | sed -n 's/^\([0-9.]*\)\tsaved: .* = [^;]*$/\1/p'
}

# A temporary table of the events that write decision rows, keyed by the
# row they name, so the checks below join instead of parsing JSON per pair.
ev_sql="CREATE TEMP TABLE ev AS SELECT seq, action, actor, item,
        detail->'after'->>'decision' AS did, detail->'after'->>'label' AS label,
        coalesce(detail->>'overrule', 0) AS overrule
        FROM event WHERE action IN ('decide', 'undo', 'reason');
    CREATE INDEX temp.ev_did ON ev(did);"

# decided DB: every decision row that a decide event names, as the row
# says it, "ACTOR<TAB>ITEM<TAB>LABEL": what an acknowledged decision must
# still be (an edit of the row behind gavel's back shows here as a loss).
decided() {
    q "$1" "$ev_sql
    SELECT d.expert || char(9) || i.external_id || char(9) || l.value
      FROM decision d JOIN ev ON ev.did = d.id AND ev.action = 'decide'
      JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task AND l.code = d.label"
}

# lost DB ACKED: acknowledged decisions (lines of ACKED, a file) without
# such a row, counted with repeats.
lost() {
    decided "$1" | sort >"$out/.decided"
    sort "$2" | comm -23 - "$out/.decided" | wc -l
}

# unacked DB ACKED: decide rows nobody was told were saved.
unacked() {
    decided "$1" | sort >"$out/.decided"
    sort "$2" | comm -13 - "$out/.decided" | wc -l
}

# orphans DB: decision rows without an event of the same expert, item and
# label that names them, plus such events without their row.
orphans() {
    q "$1" "$ev_sql
    SELECT (SELECT count(*) FROM decision d WHERE NOT EXISTS (SELECT 1 FROM ev
              WHERE ev.did = d.id AND ev.actor = d.expert AND ev.item = d.item
              AND ev.label IS (SELECT l.value FROM label l JOIN item i ON i.task = l.task
                               WHERE i.id = d.item AND l.code = d.label)))
         + (SELECT count(*) FROM ev WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.id = ev.did))"
}

# doubles DB: items one expert decided over another expert's current
# decision without a lead's overrule: a decide row whose item's previous
# decision (by id, whatever supersedes says) has a label and another
# expert, and which is not an overrule by a lead.
doubles() {
    q "$1" "$ev_sql
    SELECT count(DISTINCT d.item) FROM decision d
      JOIN ev ON ev.did = d.id AND ev.action = 'decide'
      JOIN decision p ON p.id = (SELECT max(x.id) FROM decision x WHERE x.item = d.item AND x.id < d.id)
     WHERE d.label IS NOT NULL AND p.label IS NOT NULL AND p.expert <> d.expert
       AND NOT (ev.overrule AND d.expert IN (SELECT name FROM expert WHERE role = 'lead'))"
}

# forks DB: items with more than one decision that nothing supersedes.
forks() {
    q "$1" "CREATE TEMP TABLE sup AS SELECT DISTINCT supersedes AS id FROM decision
              WHERE supersedes IS NOT NULL;
    SELECT count(*) FROM (SELECT item FROM decision WHERE id NOT IN (SELECT id FROM sup)
              GROUP BY item HAVING count(*) > 1)"
}

# state DB: "INTEGRITY ORPHANS" in one go: integrity as below (of the main
# database only: the temporary tables are not the project's), orphans as
# above.
state() {
    q "$1" "PRAGMA main.integrity_check; $ev_sql
    SELECT (SELECT count(*) FROM decision d WHERE NOT EXISTS (SELECT 1 FROM ev
              WHERE ev.did = d.id AND ev.actor = d.expert AND ev.item = d.item
              AND ev.label IS (SELECT l.value FROM label l JOIN item i ON i.task = l.task
                               WHERE i.id = d.item AND l.code = d.label)))
         + (SELECT count(*) FROM ev WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.id = ev.did))" |
        awk 'NR == 1 { bad = $0 != "ok" } { last = $0 } END { print (NR == 2 ? bad : 1), last }'
}

# integrity DB: 0 when PRAGMA integrity_check says ok, else 1.
integrity() {
    [ "$(q "$1" 'PRAGMA integrity_check')" = ok ] && echo 0 || echo 1
}

# chain DB: 0 when gavel audit verify passes (the chain and the state held
# against it), else 1; its message goes to $out/verify.txt.
chain() {
    "$GAVEL" audit verify "$1" >"$out/verify.txt" 2>&1 && echo 0 || echo 1
}
