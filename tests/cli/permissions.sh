#!/bin/sh
# A second OS user (nobody) on a project root made. Without write access to
# the project's folder it can read the project (stats, audit verify, queue,
# export, expert list, review --read-only, review as a viewer) while the
# -wal and -shm files are there, which gavel keeps; without them, the error
# says which permission is missing and why WAL needs it, never "not a gavel
# project". With write access to the file but no lead mapped to it, it
# cannot add experts or change roles, and the last lead stays a lead.
# Needs root (to act as another user) and setpriv; skipped otherwise.
. "$top_srcdir/tests/cli/lib.sh"
[ "$(id -u)" = 0 ] || skip "acting as a second OS user needs root"
command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
ouid=$(id -u nobody 2>/dev/null) || skip "there is no user nobody"
ogid=$(id -g nobody)
XDG_CONFIG_HOME=$work/no-config
export XDG_CONFIG_HOME
as_other() {
	setpriv --reuid="$ouid" --regid="$ogid" --clear-groups "$@"
}
# expect_other CODE CMD...: expect_exit, as nobody.
expect_other() {
	want=$1
	shift
	expect_exit "$want" setpriv --reuid="$ouid" --regid="$ogid" --clear-groups "$@"
}
# mentions TEXT: the last command's standard error says TEXT.
mentions() {
	grep -qF -- "$1" "$work/stderr" || fail "stderr lacks '$1': $(head -c 600 "$work/stderr")"
}

chmod 755 "$work"
as_other test -x "$work" || skip "nobody cannot reach $work"
d=$work/proj
mkdir "$d" "$work/dumps"
chmod 755 "$d"
chmod 777 "$work/dumps"
p=$d/p.db
printf 'item,annotator,label\nr1,a,x\nr1,b,y\nr1,c,y\nr2,a,x\nr2,b,x\nr2,c,y\n' >"$work/votes.csv"
expect_exit 0 "$GAVEL" init "$p"
expect_exit 0 "$GAVEL" import "$p" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" expert add "$p" vic --role viewer --unix-user nobody
[ -e "$p-wal" ] && [ -e "$p-shm" ] || fail "the -wal and -shm files were not kept"
printf '<Enter>\n:dump item\n' >"$work/keys"

# Leftover -wal and -shm present: every reading command works.
reads() {
	expect_other 0 "$GAVEL" stats "$p"
	expect_other 0 "$GAVEL" audit verify "$p"
	expect_other 0 "$GAVEL" queue "$p"
	expect_other 0 "$GAVEL" export "$p" --no-ds
	expect_other 0 "$GAVEL" expert list "$p"
	rm -f "$work/dumps/item.txt"
	expect_other 0 "$GAVEL" review "$p" --read-only --headless --script "$work/keys" \
		--dump-dir "$work/dumps"
	grep -q "r1" "$work/dumps/item.txt" || fail "review --read-only showed no item"
	rm -f "$work/dumps/item.txt"
	expect_other 0 "$GAVEL" review "$p" --headless --script "$work/keys" --dump-dir "$work/dumps"
	grep -q "r1" "$work/dumps/item.txt" || fail "a viewer's review showed no item"
}
reads
# Writing needs write permission, and the error says so.
expect_other 1 "$GAVEL" expert add "$p" mallory --role lead
mentions "read-only for you (uid $ouid)"

# Leftover -wal and -shm absent (a project copied, or closed by an older
# gavel): the error names the missing files and the folder permission.
for f in "$p-wal" "$p-shm"; do
	rm -f "$p-wal" "$p-shm"
	[ "$f" = "$p-shm" ] && "$GAVEL" stats "$p" >/dev/null && rm -f "$p-shm"
	for cmd in stats "audit verify"; do
		# shellcheck disable=SC2086
		expect_other 1 "$GAVEL" $cmd "$p"
		mentions "$f"
		mentions "no write permission on the folder $d"
		mentions "WAL mode"
		grep -q "not a gavel project" "$work/stderr" && fail "$cmd: $(cat "$work/stderr")"
	done
	expect_other 1 "$GAVEL" review "$p" --read-only --headless --script "$work/keys"
	mentions "no write permission on the folder $d"
done
# Any gavel command by someone who may write to the folder puts them back.
expect_exit 0 "$GAVEL" stats "$p"
reads

# No read permission on the file itself, or on the folder.
chmod 600 "$p"
expect_other 1 "$GAVEL" stats "$p"
mentions "no read permission on this file"
chmod 644 "$p"
chmod 700 "$d"
expect_other 1 "$GAVEL" stats "$p"
mentions "no permission to look into a folder"
chmod 755 "$d"

# An unmapped OS user who may write the file is still not a lead.
chmod 777 "$d"
chmod 666 "$p" "$p-wal" "$p-shm"
before=$(dump "$p")
expect_other 1 "$GAVEL" expert add "$p" mallory --role lead
mentions "only a lead may add experts or change roles"
expect_other 1 "$GAVEL" expert add "$p" root --role viewer
mentions "only a lead may add experts or change roles"
[ "$(dump "$p")" = "$before" ] || fail "a refused expert add changed the database"
# Superseding another expert's decision by an import (--duplicates last)
# is a lead's call too; an expert's own decision, or none, is not.
printf 'item,label\nr1,x\n' >"$work/dec1.csv"
printf 'item,label,reason\nr1,y,second look\n' >"$work/dec2.csv"
expect_exit 0 "$GAVEL" import "$p" decisions "$work/dec1.csv" --task t --expert ann
before=$(dump "$p")
expect_other 1 "$GAVEL" import "$p" decisions "$work/dec2.csv" --task t --expert bob \
	--duplicates last
mentions "dec2.csv:2"
mentions "item 'r1' has a decision by ann; only a lead may supersede another expert's decision"
[ "$(dump "$p")" = "$before" ] || fail "a refused decisions import changed the database"
expect_other 0 "$GAVEL" import "$p" decisions "$work/dec2.csv" --task t --expert ann \
	--duplicates last
before=$(dump "$p")
# The last lead stays one; with a second lead mapped to nobody, nobody may
# add experts, and root may step down.
expect_exit 1 "$GAVEL" expert add "$p" root --role expert
mentions "root is the project's last lead"
expect_exit 0 "$GAVEL" expert add "$p" boss --role lead --unix-user nobody
expect_other 0 "$GAVEL" expert add "$p" carl --role expert --unix-user nobody
# A lead (boss is mapped to nobody now) may supersede ann's decision.
expect_other 0 "$GAVEL" import "$p" decisions "$work/dec1.csv" --task t --expert bob \
	--duplicates last
[ "$(sqlite3 "$p" "SELECT d.expert FROM decision d JOIN item i ON i.id = d.item \
	WHERE i.external_id = 'r1' ORDER BY d.id DESC LIMIT 1")" = bob ] ||
	fail "the lead's import did not supersede ann's decision"
expect_exit 0 "$GAVEL" expert add "$p" root --role expert
[ "$(sqlite3 "$p" "SELECT actor FROM event WHERE action = 'expert-set' \
	AND detail->>'expert' = 'carl'")" = boss ] || fail "carl's event does not name boss"
expect_exit 0 "$GAVEL" audit verify "$p"
pass
