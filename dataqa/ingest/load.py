"""Read JSONL files line by line, keeping every record's 1-based physical line number.

Nothing here raises on bad *content*: each damaged line becomes a `LoadIssue` (turned into a
finding by the FMT checks) and reading goes on. Only a path that cannot be read at all raises
`InputError`, which the CLI reports as a one-line message and exit code 2. Files are opened
read-only and never written.

Hostile input is bounded: a line over `MAX_LINE_BYTES` is measured but not kept, and reading stops
at the `Limits` of one file. What is wrong with a line or with the file as a whole is diagnosed in
`damage` (and worded with the vocabulary of `issues`); this module reads and counts the lines.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dataqa.core.errors import InputError
from dataqa.ingest.compression import file_compression, open_stream
from dataqa.ingest.damage import parse_json, sniff_issue
from dataqa.ingest.issues import (
    BLANK_LINE,
    ENCODING,
    EXCERPT_CHARS,
    FILE_LEVEL,
    INVALID_JSON,
    LINE_ENDING,
    LoadIssue,
    excerpt,
)

MAX_LINE_BYTES = 16 * 1024 * 1024
"""A longer line is measured and reported but not kept or parsed, so one hostile line cannot exhaust
memory. 16 MiB is about four million tokens, far beyond any model's context."""

MAX_BLANK_LISTED = 10_000
"""Blank lines listed one by one; past this many the rest are counted in one issue, so a file (or a
small .gz) of a billion newlines costs a counter, not a billion findings."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost. Past a limit reading stops, with a file-level issue (FMT018)
    saying which limit and where, and the lines before it are checked as usual; 0 is no limit.
    The defaults are far above real fine-tuning data (a million-row chat set is about 1-2 GB and a
    scan of it needs 7 GB of memory), so only a hostile or broken file meets them: a 243 KB .gz can
    hold 250 million newlines. `max-input-bytes`, `max-lines`, `max-line-bytes` in [tool.dataqa]."""

    max_input_bytes: int = 32 * 2**30
    """Bytes of data read from one file, after decompression."""
    max_lines: int = 100_000_000
    """Physical lines read from one file, blank ones included."""
    max_line_bytes: int = MAX_LINE_BYTES
    """A longer line is measured and reported (FMT001) but not kept or parsed."""


DEFAULT_LIMITS = Limits()


