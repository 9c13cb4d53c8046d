"""Record formats: detect which one a record uses and normalise it into the canonical columns.

Every format (OpenAI chat, ShareGPT, prompt/completion, Alpaca, text/label classification,
preference pairs) becomes the same row shape, so every check works for every format:

- `system`: the system prompt ("" when none);
- `prompt`: the input side (a single user turn as is; several turns as "role: content" lines);
- `response`: the target side (the final assistant reply, completion, output, chosen answer, label);
- `label`: an explicit label, or the reply when replies form a small closed set (see `infer_labels`);
- `rejected`: the rejected answer of a preference pair;
- `turns`: every message as (role, content), system included (stored flat in `Split.turns`);
- `structure`: what the text columns lose (tools, tool calls and results, content parts, images,
  weights, extra keys) as compact JSON, null for plain records (see `dataqa.ingest.structure`);
- `n_turns`, `n_chars`, `n_tokens` (estimated: see `estimate_tokens`; the example's tool
  definitions count, as providers put them in the prompt), and `text`, the prompt and
  response that similarity checks compare (the system prompt is left out on purpose: a shared
  system prompt does not make two examples alike).

Schema problems found on the way are returned as `RecordIssue`s; the FMT checks report them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import polars as pl

from dataqa.ingest.load import json_type
from dataqa.ingest.structure import Structure

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


def estimate_tokens(text: str) -> int:
    """Estimated tokens: ASCII at about 4 characters a token, any other character as one token.

    The 4-characters rule is the usual figure for English under BPE tokenisers; counting each
    non-ASCII character as a token errs on the high side for accented text and is close for CJK,
    so limits are enforced conservatively. No tokenizer download is needed.
    """
    if not text:
        return 0
    if text.isascii():  # a flag of the string's storage: no scan, no copy
        return math.ceil(len(text) / 4)
    non_ascii = len(text.encode("utf-8", errors="surrogatepass")) - len(text)
    non_ascii_chars = 0 if non_ascii == 0 else sum(1 for ch in text if ord(ch) > 127)
    return math.ceil((len(text) - non_ascii_chars) / 4) + non_ascii_chars


def estimate_tokens_expr(text: pl.Expr) -> pl.Expr:
    """`estimate_tokens` as a vectorised polars expression (tests keep the two in agreement)."""
    non_ascii = text.map_batches(_non_ascii_chars, return_dtype=pl.Int64, is_elementwise=True)
    chars = text.str.len_chars().fill_null(0)
    return ((chars - non_ascii) / 4).ceil().cast(pl.Int64) + non_ascii


def non_ascii_rows(texts: pl.Series) -> pl.Series:
    """Positions of the texts with a character above U+007F (their UTF-8 is longer than their
    characters). Most fine-tuning text is ASCII: costly Unicode work runs on these rows only."""
    return (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False).arg_true()


def _non_ascii_chars(texts: pl.Series) -> pl.Series:
    """Characters above U+007F in each text (0 for null); the regex count is the cost."""
    texts = texts.cast(pl.String)
    counts = pl.zeros(texts.len(), dtype=pl.Int64, eager=True)
    at = non_ascii_rows(texts)
    if len(at):
        counts = counts.scatter(at, texts.gather(at).str.count_matches(r"[^\x00-\x7F]").cast(pl.Int64))
    return counts


TOKENS_PER_MESSAGE = 4
"""Role and separator tokens a chat template adds around each message (OpenAI's cookbook uses 3-4)."""


class _Record:
    """Collects one record's canonical fields and issues while it is normalised."""

    def __init__(self) -> None:
        self.issues: list[RecordIssue] = []
        self.turns: list[tuple[str, str]] = []
        self.label: str | None = None
        self.rejected: str | None = None
        self.prompt_override: str | None = None
        self.structure = Structure()
        self.tool_tokens = 0
        """Estimated tokens of the tool definitions sent with the example (they count toward limits)."""

    def issue(self, kind: str, detail: str) -> None:
        self.issues.append(RecordIssue(kind, detail))


def _text_of(
    value: Any, where: str, rec: _Record, allow_null: bool = False, role: str | None = None, turn: int = -1
) -> str | None:
    """A content value as text: strings as they are, lists of typed parts joined by their text parts.

    Every part is classified into `rec.structure` (its type, and what is wrong with its keys);
    tool calls and results written as parts are recorded there too.
    """
    if isinstance(value, str):
        return value
    if value is None:
        if not allow_null:
            rec.issue(WRONG_TYPE, f"{where} is null; expected a string")
        return None
    if isinstance(value, list):
        texts: list[str] = []
        for i, part in enumerate(value):
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                text = rec.structure.part(f"{where}[{i}]", role, part, turn)
                if text is not None:
                    texts.append(text)
            else:
                rec.issue(WRONG_TYPE, f"{where}[{i}] is a {json_type(part)}; expected a content part object")
        return "\n".join(texts)
    rec.issue(WRONG_TYPE, f"{where} is a {json_type(value)}; expected a string")
    return None


def _messages(
    value: Any, where: str, rec: _Record, role_key: str, content_key: str, role_map: dict[str, str] | None
) -> list[dict[str, Any]]:
    """Validate a list of messages into (role, content, has_tool_calls) and fill `rec.turns`."""
    if not isinstance(value, list):
        rec.issue(WRONG_TYPE, f"{where} is a {json_type(value)}; expected an array of messages")
        return []
    out: list[dict[str, Any]] = []
    st = rec.structure
    base = st.next_turn
    st.next_turn += len(value)
    for i, msg in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(msg, dict):
            rec.issue(WRONG_TYPE, f"{at} is a {json_type(msg)}; expected an object")
            continue
        role = msg.get(role_key)
        if role is None:
            rec.issue(MISSING_FIELD, f'{at} has no "{role_key}"')
            continue
        if not isinstance(role, str):
            rec.issue(WRONG_TYPE, f"{at}.{role_key} is a {json_type(role)}; expected a string")
            continue
        if role_map is not None:
            canonical = role_map.get(role.lower())
        else:
            canonical = role if role in CHAT_ROLES else None
        if canonical is None:
            rec.issue(UNKNOWN_ROLE, f'{at}.{role_key} is "{role[:40]}"')
            continue
        if st.collect and len(msg) > 2:
            extra = sorted(k[:40] for k in msg if k not in (role_key, content_key))
            if extra:
                st.message_keys.append({"at": at, "keys": extra[:10]})
        sharegpt_call = role_map is SHAREGPT_ROLES and role.lower() == "function_call"
        tool_calls = msg.get("tool_calls") or msg.get("function_call") or sharegpt_call
        if content_key not in msg and not tool_calls:
            rec.issue(MISSING_FIELD, f'{at} ({canonical}) has no "{content_key}"')
            continue
        turn = base + i
        before = len(st.events)
        if sharegpt_call:
            st.message_calls(msg, at, turn, sharegpt=True)
            content = msg.get(content_key) if isinstance(msg.get(content_key), str) else None
            if content is None:
                content = _text_of(msg.get(content_key), f"{at}.{content_key}", rec, allow_null=True)
        else:
            calls_made = st.message_calls(msg, at, turn) if tool_calls else []
            content = _text_of(
                msg.get(content_key), f"{at}.{content_key}", rec, bool(tool_calls), canonical, turn
            )
            if calls_made:
                calls = orjson.dumps(calls_made, option=orjson.OPT_SORT_KEYS, default=repr).decode()
                content = f"{content}\n{calls}" if content else calls
        new = st.events[before:]
        if not tool_calls and any(e["kind"] == "call" for e in new):
            tool_calls = True  # calls written as content parts (Gemini functionCall, Claude tool_use)
            content = content or orjson.dumps(msg.get(content_key), default=repr).decode()
        results = [e for e in new if e["kind"] == "result"]
        if canonical == "user" and results and len(results) == len(new) and not (content or "").strip():
            canonical = "tool"  # a user turn that only returns function results
            content = orjson.dumps(msg.get(content_key), default=repr).decode()
        if canonical in ("tool", "function") and not results:
            st.result(at, turn, msg.get("tool_call_id"), msg.get("name"))
        if content is None and not tool_calls:
            continue
        if "weight" in msg:
            weight = msg["weight"]
            if st.collect:
                st.weights.append({"at": at, "role": canonical, "value": weight})
            if weight not in (0, 1) or isinstance(weight, bool):
                rec.issue(WRONG_TYPE, f"{at}.weight is {weight!r}; expected 0 or 1")
        out.append({"role": canonical, "content": content or "", "tool_calls": bool(tool_calls), "at": at})
    return out


def _check_turns(msgs: list[dict[str, Any]], where: str, rec: _Record, need_target: bool = True) -> None:
    """Turn-order rules shared by every conversational format."""
    seen_other = False
    previous: str | None = None
    for msg in msgs:
        role, at = msg["role"], msg["at"]
        if role in SYSTEM_ROLES:
            if seen_other:
                rec.issue(TURN_ORDER, f"{at}: system message after the conversation started")
        else:
            if not seen_other and role == "assistant":
                rec.issue(TURN_ORDER, f"{at}: conversation starts with the assistant, not the user")
            if role == previous and role in ("user", "assistant") and not msg["tool_calls"]:
                rec.issue(TURN_ORDER, f"{at}: two {role} messages in a row")
            if role == "tool" and previous not in ("assistant", "tool"):
                rec.issue(TURN_ORDER, f"{at}: tool result without a preceding assistant tool call")
            seen_other = True
            previous = role
        if (
            not msg["content"].strip()
            and not msg["tool_calls"]
            and not (role == "assistant" and msg is msgs[-1])
        ):
            rec.issue(EMPTY_CONTENT, f"{at} ({role}) is empty")
    if not need_target:
        return
    assistants = [m for m in msgs if m["role"] == "assistant"]
    if not assistants:
        rec.issue(NO_TARGET, f"{where} has no assistant message to learn from")
    elif msgs[-1]["role"] != "assistant":
        rec.issue(LAST_NOT_ASSISTANT, f"{where} ends with a {msgs[-1]['role']} message, not the assistant")
    elif not msgs[-1]["content"].strip():
        rec.issue(NO_TARGET, f"{msgs[-1]['at']}: the final assistant message is empty")


def _string_field(
    obj: dict[str, Any], key: str, rec: _Record, required: bool = True, target: bool = False
) -> str:
    """A required or optional string field; empty targets are NO_TARGET, empty inputs EMPTY_CONTENT."""
    if key not in obj:
        if required:
            rec.issue(MISSING_FIELD, f'no "{key}" field')
        return ""
    value = _text_of(obj[key], key, rec, allow_null=not required)
    if value is None:
        return ""
    if required and not value.strip():
        rec.issue(NO_TARGET if target else EMPTY_CONTENT, f'"{key}" is empty')
    return value


def _conversation(value: Any, where: str, rec: _Record, need_target: bool = True) -> list[dict[str, Any]]:
    msgs = _messages(value, where, rec, "role", "content", None)
    _check_turns(msgs, where, rec, need_target)
    return msgs


def _system_field(obj: dict[str, Any], key: str, rec: _Record) -> dict[str, Any] | None:
    """A top-level system prompt (Bedrock "system", Gemini "systemInstruction") as a leading message."""
    if key not in obj or obj[key] is None:
        return None
    value = obj[key]
    if isinstance(value, dict) and "parts" in value:  # Gemini Content object
        value = value["parts"]
        where = f"{key}.parts"
    else:
        where = key
    text = _text_of(value, where, rec, role="system")
    if text is None or not text.strip():
        return None
    rec.structure.system_field = True
    return {"role": "system", "content": text, "tool_calls": False, "at": key}


def _normalise_chat(obj: dict[str, Any], rec: _Record) -> None:
    if "messages" not in obj:
        rec.issue(MISSING_FIELD, 'no "messages" field')
        return
    for key in ("tools", "functions"):
        if key in obj:
            rec.structure.set_tools(obj[key], key)
    system = _system_field(obj, "system", rec)
    msgs = _messages(obj["messages"], "messages", rec, "role", "content", None)
    if system:
        msgs.insert(0, system)
    _check_turns(msgs, "messages", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_sharegpt(obj: dict[str, Any], rec: _Record) -> None:
    if "conversations" not in obj:
        rec.issue(MISSING_FIELD, 'no "conversations" field')
        return
    if "tools" in obj:
        rec.structure.set_tools(obj["tools"], "tools")
    msgs = _messages(obj["conversations"], "conversations", rec, "from", "value", SHAREGPT_ROLES)
    if isinstance(obj.get("system"), str) and obj["system"].strip():
        rec.structure.system_field = True
        msgs.insert(0, {"role": "system", "content": obj["system"], "tool_calls": False, "at": "system"})
    _check_turns(msgs, "conversations", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_vertex(obj: dict[str, Any], rec: _Record) -> None:
    """Gemini tuning records: `contents` of {role: user|model, parts}, optional `systemInstruction`."""
    if "tools" in obj:
        rec.structure.set_tools(obj["tools"], "tools")
    key = "systemInstruction" if "systemInstruction" in obj else "system_instruction"
    system = _system_field(obj, key, rec)
    msgs = _messages(obj["contents"], "contents", rec, "role", "parts", VERTEX_ROLES)
    if system:
        msgs.insert(0, system)
    _check_turns(msgs, "contents", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_prompt_completion(obj: dict[str, Any], rec: _Record) -> None:
    prompt = _string_field(obj, "prompt", rec)
    completion = _string_field(obj, "completion", rec, target=True)
    rec.turns = [("user", prompt), ("assistant", completion)]


def _normalise_alpaca(obj: dict[str, Any], rec: _Record) -> None:
    system = _string_field(obj, "system", rec, required=False)
    instruction = _string_field(obj, "instruction", rec)
    extra = _string_field(obj, "input", rec, required=False)
    output = _string_field(obj, "output", rec, target=True)
    prompt = f"{instruction}\n\n{extra}" if extra.strip() else instruction
    rec.turns = ([("system", system)] if system.strip() else []) + [("user", prompt), ("assistant", output)]


def _label_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return orjson.dumps(value).decode()
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _normalise_classification(obj: dict[str, Any], rec: _Record, label_field: str | None) -> None:
    text = _string_field(obj, "text", rec)
    key = label_field if label_field and label_field in obj else "label"
    if key not in obj:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        label = None
    else:
        label = _label_text(obj[key])
        if label is None or not label.strip():
            rec.issue(NO_TARGET, f'"{key}" is empty')
    rec.label = label
    rec.turns = [("user", text), ("assistant", label or "")]


HH_ASSISTANT = "\n\nAssistant:"
"""The marker before each reply in Anthropic HH-style pairs written as one string per side."""


def _side(obj: dict[str, Any], key: str, rec: _Record) -> tuple[list[tuple[str, str]] | None, str]:
    """One side of a preference pair: (the turns before its answer, the answer).

    A side is a string (the answer alone, or a whole HH-style dialogue), or a conversation whose
    final assistant message is the answer. The turns are None when the side carries no prompt.
    """
    if key not in obj:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        return None, ""
    value = obj[key]
    if isinstance(value, dict) and "from" in value:  # LLaMA-Factory: one ShareGPT turn
        value = [value]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        if "from" in value[0]:
            msgs = _messages(value, key, rec, "from", "value", SHAREGPT_ROLES)
        else:
            msgs = _messages(value, key, rec, "role", "content", None)
        last_answer = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
        if last_answer is None or not msgs[last_answer]["content"].strip():
            rec.issue(EMPTY_SIDE, f'"{key}" has no assistant answer')
            return [(m["role"], m["content"]) for m in msgs], ""
        if msgs[-1]["role"] != "assistant":
            rec.issue(SIDE_ENDS_USER, f'"{key}" ends with a {msgs[-1]["role"]} message, not the answer')
        prefix = [(m["role"], m["content"]) for m in msgs[:last_answer]]
        return prefix or None, msgs[last_answer]["content"]
    text = _text_of(value, key, rec) or ""
    if not text.strip():
        rec.issue(EMPTY_SIDE, f'"{key}" is empty')
        return None, text
    cut = text.rfind(HH_ASSISTANT)
    if "prompt" not in obj and cut > 0 and "Human:" in text[:cut]:
        return [("user", text[: cut + len(HH_ASSISTANT)])], text[cut + len(HH_ASSISTANT) :].strip()
    return None, text


def _pair(obj: dict[str, Any], rec: _Record, chosen_key: str, rejected_key: str) -> tuple[list, str]:
    """Read both sides of a pair; the rejected side is not trained towards, so its structure is not kept."""
    chosen_prefix, chosen = _side(obj, chosen_key, rec)
    st = rec.structure
    st.collect, turns = False, st.next_turn
    rejected_prefix, rec.rejected = _side(obj, rejected_key, rec)
    st.collect, st.next_turn = True, turns
    a = [(r, c.strip()) for r, c in chosen_prefix or []]
    b = [(r, c.strip()) for r, c in rejected_prefix or []]
    if a != b:
        i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        if i < min(len(a), len(b)):
            where = f"turn {i + 1} differs ({a[i][0]}: {a[i][1][:40]!r} vs {b[i][0]}: {b[i][1][:40]!r})"
        else:
            where = f"{len(a)} and {len(b)} turns before the answer"
        rec.issue(
            PROMPT_MISMATCH, f'"{chosen_key}" and "{rejected_key}" answer different conversations: {where}'
        )
    return chosen_prefix or [], chosen


def _normalise_preference(obj: dict[str, Any], rec: _Record) -> None:
    system = _string_field(obj, "system", rec, required=False)
    prompt_value = obj.get("prompt")
    turns: list[tuple[str, str]] = [("system", system)] if system.strip() else []
    if isinstance(prompt_value, list):
        msgs = _conversation(prompt_value, "prompt", rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    elif "prompt" in obj:
        turns.append(("user", _string_field(obj, "prompt", rec)))
    elif "conversations" in obj:
        if "tools" in obj:
            rec.structure.set_tools(obj["tools"], "tools")
        msgs = _messages(obj["conversations"], "conversations", rec, "from", "value", SHAREGPT_ROLES)
        _check_turns(msgs, "conversations", rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    prefix, chosen = _pair(obj, rec, "chosen", "rejected")
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_openai_preference(obj: dict[str, Any], rec: _Record) -> None:
    """OpenAI (and Together) DPO records: `input.messages`, `preferred_output`, `non_preferred_output`."""
    turns: list[tuple[str, str]] = []
    inp = obj.get("input")
    if not isinstance(inp, dict):
        rec.issue(MISSING_FIELD if inp is None else WRONG_TYPE, '"input" must be an object with "messages"')
    elif "messages" not in inp:
        rec.issue(MISSING_FIELD, 'no "input.messages" field')
    else:
        if "tools" in inp:
            rec.structure.set_tools(inp["tools"], "input.tools")
        msgs = _conversation(inp["messages"], "input.messages", rec, need_target=False)
        turns = [(m["role"], m["content"]) for m in msgs]
    prefix, chosen = _pair(obj, rec, "preferred_output", "non_preferred_output")
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_kto(obj: dict[str, Any], rec: _Record) -> None:
    """KTO unpaired records: a prompt, one completion and a boolean label (desirable or not)."""
    system = _string_field(obj, "system", rec, required=False)
    turns: list[tuple[str, str]] = [("system", system)] if system.strip() else []
    if isinstance(obj.get("prompt"), list):
        turns += [(m["role"], m["content"]) for m in _conversation(obj["prompt"], "prompt", rec, False)]
    else:
        turns.append(("user", _string_field(obj, "prompt", rec)))
    completion = obj.get("completion")
    if isinstance(completion, list):
        msgs = _messages(completion, "completion", rec, "role", "content", None)
        answers = [m["content"] for m in msgs if m["role"] == "assistant"]
        answer = answers[-1] if answers else ""
        if not answer.strip():
            rec.issue(NO_TARGET, '"completion" has no assistant answer')
    else:
        answer = _string_field(obj, "completion", rec, target=True)
    label = obj.get("label")
    if not isinstance(label, bool):
        rec.issue(WRONG_TYPE, f'"label" is a {json_type(label)}; KTO labels are true (desirable) or false')
    else:
        rec.label = "true" if label else "false"
    rec.turns = [*turns, ("assistant", answer)]


def normalise(obj: dict[str, Any], fmt: str, label_field: str | None = None) -> dict[str, Any]:
    """Normalise one record in format `fmt` into a canonical row (see the module docstring).

    The row carries `issues` (a list of `RecordIssue`) and `valid` (no blocking issue).
    """
    rec = _Record()
    if fmt == CHAT:
        _normalise_chat(obj, rec)
    elif fmt == SHAREGPT:
        _normalise_sharegpt(obj, rec)
    elif fmt == PROMPT_COMPLETION:
        _normalise_prompt_completion(obj, rec)
    elif fmt == ALPACA:
        _normalise_alpaca(obj, rec)
    elif fmt == CLASSIFICATION:
        _normalise_classification(obj, rec, label_field)
    elif fmt == PREFERENCE:
        _normalise_preference(obj, rec)
    elif fmt == OPENAI_PREFERENCE:
        _normalise_openai_preference(obj, rec)
    elif fmt == KTO:
        _normalise_kto(obj, rec)
    elif fmt == VERTEX:
        if "contents" not in obj:
            rec.issue(MISSING_FIELD, 'no "contents" field')
        else:
            _normalise_vertex(obj, rec)
    else:  # pragma: no cover - guarded by the caller
        raise ValueError(f"unknown format {fmt!r}")
    unknown = sorted(set(obj) - KNOWN_KEYS[fmt] - ({label_field} if label_field else set()))
    if unknown:
        rec.issue(UNKNOWN_KEYS, ", ".join(k[:40] for k in unknown[:10]))
    if label_field and fmt != CLASSIFICATION and label_field in obj:
        rec.label = _label_text(obj[label_field])
    extra = sorted(set(obj) - CORE_KEYS[fmt] - ({label_field} if label_field else set()))
    if extra:
        rec.structure.keys = [k[:40] for k in extra[:20]]
    if "weight" in obj:
        rec.structure.root_weight = obj["weight"]
    inp = obj.get("input")
    tools = obj.get("tools", obj.get("functions", inp.get("tools") if isinstance(inp, dict) else None))
    if tools:
        rec.tool_tokens = estimate_tokens(tools if isinstance(tools, str) else orjson.dumps(tools).decode())
    return _row(rec, fmt)


def _row(rec: _Record, fmt: str) -> dict[str, Any]:
    turns = rec.turns
    system = "\n".join(c for r, c in turns if r in SYSTEM_ROLES)
    dialogue = [(r, c) for r, c in turns if r not in SYSTEM_ROLES]
    if dialogue and dialogue[-1][0] == "assistant":
        response = dialogue[-1][1]
        before = dialogue[:-1]
    else:
        response = ""
        before = dialogue
    prompt = before[0][1] if len(before) == 1 else "\n".join(f"{r}: {c}" for r, c in before)
    n_chars = sum(len(c) for _, c in turns)
    n_tokens = sum(estimate_tokens(c) + TOKENS_PER_MESSAGE for _, c in turns)
    if rec.rejected is not None:
        n_tokens += estimate_tokens(rec.rejected) + TOKENS_PER_MESSAGE
    n_tokens += rec.tool_tokens  # providers put the tool definitions in the prompt and count them
    return {
        "format": fmt,
        "valid": not any(i.kind in BLOCKING_KINDS for i in rec.issues),
        "system": system,
        "prompt": prompt,
        "response": response,
        "label": rec.label,
        "rejected": rec.rejected,
        "turns": [{"role": r, "content": c} for r, c in turns],
        "n_turns": len(dialogue),
        "n_chars": n_chars,
        "n_tokens": n_tokens,
        "text": f"{prompt}\n{response}",
        "structure": rec.structure.to_json(),
        "issues": rec.issues,
    }


_KEY_LINE = re.compile(r"^\s*[*_]{0,2}([A-Za-z][A-Za-z0-9 _/-]{0,40}?)[*_]{0,2}\s*:")


def target_shape(text: str) -> str:
    """A coarse structural signature of a target: JSON with its keys, key-value template, or prose."""
    stripped = text.strip()
    body = stripped
    if body.startswith("```") and body.endswith("```"):
        body = body.strip("`").partition("\n")[2].strip()
    if body[:1] in "{[":
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return "invalid JSON"
        if isinstance(value, dict):
            return "JSON object with keys " + ", ".join(sorted(map(str, value)))[:200]
        return f"JSON {json_type(value)}"
    lines = [ln for ln in stripped.splitlines() if ln.strip()]
    keys = [m.group(1).strip().lower() for ln in lines if (m := _KEY_LINE.match(ln))]
    if len(keys) >= 2 and len(keys) >= 0.6 * len(lines):
        return "template with fields " + ", ".join(keys)[:200]
    return "free text"


def canonical_label(reply: str) -> str:
    """A reply as a label: JSON objects re-serialised with sorted keys, other text stripped."""
    text = reply.strip()
    if text[:1] == "{":
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
        if isinstance(value, dict):
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text


UNSTRUCTURED_SHAPES = ("", "free text")
"""`target_shape` values of replies without a structure (empty, prose)."""
LABEL_SLICE = 20_000
"""Replies turned into Python strings at once while looking for a closed set of labels."""


def closed_set_labels(
    replies: pl.Series, min_share: float = 0.8, max_classes: int = 50
) -> list[str | None] | None:
    """Per-row labels when chat replies form a small closed set (classification written as chat).

    When most replies share a structure (e.g. JSON with the same keys), a reply in another shape
    is a malformed target (FMT017 reports it), not a class of its own: its label is None.
    Returns None when the replies are not a closed set. Replies (a String Series, null for rows
    without one) are read `LABEL_SLICE` at a time, and the labels pass stops at the first label
    past `max_classes` distinct ones: free-text chat data is ruled out after one slice.
    """

    def slices() -> Iterator[list[str | None]]:
        for start in range(0, len(replies), LABEL_SLICE):
            yield replies.slice(start, LABEL_SLICE).to_list()

    counts: dict[str, int] = {}
    shape_ids: dict[str, int] = {}
    shape_of_row: list[int] = []  # an id per reply, so the labels pass need not parse it again
    # Once more than 1 - min_share of the replies are prose or empty, no structure can hold
    # min_share of them: the shapes pass stops there (after about a fifth of a free-text split).
    unstructured, ruled_out = 0, False
    for reply in itertools.chain.from_iterable(slices()):
        shape = target_shape(reply) if reply else ""
        counts[shape] = counts.get(shape, 0) + 1
        shape_of_row.append(shape_ids.setdefault(shape, len(shape_ids)))
        if shape in UNSTRUCTURED_SHAPES:
            unstructured += 1
            if len(replies) - unstructured < min_share * len(replies):
                ruled_out = True
                break
    dominant = max(counts, key=lambda k: (counts[k], k)) if counts else ""
    structured = (
        not ruled_out and dominant not in UNSTRUCTURED_SHAPES and counts[dominant] >= min_share * len(replies)
    )
    dominant_id = shape_ids.get(dominant)
    labels: list[str | None] = []
    distinct: set[str] = set()
    for part in slices():
        for reply in part:
            label = None
            in_shape = not structured or shape_of_row[len(labels)] == dominant_id
            if reply and reply.strip() and in_shape:
                label = canonical_label(reply)
                if label.strip():
                    distinct.add(label.strip())
            labels.append(label)
        if len(distinct) > max_classes:
            return None
    return labels if infer_labels(labels, max_classes=max_classes) else None


def infer_labels(
    responses: Iterable[str | None], max_classes: int = 50, max_share: float = 0.2, max_chars: int = 64
) -> bool:
    """Whether chat replies form a small closed set, i.e. classification written as chat.

    True when there are at least 10 replies, at most `max_classes` distinct ones, the distinct
    count is at most `max_share` of the replies, and replies are short (95 % within `max_chars`).
    """
    values = [r.strip() for r in responses if r is not None and r.strip()]
    if len(values) < 10:
        return False
    distinct = set(values)
    if len(distinct) > max_classes or len(distinct) > max_share * len(values):
        return False
    short = sum(1 for v in values if len(v) <= max_chars)
    return short >= 0.95 * len(values)
