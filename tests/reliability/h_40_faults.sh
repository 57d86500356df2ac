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
# each loop near 100 runs (K is still run until the fault is not met; the
# negative control runs every K);
# the merge loops every K up to 25, then near 50 runs. Tier long: every K.
#
#   GAVEL=./gavel GAVEL_REL_TIER=short GAVEL_REL_OUT=/tmp/x \
#       [GAVEL_REL_FAULTS="decide:malloc merge:sync"] [GAVEL_REL_FAULTS_K=FROM-TO] \
#       tests/reliability/h_40_faults.sh
# GAVEL_REL_FAULTS_K runs every K from FROM to TO (or until the fault is no
# longer met) in each loop chosen, to split a long loop into parts.
# GAVEL_REL_JOBS=N runs each loop's K in N jobs side by side, each in a
# folder of its own (the job takes every N-th K of the loop), and merges
# their results in K order, so that the figures read as one loop's: 1 in
# the short tier, the number of processors in the long tier.
#
# A run costs its own gavel-fault, one cp (its folder), and for the checks
# one gavel audit verify, one sqlite3 and one awk; the set-up is made once.
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
# (Expressions without their SELECT, so that the checks can tag their rows.)
merge_state="(SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event)
	|| '/' || (SELECT group_concat(state) FROM packet) || '/' || (SELECT count(*) FROM packet_item)
	|| '/' || (SELECT count(*) FROM conflict) || '/' || (SELECT count(*) FROM expert_key)"
merged="i.external_id || ' ' || d.expert || ' ' || coalesce(l.value, '-') || ' '
	|| d.at || ' ' || coalesce(d.reason, '-') FROM decision d JOIN item i ON i.id = d.item
	LEFT JOIN label l ON l.task = i.task AND l.code = d.label"
q "$w/pk.ref" "SELECT $merged WHERE d.id > (SELECT value FROM project
	WHERE key = 'packet_base_decision') ORDER BY d.id" \
	>"$w/merged.ref"
merged="$merged WHERE d.origin = 'packet' ORDER BY d.id"
n=$(wc -l <"$w/merged.ref")
[ "$n" = 20 ] || { echo "$name: FAIL: the offline review made $n decisions" >&2; exit 1; }
rm -rf "$w/m"
mkdir -p "$w/m"
fresh "$w/m/p.db" "$w/base3.db"
cp "$w/pk.ref" "$w/m/pk.db"
before_merge=$(q "$w/m/p.db" "SELECT $merge_state")
"$GAVEL" packet merge "$w/m/p.db" "$w/m/pk.db" --trust-new-key >"$w/merge.out" 2>&1 &&
	grep -q '20 decisions, 1 conflict ' "$w/merge.out" ||
	{ echo "$name: FAIL: merge without faults: $(cat "$w/merge.out")" >&2; exit 1; }
after_merge=$(q "$w/m/p.db" "SELECT $merge_state")
# The audit's project: the merged one, and what audit verify says of it.
fresh "$w/base4.db" "$w/m/p.db"
"$GAVEL" audit verify "$w/base4.db" >"$w/audit.ref" 2>&1 ||
	{ echo "$name: FAIL: audit verify without faults: $(cat "$w/audit.ref")" >&2; exit 1; }
"$GAVEL" export "$w/base2.db" --task t -o "$w/export.ref" >/dev/null 2>&1 ||
	{ echo "$name: FAIL: export without faults" >&2; exit 1; }
# The counts before and after each operation (decide: none, as the
# decisions are checked one by one against what the screen showed).
before_import=$(counts "$w/base0.db")
after_import=$(counts "$w/base1.db")
state_export=$(counts "$w/base2.db")
state_audit=$(counts "$w/base4.db")

# Each run starts from a template folder of its operation, copied whole
# into a folder of the run's own (one cp a run): t-OP/p.db, a copy of the operation's project
# with no log beside it; for a decide, an empty dump folder d; for a merge,
# the project and the packet alone in a folder m of their own.
for op in import decide merge export audit; do
	case $op in
	import) base=$w/base0.db ;;
	decide) base=$w/base1.db ;;
	merge) base=$w/base3.db ;;
	export) base=$w/base2.db ;;
	audit) base=$w/base4.db ;;
	esac
	rm -rf "$w/t-$op"
	if [ "$op" = merge ]; then
		mkdir -p "$w/t-$op/m"
		cp "$base" "$w/t-$op/m/p.db"
		cp "$w/pk.ref" "$w/t-$op/m/pk.db"
	else
		mkdir -p "$w/t-$op/d"
		cp "$base" "$w/t-$op/p.db"
	fi
