#!/bin/sh
# I/O errors and out of memory (issue 13 item 4). gavel-fault (the program
# with tests/reliability/fault.c) fails the K-th SQLite write, the K-th sync
# (SQLite's or an export's own fsync), the K-th SQLite allocation or the
# K-th allocation of gavel's xmalloc, for K = 1, 2, ... until the operation
# runs through without meeting its fault, over three operations:
#   import    gavel import of 120 votes on 40 items into a new task
#   decide    a headless review session making 20 decisions, the screen
#             dumped after each key so that every "saved:" shown is seen
#   export    gavel export of the decided project to a file
# (a packet merge is not covered: gavel has no packets yet).
# After each run the project is opened by the plain gavel ("restart") and
# checked: the run ended with status 0 or 1, never by a signal (crashes); a
# failed run printed "gavel: ..." naming what failed (unclear errors); every
# decision shown "saved" is in the database (saved but lost); audit verify
# and integrity_check pass, the counts are those before or after the whole
# operation and nothing between, an export is the whole file or no file
# (partial state). Any nonzero count fails the harness.
#
# Negative control: GAVEL_FAULT_WEAK=1 makes the K-th write vanish while
# reporting success (a disk that lies); over the decide operation the
# checks must then find lost or corrupt data, or the harness fails.
#
# Tier short: every K up to 50 for each kind, then a stride that keeps
# each loop near 100 runs (K is still run until the fault is not met).
# Tier long: every K.
#
#   GAVEL=./gavel GAVEL_REL_TIER=short GAVEL_REL_OUT=/tmp/x \
#       [GAVEL_REL_FAULTS="decide:malloc export:sync"] tests/reliability/h_40_faults.sh
set -u
: "${GAVEL:?GAVEL must name the built gavel}"
tier=${GAVEL_REL_TIER:-short}
out=${GAVEL_REL_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gavel-rel.XXXXXX")}
bin=${GAVEL_REL_BIN:-$(cd "$(dirname "$GAVEL")" && pwd)/tests/reliability}
FAULT=${GAVEL_FAULT_BIN:-$bin/gavel-fault}
name=h_40_faults
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "SKIP $name: the sqlite3 shell is not installed"
	exit 77
fi
if [ ! -x "$FAULT" ]; then
	echo "$name: FAIL: $FAULT is not built (make reliability builds it)" >&2
	exit 1
fi
w=$out/$name
rm -rf "$w"
mkdir -p "$w"
XDG_CONFIG_HOME=$w/no-config
export XDG_CONFIG_HOME
me=$(id -un)
failed=0

q() { sqlite3 "$1" "$2"; }

# fresh DB BASE: DB becomes a copy of BASE with no log beside it.
fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	cp "$2" "$1"
}

# Counts that an operation changes as a whole: items, vote rows, votes,
# decisions, events.
counts() {
	q "$1" "SELECT (SELECT count(*) FROM item) || '/' || (SELECT count(*) FROM item_votes)
		|| '/' || (SELECT coalesce(sum(n), 0) FROM item_votes)
		|| '/' || (SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event)"
}

# The projects: base0 has an expert, base1 the votes, base2 20 decisions.
awk 'BEGIN { print "item,annotator,label"
	for (i = 1; i <= 40; i++) printf "it%02d,w1,a\nit%02d,w2,a\nit%02d,w3,b\n", i, i, i }' \
	>"$w/votes.csv"
{
	# A dump after opening the first item too: an error opening it is
	# replaced by the next key's message before the first decision's dump.
	echo '<Enter>'
	echo ":dump s0"
	i=1
	while [ $i -le 20 ]; do
		echo $((i % 2 + 1))
		echo ":dump s$i"
		i=$((i + 1))
	done
	echo q
	echo q
} >"$w/keys"
"$GAVEL" init "$w/base0.db" >/dev/null &&
	"$GAVEL" expert add "$w/base0.db" me --role expert --unix-user "$me" >/dev/null ||
	{ echo "$name: FAIL: cannot make the project" >&2; exit 1; }
fresh "$w/base1.db" "$w/base0.db"
"$GAVEL" import "$w/base1.db" votes "$w/votes.csv" --task t >/dev/null ||
	{ echo "$name: FAIL: import without faults" >&2; exit 1; }
fresh "$w/base2.db" "$w/base1.db"
mkdir -p "$w/d"
"$GAVEL" review "$w/base2.db" --as me --headless --script "$w/keys" --dump-dir "$w/d" \
	>/dev/null 2>&1 || { echo "$name: FAIL: review without faults" >&2; exit 1; }
