"""Rows' texts left where they were made, a part per block, fetched for the lines a check asks.

On a split held on the Ray workers, the rows a grouping or a near group names can be a large share
of the split (a million templated chat rows group ~400k lines, gigabytes of prompts and answers).
Their texts stay in the object store, which spills to disk, a part per block (packed:
`dataqa.engine.packed`); the driver keeps each part's line numbers and handle, and a check that
reads them asks a batch of lines at a time. Parts are fetched a few at a time and cut to the lines
asked at once (`packed.kept`: the lines' bytes alone, not views into the part), so the driver holds
one batch. A check that reads all its batches in turn asks for them at once (`Parts.sweep`): each
part is then cut into a piece per batch where it is held, instead of read on the driver per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import polars as pl

from dataqa.engine.packed import kept, pack, unpack

HANDLES_PER_GET = 16
"""Parts fetched at once: what the driver holds beside the lines asked."""
SWEEP_WINDOW = 8
"""Batches of a sweep (`Parts.sweep`) each part is cut for at once, where it is held: a part is
read once per this many batches, and the pieces of this many batches wait to be read."""
PIECES_PER_GET = 64
"""Pieces of a batch fetched at once (a part's rows of one batch: small)."""


class Parts:
    """Texts in parts (module docstring): `add` a part's split, lines and handle, then `get` the rows
    of the lines asked, in `schema` (each part's frame has a `line` column; a part may have `split`)."""

    def __init__(
        self,
        get: Callable[[list[Any]], list[Any]],
        schema: dict[str, pl.DataType],
        task: Callable[..., list[Any]] | None = None,
    ) -> None:
        self._get, self.schema, self._task = get, schema, task
        """`task(fn, *args, returns=n)`: `fn` run where the parts are (`registry.Runner.task`)."""
        self.parts: list[tuple[str, np.ndarray, Any]] = []
        """Per part: its split, its lines (sorted) and the handle of its rows."""

    def add(self, split: str, lines: np.ndarray, handle: Any) -> None:
        """A part of `split`'s rows at these lines (none: nothing to fetch, not kept)."""
        if len(lines):
            self.parts.append((split, np.sort(np.asarray(lines, dtype=np.int64)), handle))

    def lines(self, split: str) -> np.ndarray:
        """Every line of `split` the parts hold, sorted."""
        held = [lines for name, lines, _ in self.parts if name == split]
        return np.unique(np.concatenate(held)) if held else np.zeros(0, dtype=np.int64)

    def get(self, split: str, lines: Any) -> pl.DataFrame:
        """The rows of `split` at the given lines that the parts hold, by line (a line in two parts:
        the first part's row)."""
        wanted = np.unique(np.asarray(lines, dtype=np.int64))
        handles = [
            handle
            for name, held, handle in self.parts
            if name == split and np.isin(held, wanted, assume_unique=True).any()
        ]
        asked = pl.col("line").is_in(pl.Series(wanted, dtype=pl.Int64).implode())
        if "split" in self.schema:
            asked &= pl.col("split") == split
        found = [pl.DataFrame(schema=self.schema)]
        for start in range(0, len(handles), HANDLES_PER_GET):
            got = self._get(handles[start : start + HANDLES_PER_GET])
            found += [kept(unpack(part), asked) for part in got]
        return self._by_line(found)

    def _by_line(self, found: list[pl.DataFrame]) -> pl.DataFrame:
        """Rows found in the parts, in `schema`, once per line (the first part's), by line."""
        return pl.concat(found).unique("line", keep="first", maintain_order=True).sort("line")

    def sweep(self, split: str, batches: Sequence[Sequence[int]]) -> Iterator[pl.DataFrame]:
        """`get(split, lines)` of each batch of lines in turn. Asked batch by batch, every batch
        whose lines are spread over the split reads every part, so a sweep over a split read its
        parts once per batch, on the driver (at 5M rows: ~100 batches of ~250 parts). Here each
        part is read once per `SWEEP_WINDOW` batches, where it is held (`task`), and cut into a
        piece per batch; the driver reads the pieces alone. Without `task`, batch by batch."""
        if self._task is None:
            yield from (self.get(split, lines) for lines in batches)
            return
        for start in range(0, len(batches), SWEEP_WINDOW):
            window = [
                np.unique(np.asarray(lines, dtype=np.int64))
                for lines in batches[start : start + SWEEP_WINDOW]
            ]
            lines = np.concatenate(window)
            piece = np.repeat(np.arange(len(window)), [len(one) for one in window])
            pieces = []  # per part holding a line of the window: a handle per batch
            for name, held, handle in self.parts:
                here = np.isin(lines, held) if name == split else None
                if here is not None and here.any():
                    pieces.append(
                        self._task(
                            _cut, handle, split, lines[here], piece[here], len(window), returns=len(window)
                        )
                    )
            for one in range(len(window)):
                handles = [p[one] for p in pieces]
                for p in pieces:
                    p[one] = None  # a piece read is let go: the window holds the pieces not yet read
                found = [pl.DataFrame(schema=self.schema)]
                for first in range(0, len(handles), PIECES_PER_GET):
                    found += [unpack(got) for got in self._get(handles[first : first + PIECES_PER_GET])]
                del handles
                yield self._by_line(found)


def _cut(
    packed: bytes | pl.DataFrame, split: str, lines: np.ndarray, piece: np.ndarray, count: int
) -> list[bytes]:
    """Where a part is held: its rows of the given lines (of `split`) cut into `count` pieces, a
    line's row in its `piece` (a line asked in two pieces: in both), each packed."""
    frame = unpack(packed)
    if "split" in frame.columns:
        frame = frame.filter(pl.col("split") == split)
    asked = pl.DataFrame({"line": lines, "piece": piece}, schema={"line": pl.Int64, "piece": pl.Int64})
    rows = frame.join(asked, on="line", how="inner")
    return [pack(rows.filter(pl.col("piece") == one).drop("piece")) for one in range(count)]


def batches(groups: list[list[int]], rows: int) -> Iterator[list[list[int]]]:
    """Whole groups of lines, in order, a batch at a time: a batch closes once it holds `rows` lines
    or more, so a check reads the texts of about that many rows at once and never cuts a group."""
    batch: list[list[int]] = []
    size = 0
    for group in groups:
        batch.append(group)
        size += len(group)
        if size >= rows:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