done

# The checks of one run's outcome, in one awk program (a process per check
# would be most of the harness's time). Reads, in this order, files named
# by their role: sp (the problems the shell found), err (the run's
# stderr), verify (audit verify's output), state (the one sqlite3 run's
# tagged rows), ref (the merged decisions as the packet has them), aout
# (an audit's output) and the screen dumps of a decide. Prints each problem
# to the job's report as "K<TAB>problem" and one result line "K FIRED RC
# ERROR CRASH UNCLEAR LOST PARTIAL" to its results; exits 3 when a problem
# was found.
cat >"$w/check.awk" <<'EOF'
function head(s, n) { return substr(s, 1, n) }
function add(s, f) { if (f != "") return s (s == "" ? "" : "\n") f; return s }
function prob(s) { problems[++np] = s }
BEGIN {
	split(roles, r, " ")
	for (i = 1; i < ARGC; i++)
		role_of[ARGV[i]] = r[i]
}
FNR == 1 { role = role_of[FILENAME]; if (role == "dump") { dumps[++nd_] = FILENAME; found = 0 } }
role == "sp" { prob($0) }
role == "err" {
	errtxt = add(errtxt, $0)
	if ($0 ~ /^gavel: ../) gavelmsg = 1
	if ($0 ~ /refused/) refused = 1
	if ($0 ~ /out of memory|I\/O error/) oomio = 1
	if ($0 ~ /may not survive a power failure/) durab = 1
}
role == "verify" { vtxt = add(vtxt, $0) }
role == "aout" { atxt = add(atxt, $0) }
role == "ref" { ref[++nref] = $0 }
role == "state" {
	stxt = add(stxt, $0)
	if ($0 ~ /^c /) c = substr($0, 3)
	else if ($0 ~ /^nd /) ndec = substr($0, 4)
	else if ($0 ~ /^ne /) nev = substr($0, 4)
	else if ($0 ~ /^decided /) decided[substr($0, 9)] = 1
	else if ($0 ~ /^ms /) ms = substr($0, 4)
	else if ($0 ~ /^mg /) mg[++nmg] = substr($0, 4)
	else untagged[++nu] = $0
}
role == "dump" {
	# The first "saved: ITEM" of each dump (as grep -o | head -n 1).
	if (!found && match($0, /saved: it[0-9]*/)) {
		found = 1
		saved[nd_] = substr($0, RSTART + 7, RLENGTH - 7)
	}
	# "not saved: ..." a decision that did not commit, "NOT saved: the
	# disk did not confirm ..." one whose sync failed after its commit.
	if ($0 ~ /(not|NOT) saved: ../) notsaved = 1
	if ($0 ~ /(not|NOT) saved: ..|cannot open it[0-9]*: ../) errshown = 1
}
END {
	error = rc != 0 || (op == "decide" && notsaved)
	if (rc > 1)
		prob("crash exit " rc ": " head(errtxt, 200))
	else if (rc == 1 && !gavelmsg)
		prob("unclear: '" head(errtxt, 200) "'")
	else if (rc == 1 && op == "merge" && refused)
		# The packet is valid: a fault must not be blamed on it.
		prob("unclear: refused the packet: '" head(errtxt, 300) "'")
	if (op == "audit") {
		# The project is intact: the verdict is "intact", or the error
		# names the failure (a verdict of tampering is a false alarm).
		if (rc == 0 && adiff)
			prob("unclear: exit 0 but: " head(atxt, 300))
		else if (rc == 1 && !oomio)
			prob("unclear: a verdict where the machine failed: '" head(errtxt, 300) "'")
	}
	if (!verified) {
		prob("partial: audit verify: " head(vtxt, 300))
	} else {
		if (!(nu == 1 && untagged[1] == "ok"))
			prob("partial: integrity_check: " head(stxt, 300))
		if (op == "import") {
			if (c != before_import && c != after_import)
				prob("partial: counts " c ", neither " before_import " nor " after_import)
			if (rc == 0 && c != after_import)
				prob("lost: exit 0 but counts " c ", not " after_import)
		} else if (op == "decide") {
			# Every "saved: ITEM = LABEL" the screen showed is a decision.
			for (i = 1; i <= nd_; i++) {
				if (!(i in saved))
					continue
				if (!(saved[i] in decided)) {
					f = dumps[i]
					sub(/.*\//, "", f)
					prob("lost: " saved[i] " was shown saved (" f ")")
				}
			}
			if (ndec != nev)
				prob("partial: " ndec " decisions, " nev " decide events")
			# A decision that did not go through said so on the screen
			# (the session goes on: the expert may press the key
			# again), or the screen said the next item could not be
			# opened (it shows the queue again, where the keys that
			# follow decide nothing).
			if (ndec != "" && ndec + 0 < 20 && !errshown && !gavelmsg)
				prob("unclear: " ndec " decisions of 20 and no error shown")
		} else if (op == "merge") {
			if (ms == after_merge) {
				same = nmg == nref
				for (i = 1; same && i <= nref; i++)
					same = mg[i] == ref[i]
				if (!same) {
					for (i = 1; i <= nref || i <= nmg; i++)
						if (mg[i] != ref[i])
							break
					prob("partial: the merged decisions differ from the packet's: < " \
					     ref[i] " > " mg[i])
				}
			} else if (ms != before_merge) {
				prob("partial: merge state " ms ", neither " before_merge " nor " after_merge)
			}
			if (rc == 0 && ms != after_merge)
				prob("lost: exit 0 but merge state " ms ", not " after_merge)
			if (ndec != nev)
				prob("partial: " ndec " decisions, " nev " decide events")
		} else if (op == "audit") {
			if (c != state_audit)
				prob("partial: audit verify changed the project: " c)
		} else if (op == "export") {
			if (c != state_export)
				prob("partial: the export changed the project: " c)
			if (rc == 0) {
				if (ediff)
					prob("partial: exit 0, export differs")
			} else if (eexists && durab) {
				# The directory's sync failed after the rename: the
				# file must be whole, and the error said its
				# durability is unknown.
				if (ediff)
					prob("partial: the directory sync failed and the export differs")
			} else if (eexists) {
				prob("partial: a failed export left " epath)
			}
			if (etmp != 0)
				prob("partial: " etmp " temporary export file(s) left behind")
		}
	}
	n["crash"] = n["unclear"] = n["lost"] = n["partial"] = 0
	for (i = 1; i <= np; i++) {
		t = problems[i]
		sub(/[ :].*/, "", t)
		n[t]++
		# One line a problem: a detail's lines joined.
		t = problems[i]
		gsub(/\n/, " / ", t)
		print k "\t" t >>report
	}
	print k, fired, rc, error + 0, n["crash"], n["unclear"], n["lost"], n["partial"] >>results
	exit np ? 3 : 0
}
EOF

# start K: the run's folder R, J/r.K, a fresh copy of the operation's
# template (one cp a run: the folders of the runs before are removed 50 at
# a time); db is its project.
start() {
	R=$J/r.$1
	db=$R/$db_in
	cp -R "$w/t-$op" "$R"
}

# run: the operation under gavel-fault (GAVEL_FAULT set by the caller), its
# stderr in $R/err.
run() {
	case $op in
	import) "$FAULT" import "$db" votes "$w/votes.csv" --task t ;;
	decide) "$FAULT" review "$db" --as me --headless --script "$w/keys" --dump-dir "$R/d" ;;
	merge) "$FAULT" packet merge "$db" "$R/m/pk.db" --trust-new-key ;;
	export) "$FAULT" export "$db" --task t -o "$R/export.csv" ;;
	audit) "$FAULT" audit verify "$db" >"$R/audit.out" ;;
	esac >/dev/null 2>"$R/err"
}

