#!/usr/bin/python3
"""Reference values for tests/test_stats.c, from independent implementations.

Run with Debian's Python, which has statsmodels, nltk, sklearn and numpy:

    /usr/bin/python3 tests/ref/stats_ref.py

Every number the C unit tests expect is printed here with the library call
that produced it. The data matrices are typed in below (the same matrices are
in tests/test_stats.c): rows are items, columns annotators, 0 = no vote.
"""
import itertools
import warnings

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import interval_distance
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

# Fleiss (1971) psychiatric diagnoses, 30 patients x 6 ratings, categories 1-5,
# as the R irr package's `diagnoses` data (rater columns rater1..rater6).
FLEISS = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section
# "C. Nominal data, any number of observers, missing values": 4 observers
# (columns A-D) x 12 units, values 1-5. Published: nominal 0.743, ordinal
# 0.815, interval 0.849.
KRIPP = [
    [1, 1, 0, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [0, 5, 5, 5], [0, 0, 1, 1], [0, 0, 3, 0],
]

# Seeded random data (numpy default_rng(7), 5 annotators, labels 1-3, about 30%
# missing) plus two single-vote items: varying votes per item, missing votes.
RANDOM = [
    [2, 0, 3, 1, 3], [0, 2, 1, 2, 2], [3, 0, 3, 3, 3], [0, 0, 0, 1, 1], [0, 0, 2, 2, 2],
    [3, 3, 3, 3, 0], [3, 2, 3, 2, 2], [1, 1, 2, 1, 1], [0, 1, 0, 1, 1], [1, 0, 1, 1, 1],
    [0, 0, 2, 3, 3], [1, 2, 1, 1, 2], [3, 1, 1, 0, 1], [3, 1, 1, 1, 2], [3, 3, 3, 3, 3],
    [1, 3, 3, 0, 0], [1, 0, 2, 2, 2], [1, 0, 0, 3, 1], [3, 3, 0, 0, 0], [0, 0, 1, 1, 1],
    [3, 2, 1, 1, 3], [0, 3, 0, 1, 1], [1, 0, 1, 1, 1], [3, 3, 3, 0, 3], [0, 0, 0, 2, 0],
    [0, 3, 0, 0, 0],
]

# Krippendorff's binary example, 3 observers x 12 units (icr test data; published
# alpha 0.2343), labels 0/1 written as 1/2 here so that 0 can mean "no vote".
BINARY = [
    [1, 1, 1], [2, 2, 2], [1, 1, 2], [2, 2, 1], [2, 1, 1], [1, 1, 2], [1, 1, 1], [1, 1, 1],
    [2, 2, 2], [2, 2, 1], [2, 1, 1], [2, 2, 1],
]


def triples(m):
    """nltk AnnotationTask data: (coder, item, label) for every vote."""
    return [(str(a), str(i), v) for i, row in enumerate(m) for a, v in enumerate(row) if v]


def nltk_alpha(m, interval=False):
    t = AnnotationTask(data=triples(m), distance=interval_distance) if interval \
        else AnnotationTask(data=triples(m))
    return t.alpha()


def pairwise_alpha(m, delta):
    """Krippendorff's alpha straight from its definition over pairable values
    (every ordered pair of values within a unit, weighted 1/(m_u - 1), against
    every ordered pair of all pairable values): no coincidence matrix."""
    units = [[v for v in row if v] for row in m]
    units = [u for u in units if len(u) >= 2]
    vals = [v for u in units for v in u]
    n = len(vals)
    do = sum(delta(x, y) / (len(u) - 1)
             for u in units for i, x in enumerate(u) for j, y in enumerate(u) if i != j) / n
    de = sum(delta(x, y) for i, x in enumerate(vals) for j, y in enumerate(vals) if i != j) \
        / (n * (n - 1))
    return 1 - do / de


def ordinal_delta(m):
    """Krippendorff 2011 ordinal metric from the marginal frequencies n_g."""
    vals = [v for row in m if sum(1 for v in row if v) >= 2 for v in row if v]
    ng = {g: vals.count(g) for g in range(1, 6)}

    def d(c, k):
        lo, hi = min(c, k), max(c, k)
        s = sum(ng[g] for g in range(lo, hi + 1)) - (ng[c] + ng[k]) / 2
        return s * s
    return d


def counts(m, K):
    """item x K count table over items with >= 2 votes."""
    t = np.array([[sum(1 for v in row if v == k + 1) for k in range(K)] for row in m], float)
    return t[t.sum(1) >= 2]


def fleiss_generalised(m, K):
    """gavel's Fleiss kappa (src/stats.h): P-bar = mean A_i, p_k over the same items."""
    t = counts(m, K)
    n = t.sum(1)
    pbar = np.mean((t * (t - 1)).sum(1) / (n * (n - 1)))
    p = t.sum(0) / n.sum()
    pe = (p * p).sum()
    return (pbar - pe) / (1 - pe), pbar


def per_category(m, K):
    """Specific agreement PS_k and Fleiss' per-category kappa (Fleiss 1971, eq. for
    kappa_j: 1 - sum n_ij(n - n_ij) / (N n (n-1) p_j q_j), written with n_i)."""
    t = counts(m, K)
    n = t.sum(1)[:, None]
    ps = (t * (t - 1)).sum(0) / (t * (n - 1)).sum(0)
    p = t.sum(0) / n.sum()
    kap = 1 - (t * (n - t) / (n - 1)).sum(0) / (n.sum() * p * (1 - p))
    return ps, kap


def cohen_pairs(m, min_shared):
    out = []
    for a, b in itertools.combinations(range(len(m[0])), 2):
        shared = [(row[a], row[b]) for row in m if row[a] and row[b]]
        if len(shared) >= min_shared:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                k = cohen_kappa_score([x for x, _ in shared], [y for _, y in shared])
            out.append((a, b, len(shared), k))
    return out


def main():
    f = np.array(FLEISS)
    table, _ = aggregate_raters(f)
    print("fleiss1971 statsmodels fleiss_kappa %.10f" % fleiss_kappa(table, method="fleiss"))
    ps, kap = per_category(FLEISS, 5)
    print("fleiss1971 specific agreement", " ".join("%.10f" % x for x in ps))
    print("fleiss1971 per-category kappa", " ".join("%.10f" % x for x in kap))
    print("fleiss1971 percent agreement %.10f" % fleiss_generalised(FLEISS, 5)[1])
    print("fleiss1971 nltk alpha nominal %.10f" % nltk_alpha(FLEISS))
    print("fleiss1971 nltk alpha interval %.10f" % nltk_alpha(FLEISS, True))
    print("fleiss1971 pairwise alpha ordinal %.10f" % pairwise_alpha(FLEISS, ordinal_delta(FLEISS)))
    print("fleiss1971 sklearn cohen rater1 rater2 %.10f" %
          cohen_kappa_score(f[:, 0], f[:, 1]))

    print("kripp2011 nltk alpha nominal %.10f" % nltk_alpha(KRIPP))
    print("kripp2011 nltk alpha interval %.10f" % nltk_alpha(KRIPP, True))
    print("kripp2011 pairwise alpha ordinal %.10f" % pairwise_alpha(KRIPP, ordinal_delta(KRIPP)))

    print("random nltk alpha nominal %.10f" % nltk_alpha(RANDOM))
    print("random nltk alpha interval %.10f" % nltk_alpha(RANDOM, True))
    print("random pairwise alpha ordinal %.10f" % pairwise_alpha(RANDOM, ordinal_delta(RANDOM)))
    k, pbar = fleiss_generalised(RANDOM, 3)
    print("random generalised fleiss kappa (numpy) %.10f percent agreement %.10f" % (k, pbar))
    ps, kap = per_category(RANDOM, 3)
    print("random specific agreement", " ".join("%.10f" % x for x in ps))
    print("random per-category kappa", " ".join("%.10f" % x for x in kap))
    for a, b, n, kk in cohen_pairs(RANDOM, 10):
        print("random sklearn cohen %d %d n=%d %.10f" % (a, b, n, kk))
    multi = [row for row in RANDOM if sum(1 for v in row if v) >= 2]
    print("random items %d compared %d disputed %d" % (
        len(RANDOM), len(multi), sum(1 for row in multi if len({v for v in row if v}) > 1)))
    # Complete rows only: same n everywhere, so statsmodels applies.
    full = np.array([row for row in RANDOM if all(row)])
    table, _ = aggregate_raters(full)
    print("random complete rows (%d) statsmodels fleiss_kappa %.10f" %
          (len(full), fleiss_kappa(table, method="fleiss")))

    table, _ = aggregate_raters(np.array(BINARY))
    print("binary statsmodels fleiss_kappa %.10f" % fleiss_kappa(table, method="fleiss"))
    print("binary nltk alpha nominal %.10f" % nltk_alpha(BINARY))
    for a, b, n, kk in cohen_pairs(BINARY, 10):
        print("binary sklearn cohen %d %d n=%d %.10f" % (a, b, n, kk))


if __name__ == "__main__":
    main()
