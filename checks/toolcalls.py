"""TOOL: tool-calling examples whose calls, results, arguments or tool definitions are broken.

Reads the calls, results and tool definitions the normaliser keeps in the `structure` column
(`dataqa.ingest.structure`), for every style it knows: OpenAI `tool_calls` (and legacy `function_call`),
ShareGPT/glaive `function_call`/`observation` turns, Gemini `functionCall`/`functionResponse`
parts, Claude `tool_use`/`tool_result` and Bedrock Converse `toolUse`/`toolResult` parts. An
assistant message with `tool_calls` and null content is valid and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider import Problem, grouped
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split
from dataqa.ingest.load import json_type

JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
MAX_SCHEMA_DEPTH = 32
SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
SCHEMA_ONE = ("not", "if", "then", "else", "contains", "propertyNames", "additionalItems")


def _name(value: Any) -> str:
    return repr(value)[:60]


class _ToolCheck(Check):
    """One finding per record, listing what this check finds wrong in it."""

    family = "toolcalls"
    severity = Severity.ERROR

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:  # pragma: no cover
        raise NotImplementedError

    def run(self, ctx: Context) -> Iterator[Finding]:
        with_tools = 0
        for split in ctx:
            records = []
            for line, st in structure.records(ctx, split):
                if st.get("events") or "tools" in st:
                    with_tools += 1
                    records.append((line, self.problems(st, split, line)))
            yield from grouped(self, ctx, split, records)
        self.metrics["tool_records"] = with_tools


def pairing_problems(events: list[dict[str, Any]], last_turn: int) -> list[Problem]:
    """Calls without results, results without calls, results out of order, reused call ids.

    Results must follow their call turn directly (consecutive tool turns), in the order of the
    calls; results carrying an id must name a pending call. An example may end on the call turn
    (it teaches the model to call), but a call followed by any other turn was never answered.
    """
    problems: list[Problem] = []
    pending: list[dict[str, Any]] = []
    seen_ids: set[Any] = set()
    answered: set[Any] = set()
    previous_turn: int | None = None
    turns = sorted({e["turn"] for e in events})
    for turn in turns:
        here = [e for e in events if e["turn"] == turn]
        if pending and previous_turn is not None and turn > previous_turn + 1:
            problems += [(_call(c), "tool call has no result before the next turn") for c in pending]
            pending = []
        calls = [e for e in here if e["kind"] == "call"]
        for res in (e for e in here if e["kind"] == "result"):
            rid = res.get("id")
            if rid is not None:
                match = next((i for i, c in enumerate(pending) if c.get("id") == rid), None)
                if match is None:
                    problems.append(
                        (
                            f"{res['at']} (id {_name(rid)})",
                            "tool result answers a call twice"
                            if rid in answered
                            else "tool result id matches no earlier call",
                        )
                    )
                    continue
                if match != 0:
                    problems.append(
                        (
                            f"{res['at']} (id {_name(rid)} before {_name(pending[0].get('id'))})",
                            "tool results out of call order",
                        )
                    )
                answered.add(rid)
                pending.pop(match)
            elif not pending:
                problems.append((res["at"], "tool result without a pending call"))
            else:
                call = pending.pop(0)
                if res.get("name") and call.get("name") and res["name"] != call["name"]:
                    problems.append(
                        (
                            f"{res['at']} ({_name(res['name'])} answering {_name(call['name'])})",
                            "tool result names another function than the call it answers",
                        )
                    )
        if calls:
            if pending:
                problems += [(_call(c), "tool call has no result before the next call") for c in pending]
            pending = []
            for call in calls:
                cid = call.get("id")
                if cid is not None and cid in seen_ids:
                    problems.append((f"{call['at']} (id {_name(cid)})", "call id used twice in one example"))
                if cid is not None:
                    seen_ids.add(cid)
                pending.append(call)
        previous_turn = turn
    if pending and previous_turn is not None and previous_turn < last_turn:
        problems += [
            (_call(c), "tool call has no result (the conversation goes on without it)") for c in pending
        ]
    return problems


def _call(call: dict[str, Any]) -> str:
    """Where a call is: its position, function name and id."""
    what = _name(call.get("name"))
    if call.get("id") is not None:
        what += f", id {_name(call['id'])}"
    return f"{call['at']} ({what})"


@register
@dataclass
class UnpairedToolCall(_ToolCheck):
    """A tool call without its result, a result without its call, or results out of call order.

    Why: the model learns to answer from results it never asked for, or to ignore what it asked
    for; providers (OpenAI, Mistral) refuse a tool message whose id matches no preceding call.
    Example: an assistant calls `get_weather` (id call_1), then the next turn is the user again;
    or a tool message with `tool_call_id` "call_9" that no call made.
    Fix: add the missing result (with the call's id), remove the stray result, or order results
    as the calls were made. An example may end on the call itself.
    """

    id = "TOOL001"
    shares = frozenset({"structure"})
    name = "unpaired-tool-call"

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        events = st.get("events", [])
        return pairing_problems(events, st.get("last_turn", -1)) if events else []


ARG_MESSAGES = {
    structure.ARGS_MISSING: "has no arguments",
    structure.ARGS_NOT_JSON: "arguments are not valid JSON",
    structure.ARGS_DOUBLE: "arguments are double-encoded (a JSON string holding JSON): decode them once",
    structure.ARGS_UNENCODED: "arguments are an object; OpenAI-style calls want a string holding the JSON",
    structure.ARGS_NOT_OBJECT: "arguments are not a JSON object",
}


@register
@dataclass
class BadToolArguments(_ToolCheck):
    """A tool call whose arguments are not one JSON object, encoded once, or that is malformed.

    Why: a model trained on double-encoded or non-object arguments emits them at inference, and
    the caller's JSON parser fails; providers refuse calls without a function object.
    Example: `"arguments": "\\"{\\\\\\"city\\\\\\": \\\\\\"Oslo\\\\\\"}\\""` (a JSON string inside a
    JSON string), `"arguments": "city=Oslo"`, or a glaive call whose `arguments` is a string.
    Fix: encode the arguments object exactly once: a string for OpenAI `tool_calls`, the object
    itself for ShareGPT, Gemini and Claude.
    """

    id = "TOOL002"
    shares = frozenset({"structure"})
    name = "bad-tool-arguments"

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        out: list[Problem] = []
        for call in st.get("events", []):
            if call["kind"] != "call":
                continue
            if call.get("problem"):
                out.append((call["at"], call["problem"]))
                continue
            code = call.get("args")
            if code == structure.ARGS_MISSING and call.get("style") == "object":
                continue  # Gemini and Claude calls may leave arguments out
            if code != structure.ARGS_OK:
                detail = call.get("args_detail")
                where = _call(call) + (f": {detail}" if detail else "")
                out.append((where, f"tool call {ARG_MESSAGES.get(code, code)}"))
        return out


@register
@dataclass
class UndefinedTool(_ToolCheck):
    """A call names a function the example's `tools` do not define, or names no function at all.

    Why: the model learns to call functions that will not exist at inference (or that it was
    never shown), which is how hallucinated tool names are trained in.
    Example: `tools` defines `get_weather` and the assistant calls `get_forecast`.
    Fix: add the function to `tools`, or correct the call's name. Without a `tools` field the
    name must at least appear in the system prompt (the glaive style of declaring functions).
    """

    id = "TOOL003"
    shares = frozenset({"structure"})
    name = "undefined-tool"

    def run(self, ctx: Context) -> Iterator[Finding]:
        self._systems: dict[tuple[str, int], str] = {}
        for split in ctx:
            frame = split.frame.filter(split.frame["structure"].is_not_null()).select("line", "system")
            for line, system in frame.iter_rows():
                self._systems[(split.name, line)] = system or ""
        yield from super().run(ctx)

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        tools = st.get("tools")
        names = {t["name"] for t in tools or [] if isinstance(t.get("name"), str)}
        system = self._systems.get((split.name, line), "")
        out: list[Problem] = []
        for call in st.get("events", []):
            if call["kind"] != "call" or call.get("problem"):
                continue
            name = call.get("name")
            if not isinstance(name, str) or not name.strip():
                out.append((call["at"], "tool call names no function"))
            elif tools is None:
                if name not in system:
                    what = "call to a function the example never defines (no tools, not in the system prompt)"
                    out.append((_call(call), what))
            elif name not in names:
                defined = ", ".join(sorted(names)[:8]) or "none"
                out.append(
                    (f"{_call(call)}; defined: {defined}", "call to a function not among the example's tools")
                )
        return out


def schema_problems(schema: Any, path: str, depth: int = 0, openapi: bool = False) -> list[str]:
    """Structural JSON Schema errors: wrong keyword types, unknown types, bad `required` lists.

    A deliberately small validator of what a function's `parameters` schema must get right; it
    agrees with the draft-07 meta-schema on every keyword it checks (the tests compare it
    with the `jsonschema` package), and adds the rule JSON Schema leaves out: `required` names
    must be among `properties`. `openapi`: Gemini's OpenAPI-subset schemas, whose type names
    may be upper case ("OBJECT").
    """
    if isinstance(schema, bool):
        return []
    if not isinstance(schema, dict):
        return [f"{path} is a {json_type(schema)}; a schema is an object"]
    if depth > MAX_SCHEMA_DEPTH:
        return [f"{path} nests deeper than {MAX_SCHEMA_DEPTH} levels"]
    out: list[str] = []
    if "type" in schema:
        kind = schema["type"]
        kinds = kind if isinstance(kind, list) else [kind]
        if not kinds or not all(isinstance(k, str) for k in kinds):
            out.append(f"{path}.type must be a type name or a list of them")
        else:
            kinds = [k.lower() for k in kinds] if openapi else kinds
            unknown = [k for k in kinds if k not in JSON_TYPES]
            if unknown:
                out.append(f'{path}.type "{unknown[0][:30]}" is not a JSON Schema type')
            elif len(set(kinds)) != len(kinds):
                out.append(f"{path}.type lists a type twice")
    props = schema.get("properties")
    for key in SCHEMA_MAPS:
        if key not in schema:
            continue
        value = schema[key]
        if not isinstance(value, dict):
            out.append(f"{path}.{key} is a {json_type(value)}; expected an object of schemas")
            continue
        for name, sub in value.items():
            out += schema_problems(sub, f"{path}.{key}.{str(name)[:40]}", depth + 1, openapi)
    if "required" in schema:
        required = schema["required"]
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            out.append(f"{path}.required must be a list of property names")
        else:
            if len(set(required)) != len(required):
                out.append(f"{path}.required lists a name twice")
            if isinstance(props, dict):
                missing = [r for r in required if r not in props]
                if missing:
                    out.append(
                        f"{path}.required names {missing[0][:40]!r}, which is not among its properties"
                    )
    for key in SCHEMA_LISTS:
        if key not in schema:
            continue
        value = schema[key]
        if not isinstance(value, list) or not value:
            out.append(f"{path}.{key} must be a non-empty list of schemas")
            continue
        for i, sub in enumerate(value):
            out += schema_problems(sub, f"{path}.{key}[{i}]", depth + 1, openapi)
    if "items" in schema:
        items = schema["items"]
        if isinstance(items, list):  # draft 4-7 tuple form, still common in the wild
            if not items:
                out.append(f"{path}.items is an empty list; expected a schema")
            for i, sub in enumerate(items):
                out += schema_problems(sub, f"{path}.items[{i}]", depth + 1, openapi)
        else:
            out += schema_problems(items, f"{path}.items", depth + 1, openapi)
    for key in ("additionalProperties", *SCHEMA_ONE):
        if key in schema:
            out += schema_problems(schema[key], f"{path}.{key}", depth + 1, openapi)
    if "enum" in schema and not isinstance(schema["enum"], list):
        out.append(f"{path}.enum is a {json_type(schema['enum'])}; expected a list")
    for key in ("description", "title", "$ref", "pattern", "format"):
        if key in schema and not isinstance(schema[key], str):
            out.append(f"{path}.{key} is a {json_type(schema[key])}; expected a string")
    for key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
        value = schema.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            out.append(f"{path}.{key} must be a non-negative integer")
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        value = schema.get(key, 0)
        if not isinstance(value, int | float) or isinstance(value, bool):
            out.append(f"{path}.{key} must be a number")
    return out


@register
@dataclass
class InvalidToolSchema(_ToolCheck):
    """A tool definition is malformed, or its `parameters` are not a valid JSON Schema.

    Why: the provider refuses the tools (OpenAI validates `parameters` as a JSON Schema object),
    and a model trained on a broken schema learns the wrong argument shapes.
    Example: `"parameters": {"type": "dict", "properties": {...}}`, `"required": "city"`, a
    `required` name missing from `properties`, or two tools with the same name.
    Fix: write `parameters` as `{"type": "object", "properties": {...}, "required": [...]}` with
    JSON Schema type names (string, number, integer, boolean, array, object, null).
    """

    id = "TOOL004"
    shares = frozenset({"structure"})
    name = "invalid-tool-schema"

    def run(self, ctx: Context) -> Iterator[Finding]:
        # Records repeating one tool set share one parsed list (`structure.records`): judge it once.
        self._seen: dict[int, tuple[list, list[Problem]]] = {}
        yield from super().run(ctx)

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        tools = st.get("tools") or []
        if id(tools) not in self._seen:  # the list is kept alive in the cache, so ids are not reused
            self._seen[id(tools)] = (tools, self._judge(tools))
        return self._seen[id(tools)][1]

    @staticmethod
    def _judge(tools: list[dict[str, Any]]) -> list[Problem]:
        """Problems of one tool set, each with an empty position (the message names it)."""
        out: list[str] = []
        seen: set[str] = set()
        for tool in tools:
            if tool.get("problem"):
                out.append(tool["problem"])
                continue
            name = tool.get("name")
            if name in seen:
                out.append(f"{tool['at']}: a second tool named {_name(name)}")
            seen.add(name)
            if "schema" not in tool or tool["schema"] is None:
                continue
            schema = tool["schema"]
            where = f"{tool['at']}.parameters"
            openapi = tool.get("dialect") == "openapi"
            kind = schema.get("type", "object") if isinstance(schema, dict) else "object"
            kind = kind.lower() if openapi and isinstance(kind, str) else kind
            if isinstance(kind, str) and kind in JSON_TYPES - {"object"}:
                out.append(
                    f"{where}.type is {_name(schema.get('type'))}; function parameters must be an object"
                )
            out += schema_problems(schema, where, openapi=openapi)
        return [("", problem) for problem in out]


@register
@dataclass
class ArgumentsOffSchema(_ToolCheck):
    """A call's arguments leave out a required parameter, or pass one its tool's schema does not define.

    Why: the model learns to call the tool wrongly: a missing required argument fails at run time,
    and an undefined one is a hallucinated parameter the function will reject or ignore.
    Example: `get_weather` requires "city" and the call passes `{"town": "Oslo"}`.
    Fix: correct the call's arguments, or the tool's schema if the call is right. A schema that
    sets `"additionalProperties": true` accepts parameters it does not list.
    """

    id = "TOOL005"
    shares = frozenset({"structure"})
    name = "arguments-off-schema"
    severity = Severity.WARNING

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        schemas = {
            t["name"]: t["schema"]
            for t in st.get("tools") or []
            if isinstance(t.get("name"), str) and isinstance(t.get("schema"), dict)
        }
        out: list[Problem] = []
        for call in st.get("events", []):
            keys = call.get("arg_keys")
            schema = schemas.get(call.get("name")) if call["kind"] == "call" else None
            if keys is None or schema is None:
                continue
            props = schema.get("properties")
            required = schema.get("required")
            if isinstance(required, list):
                missing = [r for r in required if isinstance(r, str) and r not in keys]
                if missing:
                    out.append(
                        (f"{_call(call)}: {', '.join(missing[:5])}", "call leaves out a required parameter")
                    )
            if isinstance(props, dict) and props and schema.get("additionalProperties") is not True:
                unknown = [k for k in keys if k not in props]
                if unknown:
                    out.append(
                        (
                            f"{_call(call)}: {', '.join(unknown[:5])}",
                            "call passes a parameter its tool does not define",
                        )
                    )
        return out
