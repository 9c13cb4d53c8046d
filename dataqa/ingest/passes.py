"""One pass over a split's file: every record normalised into the canonical frames (the columns
every check reads, the messages, the one-exchange records) with the issues found and the count of
records in each format; and the passes of a file's spans, or of a split's files, put together.

`dataqa.ingest.dataset` drives the passes (guesses the format, reads again when the guess lost);
`dataqa.ingest.spread` runs them on other machines.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.core.processes import map_in_processes
from dataqa.ingest import formats
from dataqa.ingest.damage import ArrayRecord
from dataqa.ingest.detection import Detector
from dataqa.ingest.formats import RecordIssue
from dataqa.ingest.issues import FILE_LEVEL, NOT_OBJECT, LoadIssue
from dataqa.ingest.label_sets import Scale, ScoreTally, score_tally
from dataqa.ingest.layouts import Layout
from dataqa.ingest.load import LineTally
from dataqa.ingest.normalisers import normalise
from dataqa.ingest.readers.source import Input, SpanJob
from dataqa.ingest.reading import Reading

FRAME_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "format": pl.String(),
    "valid": pl.Boolean(),
    "system": pl.String(),
    "prompt": pl.String(),
    "response": pl.String(),
    "label": pl.String(),
    "rejected": pl.String(),
    "n_turns": pl.Int32(),
    "n_chars": pl.Int64(),
    "n_tokens": pl.Int64(),
    "text": pl.String(),
    "asked": pl.String(),
    "structure": pl.String(),
}
"""The canonical columns every check reads (see `dataqa.ingest.formats` for what each holds).

The messages themselves are in `Split.turns`, one row per message (see `TURNS_SCHEMA`): a
nested list column costs polars several times the memory of the flat one."""

TURNS_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "turn": pl.Int32(),
    "role": pl.Categorical(),
    "content": pl.String(),
}
"""Every message of every record: its record's line, its position (0-based, system included)."""

EXCHANGES_SCHEMA: dict[str, pl.DataType] = {"line": pl.Int64(), "system_turn": pl.Boolean()}
"""Records whose messages are one exchange, [system] user assistant, holding exactly the record's
`system`, `prompt` and `response` (`system_turn`: with the system message). Their messages are
not stored twice: `Split.turns` rebuilds them from those columns (at 1M chat rows, 1.3 GB less)."""

CHUNK_ROWS = 20_000
"""Rows normalised in Python before they are handed to polars, which bounds peak memory."""


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=FRAME_SCHEMA)


def most_common(counts: Counter[Layout | None]) -> Layout | None:
    """The layout most records are complete in (ties: one class per row before a set of classes,
    so half the labels as lists is no multi-label split; then by name and fields, for determinism)."""
    detected = {k: v for k, v in counts.items() if k is not None}
    return (
        max(detected.items(), key=lambda kv: (kv[1], not kv[0].multi_label, kv[0].name, kv[0].summary))[0]
        if detected
        else None
    )


def _without_label_set(obj: dict[str, Any], layout: Layout, detector: Detector) -> bool:
    """Whether `obj` is a record of the multi-label `layout` but for its set of classes, which a
    multi-label file leaves out where none applies (NLU++: "if the field is missing, the example has
    no intents"): it is read as the empty set, not as a record of another layout ({"text"} alone)."""
    if not layout.multi_label or layout.flags:
        return False
    key = layout.source("label") or "label"
    return key not in obj and "." not in key and detector.complete_in({**obj, key: []}, layout, types=False)


def _short_of(obj: dict[str, Any], layout: Layout, own: Layout, complete: bool) -> bool:
    """Whether `obj`, detected as `own`, is a record of the split's `layout` short of some of its
    required fields: the record has no key `layout` does not read, and `own` asks for a part of
    what `layout` does or only claims the record by a key they share (`complete` False). KTO's
    `{"conversations", "label"}` without its label is detected as ShareGPT, whose summary names
    `{"from", "value"}` messages the record may not have, and Dolly's `{"instruction", "context",
    "category"}` without its response as an incomplete Alpaca record: the cause to report is the
    missing field (FMT007), not another format (FMT014)."""
    return set(obj) <= layout.known_keys and (not complete or own.required_keys < layout.required_keys)


@dataclass
class Pass:
    """What one pass over a file found: the majority format by its record counts (or the one the
    user named), the frame and turns normalised in the format the pass assumed, and the issues."""

    split_format: Layout | None
    counts: Counter[Layout | None]
    frame: pl.DataFrame
    turns: pl.DataFrame
    exchanges: pl.DataFrame
    load_issues: list[LoadIssue]
    record_issues: list[tuple[int, RecordIssue]]
    n_lines: int
    tally: LineTally
    """What a span's lines counted for the file-level issues (`merge` draws them); empty after a
    whole-file pass, whose file-level issues are already in `load_issues`."""
    elsewhere: Elsewhere | None = None
    """The rows, when they were left where they were read (the frames here are then empty)."""


