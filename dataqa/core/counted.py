"""Order statistics of values given with their counts: what a check computes from block summaries.

A summary check (`registry.Summarised`) carries counts per value (rows per token length, per word
count), which merge exactly over blocks; these give the statistics numpy or `statistics` give on
the values one per row, so the result does not depend on how the rows were cut.
"""

from __future__ import annotations

from collections import Counter

import numpy as np


def kth(values: np.ndarray, counts: np.ndarray, k: int) -> float:
    """The `k`-th (from 0) of the sorted `values`, each repeated its count of times."""
    return float(values[int(np.searchsorted(np.cumsum(counts), k, side="right"))])


def median(values: np.ndarray, counts: np.ndarray) -> float:
    """`np.median` of the sorted `values`, each repeated its count of times."""
    n = int(counts.sum())
    if n % 2:
        return kth(values, counts, n // 2)
    return float((np.float64(kth(values, counts, n // 2 - 1)) + np.float64(kth(values, counts, n // 2))) / 2)


def median_of(counts: Counter[int]) -> float:
    """The median of numbers given as {number: rows} (`statistics.median` of the rows' numbers)."""
    values = sorted(counts)
    return median(np.array(values, dtype=np.float64), np.array([counts[v] for v in values]))
