#!/bin/sh
# A project written by an older gavel (schema 3 here: version 4 added
# task_tally) meets read-only commands. Where the user may write the file,
# each of them (stats, export, report, audit verify, queue, packet status,
# review --read-only) migrates it in one transaction, says so in one line
# on standard error ("PROJECT: migrated from schema 3 to N") and goes on
# with figures equal to the original's; the next command says nothing.
# Where the user may not (nobody, on a root's file and folder, when run as
# root with setpriv), the command fails with exit 1, names the command that
# migrates it, and the file is unchanged; once the owner ran one, nobody
# reads it, and nobody migrates a copy it may write.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
XDG_CONFIG_HOME=$work/cfg
export XDG_CONFIG_HOME
p=$work/p.db
expect_exit 0 "$GAVEL" init "$p"
cur=$(sqlite3 "$p" "PRAGMA user_version")
printf 'item,annotator,label\nr1,a,x\nr1,b,y\nr1,c,y\nr2,a,x\nr2,b,x\nr2,c,y\nr3,a,y\n' \
	>"$work/votes.csv"
expect_exit 0 "$GAVEL" import "$p" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" stats "$p" --json
cp "$work/stdout" "$work/want.json"
[ -s "$work/want.json" ] || fail "no stats"
# old DB: a schema-3 copy of p.db (the file alone, as copied or restored).
old() {
	rm -f "$1" "$1-wal" "$1-shm"
	sqlite3 "$p" ".backup '$1'"
	sqlite3 "$1" "DROP TABLE task_tally; PRAGMA user_version = 3;" || fail "downgrade"
	[ "$(sqlite3 "$1" "PRAGMA user_version")" = 3 ] || fail "not version 3"
}
# noted DB: the last command's stderr has the migration line, once.
noted() {
	[ "$(grep -cxF "$1: migrated from schema 3 to $cur" "$work/stderr")" = 1 ] ||
		fail "no migration note: $(head -c 400 "$work/stderr")"
	[ "$(sqlite3 -readonly "$1" "PRAGMA user_version")" = "$cur" ] || fail "$1 was not migrated"
}
printf '<C-c>\n' >"$work/quit.keys"
o=$work/o.db
for cmd in "stats" "export" "report --format md" "audit verify" "queue" "packet status" \
	"review --read-only --headless --script $work/quit.keys"; do
	old "$o"
	# shellcheck disable=SC2086
	expect_exit 0 "$GAVEL" $cmd "$o"
	noted "$o"
	# shellcheck disable=SC2086
	expect_exit 0 "$GAVEL" $cmd "$o"
	grep -q "migrated" "$work/stderr" && fail "$cmd: a second note: $(cat "$work/stderr")"
done
# The migrated project's figures are the original's (the tally recounted).
old "$o"
expect_exit 0 "$GAVEL" stats "$o" --json
noted "$o"
cmp -s "$work/stdout" "$work/want.json" || fail "stats after the migration differ"
[ "$(sqlite3 "$o" "SELECT items || ',' || votes FROM task_tally")" = "3,7" ] ||
	fail "task_tally: $(sqlite3 "$o" "SELECT * FROM task_tally")"

# A second OS user.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && ouid=$(id -u nobody 2>/dev/null); then
	ogid=$(id -g nobody)
	as_other() { setpriv --reuid="$ouid" --regid="$ogid" --clear-groups "$@"; }
	chmod 755 "$work"
	mkdir "$work/ro" "$work/rw"
	chmod 755 "$work/ro"
	r=$work/ro/p.db
	old "$r"
	# Empty -wal and -shm beside it, as a gavel that closed it leaves them,
	# so that nobody may read it at all.
	: >"$r-wal"
	: >"$r-shm"
	chmod 644 "$r" "$r-wal" "$r-shm"
	if as_other test -r "$r" && as_other test -x "$GAVEL"; then
		cp "$r" "$work/before.db"
		for cmd in stats "audit verify" export; do
			# shellcheck disable=SC2086
			expect_exit 1 as_other "$GAVEL" $cmd "$r"
			grep -qF "schema version 3 needs a migration to $cur" "$work/stderr" ||
				fail "$cmd as nobody: $(cat "$work/stderr")"
			grep -qF "you (uid $ouid) may not write it" "$work/stderr" ||
				fail "$cmd as nobody: $(cat "$work/stderr")"
			grep -qF "gavel stats $r migrates it" "$work/stderr" ||
				fail "$cmd as nobody: $(cat "$work/stderr")"
			cmp -s "$r" "$work/before.db" || fail "$cmd as nobody changed the file"
		done
		expect_exit 0 "$GAVEL" stats "$r"
		noted "$r"
		expect_exit 0 as_other "$GAVEL" stats "$r"
		# A project nobody may write: nobody's read-only command migrates it.
		chmod 777 "$work/rw"
		w=$work/rw/p.db
		old "$w"
		chmod 666 "$w"
		expect_exit 0 as_other "$GAVEL" stats "$w"
		noted "$w"
	fi
fi
pass
