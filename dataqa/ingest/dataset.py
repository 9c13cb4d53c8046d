"""A split (train, test, valid) read from one file and normalised into one polars frame.

`load_split` streams the file once: it guesses the split's format from the first records, then
normalises every record in that format while counting which format each record's keys name (the
split's format is the most common one; a lost guess costs a second pass). Nothing but the
canonical columns is kept, so memory stays bounded by the frame.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from dataqa.core import threads
from dataqa.core.processes import map_in_processes
from dataqa.ingest import chat_templates, formats, rft
from dataqa.ingest.damage import ArrayRecord
from dataqa.ingest.formats import RecordIssue
from dataqa.ingest.issues import FILE_LEVEL, NOT_OBJECT, LoadIssue
from dataqa.ingest.label_inference import closed_set_labels
from dataqa.ingest.layouts import (
    CHAT,
    LAYOUTS,
    RFT,
    STEPWISE,
    TEMPLATED,
    TEXT,
    Layout,
    lookup,
    plain_form,
    templated,
)
from dataqa.ingest.load import DEFAULT_LIMITS, Limits, LineTally
from dataqa.ingest.normalisers import normalise
from dataqa.ingest.readers.source import Input, SpanJob, open_input
from dataqa.ingest.reading import Reading
from dataqa.ingest.suggestion import KeySurvey, classification_layout
from dataqa.ingest.unrecognised import unrecognised_detail

SPLIT_NAMES = ("train", "valid", "test")

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


@dataclass
class Split:
    """One input file as the checks see it: provenance, the canonical frame, and what was damaged."""

    name: str
    path: str
    sha256: str
    size_bytes: int
    format: str | None
    frame: pl.DataFrame
    n_lines: int
    stored_turns: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TURNS_SCHEMA))
    """The messages of the records that are not in `exchanges`."""
    exchanges: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=EXCHANGES_SCHEMA))
    load_issues: list[LoadIssue] = field(default_factory=list)
    record_issues: list[tuple[int, RecordIssue]] = field(default_factory=list)
    label_source: str | None = None
    layout: Layout | None = None
    """The layout the split was read in (`dataqa.ingest.layouts`): its kind and field names."""
    source: Input | None = None
    """What the split was read from (`dataqa.ingest.readers`): its files, and where each record is."""
    rendered: chat_templates.Rendered | None = None
    """For text read as chat: its template and how many records carry it."""
    graded: rft.Graded | None = None
    """For chat read as reinforcement fine-tuning data: how many records end on a user turn, and the
    grader fields."""

    @property
    def rows(self) -> int:
        return self.frame.height

    @property
    def kind(self) -> str | None:
        """How the split's records were read (chat, pair, kto, text, ...; `dataqa.ingest.layouts`)."""
        return self.layout.kind if self.layout is not None else None

    @property
    def fields(self) -> dict[str, str]:
        """Role -> the data set's own field that plays it ({"prompt": "question", "response":
        "answer"}): what a message about the split calls its prompt, target or label."""
        return self.layout.roles() if self.layout is not None else {}

    @functools.cached_property
    def turns(self) -> pl.DataFrame:
        """Every message (`TURNS_SCHEMA`), in line and turn order. The one-exchange records'
        messages are the frame's own strings (polars shares them, it does not copy them)."""
        if self.exchanges.is_empty():
            return self.stored_turns
        rows = self.frame.select("line", "system", "prompt", "response").join(self.exchanges, on="line")
        first = pl.col("system_turn").cast(pl.Int32)

        def messages(rows: pl.DataFrame, turn: pl.Expr, role: str, content: str) -> pl.DataFrame:
            return rows.select(
                "line",
                turn.alias("turn"),
                pl.lit(role).cast(pl.Categorical).alias("role"),
                pl.col(content).alias("content"),
            )

        parts = [
            self.stored_turns,
            messages(rows.filter("system_turn"), pl.lit(0, dtype=pl.Int32), "system", "system"),
            messages(rows, first, "user", "prompt"),
            messages(rows, first + 1, "assistant", "response"),
        ]
        return pl.concat(parts).sort("line", "turn")


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=FRAME_SCHEMA)


GUESS_RECORDS = 1000
"""Records read to guess a split's format before the pass that normalises it."""


