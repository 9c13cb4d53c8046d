"""Reused threads (issue #21, memory flat over many scans): work that needs a thread of its own runs
on threads kept across scans, a task abandoned past its limit keeps its thread to itself and ends
it, and nothing one task sets (context variables) is seen by the next."""

from __future__ import annotations

import contextvars
import os
import threading
from pathlib import Path

import pytest
from conftest import chat, write_jsonl

import dataqa
from dataqa.core import threads
from dataqa.core.models import CheckStatus
from dataqa.engine.registry import load_checks

PLUGIN = '''
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from dataqa.plugin import Check, Severity, register

SEEN = []
RELEASE = Path({release!r})


@register
@dataclass
class Witness(Check):
    """Keeps the thread it ran on.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "WIT001"
    name = "witness"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        SEEN.append(threading.current_thread())
        return iter(())


@register
@dataclass
class Stuck(Check):
    """Runs until the test releases it.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "STUCK001"
    name = "stuck"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        SEEN.append(threading.current_thread())
        while not RELEASE.exists():
            time.sleep(0.02)
        return iter(())
'''


@pytest.fixture
def plugin(tmp_path: Path):
    release = tmp_path / "release"
    path = tmp_path / "witness_plugins.py"
    path.write_text(PLUGIN.format(release=str(release)), encoding="utf-8")
    yield path
    release.touch()


def _seen(plugin: Path) -> list[threading.Thread]:
    """The threads the plugin's checks ran on, in order."""
    return load_checks([plugin])["WIT001"].run.__globals__["SEEN"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_scans_run_their_checks_on_the_same_reused_threads(tmp_path: Path, plugin: Path, jobs: int) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", [chat("Hi", "Hello"), chat("Bye", "Goodbye")])
    for _ in range(4):
        report = dataqa.scan(
            str(train), plugins=[str(plugin)], select=["WIT001"], check_timeout=60, jobs=jobs
        )
        assert [r.status for r in report.results] == [CheckStatus.PASSED]
    seen = _seen(plugin)
    assert len(seen) == 4 and len(set(seen)) <= 2  # a new thread per check made four
    assert all(t.is_alive() and t.name == threads.IDLE_NAME for t in set(seen))


def test_a_check_stuck_past_its_limit_keeps_its_thread_and_later_scans_go_on(
    tmp_path: Path, plugin: Path
) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", [chat("Hi", "Hello"), chat("Bye", "Goodbye")])
    first = dataqa.scan(str(train), plugins=[str(plugin)], select=["STUCK001"], check_timeout=0.2)
    assert first.results[0].status == CheckStatus.ERRORED
    (stuck,) = _seen(plugin)
    for _ in range(3):  # the stuck check still runs: later scans neither wait for it nor use its thread
        later = dataqa.scan(str(train), plugins=[str(plugin)], select=["WIT001"], check_timeout=60)
        assert later.results[0].status == CheckStatus.PASSED
    assert stuck.is_alive() and stuck not in _seen(plugin)[1:]
    (tmp_path / "release").touch()
    stuck.join(10)
    assert not stuck.is_alive()  # it ended once its check returned, and was not kept for reuse


def test_a_task_gives_its_result_or_raises_its_error() -> None:
    assert threads.start(lambda: 6 * 7, "t-answer").result() == 42

    def fail() -> None:
        raise KeyError("no such key")

    with pytest.raises(KeyError, match="no such key"):
        threads.start(fail, "t-fail").result()


def test_an_abandoned_task_ends_its_thread_and_a_finished_one_cannot_be_abandoned() -> None:
    go = threading.Event()
    slow = threads.start(lambda: go.wait(10) and "late", "t-slow")
    assert not slow.wait(0.05) and slow.abandon()
    other = threads.start(lambda: threading.current_thread(), "t-other")
    assert other.result() is not slow.thread  # a new task never waits behind the abandoned one
    go.set()
    assert slow.result() == "late"
    slow.thread.join(10)  # type: ignore[union-attr]
    assert not slow.thread.is_alive()  # type: ignore[union-attr]
    done = threads.start(lambda: 1, "t-done")
    done.wait()
    assert not done.abandon() and done.result() == 1


def test_a_task_sees_no_context_variable_an_earlier_task_set() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    first = threads.start(lambda: var.set("set by the first task") and threading.current_thread(), "t-set")
    thread = first.result()
    second = threads.start(lambda: (threading.current_thread(), var.get()), "t-get")
    assert second.result() == (thread, "unset")  # the same thread, a fresh context


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_runs_tasks_on_threads_of_its_own() -> None:
    threads.start(lambda: None, "t-before-fork").result()  # an idle thread in this process
    pid = os.fork()
    if pid == 0:  # the child: the parent's idle threads do not exist here
        try:
            done = threads.start(lambda: 42, "t-in-child").wait(10)
        finally:
            os._exit(0 if done else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
