#!/bin/sh
# valgrind (issue 13 item 10), long tier only: memcheck reports 0 errors
# for every importer (long CSV votes, TSV items, CSV predictions and
# decisions, Label Studio JSON and JSON_MIN, Prodigy JSONL, Argilla
# records, hub and flattened exports, the CSV of --columns), a refused
# file, a headless review session of 20 decisions, an export, audit
# verify, a packet's round trip (packet create, 10 decisions made offline in
# it by a headless review, audit verify of the packet, packet merge with
# --trust-new-key, then the same merge again, which changes nothing) and a
# headless dashboard run through its sections once the figures are ready.
# Each run's log is kept in GAVEL_REL_OUT/h_90_valgrind/.
#
# Negative control: memcheck over a small C program that reads one byte
# past a heap block must report an error, or the harness fails (valgrind
# would be counting nothing).
#
#   GAVEL=./gavel GAVEL_REL_TIER=long GAVEL_REL_OUT=/tmp/x \
#       tests/reliability/h_90_valgrind.sh
set -u
: "${GAVEL:?GAVEL must name the built gavel}"
tier=${GAVEL_REL_TIER:-short}
out=${GAVEL_REL_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gavel-rel.XXXXXX")}
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
name=h_90_valgrind
if [ "$tier" != long ]; then
	echo "$name: skipped: valgrind runs in the long tier (GAVEL_REL_TIER=long)"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "$name: skipped: valgrind is not installed"
	exit 0
fi
w=$out/$name
rm -rf "$w"
mkdir -p "$w/d"
XDG_CONFIG_HOME=$w/no-config
export XDG_CONFIG_HOME
runs=0 bad=0

# vg NAME EXPECTED-EXIT CMD...: run CMD under memcheck; count the run as bad
# when memcheck reports an error or CMD's exit status is not EXPECTED-EXIT.
vg() {
	label=$1 want=$2
	shift 2
	runs=$((runs + 1))
	valgrind -q --error-exitcode=99 --leak-check=no --track-origins=yes \
		--log-file="$w/$label.vg" "$@" >"$w/$label.out" 2>"$w/$label.err"
	rc=$?
	errs=$(grep -c '^==[0-9]*== [A-Z]' "$w/$label.vg")
	if [ "$rc" = 99 ] || [ "$errs" != 0 ] || [ "$rc" != "$want" ]; then
		echo "$name: $label: exit $rc (wanted $want), memcheck: $(head -n 5 "$w/$label.vg")" >&2
		bad=$((bad + 1))
	fi
}

db=$w/p.db
"$GAVEL" init "$db" >/dev/null || exit 1
"$GAVEL" expert add "$db" me --role expert --unix-user "$(id -un)" >/dev/null || exit 1
vg votes-csv 0 "$GAVEL" import "$db" votes "$data/import_votes.csv" --task sentiment
vg items-tsv 0 "$GAVEL" import "$db" items "$data/import_items.tsv"
vg predictions-csv 0 "$GAVEL" import "$db" predictions "$data/import_preds.csv" --model m1
vg decisions-csv 0 "$GAVEL" import "$db" decisions "$data/import_gold.csv" --expert gold
vg labelstudio 0 "$GAVEL" import "$db" votes "$data/fmt_labelstudio.json" --task ls
vg labelstudio-min 0 "$GAVEL" import "$db" votes "$data/fmt_labelstudio_min.json" --task lsmin
vg prodigy 0 "$GAVEL" import "$db" votes "$data/fmt_prodigy.jsonl" --task news
vg argilla 0 "$GAVEL" import "$db" votes "$data/fmt_argilla.json" --task ar1
vg argilla-hub 0 "$GAVEL" import "$db" votes "$data/argilla_hub.jsonl" --task ar2
vg argilla-flat 0 "$GAVEL" import "$db" votes "$data/argilla_flat.jsonl" --task ar3
printf 'x1,w1,a\nx1,w2,b\nx2,w1,a\n' >"$w/bare.csv"
vg columns-csv 0 "$GAVEL" import "$db" votes "$w/bare.csv" --task bare --columns item,annotator,label
printf 'item,annotator,label\nr1,ann1,"pos\n' >"$w/bad.csv"
vg refused-csv 1 "$GAVEL" import "$db" votes "$w/bad.csv" --task sentiment

# A headless review of 20 decisions on 40 disputed items.
awk 'BEGIN { print "item,annotator,label"
	for (i = 1; i <= 40; i++) printf "it%02d,w1,a\nit%02d,w2,a\nit%02d,w3,b\n", i, i, i }' \
	>"$w/votes.csv"
