"""Process-resource policy for a scan: cores, the cycle collector, native thread pools, the allocator.

One leaf module so that the engine, the commands and the benchmarks share one policy.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator

from threadpoolctl import threadpool_limits


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration; reference counting still frees the rest.

    A scan builds millions of objects that live to its end and makes almost no reference cycles
    (1,127 unreachable objects after a 100k-row scan), yet every automatic collection walks them
    all: a 100k-row scan took 38 s with the collector on and 32-34 s with it off. Nested uses
    leave it off until the outermost one ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def native_threads_limited() -> Iterator[None]:
    """BLAS and OpenMP on one thread for the duration (the scan's policy; benchmarks reuse it).

    threadpoolctl only limits libraries already loaded, and scipy ships its own OpenBLAS beside
    numpy's; scikit-learn's OpenMP runtime comes with its compiled estimators: load them first.
    """
    import scipy.linalg
    import scipy.sparse.linalg  # noqa: F401
    import sklearn.cluster
    import sklearn.linear_model  # noqa: F401

    with threadpool_limits(limits=1):
        yield


MALLOC_MMAP_THRESHOLD = 256 * 1024
"""Blocks from this size up are mapped on their own and given back to the system when freed."""
MALLOC_TUNED_FROM = 256 * 2**20
"""Input bytes from which a scan's process tunes its allocator (`tune_malloc`)."""


def tune_malloc(
    paths: Iterable[str | os.PathLike[str]],
    size_of: Callable[[str | os.PathLike[str]], int] = os.path.getsize,
) -> dict[str, int]:
    """Set glibc's allocator for a command about to scan `paths`; returns the settings it changed.

    A scan allocates and frees large arrays on several threads. By default glibc raises its mmap
    threshold after each large free (up to 32 MiB), so later arrays come from the heap, and it
    keeps up to 8 arenas per core; both keep freed memory resident. With a fixed 256 KiB threshold
    and one arena per core a 300k-row scan peaked at 2.5 GB instead of 2.9-3.1 GB, a 1M-row scan
    at 7.1 GB instead of 8.3 GB (`benchmarks/scan.md`). The price is page faults, about 10 % more
    CPU: inputs under `MALLOC_TUNED_FROM` bytes (a pre-commit run on a 100k-row file) keep the
    defaults, as they need the speed more than the memory. Only the commands do this, as they own
    their process: `dataqa.scan()` leaves its host's allocator alone. A setting given in the
    environment (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`) wins; other C libraries (musl,
    macOS) are left alone. `size_of` says how many bytes of data a path holds (the commands count a
    compressed or Parquet file at what it expands to, `sniff.data_bytes`, so that it is tuned as the
    same rows in JSONL are).
    """
    import ctypes

    if not sys.platform.startswith("linux"):
        return {}
    size = 0
    for path in paths:
        with contextlib.suppress(OSError):
            size += size_of(path)
    if size < MALLOC_TUNED_FROM:
        return {}
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return {}
    wanted = {
        "MALLOC_MMAP_THRESHOLD_": (-3, MALLOC_MMAP_THRESHOLD),  # M_MMAP_THRESHOLD
        "MALLOC_ARENA_MAX": (-8, max(2, available_cores())),  # M_ARENA_MAX
    }
    changed = {}
    for variable, (param, value) in wanted.items():
        if variable not in os.environ and mallopt(param, value) == 1:
            changed[variable] = value
    return changed


@contextlib.contextmanager
def library_warnings_silenced() -> Iterator[None]:
    """Ignore RuntimeWarnings for the scan: numpy's and scikit-learn's "divide by zero encountered
    in matmul" or "invalid value" come from degenerate inputs the checks already handle (an empty
    TF-IDF row, a constant column), name site-packages lines the user can do nothing about, and
    used to reach stderr as four-line blocks. What a user can act on is a finding, never a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
