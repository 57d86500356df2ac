#!/bin/sh
# I/O errors and out of memory (issue 13 item 4). gavel-fault (the program
# with tests/reliability/fault.c) fails the K-th SQLite write, the K-th sync
# (SQLite's or an export's own fsync), the K-th SQLite allocation or the
# K-th allocation of gavel's xmalloc, for K = 1, 2, ... until the operation
# runs through without meeting its fault, over four operations:
#   import    gavel import of 120 votes on 40 items into a new task
#   decide    a headless review session making 20 decisions, the screen
#             dumped after each key so that every "saved:" shown is seen
#   merge     gavel packet merge --trust-new-key of a packet of 20 items
#             decided offline (a headless review in the packet, signed with
#             the reviewer's own key), one of which a lead decided in the
#             project meanwhile (a conflict)
#   export    gavel export of the decided project to a file
#   audit     gavel audit verify of the merged project (decisions of a
#             review, of a packet and a conflict, a trusted key): intact, or
#             an error that says what failed (memory, the disk), never a
#             verdict of tampering that did not happen
# After each run the project is opened by the plain gavel ("restart") and
# checked: the run ended with status 0 or 1, never by a signal (crashes); a
# failed run printed "gavel: ..." naming what failed (unclear errors); every
# decision shown "saved" is in the database (saved but lost); audit verify
# and integrity_check pass, the counts are those before or after the whole
# operation and nothing between, an export is the whole file or no file
# (partial state); a merge left the project with all of the packet's
# decisions (each as the packet has it), their events, the conflict, the
# trusted key and the packet closed, or none of it, the packet file as it
# was and no file beside them (partial state), and did not blame the packet
# (a refusal of this valid packet is an unclear error). Any nonzero count
# fails the harness.
#
# Negative control: GAVEL_FAULT_WEAK=1 makes the K-th write vanish while
# reporting success (a disk that lies); over the decide operation the
# checks must then find lost or corrupt data, or the harness fails.
#
# Tier short: every K up to 50 for each kind, then a stride that keeps
# each loop near 100 runs (K is still run until the fault is not met);
# the merge loops every K up to 25, then near 50 runs. Tier long: every K.
#
#   GAVEL=./gavel GAVEL_REL_TIER=short GAVEL_REL_OUT=/tmp/x \
#       [GAVEL_REL_FAULTS="decide:malloc merge:sync"] [GAVEL_REL_FAULTS_K=FROM-TO] \
#       tests/reliability/h_40_faults.sh
# GAVEL_REL_FAULTS_K runs every K from FROM to TO (or until the fault is no
# longer met) in each loop chosen, to split a long loop into parts.
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
# The merge's project: base3 made a packet of 20 items for me, decided
# offline in the packet (pk.ref, signed with a key in the reviewer's own
# configuration folder), and then a lead decided one of them here (--all
# shows the items out), a conflict when the packet comes back. The merge
# runs in its own folder m, where nothing but the two files may be left.
lead=$(q "$w/base1.db" "SELECT name FROM expert WHERE role = 'lead' LIMIT 1")
fresh "$w/base3.db" "$w/base1.db"
rm -f "$w/pk.ref"
"$GAVEL" packet create "$w/base3.db" -o "$w/pk.ref" --limit 20 --for me >/dev/null ||
	{ echo "$name: FAIL: packet create without faults" >&2; exit 1; }
XDG_CONFIG_HOME=$w/reviewer "$GAVEL" review "$w/pk.ref" --as me --headless --script "$w/keys" \
	--dump-dir "$w/d" >/dev/null 2>&1 || { echo "$name: FAIL: offline review" >&2; exit 1; }
printf '<Enter>\n1\nq\nq\n' >"$w/lead.keys"
"$GAVEL" review "$w/base3.db" --as "$lead" --all --headless --script "$w/lead.keys" \
	>/dev/null 2>&1 || { echo "$name: FAIL: the lead's review" >&2; exit 1; }
# merge_state DB: what a merge changes as a whole (decisions, events, the
# packet's state, its items out, conflicts, trusted keys); merged DB: the
# decisions merged, as the packet has them.
merge_state="SELECT (SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event)
	|| '/' || (SELECT group_concat(state) FROM packet) || '/' || (SELECT count(*) FROM packet_item)
	|| '/' || (SELECT count(*) FROM conflict) || '/' || (SELECT count(*) FROM expert_key)"
