#!/bin/sh
# gavel dashboard: every number its sections show equals the one `gavel
# stats --json` prints (each dump is parsed and each figure compared with the
# JSON value rounded as the screen rounds it; the dashboard, like the report,
# takes 1000 bootstrap resamples, so stats gets --bootstrap 1000), the database is unchanged by
# browsing and drilling down, a project without votes says so, an unknown
# task is an error naming it, and an annotator name holding escape
# sequences reaches the screen sanitised.
set -u
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/ui/fixture.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to read the dumps"

ui_fixture_calib "$GAVEL" "$work" || fail "could not build the fixture"
db=$work/p.db
"$GAVEL" stats "$db" --json --bootstrap 1000 >"$work/stats.json" || fail "stats --json exited $?"
mkdir -p "$work/d"
cat >"$work/keys" <<'EOF'
:dump tasks
<Tab>
:dump labels
<Tab>
:dump annotators
<Tab>
:dump pairs
<Tab>
<Tab>
:dump distribution
<Tab>
:dump rules
<S-Tab>
<Down>
<Down>
<Down>
<Enter>
:dump drill
q
q
EOF
before=$(dump "$db")
expect_exit 0 "$GAVEL" dashboard "$db" --headless --size 132x43 --no-color --script "$work/keys" \
	--dump-dir "$work/d"
[ "$(dump "$db")" = "$before" ] || fail "browsing the dashboard changed the database"

python3 - "$work/stats.json" "$work/d" <<'EOF' || fail "the dashboard's figures differ from stats --json"
import json, os, re, sys

stats = json.load(open(sys.argv[1]))["tasks"][0]
lead = stats["lead"]
d = sys.argv[2]
bad = []


def screen(name):
    return open(os.path.join(d, name + ".txt"), encoding="utf-8").read().split("\n")


def f(v, n):
    return "-" if v is None else "%.*f" % (n, v)


def same(what, shown, want):
    if str(shown) != str(want):
        bad.append("%s: screen %s, stats --json %s" % (what, shown, want))


def row(lines, first):
    for ln in lines:
        parts = ln.split()
        if parts and parts[0] in (first, "!") and first in parts[:2]:
            return [p for p in parts if p != "!"]
    bad.append("no row %s" % first)
    return None


r = row(screen("tasks"), stats["task"])
if r:
    a = lead["alpha"]["value"]
    want = [stats["task"], stats["items"], stats["votes"], stats["annotators"],
            f(stats["percent_agreement"], 2), f(stats["fleiss_kappa"], 2), f(a, 2),
            stats["disputed"], lead["open"]]
    for i, w in enumerate(want):
        same("tasks column %d" % i, r[i], w)
text = "\n".join(screen("tasks"))
ci = lead["alpha"]["ci"]
same("alpha interval", "[%s, %s]" % (f(ci[0], 3), f(ci[1], 3)) in text, True)
le = stats["label_errors"]
same("label-error estimate", "estimates %.1f%% [%.1f, %.1f]" % (
    100 * le["estimated_rate"], 100 * le["ci"][0], 100 * le["ci"][1]) in text, True)
same("decided", "decided %d, open %d" % (lead["decided"], lead["open"]) in text, True)

lab = screen("labels")
for s, l in zip(stats["labels"], lead["labels"]):
    r = row(lab, s["label"])
    if not r:
        continue
    cw = l["confused_with"]
    over = "%d/%d" % (l["overturned"], l["majority_decided"]) if l["majority_decided"] else "-"
    want = [s["label"], s["count"], f(s["specific_agreement"], 2), f(s["kappa"], 2),
            cw["label"] if cw else "-", cw["items"] if cw else 0, over, l["flags"]]
    for i, w in enumerate(want):
        same("label %s column %d" % (s["label"], i), r[i], w)

