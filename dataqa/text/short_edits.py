"""Exact candidate pairs of short texts one word apart, which the MinHash sketches miss.

A one-word edit changes most of a short text's word pairs ("does life have meaning" / "does
life have a meaning" share 2 of 5; an intent set's common pairs, "how do", "can you", are
template shingles the sketches leave out, so fewer are left), and its sketches then meet by
chance. Yet a short text is where one word added, dropped or misspelt is the whole difference.
So texts of up to `slots.SHORT_WORDS` content words (filler left out, as the verifier leaves
it: "please set a timer for me" is "set timer for me") also get exact keys: the hash of their
content words in order, and of each form with one content word left out. Two texts sharing a
key have the same content words, or one more, or one other (a typo, a swap), in order; they
become candidate pairs and are verified like every other candidate, so the keys only add
recall, never a finding of their own.

Longer texts get one key of their own (`long_keys`): the hash of their content words in order. Two
long texts apart only in filler ("keep it in (just) a small function ... (thanks)") share it; the
sketches miss such pairs where template shingles leave a text few word pairs of its own, each
filler word breaking two of them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.text.candidates import candidates_across, candidates_within
from dataqa.text.hashing import GOLDEN, HASH_SEED, mix
from dataqa.text.normalise import CHUNK_DOCS, distinct
from dataqa.text.slots import SHORT_WORDS
from dataqa.text.templates import in_sorted, word_table
from dataqa.text.word_lists import FILLER

MIN_LEFT = 2
"""Content words a form with one word left out keeps at least: a one-word form ("coffee" of
"make coffee") would pair every text of two content words with each that shares one of them."""

KEYS = SHORT_WORDS + 2
"""Keys per short text: its content words, each form with one of them left out, its letters."""

_FILLER_HASHES = np.sort(mix(pl.Series(sorted(FILLER), dtype=pl.String).hash(HASH_SEED).to_numpy()))
_PAD = np.uint64(0x2545F4914F6CDD1D)


def _sequence(words: np.ndarray, m: np.ndarray, left_out: int | None) -> np.ndarray:
    """Hash of each row's first `m` words of `words` in order, the word at `left_out` left out (one
    polynomial over the mixed word hashes, seeded by the length, mixed once): the same words in the
    same order hash alike, whichever text they come from."""
    with np.errstate(over="ignore"):
        acc = (m - (left_out is not None)).astype(np.uint64) * GOLDEN + GOLDEN
        for j in range(words.shape[1]):
            if j != left_out:
                acc = np.where(j < m, acc * GOLDEN + words[:, j], acc)
        return mix(acc, out=acc)


def _content_words(texts: pl.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document index, word hash) of each text's content words (filler left out, as the verifier
    leaves it; a text of filler alone keeps its words), and each text's count of them."""
    doc, h = word_table(texts)
    filler = in_sorted(_FILLER_HASHES, h)
    content = np.bincount(doc[~filler], minlength=len(texts))
    keep = ~filler | (content[doc] == 0)
    doc, h = doc[keep], h[keep]
    return doc, h, np.bincount(doc, minlength=len(texts))


def _long_chunk(texts: pl.Series, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys): the texts of `texts` with more than SHORT_WORDS content words (their indices +
    `offset`) and one key each, the hash of its content words in order."""
    doc, h, counts = _content_words(texts)
    rows = np.flatnonzero(counts > SHORT_WORDS)
    if not len(rows):
        return rows, np.empty(0, dtype=np.uint64)
    taken = np.isin(doc, rows)
    d, w = doc[taken], h[taken]
    with np.errstate(over="ignore"):
        at = (np.arange(len(d)) - np.searchsorted(d, d) + 1).astype(np.uint64) * _PAD  # place in text
        acc = np.zeros(len(texts), dtype=np.uint64)
        np.add.at(acc, d, mix(w ^ at))
        keys = mix(acc[rows] ^ counts[rows].astype(np.uint64) * GOLDEN)
    return rows + offset, keys


def long_keys(ctx: Context, split: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(rows among `distinct(ctx, split, column)`, their one key: see `_long_chunk`), once per scan."""
    return ctx.shared(
        ("bands", "long", split, column), lambda: long_text_keys(distinct(ctx, split, column).texts)
    )


def long_text_keys(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys) of `_long_chunk` over all of `texts`, a chunk of `CHUNK_DOCS` at a time."""
    return _chunked(_long_chunk, texts, np.empty(0, dtype=np.uint64))


def short_keys(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys) of `_chunk_keys` over all of `texts`, a chunk of `CHUNK_DOCS` at a time."""
    return _chunked(_chunk_keys, texts, np.empty((0, KEYS), dtype=np.uint64))


