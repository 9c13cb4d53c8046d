"""What the canonical columns flatten away, kept per record for the checks that judge it.

The normaliser (`dataqa.ingest.normalisers`) turns every record into text columns; tool definitions, tool
calls and their results, typed content parts, images, per-message weights and extra top-level keys
do not survive that. While a record is normalised they are collected here into a `Structure`, and
stored as one compact JSON string in the frame's `structure` column, which is null for plain
records (so plain data costs one validity bit per row). Image bytes are never kept: an image is its
media type and decoded size.

Only extraction lives here; the provider, tool-call and preference checks do the judging. What a
content part is (its type, text, image facts, or a tool call written as a part) is read by
`dataqa.ingest.parts`.
"""

from __future__ import annotations

from typing import Any

import orjson

from dataqa.core.shared import FramedSplit, SharedValues
from dataqa.ingest.issues import a_json_type, json_type
from dataqa.ingest.parts import (
    classify_part,
    image_of,
    media_marker,
    part_call,
    part_result,
    training_flags,
    value_form,
)

# How a call's arguments are encoded (`args` in a call event): the one place that decodes them.
ARGS_OK = "ok"
ARGS_MISSING = "missing"
ARGS_NOT_JSON = "not_json"
ARGS_DOUBLE = "double_encoded"
ARGS_UNENCODED = "object_not_encoded"
ARGS_NOT_OBJECT = "not_object"


def classify_args(args: Any, style: str) -> tuple[str, str | None, list[str] | None, Any]:
    """(code, detail, keys, decoded arguments) for a call's arguments (the object, when there is one).

    `style` "string": OpenAI, arguments are a string holding one JSON object. `style` "object":
    ShareGPT/glaive, Gemini, Claude, Converse, arguments are the object itself. A string that
    decodes to a string holding an object (or, for "object" style, any string holding an object)
    is double-encoded.
    """
    if args is None:
        return ARGS_MISSING, None, None, None
    if isinstance(args, str):
        try:
            value = orjson.loads(args)
        except orjson.JSONDecodeError as exc:
            if style == "string":
                return ARGS_NOT_JSON, str(exc)[:80], None, None
            return ARGS_NOT_OBJECT, "string", None, None
        if style == "object":
            return (
                (ARGS_DOUBLE, None, None, None)
                if isinstance(value, dict)
                else (ARGS_NOT_OBJECT, "string", None, None)
            )
        if isinstance(value, str):
            try:
                inner = orjson.loads(value)
            except orjson.JSONDecodeError:
                return ARGS_NOT_OBJECT, "string", None, None
            return (
                (ARGS_DOUBLE, None, None, None)
                if isinstance(inner, dict | list)
                else (ARGS_NOT_OBJECT, "string", None, None)
            )
        if not isinstance(value, dict):
            return ARGS_NOT_OBJECT, json_type(value), None, None
        return ARGS_OK, None, [str(k)[:80] for k in list(value)[:100]], value
    if isinstance(args, dict):
        if style == "string":
            return ARGS_UNENCODED, None, [str(k)[:80] for k in list(args)[:100]], args
        return ARGS_OK, None, [str(k)[:80] for k in list(args)[:100]], args
    return ARGS_NOT_OBJECT, json_type(args), None, None


def arg_values(args: dict[str, Any]) -> dict[str, list[Any]]:
    """Each argument's JSON type ("integer" for a whole number) and, when it is a short scalar, its
    value (for an enum): what TOOL005 holds against the schema, without keeping long texts."""
    out: dict[str, list[Any]] = {}
    for key, value in list(args.items())[:100]:
        kind = "integer" if isinstance(value, int) and not isinstance(value, bool) else json_type(value)
        short = (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= 60)
        )
        out[str(key)[:80]] = [kind, value] if short else [kind]
    return out


CALL_EVENT = r'"kind":\s*"call"'
"""A record's `structure` (its compact JSON, `Structure.to_json`) holding a tool call."""
TOOL_EVENT = r'"kind":\s*"(?:call|result)"'
"""A record's `structure` holding a tool call or a tool's result."""

CALL_NAME_KEYS = ("name", "api_name", "tool_name", "function")
"""Keys a call written as an object names its function under (OpenAI and glaive "name", ToolTalk's
and API-Bank's "api_name")."""
CALL_ARGS_KEYS = ("arguments", "parameters", "args", "param_dict")
"""Keys a call written as an object gives its arguments under."""
CALL_RESULT_KEYS = ("response", "result", "output", "exception", "error")
"""Keys a call listed with what it returned writes that under."""


