"""Per-kind normalisers: a record in any layout (`dataqa.ingest.layouts`) becomes one canonical row.

Every layout (OpenAI chat, ShareGPT, prompt/completion, Alpaca, question/answer, text/label
classification, preference pairs, KTO, plain text) becomes the same row shape, so every check
works for every layout. A normaliser reads each field through its layout, so a message about a
record names the data set's own field ("answer" is empty), whatever the field's role:

- `system`: the system prompt ("" when none);
- `prompt`: the input side (a single user turn as is; several turns as "role: content" lines);
- `response`: the target side (the final assistant reply, completion, output, chosen answer, label);
- `label`: an explicit label, or the reply when replies form a small closed set (see `label_inference`);
- `rejected`: the rejected answer of a preference pair;
- `turns`: every message as (role, content), system included (stored flat in `Split.turns`);
- `structure`: what the text columns lose (tools, tool calls and results, content parts, images,
  weights, extra keys) as compact JSON, null for plain records (see `dataqa.ingest.structure`);
- plain text (continued pre-training) is all target: `prompt` is "", `response` and `text` the text;
- `n_turns`, `n_chars`, `n_tokens` (estimated: see `estimate_tokens`; the example's tool definitions
  count, as providers put them in the prompt), and `text`, the prompt and response that similarity
  checks compare (the system prompt is left out on purpose: a shared one does not make two alike);
- `asked`: a tool conversation's prompt as similarity compares it, its tools' results left out and
  its calls written by name and values (`dataqa.ingest.tool_text`), null for any other record;
  its `text` is `asked` and the answer so written, on two lines.

Schema problems found on the way are returned as `RecordIssue`s; the FMT checks report them.
"""

from __future__ import annotations

from typing import Any

import orjson

from dataqa.ingest import rft
from dataqa.ingest.alternatives import first_alternative
from dataqa.ingest.choices import normalise_choices
from dataqa.ingest.class_rows import label_text, normalise_classification
from dataqa.ingest.formats import (
    BLOCKING_KINDS,
    MARKED,
    MISSING_FIELD,
    NO_TARGET,
    SYSTEM_ROLES,
    TIE,
    UNKNOWN_KEYS,
    VERTEX_ROLES,
    WRONG_TYPE,
)
from dataqa.ingest.issues import a_json_type
from dataqa.ingest.layouts import (
    CHAT,
    CLASSIFICATION,
    KTO,
    LAYOUTS,
    MISSING,
    MULTIPLE_CHOICE,
    OPENAI_PREFERENCE,
    PAIR,
    PREFERENCE,
    RFT,
    SEGMENTS,
    SHAREGPT,
    STEPWISE,
    TEMPLATED,
    TEXT,
    VERTEX,
    Layout,
    lookup,
)
from dataqa.ingest.marks import verdicts
from dataqa.ingest.media import attach_media
from dataqa.ingest.pieces import normalise_segments, normalise_stepwise
from dataqa.ingest.readers.nested import hub_answers
from dataqa.ingest.record import (
    Record,
    check_turns,
    conversation,
    history_turns,
    message_keys,
    messages,
    note_written_roles,
    optional_field,
    parallel_turns,
    string_field,
    system_field,
    unkeyed_turns,
)
from dataqa.ingest.rendered import normalise_templated
from dataqa.ingest.sides import asked, equal_scores, read_pair, verdict
from dataqa.ingest.survey import nameless, role_by_name, whole_number
from dataqa.ingest.text_calls import answer_calls
from dataqa.ingest.tokens import TOKENS_PER_MESSAGE, estimate_tokens
from dataqa.ingest.tool_text import compared_turns


def _set_tools(obj: dict[str, Any], layout: Layout, rec: Record) -> None:
    for key in layout.sources("tools"):
        if key in obj or "." in key:
            value = lookup(obj, key)
            if value is not MISSING:
                rec.structure.set_tools(value, key)


