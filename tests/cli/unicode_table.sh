#!/bin/sh
# src/unicode_assigned.c is what src/unicode_assigned.py writes: running the
# generator again gives the checked-in file, byte for byte. The table names
# the Unicode version it was made from; a python3 whose unicodedata is of
# another version would make another table, so the test is skipped there.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
table=$top_srcdir/src/unicode_assigned.c
want=$(sed -n 's/^const char unicode_assigned_version\[\] = "\(.*\)";$/\1/p' "$table")
[ -n "$want" ] || fail "$table names no Unicode version"
grep -q "Unicode $want as sorted" "$table" || fail "the comment does not name Unicode $want"
have=$(python3 -c 'import unicodedata; print(unicodedata.unidata_version)')
[ "$have" = "$want" ] || skip "python3 has Unicode $have, the table $want"
python3 "$top_srcdir/src/unicode_assigned.py" >"$work/table.c" || fail "the generator failed"
cmp -s "$work/table.c" "$table" ||
    fail "regenerating gives another file: $(diff "$table" "$work/table.c" | head -n 5)"
pass
