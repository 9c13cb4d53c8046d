"""Run the selected checks over the loaded splits and assemble the `Report`.

A check whose needs are not met is recorded as skipped (with the reason), one that raises as
errored (with the error), one that runs past its time limit (`check-timeout`) as errored ("did not
finish within N s"); either way the scan goes on. Findings are put in a fixed order so the
same input and config always give the same report.
"""

from __future__ import annotations

import contextlib
import fnmatch
import sys
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from dataqa.core import threads
from dataqa.core.models import CheckResult, CheckStatus, Finding, Severity
from dataqa.core.resources import (
    available_cores,
    gc_paused,
    library_warnings_silenced,
    native_threads_limited,
)
from dataqa.core.version import VERSION
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.form_labels import set_aside
from dataqa.engine.object_store import refuse_uris
from dataqa.engine.registry import Check, check_tables, load_checks, make_check, select_checks
from dataqa.engine.report import Report, SplitInfo
from dataqa.engine.results import error_reason, errored, finished, unmet
from dataqa.engine.verdict import VerdictInputs, count_usable, judge
from dataqa.ingest.dataset import SPLIT_NAMES, Split, load_split
from dataqa.ingest.profile import profile_split

Progress = Callable[[str], None]

AUTO_JOBS_MAX = 2
"""Threads that run checks when `Config.jobs` is 0 (automatic), if the machine has the cores.

Much of the checks' work is in polars, numpy and rapidfuzz, which release the GIL, so a second
thread overlaps well: a 100k-row chat scan took 70 s on one thread and 44 s on two, on this
project's 2-core machine (`benchmarks/scan.md`). Each check running at once holds its own working
memory, and the Python parts share one GIL, so more threads are asked for with `--jobs`."""


def next_check(pending: list[Check], running: list[Check]) -> int | None:
    """Index of the check a free thread runs next, or None when it must wait for a running check.

    Not a second heavy check (`Check.heavy`) while one runs: their working sets would add up (at
    1M rows DUP004 and LEAK004 side by side set the scan's peak, 7.1-8.5 GB). Among the others,
    the first that reads none of the shared families the running checks read, else the first. Two
    readers of one family would wait for each other (at 1M rows DUP004 waited a minute for
    DUP003's near-duplicate groups) while checks they could run beside waited their turn: 1M scan
    294 -> 256 s (`benchmarks/scan.md`). Waiting instead of taking the first was slower and held
    no less memory (271 s, 8.40 GB)."""
    heavy_running = any(check.heavy for check in running)
    allowed = [i for i, check in enumerate(pending) if not (heavy_running and check.heavy)]
    if not allowed:
        return None
    busy = set().union(*(check.shares for check in running))
    return next((i for i in allowed if not pending[i].shares & busy), allowed[0])


def effective_jobs(jobs: int) -> int:
    """The number of check threads for the configured `jobs` (0: automatic)."""
    return jobs if jobs > 0 else max(1, min(AUTO_JOBS_MAX, available_cores()))


def load_splits(
    paths: dict[str, str], config: Config, progress: Progress | None = None, engine: Any = None
) -> dict[str, Split]:
    """Read every named split (train, valid, test, ...); raises InputError for unreadable paths.
    An engine that reads elsewhere (Ray: on its workers) gives the reader (`load_split`)."""
    splits = {}
    for name, path in paths.items():
        if progress:
            progress(f"reading {name}: {path}")
        splits[name] = load_split(
            name,
            path,
            fmt=config.format,
            label_field=config.label_field,
            workers=effective_jobs(config.jobs),
            limits=config.limits(),
            fields=config.fields,
            records_path=config.records_path,
            line_pattern=config.line_pattern,
            records_key=config.records_key,
            template=config.template,
            reader=engine.reader() if engine is not None else None,
        )
    return splits


def _ignored(finding: Finding, patterns: dict[str, list[str]]) -> bool:
    """Per-file ignores: drop a finding when every location's file matches a pattern ignoring its id."""
    if not patterns or not finding.locations:
        return False

    def ignored_at(path: str) -> bool:
        return any(
            (fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(path.split("/")[-1], pat))
            and any(code.upper() == "ALL" or finding.check_id.startswith(code.upper()) for code in codes)
            for pat, codes in patterns.items()
        )

    return all(ignored_at(loc.path) for loc in finding.locations)


def run_check(check: Check, ctx: Context, debug: bool = False) -> CheckResult:
    """Run one configured check, turning unmet needs and exceptions into results."""
    skipped = unmet(check, ctx)
    if skipped is not None:
        return skipped
    form = check.held_form()  # on a split held elsewhere it may run on what the engine made there
    try:
        view = ctx.view()  # its own splits and config (see Context.view)
        findings = list(form.run(check, view) if form is not None else check.run(view))
    except Exception as exc:
        if debug:
            raise
        return errored(check, error_reason(exc))
    findings, aside = set_aside(check, ctx, findings)  # minimal pairs where labels judge form
    result = finished(check, ctx, findings, dict(check.metrics))
    result.reason = "; ".join(n for n in (form.note(ctx) if form is not None else "", aside) if n)
    return result


