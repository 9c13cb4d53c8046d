"""Answers found in two splits: the rows whose long answer a row of another split gives word for word
after normalisation (LEAK007's answer leaks).

One frame: `split`, `line`, `key` (the hash of the row's normalised answer), `prompt` (the hash of its
normalised input), for every valid row of unlabelled data that answers one request (one user turn: a
dialogue's last reply closes a conversation, it is no example's answer) without a tool call
(`structure.CALL_EVENT`), with an answer of `MIN_WORDS` words or more (`answer_words`), and whose key a
row of another split has.
A key comes from its row alone, so an engine that keeps a split's rows on other machines keys them there
and brings the rows of a key together by a shuffle on it (`GROUPING`); the local engine builds the same
frame from the rows it holds. Labelled data is left out: there the answer is a class many rows share.
"""

from __future__ import annotations

import re

import orjson
import polars as pl

from dataqa.checks.leakage.contained import normalised_words
from dataqa.checks.leakage.shared_inputs import in_two_splits
from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.ingest.structure import CALL_EVENT
from dataqa.text.normalise import hashes, normalise

SHARED_ANSWERS = ("shared_answers",)
"""The shared key of the frame (module docstring): an engine that made it elsewhere supplies it."""
SHARED_ANSWER_TEXTS = ("shared_answer_texts",)
"""The shared key of quoted rows' texts (none: a leak's rows are fetched by `copies.texts`)."""
SCHEMA = {"split": pl.String, "line": pl.Int64, "key": pl.UInt64, "prompt": pl.UInt64}
MIN_WORDS = 8
"""Words a shared answer needs to be no coincidence: a name, a number, "Yes, it is." and a short
stock reply are given to many questions; a query, a list of eight names or a paragraph is not."""


def answer_words(answers: pl.Series) -> pl.Series:
    """Each answer's words as `MIN_WORDS` counts them: a normalised text's (`normalised_words`), but of
    an answer written as a JSON object or list only the words of its values that are text
    (`_text_values`). Its keys are the schema every answer of the set repeats, and values of one token
    each (a class, a score, a code, a date) are a structured label: a classifier's `{"intent":
    "objection_handling", "outcome": "no_decision", "score": 0.35}` is given to many inputs, as a
    label is, however many fields it has."""
    words = normalised_words(normalise(answers))  # type: ignore[arg-type]  (a Series has `.str` too)
    structured = answers.str.contains(r"^\s*[\[{]").fill_null(False).arg_true()
    values = [_text_values(text) for text in answers.gather(structured).to_list()]
    at = [i for i, v in zip(structured.to_list(), values, strict=True) if v is not None]
    if not at:
        return words
    texts = pl.Series([v for v in values if v is not None], dtype=pl.String)
    return words.scatter(at, normalised_words(normalise(texts)))  # type: ignore[arg-type]


_TOKEN = re.compile(r"[\w.:/+-]*")
"""A JSON string value of one token: a class name, a code, a date, a number written as a string."""


def _text_values(text: str) -> str | None:
    """The string values of a JSON object or list that are more than one token (`_TOKEN`), joined by
    spaces; None when `text` is not one."""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(parsed, dict | list):
        return None
    texts, pending = [], [parsed]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and not _TOKEN.fullmatch(value.strip()):
            texts.append(value)
    return " ".join(texts)


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `prompt` of the valid rows with a long answer of a split the context
    holds (a whole split, or a block of it on a worker); none on labelled data."""
    if ctx.has_labels():
        return pl.DataFrame(schema=SCHEMA)
    asks = ctx.splits[split].turns.filter(pl.col("role") == "user").group_by("line").len()
    one_ask = asks.filter(pl.col("len") == 1).select(pl.col("line").cast(pl.Int64))
    rows = (
        ctx.valid_rows(split)
        # a call's answer is the call, or a reply to its result, which the request's values decide
        # ("book Nordlys for 3 at 19:00" however it is worded)
        .filter(~pl.col("structure").fill_null("").str.contains(CALL_EVENT))
        .select("line", "response")
        .join(one_ask, on="line")
    )
    long = rows.filter(answer_words(rows["response"].fill_null("")) >= MIN_WORDS)
    return (
        hashes(ctx, split)
        .join(long.select("line"), on="line")
        .select(
            pl.lit(split).alias("split"),
            "line",
            pl.col("response_norm").alias("key"),
            pl.col("prompt_norm").alias("prompt"),
        )
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


def across(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key a row of another split has (`in_two_splits`)."""
    return in_two_splits(frames, SCHEMA)


def shared_answers(ctx: Context) -> pl.DataFrame:
    """The rows of every split whose long answer another split gives, made once per scan from the rows
    here, or supplied by the engine that holds them."""
    return ctx.shared(SHARED_ANSWERS, lambda: across([keyed(ctx, name) for name in ctx.splits]))


def answer_pairs(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line` of the held-out rows whose long answer one reference row gives, to another
    input, and no split gives twice: an answer two rows of one split give is a stock answer ("I am
    glad I could help. Have a nice day.") or a source's answer to a kind of question (a country's
    trading partners, asked as imports and as exports), not one example's. One query asked once in
    each of train, dev and test is one example in three splits."""
    frame = shared_answers(ctx).filter(pl.len().over("key") == pl.col("split").n_unique().over("key"))
    mine = frame.filter(pl.col("split") == eval_split).drop("split")
    theirs = (
        frame.filter(pl.col("split") == ref_split)
        .drop("split")
        .rename({"line": "ref_line", "prompt": "ref_prompt"})
    )
    return (
        mine.join(theirs, on="key")
        .filter(pl.col("prompt") != pl.col("ref_prompt"))
        .select("line", "ref_line")
        .sort("line", "ref_line")
    )


GROUPING = Grouping(SHARED_ANSWERS, SHARED_ANSWER_TEXTS, keyed, across, column="response")
"""The grouping of LEAK007's shared answers (module docstring)."""
