"""Candidate pairs decided for a whole batch before they are aligned one by one.

Verification (`dataqa.text.verify`) aligns each candidate pair of a batch in Python (`slots.compare`).
On short texts under many labels most aligned pairs are dropped for a decisive difference in one
place ("hi cancel my flight" / "hey check my flight", "the order from friday thanks" / "the order
from tomorrow please"); many of the rest differ in filler alone ("hi book the salon" / "book the
salon please") or fall under the threshold for a word added. Where the alignment of a pair is known
without aligning it, its gaps are judged here for every such pair at once, by the rules and the
score `slots.compare` gives them, so the Python loop sees only the pairs left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dataqa.text import slots, typos
from dataqa.text.templates import in_sorted


class WordCodes(Protocol):
    """The batch's word table (`verify`'s): each word, its `slots.word_kind` and length, code lookup,
    typo test."""

    words: list[str]
    kinds: np.ndarray
    lengths: np.ndarray
    in_use: frozenset[str]
    framed: bool

    def index(self, codes: np.ndarray) -> np.ndarray | None: ...

    def typo(self, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...

    def slip(self, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...


SWAP_TEXT_WORDS = 48
"""Pairs of texts of at most this many words each are looked at (a gap rarely decides a longer
pair, and looking costs per word)."""
_STRIDE = SWAP_TEXT_WORDS + 2
"""Gap keys: pair * `_STRIDE` + the shared words before the gap (at most `SWAP_TEXT_WORDS`)."""
_PLAIN = slots.FILLER_WORD | slots.NUMBER_WORD
"""What a content word is not: `compare` never counts filler or an identifier as a word that differs."""


@dataclass
class _Gaps:
    """The gaps of the pairs of a batch whose alignment is known (`_gaps`).

    Per pair looked at (`pick`, positions in the batch): `known`, the words of each text (`sizes`)
    and the words they share (`shared`). Per gap (in the order of pair * `_STRIDE` + shared words
    before it): its `pair` (among `pick`), its words on each side (`counts`), whether it is small
    (`slots.SMALL_GAP`), and whether a media marker stands just before it (`after_media`).
    Per gap word of each side: its gap (`on`), word (`word`, index into the word table), kind and
    position among the side's words (`at`). Per side: the codes of its words, one after another
    (`codes`, pair by pair), and the positions of the words matched across in the known pairs
    (`matched`: the k-th of side a is matched with the k-th of side b)."""

    pick: np.ndarray
    known: np.ndarray
    sizes: tuple[np.ndarray, np.ndarray]
    shared: np.ndarray
    pair: np.ndarray
    counts: tuple[np.ndarray, np.ndarray]
    small: np.ndarray
    after_media: np.ndarray
    on: tuple[np.ndarray, np.ndarray]
    word: tuple[np.ndarray, np.ndarray]
    kind: tuple[np.ndarray, np.ndarray]
    at: tuple[np.ndarray, np.ndarray]
    codes: tuple[np.ndarray, np.ndarray]
    matched: tuple[np.ndarray, np.ndarray]

    def count(self, side: int, where: np.ndarray | None = None) -> np.ndarray:
        """Per gap: its words on `side` (those of `where` only)."""
        on = self.on[side] if where is None else self.on[side][where]
        return np.bincount(on, minlength=len(self.pair))

    def kind_count(self, side: int, flag: int) -> np.ndarray:
        """Per gap: its words on `side` of a kind in `flag`."""
        return self.count(side, self.kind[side] & flag != 0)


def _gaps(strings_a: np.ndarray, strings_b: np.ndarray, words: WordCodes) -> _Gaps | None:
    """The gaps of the pairs of code strings (`strings_a[i]`, `strings_b[i]`) whose alignment is
    known; None when no pair is looked at.

    When the words of one text that the other has not, left out, leave the same sequence on both
    sides, that sequence is the only longest common subsequence, so the alignment is known (the one
    `slots.gaps` finds): its gaps are the runs of words only one side has between the same shared
    words."""
    len_a = np.fromiter(map(len, strings_a), dtype=np.int64, count=len(strings_a))
    len_b = np.fromiter(map(len, strings_b), dtype=np.int64, count=len(strings_b))
    pick = np.flatnonzero(np.maximum(len_a, len_b) <= SWAP_TEXT_WORDS)
    if not len(pick):
        return None
    sides, codes = [], []
    for strings, lengths in ((strings_a[pick], len_a[pick]), (strings_b[pick], len_b[pick])):
        codes.append(np.frombuffer("".join(strings).encode("utf-32-le"), dtype="<u4"))
        index = words.index(codes[-1])
        if index is None:
            return None
        sides.append((index, np.repeat(np.arange(len(pick), dtype=np.int64), lengths), lengths))
    (word_a, pair_a, len_a), (word_b, pair_b, len_b) = sides
    key_a, key_b = (pair_a << 21) | word_a, (pair_b << 21) | word_b  # word indices stay under 2**21
    in_b, in_a = in_sorted(np.sort(key_b), key_a), in_sorted(np.sort(key_a), key_b)
    shared = np.bincount(pair_a[in_b], minlength=len(pick))
    known = shared == np.bincount(pair_b[in_a], minlength=len(pick))
    kept_a, kept_b = in_b & known[pair_a], in_a & known[pair_b]
    known[pair_a[kept_a][word_a[kept_a] != word_b[kept_b]]] = False  # the shared words in another order
    matched_a, matched_b = np.flatnonzero(kept_a), np.flatnonzero(kept_b)
    still = known[pair_a[matched_a]]
    gap_a, at_a = _gap_words(in_b, pair_a, len_a, known)
    gap_b, at_b = _gap_words(in_a, pair_b, len_b, known)
    keys = np.sort(np.concatenate([gap_a, gap_b]), kind="stable")  # two ascending runs: merged
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
    on_a, on_b = np.searchsorted(keys, gap_a), np.searchsorted(keys, gap_b)
    x, y = word_a[at_a], word_b[at_b]
    pair, before = keys // _STRIDE, keys % _STRIDE
    count_a = np.bincount(on_a, minlength=len(keys))
    count_b = np.bincount(on_b, minlength=len(keys))
    # `compare` looks for a media marker before a gap on side a: the shared word before it
    matched = np.flatnonzero(in_b)
    previous = (
        matched[np.maximum(np.cumsum(shared)[pair] - shared[pair] + before - 1, 0)] if len(matched) else 0
    )
    after_media = (before > 0) & (words.kinds[word_a[previous]] & slots.MEDIA_WORD != 0)
    return _Gaps(
        pick=pick,
        known=known,
        sizes=(len_a, len_b),
        shared=shared,
        pair=pair,
        counts=(count_a, count_b),
        small=np.maximum(count_a, count_b) <= slots.SMALL_GAP,
        after_media=after_media,
        on=(on_a, on_b),
        word=(x, y),
        kind=(words.kinds[x], words.kinds[y]),
        at=(at_a, at_b),
        codes=(codes[0], codes[1]),
        matched=(matched_a[still], matched_b[still]),
    )


def decide(
    full: tuple[np.ndarray, np.ndarray],
    content: tuple[np.ndarray, np.ndarray],
    marks: tuple[np.ndarray, np.ndarray],
    templated: np.ndarray,
    words: WordCodes,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `verify._judge` makes of the pairs of code strings (`full`: of each side; `content`:
    their content code strings; `marks`: their template marks, None for a text without template
    words; `templated`: either text has template words) whose alignment is known, for the whole
    batch: (dropped, scored, their scores). Dropped: a gap decides (see `_decisive`), or the score
    is under `threshold` (`_scores`: `compare`'s score, the lower of the whole texts' and the
    content words', these read through the alignment as `_judge` reads them, `_through`), whatever
    else the pair has. Scored: no gap decides and none holds a word that differs (every gap is
    filler, identifiers or typo fixes, see `_plain`), so `compare` finds no reason and nothing for
    the second look: the pair stands by its score. Pairs neither dropped nor scored are left to
    `_judge`."""
    (full_a, full_b), (content_a, content_b) = full, content
    dropped = np.zeros(len(full_a), dtype=bool)
    scored = np.zeros(len(full_a), dtype=bool)
    scores = np.zeros(len(full_a), dtype=np.float64)
    gaps = _gaps(full_a, full_b, words)
    if gaps is None:
        return dropped, scored, scores
    content_words = np.minimum(
        np.fromiter(map(len, content_a[gaps.pick]), dtype=np.int64, count=len(gaps.pick)),
        np.fromiter(map(len, content_b[gaps.pick]), dtype=np.int64, count=len(gaps.pick)),
    )
    typo, joined = _typos(gaps, words)
    decisive = _decisive(gaps, content_words[gaps.pair] <= slots.SHORT_WORDS, typo, joined)
    dropped[gaps.pick[gaps.pair[decisive]]] = True
    known = gaps.pick[gaps.known]
    scores[known] = _scores(gaps, typo, joined)[gaps.known]
    plain = _plain(gaps, typo, joined) & ~decisive
    scored[gaps.pick[gaps.known & (np.bincount(gaps.pair[~plain], minlength=len(gaps.pick)) == 0)]] = True
    again = known[templated[known] & ~dropped[known]]
    if len(again):  # `_judge` takes the lower of the whole texts' and the content words' scores
        inner = _gaps(*_through(gaps, typo, marks, np.searchsorted(gaps.pick, again)), words)
        lost = np.ones(len(again), dtype=bool)
        if inner is not None:
            at = again[inner.pick[inner.known]]
            scores[at] = np.minimum(scores[at], _scores(inner, *_typos(inner, words))[inner.known])
            lost[inner.pick[inner.known]] = False
        scores[again[lost]] = 1.0  # the content words' score not known: the pair is not dropped for it
        scored[again[lost]] = False
    dropped[known[scores[known] < threshold - 1e-9]] = True
    scored &= ~dropped
    at, x, y = _typo_partners(gaps, typo)
    # a typo but no slip may be a word of a slot (`slots.slot_word`), a word extended by an ending two
    # names (`typos.extended`): `_judge` looks
    looked = _extended(x, y, words) | (_unslipped(x, y, words) if words.framed else False)
    looked = gaps.pick[gaps.pair[gaps.on[0][at[looked]]]]
    dropped[looked] = scored[looked] = False
    return dropped, scored, scores


