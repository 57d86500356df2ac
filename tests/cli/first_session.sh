#!/bin/sh
# first_session: the README's "A first session" runs as written, from the
# top of the source tree: every command in its sh block succeeds in order
# (the review screen headless, quitting at once), the example guideline
# loads into the task the votes create, and the export holds its items.
set -u
. "$top_srcdir/tests/cli/lib.sh"

awk '/^## A first session/ { on = 1 } on && /^```sh$/ { code = 1; next }
    code && /^```$/ { exit } code { print }' "$top_srcdir/README.md" >"$work/session"
[ "$(grep -c '^gavel ' "$work/session")" -ge 5 ] || fail "no first session in README.md"
grep -q 'guide load p.db guidelines/example.yaml' "$work/session" ||
    fail "the first session does not load the example guideline"

mkdir "$work/clone"
ln -s "$top_srcdir/sample-projects" "$work/clone/sample-projects"
ln -s "$top_srcdir/guidelines" "$work/clone/guidelines"
XDG_CONFIG_HOME=$work/config
export XDG_CONFIG_HOME
printf '<C-c>\n' >"$work/quit.keys"
cd "$work/clone" || fail "cd"
sed 's/[ 	]*#.*//' "$work/session" | while read -r line; do
    [ -n "$line" ] || continue
    case $line in
    "gavel review "*) line="$line --headless --script $work/quit.keys --dump-dir $work/dumps" ;;
    esac
    # shellcheck disable=SC2086 # the README's words, split as a shell would
    set -- $line
    shift
    "$GAVEL" "$@" >"$work/out" 2>&1 || fail "README: '$line' failed: $(cat "$work/out")"
done || exit 1
[ -s labels.jsonl ] || fail "the first session exported nothing"
n=$(grep -c '"item"' labels.jsonl)
[ "$n" -ge 300 ] || fail "the first session exported $n items"
pass
