"""FMT020 labels-in-text: plain-text lines that carry a label, read as text so no label is checked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
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
class LabelsInText(Check):
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

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.kind != TEXT:
                continue
            frame = ctx.valid_rows(split).select("line", "text")
            if frame.height < self.min_lines:
                self.metrics[f"{split.name}_skipped"] = "too few lines"
                continue
            texts = frame["text"].to_list()
            found = self._convention(texts)
            if found is None:
                continue
            where, pattern, values = found
            yield self._finding(ctx, split, int(frame["line"][0]), texts, where, pattern, values)

    def _convention(self, texts: list[str]) -> tuple[str, str, Counter[str]] | None:
        """(where the label is, the line pattern that reads it, its values) or None."""
        first = Counter(
            word
            for text in texts
            if len(parts := text.split(None, 1)) == 2 and _LABEL_LIKE.fullmatch(word := parts[0])
        )
        if self._classes(first, len(texts)):
            return "start with", _FIRST_WORD, first
        for mark in ("@", "|"):
            ends = Counter(
                tail.strip()
                for text in texts
                if mark in text and _SUFFIX.fullmatch((tail := text.rpartition(mark)[2]).strip())
            )
            if self._classes(ends, len(texts)):
                sign = re.escape(mark)
                return f"end, after the last {mark!r}, with", f"(?P<text>.*){sign}(?P<label>[^{sign}]*)", ends
        return None

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
        line: int,
        texts: list[str],
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
        lines = f"{sum(values.values()):,} of {len(texts):,} lines"
        return self.finding(
            f"{lines} {where} one of {len(values)} label-like values ({shown}{more}): classification "
            f"examples read as plain text, so their labels are not checked; if they are, {read}",
            [ctx.location(split, line)],
            [excerpt(texts[0], 120)],
        )
