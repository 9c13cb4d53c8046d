"""TOOL005 arguments-off-schema: call arguments missing a required parameter, passing an undefined one, or
passing a value of another type than the schema gives (or outside its enum)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, call_position, short_repr
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import with_article


@register
@dataclass
class ArgumentsOffSchema(ToolCheck):
    """A call's arguments leave out a required parameter, or pass one its tool's schema does not define.

    Also a value of another JSON type than the parameter's schema gives (`"party_size": "four"` for
    an integer, `"amount": "250"` for a number) or outside its `enum`.
    Why: the model learns to call the tool wrongly: a missing required argument fails at run time,
    an undefined one is a hallucinated parameter the function will reject or ignore, and a value of
    the wrong type or outside the allowed ones fails validation.
    Example: `get_weather` requires "city" and the call passes `{"town": "Oslo"}`.
    Fix: correct the call's arguments, or the tool's schema if the call is right. A schema that
    sets `"additionalProperties": true` accepts parameters it does not list. Types are read as JSON
    Schema's (a whole number is an integer and a number; Python's names `str`, `int`, `float`,
    `bool`, `list`, `dict` count as theirs); a parameter without a type (or with `anyOf`) is not
    judged, nor a string longer than 60 characters against an enum.
    """

    id = "TOOL005"
    shares = frozenset({"structure"})
    name = "arguments-off-schema"
    family = "toolcalls"
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
                        (
                            f"{call_position(call)}: {', '.join(missing[:5])}",
                            "call leaves out a required parameter",
                        )
                    )
            if isinstance(props, dict):
                out += _value_problems(call, props)
            if isinstance(props, dict) and props and schema.get("additionalProperties") is not True:
                unknown = [k for k in keys if k not in props]
                if unknown:
                    out.append(
                        (
                            f"{call_position(call)}: {', '.join(unknown[:5])}",
                            "call passes a parameter its tool does not define",
                        )
                    )
        return out


TYPE_NAMES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
}
"""Python's type names, as some tool definitions write them, read as JSON Schema's."""
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


def _accepts(declared: Any, kind: str, value: Any, nullable: bool) -> bool | None:
    """Whether a value of JSON type `kind` fits the declared type(s); None when the declaration is not
    one this check reads (no type, an unknown name)."""
    names = declared if isinstance(declared, list) else [declared]
    wanted = {TYPE_NAMES.get(n, n) for n in names if isinstance(n, str)}
    if not wanted or not wanted <= JSON_TYPES:
        return None
    if nullable:
        wanted.add("null")
    whole = kind == "integer" or (kind == "number" and isinstance(value, float) and value.is_integer())
    return kind in wanted or (whole and "integer" in wanted) or (kind == "integer" and "number" in wanted)


def _value_problems(call: dict[str, Any], props: dict[str, Any]) -> list[Problem]:
    """Arguments whose value is of another type than their parameter's schema, or outside its enum."""
    out: list[Problem] = []
    for key, seen in (call.get("arg_values") or {}).items():
        spec = props.get(key)
        if not isinstance(spec, dict):
            continue
        kind, value = seen[0], seen[1] if len(seen) > 1 else None
        if "type" in spec:
            fits = _accepts(spec["type"], kind, value, spec.get("nullable") is True)
            if fits is False:
                declared = spec["type"] if isinstance(spec["type"], str) else "/".join(map(str, spec["type"]))
                out.append(
                    (
                        f"{call_position(call)}: {key} is {with_article(kind)}, the schema wants {declared}",
                        "call passes a value of the wrong type",
                    )
                )
                continue
        enum = spec.get("enum")
        if isinstance(enum, list) and enum and len(seen) > 1 and kind != "null" and value not in enum:
            out.append(
                (
                    f"{call_position(call)}: {key} = {short_repr(value)}, not one of {short_repr(enum)}",
                    "call passes a value outside its parameter's enum",
                )
            )
    return out