def _normalise_conversation(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """OpenAI chat, ShareGPT and Gemini `contents`: one message list, a system field, tools."""
    src = layout.source("messages") or "messages"
    value = lookup(obj, src)
    if value is MISSING:
        rec.issue(MISSING_FIELD, f'no "{src}" field')
        return
    _set_tools(obj, layout, rec)
    system = None
    renamed, own_keys = layout.renamed_roles(), layout.renamed_keys()
    if layout.kind == SHAREGPT:
        keys = message_keys(value, True, own_keys)
        msgs = unkeyed_turns(value, src, rec) or messages(value, src, rec, *keys, renamed)
        text = next(
            (v for k in layout.sources("system") if isinstance(v := obj.get(k), str) and v.strip()), None
        )
        if text is not None:
            rec.structure.system_field = True
            msgs.insert(0, {"role": "system", "content": text, "tool_calls": False, "at": "system"})
    else:
        sources = layout.sources("system")
        if layout.kind == VERTEX:  # the first of systemInstruction, system_instruction present
            sources = [next((k for k in sources if k in obj), sources[-1])] if sources else []
        for key in sources:
            if key in obj or "." in key:
                system = system or system_field(obj, key, rec)
        if layout.kind == VERTEX:
            msgs = messages(value, src, rec, "role", "parts", VERTEX_ROLES)
        else:
            keys = message_keys(value, False, own_keys)
            msgs = unkeyed_turns(value, src, rec) or messages(value, src, rec, *keys, renamed)
        if system:
            msgs.insert(0, system)
    check_turns(msgs, src, rec, need_target=layout.kind != RFT)
    if layout.kind == RFT:  # the model writes the answer; the grader fields are the target
        rft.check_record(obj, rec, layout, msgs)
    rec.turns = [(m["role"], m["content"]) for m in msgs]
    note_written_roles(msgs, rec)


def _normalise_pair(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """Every prompt/response layout (Alpaca, question/answer, prompt/completion, ...): a prompt,
    optional context appended to it, a target, an optional system prompt."""
    opening = _system_turns(obj, layout, rec)
    prompt_key = layout.source("prompt") or "prompt"
    if _is_messages(lookup(obj, prompt_key)):  # TRL's conversational prompt-completion
        rec.turns = [*opening, *_prompt_turns(obj, layout, rec), ("assistant", _completion(obj, layout, rec))]
        return
    answers = lookup(obj, layout.source("response") or "completion")  # a mapped list is one text
    paired = [] if layout.lenient else parallel_turns(lookup(obj, prompt_key), answers)
    if paired:  # Chinese-Vicuna's chat records: the user turns in one list, the replies in another
        rec.turns = [*opening, *paired]
        return
    prompt = string_field(obj, prompt_key, rec, lenient=layout.lenient)
    extra = optional_field(obj, layout, "context", rec)
    _set_tools(obj, layout, rec)
    output = _calls(obj, layout, rec) if layout.source("calls") else _completion(obj, layout, rec)
    prompt = f"{prompt}\n\n{extra}" if extra.strip() else prompt
    earlier = history_turns(obj, layout, rec)
    rec.turns = [*opening, *earlier, ("user", prompt), ("assistant", output)]
    answer_calls(rec.structure, rec.turns, layout.source("response") or "completion")  # Trelis' JSON call


def _system_turns(obj: dict[str, Any], layout: Layout, rec: Record) -> list[tuple[str, str]]:
    """The record's optional system prompt as its first turn, or no turn when it has none."""
    system = optional_field(obj, layout, "system", rec)
    return [("system", system)] if system.strip() else []


def _is_messages(value: Any) -> bool:
    """Whether a prompt or completion value is a list of message objects (the conversational form),
    not a string or a list of strings (a mapped field read one item per line)."""
    return isinstance(value, list) and bool(value) and all(isinstance(m, dict) for m in value)


def _prompt_turns(obj: dict[str, Any], layout: Layout, rec: Record) -> list[tuple[str, str]]:
    """The input of a prompt/completion record: a string (one user turn) or, in TRL's and KTO's
    conversational form, a list of messages."""
    key = layout.source("prompt") or "prompt"
    value = lookup(obj, key)
    if _is_messages(value):
        return [(m["role"], m["content"]) for m in conversation(value, key, rec, need_target=False)]
    return [("user", string_field(obj, key, rec, lenient=layout.lenient))]


def _completion(obj: dict[str, Any], layout: Layout, rec: Record) -> str:
    """The target of a prompt/completion record: a string or, in the conversational form, the last
    assistant message of a list."""
    key = layout.source("response") or "completion"
    value = lookup(obj, key)
    if isinstance(value, list) and (key, "array") in layout.types:  # an extractive answer list
        value = hub_answers(value)
    if isinstance(value, dict) and isinstance(value.get("text"), list):  # SQuAD's answers object
        return _extractive_answer(obj, key, value["text"], rec)
    if not _is_messages(value):  # N sampled or alternative answers: the first is the target
        return string_field({key: first_alternative(value)}, key, rec, target=True, lenient=layout.lenient)
    msgs = messages(value, key, rec, "role", "content", None)
    answers = [m["content"] for m in msgs if m["role"] == "assistant"]
    answer = answers[-1] if answers else ""
    if not answer.strip():
        rec.issue(NO_TARGET, f'"{key}" has no assistant answer')
    return answer


def _extractive_answer(obj: dict[str, Any], key: str, texts: list[Any], rec: Record) -> str:
    """The target of an extractive-QA record (SQuAD): its first answer text. No answer at all is
    SQuAD 2.0's unanswerable question, a legitimate "no answer" example whose target is empty,
    unless the record says it is answerable (`"is_impossible": false`, or MRQA's
    `detected_answers`: MRQA has no unanswerable questions): then the answer is missing."""
    found = [t for t in texts if isinstance(t, str) and t.strip()]
    if found:
        return found[0]
    if texts:
        rec.issue(NO_TARGET, f'"{key}" holds no answer text')
    elif obj.get("is_impossible") is False:
        rec.issue(NO_TARGET, f'"{key}" holds no answer text though "is_impossible" is false')
    elif "detected_answers" in obj:
        rec.issue(NO_TARGET, f'"{key}" holds no answer text, though an MRQA question always has one')
    return ""


def _calls(obj: dict[str, Any], layout: Layout, rec: Record) -> str:
    """The target of a record whose answer is tool calls (xLAM's "answers"): each call is recorded
    for the TOOL checks, in the answer's turn, after the one user turn; the text is as written."""
    key = layout.source("calls") or "calls"
    value = lookup(obj, key)
    if value is MISSING or value is None:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        return ""
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    st = rec.structure
    before = len(st.events)
    st.json_calls(value, key, 1, f'"{key}" is a string that is not JSON')  # the turn after the user's
    st.next_turn = 2
    if len(st.events) == before:
        rec.issue(NO_TARGET, f'"{key}" holds no call')
    return text


def _normalise_text(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """Plain text for continued pre-training: every token is trained on, so it is the target side."""
    rec.turns = [
        ("assistant", string_field(obj, layout.source("text") or "text", rec, lenient=layout.lenient))
    ]


def _normalise_pairwise(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """A judged comparison of two conversations (Chatbot Arena): the winner's side is chosen, the
    other rejected; a tie keeps both sides, read in their order, and is no pair (PREF007)."""
    side_a = layout.source("side_a") or "conversation_a"
    side_b = layout.source("side_b") or "conversation_b"
    won = verdict(obj, rec, layout)
    if won == "tie":
        key = layout.source("winner") or "winner"
        rec.issue(TIE, str(lookup(obj, key)).strip()[:40])
    keys = (side_b, side_a) if won == "b" else (side_a, side_b)
    turns = _system_turns(obj, layout, rec)
    if layout.source_in(obj, "prompt") is not None:  # sides that are answers alone (PKU-SafeRLHF)
        asked = _prompt_turns(obj, layout, rec)
        extra = optional_field(obj, layout, "context", rec)  # AlpacaFarm's "input", appended as Alpaca's is
        if extra.strip() and asked:
            asked[-1] = (asked[-1][0], f"{asked[-1][1]}\n\n{extra}")
        turns += asked
    prefix, chosen = read_pair(obj, rec, layout, keys, judged=True)
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_preference(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    if layout.source("winner") is not None:
        _normalise_pairwise(obj, rec, layout)
        return
    turns = _system_turns(obj, layout, rec)
    prompt_key = layout.source_in(obj, "prompt")
    prompt_value = lookup(obj, prompt_key) if prompt_key else MISSING
    conversation_key = layout.source_in(obj, "messages")
    if isinstance(prompt_value, list):
        msgs = conversation(prompt_value, prompt_key or "prompt", rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    elif prompt_value is not MISSING:
        turns.append(("user", asked(obj, layout, rec, prompt_key or "prompt")))
    elif conversation_key is not None and (value := lookup(obj, conversation_key)) is not MISSING:
        _set_tools(obj, layout, rec)
        msgs = messages(value, conversation_key, rec, *message_keys(value, True))
        check_turns(msgs, conversation_key, rec, need_target=False)
        turns += [(m["role"], m["content"]) for m in msgs]
    prefix, chosen = read_pair(obj, rec, layout)
    rec.turns = [*turns, *prefix, ("assistant", chosen)]
    if (tied := equal_scores(obj)) is not None:
        rec.issue(TIE, tied)


def _normalise_openai_preference(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """OpenAI (and Together) DPO records: `input.messages`, `preferred_output`, `non_preferred_output`."""
    turns: list[tuple[str, str]] = []
    key = layout.source("prompt") or "input"
    inp = lookup(obj, key)
    if not isinstance(inp, dict):
        missing = inp is MISSING or inp is None
        rec.issue(MISSING_FIELD if missing else WRONG_TYPE, f'"{key}" must be an object with "messages"')
    elif "messages" not in inp:
        rec.issue(MISSING_FIELD, f'no "{key}.messages" field')
    else:
        if "tools" in inp:
            rec.structure.set_tools(inp["tools"], f"{key}.tools")
        msgs = conversation(inp["messages"], f"{key}.messages", rec, need_target=False)
        turns = [(m["role"], m["content"]) for m in msgs]
        note_written_roles(msgs, rec)  # the record's turns start with these
    prefix, chosen = read_pair(obj, rec, layout)
    rec.turns = [*turns, *prefix, ("assistant", chosen)]


def _normalise_kto(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """KTO unpaired records: a prompt and one completion (or one conversation) and a boolean label."""
    turns = _system_turns(obj, layout, rec)
    conversation_key = layout.source("messages")
    if conversation_key is not None:
        value = lookup(obj, conversation_key)
        if value is MISSING:
            rec.issue(MISSING_FIELD, f'no "{conversation_key}" field')
            msgs = []
        else:
            msgs = messages(value, conversation_key, rec, *message_keys(value, False))
            check_turns(msgs, conversation_key, rec)
        rec.turns = [*turns, *[(m["role"], m["content"]) for m in msgs]]
    else:
        rec.turns = [*turns, *_prompt_turns(obj, layout, rec), ("assistant", _completion(obj, layout, rec))]
    label_key = layout.source("label") or "label"
    label = lookup(obj, label_key)
    if not isinstance(label, bool):
        said = f'no "{label_key}" field' if label is MISSING else f'"{label_key}" is {a_json_type(label)}'
        kind = MISSING_FIELD if label is MISSING else WRONG_TYPE
        rec.issue(kind, f"{said}; KTO labels are true (desirable) or false")
    else:
        rec.label = "true" if label else "false"


def normalise(obj: dict[str, Any], layout: str | Layout, label_field: str | None = None) -> dict[str, Any]:
    """Normalise one record in `layout` (a `Layout`, or a built-in layout's name) into a canonical
    row (see the module docstring). The row carries `issues` (a list of `RecordIssue`) and `valid`
    (no blocking issue)."""
    if isinstance(layout, str):
        if layout not in LAYOUTS:  # pragma: no cover - guarded by the caller
            raise ValueError(f"unknown format {layout!r}")
        layout = LAYOUTS[layout]
    rec = Record()
    kind = layout.kind
    if kind in (CHAT, SHAREGPT, VERTEX, RFT):
        _normalise_conversation(obj, rec, layout)
    elif kind == PAIR:
        _normalise_pair(obj, rec, layout)
    elif kind == CLASSIFICATION:
        normalise_classification(obj, rec, layout, label_field)
    elif kind == PREFERENCE:
        _normalise_preference(obj, rec, layout)
    elif kind == OPENAI_PREFERENCE:
        _normalise_openai_preference(obj, rec, layout)
    elif kind == KTO:
        _normalise_kto(obj, rec, layout)
    elif kind == TEXT:
        _normalise_text(obj, rec, layout)
    elif kind == TEMPLATED:
        normalise_templated(obj, rec, layout)
    elif kind == SEGMENTS:
        normalise_segments(obj, rec, layout)
    elif kind == STEPWISE:
        normalise_stepwise(obj, rec, layout)
    elif kind == MULTIPLE_CHOICE:
        normalise_choices(obj, rec, layout)
    else:  # pragma: no cover - every kind is above
        raise ValueError(f"unknown kind {kind!r}")
    if layout.sources("media"):
        attach_media(obj, rec, layout)
    label_keys = {label_field} if label_field else set()
    keys = obj.keys()
    unread = keys - layout.known_keys - label_keys
    if kind != RFT:  # in RFT data every other key is the grader's (`dataqa.ingest.rft`)
        for detail in verdicts(obj, unread):
            rec.issue(MARKED, detail)
    if layout.base is None and kind != RFT:  # a mapped layout names the fields the user cares about;
        # the rest is kept.
        # an unnamed column of whole numbers is the row number `DataFrame.to_csv` writes: no field
        unknown = {key for key in unread if not (nameless(key) and whole_number(obj[key]))}
        if label_field:  # the user chose the label among fields named so: the others are not unknown
            unknown = {key for key in unknown if role_by_name(key) != "label"}
        if unknown:
            rec.issue(UNKNOWN_KEYS, ", ".join(k[:40] for k in sorted(unknown)[:10]))
    if label_field and kind != CLASSIFICATION and label_field in obj:
        rec.label = label_text(obj[label_field], rec)
    elif (
        kind not in (CLASSIFICATION, KTO, STEPWISE, MULTIPLE_CHOICE)
        and (label_key := layout.source("label")) is not None
    ):
        value = lookup(obj, label_key)
        if value is not MISSING:
            rec.label = label_text(value, rec)
    extra = keys - layout.core_keys - label_keys
    if extra:
        rec.structure.keys = [k[:40] for k in sorted(extra)[:20]]
    if "weight" in obj:
        rec.structure.root_weight = obj["weight"]
    inp = obj.get("input")
    tools = obj.get("tools", obj.get("functions", inp.get("tools") if isinstance(inp, dict) else None))
    if tools:
        rec.tool_tokens = estimate_tokens(tools if isinstance(tools, str) else orjson.dumps(tools).decode())
    return _row(rec, layout.name, kind)


def _prompt_and_answer(dialogue: list[tuple[str, str]], rec: Record) -> tuple[str, str]:
    """A conversation without its system turns as its prompt (one user turn as it is, several as
    "role: content" lines) and its answer (the final assistant turn, or RFT's reference)."""
    if dialogue and dialogue[-1][0] == "assistant":
        response = dialogue[-1][1]
        before = dialogue[:-1]
    else:
        response = ""
        before = dialogue
    if rec.reference is not None:  # RFT: the grader's reference is the target (`dataqa.ingest.rft`)
        response = rec.reference
    return before[0][1] if len(before) == 1 else "\n".join(f"{r}: {c}" for r, c in before), response


def _row(rec: Record, fmt: str, kind: str) -> dict[str, Any]:
    turns = rec.turns
    system = "\n".join(c for r, c in turns if r in SYSTEM_ROLES)
    dialogue = [(r, c) for r, c in turns if r not in SYSTEM_ROLES]
    prompt, response = _prompt_and_answer(dialogue, rec)
    asked = None
    if rec.compared is None and any(e["kind"] in ("call", "result") for e in rec.structure.events):
        # a tool conversation: what is said and called, results aside (`dataqa.ingest.tool_text`)
        asked, answered = _prompt_and_answer(compared_turns(dialogue), rec)
        rec.compared = f"{asked}\n{answered}"
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
        "text": response
        if kind == TEXT
        else rec.compared
        if rec.compared is not None
        else f"{prompt}\n{response}",
        "asked": asked,
        "structure": rec.structure.to_json(),
        "issues": rec.issues,
    }
