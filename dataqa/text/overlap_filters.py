"""Which shared n-grams count as an overlap (`overlap.ngram_overlaps`' filters after the join):
boilerplate spread over many reference rows is not one for an eval text that shares little of
itself (`without_boilerplate`), nor a short span that is a small part of a held-out example with an
answer of its own, unless the two prompts are one problem with other numbers or names
(`most_of_a_part`), nor a step of a tool conversation's trajectory, the same call made for the same
thing (`off_calls`)."""

from __future__ import annotations

import polars as pl
from rapidfuzz.distance import Levenshtein

from dataqa.engine.context import Context
from dataqa.ingest.tool_text import ASKED, CALL_LINE, shows_calls
from dataqa.text import copies
from dataqa.text.copies import FETCH
from dataqa.text.normalise import normalise
from dataqa.text.templates import template_vocabulary

SPREAD_COVER = 0.5
"""Share of an eval text's n-grams found in the reference split under which n-grams spread over
many reference rows are boilerplate (`ngram_overlaps`' `spread_rows`)."""


def without_boilerplate(
    matched: pl.DataFrame, spread: pl.DataFrame, texts: pl.DataFrame, n: int
) -> pl.DataFrame:
    """`matched` (eval `line`, `pos`, `g`, `ref_line`) without the boilerplate of the eval texts
    (`texts`: `line`, normalised `t` of matched lines) that share under `SPREAD_COVER` of their
    n-grams with the reference split: the spread n-grams, and the n-grams that are mostly their
    words (a footer and the next text's first word)."""
    grams = texts.select("line", grams=(pl.col("t").str.count_matches(" ") + 2 - n).clip(1))
    low = (
        matched.group_by("line")
        .agg(pl.col("pos").n_unique().alias("hit"))
        .join(grams, on="line")
        .filter(pl.col("hit") < SPREAD_COVER * pl.col("grams"))
        .select("line")
    )
    boiler_words = (
        matched.join(low, on="line", how="semi")
        .join(spread, on="g", how="semi")
        .select("line", word=pl.int_ranges("pos", pl.col("pos") + n))
        .explode("word")
        .unique()
    )
    if not boiler_words.height:
        return matched
    candidates = (
        matched.join(boiler_words.select("line").unique(), on="line", how="semi")
        .select("line", "pos")
        .unique()
    )
    return matched.join(_mostly(candidates, boiler_words, n), on=["line", "pos"], how="anti")


def _mostly(grams: pl.DataFrame, words: pl.DataFrame, n: int) -> pl.DataFrame:
    """`line`, `pos` of the n-grams among `grams` (`line`, `pos`: where each starts) half or more of
    whose words are among `words` (`line`, `word`: positions in the line's normalised text)."""
    return (
        grams.with_columns(word=pl.int_ranges("pos", pl.col("pos") + n))
        .explode("word")
        .join(words, on=["line", "word"], how="semi")
        .group_by("line", "pos")
        .len()
        .filter(pl.col("len") * 2 >= n)
        .select("line", "pos")
    )


def off_calls(ctx: Context, split: str, matched: pl.DataFrame, texts: pl.DataFrame, n: int) -> pl.DataFrame:
    """`matched` (eval `line`, `pos`, `g`, `ref_line`) without the n-grams that are mostly (half or
    more) words of the calls of a tool conversation (`texts`: `line`, normalised `t` of matched
    lines): two requests about one restaurant make the same resolve call, a step of one trajectory,
    not a passage the held-out example leaks. What the user and the assistant say still counts."""
    if ctx.splits[split].elsewhere is None and ctx.valid_rows(split)[ASKED].is_null().all():
        return matched  # no tool conversation here: nothing to read (a split held elsewhere is read)
    lines = texts["line"].to_list()
    raw = copies.texts(ctx, split, lines)
    flags = [
        (line, flags)
        for line, t in texts.select("line", "t").iter_rows()
        if (flags := _call_words(raw.get(line, ""), t)) is not None
    ]
    if not flags:
        return matched
    words = pl.DataFrame(
        [(line, at) for line, flagged in flags for at in flagged],
        schema={"line": pl.Int64, "word": pl.Int64},
        orient="row",
    )
    grams = matched.select("line", "pos").unique().join(words.select("line").unique(), on="line", how="semi")
    return matched.join(_mostly(grams, words, n), on=["line", "pos"], how="anti")


def _call_words(text: str, normalised: str) -> list[int] | None:
    """The positions, among the words of `normalised` (the compared `text` normalised), of the words
    of its call lines (`tool_text.call_text`, with the role that makes them); None for a text without
    calls, or whose lines normalised one by one do not make up those words (nothing to tell then)."""
    if not shows_calls(text):
        return None
    lines = text.split("\n")
    counts = [len(line.split()) for line in normalise(pl.Series(lines, dtype=pl.String)).to_list()]
    if sum(counts) != len(normalised.split()):
        return None
    at, out = 0, []
    for line, count in zip(lines, counts, strict=True):
        if CALL_LINE.match(line):
            out.extend(range(at, at + count))
        at += count
    return out


