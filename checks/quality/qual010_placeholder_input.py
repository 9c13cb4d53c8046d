"""QUAL010 placeholder-input: an instruction's input field holds "No input", "N/A", "-" instead of nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import appended_input, context_field, placeholder_input
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.text.redaction import snippet


@register
@dataclass
class PlaceholderInput(Summarised):
    """An instruction's input field holds a placeholder ("No input", `<noinput>`, "N/A", "-", "null").

    Why: the model is trained on the placeholder as if it were the input, learns that "No input" is
    something to respond to, and at inference meets a prompt shape (an empty input) it never saw;
    mixing placeholders and empty inputs also splits one task format into two. Published
    instruction sets carry several spellings at once.
    Example: {"instruction": "Generate a valid URL", "input": "No input", "output": "https://…"}.
    Fix: leave the input empty ("") or drop the field where a task has no input. An empty input is
    absent, not a placeholder. Reported once per placeholder spelling per split, with every record;
    only layouts with an input field (Alpaca "input", Dolly "context") are read.
    """

    id = "QUAL010"
    name = "placeholder-input"
    family = "quality"
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split with an input field, per placeholder: its records, its spellings, and the first
        three records' (line, input, task) for the evidence."""
        out = {}
        for split in ctx:
            if context_field(split) is None:
                continue
            groups = _placeholders(ctx, split)
            out[split.name] = {
                word: {"records": len(rows), "spellings": {v for _, v, _ in rows}, "first": rows[:3]}
                for word, rows in groups.items()
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The placeholders found, per split (their records are the findings' locations)."""
        return {name: sorted(words) for name, words in summary["splits"].items() if words} or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The lines of the records with each wanted placeholder, per split."""
        out = {}
        for name, words in wanted.items():
            groups = _placeholders(ctx, ctx.splits[name])
            out[name] = {word: [line for line, _, _ in groups[word]] for word in words if word in groups}
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            field, found = context_field(split), summary["splits"].get(split.name)
            if field is None or found is None:
                continue
            lines = summary.get("rows", {}).get(split.name, {})
            for word, seen in sorted(found.items(), key=lambda kv: (-kv[1]["records"], kv[0])):
                shown = ", ".join(f'"{s}"' for s in sorted(seen["spellings"])[:5])
                n = seen["records"]
                yield self.finding(
                    f"{field} is a placeholder, not an input: {shown} in {n} record{'s' if n != 1 else ''}; "
                    "leave it empty",
                    [ctx.location(split, line) for line in lines[word]],
                    [
                        f'{snippet(task, 0, 0, 60)} → {field} "{value}"'
                        for _, value, task in seen["first"][:3]
                    ],
                    metrics={"placeholder": word, "records": n},
                )
            self.metrics[f"{split.name}_records"] = sum(seen["records"] for seen in found.values())


def _placeholders(ctx: Context, split: Split) -> dict[str, list[tuple[int, str, str]]]:
    """Per placeholder word, (line, input as written, task) of the records whose input it is."""
    # A placeholder is a short last paragraph: only those prompts are read in Python.
    cand = (
        ctx.valid_rows(split)
        .select("line", "prompt")
        .filter(pl.col("prompt").str.contains(r"\n\n[^\n]{1,40}$"))
    )
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for line, prompt in cand.iter_rows():
        parts = appended_input(prompt)
        word = placeholder_input(parts[1]) if parts is not None else None
        if parts is not None and word is not None:
            groups[word].append((line, parts[1].strip(), parts[0]))
    return groups
