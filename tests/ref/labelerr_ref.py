#!/usr/bin/python3
"""Independent numpy reference for confident learning (src/labelerr.h).

Written from Northcutt, Jiang & Chuang, "Confident Learning: Estimating
Uncertainty in Dataset Labels" (JAIR 2021), section 3 (thresholds t_j,
confident joint C, calibration to the label counts, the estimated joint Q,
prune by noise rate, ranking by self-confidence), with the conventions of
cleanlab 2.x (threshold tolerance 1e-6 and floor 2e-6, threshold 2 for a
label nobody has, argmax over all labels when several are confident,
diagonal at least 1, round_preserving_sum, _keep_at_least_n_per_class).
cleanlab itself is not a Debian package, so this is the cross-check.

    labelerr_ref.py example
        print the worked example of tests/test_labelerr.c
    labelerr_ref.py gen SEED N K VOTES.csv PREDS.csv
        write a seeded project: one vote per item (the given label, wrong
        for about 12% of the items) and a probability per label
    labelerr_ref.py check EXPORT.jsonl PREDS.csv STATS.json QUEUE.json
        recompute `gavel stats --json`'s label_errors of the one task and the
        label-issues queue (`gavel queue --json --all`) from the current
        labels that `gavel export` gives (in its order, the order gavel
        resamples in) and the probabilities; exit 1 naming the first mismatch
"""
import csv
import json
import sys

import numpy as np

EPS = 1e-6
GOLDEN = 0x9E3779B97F4A7C15
STEP = 0xD1B54A32D192ED03
M64 = (1 << 64) - 1


def thresholds(given, p, w=None):
    n, k = p.shape
    w = np.ones(n) if w is None else w
    counts = np.bincount(given, weights=w, minlength=k)
    t = np.full(k, 2.0)
    for j in range(k):
        if counts[j] > 0:
            t[j] = np.sum(w[given == j] * p[given == j, j]) / counts[j]
    return counts, np.maximum(t, 2 * EPS)


def confident_joint(given, p, t, w=None):
    n, k = p.shape
    w = np.ones(n) if w is None else w
    ok = p >= t - EPS
    many = ok.sum(axis=1) > 1
    guess = np.where(many, p.argmax(axis=1), ok.argmax(axis=1))
    c = np.zeros((k, k))
    has = ok.any(axis=1)
    np.add.at(c, (given[has], guess[has]), w[has])
    np.fill_diagonal(c, np.maximum(c.diagonal(), 1))
    return c


def round_preserving_sum(x):
    x = np.asarray(x, dtype=float)
    ints = np.round(x)
    want = np.round(x.sum())
    while abs(ints.sum() - want) > EPS:
        diff = np.round(want - ints.sum())
        inc = -1 if diff < 0 else 1
        changes = min(int(abs(diff)), len(x))
        order = np.argsort(x - ints, kind="stable")
        if inc > 0:
            order = order[::-1]
        ints[order[:changes]] += inc
    return ints


def calibrate(c, counts):
    cal = (c.T / np.clip(c.sum(axis=1), 1e-100, None) * counts).T
    cal = cal / np.clip(cal.sum(), 1e-100, None) * counts.sum()
    return np.array([round_preserving_sum(r) for r in cal])


def estimate(given, p, w=None):
    counts, t = thresholds(given, p, w)
    c = confident_joint(given, p, t, w)
    cal = calibrate(c, counts)
    return counts, t, c, cal, counts.sum() - np.trace(cal)


def prune_counts(cal):
    k = len(cal)
    out = np.zeros_like(cal)
    for g in range(k):
        row = cal[g].astype(float)
        diff = max(1 - row[g], 0)
        per = diff / max(np.count_nonzero(row) - 1, 1)
        new = np.clip(row - per, 0, None)
        out[g] = np.trunc(new)
        out[g, g] = max(row[g], 1)
    return out


def issues(given, p, cal):
    n, k = p.shape
    pr = prune_counts(cal)
    sugg = np.full(n, -1)
    for g in range(k):
        idx = np.flatnonzero(given == g)
        if len(idx) <= 1:
            continue
        for j in range(k):
            m = int(pr[g, j]) if j != g else 0
            if m <= 0:
                continue
            margin = p[idx, j] - p[idx, g]
            top = idx[np.argsort(-margin, kind="stable")[:m]]
            for i in top:
                if sugg[i] < 0 or p[i, j] > p[i, sugg[i]]:
                    sugg[i] = j
    flagged = np.flatnonzero((sugg >= 0) & (p.argmax(axis=1) != given))
    sc = p[flagged, given[flagged]]
    order = np.argsort(sc, kind="stable")
    return [(int(i), int(sugg[i])) for i in flagged[order]]


