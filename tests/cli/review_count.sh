#!/bin/sh
# The review screen counts a queue's items only up to 10,000: a queue of
# 10,010 disputed items says "10,000+ in queue" (the count stops at the
# cap instead of reading every disputed row), one of 9,990 its exact size,
# and deciding an item and going back to the queue keeps the capped text.
. "$top_srcdir/tests/cli/lib.sh"
XDG_CONFIG_HOME=$work/no-config
export XDG_CONFIG_HOME

# votes N: N items, each with two annotators who disagree.
votes() {
	awk -v n="$1" 'BEGIN { print "item,annotator,label"
		for (i = 1; i <= n; i++) { print "i" i ",a,x"; print "i" i ",b,y" } }'
}

for n in 10010 9990; do
	db=$work/p$n.db
	expect_exit 0 "$GAVEL" init "$db"
	votes $n >"$work/v.csv"
	expect_exit 0 "$GAVEL" import "$db" votes "$work/v.csv" --task t
	printf ':dump first\n<Enter>\n1\nq\n:dump after\n<C-c>\n' >"$work/k"
	mkdir -p "$work/d$n"
	expect_exit 0 "$GAVEL" review "$db" --headless --size 80x24 --script "$work/k" \
		--dump-dir "$work/d$n"
done
grep -q '2000 of 2000 loaded, 10,000+ in queue' "$work/d10010/first.txt" ||
	fail "no '10,000+' on the first screen: $(head -n 1 "$work/d10010/first.txt")"
grep -q '10,000+ in queue' "$work/d10010/after.txt" ||
	fail "no '10,000+' after a decision: $(head -n 1 "$work/d10010/after.txt")"
grep -q '2000 of 2000 loaded, 9990 in queue' "$work/d9990/first.txt" ||
	fail "not the exact count under the cap: $(head -n 1 "$work/d9990/first.txt")"
pass
