#!/bin/sh
# gavel audit verify holds the state that exports read to the audit trail.
# On a project with review decisions (decide with a reason and rule, undo,
# a reason added later), an imported decision with its own time, experts and
# a guideline, each edit made around gavel the way someone with the file
# would (triggers dropped, plain sqlite3) is caught with exit 1 and the first
# mismatch named: a decision row's label, expert, reason, rule, time or
# supersedes changed, a row deleted, a row inserted without an event, a
# deleted row's id used again, an expert's role, uid or OS user changed, an
# expert deleted or added, a guideline's text, hash or version changed,
# deleted or added.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
q() { sqlite3 "$db" "$1"; }

# Review: three decisions, the first with a reason citing a rule; undo the
# second item's; add a reason to the first item's decision afterwards.
printf '<Enter>\nr\n:type #R1 sarcasm\n<Enter>\n1\n3\n2\n<C-c>\n' >"$work/three.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/three.keys"
printf 'j\nu\n<C-c>\n' >"$work/undo.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/undo.keys"
printf '<Enter>\nr\n:type added later\n<Enter>\n<C-c>\n' >"$work/reason.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --all --headless --script "$work/reason.keys"
# Import: a decision with the time it was made elsewhere.
printf 'item,label,reason,at\nr5,neutral,checked by phone,2025-01-02T03:04:05Z\n' >"$work/dec.csv"
expect_exit 0 "$GAVEL" import "$db" decisions "$work/dec.csv" --task sentiment --expert ben

[ "$(q "SELECT group_concat(action, ' ') FROM (SELECT action FROM event
    WHERE action IN ('decide', 'undo', 'reason') ORDER BY seq)")" = "decide decide decide undo reason decide" ] ||
    fail "the fixture's decisions are not what this test expects: $(q 'SELECT * FROM decision')"
# The rows by what they are, so the test does not depend on numbering.
id_of() {
    q "SELECT d.id FROM decision d JOIN item i ON i.id = d.item WHERE i.external_id = '$1'
        ORDER BY d.id LIMIT 1 OFFSET ${2:-0}"
}
d_r3=$(id_of r3)     # decide, reason "sarcasm", rule R1, label negative
d_r1=$(id_of r1)     # decide, later undone
d_r2=$(id_of r2)     # decide
d_undo=$(id_of r1 1) # undo of d_r1: no label, supersedes d_r1
d_later=$(id_of r3 1) # reason added to d_r3
d_imp=$(id_of r5)    # imported, at 2025-01-02T03:04:05Z
[ "$(q "SELECT supersedes FROM decision WHERE id = $d_undo")" = "$d_r1" ] || fail "undo row"
[ "$(q "SELECT reason FROM decision WHERE id = $d_r3")" = sarcasm ] || fail "reason row"

expect_exit 0 "$GAVEL" audit verify "$db"
grep -q '^state matches the trail: 6 decisions, 3 experts, 1 guideline version$' "$work/stdout" ||
    fail "intact project: $(cat "$work/stdout")"

code() { q "SELECT code FROM label WHERE value = '$1'"; }
drop='DROP TRIGGER decision_no_update; DROP TRIGGER decision_no_delete;'
# tamper SQL MESSAGE: on a copy, run SQL with the triggers dropped; verify
# must exit 1 with MESSAGE (a basic regular expression after "gavel: ").
tamper() {
    rm -f "$work/t.db" "$work/t.db-wal" "$work/t.db-shm"
    sqlite3 "$db" ".backup '$work/t.db'" || fail "backup failed"
    sqlite3 "$work/t.db" "$drop $1" || fail "sqlite3: $1"
    expect_exit 1 "$GAVEL" audit verify "$work/t.db"
    grep -q "^gavel: $2\$" "$work/stderr" || fail "after '$1': $(cat "$work/stderr")"
}
ev='event [0-9]*'

# The export hands out whatever the row says; verify catches the edit.
tamper "UPDATE decision SET label = $(code positive) WHERE id = $d_r2" \
    "decision $d_r2 (item r2): label is 'positive' but $ev recorded 'neutral'"
"$GAVEL" export "$work/t.db" --format jsonl 2>/dev/null | grep -q '"item":"r2","task":"sentiment","label":"positive","source":"expert"' ||
    fail "the export does not show the edited label, so this test proves nothing"
tamper "UPDATE decision SET expert = 'ben' WHERE id = $d_r2" \
    "decision $d_r2 (item r2): expert is 'ben' but $ev recorded 'ana'"
tamper "UPDATE decision SET reason = 'forged' WHERE id = $d_r3" \
    "decision $d_r3 (item r3): reason is 'forged' but $ev recorded 'sarcasm'"
tamper "UPDATE decision SET rule = 'R9' WHERE id = $d_r3" \
    "decision $d_r3 (item r3): rule is 'R9' but $ev recorded 'R1'"
tamper "UPDATE decision SET at = '2020-01-01T00:00:00Z' WHERE id = $d_r2" \
    "decision $d_r2 (item r2): decided_at is '2020-01-01T00:00:00Z' but $ev was written at '[0-9T:-]*Z'"
tamper "UPDATE decision SET at = replace(at, 'T', ' ') WHERE id = $d_r2" \
    "decision $d_r2 (item r2): decided_at is '[0-9-]* [0-9:]*Z' but $ev was written at '[0-9T:-]*Z'"
