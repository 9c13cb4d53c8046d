"""Tool calls written inside an assistant's text, in the conventions published sets use.

Many tool-use sets carry no structured `tool_calls`: the assistant's turn holds the call as text,
the way the model is to write it. Three conventions cover most of them:

- Hermes' and Qwen's `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` blocks (NousResearch's
  hermes-function-calling writes the object as a Python dict, single quotes and all), any number in
  one turn, possibly after some text;
- glaive's `<functioncall> {"name": ..., "arguments": '{...}'}` turn, the arguments' JSON text in
  single quotes (which JSON does not allow), or the arguments object itself, or none for a function
  without parameters;
- the Python call list ToolACE and the Berkeley function-calling leaderboard's data write as the
  whole turn: `[get_weather(city="Paris"), Market Trends API(trend_type="MOST_ACTIVE")]` (names may
  hold spaces; arguments are keywords with literal values);
- Llama 3.1's `<|python_tag|>` opening the turn: a built-in tool's `brave_search.call(query="...")`,
  a custom tool's `{"name": ..., "parameters": {...}}`, or code for its code interpreter (answered by
  an "ipython" turn);
- in a record that declares its tools, a turn that is only a bare JSON call object or a list of them
  (`{"name": ..., "arguments": {...}}`, Trelis' `{"function": ..., "arguments": ...}`).

`record_text_calls` records each call in the record's `Structure`, so the TOOL checks judge them
(calls without results, undefined functions, arguments that are not an object) as they judge
structured calls.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import orjson

from dataqa.ingest.structure import Structure

_FUNCTION_CALL = re.compile(r"\s*<functioncall>\s*(?P<payload>.*)", re.S)
_QUOTED_ARGUMENTS = re.compile(r"""("arguments"\s*:\s*)'(?P<args>.*)'(\s*\}\s*)$""", re.S)
_PYTHONIC_START = re.compile(r"\[\s*[A-Za-z_][\w .\-]*\(")
_PYTHONIC_CALL = re.compile(r"(?P<name>[A-Za-z_][\w .\-]*?)\s*\((?P<args>.*)\)", re.S)
PYTHON_TAG = "<|python_tag|>"
"""Llama 3.1's marker of a tool call at the start of an assistant turn."""
_END_OF_CALL = ("<|eom_id|>", "<|eot_id|>")
_BUILTIN_CALL = re.compile(r"(?P<name>[A-Za-z_]\w*)\.call\((?P<args>.*)\)", re.S)
CODE_INTERPRETER = "code_interpreter"
"""The name Llama 3.1 gives the tool that runs the code a `<|python_tag|>` turn holds."""
_LLAMA_ENVIRONMENT = "Environment: ipython"
_LLAMA_TOOLS = re.compile(r"(?m)^Tools:[ \t]*(?P<names>[^\n]+)")
LITERAL_LIMIT = 100_000
"""Characters past which a call that is not JSON is not tried as a Python literal."""


def has_text_calls(content: str) -> bool:
    """Whether an assistant's text may hold calls in one of the conventions (a cheap test)."""
    head = content.lstrip()[:300]
    return (
        "<tool_call>" in content
        or head.startswith(("<functioncall>", PYTHON_TAG))
        or (head.startswith("[") and _PYTHONIC_START.match(head) is not None)
    )


def record_text_calls(st: Structure, content: str, at: str, turn: int, system: str = "") -> bool:
    """Record the calls `content` writes; whether it writes any. `system`: the record's system prompt,
    where a set without a `tools` field declares its functions (`record_bare_calls`)."""
    if not has_text_calls(content):
        return record_bare_calls(st, content, at, turn, system)
    if content.lstrip().startswith(PYTHON_TAG):
        _record_llama(st, content.lstrip()[len(PYTHON_TAG) :], at, turn)
        return True
    blocks, _ = tagged_blocks(content, "tool_call")
    for j, block in enumerate(blocks):
        where = at + (f" <tool_call> {j + 1}" if len(blocks) > 1 else "")
        call = _decode(block.strip())
        _record(st, call, where, turn, "object", "the <tool_call> is not a JSON object")
    if blocks:
        return True
    pythonic = _pythonic_calls(content)
    if pythonic is not None:
        for j, (name, args, problem) in enumerate(pythonic):
            where = at + (f" call {j + 1}" if len(pythonic) > 1 else "")
            st.call(where, turn, None, name, args, "object", problem)
        return True
    glaive = _FUNCTION_CALL.match(content)
    if glaive is None:
        return False
    payload, quoted = glaive.group("payload"), 0
    if len(payload) <= LITERAL_LIMIT:
        payload, quoted = _QUOTED_ARGUMENTS.subn(
            lambda m: m.group(1) + orjson.dumps(m.group("args")).decode() + m.group(3), payload
        )
    call = _decode(payload, literal=False)
    # Quoted, the arguments are a JSON text (OpenAI's string style); else the object itself.
    _record(st, call, at, turn, "string" if quoted else "object", "the <functioncall> is not a JSON object")
    return True


