#!/bin/sh
# bench/run.sh: gavel's benchmark (`make bench`). Generates a seeded synthetic
# project with bench/gen (1M items, 3-5 votes each, 500 annotators, 5 labels),
# then measures each figure beside a baseline run on the same data in the same
# run and prints one table: seconds (or MB), baseline, ratio, target, verdict.
# A figure whose gavel command fails is printed as FAILED and the run goes on.
#
# Environment:
#   GAVEL              the gavel binary (default ./gavel)
#   GAVEL_BENCH_BIN    directory holding gen, cscan and rss (default: bench/ beside GAVEL)
#   GAVEL_BENCH_ITEMS  number of items (default 1000000; e.g. 100000 for a quick run)
#   GAVEL_BENCH_DIR    keep the generated CSV files here and reuse them next time
#   GAVEL_BENCH_SEED   generator seed (default 42)
#   GAVEL_BENCH_REPEAT runs of the import figure, alternating with its baseline
#                      (default 3; 1 above 2M items)
#   GAVEL_BENCH_FIGURES the figures to run (default: all of them, in the list at
#                      the end; fig_import first, e.g. "fig_import fig_packet")
#   GAVEL_BENCH_ORDERS the row orders of the votes file the figures run on, in
#                      turn (default "grouped shuffled"; "grouped" for one pass)
#   GAVEL_BENCH_PEERS  1 runs the Python peers above 2M items too (they load
#                      every vote into memory: GBs and minutes at 10M)
#   GAVEL_BENCH_PROJECT an imported project to measure instead of importing one
#                      (no data is generated): for the figures that only read or
#                      review it, e.g. GAVEL_BENCH_FIGURES=fig_ui on a 10M
#                      project; the review figures decide items in it, so give
#                      it a copy
#
# Orders: "grouped" is bench/gen's file (rows grouped by item, numeric ids);
# "shuffled" and "annotator" are the same votes in random order or grouped by
# annotator, with string ids (item-00000042, annotator-00017), written by
# bench/gen into $GAVEL_BENCH_DIR/ORDER-string. Every figure after the import
# runs once per order on a project imported from that order's file, its rows
# labelled "[ORDER]" and its baselines reading the same file; the import of a
# later order is fig_import_orders' (kept, not imported again).
#
# The 10M tier (not run in CI: most of an hour, ~15 GB of disk) is the same
# figures on ten times the data: GAVEL_BENCH_ITEMS=10000000 make bench. A data
# directory made elsewhere is reused without copying: symlink its votes.csv,
# items.csv, predictions.csv and gold.csv into GAVEL_BENCH_DIR and write the
# params line gen_data checks ("items=10000000 annotators=500 labels=5 seed=42").
#
# Each figure is one small function (fig_*) listed in `figures` at the end
# (fig_labelerr last: it adds the model's predictions to the project);
# a new figure is a new function plus one word in that list.
set -u

GAVEL=${GAVEL:-./gavel}
bin=${GAVEL_BENCH_BIN:-$(dirname "$GAVEL")/bench}
items=${GAVEL_BENCH_ITEMS:-1000000}
seed=${GAVEL_BENCH_SEED:-42}
repeat=3
[ "$items" -gt 2000000 ] && repeat=1
repeat=${GAVEL_BENCH_REPEAT:-$repeat}
orders=${GAVEL_BENCH_ORDERS:-grouped shuffled}
annotators=500
labels=5
python=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/gavel-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
data=${GAVEL_BENCH_DIR:-$work/data}
root=$data      # gen_data's directory; $data is the current order's
missed=0
sfx=            # the order's label on each row (" [shuffled]"), none for the first
idfmt=%d        # printf format of an item id in the current order's files

for tool in gen cscan rss; do
	if [ ! -x "$bin/$tool" ]; then
		echo "bench: $bin/$tool is missing (run 'make bench')" >&2
		exit 1
	fi
done

# measure NAME CMD...: run CMD under bench/rss; sets sec, kb and rc, keeps the
# command's output in $work/NAME.out and $work/NAME.err.
measure() {
	name=$1
	shift
	"$bin/rss" -o "$work/$name.rss" "$@" >"$work/$name.out" 2>"$work/$name.err"
	if [ -s "$work/$name.rss" ]; then
		read -r sec kb rc <"$work/$name.rss"
	else
		sec=0 kb=0 rc=1
	fi
}

# why NAME: the first lines of a failed command's stderr, for the notes.
why() {
	echo "  $1 failed (exit $rc): $(head -c 300 "$work/$1.err" | tr '\n' ' ')" >>"$work/notes"
}

mb() {
	awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'
}

# le A B: true when A <= B (decimals).
le() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'
}

header() {
	printf '%-48s %9s %9s %7s  %-14s %-7s %s\n' figure gavel baseline ratio target verdict \
		"baseline measured"
}

# row FIGURE VALUE BASE TARGET_TEXT VERDICT BASELINE_TEXT (VALUE FAILED: no ratio).
row() {
	ratio=-
	if [ "$2" != FAILED ] && [ "$3" != - ]; then
		ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	fi
	printf '%-48s %9s %9s %7s  %-14s %-7s %s\n' "$1$sfx" "$2" "$3" "$ratio" "$4" "$5" "$6"
	[ "$5" = ok ] || [ "$5" = - ] || missed=1
}

verdict() {
	if le "$1" "$2"; then echo ok; else echo MISSED; fi
}

# The targets of the figures that read the whole task (stats, Dawid-Skene,
# the report, the drill-downs, label errors) are for 1M items: above 2M
# items (the 10M tier) row_task prints such a target in the note, with no
# verdict, and the memory of what loads the task's votes is held to 1 GB
# instead of 256 MB. The 10M tier's own targets are the import's, the
# review screen's, 1,000 more votes' and that memory.
big=0
[ "$items" -gt 2000000 ] && big=1
task_mem="<= 256 MB" task_mem_kb=262144
[ "$big" = 1 ] && task_mem="<= 1024 MB" task_mem_kb=1048576

