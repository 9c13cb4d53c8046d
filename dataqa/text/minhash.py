"""MinHash sketches and LSH band keys of the distinct normalised texts (see `dataqa.text.near_duplicates`).

One-permutation MinHash over word shingles (template shingles left out: `dataqa.text.templates`),
empty bins filled by optimal densification, then one 64-bit key per band: texts sharing a band key
become candidate pairs (`dataqa.text.candidates`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.text.hashing import GOLDEN, HASH_SEED, mix
from dataqa.text.normalise import CHUNK_DOCS, distinct
from dataqa.text.templates import in_sorted, shingle_starts, templates, word_table

DEFAULT_SHINGLE = 2
"""Default shingle size in words for the MinHash candidates (word pairs: see `near_duplicates`)."""
NUM_PERM = 128
"""MinHash bins per text (one-permutation hashing)."""
BANDS = 32
"""LSH bands; each band is NUM_PERM // BANDS bins. 32 x 4: P(candidate | Jaccard 0.6) = 0.99."""

_EMPTY = np.uint32(0xFFFFFFFF)


def _shingle_hashes(
    texts: pl.Series, shingle: int, templates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(document index, 64-bit shingle hash) for every word `shingle`-gram of each text.

    A text with fewer words than `shingle` has one shingle: the text itself. Template shingles
    (`dataqa.text.templates`) are left out, except from a text that has no other shingle.
    """
    doc, h = word_table(texts)
    if shingle <= 1:
        docs, acc = doc, h
    else:
        acc, valid = shingle_starts(doc, h, shingle)
        docs, acc = doc[valid], acc[valid]
        # Texts too short for one full shingle: the whole text is its shingle.
        counts = np.bincount(doc, minlength=len(texts))
        short = np.flatnonzero(counts < shingle)
        if len(short):
            whole = mix(texts.gather(short).fill_null("").hash(HASH_SEED).to_numpy())
            docs = np.concatenate([docs, short.astype(np.int64)])
            acc = np.concatenate([acc, whole])
    if templates is not None and len(templates) and len(acc):
        common = in_sorted(templates, acc)
        if common.any():
            kept = np.bincount(docs[~common], minlength=len(texts))
            keep = ~common | (kept[docs] == 0)
            docs, acc = docs[keep], acc[keep]
    return docs, acc


def _borrow_table(k: int, attempts: int) -> np.ndarray:
    """For optimal densification: the bin an empty bin `j` borrows from at attempt `t` (same for all docs)."""
    with np.errstate(over="ignore"):
        grid = np.arange(attempts * k, dtype=np.uint64) + np.uint64(0xD1B54A32D192ED03)
        return (mix(grid) % np.uint64(k)).astype(np.int64).reshape(attempts, k)


_BORROW = _borrow_table(NUM_PERM, 4096)


def _borrow_rank(borrow: np.ndarray) -> np.ndarray:
    """(k, k + 1) int16: rank[j, b] = how many distinct bins bin `j`'s attempts visit before bin `b`
    (k: never visited); column k is a sentinel past every rank. The first filled bin of `j`'s
    attempts is the filled bin of lowest rank, found without running the attempts."""
    k = borrow.shape[1]
    rank = np.full((k, k + 1), 2 * k, dtype=np.int16)
    for j in range(k):
        bins, first = np.unique(borrow[:, j], return_index=True)
        rank[j, bins[np.argsort(first)]] = np.arange(len(bins), dtype=np.int16)
    rank[rank == 2 * k] = k
    rank[:, k] = 2 * k
    return rank


_RANK = _borrow_rank(_BORROW)
_SOURCE_KEY = (
    _RANK.astype(np.int32) * (_RANK.shape[0] + 1) + np.arange(_RANK.shape[1], dtype=np.int32)
).T.copy()
"""(k + 1, k): _SOURCE_KEY[b, j] = rank of bin `b` for bin `j` x (k + 1) + b. The least over a text's
filled bins names the source of each empty bin (the filled bin of lowest rank; of equal ranks the
first, as an argmin over its bins in order would), with one row gather and one minimum per filled
bin: an argmin over the last axis of a (k, texts, FEW_BINS) array took ~1 s per 20k short texts."""
FEW_BINS = 8
"""Texts with at most this many filled bins are densified by rank (`_borrow_rank`) in one step; the
rest by attempts, which for them end after a few rounds."""


def _densify_few(sig: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Densified sketches of `rows` of `sig`, texts with 2..FEW_BINS filled bins: every empty bin
    takes the value of the filled bin of lowest rank (the one optimal densification's attempts
    reach first)."""
    part = sig[rows]
    k = part.shape[1]
    filled = part != _EMPTY
    r, c = np.nonzero(filled)
    slot = np.arange(len(r)) - np.searchsorted(r, r)  # position of each filled bin in its row
    bins = np.full((len(rows), FEW_BINS), k, dtype=np.int64)  # k: the sentinel column
    bins[r, slot] = c
    key = _SOURCE_KEY[bins[:, 0]]  # (rows, k): see `_SOURCE_KEY`; row gathers, slot by slot
    for at in range(1, FEW_BINS):
        np.minimum(key, _SOURCE_KEY[bins[:, at]], out=key)
    source = key % (k + 1)
    borrowed = np.take_along_axis(part, np.minimum(source, k - 1), axis=1)
    return np.where(filled, part, borrowed)


def _sketch_chunk(
    texts: pl.Series, shingle: int, k: int = NUM_PERM, common: np.ndarray | None = None
) -> np.ndarray:
    """One-permutation MinHash sketches (uint32, shape (len(texts), k)) with optimal densification,
    of each text's shingles but the template shingles `common`."""
    n = len(texts)
    doc, h = _shingle_hashes(texts, shingle, common)
    sig = np.full(n * k, _EMPTY, dtype=np.uint32)
    bins = (h & np.uint64(k - 1) if k & (k - 1) == 0 else h % np.uint64(k)).astype(np.int64)
    values = np.minimum(h >> np.uint64(32), np.uint64(0xFFFFFFFE)).astype(np.uint32)
    np.minimum.at(sig, doc * k + bins, values)
    sig = sig.reshape(n, k)
    out = sig.copy()
    # A text with one filled bin (a one-shingle text) borrows that bin's value for every empty bin,
    # which is what the loop below computes, after ~k attempts per bin; set it directly.
    count = (sig != _EMPTY).sum(axis=1)
    single = count == 1
    if single.any():
        out[single] = sig[single].min(axis=1)[:, None]
    few = np.flatnonzero((count > 1) & (count <= FEW_BINS))
    if len(few) and k == _RANK.shape[0]:
        out[few] = _densify_few(sig, few)
        single[few] = True  # done
    rows, cols = np.nonzero((sig == _EMPTY) & ~single[:, None])
    for attempt in range(_BORROW.shape[0]):
        if not len(rows):
            break
        got = sig[rows, _BORROW[attempt, cols]]
        ok = got != _EMPTY
        out[rows[ok], cols[ok]] = got[ok]
        rows, cols = rows[~ok], cols[~ok]
    if len(rows):  # practically never: fall back to the text's smallest value
        out[rows, cols] = sig.min(axis=1)[rows]
    return out


def sketches(ctx: Context, split: str, column: str = "text", shingle: int = DEFAULT_SHINGLE) -> np.ndarray:
    """MinHash sketches of the distinct normalised texts of a column (rows as in `distinct().lines`).

    Template shingles (`dataqa.text.templates`) are left out. Not cached: the scan keeps only
    their band keys (`bands`), half the memory."""
    texts = distinct(ctx, split, column).texts
    common = templates(ctx, column, shingle)
    parts = [
        _sketch_chunk(texts.slice(start, CHUNK_DOCS), shingle, common=common)
        for start in range(0, len(texts), CHUNK_DOCS)
    ]
    return np.concatenate(parts) if parts else np.empty((0, NUM_PERM), dtype=np.uint32)


def bands(ctx: Context, split: str, column: str = "text", shingle: int = DEFAULT_SHINGLE) -> np.ndarray:
    """LSH band keys (`band_keys`) of the distinct normalised texts of a column, computed once per
    scan chunk by chunk, so the full sketch matrix is never held."""

    def build() -> np.ndarray:
        texts = distinct(ctx, split, column).texts
        common = templates(ctx, column, shingle)
        parts = [
            band_keys(_sketch_chunk(texts.slice(start, CHUNK_DOCS), shingle, common=common))
            for start in range(0, len(texts), CHUNK_DOCS)
        ]
        return np.concatenate(parts) if parts else np.empty((0, BANDS), dtype=np.uint64)

    return ctx.shared(("bands", split, column, shingle), build)


def band_keys(sig: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """One 64-bit key per (text, band): shape (len(sig), bands). Equal keys = a candidate pair."""
    n, k = sig.shape
    rows = k // bands
    with np.errstate(over="ignore"):
        keys = np.empty((n, bands), dtype=np.uint64)
        for b in range(bands):
            acc = np.full(n, np.uint64(b + 1) * GOLDEN, dtype=np.uint64)
            for r in range(rows):
                acc = mix(acc ^ sig[:, b * rows + r].astype(np.uint64))
            keys[:, b] = acc
    return keys
