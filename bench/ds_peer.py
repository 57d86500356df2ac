#!/usr/bin/env python3
"""bench/ds_peer.py: a vectorised numpy Dawid-Skene, the peer for gavel's DS
figure in `make bench`. Same model as gavel (priors, one confusion matrix per
annotator, start from vote proportions, 1e-8 smoothing, stop when the
log-likelihood gains less than 1e-5 per vote, at most 100 iterations).

Usage: ds_peer.py votes.csv
Prints one line: "ds_numpy SECONDS_EM ITERATIONS SECONDS_TOTAL"
(EM alone, iteration count, and EM plus reading the CSV). Exit 77 without numpy.
"""
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy is not installed", file=sys.stderr)
    sys.exit(77)


def main():
    t0 = time.perf_counter()
    raw = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=str)
    items, item = np.unique(raw[:, 0], return_inverse=True)
    anns, ann = np.unique(raw[:, 1], return_inverse=True)
    labs, lab = np.unique(raw[:, 2], return_inverse=True)
    N, A, K = len(items), len(anns), len(labs)
    t1 = time.perf_counter()

    post = np.zeros((N, K))
    np.add.at(post, (item, lab), 1.0)
    post /= post.sum(axis=1, keepdims=True)
    al = ann * K + lab
    prev = -np.inf
    it = 0
    for it in range(1, 101):
        # M-step: counts[a, l, k] = sum of posteriors of true k over a's votes l.
        cnt = np.stack([np.bincount(al, weights=post[item, k], minlength=A * K)
                        for k in range(K)], axis=1).reshape(A, K, K) + 1e-8
        conf = cnt / cnt.sum(axis=1, keepdims=True)
        prior = post.sum(axis=0) + 1e-9
        prior /= prior.sum()
        logconf = np.log(conf).reshape(A * K, K)
        # E-step in log space.
        acc = np.stack([np.bincount(item, weights=logconf[al, k], minlength=N)
                        for k in range(K)], axis=1) + np.log(prior)
        mx = acc.max(axis=1, keepdims=True)
        e = np.exp(acc - mx)
        s = e.sum(axis=1, keepdims=True)
        post = e / s
        ll = float((mx + np.log(s)).sum())
        if ll - prev < 1e-5 * len(item):
            break
        prev = ll
    t2 = time.perf_counter()
    print(f"ds_numpy {t2 - t1:.3f} {it} {t2 - t0:.3f}")


if __name__ == "__main__":
    main()
