"""A split (train, test, valid) read from one file and normalised into one polars frame.

`load_split` streams the file once: it guesses the split's format from the first records, then
normalises every record in that format while counting which format each record's keys name (the
split's format is the most common one; a lost guess costs a second pass). Nothing but the
canonical columns is kept, so memory stays bounded by the frame.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from dataqa.core import threads
from dataqa.core.errors import InputError
from dataqa.ingest import chat_templates, formats, passes, rft
from dataqa.ingest.choices import choice_layout
from dataqa.ingest.formats import RecordIssue
from dataqa.ingest.guesses import chat_layout, classification_layout, pair_layout
from dataqa.ingest.issues import FILE_LEVEL, LoadIssue
from dataqa.ingest.joined_pairs import joined_layout
from dataqa.ingest.label_inference import closed_set_labels
from dataqa.ingest.layouts import (
    CHAT,
    CLASSIFICATION,
    LAYOUTS,
    PAIR,
    RFT,
    SHAREGPT,
    STEPWISE,
    TEMPLATED,
    TEXT,
    Layout,
    lookup,
    plain_form,
    templated,
)
from dataqa.ingest.load import DEFAULT_LIMITS, Limits
from dataqa.ingest.passes import (  # the canonical frames' columns, re-exported: the checks' vocabulary
    EXCHANGES_SCHEMA,
    FRAME_SCHEMA,
    TURNS_SCHEMA,
    Elsewhere,
    Pass,
    most_common,
)
from dataqa.ingest.readers import nested
from dataqa.ingest.readers.opening import open_input
from dataqa.ingest.readers.source import Input
from dataqa.ingest.reading import Reading
from dataqa.ingest.rendered_fields import rendered_layout
from dataqa.ingest.role_names import RoleSurvey
from dataqa.ingest.survey import KeySurvey
from dataqa.ingest.unrecognised import unrecognised_detail

SPLIT_NAMES = ("train", "valid", "test")
NOT_LOOKED_AT = (
    "the replies were not looked at for a small closed set of labels: the rows stay on the Ray workers"
)
"""What a chat split whose rows the reader left elsewhere says of the labels it did not infer."""
__all__ = ["EXCHANGES_SCHEMA", "FRAME_SCHEMA", "SPLIT_NAMES", "TURNS_SCHEMA", "Split", "load_split"]


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
    elsewhere: Elsewhere | None = None
    """The rows, when the reader left them where it read them (`spread`: a split larger than the
    Ray driver holds); `frame` and the messages are then empty here."""
    scores_read: bool = False
    """Whether the labels are scores on a scale though the layout reads classes (GLUE's STS-B:
    `{"sentence1", "sentence2", "label": 3.8}`): decided for the whole split from its labels
    (`label_sets.ScoreTally.scores`)."""

    @property
    def rows(self) -> int:
        return self.frame.height if self.elsewhere is None else self.elsewhere.rows

    @property
    def kind(self) -> str | None:
        """How the split's records were read (chat, pair, kto, text, ...; `dataqa.ingest.layouts`)."""
        return self.layout.kind if self.layout is not None else None

    @property
    def multi_label(self) -> bool:
        """Whether the split is multi-label classification: each row's `label` is a set of classes in
        the canonical form of `dataqa.ingest.label_sets` (`[3,27]`), not one class."""
        return self.layout is not None and self.layout.multi_label

    @property
    def scored(self) -> bool:
        """Whether the split's `label` is a score on a scale (STS-B's similarity from 0 to 5, written
        "4.2" or "5.000"), a regression target: its values are numbers, not classes."""
        return self.scores_read or (self.layout is not None and self.layout.scored)

    @property
    def fields(self) -> dict[str, str]:
        """Role -> the data set's own field that plays it ({"prompt": "question", "response":
        "answer"}): what a message about the split calls its prompt, target or label."""
        return self.layout.roles() if self.layout is not None else {}

    @functools.cached_property
    def folder(self) -> str:
        """The folder a split's files have in common ("" for one file): a message names a file of
        several by its path under it (`business/253.txt` among a class folder's files)."""
        files = [part.shown for part in self.source.parts] if self.source is not None else []
        try:
            return os.path.commonpath(files) if len(files) > 1 else ""
        except ValueError:  # absolute and relative paths mixed
            return ""

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


