# ruff: noqa: RUF002, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""Mojibake (UTF-8 read as Windows-1252 or Latin-1, "Ã©" for "é"): found, confirmed by re-encoding,
and repaired.

QUAL004 reports it and FMT006 leaves it to QUAL004; normalisation compares texts repaired, so that two
comments alike only in the mojibake of their emoji ("haha ðŸ˜‚" ~ "OMG ðŸ˜±", each emoji six letters
of mojibake, three times that when encoded thrice) are not near copies, and a text and its mojibake
copy are one text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import polars as pl

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
    Windows-1252 is a run of such pairs ("×©×œ×•×"), never one pair quoted alone; a quote that
    is itself the end of a pair ("Å“Å’", mojibake of "œŒ") opens nothing."""
    return (
        len(m.group()) == 2
        and m.start() > 0
        and m.group()[1] in "\u201d\u2019"
        and text[m.start() - 1] in "\u201c\u2018"
        and not (m.start() > 1 and "\u00c2" <= text[m.start() - 2] <= "\u00df")
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
    """Each mojibake match of `text`, with the text it was: confirmed by re-encoding (`unmangle`), a
    quoted sign or a multiplication sign left alone."""
    for m in _MOJIBAKE_RE.finditer(text):
        fixed = unmangle(m.group())
        if fixed and not quoted_sign(text, m) and not multiplication_sign(text, m):
            yield m, fixed


MOJIBAKE_LAYERS = 3
"""Times a text is repaired at most: text exported through a wrong decoding again and again is
mojibake of mojibake ("ÃƒÂ©" is "Ã©" is "é"); each pass undoes one layer."""


_C1 = re.compile("[\u0080-\u009f]")
"""A C1 control character: what text does not hold, and what one layer of an emoji's mojibake may
leave for the next layer to undo ("Â\u008d" is one of 😍's bytes read as Latin-1)."""


def _undone(chunk: str) -> str:
    """A run of mojibake with as many layers undone as `MOJIBAKE_LAYERS` allows, stopping at the last
    layer that leaves no C1 character the run did not hold: "ÂŠ" (upper-cased "âš") would be U+008A,
    no character a text writes, and an emoji cut short keeps the layers that read."""
    best, controls = chunk, len(_C1.findall(chunk))
    for _ in range(MOJIBAKE_LAYERS):
        layer = _spliced(chunk, ((m.start(), m.end(), fixed) for m, fixed in confirmed_mojibake(chunk)))
        if layer == chunk:
            break
        chunk = layer
        if len(_C1.findall(chunk)) <= controls:
            best = chunk
    return best


def _spliced(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) of `replacements` (in order, apart) spliced in."""
    pieces, end = [], 0
    for start, stop, replacement in replacements:
        pieces += [text[end:start], replacement]
        end = stop
    return "".join(pieces) + text[end:] if pieces else text


def mojibake_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """Each run of adjacent confirmed matches of `text` that is mojibake: its start, end and the text
    it was with its layers undone (`_undone`). An emoji encoded thrice is six matches of the outer
    layer ("Ãƒ" for "Ã", ...) and one run ("ÃƒÂ°Ã…Â¸Ã‹Å“Ã¢â‚¬Å¡" for "😂"); "rÃ©sumÃ©" is two runs, "Ã©"
    each; a run no layer of which reads (`_undone` gives it back) is none."""
    start = end = -1
    for m, _ in confirmed_mojibake(text):
        if m.start() != end:
            if start >= 0 and (fixed := _undone(text[start:end])) != text[start:end]:
                yield start, end, fixed
            start = m.start()
        end = m.end()
    if start >= 0 and (fixed := _undone(text[start:end])) != text[start:end]:
        yield start, end, fixed


def repaired(text: str) -> str:
    """`text` with each run of mojibake (`mojibake_runs`) replaced by what it was; the rest as written."""
    return _spliced(text, mojibake_runs(text))


def repair_mojibake(texts: pl.Series) -> pl.Series:
    """`repaired` of each text of a String Series: only the texts the pattern matches pass through
    Python (mojibake needs a character above U+007F, so ASCII data costs one regex scan)."""
    at = texts.str.contains(MOJIBAKE_PATTERN).fill_null(False).arg_true()
    if not len(at):
        return texts
    return texts.scatter(at, pl.Series([repaired(t) for t in texts.gather(at).to_list()], dtype=pl.String))
