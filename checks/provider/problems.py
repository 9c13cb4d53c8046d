"""Record problems as findings, one per distinct problem: shared by the provider and toolcalls checks.

The findings are a function of a summary that merges over blocks of rows (`summarised`: per problem,
its records and its first five places; the records with any problem), and of the lines of each
problem's records (`lines_of`), so a check built on them may run from block summaries (scope
"summary", `dataqa.checks.toolcalls.base.ToolCheck`) as well as on a whole split (`grouped`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.dataset import Split

Problem = tuple[str, str]
"""(where in the record, what is wrong): records are grouped by what is wrong."""
SHOWN = 5
"""Places of a problem quoted in its finding's evidence (its first records')."""


def _entries(records: Iterable[tuple[int, list[Problem]]]) -> dict[str, list[tuple[int, str]]]:
    """What is wrong -> (line, where) of each record with it, once per record, in record order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, problems in records:
        for where, what in problems:
            entries = groups.setdefault(what, [])
            if not entries or entries[-1][0] != line:
                entries.append((line, where))
    return groups


def summarised(records: Iterable[tuple[int, list[Problem]]]) -> dict[str, Any]:
    """Per problem, how many records have it and the first `SHOWN` of them (line, where); and how
    many records have any problem. Summaries of blocks of a split's records, in record order, merge
    into the split's (`add_summaries`)."""
    groups = _entries(records)
    return {
        "problems": {what: {"records": len(e), "first": e[:SHOWN]} for what, e in groups.items()},
        "records": len({line for entries in groups.values() for line, _ in entries}),
    }


def lines_of(records: Iterable[tuple[int, list[Problem]]], wanted: Iterable[str]) -> dict[str, list[int]]:
    """The lines of the records with each problem `wanted` (the findings' locations)."""
    keep = set(wanted)
    return {what: [line for line, _ in e] for what, e in _entries(records).items() if what in keep}


def findings(
    check: Check, ctx: Context, split: Split, summary: dict[str, Any], lines: dict[str, list[int]]
) -> Iterator[Finding]:
    """One finding per distinct problem, listing every record that has it (all made unusable).

    A systematic defect (every record double-encodes its arguments, every record carries a system
    message the provider refuses) is one finding with all its records, not thousands of findings;
    a few positions go into the evidence.
    """
    check.metrics[f"{split.name}_records"] = summary["records"]
    problems = summary["problems"]
    for what, seen in sorted(problems.items(), key=lambda kv: (kv[1]["first"][0][0], kv[0])):
        locs = [ctx.location(split, line) for line in lines[what]]
        first = seen["first"][0][1]
        if seen["records"] == 1:
            message, evidence = (f"{first}: {what}" if first else what), []
        else:
            message = f"{what} ({seen['records']:,} records)"
            shown = seen["first"][:SHOWN]
            evidence = [f"{ctx.place(split, line)}: {where}" for line, where in shown if where]
        yield check.finding(
            message, locs, evidence, metrics={"rejected": True, "records": seen["records"]}, unusable=locs
        )


def grouped(
    check: Check, ctx: Context, split: Split, records: Iterable[tuple[int, list[Problem]]]
) -> Iterator[Finding]:
    """`findings` of a whole split's records (one per distinct problem, every record listed)."""
    records = list(records)
    summary = summarised(records)
    yield from findings(check, ctx, split, summary, lines_of(records, summary["problems"]))
