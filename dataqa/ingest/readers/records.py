"""One record's raw JSON bytes checked and parsed the way a JSONL line is, wherever the bytes came from.

The JSON array reader cuts an array into its elements and hands each here with the line it starts
on, so an element is judged by the same rules, and reported with the same words, as a JSONL line:
NUL bytes, invalid UTF-8, invalid JSON, a value that is not an object, nesting deeper than
`MAX_DEPTH`, a key written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from dataqa.ingest.load import (
    DUPLICATE_KEY,
    ENCODING,
    INVALID_JSON,
    MAX_DEPTH,
    NOT_OBJECT,
    LoadIssue,
    _decode_hint,
    _duplicate_keys,
    _json_error,
    _quoted_strings,
    _walk,
    excerpt,
    json_type,
)


def parse_record(
    raw: bytes, line: int, issues: list[LoadIssue], what: str = "record"
) -> dict[str, Any] | None:
    """The object `raw` holds, or None after appending the issue that says why it is not one."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        issues.append(
            LoadIssue(
                line,
                ENCODING,
                f"NUL byte in {what} (at byte {nul})",
                excerpt(raw.replace(b"\x00", b"\\0"), flat=False),
                dropped=True,
            )
        )
        return None
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            issues.append(
                LoadIssue(
                    line,
                    ENCODING,
                    f"invalid UTF-8 at byte {bad.start} of the {what}{_decode_hint(raw)}",
                    excerpt(raw),
                    dropped=True,
                )
            )
            return None
        kind, detail = _json_error(exc, raw)
        issues.append(LoadIssue(line, kind, detail, excerpt(_flat(raw)), dropped=True))
        return None
    if not isinstance(obj, dict):
        issues.append(
            LoadIssue(
                line,
                NOT_OBJECT,
                f"JSON {json_type(obj)} where an object was expected",
                excerpt(_flat(raw)),
                dropped=True,
            )
        )
        return None
    strings, depth = _walk(obj)
    if depth > MAX_DEPTH:
        issues.append(
            LoadIssue(
                line,
                INVALID_JSON,
                f"JSON nested deeper than {MAX_DEPTH} levels; not read (no fine-tuning format nests "
                "this deep)",
                excerpt(_flat(raw)),
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
                "but other parsers may keep the first or reject the record",
                excerpt(_flat(raw)),
            )
        )
    return obj


def _flat(raw: bytes) -> bytes:
    """A pretty-printed record on one line (runs of whitespace outside and inside strings joined)."""
    return b" ".join(raw.split()) if b"\n" in raw else raw


def check_mapping(obj: Mapping[str, Any], line: int, issues: list[LoadIssue]) -> bool:
    """Whether an in-memory or columnar record is deep enough to read; appends the issue when not."""
    _strings, depth = _walk(obj)
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
