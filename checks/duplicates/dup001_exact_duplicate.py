"""DUP001 exact-duplicate: records identical character for character."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.duplicates.base import DuplicateCheck, exact_groups, groups_of, other_lines
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, register
from dataqa.ingest import tool_text
from dataqa.ingest.choices import ALIKE
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.text import copies


@register
@dataclass
class ExactDuplicate(DuplicateCheck):
    """Records whose prompt and response are identical, character for character.

    Why: every copy is trained on again, so a few examples weigh more than the rest, and the data
    set looks bigger than it is. The system prompt is not compared (it is often shared by design).
    Example: the same support ticket and reply exported twice, at lines 12 and 4,810.
    Fix: keep the first record of each group (`dataqa clean` does it) and find out why the export
    repeated it.
    Multiple-choice records are compared by their question and right choice (`dataqa.ingest.choices`):
    the same question answered alike among other distractors is one item taught twice.
    A tool conversation is compared on what is said and called (`dataqa.ingest.tool_text`): its
    tools' results and its calls' ids are left out, so a conversation generated twice, its calls
    given new ids or its simulated results redrawn, is one example taught twice.
    A preference pair's rejected answer is compared too: one prompt and chosen answer over two
    rejected answers (an all-pairs DPO set) are two pairs, each teaching another contrast.
    """

    id = "DUP001"
    name = "exact-duplicate"
    family = "duplicates"
    severity = Severity.WARNING
    scope = GROUP
    grouping = copies.GROUPING
    shares = frozenset({"copies", "copy_texts", "distinct"})

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        return groups_of(exact_groups(ctx, split), "rep")

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        others = other_lines(ctx, split, group)
        if ctx.splits[split].kind == MULTIPLE_CHOICE:
            said = f"{len(group)} copies of {first} ({others} repeat it: {ALIKE})"
        elif tool_text.shows_calls(texts.get(group[0], "")):
            said = f"{len(group)} copies of {first} ({others} repeat it: {tool_text.ALIKE})"
        else:
            said = f"{len(group)} identical copies of {first} ({others} repeat it)"
        return (
            said,
            {"similarity": 1.0},
        )