ann = screen("annotators")
for a in lead["annotators"]:
    r = row(ann, a["name"])
    if not r:
        continue
    e = a["expert"]
    same(a["name"] + " votes", r[1], a["votes"])
    same(a["name"] + " agreement", r[2], f(a["agreement"], 2))
    if e["n"]:
        same(a["name"] + " accuracy", " ".join(r[3:6]), "%s [%s,%s] %d" % (
            f(e["accuracy"], 2), f(e["ci"][0], 2), f(e["ci"][1], 2), e["n"]))
    same(a["name"] + " DS", r[6], f(a["ds_accuracy"], 2))

p = lead["pairs"]
pairs = screen("pairs")
for i, name in enumerate(p["annotators"]):
    for ln in pairs:
        parts = ln.split()
        if len(parts) > 2 and len(parts[0]) == 1 and parts[1] == name:
            cells = [c for c in parts[2:] if re.match(r"^-?\d\.\d\d$|^-$|^\u00b7$", c)]
            want = ["\u00b7" if j == i else f(k, 2) for j, k in enumerate(p["kappa"][i])]
            same("pairs row " + name, cells, want)
            break
    else:
        bad.append("no pairs row " + name)

dist = screen("distribution")
for b in lead["distribution"]["bins"]:
    label = "%.1f-%.1f" % (b["lo"], b["hi"])
    r = row(dist, label)
    if r:
        same("bin " + label, r[3] if "incl." in r else r[1], b["items"])

rules = screen("rules")
for x in lead["rules"]:
    name = x["rule"] or "(no"
    r = row(rules, name)
    if r:
        r = r[2:] if name == "(no" else r[1:]
        want = [x["decisions"], x["majority"], x["overturned"], f(x["rate"], 2), x["flags"]]
        same("rule %s" % name, r, [str(w) for w in want])

band = lead["distribution"]["bins"][3]
head = screen("drill")[0]
same("drill-down title", "agreement 0.3-0.4: %d items" % band["items"] in head, True)

if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
EOF

# A project without votes says so instead of drawing empty charts.
"$GAVEL" init "$work/e.db" >/dev/null || fail "init"
printf 'item,text\na,hello\n' >"$work/items.csv"
"$GAVEL" import "$work/e.db" items "$work/items.csv" --task t >/dev/null || fail "import items"
printf ':dump empty-tasks\n<Tab>\n:dump empty-labels\n<Tab>\n<Tab>\n:dump empty-pairs\nq\n' >"$work/ek"
expect_exit 0 "$GAVEL" dashboard "$work/e.db" --headless --script "$work/ek" --dump-dir "$work/d"
for s in tasks labels pairs; do
	grep -q 'no votes yet' "$work/d/empty-$s.txt" || fail "empty project, $s: $(cat "$work/d/empty-$s.txt")"
done

# Bad input: an unknown task, a usage error.
expect_exit 1 "$GAVEL" dashboard "$db" --task nosuch --headless --script "$work/ek"
grep -q "nosuch" "$work/stderr" || fail "unknown task not named: $(cat "$work/stderr")"
expect_exit 2 "$GAVEL" dashboard "$db" --headless
expect_exit 2 "$GAVEL" dashboard

# Text from data is sanitised: an annotator named with an escape sequence.
esc=$(printf '\033')
printf 'item,annotator,label\nc01,%s[31mevil%s]0;x\a,negative\n' "$esc" "$esc" >"$work/evil.csv"
"$GAVEL" import "$db" votes "$work/evil.csv" --task sentiment >/dev/null || fail "import evil"
printf '<Tab>\n<Tab>\no\n:dump evil\nq\n' >"$work/vk"
expect_exit 0 "$GAVEL" dashboard "$db" --headless --size 132x43 --script "$work/vk" --dump-dir "$work/d"
! grep -q "$esc" "$work/d/evil.txt" || fail "an escape character reached the screen"
grep -q 'evil' "$work/d/evil.txt" || fail "the annotator is not shown: $(cat "$work/d/evil.txt")"
pass
