# Shared helpers for the reliability harnesses (tests/reliability/h_*.sh).
# Sourced, not run. A harness prints its figures with `figure`, checks its
# claims with `claim`, and ends with `verdict`, which exits 0 when every
# claim held, 1 when one did not.
set -u
: "${GAVEL:?GAVEL is not set (run through tests/reliability/run)}"
: "${GAVEL_REL_OUT:?GAVEL_REL_OUT is not set (run through tests/reliability/run)}"
: "${GAVEL_REL_TIER:=short}"
: "${GAVEL_REL_BIN:=$(dirname "$GAVEL")/tests/reliability}"
rel_name=$(basename "$0" .sh)
rel_bad=0
out=$GAVEL_REL_OUT
mkdir -p "$out"

# figure TEXT: one figure line; tests/reliability/run shows it.
figure() {
    echo "figure $*"
}

# claim WHAT GOT WANT: WHAT held when GOT equals WANT; a line either way.
claim() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1 = $2"
    else
        echo "NOT OK: $1 = $2, wanted $3"
        rel_bad=1
    fi
}

# claim_gt WHAT GOT MIN: WHAT held when GOT > MIN (negative controls).
claim_gt() {
    if [ "$2" -gt "$3" ] 2>/dev/null; then
        echo "ok: $1 = $2 (> $3)"
    else
        echo "NOT OK: $1 = $2, wanted more than $3"
        rel_bad=1
    fi
}

# rel_fail WHY: a harness that cannot go on.
rel_fail() {
    echo "FAIL $rel_name: $*"
    exit 1
}

rel_skip() {
    echo "SKIP $rel_name: $*"
    exit 77
}

verdict() {
    if [ "$rel_bad" = 0 ]; then
        echo "PASS $rel_name"
        exit 0
    fi
    echo "FAIL $rel_name: a claim did not hold (NOT OK above)"
    exit 1
}

# tier SHORT LONG: the value for this tier.
tier() {
    if [ "$GAVEL_REL_TIER" = long ]; then echo "$2"; else echo "$1"; fi
}

# q DB SQL: one query with the sqlite3 shell, the triggers' tables read as
# they are; a busy database waits as gavel would.
q() {
    sqlite3 -cmd '.timeout 10000' "$1" "$2"
}

# percentile P: the nearest-rank P-th percentile (0-100) of the numbers on
# standard input, one a line ("-" when there are none).
percentile() {
    sort -n | awk -v p="$1" '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "-"; exit }
            r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1
            print v[r]
        }'
}

# rel_project DB ITEMS: a project with ITEMS disputed items in task t (labels
# a, b, c; three votes each, never unanimous), experts ex1..ex8 and leads
# ld1, ld2, all mapped to this OS user (gavel review --as picks one).
rel_project() {
    awk -v n="$2" 'BEGIN {
        print "item,annotator,label"
        for (i = 1; i <= n; i++) {
            printf "it%05d,w1,a\nit%05d,w2,%s\nit%05d,w3,%s\n", i, i, (i % 2 ? "b" : "a"), i, (i % 3 ? "b" : "c")
        }
    }' >"$out/votes.csv"
    "$GAVEL" init "$1" >/dev/null || return 1
    "$GAVEL" import "$1" votes "$out/votes.csv" --task t >/dev/null || return 1
    me=$(id -un)
    for n in 1 2 3 4 5 6 7 8; do
        "$GAVEL" expert add "$1" "ex$n" --role expert --unix-user "$me" >/dev/null || return 1
    done
    for n in 1 2; do
        "$GAVEL" expert add "$1" "ld$n" --role lead --unix-user "$me" >/dev/null || return 1
    done
}

command -v sqlite3 >/dev/null 2>&1 || rel_skip "the sqlite3 shell is not installed"
