#!/bin/sh
# samples: the sample projects build with the real CLI (as ./quickstart does),
# twice in a row, and hold what their READMEs promise: 300+ items, 3-5 votes
# per item, prediction rows summing to 1, and the sentiment task flagged.
. "$top_srcdir/tests/cli/lib.sh"
sp=$top_srcdir/sample-projects

sh "$sp/build.sh" "$GAVEL" "$work" >"$work/build.out" 2>&1 || fail "build.sh: $(cat "$work/build.out")"
sh "$sp/build.sh" "$GAVEL" "$work" >"$work/build.out" 2>&1 || fail "build.sh is not idempotent: $(cat "$work/build.out")"
for p in sentiment moderation; do
    [ -s "$work/$p.db" ] || fail "$p.db not built"
    expect_exit 0 "$GAVEL" stats "$work/$p.db" --json
    n=$(sed -n 's/.*"items":\([0-9]*\),"votes".*/\1/p' "$work/stdout")
    [ "${n:-0}" -ge 300 ] || fail "$p: $n items, wanted 300+"
    grep -q '"votes_per_item":{"min":3,[^}]*"max":5}' "$work/stdout" || fail "$p: votes per item not 3-5"
    awk -F, 'NR > 1 { s = 0; for (i = 2; i <= NF; i++) s += $i; if (s < 0.999 || s > 1.001) bad = NR }
        END { exit bad ? 1 : 0 }' "$sp/$p/predictions.csv" || fail "$p: a prediction row does not sum to 1"
    expect_exit 0 "$GAVEL" queue "$work/$p.db" --queue disputed --limit 5
    [ "$(grep -c . "$work/stdout")" -ge 5 ] || fail "$p: disputed queue is empty"
done
expect_exit 0 "$GAVEL" stats "$work/sentiment.db" --json
grep -q '"flagged":true' "$work/stdout" || fail "sentiment is not flagged below its 0.70 threshold"
pass
