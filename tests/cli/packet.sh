#!/bin/sh
# Offline packets end to end: a round trip with decisions on both sides and
# two conflicts; merging twice; a key not yet trusted (refused with its
# fingerprint, trusted by a lead with --trust-new-key, refused to a
# non-lead); each kind of tampering refused whole with the project
# byte-unchanged (sqlite3 .dump before and after); cancel; and kill -9 at
# random moments of a merge leaves the project as before or fully merged.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
me=$(id -un)
db=$work/p.db
XDG_CONFIG_HOME=$work/lead
export XDG_CONFIG_HOME
alice_cfg=$work/alice

q() { sqlite3 "$1" "$2"; }
# same A B: the two databases' dumps are equal.
same() { dump "$1" >"$work/d1" && dump "$2" >"$work/d2" && cmp -s "$work/d1" "$work/d2"; }

expect_exit 0 "$GAVEL" init "$db"
{
    echo item,annotator,label
    i=1
    while [ $i -le 30 ]; do
        printf 'i%02d,a,pos\ni%02d,b,neg\ni%02d,c,pos\n' $i $i $i
        i=$((i + 1))
    done
} >"$work/votes.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" expert add "$db" alice --role expert --unix-user "$me"
expect_exit 0 "$GAVEL" expert add "$db" boss --role lead --unix-user "$me"
lead=$(q "$db" "SELECT name FROM expert WHERE role = 'lead' AND name <> 'boss'")

# Usage and help.
expect_exit 0 "$GAVEL" packet --help
grep -q '^Usage: gavel packet create' "$work/stdout" || fail "packet --help"
expect_exit 2 "$GAVEL" packet
expect_exit 2 "$GAVEL" packet create "$db"
expect_exit 2 "$GAVEL" packet frobnicate "$db"
expect_exit 2 "$GAVEL" packet create "$db" -o x.db --limit 0
expect_exit 1 "$GAVEL" packet create "$db" -o "$work/x.db" --for nobody
[ ! -e "$work/x.db" ] || fail "a refused packet left its file"

# Keys: made on first use, 0600, the same key the second time.
expect_exit 0 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" expert key
alice_pub=$(awk '/^public key/ { print $3 }' "$work/stdout")
alice_fp=$(awk '/^fingerprint/ { print $2 }' "$work/stdout")
[ "$(stat -c %a "$alice_cfg/gavel/signing.key")" = 600 ] || fail "key file mode"
expect_exit 0 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" expert key --json
grep -q "\"public_key\":\"$alice_pub\"" "$work/stdout" || fail "key --json: $(cat "$work/stdout")"
chmod 644 "$alice_cfg/gavel/signing.key"
expect_exit 1 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" expert key
grep -q "chmod 600" "$work/stderr" || fail "a readable key was not refused"
chmod 600 "$alice_cfg/gavel/signing.key"
expect_exit 2 "$GAVEL" expert add "$db" alice --key not-a-key

# A packet of 10 items for alice; they are out of the project's queue.
before=$("$GAVEL" queue "$db" | tail -n +2 | wc -l)
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk.db" --limit 10 --for alice
id=$(sed -n 's/^packet \(p-[0-9a-f]*\):.*/\1/p' "$work/stdout")
[ -n "$id" ] || fail "no packet id: $(cat "$work/stdout")"
[ "$(stat -c %a "$work/pk.db")" = 600 ] || fail "packet file mode"
after=$("$GAVEL" queue "$db" | tail -n +2 | wc -l)
[ "$after" -eq $((before - 10)) ] || fail "queue $before -> $after, wanted 10 fewer"
[ "$("$GAVEL" queue "$db" --all | tail -n +2 | wc -l)" -eq "$before" ] || fail "--all lost items"
expect_exit 1 "$GAVEL" packet create "$db" -o "$work/pk.db"
grep -q "already exists" "$work/stderr" || fail "overwrote a file"
expect_exit 0 "$GAVEL" packet status "$db" --json
grep -q "\"id\":\"$id\",\"state\":\"out\",\"expert\":\"alice\"" "$work/stdout" ||
    fail "status --json: $(cat "$work/stdout")"
