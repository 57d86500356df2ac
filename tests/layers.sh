#!/bin/sh
# The layering rules of the source tree, checked on the files themselves:
# only the terminal layer (ui/ui_term.c, ui/ui_draw.c) includes curses; only
# the store modules, the audit modules and json_check.c's private JSON reader call
# SQLite; guide.h, project.h and model.h (the modules beside their store_*
# halves) include no store header; utf8 and util include no other module's
# header but utf8.h; every C file opens with a comment saying
# what it is for; a `fail:` label runs only when a function fails (see
# below); and no comment sends the reader to a document that is not in the
# repository.
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

# The pure halves' headers: what reads or writes the database is declared in
# a store_*.h header, so these do not pull in the store.
for f in src/guide.h src/project.h src/model.h; do
    if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"store[a-z_]*[.]h"' "$f"; then
        complain "$f includes a store header (declare the SQL half in a store_*.h)"
    fi
done

# The bottom of the core: utf8 includes no other gavel header, util only
# utf8 (text builds on util, not the reverse).
for f in src/utf8.c src/utf8.h src/util.c src/util.h; do
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        case $f:$h in
        *:config.h | src/utf8.c:utf8.h | src/util.c:util.h | src/util*:utf8.h) ;;
        *) complain "$f includes $h (utf8 depends on nothing, util only on utf8)" ;;
        esac
    done
done

# A cleanup label that also runs on success is `out:`, not `fail:`. The
# rule, read line by line (blank lines and comment lines skipped): code
# reaches `fail:` on success when it falls through into it, that is when
# the statement before it is not a `return` or a `goto` and the code since
# the last such statement did not itself start at another failure label
# (fail*, bad*, err*: a chain of failure labels is fine); and a `goto fail;`
# right after a status set to 0 or OK (`rc = 0; goto fail;`) jumps there on
# success. A closing brace counts as a fallthrough: the
# branch not taken reaches the label.
for f in src/*.c ui/*.c tests/*.c fuzz/*.c bench/*.c; do
    [ -f "$f" ] || continue
    awk -v f="$f" '
    /^[ \t]*$/ || /^[ \t]*(\/\*|\*)/ { next }
    /^[{]/ { dead = 0; region = ""; prev = ""; next }
    /^fail:/ && !dead && region !~ /^(fail|bad|err)/ {
        print f ":" NR ": a fail: label reached on success (name it out:)"
    }
    /^[ \t]*goto fail;/ && prev ~ /^[ \t]*[a-z_]+ = (0|GV_EXIT_OK);/ {
        print f ":" NR ": goto fail on success (name the label out:)"
    }
    /^[a-z_]+:/ { region = $0; dead = 0; prev = $0; next }
    { dead = ($0 ~ /^[ \t]*(return([ \t(].*)?;|goto [a-z_]+;)[ \t]*$/); prev = $0 }
    ' "$f"
done >"${TMPDIR:-/tmp}/layers.$$"
while IFS= read -r line; do
    complain "$line"
done <"${TMPDIR:-/tmp}/layers.$$"
rm -f "${TMPDIR:-/tmp}/layers.$$"

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
