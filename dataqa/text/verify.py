"""Verification of candidate pairs: the true word-level similarity of their normalised texts.

The similarity reported for a pair is computed from the texts, never a sketch's estimate: the
word-level edit ratio of their content words (template words left out, `dataqa.text.templates`),
adjusted for typo fixes and filler words, and pairs whose difference is decisive (another number,
name, negation, or in a short text another word: `dataqa.text.slots`) are dropped like pairs under
the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Container

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from dataqa.text import bounds, fields, formulas, raw_parts, slots, swaps
from dataqa.text.candidates import unique_ints
from dataqa.text.moves import MOVE_WORDS, block_move, transposed
from dataqa.text.normalise import normalise
from dataqa.text.word_codes import EncodedTexts, RawLooks, WordCodes

VERIFY_CHUNK = 100_000
"""Candidate pairs verified per rapidfuzz batch."""


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


def _judge(
    a: list[str],
    b: list[str],
    codes: tuple[str, str, str, str],
    marks: tuple[bytes | None, bytes | None],
    terms: slots.SetWords | None = None,
) -> slots.Comparison:
    """`slots.compare` of one pair: on all the words (for the score, and for the decisive
    differences, with the set's bound words `terms`), and when either text has template words
    (`marks`, `WordCodes.encode`) on the content words too, for the score: the lower of the two.

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
    if whole.score == 1.0 and transposed(full_a, full_b) is not None:
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
    words = WordCodes(
        common,
        shingle,
        terms.in_use if terms is not None else frozenset(),
        framed=bool(terms is not None and terms.frames),
    )
    left = EncodedTexts(left_texts, words)
    right = left if left_texts is right_texts else EncodedTexts(right_texts, words)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (candidate index, pairs, similarity)
    looks = None if raw is None else RawLooks(raw, right is left, (left.counts, right.counts), request_last)

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
        ordered, any_order = _best(left_texts, right_texts, lo, hi)
        keep = ordered >= threshold - 1e-9
        moved = np.flatnonzero(~keep & (any_order >= threshold - 1e-9))
        if len(moved):  # over the threshold only if a block moved: is there one?
            keep[moved] = _moved(left.get(lo[moved])[0], right.get(hi[moved])[0])
        at = np.flatnonzero(keep)
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
        movable = np.flatnonzero(~ok & (np.minimum(left.counts[lo], right.counts[hi]) >= 2 * MOVE_WORDS))
        if len(movable):  # a block moved (`moves.block_move`) is matched: the words in any order
            bag_ok = _bag_ratios(full_a[movable], full_b[movable], (lo[movable], hi[movable])) >= (
                threshold - 2 * SLACK_WORDS / total[movable] - 1e-9
            )
            movable = movable[bag_ok]
            ok[movable] = _moved(full_a[movable], full_b[movable])
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
    encoded: tuple[EncodedTexts, EncodedTexts],
    rows: tuple[np.ndarray, np.ndarray],
    threshold: float,
    looks: RawLooks | None,
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
        looked = verdict.maybe_names or verdict.maybe_quantities or verdict.differ[0] or verdict.differ[1]
        if good[k] and looked:
            pending.append((k, verdict))
    if pending and looks is not None:
        in_use = terms.in_use if terms is not None else frozenset()
        codes = ((full_a, full_b), (content_a, content_b), (left.marks, right.marks))
        _formulas_decide(pending, good, (lo, hi), (a_words, b_words), codes, looks, terms)
        pending = [(k, verdict) for k, verdict in pending if good[k]]
        _second_look(pending, good, (lo, hi), (a_words, b_words), looks, threshold, last, in_use)
    if looks is not None and good.any():
        _other_fields(good, (lo, hi), looks, last[0])
    return np.stack([lo[good], hi[good]], axis=1), scores[good], good


def _best(left: pl.Series, right: pl.Series, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _bag_ratios(a: np.ndarray, b: np.ndarray, rows: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """`_ratios` of the code strings' words in any order (each string's characters sorted, once per
    distinct row of `rows`): what the edit ratio can reach once a moved block is put back
    (`moves.block_move`)."""
    return _ratios(_sorted_codes(a, rows[0]), _sorted_codes(b, rows[1]))


def _sorted_codes(strings: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each code string with its characters sorted, each distinct row's string sorted once."""
    distinct, first, back = np.unique(rows, return_index=True, return_inverse=True)
    done = np.array(["".join(sorted(x)) for x in strings[first].tolist()], dtype=object)
    return done[back.reshape(-1)] if len(distinct) else done


def _moved(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair of code strings: whether a block of words moved between them (`moves.block_move`),
    the only way a pair under the threshold with its words in order reaches it."""
    return np.array(
        [
            block_move(x, y, slots.gaps(x, y)[1]) is not None
            for x, y in zip(a.tolist(), b.tolist(), strict=True)
        ],
        dtype=bool,
    )


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
    looks: RawLooks,
    threshold: float,
    last: tuple[bool, bool],
    in_use: Container[str] = frozenset(),
) -> None:
    """Drop (in `good`) the pending pairs whose differences decide once the raw texts are read:
    a long number for another number where either is written as an operand
    (`operands.operand_numbers`: "$38574 \\equiv n$" / "$-200 \\equiv n$" are two problems),
    swapped words that are names in either text, or swaps that change a part of the texts
    (`raw_parts.decisive_part`: a premise shared, the hypothesis another; `last`: its `answer_last`
    and `request_last`; `in_use`: the set's words `typos.is_typo` reads)."""
    _operands_differ(pending, good, rows, words, looks)
    pending = [(k, verdict) for k, verdict in pending if good[k]]
    if not pending:
        return
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
            in_use=in_use,
        ):
            good[k] = False
            continue
        for swapped_a, swapped_b in verdict.maybe_names:
            if (names_a and names_a.intersection(swapped_a)) or (names_b and names_b.intersection(swapped_b)):
                good[k] = False
                break


def _formulas_decide(
    pending: list[tuple[int, slots.Comparison]],
    good: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray],
    words: tuple[dict[int, list[str]], dict[int, list[str]]],
    codes: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    looks: RawLooks,
    terms: slots.SetWords | None,
) -> None:
    """Drop (in `good`) the pending pairs of long texts that are short once each formula counts as one
    word (`formulas.formula_length`) and differ there in something decisive: "<a long formula> is
    convex. True or False?" / "... is nonincreasing. ..." ask two things, as "x is convex" / "x is
    nonincreasing" do. `codes`: per candidate the code strings and content code strings of each
    side, and per row each side's template marks. A pair kept is re-read for names at its shorter
    length (`slots.Comparison.maybe_names`)."""
    (full_a, full_b), (content_a, content_b), marks = codes
    asked = [
        (k, verdict)
        for k, verdict in pending
        if min(len(content_a[k]), len(content_b[k])) > slots.SHORT_WORDS
        and (verdict.differ[0] or verdict.differ[1])
    ]
    if not asked:
        return
    at = [np.array([rows[side][k] for k, _ in asked], dtype=np.int64) for side in (0, 1)]
    runs = [looks.formula_runs(side, at[side], words[side]) for side in (0, 1)]
    for k, verdict in asked:
        x, y = int(rows[0][k]), int(rows[1][k])
        if not runs[0][x] and not runs[1][y]:
            continue
        length = min(
            formulas.formula_length(len(full_a[k]), marks[0][x], runs[0][x]),
            formulas.formula_length(len(full_b[k]), marks[1][y], runs[1][y]),
        )
        if length > slots.NAME_WORDS:
            continue
        again = slots.compare(words[0][x], words[1][y], full_a[k], full_b[k], length, early=True, terms=terms)
        if again.reason is not None:
            good[k] = False
        else:
            verdict.maybe_names = again.maybe_names


def _operands_differ(
    pending: list[tuple[int, slots.Comparison]],
    good: np.ndarray,
    rows: tuple[np.ndarray, np.ndarray],
    words: tuple[dict[int, list[str]], dict[int, list[str]]],
    looks: RawLooks,
) -> None:
    """Drop (in `good`) the pending pairs with a long number for another number
    (`Comparison.maybe_quantities`) that either raw text writes as an operand of its task."""
    asked = [(k, verdict) for k, verdict in pending if verdict.maybe_quantities]
    if not asked:
        return
    found = [looks.operands(side, [int(rows[side][k]) for k, _ in asked], words[side]) for side in (0, 1)]
    for k, verdict in asked:
        ops_a, ops_b = found[0][int(rows[0][k])], found[1][int(rows[1][k])]
        if any(ops_a.intersection(a) or ops_b.intersection(b) for a, b in verdict.maybe_quantities):
            good[k] = False


def _other_fields(
    good: np.ndarray, rows: tuple[np.ndarray, np.ndarray], looks: RawLooks, answer_last: bool
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
    norm = normalise(pl.Series([a, b], dtype=pl.String)).to_list()
    return word_similarity(norm[0], norm[1])