def _guess_format(source: Input, reading: Reading) -> tuple[Layout | None, KeySurvey]:
    """The most common layout among the first `GUESS_RECORDS` records, and a survey of their keys; a
    text layout in its templated form when a clear majority of those records carry one chat template
    (`dataqa.ingest.chat_templates`; not when `reading` rules it out), chat as reinforcement
    fine-tuning data when nearly all of them end on a user turn beside grader fields (`rft`)."""
    counts: Counter[Layout | None] = Counter()
    texts: list[str] = []
    survey = KeySurvey()
    graded = rft.Survey()
    detector = reading.detector()
    for i, (_line, obj) in enumerate(source.records([])):
        if i >= GUESS_RECORDS:
            break
        survey.add(obj)
        own, complete = detector.detect(obj)
        if complete:
            counts[own] += 1
            graded.add(obj, own)
            if (
                own is not None
                and own.kind == TEXT
                and isinstance(v := lookup(obj, own.source("text") or "text"), str)
            ):
                texts.append(v)
    guess = _most_common(counts)
    if guess is not None and guess.kind == TEXT and reading.find_template:
        found = chat_templates.detect(texts)
        if found is not None:
            guess = templated(guess, found[0].name)
    elif guess is LAYOUTS[CHAT] and reading.find_template:
        guess = graded.layout() or guess
    return guess, survey


def _most_common(counts: Counter[Layout | None]) -> Layout | None:
    """The layout most records are complete in (ties: by name, then by fields, for determinism)."""
    detected = {k: v for k, v in counts.items() if k is not None}
    return max(detected.items(), key=lambda kv: (kv[1], kv[0].name, kv[0].summary))[0] if detected else None


@dataclass
class _Pass:
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
    """What a span's lines counted for the file-level issues (`_merge` draws them); empty after a
    whole-file pass, whose file-level issues are already in `load_issues`."""