_CALL_KEYS = frozenset({"name", "function", "arguments", "parameters", "id", "type"})
"""The keys of a call written as a bare JSON object, and no others: a reply that is some other JSON
object with a "name" ({"name": "Ada", "age": 36}) is no call."""


def _bare_call(item: Any) -> tuple[Any, Any, Any, str] | None:
    """(id, name, arguments, style) of one call written as a bare JSON object: `{"name", "arguments"}`
    (or "parameters"), Trelis' `{"function": NAME, "arguments"}`, or OpenAI's `{"type": "function",
    "function": {"name", "arguments"}}` (its arguments a JSON text, OpenAI's "string" style, where
    they are a string); None for any other value."""
    if not isinstance(item, dict) or not item.keys() <= _CALL_KEYS:
        return None
    inner = item.get("function")
    if isinstance(inner, dict) and "name" in inner and ("arguments" in inner or "parameters" in inner):
        args = inner.get("arguments", inner.get("parameters"))
        return item.get("id"), inner.get("name"), args, "string" if isinstance(args, str) else "object"
    name = item.get("name", inner)
    if not isinstance(name, str) or not ("arguments" in item or "parameters" in item):
        return None
    return item.get("id"), name, item.get("arguments", item.get("parameters")), "object"


_BARE_NAME = re.compile(
    r"""(?P<key>["'](?:name|function)["']\s*:\s*)(?P<name>[A-Za-z_][\w.\-]*)(?=\s*[,}])"""
)
"""A call's name written as a bare word (`{'name':terminal, ...}`), not a quoted string."""
_LITERAL_WORDS = frozenset({"None", "True", "False", "null", "true", "false"})
UNQUOTED_NAME = (
    "tool call's function name is not quoted: neither JSON nor a Python literal, no parser reads it"
)
"""The problem of a call written as a dict whose name is a bare word (Bedrock Nova's tool-use sample)."""


def _loose_call(body: str) -> tuple[Any, str | None]:
    """The value a bare turn writes and its problem: JSON; a Python literal (Hermes' single quotes);
    or a Python dict whose function name is a bare word, read with the name quoted and reported
    (`UNQUOTED_NAME`). (None, None) when it is none of them."""
    try:
        return orjson.loads(body), None
    except orjson.JSONDecodeError:
        pass
    quoted = _BARE_NAME.sub(
        lambda m: m.group(0) if m.group("name") in _LITERAL_WORDS else f"{m.group('key')}'{m.group('name')}'",
        body,
    )
    value = _decode(quoted)
    return value, (UNQUOTED_NAME if quoted != body else None) if value is not None else None


def record_bare_calls(st: Structure, content: str, at: str, turn: int, system: str) -> bool:
    """Record the calls of an assistant turn that is nothing but a call object or a list of them
    (`_bare_call`), as Trelis' function-calling sets and many exports write them; whether it is one.
    The object may be JSON, a Python dict, or a dict whose name is a bare word (`_loose_call`, the
    call then reported). Read only in a record that declares its functions, in a `tools` field or,
    by name in quotes, in `system`: its system prompt and user turns (Trelis: `"function":
    "search_bing"` in the system prompt; Bedrock's tool list in the request): elsewhere a JSON reply
    is an answer in JSON."""
    body = content.strip()
    if not (st.tools or '"' in system) or not body.startswith(("{", "[")) or len(body) > LITERAL_LIMIT:
        return False
    value, problem = _loose_call(body)
    items = value if isinstance(value, list) else [value]
    calls = [_bare_call(item) for item in items]
    if not calls or any(call is None for call in calls):
        return False
    if not st.tools and not all(f'"{call[1]}"' in system for call in calls if call is not None):
        return False  # no tools field, and neither the system prompt nor the request names the functions
    for j, call in enumerate(calls):
        assert call is not None
        st.call(at + (f" call {j + 1}" if isinstance(value, list) else ""), turn, *call, problem)
        if st.collect and not st.tools:
            st.events[-1]["declared"] = True  # its name is quoted where the record lists its functions
    return True


