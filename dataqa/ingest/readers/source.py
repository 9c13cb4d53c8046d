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
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from dataqa.core.models import Location
from dataqa.ingest.damage import WrittenAsArray, sniff_issue
from dataqa.ingest.issues import FILE_LEVEL, LoadIssue
from dataqa.ingest.load import (
    DEFAULT_LIMITS,
    Limits,
    LineTally,
    Span,
    file_sha256,
    line_spans,
    physical_lines,
    read_records,
    read_span,
)
from dataqa.ingest.readers import columnar, opened
from dataqa.ingest.readers.classfiles import CLASS_LINES, labelled_lines
from dataqa.ingest.readers.classfolders import CLASS_FILE, LegacyFiles, labelled_file
from dataqa.ingest.readers.delimited import dialect_of, read_table, read_text_lines
from dataqa.ingest.readers.documents import document_records
from dataqa.ingest.readers.linepairs import (
    LINE_PAIRS,
    paired_lines,
    texts_of,
    with_labels,
)
from dataqa.ingest.readers.nested import NestedPositions
from dataqa.ingest.readers.sniff import (
    ARROW,
    CSV,
    JSON,
    JSONL,
    PARQUET,
    TEXT,
    TSV,
    Sniffed,
)

MEMORY = "memory"
LINE, ROW = "line", "row"

PARALLEL_FROM_ROWS = 50_000
"""Tables with this many rows are read by several processes: decoded here in row ranges of at most
`columnar.PIECE_ROWS` rows, normalised there in pieces of about 4 MiB (`Input.jobs`)."""


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
    positions: NestedPositions | None = field(default=None, repr=False)
    """For a JSON document, where the records read out of nested lists sit (SQuAD's questions)."""
    opener: str | None = None
    """For a line-based file whose records are not its lines, how they are read (`opened`)."""
    labels: Path | None = None
    """For a JSONL file, the file of its labels a line beside it (`linepairs.label_file`)."""

    @property
    def unit(self) -> str:
        return LINE if self.kind in (JSONL, JSON, CSV, TSV, TEXT) else ROW


