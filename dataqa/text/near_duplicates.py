"""Near-duplicates: verified near pairs between two splits and near-duplicate groups inside one.

Duplicates, leakage, label and diff checks all ask "are these the same text?", inside one split or
across two; they share this one engine, computed once per scan through `Context.shared`.

How near-duplicates are found (see `benchmarks/similarity.md` for the measurements behind it):

1. Texts are normalised (`normalise.normalise`); rows whose normalised text is identical form one
   *class*, represented by its first line. Only the distinct normalised texts go further.
2. What many rows share is discounted (`dataqa.text.templates`): a word shingle found in at least
   1 % of a split's distinct texts (a preamble, a tool description, the fixed words of a
   slot-filled template) is a template shingle, and the words it alone covers are template words.
3. Each distinct text becomes a set of word shingles (`shingle` words each; default 2: a 1-3 word
   edit changes at most 6 word pairs, where the textbook word 5-grams change up to 15, and word
   pairs, unlike single words, are rarely shared by unrelated English texts, which keeps the
   candidate pairs few), template shingles left out. A shingle set is sketched with
   one-permutation MinHash (one hash per shingle, `NUM_PERM` bins, empty bins filled by optimal
   densification), vectorised in numpy.
4. LSH banding (`BANDS` bands of `NUM_PERM // BANDS` rows) turns sketches into candidate pairs:
   a pair whose shingle sets have Jaccard 0.6 becomes a candidate with probability 0.99. Short
   texts one word apart share too few word pairs for that ("does life have meaning" / "does life
   have a meaning": 2 of 5, a candidate with probability 0.56), so texts of up to
   `slots.SHORT_WORDS` content words are also paired exactly when their content words, filler left
   out, are the same or one apart (`dataqa.text.short_edits`).
5. Every candidate is verified on the normalised texts (`dataqa.text.verify`): the word-level edit
   ratio (`1 - words inserted or deleted / words in both`; a changed word counts twice) of the
   content words, and of all words when there are template words, with typo fixes counted as the
   same word, a moved block (two sentences trading places, `dataqa.text.moves`) put back, and
   filler words ("please", "hi") left out; a pair that differs in something decisive
   (another number or name, a negation, a direction turned, another word in a short text, or a word
   added to it that makes another term of the data set: `dataqa.text.slots`; another value in a
   key/value list: `dataqa.text.fields`) is dropped. The
   similarity reported is this score, never the sketch's estimate. Before that alignment (Python,
   pair by pair) an upper bound of the score computed for the whole batch (`dataqa.text.bounds`)
   drops the pairs that
   cannot reach the threshold: on short texts under many labels nine in ten candidates; and the pairs
   whose alignment is known without aligning them (the words only one text has, left out, leave
   the same words in the same order) are decided for the batch by the same rules and score
   (`dataqa.text.swaps`): on such sets four in five of the rest. Words, not characters, because
   edits to data are edits of words.
   Two examples one or both of which have no answer (a valid one: SQuAD 2.0's unanswerable
   question) are near only when their inputs are (`near_pairs` of the prompts, `_inputs_apart`).
6. Groups never chain: taken in line order, a text heads a group of every text verified near it
   that is in no group yet, so every member is near its group's first row.

Short texts: one word swapped for another (not a typo, not filler) in a text of 20 content words
or fewer makes another text ("what is the capital of france" / "... of spain", "why is my physical
card not working" / "... virtual card ..."): in short inputs one word decides what is asked.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from scipy.sparse import csr_matrix

from dataqa.engine.context import Context
from dataqa.ingest.layouts import CLASSIFICATION, TEXT
from dataqa.ingest.tool_text import compared
from dataqa.text.candidates import candidates_across, candidates_within, unique_ints
from dataqa.text.minhash import DEFAULT_SHINGLE, bands
from dataqa.text.normalise import distinct, hashes, normalise
from dataqa.text.short_edits import edit_candidates
from dataqa.text.slots import SetWords
from dataqa.text.templates import set_words, templates
from dataqa.text.verify import verify_pairs, word_similarity

DEFAULT_THRESHOLD = 0.85
"""Default verified similarity (word-level Indel ratio of the normalised texts) of a near-duplicate."""


ANSWER_WORDS = 8
"""Words each answer of a whole-example pair needs before the answers' own similarity is read:
shorter answers (a label, a number, a name) are told apart by the verifier's own rules."""