[ "$(q "$work/pk.db" 'SELECT count(*) FROM item')" = 10 ] || fail "packet items"
[ "$(q "$work/pk.db" "SELECT value FROM project WHERE key = 'id'")" = \
  "$(q "$db" "SELECT value FROM project WHERE key = 'id'")" ] || fail "project id"
expect_exit 0 "$GAVEL" audit verify "$work/pk.db"
expect_exit 0 "$GAVEL" stats "$work/pk.db"
expect_exit 0 "$GAVEL" export "$work/pk.db" -o "$work/pk.csv"

# The review screen says where an out item is.
printf '<Enter>\n:dump out\n<C-c>\n' >"$work/out.keys"
expect_exit 0 "$GAVEL" review "$db" --as "$lead" --all --read-only --headless --script "$work/out.keys" \
    --dump-dir "$work"
grep -q "out in packet $id for alice since" "$work/out.txt" || fail "no out line: $(head -3 "$work/out.txt")"

# Both sides decide. In the project the lead decides the first two packet
# items (--all) and one item that is not out; offline, alice decides five.
printf '<Enter>\n2\n2\n<C-c>\n' >"$work/two.keys"
expect_exit 0 "$GAVEL" review "$db" --as "$lead" --all --headless --script "$work/two.keys"
printf '<Enter>\n1\n<C-c>\n' >"$work/one.keys"
expect_exit 0 "$GAVEL" review "$db" --as "$lead" --headless --script "$work/one.keys"
[ "$(q "$db" 'SELECT count(*) FROM decision')" = 3 ] || fail "project decisions"
printf '<Enter>\n1\n1\n1\n1\n1\n<C-c>\n' >"$work/five.keys"
expect_exit 0 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" review "$work/pk.db" --as alice \
    --headless --script "$work/five.keys"
[ "$(q "$work/pk.db" 'SELECT count(*) FROM decision')" = 5 ] || fail "packet decisions"
[ "$(q "$work/pk.db" 'SELECT count(DISTINCT signer) FROM event')" = 1 ] || fail "signer"
[ "$(q "$work/pk.db" "SELECT count(*) FROM event WHERE signer = '$alice_pub'")" -gt 5 ] ||
    fail "events not signed with alice's key"
expect_exit 0 "$GAVEL" audit verify "$work/pk.db"
cp "$db" "$work/p0.db"
cp "$work/pk.db" "$work/pk0.db"

# An untrusted key is refused with its fingerprint and the command.
expect_exit 1 "$GAVEL" packet merge "$db" "$work/pk.db"
grep -q "$alice_fp" "$work/stderr" || fail "no fingerprint: $(cat "$work/stderr")"
grep -q -- "--trust-new-key" "$work/stderr" || fail "no command: $(cat "$work/stderr")"
same "$db" "$work/p0.db" || fail "a refused merge changed the project"
# A non-lead may not trust it (the project's leads mapped elsewhere).
cp "$db" "$work/nolead.db"
q "$work/nolead.db" "UPDATE expert SET unix_uid = 4000000 WHERE role = 'lead'"
expect_exit 1 "$GAVEL" packet merge "$work/nolead.db" "$work/pk.db" --trust-new-key
grep -q "only a lead" "$work/stderr" || fail "non-lead: $(cat "$work/stderr")"

# Merge with trust: five decisions, two conflicts, in the conflicts queue.
expect_exit 0 "$GAVEL" packet merge "$db" "$work/pk.db" --trust-new-key
grep -q "5 decisions, 2 conflicts" "$work/stdout" || fail "merge: $(cat "$work/stdout")"
[ "$(q "$db" "SELECT count(*) FROM decision WHERE origin = 'packet' AND expert = 'alice'")" = 5 ] ||
    fail "merged decisions"
