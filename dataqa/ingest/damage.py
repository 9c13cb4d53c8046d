"""Diagnose damage: what is wrong with a file as a whole or with the bytes of one record, in words.

`sniff_issue` names a file that is not JSONL text at all (binary, UTF-16/32) from its first bytes;
`parse_json` parses the bytes of one record and says why they hold no usable object (NUL bytes,
invalid UTF-8, invalid JSON, a value that is not an object, nesting deeper than `MAX_DEPTH`) or
which key they write twice: a JSONL line (`load`), an element of a JSON array or a whole-file
document (`readers`) are judged by the same rules, and reported with the same words. Reading the
lines themselves, with their limits, is `load`'s job.

A record written as a JSON array (`["Where is my card?", "card_arrival"]`, CLINC150's shape) is no
damage: it is kept as an `ArrayRecord`, its items under the keys "0", "1", ..., so that a field map
names them by position (`--map 0=text --map 1=label`). Unmapped, a split of arrays gets one finding
that suggests the map, and a stray array among objects is "not an object" (`dataqa.ingest.dataset`).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from dataqa.ingest.compression import open_stream
from dataqa.ingest.issues import (
    DUPLICATE_KEY,
    ENCODING,
    FILE_LEVEL,
    INVALID_JSON,
    NOT_OBJECT,
    LoadIssue,
    excerpt,
    json_type,
)

MAX_DEPTH = 200
"""Deeper JSON is reported, not handed on: no fine-tuning format nests this deep, and deeper values
would overflow recursive code downstream (orjson itself refuses 1,024 levels)."""

_SNIFF_BYTES = 8192

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
        with open_stream(path) as fh:
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


def json_shape(obj: Any) -> tuple[int, int]:
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


def json_error(exc: orjson.JSONDecodeError, raw: bytes) -> tuple[str, str]:
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


def decode_hint(raw: bytes) -> str:
    """How a line that is not UTF-8 reads in the usual legacy encoding, to name the culprit."""
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return " (the line reads as Windows-1252/Latin-1 text: a mixed-encoding file)"


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


class WrittenAsArray(dict):
    """A record written as a JSON array, read as an object; `shown` is the excerpt a finding shows
    when no field map reads it (the record as written)."""

    shown: str = ""

    def as_list(self) -> list[Any]:
        """The record as the array it was written as."""
        return list(self.values())


class ArrayRecord(WrittenAsArray):
    """A record written as a JSON array of fields: its items by position ("0", "1", ...), read only
    through a field map that names positions."""


class MessageList(WrittenAsArray):
    """A record written as a bare JSON array of messages (`[{"role": "user", ...}, {"role":
    "assistant", ...}]`, as ToolBench's `train_messages` hold them): read as a chat, its messages
    under "messages" ("conversations" for ShareGPT's {from, value}); written back as the array."""

    def as_list(self) -> list[Any]:
        return list(next(iter(self.values())))


class WrappedRecord(WrittenAsArray):
    """A record written as a JSON array that holds one object, the record itself (`[{"instruction":
    ..., "input": ..., "output": ...}]`, as lawyer-llama's legal advice set writes each): read as that
    object; written back as the array."""

    def as_list(self) -> list[Any]:
        return [dict(self)]


MESSAGE_ROLE_KEYS = ("role", "from")
"""Keys a message's author is written under in a bare list of messages (OpenAI's, ShareGPT's)."""


def array_record(items: list[Any], shown: str) -> WrittenAsArray:
    """The record of an array's items; `shown` is its excerpt. An array whose every item is a message
    (an object with a string "role" or "from") is a conversation (`MessageList`), one that holds one
    other object is that record wrapped (`WrappedRecord`), any other array a record of fields by
    position (`ArrayRecord`)."""
    record: WrittenAsArray
    if all(isinstance(m, dict) and any(isinstance(m.get(k), str) for k in MESSAGE_ROLE_KEYS) for m in items):
        record = MessageList({"messages" if any("role" in m for m in items) else "conversations": items})
    elif len(items) == 1 and isinstance(items[0], dict) and items[0]:
        record = WrappedRecord(items[0])
    else:
        record = ArrayRecord((str(i), value) for i, value in enumerate(items))
    record.shown = shown
    return record


def parse_json(
    raw: bytes, line: int, issues: list[LoadIssue], what: str = "line", ends_cr: bool = False
) -> dict[str, Any] | None:
    """The object `raw` holds (an `ArrayRecord` for a non-empty array), or None after appending the
    issue that says why it is not one; a key written twice is reported and the object still kept.
    `what` names the bytes in messages: a JSONL "line" (without line end or BOM; `ends_cr` when a
    CR was cut off its end) or an array's "record", which may be pretty-printed over several lines
    (its evidence is shown on one)."""
    in_line = what == "line"
    shown = _flat(raw)
    nul = raw.find(b"\x00")
    if nul >= 0:
        issues.append(
            LoadIssue(
                line,
                ENCODING,
                f"NUL byte in {what} (at byte {nul})",
                excerpt(raw.replace(b"\x00", b"\\0")),
                dropped=True,
            )
        )
        return None
    try:
        obj = orjson.loads(raw)  # it accepts only valid UTF-8: bytes it parses need no decode
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            where = "" if in_line else f" of the {what}"
            issues.append(
                LoadIssue(
                    line,
                    ENCODING,
                    f"invalid UTF-8 at byte {bad.start}{where}{decode_hint(raw)}",
                    excerpt(raw),
                    dropped=True,
                )
            )
            return None
        kind, detail = json_error(exc, raw)
        if in_line and b"\r" in raw:  # the file's lines end with CR alone (classic Mac): one line
            crs = raw.count(b"\r") + ends_cr
            detail = (
                f"lines end with a bare CR (carriage return, no line feed): {crs:,} in this line, "
                f"so several records read as one; convert the line ends to LF ({detail})"
            )
        issues.append(LoadIssue(line, kind, detail, excerpt(shown), dropped=True))
        return None
    if not isinstance(obj, dict) and not (isinstance(obj, list) and obj):
        issues.append(
            LoadIssue(
                line,
                NOT_OBJECT,
                f"JSON {json_type(obj)} where an object was expected",
                excerpt(shown),
                dropped=True,
            )
        )
        return None
    strings, depth = json_shape(obj)
    if depth > MAX_DEPTH:
        issues.append(
            LoadIssue(
                line,
                INVALID_JSON,
                f"JSON nested deeper than {MAX_DEPTH} levels; not read (no fine-tuning format nests "
                "this deep)",
                excerpt(shown),
                dropped=True,
            )
        )
        return None
    if strings != _quoted_strings(raw):
        keys = _duplicate_keys(raw)
        named = ", ".join(f'"{k[:40]}"' for k in keys[:3]) + (" and more" if len(keys) > 3 else "")
        issues.append(
            LoadIssue(
                line,
                DUPLICATE_KEY,
                f"key {named or '(unnamed)'} appears twice in one object; the last value is used, "
                f"but other parsers may keep the first or reject the {what}",
                excerpt(shown),
            )
        )
    return array_record(obj, excerpt(shown)) if isinstance(obj, list) else obj


def _flat(raw: bytes) -> bytes:
    """A pretty-printed record on one line (runs of whitespace outside and inside strings joined)."""
    return b" ".join(raw.split()) if b"\n" in raw else raw


def check_mapping(obj: Mapping[str, Any], line: int, issues: list[LoadIssue]) -> bool:
    """Whether an in-memory or columnar record is deep enough to read; appends the issue when not."""
    _strings, depth = json_shape(obj)
    if depth > MAX_DEPTH:
        issues.append(
            LoadIssue(
                line,
                INVALID_JSON,
                f"record nested deeper than {MAX_DEPTH} levels; not read (no fine-tuning format nests "
                "this deep)",
                dropped=True,
            )
        )
        return False
    return True
