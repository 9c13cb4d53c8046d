"""One record while it is normalised: the collector of its fields and issues, and the readers every
format shares (content values, message lists, turn order, string fields, a top-level system prompt)."""

from __future__ import annotations

from typing import Any

import orjson

from dataqa.ingest.formats import (
    CALL_ROLES,
    CHAT_ROLE_ALIASES,
    CHAT_ROLES,
    COHERE_ROLES,
    EMPTY_CONTENT,
    LAST_NOT_ASSISTANT,
    LEADING_ASSISTANT,
    MISSING_FIELD,
    NO_REQUEST,
    NO_TARGET,
    SHAREGPT_ROLES,
    SYSTEM_ROLES,
    TURN_ORDER,
    UNKNOWN_ROLE,
    WRONG_TYPE,
    RecordIssue,
)
from dataqa.ingest.issues import a_json_type
from dataqa.ingest.layouts import MISSING, Layout, lookup
from dataqa.ingest.parts import call_parts
from dataqa.ingest.structure import Structure, result_items
from dataqa.ingest.text_calls import record_text_calls


class Record:
    """Collects one record's canonical fields and issues while it is normalised."""

    def __init__(self) -> None:
        self.issues: list[RecordIssue] = []
        self.turns: list[tuple[str, str]] = []
        self.label: str | None = None
        self.rejected: str | None = None
        self.reference: str | None = None
        """In reinforcement fine-tuning data, the grader's reference: the target (`dataqa.ingest.rft`)."""
        self.compared: str | None = None
        """The text similarity and language checks compare, where it is not the prompt and target: a
        multiple-choice record's question and right choice, without the distractors many questions
        share (`dataqa.ingest.choices`)."""
        self.structure = Structure()
        self.tool_tokens = 0
        """Estimated tokens of the tool definitions sent with the example (they count toward limits)."""

    def issue(self, kind: str, detail: str) -> None:
        self.issues.append(RecordIssue(kind, detail))


