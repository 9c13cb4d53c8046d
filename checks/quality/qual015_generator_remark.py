"""QUAL015 generator-remark: an answer that opens with the remark of the model that rewrote it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.quality.common import HOW_TO, final_answers, messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.naming import field_name
from dataqa.text.redaction import snippet

_EDITED = (
    r"(?:rewritten|revised|rephrased|reworded|polished|edited|improved|updated|modified|corrected"
    r"|paraphrased)"
)
_TONE = (
    r"(?:polite|formal|informal|friendly|professional|casual|respectful|impolite|rude|neutral|kind|courteous)"
)
REMARK = (
    r"(?im)^\W*(?:(?:sure|certainly|of course|okay|ok|absolutely)[,!.]?\s*)?"
    r"(?:here(?:'s|\u2019s| is| are)|below is|the following is)\s+(?:a|an|the|my|your)\s+(?:[\w-]+\s+){0,3}?"
    rf"{_EDITED}\s+(?:version|text|response|answer|output|sentence|paragraph|passage|reply)\b"
    rf"|\bwith\s+an?\s+(?:more\s+|less\s+)?{_TONE}\s+tone\s*:\s*$"
)
"""The opening line of a rewriting model's reply about its rewrite ("Here's a rewritten version of the
output with a more polite tone:", "Here is the classification with a polite tone:"), where the answer
itself should begin (matched on the answer's first line)."""
_REWRITE = (
    r"re-?writ|rephras|reword|revis|paraphras|edit|improv|polish|correct|proofread|fix|updat|modif"
    r"|simplif|shorten|spell|grammar|mistake|error"
)
ASKED = re.compile(rf"(?i)\b(?:{_REWRITE}|tone|polite|formal|friendl|professional)")
"""A request that asks for a rewrite (or names a tone): there "Here is the revised version:" answers it."""
SYSTEM_ASKED = re.compile(rf"(?i)\b(?:{_REWRITE})")
"""A system prompt that sets a rewriting task. Its tone words describe the assistant ("You are Sam,
the friendly assistant"), not a rewrite asked of it."""
FIRST_LINE = 300
"""Characters of the answer's first line read for the remark."""


def remark(answer: str, request: str, system: str = "") -> str | None:
    """The answer's opening remark on a rewrite neither its request (its user turns, how-to
    questions aside: "How do I fix white spots?" asks for advice) nor its system prompt asked for,
    else None."""
    first = answer.lstrip().split("\n", 1)[0][:FIRST_LINE]
    if not re.search(REMARK, first):
        return None
    if ASKED.search(re.sub(HOW_TO, " ", request)) or SYSTEM_ASKED.search(system):
        return None
    return first


@register
@dataclass
class GeneratorRemark(Check):
    """The answer opens with the remark of the model that rewrote it ("Here's a rewritten version:").

    Why: synthetic sets are made by asking a model to rewrite an answer (more polite, more formal,
    corrected); when its reply is stored as it came, the remark about the rewrite stays at the top of
    the target, and the fine-tuned model learns to announce rewrites nobody asked for.
    Example: "Describe evaporation." → "Here's a rewritten version of the output with a more polite
    tone:\\n\\n\"Evaporation occurs when ...\"".
    Fix: strip the remark (and the quotes around the rewritten answer) where the data is made. Only
    an answer whose first line is such a remark is reported, and not when its prompt asks for a
    rewrite, an edit or a tone itself ("Rewrite this more politely" → "Here is the revised version:").
    """

    id = "QUAL015"
    name = "generator-remark"
    family = "quality"
    severity = Severity.WARNING
    scope = RECORD
    needs = frozenset({"target"})
    shares = frozenset({"quality.messages"})

    def run(self, ctx: Context) -> Iterator[Finding]:
        # a class label is no reply a model wrote: labelled splits are left out
        for split in [s for s in ctx if not ctx.has_labels(s)]:
            final = final_answers(messages(ctx, split))
            found = final.filter(
                pl.col("answer").str.strip_chars_start().str.slice(0, FIRST_LINE).str.contains(REMARK)
            )
            asks = _asks(messages(ctx, split), found["line"].to_list())
            hits = []
            for line, answer in found.select("line", "answer").sort("line").iter_rows():
                opening = remark(answer or "", *asks.get(line, ("", "")))
                if opening is not None:
                    hits.append((line, f'"{snippet(opening, 0, 0, 70)}"', snippet(answer, 0, 0, 160)))
            yield from record_findings(
                self,
                ctx,
                split,
                hits,
                f"{field_name(split, 'response')} opens with a remark on a rewrite nobody asked for",
            )


def _asks(msgs: pl.DataFrame, lines: list[int]) -> dict[int, tuple[str, str]]:
    """Per record in `lines`, its user turns and its system prompt, each joined in turn order."""
    wanted = msgs.filter(pl.col("line").is_in(lines) & pl.col("role").is_in(["user", "system"]))
    joined = wanted.group_by("line", "role").agg(pl.col("content").str.join("\n"))
    out: dict[int, dict[str, str]] = {}
    for line, role, content in joined.iter_rows():
        out.setdefault(line, {})[role] = content
    return {line: (parts.get("user", ""), parts.get("system", "")) for line, parts in out.items()}