GUESS_RECORDS = 1000
"""Records read to guess a split's format before the pass that normalises it."""
GUESS_SHARE = 0.5
"""Share of those records that must be complete in the most common layout for it to be the guess.
Under it the keys the records share decide (`classification_layout`, ...), and the full pass's
counts after them: NLU++'s `{"text", "intents": [...]}` beside a few records of "text" alone is
multi-label classification, not plain text whose "intents" nobody reads."""


def _guess_format(source: Input, reading: Reading) -> tuple[Layout | None, KeySurvey]:
    """The most common layout among the first `GUESS_RECORDS` records, and a survey of their keys; a
    text layout in its templated form when a clear majority of those records carry one chat template
    (`dataqa.ingest.chat_templates`; not when `reading` rules it out), chat as reinforcement
    fine-tuning data when nearly all of them end on a user turn beside grader fields (`rft`), a chat
    layout reading the roles the file names in its own words when the records say so (`role_names`)."""
    counts: Counter[Layout | None] = Counter()
    texts: list[str] = []
    survey = KeySurvey()
    graded = rft.Survey()
    roles = RoleSurvey()
    detector = reading.detector()
    for i, (_line, obj) in enumerate(source.records([])):
        if i >= GUESS_RECORDS:
            break
        survey.add(obj)
        own, complete = detector.detect(obj)
        if own is None and reading.find_template:
            survey.add_heads(obj, chat_templates.DETECT_CHARS)
        if complete:
            counts[own] += 1
            graded.add(obj, own)
            roles.add(obj, own)
            if (
                own is not None
                and own.kind == TEXT
                and isinstance(v := lookup(obj, own.source("text") or "text"), str)
            ):
                texts.append(v)
    guess = most_common(counts)
    if guess is not None and counts[guess] < GUESS_SHARE * survey.records:
        guess = None  # a few records complete in a layout ("text" alone) do not say the file's layout
    if guess is not None and guess.kind == TEXT and reading.find_template:
        found = chat_templates.detect(texts)
        if found is not None:
            guess = templated(guess, found[0].name)
    elif guess is LAYOUTS[CHAT] and reading.find_template:
        guess = graded.layout() or guess
    if guess is not None and guess.kind in (CHAT, SHAREGPT) and (renamed := roles.renamed(guess)):
        guess = replace(guess, renamed=renamed)
    return guess, survey


