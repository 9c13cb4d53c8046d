"""QUAL010 placeholder-input: an input field, or a whole prompt, holds "No input", "N/A" or "-"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import appended_input, asked, context_field, messages, placeholder_input
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.ingest.naming import field_name, role_name
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
    absent, not a placeholder. Reported once per placeholder spelling per split, with every record.
    In a layout without an input field (chat, ShareGPT, prompt/response, preference pairs) a first
    user message or prompt that is nothing but such a word ("N/A", "No input", "None") is reported the
    same way: the record has no instruction at all, and the model learns to answer one that was never
    asked. A multiple-choice question that is such a word is reported the same way, and so is a
    whole prompt without an appended input in a layout whose input field is optional (Alpaca's
    instruction, a question without its passage): such a record asks nothing either. Labelled
    (classification) splits are left alone, and "nothing", "empty", "blank", "na"
    are words a person may really send, so a whole prompt needs a stricter word.
    """

    id = "QUAL010"
    shares = frozenset({"quality.messages"})
    name = "placeholder-input"
    family = "quality"
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split with an input field, per placeholder: its records, its spellings, and the first
        three records' (line, input, task) for the evidence."""
        out = {}
        for split in ctx:
            if _field(ctx, split) is None:
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
            field, found = _field(ctx, split), summary["splits"].get(split.name)
            if field is None or found is None:
                continue
            lines = summary.get("rows", {}).get(split.name, {})
            for word, seen in sorted(found.items(), key=lambda kv: (-kv[1]["records"], kv[0])):
                own = word.startswith(WHOLE)  # a whole prompt in a split with an input field
                whole = own or context_field(split) is None
                named = role_name(split, "user") if own else field
                advice = "the record asks nothing: write its prompt or drop it" if whole else "leave it empty"
                shown = ", ".join(f'"{s}"' for s in sorted(seen["spellings"])[:5])
                n = seen["records"]
                yield self.finding(
                    f"{named} is a placeholder, not an input: {shown} in {n} record{'s' if n != 1 else ''}; "
                    + advice,
                    [ctx.location(split, line) for line in lines[word]],
                    [
                        f'{named} "{value}" → {role_name(split, "assistant")} {snippet(task, 0, 0, 60)}'
                        if whole
                        else f'{snippet(task, 0, 0, 60)} → {field} "{value}"'
                        for _, value, task in seen["first"][:3]
                    ],
                    metrics={"placeholder": word.removeprefix(WHOLE), "records": n},
                )
            self.metrics[f"{split.name}_records"] = sum(seen["records"] for seen in found.values())


WHOLE_PROMPT_WORDS = frozenset(
    {"no input", "noinput", "no input required", "no input needed", "no input provided", "no input given",
     "none", "none given", "none provided", "n/a", "n.a", "null", "nil", "nan", "not applicable",
     "no context", "no data", "no instruction", "无输入"}
)  # fmt: skip
"""Placeholders that stand for a missing prompt when they are all the prompt holds (not "nothing",
"na", "empty" or "blank", which a person may send as a message)."""
WHOLE = "whole prompt: "
"""The key prefix of a whole prompt's placeholder in a split with an input field (its input's own
placeholders are keyed by the word alone): the two are reported apart, each naming its field."""


def _field(ctx: Context, split: Split) -> str | None:
    """The field a placeholder is reported in: the input field, or the prompt's own name in a layout
    without one (None for a labelled split, whose texts are the inputs being classified)."""
    field = context_field(split)
    if field is not None:
        return field
    if split.kind == MULTIPLE_CHOICE:  # labelled by the right choice's position: its question is asked
        return field_name(split, "prompt")
    return None if ctx.has_labels(split) else role_name(split, "user")


def _placeholders(ctx: Context, split: Split) -> dict[str, list[tuple[int, str, str]]]:
    """Per placeholder word, (line, input as written, task) of the records whose input it is (in a
    layout without an input field: whose first user message is, the task then being the answer; in
    one with an input field, a whole prompt's, keyed `WHOLE` + word)."""
    if context_field(split) is None:
        return _whole_prompts(ctx, split)
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for word, rows in _whole_prompts(ctx, split).items():  # no input appended: the prompt is the word
        groups[WHOLE + word] = rows
    # A placeholder is a short last paragraph: only those prompts are read in Python.
    cand = (
        ctx.valid_rows(split)
        .select("line", "prompt")
        .filter(pl.col("prompt").str.contains(r"\n\n[^\n]{1,40}$"))
    )
    for line, prompt in cand.iter_rows():
        parts = appended_input(prompt)
        word = placeholder_input(parts[1]) if parts is not None else None
        if parts is not None and word is not None:
            groups[word].append((line, parts[1].strip(), parts[0]))
    return groups


def _whole_prompts(ctx: Context, split: Split) -> dict[str, list[tuple[int, str, str]]]:
    """Per placeholder word, (line, prompt, answer) of the records whose first user message is one."""
    msgs = messages(ctx, split)
    first = msgs.filter(pl.col("role") == "user").group_by("line").agg(pl.col("content").first())
    first = first.with_columns(asked(split, pl.col("content")))  # a multiple choice's question alone
    short = first.filter(pl.col("content").str.len_chars() <= 40)
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    if short.is_empty():
        return groups
    answers = dict(
        msgs.filter(pl.col("line").is_in(short["line"].implode()) & (pl.col("role") == "assistant"))
        .group_by("line")
        .agg(pl.col("content").first())
        .iter_rows()
    )
    for line, prompt in sorted(short.iter_rows()):
        word = placeholder_input(prompt)
        if word is not None and (word in WHOLE_PROMPT_WORDS or set(word) <= set("-\u2014\u2013")):
            groups[word].append((line, prompt.strip(), answers.get(line) or ""))
    return groups
