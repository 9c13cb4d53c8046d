"""PREF004 side-ends-on-user: conversational sides ending on a user turn, misaligned."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.preference.base import PairIssueCheck
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class SideEndsOnUser(PairIssueCheck):
    """A conversational chosen or rejected side ends on a user (or tool) turn instead of the answer.

    An HH-style "Human: ... Assistant: ..." string that ends on a "Human:" turn counts too.
    Why: the compared answer is the final assistant turn; a side that ends with the user's next
    message compares truncated or misaligned dialogues.
    Example: chosen = [user, assistant, user].
    Fix: cut the trailing turn or add the assistant's answer to it on both sides.
    """

    id = "PREF004"
    name = "side-ends-on-user"
    family = "preference"
    kind = formats.SIDE_ENDS_USER
