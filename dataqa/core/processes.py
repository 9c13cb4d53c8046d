"""Work spread over spawned processes, for the CPU-bound pure-Python stages (reading records,
detecting languages) that threads cannot overlap because they hold the GIL."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STARTING = threading.Lock()
"""Held while processes start with `__main__` hidden: two threads swapping it at once would leave
the stand-in in place for good."""

STARTUP_ERRORS = (BrokenProcessPool, OSError, NotImplementedError, RuntimeError)
"""What processes that cannot run here raise: a broken or killed pool, no fork/spawn or too few
semaphores (NotImplementedError from the executor), a start-up refused by multiprocessing."""


AHEAD_PER_WORKER = 2
"""Items handed to the processes before the oldest result is waited for: enough to keep every
process busy while this one makes the next items, few enough that items made here (a table's
rows, `readers.source.Input.jobs`) are not all held at once."""


def map_in_processes(fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R] | None:
    """`fn` over `items` on `workers` processes, the results in item order; None when processes
    cannot run here (a sandbox, a process limit, a worker killed), and the caller does the work
    itself (where an error of `fn`'s own, not the processes', then shows).

    `items` is consumed as the processes take them (`AHEAD_PER_WORKER`), so it may be a generator
    that makes each item when it is needed. The processes are spawned, not forked: this process
    already runs polars' threads, which a fork would copy without their state. `fn` must be
    importable by its module's name.
    """
    todo = iter(items)
    ahead = max(workers, 1) * AHEAD_PER_WORKER
    results: list[R] = []
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            with _STARTING, _main_module_hidden():  # the processes start on the first submissions
                pending: deque[Future[R]] = deque(
                    pool.submit(fn, item) for item in itertools.islice(todo, ahead)
                )
            for item in todo:
                results.append(pending.popleft().result())
                pending.append(pool.submit(fn, item))
            return results + [future.result() for future in pending]
    except STARTUP_ERRORS:
        return None


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Spawned processes start without the caller's `__main__`.

    multiprocessing imports the parent's main script again in every spawned process, which runs
    a script without an `if __name__ == "__main__":` guard a second time there (a notebook or a
    script calling `dataqa.scan()`). The work here needs nothing from `__main__`: while the
    processes start, an empty module stands in for it, so they import nothing of the caller's.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