# row_task FIGURE GAVEL BASELINE TARGET VERDICT NOTE: row, for a figure
# that reads the whole task.
row_task() {
	if [ "$big" = 1 ] && [ "$2" != FAILED ]; then
		row "$1" "$2" "$3" - - "$6${6:+; }1M target $4"
	else
		row "$@"
	fi
}

gen_data() {
	stamp="items=$items annotators=$annotators labels=$labels seed=$seed"
	if [ -s "$data/votes.csv" ] && [ -f "$data/params" ] && [ "$(cat "$data/params")" = "$stamp" ]; then
		echo "bench: reusing $data ($stamp)"
		return 0
	fi
	mkdir -p "$data" || exit 1
	rm -f "$data/params"
	measure gen "$bin/gen" --items "$items" --annotators "$annotators" --labels "$labels" \
		--seed "$seed" --out "$data"
	if [ "$rc" != 0 ]; then
		echo "bench: bench/gen failed: $(cat "$work/gen.err")" >&2
		exit 1
	fi
	echo "$stamp" >"$data/params"
	echo "bench: generated $data ($stamp) in $sec s"
}

# (a) gavel init + import of the votes CSV vs the sqlite3 shell's .import into a
# bare table. Both take a few seconds and vary from run to run on a shared
# machine by as much as their difference, so they run $repeat times,
# alternating, and the fastest of each is compared (the slowest are in the
# notes). The project of the last run is the one the later figures use.
fig_import() {
	base=- bnote="sqlite3 shell .import (not installed)" best= worst= bworst= kbmax=0
	have_shell=0
	command -v sqlite3 >/dev/null 2>&1 && have_shell=1
	for i in $(seq "$repeat"); do
		if [ $have_shell = 1 ]; then
			rm -f "$work/shell.db"
			measure shell sqlite3 "$work/shell.db" "CREATE TABLE vote(item, annotator, label);" \
				".mode csv" ".import --skip 1 $data/votes.csv vote"
			if [ "$rc" = 0 ]; then
				bnote="sqlite3 shell .import into a bare table, best of $repeat"
				if [ "$base" = - ] || le "$sec" "$base"; then base=$sec; fi
				if [ -z "$bworst" ] || le "$bworst" "$sec"; then bworst=$sec; fi
			else
				bnote="sqlite3 shell .import FAILED"
				why shell
				have_shell=0 base=-
			fi
			rm -f "$work/shell.db"
		fi
		rm -f "$work/p.db" "$work/p.db-wal" "$work/p.db-shm"
		measure init "$GAVEL" init "$work/p.db"
		if [ "$rc" != 0 ]; then
			why init
			row "import votes: init + import (s)" FAILED "$base" "<= baseline" FAILED "$bnote"
			import_ok=0
			return
		fi
		init_sec=$sec
		measure import "$GAVEL" import "$work/p.db" votes "$data/votes.csv" --task bench
		if [ "$rc" != 0 ]; then
			why import
			row "import votes: init + import (s)" FAILED "$base" "<= baseline" FAILED "$bnote"
			import_ok=0
			return
		fi
		total=$(awk -v a="$init_sec" -v b="$sec" 'BEGIN { printf "%.3f", a + b }')
		if [ -z "$best" ] || le "$total" "$best"; then best=$total; fi
		if [ -z "$worst" ] || le "$worst" "$total"; then worst=$total; fi
		[ "$kb" -gt "$kbmax" ] && kbmax=$kb
	done
	import_ok=1
	v=-
	[ "$base" != - ] && v=$(verdict "$best" "$base")
	row "import votes: init + import (s)" "$best" "$base" "<= baseline" "$v" "$bnote"
	row "import votes: peak RSS (MB)" "$(mb "$kbmax")" - - - ""
	echo "  import: $repeat runs, gavel $best to $worst s, shell ${base} to ${bworst:--} s" >>"$work/notes"
}

# (b) gavel stats --json (every statistic, from the stored votes) vs bench/cscan.
fig_stats() {
	measure cscan "$bin/cscan" "$data/votes.csv"
	cscan_sec=$sec cscan_kb=$kb
	if [ "$rc" != 0 ]; then
		why cscan
		cscan_sec=- cscan_kb=-
	fi
	if [ "${import_ok:-0}" != 1 ]; then
		row "stats --json (s)" FAILED "$cscan_sec" "<= 1.5 s" FAILED "no project (import failed)"
		row "stats --json peak RSS (MB)" FAILED "$(mb "$cscan_kb")" "<= 256 MB" FAILED ""
		stats_sec=
		return
	fi
	# Issue 2's figure is the agreement statistics: Dawid-Skene has its own
	# figure (fig_ds), so it is left out here.
	measure stats "$GAVEL" stats "$work/p.db" --json --no-ds
	if [ "$rc" != 0 ] || ! grep -q '"tasks"' "$work/stats.out"; then
		why stats
		row "stats --json (s)" FAILED "$cscan_sec" "<= 1.5 s" FAILED "bench/cscan: parse + count CSV"
		row "stats --json peak RSS (MB)" FAILED "$(mb "$cscan_kb")" "<= 256 MB" FAILED "bench/cscan"
		stats_sec=
		return
	fi
	stats_sec=$sec
	row_task "stats --json (s)" "$sec" "$cscan_sec" "<= 1.5 s" "$(verdict "$sec" 1.5)" \
		"bench/cscan: parse + count CSV"
	row "stats --json peak RSS (MB)" "$(mb "$kb")" "$(mb "$cscan_kb")" "$task_mem" \
		"$(verdict "$kb" "$task_mem_kb")" "bench/cscan"
}

