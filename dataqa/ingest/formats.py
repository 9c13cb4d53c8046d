"""Record formats: their names, the keys and roles each accepts, the schema issue kinds, and detection.

How a record in each format becomes the canonical row is `dataqa.ingest.normalisers`; label
inference is `dataqa.ingest.label_inference`, the token estimate `dataqa.ingest.tokens`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHAT = "chat"
SHAREGPT = "sharegpt"
PROMPT_COMPLETION = "prompt_completion"
ALPACA = "alpaca"
CLASSIFICATION = "classification"
PREFERENCE = "preference"
OPENAI_PREFERENCE = "openai_preference"
KTO = "kto"
VERTEX = "vertex"

PREFERENCE_FORMATS = frozenset({PREFERENCE, OPENAI_PREFERENCE})
"""Formats whose records are chosen/rejected pairs (the `rejected` column is set)."""

FORMATS: dict[str, str] = {
    CHAT: 'OpenAI chat: {"messages": [{"role", "content"}, ...]}',
    SHAREGPT: 'ShareGPT: {"conversations": [{"from", "value"}, ...]}',
    PROMPT_COMPLETION: '{"prompt", "completion"}',
    ALPACA: 'Alpaca: {"instruction", "input", "output"}',
    CLASSIFICATION: '{"text", "label"}',
    PREFERENCE: '{"prompt", "chosen", "rejected"}',
    OPENAI_PREFERENCE: 'OpenAI DPO: {"input": {"messages"}, "preferred_output", "non_preferred_output"}',
    KTO: 'KTO: {"prompt", "completion", "label": true|false}',
    VERTEX: 'Vertex AI Gemini: {"contents": [{"role": "user"|"model", "parts"}, ...]}',
}

KNOWN_KEYS: dict[str, frozenset[str]] = {
    # "system" and "schemaVersion": Amazon Bedrock's Claude and Nova fine-tuning records;
    # a root "weight": Fireworks weighted training.
    CHAT: frozenset(
        {"messages", "tools", "functions", "parallel_tool_calls", "system", "schemaVersion", "weight"}
    ),
    SHAREGPT: frozenset({"conversations", "system", "tools"}),
    PROMPT_COMPLETION: frozenset({"prompt", "completion"}),
    ALPACA: frozenset({"instruction", "input", "output", "system", "history"}),
    CLASSIFICATION: frozenset({"text", "label"}),
    PREFERENCE: frozenset({"prompt", "chosen", "rejected", "system", "conversations", "tools"}),
    OPENAI_PREFERENCE: frozenset({"input", "preferred_output", "non_preferred_output"}),
    KTO: frozenset({"prompt", "completion", "label", "system"}),
    VERTEX: frozenset({"contents", "systemInstruction", "system_instruction", "tools"}),
}

CORE_KEYS: dict[str, frozenset[str]] = {
    CHAT: frozenset({"messages"}),
    SHAREGPT: frozenset({"conversations"}),
    PROMPT_COMPLETION: frozenset({"prompt", "completion"}),
    ALPACA: frozenset({"instruction", "input", "output"}),
    CLASSIFICATION: frozenset({"text", "label"}),
    PREFERENCE: frozenset({"prompt", "chosen", "rejected"}),
    OPENAI_PREFERENCE: frozenset({"input", "preferred_output", "non_preferred_output"}),
    KTO: frozenset({"prompt", "completion", "label"}),
    VERTEX: frozenset({"contents"}),
}
"""The keys that make a record its format; any other top-level key is kept in `structure` so a
provider profile can say whether that provider accepts it."""

VERTEX_ROLES: dict[str, str] = {"user": "user", "model": "assistant", "function": "tool"}
"""Gemini `contents` roles (Vertex AI tuning accepts user and model; function is the older
role of function responses)."""

CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
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
UNKNOWN_KEYS = "unknown_keys"
OTHER_FORMAT = "other_format"
EMPTY_SIDE = "empty_side"
PROMPT_MISMATCH = "prompt_mismatch"
SIDE_ENDS_USER = "side_ends_user"

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
    }
)
"""Issue kinds that make a record unfit for training (a provider would reject or mis-train on it)."""


@dataclass(frozen=True)
class RecordIssue:
    """One schema problem in one record; `detail` says which field and how."""

    kind: str
    detail: str


def detect_format(obj: dict[str, Any], label_field: str | None = None) -> str | None:
    """The format a record's keys say it is in, or None when no known format fits."""
    if "messages" in obj:
        return CHAT
    if "conversations" in obj:
        # LLaMA-Factory's ShareGPT preference form: the dialogue, then one chosen and one rejected turn.
        return PREFERENCE if "chosen" in obj and "rejected" in obj else SHAREGPT
    if "contents" in obj:
        return VERTEX
    if "preferred_output" in obj or "non_preferred_output" in obj:
        return OPENAI_PREFERENCE
    if "chosen" in obj and "rejected" in obj:
        return PREFERENCE
    if "instruction" in obj or ("output" in obj and "input" in obj):
        return ALPACA
    if "prompt" in obj and "completion" in obj:
        return KTO if "label" in obj and label_field != "label" else PROMPT_COMPLETION
    if "text" in obj and ("label" in obj or (label_field is not None and label_field in obj)):
        return CLASSIFICATION
    return None
