"""Threads kept for the life of the process and reused by every scan in it, for work that must run
on a thread of its own (a check under its time limit, the check workers, the file digest).

Why not a new thread each time: glibc gives each new thread a malloc arena (up to 8 per core) and
every arena keeps its own high-water mark of freed pages. With a new thread per check, a process
that runs many scans (`dataqa.scan()` in a service) filled arena after arena: 500 hostile scans
grew from 313 to 541 MiB, levelling off only when every arena had held a large input
(`benchmarks/soak.md`). Reused threads keep their arenas, so memory stays at the first scans'
level without touching the host's allocator settings (`resources.tune_malloc` leaves library
hosts alone).

A task that its caller stops waiting for (`Task.abandon`: a check past its time limit) keeps its
thread until it returns, however long; that thread then ends instead of coming back, so a later
task never waits behind it and never runs on a thread the scan has given up on. Each task runs in
a fresh `contextvars` context, as it would on a new thread, so nothing one task sets is seen by the
next.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

R = TypeVar("R")

KEPT_IDLE = 8
"""Idle threads kept for reuse; past this many a finished thread ends. A scan uses at most
2 x jobs + 1 at once (check workers, the checks they wait on, the digest)."""

IDLE_NAME = "dataqa-idle"

_idle: list[_Worker] = []
_idle_lock = threading.Lock()


def _forgotten_in_child() -> None:
    """A forked child has none of its parent's threads: the idle ones listed would never run."""
    global _idle_lock
    _idle.clear()
    _idle_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forgotten_in_child)


class Task(Generic[R]):
    """One call running on a reused thread: wait for it, take its result, or abandon it."""

    def __init__(self, fn: Callable[[], R], name: str) -> None:
        self.fn = fn
        self.name = name
        self.thread: threading.Thread | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._finished = self._abandoned = False
        self._result: R | None = None
        self._error: BaseException | None = None

    def _run(self) -> bool:
        """Run the call (on the worker thread), not yet saying it is done; whether the caller
        abandoned it meanwhile."""
        try:
            self._result = contextvars.Context().run(self.fn)
        except BaseException as exc:  # handed to the caller, as a thread of its own would not
            self._error = exc
        with self._lock:
            self._finished = True
            return self._abandoned

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the call has finished, waiting up to `timeout` seconds (None: until it has)."""
        return self._done.wait(timeout)

    def abandon(self) -> bool:
        """Stop waiting for a call that has not finished: its thread runs it to the end and then
        ends. False if the call finished meanwhile (its result is then there to take)."""
        with self._lock:
            if self._finished:
                return False
            self._abandoned = True
            return True

    def result(self) -> R:
        """The call's return value, waiting for it; raises what the call raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]


class _Worker(threading.Thread):
    """A daemon thread that runs the tasks handed to it, one at a time, and waits idle between."""

    def __init__(self) -> None:
        super().__init__(name=IDLE_NAME, daemon=True)
        self.inbox: queue.SimpleQueue[Task[Any]] = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            task = self.inbox.get()
            kept = not task._run() and self._back_to_idle()
            task._done.set()  # after the thread is back: a caller's next task can take it at once
            del task  # nothing of a finished task is kept alive by an idle thread
            if not kept:
                return

    def _back_to_idle(self) -> bool:
        """Join the idle threads, unless enough are idle already (the thread then ends)."""
        self.name = IDLE_NAME
        with _idle_lock:
            if len(_idle) >= KEPT_IDLE:
                return False
            _idle.append(self)
            return True


def start(fn: Callable[[], R], name: str) -> Task[R]:
    """Run `fn()` on an idle reused thread (a new one if none is idle), named `name` meanwhile."""
    task: Task[R] = Task(fn, name)
    with _idle_lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = _Worker()
        worker.start()
    task.thread = worker
    worker.name = name
    worker.inbox.put(task)
    return task
