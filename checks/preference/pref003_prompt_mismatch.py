"""PREF003 prompt-mismatch: pairs whose sides answer different prompts, which teach noise."""

from __future__ import annotations

from dataclasses import dataclass

from dataqa.checks.preference.base import PairIssueCheck
from dataqa.engine.registry import register
from dataqa.ingest import formats


@register
@dataclass
class PromptMismatch(PairIssueCheck):
    """The chosen and rejected sides answer different prompts (implicit-prompt or conversational pairs).

    The message names the turn where the two sides part and, inside it, the character and word
    where their texts first differ, with a little context.
    Why: a preference is only meaningful between two answers to the same conversation; a pair
    built from two different conversations (a join or shuffle gone wrong) teaches noise.
    Example: chosen = [user "Reset my password", assistant ...], rejected = [user "Cancel my
    order", assistant ...].
    Fix: rebuild the pair from one conversation, or move the shared prompt into "prompt".
    """

    id = "PREF003"
    name = "prompt-mismatch"
    family = "preference"
    kind = formats.PROMPT_MISMATCH