def answer_calls(st: Structure, turns: list[tuple[str, str]], at: str) -> bool:
    """Record the calls of a prompt/completion record's answer (the last of its `turns`) when it is a
    bare JSON call its tools or system prompt declare (`record_bare_calls`: Trelis' CSV of
    systemPrompt, userPrompt and a `{"function", "arguments"}` assistantResponse); the other
    conventions are read in chat turns only. Not again where the answer's calls are read (xLAM's)."""
    if any(event["kind"] == "call" for event in st.events):
        return False
    system = "\n".join(content for role, content in turns[:-1] if role in ("system", "user"))
    return record_bare_calls(st, turns[-1][1], at, len(turns) - 1, system)


def _record_llama(st: Structure, body: str, at: str, turn: int) -> None:
    """Record the call a Llama 3.1 `<|python_tag|>` turn makes: a custom tool's JSON object, a
    built-in tool's `NAME.call(...)`, else the code itself, run by the code interpreter."""
    body = body.strip()
    for end in _END_OF_CALL:
        body = body.removesuffix(end).rstrip()
    call = _decode(body, literal=False) if body.startswith("{") else None
    if isinstance(call, dict) and "name" in call:
        _record(st, call, at, turn, "object", "")
        return
    builtin = _BUILTIN_CALL.fullmatch(body)
    if builtin is not None:
        args, problem = _keyword_arguments(builtin.group("args"))
        st.call(at, turn, None, builtin.group("name"), args, "object", problem)
        return
    st.call(at, turn, None, CODE_INTERPRETER, {"code": body}, "object")


def llama_builtin_declared(name: str, system: str) -> bool:
    """Whether a Llama 3.1 system prompt declares `name` as a built-in tool: its "Environment:
    ipython" line turns on the code interpreter, and its "Tools:" line names the others
    (brave_search, wolfram_alpha)."""
    if _LLAMA_ENVIRONMENT not in system:
        return False
    listed = _LLAMA_TOOLS.search(system)
    named = {n.strip() for n in listed.group("names").split(",")} if listed else set()
    return name == CODE_INTERPRETER or name in named


def tagged_blocks(text: str, tag: str) -> tuple[list[str], str]:
    """The inner texts of `text`'s `<tag>...</tag>` blocks in order, and the text outside them; one
    linear pass (a regular expression over nested blocks can take exponential time on hostile text)."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    inner: list[str] = []
    outside: list[str] = []
    pos = 0
    while (start := text.find(opening, pos)) != -1:
        end = text.find(closing, start + len(opening))
        if end == -1:
            break
        outside.append(text[pos:start])
        inner.append(text[start + len(opening) : end])
        pos = end + len(closing)
    outside.append(text[pos:])
    return inner, "".join(outside)


def _decode(payload: str, literal: bool = True) -> Any:
    """The call object a payload holds: JSON, or (Hermes) a Python dict literal; None if neither."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        pass
    if not literal or len(payload) > LITERAL_LIMIT:
        return None
    try:
        return ast.literal_eval(payload)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _record(st: Structure, call: Any, at: str, turn: int, style: str, not_object: str) -> None:
    if not isinstance(call, dict):
        st.call(at, turn, None, None, None, "object", not_object)
        return
    # A function without parameters may be called without arguments ('{"name": "get_joke"}').
    args = call.get("arguments", call.get("parameters", {}))
    st.call(at, turn, call.get("id"), call.get("name"), args, style)


def _pythonic_calls(content: str) -> list[tuple[str, Any, str | None]] | None:
    """The (name, arguments, problem) of each call of a turn that is one Python call list; None when
    the turn is not one (a list of anything else, text around it)."""
    body = content.strip()
    if not (body.startswith("[") and body.endswith("]")) or _PYTHONIC_START.match(body) is None:
        return None
    calls = []
    for item in _top_level_items(body[1:-1]):
        found = _PYTHONIC_CALL.fullmatch(item.strip())
        if found is None:
            return None
        calls.append((found.group("name").strip(), *_keyword_arguments(found.group("args"))))
    return calls


def _top_level_items(text: str) -> list[str]:
    """`text` split at the commas outside brackets and quotes."""
    items, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
        i += 1
    items.append(text[start:])
    return items


def _keyword_arguments(text: str) -> tuple[Any, str | None]:
    """A Python call's arguments as an object, or (None, the problem): only keywords with literal
    values say which parameter each value fills."""
    if len(text) > LITERAL_LIMIT:
        return None, "arguments too long to read"
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        assert isinstance(call, ast.Call)
        if call.args:
            return None, "positional arguments: which parameter each fills is not said"
        return {kw.arg or "**": ast.literal_eval(kw.value) for kw in call.keywords}, None
    except (ValueError, SyntaxError, TypeError, AssertionError, MemoryError, RecursionError):
        return None, "arguments are not keyword=literal pairs"
