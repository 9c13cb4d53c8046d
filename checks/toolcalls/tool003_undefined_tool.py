"""TOOL003 undefined-tool: a call to a function the example does not define."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, call_position
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest.dataset import Split
from dataqa.ingest.text_calls import llama_builtin_declared


@register
@dataclass
class UndefinedTool(ToolCheck):
    """A call names a function the example's `tools` do not define, or names no function at all.

    Why: the model learns to call functions that will not exist at inference (or that it was
    never shown), which is how hallucinated tool names are trained in.
    Example: `tools` defines `get_weather` and the assistant calls `get_forecast`; or a call
    `{"arguments": {"prompt": "...", "function_name": "retrieve_context"}}` whose name is inside its
    arguments, where no parser looks for it.
    Fix: add the function to `tools`, or correct the call's name. Without a `tools` field the
    name must at least appear in the system prompt (the glaive style of declaring functions); Llama
    3.1's built-in tools are declared by its system prompt ("Environment: ipython" turns on the code
    interpreter, "Tools: brave_search, wolfram_alpha" the others); a bare call object is read only
    where the record quotes its name, in the system prompt or the request (Bedrock's tool list).
    """

    id = "TOOL003"
    shares = frozenset({"structure"})
    name = "undefined-tool"
    family = "toolcalls"

    def prepare(self, ctx: Context) -> None:
        """Each record's system prompt (where some formats define the tools), of the rows held here."""
        self._systems: dict[tuple[str, int], str] = {}
        for split in ctx:
            frame = split.frame.filter(split.frame["structure"].is_not_null()).select("line", "system")
            for line, system in frame.iter_rows():
                self._systems[(split.name, line)] = system or ""

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
                out.append((call["at"], _no_name(call.get("arg_keys") or [])))
            elif llama_builtin_declared(name, system):
                continue  # Llama 3.1's built-in tools are declared in its system prompt, not in tools
            elif tools is None:
                if name not in system and not call.get("declared"):
                    what = "call to a function the example never defines (no tools, not in the system prompt)"
                    out.append((call_position(call), what))
            elif name not in names:
                defined = ", ".join(sorted(names)[:8]) or "none"
                out.append(
                    (
                        f"{call_position(call)}; defined: {defined}",
                        "call to a function not among the example's tools",
                    )
                )
        return out


NAME_KEYS = frozenset({"name", "function", "function_name", "functionname", "tool", "tool_name", "toolname"})
"""Argument keys that hold a function's name: a call that puts its name there names none where
parsers read it (Hermes' and vLLM's read the call's own `name`)."""


def _no_name(arg_keys: list[str]) -> str:
    """What is wrong with a call that names no function, saying so when its arguments hold the name
    (BSC's `{"arguments": {"prompt": ..., "function_name": "retrieve_context"}}`)."""
    held = [k for k in arg_keys if k.lower().replace("-", "_") in NAME_KEYS]
    if held:
        return f"tool call names no function: its arguments hold {held[0]!r}, the name belongs beside them"
    return "tool call names no function"
