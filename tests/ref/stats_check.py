#!/usr/bin/python3
"""End-to-end reference for `gavel stats --json` (used by tests/cli/stats.sh).

    stats_check.py gen SEED KIND OUT.csv   write a seeded random long CSV
                                           (KIND: text | numeric | binary)
    stats_check.py check VOTES.csv STATS.json
                                           recompute every figure of the one
                                           task in STATS.json from the CSV with
                                           statsmodels, nltk, sklearn and numpy;
                                           exit 1 naming the first mismatch

Reference implementations: statsmodels fleiss_kappa (when every item has the
same number of votes; otherwise gavel's generalised formula of src/stats.h
stats_compute, in numpy), nltk AnnotationTask.alpha (nominal;
interval_distance for numeric labels), Krippendorff's alpha ordinal from its
pairwise definition, sklearn cohen_kappa_score for each annotator pair with
>= 10 shared items.
"""
import csv
import itertools
import json
import random
import sys
import warnings

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import interval_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

TOL = 2e-6  # gavel's JSON keeps 6 decimals


def gen(seed, kind, out):
    rng = random.Random(seed)
    labels = {"text": ["cat", "dog", "bird", "fish"], "numeric": ["1", "2", "3", "4", "5"],
              "binary": ["no", "yes"]}[kind]
    nann = rng.randint(4, 9)
    skill = [rng.uniform(0.3, 0.95) for _ in range(nann)]
    rows = []
    for i in range(rng.randint(60, 150)):
        truth = rng.randrange(len(labels))
        if kind == "numeric":  # every item gets exactly 4 votes: statsmodels applies
            voters = rng.sample(range(nann), 4)
        else:
            voters = [a for a in range(nann) if rng.random() < 0.6]
        for a in sorted(voters):
            if rng.random() < skill[a]:
                lab = truth
            elif kind == "numeric":
                lab = min(len(labels) - 1, max(0, truth + rng.choice([-1, 1])))
            else:
                lab = rng.randrange(len(labels))
            rows.append(("item%03d" % i, "ann%d" % a, labels[lab]))
    rng.shuffle(rows)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "annotator", "label"])
        w.writerows(rows)


def close(what, got, want):
    if want is None or (isinstance(want, float) and np.isnan(want)):
        if got is not None:
            sys.exit("%s: gavel %r, reference null" % (what, got))
        return
    if got is None or abs(got - want) > TOL:
        sys.exit("%s: gavel %r, reference %.9f" % (what, got, want))


def pairwise_alpha(units, delta):
    vals = [v for u in units for v in u]
    n = len(vals)
    do = sum(delta(x, y) / (len(u) - 1) for u in units
             for i, x in enumerate(u) for j, y in enumerate(u) if i != j) / n
    de = sum(delta(x, y) for i, x in enumerate(vals) for j, y in enumerate(vals) if i != j) \
        / (n * (n - 1))
    return 1 - do / de