def text_of(
    value: Any, where: str, rec: Record, allow_null: bool = False, role: str | None = None, turn: int = -1
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
                rec.issue(WRONG_TYPE, f"{where}[{i}] is {a_json_type(part)}; expected a content part object")
        return "\n".join(texts)
    rec.issue(WRONG_TYPE, f"{where} is {a_json_type(value)}; expected a string")
    return None


def read_role(role: str, role_map: dict[str, str] | None) -> str | None:
    """The role a message's written role is read as: by `role_map` (case aside), else the chat roles
    and their aliases as written; None when it is no role."""
    if role_map is not None:
        return role_map.get(role.lower())
    return role if role in CHAT_ROLES else CHAT_ROLE_ALIASES.get(role)


def messages(
    value: Any,
    where: str,
    rec: Record,
    role_key: str,
    content_key: str,
    role_map: dict[str, str] | None,
    renamed: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Validate a list of messages into (role, content, has_tool_calls) and fill `rec.turns`;
    `renamed`: roles the file names in its own words (`dataqa.ingest.role_names`), read first."""
    if not isinstance(value, list):
        rec.issue(WRONG_TYPE, f"{where} is {a_json_type(value)}; expected an array of messages")
        return []
    out: list[dict[str, Any]] = []
    st = rec.structure
    base = st.next_turn
    st.next_turn += len(value)
    for i, msg in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(msg, dict):
            rec.issue(WRONG_TYPE, f"{at} is {a_json_type(msg)}; expected an object")
            continue
        role = msg.get(role_key)
        if role is None:
            rec.issue(MISSING_FIELD, f'{at} has no "{role_key}"')
            continue
        if not isinstance(role, str):
            rec.issue(WRONG_TYPE, f"{at}.{role_key} is {a_json_type(role)}; expected a string")
            continue
        canonical = renamed.get(role) if renamed else None
        canonical = canonical or read_role(role, role_map)
        if canonical is None:
            hint = _roles_hint(rec, role, role_map, renamed)
            rec.issue(UNKNOWN_ROLE, f'{at}.{role_key} is "{role[:40]}"' + hint)
            continue
        if st.collect and len(msg) > 2:
            extra = sorted(k[:40] for k in msg if k not in (role_key, content_key))
            if extra:
                st.message_keys.append({"at": at, "keys": extra[:10]})
        call_turn = canonical == "assistant" and role.lower() in CALL_ROLES  # its content is the call
        tool_calls = msg.get("tool_calls") or msg.get("function_call") or call_turn
        turn = base + i
        before = len(st.events)
        listed = (
            st.inline_calls(msg, at, turn, (role_key, content_key))
            if canonical == "assistant" and not tool_calls
            else []
        )
        tool_calls = tool_calls or bool(listed)
        if content_key not in msg and not tool_calls:
            rec.issue(MISSING_FIELD, f'{at} ({canonical}) has no "{content_key}"')
            continue
        if call_turn:
            st.message_calls(msg, at, turn, call_key=content_key)
            value = msg.get(content_key)
            if isinstance(value, dict | list):  # the call as an object: its text is its JSON
                content = orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=repr).decode()
            else:
                content = text_of(value, f"{at}.{content_key}", rec, allow_null=True)
        else:
            calls_made = listed or (st.message_calls(msg, at, turn) if tool_calls else [])
            content = text_of(
                msg.get(content_key), f"{at}.{content_key}", rec, bool(tool_calls), canonical, turn
            )
            if calls_made:
                calls = orjson.dumps(calls_made, option=orjson.OPT_SORT_KEYS, default=repr).decode()
                content = f"{content}\n{calls}" if content else calls
        if canonical == "assistant" and not tool_calls and content:
            # Hermes' <tool_call> blocks, glaive's <functioncall>, a bare call the system or request declares
            bare = content.lstrip().startswith(("{", "["))
            system = "\n".join(m["content"] for m in out if m["role"] in ("system", "user")) if bare else ""
            record_text_calls(st, content, at, turn, system)
        new = st.events[before:]
        if not tool_calls and any(e["kind"] == "call" for e in new):
            tool_calls = True  # calls written as content parts (Gemini functionCall, Claude tool_use)
            if content:  # text beside the calls: their parts follow it, as OpenAI's tool_calls do
                calls = call_parts(msg.get(content_key))
                content += "\n" + orjson.dumps(calls, option=orjson.OPT_SORT_KEYS, default=repr).decode()
            else:
                content = orjson.dumps(msg.get(content_key), default=repr).decode()
        results = [e for e in new if e["kind"] == "result"]
        if canonical == "user" and results and len(results) == len(new) and not (content or "").strip():
            canonical = "tool"  # a user turn that only returns function results
            content = orjson.dumps(msg.get(content_key), default=repr).decode()
        if canonical in ("tool", "function") and not results:
            st.result(at, turn, msg.get("tool_call_id"), msg.get("name"), result_items(content))
        if content is None and not tool_calls:
            continue
        if "weight" in msg:
            weight = msg["weight"]
            if st.collect:
                st.weights.append({"at": at, "role": canonical, "value": weight})
            # null is no weight (OpenHermes writes "weight": null on every turn); a provider's
            # profile still judges it (PROV004)
            if weight is not None and (weight not in (0, 1) or isinstance(weight, bool)):
                rec.issue(WRONG_TYPE, f"{at}.weight is {weight!r}; expected 0 or 1")
        out.append({"role": canonical, "content": content or "", "tool_calls": bool(tool_calls), "at": at})
        if role_map is None and canonical != role:
            out[-1]["written"] = role  # an alias ("ipython"): what a provider is sent
    return out


_CHAT_ROLE_ORDER = ("system", "developer", "user", "assistant", "tool", "function")


def _roles_hint(
    rec: Record, role: str, role_map: dict[str, str] | None, renamed: dict[str, str] | None = None
) -> str:
    """The roles the format knows, said once per record (with the first unknown one): a set that
    names its roles otherwise ("UTILISATEUR", "bot") needs them renamed, and upper case is not the
    lower-case role to a trainer's chat template. A role the file itself names in lower case
    (`renamed`: "agent" read as the assistant) is spelled as the file spells it ("Agent": write "agent")."""
    known = list(role_map) if role_map is not None else [r for r in _CHAT_ROLE_ORDER if r in CHAT_ROLES]
    if role.lower() in known or (renamed and role.lower() in renamed):
        return f' (write "{role.lower()}")'
    if any(issue.kind == UNKNOWN_ROLE for issue in rec.issues):
        return ""
    return f" (the roles are {', '.join(known)})"


def check_turns(msgs: list[dict[str, Any]], where: str, rec: Record, need_target: bool = True) -> None:
    """Turn-order rules shared by every conversational format. A record with a message of unknown
    role is left to FMT009: that message was left out, so its turn order and target are unknowable
    (every message of a set that names its roles otherwise would read as "no assistant message"),
    and so is one whose conversation is no array (a transcript in one string) to FMT008: one problem,
    one finding, not a second "no assistant message" for the turns that were never read. An assistant
    message right after an assistant's tool call is no turn-order fault: the call's result is missing
    between them, which TOOL001 reports."""
    if any(issue.kind == UNKNOWN_ROLE for issue in rec.issues):
        return
    if not msgs and any(i.kind == WRONG_TYPE and i.detail.startswith(f"{where} is ") for i in rec.issues):
        return
    seen_other = False
    previous: str | None = None
    called = False  # the previous message was an assistant's tool call
    for msg in msgs:
        role, at = msg["role"], msg["at"]
        if role in SYSTEM_ROLES:
            if seen_other:
                rec.issue(TURN_ORDER, f"{at}: system message after the conversation started")
        else:
            if not seen_other and role == "assistant":
                if any(m["role"] == "user" for m in msgs):
                    rec.issue(
                        LEADING_ASSISTANT, f"{at}: conversation starts with the assistant, not the user"
                    )
                else:  # no greeting before a request: nothing was asked (a user message lost)
                    rec.issue(
                        NO_REQUEST, f"{at}: the assistant answers with no user message in the conversation"
                    )
            # an answer right after a call whose result is missing is TOOL001's (the call unpaired)
            if role == previous and role in ("user", "assistant") and not msg["tool_calls"] and not called:
                rec.issue(TURN_ORDER, f"{at}: two {role} messages in a row")
            if role == "tool" and previous not in ("assistant", "tool"):
                rec.issue(TURN_ORDER, f"{at}: tool result without a preceding assistant tool call")
            seen_other = True
            previous, called = role, role == "assistant" and bool(msg["tool_calls"])
        # An empty system turn is an empty system prompt, as `"system": ""` is in a field: trainers
        # render it as nothing, and exports carry it (OpenHermes's and SlimOrca's `{"from": "system",
        # "value": ""}`); not a turn that teaches nothing.
        if (
            not msg["content"].strip()
            and not msg["tool_calls"]
            and role not in SYSTEM_ROLES
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


def optional_field(
    obj: dict[str, Any], layout: Layout, role: str, rec: Record, required: bool = False
) -> str:
    """The text of the field `layout` reads for `role` in `obj`, "" when the record has none."""
    src = layout.source_in(obj, role)
    return string_field(obj, src, rec, required=required, lenient=layout.lenient) if src else ""


def string_field(
    obj: dict[str, Any],
    key: str,
    rec: Record,
    required: bool = True,
    target: bool = False,
    lenient: bool = False,
) -> str:
    """A required or optional string field; empty targets are NO_TARGET, empty inputs EMPTY_CONTENT.

    `key` may be a dotted path into nested values (`layouts.lookup`). `lenient` (a field the user
    mapped) also reads numbers and true / false, and lists of strings or numbers one per line, as
    text (TheoremQA's `"Answer": true` to a yes-or-no question is its answer, as `"Answer": 59` is); a
    `target` that is a number is read as its text too (a math set's `"answer": 18` is a short answer,
    not a broken record)."""
    value = lookup(obj, key)
    if value is MISSING:
        if required:
            rec.issue(MISSING_FIELD, f'no "{key}" field')
        return ""
    if lenient and isinstance(value, bool):
        value = orjson.dumps(value).decode()
    elif lenient or (target and isinstance(value, int | float) and not isinstance(value, bool)):
        value = _scalars_as_text(value)
    text = text_of(value, key, rec, allow_null=not required)
    if text is None:
        return ""
    if required and not text.strip():
        rec.issue(NO_TARGET if target else EMPTY_CONTENT, f'"{key}" is empty')
    return text


def _scalars_as_text(value: Any) -> Any:
    """A number as its text, a list of strings and numbers as one per line, a list of untyped
    segments (`[{"text": "Rate "}, {"text": "this book", "entity": "object"}]`, SNIPS) as their texts
    run together; anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return orjson.dumps(value).decode()
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, dict) and isinstance(v.get("text"), str) and "type" not in v for v in value)
    ):
        return "".join(v["text"] for v in value)
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value)
    ):
        return "\n".join(v if isinstance(v, str) else orjson.dumps(v).decode() for v in value)
    return value


