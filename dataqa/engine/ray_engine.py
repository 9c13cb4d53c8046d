"""The Ray engine (`--engine ray`): the record- and summary-scope checks run on Ray workers, block by block.

Stages 1 to 3 of running a scan on a cluster. The workers read: each file of a split, or span of a
large one, is parsed and normalised by a task (`dataqa.ingest.spread`), and the driver (this
process) puts the passes together into the split the local engine reads; it guesses the format from
the first records and takes the files' digests, but parses nothing else. Each split's canonical
frame and messages are then cut into blocks (`dataqa.engine.blocks`, Arrow tables in Ray's object
store) and one Ray task per block runs every record-scope check (`Check.scope`) on it, and every
summary-scope check's summary of it, with the same check code the local engine runs; a task whose
worker dies is run again (`MAX_RETRIES`). A summary check's block summaries are merged and concluded
from on the driver, on the splits without their rows. Meanwhile the driver runs the whole-split
checks exactly as the local engine does; the record checks' block results are merged in block order,
so the report is the local engine's, with `engine` and each check's `ran_on` added.

Stage 4: a split of more rows than `ray-driver-rows` is never brought here. Each read task gives
two objects, what it read (counts, issues, rows) and the rows; the rows stay in the object store and
the pieces read are its blocks (adjacent ones of fewer than `ray-block-rows` rows joined there,
`spread.Mapper.join`: a folder of many small files is not a task per file in every stage). Only
the record, summary and group checks run on such a split, and those whose reads a `HeldForm`
makes there (DUP003's near pairs; LBL006 and COV004 on a sample, `dataqa.engine.sample`); the
other checks that read whole splits are skipped with the reason (`results.unmet`), and
`checks-ran` says so. The verdict's per-class condition counts a held train split's classes there
too (`usable_classes`: a task per piece counts its usable rows per class, given the lines the
findings made unusable).

Ray is an optional dependency (`pip install 'dataqa-finetune[ray]'`); `ray_session` starts or joins
the Ray this engine runs on, and fails at once, with one line naming the fix, without it.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from dataqa.core.errors import EngineError, first_line
from dataqa.core.models import CheckResult
from dataqa.core.resources import gc_paused, library_warnings_silenced, native_threads_limited
from dataqa.engine import blocks, object_store, ray_waits, shuffle
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, RECORD, SUMMARY, Check, Grouping, HeldForm
from dataqa.engine.results import errored, finished, unmet
from dataqa.engine.verdict import class_counts
from dataqa.ingest import spread
from dataqa.ingest.dataset import Split

MAX_RETRIES = 3
"""Times Ray runs a block's task again when its worker dies (a killed process, a lost node)."""
DRIVER, WORKERS = "driver", "workers"
"""Where a check ran (`CheckResult.ran_on`)."""


class TaskFailed(Exception):
    """A block's task failed or ran past the time limit: every check placed on the workers errs."""


def late(stage: str, seconds: float) -> str:
    """What a wait on Ray past the scan's limit says: the stage, the limit and its option."""
    return (
        f"{stage}: no result from the Ray workers within {seconds:g} s (check-timeout): a task hangs, "
        "or the cluster has no CPU free for it"
    )


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    """A Ray task: `fn(item)` (one piece of a split read, `RayEngine.keep`): two objects, what was
    read and the rows."""
    with native_threads_limited(), gc_paused():
        return fn(item)