def inline_call(item: Any) -> tuple[dict[str, Any], bool] | None:
    """A call listed in a message (`Structure.inline_calls`) and whether its result is written beside
    it: the item itself, or its "request", when that names a function (a string under a name key)
    and gives arguments; None for anything else."""
    if not isinstance(item, dict):
        return None
    call = item.get("request") if isinstance(item.get("request"), dict) else item
    named = any(isinstance(call.get(k), str) for k in CALL_NAME_KEYS if k != "function")
    if not named or not any(k in call for k in CALL_ARGS_KEYS):
        return None
    return call, call is not item and any(k in item for k in CALL_RESULT_KEYS)


def result_items(text: str | None) -> int | None:
    """How many results a tool message's text gives when it is a JSON array of two or more
    objects (the results of parallel calls, or one result that is a list: the pairing decides), or
    two or more `<tool_response>` blocks (Hermes' answer to parallel calls); None for any other text."""
    if text and (blocks := text.count("<tool_response>")) > 1:
        return blocks
    if not text or not text.lstrip().startswith("["):
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, list) and len(value) > 1 and all(isinstance(v, dict) for v in value):
        return len(value)
    return None


def _scalar(value: Any) -> Any:
    """An id or name as stored: strings and numbers as they are, anything else as its JSON type."""
    if value is None or isinstance(value, str | int | float):
        return value[:200] if isinstance(value, str) else value
    return f"<{json_type(value)}>"


