"""QUAL012 merged-records: a target that runs on into further instruction/response blocks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.quality.common import merged_targets, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.naming import role_name


@register
@dataclass
class MergedRecords(Check):
    """A target holds further instruction/response blocks ("2. Instruction: … Output: …", "### Instruction").

    Why: several records were run together into one answer (a generator that kept going, an export
    that lost its record boundaries); the model learns to answer and then invent new tasks and
    answer those too, and the records in the tail are missing as examples of their own.
    Example: "Give three tips for staying healthy." → "1. Eat well… \\n\\n2. Instruction: Name a
    fruit.\\n2. Input: <noinput>\\n2. Output: Apple".
    Fix: cut the target at the first extra block and, if they are good, make the blocks records of
    their own; the record is not usable as it is. Not reported when the request asks for tasks,
    examples or quiz questions, inside code, or in a split where most targets hold such blocks
    (that is the data's format).
    """

    id = "QUAL012"
    shares = frozenset({"quality.messages", "quality.merged"})
    name = "merged-records"
    family = "quality"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            where = role_name(split, "assistant")
            hits = [
                (line, f"{blocks} instruction block{'s' if blocks != 1 else ''} in {where}", evidence)
                for (line, _turn), (blocks, _at, evidence) in sorted(merged_targets(ctx, split).items())
            ]
            what = "more records run into the target"
            yield from record_findings(self, ctx, split, hits, what, unusable=True)