@dataclass
class Elsewhere:
    """A split's rows left where they were read (the Ray engine's object store), not brought into
    this process: how many there are, how many are valid and labelled, the pieces holding them
    (the reader's own handles), and for scores on a scale the lowest and highest score of its valid
    rows (`label_sets.score_scale`). Only checks that work on blocks of rows can read the rows."""

    rows: int
    valid: int
    labelled: int
    pieces: list[Any]
    scale: Scale | None = None
    tally: ScoreTally | None = None
    """For classes (a layout that names no score), whether its labels are scores all the same
    (`label_sets.ScoreTally`), counted as its pieces were read."""


def label_tally(frame: pl.DataFrame, layout: Layout | None) -> ScoreTally | None:
    """`label_sets.score_tally` of the valid rows' labels of a split read as one class per row
    (not a layout that names a score, nor multi-label), else None."""
    if layout is None or layout.kind != formats.CLASSIFICATION or layout.scored or layout.multi_label:
        return None
    labels = frame.filter(pl.col("valid"))["label"].drop_nulls()
    return score_tally(labels.value_counts().iter_rows())


def normalise_file(
    source: Input, split_format: Layout | None, reading: Reading, span: SpanJob | None = None
) -> Pass:
    """One pass: every record normalised as `split_format`, and the format counts of the records.

    With a `span`, only its lines: the file-level issues are then left to `merge`, which draws
    them from the tallies of all the spans."""
    counts: Counter[Layout | None] = Counter()
    tally = LineTally()
    load_issues: list[LoadIssue] = []
    record_issues: list[tuple[int, RecordIssue]] = []
    detector = reading.detector()
    label_field = reading.label_field
    columns: dict[str, list] = {key: [] for key in FRAME_SCHEMA}
    chunks: list[pl.DataFrame] = []
    turns: dict[str, list] = {key: [] for key in TURNS_SCHEMA}
    turn_chunks: list[pl.DataFrame] = []
    exchanges: dict[str, list] = {key: [] for key in EXCHANGES_SCHEMA}
    n_lines = 0
    records = source.records(load_issues) if span is None else source.read_span(load_issues, tally, span)
    positional = reading.positional
    for line, obj in records:
        n_lines = max(n_lines, line)
        if isinstance(obj, ArrayRecord) and not positional:
            # A split of arrays is one finding that names the map reading them (`load_split`); a
            # stray array among objects is what it always was: not an object.
            counts[None] += 1
            if split_format is not None:
                what = "JSON array where an object was expected"
                load_issues.append(LoadIssue(line, NOT_OBJECT, what, obj.shown, dropped=True))
            continue
        own, complete = detector.detect(obj)
        counts[reading.counted(own, complete, obj)] += 1
        if split_format is None:
            continue
        row = normalise(obj, split_format, label_field)
        issues = list(row.pop("issues"))
        if (
            own is not None
            and own is not split_format
            and reading.forced is None
            and not detector.complete_in(obj, split_format, types=False)
            and not _without_label_set(obj, split_format, detector)
            and not _short_of(obj, split_format, own, complete)
        ):
            # Only the root cause: the record's own keys are fine for its own format. A record with
            # every field of the split's layout is read in it, and its own issues say what is wrong.
            issues = [
                RecordIssue(
                    formats.OTHER_FORMAT,
                    f"record is {own.summary}; the rest of the split is {split_format.summary}",
                )
            ]
            row["valid"] = False
        for issue in issues:
            record_issues.append((line, issue))
        row["line"] = line
        for key in FRAME_SCHEMA:
            columns[key].append(row[key])
        system_turn = one_exchange(row)
        if system_turn is None:
            for index, message in enumerate(row["turns"]):
                turns["line"].append(line)
                turns["turn"].append(index)
                turns["role"].append(message["role"])
                turns["content"].append(message["content"])
        else:
            exchanges["line"].append(line)
            exchanges["system_turn"].append(system_turn)
        if len(columns["line"]) >= CHUNK_ROWS:  # bound the Python objects alive at once
            chunks.append(pl.DataFrame(columns, schema=FRAME_SCHEMA))
            turn_chunks.append(pl.DataFrame(turns, schema=TURNS_SCHEMA))
            columns = {key: [] for key in FRAME_SCHEMA}
            turns = {key: [] for key in TURNS_SCHEMA}
    if columns["line"]:
        chunks.append(pl.DataFrame(columns, schema=FRAME_SCHEMA))
        turn_chunks.append(pl.DataFrame(turns, schema=TURNS_SCHEMA))
    frame = pl.concat(chunks, rechunk=True) if chunks else empty_frame()
    turn_frame = pl.concat(turn_chunks, rechunk=True) if turn_chunks else pl.DataFrame(schema=TURNS_SCHEMA)
    exchange_frame = pl.DataFrame(exchanges, schema=EXCHANGES_SCHEMA)
    load_issues.sort(key=issue_order)  # the reader's and this pass's, in one order however read
    return Pass(
        reading.forced or most_common(counts),
        counts,
        frame,
        turn_frame,
        exchange_frame,
        load_issues,
        record_issues,
        n_lines,
        tally,
    )


