#!/bin/sh
# The command line's contract: --help on every command, --version, and exit
# codes that mean something (0 success, 1 bad input or failed check, 2 usage).
set -u
. "$top_srcdir/tests/cli/lib.sh"

out=$("$GAVEL" --version) || fail "--version exited $?"
case $out in "gavel "[0-9]*) ;; *) fail "--version printed '$out'" ;; esac

"$GAVEL" --help | grep -q '^Usage: gavel' || fail "gavel --help has no usage line"
expect_exit 2 "$GAVEL"
expect_exit 2 "$GAVEL" no-such-command

for cmd in init import stats queue export guide expert audit review dashboard report packet; do
    "$GAVEL" "$cmd" --help >"$work/help" 2>&1 || fail "gavel $cmd --help exited $?"
    grep -q "^Usage: gavel $cmd" "$work/help" || fail "gavel $cmd --help has no usage line"
    expect_exit 2 "$GAVEL" "$cmd" --no-such-option
done

# Every option a command accepts (its getopt table in the source: main.c names
# each command's entry point, a file defines it) is in its --help option list
# (with its short form when it has one), in a Usage line of that --help, and
# in the manual's SYNOPSIS for the command; and --help lists no option the
# code does not take.
man=$top_srcdir/doc/gavel.1
awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } on' "$man" | tr -d '\\' |
    awk '/^\.br/ { print line; line = ""; next } { sub(/^\.[A-Z]+ /, ""); line = line " " $0 }
        END { print line }' >"$work/synopsis"
