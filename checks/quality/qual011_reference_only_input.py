"""QUAL011 reference-only-input: a task on some content gets only its URL or file name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.quality.common import record_findings, reference_only_requests
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.naming import role_name


@register
@dataclass
class ReferenceOnlyInput(Check):
    """A task that needs some content (summarise, translate, review…) gets only its URL or file name.

    Why: the example does not hold what the answer is about, so the answer is made up from the link's
    words; the model learns to summarise pages it cannot read and files it was never given, which
    is hallucination on request. Scraped and generated instruction sets carry such rows.
    Example: "Summarize the article: https://news.example.org/2023/remote-work" → "The article argues…";
    "Translate the attached file report.pdf" → "Le rapport…".
    Fix: put the content itself in the input (the article's text, the file's text), or drop the
    record. The record is not usable as it is. Not reported when the record holds the content
    elsewhere (a long input, an earlier turn, the system prompt), for code tasks where a URL or a
    file name is data ("write a function that parses this URL", "read data.csv"), nor when the
    answer says it cannot open links (QUAL001's).
    """

    id = "QUAL011"
    shares = frozenset({"quality.messages", "quality.reference_only"})
    name = "reference-only-input"
    family = "quality"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            hits = [
                (line, f"{kind} in {role_name(split, 'user')}", evidence)
                for line, kind, evidence in reference_only_requests(ctx, split)
            ]
            yield from record_findings(
                self,
                ctx,
                split,
                hits,
                "the content this task needs is given only by reference",
                unusable=True,
            )
