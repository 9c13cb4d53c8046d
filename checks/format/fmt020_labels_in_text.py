"""FMT020 labels-in-text: plain-text lines that carry a label, read as text so no label is checked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import excerpt
from dataqa.ingest.layouts import TEXT
from dataqa.ingest.readers.sniff import TEXT as TEXT_FILE

_LABEL_LIKE = re.compile(r"[A-Za-z0-9_]+(?:[:/][A-Za-z0-9_]+)+|[A-Z][A-Z0-9_]+|-?\d{1,3}")
"""A first word that reads as a class name, not as the start of a sentence: TREC's `DESC:manner`,
an upper-case `POSITIVE`, a class number `3`. Lower-case words are left out: prose starts with them."""

_SUFFIX = re.compile(r"[^\s.@|]{1,30}")
"""What may follow a line's last `@` or `|` as a label (Financial PhraseBank's `...@neutral`); no dot,
so an e-mail address ending a line is not one."""

_FIRST_WORD = r"(?P<label>\S+) (?P<text>.*)"


@register
@dataclass
class LabelsInText(Summarised):
    """A plain-text split whose lines nearly all start (or end) with one of a few label-like values.

    Such lines are classification examples written as `LABEL text` (TREC's `DESC:manner How did
    ...`) or `text@label` (Financial PhraseBank); read as plain text for pre-training, their labels
    are never checked (conflicts, balance, unseen test classes) and the label becomes training text.
    Why: the scan says GO on data it did not read as what it is.
    Example: 5,452 lines, each starting with one of 50 values such as `DESC:manner`, `NUM:count`.
    Fix: read the file with the `--line-pattern` the finding gives (its named groups are fields), or
    write the label into a field of its own. fastText's `__label__X` lines are read as labelled.
    """

    id = "FMT020"
    name = "labels-in-text"
    family = "format"
    severity = Severity.WARNING
    min_lines: int = ranged(20, low=2)
    """Fewer lines than this say nothing about a convention."""
    min_share: float = ranged(0.98, low=0.5, high=1)
    """The share of lines that must carry a label-like value at the same place."""
    max_classes: int = ranged(100, low=2)
    """More distinct values than this are words, not classes."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per plain-text split: its lines, its first line and text, and per place a label may stand
        (the first word, after the last "@" or "|") the label-like values found there, or only that
        a block found more distinct values than `max_classes` (the split has as many: no classes)."""
        out = {}
        for split in ctx:
            if split.kind != TEXT:
                continue
            frame = ctx.valid_rows(split).select("line", "text")
            texts = frame["text"].to_list()
            places = {}
            for place, values in _values(texts).items():
                over = len(values) > self.max_classes
                places[place] = {"values": Counter() if over else values, "over": int(over)}
            first = [(int(frame["line"][0]), excerpt(texts[0], 120))] if texts else []
            out[split.name] = {"lines": len(texts), "first": first, "places": places}
        return {"splits": out}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            seen = summary["splits"].get(split.name)
            if seen is None:
                continue
            if seen["lines"] < self.min_lines:
                self.metrics[f"{split.name}_skipped"] = "too few lines"
                continue
            for place, found in seen["places"].items():
                if not found["over"] and self._classes(found["values"], seen["lines"]):
                    where, pattern = _PLACES[place]
                    yield self._finding(ctx, split, seen, where, pattern, found["values"])
                    break

    def _classes(self, values: Counter[str], lines: int) -> bool:
        """Whether `values` cover nearly every line with a few classes, none of them nearly all."""
        covered = sum(values.values())
        return (
            covered >= self.min_share * lines
            and 2 <= len(values) <= self.max_classes
            and values.most_common(1)[0][1] <= 0.95 * covered
            and covered >= 2 * len(values)
        )

    def _finding(
        self,
        ctx: Context,
        split: Split,
        seen: dict[str, Any],
        where: str,
        pattern: str,
        values: Counter[str],
    ) -> Finding:
        shown = ", ".join(f"{excerpt(v, 30)!r} ({n:,})" for v, n in values.most_common(5))
        more = f" and {len(values) - 5} more" if len(values) > 5 else ""
        read = (
            f"read it with --line-pattern '{pattern}'"
            if split.source is not None and split.source.kind == TEXT_FILE
            else "put the label in a field of its own"
        )
        self.metrics[f"{split.name}_classes"] = len(values)
        lines = f"{sum(values.values()):,} of {seen['lines']:,} lines"
        (line, text), *_ = seen["first"]
        return self.finding(
            f"{lines} {where} one of {len(values)} label-like values ({shown}{more}): classification "
            f"examples read as plain text, so their labels are not checked; if they are, {read}",
            [ctx.location(split, line)],
            [text],
        )


_PLACES = {
    "first": ("start with", _FIRST_WORD),
    "@": ("end, after the last '@', with", r"(?P<text>.*)@(?P<label>[^@]*)"),
    "|": ("end, after the last '|', with", r"(?P<text>.*)\|(?P<label>[^\|]*)"),
}
"""Where a label may stand in a line: what the finding says of it, and the line pattern that reads it."""


def _values(texts: list[str]) -> dict[str, Counter[str]]:
    """Per place a label may stand (`_PLACES`), the label-like values the lines have there."""
    out = {
        "first": Counter(
            word
            for text in texts
            if len(parts := text.split(None, 1)) == 2 and _LABEL_LIKE.fullmatch(word := parts[0])
        )
    }
    for mark in ("@", "|"):  # the last two of `_PLACES`
        out[mark] = Counter(
            tail.strip()
            for text in texts
            if mark in text and _SUFFIX.fullmatch((tail := text.rpartition(mark)[2]).strip())
        )
    return out
