"""Decisive gaps found for a whole batch of candidate pairs before they are aligned one by one.

Verification (`dataqa.text.verify`) aligns each candidate pair of a batch in Python; on short texts
under many labels most aligned pairs are dropped for a decisive difference in one place ("hi cancel
my flight" / "hey check my flight", "the order from friday thanks" / "the order from tomorrow
please"). Where the alignment of a pair is known without aligning it, its gaps are judged here for
every such pair at once, by the rules `slots.compare` applies to them, so the Python loop sees only
the pairs left.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from dataqa.text import slots
from dataqa.text.templates import in_sorted


class WordCodes(Protocol):
    """The batch's word table (`verify`'s): each word, its `slots.word_kind` and length, code lookup,
    typo test."""

    words: list[str]
    kinds: np.ndarray
    lengths: np.ndarray

    def index(self, codes: np.ndarray) -> np.ndarray | None: ...

    def typo(self, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...


SWAP_TEXT_WORDS = 48
"""Pairs of texts of at most this many words each are looked at by `swapped` (a gap rarely decides
a longer pair, and looking costs per word)."""
_STRIDE = SWAP_TEXT_WORDS + 2
"""Gap keys: pair * `_STRIDE` + the shared words before the gap (at most `SWAP_TEXT_WORDS`)."""


def swapped(
    full_a: np.ndarray, full_b: np.ndarray, content_a: np.ndarray, content_b: np.ndarray, words: WordCodes
) -> np.ndarray:
    """The pairs of code strings (`full_a`, `full_b`; content code strings `content_a`, `content_b`)
    that `verify._judge` drops for a decisive difference, found for the whole batch without aligning
    them one by one: True where dropped, False where not known.

    When the words of one text that the other has not, left out, leave the same sequence on both
    sides, that sequence is the only longest common subsequence, so the alignment is known: its
    gaps are the runs of words only one side has between the same shared words. A gap decides by
    `slots.compare`'s rules, read here from the words' kinds (`slots.word_kind`): a media marker
    in it or just before it; in a small gap (`slots.SMALL_GAP` words a side or fewer) more
    negations on one side, or a quantity added; quantities on both sides, not the same ones; and in
    a short text (`slots.SHORT_WORDS` content words) words on both sides that stand for other
    words, unless the two sides written as one word are one word or typos of each other ("e mail" /
    "email"): word for word when the sides are of one length (a typo fix, filler for filler and an
    identifier for another stand for nothing), otherwise a content word on each side. One decisive
    gap drops the pair whatever the rest. Two rules are left to `compare`: an ordinal that ranks
    ("second oldest") and a word that makes another term (`slots.extends`). On short texts under
    many labels most aligned pairs are of this shape and most of them are dropped."""
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
    gap_a, at_a = _gap_words(in_b, pair_a, len_a, known)
    gap_b, at_b = _gap_words(in_a, pair_b, len_b, known)
    keys = np.sort(np.concatenate([gap_a, gap_b]), kind="stable")  # two ascending runs: merged
    if not len(keys):
        return decided
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    on_a, on_b = np.searchsorted(keys, gap_a), np.searchsorted(keys, gap_b)
    x, y = word_a[at_a], word_b[at_b]
    kind_x, kind_y = words.kinds[x], words.kinds[y]

    def count(on: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(on if where is None else on[where], minlength=len(keys))

    def kind_count(on: np.ndarray, kinds: np.ndarray, flag: int) -> np.ndarray:
        return count(on, kinds & flag != 0)

    pair, before = keys // _STRIDE, keys % _STRIDE
    count_a, count_b = count(on_a), count(on_b)
    small = np.maximum(count_a, count_b) <= slots.SMALL_GAP
    one_side = (count_a == 0) | (count_b == 0)
    content_words = np.minimum(
        np.fromiter(map(len, content_a[pick]), dtype=np.int64, count=len(pick)),
        np.fromiter(map(len, content_b[pick]), dtype=np.int64, count=len(pick)),
    )
    short = content_words[pair] <= slots.SHORT_WORDS
    # media: a marker in the gap, or the shared word before it (`compare` looks on side a)
    matched = np.flatnonzero(in_b)
    shared = np.bincount(pair_a[in_b], minlength=len(pick))
    previous = (
        matched[np.maximum(np.cumsum(shared)[pair] - shared[pair] + before - 1, 0)] if len(matched) else 0
    )
    after_media = (before > 0) & (words.kinds[word_a[previous]] & slots.MEDIA_WORD != 0)
    media = after_media | (
        kind_count(on_a, kind_x, slots.MEDIA_WORD) + kind_count(on_b, kind_y, slots.MEDIA_WORD) > 0
    )
    negation = small & (
        kind_count(on_a, kind_x, slots.NEGATION_WORD) != kind_count(on_b, kind_y, slots.NEGATION_WORD)
    )
    quantities_a = kind_count(on_a, kind_x, slots.QUANTITY_WORD)
    quantities_b = kind_count(on_b, kind_y, slots.QUANTITY_WORD)
    number = (one_side & small & (quantities_a + quantities_b > 0)) | _other_quantities(
        (on_a, on_b), (x, y), (kind_x, kind_y), quantities_a, quantities_b
    )
    decisive = media | negation | number
    # another word in a short text: `compare`'s two cases, sides of one length or not
    ask = short & ~one_side & ~decisive
    same_length = ask & (count_a == count_b)
    other = ask & ~same_length
    plain = slots.FILLER_WORD | slots.NUMBER_WORD  # what a content word is not
    stands = other & (count(on_a, kind_x & plain == 0) > 0) & (count(on_b, kind_y & plain == 0) > 0)
    pick_a, pick_b = np.flatnonzero(same_length[on_a]), np.flatnonzero(same_length[on_b])
    both = kind_x[pick_a] & kind_y[pick_b]  # one for one: both sides list the gap's words in order
    maybe = np.flatnonzero(both & plain == 0)
    differs = ~words.typo(x[pick_a[maybe]], y[pick_b[maybe]])
    stands[on_a[pick_a[maybe[differs]]]] = True
    stands &= ~_one_word(stands, (on_a, on_b), (x, y), (count_a, count_b), words)
    decisive |= stands
    decided[pick[pair[decisive]]] = True
    return decided


def _gap_words(
    matched: np.ndarray, pair: np.ndarray, lengths: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The words of one side's gaps in the pairs whose alignment is `known` (`swapped`): (gap key,
    pair * `_STRIDE` + matched words before it, ascending; the word's flat position). `matched`: per
    word of that side, whether the other text has it; `pair`: its pair."""
    before = np.concatenate([[0], np.cumsum(matched)])  # words matched before each flat position
    start = np.cumsum(lengths) - lengths
    at = np.flatnonzero(~matched & known[pair])
    return pair[at] * _STRIDE + before[at] - before[start[pair[at]]], at


