"""Shared test helpers: writing JSONL fixtures and running the scan on them."""

from __future__ import annotations

import copy
import faulthandler
import importlib.util
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pytest

if TYPE_CHECKING:
    from dataqa.engine.context import Context

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
HANG_SECONDS = int(os.environ.get("DATAQA_TEST_HANG_SECONDS", "1200"))
"""A test still running after this long fails with every thread's stack (`hang_fails`)."""


RAY_SECONDS = 300
"""How long the tests' local Ray may take to start or to stop (`local_ray`); a wait past it fails
the module's tests naming the stage, instead of holding the test process forever."""


class Hung(Exception):
    """A test ran past `HANG_SECONDS` (its threads' stacks are on stderr)."""


@pytest.fixture(autouse=True)
def hang_fails(request: pytest.FixtureRequest) -> Any:
    """A test still running after `HANG_SECONDS` dumps every thread's stack to stderr and fails, and
    the session goes on: a hang (the Ray tests', twice under load, never reproduced on demand) leaves
    its stack in the CI log instead of waiting forever. SIGALRM interrupts the main thread's Python
    waits (a lock, an event, a thread's join: the scan's main thread waits for its check threads so).
    A wait that swallows the exception (`ray.get` in the main thread: Ray's wait runs the handler,
    so the stack is dumped, but goes on waiting) is ended by pytest's faulthandler backstop
    (`faulthandler_timeout` in pyproject.toml: the stack again, then the process exits; xdist then
    reports the test as crashed). 20 minutes: under a load of 20 on two cores a test of
    tests/test_check_scope.py ran past 8 minutes (the file past 25), and no test is to fail for load."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return
    capture = request.config.pluginmanager.getplugin("capturemanager")

    def hung(signum: int, frame: Any) -> None:
        if capture is not None:
            capture.suspend_global_capture(in_=True)
        try:
            print(f"\n{request.node.nodeid} still running after {HANG_SECONDS} s:", file=sys.stderr)
            sys.stderr.flush()
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        finally:
            if capture is not None:
                capture.resume_global_capture()
        raise Hung(f"still running after {HANG_SECONDS} s (every thread's stack is on stderr above)")

    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """One local Ray of 2 CPUs (no dashboard, no network) for a module of the Ray engine's tests,
    which its scans join (`pytestmark = pytest.mark.usefixtures("local_ray")`); the `ray` module.
    Started and stopped within `RAY_SECONDS` each (`dataqa.engine.ray_waits`: past it, `EngineError`
    naming the stage), stopped whatever the tests did, and a Ray an earlier module left running is
    stopped first. This fixture is set up before `hang_fails` is and torn down after it, so the limit
    here is what keeps a Ray that does not start or stop from holding an xdist worker forever."""
    ray = pytest.importorskip("ray")
    from dataqa.engine import ray_waits

    if ray.is_initialized():
        ray_waits.stopped(ray, RAY_SECONDS)
    options = dict(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR)
    ray_waits.started(ray, RAY_SECONDS, "starting the tests' local Ray", **options)
    try:
        yield ray
    finally:
        ray_waits.stopped(ray, RAY_SECONDS)


def chat(user: str, assistant: str, system: str | None = None) -> dict:
    """One OpenAI chat record."""
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]
    return {"messages": msgs}


def user_turn(record: dict) -> dict:
    """The first user message of a chat record."""
    return next(m for m in record["messages"] if m["role"] == "user")


def shouted(record: dict) -> dict:
    """The chat record with its user turn in capitals and trailing punctuation: equal after
    normalisation."""
    out = copy.deepcopy(record)
    user_turn(out)["content"] = user_turn(out)["content"].upper() + " ?!"
    return out


def reworded(record: dict, words: str = " thanks") -> dict:
    """The chat record with words added to its user turn: near, not equal after normalisation."""
    out = copy.deepcopy(record)
    user_turn(out)["content"] += words
    return out


def decided_part(report: dict, ids: list[str], skipped_reasons: bool = True) -> dict:
    """What the checks `ids` decide in a JSON report, which two engines must agree on: their results
    (no timings, nor where they ran; without a skipped check's reason when `skipped_reasons` is
    False), their findings in order, the usable counts, the verdict's conditions and the verdict."""

    def skipped(check: dict) -> bool:
        return not skipped_reasons and check["status"] == "skipped"

    left_out = {"duration_s", "ran_on"}
    checks = [
        {k: v for k, v in c.items() if k not in left_out | ({"reason"} if skipped(c) else set())}
        for c in report["checks"]
        if c["id"] in ids
    ]
    return {
        "checks": checks,
        "findings": [f for f in report["findings"] if f["check_id"] in ids],
        "usable": report["usable"],
        "conditions": report["conditions"],
        "verdict": report["verdict"],
    }


