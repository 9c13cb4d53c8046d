"""A split cut into blocks of rows, and the record- and summary-scope checks run on one block, in any process.

A `Block` is a run of a split's rows in Arrow form (the canonical frame, its stored messages and
its one-exchange records; polars reads Arrow without copying) with the load and record issues of
its lines. With the split's `shell` (the split without its rows: provenance, layout, where each
record is) it becomes a `Split`, so a check runs on it unchanged. A block's context holds every
split of the scan, the others as empty shells, so that a check writes its metrics in the order it
writes them on the whole scan, and it answers the split-wide questions a record check may ask
(whether the split has labels) for the whole split, not for the block.

Only checks whose `scope` is "record" or "summary" run so (`Check.scope`): a record check's
findings on the blocks, put together in block order (`merge`), are its findings on the whole split;
a summary check's summaries of the blocks, merged, are its summary of the whole split, which it
then concludes from on a context of shells (`conclude`, `shells_context`). Any engine may use this;
the Ray engine (`dataqa.engine.ray_engine`) runs it on its workers.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import os
import resource
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.merging import add_summaries
from dataqa.engine.registry import Check, Summarised
from dataqa.engine.results import error_reason
from dataqa.ingest import spread
from dataqa.ingest.dataset import EXCHANGES_SCHEMA, FRAME_SCHEMA, TURNS_SCHEMA, Split
from dataqa.ingest.formats import RecordIssue
from dataqa.ingest.issues import LoadIssue

if TYPE_CHECKING:
    import pyarrow as pa  # blocks are Arrow tables: pyarrow comes with the ray extra (ray[data])


@dataclass
class Block:
    """Rows `start`..`start + rows` of one split, with the issues of the lines they cover."""

    split: str
    start: int
    frame: pa.Table
    turns: pa.Table
    exchanges: pa.Table
    load_issues: list[LoadIssue] = field(default_factory=list)
    record_issues: list[tuple[int, RecordIssue]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.frame.num_rows


@dataclass
class Left:
    """A block to be made where its task runs, of the rows of a piece read on the workers and left
    in the object store (`spread.Held`, without its handle: the task is given the rows)."""

    split: str
    held: spread.Held

    @classmethod
    def of(cls, split: str, held: spread.Held) -> Left:
        return cls(split, dataclasses.replace(held, handle=None))


def made(block: Block | Left, rows: spread.Frames | None) -> Block:
    """The block itself, or the block a `Left` piece's rows make (keys moved, as Arrow tables)."""
    if isinstance(block, Block):
        return block
    assert rows is not None
    frame, turns, exchanges = block.held.frames(rows)
    return Block(
        block.split,
        block.held.start,
        frame.to_arrow(),
        turns.to_arrow(),
        exchanges.to_arrow(),
        list(block.held.load_issues),
        list(block.held.record_issues),
    )


@dataclass
class Outcome:
    """One check's result on one block: findings and metrics, or why it failed; and the CPU seconds
    it took (its process's, threads included: a Ray worker runs one task at a time)."""

    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    cpu_seconds: float = 0.0
    summary: dict[str, Any] | None = None
    """A summary-scope check's summary of the block (`Summarised.summarise`), in place of findings."""