def _chunked(
    chunk: Callable[[pl.Series, int], tuple[np.ndarray, np.ndarray]], texts: pl.Series, no_keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`chunk` on each `CHUNK_DOCS` slice of `texts` (its rows offset by the slice's start), joined;
    no rows and `no_keys` for no texts."""
    parts = [chunk(texts.slice(at, CHUNK_DOCS), at) for at in range(0, len(texts), CHUNK_DOCS)]
    if not parts:
        return np.empty(0, dtype=np.int64), no_keys
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _chunk_keys(texts: pl.Series, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys): the texts of `texts` with 1..SHORT_WORDS content words (their indices + `offset`)
    and per such text `KEYS` keys: its content words' hash, then one per content word left out (for
    texts of more than `MIN_LEFT` content words), then its letters' hash (the text without its spaces:
    "bonner platz" / "bonnerplatz", "log in" / "login" share it). An unused slot holds a value drawn from the
    text's own content hash, which no other text shares unless it has the same content words."""
    doc, h, counts = _content_words(texts)
    short = (counts >= 1) & (counts <= SHORT_WORDS)
    rows = np.flatnonzero(short)
    if not len(rows):
        return rows, np.empty((0, KEYS), dtype=np.uint64)
    m = counts[rows]
    words = np.zeros((len(rows), int(m.max())), dtype=np.uint64)
    taken = short[doc]  # `doc` ascends: the words of the kept texts in row order
    at = np.searchsorted(rows, doc[taken])
    starts = np.concatenate([[0], np.cumsum(m)[:-1]])
    words[at, np.arange(len(at)) - starts[at]] = h[taken]
    whole = _sequence(words, m, None)
    with np.errstate(over="ignore"):
        slots = np.arange(1, KEYS + 1, dtype=np.uint64) * _PAD
        keys = mix(whole[:, None] ^ slots[None, :])
    keys[:, 0] = whole
    for left_out in range(words.shape[1]):
        used = (m > left_out) & (m > MIN_LEFT)
        if not used.any():
            break
        keys[used, left_out + 1] = _sequence(words[used], m[used], left_out)
    letters = texts.gather(rows).str.replace_all(" ", "", literal=True).hash(HASH_SEED).to_numpy()
    keys[:, -1] = mix(letters ^ _PAD)
    return rows + offset, keys


def edit_keys(ctx: Context, split: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(rows among `distinct(ctx, split, column)`, their keys: see `_chunk_keys`), once per scan."""
    # Under the "bands" family: every check that reads the sketches' band keys reads these too.
    return ctx.shared(
        ("bands", "edits", split, column), lambda: short_keys(distinct(ctx, split, column).texts)
    )


def edit_candidates(ctx: Context, left: str, right: str, column: str) -> np.ndarray:
    """Candidate pairs of short texts one content word apart and of long texts apart in filler alone
    (see the module doc), as codes left row * right size + right row among the distinct texts
    (inside one split, left row < right row)."""
    short = _keyed_pairs(
        ctx, left, right, column, edit_keys(ctx, left, column), edit_keys(ctx, right, column)
    )
    lrows, lkeys = long_keys(ctx, left, column)
    rrows, rkeys = long_keys(ctx, right, column)
    longer = _keyed_pairs(ctx, left, right, column, (lrows, lkeys[:, None]), (rrows, rkeys[:, None]))
    return np.concatenate([short, longer])


def _keyed_pairs(
    ctx: Context,
    left: str,
    right: str,
    column: str,
    lefts: tuple[np.ndarray, np.ndarray],
    rights: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Candidate pairs of rows sharing a key (`lefts`, `rights`: rows and their key matrix), as
    `edit_candidates` codes them."""
    lrows, lkeys = lefts
    if left == right:
        if len(lrows) < 2:
            return np.empty(0, dtype=np.int64)
        codes = candidates_within(lkeys)
        n = np.int64(len(lrows))
        width = np.int64(distinct(ctx, left, column).size)
        return lrows[codes // n] * width + lrows[codes % n]  # lrows ascending: the order is kept
    rrows, rkeys = rights
    if not len(lrows) or not len(rrows):
        return np.empty(0, dtype=np.int64)
    codes = candidates_across(lkeys, rkeys)
    n = np.int64(len(rrows))
    width = np.int64(distinct(ctx, right, column).size)
    return lrows[codes // n] * width + rrows[codes % n]
