#!/usr/bin/python3
"""Independent reference for the lead's view in `gavel stats --json` (the
"lead" object of each task; used by tests/cli/lead_stats.sh).

    lead_check.py gen SEED DIR [dated]   write DIR/votes1.csv and DIR/votes2.csv
                                         (two import batches; the second also
                                         votes on some items of the first),
                                         DIR/decisions.csv, and DIR/extra.sql
                                         (decisions citing guideline rules and
                                         "unclear guideline" flags, as rows,
                                         also kept in DIR/extra.json);
                                         with `dated`, every vote has a time
    lead_check.py expect DIR KIND A [B] [--open]
                                         the items (sorted ids) a drill-down
                                         queue holds (KIND: pair, confused,
                                         agreement (A-B the band), rule,
                                         overruled), from the files; with
                                         --open, without decided items
    lead_check.py check DIR STATS.json EXPORT.csv
                                         recompute every figure of the lead
                                         object from the files with numpy,
                                         sklearn and datetime; exit 1 naming
                                         the first mismatch

Definitions are those of src/lead.h, computed here from the input files, not
from the database: item agreement sum n_k(n_k-1)/(n(n-1)); histogram bins
[b/10, (b+1)/10), the last closed; co-occurrence = items holding votes for
both labels (the diagonal: compared items all of one label); the strict
majority top > n/2; ISO weeks from datetime.isocalendar(); Cohen's kappa
from sklearn.metrics.cohen_kappa_score; the bootstrap interval of alpha
from a plain numpy resampling of the items (a Monte Carlo estimate of the
same percentiles, so compared with a tolerance). Dawid-Skene vs plurality is
counted from `gavel export`'s ds_label and plurality columns.
"""
import collections
import csv
import datetime
import itertools
import json
import math
import random
import sys

import numpy as np
from sklearn.metrics import cohen_kappa_score

TOL = 2e-6  # gavel's JSON keeps 6 decimals
LABELS = ["bird", "cat", "dog", "fish"]  # the task's order: byte order of the data
RULES = ["R1", "R2", "R3"]


def gen(seed, out, dated):
    rng = random.Random(seed)
    nann = 12
    skill = [rng.uniform(0.35, 0.95) for _ in range(nann)]
    start = datetime.datetime(2024, 2, 26, 9, 0, 0)
    files = {1: [], 2: []}
    items = []
    for i in range(240):
        batch = 1 if i < 150 else 2
        truth = rng.randrange(len(LABELS))
        item = "item%03d" % i
        had = len(files[1]) + len(files[2])
        for a in range(nann):
            if rng.random() >= 0.35:
                continue
            lab = truth if rng.random() < skill[a] else rng.randrange(len(LABELS))
            # a few late votes on the first batch's items come with the second file
            b = 2 if batch == 1 and rng.random() < 0.05 else batch
            when = start + datetime.timedelta(hours=rng.randrange(0, 24 * 40))
            files[b].append((item, "ann%02d" % a, LABELS[lab], when.strftime("%Y-%m-%dT%H:%M:%SZ")))
        if len(files[1]) + len(files[2]) > had:
            items.append(item)
    for b, rows in files.items():
        rng.shuffle(rows)
        with open("%s/votes%d.csv" % (out, b), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["item", "annotator", "label"] + (["at"] if dated else []))
            for r in rows:
                w.writerow(r if dated else r[:3])
    decided = rng.sample(items, 70)
    with open("%s/decisions.csv" % out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "label"])
        for item in decided[:50]:
            w.writerow([item, rng.choice(LABELS)])
    extra = {"decisions": [], "flags": []}
    for n, item in enumerate(decided[30:]):
        extra["decisions"].append([item, rng.choice(LABELS), RULES[n % 3] if n % 4 else None])
    for n, item in enumerate(rng.sample(items, 12)):
        extra["flags"].append([item, "ex%d" % n, ("#%s hard" % RULES[n % 3]) if n % 2 else "unclear"])
    json.dump(extra, open("%s/extra.json" % out, "w"))
    with open("%s/extra.sql" % out, "w") as f:
        # later decisions citing rules (some superseding imported ones), and flags
        for item, lab, rule in extra["decisions"]:
            f.write("INSERT INTO decision(item, expert, label, rule, at, origin) SELECT i.id,"
                    " 'ex', l.code, %s, '2024-06-01T00:00:00Z', 'review' FROM item i JOIN label l"
                    " ON l.task = i.task WHERE i.external_id = '%s' AND l.value = '%s';\n"
                    % ("'%s'" % rule if rule else "NULL", item, lab))
        for item, expert, note in extra["flags"]:
            f.write("INSERT INTO flag(item, expert, note, at) SELECT id, '%s', '%s',"
                    " '2024-06-01T00:00:00Z' FROM item WHERE external_id = '%s';\n"
                    % (expert, note, item))