_ABANDONED: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
"""Threads of checks the scan stopped waiting for (`run_limited`) that may still be running."""


class AbandonedChecksToStderr:
    """`sys.stdout` once a scan abandoned a check: what that check's thread prints later goes to
    stderr, everything else to the stream it wraps.

    During the scan all printing goes to stderr (`execute`), but an abandoned check may print after
    the scan ended, into the report a command writes to stdout (`--json -`). Python has no stdout per
    thread, so the scan leaves this wrapper on `sys.stdout` for the life of the process. It does not
    cover threads the check starts itself, C code writing to file descriptor 1, or a host that
    later puts another stream on `sys.stdout` (click's test runner restores its own)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write `text` where the current thread's output belongs."""
        if threading.current_thread() in _ABANDONED:
            return sys.stderr.write(text) if sys.stderr is not None else len(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def run_limited(check: Check, ctx: Context, timeout: float, debug: bool = False) -> CheckResult:
    """`run_check` with a time limit of `timeout` seconds (0: none).

    A Python thread cannot be stopped from outside, so the check runs on a thread of its own (one
    of the threads every scan reuses, `core.threads`) and the scan stops waiting for it at the
    limit: the check is reported as errored ("did not finish within N s"), the scan goes on, and
    whatever the check still computes is discarded (its thread runs on in the background until the
    check returns, then ends, or until the process exits, printing to stderr:
    `AbandonedChecksToStderr`)."""
    if timeout <= 0:
        return run_check(check, ctx, debug)
    task = threads.start(lambda: run_check(check, ctx, debug), f"dataqa-check-{check.id}")
    if task.wait(timeout) or not task.abandon():
        return task.result()  # raises only under --debug, or a BaseException from the check
    _ABANDONED.add(task.thread)  # type: ignore[arg-type]
    return CheckResult(
        check_id=check.id,
        name=check.name,
        family=check.family,
        severity=check.effective_severity,
        status=CheckStatus.ERRORED,
        reason=f"{check.id} ({check.name}) did not finish within {timeout:g} s; its result is discarded",
    )


def run_scan(
    paths: dict[str, str], config: Config, progress: Progress | None = None, debug: bool = False
) -> Report:
    """Load, check, judge: the whole scan. `paths` maps split names to files; train is required."""
    return execute(paths, config, progress, debug)[1]


def execute(
    paths: dict[str, str], config: Config, progress: Progress | None = None, debug: bool = False
) -> tuple[Context, Report]:
    """The scan, returning the loaded `Context` with the `Report` (for commands that export data).

    BLAS and OpenMP run single-threaded during the scan: the matrices here are small, and a
    multi-threaded OpenBLAS on a busy machine spin-waits; measured on the sample data with the
    other core busy: 24 s with two BLAS threads, 1.2 s with one. Library RuntimeWarnings are
    silenced (`library_warnings_silenced`). What a check prints goes to stderr: stdout carries
    only the report (`--json -`, SARIF, the GitHub format), which a plugin's print would corrupt;
    a check abandoned past its time limit prints to stderr after the scan too (`AbandonedChecksToStderr`).
    """
    with (
        native_threads_limited(),
        gc_paused(),
        library_warnings_silenced(),
        contextlib.redirect_stdout(sys.stderr),
    ):
        outcome = _execute(paths, config, progress, debug)
    if _ABANDONED and not isinstance(sys.stdout, AbandonedChecksToStderr):
        sys.stdout = AbandonedChecksToStderr(sys.stdout)
    return outcome


def _execute(
    paths: dict[str, str], config: Config, progress: Progress | None, debug: bool
) -> tuple[Context, Report]:
    started = time.perf_counter()
    if "train" not in paths:
        raise ValueError("a train split is required")
    classes = load_checks(config.plugins)
    check_tables(config.checks, classes, "checks")
    selected = select_checks(classes, config.select, config.ignore, config.extend_select)
    checks = [make_check(cls, config.checks.get(cls.id)) for cls in selected]
    if config.engine != "ray":
        refuse_uris(paths)  # object-store URIs: read by the Ray engine only
    # Ray: missing or unreachable is an error now, before any reading; URIs are fetched for the scan.
    with _engine(config) as engine, _local(engine, paths) as local:
        return _scan(local, config, checks, engine, progress, debug, started)


def _local(engine: Any, paths: dict[str, Any]) -> contextlib.AbstractContextManager[dict[str, Any]]:
    """The split sources as files the scan reads: an engine fetches the URIs it reads for the scan."""
    return engine.fetched(paths) if engine is not None else contextlib.nullcontext(paths)


def _engine(config: Config) -> contextlib.AbstractContextManager[Any]:
    """The engine session of a scan: None for the local engine, a `RayEngine` for Ray."""
    if config.engine == "ray":
        from dataqa.engine import ray_session

        return ray_session.session(config, cpus=effective_jobs(config.jobs))
    return contextlib.nullcontext(None)


def _scan(
    paths: dict[str, str],
    config: Config,
    checks: list[Check],
    engine: Any,
    progress: Progress | None,
    debug: bool,
    started: float,
) -> tuple[Context, Report]:
    splits = load_splits(paths, config, progress, engine)
    ctx = Context(splits, config)
    # Another engine takes the checks it runs elsewhere (Ray: the record-scope ones, on its workers).
    placed: set[str] = engine.place(ctx, checks, config, debug) if engine is not None else set()

    def timed(check: Check) -> CheckResult:
        if progress:
            progress(f"running {check.id} {check.name}")
        began = time.perf_counter()
        if check.id in placed:
            result = engine.result(check)
        else:
            try:
                result = run_limited(check, ctx, config.check_timeout, debug)
            finally:
                ctx.release(check.shares)  # what no later check reads is freed now, not at the end
            result.ran_on = "driver" if engine is not None else ""
        result.duration_s = time.perf_counter() - began
        return result

    for check in checks:
        if check.id not in placed:
            ctx.hold(check.shares)

    # Checks run on threads, and so do the splits' profiles (which need no check's result);
    # results keep the registry order, so the report does not depend on which finished first.
    jobs = min(effective_jobs(config.jobs), len(checks) + len(ctx.splits))
    if jobs > 1:
        done: list[CheckResult] = [None] * len(checks)  # type: ignore[list-item]
        # Heavy checks run one after another, the scan's longest chain: they go first, so that it
        # starts with the checks rather than after the light ones listed before it.
        # Checks placed elsewhere go last: their threads only wait for the other engine's results.
        pending = sorted(enumerate(checks), key=lambda item: (item[1].id in placed, not item[1].heavy))
        running: dict[int, Check] = {}  # position -> check
        picking = threading.Condition()
        unprofiled = list(ctx)
        profiles: dict[str, dict[str, Any]] = {}

        def work() -> None:
            while True:
                with picking:
                    split = unprofiled.pop(0) if unprofiled else None
                if split is not None:  # the profiles first, as they need no check's result
                    profiles[split.name] = profile_split(split)
                    continue
                with picking:
                    index = None
                    while pending:
                        index = next_check([c for _, c in pending], list(running.values()))
                        if index is not None:
                            break
                        picking.wait()  # only heavy checks are left, and one of them runs
                    if index is None:
                        return
                    position, check = pending.pop(index)
                    running[position] = check
                try:
                    done[position] = timed(check)
                finally:
                    with picking:
                        del running[position]
                        picking.notify_all()

        workers = [threads.start(work, "dataqa-check-worker") for _ in range(jobs)]
        for worker in workers:  # all of them end before an error of one is raised
            worker.wait()
        for worker in workers:
            worker.result()
    else:
        done = [None] * len(checks)  # type: ignore[list-item]
        for position in sorted(range(len(checks)), key=lambda i: checks[i].id in placed):
            done[position] = timed(checks[position])
        profiles = {split.name: profile_split(split) for split in ctx}
    results = []
    for result in done:
        if config.per_file_ignores:
            result.findings = [f for f in result.findings if not _ignored(f, config.per_file_ignores)]
            if result.status == CheckStatus.FAILED and not any(
                f.severity >= Severity.WARNING for f in result.findings
            ):
                result.status = CheckStatus.PASSED
        results.append(result)

    usable = count_usable(ctx, results, "train")
    classes = engine.usable_classes if engine is not None else None  # a held split's, counted there
    verdict, conditions = judge(VerdictInputs(ctx, results, config.verdict, config.goal, usable, classes))
    infos = []
    for split in ctx:
        split_usable = usable if split.name == "train" else count_usable(ctx, results, split.name)
        infos.append(
            SplitInfo(
                name=split.name,
                path=split.path,
                sha256=split.sha256,
                size_bytes=split.size_bytes,
                lines=split.n_lines,
                rows=split_usable.rows,
                usable_rows=split_usable.usable,
                format=split.format,
                label_source=split.label_source,
                profile=profiles[split.name],
                input=split.source.describe() if split.source is not None else {},
                template=split.rendered.to_dict() if split.rendered is not None else None,
                rft=split.graded.to_dict() if split.graded is not None else None,
                roles=dict(split.layout.renamed)
                if split.layout is not None and split.layout.renamed
                else None,
            )
        )
    report = Report(
        tool_version=VERSION,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        goal=config.goal,
        verdict=verdict,
        conditions=conditions,
        splits=infos,
        results=results,
        usable=usable,
        config=config.to_dict(),
        duration_s=time.perf_counter() - started,
        engine=engine.describe() if engine is not None else {"name": "local"},
    )
    return ctx, report


def split_paths(train: Any, test: Any = None, valid: Any = None) -> dict[str, Any]:
    """The split name → source mapping, in the canonical order. A source is a path (file, folder,
    glob) or an in-memory table (`dataqa.ingest.readers`)."""
    given = {"train": train, "valid": valid, "test": test}
    return {name: given[name] for name in SPLIT_NAMES if given[name] is not None}
