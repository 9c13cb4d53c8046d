"""PREF002 empty-side: pairs with an empty side, which compare an answer with nothing."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.preference.base import PairIssueCheck
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class EmptySide(PairIssueCheck):
    """A preference pair whose chosen or rejected side is empty (or a conversation with no answer).

    Full-transcript sides count too: a side that is a list of messages, or an HH-style
    "Human: ... Assistant: ..." string, whose last assistant turn is empty.
    Why: with one side empty the pair compares an answer with nothing; DPO learns "say
    anything" rather than which answer is better.
    Example: `{"prompt": "...", "chosen": "Sure, ...", "rejected": ""}`.
    Fix: write the missing answer or drop the pair.
    """

    id = "PREF002"
    name = "empty-side"
    family = "preference"
    kind = formats.EMPTY_SIDE