def fail(msg):
    sys.exit("lead check: " + msg)


def close(what, got, want, tol=TOL):
    if want is None or (isinstance(want, float) and math.isnan(want)):
        if got is not None:
            fail("%s: gavel %r, reference null" % (what, got))
        return
    if got is None or abs(got - want) > tol:
        fail("%s: gavel %r, reference %r" % (what, got, want))


def equal(what, got, want):
    if got != want:
        fail("%s: gavel %r, reference %r" % (what, got, want))


def agreement(labs):
    n = len(labs)
    c = collections.Counter(labs)
    return sum(k * (k - 1) for k in c.values()) / (n * (n - 1))


def plurality(labs):
    c = collections.Counter(labs)
    return max(LABELS, key=lambda l: (c[l], -LABELS.index(l))) if labs else None


def majority(labs):
    c = collections.Counter(labs)
    p = plurality(labs)
    return p if labs and c[p] * 2 > len(labs) else None


def alpha_nominal(units):
    o = np.zeros((len(LABELS), len(LABELS)))
    for u in units:
        m = len(u)
        c = collections.Counter(u)
        for a in c:
            for b in c:
                o[LABELS.index(a), LABELS.index(b)] += c[a] * (c[b] - (a == b)) / (m - 1)
    nc = o.sum(axis=1)
    n = nc.sum()
    return 1 - (n - 1) * (o.sum() - np.trace(o)) / (n * n - (nc * nc).sum())


