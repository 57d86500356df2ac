#!/bin/sh
# key_clash: a label's decision key that the review screen binds to an action
# (the moderation sample once gave self-harm s, which skips, and harassment h,
# which opens history), or a keys file that takes one action's key for
# another, is an error before anything is written or shown: at init, at
# guide check, at guide load and at review start-up, with file:line:col and
# both uses named. The shipped samples decide with their own keys.
set -u
. "$top_srcdir/tests/cli/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "the sqlite3 shell is not installed"
sp=$top_srcdir/sample-projects
XDG_CONFIG_HOME=$work/config
export XDG_CONFIG_HOME
mkdir -p "$XDG_CONFIG_HOME/gavel" "$work/m/guidelines" "$work/dumps"
keys=$XDG_CONFIG_HOME/gavel/keys.yaml

# init: the sample's project file with harassment back on h.
cp "$sp/moderation/guidelines/moderation.yaml" "$work/m/guidelines/"
sed 's/{value: harassment, name: Harassment, key: a}/{value: harassment, name: Harassment, key: h}/' \
    "$sp/moderation/project.yaml" >"$work/m/project.yaml"
grep -q 'key: h}' "$work/m/project.yaml" || fail "the sample no longer has harassment's key line"
line=$(grep -n 'value: harassment' "$work/m/project.yaml" | cut -d: -f1)
col=$(sed -n "${line}p" "$work/m/project.yaml" | awk '{ print index($0, "key: h") + 5 }')
expect_exit 1 "$GAVEL" init "$work/bad.db" --project "$work/m/project.yaml"
grep -qF "$work/m/project.yaml:$line:$col: key 'h' of label 'harassment' (task 'moderation') is the review screen's key for history in the item view" \
    "$work/stderr" || fail "init: $(cat "$work/stderr")"
[ ! -e "$work/bad.db" ] || fail "init left a database behind"

# guide check and guide load: a guideline that gives self-harm s (skip).
awk '{ print } /^  - value: self-harm$/ { print "    key: s" }' \
    "$sp/moderation/guidelines/moderation.yaml" >"$work/g-s.yaml"
line=$(grep -n '^    key: s$' "$work/g-s.yaml" | cut -d: -f1)
[ -n "$line" ] || fail "could not write the guideline with a key"
expect_exit 1 "$GAVEL" guide check "$work/g-s.yaml"
grep -qF "$work/g-s.yaml:$line:10: key 's' of label 'self-harm' (task 'moderation') is the review screen's key for skip in the item view" \
    "$work/stderr" || fail "guide check: $(cat "$work/stderr")"

sh "$sp/build.sh" "$GAVEL" "$work" >"$work/build.out" 2>&1 || fail "build.sh: $(cat "$work/build.out")"
db=$work/moderation.db
dump "$db" >"$work/before.sql"
expect_exit 1 "$GAVEL" guide load "$db" "$work/g-s.yaml"
grep -qF "$work/g-s.yaml:$line:10: key 's' of label 'self-harm' (task 'moderation') is the review screen's key for skip in the item view" \
    "$work/stderr" || fail "guide load: $(cat "$work/stderr")"
# A key another label of the task keeps names both labels.
sed 's/^    key: s$/    key: o/' "$work/g-s.yaml" >"$work/g-o.yaml"
expect_exit 1 "$GAVEL" guide load "$db" "$work/g-o.yaml"
grep -qF "$work/g-o.yaml:$line:10: key 'o' of label 'self-harm' is already the key of label 'ok' in task 'moderation'" \
    "$work/stderr" || fail "guide load, label clash: $(cat "$work/stderr")"
dump "$db" >"$work/after.sql"
cmp -s "$work/before.sql" "$work/after.sql" || fail "a refused guide load changed the project"

# The samples decide with their keys: e is self-harm, a harassment; s skips.
printf '<Enter>\ne\n<Enter>\na\n<Enter>\ns\n<C-c>\n' >"$work/decide.keys"
expect_exit 0 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
got=$(sqlite3 "$db" "SELECT group_concat(l.value, ',') FROM (SELECT * FROM decision ORDER BY id) d
	JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task AND l.code = d.label")
[ "$got" = "self-harm,harassment" ] || fail "moderation keys decided '$got'"
printf '<Enter>\n-\n<Enter>\n+\n<Enter>\n0\n<C-c>\n' >"$work/sentiment.keys"
expect_exit 0 "$GAVEL" review "$work/sentiment.db" --headless --script "$work/sentiment.keys" \
    --dump-dir "$work/dumps"
got=$(sqlite3 "$work/sentiment.db" "SELECT group_concat(l.value, ',') FROM (SELECT * FROM decision ORDER BY id) d
	JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task AND l.code = d.label")
[ "$got" = "negative,positive,neutral" ] || fail "sentiment keys decided '$got'"

# Start-up: a keys file that gives history skip's key, or a label's key.
printf 'keys:\n  history: [s]\n' >"$keys"
expect_exit 1 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
grep -qxF "gavel: $keys:2:13: key 's' for history is skip's key in the item view; give skip another key too (skip: [KEY], or [] for none)" \
    "$work/stderr" || fail "keys file clash: $(cat "$work/stderr")"
printf 'keys:\n  history: [t]\n' >"$keys"
expect_exit 1 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
grep -qxF "gavel: $keys:2:13: key 't' for history is the decision key of label 'hate' of task 'moderation' (in $db); choose another key for it here" \
    "$work/stderr" || fail "keys file takes a label key: $(cat "$work/stderr")"
printf 'keys:\n  history: [s]\n  skip: [S]\n' >"$keys"
expect_exit 0 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
# The README's example keys file is one that works.
grep -o 'keys: {move-down[^`]*' "$top_srcdir/README.md" >"$keys" || fail "no keys example in README.md"
expect_exit 0 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
rm -f "$keys"

# A project made before keys were checked, with self-harm still on s.
sqlite3 "$db" "UPDATE label SET key = 's' WHERE value = 'self-harm'"
expect_exit 1 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
grep -qF "$db: key 's' of label 'self-harm' (task 'moderation') is the review screen's key for skip in the item view" \
    "$work/stderr" || fail "stored key clash: $(cat "$work/stderr")"
# Reading needs no decision keys.
expect_exit 0 "$GAVEL" review "$db" --read-only --headless --script "$work/decide.keys" \
    --dump-dir "$work/dumps"
# A guideline that gives the label another key mends it.
sed 's/^    key: s$/    key: x/' "$work/g-s.yaml" >"$work/g-x.yaml"
expect_exit 0 "$GAVEL" guide load "$db" "$work/g-x.yaml"
[ "$(sqlite3 "$db" "SELECT key FROM label WHERE value = 'self-harm'")" = x ] ||
    fail "guide load did not give self-harm its key"
expect_exit 0 "$GAVEL" guide show "$db" --task moderation
grep -q '^  self-harm (Self-harm), key x$' "$work/stdout" || fail "guide show: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" review "$db" --headless --script "$work/decide.keys" --dump-dir "$work/dumps"
pass
