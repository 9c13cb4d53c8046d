"""TOOL005 arguments-off-schema: call arguments missing a required parameter or passing an undefined one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, call_position
from dataqa.core.models import Severity
from dataqa.engine.registry import register
from dataqa.ingest.dataset import Split


@register
@dataclass
class ArgumentsOffSchema(ToolCheck):
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