def _run_block(
    checks: list[Check],
    shells: dict[str, Split],
    block: blocks.Block | blocks.Left,
    config: Config,
    labelled: dict[str, bool],
    debug: bool,
    rows: spread.Frames | None = None,
    groupings: tuple[list[Grouping], int] = ([], 0),
) -> Any:
    """A Ray task: every record-scope check and every summary-scope check's summary on one block
    (as the local runner runs a check), and what the task cost on its worker, stage by stage. A
    block `Left` to make here is made of `rows`, a piece read on the workers and left there. With
    `groupings` (and their number of parts), also each one's keys of the block's rows cut into parts
    (`shuffle.keys_of`), an object each after the first."""
    began, cpu = time.perf_counter(), time.process_time()
    block = blocks.made(block, rows)
    figures = blocks.Figures(block.split, block.start, block.rows, blocks.worker_name())
    outcomes: list[blocks.Outcome] = []
    keys: list[Any] = []
    with native_threads_limited(), gc_paused(), library_warnings_silenced():
        ctx = blocks.block_context(block, shells, config, labelled)
        figures.stages["context"] = time.perf_counter() - began
        for scope in (RECORD, SUMMARY):
            start = time.perf_counter()
            outcomes += blocks.run_block([c for c in checks if c.scope == scope], ctx, debug)
            figures.stages[scope] = time.perf_counter() - start
        if groupings[0]:
            start = time.perf_counter()
            keys = shuffle.keys_of(groupings[0], ctx.view(), block.split, groupings[1])
            figures.stages[GROUP] = time.perf_counter() - start
    figures.wall_s, figures.cpu_s = time.perf_counter() - began, time.process_time() - cpu
    figures.peak_rss_mb = blocks.peak_rss_mb()
    return ((outcomes, figures), *keys) if keys else (outcomes, figures)


def _gather_block(
    checks: list[Check],
    wants: list[Any],
    shells: dict[str, Split],
    block: blocks.Block | blocks.Left,
    config: Config,
    labelled: dict[str, bool],
    debug: bool,
    rows: spread.Frames | None = None,
) -> list[blocks.Outcome]:
    """A Ray task of the second round: on one block, the rows each summary check's merged summary
    asked for (`Summarised.wanted`: the classes it reports, whose rows its findings name)."""
    with native_threads_limited(), gc_paused(), library_warnings_silenced():
        ctx = blocks.block_context(blocks.made(block, rows), shells, config, labelled)
        return blocks.gather(checks, wants, ctx, debug)


def _count_classes(
    block: blocks.Block | blocks.Left, rows: spread.Frames | None, unusable: set[int]
) -> Counter[str]:
    """A Ray task: the block's labelled rows per class outside the `unusable` lines (`class_counts`)."""
    with native_threads_limited(), gc_paused():
        made = blocks.made(block, rows)
        return class_counts(blocks.frame_of(made), unusable)