# (c) Python peers on the same CSV, when Debian's python3 has them.
fig_python() {
	if [ ! -x "$python" ]; then
		echo "  python peers skipped: $python not found" >>"$work/notes"
		return
	fi
	peers_fit || return
	measure peers "$python" "$here/peers.py" "$data/votes.csv"
	if [ "$rc" = 77 ]; then
		echo "  python peers skipped: $(tail -n 1 "$work/peers.err")" >>"$work/notes"
		return
	fi
	if [ "$rc" != 0 ]; then
		why peers
		return
	fi
	g=${stats_sec:-FAILED}
	[ -n "$g" ] || g=FAILED
	while read -r name only total value; do
		case $name in
		statsmodels_fleiss_kappa)
			row "stats vs statsmodels fleiss_kappa" "$g" "$only" - - \
				"fleiss_kappa on a prebuilt table"
			row "stats vs Python read+table+kappa" "$g" "$total" - - \
				"pandas/numpy read and count + fleiss_kappa"
			;;
		statsmodels_aggregate_fleiss)
			row "stats vs statsmodels own route" "$g" "$only" - - \
				"aggregate_raters + fleiss_kappa"
			;;
		krippendorff_alpha)
			row "stats vs krippendorff alpha" "$g" "$only" - - \
				"krippendorff package, nominal, value counts"
			;;
		esac
	done <"$work/peers.out"
	echo "  python peer peak RSS: $(mb "$kb") MB (whole script)" >>"$work/notes"
}

# peers_fit: true when the Python peers run at this size. They read every
# vote into memory (numpy string arrays, pandas frames): at 10M items that
# is GBs and minutes per peer, so above 2M items they are skipped with a
# note unless GAVEL_BENCH_PEERS=1.
peers_fit() {
	[ "$items" -le 2000000 ] || [ "${GAVEL_BENCH_PEERS:-0}" = 1 ] && return 0
	grep -q 'python peers skipped: above' "$work/notes" ||
		echo "  python peers skipped: above 2M items they load every vote into memory" \
			"(GBs, minutes); GAVEL_BENCH_PEERS=1 runs them" >>"$work/notes"
	return 1
}

# (d) Dawid-Skene: gavel stats with DS minus without, vs a vectorised numpy DS.
fig_ds() {
	if [ "${import_ok:-0}" != 1 ] || [ -z "${stats_sec:-}" ]; then
		row "Dawid-Skene (s)" FAILED - "<= 2 s" FAILED "no project or no stats figure"
		return
	fi
	measure statsds "$GAVEL" stats "$work/p.db" --json
	if [ "$rc" != 0 ]; then
		why statsds
		row "Dawid-Skene (s)" FAILED - "<= 2 s" FAILED ""
		return
	fi
	ds_total=$sec ds_kb=$kb
	ds_sec=$(awk -v a="$sec" -v b="$stats_sec" 'BEGIN { printf "%.3f", a - b }')
	iters=$(sed -n 's/.*"ds":{"iterations":\([0-9]*\),"converged":\([a-z]*\).*/\1 \2/p' \
		"$work/statsds.out")
	set -- $iters
	base=- bnote="numpy DS (python3-numpy not installed)"
	peers_fit || bnote="numpy DS skipped above 2M items (GAVEL_BENCH_PEERS=1 runs it)"
	if [ -x "$python" ] && peers_fit; then
		measure dspeer "$python" "$here/ds_peer.py" "$data/votes.csv"
		if [ "$rc" = 0 ]; then
			read -r _ peer_em peer_it _ <"$work/dspeer.out"
			base=$peer_em bnote="vectorised numpy DS, EM only ($peer_it iterations)"
		elif [ "$rc" != 77 ]; then
			why dspeer
		fi
	fi
	row_task "Dawid-Skene (s)" "$ds_sec" "$base" "<= 2 s" "$(verdict "$ds_sec" 2)" "$bnote"
	row "Dawid-Skene: stats with DS, peak RSS (MB)" "$(mb "$ds_kb")" - "$task_mem" \
		"$(verdict "$ds_kb" "$task_mem_kb")" ""
	per=$(awk -v a="$ds_sec" -v n="${1:-0}" 'BEGIN { if (n > 0) printf "%.3f", a / n; else print "-" }')
	echo "  Dawid-Skene: ${1:-?} iterations (converged: ${2:-?}), $per s per iteration;" \
		"stats with DS $ds_total s, peak RSS $(mb "$ds_kb") MB" >>"$work/notes"
}