merged="SELECT i.external_id || ' ' || d.expert || ' ' || coalesce(l.value, '-') || ' '
	|| d.at || ' ' || coalesce(d.reason, '-') FROM decision d JOIN item i ON i.id = d.item
	LEFT JOIN label l ON l.task = i.task AND l.code = d.label"
q "$w/pk.ref" "$merged WHERE d.id > (SELECT value FROM project
	WHERE key = 'packet_base_decision') ORDER BY d.id" \
	>"$w/merged.ref"
merged="$merged WHERE d.origin = 'packet' ORDER BY d.id"
n=$(wc -l <"$w/merged.ref")
[ "$n" = 20 ] || { echo "$name: FAIL: the offline review made $n decisions" >&2; exit 1; }
rm -rf "$w/m"
mkdir -p "$w/m"
fresh "$w/m/p.db" "$w/base3.db"
cp "$w/pk.ref" "$w/m/pk.db"
before_merge=$(q "$w/m/p.db" "$merge_state")
"$GAVEL" packet merge "$w/m/p.db" "$w/m/pk.db" --trust-new-key >"$w/merge.out" 2>&1 &&
	grep -q '20 decisions, 1 conflict ' "$w/merge.out" ||
	{ echo "$name: FAIL: merge without faults: $(cat "$w/merge.out")" >&2; exit 1; }
after_merge=$(q "$w/m/p.db" "$merge_state")
# The audit's project: the merged one, and what audit verify says of it.
fresh "$w/base4.db" "$w/m/p.db"
"$GAVEL" audit verify "$w/base4.db" >"$w/audit.ref" 2>&1 ||
	{ echo "$name: FAIL: audit verify without faults: $(cat "$w/audit.ref")" >&2; exit 1; }
"$GAVEL" export "$w/base2.db" --task t -o "$w/export.ref" >/dev/null 2>&1 ||
	{ echo "$name: FAIL: export without faults" >&2; exit 1; }
# The counts before and after each operation (decide: before only, as the
# decisions are checked one by one against what the screen showed).
before_import=$(counts "$w/base0.db")
after_import=$(counts "$w/base1.db")
before_decide=$(counts "$w/base1.db")
state_export=$(counts "$w/base2.db")
state_audit=$(counts "$w/base4.db")