# A merge writes no item_votes row: the tasks' tally is still the recount of
# them (STORE_SUMMARY_TALLY_SELECT, src/store.h; 30 items, agreement 1/3 each).
[ "$(q "$db" 'SELECT * FROM task_tally')" = "$(q "$db" "SELECT task, count(*), sum(n),
    sum(n >= 2), coalesce(sum(CASE WHEN n >= 2 THEN CAST(agreement * 16777216 + 0.5 AS INTEGER)
    END), 0) / 16777216.0, sum(n >= 2 AND distinct_labels > 1) FROM item_votes WHERE n > 0
    GROUP BY task")" ] || fail "task_tally after the merge: $(q "$db" 'SELECT * FROM task_tally')"
[ "$(q "$db" "SELECT count(*) FROM decision d JOIN decision p ON p.item = d.item
    AND p.origin = 'packet' WHERE d.origin = 'review'")" = 2 ] || fail "both decisions kept"
[ "$(q "$db" "SELECT count(*) FROM decision d WHERE origin = 'packet' AND d.at =
    (SELECT x.at FROM decision x WHERE x.id = d.id)")" = 5 ] || fail "times"
[ "$(q "$db" "SELECT count(*) FROM event WHERE action = 'key-trust'")" = 1 ] || fail "key-trust event"
[ "$(q "$db" "SELECT count(*) FROM event WHERE action = 'decide'
    AND detail ->> '$.signer' = '$alice_fp'")" = 5 ] || fail "signer in the events"
"$GAVEL" queue "$db" --queue conflicts | tail -n +2 >"$work/conflicts"
[ "$(wc -l <"$work/conflicts")" = 2 ] || fail "conflicts queue: $(cat "$work/conflicts")"
[ "$(q "$db" "SELECT count(*) FROM packet_item")" = 0 ] || fail "items still out"
expect_exit 0 "$GAVEL" audit verify "$db"
expect_exit 0 "$GAVEL" packet status "$db"
grep -q "$id *merged *alice *10 *5 *2" "$work/stdout" || fail "status: $(cat "$work/stdout")"
# The conflicts queue on screen names both decisions; a lead's decision
# (asked twice: it overrules alice's) settles them and its reason names them.
printf '<Enter>\n:dump conflict\n1\n1\n<C-c>\n' >"$work/settle.keys"
cp "$db" "$work/settle.db"
expect_exit 0 "$GAVEL" review "$work/settle.db" --as "$lead" --queue conflicts --headless \
    --script "$work/settle.keys" --dump-dir "$work"
grep -q "conflict: decisions [0-9]* (here) and [0-9]* (packet $id)" "$work/conflict.txt" ||
    fail "no conflict line: $(head -3 "$work/conflict.txt")"
grep -q "^Conflict: a lead's decision settles both" "$work/conflict.txt" &&
    grep -q "^here  *[0-9]* $lead " "$work/conflict.txt" &&
    grep -q "^packet *[0-9]* alice " "$work/conflict.txt" ||
    fail "no conflict block: $(head -12 "$work/conflict.txt")"
[ "$(q "$work/settle.db" "SELECT count(*) FROM conflict WHERE settled_by IS NOT NULL")" = 1 ] ||
    fail "not settled"
q "$work/settle.db" "SELECT reason FROM decision WHERE id = (SELECT settled_by FROM conflict
    WHERE settled_by IS NOT NULL)" | grep -q "^settles decisions [0-9]* and [0-9]*" ||
    fail "the settling reason does not name both"