for cmd in init import stats queue export guide expert audit review dashboard report packet; do
    fn=$(grep -o "name = \"$cmd\",.*\.run = cmd_[a-z]*" "$top_srcdir/src/main.c" | sed 's/.*= //')
    src=$(grep -l "^int $fn(int argc" "$top_srcdir"/src/*.c "$top_srcdir"/ui/*.c)
    [ -n "$fn" ] && [ -f "$src" ] || fail "cannot find the source of gavel $cmd ($fn)"
    shorts=$(grep -o 'getopt_long([^"]*"[^"]*"' "$src" | sed 's/.*"\(.*\)"/\1/' | tr -d '\n')
    "$GAVEL" "$cmd" --help >"$work/help"
    sed -n '1,/^$/p' "$work/help" >"$work/usage"
    sed -n '/^Options:/,$p' "$work/help" >"$work/options"
    grep "^ gavel $cmd " "$work/synopsis" >"$work/man-$cmd" || fail "no SYNOPSIS line for $cmd"
    grep -oE '\{"[a-z-]+", *(no|required|optional)_argument, *NULL, *[^}]+\}' "$src" |
        sed -E 's/\{"([a-z-]+)".*NULL, *([^}]+)\}/\1 \2/' >"$work/code"
    [ -s "$work/code" ] || fail "no option table found in $src"
    while read -r name val; do
        [ "$name" = help ] && continue
        short=
        case $val in "'"?"'") c=$(printf '%s' "$val" | cut -c2)
            case $shorts in *"$c"*) short=$c ;; esac ;;
        esac
        if [ -n "$short" ]; then
            grep -Eq "^ +-$short, --$name( |\$)" "$work/options" ||
                fail "gavel $cmd --help does not list -$short, --$name"
            pat="(--$name|-$short)([] =|]|\$)"
        else
            grep -Eq "^ +--$name( |\$)" "$work/options" || fail "gavel $cmd --help does not list --$name"
            pat="--$name([] =|]|\$)"
        fi
        grep -Eq -- "$pat" "$work/usage" || fail "gavel $cmd --help: --$name is in no Usage line"
        grep -Eq -- "$pat" "$work/man-$cmd" || fail "doc/gavel.1: --$name is not in the synopsis of $cmd"
    done <"$work/code"
    for name in $(grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' "$work/options" | sed 's/.*--//'); do
        grep -q "^$name " "$work/code" || fail "gavel $cmd --help lists --$name, which it does not take"
    done
done
grep -q '^ gavel guide show PROJECT.db --task NAME' "$work/synopsis" || fail "no guide show in the manual"
"$GAVEL" --help | grep -q "show labelling guidelines" || fail "gavel --help: guide show is missing"
"$GAVEL" --help | grep -q "man ./doc/gavel.1" || fail "gavel --help does not say man ./doc/gavel.1"
for cmd in init import stats queue export guide expert audit review dashboard report packet; do
    ! "$GAVEL" "$cmd" --help | grep -q '%%' || fail "gavel $cmd --help prints %%"
done

# The manual renders without a warning, through groff and through man.
if command -v groff >/dev/null 2>&1; then
    groff -ww -z -man "$man" 2>"$work/groff.err" || fail "groff failed on doc/gavel.1"
    [ ! -s "$work/groff.err" ] || fail "groff warnings: $(cat "$work/groff.err")"
fi
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings=all -l "$man" >"$work/man.txt" 2>"$work/man.err" ||
        fail "man -l doc/gavel.1 failed: $(cat "$work/man.err")"
    [ ! -s "$work/man.err" ] || fail "man -l warnings: $(cat "$work/man.err")"
    grep -q 'gavel guide show' "$work/man.txt" || fail "man -l did not render the page"
fi

# A bad option gets one message in every command, from cli.c, with a "did you
# mean" for a near miss: each long option its --help lists, misspelt (last
# letter replaced), is suggested back. getopt's own messages stay off.
for cmd in init import stats queue export guide expert audit review dashboard report packet; do
    case $cmd in guide) sub=check ;; expert) sub=list ;; audit) sub=log ;; *) sub= ;; esac
    longs=$("$GAVEL" "$cmd" --help | sed -n '/^Options:/,$p' |
        grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' | sed 's/.*--//')
    [ -n "$longs" ] || fail "gavel $cmd --help lists no long options"
    for opt in $longs; do
        typo=${opt%?}x
        expect_exit 2 "$GAVEL" "$cmd" $sub "--$typo"
        first=$(head -n 1 "$work/stderr")
        [ "$first" = "gavel $cmd: unknown option '--$typo'; did you mean '--$opt'?" ] ||
            fail "gavel $cmd --$typo said: $(cat "$work/stderr")"
        [ "$(sed -n 2p "$work/stderr")" = "Try 'gavel $cmd --help'." ] ||
            fail "gavel $cmd --$typo: no help hint: $(cat "$work/stderr")"
        [ "$(wc -l <"$work/stderr")" -eq 2 ] || fail "gavel $cmd --$typo: $(cat "$work/stderr")"
    done
done
expect_exit 2 "$GAVEL" stats x.db --task
grep -qx "gavel stats: option '--task' needs a value" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" queue x.db --json=yes
grep -qx "gavel queue: option '--json' takes no value" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" review x.db --s 80x24
grep -qx "gavel review: option '--s' is ambiguous (--size, --script)" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" export x.db -Z
grep -qx "gavel export: unknown option '-Z'" "$work/stderr" || fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" audit log x.db "--$(printf '\033')[31mred"
grep -q "unknown option '--^\[\[31mred'" "$work/stderr" || fail "escape echoed: $(cat -v "$work/stderr")"
expect_exit 2 "$GAVEL" improt x.db votes f.csv
grep -qx "gavel: unknown command 'improt'; did you mean 'import'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" --verison
grep -qx "gavel: unknown option '--verison'; did you mean '--version'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"
expect_exit 2 "$GAVEL" guide chek f.yaml
grep -qx "gavel guide: unknown subcommand 'chek'; did you mean 'check'?" "$work/stderr" ||
    fail "$(cat "$work/stderr")"

# Usage errors are 2, runtime failures 1.
expect_exit 2 "$GAVEL" init
expect_exit 2 "$GAVEL" export
expect_exit 0 "$GAVEL" init "$work/p.db"
expect_exit 1 "$GAVEL" init "$work/p.db"
expect_exit 1 "$GAVEL" stats "$work/missing.db"
printf 'not a database at all' >"$work/junk.db"
expect_exit 1 "$GAVEL" stats "$work/junk.db"
grep -q 'not a gavel project' "$work/stderr" || fail "junk database: $(cat "$work/stderr")"

# The OS user who ran init is the first lead, found by uid.
"$GAVEL" expert list "$work/p.db" --json >"$work/experts" || fail "expert list exited $?"
grep -q "\"role\":\"lead\",\"uid\":$(id -u)," "$work/experts" ||
    fail "init did not make uid $(id -u) a lead: $(cat "$work/experts")"
expect_exit 0 "$GAVEL" expert add "$work/p.db" alice --role viewer
expect_exit 2 "$GAVEL" expert add "$work/p.db" bob --role boss
"$GAVEL" expert list "$work/p.db" | grep -q '^alice  *viewer' || fail "alice not listed as viewer"
# An unknown task names the project's tasks (and the one meant, when close).
printf 'item,annotator,label\na,x,pos\n' >"$work/one.csv"
expect_exit 0 "$GAVEL" import "$work/p.db" votes "$work/one.csv" --task sentiment
for args in "stats $work/p.db --task sentimnet" "stats $work/p.db --task sentimnet --annotators" \
    "export $work/p.db --task sentimnet" "guide show $work/p.db --task sentimnet"; do
    expect_exit 1 "$GAVEL" $args
    grep -q "no task named 'sentimnet'; did you mean 'sentiment'? (its task: sentiment)" \
        "$work/stderr" || fail "gavel $args: $(cat "$work/stderr")"
done
expect_exit 0 "$GAVEL" init "$work/empty.db"
expect_exit 1 "$GAVEL" stats "$work/empty.db" --task x
grep -q "no task named 'x' (the project has no tasks yet)" "$work/stderr" || fail "$(cat "$work/stderr")"

# One of a thing is singular.
expect_exit 0 "$GAVEL" stats "$work/p.db"
grep -q '^Task sentiment (nominal, 1 label, 1 annotator)$' "$work/stdout" ||
    fail "stats: $(head -n 1 "$work/stdout")"
expect_exit 0 "$GAVEL" stats "$work/p.db" --annotators
grep -q '^Task sentiment: 1 annotator, 0 items with an expert decision$' "$work/stdout" ||
    fail "stats --annotators: $(head -n 1 "$work/stdout")"

# Someone not mapped to an expert is told the whole command a lead runs.
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$work/p.db" "UPDATE expert SET unix_uid = unix_uid + 424242"
    printf '<C-c>\n' >"$work/quit.keys"
    expect_exit 1 "$GAVEL" review "$work/p.db" --headless --script "$work/quit.keys"
    grep -q "gavel expert add $work/p.db NAME --role expert --unix-user USER" "$work/stderr" ||
        fail "review hint: $(cat "$work/stderr")"
fi
pass
