# ruff: noqa: RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL004 mojibake: UTF-8 read as Windows-1252, confirmed by re-encoding each match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import field_at, messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.text.redaction import snippet

_CONT = (
    "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018"
    "\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
"""UTF-8 continuation bytes 0x80-0xBF as they look when decoded as Windows-1252 (or Latin-1)."""
MOJIBAKE_PATTERN = f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}"
_MOJIBAKE_RE = re.compile(MOJIBAKE_PATTERN)


def _as_cp1252_bytes(s: str) -> bytes | None:
    out = bytearray()
    for ch in s:
        if ord(ch) < 256:
            out.append(ord(ch))
        else:
            try:
                out += ch.encode("cp1252")
            except UnicodeEncodeError:
                return None
    return bytes(out)


def unmangle(chunk: str) -> str | None:
    """The text a mojibake chunk was before UTF-8 was read as Windows-1252, or None if it was not."""
    data = _as_cp1252_bytes(chunk)
    if data is None:
        return None
    try:
        fixed = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if fixed != chunk else None


def quoted_sign(text: str, m: re.Match[str]) -> bool:
    """Whether a two-character match is a sign between curly quotes ("单击标题栏右边的“×”", the close
    button): an opening quote just before it, its second character the closing one. Hebrew read as
    Windows-1252 is a run of such pairs ("×©×œ×•×"), never one pair quoted alone."""
    return (
        len(m.group()) == 2
        and m.start() > 0
        and m.group()[1] in "\u201d\u2019"
        and text[m.start() - 1] in "\u201c\u2018"
    )


_QUANTITY_BEFORE = re.compile(r"\d(?:[^\S\n]?[^\W\d_]{1,4})?[^\S\n]$")
"""A number, with a unit after it or not, and a space: what stands before a multiplication sign."""


def multiplication_sign(text: str, m: re.Match[str]) -> bool:
    """Whether a match "×" + no-break space is a multiplication sign between two quantities, as
    European typesetting writes "6\u00a0m\u00a0×\u00a09\u00a0m" (German, French): a number (and its
    unit) and a space before it, a digit after it. "נ" read as Windows-1252 is that pair too, but
    Hebrew is a run of pairs ("×\u00a0×ž×œ"), never one between numbers."""
    return (
        m.group() == "\u00d7\u00a0"
        and bool(_QUANTITY_BEFORE.search(text, max(0, m.start() - 12), m.start()))
        and text[m.end() : m.end() + 1].isdigit()
    )


def confirmed_mojibake(text: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each mojibake match of `text` this check reports, with the text it was: confirmed by
    re-encoding (`unmangle`), a quoted sign or a multiplication sign left alone."""
    for m in _MOJIBAKE_RE.finditer(text):
        fixed = unmangle(m.group())
        if fixed and not quoted_sign(text, m) and not multiplication_sign(text, m):
            yield m, fixed


@register
@dataclass
class Mojibake(Check):
    """Text is mojibake: UTF-8 that was decoded as Windows-1252 or Latin-1 ("Ã©" for "é", "â€™" for "’").

    Why: the model learns to write "cafÃ©" and "donâ€™t"; the original characters are recoverable,
    so this is a cheap fix that is expensive to leave in.
    Example: "Iâ€™m happy to help with your rÃ©sumÃ©."
    Fix: repair the text (e.g. with `ftfy.fix_text`) or re-export the source as UTF-8. Every match is
    confirmed by re-encoding it: only sequences that decode back to a real character are reported.
    """

    id = "QUAL004"
    shares = frozenset({"quality.messages"})
    name = "mojibake"
    family = "quality"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            cand = messages(ctx, split).filter(pl.col("content").str.contains(MOJIBAKE_PATTERN))
            hits = []
            for line, role, text in cand.select("line", "role", "content").iter_rows():
                for m, fixed in confirmed_mojibake(text):
                    hits.append(
                        (
                            line,
                            f'"{m.group()}" for "{fixed}" in {field_at(split, role, text, m.start())}',
                            snippet(text, m.start(), m.end(), 30),
                        )
                    )
            yield from record_findings(self, ctx, split, hits, "mojibake", max_kinds=6)
