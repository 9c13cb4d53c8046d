"""TOOL002 bad-tool-arguments: call arguments that are not one JSON object encoded once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.base import profile_of
from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, call_position
from dataqa.engine.context import Context
from dataqa.engine.registry import register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split

ARG_MESSAGES = {
    structure.ARGS_MISSING: "has no arguments",
    structure.ARGS_NOT_JSON: "arguments are not valid JSON",
    structure.ARGS_DOUBLE: "arguments are double-encoded (a JSON string holding JSON): decode them once",
    structure.ARGS_UNENCODED: "arguments are an object; OpenAI-style calls want a string holding the JSON",
    structure.ARGS_NOT_OBJECT: "arguments are not a JSON object",
}


@register
@dataclass
class BadToolArguments(ToolCheck):
    """A tool call whose arguments are not one JSON object, encoded once, or that is malformed.

    Why: a model trained on double-encoded or non-object arguments emits them at inference, and
    the caller's JSON parser fails; providers refuse calls without a function object.
    Example: `"arguments": "\\"{\\\\\\"city\\\\\\": \\\\\\"Oslo\\\\\\"}\\""` (a JSON string inside a
    JSON string), `"arguments": "city=Oslo"`, or a glaive call whose `arguments` is a string.
    Fix: encode the arguments object exactly once: a string for OpenAI `tool_calls`, the object
    itself for ShareGPT, Gemini and Claude.
    An OpenAI-style call whose arguments are an object (not a string) is reported only under a
    provider profile that uploads chat files (`--profile openai`, ...): Hugging Face chat templates
    (transformers, TRL) take the object itself, so without a profile it is no defect.
    """

    id = "TOOL002"
    shares = frozenset({"structure"})
    name = "bad-tool-arguments"
    family = "toolcalls"
    string_arguments = False  # OpenAI-style calls must carry a string (set per scan by `run`); no option

    def prepare(self, ctx: Context) -> None:
        """An unencoded object is a problem only for a chat-uploading provider."""
        profile = profile_of(ctx)
        self.string_arguments = not profile.is_generic and "chat" in profile.formats

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
            if code == structure.ARGS_UNENCODED and not self.string_arguments:
                continue  # the object itself: what Hugging Face chat templates take
            if code != structure.ARGS_OK:
                detail = call.get("args_detail")
                where = call_position(call) + (f": {detail}" if detail else "")
                out.append((where, f"tool call {ARG_MESSAGES.get(code, code)}"))
        return out