def _pair_answers(
    raw: Callable[[int, np.ndarray], list[str]], kept: np.ndarray
) -> tuple[list[str], list[str]]:
    """The normalised answers of each verified whole-example pair (distinct rows `kept[i]`; `raw`:
    their raw answers), one list a side; each distinct row's answer is normalised once."""
    answers = []
    for side in (0, 1):
        rows = unique_ints(kept[:, side])
        normalised = normalise(pl.Series(raw(side, rows), dtype=pl.String)).to_list()
        answers.append([normalised[at] for at in np.searchsorted(rows, kept[:, side]).tolist()])
    return answers[0], answers[1]


def _answers_apart(answers: tuple[list[str], list[str]], threshold: float) -> np.ndarray:
    """Per verified whole-example pair (its `_pair_answers`): whether its answers, both of
    `ANSWER_WORDS` words or more, are not near each other. One prompt answered twice otherwise is
    one input with two answers (DUP004, LEAK005), not a copy of the example, however much a long
    shared prompt (a contract asked about one clause at a time) makes the whole records alike. The
    threshold is inclusive, as everywhere in the verifier."""
    apart = np.zeros(len(answers[0]), dtype=bool)
    for i, (a, b) in enumerate(zip(*answers, strict=True)):
        if a != b and a.count(" ") + 1 >= ANSWER_WORDS and b.count(" ") + 1 >= ANSWER_WORDS:
            apart[i] = word_similarity(a, b) < threshold - 1e-9
    return apart


def _inputs_apart(
    ctx: Context,
    splits: tuple[str, str],
    lines: tuple[np.ndarray, np.ndarray],
    kept: np.ndarray,
    answers: tuple[list[str], list[str]],
    near_inputs: Callable[[], pl.DataFrame],
) -> np.ndarray:
    """Per verified whole-example pair (distinct rows `kept[i]` of `lines`, `answers` its
    `_pair_answers`): whether one example or both have no answer (a valid one: SQuAD 2.0's
    unanswerable question) and their inputs are not near (`near_inputs()`: `near_pairs` of the
    prompts). An example without an answer is its input, so it is compared as inputs are, on what
    each asks: the whole-example rules would take the last part of the input (the passage two
    questions share) for a shared answer, and the questions for rephrasings; beside an answered
    example, whose answer is a span of that passage, the alignment matches the span with the
    passage's own words and the shared passage outvotes two questions ("O que a fase 2 do DECnet se
    tornou" answered / "As versões publicadas tardias foram utilizadas por quem?" unanswerable).
    Two examples whose inputs differ and one of which answers nothing are not copies whatever the
    rest; the same input answered once and not at all stays a pair (DUP004 reads the answers)."""
    apart = np.zeros(len(kept), dtype=bool)
    both = np.flatnonzero(unanswered(answers)).tolist()
    if not both:
        return apart
    reps = [dict(distinct(ctx, split, "prompt").members.iter_rows()) for split in dict.fromkeys(splits)]
    left_rep, right_rep = reps[0], reps[-1]
    pairs = [
        (left_rep.get(int(lines[0][kept[i, 0]])), right_rep.get(int(lines[1][kept[i, 1]]))) for i in both
    ]
    apart[both] = inputs_apart(pairs, splits[0] == splits[1], near_inputs())
    return apart


def unanswered(answers: tuple[list[str], list[str]]) -> np.ndarray:
    """Per whole-example pair (its `_pair_answers`): whether one example or both have no answer, so
    that the pair is decided on its inputs (`_inputs_apart`; an engine holding the split elsewhere
    sends these pairs to its driver)."""
    return np.array([not a or not b for a, b in zip(*answers, strict=True)], dtype=bool)


def inputs_apart(reps: list[tuple[int | None, int | None]], same: bool, near: pl.DataFrame) -> np.ndarray:
    """Per pair of examples one or both without an answer, given their inputs' representatives (None: no
    input): whether the inputs are not near (`near`: `near_pairs` of the prompts; `same`: inside one
    split). `_inputs_apart`'s decision, which an engine holding the split elsewhere makes too."""
    inputs = set(zip(near["left_line"].to_list(), near["right_line"].to_list(), strict=True))
    apart = np.zeros(len(reps), dtype=bool)
    for i, (a, b) in enumerate(reps):
        if same and a is not None and b is not None and a > b:
            a, b = b, a
        apart[i] = a != b and (a, b) not in inputs
    return apart


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64})


