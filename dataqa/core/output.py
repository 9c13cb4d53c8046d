"""Writing output files: atomically (temporary file, then rename), and never over an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from dataqa.core.errors import OutputError


def refuse_inputs(target: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise `OutputError` when `target` is (or links to) one of the input files."""
    for src in inputs:
        try:
            same = target.resolve() == Path(src).resolve()
        except (OSError, RuntimeError):  # a symlink loop resolves to nothing: it cannot be the target
            same = False
        with contextlib.suppress(OSError):
            same = same or (target.exists() and os.path.samefile(target, src))
        if same:
            raise OutputError(f"{target}: refusing to write over an input file")


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Iterator[IO[bytes]]:
    """Open a temporary file beside `path` for binary writing; rename it over `path` on success.

    Refuses when `path` is one of `inputs` (same file after resolving links), so an output can
    never replace the data it describes; on any error the temporary file is removed.
    """
    target = Path(path)
    refuse_inputs(target, inputs)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(
    path: str | os.PathLike[str], text: str, inputs: Iterable[str | os.PathLike[str]] = ()
) -> None:
    """Write `text` (UTF-8) to `path` atomically, refusing to overwrite an input (see `atomic_writer`)."""
    with atomic_writer(path, inputs) as fh:
        fh.write(text.encode("utf-8"))
