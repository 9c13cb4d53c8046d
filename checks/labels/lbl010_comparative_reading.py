"""LBL010 comparative-reading: "N times more than" worked out as N x in most records, as 1 + N x in a few."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.labels.lbl009_answer_contradicts_working import plain_number
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.issues import excerpt
from dataqa.text.answers import SPELLED

_MULTIPLIER = "|".join(sorted(SPELLED, key=len, reverse=True))
COMPARATIVE = re.compile(
    rf"(?<![/\d.])\b(\d+|{_MULTIPLIER})\s+times\s+(?:more|larger|greater|bigger|higher)\b", re.IGNORECASE
)
""""three times more (points) than": a whole multiplier (a fraction, "2/5 times more", is read as a
share added by everyone) with a comparative whose two readings differ (3x, or the other + 3x)."""
_CHANGE = re.compile(r"(?i)increas|ramp|grow|rais|boost")
"""An increase "by N times more" just before: a change of one amount, not a comparison of two."""
_NUM = r"\d+(?:\.\d+)?"
_PRODUCT = re.compile(rf"({_NUM})\s*[*x\u00d7]\s*\$?({_NUM})\s*=\s*\$?(?:<<[^<>]*>>)?\s*\$?({_NUM})")
"""A product in the working, `3*8 = 24` or GSM8K's calculator note `<<3*8=24>>24`."""
_MORE = re.compile(r"\s*(?:(?!times\b)[^\W\d_][\w'-]*\s+){0,3}more\b", re.IGNORECASE)
"""The product named as a difference: "24 more points", "$10000 more than"."""


def reading(prompt: str, working: str) -> tuple[str, str] | None:
    """How a worked answer reads its prompt's "N times more than": "times" (N x the other amount) or
    "plus" (the other amount + N x it: the product is named "... more"), with the working around
    the product; None when there is no such comparative or no product by N in the working."""
    found = COMPARATIVE.search(prompt)
    if found is None or _CHANGE.search(prompt[max(0, found.start() - 40) : found.start()]):
        return None
    word = found.group(1).lower()
    times = plain_number(SPELLED.get(word, word))
    if times in ("0", "1"):
        return None
    for product in _PRODUCT.finditer(working):
        if times not in (plain_number(product.group(1)), plain_number(product.group(2))):
            continue
        after = re.sub(
            rf"^>>\s*\$?{re.escape(product.group(3))}", "", working[product.end() : product.end() + 60]
        )
        around = working[max(0, product.start() - 80) : product.end() + 40]
        return ("plus" if _MORE.match(after) else "times"), around
    return None


@register
@dataclass
class ComparativeReading(Summarised):
    """Records that work out "N times more than" another way than the rest of the data set does.

    "Erin has three times more points than Sara, who scored 8" is read two ways: 3 x 8 = 24, or 8 +
    3 x 8 = 32. Each worked answer whose prompt has a whole "N times more / larger / greater /
    bigger / higher than" (not an increase "by N times more") and whose working multiplies by N is
    read as one or the other: the other reading where the product is named as a difference ("3*8 =
    24 more points than Sara"). With at least `min_records` such records, a reading held by at
    most `max_share` of them is reported as going against the set's own convention, naming every
    record of it; a set that reads the phrase one way throughout, either way, is consistent.
    Why: the model is taught two answers to one wording, and the records of the minority reading
    get a result the rest of the set would call wrong (a documented fix to a public grade-school
    math set changed such an answer to the 3x reading).
    Example: 60 records compute "three times more than 7" as 21, seven compute 7 + 21 = 28.
    Fix: rework the minority records under the set's reading, or reword their questions ("three
    times as many as", "three times more than ... in addition").
    """

    id = "LBL010"
    name = "comparative-reading"
    family = "labels"
    severity = Severity.WARNING
    min_records: int = ranged(10, low=2, high=100_000)
    """Records with a readable "N times more than" a data set needs for a convention to speak of."""
    max_share: float = ranged(0.25, low=0, high=0.5)
    """Largest share of those records a reading may hold to be reported as the odd one out."""

    def _readings(self, ctx: Context) -> Iterator[tuple[str, str, int, str]]:
        """(reading, split, line, the working around it) of every worked answer the context holds
        that reads "N times more than" one way or the other, splits in order, rows in line order."""
        for split in ctx:
            if split.label_source:
                continue  # class labels are not worked answers
            rows = ctx.valid_rows(split.name).filter(pl.col("prompt").str.contains(" times ", literal=True))
            for line, prompt, working in rows.select("line", "prompt", "response").iter_rows():
                found = reading(prompt or "", working or "")
                if found is not None:
                    yield found[0], split.name, line, found[1]

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Records per reading, and the first three of each (split, line, an excerpt of the working)."""
        counts: Counter[str] = Counter({"times": 0, "plus": 0})
        first: dict[str, list[tuple[str, int, str]]] = {"times": [], "plus": []}
        for name, split, line, around in self._readings(ctx):
            counts[name] += 1
            if len(first[name]) < 3:
                first[name].append((split, line, excerpt(around, 200, flat=True)))
        return {"counts": counts, "first": first}

    def _odd(self, counts: Counter[str]) -> list[tuple[str, str]]:
        """(odd, usual) for each reading held by at most `max_share` of enough records."""
        total = counts["times"] + counts["plus"]
        if total < self.min_records:
            return []
        pairs = (("plus", "times"), ("times", "plus"))
        return [(odd, usual) for odd, usual in pairs if 0 < counts[odd] <= self.max_share * total]

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return [odd for odd, _ in self._odd(summary["counts"])] or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(split, line) of the records of the odd readings `wanted`."""
        found = {odd: [] for odd in wanted}
        for name, split, line, _ in self._readings(ctx):
            if name in found:
                found[name].append((split, line))
        return found

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        counts = summary["counts"]
        self.metrics["readings"] = {"times": counts["times"], "plus": counts["plus"]}
        said = {"times": "N times the other amount", "plus": "the other amount plus N times it"}
        for odd, usual in self._odd(counts):
            locations = [ctx.location(split, line) for split, line in summary["rows"][odd]]
            first = summary["first"][usual][0]
            yield self.finding(
                f'"N times more than" is worked out as {said[usual]} in {counts[usual]} records and as '
                f"{said[odd]} in {counts[odd]}: these {counts[odd]} go against the set's own reading",
                locations,
                [f"{ctx.place(split, line)}: {around}" for split, line, around in summary["first"][odd][:3]]
                + [f"the usual reading, {ctx.place(first[0], first[1])}: {first[2]}"],
                metrics={"reading": odd, "count": counts[odd], "usual": counts[usual]},
            )
