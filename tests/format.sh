#!/bin/sh
# format.sh: the formatting check that CI runs (`make format-check`). Each C
# file named in tests/format.list must come out of clang-format, with the
# checked-in .clang-format, unchanged. The list starts with the files that
# were formatted when the check was introduced; a file joins it once it is
# formatted (clang-format -i FILE), and a new file should join it at once.
#
#   sh tests/format.sh [SRCDIR]            check the listed files
#   sh tests/format.sh --report [SRCDIR]   name every C file that is not
#                                          formatted, listed or not
#
# CLANG_FORMAT picks the binary (default clang-format). The reference is
# Debian 12's clang-format 14; other versions break a few lines differently.
# Exit 0 when every listed file is formatted, 1 otherwise or on a bad list.
set -u

report=0
if [ "${1:-}" = --report ]; then
    report=1
    shift
fi
top=${1:-$(dirname "$0")/..}
cd "$top" || exit 1
cf=${CLANG_FORMAT:-clang-format}
list=tests/format.list

if ! command -v "$cf" >/dev/null 2>&1; then
    echo "format.sh: $cf not found (Debian: apt-get install clang-format)" >&2
    exit 1
fi
version=$("$cf" --version 2>/dev/null | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
[ "$version" = 14 ] ||
    echo "format.sh: note: $cf is version ${version:-unknown}; the reference is 14" >&2

# formatted FILE: is FILE unchanged by clang-format?
formatted() {
    "$cf" --style=file "$1" | cmp -s - "$1"
}

if [ "$report" = 1 ]; then
    n=0
    for f in $(find src ui tests fuzz bench -name '*.[ch]' | LC_ALL=C sort); do
        formatted "$f" && continue
        if grep -qx "$f" "$list"; then
            echo "$f (listed)"
        else
            echo "$f"
        fi
        n=$((n + 1))
    done
    echo "format.sh: $n C files are not clang-formatted" >&2
    exit 0
fi

bad=0
line=0
while IFS= read -r f; do
    line=$((line + 1))
    case $f in
    '' | '#'*) continue ;;
    esac
    if [ ! -f "$f" ]; then
        echo "$list:$line: $f: no such file (renamed or removed? update the list)" >&2
        bad=1
        continue
    fi
    if ! formatted "$f"; then
        echo "format.sh: $f is not clang-formatted; fix with: clang-format -i $f" >&2
        "$cf" --style=file "$f" | diff -u "$f" - | sed -n '3,14p' >&2
        bad=1
    fi
done <"$list"
[ "$bad" = 0 ] && echo "format.sh: every file in $list is clang-formatted"
exit "$bad"