def check(votes_csv, stats_json):
    with open(votes_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(stats_json) as f:
        t = json.load(f)["tasks"][0]
    votes = {}
    for r in rows:
        votes.setdefault(r["item"], {})[r["annotator"]] = r["label"]
    labels = [l["label"] for l in t["labels"]]
    K = len(labels)
    ix = {l: k for k, l in enumerate(labels)}
    numeric = all(l.lstrip("-").replace(".", "", 1).isdigit() for l in labels)
    if sorted(labels) != sorted({r["label"] for r in rows}):
        sys.exit("labels: gavel %r vs data" % labels)

    n = [len(v) for v in votes.values()]
    if t["items"] != len(votes) or t["votes"] != len(rows):
        sys.exit("items/votes: gavel %d/%d, data %d/%d" % (t["items"], t["votes"], len(votes),
                                                            len(rows)))
    vpi = t["votes_per_item"]
    if vpi["min"] != min(n) or vpi["max"] != max(n):
        sys.exit("votes_per_item: gavel %r, data min %d max %d" % (vpi, min(n), max(n)))
    close("votes_per_item.mean", vpi["mean"], float(np.mean(n)))

    multi = [v for v in votes.values() if len(v) >= 2]
    table = np.array([[sum(1 for l in v.values() if l == lab) for lab in labels] for v in multi],
                     float)
    ni = table.sum(1)
    pbar = float(np.mean((table * (table - 1)).sum(1) / (ni * (ni - 1))))
    close("percent_agreement", t["percent_agreement"], pbar)
    if len(set(ni)) == 1:
        ref_k = fleiss_kappa(table, method="fleiss")
    else:
        p = table.sum(0) / ni.sum()
        pe = (p * p).sum()
        ref_k = (pbar - pe) / (1 - pe)
    close("fleiss_kappa", t["fleiss_kappa"], float(ref_k))
    if t["fleiss_varying_n"] != (len(set(ni)) > 1):
        sys.exit("fleiss_varying_n wrong")

    triples = [(a, i, l) for i, v in votes.items() if len(v) >= 2 for a, l in v.items()]
    close("alpha.nominal", t["krippendorff_alpha"]["nominal"], AnnotationTask(data=triples).alpha())
    if numeric:
        num = [(a, i, float(l)) for a, i, l in triples]
        close("alpha.interval", t["krippendorff_alpha"]["interval"],
              AnnotationTask(data=num, distance=interval_distance).alpha())
        units = [[ix[l] for l in v.values()] for v in multi]
        ng = [sum(u.count(g) for u in units) for g in range(K)]

        def od(c, k):
            lo, hi = min(c, k), max(c, k)
            s = sum(ng[lo:hi + 1]) - (ng[c] + ng[k]) / 2
            return s * s
        close("alpha.ordinal", t["krippendorff_alpha"]["ordinal"], pairwise_alpha(units, od))
    else:
        close("alpha.interval", t["krippendorff_alpha"]["interval"], None)
        close("alpha.ordinal", t["krippendorff_alpha"]["ordinal"], None)

    p = table.sum(0) / ni.sum()
    n2 = ni[:, None]
    for k, l in enumerate(t["labels"]):
        count = sum(1 for r in rows if r["label"] == l["label"])
        if l["count"] != count:
            sys.exit("label %s count: gavel %d, data %d" % (l["label"], l["count"], count))
        den = (table[:, k] * (ni - 1)).sum()
        ps = (table[:, k] * (table[:, k] - 1)).sum() / den if den else None
        close("label %s specific_agreement" % l["label"], l["specific_agreement"], ps)
        pq = p[k] * (1 - p[k])
        kap = 1 - (table[:, k] * (ni - table[:, k]) / (ni - 1)).sum() / (ni.sum() * pq) \
            if pq > 0 else None
        close("label %s kappa" % l["label"], l["kappa"], kap)

    anns = sorted({r["annotator"] for r in rows})
    ref_pairs = {}
    for a, b in itertools.combinations(anns, 2):
        shared = [(v[a], v[b]) for v in votes.values() if a in v and b in v]
        if len(shared) >= 10:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                k = cohen_kappa_score([x for x, _ in shared], [y for _, y in shared])
            ref_pairs[frozenset((a, b))] = (len(shared), k)
    got = {frozenset((c["a"], c["b"])): c for c in t["cohen_kappa"]}
    if set(got) != set(ref_pairs):
        sys.exit("cohen pairs: gavel %d, reference %d" % (len(got), len(ref_pairs)))
    for key, (cnt, k) in ref_pairs.items():
        if got[key]["n"] != cnt:
            sys.exit("cohen %s n: gavel %d, reference %d" % (sorted(key), got[key]["n"], cnt))
        close("cohen %s" % sorted(key), got[key]["kappa"], None if np.isnan(k) else k)

    disputed = sum(1 for v in multi if len(set(v.values())) > 1)
    if t["disputed"] != disputed:
        sys.exit("disputed: gavel %d, reference %d" % (t["disputed"], disputed))
    if t["flagged"] != (pbar < t["threshold"]):
        sys.exit("flagged: gavel %r, percent agreement %.4f, threshold %r" %
                 (t["flagged"], pbar, t["threshold"]))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