# (d) the review screen, headless on the imported project: time from start to
# the first queue screen (a run that dumps it and quits), then 1,000 keys
# (moves, opening items, deciding, leaving) with per-key latency from
# --timing, and the peak RSS of that run; then fig_ui_kinds.
fig_ui() {
	if [ "${import_ok:-0}" != 1 ]; then
		row "review: first queue screen (ms)" FAILED - "<= 300 ms" FAILED "no project"
		return
	fi
	printf ':dump first\n<C-c>\n' >"$work/first.keys"
	awk 'BEGIN {
		srand(7); n = 0
		while (n < 999) {
			m = 1 + int(rand() * 4)
			for (i = 0; i < m && n < 999; i++) { print (rand() < 0.8 ? "j" : "k"); n++ }
			if (n < 999) { print "<Enter>"; n++ }
			if (n < 999) { print (rand() < 0.5 ? "J" : "j"); n++ }
			if (n < 999) { print 1 + int(rand() * 5); n++ }
			if (n < 999) { print "q"; n++ }
		}
		print "<C-c>"
	}' >"$work/ui.keys"
	measure ui_first "$GAVEL" review "$work/p.db" --headless --size 80x24 --timing \
		--script "$work/first.keys" --dump-dir "$work"
	first=$(sed -n 's/^first screen \([0-9.]*\) ms.*/\1/p' "$work/ui_first.err" | tail -n 1)
	if [ "$rc" != 0 ] || [ -z "$first" ] || ! grep -q 'gavel review' "$work/first.txt" 2>/dev/null; then
		why ui_first
		row "review: first queue screen (ms)" FAILED - "<= 300 ms" FAILED ""
		return
	fi
	first=$(awk -v s="$first" 'BEGIN { printf "%.0f", s }')
	row "review: first queue screen (ms)" "$first" - "<= 300 ms" "$(verdict "$first" 300)" \
		"start to first paint (the whole run with the rest of the queue: $(awk -v s="$sec" 'BEGIN { printf "%.0f", s * 1000 }') ms)"
	measure ui_keys "$GAVEL" review "$work/p.db" --headless --size 80x24 --timing \
		--script "$work/ui.keys" --dump-dir "$work"
	p99=$(sed -n 's/^keys .* p99 \([0-9.]*\) ms.*/\1/p' "$work/ui_keys.err" | tail -n 1)
	if [ "$rc" != 0 ] || [ -z "$p99" ]; then
		why ui_keys
		row "review: p99 per key (ms)" FAILED - "<= 16 ms" FAILED ""
		return
	fi
	row "review: p99 per key, 1000 keys (ms)" "$p99" - "<= 16 ms" "$(verdict "$p99" 16)" \
		"$(sed -n 's/^keys \([0-9]*\) .*p50 \([0-9.]*\) ms.*/\1 keys, p50 \2 ms/p' \
			"$work/ui_keys.err" | tail -n 1)"
	row "review: peak RSS (MB)" "$(mb "$kb")" - "<= 64 MB" "$(verdict "$kb" 65536)" ""
	fig_ui_kinds
	fig_dash
}

# (d'') each kind of key on its own (--timing's "key VIEW:ACTION" lines): the
# moves, open, decide, back to the queue after deciding, sort, filter, search
# (the Enter that runs it: the loaded rows' text, metadata and annotators),
# opening the queue picker (queue:queues) and a queue switch (picker:open, to
# needs-votes and back to disputed, which reads its first page; the rest
# comes between keys), each with its p99 and slowest key against 16 and 100 ms.
fig_ui_kinds() {
	awk 'BEGIN {
		srand(13)
		for (r = 0; r < 40; r++) {
			for (i = 0; i < 4; i++) print (rand() < 0.8 ? "j" : "k")
			print "<Enter>"; print 1 + int(rand() * 5); print "q"
			print "o"; print "o"; print "o"; print "o"; print "F"; print "F"; print "F"
			if (r % 4 == 0) { print "/"; print ":type l" int(rand() * 5) "x"; print "<Enter>" }
			if (r % 8 == 0) { print "Q"; print "j"; print "<Enter>"; print "Q"; print "k"; print "<Enter>" }
		}
		print "<C-c>"
	}' >"$work/kinds.keys"
	measure ui_kinds "$GAVEL" review "$work/p.db" --headless --size 80x24 --timing \
		--script "$work/kinds.keys" --dump-dir "$work"
	if [ "$rc" != 0 ]; then
		why ui_kinds
		row "review keys by kind" FAILED - "<= 16 ms" FAILED ""
		return
	fi
	for kind in queue:move-down queue:move-up queue:open item:decide item:back queue:sort \
		queue:filter search queue:queues queue-picker:open; do
		set -- $(sed -n "s/^key $kind \([0-9]*\)  p50 [0-9.]* ms  p99 \([0-9.]*\) ms  max \([0-9.]*\) ms  cpu p99 \([0-9.]*\) ms.*/\1 \2 \3 \4/p" \
			"$work/ui_kinds.err")
		if [ $# != 4 ]; then
			row "review key $kind p99 (ms)" FAILED - "<= 16 ms" FAILED "no such key timed"
			continue
		fi
		v=ok
		le "$2" 16 && le "$3" 100 || v=MISSED
		row "review key $kind p99 (ms)" "$2" - "<= 16, max 100" "$v" \
			"$1 keys, slowest $3 ms; CPU p99 $4 ms"
	done
}

# (d') the lead's dashboard, headless on the same project: its first screen
# (the figures of every section, label errors included, as --timing reports
# it), then 500 keys browsing the sections (Tab, moves, cells, sorting) with
# their p99, and a drill-down opened from it (the key's own latency).
fig_dash() {
	awk 'BEGIN {
		srand(11); n = 0
		while (n < 499) {
			r = rand()
			print (r < 0.15 ? "<Tab>" : r < 0.2 ? "<S-Tab>" : r < 0.6 ? "j" : r < 0.7 ? "k" : \
			       r < 0.8 ? "<Right>" : r < 0.9 ? "<Left>" : r < 0.95 ? "<PgDn>" : "o")
			n++
		}
		print "<C-c>"
	}' >"$work/dash.keys"
	measure dash_keys "$GAVEL" dashboard "$work/p.db" --headless --size 80x24 --timing \
		--script "$work/dash.keys" --dump-dir "$work"
	first=$(sed -n 's/^first screen \([0-9.]*\) ms.*/\1/p' "$work/dash_keys.err" | tail -n 1)
	p99=$(sed -n 's/^keys .* p99 \([0-9.]*\) ms.*/\1/p' "$work/dash_keys.err" | tail -n 1)
	if [ "$rc" != 0 ] || [ -z "$first" ] || [ -z "$p99" ]; then
		why dash_keys
		row "dashboard: first screen (ms)" FAILED - "<= 500 ms" FAILED ""
		return
	fi
	first=$(awk -v s="$first" 'BEGIN { printf "%.0f", s }')
	rest=$(sed -n 's/^deferred figures \([0-9.]*\) ms.*/\1/p' "$work/dash_keys.err" | tail -n 1)
	sbase=-
	[ -n "${stats_sec:-}" ] && sbase=$(awk -v s="$stats_sec" 'BEGIN { printf "%.0f", s * 1000 }')
	row "dashboard: first screen (ms)" "$first" "$sbase" "<= 500 ms" "$(verdict "$first" 500)" \
		"stats --json --no-ds (ms); Tasks from the summaries"
	[ -n "$rest" ] && row "dashboard: the rest of the figures (ms)" \
		"$(awk -v s="$rest" 'BEGIN { printf "%.0f", s }')" "$sbase" - - \
		"kappa, alpha, DS, pairs, label errors, after the first screen"
	row "dashboard: p99 per key, 500 keys (ms)" "$p99" - "<= 16 ms" "$(verdict "$p99" 16)" \
		"Tab, moves, cells, sort"
	row "dashboard: peak RSS (MB)" "$(mb "$kb")" - "$task_mem" "$(verdict "$kb" "$task_mem_kb")" ""
	# the drill-down: Enter on the histogram's 0.2-0.3 band, then quit
	printf '<Tab>\n<Tab>\n<Tab>\n<Tab>\n<Tab>\nj\nj\n<Enter>\n<C-c>\n' >"$work/drill.keys"
	measure dash_drill "$GAVEL" dashboard "$work/p.db" --headless --size 80x24 --timing \
		--script "$work/drill.keys" --dump-dir "$work"
	ms=$(sed -n 's/^keys .* max \([0-9.]*\) ms.*/\1/p' "$work/dash_drill.err" | tail -n 1)
	if [ "$rc" != 0 ] || [ -z "$ms" ]; then
		why dash_drill
		row "dashboard: drill-down (ms)" FAILED - "<= 300 ms" FAILED ""
		return
	fi
	row_task "dashboard: drill-down (ms)" "$(awk -v s="$ms" 'BEGIN { printf "%.0f", s }')" - \
		"<= 300 ms" "$(verdict "$(awk -v s="$ms" 'BEGIN { printf "%.0f", s }')" 300)" \
		"Enter on agreement 0.2-0.3, slowest key"
}

