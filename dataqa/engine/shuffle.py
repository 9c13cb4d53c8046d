"""Group-scope checks on splits held on the Ray workers: keys per block, a shuffle on the key, and
only the rows whose key another row shares brought to the driver.

A block's task (`ray_engine._run_block`) also computes each grouping's key of every row of its block
(`Grouping.keyed`, the check code the local engine runs) and cuts them into `parts` by key
(`Grouping.key`), an object each; a task per part puts that part of every block together
(`Grouping.combine`: the rows of the keys two rows or more share). The driver fetches the parts'
rows one part at a time, asks the blocks held on the workers for the texts its findings may quote
(`Grouping.quoted`, left in the object store: `parts.Parts`), and supplies both to the scan
(`Context.supply`): the group checks then run on the driver exactly as locally, on groups, never on
a split's rows. The driver holds the rows in groups (their keys); the texts are fetched for the
lines a check asks; every other row's key lives on the workers until its part is done.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import polars as pl

from dataqa.core.resources import gc_paused, library_warnings_silenced, native_threads_limited
from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.packed import pack
from dataqa.engine.parts import Parts
from dataqa.engine.registry import Grouping
from dataqa.ingest import spread
from dataqa.ingest.dataset import Split

ROWS_PER_PART = 500_000
"""Rows of the scan per part of the shuffle (a task combines a part: its keys, tens of bytes a row)."""
TEXTS_SCHEMA = {"split": pl.String, "line": pl.Int64, "text": pl.String}


def parts_for(rows: int) -> int:
    """How many parts a shuffle of `rows` rows is cut into."""
    return max(1, -(-rows // ROWS_PER_PART))


def keys_of(groupings: list[Grouping], ctx: Any, split: str, parts: int) -> list[pl.DataFrame]:
    """On a block's context: each grouping's keys of the block's rows, cut into `parts` by key
    (grouping after grouping)."""
    out: list[pl.DataFrame] = []
    for grouping in groupings:
        frame = grouping.keyed(ctx, split)
        at = frame.select((grouping.key() % parts).alias("part"))["part"]
        out += [frame.filter(at == part) for part in range(parts)]  # one key, one part
    return out


def _combine(grouping: Grouping, *frames: pl.DataFrame) -> pl.DataFrame:
    """A Ray task: one part of every block's keys put together (the rows of shared keys)."""
    with native_threads_limited(), gc_paused():
        return grouping.combine(list(frames))


def _texts(
    block: blocks.Left,
    shells: dict[str, Split],
    config: Config,
    labelled: dict[str, bool],
    wanted: pl.DataFrame,
    rows: spread.Frames,
    text: pl.Expr,
) -> list[Any]:
    """A Ray task: the lines, then the raw texts (`Grouping.text`), of the `wanted` lines (`split`,
    `line`) of a block held here (two results: the driver fetches the first, `parts.Parts` the other,
    packed, when a check asks for its lines)."""
    with native_threads_limited(), gc_paused():
        ctx = blocks.block_context(blocks.made(block, rows), shells, config, labelled)
        lines = wanted.filter(pl.col("split") == block.split)["line"]
        found = (
            ctx.valid_rows(block.split)
            .filter(pl.col("line").is_in(lines))
            .select(pl.lit(block.split).alias("split"), "line", text.alias("text"))
            .cast(TEXTS_SCHEMA)  # type: ignore[arg-type]
        )
        return [found["line"].to_numpy(), pack(found)]


class Shuffle:
    """One grouping's shuffle over the blocks of a scan (module docstring): `add` each block's parts
    as its task is submitted, `start` the tasks that combine them, then `rows` and `texts` (each
    made once, on the first thread that asks)."""

    def __init__(
        self, ray: Any, grouping: Grouping, parts: int, get: Callable[[list[Any]], list[Any]], retries: int
    ) -> None:
        self.ray, self.grouping, self.parts, self._get, self.retries = ray, grouping, parts, get, retries
        self.inputs: list[list[Any]] = [[] for _ in range(parts)]
        self.refs: list[Any] = []
        self.held: list[tuple[blocks.Left, Any]] = []
        """The blocks held on the workers (and their rows' handles): asked for the quoted texts."""
        self._rows: pl.DataFrame | None = None
        self._texts: Parts | None = None
        self._lock = threading.Lock()
        self.rows_in_groups = 0

    def add(self, refs: list[Any]) -> None:
        """A block's parts (one object each, in part order)."""
        for part, ref in enumerate(refs):
            self.inputs[part].append(ref)

    def start(self) -> None:
        """Submit a task per part, combining that part of every block."""
        task = ray_task(self.ray, self.retries, _combine)
        grouping_ref = self.ray.put(self.grouping)
        self.refs = [task.remote(grouping_ref, *inputs) for inputs in self.inputs]
        self.inputs = []

    def rows(self) -> pl.DataFrame:
        """The rows whose key another row shares (every split), fetched part by part."""
        with self._lock:
            if self._rows is None:
                got = [self._get([ref])[0] for ref in self.refs]  # one part at a time
                self.refs = []
                self._rows = self.grouping.combine(got)
                self.rows_in_groups = self._rows.height
            return self._rows

    def texts(self, shells: Any, config: Any, labelled: dict[str, bool]) -> Parts:
        """The raw texts of the quoted rows of the splits held on the workers (`Grouping.quoted`),
        made by a task per held block and left in the object store, a part per block (`Parts`:
        fetched for the lines a check asks); none when no held row is quoted."""
        rows = self.rows()
        with self._lock:
            if self._texts is None:
                held = {block.split for block, _ in self.held}
                wanted = self.grouping.quoted(rows).filter(pl.col("split").is_in(held))
                self._texts = Parts(
                    self._get, TEXTS_SCHEMA, functools.partial(submit, self.ray, self.retries)
                )
                if wanted.height:
                    task = ray_task(self.ray, self.retries, _texts, 2)
                    wanted_ref = self.ray.put(wanted)
                    text = self.grouping.text()
                    made = [
                        (b.split, task.remote(b, shells, config, labelled, wanted_ref, r, text))
                        for b, r in self.held
                    ]
                    lines = self._get([refs[0] for _, refs in made])
                    for (split, refs), at in zip(made, lines, strict=True):
                        self._texts.add(split, at, refs[1])
                self.held = []  # the object store may free the rows once nothing else holds them
            return self._texts


