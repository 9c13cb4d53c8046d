"""TOOL004 invalid-tool-schema: a malformed tool definition or `parameters` schema; its schema validator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, short_repr
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import a_json_type

JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
MAX_SCHEMA_DEPTH = 32
SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
SCHEMA_ONE = ("not", "if", "then", "else", "contains", "propertyNames", "additionalItems")


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
        return [f"{path} is {a_json_type(schema)}; a schema is an object"]
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
            out.append(f"{path}.{key} is {a_json_type(value)}; expected an object of schemas")
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
        out.append(f"{path}.enum is {a_json_type(schema['enum'])}; expected a list")
    for key in ("description", "title", "$ref", "pattern", "format"):
        if key in schema and not isinstance(schema[key], str):
            out.append(f"{path}.{key} is {a_json_type(schema[key])}; expected a string")
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
class InvalidToolSchema(ToolCheck):
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
    family = "toolcalls"

    def prepare(self, ctx: Context) -> None:
        """A fresh cache of judged tool sets."""
        # Records repeating one tool set share one parsed list (`structure.records`): judge it once.
        self._seen: dict[int, tuple[list, list[Problem]]] = {}

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
                out.append(f"{tool['at']}: a second tool named {short_repr(name)}")
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
                    f"{where}.type is {short_repr(schema.get('type'))}; function parameters must be an object"
                )
            out += schema_problems(schema, where, openapi=openapi)
        return [("", problem) for problem in out]
