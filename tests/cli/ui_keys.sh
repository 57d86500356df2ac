#!/bin/sh
# Key overrides from $XDG_CONFIG_HOME/gavel/keys.yaml, headless: rebound
# keys move, decide and quit; the keys they replaced do nothing; the help
# screen and the footers show the new keys; and a bad keys file (unknown
# action, unknown key name, a key given twice, a wrong shape) stops gavel
# with file:line:col on stderr and exit 1 before the screen starts. Labels
# with their own keys show those keys in the footer and the help screen.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"

ui_fixture "$GAVEL" "$work" || fail "could not build the fixture project"
db=$work/p.db
XDG_CONFIG_HOME=$work/config
export XDG_CONFIG_HOME
mkdir -p "$XDG_CONFIG_HOME/gavel" "$work/dumps"
keys=$XDG_CONFIG_HOME/gavel/keys.yaml
cat >"$keys" <<'YAML'
keys:
  move-down: [x, <Down>]
  decide: [a, s, d]
  skip: []
  calibration: <C-k>
  quit: Z
YAML

# The queue starts r3, r1, r2: x moves to r1, d decides its third label.
cat >"$work/run.keys" <<'KEYS'
j
:dump queue-j
x
<Enter>
:dump item
d
?
:dump help
<PgDn>
:dump help-mid
G
:dump help-end
q
<C-k>
:dump calib
q
Z
KEYS
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/run.keys" \
	--dump-dir "$work/dumps"
