"""One prompt answered in other words: the rows of a split whose prompt another row has with another answer.

LBL007 reads one frame: `split`, `line`, `key` (the hash of the row's system prompt, normalised
prompt and tool definitions) and `answer` (its normalised answer's hash), for the rows whose key
another row of their split shares with another answer. A row's key is computed from that row alone,
so an engine that keeps a split's rows on other machines computes the keys there, block by block,
brings the rows of one key together by a shuffle on it and gives the scan only those rows
(`GROUPING`, the check's `Grouping`; the local engine builds the same frame from the rows it holds).
The prompt and answer of every such row (`texts`) are then fetched from where the rows are.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.registry import Grouping
from dataqa.ingest.layouts import KTO
from dataqa.ingest.structure import CALL_EVENT
from dataqa.text.copies import supplied_sweep
from dataqa.text.hashing import HASH_SEED
from dataqa.text.normalise import hashes

SAME_QUESTIONS = ("same_questions",)
"""The shared key of the frame (module docstring): an engine that made it elsewhere supplies it."""
QUESTION_TEXTS = ("same_question_texts",)
"""The shared key of the prompts and answers (`split`, `line`, `text`: both, as JSON) of the rows of
splits held elsewhere."""
SCHEMA = {"split": pl.String, "line": pl.Int64, "key": pl.UInt64, "answer": pl.UInt64}


def keyed(ctx: Context, split: str) -> pl.DataFrame:
    """`split`, `line`, `key`, `answer` of every row with a non-empty prompt of a split the context
    holds (a whole split, or a block of it on a worker); none when train has labels (LBL001's job).
    Rows whose answer is a tool call are left out (`_answers_with_call`).
    Of a KTO split only the desirable rows: one prompt with a completion marked desirable and another
    marked undesirable is how KTO data is built (the undesirable one is the wrong answer on purpose),
    while two desirable completions that contradict each other teach two answers."""
    if ctx.has_labels():
        return pl.DataFrame(schema=SCHEMA)
    rows = _without_call_answers(ctx.valid_rows(split))
    if ctx.splits[split].kind == KTO:  # an undesirable completion is meant to differ from a desirable one
        rows = rows.filter(pl.col("label") == "true")
    rows = rows.select(
        "line",
        "prompt",
        # The record's tool definitions (None without tools), hashed: one per distinct tool set.
        pl.col("structure").str.json_path_match("$.tools_json").fill_null("").hash().alias("tools"),
    )
    return (
        hashes(ctx, split)
        .select("line", "system_exact", "prompt_norm", "response_norm")
        .join(rows, on="line")
        .filter(pl.col("prompt").str.strip_chars().str.len_chars() > 0)
        .select(
            pl.lit(split).alias("split"),
            "line",
            pl.struct("system_exact", "prompt_norm", "tools").hash(HASH_SEED).alias("key"),
            pl.col("response_norm").alias("answer"),
        )
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


_EVENTS = pl.Struct(
    {"events": pl.List(pl.Struct({"kind": pl.String, "turn": pl.Int64})), "last_turn": pl.Int64}
)
"""What `_answers_with_call` reads of a row's `structure`."""


def _without_call_answers(rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` less the ones whose answer is a tool call (`_answers_with_call`); only rows that make a
    call at all (`structure.CALL_EVENT`) have their `structure` parsed (a chat set without tools pays one
    search of it)."""
    calling = rows.filter(pl.col("structure").str.contains(CALL_EVENT))
    if calling.is_empty():
        return rows
    ends = calling.filter(_answers_with_call(pl.col("structure"))).select("line")
    return rows.join(ends, on="line", how="anti")


def _answers_with_call(structure: pl.Expr) -> pl.Expr:
    """Whether a row's last turn makes a tool call (its `structure`'s last call event is on its last
    turn): a call states no answer to contradict. Its arguments are code, not a stated result (as
    a call written out in an answer, `dataqa.text.answers`), and its id is a reference the call is
    answered by: "39994490d" and "aa26d22ac" on two calls of one function with one path are no
    final numbers 39994490 and 22. Which call a prompt gets is the tool checks' and DUP004's business."""
    parsed = structure.str.json_decode(_EVENTS)
    calls = parsed.struct.field("events").list.eval(
        pl.when(pl.element().struct.field("kind") == "call").then(pl.element().struct.field("turn"))
    )
    return (calls.list.max() == parsed.struct.field("last_turn")).fill_null(False)


def answered_apart(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows of `keyed` frames whose key other rows of their split share with another answer (all
    rows of one key must be among the frames: a shuffle's partition, or the whole scan), by split and line."""
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    rows = pl.concat(frames, how="vertical")
    apart = pl.col("answer").n_unique().over("split", "key") > 1
    return rows.filter(apart).sort("split", "line").cast(SCHEMA)  # type: ignore[arg-type]


def same_questions(ctx: Context) -> pl.DataFrame:
    """The rows of every split answered apart (module docstring), made once per scan from the rows
    here, or supplied by the engine that holds them."""
    return ctx.shared(SAME_QUESTIONS, lambda: answered_apart([keyed(ctx, name) for name in ctx.splits]))


def texts_in_batches(ctx: Context, split: str, batches: list[list[int]]) -> Iterator[pl.DataFrame]:
    """`line`, `prompt`, `response` (raw) of each batch of lines of a split in turn: from its rows,
    or, for a split whose rows are elsewhere, from what its engine supplied (`QUESTION_TEXTS`), read
    in one sweep over its parts (`copies.supplied_sweep`)."""
    if ctx.splits[split].elsewhere is None:
        rows = ctx.valid_rows(split).select("line", "prompt", "response")
        yield from (rows.filter(pl.col("line").is_in(lines)) for lines in batches)
        return
    yield from (_parsed(given) for given in supplied_sweep(ctx, QUESTION_TEXTS, split, batches))


def _parsed(given: pl.DataFrame) -> pl.DataFrame:
    """`line`, `prompt`, `response` of supplied texts (`line`, `text`: the two as JSON)."""
    both = [orjson.loads(text) for text in given["text"].to_list()]
    return pl.DataFrame(
        {
            "line": given["line"],
            "prompt": [b["prompt"] for b in both],
            "response": [b["response"] for b in both],
        },
        schema={"line": pl.Int64, "prompt": pl.String, "response": pl.String},
    )


def question_and_answer() -> pl.Expr:
    """A quoted row's text: its prompt and its answer together (the answers are what is compared)."""
    return pl.struct("prompt", "response").struct.json_encode()


def every_row(frame: pl.DataFrame) -> pl.DataFrame:
    """Every row of a combined frame is quoted: its answer is compared."""
    return frame.select("split", "line")


GROUPING = Grouping(
    SAME_QUESTIONS, QUESTION_TEXTS, keyed, answered_apart, every_row, quote=question_and_answer
)
"""The grouping of the contradictory-answers check (module docstring)."""
