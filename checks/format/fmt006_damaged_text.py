"""FMT006 damaged-text: control characters, U+FFFD and line breaks escaped twice, which the model
learns to write."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.issues import excerpt
from dataqa.text.markup import FENCE_RE, INLINE_CODE_PATTERN
from dataqa.text.mojibake import mojibake_runs

_UNJOINED = "A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
"""Letters of scripts that never join or break with a zero-width mark (Latin, Greek, Cyrillic, Han, kana,
Hangul): such a mark between two of them is an invisible slip. Arabic, Persian and Indic scripts use
ZWJ/ZWNJ for their letter forms, Thai and Khmer U+200B for word breaks, emoji ZWJ to join pictures."""
_CONTROL = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufeff]|(?<=[{_UNJOINED}])[\u200b-\u200d\u2060](?=[{_UNJOINED}])"
)
_CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{fffd}\x{feff}\x{200b}-\x{200d}\x{2060}]"
"""C0/C1 control characters, U+FFFD, a byte-order mark inside a text (U+FEFF: a file's BOM pasted in) and a
zero-width space, joiner or word joiner inside a word (the word looks whole and tokenises apart).
Mojibake (UTF-8 read as Windows-1252, "Ã©" for "é") is QUAL004's: one defect, one finding, confirmed
there by re-encoding. `_CONTROL_PATTERN` is the polars prefilter (no look-around), `_CONTROL` decides."""

_NAMES = {
    "\ufffd": "replacement character U+FFFD",
    "\ufeff": "byte-order mark U+FEFF inside the text",
    "\u200b": "zero-width space U+200B inside a word",
    "\u200c": "zero-width non-joiner U+200C inside a word",
    "\u200d": "zero-width joiner U+200D inside a word",
    "\u2060": "word joiner U+2060 inside a word",
}


SHEET_ERROR = r"^\s*#(?:ERROR!|VALUE!|NAME\?|REF!|DIV/0!|N/A|NUM!|NULL!)\s*$"
"""A whole text that is a spreadsheet's error value: the cell was read as a formula (a tweet starting
with "+", "=" or "-") and its text replaced by the error when the file went through a spreadsheet
(Wisesight's three "#ERROR!" messages). The text is gone as surely as behind a U+FFFD."""
_SHEET_ERROR = re.compile(SHEET_ERROR)
ANSWER = 2
"""The place of the answer among a record's texts (system, prompt, response): an answer that is an
error value may be right ("#N/A" is what VLOOKUP gives for a missing key); an input cannot be."""
_ABOUT_SHEETS = re.compile(
    r"excel|spreadsheet|formula|sheets?\b|#(?:ERROR|VALUE|NAME|REF|DIV|N/A|NUM|NULL)", re.I
)
"""A record whose other texts speak of spreadsheets or their errors: an error value there is its answer."""


def own_control(text: str) -> re.Match[str] | None:
    """The first control, zero-width or BOM character of `text` (`_CONTROL`) that is not a byte of
    mojibake QUAL004 reports: a C1 character inside such a sequence goes when the mojibake is
    repaired (👍 read as Windows-1252 is "ðŸ", U+2018 and U+008D: its byte 0x8D has no letter there)."""
    spans: list[tuple[int, int]] | None = None
    for m in _CONTROL.finditer(text):
        if "\x80" <= m.group() <= "\x9f":
            if spans is None:
                spans = [(start, end) for start, end, _ in mojibake_runs(text)]
            if any(start <= m.start() < end for start, end in spans):
                continue
        return m
    return None


def _readable(text: str) -> str:
    """`text` with what cannot be seen escaped (controls, U+FFFD, bidi and other format characters)
    and the rest as written: an Arabic or Chinese passage around a U+FFFD stays readable."""
    return "".join(
        c if c.isprintable() and c != "\ufffd" else c.encode("unicode_escape").decode("ascii") for c in text
    )


_ESCAPED_BREAK = re.compile(r"(?<!\\)\\n(?=\r?\n)")
"""The two characters backslash-n right before a real line break: a break escaped twice."""
_ESCAPED_IN_PROSE = re.compile(r"(?<!\\)\\n(?=[A-Z0-9\\]|[^\x00-\x7f]|$)")
"""Backslash-n before a capital, a digit, another backslash, a non-ASCII letter (CJK) or the end: where a
written-out break starts the next line. Before a lower-case letter it is a LaTeX command (`\\noindent`,
`\\newline`); before a space, a quote or a comma, a mention of the escape ("split on \\n or \\r\\n")."""


def _code_masked(text: str) -> str:
    """`text` with fenced and inline code masked as `mask_code` does, but a fence that holds no real
    line break (written inside a JSON string value, its breaks escaped: `"\\n```go\\n...```"`) becomes a
    space: the mask must add no line break the text does not have."""
    if "`" not in text and "~~~" not in text:
        return text
    fenced = FENCE_RE.sub(lambda m: "\n" if "\n" in m.group() else " ", text)
    return re.sub(INLINE_CODE_PATTERN, " ", fenced)


def escaped_break(text: str) -> int | None:
    """Where `text`, its code masked (`_code_masked`), holds a line break written out as the two
    characters backslash-n, or None: one right before a real line break, or two or more in a text
    with no real line break, each starting a line. Code (fences, inline code), JSON and
    double-quoted strings are left alone: there the escape is how a break is written."""
    if "\\n" not in text or text.lstrip()[:1] in ("{", "["):
        return None
    prose = _code_masked(text)
    m = _ESCAPED_BREAK.search(prose)
    if m:
        return m.start()
    if "\n" in prose:
        return None
    quoted = [m for m in _ESCAPED_IN_PROSE.finditer(prose) if prose.count('"', 0, m.start()) % 2 == 0]
    return quoted[0].start() if len(quoted) >= 2 else None


@register
@dataclass
class DamagedText(Check):
    """Text holds control, zero-width or BOM characters, U+FFFD, line breaks escaped twice, or a sheet error.

    Why: "\ufffd" marks bytes a converter could not decode, so the original text is gone; control
    characters are invisible noise the model learns to emit. A line break escaped twice when the
    file was written shows as the two characters backslash-n (`escaped_break`): right before a real
    line break, or in place of every break of a text that has none; the model learns to write
    "\\n" instead of breaking the line. Code, JSON, double-quoted strings, LaTeX commands and a
    mention of the escape are not damage. Mojibake ("Ã©" for "é", recoverable text) is reported by
    QUAL004 alone, with the C1 characters inside it (`own_control`), so one damaged record is one
    finding. An input that is wholly a spreadsheet's error value ("#ERROR!", "#VALUE!",
    `SHEET_ERROR`) lost its text when the file passed through a spreadsheet, unless the record
    speaks of spreadsheets; an answer that is one may be right.
    Example: "Ca\ufffd\ufffdt find my order", a stray "\\x1b" escape in a reply, or an instruction
    ending "...是否为闰年。\\n" and a line break.
    Fix: recover the text from the source with the right encoding (decode the escapes once more),
    or drop the example.
    """

    id = "FMT006"
    name = "damaged-text"
    family = "format"
    scope = RECORD
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            cols = ["system", "prompt", "response"]
            hit = split.frame.filter(
                pl.any_horizontal(
                    (
                        pl.col(c).str.contains(_CONTROL_PATTERN)
                        | pl.col(c).str.contains("\\n", literal=True)
                        | pl.col(c).str.contains(SHEET_ERROR)
                    ).fill_null(False)
                    for c in cols
                )
            )
            for row in hit.select("line", *cols).iter_rows(named=True):
                found = self._damage(row[c] for c in cols)
                if found is None:
                    continue
                total += 1
                what, snippet = found
                yield self.finding(
                    f"text contains a {what}", [ctx.location(split, row["line"])], [excerpt(snippet)]
                )
        self.metrics["records"] = total

    @staticmethod
    def _damage(texts: Iterable[str | None]) -> tuple[str, str] | None:
        """The first damage in a record's texts: (what, an excerpt around it), or None. A control
        character's excerpt is written with escapes (it is invisible); an escaped break's is the
        text as it is, its code masked (`escaped_break`), the two characters showing."""
        escaped = None
        texts = list(texts)
        for at, text in enumerate(texts):
            if not text:
                continue
            if (
                at < ANSWER
                and _SHEET_ERROR.match(text)
                and not any(_ABOUT_SHEETS.search(other) for other in texts if other and other is not text)
            ):
                return f"spreadsheet error value {text.strip()!r} in place of its text", text.strip()
            m = own_control(text)
            if m:
                what = _NAMES.get(m.group(), f"control character {m.group()!r}")
                around = text[max(m.start() - 40, 0) : m.end() + 40]
                return what, _readable(around)
            at = escaped_break(text) if escaped is None else None
            if at is not None:
                escaped = (
                    "line break written out as the two characters \\n",
                    _code_masked(text)[max(at - 40, 0) : at + 42],
                )
        return escaped
