"""Record problems as findings, one per distinct problem: shared by the provider and toolcalls checks.

The findings are a function of a summary that merges over blocks of rows (`summarised`: per problem,
its records and its first five places; the records with any problem), and of the lines of each
problem's records (`lines_of`), so a check built on them runs from block summaries (`Grouped`, scope
"summary": the TOOL and PROV checks), on a split held on the Ray workers as on the whole scan."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, Summarised
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
    """Per problem, how many records have it and the first `SHOWN` of them (line, where); how many
    records have any problem, of how many judged. Summaries of blocks of a split's records, in
    record order, merge into the split's (`add_summaries`)."""
    records = list(records)
    groups = _entries(records)
    return {
        "problems": {what: {"records": len(e), "first": e[:SHOWN]} for what, e in groups.items()},
        "records": len({line for entries in groups.values() for line, _ in entries}),
        "judged": len(records),
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


class Grouped(Summarised):
    """A check whose findings are its records' problems, one finding per distinct problem listing
    every record with it (`findings`), from block summaries: problems are found record by record,
    so the blocks' summaries (`summarised`) merge exactly and the lines come in the second round."""

    def prepare(self, ctx: Context) -> None:
        """What `records` reads beyond each record, from the rows the context holds (nothing here)."""

    def judged(self, ctx: Context) -> list[Split]:  # pragma: no cover - abstract
        """The splits the check reads (from what every block shares: format, layout, config)."""
        raise NotImplementedError

    def records(self, ctx: Context, split: Split) -> list[tuple[int, list[Problem]]]:  # pragma: no cover
        """(line, problems) of each record of `split` the check judges, of those the context holds."""
        raise NotImplementedError

    def summarise(self, ctx: Context) -> dict[str, Any]:
        self.prepare(ctx)
        return {"splits": {split.name: summarised(self.records(ctx, split)) for split in self.judged(ctx)}}

    def wide(self, ctx: Context, seen: dict[str, Any]) -> bool:
        """Whether a split whose merged summary is `seen` has a split-wide finding beside its
        problems' (`wide_findings`: a weight on some records only, more images than allowed), whose
        records come in the second round (`wide_lines`). None by default."""
        return False

    def wide_lines(self, ctx: Context, split: Split) -> list[int]:  # pragma: no cover - abstract
        """The lines a split-wide finding may name, of the rows the context holds, in row order."""
        raise NotImplementedError

    def wide_findings(
        self, ctx: Context, split: Split, seen: dict[str, Any], lines: list[int] | None
    ) -> Iterator[Finding]:
        """The split-wide findings of `split` (`lines`: the `wide_lines` of its rows when `wide`,
        else None), and its metrics beside them. None by default."""
        return iter(())

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split, the problems whose records the findings list, and the splits with a split-wide
        finding."""
        splits = summary["splits"]
        problems = {name: sorted(s["problems"]) for name, s in splits.items() if s["problems"]}
        wide = sorted(name for name, s in splits.items() if self.wide(ctx, s))
        return {"problems": problems, "wide": wide} if problems or wide else None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The lines of the records with each problem, per split wanted, and of a split-wide finding."""
        self.prepare(ctx)
        return {
            "problems": {
                name: lines_of(self.records(ctx, ctx.splits[name]), whats)
                for name, whats in wanted["problems"].items()
            },
            "wide": {name: self.wide_lines(ctx, ctx.splits[name]) for name in wanted["wide"]},
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        rows = summary.get("rows", {})
        for split in self.judged(ctx):
            seen = summary["splits"][split.name]
            yield from findings(self, ctx, split, seen, rows.get("problems", {}).get(split.name, {}))
            yield from self.wide_findings(ctx, split, seen, rows.get("wide", {}).get(split.name))
