"""Opening a split's input: what a source names (a path, a folder, a glob, a list of paths, an
in-memory table) turned into the `Input` that reads it (`source`), each file sniffed for its kind
and given its reader: a text a line beside its labels, one example a file, a JSONL file with its
labels in a file beside it, a records path's steps. Kept apart from `source`, which reads."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataqa.core.errors import InputError
from dataqa.ingest.load import DEFAULT_LIMITS, Limits, check_readable
from dataqa.ingest.readers import columnar, opened
from dataqa.ingest.readers.classfiles import CLASS_LINES
from dataqa.ingest.readers.classfolders import CLASS_FILE
from dataqa.ingest.readers.delimited import compile_line_pattern
from dataqa.ingest.readers.layout import FileSet, expand_pattern, is_pattern, split_files
from dataqa.ingest.readers.linepairs import LINE_PAIRS, companions, label_file
from dataqa.ingest.readers.sniff import CSV, JSONL, TEXT, TSV, named_kind, sniff_file
from dataqa.ingest.readers.source import MEMORY, Input, Part


def open_input(
    source: Any,
    records_path: str | Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    line_pattern: str | None = None,
    records_key: str | None = None,
) -> Input:
    """The `Input` for a split's source: a path (file, folder, glob), a list of paths, or an in-memory
    table; raises `InputError` when it cannot be read at all. With a `line_pattern`, text files
    (`.txt`, or a name that says no kind) are read line by line through it."""
    pattern = compile_line_pattern(line_pattern)
    inp = _open_input(source, _steps(records_path), limits)
    inp.records_key = records_key or None
    beside = [
        f"{p.file.name} with its labels from {p.labels.name}, line by line"
        for p in inp.parts
        if p.labels and p.file
    ]
    inp.note = "; ".join(note for note in (inp.note, *beside) if note)
    if pattern is not None:
        inp.line_pattern = pattern
        for part in inp.parts:
            if part.file is not None and _pattern_reads(part):
                part.kind, part.sniffed = TEXT, None
    return inp


def _pattern_reads(part: Part) -> bool:
    """Whether a line pattern applies to this file: its name says text or no known kind, and its
    content is line text (not a JSON document, Parquet or Arrow)."""
    return named_kind(part.file) in (None, TEXT) and part.kind in (JSONL, CSV, TSV, TEXT)  # type: ignore[arg-type]


def _open_input(source: Any, steps: tuple[str, ...] | None, limits: Limits) -> Input:
    what = columnar.memory_kind(source)
    if what is not None:
        label = {
            "polars": "<polars.DataFrame>",
            "pandas": "<pandas.DataFrame>",
            "datasets": f"<datasets.{type(source).__name__}>",
            "records": "<list>",
        }[what]
        return Input(label, [Part(label, MEMORY)], records_path=steps, limits=limits, obj=source)
    if isinstance(source, FileSet):
        files = [check_readable(f) for f in source.files]
        names = source.names or [None] * len(files)
        parts = [_file_part(f, name, source.opener) for f, name in zip(files, names, strict=True)]
        return Input(source.shown, parts, source.note, source.records_path or steps, limits)
    if isinstance(source, list | tuple):
        files = [check_readable(f) for f in source]
        shown = str(source[0]) if len(source) == 1 else f"{source[0]} (+{len(source) - 1} more)"
        return Input(shown, [_file_part(f) for f in files], records_path=steps, limits=limits)
    if not isinstance(source, str | os.PathLike):
        what = f"a split of type {type(source).__name__}"
        raise InputError(
            f"{what}: give a path (file, folder, glob), a list of paths, a list of records or a table"
        )
    text = os.fspath(source)
    note = ""
    opener = None
    if is_pattern(text):
        files = [check_readable(f) for f in expand_pattern(text)]
        note = f"{text}: {len(files)} file(s) match"
    elif os.path.isdir(text):
        found, note, opener = split_files(text)
        files = [check_readable(f) for f in found]
    else:
        files = [check_readable(text)]
    parts = [_file_part(f, str(f) if len(files) > 1 or note else text, opener) for f in files]
    return Input(text, parts, note=note, records_path=steps, limits=limits)


def _file_part(path: Path, shown: str | None = None, opener: str | None = None) -> Part:
    if opener in (CLASS_FILE, CLASS_LINES, LINE_PAIRS) or (
        opener is None and named_kind(path) in (None, TEXT) and companions(path)
    ):
        # one example a file, or a text a line beside its labels: text whatever the bytes hold
        return Part(shown or str(path), TEXT, path, opener=opener or LINE_PAIRS)
    sniffed = sniff_file(path)
    opener = opened.opener_of(path) if sniffed.kind == JSONL else opened.table_opener(path, sniffed)
    labels = label_file(path) if sniffed.kind == JSONL and opener is None else None
    return Part(shown or str(path), sniffed.kind, path, sniffed, opener=opener, labels=labels)


def _steps(records_path: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if records_path is None or records_path == "":
        return None
    steps = tuple(records_path.split(".")) if isinstance(records_path, str) else tuple(records_path)
    if not all(steps):
        raise InputError(f"records path {records_path!r} has an empty key; write it as KEY.KEY")
    return steps