tamper "UPDATE decision SET at = '2020-01-01T00:00:00Z' WHERE id = $d_imp" \
    "decision $d_imp (item r5): decided_at is '2020-01-01T00:00:00Z' but $ev recorded '2025-01-02T03:04:05Z'"
tamper "UPDATE decision SET supersedes = NULL WHERE id = $d_undo" \
    "decision $d_undo (item r1): supersedes is null but $ev recorded '$d_r1'"
tamper "UPDATE decision SET label = $(code neutral), reason = 'x' WHERE id = $d_undo" \
    "decision $d_undo (item r1): label is 'neutral' but $ev recorded null"
tamper "UPDATE decision SET reason = 'x' WHERE id = $d_undo" \
    "decision $d_undo (item r1): reason is 'x' but the undo restores null"
tamper "UPDATE decision SET item = (SELECT id FROM item WHERE external_id = 'r6') WHERE id = $d_r2" \
    "decision $d_r2 (item r6): item is 'r6' but $ev recorded 'r2'"
tamper "UPDATE decision SET guideline_version = NULL WHERE id = $d_r2" \
    "decision $d_r2 (item r2): guideline_version is null but the task's guideline was at version 1 when $ev was written"
# Rows deleted, inserted, or deleted and their id used again by gavel.
tamper "DELETE FROM decision WHERE id = $d_r2" \
    "$ev recorded decision $d_r2 (item r2), which is missing: it was deleted around gavel"
tamper "INSERT INTO decision(item, expert, label, at) SELECT id, 'ana', $(code positive),
    '2026-01-01T00:00:00Z' FROM item WHERE external_id = 'r4'" \
    "decision $((d_imp + 1)) (item r4) has no event in the trail: it was written around gavel"
rm -f "$work/r.db" "$work/r.db-wal" "$work/r.db-shm"
sqlite3 "$db" ".backup '$work/r.db'" || fail "backup failed"
sqlite3 "$work/r.db" "$drop DELETE FROM decision WHERE id = $d_imp" || fail "delete failed"
printf 'item,label\nr4,positive\n' >"$work/dec2.csv"
expect_exit 0 "$GAVEL" import "$work/r.db" decisions "$work/dec2.csv" --task sentiment --expert ben
[ "$(sqlite3 "$work/r.db" "SELECT count(*) FROM decision WHERE id = $d_imp")" = 1 ] ||
    fail "the deleted id was not used again"
expect_exit 1 "$GAVEL" audit verify "$work/r.db"
grep -q "^gavel: decision $d_imp (item r4): item is 'r4' but $ev recorded 'r5'\$" "$work/stderr" ||
    fail "id used again: $(cat "$work/stderr")"

# Experts: role, uid, OS user, a deleted and an added expert.
tamper "UPDATE expert SET role = 'lead' WHERE name = 'ana'" \
    "expert 'ana': role is 'lead' but $ev recorded 'expert'"
tamper "UPDATE expert SET unix_uid = unix_uid + 1 WHERE name = 'ana'" \
    "expert 'ana': uid is '[0-9]*' but $ev recorded '$(id -u)'"
tamper "UPDATE expert SET unix_user = 'mallory' WHERE name = 'ben'" \
    "expert 'ben': unix_user is 'mallory' but $ev recorded '$(id -un)'"
tamper "DELETE FROM expert WHERE name = 'ben'" \
    "expert 'ben' is missing: $ev recorded role 'expert', and no later event removed it"
tamper "INSERT INTO expert(name, role, unix_uid, unix_user, added_at)
    VALUES ('mallory', 'lead', 0, 'root', '2026-01-01T00:00:00Z')" \
    "expert 'mallory' has no event in the trail: it was written around gavel"

# Guidelines: the text, the text with a matching hash, the declared version,
# a deleted and an added version.
gl="guideline version 1 of task 'sentiment'"
tamper "UPDATE guideline SET yaml = replace(yaml, 'R1', 'R7')" \
    "$gl: its text no longer hashes to its sha256: the YAML was changed"
printf 'version: "9"\n' >"$work/g.yaml"
tamper "UPDATE guideline SET yaml = CAST(readfile('$work/g.yaml') AS TEXT),
    sha256 = '$(sha256sum "$work/g.yaml" | cut -d' ' -f1)'" \
    "$gl: sha256 is '[0-9a-f]*' but $ev recorded '[0-9a-f]*'"
tamper "UPDATE guideline SET declared_version = '9'" \
    "$gl: declared version is '9' but $ev recorded '[^']*'"
tamper "UPDATE guideline SET loaded_at = '2020-01-01T00:00:00Z'" \
    "$gl: loaded_at is '2020-01-01T00:00:00Z' but $ev was written at '[0-9T:-]*Z'"
tamper "DELETE FROM guideline" "$gl is missing: $ev loaded it"
tamper "INSERT INTO guideline SELECT task, 2, declared_version, sha256, yaml, path, loaded_at
    FROM guideline" \
    "guideline version 2 of task 'sentiment' has no event in the trail: it was written around gavel"

# Nothing above touched the project itself.
expect_exit 0 "$GAVEL" audit verify "$db"
pass