expect_exit 0 "$GAVEL" audit verify "$work/settle.db"
expect_exit 0 "$GAVEL" audit log "$work/settle.db"
grep -q 'decide .*"settles":\[[0-9]*,[0-9]*\]' "$work/stdout" || fail "audit log: no settles"
# audit verify holds the packet tables to the trail: each quiet edit of a
# packet row, its items out, a trusted key or a conflict is caught, naming
# what was changed. av.db has a merged packet, a settled and an open
# conflict, alice's trusted key, and an open packet of 3 items.
cp "$work/settle.db" "$work/av.db"
expect_exit 0 "$GAVEL" packet create "$work/av.db" -o "$work/avpk.db" --limit 3
id3=$(sed -n 's/^packet \(p-[0-9a-f]*\):.*/\1/p' "$work/stdout")
expect_exit 0 "$GAVEL" audit verify "$work/av.db"
grep -q "packets match the trail: 2 packets, 1 trusted key, 2 conflicts" "$work/stdout" ||
    fail "verify with packets: $(cat "$work/stdout")"
free=$(q "$work/av.db" "SELECT min(item) FROM item_votes WHERE item NOT IN (SELECT item FROM packet_item)")
# quiet NAME EXPECTED-TEXT SQL: apply SQL to a copy, verify must fail saying so.
quiet() {
    cp "$work/av.db" "$work/qv.db"
    q "$work/qv.db" "$3" || fail "quiet $1: the SQL failed"
    expect_exit 1 "$GAVEL" audit verify "$work/qv.db"
    grep -q "$2" "$work/stderr" || fail "quiet $1: $(cat "$work/stderr")"
}
quiet reopened "packet $id: state is 'out' but event [0-9]* recorded 'merged'" \
    "UPDATE packet SET state = 'out' WHERE id = '$id'"
quiet merged-head "packet $id: merged_head" "UPDATE packet SET merged_head = 'x' WHERE id = '$id'"
quiet merged-count "packet $id: decisions is '4'" "UPDATE packet SET decisions = 4 WHERE id = '$id'"
quiet base "base_decision" "UPDATE packet SET base_decision = base_decision + 1 WHERE id = '$id3'"
quiet closed "packet $id3: state is 'merged'" "UPDATE packet SET state = 'merged' WHERE id = '$id3'"
quiet packet-gone "recorded packet $id3, which is missing" "DELETE FROM packet WHERE id = '$id3'"
quiet packet-added "packet p-000000000000 has no packet-create event" \
    "INSERT INTO packet SELECT 'p-000000000000', expert, queue, created, state, items, head,
     head_seq, base_decision, closed_at, merged_head, decisions, conflicts FROM packet WHERE id = '$id3'"
quiet item-returned "packet $id3: 2 items are out in it, but event [0-9]* recorded 3" \
    "DELETE FROM packet_item WHERE item = (SELECT min(item) FROM packet_item)"
quiet item-swapped "packet $id3: the items out in it are not the ones" \
    "UPDATE packet_item SET item = $free WHERE item = (SELECT min(item) FROM packet_item)"
quiet item-stray "items are out in packets no event made" \
    "INSERT INTO packet_item VALUES ($free, 'p-ffffffffffff')"
quiet key-added "no key-trust event" "INSERT INTO expert_key VALUES
    ('$(printf 'A%.0s' $(seq 43))=', 'alice', 'SHA256:x', '2026-01-01T00:00:00Z')"
quiet key-gone "which is missing" "DELETE FROM expert_key"
quiet key-owner "expert is 'boss'" "UPDATE expert_key SET expert = 'boss'"
quiet conflict-gone "recorded a conflict on item [0-9]*, which is missing" \
    "DELETE FROM conflict WHERE settled_by IS NULL"
quiet conflict-settled "settled_by is '[0-9]*' but event [0-9]* recorded null" \
    "UPDATE conflict SET settled_by = 1 WHERE settled_by IS NULL"