class Structure:
    """Collects one record's structural facts while it is normalised (see the module docstring)."""

    def __init__(self) -> None:
        self.tools: list[dict[str, Any]] | None = None
        self.events: list[dict[str, Any]] = []
        self.parts: list[dict[str, Any]] = []
        self.images: list[dict[str, Any]] = []
        self.weights: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.message_keys: list[dict[str, Any]] = []
        """Messages with keys beyond their role and content: [{"at", "keys"}]."""
        self.root_weight: Any = None
        self.system_field = False
        self.next_turn = 0
        """Turn numbers run across every message list of the record (prompt, then answer)."""
        self.collect = True
        """False while a part that is not trained on (a rejected answer) is read."""
        self.label_type: str | None = None
        """The JSON type of a label given as an object, array or boolean (not text)."""
        self.roles_written: dict[int, str] = {}
        """Turns whose role was written as an alias of the role they are read as (Llama 3.1's
        "ipython" for "tool"), by their index in the record's turns: the role a provider is sent."""

    # -- tool calls and results -------------------------------------------------------------
    def call(self, at: str, turn: int, id: Any, name: Any, args: Any, style: str, problem: str | None = None):
        if self.collect:
            code, detail, keys, decoded = classify_args(args, style)
            event = {"kind": "call", "at": at, "turn": turn, "id": _scalar(id), "name": _scalar(name)}
            event.update(args=code, style=style)
            if detail:
                event["args_detail"] = detail
            if keys is not None:
                event["arg_keys"] = keys
            if isinstance(decoded, dict) and decoded:
                event["arg_values"] = arg_values(decoded)
            if problem:
                event["problem"] = problem
            self.events.append(event)

    def result(self, at: str, turn: int, id: Any = None, name: Any = None, items: int | None = None) -> None:
        """Record a tool result; `items`: the number of results one message gives as a JSON array
        (LLaMA-Factory and glaive answer parallel calls in one tool message)."""
        if self.collect:
            event = {"kind": "result", "at": at, "turn": turn, "id": _scalar(id), "name": _scalar(name)}
            if items is not None:
                event["items"] = items
            self.events.append(event)

    def message_calls(
        self, msg: dict[str, Any], at: str, turn: int, call_key: str | None = None
    ) -> list[Any]:
        """Record the calls a message makes; returns their payloads (for the message's text). `call_key`:
        the content key of a turn whose role is a call (ShareGPT's function_call), which holds them."""
        payloads: list[Any] = []
        if call_key is not None:
            return self.json_calls(
                msg.get(call_key), f"{at}.{call_key}", turn, f"function_call {call_key} is not valid JSON", at
            )
        tool_calls = msg.get("tool_calls")
        if tool_calls is not None:
            if not isinstance(tool_calls, list):
                self.call(f"{at}.tool_calls", turn, None, None, None, "string", "tool_calls is not an array")
                return [tool_calls]
            for j, call in enumerate(tool_calls):
                where = f"{at}.tool_calls[{j}]"
                fn = call.get("function") if isinstance(call, dict) else None
                if not isinstance(fn, dict):
                    self.call(where, turn, None, None, None, "string", 'call has no "function" object')
                    continue
                problem = None if "arguments" in fn else 'call has no "arguments"'
                self.call(where, turn, call.get("id"), fn.get("name"), fn.get("arguments"), "string", problem)
                payloads.append(call)
        function_call = msg.get("function_call")
        if isinstance(function_call, dict):
            self.call(
                f"{at}.function_call",
                turn,
                None,
                function_call.get("name"),
                function_call.get("arguments"),
                "string",
                None if "arguments" in function_call else 'call has no "arguments"',
            )
            payloads.append(function_call)
        elif function_call is not None:
            self.call(
                f"{at}.function_call", turn, None, None, None, "string", "function_call is not an object"
            )
        return payloads

    def inline_calls(self, msg: dict[str, Any], at: str, turn: int, skip: tuple[str, ...]) -> list[Any]:
        """Record the calls an assistant message lists under a key of its own, each written with
        what it returned (ToolTalk's `"apis": [{"request": {"api_name", "parameters"}, "response",
        "exception"}]`); returns the calls' payloads, [] when the message has no such list. A call
        given with its result is answered where it stands (`answered`), so no separate tool turn
        is looked for."""
        for key, value in msg.items():
            if (
                key in skip
                or key in ("tool_calls", "function_call")
                or not isinstance(value, list)
                or not value
            ):
                continue
            found = [inline_call(item) for item in value]
            if not all(found):
                continue
            payloads: list[Any] = []
            for j, (call, answered) in enumerate(c for c in found if c is not None):
                name = next((call[k] for k in CALL_NAME_KEYS if k in call), None)
                args = next((call[k] for k in CALL_ARGS_KEYS if k in call), None)
                before = len(self.events)
                self.call(f"{at}.{key}[{j}]", turn, call.get("id"), name, args, "object")
                if answered and len(self.events) > before:
                    self.events[-1]["answered"] = True
                payloads.append(call)
            return payloads
        return []

    def json_calls(
        self, value: Any, where: str, turn: int, not_json: str, at: str | None = None
    ) -> list[Any]:
        """Record the calls a value holds, one {name, arguments} object or a list of them, possibly
        written as a JSON string (ShareGPT's function_call turn, xLAM's answers); returns their
        payloads. `not_json` is the problem of a string that is not JSON, reported at `at`."""
        try:
            decoded = orjson.loads(value) if isinstance(value, str) else value
        except orjson.JSONDecodeError:
            self.call(where if at is None else at, turn, None, None, value, "object", not_json)
            return [value]
        payloads: list[Any] = []
        calls = decoded if isinstance(decoded, list) else [decoded]
        for j, call in enumerate(calls):
            place = where + (f"[{j}]" if isinstance(decoded, list) else "")
            if not isinstance(call, dict):
                self.call(place, turn, None, None, None, "object", f"call is {a_json_type(call)}")
                continue
            args = call.get("arguments", call.get("parameters"))
            self.call(place, turn, call.get("id"), call.get("name"), args, "object")
            payloads.append(call)
        return payloads

    # -- content parts ----------------------------------------------------------------------
    def part(self, at: str, role: str | None, part: dict[str, Any], turn: int) -> str | None:
        """Classify one content part; returns its text: a text part's own, a media part's marker
        (`parts.media_marker`: the image is part of the input), None for any other part."""
        ptype, text, problem = classify_part(part)
        value_text = value_form(ptype, part)  # the payload written under "value"
        flags = training_flags(ptype, part)
        if self.collect and not (text is not None and problem is None and not value_text and not flags):
            entry: dict[str, Any] = {"at": at, "role": role, "type": ptype}
            if problem:
                entry["problem"] = problem
            if value_text:
                entry["value_text"] = True  # read as text; a provider's own profile may refuse it
            if flags:
                entry["training_flags"] = flags  # axolotl's; a provider's own profile refuses them
            self.parts.append(entry)
            image = image_of(ptype, part)
            if image is not None:
                self.images.append({"at": at, "role": role, **image})
        call = part_call(ptype, part)
        if call is not None:
            self.call(at, turn, call["id"], call["name"], call["args"], call["style"], call.get("problem"))
        res = part_result(ptype, part)
        if res is not None:
            self.result(at, turn, res["id"], res["name"])
        return text if text is not None else media_marker(ptype, part)

    # -- tools ------------------------------------------------------------------------------
    def set_tools(self, value: Any, where: str) -> None:
        """Normalise the record's tool definitions (OpenAI, legacy functions, ShareGPT, Gemini, Claude)."""
        tools: list[dict[str, Any]] = [] if self.tools is None else self.tools
        if isinstance(value, str):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                tools.append({"at": where, "name": None, "problem": f"{where} is a string that is not JSON"})
                self.tools = tools
                return
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            tools.append({"at": where, "name": None, "problem": f"{where} is {a_json_type(value)}"})
            self.tools = tools
            return
        for i, item in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(item, dict):
                tools.append({"at": at, "name": None, "problem": f"{at} is {a_json_type(item)}"})
                continue
            decls = item.get("functionDeclarations", item.get("function_declarations"))
            if isinstance(decls, list):
                for j, decl in enumerate(decls):
                    entry = _tool(decl, f"{at}.functionDeclarations[{j}]", "parameters")
                    entry["dialect"] = "openapi"  # Gemini schemas: OpenAPI 3 subset, types in any case
                    tools.append(entry)
            elif isinstance(item.get("function"), dict):
                tools.append(_tool(item["function"], f"{at}.function", "parameters"))
            elif isinstance(item.get("toolSpec"), dict):
                spec = item["toolSpec"]
                schema = spec.get("inputSchema")
                entry = _tool(spec, f"{at}.toolSpec", "-")
                if isinstance(schema, dict) and "json" in schema:
                    entry["schema"] = schema["json"]
                tools.append(entry)
            elif "name" in item:
                tools.append(_tool(item, at, "input_schema" if "input_schema" in item else "parameters"))
            elif isinstance(item.get("type"), str) and item["type"] != "function":
                continue  # a built-in tool (code interpreter, web search): no schema of ours to check
            elif len(item) == 1 and next(iter(item)) in ("googleSearch", "codeExecution", "retrieval"):
                continue
            else:
                tools.append({"at": at, "name": None, "problem": f"{at} is not a function definition"})
        self.tools = tools

    def to_json(self) -> str | None:
        """The collected facts as compact JSON, or None when the record has nothing structural."""
        out: dict[str, Any] = {}
        if self.tools is not None:
            # A nested string: records repeating one tool set share one parsed copy (see `records`).
            out["tools_json"] = orjson.dumps(self.tools, default=repr).decode()
        for key in ("events", "parts", "images", "weights", "keys", "message_keys"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.events:
            out["last_turn"] = self.next_turn - 1
        if self.root_weight is not None:
            out["root_weight"] = self.root_weight
        if self.system_field:
            out["system_field"] = True
        if self.label_type is not None:
            out["label_type"] = self.label_type
        if self.roles_written:
            out["roles_written"] = {str(turn): role for turn, role in self.roles_written.items()}
        if not out:
            return None
        return orjson.dumps(out, default=repr).decode()


def _tool(spec: Any, at: str, schema_key: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        return {"at": at, "name": None, "problem": f"{at} is {a_json_type(spec)}"}
    name = spec.get("name")
    entry: dict[str, Any] = {"at": at, "name": _scalar(name)}
    if not isinstance(name, str) or not name.strip():
        entry["problem"] = f'{at} has no function "name"'
    if schema_key in spec:
        entry["schema"] = spec[schema_key]
        if _parameter_map(spec[schema_key]):
            # xLAM / APIGen write parameters as {name: {"type": "str", "description", "default"}}: not
            # JSON Schema, but it names the parameters a call may pass (their types are Python's)
            entry["schema"] = {"type": "object", "properties": {key: {} for key in spec[schema_key]}}
            entry["dialect"] = "parameter map"
    return entry


_SCHEMA_WORDS = frozenset({"type", "properties", "$ref", "anyOf", "oneOf", "allOf", "$schema", "required"})


def _parameter_map(schema: Any) -> bool:
    """Whether `schema` is a map of parameter names to {type, description} specs, not a JSON Schema."""
    return (
        isinstance(schema, dict)
        and bool(schema)
        and not _SCHEMA_WORDS & schema.keys()
        and all(isinstance(v, dict) and ("type" in v or "description" in v) for v in schema.values())
    )


def load(value: str | None, shared: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `structure` cell back as a dict ({} for a plain record), its tool list under "tools".

    `shared` maps tool-list JSON to its parsed list, so records that repeat one tool set (the
    usual case) hold one copy of it instead of one per record.
    """
    if not value:
        return {}
    st = orjson.loads(value)
    raw = st.pop("tools_json", None)
    if raw is not None:
        if shared is None:
            st["tools"] = orjson.loads(raw)
        else:
            if raw not in shared:
                shared[raw] = orjson.loads(raw)
            st["tools"] = shared[raw]
    return st


def records(ctx: SharedValues, split: FramedSplit) -> list[tuple[int, dict[str, Any]]]:
    """(line, structure) of every record of `split` that has structure, parsed once per scan."""

    def parse() -> list[tuple[int, dict[str, Any]]]:
        import polars as pl

        rows = split.frame.filter(pl.col("structure").is_not_null()).select("line", "structure")
        shared: dict[str, Any] = {}
        return [(line, load(raw, shared)) for line, raw in rows.iter_rows()]

    return ctx.shared(("structure", split.name), parse)
