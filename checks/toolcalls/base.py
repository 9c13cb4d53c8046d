"""Shared machinery of the TOOL checks: the base class and how a call is named in a finding.

TOOL: tool-calling examples whose calls, results, arguments or tool definitions are broken.

Reads the calls, results and tool definitions the normaliser keeps in the `structure` column
(`dataqa.ingest.structure`), for every style it knows: OpenAI `tool_calls` (and legacy `function_call`),
ShareGPT/glaive `function_call`/`observation` turns, Gemini `functionCall`/`functionResponse`
parts, Claude `tool_use`/`tool_result` and Bedrock Converse `toolUse`/`toolResult` parts. An
assistant message with `tool_calls` and null content is valid and is not reported.

"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dataqa.checks.provider.problems import Problem, grouped
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split


def short_repr(value: Any) -> str:
    """A value as a finding shows it: its repr, cut at 60 characters."""
    return repr(value)[:60]


class ToolCheck(Check):
    """One finding per record, listing what this check finds wrong in it."""

    severity = Severity.ERROR

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:  # pragma: no cover
        """What this check finds wrong in one record: (where, what) pairs."""
        raise NotImplementedError

    def run(self, ctx: Context) -> Iterator[Finding]:
        """Judge every record with tool calls or tools; one finding per distinct problem."""
        with_tools = 0
        for split in ctx:
            records = []
            for line, st in structure.records(ctx, split):
                if st.get("events") or "tools" in st:
                    with_tools += 1
                    records.append((line, self.problems(st, split, line)))
            yield from grouped(self, ctx, split, records)
        self.metrics["tool_records"] = with_tools


def call_position(call: dict[str, Any]) -> str:
    """Where a call is: its position, function name and id."""
    what = short_repr(call.get("name"))
    if call.get("id") is not None:
        what += f", id {short_repr(call['id'])}"
    return f"{call['at']} ({what})"
