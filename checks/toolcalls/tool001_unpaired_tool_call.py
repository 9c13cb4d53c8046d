"""TOOL001 unpaired-tool-call: calls without results, results without calls, or out of order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataqa.checks.provider.problems import Problem
from dataqa.checks.toolcalls.base import ToolCheck, call_position, short_repr
from dataqa.engine.registry import register
from dataqa.ingest.dataset import Split


def pairing_problems(events: list[dict[str, Any]], last_turn: int) -> list[Problem]:
    """Calls without results, results without calls, results out of order, reused call ids.

    Results must follow their call turn directly (consecutive tool turns), in the order of the
    calls; results carrying an id must name a pending call. One tool message whose JSON array has one
    item per pending call answers them all (parallel calls, as LLaMA-Factory and glaive write them).
    An example may end on the call turn (it teaches the model to call), but a call followed by any
    other turn was never answered.
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
            problems += [(call_position(c), "tool call has no result before the next turn") for c in pending]
            pending = []
        calls = [e for e in here if e["kind"] == "call"]
        for res in (e for e in here if e["kind"] == "result"):
            rid = res.get("id")
            if rid is not None:
                match = next((i for i, c in enumerate(pending) if c.get("id") == rid), None)
                if match is None:
                    problems.append(
                        (
                            f"{res['at']} (id {short_repr(rid)})",
                            "tool result answers a call twice"
                            if rid in answered
                            else "tool result id matches no earlier call",
                        )
                    )
                    continue
                if match != 0:
                    problems.append(
                        (
                            f"{res['at']} (id {short_repr(rid)} before {short_repr(pending[0].get('id'))})",
                            "tool results out of call order",
                        )
                    )
                answered.add(rid)
                pending.pop(match)
            elif not pending:
                problems.append((res["at"], "tool result without a pending call"))
            elif len(pending) > 1 and res.get("items") == len(pending):
                pending = []  # one message answers the parallel calls, one array item each
            else:
                call = pending.pop(0)
                if res.get("name") and call.get("name") and res["name"] != call["name"]:
                    problems.append(
                        (
                            f"{res['at']} ({short_repr(res['name'])} answering {short_repr(call['name'])})",
                            "tool result names another function than the call it answers",
                        )
                    )
        if calls:
            if pending:
                problems += [
                    (call_position(c), "tool call has no result before the next call") for c in pending
                ]
            pending = []
            for call in calls:
                cid = call.get("id")
                if cid is not None and cid in seen_ids:
                    problems.append(
                        (f"{call['at']} (id {short_repr(cid)})", "call id used twice in one example")
                    )
                if cid is not None:
                    seen_ids.add(cid)
                if not call.get("answered"):  # a call written with its own result needs no tool turn
                    pending.append(call)
        previous_turn = turn
    if pending and previous_turn is not None and previous_turn < last_turn:
        problems += [
            (call_position(c), "tool call has no result (the conversation goes on without it)")
            for c in pending
        ]
    return problems


@register
@dataclass
class UnpairedToolCall(ToolCheck):
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
    family = "toolcalls"

    def problems(self, st: dict[str, Any], split: Split, line: int) -> list[Problem]:
        events = st.get("events", [])
        return pairing_problems(events, st.get("last_turn", -1)) if events else []
