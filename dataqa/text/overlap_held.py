"""LEAK004's n-gram overlaps (`overlap.ngram_overlaps`) when the held-out split, the reference split or
both are held in blocks on the Ray workers, with the local engine's result.

Each side is read on its distinct texts: a block's are its rows' whose normalised text no earlier row
of another block has (`near_blocks.reps`, told by the copies' shuffle), so the split's distinct texts
are the blocks' put together, each once.

- A reference split held there gives `overlap.reference_hits` from its blocks: the held-out n-grams
  (`wanted`) go to every block, each gives its texts' hits (`overlap.hits_of`: an n-gram of over
  `max_rows` of them kept in `max_rows` + 1), and the driver keeps the n-grams of at most `max_rows`
  texts of the split (`overlap.not_stock`: the split's count is the sum of its blocks').
- A held-out split held there gives `overlap.held_out` from its blocks: each block's n-grams
  (`overlap.eval_grams`, with the template shingles the driver made from the split's sample) are
  cut into parts by n-gram, a task per part keeps those of at most `max_rows` texts
  (`overlap.rare`) and gives the driver their n-grams (`wanted`); the reference hits go to each part
  (its n-grams' share), which gives the driver its matched rows. The texts a matched row has and
  the rows of its text are fetched from the blocks and read from the copies (`copies.class_lines`).

The driver receives the wanted n-grams, the hits and the matched rows; the n-grams' rows stay there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.registry import Runner
from dataqa.text import copies, near_blocks, overlap
from dataqa.text.candidates import unique_ints
from dataqa.text.normalise import normalise

HITS_SCHEMA = overlap.HITS_SCHEMA
NO_GRAMS = np.empty(0, dtype=np.uint64)


def hits_step(
    ctx: Context, split: str, column: str, later: np.ndarray, n: int, wanted: np.ndarray, max_rows: int
) -> pl.DataFrame:
    """A block's task: `overlap.hits_of` its distinct texts (those no earlier row of another block has)."""
    return overlap.hits_of(near_blocks.reps(ctx, split, column, later), n, wanted, max_rows)


def reference_hits(
    runner: Runner, later: list[np.ndarray], column: str, n: int, wanted: np.ndarray, max_rows: int
) -> pl.DataFrame:
    """`overlap.reference_hits` of a split held in blocks: every block's `hits_step`, put together."""
    args = [(column, one, n, wanted, max_rows) for one in later]
    found = runner.get([h[0] for h in runner.blocks(hits_step, args)])
    return overlap.not_stock(pl.concat([pl.DataFrame(schema=HITS_SCHEMA), *found]), max_rows)


def grams_step(
    ctx: Context,
    split: str,
    column: str,
    later: np.ndarray,
    n: int,
    common: np.ndarray | None,
    min_content: int,
    parts: int,
) -> list[pl.DataFrame]:
    """A block's task: `overlap.eval_grams` of its distinct texts, cut into `parts` by n-gram."""
    grams = overlap.eval_grams(near_blocks.reps(ctx, split, column, later), n, common, min_content)
    at = grams["g"] % parts
    return [grams.filter(at == part) for part in range(parts)]


def rare_part(max_rows: int, *frames: pl.DataFrame) -> list[object]:
    """A part's task: its n-grams' rows from every block, those of at most `max_rows` texts kept
    (`overlap.rare`: all rows of an n-gram are in this part), and their n-grams (sorted unique)."""
    grams = overlap.rare(pl.concat([pl.DataFrame(schema=overlap.GRAMS_SCHEMA), *frames]), max_rows)
    return [grams, unique_ints(grams["g"].to_numpy())]


def matched_part(grams: pl.DataFrame, ref_hits: pl.DataFrame) -> pl.DataFrame:
    """A part's task: its n-grams' rows joined to the reference hits of its n-grams."""
    return grams.join(ref_hits, on="g")


def held_out(
    ctx: Context,
    split: str,
    runner: Runner,
    later: list[np.ndarray],
    parts: int,
    fetch: Callable[[list[int], str], pl.DataFrame],
) -> Callable[..., overlap.HeldOut]:
    """The function `overlap.HELD_OUT` supplies for a held-out split held in blocks (module doc):
    of the column ("text": the distinct texts the copies tell), n, template shingles, the content
    bar and `max_rows`, its `overlap.HeldOut`."""

    def made(
        column: str, n: int, common: np.ndarray | None, min_content: int, max_rows: int
    ) -> overlap.HeldOut:
        if column != "text":  # the copies tell the distinct texts and their rows of "text" only
            raise ValueError(f"no n-grams of {column!r} on the blocks of {split}")
        args = [(column, one, n, common, min_content, parts) for one in later]
        cut = runner.blocks(grams_step, args, returns=parts)
        rare = [runner.task(rare_part, max_rows, *[one[p] for one in cut], returns=2) for p in range(parts)]
        wanted = unique_ints(np.concatenate([NO_GRAMS, *runner.get([r[1] for r in rare])]))

        def matched(ref_hits: pl.DataFrame) -> pl.DataFrame:
            at = ref_hits["g"] % parts
            steps = [runner.task(matched_part, r[0], ref_hits.filter(at == p))[0] for p, r in enumerate(rare)]
            empty = pl.DataFrame(schema={**overlap.GRAMS_SCHEMA, "ref_line": pl.Int64})
            return pl.concat([empty, *runner.get(steps)])

        def texts(lines: pl.Series) -> pl.DataFrame:
            raw = fetch(lines.sort().to_list(), column)
            return pl.DataFrame([raw["line"], normalise(raw[column]).alias("t")])

        def members(reps: pl.Series) -> pl.DataFrame:
            return copies.class_lines(ctx, split, reps).select("line", "rep")

        return overlap.HeldOut(wanted, matched, texts, members)

    return made