def scan_held(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    splits: dict[str, list],
    driver_rows: int,
    select: list[str],
) -> tuple[dict, dict, list[str]]:
    """The splits written as jsonl and scanned by both engines, Ray keeping on its workers the splits
    longer than `driver_rows` (read in pieces of `SPAN_BYTES` 2**13, joined into blocks of about 64
    rows; chat replies never read as a closed label set, as on a held split): the local report, the
    Ray one, the splits Ray held."""
    import dataqa
    from dataqa.ingest import dataset, spread

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**13)
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    paths = {name: str(write_jsonl(folder / f"{name}.jsonl", rows)) for name, rows in splits.items()}
    options: dict[str, Any] = dict(test=paths["test"], select=select)
    local = dataqa.scan(paths["train"], **options).to_dict()
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=64, **options
    ).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    return local, remote, held


def write_jsonl(path: Path, records: list) -> Path:
    """Write records (dicts, or raw str/bytes lines) one per line."""
    with open(path, "wb") as fh:
        for rec in records:
            if isinstance(rec, bytes):
                fh.write(rec + b"\n")
            elif isinstance(rec, str):
                fh.write(rec.encode() + b"\n")
            else:
                fh.write(orjson.dumps(rec) + b"\n")
    return path


def dataqa_command() -> list[str]:
    """The installed `dataqa` console script (end-to-end tests run the real command): the one beside
    the Python running the tests first, so that a venv's tests run its own install whatever PATH says."""
    beside = Path(sys.executable).with_name("dataqa")
    exe = str(beside) if beside.is_file() else shutil.which("dataqa")
    if exe is None:
        pytest.fail("the dataqa command is not installed; run `pip install -e '.[test]'`")
    return [exe]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*dataqa_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
        check=False,
    )


@pytest.fixture
def python() -> str:
    return sys.executable


def load_script(path: Path, name: str) -> types.ModuleType:
    """A script outside the package (a benchmark, the sample generator) imported as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass in it looks its module up
    spec.loader.exec_module(module)
    return module


def ticket_records(n: int, seed: int = 7) -> list[dict]:
    """`n` distinct, realistic chat records from the sample-data generator (support-ticket routing)."""
    import random

    module = load_script(ROOT / "sample_data" / "generate.py", "sample_generate")
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        text, decision = module.ticket(rng)
        if text not in seen:
            seen.add(text)
            out.append(module.record(text, decision))
    return out


class Plain:
    """A `registry.Runner` of plain calls on block contexts (a Ray engine's tasks, in process)."""

    def __init__(self, contexts: list[tuple[Context, str]]) -> None:
        self.contexts = contexts

    def blocks(self, fn: Any, args: list[tuple[Any, ...]], returns: int | None = None) -> list[list[Any]]:
        out = []
        for (ctx, split), one in zip(self.contexts, args, strict=True):
            value = fn(ctx.view(), split, *one)
            out.append([value] if returns is None else list(value))
        return out

    def task(self, fn: Any, *args: Any, returns: int | None = None) -> list[Any]:
        value = fn(*args)
        return [value] if returns is None else list(value)

    def get(self, handles: list[Any]) -> list[Any]:
        return list(handles)

    def __len__(self) -> int:
        return len(self.contexts)