# check K RC: the checks after the run of K, which ended with status RC:
# "crash", "unclear", "lost" or "partial" problems, each with a detail, to
# the job's report, and the run's result line (see check.awk).
check() {
	ck=$1 rc=$2
	fired=0
	[ ! -e "$R/fired" ] || fired=1
	: >"$R/sp"
	adiff=0 ediff=0 eexists=0 etmp=0 verified=0
	if [ "$op" = merge ]; then
		# Left beside the project and the packet before the restart: a
		# SQLite log of the project is not a leftover (the restart reads
		# it), nor the packet's empty log and shared memory, which SQLite
		# leaves after any read-only open of a WAL file (a merge without
		# faults too).
		{
			[ ! -s "$R/m/pk.db-wal" ] || echo "partial: the merge wrote the packet's log"
			left=
			for f in "$R"/m/* "$R"/m/.[!.]* "$R"/m/..?*; do
				[ -e "$f" ] || continue
				case ${f##*/} in
				p.db | pk.db | p.db-wal | p.db-shm | pk.db-wal | pk.db-shm) ;;
				*) left="$left${f##*/} " ;;
				esac
			done
			[ -z "$left" ] || echo "partial: files left beside the project: $left"
			cmp -s "$R/m/pk.db" "$w/pk.ref" || echo "partial: the merge changed the packet file"
		} >"$R/sp"
	fi
	if [ "$op" = audit ] && [ "$rc" = 0 ]; then
		cmp -s "$R/audit.out" "$w/audit.ref" || adiff=1
	fi
	set -- "$R/sp" "$R/err" "$R/verify"
	roles="sp err verify"
	# The restart: the plain gavel opens the project and verifies its
	# trail; when that fails, the rest is not read (the project is not
	# whole).
	if "$GAVEL" audit verify "$db" >"$R/verify" 2>&1; then
		verified=1
		# One sqlite3 run for integrity_check, the counts, the decide
		# events, the items decided and, for a merge, its state and the
		# decisions it merged; each row but integrity_check's tagged.
		mq=
		[ "$op" != merge ] || mq="SELECT 'ms ' || $merge_state; SELECT 'mg ' || $merged;"
		q "$db" "PRAGMA integrity_check;
			SELECT 'c ' || (SELECT count(*) FROM item) || '/' || (SELECT count(*) FROM item_votes)
			|| '/' || (SELECT coalesce(sum(n), 0) FROM item_votes)
			|| '/' || (SELECT count(*) FROM decision) || '/' || (SELECT count(*) FROM event);
			SELECT 'nd ' || count(*) FROM decision;
			SELECT 'ne ' || count(*) FROM event WHERE action = 'decide';
			SELECT 'decided ' || i.external_id FROM decision d JOIN item i ON i.id = d.item;
			$mq" >"$R/state" 2>&1
		set -- "$@" "$R/state"
		roles="$roles state"
		if [ "$op" = export ]; then
			if [ -e "$R/export.csv" ]; then
				eexists=1
				cmp -s "$R/export.csv" "$w/export.ref" || ediff=1
			else
				ediff=1
			fi
			for f in "$R"/.gavel-export*; do
				[ ! -e "$f" ] || etmp=$((etmp + 1))
			done
		fi
	fi
	case $op in
	merge)
		set -- "$@" "$w/merged.ref"
		roles="$roles ref"
		;;
	audit)
		set -- "$@" "$R/audit.out"
		roles="$roles aout"
		;;
	decide)
		for f in "$R"/d/s*.txt; do
			[ -e "$f" ] || continue
			set -- "$@" "$f"
			roles="$roles dump"
		done
		;;
	esac
	# Each file's role is given by its place (awk skips empty files).
	awk -v op="$op" -v k="$ck" -v fired="$fired" -v rc="$rc" -v verified="$verified" \
		-v adiff="$adiff" -v ediff="$ediff" -v eexists="$eexists" -v etmp="$etmp" \
		-v epath="$R/export.csv" -v before_import="$before_import" \
		-v after_import="$after_import" -v state_export="$state_export" \
		-v state_audit="$state_audit" -v before_merge="$before_merge" \
		-v after_merge="$after_merge" -v report="$J/report" -v results="$J/results" \
		-v roles="$roles" -f "$w/check.awk" "$@"
}

