"""One-word swaps decided for a whole batch of candidate pairs before they are aligned one by one.

Verification (`dataqa.text.verify`) aligns each candidate pair of a batch in Python; on short texts
under many labels most aligned pairs are dropped for one word swapped for another ("hi cancel my
flight" / "hey check my flight"). Where the alignment of a pair is known without aligning it, the
swap is decided here for every such pair at once, by the rule `slots.compare` applies to it
(`slots.swap_rules`), so the Python loop sees only the pairs left.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from dataqa.text import slots
from dataqa.text.templates import in_sorted


class WordCodes(Protocol):
    """The batch's word table (`verify`'s): each word's `slots.word_kind`, code lookup, typo test."""

    kinds: np.ndarray

    def index(self, codes: np.ndarray) -> np.ndarray | None: ...

    def typo(self, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...


SWAP_TEXT_WORDS = 48
"""Pairs of texts of at most this many words each are looked at by `swapped` (a swap rarely
decides a longer pair, and looking costs per word)."""


def swapped(
    full_a: np.ndarray, full_b: np.ndarray, content_a: np.ndarray, content_b: np.ndarray, words: WordCodes
) -> np.ndarray:
    """The pairs of code strings (`full_a`, `full_b`; content code strings `content_a`, `content_b`)
    that `verify._judge` drops for one word swapped for another, found for the whole batch without
    aligning them one by one: True where dropped, False where not known.

    When the words of one text that the other has not, left out, leave the same sequence on both
    sides, that sequence is the only longest common subsequence, so the alignment is known: its
    gaps are the runs of words only one side has. A gap of one word a side decides by the two
    words' kinds, whether they are typos of each other, whether the text is short and whether a
    media marker stands before it (`slots.swap_rules`, which `slots.compare` applies to such a gap
    too), and one decisive gap drops the pair whatever the rest. On short texts under many labels
    most aligned pairs are of this shape ("hi cancel my flight" / "hey check my flight") and most
    of them are dropped."""
    decided = np.zeros(len(full_a), dtype=bool)
    len_a = np.fromiter(map(len, full_a), dtype=np.int64, count=len(full_a))
    len_b = np.fromiter(map(len, full_b), dtype=np.int64, count=len(full_b))
    pick = np.flatnonzero(np.maximum(len_a, len_b) <= SWAP_TEXT_WORDS)
    if not len(pick):
        return decided
    sides = []
    for strings, lengths in ((full_a[pick], len_a[pick]), (full_b[pick], len_b[pick])):
        index = words.index(np.frombuffer("".join(strings).encode("utf-32-le"), dtype="<u4"))
        if index is None:
            return decided
        sides.append((index, np.repeat(np.arange(len(pick), dtype=np.int64), lengths), lengths))
    (word_a, pair_a, len_a), (word_b, pair_b, len_b) = sides
    key_a, key_b = (pair_a << 21) | word_a, (pair_b << 21) | word_b  # word indices stay under 2**21
    in_b, in_a = in_sorted(np.sort(key_b), key_a), in_sorted(np.sort(key_a), key_b)
    known = np.bincount(pair_a[in_b], minlength=len(pick)) == np.bincount(pair_b[in_a], minlength=len(pick))
    kept_a, kept_b = in_b & known[pair_a], in_a & known[pair_b]
    known[pair_a[kept_a][word_a[kept_a] != word_b[kept_b]]] = False  # the shared words in another order
    gap_a, at_a = _one_word_gaps(in_b, pair_a, len_a, known)
    gap_b, at_b = _one_word_gaps(in_a, pair_b, len_b, known)
    _, on_a, on_b = np.intersect1d(gap_a, gap_b, assume_unique=True, return_indices=True)
    at_a, at_b = at_a[on_a], at_b[on_b]
    pair = pair_a[at_a]
    x, y = word_a[at_a], word_b[at_b]
    kind_x, kind_y = words.kinds[x].astype(np.int64), words.kinds[y].astype(np.int64)
    start = np.cumsum(len_a) - len_a
    after_media = (at_a > start[pair]) & (
        words.kinds[word_a[np.maximum(at_a - 1, 0)]] & slots.MEDIA_WORD != 0
    )
    content_words = np.minimum(
        np.fromiter(map(len, content_a[pick]), dtype=np.int64, count=len(pick)),
        np.fromiter(map(len, content_b[pick]), dtype=np.int64, count=len(pick)),
    )
    short = content_words[pair] <= slots.SHORT_WORDS
    typo = np.zeros(len(pair), dtype=bool)
    ask = np.flatnonzero(slots.swap_rules(kind_x, kind_y, False, short, after_media) == slots.WORD_RULE)
    typo[ask] = words.typo(x[ask], y[ask])  # the one rule a typo changes
    decided[pick[pair[slots.swap_rules(kind_x, kind_y, typo, short, after_media) != 0]]] = True
    return decided


def _one_word_gaps(
    matched: np.ndarray, pair: np.ndarray, lengths: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The gaps of one word in one side's words of the pairs whose alignment is `known`
    (`swapped`): (gap keys, pair and matched words before it, sorted; the word's flat position).
    `matched`: per word of that side, whether the other text has it; `pair`: its pair."""
    before = np.concatenate([[0], np.cumsum(matched)])  # words matched before each flat position
    start = np.cumsum(lengths) - lengths
    at = np.flatnonzero(~matched & known[pair])
    gap = pair[at] * (SWAP_TEXT_WORDS + 2) + before[at] - before[start[pair[at]]]
    alone = np.ones(len(at), dtype=bool)  # the only word of its gap
    same = gap[1:] == gap[:-1]
    alone[1:] &= ~same
    alone[:-1] &= ~same
    return gap[alone], at[alone]