def note_written_roles(msgs: list[dict[str, Any]], rec: Record) -> None:
    """Keep the roles of the record's leading turns `msgs` that were written as an alias of the role
    they are read as (Llama 3.1's "ipython"), by turn index, for the provider rules (PROV002)."""
    rec.structure.roles_written = {i: m["written"] for i, m in enumerate(msgs) if "written" in m}


def conversation(value: Any, where: str, rec: Record, need_target: bool = True) -> list[dict[str, Any]]:
    """A chat-style message list (role/content) read and checked for turn order, as one step."""
    msgs = messages(value, where, rec, "role", "content", None)
    check_turns(msgs, where, rec, need_target)
    return msgs


def system_field(obj: dict[str, Any], key: str, rec: Record) -> dict[str, Any] | None:
    """A top-level system prompt (Bedrock "system", Gemini "systemInstruction") as a leading message."""
    value = lookup(obj, key)
    if value is MISSING or value is None:
        return None
    if isinstance(value, dict) and "parts" in value:  # Gemini Content object
        value = value["parts"]
        where = f"{key}.parts"
    else:
        where = key
    text = text_of(value, where, rec, role="system")
    if text is None or not text.strip():
        return None
    rec.structure.system_field = True
    return {"role": "system", "content": text, "tool_calls": False, "at": key}