n=$(q "$w/base2.db" "SELECT count(*) FROM decision")
[ "$n" = 20 ] || { echo "$name: FAIL: review without faults made $n decisions" >&2; exit 1; }
"$GAVEL" export "$w/base2.db" --task t -o "$w/export.ref" >/dev/null 2>&1 ||
	{ echo "$name: FAIL: export without faults" >&2; exit 1; }
# The counts before and after each operation (decide: before only, as the
# decisions are checked one by one against what the screen showed).
before_import=$(counts "$w/base0.db")
after_import=$(counts "$w/base1.db")
before_decide=$(counts "$w/base1.db")
state_export=$(counts "$w/base2.db")

# run OP DB: run the operation under gavel-fault (GAVEL_FAULT set by the
# caller), its stderr in $w/err.
run() {
	case $1 in
	import) "$FAULT" import "$2" votes "$w/votes.csv" --task t ;;
	decide)
		rm -rf "$w/d"
		mkdir -p "$w/d"
		"$FAULT" review "$2" --as me --headless --script "$w/keys" --dump-dir "$w/d"
		;;
	export)
		rm -f "$w/export.csv"
		"$FAULT" export "$2" --task t -o "$w/export.csv"
		;;
	esac >/dev/null 2>"$w/err"
}

# check OP DB RC: the checks after one run; prints the problems found, one
# per line, as "crash", "unclear", "lost" or "partial" with a detail.
check() {
	op=$1 db=$2 rc=$3
	if [ "$rc" -gt 1 ]; then
		echo "crash exit $rc: $(head -c 200 "$w/err")"
	elif [ "$rc" = 1 ] && ! grep -q '^gavel: ..' "$w/err"; then
		echo "unclear: '$(head -c 200 "$w/err")'"
	fi
	if ! "$GAVEL" audit verify "$db" >"$w/verify" 2>&1; then
		echo "partial: audit verify: $(head -c 300 "$w/verify")"
		return
	fi
	# One sqlite3 run for what follows (a process per query would be most
	# of the harness's time): integrity_check, the counts, the decide
	# events and the items decided.
	q "$db" "PRAGMA integrity_check;
		SELECT (SELECT count(*) FROM item) || '/' || (SELECT count(*) FROM item_votes)
		|| '/' || (SELECT coalesce(sum(n), 0) FROM item_votes)
		|| '/' || (SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event);
		SELECT count(*) FROM decision; SELECT count(*) FROM event WHERE action = 'decide';
		SELECT 'decided ' || i.external_id FROM decision d JOIN item i ON i.id = d.item" \
		>"$w/state" 2>&1
	ic=$(sed -n 1p "$w/state")
	[ "$ic" = ok ] || echo "partial: integrity_check: $(head -c 300 "$w/state")"
	c=$(sed -n 2p "$w/state")
	case $op in
	import)
		[ "$c" = "$before_import" ] || [ "$c" = "$after_import" ] ||
			echo "partial: counts $c, neither $before_import nor $after_import"
		[ "$rc" != 0 ] || [ "$c" = "$after_import" ] ||
			echo "lost: exit 0 but counts $c, not $after_import"
		;;
	decide)
		# Every "saved: ITEM = LABEL" the screen showed is a decision.
		for f in "$w"/d/s*.txt; do
			[ -e "$f" ] || continue
			s=$(grep -o 'saved: it[0-9]*' "$f" | head -n 1)
			[ -n "$s" ] || continue
			it=${s#saved: }
			grep -qx "decided $it" "$w/state" ||
				echo "lost: $it was shown saved ($(basename "$f"))"
		done
		nd=$(sed -n 3p "$w/state")
		ne=$(sed -n 4p "$w/state")
		[ "$nd" = "$ne" ] || echo "partial: $nd decisions, $ne decide events"
		# A decision that did not go through said so on the screen (the
		# session goes on: the expert may press the key again), or the
		# screen said the next item could not be opened (it shows the
		# queue again, where the keys that follow decide nothing).
		if [ "$nd" -lt 20 ] &&
			! grep -q 'not saved: ..\|cannot open it[0-9]*: ..' "$w"/d/s*.txt 2>/dev/null &&
			! grep -q '^gavel: ..' "$w/err"; then
			echo "unclear: $nd decisions of 20 and no error shown"
		fi
		;;
	export)
		[ "$c" = "$state_export" ] || echo "partial: the export changed the project: $c"
		if [ "$rc" = 0 ]; then
			cmp -s "$w/export.csv" "$w/export.ref" || echo "partial: exit 0, export differs"
		elif [ -e "$w/export.csv" ] && grep -q 'may not survive a power failure' "$w/err"; then
			# The directory's sync failed after the rename: the file
			# must be whole, and the error said its durability is unknown.
			cmp -s "$w/export.csv" "$w/export.ref" ||
				echo "partial: the directory sync failed and the export differs"
		elif [ -e "$w/export.csv" ]; then
			echo "partial: a failed export left $w/export.csv"
		fi
		# shellcheck disable=SC2012
		left=$(ls -a "$w" | grep -c '^\.gavel-export')
		[ "$left" = 0 ] ||
			echo "partial: $left temporary export file(s) left behind"
		# Counted once: removed, so that the next run starts clean.
		rm -f "$w"/.gavel-export.*
		;;
	esac
}

