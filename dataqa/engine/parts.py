"""Rows' texts left where they were made, a part per block, fetched for the lines a check asks.

On a split held on the Ray workers, the rows a grouping or a near group names can be a large share
of the split (a million templated chat rows group ~400k lines, gigabytes of prompts and answers).
Their texts stay in the object store, which spills to disk, a part per block (packed:
`dataqa.engine.packed`); the driver keeps each part's line numbers and handle, and a check that
reads them asks a batch of lines at a time. Parts are fetched a few at a time and cut to the lines
asked at once (`packed.kept`: the lines' bytes alone, not views into the part), so the driver holds
one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import polars as pl

from dataqa.engine.packed import kept, unpack

HANDLES_PER_GET = 16
"""Parts fetched at once: what the driver holds beside the lines asked."""


class Parts:
    """Texts in parts (module docstring): `add` a part's split, lines and handle, then `get` the rows
    of the lines asked, in `schema` (each part's frame has a `line` column; a part may have `split`)."""

    def __init__(self, get: Callable[[list[Any]], list[Any]], schema: dict[str, pl.DataType]) -> None:
        self._get, self.schema = get, schema
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
        return pl.concat(found).unique("line", keep="first", maintain_order=True).sort("line")


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