quiet conflict-unsettled "settled_by is null" "UPDATE conflict SET settled_by = NULL"
quiet conflict-pair "project_decision" "UPDATE conflict SET project_decision = packet_decision"
quiet conflict-added "has no merge event that made it" \
    "INSERT INTO conflict(item, packet, project_decision, packet_decision) VALUES (1, '$id', 1, 2)"
# The settling decision's event records the two decisions it settles.
[ "$(q "$work/av.db" "SELECT json_array_length(detail, '$.settles') FROM event
    WHERE detail ->> '$.after.decision' = (SELECT settled_by FROM conflict
    WHERE settled_by IS NOT NULL)")" = 2 ] || fail "the settling event does not record both"
# Merging again changes nothing.
cp "$db" "$work/p1.db"
expect_exit 0 "$GAVEL" packet merge "$db" "$work/pk.db"
grep -q "merged already" "$work/stdout" || fail "second merge: $(cat "$work/stdout")"
same "$db" "$work/p1.db" || fail "a second merge changed the project"

# Tampering: each change to a copy of the reviewed packet is refused whole,
# against a copy of the project that trusts alice's key.
cp "$work/p0.db" "$work/base.db"
expect_exit 0 "$GAVEL" expert add "$work/base.db" alice --key "$alice_pub"
untrig="DROP TRIGGER event_no_update; DROP TRIGGER event_no_delete;
    DROP TRIGGER decision_no_update; DROP TRIGGER decision_no_delete;"
retrig="$(q "$db" "SELECT group_concat(sql, ';') || ';' FROM sqlite_schema WHERE type = 'trigger'")"
last=$(q "$work/pk0.db" "SELECT max(seq) FROM event")
first=$(q "$work/pk0.db" "SELECT min(seq) FROM event")
maxd=$(q "$work/pk0.db" "SELECT max(id) FROM decision")
# tamper NAME EXPECTED-TEXT SQL: apply SQL to a copy, merge, expect refusal.
tamper() {
    cp "$work/base.db" "$work/t.db"
    cp "$work/pk0.db" "$work/tk.db"
    q "$work/tk.db" "$3" || fail "tamper $1: the SQL failed"
    expect_exit 1 "$GAVEL" packet merge "$work/t.db" "$work/tk.db"
    grep -q "$2" "$work/stderr" || fail "tamper $1: $(cat "$work/stderr")"
    grep -q "project is unchanged" "$work/stderr" || fail "tamper $1: $(cat "$work/stderr")"
    same "$work/t.db" "$work/base.db" || fail "tamper $1 changed the project"
}
tamper changed-event "hash mismatch" "$untrig UPDATE event SET detail = replace(detail, 'disputed', 'audit')
    WHERE seq = $last - 1; $retrig"
tamper removed-event "sequence gap" "$untrig DELETE FROM event WHERE seq = $first + 1; $retrig"
tamper reordered "prev_hash does not match" "$untrig UPDATE event SET seq = -seq WHERE seq IN ($first + 1, $first + 2);
    UPDATE event SET seq = $first + 2 WHERE seq = -($first + 1);
    UPDATE event SET seq = $first + 1 WHERE seq = -($first + 2); $retrig"
tamper inserted-event "hash mismatch" "INSERT INTO event SELECT seq + 1, at, actor, uid, host, ssh,
    action, item, detail, hash, hash, signer, sig FROM event WHERE seq = $last"
tamper changed-decision "label is" "$untrig UPDATE decision SET label = 1 - label WHERE id = $maxd; $retrig"
tamper removed-decision "which is missing" "$untrig DELETE FROM decision WHERE id = $maxd; $retrig"
tamper inserted-decision "has no event" "INSERT INTO decision(item, expert, label, at, origin)
    SELECT item, expert, label, at, origin FROM decision WHERE id = $maxd"
tamper bad-signature "bad signature" "$untrig UPDATE event SET sig = (SELECT sig FROM event
    WHERE seq = $first) WHERE seq = $last; $retrig"
