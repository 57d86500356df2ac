#!/bin/sh
# gavel queue's text table: piped, every value is written whole (all vote
# counts, no padding after the last column, label names decoded, not left as
# JSON escapes); on a terminal (tmux) the table fits the window, each item on
# one line, cut with an ellipsis at 80 columns and whole on a wide one.
# --json names the queue it listed, also when none was asked for.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
[ -x "$py" ] || skip "$py is missing"
db=$work/p.db

"$py" - >"$work/votes.csv" <<'PY'
import random
random.seed(3)
labels = ["positive", "negative", "neutral", "mixed", "irrelevant"]
print("item,annotator,label")
for i in range(12):
    for a in range(6):
        print("review-%03d,a%d,%s" % (i, a, random.choice(labels)))
PY
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task product-review-sentiment

# --json names the queue, the default one included.
expect_exit 0 "$GAVEL" queue "$db" --limit 6 --json
cp "$work/stdout" "$work/q.json"
grep -q '^{"queue":"disputed",' "$work/q.json" || fail "default queue not named: $(head -c 200 "$work/q.json")"
expect_exit 0 "$GAVEL" queue "$db" --queue needs-votes --json
grep -q '^{"queue":"needs-votes",' "$work/stdout" || fail "queue not named: $(head -c 200 "$work/stdout")"

# Piped: one line per item, each value whole, nothing after the reason.
expect_exit 0 "$GAVEL" queue "$db" --limit 6
cp "$work/stdout" "$work/piped"
"$py" - "$work/q.json" "$work/piped" <<'PY' || fail "piped table: $(cat "$work/piped")"
import json, sys
q = json.load(open(sys.argv[1]))["items"]
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
assert lines[0].split() == ["ITEM", "TASK", "VOTES", "AGREE", "MODEL", "REASON"], lines[0]
assert len(lines) == 1 + len(q) == 7, lines
for e, l in zip(q, lines[1:]):
    counts = " ".join("%s:%d" % kv for kv in e["votes"].items())
    assert l.startswith(e["item"] + " ") and " product-review-sentiment " in l, l
    assert " " + counts + " " in l, (counts, l)
    assert l.endswith(" " + e["reason"]), (e["reason"], l)
    assert "\u2026" not in l, l
PY

# Label names come through their JSON escapes decoded, then sanitised.
printf 'item,annotator,label\nz,a,"ne\tg"\nz,b,pos\n' >"$work/tab.csv"
expect_exit 0 "$GAVEL" init "$work/tab.db"
expect_exit 0 "$GAVEL" import "$work/tab.db" votes "$work/tab.csv" --task t
expect_exit 0 "$GAVEL" queue "$work/tab.db"
grep -q ' ne^Ig:1 pos:1 ' "$work/stdout" || fail "escaped label: $(cat "$work/stdout")"

# On a terminal.
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed (the piped checks passed)"
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server >/dev/null 2>&1; rm -rf "$work"' EXIT
# on_terminal COLS: the table as a COLS-wide terminal shows it, in $work/pane.
on_terminal() {
    tmux -u -S "$sock" new-session -d -s "w$1" -x "$1" -y 30 \
        "$GAVEL queue $db --limit 6; echo END-OF-QUEUE; sleep 60" || fail "tmux new-session"
    i=0
    while [ $i -lt 100 ]; do
        tmux -S "$sock" capture-pane -p -t "w$1" >"$work/pane"
        grep -q '^END-OF-QUEUE' "$work/pane" && break
        sleep 0.1
        i=$((i + 1))
    done
    grep -q '^END-OF-QUEUE' "$work/pane" || fail "gavel queue did not finish at $1 columns: $(cat "$work/pane")"
    sed -i '/^END-OF-QUEUE/,$d' "$work/pane"
}
on_terminal 80
"$py" - "$work/pane" "$work/q.json" <<'PY' || fail "80 columns: $(cat "$work/pane")"
import json, sys
pane = open(sys.argv[1], encoding="utf-8").read().splitlines()
q = json.load(open(sys.argv[2]))["items"]
# One line per item (a wrapped line would add lines), within 80 columns,
# the long vote lists cut with an ellipsis, item ids and reasons whole.
assert len(pane) == 1 + len(q) == 7, pane
assert all(len(l) <= 80 for l in pane), [len(l) for l in pane]
assert any("\u2026" in l for l in pane), pane
for l, e in zip(pane[1:], q):
    assert l.startswith(e["item"] + " ") and l.endswith(" " + e["reason"]), (l, e)
PY
on_terminal 200
cmp -s "$work/pane" "$work/piped" || fail "a wide terminal does not show the whole table:
$(cat "$work/pane")"
pass
