"""peers: the benchmark's Python comparison points on the same votes.csv.

Run with Debian's /usr/bin/python3. Reads item,annotator,label rows, builds the
items x labels count table with numpy, then times statsmodels' fleiss_kappa on
it and, when installed, the `krippendorff` package's nominal alpha from the
same value counts. statsmodels is timed twice: fleiss_kappa alone on the
table, and its own route (aggregate_raters on an items x raters matrix, then
fleiss_kappa). Prints one line per peer:

    NAME SECONDS_PEER_ONLY SECONDS_TOTAL VALUE

(the total includes reading the CSV and building the table). Exits 77 when
numpy or statsmodels is missing, so the caller can skip cleanly.

statsmodels' fleiss_kappa requires every item to have the same number of
votes, so the table holds each item's first three votes (same shape as the
full table); its value therefore differs from gavel's, which uses every vote
(src/stats.h, stats_compute). Only the running times are compared.
"""
import sys
import time


def load_table(path):
    """Return the items x labels count table (numpy int64) of each item's first
    three votes: statsmodels' fleiss_kappa insists on the same number of votes
    per item, and every item here has at least three, so the table keeps the
    full size (all items, all labels) of the one gavel computes from."""
    import numpy as np

    try:
        import pandas as pd

        df = pd.read_csv(path, dtype=str)
        item_idx, _ = pd.factorize(df.iloc[:, 0])
        label_idx, label_names = pd.factorize(df.iloc[:, 2])
        rank = pd.Series(item_idx).groupby(item_idx).cumcount().to_numpy()
    except ImportError:
        import csv

        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
        _, item_idx = np.unique([r[0] for r in rows], return_inverse=True)
        label_names, label_idx = np.unique([r[2] for r in rows], return_inverse=True)
        order = np.argsort(item_idx, kind="stable")
        sorted_items = item_idx[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_items)) + 1]
        counts = np.diff(np.r_[starts, len(sorted_items)])
        rank = np.empty_like(item_idx)
        rank[order] = np.arange(len(order)) - np.repeat(starts, counts)
    keep = rank < 3
    k = len(label_names)
    n = int(item_idx.max()) + 1
    flat = np.bincount(item_idx[keep] * k + label_idx[keep], minlength=n * k)
    return flat.reshape(-1, k)


def main():
    if len(sys.argv) != 2:
        print("usage: peers.py votes.csv", file=sys.stderr)
        return 2
    try:
        import numpy  # noqa: F401
        from statsmodels.stats.inter_rater import fleiss_kappa
    except ImportError as e:
        print("peers: %s" % e, file=sys.stderr)
        return 77
    t0 = time.perf_counter()
    table = load_table(sys.argv[1])
    t1 = time.perf_counter()
    kappa = fleiss_kappa(table)
    t2 = time.perf_counter()
    print("statsmodels_fleiss_kappa %.3f %.3f %.6f" % (t2 - t1, t2 - t0, kappa))
    sys.stdout.flush()
    # statsmodels' own route from an items x raters matrix of label codes
    # (the first three votes of each item, rebuilt from the table).
    import numpy as np
    from statsmodels.stats.inter_rater import aggregate_raters

    raters = np.repeat(np.tile(np.arange(table.shape[1]), (table.shape[0], 1)).ravel(),
                       table.ravel()).reshape(-1, 3)
    t3 = time.perf_counter()
    agg, _ = aggregate_raters(raters)
    kappa2 = fleiss_kappa(agg)
    t4 = time.perf_counter()
    print("statsmodels_aggregate_fleiss %.3f %.3f %.6f" % (t4 - t3, (t1 - t0) + (t4 - t3), kappa2))
    sys.stdout.flush()
    try:
        import krippendorff
    except ImportError:
        return 0
    t5 = time.perf_counter()
    alpha = krippendorff.alpha(value_counts=table, level_of_measurement="nominal")
    t6 = time.perf_counter()
    print("krippendorff_alpha %.3f %.3f %.6f" % (t6 - t5, (t1 - t0) + (t6 - t5), alpha))
    return 0


if __name__ == "__main__":
    sys.exit(main())