# (f) label errors with the model's probabilities for every item (imported
# first, not timed): `gavel stats --label-errors` runs Dawid-Skene for the
# current labels, confident learning, its 200-resample bootstrap interval
# and the label-issues list; `gavel queue --queue label-issues` what the
# review screen loads (the same without the interval, first 2000 items).
fig_labelerr() {
	if [ "${import_ok:-0}" != 1 ]; then
		row "label errors: estimate + interval (s)" FAILED - "<= 2 s" FAILED "no project"
		return
	fi
	measure preds "$GAVEL" import "$work/p.db" predictions "$data/predictions.csv" --task bench \
		--model bench
	if [ "$rc" != 0 ]; then
		why preds
		row "label errors: estimate + interval (s)" FAILED - "<= 2 s" FAILED "predictions import"
		return
	fi
	echo "  predictions import: $sec s, peak RSS $(mb "$kb") MB" >>"$work/notes"
	measure lerr "$GAVEL" stats "$work/p.db" --label-errors --json
	if [ "$rc" != 0 ] || ! grep -q '"estimated_rate":0' "$work/lerr.out"; then
		why lerr
		row "label errors: estimate + interval (s)" FAILED - "<= 2 s" FAILED ""
	else
		row_task "label errors: estimate + interval (s)" "$sec" - "<= 2 s" \
			"$(verdict "$sec" 2)" "DS, load, estimate, 200 resamples, issues"
		row "label errors peak RSS (MB)" "$(mb "$kb")" - "$task_mem" \
			"$(verdict "$kb" "$task_mem_kb")" ""
		echo "  label errors: $(sed -n 's/.*"estimated_errors":\([0-9]*\),"estimated_rate":\([0-9.]*\),"ci":\(\[[0-9.,]*\]\).*"issues":\([0-9]*\).*/\1 estimated wrong (rate \2, 95% CI \3), \4 issues/p' \
			"$work/lerr.out")" >>"$work/notes"
	fi
	measure lqueue "$GAVEL" queue "$work/p.db" --queue label-issues --limit 2000
	if [ "$rc" != 0 ] || ! grep -q 'likely' "$work/lqueue.out"; then
		why lqueue
		row "label-issues queue, first 2000 (s)" FAILED - "<= 2 s" FAILED ""
		return
	fi
	row_task "label-issues queue, first 2000 (s)" "$sec" - "<= 2 s" "$(verdict "$sec" 2)" \
		"DS, load, estimate, issues, rows"
	row "label-issues queue peak RSS (MB)" "$(mb "$kb")" - "$task_mem" \
		"$(verdict "$kb" "$task_mem_kb")" ""
}

# (f) the lead's view: gavel report (HTML, with Dawid-Skene and the alpha
# interval's 1,000-resample bootstrap) and drill-down queues listing their
# first 2,000 items (the review screen's default) and counting the rest: an
# annotator pair, two labels and an agreement band; the slowest is the figure.
fig_lead() {
	if [ "${import_ok:-0}" != 1 ]; then
		row "report: HTML with bootstrap (s)" FAILED - "<= 3 s" FAILED "no project"
		row "drill-down: slowest of 3 (ms)" FAILED - "<= 300 ms" FAILED "no project"
		return
	fi
	measure report "$GAVEL" report "$work/p.db" -o "$work/report.html"
	if [ "$rc" != 0 ] || ! grep -q '</html>' "$work/report.html" 2>/dev/null; then
		why report
		row "report: HTML with bootstrap (s)" FAILED - "<= 3 s" FAILED ""
	else
		row_task "report: HTML with bootstrap (s)" "$sec" - "<= 3 s" "$(verdict "$sec" 3)" \
			"1,000 resamples, Dawid-Skene, $(($(wc -c <"$work/report.html") / 1024)) KB"
		row "report: peak RSS (MB)" "$(mb "$kb")" - "$task_mem" \
			"$(verdict "$kb" "$task_mem_kb")" ""
	fi
	# the first row's item's first two voters (in any row order): two
	# annotators who share items
	pair=$(awk -F, 'NR == 2 { it = $1 } NR > 1 && $1 == it { p = p (p ? "," : "") $2
		if (++n == 2) { print p; exit } }' "$data/votes.csv")
	worst=0 which= all=
	for q in "--pair $pair" "--confused l0,l1" "--agreement 0.2-0.3"; do
		# shellcheck disable=SC2086
		measure drill "$GAVEL" queue "$work/p.db" $q --limit 2000
		if [ "$rc" != 0 ]; then
			why drill
			row "drill-down: slowest of 3 (ms)" FAILED - "<= 300 ms" FAILED "$q"
			return
		fi
		ms=$(awk -v s="$sec" 'BEGIN { printf "%.0f", s * 1000 }')
		all="$all ${q#--} $ms ms;"
		if [ "$ms" -gt "$worst" ]; then worst=$ms which=$q; fi
	done
	row_task "drill-down: slowest of 3 (ms)" "$worst" - "<= 300 ms" "$(verdict "$worst" 300)" \
		"queue ${which%% *}, first 2,000 items"
	echo "  drill-downs (queue --limit 2000):$all" >>"$work/notes"
}