class RayEngine:
    """A scan's checks placed on Ray: `place` submits the record-scope ones; `describe` says where."""

    def __init__(
        self,
        ray: Any,
        address: str,
        env: dict[str, str] | None = None,
        held_rows: int = 500_000,
        limit: float = 600.0,
        block_rows: int = 20_000,
    ) -> None:
        self.ray = ray_waits.Bounded(ray, lambda: self._timeout)
        """The `ray` module, its `put` within the limit of a wait (`ray_waits`)."""
        self.held_rows = held_rows
        """A split of more rows stays on the workers (`spread.Mapper`; config `ray-driver-rows`)."""
        self.block_rows = block_rows
        """A held split's adjacent pieces of fewer rows are joined there (`spread.Mapper.join`)."""
        self.address = address
        self.env = env or {}
        """The environment the scan gave the workers of the Ray it started (`ray_session.worker_env`)."""
        self.figures: list[blocks.Figures] = []
        self.remote: list[Check] = []
        self.blocks = 0
        self.read_tasks = 0
        """Tasks that read a piece of a split (a file, or a span of one) on the workers."""
        self._refs: list[Any] = []
        self._blocks: list[tuple[Any, Any]] = []
        """The blocks in the object store (or a piece's rows there and how to make it a block),
        kept for the summary checks' second round."""
        self._shared: tuple[Any, Any, dict[str, bool]] | None = None
        """The shells and the configuration in the object store, and which splits have labels."""
        self.shuffles: list[shuffle.Shuffle] = []
        """The group-scope checks' shuffles (one per grouping), when a split is held on the workers."""
        self._results: dict[str, CheckResult] | None = None
        self._lock = threading.Lock()
        self._ctx: Context | None = None
        self._rowless: Context | None = None
        self._timeout = limit
        """Seconds each wait on Ray tasks may last (`check-timeout`; 0: none): past it, reading ends
        the scan (`EngineError`) and a check errs (`TaskFailed`), each naming the stage."""
        self._debug = False
        self.cpu_seconds: dict[str, float] = {}
        """Check id -> CPU seconds its runs on the blocks took on the workers, added up."""

    def reader(self) -> Any:
        """How `load_split` reads a split on the workers: each file, or span of a large one, parsed
        and normalised by a task (`dataqa.ingest.spread`), the passes put together here."""
        return functools.partial(spread.read, mapper=self)

    def keep(self, fn: Callable[[Any], Any], items: list[Any]) -> list[tuple[Any, Any]] | None:
        """`fn` over `items`, a task each on the workers giving two objects: what it read, brought
        here one at a time, and the rows, left in the object store (a handle each); None when a
        worker cannot see a file this process reads (no shared file system: `spread.NotHere`).
        `EngineError` when a piece gives nothing within the limit of a wait (`check-timeout`): the
        pieces run at once, so that is a piece that hangs, not a split slow to read."""
        task = self._task(_apply, 2)
        fn_ref = self.ray.put(fn)
        refs = [task.remote(fn_ref, item) for item in items]
        self.read_tasks += len(refs)
        done = []
        try:
            for item, (read, rows) in zip(items, refs, strict=True):
                done.append((self._waited(read, f"reading {item} on the Ray workers"), rows))
        except EngineError:
            self._cancel([read for read, _ in refs])
            raise
        except self.ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, FileNotFoundError):
                return None
            raise (cause if isinstance(cause, Exception) else exc) from None
        return done

    def fetch(self, handle: Any) -> spread.Frames:
        """A piece's rows from the object store (the caller drops the handle: the store frees them)."""
        rows: spread.Frames = self._waited(handle, "bringing a piece's rows from the Ray object store")
        return rows

    def join(self, pieces: list[tuple[Any, int]]) -> Any:
        """A task joining pieces' rows in the object store (`spread.joined_rows`); not waited for."""
        task = self._task(spread.joined_rows)
        return task.remote([base for _, base in pieces], *[handle for handle, _ in pieces])

    def _task(self, fn: Callable[..., Any], returns: int | None = None) -> Any:
        """`fn` as this engine's Ray task (`shuffle.ray_task`, retried `MAX_RETRIES` times)."""
        return shuffle.ray_task(self.ray, MAX_RETRIES, fn, returns)

    def _waited(self, ref: Any, stage: str) -> Any:
        """`ray.get` within the limit of a wait; past it, `EngineError` naming the `stage`."""
        try:
            return self.ray.get(ref, timeout=self._timeout or None)
        except self.ray.exceptions.GetTimeoutError:
            self._cancel([ref])
            raise EngineError(late(stage, self._timeout)) from None

    def fetched(self, paths: dict[str, Any]) -> contextlib.AbstractContextManager[dict[str, Any]]:
        """The split sources with each object-store URI read by Ray Data into files for the scan."""
        return object_store.fetched(self.ray, paths, self._timeout)

    def place(self, ctx: Context, checks: list[Check], config: Config, debug: bool = False) -> set[str]:
        """Submit a task per block for the record-scope checks whose needs are met (a check that
        skips is skipped by the driver, as locally); the ids of the checks placed on the workers."""
        placed = [c for c in checks if c.scope in (RECORD, SUMMARY) and unmet(c, ctx) is None]
        self.remote = sorted(placed, key=lambda c: c.scope != RECORD)  # the order `_run_block` runs them
        self._ctx, self._timeout, self._debug = ctx, config.check_timeout, debug
        groupings = self._groupings(ctx, checks)
        forms = self._forms(ctx, checks, groupings)
        if not self.remote and not groupings and not forms:
            return set()
        parts = shuffle.parts_for(sum(s.rows for s in ctx))
        self.shuffles = [
            shuffle.Shuffle(
                self.ray, g, parts, self.getter(f"the shuffle of the rows by {type(g).__name__}"), MAX_RETRIES
            )
            for g in groupings
        ]
        returns = 1 + parts * len(groupings)
        task = self._task(_run_block, returns)
        put = self.ray.put
        checks_ref = put(self.remote)
        shells = {name: blocks.shell(split) for name, split in ctx.splits.items()}
        shells_ref, labelled = put(shells), blocks.facts(ctx)
        self._rowless = blocks.shells_context(shells, config, labelled)
        config_ref = put(config)
        self._shared = (shells_ref, config_ref, labelled)
        for split in ctx.splits.values():
            if split.elsewhere is not None:  # its pieces, where they were read, are its blocks
                self._blocks += [(blocks.Left.of(split.name, p), p.handle) for p in split.elsewhere.pieces]
            else:
                self._blocks += [(put(block), None) for block in blocks.cut(split, config.ray_block_rows)]
        for block, rows in self._blocks if self.remote or groupings else []:  # not for forms alone
            refs = task.remote(
                checks_ref, shells_ref, block, config_ref, labelled, debug, rows, (groupings, parts)
            )
            self.blocks += 1
            if returns == 1:
                self._refs.append(refs)
                continue
            self._refs.append(refs[0])
            for n, one in enumerate(self.shuffles):
                one.add(refs[1 + n * parts : 1 + (n + 1) * parts])
                if isinstance(block, blocks.Left):
                    one.held.append((block, rows))
        for one in self.shuffles:
            one.start()
            ctx.supply(one.grouping.shared, one.rows)
            ctx.supply(one.grouping.texts, functools.partial(one.texts, shells_ref, config_ref, labelled))
        for form in forms:
            for split in ctx.splits.values():
                if split.elsewhere is not None and form.applies(ctx, split.name):
                    held = [(blocks.Left.of(split.name, p), p.handle) for p in split.elsewhere.pieces]
                    get = self.getter(f"what the check reads, made on {split.name}'s blocks")
                    form.supply(
                        ctx, split.name, shuffle.Blocks(self.ray, held, self._shared, get, MAX_RETRIES)
                    )
        return {c.id for c in self.remote}

    def _forms(self, ctx: Context, checks: list[Check], groupings: list[Grouping]) -> list[HeldForm]:
        """The `HeldForm`s of the checks (what they read made on the held splits' blocks), when a
        split's rows stay on the workers and the form's groupings are among the shuffled `groupings`."""
        if all(s.elsewhere is None for s in ctx):
            return []
        shuffled = {grouping.shared for grouping in groupings}
        forms = [form for check in checks if (form := check.held_form()) is not None]
        return [f for f in forms if all(g.shared in shuffled for g in f.groupings)]

    def _groupings(self, ctx: Context, checks: list[Check]) -> list[Grouping]:
        """The groupings of the group-scope checks, when a split's rows stay on the workers (else the
        driver groups the rows it holds, as locally); one each, however many checks read it. A check
        whose needs are not met is then skipped for them, as locally (`results.unmet`)."""
        if all(s.elsewhere is None for s in ctx):
            return []
        out: dict[Any, Grouping] = {}
        for check in checks:
            form = check.held_form()
            for grouping in (check.grouping, *(form.groupings if form is not None else ())):
                if grouping is not None:
                    out.setdefault(grouping.shared, grouping)
        return list(out.values())

    def result(self, check: Check) -> CheckResult:
        """The check's result over every block (waits for the tasks the first time it is asked)."""
        with self._lock:
            if self._results is None:
                self._results = self._gather()
        result = self._results[check.id]
        result.ran_on = WORKERS
        return result

    def _gather(self) -> dict[str, CheckResult]:
        """Every block's outcomes merged per check, in block order; on a task that failed or ran past
        the time limit, every placed check is errored with the reason."""
        assert self._ctx is not None
        try:
            per_block = self._get(self._refs)
            self.figures = [figures for _, figures in per_block]
            merged = [
                blocks.merge(c, [outcomes[i] for outcomes, _ in per_block]) for i, c in enumerate(self.remote)
            ]
            wants = blocks.wanted(self.remote, self._rowless, merged, self._debug)
            if wants:  # the second round: the rows of what the summary checks report
                second = self._get(self._second_round(wants), "the summary checks' second round")
                for n, i in enumerate(wants):
                    merged[i] = blocks.with_rows(merged[i], [outcomes[n] for outcomes in second])
        except TaskFailed as exc:
            return {c.id: errored(c, str(exc)) for c in self.remote}
        finally:
            self._blocks = []  # the object store may free them
        results = {}
        for check, outcome in zip(self.remote, merged, strict=True):
            if check.scope == SUMMARY:  # concluded here, on the splits without rows
                outcome = blocks.conclude(check, self._rowless, outcome, self._debug)
            self.cpu_seconds[check.id] = outcome.cpu_seconds
            if outcome.error:
                results[check.id] = errored(check, outcome.error)
            else:
                results[check.id] = finished(check, self._ctx, outcome.findings, outcome.metrics)
        return results

    def _second_round(self, wants: dict[int, Any]) -> list[Any]:
        """A task per block gathering the rows that the summary checks at these positions want."""
        assert self._shared is not None
        task = self._task(_gather_block)
        checks_ref = self.ray.put([self.remote[i] for i in wants])
        wants_ref = self.ray.put(list(wants.values()))
        shells_ref, config_ref, labelled = self._shared
        return [
            task.remote(checks_ref, wants_ref, shells_ref, block, config_ref, labelled, self._debug, rows)
            for block, rows in self._blocks
        ]

    def usable_classes(self, unusable: set[int]) -> Counter[str] | None:
        """Train's rows per class outside the `unusable` lines, when its rows stay on the workers: a
        task per piece counts its own (`verdict.class_counts`), the counts are added up here; None
        when a task failed or ran past the time limit (the condition is then not judged)."""
        assert self._ctx is not None and self._ctx.train.elsewhere is not None
        task = self._task(_count_classes)
        unusable_ref = self.ray.put(unusable)
        pieces = self._ctx.train.elsewhere.pieces
        refs = [task.remote(blocks.Left.of("train", p), p.handle, unusable_ref) for p in pieces]
        total: Counter[str] = Counter()
        try:
            for counts in self._get(refs, "counting train's usable rows per class"):
                total.update(counts)
        except TaskFailed:
            return None
        return total

    def _get(self, refs: list[Any], stage: str = "the record and summary checks' block tasks") -> list[Any]:
        """The tasks' results; `TaskFailed` naming the `stage` and the reason when one failed or
        gave nothing within the limit of a wait."""
        try:
            return self.ray.get(refs, timeout=self._timeout or None)
        except self.ray.exceptions.GetTimeoutError:
            self._cancel(refs)
            raise TaskFailed(late(stage, self._timeout)) from None
        except self.ray.exceptions.RayError as exc:
            if self._debug:
                raise
            raise TaskFailed(f"{stage}: a Ray task failed: {first_line(exc)}") from None

    def _cancel(self, refs: list[Any]) -> None:
        """Stop the tasks behind `refs` that still run, once a wait gave up on them: a task that hangs
        keeps no CPU of the cluster (a session the scan joined goes on) after the scan."""
        for ref in refs:
            with contextlib.suppress(Exception):  # a task that ended meanwhile, an object put
                self.ray.cancel(ref, force=True)

    def getter(self, stage: str) -> Callable[[list[Any]], list[Any]]:
        """`_get` for the waits of one stage (a shuffle, a check's form on a held split)."""
        return functools.partial(self._get, stage=stage)

    def describe(self) -> dict[str, Any]:
        """What the report says of the engine: its name, the cluster, the blocks, the checks on its
        workers and the CPU seconds each took there (over all blocks; a check's `duration_s` is the
        driver's wait for it), each block's task's time by stage, and each worker's peak memory."""
        with self._lock:  # the blocks ran for the group checks' keys alone: their figures too
            if self._results is None and self._refs:
                self._results = self._gather()
        workers: dict[str, dict[str, Any]] = {}
        for f in self.figures:
            seen = workers.setdefault(f.worker, {"blocks": 0, "rows": 0, "wall_s": 0.0, "peak_rss_mb": 0.0})
            seen["blocks"] += 1
            seen["rows"] += f.rows
            seen["wall_s"] = round(seen["wall_s"] + f.wall_s, 3)
            seen["peak_rss_mb"] = round(max(seen["peak_rss_mb"], f.peak_rss_mb), 1)
        return {
            "name": "ray",
            "address": self.address,
            "ray_version": self.ray.__version__,
            "blocks": self.blocks,
            "read_tasks": self.read_tasks,
            "on_workers": [c.id for c in self.remote],
            "worker_cpu_seconds": {cid: round(s, 3) for cid, s in self.cpu_seconds.items()},
            "worker_env": dict(self.env),
            "shuffles": [
                {
                    "grouping": type(one.grouping).__name__,
                    "parts": one.parts,
                    "rows_in_groups": one.rows_in_groups,
                }
                for one in self.shuffles
            ],
            "per_block": [f.to_dict() for f in self.figures],
            "workers": dict(sorted(workers.items())),
        }