SAME_PROBLEM = 0.75
"""Likeness (word edit similarity, numbers masked, a swapped word one edit) of two prompts from
which the held-out one is the training one with other numbers or names (`_most_of_a_part`)."""


def _masked(text: str, template: frozenset[str] = frozenset()) -> list[str]:
    """A normalised text's words, every number one placeholder (a renumbered copy reads alike),
    without the `template` words most training prompts repeat (a 6,000-character tool list before
    each question would make any two questions alike)."""
    words = text.split() if text else []
    return ["#" if any(c.isdigit() for c in w) else w for w in words if w not in template]


def _likeness(prompt: str, other: str, template: frozenset[str]) -> float:
    """Word edit similarity of two normalised prompts, numbers masked and template words left out
    (`_masked`): `SAME_PROBLEM` or more is one problem with other numbers or names."""
    return Levenshtein.normalized_similarity(_masked(prompt, template), _masked(other, template))


def _normalised_parts(ctx: Context, split: str, lines: pl.Series, columns: tuple[str, ...]) -> pl.DataFrame:
    """`line` and the normalised `columns` of the valid rows of a split among `lines`.

    The columns are picked before the rows: filtering the whole frame first copies every column
    of nearly every row (1 GB for a million chat rows) to keep a few."""
    if ctx.supplied((*FETCH, split)):  # a split whose rows are elsewhere: from its blocks
        fetch = ctx.shared((*FETCH, split), lambda: None)
        got = [fetch(lines.to_list(), column).rename({column: f"_{column}"}) for column in columns]
        frame = got[0]
        for more in got[1:]:
            frame = frame.join(more, on="line", how="left")
        return pl.DataFrame([frame["line"], *(normalise(frame[f"_{c}"]).alias(c) for c in columns)])
    frame = ctx.splits[split].frame.select("line", "valid", *columns)
    frame = frame.filter(pl.col("valid") & pl.col("line").is_in(lines.implode()))
    return pl.DataFrame([frame["line"], *(normalise(frame[column]) for column in columns)])


def _renumbered_answers(
    ctx: Context, splits: tuple[str, str], mine: pl.DataFrame, pairs: pl.DataFrame
) -> pl.DataFrame:
    """`line`, `ref_line` of the `pairs` (shared mostly in the held-out answer) whose two answers are
    one answer with other numbers, to prompts that are not one problem renumbered (`SAME_PROBLEM`):
    "... INTERVAL 6 MONTH" for "inactive for more than 6 months" and "... INTERVAL 3 MONTH" for "not
    logged in for the last 3 months". The number decides the answer, so the inputs differ: an answer's
    shape, not a leaked example (a renumbered copy of a training problem stays one)."""
    schema = {"line": pl.Int64, "ref_line": pl.Int64}
    if not pairs.height:
        return pl.DataFrame(schema=schema)
    theirs = _normalised_parts(ctx, splits[1], pairs["ref_line"].unique(), ("prompt", "response"))
    texts = (
        pairs.select("line", "ref_line")
        .join(mine, on="line")
        .join(
            theirs.rename({"line": "ref_line", "prompt": "other", "response": "other_answer"}), on="ref_line"
        )
    )
    template = template_vocabulary(ctx)
    found = [
        (line, ref_line)
        for line, ref_line, prompt, answer, other, other_answer in texts.select(
            "line", "ref_line", "prompt", "response", "other", "other_answer"
        ).iter_rows()
        if answer != other_answer
        and _masked(answer) == _masked(other_answer)
        and _likeness(prompt, other, template) < SAME_PROBLEM
    ]
    return pl.DataFrame(found, schema=schema, orient="row")


def _word_count(text: pl.Expr) -> pl.Expr:
    """Words of a normalised text (single spaces, trimmed; the empty text has none)."""
    return pl.when(text.str.len_bytes() > 0).then(text.str.count_matches(" ") + 1).otherwise(0).cast(pl.Int64)


def _coverage(pairs: pl.DataFrame, n: int) -> pl.DataFrame:
    """The words of each held-out text that a pair's shared n-grams cover, as word intervals:
    `line`, `ref_line`, `start`, `end` (exclusive), one row per run of n-grams starting under n
    words apart (those overlap; a pair's intervals are disjoint), in place of one row per word."""
    pairs = pairs.sort("line", "ref_line", "pos")
    new = (
        (pl.col("line") != pl.col("line").shift())
        | (pl.col("ref_line") != pl.col("ref_line").shift())
        | (pl.col("pos") - pl.col("pos").shift() >= n)
    ).fill_null(True)
    return (
        pairs.with_columns(block=new.cum_sum())
        .group_by("block")
        .agg(
            pl.col("line").first(),
            pl.col("ref_line").first(),
            start=pl.col("pos").min(),
            end=pl.col("pos").max() + n,
        )
        .drop("block")
    )


