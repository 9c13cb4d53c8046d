"""Candidate pairs from LSH band keys: rows that share a bucket, inside one split or across two."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

BUCKET_CAP = 64
"""An LSH bucket with more members than this is paired along a sliding window, not all pairs."""


def unique_ints(values: np.ndarray, in_place: bool = False) -> np.ndarray:
    """Sorted unique values of an integer array, by sorting (`in_place`: sorting `values` itself,
    which the caller no longer needs, instead of a copy).

    numpy 2.4's np.unique takes a hash-based path that measured ~100x slower than a sort on 5M
    int64 values (5.1 s against 0.05 s).
    """
    if not len(values):
        return values
    if in_place and values.flags.writeable:
        values.sort()
        ordered = values
    else:
        ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _pair_codes(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """Each pair of rows as one int64, lo * n + hi (which keeps the (lo, hi) order); self-pairs dropped."""
    lo, hi = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
    codes = lo * np.int64(n) + hi
    return codes[lo != hi]


def _window_pairs(
    key: np.ndarray, idx: np.ndarray, cap: int, pair: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> list[np.ndarray]:
    """`pair` of (idx[i], idx[i+d]) with equal `key`, 1 <= d < cap, on arrays sorted by key."""
    parts = []
    for d in range(1, cap):
        if d >= len(key):
            break
        same = key[:-d] == key[d:]
        if not same.any():
            break
        parts.append(pair(idx[:-d][same], idx[d:][same]))
    return parts


def bucket_pairs(
    key: np.ndarray, idx: np.ndarray, cap: int, pair: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> list[np.ndarray]:
    """The candidate pairs of buckets (`pair` of member arrays, a batch each), on `key` and `idx`
    sorted by (key, idx): each member with its next `cap - 1` in the bucket, and, in a bucket of
    more than `cap` members, its first member with every other, so that the bucket stays connected
    for grouping. The rows of one bucket may be a whole split's (`candidates_within`) or a shuffle's
    part (`dataqa.text.near_blocks`): the pairs are the same."""
    parts = _window_pairs(key, idx, cap, pair)
    # A bucket holds more than `cap` keys where a key equals the one `cap` places on; found so,
    # without a start and size per bucket (18M buckets, 0.4 GB of arrays, for 1M prompts).
    big_keys = unique_ints(key[:-cap][key[:-cap] == key[cap:]]) if len(key) > cap else key[:0]
    if len(big_keys):
        starts = np.searchsorted(key, big_keys, side="left")
        stops = np.searchsorted(key, big_keys, side="right")
        first = np.repeat(idx[starts], stops - starts)
        members = np.concatenate([idx[a:b] for a, b in zip(starts, stops, strict=True)])
        parts.append(pair(first, members))
    return parts


def row_bits(n: int) -> np.uint64:
    """Bits a row index of `n` rows takes: `candidates_within` keeps a band key's top 64 - these."""
    return np.uint64(max(1, (n - 1).bit_length()))


def candidates_within(keys: np.ndarray, cap: int = BUCKET_CAP) -> np.ndarray:
    """Candidate pairs (i < j) of rows sharing a band key, as sorted unique codes i * n + j.

    One int64 per pair, not an (m, 2) array: at a million chat rows the prompts made 21M
    candidates, and the pairs, their copies and the sort's buffers were DUP004's peak."""
    n = keys.shape[0]
    if n < 2:
        return np.empty(0, dtype=np.int64)
    cap = max(cap, 1)  # a cap of 0 pairs no neighbours either; every bucket of two or more is a star
    # One in-place sort of (key, row) packed into 64 bits, the row in the low bits: several times
    # faster than an argsort. The key keeps its top 64 - row_bits bits; two keys that agree on
    # those (about 60 pairs among 32M keys at a million rows) merge their buckets, which adds a
    # few candidate pairs and changes nothing else, since every candidate is verified.
    bits = row_bits(n)
    flat = keys >> bits
    flat <<= bits
    flat |= np.arange(n, dtype=np.uint64)[:, None]
    flat = flat.reshape(-1)
    flat.sort()
    idx = (flat & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int32 if n < 2**31 else np.int64)
    flat >>= bits
    parts = bucket_pairs(flat, idx, cap, lambda a, b: _pair_codes(a, b, n))
    del flat, idx
    if not parts:
        return np.empty(0, dtype=np.int64)
    codes = np.concatenate(parts)
    del parts
    # Unique pairs by one int64 code per pair: a 1-D sort, several times faster than
    # np.unique(axis=0), which sorts rows lexicographically.
    return unique_ints(codes, in_place=True)


def candidates_across(left: np.ndarray, right: np.ndarray, cap: int = BUCKET_CAP) -> np.ndarray:
    """Candidate pairs (left row, right row) sharing a band key, as sorted unique codes
    left * len(right) + right (see `candidates_within`)."""
    if not len(left) or not len(right):
        return np.empty(0, dtype=np.int64)
    bands = left.shape[1]
    frames = []
    for keys in (left, right):
        frames.append(
            pl.DataFrame(
                {
                    "key": keys.reshape(-1),
                    "row": np.repeat(np.arange(len(keys), dtype=np.int64), bands),
                }
            )
        )
    lf, rf = frames
    rf = rf.join(lf.select("key").unique(), on="key", how="semi")
    lf = lf.join(rf.select("key").unique(), on="key", how="semi")
    # Cap each bucket's right side at its first `cap` rows (by row order), so templated text that
    # fills one bucket cannot explode the pair count.
    rf = rf.sort(["key", "row"]).filter(pl.int_range(pl.len()).over("key") < cap)
    joined = lf.join(rf, on="key", suffix="_r").select(pl.col("row") * len(right) + pl.col("row_r"))
    return unique_ints(joined.to_series().to_numpy().astype(np.int64), in_place=True)