# loop OP KIND: K = 1, 2, ... until the operation ends without meeting its
# fault; prints the figure line and counts the problems.
loop() {
	op=$1 kind=$2
	case $op in
	import) base=$w/base0.db ;;
	decide) base=$w/base1.db ;;
	export) base=$w/base2.db ;;
	esac
	# How many calls of this kind the operation makes.
	fresh "$w/p.db" "$base"
	GAVEL_FAULT=$kind:999999999 GAVEL_FAULT_COUNT=$w/count run "$op" "$w/p.db"
	total=$(cat "$w/count" 2>/dev/null || echo 0)
	stride=1
	if [ "$tier" = short ] && [ "$total" -gt 100 ]; then
		stride=$(((total - 50) / 50))
	fi
	k=1 runs=0 crash=0 unclear=0 lost=0 partial=0 errors=0
	while :; do
		fresh "$w/p.db" "$base"
		rm -f "$w/fired"
		GAVEL_FAULT=$kind:$k GAVEL_FAULT_FIRED=$w/fired run "$op" "$w/p.db"
		rc=$?
		runs=$((runs + 1))
		# A review session goes on after "not saved: ...": that is its error.
		if [ "$rc" != 0 ] || { [ "$op" = decide ] &&
			grep -q 'not saved: ..' "$w"/d/s*.txt 2>/dev/null; }; then
			errors=$((errors + 1))
		fi
		check "$op" "$w/p.db" "$rc" >"$w/problems"
		if [ -s "$w/problems" ]; then
			crash=$((crash + $(grep -c '^crash' "$w/problems")))
			unclear=$((unclear + $(grep -c '^unclear' "$w/problems")))
			lost=$((lost + $(grep -c '^lost' "$w/problems")))
			partial=$((partial + $(grep -c '^partial' "$w/problems")))
			sed "s/^/$name: $op $kind k=$k: /" "$w/problems" >>"$w/report"
			cp "$w/p.db" "$w/fail-$op-$kind-$k.db" 2>/dev/null
		fi
		[ -e "$w/fired" ] || break
		if [ $k -lt 50 ]; then
			k=$((k + 1))
		else
			k=$((k + stride))
		fi
	done
	echo "figure $op $kind${GAVEL_FAULT_WEAK:+ (weak)}: calls $total, runs $runs (k=1..$k," \
		"stride $stride after 50), failed with an error $errors; crashes $crash," \
		"unclear errors $unclear, saved but lost $lost, partial state $partial"
	problems=$((crash + unclear + lost + partial))
}

: >"$w/report"
# GAVEL_REL_FAULTS="decide:malloc export:sync" runs only those loops (and
# the negative control).
for op in import decide export; do
	for kind in write sync malloc xmalloc; do
		case " ${GAVEL_REL_FAULTS:-$op:$kind} " in
		*" $op:$kind "*) ;;
		*) continue ;;
		esac
		loop "$op" "$kind"
		[ "$problems" = 0 ] || failed=1
	done
done
if [ -s "$w/report" ]; then
	head -n 40 "$w/report" >&2
fi

# The negative control: writes that vanish must be caught
# (GAVEL_REL_FAULTS_CONTROL=no leaves it out, to run loops apart).
if [ "${GAVEL_REL_FAULTS_CONTROL:-yes}" != no ]; then
	GAVEL_FAULT_WEAK=1
	export GAVEL_FAULT_WEAK
	: >"$w/report"
	loop decide write
	unset GAVEL_FAULT_WEAK
	if [ "$problems" = 0 ]; then
		echo "$name: FAIL: the negative control (writes dropped silently) found nothing" >&2
		failed=1
	else
		echo "figure negative control (writes dropped silently): caught $problems times (expected > 0)"
	fi
fi

if [ "$failed" != 0 ]; then
	echo "$name: FAIL (kept in $w)" >&2
	exit 1
fi
echo "$name: ok"