_EXCHANGE_SIDES = (
    ("input", "output"),
    *((k, r) for k in ("human", "user") for r in ("assistant", "gpt", "bot")),
)
"""The keys of an exchange that name its two sides, asked then answered: Capybara's input / output,
Firefly's (and MOSS's) human / assistant."""


def _exchange_keys(value: list[Any]) -> tuple[str, str] | None:
    """The (asked, answered) keys every exchange of `value` writes both of, as strings, with no role
    key beside them; None when no pair of `_EXCHANGE_SIDES` fits every one."""
    for asked, answered in _EXCHANGE_SIDES:
        if all(
            isinstance(v, dict)
            and isinstance(v.get(asked), str)
            and isinstance(v.get(answered), str)
            and not v.keys() & {"role", "from"}
            for v in value
        ):
            return asked, answered
    return None


def unkeyed_turns(value: Any, src: str, rec: Record) -> list[dict[str, Any]]:
    """Conversations written without roles: LIMA's list of strings (the user first, then turns
    alternate) and a list of exchanges whose keys name the two sides (Capybara's {"input", "output"},
    Firefly's {"human", "assistant"}); [] for any other value."""
    if not isinstance(value, list) or not value:
        return []
    if all(isinstance(v, str) for v in value):
        turns = [("assistant" if i % 2 else "user", v, f"{src}[{i}]") for i, v in enumerate(value)]
    elif (sides := _exchange_keys(value)) is not None:
        asked, answered = sides
        turns = [
            turn
            for i, v in enumerate(value)
            for turn in (
                ("user", v[asked], f"{src}[{i}].{asked}"),
                ("assistant", v[answered], f"{src}[{i}].{answered}"),
            )
        ]
    else:
        return []
    rec.structure.next_turn += len(turns)
    return [{"role": role, "content": text, "tool_calls": False, "at": at} for role, text, at in turns]


def parallel_turns(asked: Any, answered: Any) -> list[tuple[str, str]]:
    """A conversation kept as two lists of strings of one length, two or more: the user turns and
    the replies, `answered[i]` to `asked[i]` (Chinese-Vicuna's `{"input": [...], "output": [...]}`);
    [] for any other pair of values (a list of one, or of other lengths, is read one item per line)."""
    if not (isinstance(asked, list) and isinstance(answered, list) and len(asked) == len(answered) >= 2):
        return []
    if not all(isinstance(turn, str) for turn in (*asked, *answered)):
        return []
    return [
        turn
        for question, answer in zip(asked, answered, strict=True)
        for turn in (("user", question), ("assistant", answer))
    ]


def history_turns(obj: dict[str, Any], layout: Layout, rec: Record) -> list[tuple[str, str]]:
    """The earlier turns of a pair record ([[question, answer], ...]): they are part of its input,
    so one follow-up question after two different conversations is two examples."""
    key = layout.source("history")
    value = lookup(obj, key) if key else MISSING
    if value is MISSING or value is None or value == []:
        return []
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair) for pair in value
    ):
        rec.issue(WRONG_TYPE, f'"{key}" must be a list of [question, answer] pairs of strings')
        return []
    return [turn for question, answer in value for turn in (("user", question), ("assistant", answer))]


def message_keys(
    value: Any, default_sharegpt: bool, keys: dict[str, str] | None = None
) -> tuple[str, str, dict[str, str] | None]:
    """(role key, content key, role map) of a message list: ShareGPT's from/value or role/content,
    as its first message writes them (role/value: ShareGPT's roles), else as the layout's kind says;
    `keys`: the keys the file writes for "role" and "content" (`Layout.renamed_keys`), read instead."""
    if keys:
        role_key, content_key, role_map = message_keys(value, default_sharegpt)
        role_key = keys.get("role", role_key)
        return role_key, keys.get("content", content_key), SHAREGPT_ROLES if role_key == "from" else role_map
    first = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}
    if "from" in first and "role" not in first:
        return "from", "value", SHAREGPT_ROLES
    if "role" in first and "value" in first and "content" not in first:
        return "role", "value", SHAREGPT_ROLES  # Pygmalion: ShareGPT's roles under "role"
    if "role" in first and "from" not in first:
        cohere = any(isinstance(m, dict) and str(m.get("role")).lower() == "chatbot" for m in value)
        return "role", "content", COHERE_ROLES if cohere else None
    return ("from", "value", SHAREGPT_ROLES) if default_sharegpt else ("role", "content", None)
