"""Record formats: their names, the roles of their messages, the schema issue kinds, and detection.

A format is a record layout (`dataqa.ingest.layouts`, one table of field names and their roles);
how a record in it becomes the canonical row is `dataqa.ingest.normalisers`; label inference is
`dataqa.ingest.label_inference`, the token estimate `dataqa.ingest.tokens`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.ingest.detection import detect_layout
from dataqa.ingest.layouts import (
    ALPACA,
    CHAT,
    CLASSIFICATION,
    KTO,
    LAYOUTS,
    MAPPED,
    OPENAI_PREFERENCE,
    PAIR,
    PREFERENCE,
    PROMPT_COMPLETION,
    SHAREGPT,
    TEXT,
    VERTEX,
    Layout,
)

__all__ = [
    "ALPACA",
    "CHAT",
    "CLASSIFICATION",
    "KTO",
    "MAPPED",
    "OPENAI_PREFERENCE",
    "PAIR",
    "PREFERENCE",
    "PROMPT_COMPLETION",
    "SHAREGPT",
    "TEXT",
    "VERTEX",
]

PREFERENCE_FORMATS = frozenset({PREFERENCE, OPENAI_PREFERENCE})
"""Kinds whose records are chosen/rejected pairs (the `rejected` column is set)."""

FORMATS: dict[str, str] = {name: layout.title for name, layout in LAYOUTS.items()}
"""Every built-in layout by name (what `--format` accepts), with its one-line description."""


def describe(name: str | None, layout: Layout | None = None) -> str:
    """A layout's one-line description, for messages: the built-in title, or the user's field map."""
    if layout is not None:
        return layout.summary
    return FORMATS.get(name or "", name or "no known layout")


def kind_of(name: str | None) -> str | None:
    """The kind of a built-in layout name (KTO for "kto_messages"); a kind's own name maps to itself."""
    layout = LAYOUTS.get(name or "")
    return layout.kind if layout is not None else name


VERTEX_ROLES: dict[str, str] = {"user": "user", "model": "assistant", "function": "tool"}
"""Gemini `contents` roles (Vertex AI tuning accepts user and model; function is the older
role of function responses)."""

CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
CALL_ROLES = ("function_call", "function call", "function-call", "tool_call", "tool call")
"""Roles that name the turn in which the assistant calls a tool, its content the call (a {name,
arguments} object or a list of them, or that as a JSON string): ShareGPT's "function_call" (Glaive,
LLaMA-Factory), "function call" (HammerBench's OpenAI-style messages)."""
CHAT_ROLE_ALIASES: dict[str, str] = {"ipython": "tool"} | dict.fromkeys(CALL_ROLES, "assistant")
"""Chat roles other model families write for one of `CHAT_ROLES`: Llama 3.1's "ipython" is the tool
role (what a tool or its code interpreter returned), a call role (`CALL_ROLES`) the assistant's. Read
as that role; the role as written stays in the record's structure (`Structure.roles_written`), so a
provider's rules judge what it is sent."""
COHERE_ROLES: dict[str, str] = {"system": "system", "user": "user", "chatbot": "assistant"}
"""Cohere's chat fine-tuning roles ("System", "User", "Chatbot"): a conversation with a "Chatbot"
turn is written in them, so its capitalised roles are its convention, not a typo of OpenAI's."""
SYSTEM_ROLES = frozenset({"system", "developer"})
SHAREGPT_ROLES: dict[str, str] = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "model": "assistant",
    "bard": "assistant",
    "bing": "assistant",
    "bot": "assistant",
    "function_call": "assistant",
    "observation": "tool",
    "tool": "tool",
    "function": "tool",
}

