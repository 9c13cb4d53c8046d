# ruff: noqa: E501  (wording tables read better unwrapped)
"""Record-level defects `plant.py` plants (broken lines, fields, turns, tool calls, pairs), and all kinds.

Each kind takes the `Planter`, changes one free record of the training split in place and returns
it, or None where the base's file type or shape has no room for the defect (no raw lines in a JSON
array or CSV, no turns in an Alpaca record, no tool calls outside a tool-calling set).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from content import CONTENT_KINDS
from kinds import (
    MORE_SECRETS,
    PII,
    SECRETS,
    Planter,
    Rec,
    _answer,
    _answer_not_label,
    _carrying,
    _either,
    _html,
    _in_place,
    _merged,
    _mojibake,
    _placeholder,
    _refusal,
    _template,
    _truncate,
    conflicting_answer,
    dup_exact,
    dup_near,
    dup_normalised,
    label_variant,
    label_whitespace,
    leak_exact,
    leak_input_other_answer,
    leak_near,
    leak_normalised,
    reference_only,
)
from shapes import Raw, get, locate, put, turn_keys

# --- record-level kinds ------------------------------------------------------------------------


def _raw(make: Callable[[random.Random, Any], str]) -> Callable[[Planter], list[Rec] | None]:
    def kind(p: Planter) -> list[Rec] | None:
        if p.base.file != "jsonl":
            return None
        i = p.pick("train")
        p.rows["train"][i] = Raw(make(p.rng, p.rows["train"][i]))
        return [("train", i)]

    return kind


def _broken(rng: random.Random, rec: Any) -> str:
    text = json.dumps(rec, ensure_ascii=False)
    return rng.choice(
        [text[: rng.randrange(len(text) // 3, len(text) - 2)], text[:-1] + ",}", text.replace('"', "'", 4)]
    )


def _not_object(rng: random.Random, rec: Any) -> str:
    return rng.choice(
        [json.dumps(list(rec.values())[:1], ensure_ascii=False), '"' + "untitled record" + '"', "42", "null"]
    )


def _turns(p: Planter, rec: Any) -> list[dict] | None:
    keys = turn_keys(p.base)
    if keys is None or p.base.shape == "dpo_openai":
        return None
    turns = rec.get(keys[0]) if isinstance(rec, dict) else None
    return turns if isinstance(turns, list) and len(turns) >= 2 else None


def _record_kind(change: Callable[[Planter, Any], bool]) -> Callable[[Planter], list[Rec] | None]:
    def kind(p: Planter) -> list[Rec] | None:
        if p.base.file in ("csv", "lines", "tsv"):
            return None
        tried = []
        for _ in range(20):
            i = p.pick("train")
            if i is None:
                break
            if change(p, p.rows["train"][i]):  # a change that does not apply leaves the record as it was
                p.free["train"].update(tried)
                return [("train", i)]
            tried.append(i)
        p.free["train"].update(tried)
        return None

    return kind


def _missing_field(p: Planter, rec: Any) -> bool:
    turns = _turns(p, rec)
    if turns is not None:
        text_key = turn_keys(p.base)[2]
        if "tool_calls" in turns[-1] or text_key not in turns[-1]:
            return False  # a tool call's message has no text to miss
        turns[-1].pop(text_key)
        return True
    field = p.base.slots.get(p.out) or p.base.slots.get("input")
    return rec.pop(field, None) is not None


def _wrong_type(p: Planter, rec: Any) -> bool:
    where = locate(p.base, rec, p.out) or locate(p.base, rec, "input")
    if where is None:
        return False
    where[0][where[1]] = p.rng.choice([42, 3.5, True, {"text": where[0][where[1]]}])
    return True


def _unknown_role(p: Planter, rec: Any) -> bool:
    turns = _turns(p, rec)
    if turns is None:
        return False
    role = turn_keys(p.base)[1]
    p.rng.choice(turns)[role] = p.rng.choice(["narrator", "assitant", "moderator", "speaker", "User1"])
    return True


def _last_not_assistant(p: Planter, rec: Any) -> bool:
    turns, keys = _turns(p, rec), turn_keys(p.base)
    if turns is None or turns[-1].get(keys[1]) != keys[4] or turns[-2].get(keys[1]) != keys[3]:
        return False
    turns.pop()
    return True


def _broken_order(p: Planter, rec: Any) -> bool:
    turns, keys = _turns(p, rec), turn_keys(p.base)
    if turns is None:
        return False
    at = [
        k
        for k in range(len(turns) - 1)
        if turns[k].get(keys[1]) == keys[3] and turns[k + 1].get(keys[1]) == keys[4]
    ]
    if not at:
        return False
    k = p.rng.choice(at)
    turns[k], turns[k + 1] = turns[k + 1], turns[k]
    return True


def _chat_turns(p: Planter, rec: Any) -> list[dict] | None:
    """The turns of an OpenAI chat or ShareGPT record (where a system turn is a turn), or None."""
    return _turns(p, rec) if p.base.shape in ("chat", "sharegpt") else None


def _empty_user_turn(p: Planter, rec: Any) -> bool:
    turns, keys = _turns(p, rec), turn_keys(p.base)
    users = [t for t in turns or [] if t.get(keys[1]) == keys[3] and isinstance(t.get(keys[2]), str)]
    if not users:
        return False
    p.rng.choice(users)[keys[2]] = p.rng.choice(["", " ", "\n"])
    return True


SYSTEM_PROMPTS = [
    "You are a helpful assistant.",
    "Answer briefly and politely.",
    "You are an expert. Think step by step.",
    "Always answer in a friendly tone.",
]


def _system_not_first(p: Planter, rec: Any) -> bool:
    turns, keys = _chat_turns(p, rec), turn_keys(p.base)
    if turns is None:
        return False
    at = p.rng.randrange(1, len(turns))
    if turns[at - 1].get(keys[1]) == "system":
        return False
    turns.insert(at, {keys[1]: "system", keys[2]: p.rng.choice(SYSTEM_PROMPTS)})
    return True


def _content_not_string(p: Planter, rec: Any) -> bool:
    turns, keys = _turns(p, rec), turn_keys(p.base)
    texts = [t for t in turns or [] if isinstance(t.get(keys[2]), str) and t.get(keys[2])]
    if not texts:
        return False
    p.rng.choice(texts)[keys[2]] = p.rng.choice([None, 0, 7, 3.14, False])
    return True


def _duplicated_turn(p: Planter, rec: Any) -> bool:
    turns, keys = _turns(p, rec), turn_keys(p.base)
    at = [k for k, t in enumerate(turns or []) if t.get(keys[1]) in (keys[3], keys[4])]
    if not at:
        return False
    k = p.rng.choice(at)
    turns.insert(k + 1, json.loads(json.dumps(turns[k])))
    return True


# --- tool calls --------------------------------------------------------------------------------


def _calls(p: Planter, rec: Any) -> list[tuple[dict, str, dict]]:
    """(holder, how, tool spec) of each tool call in `rec`: how is "chat" (OpenAI tool_calls) or
    "sharegpt" (a function_call turn whose value is JSON {name, arguments})."""
    if not isinstance(rec, dict):
        return []
    if p.base.shape == "chat":
        specs = {
            t.get("function", {}).get("name"): t.get("function", {})
            for t in rec.get("tools") or []
            if isinstance(t, dict)
        }
        return [(c["function"], "chat", specs) for m in rec.get("messages", []) for c in m.get("tool_calls") or []
                if isinstance(c, dict) and isinstance(c.get("function"), dict)]  # fmt: skip
    if p.base.shape == "sharegpt" and isinstance(rec.get("tools"), str):
        try:
            specs = {t.get("name"): t for t in json.loads(rec["tools"]) if isinstance(t, dict)}
        except ValueError:
            return []
        return [
            (t, "sharegpt", specs) for t in rec.get("conversations", []) if t.get("from") == "function_call"
        ]
    return []


def _call_parts(holder: dict, how: str) -> tuple[str, Any]:
    if how == "chat":
        return holder.get("name"), holder.get("arguments")
    call = json.loads(holder["value"])
    return call.get("name"), call.get("arguments")


def _set_call(holder: dict, how: str, name: str, arguments: Any) -> None:
    if how == "chat":
        holder["name"], holder["arguments"] = name, arguments
    else:
        holder["value"] = (
            json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
            if not isinstance(arguments, str) or how == "chat"
            else '{"name": "' + name + '", "arguments": ' + arguments + "}"
        )


def _tool_kind(change: Callable[[Planter, dict, str, dict], bool]) -> Callable[[Planter], list[Rec] | None]:
    def kind(p: Planter) -> list[Rec] | None:
        i = p.pick("train", test=lambda r: bool(_calls(p, r)))
        if i is None:
            return None
        holder, how, specs = p.rng.choice(_calls(p, p.rows["train"][i]))
        try:
            return [("train", i)] if change(p, holder, how, specs) else None
        except (ValueError, TypeError, AttributeError):
            return None

    return kind


def _args_not_json(p: Planter, holder: dict, how: str, specs: dict) -> bool:
    name, args = _call_parts(holder, how)
    text = args if isinstance(args, str) else json.dumps(args)
    bad = p.rng.choice(
        [text[:-1], text.replace('"', "'"), "{" + text.strip("{}") + ",", "symbol=" + text[:8]]
    )
    _set_call(holder, how, name, bad)
    return True


def _undefined_tool(p: Planter, holder: dict, how: str, specs: dict) -> bool:
    name, args = _call_parts(holder, how)
    new = p.rng.choice([f"{name}_v2", f"fetch_{name}", "search_web", "lookup_record"])
    _set_call(holder, how, new, args)
    return new not in specs


def _missing_required(p: Planter, holder: dict, how: str, specs: dict) -> bool:
    name, args = _call_parts(holder, how)
    parsed = json.loads(args) if isinstance(args, str) else dict(args)
    required = [r for r in (specs.get(name, {}).get("parameters") or {}).get("required") or [] if r in parsed]
    if not required:
        return False
    del parsed[p.rng.choice(required)]
    _set_call(holder, how, name, json.dumps(parsed) if isinstance(args, str) else parsed)
    return True


# --- preference pairs --------------------------------------------------------------------------


def _pair_kind(
    change: Callable[[random.Random, str, str], tuple[str, str]],
) -> Callable[[Planter], list[Rec] | None]:
    def kind(p: Planter) -> list[Rec] | None:
        if not p.has("rejected"):
            return None
        i = p.pick("train", ("chosen", "rejected"))
        rec = p.rows["train"][i]
        chosen, rejected = change(p.rng, get(p.base, rec, "chosen"), get(p.base, rec, "rejected"))
        put(p.base, rec, "chosen", chosen)
        put(p.base, rec, "rejected", rejected)
        return [("train", i)]

    return kind


def _whitespace_only(rng: random.Random, c: str, r: str) -> tuple[str, str]:
    return c, rng.choice([c + "\n", "  " + c, c.replace(" ", "  ", 3), c.replace("\n", "\n\n", 1) + " "])


def _reply(p: Planter) -> str | None:
    """The answer of a record a model learns to reply with: none in a label set, nor in a set of plain
    texts for continued pre-training (one text, no prompt), which is cut into blocks of tokens anyway:
    a document that stops mid-sentence there is no defect (QUAL007 does not judge such a split)."""
    return None if p.has("label") or (p.base.shape == "fields" and set(p.base.slots) == {"output"}) else p.out


KINDS: dict[str, Callable[[Planter], list[Rec] | None]] = {
    "dup_exact": dup_exact,
    "dup_normalised": dup_normalised,
    "dup_near": dup_near,
    "leak_exact": leak_exact,
    "leak_normalised": leak_normalised,
    "leak_near": leak_near,
    "leak_input_other_answer": leak_input_other_answer,
    "conflicting_answer": conflicting_answer,
    "label_variant": label_variant,
    "label_whitespace": label_whitespace,
    "empty_output": _in_place(_answer, lambda r, t, p: ""),
    "whitespace_output": _in_place(_answer, lambda r, t, p: r.choice([" ", "\n\n", " \t\n", "   "])),
    "refusal": _in_place(_answer_not_label, _refusal),
    "truncated": _in_place(_reply, _truncate, min_len=120),
    "mojibake": _in_place(_answer, _mojibake, min_len=20),
    "html_residue": _in_place(_answer, _html),
    "template_variable": _in_place(_answer_not_label, _template, only_prose=True),
    "placeholder_input": _in_place(
        lambda p: None if p.has("label") else ("context" if p.has("context") else "input"), _placeholder
    ),
    "merged_instructions": _in_place(_answer_not_label, _merged),
    "reference_only_input": reference_only,
    **{f"secret_{k}": _in_place(_either, _carrying(f, True)) for k, f in SECRETS.items()},
    **{f"pii_{k}": _in_place(_either, _carrying(f, False)) for k, f in PII.items()},
    "broken_json_line": _raw(_broken),
    "non_object_line": _raw(_not_object),
    "missing_field": _record_kind(_missing_field),
    "wrong_type": _record_kind(_wrong_type),
    "unknown_role": _record_kind(_unknown_role),
    "last_turn_not_assistant": _record_kind(_last_not_assistant),
    "broken_turn_order": _record_kind(_broken_order),
    "tool_args_not_json": _tool_kind(_args_not_json),
    "tool_undefined": _tool_kind(_undefined_tool),
    "tool_missing_required": _tool_kind(_missing_required),
    "pair_identical": _pair_kind(lambda r, c, j: (c, c)),
    "pair_empty_chosen": _pair_kind(lambda r, c, j: (r.choice(["", " "]), j)),
    "pair_empty_rejected": _pair_kind(lambda r, c, j: (c, r.choice(["", "\n"]))),
    "pair_whitespace_only": _pair_kind(_whitespace_only),
    # issue #19's second round, after the old kinds so their seeded plants stay where they were
    **CONTENT_KINDS,
    **{
        f"secret_{k}": _in_place(
            _either, _carrying(f, k in ("jwt", "google_api_key", "stripe_key", "hf_token"))
        )
        for k, f in MORE_SECRETS.items()
    },
    "empty_user_turn": _record_kind(_empty_user_turn),
    "system_not_first": _record_kind(_system_not_first),
    "content_not_string": _record_kind(_content_not_string),
    "duplicated_turn": _record_kind(_duplicated_turn),
}
"""Every kind, in the order of the table."""
