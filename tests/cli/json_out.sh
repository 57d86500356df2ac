#!/bin/sh
# Every --json output of every command, on a project whose task, labels,
# annotators, items, model, expert and reason carry controls, escape
# sequences, bidi and zero-width characters: each output parses as JSON, no
# such character reaches it raw (JSON escapes them as \uXXXX), and a JSON
# reader gets each name back exactly, never a sanitiser token such as ^J or
# <RLO>.
set -u
. "$top_srcdir/tests/cli/lib.sh"

py=/usr/bin/python3
[ -x "$py" ] || skip "$py is missing"

p=$work/p.db
task=$(printf 'ta\tsk\033[1m')
model=$(printf 'm\033odel\342\200\256')
expert=$(printf 'ex\033[31mpert\342\200\213')

# Hostile names, one per line of a Python list, shared with the checker.
cat >"$work/names.py" <<'PY'
TASK = "ta\tsk\x1b[1m"
MODEL = "m\x1bodel\u202e"
EXPERT = "ex\x1b[31mpert\u200b"
LABELS = ["po\ns", "ne\tg", "x\x1b[31my", "r\u202eo"]
ANNOTATORS = ["ann\x1b]0;t\x07", "b\u200bob", "c\nc"]
ITEMS = ["it\t%d" % i for i in range(12)]
REASON = "because\n\x1b[2Jx\u202e"
PY
"$py" - "$work" <<'PY' || fail "could not write the fixtures"
import csv, sys
sys.path.insert(0, sys.argv[1])
from names import *
d = sys.argv[1]
with open(d + "/votes.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item", "annotator", "label"])
    for i, item in enumerate(ITEMS):
        for a, ann in enumerate(ANNOTATORS):
            w.writerow([item, ann, LABELS[(i + a) % 4 if i % 3 else 0]])
with open(d + "/preds.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item", "label", "confidence"])
    for i, item in enumerate(ITEMS):
        w.writerow([item, LABELS[i % 4], 0.97])
with open(d + "/decisions.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["item", "label", "reason"])
    w.writerow([ITEMS[1], LABELS[2], REASON])
PY
expect_exit 0 "$GAVEL" init "$p"
expect_exit 0 "$GAVEL" import "$p" votes "$work/votes.csv" --task "$task"
expect_exit 0 "$GAVEL" import "$p" predictions "$work/preds.csv" --model "$model" --task "$task"
expect_exit 0 "$GAVEL" expert add "$p" "$expert" --role expert
expect_exit 0 "$GAVEL" import "$p" decisions "$work/decisions.csv" --task "$task" --expert "$expert"

# name|kind|command: kind is "doc" (one JSON document) or "lines" (JSON lines).
cat >"$work/commands" <<EOF
stats|doc|stats $p --json
stats-annotators|doc|stats $p --annotators --json
queue|doc|queue $p --all --json
queue-audit|doc|queue $p --queue audit --all --reveal --json
audit-log|lines|audit log $p --json
expert-list|doc|expert list $p --json
export|lines|export $p --format jsonl
EOF
while IFS='|' read -r name kind cmd; do
    # shellcheck disable=SC2086 # the command's words are split on purpose
    expect_exit 0 "$GAVEL" $cmd
    cp "$work/stdout" "$work/$name.out"
    "$py" - "$work" "$name" "$kind" <<'PY' || fail "$name: $(head -c 400 "$work/$name.out")"
import json, sys, unicodedata
sys.path.insert(0, sys.argv[1])
from names import *
d, name, kind = sys.argv[1:]
raw = open("%s/%s.out" % (d, name), "rb").read()
text = raw.decode("utf-8")
# Nothing a terminal would act on or hide: no C0 (but the line ends), DEL,
# C1, bidi or zero-width character, raw.
bad = [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]
assert not bad, "raw characters %r" % bad[:5]
docs = [json.loads(l) for l in text.splitlines()] if kind == "lines" else [json.loads(text)]
strings = set()
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            strings.add(k)
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
    elif isinstance(x, str):
        strings.add(x)
for doc in docs:
    walk(doc)
tokens = [s for s in strings if any(t in s for t in ("^[", "^I", "^J", "^G", "<RLO>", "<ZWSP>"))]
assert not tokens, "sanitiser tokens instead of JSON escapes: %r" % tokens
want = {
    "stats": [TASK] + LABELS + ANNOTATORS + [MODEL],
    "stats-annotators": [TASK] + ANNOTATORS,
    "queue": [TASK] + LABELS + ITEMS[1:3],
    "queue-audit": [TASK] + LABELS,
    "audit-log": [TASK, MODEL, EXPERT, REASON, ITEMS[1]] + LABELS[2:3],
    "expert-list": [EXPERT],
    "export": [TASK, EXPERT, REASON] + LABELS + ITEMS,
}[name]
missing = [s for s in want if s not in strings]
assert not missing, "names not given back exactly: %r" % missing
PY
done <"$work/commands"
pass