got=$(sqlite3 "$db" "SELECT i.external_id || '=' || l.value FROM decision d
	JOIN item i ON i.id = d.item JOIN label l ON l.task = i.task AND l.code = d.label")
[ "$got" = "r1=positive" ] || fail "wanted r1=positive from x, Enter, d; got '$got'"
grep -q 'j: not bound here' "$work/dumps/queue-j.txt" || fail "j still moves after move-down: [x]"
grep -q '^a:negative s:neutral d:positive ' "$work/dumps/item.txt" ||
	fail "item footer: $(tail -1 "$work/dumps/item.txt")"
grep -Eq '^ +x/Down +move-down ' "$work/dumps/help.txt" || fail "help: move-down keys"
grep -Eq '^ +a/s/d +decide ' "$work/dumps/help-end.txt" || fail "help: decide keys"
# s was skip's key; the file gave it to decide and left skip none.
grep -Eq '^ +\(no key\) +skip ' "$work/dumps/help-end.txt" || fail "help: skip lost its key"
cat "$work/dumps/help.txt" "$work/dumps/help-mid.txt" "$work/dumps/help-end.txt" |
	grep -Eq '^ +C-k +calibration ' ||
	fail "help: calibration key"
grep -Eq '^ +Z +quit ' "$work/dumps/help.txt" || fail "help: quit key"
grep -q 'Calibration: task sentiment' "$work/dumps/calib.txt" || fail "C-k did not open calibration"
grep -q 'Z:quit' "$work/dumps/queue-j.txt" || fail "queue footer: $(tail -1 "$work/dumps/queue-j.txt")"

# Bad files: the message names the file, line and column; no screen starts.
bad() {
	printf '%s\n' "$1" >"$keys"
	rm -rf "$work/dumps"
	mkdir -p "$work/dumps"
	expect_exit 1 "$GAVEL" review "$db" --as ana --headless --script "$work/run.keys" \
		--dump-dir "$work/dumps"
	grep -q "$2" "$work/stderr" || fail "wanted '$2' on stderr, got: $(cat "$work/stderr")"
	[ -z "$(ls "$work/dumps")" ] || fail "the screen ran with a bad keys file"
}
bad 'keys:
  move-down: j
  jump: J' 'keys.yaml:3:3: unknown action .jump.'
bad 'keys:
  move-down: [j, <Dwn>]' 'keys.yaml:2:18: unknown key name .<Dwn>.'
bad 'keys:
  move-down: j
  open: j' 'keys.yaml:3:9: key .j. is given to move-down already (line 2)'
bad 'keys:
  help: {a: b}' 'keys.yaml:2:9: help: wants a key or a list of keys'
bad 'bindings: {}' 'keys.yaml:1:1: .*keys'

# An absent file (and an empty keys: section) leaves the built-in keys.
rm -f "$keys"
printf 'j\n<Enter>\n:dump plain\n<C-c>\n' >"$work/plain.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --headless --script "$work/plain.keys" \
	--dump-dir "$work/dumps"
grep -q '^1:negative 2:neutral 3:positive ' "$work/dumps/plain.txt" || fail "built-in keys lost"

# Labels with their own keys (key: in the project): the item view's footer
# shows those keys rather than the numbers, every label fitted to 80
# columns, and the help screen lists each label's keys for the open item.
sh "$top_srcdir/sample-projects/build.sh" "$GAVEL" "$work/samples" >/dev/null ||
	fail "could not build the sample projects"
mod=$work/samples/moderation.db
"$GAVEL" expert add "$mod" ana --role expert --unix-user "$(id -un)" >/dev/null ||
	fail "expert add"
printf '<Enter>\n:dump mod-item\n?\nG\n:dump mod-help\n<C-c>\n' >"$work/mod.keys"
expect_exit 0 "$GAVEL" review "$mod" --as ana --headless --script "$work/mod.keys" \
	--dump-dir "$work/dumps"
grep -q '^o:OK a:Harassment t:Hate v:Violence … e:Self-harm m:Spam ' "$work/dumps/mod-item.txt" ||
	fail "label keys not in the footer: $(tail -1 "$work/dumps/mod-item.txt")"
grep -q '^ labels of task moderation$' "$work/dumps/mod-help.txt" ||
	fail "help: no label keys: $(cat "$work/dumps/mod-help.txt")"
grep -Eq '^ +e/5 +self-harm +Self-harm$' "$work/dumps/mod-help.txt" ||
	fail "help: self-harm's keys: $(cat "$work/dumps/mod-help.txt")"
# Nine labels with long names: all nine keys fit, names cut alike.
mkdir -p "$work/nine"
{
	echo 'project: nine labels'
	echo 'tasks:'
	echo '  - name: topic'
	echo '    labels:'
	for k in a b d e i m o t v; do
		echo "      - {value: v$k, name: Long label name number $k, key: $k}"
	done
	echo 'queues:'
	echo '  - {name: disputed, rule: disputed}'
} >"$work/nine/project.yaml"
printf 'item,text\nx1,some text\n' >"$work/nine/items.csv"
printf 'item,annotator,label\nx1,p,va\nx1,q,vb\nx1,r,vd\n' >"$work/nine/votes.csv"
nine=$work/nine/p.db
"$GAVEL" init "$nine" --project "$work/nine/project.yaml" >/dev/null &&
	"$GAVEL" import "$nine" items "$work/nine/items.csv" >/dev/null &&
	"$GAVEL" import "$nine" votes "$work/nine/votes.csv" >/dev/null &&
	"$GAVEL" expert add "$nine" ana --role expert --unix-user "$(id -un)" >/dev/null ||
	fail "could not build the nine-label project"
printf ':dump nine-queue\n<Enter>\n:dump nine\n<C-c>\n' >"$work/nine.keys"
expect_exit 0 "$GAVEL" review "$nine" --as ana --headless --script "$work/nine.keys" \
	--dump-dir "$work/dumps"
# Its queue holds one item, and says so in the singular.
grep -q ' 1 of 1 item$' "$work/dumps/nine-queue.txt" ||
	fail "queue header: $(head -1 "$work/dumps/nine-queue.txt")"
foot=$(tail -1 "$work/dumps/nine.txt")
for k in a b d e i m o t v; do
	case " $foot" in
	*" $k:Long"*) ;;
	*) fail "label key $k missing from the footer: $foot" ;;
	esac
done
# An action's word is shown whole or not at all.
case "$foot" in *"…") fail "a footer word cut at the edge: $foot" ;; esac
[ "$(printf '%s' "$foot" | wc -m)" -le 80 ] || fail "footer wider than 80 columns: $foot"
pass