# gen_order NAME ARGS...: the same votes as $data's written by bench/gen ARGS
# (an order, string ids) into $data/NAME, reused like gen_data's.
gen_order() {
	dir=$root/$1
	shift
	stamp="items=$items annotators=$annotators labels=$labels seed=$seed $*"
	if [ -s "$dir/votes.csv" ] && [ -f "$dir/params" ] && [ "$(cat "$dir/params")" = "$stamp" ]; then
		return 0
	fi
	mkdir -p "$dir" || return 1
	rm -f "$dir/params"
	measure gen "$bin/gen" --items "$items" --annotators "$annotators" --labels "$labels" \
		--seed "$seed" --out "$dir" "$@"
	[ "$rc" = 0 ] || return 1
	echo "$stamp" >"$dir/params"
}

# keep_order ORDER: keep fig_import_orders' last project of ORDER as the
# project of that order's pass (when GAVEL_BENCH_ORDERS has it), so that the
# pass does not import the same file again.
keep_order() {
	case " $orders " in
	*" $1 "*)
		if [ -z "$failed" ] && [ -f "$work/o.db" ]; then
			rm -f "$work/kept-$1.db" "$work/kept-$1.db-wal" "$work/kept-$1.db-shm"
			for x in "" -wal -shm; do
				[ -f "$work/o.db$x" ] && mv "$work/o.db$x" "$work/kept-$1.db$x"
			done
			return
		fi
		;;
	esac
	rm -f "$work/o.db" "$work/o.db-wal" "$work/o.db-shm"
}

# (a') the import of the same votes in other row orders, with string ids
# ("item-00000042", "annotator-00017"), as exports sorted by annotator or by
# time come, against the sqlite3 shell's .import of the same file: best of
# $repeat, alternating, and the peak RSS of each (the shell's is its worst).
fig_import_orders() {
	for order in shuffled annotator; do
		label="import $order, string ids"
		if ! gen_order "$order-string" --order "$order" --ids string; then
			why gen
			row "$label (s)" FAILED - "<= baseline" FAILED "bench/gen failed"
			continue
		fi
		file=$root/$order-string/votes.csv
		base=- bkb=0 best= worst= kbmax=0 failed=
		command -v sqlite3 >/dev/null 2>&1 || base=none
		for i in $(seq "$repeat"); do
			if [ "$base" != none ]; then
				rm -f "$work/shell.db"
				measure shell sqlite3 "$work/shell.db" \
					"CREATE TABLE vote(item, annotator, label);" \
					".mode csv" ".import --skip 1 $file vote"
				rm -f "$work/shell.db"
				if [ "$rc" = 0 ]; then
					if [ "$base" = - ] || le "$sec" "$base"; then base=$sec; fi
					[ "$kb" -gt "$bkb" ] && bkb=$kb
				else
					why shell
					base=none
				fi
			fi
			rm -f "$work/o.db" "$work/o.db-wal" "$work/o.db-shm"
			measure oinit "$GAVEL" init "$work/o.db"
			[ "$rc" = 0 ] || { why oinit; failed=1; break; }
			init_sec=$sec
			measure oimport "$GAVEL" import "$work/o.db" votes "$file" --task bench
			[ "$rc" = 0 ] || { why oimport; failed=1; break; }
			total=$(awk -v a="$init_sec" -v b="$sec" 'BEGIN { printf "%.3f", a + b }')
			if [ -z "$best" ] || le "$total" "$best"; then best=$total; fi
			if [ -z "$worst" ] || le "$worst" "$total"; then worst=$total; fi
			[ "$kb" -gt "$kbmax" ] && kbmax=$kb
		done
		keep_order "$order"
		[ "$base" = none ] && base=-
		if [ -n "$failed" ]; then
			row "$label (s)" FAILED "$base" "<= baseline" FAILED ""
			continue
		fi
		v=-
		[ "$base" != - ] && v=$(verdict "$best" "$base")
		row "$label (s)" "$best" "$base" "<= baseline" "$v" \
			"sqlite3 shell .import, same file, best of $repeat"
		row "$label: peak RSS (MB)" "$(mb "$kbmax")" "$(mb "$bkb")" "<= 256 MB" \
			"$(verdict "$kbmax" 262144)" "sqlite3 shell .import"
		echo "  import $order, string ids: $repeat runs, gavel $best to $worst s" >>"$work/notes"
	done
}

