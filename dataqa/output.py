"""Writing output files: atomically (temporary file, then rename), and never over an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """An output path that must not or cannot be written (exit code 2)."""


def write_atomic(
    path: str | os.PathLike[str], text: str, inputs: Iterable[str | os.PathLike[str]] = ()
) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename.

    Refuses when `path` is one of `inputs` (same file after resolving links), so a report can never
    replace the data it describes.
    """
    target = Path(path)
    for src in inputs:
        try:
            if target.exists() and os.path.samefile(target, src):
                raise OutputError(f"{target}: refusing to write a report over an input file")
        except FileNotFoundError:
            continue
        if target.resolve() == Path(src).resolve():
            raise OutputError(f"{target}: refusing to write a report over an input file")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
