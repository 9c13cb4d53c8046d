"""Record problems as findings, one per distinct problem: shared by the provider and toolcalls checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.dataset import Split

Problem = tuple[str, str]
"""(where in the record, what is wrong): records are grouped by what is wrong."""


def grouped(
    check: Check, ctx: Context, split: Split, records: Iterable[tuple[int, list[Problem]]]
) -> Iterator[Finding]:
    """One finding per distinct problem, listing every record that has it (all made unusable).

    A systematic defect (every record double-encodes its arguments, every record carries a system
    message the provider refuses) is one finding with all its records, not thousands of findings;
    a few positions go into the evidence.
    """
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, problems in records:
        for where, what in problems:
            entries = groups.setdefault(what, [])
            if not entries or entries[-1][0] != line:
                entries.append((line, where))
    check.metrics[f"{split.name}_records"] = len({line for entries in groups.values() for line, _ in entries})
    for what, entries in sorted(groups.items(), key=lambda kv: (kv[1][0][0], kv[0])):
        locs = [ctx.location(split, line) for line, _ in entries]
        first = entries[0][1]
        if len(entries) == 1:
            message, evidence = (f"{first}: {what}" if first else what), []
        else:
            message = f"{what} ({len(entries):,} records)"
            evidence = [f"{ctx.place(split, line)}: {where}" for line, where in entries[:5] if where]
        yield check.finding(
            message, locs, evidence, metrics={"rejected": True, "records": len(entries)}, unusable=locs
        )