def mix(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def mulhi(x, n):
    lo32 = np.uint64(0xFFFFFFFF)
    xl, xh = x & lo32, x >> np.uint64(32)
    nl, nh = np.uint64(n & 0xFFFFFFFF), np.uint64(n >> 32)
    ll, lh, hl, hh = xl * nl, xl * nh, xh * nl, xh * nh
    mid = (ll >> np.uint64(32)) + (lh & lo32) + (hl & lo32)
    return hh + (lh >> np.uint64(32)) + (hl >> np.uint64(32)) + (mid >> np.uint64(32))


def bootstrap(given, p, resamples, seed):
    """Resample b: SplitMix64 from seed + (b + 1) * STEP, draw x -> (x * n) >> 64.

    Returns the 95% percentile interval of the error rate and, per cell of
    the estimated joint, of its share."""
    n = len(given)
    rates = []
    joints = []
    with np.errstate(over="ignore"):
        for b in range(resamples):
            s = (seed + (b + 1) * STEP) & M64
            z = (np.uint64(s) + np.arange(1, n + 1, dtype=np.uint64) * np.uint64(GOLDEN))
            w = np.bincount(mulhi(mix(z), n).astype(np.int64), minlength=n).astype(float)
            *_, cal, errors = estimate(given, p, w)
            rates.append(errors / n)
            joints.append(cal / n)
    joints = np.array(joints)
    return (np.percentile(rates, 2.5), np.percentile(rates, 97.5),
            np.percentile(joints, 2.5, axis=0), np.percentile(joints, 97.5, axis=0))


def example():
    given = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    p = np.array([[.90, .05, .05], [.80, .10, .10], [.10, .20, .70], [.60, .40, .00],
                  [.30, .50, .20], [.25, .45, .30], [.80, .10, .10], [.10, .35, .55],
                  [.05, .05, .90], [.10, .10, .80], [.30, .40, .30], [.40, .30, .30]])
    counts, t, c, cal, errors = estimate(given, p)
    print("thresholds", t)
    print("confident joint\n", c)
    print("calibrated\n", cal)
    print("errors", errors, "rate", errors / len(given))
    print("issues (item, suggested)", issues(given, p, cal))
    print("round [0.5 1.5 2.5 0.5] ->", round_preserving_sum([.5, 1.5, 2.5, .5]))
    print("round [1.5 1.5 1.4 0.0] ->", round_preserving_sum([1.5, 1.5, 1.4, 0]))
    print("prune [0 3 2] ->", prune_counts(np.array([[0, 3, 2], [0, 4, 0], [1, 0, 5]]))[0])


def gen(seed, n, k, votes_path, preds_path):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    given = truth.copy()
    flip = rng.random(n) < 0.12
    given[flip] = (truth[flip] + rng.integers(1, k, flip.sum())) % k
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), truth] += 2.0
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p = np.round(p, 6)
    p[:, -1] = np.round(1 - p[:, :-1].sum(axis=1), 6)
    with open(votes_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item", "annotator", "label"])
        for i in range(n):
            w.writerow([f"i{i}", "a1", f"l{given[i]}"])
    with open(preds_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["item"] + [f"l{j}" for j in range(k)])
        for i in range(n):
            w.writerow([f"i{i}"] + [f"{x:.6f}" for x in p[i]])


def check(export_path, preds_path, stats_path, queue_path):
    with open(export_path) as f:
        exported = [json.loads(line) for line in f]
    votes = {r["item"]: r["label"] for r in exported}
    with open(preds_path, newline="") as f:
        rows = list(csv.DictReader(f))
    labels = sorted({k for k in rows[0] if k != "item"})
    predicted = {r["item"] for r in rows}
    items = [r["item"] for r in exported if r["item"] in predicted]
    given = np.array([labels.index(votes[i]) for i in items])
    by = {r["item"]: r for r in rows}
    p = np.array([[float(by[i][lab]) for lab in labels] for i in items])
    counts, t, c, cal, errors = estimate(given, p)
    le = json.load(open(stats_path))["tasks"][0]["label_errors"]
    fails = []

    def same(what, a, b, tol=1e-9):  # JSON numbers carry 6 decimals: callers widen tol
        if abs(a - b) > tol:
            fails.append(f"{what}: gavel {a}, reference {b}")

    same("items", le["items"], len(items))
    for j, lab in enumerate(labels):
        same(f"threshold {lab}", le["thresholds"][lab], t[j], 1e-6)
    same("estimated_errors", le["estimated_errors"], errors)
    same("estimated_rate", le["estimated_rate"], errors / len(items), 1e-6)
    pairs = {(x["given"], x["true"]): x for x in le["pairs"]}
    for g in range(len(labels)):
        for j in range(len(labels)):
            if g == j:
                continue
            x = pairs.get((labels[g], labels[j]), {"confident": 0, "estimated": 0})
            same(f"confident {labels[g]}->{labels[j]}", x["confident"], c[g, j])
            same(f"estimated {labels[g]}->{labels[j]}", x["estimated"], cal[g, j])
    lo, hi, jlo, jhi = bootstrap(given, p, le["bootstrap"], le["seed"])
    same("ci low", le["ci"][0], lo, 1e-6)
    same("ci high", le["ci"][1], hi, 1e-6)
    for (g, j), x in pairs.items():
        gi, ji = labels.index(g), labels.index(j)
        same(f"ci of {g}->{j} low", x["ci"][0], jlo[gi, ji], 1e-6)
        same(f"ci of {g}->{j} high", x["ci"][1], jhi[gi, ji], 1e-6)
    want = [(items[i], labels[j]) for i, j in issues(given, p, cal)]
    q = json.load(open(queue_path))
    got = [(e["item"], e["suggested_label"]) for e in q["items"]]
    same("issues", le["issues"], len(want))
    if got != want:
        fails.append(f"label-issues queue differs: gavel {got[:5]}..., reference {want[:5]}...")
    for f in fails:
        print("MISMATCH", f)
    print(f"checked {len(items)} items, {len(labels)} labels: {errors} estimated errors,"
          f" {len(want)} issues, interval [{lo:.4f}, {hi:.4f}]")
    return 1 if fails else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "example":
        example()
        return 0
    if cmd == "gen" and len(sys.argv) == 7:
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
        return 0
    if cmd == "check" and len(sys.argv) == 6:
        return check(*sys.argv[2:6])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