def _other_quantities(
    on: tuple[np.ndarray, np.ndarray],
    words: tuple[np.ndarray, np.ndarray],
    kinds: tuple[np.ndarray, np.ndarray],
    count_a: np.ndarray,
    count_b: np.ndarray,
) -> np.ndarray:
    """Per gap: quantities on both sides, and not the same ones (as multisets)."""
    out = (count_a > 0) & (count_b > 0) & (count_a != count_b)
    alike = (count_a > 0) & (count_a == count_b)
    if not alike.any():
        return out
    sides = []
    for side_on, side_words, side_kinds in zip(on, words, kinds, strict=True):
        at = np.flatnonzero((side_kinds & slots.QUANTITY_WORD != 0) & alike[side_on])
        sides.append(np.lexsort((side_words[at], side_on[at])))
        sides[-1] = (side_on[at][sides[-1]], side_words[at][sides[-1]])
    (gap, word_a), (_, word_b) = sides
    out[gap[word_a != word_b]] = True
    return out


def _one_word(
    ask: np.ndarray,
    on: tuple[np.ndarray, np.ndarray],
    words: tuple[np.ndarray, np.ndarray],
    counts: tuple[np.ndarray, np.ndarray],
    table: WordCodes,
) -> np.ndarray:
    """Per gap (among `ask`, with words on both sides): whether its sides written as one word are
    one word or typos of each other ("e mail" / "email"), which `compare` counts as the same words.
    Only gaps of more than two words and at most 2 letters apart can be (`slots.is_typo`)."""
    out = np.zeros(len(ask), dtype=bool)
    letters = [
        np.bincount(side_on, weights=table.lengths[side_words], minlength=len(ask))
        for side_on, side_words in zip(on, words, strict=True)
    ]
    look = np.flatnonzero(ask & (counts[0] + counts[1] > 2) & (np.abs(letters[0] - letters[1]) <= 2))
    if not len(look):
        return out
    joined = []
    for side_on, side_words in zip(on, words, strict=True):
        at = np.flatnonzero(in_sorted(look, side_on))
        bounds = np.searchsorted(side_on[at], look, side="right")
        texts = [table.words[w] for w in side_words[at].tolist()]
        ends = bounds.tolist()
        joined.append(["".join(texts[s:e]) for s, e in zip([0, *ends[:-1]], ends, strict=True)])
    out[look] = [slots.is_typo(a, b) for a, b in zip(*joined, strict=True)]
    return out