rdb=$w/r.db
"$GAVEL" init "$rdb" >/dev/null && "$GAVEL" expert add "$rdb" me --role expert \
	--unix-user "$(id -un)" >/dev/null && "$GAVEL" import "$rdb" votes "$w/votes.csv" --task t \
	>/dev/null || exit 1
{
	echo '<Enter>'
	i=1
	while [ $i -le 20 ]; do
		echo $((i % 2 + 1))
		i=$((i + 1))
	done
	echo ':dump end'
	echo q
	echo q
} >"$w/keys"
vg review 0 "$GAVEL" review "$rdb" --as me --headless --script "$w/keys" --dump-dir "$w/d"
n=$(sqlite3 "$rdb" "SELECT count(*) FROM decision" 2>/dev/null || echo "?")
if command -v sqlite3 >/dev/null 2>&1 && [ "$n" != 20 ]; then
	echo "$name: review under valgrind made $n decisions, not 20" >&2
	bad=$((bad + 1))
fi
vg export 0 "$GAVEL" export "$rdb" --task t -o "$w/export.csv"
vg verify 0 "$GAVEL" audit verify "$rdb"

# A packet of 10 of the 20 undecided items, decided offline (signed with a
# key made in the packet reviewer's own configuration folder) and merged.
pk=$w/pk.db
vg packet-create 0 "$GAVEL" packet create "$rdb" -o "$pk" --limit 10 --for me
{
	echo '<Enter>'
	i=1
	while [ $i -le 10 ]; do
		echo $((i % 2 + 1))
		i=$((i + 1))
	done
	echo q
	echo q
} >"$w/pkeys"
vg packet-review 0 env XDG_CONFIG_HOME="$w/reviewer" "$GAVEL" review "$pk" --as me --headless \
	--script "$w/pkeys"
vg packet-verify 0 "$GAVEL" audit verify "$pk"
vg packet-merge 0 "$GAVEL" packet merge "$rdb" "$pk" --trust-new-key
vg packet-merge-again 0 "$GAVEL" packet merge "$rdb" "$pk"
n=$(sqlite3 "$rdb" "SELECT count(*) FROM decision WHERE origin = 'packet'" 2>/dev/null || echo "?")
if command -v sqlite3 >/dev/null 2>&1 && [ "$n" != 10 ]; then
	echo "$name: the packet merge under valgrind brought $n decisions, not 10" >&2
	bad=$((bad + 1))
fi
vg packet-status 0 "$GAVEL" packet status "$rdb"

# The lead's dashboard, headless: the first screen, then every section
# once the background figures are in (the script waits for them).
{
	echo ':dump dash0'
	for i in 1 2 3 4 5 6; do
		echo '<Tab>'
		echo j
		echo ":dump dash$i"
	done
	echo q
} >"$w/dkeys"
vg dashboard 0 "$GAVEL" dashboard "$rdb" --headless --script "$w/dkeys" --dump-dir "$w/d"
[ -s "$w/d/dash6.txt" ] || {
	echo "$name: the headless dashboard under valgrind dumped no screen" >&2
	bad=$((bad + 1))
}
echo "$name: $runs runs under memcheck (10 importers and the CSV of --columns, a refused" \
	"file, a 20-decision headless review, an export, audit verify, a packet's create," \
	"offline review, verify, merge twice and status, a headless dashboard): $bad with errors"

# Negative control: a read past a heap block is an error memcheck reports.
cat >"$w/overread.c" <<'EOF'
#include <stdlib.h>
int main(void)
{
	volatile char *p = malloc(8);
	int c = p[8];
	free((void *)p);
	return c == 12345;
}
EOF
failed=0
if ${CC:-cc} -g -O0 -o "$w/overread" "$w/overread.c" 2>"$w/cc.err"; then
	valgrind -q --error-exitcode=99 --log-file="$w/overread.vg" "$w/overread" >/dev/null 2>&1
	if [ $? = 99 ]; then
		echo "$name: negative control: the one-byte over-read is reported"
	else
		echo "$name: FAIL: memcheck missed the negative control's over-read" >&2
		failed=1
	fi
else
	echo "$name: negative control skipped: no C compiler"
fi
if [ "$bad" != 0 ] || [ "$failed" != 0 ]; then
	echo "$name: FAIL (logs in $w)" >&2
	exit 1
fi
echo "$name: ok"