def issue_order(issue: LoadIssue) -> tuple[int, str]:
    """Issues by line, then kind: the same order for a file read in one pass or span by span."""
    return issue.line, issue.kind


def ended(passes: list[Pass]) -> int:
    """How many of a file's spans' passes count: up to the first whose read failed part-way (a
    file-level issue: "nothing after line N could be read"), which ends the file as one pass does."""
    for i, part in enumerate(passes):
        if any(issue.kind == FILE_LEVEL for issue in part.load_issues):
            return i + 1
    return len(passes)


def merge(
    passes: list[Pass], forced: Layout | None, cut: bool = True, tallied: bool = True, rechunk: bool = True
) -> Pass:
    """The spans' passes of one file as one pass over the whole file (spans in file order); not
    `tallied`: whole files' passes, whose file-level issues are theirs already (`spread`); not
    `rechunk`: the frames' columns keep the passes' buffers, not copied into one (no second copy of
    the split while it is joined; the Ray driver's peak after reading).

    A span whose read failed part-way (a file-level issue: "nothing after line N could be read")
    ends the file there, as it does for one pass: the spans after it are dropped (unless not `cut`:
    the spans of a table's row ranges, whose damage ends one file, not the split)."""
    passes = passes[: ended(passes)] if cut else passes
    counts: Counter[Layout | None] = Counter()
    tally = LineTally()
    load_issues: list[LoadIssue] = []
    record_issues: list[tuple[int, RecordIssue]] = []
    for part in passes:
        counts.update(part.counts)
        tally.add(part.tally)
        load_issues += part.load_issues
        record_issues += part.record_issues
    load_issues += tally.file_issues(load_issues) if tallied else []
    load_issues.sort(key=issue_order)
    return Pass(
        forced or most_common(counts),
        counts,
        pl.concat([p.frame for p in passes], rechunk=rechunk),
        pl.concat([p.turns for p in passes], rechunk=rechunk),
        pl.concat([p.exchanges for p in passes], rechunk=rechunk),
        load_issues,
        record_issues,
        max(p.n_lines for p in passes),
        tally,
    )


PARALLEL_FROM_BYTES = 32 * 2**20
"""Files this large are read by several processes (`load_split`'s `workers`), span by span.
Below it, starting the processes costs about what they save: 16 MB loaded in 0.8-1.0 s in one
pass and 1.0-1.3 s on two processes, 32 MB in 1.9-2.3 s and 1.5-1.8 s."""

SPAN_BYTES = 4 * 2**20
"""The bytes of one span, read by one process at a time. Small spans keep both processes busy to
the end: on the 141 MB hook benchmark file, 16 MiB spans loaded in 5.3-6.4 s and 4 MiB spans in
4.8-5.1 s, against 8.2-8.5 s in one pass; each span's result is still cheap to hand back."""


def read(
    source: Input, split_format: Layout | None, reading: Reading, spans: list[SpanJob] | None, workers: int
) -> Pass:
    """One pass over the file: span by span on `workers` processes, or in this process."""
    if spans is not None:
        normalise_span = functools.partial(normalise_file, source, split_format, reading)
        passes = map_in_processes(normalise_span, source.jobs(spans, SPAN_BYTES), workers)
        if passes is not None:
            return merge(passes, reading.forced, cut=source.spans_end_early())
    return normalise_file(source, split_format, reading)


def one_exchange(row: dict[str, Any]) -> bool | None:
    """Whether a normalised record's messages are one exchange that `Split.turns` can rebuild from
    its columns (see `EXCHANGES_SCHEMA`): True with a system message, False without, None if not."""
    turns = row["turns"]
    if len(turns) == 2:
        user, reply = turns
        system_turn = False
        if row["system"] != "":
            return None
    elif len(turns) == 3:
        system, user, reply = turns
        system_turn = True
        if system["role"] != "system" or system["content"] != row["system"]:
            return None
    else:
        return None
    if user["role"] != "user" or user["content"] != row["prompt"]:
        return None
    if reply["role"] != "assistant" or reply["content"] != row["response"]:
        return None
    return system_turn