def check_readable(path: str | os.PathLike[str]) -> Path:
    """Fail early, with a one-line reason, for a path that cannot be scanned."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except OSError as exc:  # symlink loops, name too long, permission on a parent
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:  # a NUL byte in the path
        raise InputError(f"{p!r}: invalid path ({exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory, not a JSONL file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: is not a regular file (FIFO, socket or device); dataqa reads files only")
    if not os.access(p, os.R_OK):
        raise InputError(f"{p}: permission denied")
    return p


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes as stored (the compressed bytes for .gz), for provenance."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return digest.hexdigest()


def is_gzip(path: Path) -> bool:
    """Whether the file is compressed (gzip, zstd, bzip2, xz: by its magic bytes, whatever it is called)."""
    return file_compression(path) is not None


def open_binary(path: Path) -> IO[bytes]:
    """Open for reading, decompressing gzip, zstd, bzip2 or xz by the magic bytes (whatever the file
    is called); a damaged stream raises `EOFError`/`OSError` after its readable bytes."""
    return open_stream(path)


def _read_chunk(fh: IO[bytes]) -> bytes:
    # read1 on a gzip stream returns what was decompressed so far, so the lines before a truncation
    # are kept rather than lost with the chunk that hit the end of the damaged stream.
    read1 = getattr(fh, "read1", None)
    return read1(_CHUNK) if read1 is not None else fh.read(_CHUNK)


def physical_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Every physical line as bytes without its "\\n", numbered from 1, streamed, whole whatever its
    length: the lines the scan reads (`_raw_lines`), split the same way from the same stream, so an
    export (`dataqa clean`, `dataqa split`) numbers and bounds them exactly as the findings do. A
    damaged stream ends at the damage, keeping its partial last line, as the scan does."""
    number = 0
    pending = bytearray()
    try:
        fh = open_binary(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        try:
            while chunk := _read_chunk(fh):
                pieces = chunk.split(b"\n")
                if len(pieces) == 1:
                    pending += chunk
                    continue
                pending += pieces[0]
                pieces[0] = bytes(pending)
                pending = bytearray(pieces.pop())
                for piece in pieces:
                    number += 1
                    yield number, piece
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
            pass  # the scan reports the damage (FMT018); what was read before it is kept
    if pending:
        yield number + 1, bytes(pending)


@dataclass
class _Oversize:
    """A line longer than the line limit: its head (for evidence) and its full length."""

    head: bytes
    size: int


@dataclass
class _Blanks:
    """A run of `count` blank (empty or whitespace-only) lines read in bulk; it ends on the line
    number yielded with it. A file of a billion newlines costs a few regex scans per MiB, not a
    billion Python iterations."""

    count: int


_WHITESPACE = re.compile(rb"[ \t\r\n\x0b\x0c]*")
"""ASCII whitespace, as `bytes.strip` sees it: a line of nothing else is blank."""
_BLANK_START = frozenset(b" \t\r\n\x0b\x0c")
_NEWLINES = b"\n" * 65536
"""Compared a block at a time (a memcmp) before the regex: a run of newlines is skipped at memory speed."""


def _amount(n: int) -> str:
    return f"{n // 2**20:,} MiB" if n >= 2**20 and n % 2**20 == 0 else f"{n:,} bytes"


def _raw_lines(
    path: Path, issues: list[LoadIssue], span: Span | None = None, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, bytes | _Oversize | _Blanks]]:
    """Physical lines as bytes (without the newline), numbered from 1, with bounded memory.

    A line longer than `limits.max_line_bytes` is yielded as an `_Oversize` (its head and length),
    a run of blank lines as one `_Blanks`; a truncated or damaged stream ends the file with a
    file-level issue, and so does a limit on the data or the lines (`Limits`). With a `span`, only
    its lines (of an uncompressed file), numbered from its first line.
    """
    number = 0 if span is None else span.first_line - 1
    offset = 0 if span is None else span.start  # bytes of data before the current chunk
    remaining = None if span is None else span.stop - span.start
    max_bytes = limits.max_input_bytes or sys.maxsize
    max_lines = limits.max_lines or sys.maxsize
    max_line = limits.max_line_bytes or sys.maxsize
    pending = bytearray()
    size = 0
    oversize: bytes | None = None
    cut = ""
    try:
        with open_binary(path) as fh:
            if span is not None:
                fh.seek(span.start)
            while not cut:
                chunk = _read_chunk(fh) if remaining is None else fh.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                if offset + len(chunk) > max_bytes:
                    chunk, cut = chunk[: max(max_bytes - offset, 0)], "bytes"
                offset += len(chunk)
                start = 0
                while True:
                    if (
                        not pending
                        and oversize is None
                        and start < len(chunk)
                        and chunk[start] in _BLANK_START
                    ):
                        pos = start
                        while chunk.startswith(_NEWLINES, pos):
                            pos += len(_NEWLINES)
                        stop = chunk.rfind(b"\n", start, _WHITESPACE.match(chunk, pos).end()) + 1
                        if stop > start:  # whole blank lines from `start` to `stop`
                            count = chunk.count(b"\n", start, stop)
                            if number + count > max_lines:
                                count, cut = max_lines - number, "lines"
                            if count:
                                number += count
                                yield number, _Blanks(count)
                            if cut:
                                break
                            start = stop
                            continue
                    end = chunk.find(b"\n", start)
                    piece_end = len(chunk) if end < 0 else end
                    size += piece_end - start
                    if oversize is None:
                        pending += chunk[start:piece_end]
                        if len(pending) > max_line:
                            oversize = bytes(pending[: EXCERPT_CHARS * 4])
                            pending = bytearray()
                    if end < 0:
                        break
                    if number >= max_lines:
                        cut = "lines"
                        break
                    number += 1
                    yield number, (bytes(pending) if oversize is None else _Oversize(oversize, size))
                    pending.clear()
                    size, oversize = 0, None
                    start = end + 1
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        reason = str(exc) if not isinstance(exc, OSError) else (exc.strerror or str(exc))
        issues.append(
            LoadIssue(
                number + 1,
                FILE_LEVEL,
                f"file ends early or is damaged ({reason}); nothing after line {number} could be read",
            )
        )
    if (pending or oversize is not None) and number >= max_lines and not cut:
        cut = "lines"
    if cut:  # the line in progress at the limit is not read: it belongs to the part left out
        issues.append(_cut_issue(path, number, cut, limits, span))
        return
    if pending or oversize is not None:
        number += 1
        yield number, (bytes(pending) if oversize is None else _Oversize(oversize, size))


def _cut_issue(path: Path, number: int, cut: str, limits: Limits, span: Span | None) -> LoadIssue:
    """The file-level issue of reading stopped at a limit after line `number`."""
    if cut == "bytes":
        data = "of data after decompression" if span is None and is_gzip(path) else "of data"
        what = f"holds more than the max-input-bytes limit of {_amount(limits.max_input_bytes)} {data}"
        key = "max-input-bytes"
    else:
        what, key = f"has more than the max-lines limit of {limits.max_lines:,} lines", "max-lines"
    return LoadIssue(
        number + 1,
        FILE_LEVEL,
        f"file {what}; reading stopped there and nothing after line {number:,} was checked "
        f"(raise {key} in [tool.dataqa] if the data is real)",
        cut=True,
    )


@dataclass(frozen=True)
class Span:
    """A run of whole lines of an uncompressed file: bytes [start, stop), the first one's number."""

    start: int
    stop: int
    first_line: int