def _normalise_file(
    source: Input, split_format: Layout | None, reading: Reading, span: SpanJob | None = None
) -> _Pass:
    """One pass: every record normalised as `split_format`, and the format counts of the records.

    With a `span`, only its lines: the file-level issues are then left to `_merge`, which draws
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
        system_turn = _one_exchange(row)
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
    frame = pl.concat(chunks, rechunk=True) if chunks else _empty_frame()
    turn_frame = pl.concat(turn_chunks, rechunk=True) if turn_chunks else pl.DataFrame(schema=TURNS_SCHEMA)
    exchange_frame = pl.DataFrame(exchanges, schema=EXCHANGES_SCHEMA)
    load_issues.sort(key=_issue_order)  # the reader's and this pass's, in one order however read
    return _Pass(
        reading.forced or _most_common(counts),
        counts,
        frame,
        turn_frame,
        exchange_frame,
        load_issues,
        record_issues,
        n_lines,
        tally,
    )


def _issue_order(issue: LoadIssue) -> tuple[int, str]:
    """Issues by line, then kind: the same order for a file read in one pass or span by span."""
    return issue.line, issue.kind


def _merge(passes: list[_Pass], forced: Layout | None, cut: bool = True, tallied: bool = True) -> _Pass:
    """The spans' passes of one file as one pass over the whole file (spans in file order); not
    `tallied`: whole files' passes, whose file-level issues are theirs already (`spread`).

    A span whose read failed part-way (a file-level issue: "nothing after line N could be read")
    ends the file there, as it does for one pass: the spans after it are dropped (unless not `cut`:
    the spans of a table's row ranges, whose damage ends one file, not the split)."""
    for i, part in enumerate(passes if cut else []):
        if any(issue.kind == FILE_LEVEL for issue in part.load_issues):
            passes = passes[: i + 1]
            break
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
    load_issues.sort(key=_issue_order)
    return _Pass(
        forced or _most_common(counts),
        counts,
        pl.concat([p.frame for p in passes], rechunk=True),
        pl.concat([p.turns for p in passes], rechunk=True),
        pl.concat([p.exchanges for p in passes], rechunk=True),
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


def _read(
    source: Input, split_format: Layout | None, reading: Reading, spans: list[SpanJob] | None, workers: int
) -> _Pass:
    """One pass over the file: span by span on `workers` processes, or in this process."""
    if spans is not None:
        normalise_span = functools.partial(_normalise_file, source, split_format, reading)
        passes = map_in_processes(normalise_span, source.jobs(spans, SPAN_BYTES), workers)
        if passes is not None:
            return _merge(passes, reading.forced, cut=source.spans_end_early())
    return _normalise_file(source, split_format, reading)


def _one_exchange(row: dict[str, Any]) -> bool | None:
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


def load_split(
    name: str,
    path: Any,
    fmt: str | None = None,
    label_field: str | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    fields: dict[str, str] | None = None,
    records_path: str | None = None,
    line_pattern: str | None = None,
    records_key: str | None = None,
    template: str | None = None,
    reader: Callable[[Input, Layout | None, Reading], _Pass | None] | None = None,
) -> Split:
    """Read and normalise one split; raises `InputError` only when the path cannot be read at all.

    `fmt` forces a layout, `fields` maps the data's own field names to roles (`dataqa.ingest.
    layouts`; a `FieldMapError` when the map fits no layout), `label_field` names the label,
    `line_pattern` splits each line of a text file into fields (`--line-pattern`), `records_key`
    names the field that gets the key a JSON document's record list sits under (`--records-key`),
    `template` reads a text field as chats in that template (`--template`; by default a text split
    is read so when a clear majority of its records carry one, `dataqa.ingest.chat_templates`).

    With `workers` > 1, a large uncompressed file is parsed span by span on that many processes
    (`PARALLEL_FROM_BYTES`): the same split as one pass, faster on two idle cores (the 141 MB hook
    benchmark file: 8.2-8.5 s in one pass, 4.8-5.1 s on two processes). A `reader` reads it elsewhere."""
    reading = Reading.of(fmt, label_field, fields, template)
    source = open_input(path, records_path, limits, line_pattern, records_key)
    before = source.signature()
    spans = None if reader else source.spans(workers, PARALLEL_FROM_BYTES, SPAN_BYTES)

    def read_as(layout: Layout | None, reading: Reading) -> _Pass:
        return (reader and reader(source, layout, reading)) or _read(source, layout, reading, spans, workers)

    # The digest is taken on another (reused) thread while this one parses: hashlib releases the GIL.
    digest = threads.start(source.sha256, "dataqa-sha256")
    # The split's format is the most common one among its records. It is guessed from the
    # first records and confirmed by the counts of the one full pass that normalises every
    # record under the guess; only when the guess loses is the file read a second time.
    guess, survey = (reading.forced, None) if reading.forced else _guess_format(source, reading)
    inferred = None
    if guess is None and survey is not None and not reading.fields:
        inferred = classification_layout(survey)  # a label field named otherwise ("category")
        if inferred is not None:
            guess = inferred[0]
            reading = replace(reading, layouts=(guess, *reading.layouts))
    if guess is not None and guess.kind in (TEMPLATED, RFT) and reading.forced is None:
        reading = replace(reading, templated=guess)
    read = read_as(guess, reading)
    chat = reading.templated if reading.forced is None else None
    if chat is not None and read.counts[chat] < chat_templates.MIN_SHARE * read.counts.total():
        # The first records were in a form the file as a whole is not: plain text, or chat.
        reading, guess = replace(reading, templated=None), plain_form(chat)
        read = read_as(guess, reading)
    if read.split_format != guess:
        read = read_as(read.split_format, reading)
    if inferred is not None and read.split_format is inferred[0]:  # say what was taken
        source.note = "; ".join(note for note in (source.note, inferred[1]) if note)
    sha256 = digest.result()
    split_format, frame, load_issues, n_lines = read.split_format, read.frame, read.load_issues, read.n_lines
    if split_format is None and read.counts:  # one finding for the file, not one per record
        records = sum(read.counts.values())
        detail = unrecognised_detail(survey or KeySurvey(), records, dict(reading.fields), label_field)
        load_issues.append(LoadIssue(1, FILE_LEVEL, detail))
    n_lines = max([n_lines] + [i.line for i in load_issues])
    if source.signature() != before:
        load_issues.append(
            LoadIssue(
                1,
                FILE_LEVEL,
                "file changed while it was being read; results may mix two versions, scan again",
            )
        )

    label_source = None
    kind = split_format.kind if split_format is not None else None
    label_key = split_format.source("label") if split_format is not None else None
    if label_field or kind == formats.CLASSIFICATION:
        label_source = label_field or label_key or "label"
    elif label_key is not None and kind not in (formats.KTO, STEPWISE):  # a map giving chat data a label
        label_source = label_key
    elif kind in (formats.CHAT, formats.SHAREGPT, formats.VERTEX, TEMPLATED):
        replies = frame.select(pl.when(pl.col("valid")).then(pl.col("response")))["response"]
        labels = closed_set_labels(replies)
        if labels is not None:
            frame = frame.with_columns(pl.Series("label", labels, dtype=pl.String))
            label_source = "assistant reply (closed set)"
    return Split(
        name=name,
        path=source.shown,
        sha256=sha256,
        size_bytes=source.size_bytes(),
        format=split_format.name if split_format is not None else None,
        frame=frame,
        n_lines=n_lines,
        stored_turns=read.turns,
        exchanges=read.exchanges,
        load_issues=sorted(load_issues, key=lambda i: i.line),
        record_issues=read.record_issues,
        label_source=label_source,
        layout=split_format,
        source=source,
        rendered=chat_templates.Rendered.of(split_format, read.counts),
        graded=rft.Graded.of(split_format, read.counts),
    )
