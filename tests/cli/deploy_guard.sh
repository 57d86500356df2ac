#!/bin/sh
# The deployment guard: every command refuses a project on NFS, SMB or CIFS
# with an explanation (the filesystem's statfs magic is simulated with
# GAVEL_TEST_FS_MAGIC, as this machine's disks are local), a new project
# is not created there, and the same project on a local disk opens.
. "$top_srcdir/tests/cli/lib.sh"
db=$work/p.db
printf 'item,annotator,label\ni1,w1,a\ni1,w2,b\n' >"$work/votes.csv"

GAVEL_TEST_FS_MAGIC=0x6969 expect_exit 1 "$GAVEL" init "$db"
grep -q "network filesystem (NFS" "$work/stderr" || fail "init on NFS: $(cat "$work/stderr")"
[ ! -e "$db" ] || fail "init on NFS created the file"

expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t
for m in 0x6969:NFS 0x517B:SMB 0xFF534D42:CIFS 0xFE534D42:SMB2; do
	for cmd in "import $db votes $work/votes.csv --task t" "stats $db" "audit verify $db" \
		"export $db --task t"; do
		# shellcheck disable=SC2086
		GAVEL_TEST_FS_MAGIC=${m%%:*} expect_exit 1 "$GAVEL" $cmd
		grep -q "network filesystem (${m#*:}, statfs magic" "$work/stderr" ||
			fail "$cmd on ${m#*:}: $(cat "$work/stderr")"
		grep -q "local disk" "$work/stderr" || fail "$cmd: no advice: $(cat "$work/stderr")"
	done
done
# ext4 (0xEF53) and no override: the project opens.
GAVEL_TEST_FS_MAGIC=0xEF53 expect_exit 0 "$GAVEL" stats "$db"
expect_exit 0 "$GAVEL" audit verify "$db"
pass