def line_spans(path: Path, target_bytes: int) -> list[Span]:
    """The file cut into spans of whole lines of about `target_bytes` each, in order, so that they
    can be read apart (on several processes) and their lines keep their numbers in the file."""
    spans: list[Span] = []
    start, first_line = 0, 1
    seen_bytes = seen_lines = 0  # before the current chunk
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            cut = start + target_bytes - 1 - seen_bytes  # where in this chunk the current span is full
            while cut < len(chunk):
                end = chunk.find(b"\n", max(cut, 0))
                if end < 0:
                    break
                stop = seen_bytes + end + 1
                spans.append(Span(start, stop, first_line))
                start, first_line = stop, seen_lines + chunk.count(b"\n", 0, end + 1) + 1
                cut = start + target_bytes - 1 - seen_bytes
            seen_bytes += len(chunk)
            seen_lines += chunk.count(b"\n")
    if start < seen_bytes:
        spans.append(Span(start, seen_bytes, first_line))
    return spans


@dataclass
class LineTally:
    """What reading lines counted for the issues about the file as a whole (`file_issues`), drawn
    once the whole file is read; the tallies of spans read apart are merged in order (`add`)."""

    lines: int = 0
    """The last physical line read."""
    content_lines: int = 0
    blanks: int = 0
    blank_lines: list[int] = field(default_factory=list)
    """The first `MAX_BLANK_LISTED` + 1 blank lines: the listed ones and the first unlisted."""
    crlf_lines: list[int] = field(default_factory=list)

    def add(self, later: LineTally) -> None:
        """Take in the tally of the span that follows this one."""
        self.lines = max(self.lines, later.lines)
        self.content_lines += later.content_lines
        self.blanks += later.blanks
        self.blank_lines += later.blank_lines[: MAX_BLANK_LISTED + 1 - len(self.blank_lines)]
        self.crlf_lines += later.crlf_lines

    def file_issues(self, issues: list[LoadIssue]) -> list[LoadIssue]:
        """The blank lines, the empty file and the CRLF endings, given the issues found so far."""
        found = [
            LoadIssue(number, BLANK_LINE, "blank line") for number in self.blank_lines[:MAX_BLANK_LISTED]
        ]
        if self.blanks > MAX_BLANK_LISTED:
            first_unlisted = self.blank_lines[MAX_BLANK_LISTED]
            found.append(
                LoadIssue(
                    first_unlisted,
                    BLANK_LINE,
                    f"{self.blanks - MAX_BLANK_LISTED:,} more blank lines from line {first_unlisted:,} on "
                    f"(only the first {MAX_BLANK_LISTED:,} are listed one by one)",
                )
            )
        if self.content_lines == 0 and not any(i.kind == FILE_LEVEL for i in issues):
            lines = self.lines
            what = "file is empty" if lines == 0 else f"file holds only blank lines ({lines:,})"
            found.append(LoadIssue(1, FILE_LEVEL, f"{what}: there are no records to check"))
        found += [LoadIssue(line, LINE_ENDING, "Windows line ending (CRLF)") for line in self.crlf_lines]
        return found


def read_records(
    path: Path, issues: list[LoadIssue], limits: Limits = DEFAULT_LIMITS, tally: LineTally | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line, object)` for every line holding a JSON object; append issues for the rest.
    `tally`, when given, is left holding what was counted (the file's line count for a caller)."""
    whole = sniff_issue(path)
    if whole:
        issues.append(whole)
        return
    tally = LineTally() if tally is None else tally
    yield from read_span(path, issues, tally, limits=limits)
    issues += tally.file_issues(issues)


def read_span(
    path: Path,
    issues: list[LoadIssue],
    tally: LineTally,
    span: Span | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """`read_records` over the lines of one span (the whole file when None) of a file that
    `sniff_issue` passed, counting into `tally` what the file-level issues are drawn from."""
    for number, raw in _raw_lines(path, issues, span, limits=limits):
        tally.lines = number
        if isinstance(raw, _Blanks):
            tally.blanks += raw.count
            first = number - raw.count + 1
            room = MAX_BLANK_LISTED + 1 - len(tally.blank_lines)
            if room > 0:
                tally.blank_lines.extend(range(first, first + min(room, raw.count)))
            continue
        if isinstance(raw, _Oversize):
            tally.content_lines += 1
            shown = f"{raw.size / 2**20:,.1f} MiB" if raw.size >= 2**20 else f"{raw.size:,} bytes"
            issues.append(
                LoadIssue(
                    number,
                    INVALID_JSON,
                    f"line is {shown}, over the {_amount(limits.max_line_bytes)} limit; not kept or parsed",
                    excerpt(raw.head),
                    dropped=True,
                )
            )
            continue
        ends_cr = raw.endswith(b"\r")
        if ends_cr:
            raw = raw[:-1]
        crlf = ends_cr and b"\r" not in raw  # bare CRs inside: the ends are CR alone, not CRLF (FMT001)
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            issues.append(
                LoadIssue(
                    1, ENCODING, "UTF-8 byte-order mark (BOM) at the start of the file", excerpt(raw[3:])
                )
            )
            raw = raw[3:]
        if not raw.strip():  # a blank line's CRLF is not worth a second finding
            tally.blanks += 1
            if len(tally.blank_lines) <= MAX_BLANK_LISTED:
                tally.blank_lines.append(number)
            continue
        if crlf:
            tally.crlf_lines.append(number)
        tally.content_lines += 1
        obj = parse_json(raw, number, issues, ends_cr=ends_cr)
        if obj is not None:
            yield number, obj
