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

from dataqa.checks.provider.problems import Grouped, Problem
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split


def short_repr(value: Any) -> str:
    """A value as a finding shows it: its repr, cut at 60 characters."""
    return repr(value)[:60]


class ToolCheck(Grouped):
    """One finding per distinct problem, listing every record with it, from block summaries
    (`dataqa.checks.provider.problems`: problems are found record by record, so blocks merge exactly)."""

    severity = Severity.ERROR

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:  # pragma: no cover
        """What this check finds wrong in one record: (where, what) pairs."""
        raise NotImplementedError

    def judged(self, ctx: Context) -> list[Split]:
        return list(ctx)

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:
        """(line, problems) of every record of the split with tool calls or tools."""
        return [
            (line, self.problems(st, split, line))
            for line, st in structure.records(ctx, split)
            if st.get("events") or "tools" in st
        ]

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        yield from super().conclude(ctx, summary)
        self.metrics["tool_records"] = sum(s["judged"] for s in summary["splits"].values())


def call_position(call: dict[str, Any]) -> str:
    """Where a call is: its position, function name and id."""
    what = short_repr(call.get("name"))
    if call.get("id") is not None:
        what += f", id {short_repr(call['id'])}"
    return f"{call['at']} ({what})"
