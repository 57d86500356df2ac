#!/bin/sh
# The hand-written CSV cases of tests/data/csv-cases/: each file is imported
# as votes into a fresh project and must have the outcome its line in
# EXPECTED gives: accepted with N votes, or exit 1 with the error text at its
# line and column, the database unchanged and no control byte on stderr.
# Every case file has a line and every line a file; at least 40 cases.
set -u
. "$top_srcdir/tests/cli/lib.sh"

cases="$top_srcdir/tests/data/csv-cases"
expected="$cases/EXPECTED"
[ -f "$expected" ] || fail "no $expected"
# Control bytes (but newline) and UTF-8 C1 controls, as bracket expressions.
c0=$(printf '[\001-\011\013-\037\177]')
c1=$(printf '\302[\200-\237]')

# One fresh project, copied for each case.
"$GAVEL" init "$work/fresh.db" >/dev/null 2>&1 || fail "init failed"
n=0
listed=" "
while read -r name outcome a rest; do
    case $name in '' | '#'*) continue ;; esac
    n=$((n + 1))
    listed="$listed$name "
    file="$cases/$name.csv"
    [ -f "$file" ] || fail "$name: listed in EXPECTED but $file is missing"
    db="$work/$name.db"
    cp "$work/fresh.db" "$db" || fail "$name: cannot copy the project"
    before=$(dump "$db" 2>/dev/null)
    "$GAVEL" import "$db" votes "$file" --task t >"$work/stdout" 2>"$work/stderr"
    rc=$?
    if LC_ALL=C tr -d '\n' <"$work/stderr" | LC_ALL=C grep -q -e "$c0" -e "$c1"; then
        fail "$name: a raw control byte on stderr: $(od -c "$work/stderr" | head -5)"
    fi
    case $outcome in
    ok)
        [ $rc = 0 ] || fail "$name: exit $rc, wanted 0 ($(head -c 300 "$work/stderr"))"
        grep -Eq "^imported $a votes? " "$work/stdout" ||
            fail "$name: wanted $a votes, got: $(cat "$work/stdout")"
        ;;
    error)
        [ $rc = 1 ] || fail "$name: exit $rc, wanted 1 ($(head -c 300 "$work/stdout"))"
        if [ "$a" = - ]; then
            want="$name.csv: $rest"
        else
            want="$name.csv:$a: $rest"
        fi
        grep -qF -- "$want" "$work/stderr" ||
            fail "$name: wanted '$want', got: $(head -c 400 "$work/stderr")"
        [ "$before" = "$(dump "$db" 2>/dev/null)" ] ||
            fail "$name: the rejected file changed the database"
        ;;
    *) fail "EXPECTED: '$name': unknown outcome '$outcome'" ;;
    esac
    rm -f "$db" "$db-wal" "$db-shm"
done <"$expected"

for f in "$cases"/*.csv; do
    name=$(basename "$f" .csv)
    case $listed in *" $name "*) ;; *) fail "$name.csv has no line in EXPECTED" ;; esac
done
[ $n -ge 40 ] || fail "only $n cases (at least 40 wanted)"
echo "csv cases: $n"
pass
