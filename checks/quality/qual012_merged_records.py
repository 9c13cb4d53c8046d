"""QUAL012 merged-records: a target that runs on into further instruction/response blocks or the next turn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.quality.common import summary_record_findings
from dataqa.checks.quality.merged_targets import merged_is_format, merged_survey
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.naming import role_name


@register
@dataclass
class MergedRecords(Summarised):
    """A target runs on into further instruction/response blocks or into the asking side's next turn.

    Blocks: "2. Instruction: … Output: …", "### Instruction". A turn: "… a urinalysis.Patient: Okay,
    what other tests do I need?" (the generator wrote the other side's reply too).

    Why: several records were run together into one answer (a generator that kept going, an export
    that lost its record boundaries); the model learns to answer and then invent new tasks and
    answer those too, and the records in the tail are missing as examples of their own.
    Example: "Give three tips for staying healthy." → "1. Eat well… \\n\\n2. Instruction: Name a
    fruit.\\n2. Input: <noinput>\\n2. Output: Apple".
    Fix: cut the target at the first extra block or turn and, if they are good, make the blocks records
    of their own; the record is not usable as it is. Not reported when the request asks for tasks,
    examples or quiz questions (for a turn: a dialogue, a script, an FAQ, or the prompt writes that
    label itself), inside code, or in a split where most targets hold such blocks (the data's format).
    """

    id = "QUAL012"
    shares = frozenset({"quality.messages", "quality.merged"})
    name = "merged-records"
    family = "quality"
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: targets holding further blocks (all, and those reported unless it is the
        split's format) and records with an answer."""
        out = {}
        for split in ctx:
            survey = merged_survey(ctx, split)
            out[split.name] = {
                "counted": survey.counted,
                "answers": survey.answers,
                "found": len(survey.found),
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The splits with merged targets where blocks in targets are not the format."""
        splits = summary["splits"].items()
        return [
            n for n, s in splits if s["found"] and not merged_is_format(s["counted"], s["answers"])
        ] or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of each merged target of the wanted splits, in record order."""
        out = {}
        for name in wanted:
            split = ctx.splits[name]
            where = role_name(split, "assistant")
            found = sorted(merged_survey(ctx, split).found.items())
            out[name] = [
                (line, f"{what} in {where}", evidence) for (line, _turn), (what, _at, evidence) in found
            ]
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        yield from summary_record_findings(
            self, ctx, summary, lambda split: "more records run into the target", unusable=True
        )
