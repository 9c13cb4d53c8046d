"""A split read in pieces by a `Mapper` that runs them elsewhere (the Ray engine's workers): each
file of a folder or glob, each span of a large JSONL file, each row range of a large table is
parsed and normalised where the mapper runs it, and the pieces' passes are put together here into
the pass one read of the whole split gives: same keys, frame, issues and format counts.

A file read alone keys its records from 1; once every file's last key is known its keys are moved
up by the keys of the files before it (`Input.records` lays files end to end the same way). The
files must be readable where the mapper runs them, at the same paths (one machine, or a file
system every node mounts); the mapper returns None when they are not, and the split is read here.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from dataqa.ingest.layouts import Layout
from dataqa.ingest.passes import Pass, merge, normalise_file
from dataqa.ingest.readers.source import Input, SpanJob
from dataqa.ingest.reading import Reading

Mapper = Callable[[Callable[["Piece"], "Done"], list["Piece"]], "list[Done] | None"]
"""Runs a function over pieces somewhere else, results in piece order; None when it cannot."""

SPAN_BYTES = 8 * 2**20
"""A JSONL file larger than this is read in spans of about this size, one task each."""


@dataclass(frozen=True)
class Piece:
    """One unit of reading: a file of the split read alone (keys from 1), or one span of it."""

    part: int
    """The file's position in the split."""
    alone: Input
    """The split's input holding this file only."""
    span: SpanJob | None = None
    size: int = 0
    """The file's size where the split was opened: a worker that sees another (or none) is not
    looking at the same file, and says so (`NotHere`) rather than report it as damaged."""


class NotHere(FileNotFoundError):
    """A piece's file is not where the mapper runs it, as it is here."""


@dataclass
class Done:
    """What reading a piece gave: the pass, and a JSON document's record -> line map."""

    part: int
    result: Pass
    lines: array | None


def read_piece(split_format: Layout | None, reading: Reading, piece: Piece) -> Done:
    """Read and normalise one piece (where the mapper runs it)."""
    file = piece.alone.parts[0].file
    if file is not None and (not file.is_file() or file.stat().st_size != piece.size):
        raise NotHere(f"{file} is not on this machine as it is where the scan was started")
    result = normalise_file(piece.alone, split_format, reading, piece.span)
    return Done(piece.part, result, piece.alone.parts[0].lines)


def pieces(source: Input, span_bytes: int) -> list[Piece]:
    """The split's files one by one, a large JSONL file or table in spans (as `Input.spans` cuts
    one for several processes: not a compressed or damaged file, which is read whole)."""
    out: list[Piece] = []
    for index, part in enumerate(source.parts):
        alone = replace(
            source, shown=part.shown, parts=[replace(part, base=0, lines=None, rows=None)], note=""
        )
        spans = alone.spans(2, span_bytes, span_bytes)
        size = part.file.stat().st_size if part.file is not None else 0
        out += [Piece(index, alone, span, size) for span in spans or [None]]
    return out


def read(source: Input, split_format: Layout | None, reading: Reading, mapper: Mapper) -> Pass | None:
    """One pass over the split with every piece read by `mapper`; None when the mapper cannot, or
    the split is a table in memory (read here)."""
    if source.obj is not None:
        return None
    todo = pieces(source, SPAN_BYTES)
    done = mapper(functools.partial(read_piece, split_format, reading), todo)
    if done is None:
        return None
    known = {layout: layout for layout in (split_format, reading.forced, reading.templated, *reading.layouts)}
    for d in done:  # the layouts as this process holds them: a caller may ask which one it is (`is`)
        d.result.counts = Counter({known.get(k, k): n for k, n in d.result.counts.items()})
    passes: list[Pass] = []
    base = 0
    for index, part in enumerate(source.parts):
        mine = [d for d in done if d.part == index]
        alone, spanned = next((p.alone, p.span is not None) for p in todo if p.part == index)
        one = mine[0].result
        if spanned:  # spans of one file: put together as `passes.read` does for processes
            one = merge([d.result for d in mine], reading.forced, cut=alone.spans_end_early())
        rows = alone.parts[0].rows or 0
        part.base, part.lines = base, mine[0].lines
        passes.append(_moved(one, base))
        base += max(rows, one.n_lines, *(i.line for i in one.load_issues), 1)
    return merge(passes, reading.forced, cut=False, tallied=False)


def _moved(one: Pass, base: int) -> Pass:
    """A file's pass with its keys moved up by `base` (the keys of the files before it)."""
    if not base:
        return one
    line = pl.col("line") + base
    return replace(
        one,
        frame=one.frame.with_columns(line),
        turns=one.turns.with_columns(line),
        exchanges=one.exchanges.with_columns(line),
        load_issues=[replace(i, line=i.line + base) for i in one.load_issues],
        record_issues=[(key + base, issue) for key, issue in one.record_issues],
        n_lines=one.n_lines + base if one.n_lines else 0,
    )