# kth I: k becomes the I-th K of the loop (from 0): every K up to $every,
# then every $stride-th; from FROM on, one by one, under GAVEL_REL_FAULTS_K.
kth() {
	if [ -n "$kfrom" ]; then
		k=$((kfrom + $1))
	elif [ "$1" -lt "$every" ]; then
		k=$(($1 + 1))
	else
		k=$((every + ($1 + 1 - every) * stride))
	fi
}

# job J: runs the loop's I = J, J + jobs, J + 2 * jobs, ... in its own
# folder until its fault is no longer met (or K passes the range's end).
job() {
	J=$w/j$1
	rm -rf "$J"
	mkdir -p "$J"
	: >"$J/results"
	: >"$J/report"
	i=$1 jruns=0
	while :; do
		kth "$i"
		[ -z "$kto" ] || [ "$k" -le "$kto" ] || break
		[ $((jruns % 50)) != 0 ] || rm -rf "$J"/r.*
		start "$k"
		GAVEL_FAULT=$kind:$k GAVEL_FAULT_FIRED=$R/fired run
		check "$k" $? || cp -R "$R" "$w/fail-$op-$kind${GAVEL_FAULT_WEAK:+-weak}-$k"
		jruns=$((jruns + 1))
		# Progress, for the long tier's loops of thousands of runs.
		[ $((jruns % 500)) != 0 ] ||
			echo "progress $op $kind: job $1 k=$k, $jruns runs ($(date -u +%H:%M:%S))" >>"$w/progress"
		[ -e "$R/fired" ] || break
		i=$((i + jobs))
	done
}