def check(d, stats, export):
    votes = {}  # item -> {annotator: (label, time)}
    first_file = {}
    for b in (1, 2):
        for r in csv.DictReader(open("%s/votes%d.csv" % (d, b))):
            votes.setdefault(r["item"], {})[r["annotator"]] = (r["label"], r.get("at"))
            first_file.setdefault(r["item"], b)
    dated = "at" in open("%s/votes1.csv" % d).readline().strip().split(",")
    final = {}
    for r in csv.DictReader(open("%s/decisions.csv" % d)):
        final[r["item"]] = (r["label"], None)
    extra = json.load(open("%s/extra.json" % d))
    decs = extra["decisions"]
    flags = [(item, note) for item, _, note in extra["flags"]]
    for item, lab, rule in decs:
        final[item] = (lab, rule)
    t = json.load(open(stats))["tasks"][0]
    lead = t["lead"]
    labs = {i: [v[0] for v in votes[i].values()] for i in votes}
    compared = [i for i in votes if len(labs[i]) >= 2]

    # tasks
    equal("decided", lead["decided"], len(final))
    equal("open", lead["open"], sum(1 for i in compared if len(set(labs[i])) > 1 and i not in final))
    equal("alpha metric", lead["alpha"]["metric"], "nominal")
    close("alpha", lead["alpha"]["value"], alpha_nominal([labs[i] for i in compared]))
    close("alpha vs stats", lead["alpha"]["value"], t["krippendorff_alpha"]["nominal"])
    rng = np.random.default_rng(4)
    units = [labs[i] for i in compared]
    boots = []
    for _ in range(2000):
        pick = rng.integers(0, len(units), len(units))
        boots.append(alpha_nominal([units[k] for k in pick]))
    lo, hi = np.percentile(boots, [2.5, 97.5])
    close("alpha ci lo (Monte Carlo)", lead["alpha"]["ci"][0], lo, 0.02)
    close("alpha ci hi (Monte Carlo)", lead["alpha"]["ci"][1], hi, 0.02)
    ds_differs = 0
    for r in csv.DictReader(open(export)):
        if r["source"] != "expert" and r["ds_label"] != r["plurality"]:
            ds_differs += 1
    equal("ds_differs", lead["ds_differs"], ds_differs)

    # labels and confusion
    K = len(LABELS)
    co = [[0] * K for _ in range(K)]
    for i in votes:
        s = set(labs[i])
        for a in s:
            for b in s:
                if a != b:
                    co[LABELS.index(a)][LABELS.index(b)] += 1
        if len(labs[i]) >= 2 and len(s) == 1:
            k = LABELS.index(labs[i][0])
            co[k][k] += 1
    conf = lead["confusion"]
    equal("confusion labels", conf["labels"], LABELS)
    equal("cooccurrence", conf["cooccurrence"], co)
    me = [[0] * K for _ in range(K)]
    for item, (lab, rule) in final.items():
        mj = majority(labs.get(item, []))
        if mj:
            me[LABELS.index(mj)][LABELS.index(lab)] += 1
    equal("majority_expert", conf["majority_expert"], me)
    flag_rows = []
    for item, note in flags:
        rule = note[1:].split(" ")[0] if note.startswith("#") else final.get(item, (None, None))[1]
        flag_rows.append((item, rule))
    for n, l in enumerate(lead["labels"]):
        lab = LABELS[n]
        k = n
        equal("label order", l["label"], lab)
        equal("items of " + lab, l["items"], sum(1 for i in votes if lab in labs[i]))
        others = [(co[k][j], -j, LABELS[j]) for j in range(K) if j != k]
        best = max(others)
        if best[0]:
            equal("confused_with " + lab, l["confused_with"]["label"], best[2])
            equal("confused items " + lab, l["confused_with"]["items"], best[0])
        else:
            equal("confused_with " + lab, l["confused_with"], None)
        md = [it for it, (dl, _) in final.items() if majority(labs.get(it, [])) == lab]
        equal("majority_decided " + lab, l["majority_decided"], len(md))
        equal("overturned " + lab, l["overturned"], sum(1 for it in md if final[it][0] != lab))
        equal("flags " + lab, l["flags"], sum(1 for it, _ in flag_rows if plurality(labs.get(it, [])) == lab))

    # rules
    want = {}
    for item, (lab, rule) in final.items():
        w = want.setdefault(rule, [0, 0, 0, 0])
        w[0] += 1
        mj = majority(labs.get(item, []))
        if mj:
            w[1] += 1
            w[2] += mj != lab
    for item, rule in flag_rows:
        want.setdefault(rule, [0, 0, 0, 0])[3] += 1
    got = {r["rule"]: [r["decisions"], r["majority"], r["overturned"], r["flags"]] for r in lead["rules"]}
    equal("rules", got, want)
    equal("rule order", [r["rule"] for r in lead["rules"]],
          sorted([r for r in want if r]) + ([None] if None in want else []))
    equal("flags", lead["flags"], len(flags))

    # distribution
    bins = [0] * 10
    for i in compared:
        a = agreement(labs[i])
        b = min(9, int(a * 10))
        while b > 0 and a < b / 10:
            b -= 1
        while b < 9 and a >= (b + 1) / 10:
            b += 1
        bins[b] += 1
    equal("bins", [x["items"] for x in lead["distribution"]["bins"]], bins)

    def week(s):
        y, w, _ = datetime.date.fromisoformat(s[:10]).isocalendar()
        return "%04d-W%02d" % (y, w)

    if dated:
        equal("by", lead["distribution"]["by"], "week")
        item_bucket = {i: week(max(v[1] for v in votes[i].values())) for i in votes}
        names = sorted({week(v[1]) for i in votes for v in votes[i].values()})
    else:
        equal("by", lead["distribution"]["by"], "import")
        item_bucket = {i: "votes%d.csv" % first_file[i] for i in votes}
        names = ["votes1.csv", "votes2.csv"]
    buckets = lead["distribution"]["buckets"]
    equal("bucket names", [b["name"].split("/")[-1] for b in buckets], names)
    for b in buckets:
        name = b["name"].split("/")[-1]
        its = [i for i in votes if item_bucket[i] == name]
        comp = [i for i in its if len(labs[i]) >= 2]
        equal("bucket items " + name, b["items"], len(its))
        equal("bucket compared " + name, b["compared"], len(comp))
        close("bucket agreement " + name, b["agreement"],
              sum(agreement(labs[i]) for i in comp) / len(comp) if comp else None)

    # annotators
    z = 1.959963984540054
    anns = sorted({a for i in votes for a in votes[i]})
    equal("annotators", sorted(a["name"] for a in lead["annotators"]), anns)
    for a in lead["annotators"]:
        name = a["name"]
        mine = [(i, votes[i][name][0]) for i in votes if name in votes[i]]
        equal("votes " + name, a["votes"], len(mine))
        shares = [(sum(1 for l in labs[i] if l == lab) - 1) / (len(labs[i]) - 1)
                  for i, lab in mine if len(labs[i]) >= 2]
        close("agreement " + name, a["agreement"], sum(shares) / len(shares) if shares else None)
        dec = [(i, lab) for i, lab in mine if i in final]
        right = sum(1 for i, lab in dec if final[i][0] == lab)
        equal("expert n " + name, a["expert"]["n"], len(dec))
        equal("expert correct " + name, a["expert"]["correct"], right)
        if dec:
            n, p = len(dec), right / len(dec)
            den = 1 + z * z / n
            c = (p + z * z / (2 * n)) / den
            h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
            close("wilson lo " + name, a["expert"]["ci"][0], max(0, c - h))
            close("wilson hi " + name, a["expert"]["ci"][1], min(1, c + h))
        for k, b in enumerate(buckets):
            bname = b["name"].split("/")[-1]
            if dated:
                sel = [(i, lab) for i, lab in mine
                       if week(votes[i][name][1]) == bname and len(labs[i]) >= 2]
            else:
                sel = [(i, lab) for i, lab in mine if item_bucket[i] == bname and len(labs[i]) >= 2]
            sh = [(sum(1 for l in labs[i] if l == lab) - 1) / (len(labs[i]) - 1) for i, lab in sel]
            close("series %s %s" % (name, bname), a["series"][k], sum(sh) / len(sh) if sh else None)

    # pairs: every annotator (fewer than 40), kappa as sklearn on the shared items
    p = lead["pairs"]
    equal("pair annotators", sorted(p["annotators"]), anns)
    for x, y in itertools.product(range(len(anns)), repeat=2):
        ax, ay = p["annotators"][x], p["annotators"][y]
        if x == y:
            equal("shared diagonal " + ax, p["shared"][x][y], sum(1 for i in votes if ax in votes[i]))
            equal("kappa diagonal " + ax, p["kappa"][x][y], None)
            continue
        both = [i for i in votes if ax in votes[i] and ay in votes[i]]
        equal("shared %s %s" % (ax, ay), p["shared"][x][y], len(both))
        if len(both) >= 10:
            want = cohen_kappa_score([votes[i][ax][0] for i in both], [votes[i][ay][0] for i in both])
            close("kappa %s %s" % (ax, ay), p["kappa"][x][y], want)
        else:
            equal("kappa %s %s" % (ax, ay), p["kappa"][x][y], None)
    # clusters: runs of the order whose neighbours have kappa >= 0.6
    runs = [[p["annotators"][0]]]
    for x in range(1, len(anns)):
        k = p["kappa"][x - 1][x]
        if k is not None and k >= 0.6:
            runs[-1].append(p["annotators"][x])
        else:
            runs.append([p["annotators"][x]])
    equal("clusters", p["clusters"], runs)
    # the order seats similar annotators together: its neighbours are closer
    # (1 - kappa) than in the order by name
    def cost(order):
        ix = {a: n for n, a in enumerate(p["annotators"])}
        tot = 0
        for a, b in zip(order, order[1:]):
            k = p["kappa"][ix[a]][ix[b]]
            tot += 1 - (k if k is not None else 0)
        return tot
    if cost(p["annotators"]) > cost(anns) + 1e-9:
        fail("pair order %r is no closer than by name" % p["annotators"])


