"""A split read in pieces by a `Mapper` that runs them elsewhere (the Ray engine's workers): each
file of a folder or glob, each span of a large JSONL file, each row range of a large table is
parsed and normalised where the mapper runs it, and the pieces' passes are put together here into
the pass one read of the whole split gives: same keys, frame, issues and format counts.

A file read alone keys its records from 1; once every file's last key is known its keys are moved
up by the keys of the files before it (`Input.records` lays files end to end the same way). The
files must be readable where the mapper runs them, at the same paths (one machine, or a file
system every node mounts); the mapper returns None when they are not, and the split is read here.

A split of more rows than the mapper's `held_rows` is not brought here: its pieces' rows stay where
they were read (`Pass.elsewhere`, a `Held` per piece), and only what was counted and found comes
here (formats, issues, rows): the driver's memory then does not grow with the split's rows.
"""

from __future__ import annotations

import bisect
import functools
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import polars as pl

from dataqa.ingest.formats import RecordIssue
from dataqa.ingest.issues import LoadIssue
from dataqa.ingest.label_sets import Scale, ScoreTally, score_scale, wider
from dataqa.ingest.layouts import Layout
from dataqa.ingest.passes import Elsewhere, Pass, ended, label_tally, merge, normalise_file
from dataqa.ingest.readers.nested import NestedPositions
from dataqa.ingest.readers.source import Input, SpanJob
from dataqa.ingest.reading import Reading

Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]
"""A piece's rows: its frame, stored messages and one-exchange records (`Pass`)."""


class Mapper(Protocol):
    """Runs reading elsewhere (the Ray engine): `keep` runs a function over pieces there, each
    giving what it read (a `Done`, here) and its rows (left there, a handle here); `fetch` brings
    one piece's rows here. A split of more than `held_rows` rows is left there, its adjacent pieces
    of fewer than `block_rows` rows joined there (`join`)."""

    held_rows: int
    block_rows: int

    def keep(
        self, fn: Callable[[Piece], tuple[Done, Frames]], items: list[Piece]
    ) -> list[tuple[Done, Any]] | None:
        """Each piece's `Done` and a handle of its rows, in order; None when a piece's file is not
        where it runs (`NotHere`)."""
        ...

    def fetch(self, handle: Any) -> Frames:
        """The rows behind a handle, brought here."""
        ...

    def join(self, pieces: list[tuple[Any, int]]) -> Any:
        """A handle of the rows behind each handle with their keys moved up by its base, one after
        another (`joined_rows`), made and left where they are."""
        ...


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

    def __str__(self) -> str:
        """The piece as a message names it: its file, and which span of it (bytes, or a table's rows)."""
        span = self.span.span if self.span is not None else None
        return self.alone.shown + (f" [{span.start}:{span.stop}]" if span is not None else "")


class NotHere(FileNotFoundError):
    """A piece's file is not where the mapper runs it, as it is here."""


@dataclass
class Done:
    """What reading a piece gave, but its rows: the pass (frames empty), a JSON document's record ->
    line map and nested positions, the piece's rows and how many are valid and labelled, its
    first key (its first row's or issue's line; None when it has neither), and for scores on a
    scale the lowest and highest score of its valid rows."""

    part: int
    result: Pass
    lines: array | None
    positions: NestedPositions | None = None
    rows: int = 0
    valid: int = 0
    labelled: int = 0
    first: int | None = None
    scale: Scale | None = None
    tally: ScoreTally | None = None


def read_piece(split_format: Layout | None, reading: Reading, piece: Piece) -> tuple[Done, Frames]:
    """Read and normalise one piece (where the mapper runs it): what was read, and the rows apart."""
    file = piece.alone.parts[0].file
    if file is not None and (not file.is_file() or file.stat().st_size != piece.size):
        raise NotHere(f"{file} is not on this machine as it is where the scan was started")
    result = normalise_file(piece.alone, split_format, reading, piece.span)
    frame = result.frame
    keys = [*frame["line"].head(1).to_list(), *(i.line for i in result.load_issues[:1])]
    done = Done(
        piece.part,
        replace(result, frame=frame.clear(), turns=result.turns.clear(), exchanges=result.exchanges.clear()),
        piece.alone.parts[0].lines,
        piece.alone.parts[0].positions,
        frame.height,
        int(frame["valid"].sum()),
        frame["label"].drop_nulls().len(),
        min(keys) if keys else None,
        score_scale(frame.filter(pl.col("valid"))["label"]) if split_format and split_format.scored else None,
        label_tally(frame, split_format),
    )
    return done, (frame, result.turns, result.exchanges)