# loop OP KIND: K = 1, 2, ... until the operation ends without meeting its
# fault, in $jobs jobs side by side; prints the figure line and counts the
# problems.
loop() {
	op=$1 kind=$2
	# The merge's project is in its own folder, beside its packet.
	every=50 db_in=p.db
	if [ "$op" = merge ]; then
		every=25 db_in=m/p.db
	fi
	# How many calls of this kind the operation makes.
	J=$w/count.d
	rm -rf "$J"
	mkdir -p "$J"
	start 0
	GAVEL_FAULT=$kind:999999999 GAVEL_FAULT_COUNT=$w/count run
	total=$(cat "$w/count" 2>/dev/null || echo 0)
	stride=1
	# The negative control runs every K in any tier: which write a K
	# drops moves with the sync and checkpoint threads' timing, and a
	# stride of 5 once met none that mattered (CI, 2026-12-03).
	if [ "$tier" = short ] && [ -z "${GAVEL_FAULT_WEAK:-}" ] && [ "$total" -gt $((2 * every)) ]; then
		stride=$(((total - every) / every))
	fi
	# GAVEL_REL_FAULTS_K=FROM-TO runs only K = FROM..TO (every K from
	# FROM, whatever the tier), to split a long loop into parts.
	kfrom='' kto=''
	case ${GAVEL_REL_FAULTS_K:-} in
	*-*)
		kfrom=${GAVEL_REL_FAULTS_K%-*} kto=${GAVEL_REL_FAULTS_K#*-} stride=1 every=$kfrom
		;;
	esac
	j=0
	while [ $j -lt "$jobs" ]; do
		job $j &
		j=$((j + 1))
	done
	wait
	# The runs in K order, as one loop would have made them: up to the
	# first whose fault was not met (a job may have run a K or two past
	# it, which one loop would not have; those are left out).
	sort -n "$w"/j*/results | awk '
		{ k = $1; runs++; err += $4; c += $5; u += $6; l += $7; p += $8 }
		$2 == 0 { exit }
		END { print k + 0, runs + 0, err + 0, c + 0, u + 0, l + 0, p + 0 }' >"$w/sum"
	read -r k runs errors crash unclear lost partial <"$w/sum"
	sort -n -s -k1,1 "$w"/j*/report | awk -F '\t' -v last="$k" -v pre="$name: $op $kind" \
		'$1 <= last { print pre " k=" $1 ": " $2 }' >>"$w/report"
	echo "figure $op $kind${GAVEL_FAULT_WEAK:+ (weak)}: calls $total, runs $runs (k=${GAVEL_REL_FAULTS_K:-1..$k}," \
		"stride $stride after $every), failed with an error $errors; crashes $crash," \
		"unclear errors $unclear, saved but lost $lost, partial state $partial"
	problems=$((crash + unclear + lost + partial))
}

# GAVEL_REL_JOBS=N runs each loop's K in N jobs side by side (the figures
# as one loop's): 1 in the short tier, the number of processors in the long.
jobs=${GAVEL_REL_JOBS:-1}
if [ -z "${GAVEL_REL_JOBS:-}" ] && [ "$tier" != short ]; then
	jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
fi
case $jobs in
'' | *[!0-9]* | 0)
	echo "$name: FAIL: GAVEL_REL_JOBS must be a number of jobs, not '$jobs'" >&2
	exit 1
	;;
esac

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
