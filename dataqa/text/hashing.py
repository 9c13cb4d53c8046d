"""64-bit hashing shared by the MinHash sketches and the n-gram search: one seed, one mix."""

from __future__ import annotations

import numpy as np

HASH_SEED = 0x5EED
"""Seed of every polars hash of text in the similarity engine (words, shingles, content hashes)."""
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
"""The golden-ratio multiplier that chains mixed word hashes into one hash of a word sequence."""


def mix(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-spread 64-bit mix (uint64 arithmetic wraps on purpose).

    In place on `out` (a new array when None; `out=x` mixes x itself): half the memory traffic
    of building a temporary for every step, which matters on tens of millions of hashes."""
    out = np.copy(x) if out is None else out
    if out is not x:
        np.copyto(out, x)
    with np.errstate(over="ignore"):
        out ^= out >> np.uint64(30)
        out *= _M1
        out ^= out >> np.uint64(27)
        out *= _M2
        out ^= out >> np.uint64(31)
    return out
