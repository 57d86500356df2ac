#!/bin/sh
# Reading a packet leaves nothing beside it. A packet reviewed offline is in
# WAL mode; carried back as one file (no -wal, no -shm), it is read by
# gavel stats, queue, export, audit verify, packet status and the checking
# pass of packet merge, none of which may create a -wal or -shm file next to
# it, so that the folder it sits in is as the user left it and a copy taken
# after is the packet alone. As a second OS user (nobody, when run as root
# with setpriv), the same read-only commands work on a packet in a folder
# and a file that user cannot write.
set -u
. "$top_srcdir/tests/cli/lib.sh"
me=$(id -un)
db=$work/p.db
XDG_CONFIG_HOME=$work/lead
export XDG_CONFIG_HOME
alice_cfg=$work/alice

expect_exit 0 "$GAVEL" init "$db"
{
	echo item,annotator,label
	for i in 1 2 3 4 5 6; do
		printf 'i%d,a,pos\ni%d,b,neg\ni%d,c,pos\n' $i $i $i
	done
} >"$work/votes.csv"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t
expect_exit 0 "$GAVEL" expert add "$db" alice --role expert --unix-user "$me"
mkdir "$work/out" "$work/carry"
expect_exit 0 "$GAVEL" packet create "$db" -o "$work/out/pk.db" --for alice
printf '<Enter>\n1\n1\n<C-c>\n' >"$work/two.keys"
expect_exit 0 env XDG_CONFIG_HOME="$alice_cfg" "$GAVEL" review "$work/out/pk.db" --as alice \
	--headless --script "$work/two.keys"
[ -e "$work/out/pk.db-wal" ] || fail "the reviewed packet has no -wal (not in WAL mode?)"
# Carried back as the file alone.
cp "$work/out/pk.db" "$work/carry/pk.db"
pk=$work/carry/pk.db

# nothing_new: the folder holds the packet and nothing else.
nothing_new() {
	[ "$(ls -A "$work/carry")" = pk.db ] || fail "$1 left: $(ls -A "$work/carry" | tr '\n' ' ')"
}
expect_exit 0 "$GAVEL" stats "$pk"
nothing_new "stats"
expect_exit 0 "$GAVEL" queue "$pk" --all
nothing_new "queue"
expect_exit 0 "$GAVEL" export "$pk" -o "$work/pk.csv"
nothing_new "export"
expect_exit 0 "$GAVEL" audit verify "$pk"
nothing_new "audit verify"
expect_exit 0 "$GAVEL" packet status "$pk"
nothing_new "packet status"
expect_exit 0 "$GAVEL" packet merge "$db" "$pk" --trust-new-key
grep -q "2 decisions" "$work/stdout" || fail "merge: $(cat "$work/stdout")"
nothing_new "packet merge"
expect_exit 0 "$GAVEL" packet merge "$db" "$pk"
nothing_new "a second packet merge"
cmp -s "$pk" "$work/out/pk.db" || fail "reading the packet changed it"

# A packet whose -wal is there is read through it, and nothing is added.
expect_exit 0 "$GAVEL" stats "$work/out/pk.db"
[ "$(ls -A "$work/out" | tr '\n' ' ')" = "pk.db pk.db-shm pk.db-wal " ] ||
	fail "beside the reviewed packet: $(ls -A "$work/out" | tr '\n' ' ')"

# A second OS user, on a folder and a file it cannot write.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && ouid=$(id -u nobody 2>/dev/null); then
	ogid=$(id -g nobody)
	chmod 755 "$work" "$work/carry"
	chmod 644 "$pk"
	# (A build in a folder nobody may enter, as quickstart's sanitizer
	# build is, leaves this part to the other builds.)
	if setpriv --reuid="$ouid" --regid="$ogid" --clear-groups test -r "$pk" &&
		setpriv --reuid="$ouid" --regid="$ogid" --clear-groups test -x "$GAVEL"; then
		for cmd in stats "audit verify" "packet status" "queue --all"; do
			# shellcheck disable=SC2086
			expect_exit 0 setpriv --reuid="$ouid" --regid="$ogid" --clear-groups \
				env XDG_CONFIG_HOME="$work/nobody" "$GAVEL" $cmd "$pk"
			nothing_new "$cmd as nobody"
		done
		setpriv --reuid="$ouid" --regid="$ogid" --clear-groups touch "$work/carry/x" \
			2>/dev/null && fail "nobody could write the folder"
	fi
fi
pass