def _raw_texts(
    ctx: Context, splits: tuple[str, str], texts: tuple[np.ndarray, np.ndarray], column: str
) -> Callable[[int, np.ndarray], list[str]]:
    """`verify_pairs`'s access to the raw texts of distinct rows (side 0: `splits[0]`, 1: `splits[1]`;
    `texts`: each side's lines); a whole example (`text`) as its prompt and target in two paragraphs."""

    # A whole example's prompt and target are two parts of it (`raw_parts.decisive_part`): another
    # short answer to the same question is another example.
    expr = (  # as compared (`tool_text.compared`: a tool conversation's without its results)
        pl.concat_str(compared("prompt").fill_null(""), compared("response").fill_null(""), separator="\n\n")
        if column == "text"
        else compared(column)
    )

    def raw(side: int, rows: np.ndarray) -> list[str]:
        lines = texts[side][rows]
        frame = (
            ctx.valid_rows(splits[side])
            .select("line", expr.alias(column))
            .filter(pl.col("line").is_in(pl.Series(lines, dtype=pl.Int64).implode()))
        )
        found = dict(frame.iter_rows())
        return [found.get(int(line)) or "" for line in lines.tolist()]

    return raw


def near_pairs(
    ctx: Context,
    left: str,
    right: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> pl.DataFrame:
    """Verified near pairs between two splits (or inside one when `left == right`).

    Columns `left_line`, `right_line`, `similarity` (`word_similarity` of the normalised texts,
    >= `threshold`, default `DEFAULT_THRESHOLD`), sorted by lines. Texts identical after
    normalisation are one distinct text, represented by their first line (their copies are in
    `distinct(ctx, split, column).members`); inside one split, pairs have left_line < right_line
    and copies of one text are not paired with each other. Only valid rows, computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> pl.DataFrame:
        if column == "text" and all(ctx.splits[split].kind == CLASSIFICATION for split in (left, right)):
            return _labelled_pairs(ctx, left, right, t, shingle)
        return _verified(
            ctx, (left, right), column, t, shingle, _candidates(ctx, left, right, column, shingle)
        )

    return ctx.shared(pairs_key(left, right, column, t, shingle), build)


def pairs_key(left: str, right: str, column: str, threshold: float, shingle: int) -> tuple:
    """The shared key of `near_pairs` (an engine that holds a split elsewhere may supply it)."""
    return ("near_pairs", left, right, column, float(threshold), shingle)


def _candidates(ctx: Context, left: str, right: str, column: str, shingle: int) -> np.ndarray:
    """Candidate pairs of `column`'s distinct texts, as sorted unique codes left row * right size +
    right row: the LSH candidates, and the short texts one content word apart (`short_edits`)."""
    if not distinct(ctx, left, column).size or not distinct(ctx, right, column).size:
        return np.empty(0, dtype=np.int64)
    keys = bands(ctx, left, column, shingle)
    if left == right:
        codes = candidates_within(keys)
    else:
        codes = candidates_across(keys, bands(ctx, right, column, shingle))
    return unique_ints(np.concatenate([codes, edit_candidates(ctx, left, right, column)]), in_place=True)


def _verified(
    ctx: Context, splits: tuple[str, str], column: str, threshold: float, shingle: int, codes: np.ndarray
) -> pl.DataFrame:
    """The candidate pairs `codes` (`_candidates`) of `column`'s distinct texts that verify, as
    `near_pairs` returns them."""
    left, right = splits
    ld = distinct(ctx, left, column)
    rd = ld if left == right else distinct(ctx, right, column)
    if not len(codes):
        return _empty_pairs()
    lines = (ld.lines, rd.lines)

    def apart(kept: np.ndarray, answers: tuple[list[str], list[str]]) -> np.ndarray:
        near = lambda: near_pairs(ctx, left, right, "prompt", threshold, shingle=shingle)  # noqa: E731
        return _inputs_apart(ctx, splits, lines, kept, answers, near)

    # Plain text (the answer is the whole record) is left to the verifier.
    whole = column == "text" and all(ctx.splits[split].kind != TEXT for split in splits)
    return verify(
        (ld.texts, rd.texts),
        lines,
        codes,
        lambda name: _raw_texts(ctx, splits, lines, name),
        column,
        threshold,
        shingle,
        common=templates(ctx, column, shingle),
        terms=set_words(ctx, column),
        apart=apart if whole else None,
    )


def verify(
    texts: tuple[pl.Series, pl.Series],
    lines: tuple[np.ndarray, np.ndarray],
    codes: np.ndarray,
    raw: Callable[[str], Callable[[int, np.ndarray], list[str]]],
    column: str,
    threshold: float,
    shingle: int,
    *,
    common: np.ndarray,
    terms: SetWords | None,
    apart: Callable[[np.ndarray, tuple[list[str], list[str]]], np.ndarray] | None,
) -> pl.DataFrame:
    """The candidate pairs `codes` (left row * len(right texts) + right row) of distinct `texts`
    (normalised, each side's; one Series for both inside one split) that verify, as `near_pairs`
    returns them by their `lines`. `raw(column)`: the verifier's access to the rows' raw texts
    (`_raw_texts`); `apart`: for whole examples, which verified pairs are apart beyond their answers
    (`_inputs_apart`), None for plain text. The local engine calls it on a whole split, an engine
    holding it in blocks on the texts a part of the candidates names (`dataqa.text.near_blocks`)."""
    kept, sims = verify_pairs(
        texts[0],
        texts[1],
        codes,
        len(texts[1]),
        threshold,
        common=common,
        shingle=shingle,
        raw=raw(column),
        answer_last=column == "text",
        request_last=column == "prompt",
        terms=terms,
    )
    if apart is not None and len(kept):
        answers = _pair_answers(raw("response"), kept)
        dropped = _answers_apart(answers, threshold) | apart(kept, answers)
        kept, sims = kept[~dropped], sims[~dropped]
    return pl.DataFrame(
        {
            "left_line": lines[0][kept[:, 0]] if len(kept) else np.empty(0, np.int64),
            "right_line": lines[1][kept[:, 1]] if len(kept) else np.empty(0, np.int64),
            "similarity": sims,
        },
        schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64},
    ).sort(["left_line", "right_line"])


def _examples(ctx: Context, split: str) -> pl.DataFrame:
    """Per distinct whole example of a classification split, in order: its `line`, its input's
    representative (`rep`, null without an input) and its label's normalised hash (`response_norm`)."""
    return (
        pl.DataFrame({"line": distinct(ctx, split, "text").lines}, schema={"line": pl.Int64})
        .join(distinct(ctx, split, "prompt").members, on="line", how="left", maintain_order="left")
        .join(
            hashes(ctx, split).select("line", "response_norm"), on="line", how="left", maintain_order="left"
        )
    )


def _labelled_pairs(ctx: Context, left: str, right: str, threshold: float, shingle: int) -> pl.DataFrame:
    """`near_pairs` of whole examples between two classification splits: examples whose inputs are
    near (verified as `near_pairs` of the inputs, their similarity) under the same label
    (normalised). The label's words, shared by every example of a class, would otherwise make two
    short inputs look alike; near inputs under two labels are a label conflict (LBL002, LEAK005),
    not a copy. The inputs' verification serves the whole examples too (DUP003 and DUP004)."""
    found = near_pairs(ctx, left, right, "prompt", threshold, shingle=shingle)
    lx = _examples(ctx, left)
    rx = lx if left == right else _examples(ctx, right)
    return labelled_join(found, lx, rx, left == right)


def labelled_join(found: pl.DataFrame, lx: pl.DataFrame, rx: pl.DataFrame, same: bool) -> pl.DataFrame:
    """`_labelled_pairs` from the inputs' near pairs `found` and each side's examples (`_examples`,
    or those of them whose input is in a pair: an engine holding a split elsewhere gathers them
    there, `dataqa.text.near_held`); `same`: inside one split."""
    pairs = found.join(
        lx.select(pl.col("line").alias("a"), pl.col("rep").alias("left_line"), "response_norm"),
        on="left_line",
    ).join(
        rx.select(pl.col("line").alias("b"), pl.col("rep").alias("right_line"), "response_norm"),
        on=["right_line", "response_norm"],
    )
    first, second = pl.col("a"), pl.col("b")
    if same:  # an example's line may come before its input's representative's
        first, second = pl.min_horizontal("a", "b"), pl.max_horizontal("a", "b")
    return pairs.select(first.alias("left_line"), second.alias("right_line"), "similarity").sort(
        ["left_line", "right_line"]
    )


def _stars(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Group of each of `n` distinct texts (in line order) given the verified pairs (a, b): taken in
    order, a text not yet in a group heads one with every verified neighbour not yet in a group.
    Every member is near the head itself, so groups never chain unrelated texts through their
    neighbours (connected components did: A ~ B ~ C put A and C together)."""
    group = np.arange(n, dtype=np.int64)
    if not len(a):
        return group
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    graph = csr_matrix((np.ones(len(lo), dtype=np.int8), (lo, hi)), shape=(n, n))
    taken = np.zeros(n, dtype=bool)
    indptr, indices = graph.indptr, graph.indices
    for head in np.flatnonzero(np.diff(indptr)).tolist():
        if taken[head]:
            continue
        later = indices[indptr[head] : indptr[head + 1]]
        later = later[~taken[later]]
        group[later] = head
        taken[later] = True
    return group


def _heads(pairs: pl.DataFrame) -> pl.DataFrame:
    """`rep`, `group` (its group's first line) of every distinct text in a verified pair, grouped in
    line order by `_stars` (a text in no pair is a group of its own, whatever the others)."""
    lines = unique_ints(np.concatenate([pairs["left_line"].to_numpy(), pairs["right_line"].to_numpy()]))
    a = np.searchsorted(lines, pairs["left_line"].to_numpy())
    b = np.searchsorted(lines, pairs["right_line"].to_numpy())
    return pl.DataFrame(
        {"rep": lines, "group": lines[_stars(a, b, len(lines))]}, schema={"rep": pl.Int64, "group": pl.Int64}
    )


def near_text_groups(
    ctx: Context,
    split: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> list[list[int]]:
    """The groups of `near_duplicate_groups` as distinct texts (their first lines; the copies of a
    text left out), the groups of two texts or more: read from the verified pairs alone, which an
    engine holding the split elsewhere supplies (`dataqa.text.near_blocks`)."""
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    heads = _heads(near_pairs(ctx, split, split, column, t, shingle=shingle))
    frame = heads.group_by("group").agg(pl.col("rep").sort()).filter(pl.col("rep").list.len() > 1)
    return sorted(frame["rep"].to_list(), key=lambda g: g[0])


def near_duplicate_groups(
    ctx: Context,
    split: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> list[list[int]]:
    """Groups (two or more rows) of `split` whose `column` texts are identical after normalisation
    or near-identical to the group's first row (verified similarity >= `threshold`; never chained
    through other members: see `_stars`).

    Each group is a sorted list of line numbers (the first is the representative); groups are
    sorted by their first line. Only valid rows with a non-empty text; computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> list[list[int]]:
        d = distinct(ctx, split, column)
        if not d.size:
            return []
        return member_groups(d.members, near_pairs(ctx, split, split, column, t, shingle=shingle))

    return ctx.shared(groups_key(split, column, t, shingle), build)


def groups_key(split: str, column: str, threshold: float, shingle: int) -> tuple:
    """The shared key of `near_duplicate_groups` (an engine that holds a split elsewhere may supply it)."""
    return ("near_groups", split, column, float(threshold), shingle)


def member_groups(members: pl.DataFrame, pairs: pl.DataFrame) -> list[list[int]]:
    """`near_duplicate_groups` from the rows' classes (`line`, `rep`: `distinct`'s members, or only
    those of the classes of two rows or more: a row alone in its class and in no pair is in no
    group) and the verified pairs of the distinct texts."""
    heads = _heads(pairs)
    own = heads.select(pl.col("rep").alias("line"), "rep").join(members, on="line", how="anti")
    frame = (
        pl.concat([members.select("line", "rep").cast({"line": pl.Int64, "rep": pl.Int64}), own])
        .join(heads, on="rep", how="left")
        .with_columns(pl.coalesce("group", "rep").alias("group"))
        .group_by("group")
        .agg(pl.col("line").sort())
    )
    groups = [lines for lines in frame["line"].to_list() if len(lines) > 1]
    return sorted(groups, key=lambda g: g[0])
