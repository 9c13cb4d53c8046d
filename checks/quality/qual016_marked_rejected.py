"""QUAL016 marked-rejected: records the data set's own status or review field marks as dropped."""
# ruff: noqa: RUF001, RUF002, RUF003  (× counts values in messages, as in checks/quality/common.py)

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import formats
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import excerpt
from dataqa.ingest.marks import DROP, KEEP, MAYBE

SHOWN = 3
"""Dropped records a finding quotes (the value, then the record's text)."""


@register
@dataclass
class MarkedRejected(Summarised):
    """Records the data set's own status or review field marks as rejected, deleted or failed.

    Why: generators, annotation tools and review queues ship their rows with the verdict beside each
    one (`"status": "too similar"`, Argilla's `"Discarded"`, Prodigy's `"answer": "ignore"`,
    `"deleted": true`); the filter that field stood for was meant to run before training, and a
    trainer that reads every row trains on what the producer threw out.
    Example: a self-instruct pool where 654 rows say `"status": "ok"` and 484 say `"too similar"`.
    Fix: keep the rows whose field says they were kept, then drop the field. Only a top-level field
    the layout does not read counts, named as a status, review or yes/no verdict
    (`dataqa.ingest.marks`), and only where it keeps other records of the split: a field with one
    value on every row describes the data, it does not filter it. Prodigy's "reject" of the one
    "label" a binary annotation asks about is a negative example, kept. The records count as unusable.
    """

    id = "QUAL016"
    name = "marked-rejected"
    family = "quality"
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split and field: records per (class, value)."""
        return {
            "splits": {
                split.name: {key: Counter(values) for key, values in _values(split).items()} for split in ctx
            }
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split, the fields that both keep and drop records there (`DROP`: a word only a filter
        gives, or in a review's field any word that drops; then `MAYBE` words drop too)."""
        wanted = {}
        for name, fields in summary["splits"].items():
            keys = sorted(key for key, seen in fields.items() if {c for c, _ in seen} >= {DROP, KEEP})
            if keys:
                wanted[name] = keys
        return wanted or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """Per split and field, the lines of the dropped records, and the first few with their value
        and text (the evidence)."""
        out: dict[str, dict[str, Any]] = {}
        for split in ctx:
            keys = wanted.get(split.name, [])
            if not keys:
                continue
            texts = dict(ctx.valid_rows(split).select("line", "text").iter_rows())
            dropped: dict[str, list[tuple[int, str]]] = {key: [] for key in keys}
            for line, (key, kind, value) in _marks(split):
                if key in dropped and kind in (DROP, MAYBE):
                    dropped[key].append((line, value))
            for key, rows in dropped.items():
                shown = [
                    (line, f"{value}: {excerpt(texts[line], 100, flat=True)}")
                    for line, value in rows
                    if line in texts
                ]
                out.setdefault(split.name, {})[key] = {
                    "lines": [line for line, _ in rows],
                    "shown": shown[:SHOWN],
                }
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        dropped = 0
        for split in ctx:
            for key, found in sorted(summary.get("rows", {}).get(split.name, {}).items()):
                lines = found["lines"]
                if not lines:
                    continue
                seen: Counter = summary["splits"][split.name][key]
                dropped += len(lines)
                locs = [ctx.location(split, line) for line in lines]
                yield self.finding(
                    f"{len(lines):,} record(s) rejected by the data set's own {_quoted(key)} field "
                    f"({_values_text(seen, (DROP, MAYBE))}), beside {_values_text(seen, (KEEP,))}: train on "
                    "the records it keeps only",
                    locs,
                    [text for _, text in sorted(found["shown"])[:SHOWN]],
                    unusable=locs,
                )
        self.metrics["records"] = dropped


def _marks(split: Split) -> Iterator[tuple[int, tuple[str, str, str]]]:
    """(line, (field, class, value)) for each verdict field of each record (`dataqa.ingest.marks`)."""
    for line, issue in split.record_issues:
        if issue.kind == formats.MARKED:
            key, kind, value = issue.detail.split("\t", 2)
            yield line, (key, kind, value)


def _values(split: Split) -> dict[str, Counter]:
    """Per verdict field, records per (class, value)."""
    out: dict[str, Counter] = {}
    for _, (key, kind, value) in _marks(split):
        out.setdefault(key, Counter())[(kind, value)] += 1
    return out


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _values_text(seen: Counter, kinds: tuple[str, ...], most: int = 6) -> str:
    """The values of one class with their records, most first: '"too similar" ×484, "error" ×5'."""
    values = sorted(((n, v) for (c, v), n in seen.items() if c in kinds), key=lambda nv: (-nv[0], nv[1]))
    shown = ", ".join(f"{_quoted(v)} ×{n:,}" if n > 1 else _quoted(v) for n, v in values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")
