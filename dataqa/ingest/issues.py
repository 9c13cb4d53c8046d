"""What reading met: the `LoadIssue` record of damage, its kinds, and bounded evidence excerpts.

The vocabulary every reader (JSONL lines, JSON arrays, tables, columnar files) reports damage in,
and every FMT check reads; it imports nothing of dataqa, so any ingest module can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXCERPT_CHARS = 160
"""How much of a damaged line is kept as evidence: enough to recognise it, never the whole line."""


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
WITHDRAWN = "withdrawn"
"""A message its export marks withdrawn (deleted, failed review), left out on purpose (FMT021)."""
UNANSWERED = "unanswered"
"""A conversation tree's prompt with no reply: no thread to read (FMT021)."""


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
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def with_article(word: str) -> str:
    """`word` after "a" or "an", by its first letter ("an alpaca file", "a chat file")."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def a_json_type(value: Any) -> str:
    """`json_type` with its article, for "... is an object" (null has none: "is null")."""
    name = json_type(value)
    return name if name == "null" else with_article(name)
