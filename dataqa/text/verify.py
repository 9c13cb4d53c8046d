"""Verification of candidate pairs: the true word-level similarity of their normalised texts.

The similarity reported for a pair is computed from the texts, never a sketch's estimate: the
word-level edit ratio of their content words (template words left out, `dataqa.text.templates`),
adjusted for typo fixes and filler words, and pairs whose difference is decisive (another number,
name, negation, or in a short text another word: `dataqa.text.slots`) are dropped like pairs under
the threshold.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dataqa.text import bounds, fields, raw_parts, slots, swaps
from dataqa.text.candidates import unique_ints
from dataqa.text.hashing import HASH_SEED, mix
from dataqa.text.normalise import normalise_expr
from dataqa.text.templates import template_words

VERIFY_CHUNK = 100_000
"""Candidate pairs verified per rapidfuzz batch."""


def _word_counts(texts: pl.Series) -> np.ndarray:
    """Words in each normalised text (single spaces, no leading or trailing space)."""
    return (texts.str.count_matches(" ") + 1).to_numpy().astype(np.float64)


VERIFY_CACHE_WORDS = 64_000_000
"""Words of encoded texts kept between verification batches (about 128-256 MB)."""
LOOKS_CACHE_WORDS = 8_000_000
"""Words of texts whose names and parts (`raw_parts.names_and_parts`) are kept between verification
batches (a list entry per word: about 64-100 MB)."""
DISTINCT_CAP = 0.99
"""The highest similarity of two texts that differ after normalisation (1.0 means the same text):
a difference of filler words or typos alone is forgiven up to this."""
SLACK_WORDS = 3
"""Typo fixes and filler words that the adjusted score (`dataqa.text.slots`) may forgive beyond the
plain word ratio: a pair whose plain ratio is further than this many words under the threshold is
not looked at word by word."""
BOUND_WORDS = 120
"""Pairs of at most this many words (both texts) get the per-pair bound (`dataqa.text.bounds`)
before alignment: on shorter texts the fixed allowance above lets nearly every candidate through
("cancel my flight" / "check my flight"); on longer ones it is already tight."""
BOUND_BATCH = 1_000_000
"""Short candidate pairs bounded at once. The bound's set-up (the batch's vocabulary, typo partners,
words written as one) is per text; bounded chunk by chunk, 100k short intents redid it 39 times
over mostly the same texts (0.6 s a chunk, more than half of verification)."""
BOUND_BATCH_WORDS = 2_000_000
"""A batch is also bounded once its distinct texts hold this many words: the set-up's memory follows
its texts (all 80k texts of 100k intents hold 0.6M words; 100k candidates of long prompts could
reach several million)."""


class _WordCodes:
    """Texts as strings of one character per word, equal words equal characters, so that
    rapidfuzz's fast string path computes the edit ratio over words.

    Codes come from one table of word hashes that grows batch by batch (polars hash lookups, no
    Python loop per word). Codes skip NUL and the surrogates; past 1.1 million distinct words (far
    beyond most scans' candidates) they wrap around and a score may be slightly overstated.
    With template shingles (`common`), each text also gets its content string: the codes of its
    words but the template words (`dataqa.text.templates`), and its template marks.
    """

    LIMIT = 0x10FFFF - 0x800

    def __init__(
        self, common: np.ndarray | None = None, shingle: int = 2, in_use: frozenset[str] = frozenset()
    ) -> None:
        self.keys = pl.Series(dtype=pl.UInt64)  # word hashes, in order of first batch
        self.codes = pl.Series(dtype=pl.UInt32)  # their codes, same order
        self.common = common if common is not None and len(common) else None
        self.shingle = shingle
        self.words: list[str] = []  # the words, same order
        self.kinds = np.empty(0, dtype=np.uint8)  # their `slots.word_kind`, same order
        self.lengths = np.empty(0, dtype=np.int64)  # their letters, same order
        self.typos: dict[int, bool] = {}  # `slots.is_typo` of word pairs asked so far, by index pair
        self.in_use = in_use  # the set's words `slots.is_typo` reads (`slots.SetWords`)

    def encode(self, texts: pl.Series) -> tuple[list[str], list[str | None], list[bytes | None]]:
        """Per text: its code string, its content code string (None: no template word) and its
        template marks, a byte a word, 1 for a template word (None likewise)."""
        words = texts.str.split(" ")
        counts = words.list.len().to_numpy().astype(np.int64)
        exploded = words.explode()
        hashed = exploded.hash(HASH_SEED)
        batch = hashed.unique()
        unseen = pl.Series(np.sort(batch.filter(~batch.is_in(self.keys.implode())).to_numpy()))
        if len(unseen):
            first = len(self.keys)
            self.keys = pl.concat([self.keys, unseen], rechunk=True)
            self.codes = pl.concat(
                [self.codes, pl.int_range(first, first + len(unseen), dtype=pl.UInt32, eager=True)]
            )
            new = pl.DataFrame({"key": hashed, "word": exploded}).filter(
                pl.col("key").is_in(unseen.implode())
            )
            fresh = new.unique("key").sort("key")["word"].to_list()
            self.words.extend(fresh)
            kinds = np.fromiter(map(slots.word_kind, fresh), dtype=np.uint8, count=len(fresh))
            self.kinds = np.concatenate([self.kinds, kinds])
            self.lengths = np.concatenate([self.lengths, np.fromiter(map(len, fresh), dtype=np.int64)])
        found = hashed.replace_strict(self.keys, self.codes, return_dtype=pl.UInt32).to_numpy()
        codes = found % np.uint32(self.LIMIT) + np.uint32(1)
        codes[codes >= 0xD800] += 0x800
        joined = codes.astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(counts)
        bounds = list(zip((ends - counts).tolist(), ends.tolist(), strict=True))
        full = [joined[start:end] for start, end in bounds]
        content: list[str | None] = [None] * len(full)
        marks: list[bytes | None] = [None] * len(full)
        if self.common is None or not len(codes):
            return full, content, marks
        doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        template = template_words(doc, mix(hashed.to_numpy()), self.common, self.shingle)
        kept = np.bincount(doc[~template], minlength=len(counts))
        template &= kept[doc] > 0  # a text of template words only is compared whole
        marked = np.bincount(doc[template], minlength=len(counts))
        where = np.flatnonzero(~template)
        flags = template.astype(np.uint8).tobytes()
        joined_content = codes[where].astype("<u4").tobytes().decode("utf-32-le")
        content_ends = np.cumsum(np.bincount(doc[where], minlength=len(counts)))
        content_starts = np.concatenate([[0], content_ends[:-1]])
        for i in np.flatnonzero(marked).tolist():
            content[i] = joined_content[int(content_starts[i]) : int(content_ends[i])]
            marks[i] = flags[bounds[i][0] : bounds[i][1]]
        return full, content, marks

    def index(self, codes: np.ndarray) -> np.ndarray | None:
        """The word (index into `words`, `kinds`) of each code; None once codes wrapped around
        (two words may share a code)."""
        if len(self.keys) >= self.LIMIT:
            return None
        codes = codes.astype(np.int64)
        return np.where(codes >= 0xE000, codes - 0x800, codes) - 1

    def typo(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """`slots.is_typo` of the words of each index pair (a, b), each distinct pair asked once in
        the scan."""
        keys = (a.astype(np.int64) << 32) | b.astype(np.int64)
        known, words = self.typos, self.words
        for key in set(keys.tolist()).difference(known):
            known[key] = slots.is_typo(words[key >> 32], words[key & 0xFFFFFFFF], self.in_use)
        return np.fromiter(map(known.__getitem__, keys.tolist()), dtype=bool, count=len(keys))


class _EncodedTexts:
    """The `_WordCodes` strings of one column's distinct texts, encoded on demand in batches and
    kept (up to `VERIFY_CACHE_WORDS` words) so that each text is encoded about once."""

    def __init__(self, texts: pl.Series, words: _WordCodes) -> None:
        self.texts, self.words = texts, words
        self.strings = np.full(len(texts), None, dtype=object)
        self.content = np.full(len(texts), None, dtype=object)
        self.marks = np.full(len(texts), None, dtype=object)  # template marks (`_WordCodes.encode`)
        self.kept_words = 0
        self.counts = _word_counts(texts)
        self.templated = np.zeros(len(texts), dtype=bool)  # encoded texts with template words

    def get(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code strings, content code strings) of `rows`; a text without template words is its
        own content (the same object)."""
        needed = unique_ints(rows)
        missing = needed[self.strings[needed] == None]  # noqa: E711 (element-wise comparison)
        if len(missing) and self.kept_words + self.counts[missing].sum() > VERIFY_CACHE_WORDS:
            self.strings[:] = None  # full: start again with just this batch's texts
            self.content[:] = None
            self.marks[:] = None
            self.kept_words, missing = 0, needed
        if len(missing):
            full, content, marks = self.words.encode(self.texts.gather(missing))
            self.strings[missing] = full
            self.content[missing] = [f if c is None else c for f, c in zip(full, content, strict=True)]
            held = np.full(len(missing), None, dtype=object)
            held[:] = marks
            self.marks[missing] = held
            self.templated[missing] = [c is not None for c in content]
            self.kept_words += int(self.counts[missing].sum())
        return self.strings[rows], self.content[rows]


class _RawLooks:
    """`raw_parts.names_and_parts` of the rows whose raw texts `raw(side, rows)` were read, kept (up to
    `LOOKS_CACHE_WORDS` words) so that a text near many others is read once, not once per batch.
    Inside one split (`same`) both sides are one table."""

    def __init__(
        self, raw: Callable[[int, np.ndarray], list[str]], same: bool, counts: tuple[np.ndarray, np.ndarray]
    ) -> None:
        self.raw, self.same, self.counts = raw, same, counts
        self.found: list[dict[int, tuple[set[int] | None, list[int] | None]]] = []
        self.listed: list[dict[int, fields.Listed | None]] = []
        self.kept_words = 0.0
        self._reset()

    def _reset(self) -> None:
        self.found = [{}, {}]
        self.listed = [{}, {}]
        if self.same:
            self.found[1] = self.found[0]
            self.listed[1] = self.listed[0]
        self.kept_words = 0.0

    def lists(self, side: int, rows: np.ndarray) -> dict[int, fields.Listed | None]:
        """`fields.text_fields` of (at least) `rows` of `side`, by row: each row's raw text read once
        (a text without a key/value list keeps only its None)."""
        listed = self.listed[side]
        missing = [row for row in unique_ints(rows).tolist() if row not in listed]
        if missing:
            texts = self.raw(side, np.array(missing, dtype=np.int64))
            listed.update(zip(missing, map(fields.text_fields, texts), strict=True))
        return listed

    def get(
        self, side: int, rows: np.ndarray, words: dict[int, list[str]]
    ) -> dict[int, tuple[set[int] | None, list[int] | None]]:
        """`names_and_parts` of (at least) `rows` of `side`, by row; `words`: their normalised words."""
        needed = unique_ints(rows)
        missing = [row for row in needed.tolist() if row not in self.found[side]]
        size = float(self.counts[side][missing].sum()) if missing else 0.0
        if self.kept_words + size > LOOKS_CACHE_WORDS:
            self._reset()  # a new table: one handed out before stays whole
            missing, size = needed.tolist(), float(self.counts[side][needed].sum())
        found = self.found[side]
        if missing:
            texts = self.raw(side, np.array(missing, dtype=np.int64))
            for row, text in zip(missing, texts, strict=True):
                found[row] = raw_parts.names_and_parts(text, words[row])
            self.kept_words += size
        return found


def _judge(
    a: list[str],
    b: list[str],
    codes: tuple[str, str, str, str],
    marks: tuple[bytes | None, bytes | None],
    terms: slots.SetWords | None = None,
) -> slots.Comparison:
    """`slots.compare` of one pair: on all the words (for the score, and for the decisive
    differences, with the set's bound words `terms`), and when either text has template words
    (`marks`, `_WordCodes.encode`) on the content words too, for the score: the lower of the two.

    The content words are read through the alignment of the whole texts (`slots.content_through`):
    a word paired with a template word of either text is left out on both sides. Each text's own
    template words would not do: an edit inside a template phrase ("wehre is", "the oirgin of the
    word") breaks its shingles on one side only, whose words would stay content there while the
    other side leaves them out."""
    full_a, full_b, content_a, content_b = codes
    content_words = min(len(content_a), len(content_b))
    whole = slots.compare(a, b, full_a, full_b, content_words, early=True, terms=terms)
    if (marks[0] is None and marks[1] is None) or whole.reason is not None:
        return whole
    if whole.score == 1.0 and slots.transposed(full_a, full_b) is not None:
        return whole  # the same words, two swapped: the swap breaks a template phrase on one side only
    through = slots.content_through(
        a, b, whole.runs, marks, terms.in_use if terms is not None else frozenset()
    )
    if through is None:  # each text's own content words
        ca, cb = (
            w if m is None else [x for x, t in zip(w, m, strict=True) if not t]
            for w, m in ((a, marks[0]), (b, marks[1]))
        )
        codes_a, codes_b = content_a, content_b
    else:
        keep_a, keep_b = through
        ca, cb = [a[i] for i in keep_a], [b[i] for i in keep_b]
        codes_a, codes_b = "".join([full_a[i] for i in keep_a]), "".join([full_b[i] for i in keep_b])
    content = slots.compare(ca, cb, codes_a, codes_b, content_words, terms=terms)
    whole.score = min(whole.score, content.score)
    return whole


def verify_pairs(
    left_texts: pl.Series,
    right_texts: pl.Series,
    codes: np.ndarray,
    width: int,
    threshold: float,
    *,
    common: np.ndarray | None = None,
    shingle: int = 2,
    raw: Callable[[int, np.ndarray], list[str]] | None = None,
    answer_last: bool = False,
    request_last: bool = False,
    terms: slots.SetWords | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the candidate pairs whose similarity reaches `threshold` and that differ in nothing
    decisive (`dataqa.text.slots`): (pairs kept as an (m, 2) array of (left row, right row), their
    similarity), in the order of `codes`. The candidates are codes left * `width` + right, decoded
    a batch at a time.

    The similarity is the adjusted word ratio of the content words (template shingles `common`
    discounted) and, when a text has template words, of all the words too: the lower of the two.
    `raw(side, rows)` gives the raw texts of rows (side 0 left, 1 right), to tell names and parts
    (paragraphs) apart; without it no difference is judged a name or a decisive part.
    `answer_last`: the texts are whole examples, their last part the answer; `request_last`: they
    are inputs, their last part the request (`raw_parts.decisive_part`). `terms`: the data set's
    words (`slots.SetWords`): those it writes only beside one neighbour, one of which added beside
    it in a short text decides, and those it writes in several texts, which are no typos of each
    other two letters apart; None, no added word decides and every such pair is a typo."""
    if not len(codes):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    words = _WordCodes(common, shingle, terms.in_use if terms is not None else frozenset())
    left = _EncodedTexts(left_texts, words)
    right = left if left_texts is right_texts else _EncodedTexts(right_texts, words)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (candidate index, pairs, similarity)
    looks = None if raw is None else _RawLooks(raw, right is left, (left.counts, right.counts))

    def judge(lo: np.ndarray, hi: np.ndarray, index: np.ndarray) -> None:
        for start in range(0, len(lo), VERIFY_CHUNK):
            part = slice(start, start + VERIFY_CHUNK)
            pairs, scores, good = _aligned(
                (left_texts, right_texts),
                (left, right),
                (lo[part], hi[part]),
                threshold,
                looks,
                (answer_last, request_last),
                terms,
            )
            found.append((index[part][good], pairs, scores))

    def bound_and_judge(batch: list[np.ndarray]) -> None:
        index, lo, hi = np.concatenate(batch, axis=1)
        at = np.flatnonzero(_best(left_texts, right_texts, lo, hi) >= threshold - 1e-9)
        judge(lo[at], hi[at], index[at])

    short: list[np.ndarray] = []  # (3, m) each: candidate index, left row, right row
    waiting = 0
    seen = (np.zeros(len(left_texts), dtype=bool), np.zeros(len(right_texts), dtype=bool))
    if right is left:
        seen = (seen[0], seen[0])
    batch_words = 0.0
    for start in range(0, len(codes), VERIFY_CHUNK):
        chunk = codes[start : start + VERIFY_CHUNK]
        lo, hi = chunk // width, chunk % width
        index = np.arange(start, start + len(chunk), dtype=np.int64)
        # The ratio cannot exceed 2 * min / sum of the word counts: skip pairs that cannot reach it
        # (less the few words that typo fixes and filler may forgive).
        left_len, right_len = left.counts[lo], right.counts[hi]
        total = np.maximum(left_len + right_len, 1)
        bound = 2 * np.minimum(left_len, right_len) / total
        possible = bound >= threshold - 2 * SLACK_WORDS / total - 1e-9
        lo, hi, index, total = lo[possible], hi[possible], index[possible], total[possible]
        if not len(lo):
            continue
        # The score is at most the whole texts' (the lower of theirs and the content words'), so the
        # whole texts' ratio bounds it; the content words' own ratio does not, as they are read
        # through the alignment (`_judge`): an edit inside a template phrase leaves its words content
        # on one side only, and the content ratio alone would drop such a copy.
        full_a, _ = left.get(lo)
        full_b, _ = right.get(hi)
        ok = _ratios(full_a, full_b) >= threshold - 2 * SLACK_WORDS / total - 1e-9
        bounded = ok & (total <= BOUND_WORDS)
        long = np.flatnonzero(ok & ~bounded)
        if len(long):
            judge(lo[long], hi[long], index[long])
        if bounded.any():
            short.append(np.stack([index[bounded], lo[bounded], hi[bounded]]))
            waiting += int(bounded.sum())
            sides = ((seen[0], left.counts, lo[bounded]), (seen[1], right.counts, hi[bounded]))
            for mask, counts, rows in sides:  # words of the batch's texts not counted yet
                fresh = unique_ints(rows)
                fresh = fresh[~mask[fresh]]
                mask[fresh] = True
                batch_words += float(counts[fresh].sum())
        if waiting >= BOUND_BATCH or batch_words >= BOUND_BATCH_WORDS:
            bound_and_judge(short)
            short, waiting, batch_words = [], 0, 0.0
            seen[0][:] = False
            seen[1][:] = False
    if short:
        bound_and_judge(short)
    if not found:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    order = np.argsort(np.concatenate([index for index, _, _ in found]), kind="stable")
    kept = np.concatenate([pairs for _, pairs, _ in found])[order]
    return kept, np.concatenate([scores for _, _, scores in found])[order]


def _aligned(
    texts: tuple[pl.Series, pl.Series],
    encoded: tuple[_EncodedTexts, _EncodedTexts],
    rows: tuple[np.ndarray, np.ndarray],
    threshold: float,
    looks: _RawLooks | None,
    last: tuple[bool, bool],
    terms: slots.SetWords | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (texts[0][rows[0]], texts[1][rows[1]]) aligned word by word (`_judge` with the
    set's bound words `terms`, then `_second_look`; `last`: `answer_last` and `request_last`):
    (kept pairs as (m, 2), their similarity, the mask of kept among `rows`)."""
    (left_texts, right_texts), (left, right), (lo, hi) = texts, encoded, rows
    full_a, content_a = left.get(lo)
    full_b, content_b = right.get(hi)
    scores = np.zeros(len(lo), dtype=np.float64)
    good = np.zeros(len(lo), dtype=bool)
    templated = left.templated[lo] | right.templated[hi]
    dropped, scored, known = swaps.decide(
        (full_a, full_b),
        (content_a, content_b),
        (left.marks[lo], right.marks[hi]),
        templated,
        left.words,
        threshold,
    )
    scores[scored] = np.minimum(known[scored], DISTINCT_CAP)
    good[scored] = known[scored] >= threshold - 1e-9
    undecided = np.flatnonzero(~dropped & ~scored)
    a_words = _split(left_texts, lo[undecided])
    b_words = _split(right_texts, hi[undecided])
    pending: list[tuple[int, slots.Comparison]] = []
    for k, x, y in zip(undecided.tolist(), lo[undecided].tolist(), hi[undecided].tolist(), strict=True):
        verdict = _judge(
            a_words[x],
            b_words[y],
            (full_a[k], full_b[k], content_a[k], content_b[k]),
            (left.marks[x], right.marks[y]),
            terms,
        )
        scores[k] = min(verdict.score, DISTINCT_CAP)
        good[k] = verdict.reason is None and verdict.score >= threshold - 1e-9
        if good[k] and (verdict.maybe_names or verdict.differ[0] or verdict.differ[1]):
            pending.append((k, verdict))
    if pending and looks is not None:
        _second_look(pending, good, (lo, hi), (a_words, b_words), looks, threshold, last)
    if looks is not None and good.any():
        _other_fields(good, (lo, hi), looks, last[0])
    return np.stack([lo[good], hi[good]], axis=1), scores[good], good


def _best(left: pl.Series, right: pl.Series, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """`bounds.best_scores` of the pairs (left[lo], right[hi]); inside one split each text once."""
    if left is right:
        rows = unique_ints(np.concatenate([lo, hi]))
        return bounds.best_scores(left.gather(rows), np.searchsorted(rows, lo), np.searchsorted(rows, hi))
    rows_lo, rows_hi = unique_ints(lo), unique_ints(hi)
    texts = pl.concat([left.gather(rows_lo), right.gather(rows_hi)])
    a = np.searchsorted(rows_lo, lo)
    b = len(rows_lo) + np.searchsorted(rows_hi, hi)
    return bounds.best_scores(texts, a, b)


def _ratios(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Plain word-level edit ratios of code strings, pair by pair (rapidfuzz, every core)."""
    scores = cpdist(a.tolist(), b.tolist(), scorer=fuzz.ratio, workers=-1)
    return np.asarray(scores, dtype=np.float64) / 100.0


def _split(texts: pl.Series, rows: np.ndarray) -> dict[int, list[str]]:
    """The normalised words of the given rows of `texts`, by row."""
    needed = unique_ints(rows)
    return {
        int(row): text.split(" ")
        for row, text in zip(needed.tolist(), texts.gather(needed).to_list(), strict=True)
    }


def _second_look(
    pending: list[tuple[int, slots.Comparison]],
    good: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray],
    words: tuple[dict[int, list[str]], dict[int, list[str]]],
    looks: _RawLooks,
    threshold: float,
    last: tuple[bool, bool],
) -> None:
    """Drop (in `good`) the pending pairs whose differences decide once the raw texts are read:
    swapped words that are names in either text, or swaps that change a part of the texts
    (`raw_parts.decisive_part`: a premise shared, the hypothesis another; `last`: its `answer_last`
    and `request_last`)."""
    found = [
        looks.get(side, np.array([rows[side][k] for k, _ in pending], dtype=np.int64), words[side])
        for side in (0, 1)
    ]
    for k, verdict in pending:
        (names_a, parts_a), (names_b, parts_b) = found[0][int(rows[0][k])], found[1][int(rows[1][k])]
        names = (names_a, names_b)
        answer_last, request_last = last
        texts = (words[0][int(rows[0][k])], words[1][int(rows[1][k])])
        if raw_parts.decisive_part(
            verdict,
            parts_a,
            parts_b,
            threshold,
            names,
            answer_last=answer_last,
            request_last=request_last,
            words=texts,
        ):
            good[k] = False
            continue
        for swapped_a, swapped_b in verdict.maybe_names:
            if (names_a and names_a.intersection(swapped_a)) or (names_b and names_b.intersection(swapped_b)):
                good[k] = False
                break


def _other_fields(
    good: np.ndarray, rows: tuple[np.ndarray, np.ndarray], looks: _RawLooks, answer_last: bool
) -> None:
    """Drop (in `good`) the pairs whose raw texts are key/value lists that say different things
    (`fields.fields_differ`: another value in a slot, a pair only one has), however near their
    words are: "颜色#浅蓝色" / "颜色#深蓝色" in a list of forty characters."""
    at = np.flatnonzero(good)
    lists_a, lists_b = looks.lists(0, rows[0][at]), looks.lists(1, rows[1][at])
    for k, x, y in zip(at.tolist(), rows[0][at].tolist(), rows[1][at].tolist(), strict=True):
        if fields.fields_differ(lists_a[x], lists_b[y], answer_last=answer_last):
            good[k] = False


def word_similarity(a: str, b: str) -> float:
    """Edit ratio over the words of two already normalised texts: 1 - (words inserted or deleted to
    turn one into the other) / (words in both). One changed word in a 20-word text: 0.95."""
    return fuzz.ratio(a.split(" ") if a else [], b.split(" ") if b else []) / 100.0


def similarity(a: str, b: str) -> float:
    """The verified similarity of two raw texts: `word_similarity` of their normalised forms."""
    norm = pl.DataFrame({"t": [a, b]}).select(normalise_expr(pl.col("t")))["t"].to_list()
    return word_similarity(norm[0], norm[1])
