"""Verification of candidate pairs: the true word-level edit ratio of their normalised texts.

The similarity reported for a pair is this score, never a sketch's estimate; pairs under the
threshold are dropped.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dataqa.text.candidates import unique_ints
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import normalise_expr

VERIFY_CHUNK = 100_000
"""Candidate pairs verified per rapidfuzz batch."""


def _word_counts(texts: pl.Series) -> np.ndarray:
    """Words in each normalised text (single spaces, no leading or trailing space)."""
    return (texts.str.count_matches(" ") + 1).to_numpy().astype(np.float64)


VERIFY_CACHE_WORDS = 64_000_000
"""Words of encoded texts kept between verification batches (about 128-256 MB)."""


class _WordCodes:
    """Texts as strings of one character per word, equal words equal characters, so that
    rapidfuzz's fast string path computes the edit ratio over words.

    Codes come from one table of word hashes that grows batch by batch (polars hash lookups, no
    Python loop per word). Codes skip NUL and the surrogates; past 1.1 million distinct words (far
    beyond most scans' candidates) they wrap around and a score may be slightly overstated.
    """

    LIMIT = 0x10FFFF - 0x800

    def __init__(self) -> None:
        self.keys = pl.Series(dtype=pl.UInt64)  # word hashes, in order of first batch
        self.codes = pl.Series(dtype=pl.UInt32)  # their codes, same order

    def encode(self, texts: pl.Series) -> list[str]:
        words = texts.str.split(" ")
        counts = words.list.len().to_numpy().astype(np.int64)
        hashed = words.explode().hash(HASH_SEED)
        batch = hashed.unique()
        unseen = np.sort(batch.filter(~batch.is_in(self.keys.implode())).to_numpy())
        if len(unseen):
            first = len(self.keys)
            self.keys = pl.concat([self.keys, pl.Series(unseen, dtype=pl.UInt64)], rechunk=True)
            self.codes = pl.concat(
                [self.codes, pl.int_range(first, first + len(unseen), dtype=pl.UInt32, eager=True)]
            )
        found = hashed.replace_strict(self.keys, self.codes, return_dtype=pl.UInt32).to_numpy()
        codes = found % np.uint32(self.LIMIT) + np.uint32(1)
        codes[codes >= 0xD800] += 0x800
        joined = codes.astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(counts)
        return [joined[start:end] for start, end in zip((ends - counts).tolist(), ends.tolist(), strict=True)]


class _EncodedTexts:
    """The `_WordCodes` strings of one column's distinct texts, encoded on demand in batches and
    kept (up to `VERIFY_CACHE_WORDS` words) so that each text is encoded about once."""

    def __init__(self, texts: pl.Series, words: _WordCodes) -> None:
        self.texts, self.words = texts, words
        self.strings = np.full(len(texts), None, dtype=object)
        self.kept_words = 0
        self.counts = _word_counts(texts)

    def get(self, rows: np.ndarray) -> np.ndarray:
        needed = unique_ints(rows)
        missing = needed[self.strings[needed] == None]  # noqa: E711 (element-wise comparison)
        if len(missing) and self.kept_words + self.counts[missing].sum() > VERIFY_CACHE_WORDS:
            self.strings[:] = None  # full: start again with just this batch's texts
            self.kept_words, missing = 0, needed
        if len(missing):
            self.strings[missing] = self.words.encode(self.texts.gather(missing))
            self.kept_words += int(self.counts[missing].sum())
        return self.strings[rows]


def verify_pairs(
    left_texts: pl.Series, right_texts: pl.Series, codes: np.ndarray, width: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the candidate pairs whose true similarity reaches `threshold`: (pairs kept as an
    (m, 2) array of (left row, right row), their similarity). The candidates are codes
    left * `width` + right, decoded a batch at a time."""
    if not len(codes):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    words = _WordCodes()
    left = _EncodedTexts(left_texts, words)
    right = left if left_texts is right_texts else _EncodedTexts(right_texts, words)
    cutoff = threshold * 100 - 1e-6
    kept, sims = [], []
    for start in range(0, len(codes), VERIFY_CHUNK):
        chunk = codes[start : start + VERIFY_CHUNK]
        lo, hi = chunk // width, chunk % width
        # The ratio cannot exceed 2 * min / sum of the word counts: skip pairs that cannot reach it.
        left_len, right_len = left.counts[lo], right.counts[hi]
        bound = 2 * np.minimum(left_len, right_len) / np.maximum(left_len + right_len, 1)
        possible = bound >= threshold - 1e-9
        lo, hi = lo[possible], hi[possible]
        if not len(lo):
            continue
        a = left.get(lo).tolist()
        b = right.get(hi).tolist()
        scores = cpdist(a, b, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)
        scores = np.asarray(scores, dtype=np.float64) / 100.0
        ok = scores >= threshold - 1e-9
        kept.append(np.stack([lo[ok], hi[ok]], axis=1))
        sims.append(scores[ok])
    if not kept:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    return np.concatenate(kept), np.concatenate(sims)


def word_similarity(a: str, b: str) -> float:
    """Edit ratio over the words of two already normalised texts: 1 - (words inserted or deleted to
    turn one into the other) / (words in both). One changed word in a 20-word text: 0.95."""
    return fuzz.ratio(a.split(" ") if a else [], b.split(" ") if b else []) / 100.0


def similarity(a: str, b: str) -> float:
    """The verified similarity of two raw texts: `word_similarity` of their normalised forms."""
    norm = pl.DataFrame({"t": [a, b]}).select(normalise_expr(pl.col("t")))["t"].to_list()
    return word_similarity(norm[0], norm[1])