tamper schema "table 'item' is not defined as in a project" "ALTER TABLE item ADD COLUMN x"
tamper extra-table "table 'loot', which a project has not" "CREATE TABLE loot(x)"
tamper trigger "trigger 'evil'" "CREATE TRIGGER evil AFTER INSERT ON flag BEGIN SELECT 1; END"
tamper view "view 'v'" "CREATE VIEW v AS SELECT 1"
tamper head "the project's head the packet was made at" "UPDATE project SET value = '$(printf '%064d' 1)' WHERE key = 'packet_head'"
tamper old-version "schema version 2" "PRAGMA user_version = 2"
# A packet made by the previous release (schema version 3: no task_tally)
# merges as a current one does; one with anything else different does not.
old3="DROP TABLE task_tally; PRAGMA user_version = 3;"
tamper old-version-extra "table 'loot', which a project has not" "$old3 CREATE TABLE loot(x)"
cp "$work/base.db" "$work/t.db"
cp "$work/pk0.db" "$work/tk.db"
q "$work/tk.db" "$old3" || fail "old packet: the SQL failed"
expect_exit 0 "$GAVEL" packet merge "$work/t.db" "$work/tk.db"
cp "$work/base.db" "$work/t4.db"
expect_exit 0 "$GAVEL" packet merge "$work/t4.db" "$work/pk0.db"
[ "$(q "$work/t.db" "SELECT count(*), group_concat(label) FROM decision")" = \
    "$(q "$work/t4.db" "SELECT count(*), group_concat(label) FROM decision")" ] ||
    fail "a version-3 packet merged differently from the same packet at version 4"
# A re-hashed chain: a decision changed and every hash after it recomputed
# (as anyone holding the file can) fails on the signatures.
cp "$work/pk0.db" "$work/rh.db"
python3 - "$work/rh.db" "$maxd" <<'PY' || fail "re-hash script failed"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER event_no_update; DROP TRIGGER decision_no_update;")
did = int(sys.argv[2])
db.execute("UPDATE decision SET label = 1 - label WHERE id = ?", (did,))
lab = db.execute("SELECT l.value FROM decision d JOIN item i ON i.id = d.item JOIN label l"
                 " ON l.task = i.task AND l.code = d.label WHERE d.id = ?", (did,)).fetchone()[0]
rows = db.execute("SELECT seq, at, actor, uid, host, ssh, action, item, detail, prev_hash"
                  " FROM event ORDER BY seq").fetchall()
