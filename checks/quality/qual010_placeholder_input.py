"""QUAL010 placeholder-input: an instruction's input field holds "No input", "N/A", "-" instead of nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import appended_input, context_field, placeholder_input
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.text.redaction import snippet


@register
@dataclass
class PlaceholderInput(Check):
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

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            field = context_field(split)
            if field is None:
                continue
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
            for word, rows in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                spellings = sorted({value for _, value, _ in rows})
                shown = ", ".join(f'"{s}"' for s in spellings[:5])
                yield self.finding(
                    f"{field} is a placeholder, not an input: {shown} in {len(rows)} record"
                    f"{'s' if len(rows) != 1 else ''}; leave it empty",
                    [ctx.location(split, line) for line, _, _ in rows],
                    [f'{snippet(task, 0, 0, 60)} → {field} "{value}"' for _, value, task in rows[:3]],
                    metrics={"placeholder": word, "records": len(rows)},
                )
            self.metrics[f"{split.name}_records"] = sum(len(rows) for rows in groups.values())
