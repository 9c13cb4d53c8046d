"""The limit of every wait on Ray that Ray itself gives none: starting or joining a cluster
(`ray.init`), putting a value in the object store (`ray.put`, which waits while the store is full
and spilling), stopping Ray (`ray.shutdown`) and Ray Data's iterator of an object-store URI. The
engine's own waits for tasks (`ray.get`) have Ray's timeout (`RayEngine._waited`, `_get`). The
limit is the scan's `check-timeout` (0: none).

`ray.put` and Ray Data's iterator run in a thread of their own that the caller waits for; past the
limit, `EngineError` names the stage (one line, exit code 2), the call is left behind in its thread
(a daemon: it holds no exit) and Ray's exit hook (`ray.shutdown` at exit) is dropped, since it
would wait on the same Ray. `ray.init` and `ray.shutdown` must run in the main thread, so a
watchdog (`watched`) ends the process with that line and exit code 2 instead.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from dataqa.core.errors import EngineError

T = TypeVar("T")


def unanswered(stage: str, seconds: float) -> str:
    """What a call to Ray past the scan's limit says: the stage, the limit and its option."""
    return f"{stage}: no answer from Ray within {seconds:g} s (check-timeout)"


def within(ray: Any, seconds: float, stage: str, call: Callable[[], T]) -> T:
    """`call()` (a call to `ray`), waited for at most `seconds` (0: no limit); past it, `EngineError`
    naming `stage`. An exception of `call` is raised here as it is."""
    if not seconds:
        return call()
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = call()
        except BaseException as exc:
            out["error"] = exc

    thread = threading.Thread(target=run, name=f"dataqa: {stage}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        _abandoned(ray)
        raise EngineError(unanswered(stage, seconds))
    if "error" in out:
        raise out["error"]
    value: T = out["value"]
    return value


def items_within(ray: Any, seconds: float, stage: str, items: Iterable[T]) -> Iterator[T]:
    """The items of `items` (an iterator that waits on Ray: Ray Data's rows), each waited for at most
    `seconds` (0: no limit); past it, `EngineError` naming `stage`. The limit is on each item, not
    on the whole: many files read slowly are not a hang."""
    if not seconds:
        yield from items
        return
    done = object()
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=64)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put((True, item))
            box.put((True, done))
        except BaseException as exc:
            box.put((False, exc))

    threading.Thread(target=produce, name=f"dataqa: {stage}", daemon=True).start()
    try:
        while True:
            try:
                ok, item = box.get(timeout=seconds)
            except queue.Empty:
                _abandoned(ray)
                raise EngineError(unanswered(stage, seconds)) from None
            if not ok:
                raise item
            if item is done:
                return
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):  # a producer blocked on a full box sees `stop`
            box.get_nowait()


@contextlib.contextmanager
def watched(seconds: float, stage: str) -> Iterator[None]:
    """A watchdog over a call to Ray that must stay in the main thread (`ray.init`, `ray.shutdown`:
    made from another thread, they leave Ray's core worker connected to a cluster it stopped, which
    ends the process a minute later): past `seconds` (0: none), the one line naming `stage` on
    stderr and the process ends with exit code 2, since no exception reaches a thread waiting
    inside Ray. Ray's exit hook is not run (it would wait on the same Ray)."""
    if not seconds:
        yield
        return

    line = f"dataqa: error: {unanswered(stage, seconds)}\n"  # a stage shows what the user gave by repr

    def expired() -> None:
        sys.stderr.write(line)
        sys.stderr.flush()
        os._exit(2)

    timer = threading.Timer(seconds, expired)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def started(ray: Any, seconds: float, stage: str, **options: Any) -> None:
    """`ray.init(**options)`, watched for `seconds` (`watched`)."""
    with watched(seconds, stage):
        ray.init(**options)


def stopped(ray: Any, seconds: float) -> None:
    """`ray.shutdown()`, watched for `seconds` (`watched`)."""
    with watched(seconds, "stopping Ray"):
        ray.shutdown()


def _abandoned(ray: Any) -> None:
    """A call to `ray` gave no answer: its exit hook (`ray.shutdown`) would wait on it again, so it is
    dropped."""
    atexit.unregister(ray.shutdown)


class Bounded:
    """The `ray` module with `put` within the scan's limit (`limit()`, read at each call: the
    engine's limit is the scan's config); everything else is the module's own."""

    def __init__(self, ray: Any, limit: Callable[[], float]) -> None:
        self._ray = ray
        self._limit = limit

    def put(self, value: Any) -> Any:
        stage = "putting a value in the Ray object store (full and spilling, or the cluster gone)"
        return within(self._ray, self._limit(), stage, functools.partial(self._ray.put, value))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ray, name)
