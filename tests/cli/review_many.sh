#!/bin/sh
# Eight experts on one queue at once: eight headless review sessions start
# together on 150 disputed items, each pressing Enter and then 60 decision
# keys, first all on the first item, then spread ten rows apart. Every item
# ends up decided by one expert: no decision supersedes another expert's
# (none of them is a lead), and a session that meets an item decided
# meanwhile moves on. Repeated on the zheng2017_s_dog crowdsourcing data
# when ../shared/datasets has it.
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
XDG_CONFIG_HOME=$work/no-config
export XDG_CONFIG_HOME
me=$(id -un)

# keys FILE SKIP: move SKIP rows down, open the item, then press 60
# decision keys alternating labels 1 and 2.
keys() {
	{
		i=0
		while [ $i -lt "$2" ]; do
			echo j
			i=$((i + 1))
		done
		echo '<Enter>'
		i=0
		while [ $i -lt 60 ]; do
			echo $((i % 2 + 1))
			i=$((i + 1))
		done
	} >"$1"
}

# run_eight DB SPREAD: eight sessions at once, ex1..ex8, expert n starting
# (n - 1) * SPREAD rows down; all must exit 0.
run_eight() {
	for n in 1 2 3 4 5 6 7 8; do
		keys "$work/keys$n" $(((n - 1) * $2))
		"$GAVEL" review "$1" --as "ex$n" --headless --script "$work/keys$n" \
			>"$work/out$n" 2>"$work/err$n" &
		eval "pid$n=\$!"
	done
	for n in 1 2 3 4 5 6 7 8; do
		eval "wait \$pid$n" || fail "ex$n's session failed: $(head -c 300 "$work/err$n")"
	done
}

# check DB MIN EXPERTS: the integrity rules hold, and at least MIN items
# were decided by at least EXPERTS different experts between them.
check() {
	q() { sqlite3 "$1" "$2"; }
	# Current decisions: the ones nothing supersedes.
	cur="decision d WHERE NOT EXISTS (SELECT 1 FROM decision e WHERE e.supersedes = d.id)"
	n=$(q "$1" "SELECT count(*) FROM (SELECT item FROM $cur GROUP BY item HAVING count(*) > 1)")
	[ "$n" = 0 ] || fail "$n items have more than one current decision"
	n=$(q "$1" "SELECT count(*) FROM (SELECT item FROM decision WHERE label IS NOT NULL
		GROUP BY item HAVING count(DISTINCT expert) > 1)")
	[ "$n" = 0 ] || fail "$n items were decided by more than one expert"
	n=$(q "$1" "SELECT count(*) FROM decision d JOIN decision p ON p.id = d.supersedes
		WHERE p.expert <> d.expert")
	[ "$n" = 0 ] || fail "$n decisions supersede another expert's"
	n=$(q "$1" "SELECT count(*) FROM event WHERE action = 'decide'
		AND detail->'before'->>'expert' IS NOT NULL
		AND detail->'before'->>'expert' <> actor")
	[ "$n" = 0 ] || fail "$n decide events replace another expert's decision"
	decided=$(q "$1" "SELECT count(DISTINCT item) FROM decision WHERE label IS NOT NULL")
	experts=$(q "$1" "SELECT count(DISTINCT expert) FROM decision")
	[ "$decided" -ge "$2" ] || fail "only $decided items decided (wanted $2 or more)"
	[ "$experts" -ge "$3" ] || fail "only $experts experts decided anything"
	"$GAVEL" audit verify "$1" >/dev/null || fail "audit verify failed"
}

# project DB VOTES: a project with the votes and experts ex1..ex8 on my uid.
project() {
	expect_exit 0 "$GAVEL" init "$1"
	expect_exit 0 "$GAVEL" import "$1" votes "$2" --task t
	for n in 1 2 3 4 5 6 7 8; do
		expect_exit 0 "$GAVEL" expert add "$1" "ex$n" --role expert --unix-user "$me"
	done
}

# A generated queue: 150 items, each with votes a, a, b (disputed).
awk 'BEGIN {
	print "item,annotator,label"
	for (i = 1; i <= 150; i++)
		printf "it%03d,w1,a\nit%03d,w2,a\nit%03d,w3,b\n", i, i, i
}' >"$work/votes.csv"
# All eight open the first item at once: one holds it, and each of the
# others moves on once it is decided (how far they get depends on timing).
project "$work/p.db" "$work/votes.csv"
run_eight "$work/p.db" 0
check "$work/p.db" 30 1
# Spread out, they catch up with each other's items within a few keys.
project "$work/q.db" "$work/votes.csv"
run_eight "$work/q.db" 10
check "$work/q.db" 60 3

data=${GAVEL_DATASETS:-$top_srcdir/../shared/datasets}/zheng2017_s_dog/labels.csv
if [ -r "$data" ]; then
	project "$work/dog.db" "$data"
	run_eight "$work/dog.db" 0
	check "$work/dog.db" 30 1
fi
pass