@dataclass
class Held:
    """A piece whose rows were left where they were read: the handle of its rows (`Mapper.keep`),
    its first row's position in the split, the keys of the files before its file (`base`), and the
    issues of the lines it covers (keys moved)."""

    handle: Any
    start: int
    base: int
    load_issues: list[LoadIssue] = field(default_factory=list)
    record_issues: list[tuple[int, RecordIssue]] = field(default_factory=list)

    def frames(self, rows: Frames) -> Frames:
        """The piece's rows (as `Mapper.fetch` gives them) with their keys moved by `base`."""
        return _moved_frames(rows, self.base)


def pieces(source: Input, span_bytes: int) -> list[Piece]:
    """The split's files one by one, a large JSONL file or table in spans (as `Input.spans` cuts
    one for several processes: not a compressed or damaged file, which is read whole)."""
    out: list[Piece] = []
    for index, part in enumerate(source.parts):
        alone = replace(
            source,
            shown=part.shown,
            parts=[replace(part, base=0, lines=None, positions=None, rows=None)],
            note="",
        )
        spans = alone.spans(2, span_bytes, span_bytes)
        size = part.file.stat().st_size if part.file is not None else 0
        out += [Piece(index, alone, span, size) for span in spans or [None]]
    return out


def read(source: Input, split_format: Layout | None, reading: Reading, mapper: Mapper) -> Pass | None:
    """One pass over the split with every piece read by `mapper`; None when the mapper cannot, or
    the split is a table in memory (read here). The rows are brought here one piece at a time, or,
    when there are more than `mapper.held_rows`, left there (`Pass.elsewhere`)."""
    if source.obj is not None:
        return None
    todo = pieces(source, SPAN_BYTES)
    kept = mapper.keep(functools.partial(read_piece, split_format, reading), todo)
    if kept is None:
        return None
    done, handles = [d for d, _ in kept], [h for _, h in kept]
    del kept
    known = {layout: layout for layout in (split_format, reading.forced, reading.templated, *reading.layouts)}
    for d in done:  # the layouts as this process holds them: a caller may ask which one it is (`is`)
        d.result.counts = Counter({known.get(k, k): n for k, n in d.result.counts.items()})
    held = sum(d.rows for d in done) > mapper.held_rows
    if not held:
        for i, d in enumerate(done):  # one at a time, each handle dropped: the rows are held once here
            frame, turns, exchanges = mapper.fetch(handles[i])
            handles[i] = None
            d.result = replace(d.result, frame=frame, turns=turns, exchanges=exchanges)
    passes: list[Pass] = []
    kept_pieces: list[tuple[Done, Any, int]] = []
    base = 0
    for index, part in enumerate(source.parts):
        mine = [(d, h) for d, h in zip(done, handles, strict=True) if d.part == index]
        alone, spanned = next((p.alone, p.span is not None) for p in todo if p.part == index)
        if spanned and alone.spans_end_early():  # as `merge` cuts a file that ends early
            mine = mine[: ended([d.result for d, _ in mine])]
        one = mine[0][0].result
        if spanned:  # spans of one file: put together as `passes.read` does for processes
            one = merge([d.result for d, _ in mine], reading.forced, cut=False, rechunk=False)
        rows = alone.parts[0].rows or 0
        part.base, part.lines, part.positions = base, mine[0][0].lines, mine[0][0].positions
        passes.append(_moved(one, base))
        kept_pieces += [(d, h, base) for d, h in mine]
        base += max(rows, one.n_lines, *(i.line for i in one.load_issues), 1)
    merged = merge(passes, reading.forced, cut=False, tallied=False, rechunk=False)
    return _left(merged, kept_pieces, mapper) if held else merged


