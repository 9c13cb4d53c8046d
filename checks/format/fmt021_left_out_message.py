"""FMT021 left-out-message: conversation-tree messages in no thread (withdrawn, or unanswered)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.format.base import LoadIssueCheck
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest import issues


@register
@dataclass
class LeftOutMessage(LoadIssueCheck):
    """An OpenAssistant conversation tree holds messages in no thread: withdrawn replies, lone prompts.

    Withdrawn: marked `deleted`, or with `review_result` false; unanswered: a prompt with no
    assistant reply. dataqa reads neither.

    Why: moderators withdrew those replies (spam, abuse, wrong or low-effort answers), and a prompt
    nobody answered teaches nothing; dataqa leaves both out, as OpenAssistant's own training does,
    but a script that reads the export row by row or path by path without the same filter trains
    on them.
    Example: an assistant reply `{"text": "Buy a boiled one.", "deleted": true}` under a prompt; a
    tree in the state `prompt_lottery_waiting` that holds its prompt alone.
    Fix: drop messages with `deleted` true or `review_result` false (and what is below them), and
    trees without an assistant reply, before training, as dataqa did when it read the file.
    """

    id = "FMT021"
    name = "left-out-message"
    family = "format"
    severity = Severity.INFO
    kind = issues.WITHDRAWN

    def matches(self, issue: issues.LoadIssue) -> bool:
        return issue.kind in (issues.WITHDRAWN, issues.UNANSWERED)

    def run(self, ctx: Context) -> Iterator[Finding]:
        """One finding a withdrawn message, one for all the prompts of a split nobody answered."""
        total = 0
        for split in ctx:
            unanswered = []
            for issue in split.load_issues:
                if issue.kind == issues.WITHDRAWN:
                    total += 1
                    loc = ctx.location(split, issue.line)
                    yield self.finding(issue.detail, [loc], [issue.excerpt] if issue.excerpt else [])
                elif issue.kind == issues.UNANSWERED:
                    total += 1
                    unanswered.append(issue)
            if unanswered:
                alone = (
                    ""
                    if split.rows
                    else "; the file holds prompts alone (as OpenAssistant's *_prompts.messages export): "
                    "data to generate answers for, not conversations to fine-tune on"
                )
                yield self.finding(
                    f"{len(unanswered):,} prompt(s) with no assistant reply (yet): no thread to read, "
                    f"so they are not read{alone}",
                    [ctx.location(split, i.line) for i in unanswered],
                    [i.excerpt for i in unanswered[:3] if i.excerpt],
                )
        self.metrics["messages"] = total