def layout_found(path: str) -> bool:
    """Whether the first records of the file at `path` are in a layout a scan reads without options
    (a built-in one, or one the guesses infer from its keys); a file that cannot be opened here is
    left to the scan, which says why. What tells a folder's data file from one beside it that holds
    its split in no such shape (Hebrew sentiment's `test.tsv`, the test sentences without labels,
    beside `test_gold.tsv`)."""
    try:
        source = open_input(path, None, DEFAULT_LIMITS, None, None)
        guess, survey = _guess_format(source, Reading.of(None, None, None))
    except (InputError, OSError, ValueError):
        return True
    if guess is not None or survey.records == 0:
        return True
    return any(
        infer(survey) is not None
        for infer in (choice_layout, classification_layout, pair_layout, chat_layout, rendered_layout)
    )


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
    reader: Callable[[Input, Layout | None, Reading], Pass | None] | None = None,
) -> Split:
    """Read and normalise one split; raises `InputError` only when the path cannot be read at all.

    `fmt` forces a layout, `fields` maps the data's own field names to roles (`dataqa.ingest.
    layouts`; a `FieldMapError` when the map fits no layout), `label_field` names the label,
    `line_pattern` splits each line of a text file into fields (`--line-pattern`), `records_key`
    names the field that gets the key a JSON document's record list sits under (`--records-key`),
    `template` reads a text field as chats in that template (`--template`; by default a text split
    is read so when a clear majority of its records carry one, `dataqa.ingest.chat_templates`).

    With `workers` > 1, a large uncompressed file is parsed span by span on that many processes
    (`passes.PARALLEL_FROM_BYTES`): the same split as one pass, faster on two idle cores (the 141 MB hook
    benchmark file: 8.2-8.5 s in one pass, 4.8-5.1 s on two processes). A `reader` reads it elsewhere."""
    reading = Reading.of(fmt, label_field, fields, template)
    source = open_input(path, records_path, limits, line_pattern, records_key)
    # a map that names a task's examples by path (instances.0.input) reads each task as written
    source.tasks_as_written = any(key.split(".")[0] == nested.INSTANCES for key in fields or {})
    before = source.signature()
    spans = None if reader else source.spans(workers, passes.PARALLEL_FROM_BYTES, passes.SPAN_BYTES)

    def read_as(layout: Layout | None, reading: Reading) -> Pass:
        return (reader and reader(source, layout, reading)) or passes.read(
            source, layout, reading, spans, workers
        )

    # The digest is taken on another (reused) thread while this one parses: hashlib releases the GIL.
    digest = threads.start(source.sha256, "dataqa-sha256")
    # The split's format is the most common one among its records. It is guessed from the
    # first records and confirmed by the counts of the one full pass that normalises every
    # record under the guess; only when the guess loses is the file read a second time.
    guess, survey = (reading.forced, None) if reading.forced else _guess_format(source, reading)
    inferred = None
    if survey is not None and not reading.fields and (guess is None or guess.kind in (PAIR, CLASSIFICATION)):
        # a question, its choices and the right one's index, letter or text, which a question/answer
        # layout would read as the answer "2" (MMLU's `question, choices, answer`)
        inferred = choice_layout(survey)
    if inferred is None and guess is None and survey is not None and not reading.fields:
        # a label field named otherwise ("category"), or a request and its answer ("prompt", "answer")
        inferred = (
            classification_layout(survey, reading.label_field)
            or pair_layout(survey)
            or chat_layout(survey)
            or rendered_layout(survey)
        )
    if inferred is not None:
        guess = inferred[0]
        reading = replace(reading, layouts=(guess, *reading.layouts))
    joined = joined_layout(guess, survey.joining_marker, survey.of_arrays) if survey is not None else None
    if joined is not None:  # "premise<sep>hypothesis" in one field
        notes = (inferred[1] if inferred is not None else "", joined[1])
        guess, inferred = joined[0], (joined[0], "; ".join(note for note in notes if note))
        reading = replace(reading, layouts=(guess, *reading.layouts))
    if guess is not None and (guess.kind in (TEMPLATED, RFT) or guess.renamed) and reading.forced is None:
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
    rows = read.frame.height if read.elsewhere is None else read.elsewhere.rows
    if formats.opening_is_shape(
        read.record_issues, rows
    ):  # the whole split decides, pieces held elsewhere too
        read = replace(read, record_issues=formats.without_openings(read.record_issues))
        for piece in read.elsewhere.pieces if read.elsewhere is not None else ():
            piece.record_issues[:] = formats.without_openings(piece.record_issues)
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
    if split_format is not None and split_format.flags and not label_field:
        label_key = ", ".join(split_format.flags)  # one field a class: the set comes from all of them
    if label_field or kind == formats.CLASSIFICATION:
        label_source = label_field or label_key or "label"
    elif label_key is not None and kind not in (formats.KTO, STEPWISE):  # a map giving chat data a label
        label_source = label_key
    elif read.elsewhere is not None and kind in (formats.CHAT, formats.SHAREGPT, formats.VERTEX, TEMPLATED):
        source.note = "; ".join(note for note in (source.note, NOT_LOOKED_AT) if note)
    elif kind in (formats.CHAT, formats.SHAREGPT, formats.VERTEX, TEMPLATED):
        replies = frame.select(pl.when(pl.col("valid")).then(pl.col("response")))["response"]
        labels = closed_set_labels(replies)
        if labels is not None:
            frame = frame.with_columns(pl.Series("label", labels, dtype=pl.String))
            label_source = "assistant reply (closed set)"
    tally = read.elsewhere.tally if read.elsewhere is not None else passes.label_tally(frame, split_format)
    scores_read = tally is not None and tally.scores
    if tally is not None and scores_read and read.elsewhere is not None:
        read.elsewhere.scale = tally.scale  # what LBL001 judges against
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
        elsewhere=read.elsewhere,
        scores_read=scores_read,
    )