# (g) incremental work: 1,000 more votes (a new annotator on items spread
# over the task), then 1,000 votes on new items, imported into the benchmark
# project, against the same file imported into a new empty project, $repeat
# times alternating, best of each (each run a new annotator on other items,
# 7919th, 7927th, 7933rd...: a first vote added to an item splits its full
# page, a later one may not, so rewriting the same items again would measure
# less work); and the
# export's time and peak RSS (Dawid-Skene with no posterior table, items in
# rowid order). Run alone (GAVEL_BENCH_FIGURES=fig_addvotes, as on the 10M
# tier) it imports the project itself first.
# add_rows KIND FIGURE: $repeat runs of a 1,000-vote file into the
# project and, as the baseline, into a new empty one, alternating, best of
# each. KIND old: a new annotator on items spread over the task (each run
# other items); new: 1,000 items the project does not have (each run
# others), one vote each.
add_rows() {
	best= worst= base=- bworst=
	for i in $(seq "$repeat"); do
		step=$(echo 7919 7927 7933 7937 7949 7951 7963 7993 | cut -d' ' -f"$((1 + (i - 1) % 8))")
		tag=bench-$1
		[ "$i" = 1 ] || tag=bench-$1$i
		awk -v n="$items" -v m="$step" -v a="$tag" -v f="$idfmt" -v k="$1" -v r="$i" 'BEGIN {
			print "item,annotator,label"
			for (i = 1; i <= 1000; i++)
				printf f ",%s,l%d\n", k == "new" ? n + 1000 * (r - 1) + i : 1 + (i * m) % n,
					a, i % 5 }' >"$work/add.csv"
		rm -f "$work/e.db" "$work/e.db-wal" "$work/e.db-shm"
		"$GAVEL" init "$work/e.db" >/dev/null 2>&1
		measure addbase "$GAVEL" import "$work/e.db" votes "$work/add.csv" --task bench
		if [ "$rc" = 0 ]; then
			if [ "$base" = - ] || le "$sec" "$base"; then base=$sec; fi
			if [ -z "$bworst" ] || le "$bworst" "$sec"; then bworst=$sec; fi
		fi
		measure add "$GAVEL" import "$work/p.db" votes "$work/add.csv" --task bench
		if [ "$rc" != 0 ]; then
			why add
			row "$2" FAILED "$base" "<= 0.3 s" FAILED ""
			return
		fi
		if [ -z "$best" ] || le "$sec" "$best"; then best=$sec; fi
		if [ -z "$worst" ] || le "$worst" "$sec"; then worst=$sec; fi
	done
	row "$2" "$best" "$base" "<= 0.3 s" "$(verdict "$best" 0.3)" \
		"the same file into an empty project, best of $repeat"
	echo "  $2: $repeat runs, gavel $best to $worst s," \
		"into an empty project $base to ${bworst:--} s" >>"$work/notes"
}

fig_addvotes() {
	if [ "${import_ok:-0}" != 1 ]; then
		rm -f "$work/p.db" "$work/p.db-wal" "$work/p.db-shm"
		measure addproj sh -c '"$1" init "$2" >/dev/null && "$1" import "$2" votes "$3" --task bench' \
			sh "$GAVEL" "$work/p.db" "$data/votes.csv"
		if [ "$rc" != 0 ]; then
			why addproj
			row "import 1,000 more votes (s)" FAILED - "<= 0.3 s" FAILED "no project"
			return
		fi
		import_ok=1
		echo "  fig_addvotes: the project imported first, in $sec s" >>"$work/notes"
	fi
	add_rows old "import 1,000 more votes (s)"
	add_rows new "import 1,000 votes on new items (s)"
	measure export "$GAVEL" export "$work/p.db" -o "$work/export.csv"
	if [ "$rc" != 0 ]; then
		why export
		row "export CSV with DS (s)" FAILED - - FAILED ""
		return
	fi
	row "export CSV with DS (s)" "$sec" - - - "every item, Dawid-Skene weights"
	row "export peak RSS (MB)" "$(mb "$kb")" - "<= 1024 MB" "$(verdict "$kb" 1048576)" ""
}