def _on_block(
    fn: Callable[..., Any],
    returns: int | None,
    block: blocks.Left,
    rows: spread.Frames,
    shells: dict[str, Split],
    config: Config,
    labelled: dict[str, bool],
    *args: Any,
) -> Any:
    """A Ray task: a `HeldForm`'s step `fn(ctx, split, *args)` on the context of a block held here
    (`Blocks`); one result as itself (`returns` 1: the list's one item)."""
    with native_threads_limited(), gc_paused(), library_warnings_silenced():
        ctx = blocks.block_context(blocks.made(block, rows), shells, config, labelled)
        value = fn(ctx.view(), block.split, *args)
    return value[0] if returns == 1 else value


def _call(fn: Callable[..., Any], returns: int | None, *args: Any) -> Any:
    """A Ray task: a `HeldForm`'s step `fn(*args)` on parts of its shuffles."""
    with native_threads_limited(), gc_paused(), library_warnings_silenced():
        value = fn(*args)
    return value[0] if returns == 1 else value


def ray_task(ray: Any, retries: int, fn: Callable[..., Any], returns: int | None = None) -> Any:
    """`fn` as a Ray task of one CPU, retried `retries` times, with `returns` results (none: one):
    every task of the Ray engine is made here, so that all run with the same resources and retries."""
    return ray.remote(num_cpus=1, max_retries=retries, num_returns=returns or 1)(fn)


def submit(
    ray: Any, retries: int, fn: Callable[..., Any], *args: Any, returns: int | None = None
) -> list[Any]:
    """`fn(*args)` as a Ray task (handles among `args` given as their values): a handle per result
    (`returns` n: `fn` returns a list of n; none: one result). `registry.Runner.task`."""
    refs = ray_task(ray, retries, _call, returns).remote(fn, returns, *args)
    return list(refs) if (returns or 1) > 1 else [refs]


SCALARS = (str, bytes, int, float, bool, type(None))
"""Arguments sent with each task as they are: a handle or a model is worth the object store."""


class Blocks:
    """A `registry.Runner` on the blocks of one split held on the workers (`HeldForm`'s steps,
    DUP003's near pairs): a task per block or per call, their results left in the object store
    until asked for (`get`: the engine's, which says why a task failed)."""

    def __init__(
        self,
        ray: Any,
        held: list[tuple[blocks.Left, Any]],
        shared: tuple[Any, Any, Any],
        get: Callable[[list[Any]], list[Any]],
        retries: int,
    ) -> None:
        self.ray, self.held, self.shared, self._get, self.retries = ray, held, shared, get, retries

    def __len__(self) -> int:
        return len(self.held)

    def blocks(
        self, fn: Callable[..., Any], args: list[tuple[Any, ...]], returns: int | None = None
    ) -> list[list[Any]]:
        task = ray_task(self.ray, self.retries, _on_block, returns)
        shells, config, labelled = self.shared
        # An argument every block is given (the lines an earlier row copies, the lines each part
        # needs, COV005's vectorizer and LSA) goes to the object store once, not once per task.
        seen = Counter(id(value) for one in args for value in one)
        kept = (*SCALARS, self.ray.ObjectRef)
        stored = {
            id(v): self.ray.put(v) for one in args for v in one if seen[id(v)] > 1 and not isinstance(v, kept)
        }
        out = []
        for (block, rows), one in zip(self.held, args, strict=True):
            given = [stored.get(id(value), value) for value in one]
            refs = task.remote(fn, returns, block, rows, shells, config, labelled, *given)
            out.append(list(refs) if (returns or 1) > 1 else [refs])
        return out

    def task(self, fn: Callable[..., Any], *args: Any, returns: int | None = None) -> list[Any]:
        return submit(self.ray, self.retries, fn, *args, returns=returns)

    def get(self, handles: list[Any]) -> list[Any]:
        return self._get(handles)
