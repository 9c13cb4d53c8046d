"""One split's input, whatever it is: a file of any kind, several shards, a folder, a glob, or an
in-memory table; read as `(key, record)` pairs with the issues met on the way.

Every record of a split has one integer key, the frame's `line` column, which the checks use as
its identity. For one line-based file (JSONL, JSON, CSV) the key is the record's physical line, as
it always was. Several files are laid end to end: a file's keys start after the previous file's
last one (`Part.base`). For a table (Parquet, Arrow, in memory) the key is the row + 1. `location`
turns a key back into what a person can open: the file and its line, or the file and its 0-based
row.
"""

from __future__ import annotations

import bisect
import hashlib
import os
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from dataqa.core.errors import InputError
from dataqa.core.models import Location
from dataqa.ingest.compression import open_stream
from dataqa.ingest.damage import ArrayRecord, parse_json, sniff_issue
from dataqa.ingest.issues import FILE_LEVEL, LoadIssue
from dataqa.ingest.load import (
    DEFAULT_LIMITS,
    Limits,
    LineTally,
    Span,
    check_readable,
    file_sha256,
    line_spans,
    physical_lines,
    read_records,
    read_span,
)
from dataqa.ingest.readers import columnar, jsonarray
from dataqa.ingest.readers.delimited import read_table, read_text_lines
from dataqa.ingest.readers.layout import FileSet, expand_pattern, is_pattern, split_files
from dataqa.ingest.readers.sniff import ARROW, CSV, JSON, JSONL, PARQUET, TEXT, TSV, Sniffed, sniff_file

MEMORY = "memory"
LINE, ROW = "line", "row"

PARALLEL_FROM_ROWS = 50_000
"""Tables with this many rows are read by several processes, in row ranges of at most
`columnar.PIECE_ROWS` rows."""


@dataclass
class Part:
    """One file (or in-memory object) of a split, and where its keys start."""

    shown: str
    """The path as findings show it (as given, or `<list>` for an in-memory object)."""
    kind: str
    file: Path | None = None
    sniffed: Sniffed | None = None
    base: int = 0
    """Keys of this part are base + line (line-based) or base + row + 1 (tables)."""
    rows: int | None = None
    """The row count of a table, when known before reading."""
    lines: array | None = field(default=None, repr=False)
    """For a JSON document, whose records are keyed by position: the line each key starts on."""

    @property
    def unit(self) -> str:
        return LINE if self.kind in (JSONL, JSON, CSV, TSV, TEXT) else ROW


@dataclass(frozen=True)
class SpanJob:
    """A piece of a split read by one process: lines of one JSONL file, or rows of one table."""

    part: int
    span: Span
    """Lines: the byte span (`load.Span`). Rows: `start`/`stop` rows, `first_line` unused."""