# Issue kinds; each is reported by exactly one FMT check.
MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
UNKNOWN_ROLE = "unknown_role"
EMPTY_CONTENT = "empty_content"
NO_TARGET = "no_target"
LAST_NOT_ASSISTANT = "last_not_assistant"
TURN_ORDER = "turn_order"
LEADING_ASSISTANT = "leading_assistant"
"""A conversation the assistant opens (an agent's greeting first: Schema-Guided Dialogue, Taskmaster,
support logs). Not blocking: OpenAI, Azure, Mistral and Fireworks state no rule on the first turn, and a
model taught to greet first is a shape some deployments want. FMT013 reports it where the split's other
conversations open with the user (a turn lost or swapped); a provider whose rules say the user opens
(`opens` in its profile: Bedrock, Together) refuses it (PROV002)."""
NO_REQUEST = "no_request"
"""An assistant reply in a conversation with no user turn at all (a system prompt, then the answer: the
OpenAI cookbook's planted "missing user message"). Not blocking, as `LEADING_ASSISTANT` is not, but
never a split's shape: FMT013 reports every one."""
OPENING_SHARE = 0.25
"""Share of a split's records the assistant opens (before a user turn) from which that opening is the
split's shape: a lost or swapped turn is a record here and there, not a quarter of them; ESConv's
supporters greet first in a third of its dialogues."""
OPENING_RECORDS = 3
"""Fewer records the assistant opens than this say nothing about a split's shape (a file of one or two)."""
UNKNOWN_KEYS = "unknown_keys"
MARKED = "marked"
"""A top-level field the layout does not read that holds the record's own verdict (`dataqa.ingest.marks`:
"status": "rejected", "deleted": true); QUAL016 reports the records it drops. Not blocking."""
OTHER_FORMAT = "other_format"
EMPTY_SIDE = "empty_side"
PROMPT_MISMATCH = "prompt_mismatch"
SIDE_ENDS_USER = "side_ends_user"
DUPLICATE_CHOICE = "duplicate_choice"
"""Two choices of one multiple-choice question with the same text (`dataqa.ingest.choices`; FMT022).
Not blocking: the question is still asked, but offers one choice twice, or its right answer at two
positions."""
TIE = "tie"
"""A pairwise comparison whose verdict prefers neither side: no preference pair (PREF007)."""

BLOCKING_KINDS = frozenset(
    {
        MISSING_FIELD,
        WRONG_TYPE,
        UNKNOWN_ROLE,
        EMPTY_CONTENT,
        NO_TARGET,
        LAST_NOT_ASSISTANT,
        TURN_ORDER,
        OTHER_FORMAT,
        EMPTY_SIDE,
        PROMPT_MISMATCH,
        SIDE_ENDS_USER,
        TIE,
    }
)
"""Issue kinds that make a record unfit for training (a provider would reject or mis-train on it)."""


@dataclass(frozen=True)
class RecordIssue:
    """One schema problem in one record; `detail` says which field and how."""

    kind: str
    detail: str


def opening_is_shape(issues: list[tuple[int, RecordIssue]], rows: int) -> bool:
    """Whether many of a split's conversations open with the assistant (`OPENING_SHARE` of its `rows`,
    at least `OPENING_RECORDS`): an agent's greeting first is then the set's shape, said by no finding
    (`without_openings`); a few openings among conversations the user opens are each reported (FMT013)."""
    opening = {line for line, issue in issues if issue.kind == LEADING_ASSISTANT}
    return len(opening) >= max(OPENING_RECORDS, OPENING_SHARE * rows)


def without_openings(issues: list[tuple[int, RecordIssue]]) -> list[tuple[int, RecordIssue]]:
    """The record issues but the assistant openings (a split whose shape they are: `opening_is_shape`)."""
    return [(line, issue) for line, issue in issues if issue.kind != LEADING_ASSISTANT]


def detect_format(obj: dict[str, Any], label_field: str | None = None) -> str | None:
    """The built-in layout a record's keys say it is in, or None when no layout fits."""
    layout = detect_layout(obj, label_field)
    return layout.name if layout is not None else None