def _left(merged: Pass, kept: list[tuple[Done, Any, int]], mapper: Mapper) -> Pass:
    """The split's pass with its rows left where they were read: a `Held` per piece (small ones
    joined, `_joined`), with the issues of the lines from its first key to the next piece's (the
    first piece: from the start)."""
    pieces: list[Held] = []
    firsts: list[int] = []
    start = 0
    for d, handle, base in _joined(kept, mapper):
        if d.first is None and pieces:  # nothing in it (no rows, no issues): its handle is dropped
            continue
        pieces.append(Held(handle, start, base))
        firsts.append(d.first + base if d.first is not None else 0)
        start += d.rows
    for issue in merged.load_issues:
        pieces[max(bisect.bisect_right(firsts, issue.line) - 1, 0)].load_issues.append(issue)
    for key, record_issue in merged.record_issues:
        pieces[max(bisect.bisect_right(firsts, key) - 1, 0)].record_issues.append((key, record_issue))
    rows = sum(d.rows for d, _, _ in kept)
    valid, labelled = sum(d.valid for d, _, _ in kept), sum(d.labelled for d, _, _ in kept)
    scale = functools.reduce(wider, (d.scale for d, _, _ in kept), None)
    tallies = [d.tally for d, _, _ in kept if d.tally is not None]
    tally = functools.reduce(ScoreTally.add, tallies) if tallies else None
    return replace(merged, elsewhere=Elsewhere(rows, valid, labelled, pieces, scale, tally))


def _joined(kept: list[tuple[Done, Any, int]], mapper: Mapper) -> list[tuple[Done, Any, int]]:
    """The pieces with each run of adjacent ones of rows joined where they were read until it has
    `mapper.block_rows` rows (`Mapper.join`): a folder of many small files (a CSV a subject, a shard
    a language) would otherwise be a block each, so a task each in every stage after the read, of
    every check and every round; a piece of no rows stays apart. The joined piece's keys are moved
    already (base 0); its `Done` keeps its first member's, with the rows and first key of all."""
    out: list[tuple[Done, Any, int]] = []
    run: list[tuple[Done, Any, int]] = []

    def flush() -> None:
        if len(run) > 1:
            firsts = [d.first + base for d, _, base in run if d.first is not None]
            done = replace(run[0][0], rows=sum(d.rows for d, _, _ in run), first=min(firsts, default=None))
            out.append((done, mapper.join([(handle, base) for _, handle, base in run]), 0))
        else:
            out.extend(run)
        run.clear()

    for piece in kept:
        if not piece[0].rows:
            flush()
            out.append(piece)
            continue
        run.append(piece)
        if sum(d.rows for d, _, _ in run) >= mapper.block_rows:
            flush()
    flush()
    return out


def joined_rows(bases: list[int], *rows: Frames) -> Frames:
    """Pieces' rows with their keys moved up by their bases, one after another (`Mapper.join`)."""
    moved = [_moved_frames(one, base) for one, base in zip(rows, bases, strict=True)]
    frame, turns, exchanges = (pl.concat([one[i] for one in moved]) for i in range(3))
    return frame, turns, exchanges


def _moved(one: Pass, base: int) -> Pass:
    """A file's pass with its keys moved up by `base` (the keys of the files before it)."""
    if not base:
        return one
    frame, turns, exchanges = _moved_frames((one.frame, one.turns, one.exchanges), base)
    return replace(
        one,
        frame=frame,
        turns=turns,
        exchanges=exchanges,
        load_issues=[replace(i, line=i.line + base) for i in one.load_issues],
        record_issues=[(key + base, issue) for key, issue in one.record_issues],
        n_lines=one.n_lines + base if one.n_lines else 0,
    )


def _moved_frames(rows: Frames, base: int) -> Frames:
    """A piece's rows with their keys moved up by `base`."""
    if not base:
        return rows
    line = pl.col("line") + base
    frame, turns, exchanges = rows
    return frame.with_columns(line), turns.with_columns(line), exchanges.with_columns(line)