prev = rows[0][9]
for seq, at, actor, uid, host, ssh, action, item, detail, _ in rows:
    d = json.loads(detail)
    if d.get("after", {}).get("decision") == did:
        d["after"]["label"] = lab
        detail = json.dumps(d, separators=(",", ":"))
    s = lambda v: json.dumps(v, ensure_ascii=False)
    canon = ('{"seq":%d,"at":%s,"actor":%s,"uid":%d,"host":%s,"ssh":%s,"action":%s,"item":%s,'
             '"detail":%s}' % (seq, s(at), s(actor), uid, s(host), s(ssh or ""), s(action),
                               "null" if item is None else str(item), detail))
    h = hashlib.sha256((prev + canon).encode()).hexdigest()
    db.execute("UPDATE event SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               (detail, prev, h, seq))
    prev = h
db.commit()
db.executescript("""CREATE TRIGGER event_no_update BEFORE UPDATE ON event
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
  BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;""")
PY
q "$work/rh.db" "SELECT sql FROM sqlite_schema WHERE type = 'trigger'" >/dev/null
cp "$work/base.db" "$work/t.db"
expect_exit 1 "$GAVEL" packet merge "$work/t.db" "$work/rh.db"
grep -q "bad signature" "$work/stderr" || fail "re-hashed: $(cat "$work/stderr")"
same "$work/t.db" "$work/base.db" || fail "re-hashed packet changed the project"
# Another project's packet.
expect_exit 0 "$GAVEL" init "$work/other.db"
expect_exit 0 "$GAVEL" import "$work/other.db" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" packet create "$work/other.db" -o "$work/opk.db" --limit 3
cp "$work/base.db" "$work/t.db"
expect_exit 1 "$GAVEL" packet merge "$work/t.db" "$work/opk.db"
grep -q "another project" "$work/stderr" || fail "other project: $(cat "$work/stderr")"
same "$work/t.db" "$work/base.db" || fail "another project's packet changed the project"
# Not a database at all.
echo "hello" >"$work/junk.db"
expect_exit 1 "$GAVEL" packet merge "$work/t.db" "$work/junk.db"
same "$work/t.db" "$work/base.db" || fail "junk changed the project"

# Cancel returns the items; a cancelled packet does not merge.
n0=$("$GAVEL" queue "$db" | tail -n +2 | wc -l)
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/pk2.db" --limit 4
id2=$(sed -n 's/^packet \(p-[0-9a-f]*\):.*/\1/p' "$work/stdout")
[ "$("$GAVEL" queue "$db" | tail -n +2 | wc -l)" -eq $((n0 - 4)) ] || fail "not out"
expect_exit 0 "$GAVEL" packet cancel "$db" "$id2"
[ "$("$GAVEL" queue "$db" | tail -n +2 | wc -l)" -eq "$n0" ] || fail "cancel kept items out"
expect_exit 1 "$GAVEL" packet cancel "$db" "$id2"
expect_exit 1 "$GAVEL" packet merge "$db" "$work/pk2.db"
grep -q "cancelled" "$work/stderr" || fail "merged a cancelled packet"
expect_exit 0 "$GAVEL" audit verify "$db"

# Every kind of event an offline review writes comes back: decisions, an
# undo and a reason, in a project that had decided an item outside the packet
# before it was made (so the packet's own decision ids start above the
# project's last). The lead decides i13 meanwhile; alice decides i11, i12
# and i13 offline, undoes i13 and gives i12 a reason: i13 is a conflict
# between the lead's decision and alice's undo.
u=$work/u.db
expect_exit 0 "$GAVEL" init "$u"
expect_exit 0 "$GAVEL" import "$u" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" expert add "$u" alice --role expert --unix-user "$me" --key "$alice_pub"
expect_exit 0 "$GAVEL" review "$u" --as "$lead" --headless --script "$work/one.keys"
base=$(q "$u" "SELECT max(id) FROM decision")
expect_exit 0 "$GAVEL" packet create "$u" -o "$work/upk.db" --limit 4 --for alice
[ "$(q "$work/upk.db" "SELECT group_concat(external_id) FROM item")" = "i02,i03,i04,i05" ] ||
    fail "undo packet items: $(q "$work/upk.db" "SELECT group_concat(external_id) FROM item")"
printf 'j\nj\nj\n<Enter>\n2\n<C-c>\n' >"$work/i04.keys"
expect_exit 0 "$GAVEL" review "$u" --as "$lead" --all --headless --script "$work/i04.keys"
p04=$(q "$u" "SELECT d.id FROM decision d JOIN item i ON i.id = d.item WHERE i.external_id = 'i04'")
[ -n "$p04" ] || fail "the lead's decision on i04"
printf '<Enter>\n1\n2\n1\np\nu\np\nr\n:type because\n<Enter>\n<C-c>\n' >"$work/undo.keys"
expect_exit 0 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" review "$work/upk.db" --as alice \
    --headless --script "$work/undo.keys"
[ "$(q "$work/upk.db" "SELECT count(*) FROM decision WHERE id <= $base")" = 0 ] ||
    fail "offline decision ids at or below the project's last ($base)"
expect_exit 0 "$GAVEL" audit verify "$work/upk.db"
[ "$(q "$work/upk.db" "SELECT group_concat(action) FROM (SELECT action FROM event
    WHERE action IN ('decide', 'undo', 'reason') ORDER BY seq)")" = "decide,decide,decide,undo,reason" ] ||
    fail "offline events: $(q "$work/upk.db" "SELECT group_concat(action) FROM event")"
expect_exit 0 "$GAVEL" packet merge "$u" "$work/upk.db"
grep -q "5 decisions, 1 conflict" "$work/stdout" || fail "undo merge: $(cat "$work/stdout")"
# Kinds as the offline events had them, supersedes mapped to merged ids.
[ "$(q "$u" "SELECT group_concat(k) FROM (SELECT detail ->> '$.kind' AS k FROM event
    WHERE detail ->> '$.origin' = 'packet' ORDER BY seq)")" = "decide,decide,decide,undo,reason" ] ||
    fail "merged kinds"
row() { q "$u" "SELECT coalesce(d.label, 'null') || '|' || coalesce(d.reason, '') || '|' ||
    coalesce((SELECT x.external_id || ':' || s.origin FROM decision s JOIN item x ON x.id = s.item
    WHERE s.id = d.supersedes), '') FROM decision d JOIN item i ON i.id = d.item
    WHERE i.external_id = '$1' AND d.origin = 'packet' ORDER BY d.id DESC LIMIT 1"; }
[ "$(row i04)" = "null||i04:packet" ] || fail "merged undo: $(row i04)"
l03=$(q "$u" "SELECT d.label FROM decision d JOIN item i ON i.id = d.item
    WHERE i.external_id = 'i03' AND d.origin = 'packet' ORDER BY d.id LIMIT 1")
[ "$(row i03)" = "$l03|because|i03:packet" ] || fail "merged reason: $(row i03)"
[ "$(q "$u" "SELECT c.project_decision || ':' || coalesce(d.label, 'null') FROM conflict c
    JOIN decision d ON d.id = c.packet_decision")" = "$p04:null" ] ||
    fail "conflict with the undo: $(q "$u" "SELECT * FROM conflict")"
expect_exit 0 "$GAVEL" audit verify "$u"

# kill -9 during a merge: at a chosen decision (the test hook), just before
# the commit, and at random moments; each time the project is as before
# (and verifies), or fully merged.
full=$(q "$work/p0.db" "SELECT count(*) FROM decision") && full=$((full + 5))
kill_check() {
    n=$(q "$work/k.db" "SELECT count(*) FROM decision")
    if same "$work/k.db" "$work/base.db"; then
        :
    elif [ "$n" = "$full" ] && [ "$(q "$work/k.db" "SELECT state FROM packet WHERE id = '$id'")" = merged ]; then
        :
    else
        fail "after kill -9 ($1): $n decisions, neither before nor merged"
    fi
    "$GAVEL" audit verify "$work/k.db" >/dev/null 2>&1 || fail "after kill -9 ($1): audit verify"
}
for at in 1 3 -1; do
    cp "$work/base.db" "$work/k.db"
    rm -f "$work/k.db-wal" "$work/k.db-shm"
    GAVEL_TEST_MERGE_KILL=$at "$GAVEL" packet merge "$work/k.db" "$work/pk0.db" >/dev/null 2>&1
    [ $? -ge 128 ] || fail "the hook did not kill the merge at $at"
    same "$work/k.db" "$work/base.db" || fail "killed at $at: the project changed"
    kill_check "hook $at"
done
i=0
while [ $i -lt 30 ]; do
    cp "$work/base.db" "$work/k.db"
    rm -f "$work/k.db-wal" "$work/k.db-shm"
    "$GAVEL" packet merge "$work/k.db" "$work/pk0.db" >/dev/null 2>&1 &
    pid=$!
    sleep "0.0$(awk -v s=$i 'BEGIN { srand(s); printf "%02d", int(rand() * 40) }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    kill_check "random $i"
    i=$((i + 1))
done
pass
