"""The text similarity checks compare for a conversation with tool calls: what is said and called.

A tool conversation's transcript holds its tools' results (catalogue entries, search hits, profiles
that many requests of one data set share) and its calls written as JSON (`dataqa.ingest.record`:
the call format's keys, a fresh id per call). Compared whole, two different requests that took the
same trajectory look alike (a 40-word restaurant record shared by "order the tacos" and "does it
deliver?"), and two copies of one example whose generator gave the calls new ids look different.
So the compared text (`Record.compared`, the row's `text`) leaves the results out and writes each
call as its function's name and its arguments' values (`call_text`); the turns, prompt and answer
keep everything as written for every other check. `asked` is that prompt, and `compared` reads a
row's prompt, answer or whole text as the similarity checks compare them.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import polars as pl

from dataqa.ingest.structure import CALL_ARGS_KEYS, CALL_NAME_KEYS

CALLS_WRITTEN = r'(?s)(?:^|\n)(\[\{".*)$'
"""The tool calls an assistant turn's content ends with, written as one line of JSON (a list of the
calls' payloads, `dataqa.ingest.record.messages`); a pattern both `re` and polars read."""
_CALLS = re.compile(CALLS_WRITTEN)
CALL_MARK = "→ "
"""What a call's line starts with in the compared text (`call_text`): a sign, so no word of it."""
CALL_LINE = re.compile(r"(?m)^(?:assistant: )?→ ")
"""A call's line in a compared text (`call_text`), in a prompt's turns or in the answer."""
ALIKE = "the same requests, calls and replies; tool results and call ids not compared"
"""What two tool conversations whose compared text is equal share: the exact duplicate check says
so rather than "identical"."""
RESULT_ROLES = ("tool", "function")
"""The roles of turns that carry a tool's result: left out of the compared text."""
_CALL_FORMAT_KEYS = frozenset({"id", "type", "index", "call_id", "tool_call_id", "toolUseId", "tool_use_id"})
"""Keys of a call's payload that belong to its format, not to what it asks: a call's id is new in
every generated conversation, its type ("function") is every call's."""


def call_text(payload: Any) -> str:
    """One call as compared: "→ name(value, value, ...)", its arguments' values in their order (a
    string that holds JSON, as OpenAI writes arguments, decoded first); keys aside, which every call
    of the function shares. A payload that names no function is written as its values."""
    if not isinstance(payload, dict):
        return CALL_MARK + ", ".join(_values(payload))
    body = payload
    for key in ("function", "functionCall", "toolUse"):  # OpenAI's, Gemini's, Converse's wrappers
        if isinstance(payload.get(key), dict):
            body = payload[key]
    name = next((body[k] for k in CALL_NAME_KEYS if isinstance(body.get(k), str)), None)
    args_key = next((k for k in (*CALL_ARGS_KEYS, "input") if k in body), None)
    if name is None or args_key is None:
        rest = {k: v for k, v in body.items() if k not in _CALL_FORMAT_KEYS}
        return CALL_MARK + ", ".join(_values(rest))
    return f"{CALL_MARK}{name}({', '.join(_values(body[args_key]))})"


MAX_DEPTH = 32
"""Levels of a call's arguments read for their values; a deeper value is written "…" (a hostile
record nested a thousand levels deep must not exhaust the interpreter's stack)."""


def _values(value: Any, depth: int = 0) -> list[str]:
    """The scalar values inside a JSON value, in order; a string that holds a JSON object or array
    is read as that value."""
    if depth > MAX_DEPTH:
        return ["…"]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                return _values(orjson.loads(stripped), depth + 1)
            except orjson.JSONDecodeError:
                pass
        return [value]
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item, depth + 1)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item, depth + 1)]
    return [] if value is None else [orjson.dumps(value, default=repr).decode()]


def shows_calls(text: str) -> bool:
    """Whether a compared text holds a call written by `call_text`: a tool conversation's."""
    return CALL_LINE.search(text) is not None


def said_and_called(content: str) -> str:
    """An assistant turn's content with the calls it ends with written as `call_text` lines."""
    found = _CALLS.search(content)
    if found is None:
        return content
    try:
        payloads = orjson.loads(found.group(1))
    except orjson.JSONDecodeError:
        return content
    if not isinstance(payloads, list):
        return content
    calls = "\n".join(call_text(p) for p in payloads)
    said = content[: found.start()].strip()
    return f"{said}\n{calls}" if said else calls


def compared_turns(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A tool conversation's turns as compared: its results left out, its calls as `call_text`."""
    return [
        (role, said_and_called(content) if role == "assistant" else content)
        for role, content in turns
        if role not in RESULT_ROLES
    ]


ASKED = "asked"
"""The canonical column of a tool conversation's prompt as compared (null for any other record)."""


def compared(column: str) -> pl.Expr:
    """A row's `column` as the similarity checks compare it, named `column`: for a tool conversation
    the prompt is `asked` and the answer the rest of `text` (`asked` and the answer on two lines);
    any other column, and any other record's, as it is."""
    asked = pl.col(ASKED)
    if column == "prompt":
        return pl.coalesce(asked, pl.col("prompt")).alias(column)
    if column == "response":
        answered = pl.col("text").str.slice(asked.str.len_chars() + 1)
        return pl.when(asked.is_null()).then(pl.col("response")).otherwise(answered).alias(column)
    return pl.col(column)