# start DB BASE: DB a fresh copy of BASE; for a merge, its folder holds the
# project and a fresh copy of the packet, nothing else.
start() {
	if [ "$1" = "$w/m/p.db" ]; then
		rm -rf "$w/m"
		mkdir -p "$w/m"
		cp "$w/pk.ref" "$w/m/pk.db"
	fi
	fresh "$1" "$2"
}

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
	merge) "$FAULT" packet merge "$2" "$w/m/pk.db" --trust-new-key ;;
	export)
		rm -f "$w/export.csv"
		"$FAULT" export "$2" --task t -o "$w/export.csv"
		;;
	audit) "$FAULT" audit verify "$2" >"$w/audit.out" ;;
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
	elif [ "$rc" = 1 ] && [ "$op" = merge ] && grep -q 'refused' "$w/err"; then
		# The packet is valid: a fault must not be blamed on it.
		echo "unclear: refused the packet: '$(head -c 300 "$w/err")'"
	fi
	if [ "$op" = audit ]; then
		# The project is intact: the verdict is "intact", or the error
		# names the failure (a verdict of tampering is a false alarm).
		if [ "$rc" = 0 ]; then
			cmp -s "$w/audit.out" "$w/audit.ref" ||
				echo "unclear: exit 0 but: $(head -c 300 "$w/audit.out")"
		elif [ "$rc" = 1 ] && ! grep -q 'out of memory\|I/O error' "$w/err"; then
			echo "unclear: a verdict where the machine failed: '$(head -c 300 "$w/err")'"
		fi
	fi
	if [ "$op" = merge ]; then
		# Left beside the project and the packet before the restart: a
		# SQLite log of the project is not a leftover (the restart reads it),
		# nor the packet's empty log and shared memory, which SQLite leaves
		# after any read-only open of a WAL file (a merge without faults too).
		[ ! -s "$w/m/pk.db-wal" ] || echo "partial: the merge wrote the packet's log"
		# shellcheck disable=SC2012
		left=$(ls -A "$w/m" | grep -v '^pk\?\.db\(-wal\|-shm\)\?$' | tr '\n' ' ')
		[ -z "$left" ] || echo "partial: files left beside the project: $left"
		cmp -s "$w/m/pk.db" "$w/pk.ref" || echo "partial: the merge changed the packet file"
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
	merge)
		q "$db" "$merge_state; $merged" >"$w/mstate" 2>&1
		ms=$(sed -n 1p "$w/mstate")
		if [ "$ms" = "$after_merge" ]; then
			sed 1d "$w/mstate" | cmp -s - "$w/merged.ref" ||
				echo "partial: the merged decisions differ from the packet's: $(sed 1d "$w/mstate" |
					diff "$w/merged.ref" - | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
		elif [ "$ms" != "$before_merge" ]; then
			echo "partial: merge state $ms, neither $before_merge nor $after_merge"
		fi
		[ "$rc" != 0 ] || [ "$ms" = "$after_merge" ] ||
			echo "lost: exit 0 but merge state $ms, not $after_merge"
		nd=$(sed -n 3p "$w/state")
		ne=$(sed -n 4p "$w/state")
		[ "$nd" = "$ne" ] || echo "partial: $nd decisions, $ne decide events"
		;;
	audit)
		[ "$c" = "$state_audit" ] || echo "partial: audit verify changed the project: $c"
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
	merge) base=$w/base3.db ;;
	export) base=$w/base2.db ;;
	audit) base=$w/base4.db ;;
	esac
	# The merge's project is in its own folder, beside its packet.
	db=$w/p.db every=50
	if [ "$op" = merge ]; then
		db=$w/m/p.db every=25
	fi
	# How many calls of this kind the operation makes.
	start "$db" "$base"
	GAVEL_FAULT=$kind:999999999 GAVEL_FAULT_COUNT=$w/count run "$op" "$db"
	total=$(cat "$w/count" 2>/dev/null || echo 0)
	stride=1
	if [ "$tier" = short ] && [ "$total" -gt $((2 * every)) ]; then
		stride=$(((total - every) / every))
	fi
	k=1 runs=0 crash=0 unclear=0 lost=0 partial=0 errors=0
	# GAVEL_REL_FAULTS_K=FROM-TO runs only K = FROM..TO (every K from
	# FROM, whatever the tier), to split a long loop into parts.
	kto=
	case ${GAVEL_REL_FAULTS_K:-} in
	*-*)
		k=${GAVEL_REL_FAULTS_K%-*} kto=${GAVEL_REL_FAULTS_K#*-} stride=1 every=$k
		;;
	esac
	while :; do
		start "$db" "$base"
		rm -f "$w/fired"
		GAVEL_FAULT=$kind:$k GAVEL_FAULT_FIRED=$w/fired run "$op" "$db"
		rc=$?
		runs=$((runs + 1))
		# A review session goes on after "not saved: ...": that is its error.
		if [ "$rc" != 0 ] || { [ "$op" = decide ] &&
			grep -q 'not saved: ..' "$w"/d/s*.txt 2>/dev/null; }; then
			errors=$((errors + 1))
		fi
		check "$op" "$db" "$rc" >"$w/problems"
		if [ -s "$w/problems" ]; then
			crash=$((crash + $(grep -c '^crash' "$w/problems")))
			unclear=$((unclear + $(grep -c '^unclear' "$w/problems")))
			lost=$((lost + $(grep -c '^lost' "$w/problems")))
			partial=$((partial + $(grep -c '^partial' "$w/problems")))
			sed "s/^/$name: $op $kind k=$k: /" "$w/problems" >>"$w/report"
			cp "$db" "$w/fail-$op-$kind-$k.db" 2>/dev/null
		fi
		[ -e "$w/fired" ] || break
		# Progress, for the long tier's loops of thousands of runs.
		[ $((runs % 500)) != 0 ] || echo "progress $op $kind: k=$k, $runs runs" >>"$w/progress"
		[ -z "$kto" ] || [ $k -lt "$kto" ] || break
		if [ $k -lt $every ]; then
			k=$((k + 1))
		else
			k=$((k + stride))
		fi
	done
	echo "figure $op $kind${GAVEL_FAULT_WEAK:+ (weak)}: calls $total, runs $runs (k=${GAVEL_REL_FAULTS_K:-1..$k}," \
		"stride $stride after $every), failed with an error $errors; crashes $crash," \
		"unclear errors $unclear, saved but lost $lost, partial state $partial"
	problems=$((crash + unclear + lost + partial))
}

: >"$w/report"
# GAVEL_REL_FAULTS="decide:malloc export:sync" runs only those loops (and
# the negative control).
for op in import decide merge export audit; do
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