@dataclass(frozen=True)
class SpanJob:
    """A piece of a split read by one process: lines of one JSONL file, or rows of one table."""

    part: int
    span: Span
    """Lines: the byte span (`load.Span`). Rows: `start`/`stop` rows, `first_line` unused."""
    rows: columnar.Rows | None = field(default=None, repr=False)
    """A table's rows already decoded, as `Input.jobs` hands them out."""


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
    line_pattern: re.Pattern[str] | None = None
    """`--line-pattern`: how a line of a text file splits into fields (see `read_text_lines`)."""
    records_key: str | None = None
    """`--records-key`: the field that gets the key a JSON document's record list sits under."""
    tasks_as_written: bool = False
    """Read a task written with its examples (`nested.task_examples`) as one record: the user's field
    map names its examples by path (`--map instances.0.input=context`)."""

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
            if part.unit == ROW:  # a message table's thread: the row of its last message
                at = part.positions.at(local) if part.positions else None
                return Location(split, part.shown, key, row=max(line - 1, 0), position=at)
            shared = (local > 1 and part.lines[local - 2] == line) or (
                local < len(part.lines) and part.lines[local] == line
            )
            position = part.positions.at(local) if part.positions else None
            return Location(
                split,
                part.shown,
                key,
                file_line=line,
                element=local if shared and position is None else None,
                position=position,
            )
        if part.unit == LINE:
            if not part.base:
                return Location(split, part.shown, key)
            return Location(split, part.shown, key, file_line=key - part.base)
        return Location(split, part.shown, key, row=max(key - part.base - 1, 0))

    # --- reading -------------------------------------------------------------------------------

    def records(self, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every record of every part, keyed (see the module docstring); issues keyed the same."""
        base, legacy = 0, LegacyFiles()  # class files read as Windows-1252: one issue for them all
        for part in self.parts:
            part.base = base
            local: list[LoadIssue] = []
            last = part.rows or 0
            try:
                for pos, obj in self._read_part(part, local):
                    key = pos if part.unit == LINE or part.lines is not None else pos + 1
                    last = max(last, key)
                    yield base + key, obj
            finally:
                last = max([last] + [i.line for i in local])
                local = legacy.set_aside(local, base, part.shown) if part.opener == CLASS_FILE else local
                issues += [replace(i, line=i.line + base) for i in local] if base else local
            base += max(last, 1)
        issues += legacy.issues()

    def _read_part(self, part: Part, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
        if part.sniffed is not None and part.sniffed.mismatch:
            issues.append(LoadIssue(1, FILE_LEVEL, part.sniffed.mismatch))
        if part.kind == MEMORY:
            yield from columnar.memory_records(self.obj, issues)
            return
        path = part.file
        assert path is not None
        if part.kind == JSONL and part.opener == opened.TASKS and self.tasks_as_written:
            yield from read_records(path, issues, self.limits)
        elif part.kind == JSONL and part.opener is not None:
            part.lines, part.positions = array("q"), NestedPositions()
            yield from opened.read_jsonl(path, part.opener, issues, self.limits, part.lines, part.positions)
        elif part.kind == JSONL and part.labels is not None:
            tally = LineTally()
            records = read_records(path, issues, self.limits, tally)
            yield from with_labels(path, part.labels, records, tally, issues)
        elif part.kind == JSONL:
            yield from read_records(path, issues, self.limits)
        elif part.kind == JSON:
            part.lines = array("q")
            part.positions = NestedPositions()
            yield from document_records(
                path,
                issues,
                self.records_path,
                part.lines,  # type: ignore[arg-type]
                self.records_key,
                part.positions,
                tasks=not self.tasks_as_written,
            )
        elif part.opener == LINE_PAIRS:  # a text a line, its label the same line of a companion file
            yield from paired_lines(path, issues)
        elif part.opener == CLASS_LINES:  # one file a class, an example a line (`classfiles`)
            yield from labelled_lines(path, issues)
        elif part.kind == TEXT and part.opener:  # one labelled example a file (`classfolders`)
            yield from labelled_file(path, issues)
        elif part.kind == TEXT:
            if (texts := texts_of(path)) is not None:  # train_labels.txt given alone
                detail = (
                    f"{path.name} holds the labels of {texts.name} line by line, not records: scan "
                    f"{texts.name} (or the folder) to read each text with its label"
                )
                issues.append(LoadIssue(1, FILE_LEVEL, detail))
            yield from read_text_lines(path, issues, self.line_pattern)
        elif part.kind in (CSV, TSV):
            delimiter, quotechar = dialect_of(path, "\t" if part.kind == TSV else ",")
            yield from read_table(path, delimiter, issues, quotechar)
        elif part.opener == opened.MESSAGES:  # OASST's message table as Parquet or Arrow
            part.lines, part.positions = array("q"), NestedPositions()
            found = []
            rows = ((row + 1, obj) for row, obj in columnar.read_table_file(path, part.kind, found))
            yield from opened.open_table(rows, found, issues, part.lines, part.positions, opened.ROWS)
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
        part = self.parts[0]
        return len(self.parts) == 1 and part.kind == JSONL and part.file is not None and part.opener is None

    def unlike_jsonl(self) -> str:
        """Why `export` writes records, not lines: `x.parquet is parquet, not one JSONL file`."""
        opener = next((p.opener for p in self.parts if p.opener), None)
        if opener is not None:
            return f"{self.shown} holds {opener}, not one record a line"
        return f"{self.shown} is {self.kind}, not one JSONL file"

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
            yield key, orjson.dumps(obj.as_list() if isinstance(obj, WrittenAsArray) else obj)
        for issue in issues:
            if issue.dropped:
                yield issue.line, (issue.excerpt or issue.detail).encode("utf-8", "surrogatepass")

    def spans(self, workers: int, from_bytes: int, span_bytes: int) -> list[SpanJob] | None:
        """Pieces to read on `workers` processes, or None to read in one pass: one large uncompressed
        JSONL file by byte spans, or tables of `PARALLEL_FROM_ROWS` rows or more by row ranges."""
        if workers < 2 or self.obj is not None or any(p.opener or p.labels for p in self.parts):
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

    def jobs(self, spans: list[SpanJob], span_bytes: int) -> Iterable[SpanJob]:
        """The pieces of `spans` as the processes are given them, made as they are taken. Lines as
        they are. A table's row range is decoded here, once, and handed out in pieces of about
        `span_bytes` that carry their rows: a process decoding a small range itself decodes most of
        the row groups under it (20k-row ranges cost 2.8x the decoding), and a large range makes a
        process hold it whole, with its records, frame and result (at 1M chat rows, 50k-row jobs took
        the process tree to 3.9 GB against 2.8 GB for JSONL read in 4 MiB spans). A range that
        cannot be decoded goes out as it is: its process reports where."""
        if self.line_based:
            return spans
        return self._table_jobs(spans, span_bytes)

    def _table_jobs(self, spans: list[SpanJob], span_bytes: int) -> Iterator[SpanJob]:
        for job in spans:
            part = self.parts[job.part]
            try:
                frame = columnar.table_rows_at(part.file, part.kind, job.span.start, job.span.stop)  # type: ignore[arg-type]
            except Exception:  # polars raises many kinds for a damaged file: the process reports it
                frame = None
            if frame is None or frame.height == 0 or frame.width == 0:
                yield job
                continue
            step = max(frame.height * span_bytes // max(frame.estimated_size(), 1), 1)
            for offset in range(0, frame.height, step):
                rows = columnar.Rows.of(frame.slice(offset, step))
                start = job.span.start + offset
                stop = job.span.start + min(offset + step, frame.height)
                yield SpanJob(job.part, Span(start, stop, 0), rows)
            frame = None  # not held while the next range is decoded

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
        if job.rows is not None:
            rows = job.rows.records(job.span.start)
        else:
            rows = columnar.read_table_file(path, part.kind, local, job.span.start, job.span.stop)
        for row, obj in rows:
            count += 1
            yield part.base + row + 1, obj
        issues += [replace(i, line=i.line + part.base) for i in local]
        tally.content_lines += count + len(local)
        tally.lines = max(tally.lines, part.base + job.span.stop)
