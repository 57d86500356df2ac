#!/bin/sh
# The layering rules of the source tree, checked on the files themselves:
# only the terminal layer (ui/ui_term.c, ui/ui_draw.c) includes curses; only
# the store modules, the audit modules and json_check.c's private JSON reader call
# SQLite; every C file opens with a comment saying what it is for; and no
# comment sends the reader to a document that is not in the repository.
set -u
top=${top_srcdir:-.}
cd "$top" || exit 99
bad=0

complain() {
    echo "FAIL layers: $*" >&2
    bad=1
}

for f in src/*.[ch] ui/*.[ch] tests/*.[ch] fuzz/*.[ch] bench/*.c; do
    [ -f "$f" ] || continue
    if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/)' "$f"; then
        case $f in
        ui/ui_term.c | ui/ui_draw.c) ;;
        *) complain "$f includes curses (only ui/ui_term.c and ui/ui_draw.c may)" ;;
        esac
    fi
done

for f in src/*.c ui/*.c; do
    if grep -qE 'sqlite3_[a-z0-9_]+[[:space:]]*\(' "$f"; then
        case $f in
        src/store*.c | src/audit.c | src/audit_*.c | src/json_check.c) ;;
        *) complain "$f calls SQLite (SQL lives in src/store*.c and src/audit*.c)" ;;
        esac
    fi
done

for f in src/*.[ch] ui/*.[ch]; do
    [ "$(head -n 1 "$f")" = "/*" ] || complain "$f does not open with a comment saying what it is for"
done

# The names are split so that this file does not match itself.
outside="DESIGN""[.]md|STYLE""[.]md"
if grep -rnE "$outside" src ui tests fuzz bench doc >"${TMPDIR:-/tmp}/layers.$$" 2>/dev/null; then
    while IFS= read -r line; do
        complain "cites a document outside the repository: $line"
    done <"${TMPDIR:-/tmp}/layers.$$"
fi
rm -f "${TMPDIR:-/tmp}/layers.$$"

[ "$bad" = 0 ] || exit 1
echo "PASS layers"
