"""Read JSONL files line by line, keeping every record's 1-based physical line number.

Nothing here raises on bad *content*: each damaged line becomes a `LoadIssue` (turned into a
finding by the FMT checks) and reading goes on. Only a path that cannot be read at all raises
`InputError`, which the CLI reports as a one-line message and exit code 2. Files are opened
read-only and never written.

Hostile input is bounded: a line over `MAX_LINE_BYTES` is measured but not kept, JSON nested
deeper than `MAX_DEPTH` is not handed on, and evidence is cut to `EXCERPT_CHARS` (saying how much
was cut). A file that is not text at all (an image, an archive, UTF-16) is named once, as a whole,
instead of line by line.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from dataqa.core.errors import InputError
from dataqa.ingest.compression import file_compression, open_stream

EXCERPT_CHARS = 160
"""How much of a damaged line is kept as evidence: enough to recognise it, never the whole line."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""A longer line is measured and reported but not kept or parsed, so one hostile line cannot exhaust
memory. 16 MiB is about four million tokens, far beyond any model's context."""

MAX_DEPTH = 200
"""Deeper JSON is reported, not handed on: no fine-tuning format nests this deep, and deeper values
would overflow recursive code downstream (orjson itself refuses 1,024 levels)."""

MAX_BLANK_LISTED = 10_000
"""Blank lines listed one by one; past this many the rest are counted in one issue, so a file (or a
small .gz) of a billion newlines costs a counter, not a billion findings."""

_CHUNK = 1 << 20
_SNIFF_BYTES = 8192


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


@dataclass(frozen=True)
class LoadIssue:
    """Damage found while reading one line (or the file as a whole, on line 1)."""

    line: int
    kind: str
    detail: str
    excerpt: str = ""
    dropped: bool = False
    """True when the line held content that could not be read as a record (it counts as a row)."""
    cut: bool = False
    """True when reading stopped here at a limit (`Limits`): the rest of the file was not read."""


# The kinds of LoadIssue, each handled by exactly one FMT check.
INVALID_JSON = "invalid_json"
NOT_OBJECT = "not_object"
ENCODING = "encoding"
BLANK_LINE = "blank_line"
LINE_ENDING = "crlf"
DUPLICATE_KEY = "duplicate_key"
FILE_LEVEL = "file"


def excerpt(text: str | bytes | None, limit: int = EXCERPT_CHARS, flat: bool = False) -> str:
    """A short excerpt of untrusted text; when cut, it says how much was left out.

    Bytes that are not UTF-8 are shown as `\\xNN` escapes so the damage stays visible. `flat`
    collapses every run of whitespace (newlines too) to one space first: one-line evidence.
    """
    if text is None:
        text = ""
    if flat and isinstance(text, str):
        text = " ".join(text.split())
    if isinstance(text, bytes):
        total = len(text)
        head = text[: limit * 4].decode("utf-8", errors="backslashreplace")
        cut = head[:limit]
        if len(cut) < len(head) or total > limit * 4:
            shown = len(cut.encode("utf-8", errors="surrogatepass"))
            return f"{cut}… (+{max(total - shown, 0):,} bytes)"
        return cut
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (+{len(text) - limit:,} characters)"


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages a data person understands."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


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


_GZIP_MAGIC = b"\x1f\x8b"


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


_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an .xlsx/.docx file)"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable (ELF)"),
    (b"\x93NUMPY", "a NumPy array file"),
    (b"\x80\x04\x95", "a Python pickle"),
]


def _sniff(path: Path) -> tuple[str, str] | None:
    """A whole-file problem visible in the first bytes: (issue kind, detail), or None for text.

    UTF-16/32 (with or without a byte-order mark) is an encoding issue; a known binary format or
    bytes that are mostly NUL and control characters make the file not JSONL at all.
    """
    try:
        with open_binary(path) as fh:
            head = fh.read(_SNIFF_BYTES)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
        head = b""  # _raw_lines reports the damage with its position
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return ENCODING, "file is UTF-32-encoded (byte-order mark found); JSONL must be UTF-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ENCODING, "file is UTF-16-encoded (byte-order mark found); JSONL must be UTF-8"
    wide = _utf16_without_bom(head)
    if wide:
        return ENCODING, f"file looks {wide}-encoded (every other byte is NUL); JSONL must be UTF-8"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return FILE_LEVEL, f"file is {what}, not JSONL text"
    if head:
        control = sum(1 for b in head if b < 32 and b not in (9, 10, 13)) + head.count(b"\x7f")
        if control > 0.1 * len(head) and control >= 4:
            share = round(100 * control / len(head))
            return (
                FILE_LEVEL,
                f"file looks binary ({share}% of its first {len(head):,} bytes are NUL or control "
                "bytes), not JSONL text",
            )
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """'UTF-16-LE' / 'UTF-16-BE' when the NUL bytes sit on one parity, as in UTF-16 ASCII text."""
    sample = head[:1024]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "UTF-16-LE"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "UTF-16-BE"
    return None


