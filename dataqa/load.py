"""Read JSONL files line by line, keeping every record's 1-based physical line number.

Nothing here raises on bad *content*: each damaged line becomes a `LoadIssue` (turned into a
finding by the FMT checks) and reading goes on. Only a path that cannot be read at all raises
`InputError`, which the CLI reports as a one-line message and exit code 2. Files are opened
read-only and never written.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

EXCERPT_CHARS = 160
"""How much of a damaged line is kept as evidence: enough to recognise it, never the whole line."""

MAX_LINE_BYTES = 64 * 1024 * 1024
"""A longer line is reported and not parsed, so a single hostile line cannot exhaust memory."""

_CHUNK = 1 << 20


class InputError(Exception):
    """A path that cannot be scanned at all (missing, a directory, unreadable)."""


@dataclass(frozen=True)
class LoadIssue:
    """Damage found while reading one line (or the file as a whole, on line 1)."""

    line: int
    kind: str
    detail: str
    excerpt: str = ""
    dropped: bool = False
    """True when the line held content that could not be read as a record (it counts as a row)."""


# The kinds of LoadIssue, each handled by exactly one FMT check.
INVALID_JSON = "invalid_json"
NOT_OBJECT = "not_object"
ENCODING = "encoding"
BLANK_LINE = "blank_line"
LINE_ENDING = "crlf"
FILE_LEVEL = "file"


def excerpt(text: str | bytes, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable excerpt of untrusted text, with an ellipsis when cut."""
    if isinstance(text, bytes):
        text = text[: limit * 4].decode("utf-8", errors="replace")
    text = text if len(text) <= limit else text[:limit] + "…"
    return text


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
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _open_binary(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _raw_lines(path: Path, issues: list[LoadIssue]) -> Iterator[tuple[int, bytes]]:
    """Physical lines as bytes (without the newline), numbered from 1, with bounded memory.

    A line longer than MAX_LINE_BYTES is yielded as its first MAX_LINE_BYTES bytes plus a marker
    the caller recognises; a truncated gzip stream ends the file with a file-level issue.
    """
    number = 0
    pending = bytearray()
    overflow = False
    try:
        with _open_binary(path) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                start = 0
                while True:
                    end = chunk.find(b"\n", start)
                    if end < 0:
                        if not overflow:
                            pending += chunk[start:]
                            if len(pending) > MAX_LINE_BYTES:
                                overflow = True
                        break
                    if not overflow:
                        pending += chunk[start:end]
                    number += 1
                    yield number, (_OVERSIZE if overflow else bytes(pending))
                    pending.clear()
                    overflow = False
                    start = end + 1
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        issues.append(
            LoadIssue(
                max(number, 1),
                FILE_LEVEL,
                f"file ends early or is damaged ({exc}); lines after {number} could not be read",
            )
        )
    if pending or overflow:
        number += 1
        yield number, (_OVERSIZE if overflow else bytes(pending))


_OVERSIZE = b"\x00__dataqa_oversize__"


def _sniff_encoding(path: Path) -> str | None:
    """Name a UTF-16/UTF-32 file by its byte-order mark; JSONL must be UTF-8."""
    try:
        with _open_binary(path) as fh:
            head = fh.read(4)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
        return None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return None


def read_records(path: Path, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line, object)` for every line holding a JSON object; append issues for the rest."""
    wide = _sniff_encoding(path)
    if wide:
        issues.append(
            LoadIssue(
                1,
                ENCODING,
                f"file is {wide}-encoded (byte-order mark found); JSONL must be UTF-8, "
                "re-save it as UTF-8 without BOM",
            )
        )
        return
    crlf_lines: list[int] = []
    for number, raw in _raw_lines(path, issues):
        if raw is _OVERSIZE:
            issues.append(
                LoadIssue(
                    number,
                    INVALID_JSON,
                    f"line is longer than {MAX_LINE_BYTES // 2**20} MiB; not parsed",
                    dropped=True,
                )
            )
            continue
        if raw.endswith(b"\r"):
            crlf_lines.append(number)
            raw = raw[:-1]
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            issues.append(
                LoadIssue(
                    1, ENCODING, "UTF-8 byte-order mark (BOM) at the start of the file", excerpt(raw[3:])
                )
            )
            raw = raw[3:]
        if not raw.strip():
            issues.append(LoadIssue(number, BLANK_LINE, "blank line"))
            continue
        if b"\x00" in raw:
            issues.append(
                LoadIssue(
                    number, ENCODING, "NUL byte in line", excerpt(raw.replace(b"\x00", b"\\0")), dropped=True
                )
            )
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            issues.append(
                LoadIssue(number, ENCODING, f"invalid UTF-8 at byte {exc.start}", excerpt(raw), dropped=True)
            )
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            issues.append(LoadIssue(number, INVALID_JSON, f"invalid JSON: {exc}", excerpt(raw), dropped=True))
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
        yield number, obj
    if crlf_lines:
        for line in crlf_lines:
            issues.append(LoadIssue(line, LINE_ENDING, "Windows line ending (CRLF)"))