@dataclass
class Input:
    """A split's source: its parts, how it was chosen, and how to read it."""

    shown: str
    parts: list[Part]
    note: str = ""
    """What was taken, when the input was a folder or a glob (shown on stderr and in the report)."""
    records_path: tuple[str, ...] | None = None
    limits: Limits = DEFAULT_LIMITS
    obj: Any = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        kinds = sorted({p.kind for p in self.parts})
        return kinds[0] if len(kinds) == 1 else "+".join(kinds)

    @property
    def files(self) -> list[Path]:
        return [p.file for p in self.parts if p.file is not None]

    @property
    def line_based(self) -> bool:
        return all(p.unit == LINE for p in self.parts)

    def describe(self) -> dict[str, Any]:
        """What the report says the split was read from (`SplitInfo.input`)."""
        return {"kind": self.kind, "files": [p.shown for p in self.parts], "note": self.note}

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files)

    def signature(self) -> tuple:
        """Size, mtime and inode of every file: any write, or a file replaced, changes it."""
        out = []
        for f in self.files:
            st = f.stat()
            out.append((st.st_size, st.st_mtime_ns, st.st_ino))
        return tuple(out)

    def sha256(self) -> str:
        """The file's SHA-256; for several files, the SHA-256 of their names and digests, one a
        line; in memory, of the records as compact JSON, one a line."""
        if self.obj is not None:
            digest = hashlib.sha256()
            for _key, obj in self.records([]):
                digest.update(orjson.dumps(obj, option=orjson.OPT_SORT_KEYS) + b"\n")
            return digest.hexdigest()
        if len(self.parts) == 1 and self.parts[0].file is not None:
            return file_sha256(self.parts[0].file)
        digest = hashlib.sha256()
        for part in self.parts:
            digest.update(f"{part.shown}\t{file_sha256(part.file)}\n".encode())  # type: ignore[arg-type]
        return digest.hexdigest()

    def location(self, split: str, key: int) -> Location:
        """Where the record with this key is: file and line, or file and 0-based row."""
        key = int(key)
        if (
            len(self.parts) == 1
            and self.parts[0].unit == LINE
            and self.parts[0].lines is None
            and self.parts[0].shown == self.shown
        ):
            return Location(split, self.shown, key)
        index = max(bisect.bisect_right([p.base for p in self.parts], key - 1) - 1, 0)
        part = self.parts[index]
        if part.lines is not None:  # a JSON document: the key is a position; its line is stored
            local = key - part.base
            line = part.lines[local - 1] if 0 < local <= len(part.lines) else 1
            return Location(split, part.shown, key, file_line=line)
        if part.unit == LINE:
            if not part.base:
                return Location(split, part.shown, key)
            return Location(split, part.shown, key, file_line=key - part.base)
        return Location(split, part.shown, key, row=max(key - part.base - 1, 0))

    # --- reading -------------------------------------------------------------------------------

    def records(self, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every record of every part, keyed (see the module docstring); issues keyed the same."""
        base = 0
        for part in self.parts:
            part.base = base
            local: list[LoadIssue] = []
            last = part.rows or 0
            try:
                for pos, obj in self._read_part(part, local):
                    key = pos if part.unit == LINE else pos + 1
                    last = max(last, key)
                    yield base + key, obj
            finally:
                last = max([last] + [i.line for i in local])
                issues += [replace(i, line=i.line + base) for i in local] if base else local
            base += max(last, 1)

    def _read_part(self, part: Part, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
        if part.sniffed is not None and part.sniffed.mismatch:
            issues.append(LoadIssue(1, FILE_LEVEL, part.sniffed.mismatch))
        if part.kind == MEMORY:
            yield from _memory_records(self.obj, issues)
            return
        path = part.file
        assert path is not None
        if part.kind == JSONL:
            yield from read_records(path, issues, self.limits)
        elif part.kind == JSON:
            part.lines = array("q")
            yield from _document_records(path, issues, self.records_path, part.lines)  # type: ignore[arg-type]
        elif part.kind == TEXT:
            yield from read_text_lines(path, issues)
        elif part.kind in (CSV, TSV):
            yield from read_table(path, "\t" if part.kind == TSV else ",", issues)
        else:
            stream = part.sniffed is not None and part.sniffed.arrow_stream
            count = 0
            for row, obj in columnar.read_table_file(path, part.kind, issues, stream=stream):
                count += 1
                yield row, obj
            if not count and not issues:
                issues.append(
                    LoadIssue(1, FILE_LEVEL, "the table has no rows: there are no records to check")
                )

    @property
    def verbatim(self) -> bool:
        """Whether the input is one JSONL file, which `export` copies line by line as it is."""
        return len(self.parts) == 1 and self.parts[0].kind == JSONL and self.parts[0].file is not None

    def export(self) -> Iterator[tuple[int, bytes]]:
        """(key, bytes of one JSONL line) for everything the scan read, for `clean` and `split`,
        which write JSONL whatever the input: one JSONL file's physical lines verbatim; otherwise
        every record as compact JSON (a record written as an array, as that array), then every
        piece that held no record (its excerpt)."""
        if self.verbatim:
            yield from physical_lines(self.parts[0].file)  # type: ignore[arg-type]
            return
        issues: list[LoadIssue] = []
        for key, obj in self.records(issues):
            yield key, orjson.dumps(obj.as_list() if isinstance(obj, ArrayRecord) else obj)
        for issue in issues:
            if issue.dropped:
                yield issue.line, (issue.excerpt or issue.detail).encode("utf-8", "surrogatepass")

    def spans(self, workers: int, from_bytes: int, span_bytes: int) -> list[SpanJob] | None:
        """Pieces to read on `workers` processes, or None to read in one pass: one large uncompressed
        JSONL file by byte spans, or tables of `PARALLEL_FROM_ROWS` rows or more by row ranges."""
        if workers < 2 or self.obj is not None:
            return None
        if len(self.parts) == 1 and self.parts[0].kind == JSONL:
            part = self.parts[0]
            path = part.file
            assert path is not None
            sniffed = part.sniffed
            if (
                path.stat().st_size < from_bytes
                or (sniffed is not None and (sniffed.compression or sniffed.mismatch))
                or sniff_issue(path)
            ):
                return None
            found = line_spans(path, span_bytes)
            return [SpanJob(0, s) for s in found] if len(found) > 1 else None
        if all(p.kind in (PARQUET, ARROW) and not (p.sniffed and p.sniffed.arrow_stream) for p in self.parts):
            try:
                counts = [columnar.table_rows(p.file, p.kind) for p in self.parts]  # type: ignore[arg-type]
            except Exception:
                return None  # a damaged file: read in one pass, which reports it
            if sum(counts) < PARALLEL_FROM_ROWS:
                return None
            jobs = []
            base = 0
            for index, (part, rows) in enumerate(zip(self.parts, counts, strict=True)):
                part.base, part.rows = base, rows
                step = max(min(-(-rows // workers), columnar.PIECE_ROWS), 1)
                jobs += [SpanJob(index, Span(s, min(s + step, rows), 0)) for s in range(0, rows, step)]
                base += max(rows, 1)
            return jobs
        return None

    def spans_end_early(self) -> bool:
        """Whether a span that meets a file-level issue ends the input (a JSONL file cut off there)."""
        return self.line_based

    def read_span(
        self, issues: list[LoadIssue], tally: LineTally, job: SpanJob
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """The records of one piece (see `spans`), keyed as `records` keys them."""
        part = self.parts[job.part]
        path = part.file
        assert path is not None
        if part.unit == LINE:
            yield from read_span(path, issues, tally, job.span, self.limits)
            return
        local: list[LoadIssue] = []
        count = 0
        for row, obj in columnar.read_table_file(path, part.kind, local, job.span.start, job.span.stop):
            count += 1
            yield part.base + row + 1, obj
        issues += [replace(i, line=i.line + part.base) for i in local]
        tally.content_lines += count + len(local)
        tally.lines = max(tally.lines, part.base + job.span.stop)


def _memory_records(obj: Any, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) of an in-memory object (`memory_kind` said which it is)."""
    what = memory_kind(obj)
    if what == "polars":
        yield from columnar.frame_records(obj)
    elif what == "pandas":
        yield from columnar.pandas_records(obj, issues)
    elif what == "datasets":
        yield from columnar.dataset_records(obj, issues)
    else:
        yield from columnar.mapping_records(obj, issues)


def _document_records(
    path: Path, issues: list[LoadIssue], records_path: tuple[str, ...] | None, lines: list[int]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a JSON document: its array, or the list of records it holds (see `choose_list`),
    keyed by position; `lines` receives the line each key starts on (see `jsonarray.read_list`)."""
    found = jsonarray.survey(path, want=records_path)

    def document_issue(line: int, detail: str) -> None:
        lines.append(line)
        issues.append(LoadIssue(len(lines), FILE_LEVEL, detail))

    if found.root == "array":
        target = found.lists[0]
    elif found.root == "object":
        target = choose_list(path, found, records_path, document_issue)
        if target is None:
            return
    else:
        detail = found.damage or (
            "file is empty: there are no records to check"
            if found.root is None
            else "the JSON document is a single value, not records (an array of objects, or an object "
            "holding one)"
        )
        document_issue(found.line, detail)
        return
    if target is WHOLE:
        lines.append(found.line)
        yield from _whole(path, len(lines), issues)
        return
    before = len(issues)
    count = 0
    for key, obj in jsonarray.read_list(path, target, issues, lines):
        count += 1
        yield key, obj
    if not count and len(issues) == before:
        document_issue(target.line, "the JSON array is empty: there are no records to check")


WHOLE_RECORD_BYTES = 16 * 2**20
"""A JSON object this small that is one record (see `RECORD_LISTS`) is parsed whole."""

RECORD_LISTS = frozenset({"messages", "conversations", "contents"})
"""Top-level lists of a single record (its turns), not lists of records: a `.json` file holding one
pretty-printed chat example is that one example."""

WHOLE = jsonarray.RecordList((), -1, 1, 0)
"""The list `choose_list` returns when the document is itself one record."""


def choose_list(
    path: Path,
    found: jsonarray.Survey,
    records_path: tuple[str, ...] | None,
    report: Callable[[int, str], None],
) -> jsonarray.RecordList | None:
    """The list of records of a JSON object: the one at `records_path`, or the only list of objects
    in it (`WHOLE` when the object is one chat record); else None, after one issue that names the
    lists found and the option that picks one."""
    if records_path:
        if found.lists:
            return found.lists[0]
        report(
            found.line,
            f"records path {'.'.join(records_path)!r} leads to no list in this JSON object"
            + (f" ({found.damage})" if found.damage else "")
            + "; check the key names (--records-path KEY.KEY)",
        )
        return None
    candidates = [lst for lst in found.lists if lst.records]
    if (
        len(candidates) == 1
        and candidates[0].path[0] in RECORD_LISTS
        and path.stat().st_size <= WHOLE_RECORD_BYTES
    ):
        return WHOLE
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        named = ", ".join(
            f"{c.dotted} ({c.elements:,} records)"
            for c in sorted(candidates, key=lambda c: (-c.elements, c.dotted))
        )
        best = max(candidates, key=lambda c: (c.elements, c.dotted))
        detail = (
            f"the JSON object holds several lists of records: {named}; name the one to read with "
            f"--records-path {best.dotted}"
        )
    else:
        detail = (
            "the JSON object holds no list of records (objects or arrays) near its top"
            + (f" ({found.damage})" if found.damage else "")
            + f"; {lists_seen(found)}; name the list to read with --records-path KEY.KEY"
        )
    report(found.line, detail)
    return None


def lists_seen(found: jsonarray.Survey, limit: int = 6) -> str:
    """The lists a JSON object holds near its top, with what they hold, for a message."""
    if not found.lists:
        return f"it holds no list at all (keys looked into {jsonarray.SURVEY_DEPTH} deep)"

    def what(lst: jsonarray.RecordList) -> str:
        if not lst.elements:
            return "empty"
        return f"{lst.elements:,} {'records' if lst.records else 'strings, numbers or other values'}"

    shown = [f"{lst.dotted} ({what(lst)})" for lst in found.lists[:limit]]
    more = len(found.lists) - limit
    return "its lists: " + ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def _whole(path: Path, key: int, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The document as its one record, keyed `key`."""
    try:
        with open_stream(path) as fh:
            raw = fh.read(WHOLE_RECORD_BYTES + 1)
    except (EOFError, OSError) as exc:
        issues.append(LoadIssue(key, FILE_LEVEL, f"file ends early or is damaged ({exc})"))
        return
    obj = parse_json(raw.strip(), key, issues, "record")
    if obj is not None:
        yield key, obj


# --- opening -----------------------------------------------------------------------------------


def memory_kind(obj: Any) -> str | None:
    """'polars', 'pandas', 'datasets', 'records' (a list of dicts) for an in-memory table, else None.
    pandas and datasets objects are recognised by their type's module, never imported here."""
    module = type(obj).__module__.split(".")[0]
    name = type(obj).__name__
    if module == "polars" and name == "DataFrame":
        return "polars"
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "datasets" and name in ("Dataset", "IterableDataset"):
        return "datasets"
    if isinstance(obj, list | tuple) and (not obj or not isinstance(obj[0], str | os.PathLike)):
        return "records"
    return None


def is_dataset_dict(obj: Any) -> bool:
    """Whether `obj` is a `datasets.DatasetDict` (or IterableDatasetDict): several named splits."""
    return type(obj).__module__.split(".")[0] == "datasets" and type(obj).__name__.endswith("DatasetDict")


def open_input(
    source: Any, records_path: str | Sequence[str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> Input:
    """The `Input` for a split's source: a path (file, folder, glob), a list of paths, or an in-memory
    table; raises `InputError` when it cannot be read at all."""
    steps = _steps(records_path)
    what = memory_kind(source)
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
        return Input(source.shown, [_file_part(f) for f in files], source.note, steps, limits)
    if isinstance(source, list | tuple):
        files = [check_readable(f) for f in source]
        shown = str(source[0]) if len(source) == 1 else f"{source[0]} (+{len(source) - 1} more)"
        return Input(shown, [_file_part(f) for f in files], records_path=steps, limits=limits)
    text = os.fspath(source)
    note = ""
    if is_pattern(text):
        files = [check_readable(f) for f in expand_pattern(text)]
        note = f"{text}: {len(files)} file(s) match"
    elif os.path.isdir(text):
        found, note = split_files(text)
        files = [check_readable(f) for f in found]
    else:
        files = [check_readable(text)]
    parts = [_file_part(f, str(f) if len(files) > 1 or note else text) for f in files]
    return Input(text, parts, note=note, records_path=steps, limits=limits)


def _file_part(path: Path, shown: str | None = None) -> Part:
    sniffed = sniff_file(path)
    return Part(shown or str(path), sniffed.kind, path, sniffed)


def _steps(records_path: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if records_path is None or records_path == "":
        return None
    steps = tuple(records_path.split(".")) if isinstance(records_path, str) else tuple(records_path)
    if not all(steps):
        raise InputError(f"records path {records_path!r} has an empty key; write it as KEY.KEY")
    return steps