def most_of_a_part(
    ctx: Context, splits: tuple[str, str], matched: pl.DataFrame, n: int, share: float
) -> pl.DataFrame:
    """`matched` without the pairs (eval `line`, `ref_line`) whose shared words are a short span
    (under 2n words) that is a small part of a held-out example with an answer of its own (not a
    class label): the n-grams cover under `share` of its prompt and of its answer, and its prompt
    is not the training one with other numbers or names (`SAME_PROBLEM`). A worked solution's stock
    step ("there are 7 days in a week so she eats 3*7") or one phrase of a question about
    something else is not a leak; a renumbered copy of a training problem is. Labelled data is
    left alone: its text is the whole example, which a long span is most of. An answer shorter
    than n words holds no n-gram alone: it is shared only with the prompt's last words, so the span
    must then be most of the whole example (prompt and answer) too: a short question's copied
    answer list is, a dialogue's stock reply "I am glad I could help. Have a nice day" after the
    user's "No, that will be all. Thank you" (rows of other services) is not.

    The coverage is counted in polars from word intervals and prompt/answer lengths; the words of
    both prompts are read only for the pairs it leaves to the renumbered-copy test, one pair at a
    time (a million rows' word lists held at once weighed about 1 GB)."""
    eval_split, ref_split = splits
    if ctx.has_labels(eval_split):
        return matched
    pairs = matched.select("line", "ref_line", "pos").unique()
    runs = (
        pairs.sort("line", "ref_line", "pos")
        .with_columns(run=pl.col("pos") - pl.int_range(pl.len()).over("line", "ref_line"))
        .group_by("line", "ref_line", "run")
        .len()
        .group_by("line", "ref_line")
        .agg(pl.col("len").max().alias("grams"))
    )
    short = runs.filter(pl.col("grams") <= n).select("line", "ref_line")
    del runs
    if not short.height:
        return matched
    mine = _normalised_parts(ctx, eval_split, short["line"].unique(), ("prompt", "response"))
    lengths = mine.select("line", words=_word_count(pl.col("prompt")), answer=_word_count(pl.col("response")))
    prompt_share, answer_share = share * pl.col("words"), share * pl.col("answer")
    # An answer shorter than n is shared only with the prompt's last words: then the span must be
    # most of the whole example (a short question and its copied answer list, not a stock reply).
    brief = (pl.col("answer") < n) & (pl.col("covered") < share * (pl.col("words") + pl.col("answer")))
    # A held-out line that is not a valid row has no prompt nor answer (0 words): never most of one.
    shares = (
        _coverage(pairs.join(short, on=["line", "ref_line"], how="semi"), n)
        .join(lengths, on="line", how="left")
        .with_columns(pl.col("words", "answer").fill_null(0))
        .group_by("line", "ref_line")
        .agg(
            pl.col("words").first(),
            pl.col("answer").first(),
            covered=(pl.col("end") - pl.col("start")).sum(),
            in_prompt=(pl.min_horizontal("end", "words") - pl.col("start")).clip(0).sum(),
        )
        .with_columns(
            by_prompt=(pl.col("in_prompt") >= prompt_share) & (prompt_share > 0),
            by_answer=(pl.col("covered") - pl.col("in_prompt") >= answer_share) & (answer_share > 0) & ~brief,
        )
    )
    failing = shares.filter(~(pl.col("by_prompt") | pl.col("by_answer"))).select("line", "ref_line", "words")
    renumbered = _renumbered_answers(
        ctx, splits, mine, shares.filter(pl.col("by_answer") & ~pl.col("by_prompt") & (pl.col("words") > 0))
    )
    del pairs, short, lengths, shares
    # Plain text (no prompt) is all answer: no problem to compare, only what the span covers.
    small = [failing.filter(pl.col("words") == 0).select("line", "ref_line")]
    compared = failing.filter(pl.col("words") > 0).select("line", "ref_line")
    if compared.height:
        template = template_vocabulary(ctx)
        theirs = _normalised_parts(ctx, ref_split, compared["ref_line"].unique(), ("prompt",))
        texts = compared.join(mine.select("line", "prompt"), on="line").join(
            theirs.rename({"line": "ref_line", "prompt": "other"}), on="ref_line", how="left"
        )
        renamed = [
            (line, ref_line)
            for line, ref_line, prompt, other in texts.select(
                "line", "ref_line", "prompt", "other"
            ).iter_rows()
            if other and _likeness(prompt, other, template) >= SAME_PROBLEM
        ]
        schema = {"line": pl.Int64, "ref_line": pl.Int64}
        small.append(
            compared.join(
                pl.DataFrame(renamed, schema=schema, orient="row"), on=["line", "ref_line"], how="anti"
            )
        )
    drop = pl.concat([*small, renumbered])
    if not drop.height:
        return matched
    return matched.join(drop, on=["line", "ref_line"], how="anti")