@dataclass
class Figures:
    """What one block's task cost where it ran: the worker (`host:pid`), wall and CPU seconds of the
    task and of its stages (`context`: the block's Arrow tables as frames; `record`: the record
    checks), and the worker's peak resident memory so far (over the process's life: a worker of a
    long-running cluster may have run other tasks before; pages of the object store it read count)."""

    split: str
    start: int
    rows: int
    worker: str = ""
    wall_s: float = 0.0
    cpu_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "start": self.start,
            "rows": self.rows,
            "worker": self.worker,
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "stages": {name: round(s, 3) for name, s in self.stages.items()},
        }


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def worker_name() -> str:
    """The process a block ran in, as `host:pid` (one Ray worker process)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def shell(split: Split) -> Split:
    """The split without its rows, messages and issues: what every block of it shares. An
    in-memory source keeps where its records are, not the records (`Input.obj`)."""
    source = dataclasses.replace(split.source, obj=None) if split.source is not None else None
    return dataclasses.replace(
        split,
        frame=pl.DataFrame(schema=FRAME_SCHEMA),
        stored_turns=pl.DataFrame(schema=TURNS_SCHEMA),
        exchanges=pl.DataFrame(schema=EXCHANGES_SCHEMA),
        load_issues=[],
        record_issues=[],
        source=source,
        elsewhere=None,
    )


def _by_line(frame: pl.DataFrame) -> pl.DataFrame:
    return frame if frame["line"].is_sorted() else frame.sort("line", maintain_order=True)


def cut(split: Split, rows: int) -> Iterator[Block]:
    """The split in blocks of at most `rows` rows, in line order (one empty block for an empty
    split), made one at a time (a caller that puts each away holds one block's copy at once). A
    block covers the lines from its first row's up to the next block's first row, so every issue,
    also one on a line without a record (a blank or broken line), is in one block."""
    frame = _by_line(split.frame)
    turns, exchanges = _by_line(split.stored_turns), _by_line(split.exchanges)
    starts = list(range(0, frame.height, max(rows, 1))) or [0]
    firsts = [int(frame["line"][i]) for i in starts[1:]]  # the first line of each block after the first
    bounds = [None, *firsts, None]

    def piece(table: pl.DataFrame, index: int) -> pa.Table:
        lo, hi = bounds[index], bounds[index + 1]
        begin = 0 if lo is None else int(table["line"].search_sorted(lo, side="left"))
        end = table.height if hi is None else int(table["line"].search_sorted(hi, side="left"))
        return table.slice(begin, end - begin).to_arrow()

    load_issues: list[list[LoadIssue]] = [[] for _ in starts]
    record_issues: list[list[tuple[int, RecordIssue]]] = [[] for _ in starts]
    for issue in split.load_issues:
        load_issues[bisect.bisect_right(firsts, issue.line)].append(issue)
    for line, record_issue in split.record_issues:
        record_issues[bisect.bisect_right(firsts, line)].append((line, record_issue))
    for i, start in enumerate(starts):
        yield Block(
            split.name,
            start,
            piece(frame, i),
            piece(turns, i),
            piece(exchanges, i),
            load_issues[i],
            record_issues[i],
        )


def _frame(table: pa.Table, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame if frame.schema == pl.Schema(schema) else frame.cast(schema)  # type: ignore[arg-type]


def frame_of(block: Block) -> pl.DataFrame:
    """The block's canonical frame (`line`, `label`, ...), as polars reads it."""
    return _frame(block.frame, FRAME_SCHEMA)


def as_split(block: Block, whole: Split) -> Split:
    """The block as a `Split` the checks read: the shell `whole` with the block's rows and issues."""
    return dataclasses.replace(
        whole,
        frame=frame_of(block),
        stored_turns=_frame(block.turns, TURNS_SCHEMA),
        exchanges=_frame(block.exchanges, EXCHANGES_SCHEMA),
        load_issues=list(block.load_issues),
        record_issues=list(block.record_issues),
    )


class BlockContext(Context):
    """A scan's context seen from one block: its split holds the block's rows, the others none;
    whether a split has labels is the whole split's answer (`labelled`)."""

    def __init__(self, splits: dict[str, Split], config: Config, labelled: dict[str, bool]) -> None:
        super().__init__(splits, config)
        self.labelled = labelled

    def has_labels(self, split: Split | str = "train") -> bool:
        return self.labelled.get(split if isinstance(split, str) else split.name, False)


def facts(ctx: Context) -> dict[str, bool]:
    """Split name -> whether it has labels, asked of the whole scan for its blocks (`BlockContext`)."""
    return {name: ctx.has_labels(name) for name in ctx.splits}


def block_context(
    block: Block, shells: dict[str, Split], config: Config, labelled: dict[str, bool]
) -> Context:
    """The context the record checks see on `block` (every split's shell, the block's split filled)."""
    splits = {name: as_split(block, s) if name == block.split else s for name, s in shells.items()}
    return BlockContext(splits, config, labelled)


def shells_context(shells: dict[str, Split], config: Config, labelled: dict[str, bool]) -> Context:
    """The scan without rows: what a summary check concludes on (`conclude`)."""
    return BlockContext(dict(shells), config, labelled)


def run_block(checks: list[Check], ctx: Context, debug: bool = False) -> list[Outcome]:
    """Every check on one block's context, each on its own copy (fresh metrics), in order: a record
    check's findings and metrics, a summary check's summary."""
    outcomes = []
    for check in checks:
        own = copy.copy(check)
        own.metrics = {}
        if isinstance(own, Summarised):
            outcomes.append(_timed(lambda own=own: Outcome(summary=own.summarise(ctx.view())), debug))
        else:
            outcomes.append(
                _timed(lambda own=own: Outcome(list(own.run(ctx.view())), dict(own.metrics)), debug)
            )
    return outcomes


def _timed(work: Callable[[], Outcome], debug: bool) -> Outcome:
    """`work()`, or the error it raised as the outcome (raised under `debug`), with its CPU seconds."""
    began = time.process_time()
    try:
        outcome = work()
    except Exception as exc:
        if debug:
            raise
        outcome = Outcome(error=error_reason(exc))
    outcome.cpu_seconds = time.process_time() - began
    return outcome


def wanted(checks: list[Check], ctx: Context, merged: list[Outcome], debug: bool = False) -> dict[int, Any]:
    """Position -> what each summary check needs of the rows beyond its merged summary
    (`Summarised.wanted`), for a second round over the blocks (`gather`); asked on `ctx`, the splits
    without rows. A check that fails to say has its outcome replaced by the error."""
    out: dict[int, Any] = {}
    for i, (check, outcome) in enumerate(zip(checks, merged, strict=True)):
        if not isinstance(check, Summarised) or outcome.error or outcome.summary is None:
            continue
        try:
            want = check.wanted(ctx.view(), outcome.summary)
        except Exception as exc:
            if debug:
                raise
            merged[i] = Outcome(error=error_reason(exc), cpu_seconds=outcome.cpu_seconds)
            continue
        if want is not None:
            out[i] = want
    return out


def gather(checks: list[Check], wants: list[Any], ctx: Context, debug: bool = False) -> list[Outcome]:
    """The second round on one block: each summary check's rows that its `wants` entry names."""
    outcomes = []
    for check, want in zip(checks, wants, strict=True):
        assert isinstance(check, Summarised)
        outcomes.append(_timed(lambda c=check, w=want: Outcome(summary=c.gather(ctx.view(), w)), debug))
    return outcomes


def with_rows(merged: Outcome, parts: list[Outcome]) -> Outcome:
    """A merged summary with the second round's rows of every block (in block order) as "rows"."""
    cpu = merged.cpu_seconds + sum(o.cpu_seconds for o in parts)
    failed = next((o for o in parts if o.error), None)
    if failed is not None or merged.summary is None:
        return Outcome(error=failed.error if failed else merged.error, cpu_seconds=cpu)
    rows = add_summaries([o.summary or {} for o in parts])
    return Outcome(summary={**merged.summary, "rows": rows}, cpu_seconds=cpu)


def conclude(check: Check, ctx: Context, merged: Outcome, debug: bool = False) -> Outcome:
    """A summary check's findings and metrics from its merged summary (`merge`), on `ctx`: the
    splits without rows (`shells_context`), since a conclusion reads only the summary."""
    if merged.error or merged.summary is None:
        return merged
    own = copy.copy(check)
    own.metrics = {}
    assert isinstance(own, Summarised)
    try:
        findings = list(own.conclude(ctx.view(), merged.summary))
    except Exception as exc:
        if debug:
            raise
        return Outcome(error=error_reason(exc), cpu_seconds=merged.cpu_seconds)
    return Outcome(findings, dict(own.metrics), cpu_seconds=merged.cpu_seconds)


def merge(check: Check, outcomes: list[Outcome]) -> Outcome:
    """One check's outcomes on every block, in block order, as its outcome on the whole scan: the
    findings in order, the metrics merged by the check (`Check.merge_metrics`), or a summary check's
    summaries merged (`Summarised.merge_summaries`); the CPU seconds added up; the first error wins."""
    cpu = sum(o.cpu_seconds for o in outcomes)
    failed = next((o for o in outcomes if o.error), None)
    if failed is not None:
        return Outcome(error=failed.error, cpu_seconds=cpu)
    if isinstance(check, Summarised):
        try:
            summary = type(check).merge_summaries([o.summary or {} for o in outcomes])
        except ValueError as exc:
            return Outcome(error=f"{check.id} cannot run on blocks: {exc}", cpu_seconds=cpu)
        return Outcome(summary=summary, cpu_seconds=cpu)
    findings = [f for o in outcomes for f in o.findings]
    try:
        metrics = type(check).merge_metrics([o.metrics for o in outcomes])
    except ValueError as exc:
        return Outcome(error=f"{check.id} cannot run on blocks: {exc}", cpu_seconds=cpu)
    return Outcome(findings, metrics, cpu_seconds=cpu)