# (h) offline packets on the 1M-item project: `gavel packet create` of
# 10,000 items (baseline: the sqlite3 shell copying the same items' rows
# of item, item_votes and prediction into a new file); the packet's size
# against that baseline file, which is the size the items take (their rows
# alone, in a database of their own); and `gavel packet merge` of 10,000
# decisions made in the packet with the review screen (not timed).
fig_packet() {
	if [ "${import_ok:-0}" != 1 ]; then
		row "packet: create 10,000 items (s)" FAILED - "<= 2 s" FAILED "no project"
		return
	fi
	rm -f "$work/pk.db" "$work/pkb.db"
	measure pcreate "$GAVEL" packet create "$work/p.db" -o "$work/pk.db" --limit 10000
	if [ "$rc" != 0 ]; then
		why pcreate
		row "packet: create 10,000 items (s)" FAILED - "<= 2 s" FAILED ""
		return
	fi
	csec=$sec
	measure pbase sqlite3 "$work/p.db" "ATTACH '$work/pkb.db' AS b;
		CREATE TABLE b.item AS SELECT * FROM item WHERE id IN (SELECT item FROM packet_item);
		CREATE TABLE b.item_votes AS SELECT * FROM item_votes
		 WHERE item IN (SELECT item FROM packet_item);
		CREATE TABLE b.prediction AS SELECT * FROM prediction
		 WHERE item IN (SELECT item FROM packet_item);"
	row "packet: create 10,000 items (s)" "$csec" "$sec" "<= 2 s" "$(verdict "$csec" 2)" \
		"sqlite3 shell copies the items' rows"
	psize=$(wc -c <"$work/pk.db")
	bsize=$(wc -c <"$work/pkb.db")
	row "packet: file size (MB)" "$(mb $((psize / 1024)))" "$(mb $((bsize / 1024)))" \
		"<= 2x" "$(awk -v a="$psize" -v b="$bsize" 'BEGIN { print (a <= 2 * b) ? "ok" : "MISSED" }')" \
		"the items' rows alone in a new file"
	# The setup (untimed): 10,000 decisions made in the packet's review
	# screen, each committed as a review commits it (claim, decide, signed
	# events, synchronous=FULL). On a tmpfs when there is one, where an
	# fsync costs nothing: 20,000 commits take seconds there, and many
	# minutes on a loaded disk.
	rdir=$work
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		rdir=$(mktemp -d /dev/shm/gavel-bench.XXXXXX) || rdir=$work
	fi
	[ "$rdir" = "$work" ] || cp "$work/pk.db" "$rdir/pk.db"
	awk 'BEGIN { for (i = 0; i < 10000; i++) print 1 + i % 5; print "<C-c>" }' |
		sed '1i <Enter>' >"$work/pk.keys"
	"$GAVEL" review "$rdir/pk.db" --headless --limit 0 --script "$work/pk.keys" \
		>"$work/pkrev.out" 2>"$work/pkrev.err"
	if [ "$rdir" != "$work" ]; then
		cp "$rdir/pk.db" "$work/pk.db"
		rm -rf "$rdir"
	fi
	nd=$(sqlite3 "$work/pk.db" "SELECT count(*) FROM decision")
	# The baseline: the sqlite3 shell inserting the same decision rows into a
	# copy of the project (the copy untimed).
	cp "$work/p.db" "$work/pb.db"
	measure pmbase sqlite3 "$work/pb.db" "ATTACH '$work/pk.db' AS k;
		INSERT INTO decision(item, expert, label, reason, rule, guideline_version,
		 blind_label, seconds, at, supersedes, queue, origin)
		 SELECT item, expert, label, reason, rule, guideline_version, blind_label,
		 seconds, at, supersedes, queue, 'packet' FROM k.decision ORDER BY id;"
	bsec=$sec
	[ "$rc" = 0 ] || { why pmbase; bsec=-; }
	rm -f "$work/pb.db"
	measure pmerge "$GAVEL" packet merge "$work/p.db" "$work/pk.db" --trust-new-key
	if [ "$rc" != 0 ]; then
		why pmerge
		row "packet: merge $nd decisions (s)" FAILED "$bsec" "<= 2 s" FAILED ""
		return
	fi
	row "packet: merge $nd decisions (s)" "$sec" "$bsec" "<= 2 s" "$(verdict "$sec" 2)" \
		"sqlite3 shell inserts the decision rows"
}

figures="fig_import fig_stats fig_ds fig_python fig_ui fig_lead fig_packet fig_addvotes fig_labelerr"
figures="$figures fig_import_orders"
# GAVEL_BENCH_FIGURES="fig_import fig_import_orders" runs only those.
figures=${GAVEL_BENCH_FIGURES:-$figures}

# use_order ORDER: point $data, $idfmt and $sfx at ORDER's votes file
# (generated on first use); false when bench/gen fails.
use_order() {
	data=$root idfmt=%d sfx=
	case $1 in
	grouped) return 0 ;;
	shuffled | annotator)
		if ! gen_order "$1-string" --order "$1" --ids string; then
			echo "bench: bench/gen --order $1 failed: $(cat "$work/gen.err")" >&2
			return 1
		fi
		data=$root/$1-string idfmt=item-%08d sfx=" [$1]"
		;;
	*)
		echo "bench: GAVEL_BENCH_ORDERS: unknown order '$1' (grouped, shuffled, annotator)" >&2
		exit 2
		;;
	esac
}

# reuse_import ORDER: the project fig_import_orders imported from ORDER's
# file (its import is measured there) becomes the project of this pass.
reuse_import() {
	rm -f "$work/p.db" "$work/p.db-wal" "$work/p.db-shm"
	for x in "" -wal -shm; do
		[ -f "$work/kept-$1.db$x" ] && mv "$work/kept-$1.db$x" "$work/p.db$x"
	done
	import_ok=1
	echo "  [$1] project: the last one fig_import_orders imported" \
		"(\"import $1, string ids\" above)" >>"$work/notes"
}

if [ -n "${GAVEL_BENCH_PROJECT:-}" ]; then
	if [ ! -f "$GAVEL_BENCH_PROJECT" ]; then
		echo "bench: GAVEL_BENCH_PROJECT: no such file: $GAVEL_BENCH_PROJECT" >&2
		exit 1
	fi
	# SQLite follows the link, so the project's -wal file sits beside it.
	ln -s "$(cd "$(dirname "$GAVEL_BENCH_PROJECT")" && pwd)/$(basename "$GAVEL_BENCH_PROJECT")" \
		"$work/p.db"
	given=1
	nvotes="(project $GAVEL_BENCH_PROJECT)"
	orders=grouped
else
	gen_data
	for order in $orders; do
		use_order "$order" >/dev/null || true
	done
	data=$root
	nvotes=$(($(wc -l <"$data/votes.csv") - 1))
fi
echo "bench: $items items, $nvotes votes, $annotators annotators, $labels labels," \
	"$(nproc 2>/dev/null || echo '?') CPUs; orders: $orders; gavel: $GAVEL"
echo
: >"$work/notes"
header
pass=0
for order in $orders; do
	use_order "$order" || continue
	pass=$((pass + 1))
	if [ $pass -gt 1 ]; then
		echo
		echo "  [$order] figures on $data/votes.csv:" >>"$work/notes"
	fi
	import_ok=${given:-0} stats_sec=
	for f in $figures; do
		if [ $pass -gt 1 ]; then
			[ "$f" = fig_import_orders ] && continue
			if [ "$f" = fig_import ] && [ -f "$work/kept-$order.db" ]; then
				reuse_import "$order"
				continue
			fi
		fi
		"$f"
	done
done
if [ -s "$work/notes" ]; then
	echo
	echo "notes:"
	cat "$work/notes"
fi
echo
if [ "$missed" = 0 ]; then
	echo "bench: every target met"
else
	echo "bench: some targets missed or failed (see the verdict column)"
fi
exit 0