def _typo_partners(gaps: _Gaps, typo: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gap words of side a that are typos of the word across (`typo`, `_typos`): their places
    among the gap words, their codes and their partners' codes."""
    at = np.flatnonzero(typo)
    if not len(at):
        return at, at, at
    count_a, count_b = gaps.counts
    same_length = (count_a == count_b) & (count_a > 0)
    pick_b = np.flatnonzero(same_length[gaps.on[1]])
    across = pick_b[np.searchsorted(np.flatnonzero(same_length[gaps.on[0]]), at)]
    return at, gaps.word[0][at], gaps.word[1][across]


def _unslipped(x: np.ndarray, y: np.ndarray, words: WordCodes) -> np.ndarray:
    """Per typo pair (`_typo_partners`' codes): no slip of the hand (`typos.slip`), neither word in
    use in the set: perhaps two words of one slot (`slots.rare_slot_words`), which `_judge` tells."""
    used = np.fromiter((w in words.in_use for w in map(words.words.__getitem__, x.tolist())), bool, len(x))
    used |= np.fromiter((w in words.in_use for w in map(words.words.__getitem__, y.tolist())), bool, len(y))
    return ~used & ~words.slip(x, y)


def _extended(x: np.ndarray, y: np.ndarray, words: WordCodes) -> np.ndarray:
    """Per typo pair (`_typo_partners`' codes): one word the other extended (`typos.extended`), two
    names if the raw texts write them as names (`slots.compare`'s `maybe_names`), which `_judge` tells."""
    pairs = zip(
        map(words.words.__getitem__, x.tolist()), map(words.words.__getitem__, y.tolist()), strict=True
    )
    return np.fromiter((typos.extended(v, w) for v, w in pairs), bool, len(x))


def _through(
    gaps: _Gaps, typo: np.ndarray, marks: tuple[np.ndarray, np.ndarray], local: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The content code strings of the pairs `local` (among `gaps.pick`, their alignment known) read
    through the alignment, as `slots.content_through` reads them: a word matched with a template
    word of either text, or standing word for word for one as its typo fix, is left out on both
    sides, and every other word keeps its own mark; when that leaves either text no content word,
    each text's own content words. `typo`: `_typos`'s first answer."""
    pairs = len(gaps.pick)
    own, pair = [], []
    for side, held in enumerate(marks):
        sizes = gaps.sizes[side]
        texts = zip(held[gaps.pick].tolist(), sizes.tolist(), strict=True)
        flat = b"".join([m if m is not None else bytes(n) for m, n in texts])
        own.append(np.frombuffer(flat, dtype=np.uint8).astype(bool))
        pair.append(np.repeat(np.arange(pairs, dtype=np.int64), sizes))
    count_a, count_b = gaps.counts
    same_length = (count_a == count_b) & (count_a > 0)
    (on_a, on_b), (at_a, at_b) = gaps.on, gaps.at
    pick_a, pick_b = np.flatnonzero(same_length[on_a]), np.flatnonzero(same_length[on_b])
    fixed = typo[pick_a]
    paired_a = np.concatenate([gaps.matched[0], at_a[pick_a[fixed]]])
    paired_b = np.concatenate([gaps.matched[1], at_b[pick_b[fixed]]])
    either = own[0][paired_a] | own[1][paired_b]
    now = [own[0].copy(), own[1].copy()]
    now[0][paired_a] = either
    now[1][paired_b] = either
    left = [np.bincount(p[~t], minlength=pairs) for p, t in zip(pair, now, strict=True)]
    empty = (left[0] == 0) | (left[1] == 0)
    wanted = np.zeros(pairs, dtype=bool)
    wanted[local] = True
    out = []
    for side in (0, 1):
        keep = np.where(empty[pair[side]], ~own[side], ~now[side]) & wanted[pair[side]]
        joined = gaps.codes[side][keep].astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(np.bincount(pair[side][keep], minlength=pairs)[local]).tolist()
        strings = np.empty(len(local), dtype=object)
        strings[:] = [joined[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]
        out.append(strings)
    return out[0], out[1]


def _typos(gaps: _Gaps, words: WordCodes) -> tuple[np.ndarray, np.ndarray]:
    """(per word of side a in a gap whose sides are of one length: whether it and the word across
    are typos of each other (`typos.is_typo`; the words listed one for one), per gap: whether its
    sides written as one word are one word or typos of each other ("e mail" / "email"; gaps of more
    than two words only, as in `compare`))."""
    count_a, count_b = gaps.counts
    same_length = (count_a == count_b) & (count_a > 0)
    (on_a, on_b), (x, y) = gaps.on, gaps.word
    pick_a, pick_b = np.flatnonzero(same_length[on_a]), np.flatnonzero(same_length[on_b])
    typo = np.zeros(len(on_a), dtype=bool)
    either = (gaps.kind[0][pick_a] | gaps.kind[1][pick_b]) & slots.NUMBER_WORD
    ask = np.flatnonzero(either == 0)  # `is_typo` is never true of a number
    typo[pick_a[ask]] = words.typo(x[pick_a[ask]], y[pick_b[ask]])
    return typo, _one_word(gaps, (count_a > 0) & (count_b > 0) & (count_a + count_b > 2), words)


def _decisive(gaps: _Gaps, short: np.ndarray, typo: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per gap: whether it decides by `slots.compare`'s rules, read from the words' kinds
    (`slots.word_kind`): a media marker in it or just before it; in a small gap more negations on
    one side, or a quantity added; quantities or model codes on both sides, not the same ones (unless
    the sides written as one word are one word: "w 2" / "w2"); and in a short text
    words on both sides that stand for other words, unless the two sides written as one word are
    one word or typos of each other (`joined`): word for word when the sides are of one length (a
    typo fix, filler for filler and an identifier for another stand for nothing), otherwise a
    content word on each side. Three rules are left to `compare` (such a gap is not decisive here):
    an ordinal that ranks ("second oldest"), a word that makes another term (`set_words.other_term`) and a
    direction turned (`slots.turns`)."""
    count_a, count_b = gaps.counts
    one_side = (count_a == 0) | (count_b == 0)
    media = gaps.after_media | (
        gaps.kind_count(0, slots.MEDIA_WORD) + gaps.kind_count(1, slots.MEDIA_WORD) > 0
    )
    negation = gaps.small & (
        gaps.kind_count(0, slots.NEGATION_WORD) != gaps.kind_count(1, slots.NEGATION_WORD)
    )
    quantities = gaps.kind_count(0, slots.ADDED_NUMBER) + gaps.kind_count(1, slots.ADDED_NUMBER)
    which_a, which_b = gaps.kind_count(0, slots.WHICH_WORD), gaps.kind_count(1, slots.WHICH_WORD)
    number = (one_side & gaps.small & (quantities > 0)) | (
        _other_quantities(gaps, which_a, which_b) & ~joined
    )
    same_length = ~one_side & (count_a == count_b)
    content_a = gaps.count(0, gaps.kind[0] & _PLAIN == 0)
    content_b = gaps.count(1, gaps.kind[1] & _PLAIN == 0)
    stands = ~one_side & ~same_length & (content_a > 0) & (content_b > 0)
    stands[_swapped_words(gaps, typo)] = True
    stands &= short & ~joined
    return media | negation | number | stands


def _swapped_words(gaps: _Gaps, typo: np.ndarray) -> np.ndarray:
    """The gaps (sides of one length) with a word that stands for another word across: not a typo
    fix, not filler for filler, not an identifier for another (`compare`'s word-for-word rule)."""
    count_a, count_b = gaps.counts
    same_length = (count_a == count_b) & (count_a > 0)
    on_a, on_b = gaps.on
    pick_a, pick_b = np.flatnonzero(same_length[on_a]), np.flatnonzero(same_length[on_b])
    both = gaps.kind[0][pick_a] & gaps.kind[1][pick_b]
    swapped = (both & slots.FILLER_WORD == 0) & (both & slots.NUMBER_WORD == 0) & ~typo[pick_a]
    return on_a[pick_a[swapped]]


def _plain(gaps: _Gaps, typo: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per gap: whether `compare` lists none of its words as differing (`Comparison.differ`, which
    sends a kept pair to the second look) nor can find a reason in it beyond `_decisive`'s: written
    as one word alike (`joined`); word for word typo fixes, filler for filler or identifiers; on
    sides of other lengths filler and identifiers alone, no long number among them (an operand
    once the raw text is read, `Comparison.maybe_quantities`); words added on one side filler alone
    (an added identifier might make another term, an added ordinal might rank)."""
    count_a, count_b = gaps.counts
    one_side = (count_a == 0) | (count_b == 0)
    same_length = ~one_side & (count_a == count_b)
    filler = gaps.kind_count(0, slots.FILLER_WORD) + gaps.kind_count(1, slots.FILLER_WORD)
    plain = one_side & (filler == count_a + count_b)
    content_a = gaps.count(0, gaps.kind[0] & _PLAIN == 0)
    content_b = gaps.count(1, gaps.kind[1] & _PLAIN == 0)
    plain |= ~one_side & ~same_length & (content_a == 0) & (content_b == 0)
    words_apart = np.zeros(len(gaps.pair), dtype=bool)
    words_apart[_swapped_words(gaps, typo)] = True
    plain |= same_length & ~words_apart
    long_numbers = gaps.kind_count(0, slots.LONG_NUMBER_WORD) + gaps.kind_count(1, slots.LONG_NUMBER_WORD)
    plain &= one_side | (long_numbers == 0)  # a long number for another: the raw text may make it a quantity
    return plain | joined


def _scores(gaps: _Gaps, typo: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per pair looked at whose alignment is known: `compare`'s score (0 for texts that share no
    word, as two different texts; the other pairs' entries mean nothing). The score is (words matched on
    both sides) / (words on both sides, filler differences left out): typo fixes count as matched
    (word for word, or the sides written as one word), filler for filler and filler added in a
    small gap are left out (filler for filler one for one always)."""
    count_a, count_b = gaps.counts
    one_side = (count_a == 0) | (count_b == 0)
    same_length = ~one_side & (count_a == count_b)
    on_a, on_b = gaps.on
    pick_a = np.flatnonzero(same_length[on_a])
    pick_b = np.flatnonzero(same_length[on_b])
    both_filler = gaps.kind[0][pick_a] & gaps.kind[1][pick_b] & slots.FILLER_WORD != 0
    fixed = typo[pick_a]
    credit = 2 * np.bincount(on_a[pick_a[fixed]], minlength=len(gaps.pair))
    left_out = 2 * np.bincount(on_a[pick_a[both_filler & ~fixed]], minlength=len(gaps.pair))
    left_out = np.where(gaps.small, left_out, 0)
    filler = gaps.kind_count(0, slots.FILLER_WORD) + gaps.kind_count(1, slots.FILLER_WORD)
    left_out = np.where(~same_length, np.where(gaps.small, filler, 0), left_out)
    credit = np.where(joined, count_a + count_b, credit)
    left_out = np.where(joined, 0, left_out)
    pairs = len(gaps.pick)
    got = 2 * gaps.shared + np.bincount(gaps.pair, weights=credit, minlength=pairs)
    total = gaps.sizes[0] + gaps.sizes[1] - np.bincount(gaps.pair, weights=left_out, minlength=pairs)
    return np.where((gaps.shared > 0) & (total > 0), np.minimum(got / np.maximum(total, 1), 1.0), 0.0)


def _gap_words(
    matched: np.ndarray, pair: np.ndarray, lengths: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The words of one side's gaps in the pairs whose alignment is `known` (`_gaps`): (gap key,
    pair * `_STRIDE` + matched words before it, ascending; the word's flat position). `matched`: per
    word of that side, whether the other text has it; `pair`: its pair."""
    before = np.concatenate([[0], np.cumsum(matched)])  # words matched before each flat position
    start = np.cumsum(lengths) - lengths
    at = np.flatnonzero(~matched & known[pair])
    return pair[at] * _STRIDE + before[at] - before[start[pair[at]]], at


def _other_quantities(gaps: _Gaps, count_a: np.ndarray, count_b: np.ndarray) -> np.ndarray:
    """Per gap: quantities or model codes (`slots.WHICH_WORD`) on both sides (`count_a`, `count_b`
    of them), not the same ones (as multisets)."""
    out = (count_a > 0) & (count_b > 0) & (count_a != count_b)
    alike = (count_a > 0) & (count_a == count_b)
    if not alike.any():
        return out
    sides = []
    for on, word, kind in zip(gaps.on, gaps.word, gaps.kind, strict=True):
        at = np.flatnonzero((kind & slots.WHICH_WORD != 0) & alike[on])
        order = np.lexsort((word[at], on[at]))
        sides.append((on[at][order], word[at][order]))
    (gap, word_a), (_, word_b) = sides
    out[gap[word_a != word_b]] = True
    return out


def _one_word(gaps: _Gaps, ask: np.ndarray, table: WordCodes) -> np.ndarray:
    """Per gap (among `ask`, with words on both sides): whether its sides written as one word are
    one word or typos of each other. Only sides at most 2 letters apart can be (`typos.is_typo`)."""
    out = np.zeros(len(ask), dtype=bool)
    letters = [
        np.bincount(on, weights=table.lengths[word], minlength=len(ask))
        for on, word in zip(gaps.on, gaps.word, strict=True)
    ]
    look = np.flatnonzero(ask & (np.abs(letters[0] - letters[1]) <= 2))
    if not len(look):
        return out
    joined = []
    for on, word in zip(gaps.on, gaps.word, strict=True):
        at = np.flatnonzero(in_sorted(look, on))
        ends = np.searchsorted(on[at], look, side="right").tolist()
        texts = [table.words[w] for w in word[at].tolist()]
        joined.append(["".join(texts[s:e]) for s, e in zip([0, *ends[:-1]], ends, strict=True)])
    out[look] = [typos.is_typo(a, b) for a, b in zip(*joined, strict=True)]
    return out
