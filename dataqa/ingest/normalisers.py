"""Per-format normalisers: a record in any format (`dataqa.ingest.formats`) becomes one canonical row.

Every format (OpenAI chat, ShareGPT, prompt/completion, Alpaca, text/label classification,
preference pairs) becomes the same row shape, so every check works for every format:

- `system`: the system prompt ("" when none);
- `prompt`: the input side (a single user turn as is; several turns as "role: content" lines);
- `response`: the target side (the final assistant reply, completion, output, chosen answer, label);
- `label`: an explicit label, or the reply when replies form a small closed set (see `label_inference`);
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

from typing import Any

import orjson

from dataqa.ingest.formats import (
    ALPACA,
    BLOCKING_KINDS,
    CHAT,
    CLASSIFICATION,
    CORE_KEYS,
    EMPTY_SIDE,
    KNOWN_KEYS,
    KTO,
    MISSING_FIELD,
    NO_TARGET,
    OPENAI_PREFERENCE,
    PREFERENCE,
    PROMPT_COMPLETION,
    PROMPT_MISMATCH,
    SHAREGPT,
    SHAREGPT_ROLES,
    SIDE_ENDS_USER,
    SYSTEM_ROLES,
    UNKNOWN_KEYS,
    VERTEX,
    VERTEX_ROLES,
    WRONG_TYPE,
)
from dataqa.ingest.load import json_type
from dataqa.ingest.record import (
    Record,
    check_turns,
    conversation,
    messages,
    string_field,
    system_field,
    text_of,
)
from dataqa.ingest.tokens import TOKENS_PER_MESSAGE, estimate_tokens


def _normalise_chat(obj: dict[str, Any], rec: Record) -> None:
    if "messages" not in obj:
        rec.issue(MISSING_FIELD, 'no "messages" field')
        return
    for key in ("tools", "functions"):
        if key in obj:
            rec.structure.set_tools(obj[key], key)
    system = system_field(obj, "system", rec)
    msgs = messages(obj["messages"], "messages", rec, "role", "content", None)
    if system:
        msgs.insert(0, system)
    check_turns(msgs, "messages", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_sharegpt(obj: dict[str, Any], rec: Record) -> None:
    if "conversations" not in obj:
        rec.issue(MISSING_FIELD, 'no "conversations" field')
        return
    if "tools" in obj:
        rec.structure.set_tools(obj["tools"], "tools")
    msgs = messages(obj["conversations"], "conversations", rec, "from", "value", SHAREGPT_ROLES)
    if isinstance(obj.get("system"), str) and obj["system"].strip():
        rec.structure.system_field = True
        msgs.insert(0, {"role": "system", "content": obj["system"], "tool_calls": False, "at": "system"})
    check_turns(msgs, "conversations", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_vertex(obj: dict[str, Any], rec: Record) -> None:
    """Gemini tuning records: `contents` of {role: user|model, parts}, optional `systemInstruction`."""
    if "tools" in obj:
        rec.structure.set_tools(obj["tools"], "tools")
    key = "systemInstruction" if "systemInstruction" in obj else "system_instruction"
    system = system_field(obj, key, rec)
    msgs = messages(obj["contents"], "contents", rec, "role", "parts", VERTEX_ROLES)
    if system:
        msgs.insert(0, system)
    check_turns(msgs, "contents", rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def _normalise_prompt_completion(obj: dict[str, Any], rec: Record) -> None:
    prompt = string_field(obj, "prompt", rec)
    completion = string_field(obj, "completion", rec, target=True)
    rec.turns = [("user", prompt), ("assistant", completion)]


def _normalise_alpaca(obj: dict[str, Any], rec: Record) -> None:
    system = string_field(obj, "system", rec, required=False)
    instruction = string_field(obj, "instruction", rec)
    extra = string_field(obj, "input", rec, required=False)
    output = string_field(obj, "output", rec, target=True)
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


def _normalise_classification(obj: dict[str, Any], rec: Record, label_field: str | None) -> None:
    text = string_field(obj, "text", rec)
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


def _side(obj: dict[str, Any], key: str, rec: Record) -> tuple[list[tuple[str, str]] | None, str]:
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
            msgs = messages(value, key, rec, "from", "value", SHAREGPT_ROLES)
        else:
            msgs = messages(value, key, rec, "role", "content", None)
        last_answer = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=None)
        if last_answer is None or not msgs[last_answer]["content"].strip():
            rec.issue(EMPTY_SIDE, f'"{key}" has no assistant answer')
            return [(m["role"], m["content"]) for m in msgs], ""
        if msgs[-1]["role"] != "assistant":
            rec.issue(SIDE_ENDS_USER, f'"{key}" ends with a {msgs[-1]["role"]} message, not the answer')
        prefix = [(m["role"], m["content"]) for m in msgs[:last_answer]]
        return prefix or None, msgs[last_answer]["content"]
    text = text_of(value, key, rec) or ""
    if not text.strip():
        rec.issue(EMPTY_SIDE, f'"{key}" is empty')
        return None, text
    cut = text.rfind(HH_ASSISTANT)
    if "prompt" not in obj and cut > 0 and "Human:" in text[:cut]:
        return [("user", text[: cut + len(HH_ASSISTANT)])], text[cut + len(HH_ASSISTANT) :].strip()
    return None, text


def _pair(obj: dict[str, Any], rec: Record, chosen_key: str, rejected_key: str) -> tuple[list, str]:
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


def _normalise_preference(obj: dict[str, Any], rec: Record) -> None:
    system = string_field(obj, "system", rec, required=False)
    prompt_value = obj.get("prompt")
    turns: list[tuple[str, str]] = [("system", system)] if system.strip() else []
    if isinstance(prompt_value, list):
        msgs = conversation(prompt_value, "prompt", rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    elif "prompt" in obj:
        turns.append(("user", string_field(obj, "prompt", rec)))
    elif "conversations" in obj:
        if "tools" in obj:
            rec.structure.set_tools(obj["tools"], "tools")
        msgs = messages(obj["conversations"], "conversations", rec, "from", "value", SHAREGPT_ROLES)
        check_turns(msgs, "conversations", rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    prefix, chosen = _pair(obj, rec, "chosen", "rejected")
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_openai_preference(obj: dict[str, Any], rec: Record) -> None:
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
        msgs = conversation(inp["messages"], "input.messages", rec, need_target=False)
        turns = [(m["role"], m["content"]) for m in msgs]
    prefix, chosen = _pair(obj, rec, "preferred_output", "non_preferred_output")
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_kto(obj: dict[str, Any], rec: Record) -> None:
    """KTO unpaired records: a prompt, one completion and a boolean label (desirable or not)."""
    system = string_field(obj, "system", rec, required=False)
    turns: list[tuple[str, str]] = [("system", system)] if system.strip() else []
    if isinstance(obj.get("prompt"), list):
        turns += [(m["role"], m["content"]) for m in conversation(obj["prompt"], "prompt", rec, False)]
    else:
        turns.append(("user", string_field(obj, "prompt", rec)))
    completion = obj.get("completion")
    if isinstance(completion, list):
        msgs = messages(completion, "completion", rec, "role", "content", None)
        answers = [m["content"] for m in msgs if m["role"] == "assistant"]
        answer = answers[-1] if answers else ""
        if not answer.strip():
            rec.issue(NO_TARGET, '"completion" has no assistant answer')
    else:
        answer = string_field(obj, "completion", rec, target=True)
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
    rec = Record()
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


def _row(rec: Record, fmt: str) -> dict[str, Any]:
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
