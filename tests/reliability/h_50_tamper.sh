#!/bin/sh
# Tampering (issue 13 item 5): 1,000 offline edits of a project with the
# sqlite3 shell, generated at random but seeded by tests/reliability/
# tamper.py (eight kinds: a changed field in events and in decisions, a
# deleted, inserted or swapped row, a re-hashed row, a truncated tail, the
# whole chain re-hashed), each applied to a fresh copy of a project with an
# import and 20 decisions. Every edit must be caught by `gavel audit verify`;
# the truncated tail and the re-hashed chain, which leave a chain that holds
# together, against the head recorded before the edit (--head). Prints
# detected/total per kind.
#
# Negative control: the truncated tails and re-hashed chains verified
# without --head (the check they need left out) must be missed, every one;
# if verify caught them there, the edits would not be what they claim.
#
# Tier short and long alike: 1,000 edits (GAVEL_REL_TAMPER_N to change,
# GAVEL_REL_SEED for another seed; the default seed is 13).
#
#   GAVEL=./gavel GAVEL_REL_TIER=short GAVEL_REL_OUT=/tmp/x \
#       tests/reliability/h_50_tamper.sh
set -u
: "${GAVEL:?GAVEL must name the built gavel}"
out=${GAVEL_REL_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gavel-rel.XXXXXX")}
n=${GAVEL_REL_TAMPER_N:-1000}
seed=${GAVEL_REL_SEED:-13}
here=$(cd "$(dirname "$0")" && pwd)
name=h_50_tamper
for tool in sqlite3 python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "$name: skipped: $tool is not installed"
		exit 0
	fi
done
w=$out/$name
rm -rf "$w"
mkdir -p "$w/d"
XDG_CONFIG_HOME=$w/no-config
export XDG_CONFIG_HOME

# The project: 40 disputed items, 20 decisions (claims and decide events).
awk 'BEGIN { print "item,annotator,label"
	for (i = 1; i <= 40; i++) printf "it%02d,w1,a\nit%02d,w2,a\nit%02d,w3,b\n", i, i, i }' \
	>"$w/votes.csv"
{
	echo '<Enter>'
	i=1
	while [ $i -le 20 ]; do
		echo $((i % 2 + 1))
		i=$((i + 1))
	done
	echo q
	echo q
} >"$w/keys"
db=$w/base.db
{
	"$GAVEL" init "$db" &&
		"$GAVEL" expert add "$db" me --role expert --unix-user "$(id -un)" &&
		"$GAVEL" import "$db" votes "$w/votes.csv" --task t &&
		"$GAVEL" review "$db" --as me --headless --script "$w/keys" --dump-dir "$w/d"
} >/dev/null 2>"$w/setup.err" || {
	echo "$name: FAIL: cannot build the project: $(head -c 300 "$w/setup.err")" >&2
	exit 1
}
head=$("$GAVEL" audit verify "$db" | sed -n 's/.*head \([0-9a-f]\{64\}\).*/\1/p')
[ -n "$head" ] || { echo "$name: FAIL: no head from audit verify" >&2; exit 1; }
python3 "$here/tamper.py" "$db" "$w/edits" "$n" "$seed" || exit 1

failed=0
: >"$w/results"
while read -r id kind; do
	rm -f "$w/p.db" "$w/p.db-wal" "$w/p.db-shm"
	cp "$db" "$w/p.db"
	if ! sqlite3 "$w/p.db" <"$w/edits/$id.sql" >"$w/shell.out" 2>&1 || [ -s "$w/shell.out" ]; then
		echo "$name: FAIL: edit $id ($kind) did not apply: $(head -c 200 "$w/shell.out")" >&2
		failed=1
		continue
	fi
	"$GAVEL" audit verify "$w/p.db" >/dev/null 2>&1
	plain=$?
	"$GAVEL" audit verify "$w/p.db" --head "$head" >/dev/null 2>&1
	withhead=$?
	case $kind in
	truncated-tail | chain-rehashed) got=$withhead ;;
	*) got=$plain ;;
	esac
	# 1 is a broken chain or state; anything else (0, a crash) is a miss.
	echo "$kind $got $plain" >>"$w/results"
done <"$w/edits/manifest"

for kind in event-field decision-field deleted inserted swapped rehashed-row truncated-tail \
	chain-rehashed; do
	total=$(grep -c "^$kind " "$w/results")
	caught=$(grep -c "^$kind 1 " "$w/results")
	echo "$name: $kind: detected $caught/$total$(case $kind in truncated-tail | chain-rehashed)
		echo " (against --head)" ;; esac)"
	[ "$caught" = "$total" ] || failed=1
done
all=$(wc -l <"$w/results")
caught=$(grep -c "^[a-z-]* 1 " "$w/results")
echo "$name: all kinds: detected $caught/$all (seed $seed)"
[ "$all" = "$n" ] || failed=1

# Negative control: without --head the truncations and re-hashed chains
# pass verify.
weak=$(grep -c "^\(truncated-tail\|chain-rehashed\) [0-9]* 1$" "$w/results")
weak_total=$(grep -c "^\(truncated-tail\|chain-rehashed\) " "$w/results")
echo "$name: negative control: without --head, truncated tails and re-hashed chains" \
	"detected $weak/$weak_total (expected 0)"
[ "$weak" = 0 ] && [ "$weak_total" -gt 0 ] || failed=1

if [ "$failed" != 0 ]; then
	echo "$name: FAIL (kept in $w)" >&2
	exit 1
fi
echo "$name: ok"