def _walk(obj: Any) -> tuple[int, int]:
    """(strings, depth) of a parsed value: every key and string value counted, without recursion."""
    strings = 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if depth > MAX_DEPTH:
                break
        if type(value) is dict:
            strings += len(value)
            items = value.values()
        else:
            items = value
        for item in items:
            kind = type(item)
            if kind is str:
                strings += 1
            elif kind is dict or kind is list:
                stack.append((item, depth + 1))
    return strings, deepest


def _quoted_strings(raw: bytes) -> int:
    """The number of string tokens (keys and values) written in a valid JSON line."""
    quotes = raw.count(b'"')
    if b"\\" in raw:
        quotes -= raw.replace(b"\\\\", b"").count(b'\\"')
    return quotes // 2


def _duplicate_keys(raw: bytes) -> list[str]:
    """The keys written twice in one object of a line (only called when a duplicate is certain)."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and key not in found:
                found.append(key)
            seen.add(key)
        return dict(items)

    with contextlib.suppress(ValueError, RecursionError):
        json.loads(raw, object_pairs_hook=pairs)
    return found


def _json_error(exc: orjson.JSONDecodeError, raw: bytes) -> tuple[str, str]:
    """(issue kind, detail) for a line orjson refuses, in words a data person understands."""
    text = str(exc)
    pos = getattr(exc, "pos", 0) or 0
    if raw[pos : pos + 3] in (b"NaN", b"Inf") or raw[pos : pos + 4] == b"-Inf":
        return INVALID_JSON, f"NaN and Infinity are not JSON numbers ({text})"
    if "surrogate" in text:
        return (
            ENCODING,
            f"a string holds a lone UTF-16 surrogate escape (such as \\ud800), which is not valid Unicode "
            f"({text})",
        )
    if "infinity" in text or "out of range" in text:
        return INVALID_JSON, f"number out of range: it overflows a 64-bit float ({text})"
    if "depth" in text or "recursion" in text:
        return INVALID_JSON, f"JSON nested deeper than 1,024 levels; not parsed ({text})"
    return INVALID_JSON, f"invalid JSON: {text}"


def _decode_hint(raw: bytes) -> str:
    """How a line that is not UTF-8 reads in the usual legacy encoding, to name the culprit."""
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return " (the line reads as Windows-1252/Latin-1 text: a mixed-encoding file)"


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


def sniff_issue(path: Path) -> LoadIssue | None:
    """The one issue of a file that is not JSONL text at all (binary, UTF-16/32), or None."""
    whole = _sniff(path)
    if not whole:
        return None
    kind, detail = whole
    fix = (
        "; re-save it as UTF-8 without BOM"
        if kind == ENCODING
        else "; was the wrong file given, or a file renamed to .jsonl?"
    )
    return LoadIssue(1, kind, detail + fix)


def read_records(
    path: Path, issues: list[LoadIssue], limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line, object)` for every line holding a JSON object; append issues for the rest."""
    whole = sniff_issue(path)
    if whole:
        issues.append(whole)
        return
    tally = LineTally()
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
        nul = raw.find(b"\x00")
        if nul >= 0:
            issues.append(
                LoadIssue(
                    number,
                    ENCODING,
                    f"NUL byte in line (at byte {nul})",
                    excerpt(raw.replace(b"\x00", b"\\0")),
                    dropped=True,
                )
            )
            continue
        try:
            obj = orjson.loads(raw)  # it accepts only valid UTF-8: a line it parses needs no decode
        except orjson.JSONDecodeError as exc:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                issues.append(
                    LoadIssue(
                        number,
                        ENCODING,
                        f"invalid UTF-8 at byte {bad.start}{_decode_hint(raw)}",
                        excerpt(raw),
                        dropped=True,
                    )
                )
                continue
            kind, detail = _json_error(exc, raw)
            if b"\r" in raw:  # the file's lines end with CR alone (classic Mac): they read as one line
                crs = raw.count(b"\r") + ends_cr
                detail = (
                    f"lines end with a bare CR (carriage return, no line feed): {crs:,} in this line, "
                    f"so several records read as one; convert the line ends to LF ({detail})"
                )
            issues.append(LoadIssue(number, kind, detail, excerpt(raw), dropped=True))
            continue
        if not isinstance(obj, dict):
            issues.append(
                LoadIssue(
                    number,
                    NOT_OBJECT,
                    f"JSON {json_type(obj)} where an object was expected",
                    excerpt(raw),
                    dropped=True,
                )
            )
            continue
        strings, depth = _walk(obj)
        if depth > MAX_DEPTH:
            issues.append(
                LoadIssue(
                    number,
                    INVALID_JSON,
                    f"JSON nested deeper than {MAX_DEPTH} levels; not read (no fine-tuning format nests "
                    "this deep)",
                    excerpt(raw),
                    dropped=True,
                )
            )
            continue
        if strings != _quoted_strings(raw):
            keys = _duplicate_keys(raw)
            named = ", ".join(f'"{k[:40]}"' for k in keys[:3]) + (" and more" if len(keys) > 3 else "")
            issues.append(
                LoadIssue(
                    number,
                    DUPLICATE_KEY,
                    f"key {named or '(unnamed)'} appears twice in one object; the last value is used, "
                    "but other parsers may keep the first or reject the line",
                    excerpt(raw),
                )
            )
        yield number, obj