def load(d):
    votes = {}
    for b in (1, 2):
        for r in csv.DictReader(open("%s/votes%d.csv" % (d, b))):
            votes.setdefault(r["item"], {})[r["annotator"]] = r["label"]
    final = {}
    for r in csv.DictReader(open("%s/decisions.csv" % d)):
        final[r["item"]] = (r["label"], None)
    for item, lab, rule in json.load(open("%s/extra.json" % d))["decisions"]:
        final[item] = (lab, rule)
    return votes, final


def first_files(d):
    """Each item's first votes file (1 or 2): the import that added it."""
    first = {}
    for b in (1, 2):
        for r in csv.DictReader(open("%s/votes%d.csv" % (d, b))):
            first.setdefault(r["item"], b)
    return first


def expect(d, kind, args, open_only):
    votes, final = load(d)
    first = first_files(d)
    out = []
    for i, v in votes.items():
        labs = list(v.values())
        if kind == "pair":
            hit = args[0] in v and args[1] in v and v[args[0]] != v[args[1]]
        elif kind == "confused":
            hit = args[0] in labs and args[1] in labs
        elif kind == "agreement":
            lo, hi = (float(x) for x in args[0].split("-"))
            a = agreement(labs) if len(labs) >= 2 else None
            hit = a is not None and lo <= a and (a < hi or (hi >= 1 and a <= 1))
        elif kind == "rule":
            mj = majority(labs)
            hit = i in final and final[i][1] == args[0] and mj is not None and mj != final[i][0]
        elif kind == "overruled":
            hit = i in final and args[0] in v and v[args[0]] != final[i][0]
        elif kind == "majority":
            hit = i in final and majority(labs) == args[0] and final[i][0] == args[1]
        elif kind == "batch":
            hit = first[i] == int(args[0])
        else:
            sys.exit("unknown kind " + kind)
        if hit and not (open_only and i in final):
            out.append(i)
    for i in sorted(out):
        print(i)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "dated")
    elif len(sys.argv) >= 4 and sys.argv[1] == "expect":
        rest = [a for a in sys.argv[4:] if a != "--open"]
        expect(sys.argv[2], sys.argv[3], rest, "--open" in sys.argv[4:])
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
