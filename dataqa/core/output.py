"""Writing output files: atomically (temporary file, then rename), never over an input, and never by
renaming over anything but a regular file or a missing path.

A character device or FIFO the user names (`/dev/null`, a named pipe) is written straight into, and
`/dev/stdout` / `/dev/stderr` are this process's own streams; a directory, a socket or a block device
is refused. `check_outputs` applies every rule to all of a command's outputs before the scan starts,
so a bad output path is a one-line usage error instead of the end of minutes of work.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from dataqa.core.errors import OutputError

STREAMS = {
    "/dev/stdout": "stdout",
    "/dev/stderr": "stderr",
    "/dev/fd/1": "stdout",
    "/dev/fd/2": "stderr",
    "/proc/self/fd/1": "stdout",
    "/proc/self/fd/2": "stderr",
}
"""Paths that mean this process's standard streams: written through `sys.stdout` / `sys.stderr`, so
the report lands in order with what the command prints, wherever the stream is redirected."""

PathLike = str | os.PathLike[str]


def refuse_inputs(target: Path, inputs: Iterable[PathLike]) -> None:
    """Raise `OutputError` when `target` is (or links to) one of the input files."""
    for src in inputs:
        if not str(src):
            continue
        try:
            same = target.resolve() == Path(src).resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop resolves to nothing: not the target
            same = False
        with contextlib.suppress(OSError, ValueError):
            same = same or (target.exists() and os.path.samefile(target, src))
        if same:
            raise OutputError(f"{target}: refusing to write over an input file")


def _kind(target: Path) -> str:
    """What `target` is now, following links: missing, file, stream (character device or FIFO),
    directory or other (socket, block device)."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "missing"
    except ValueError as exc:  # a NUL byte in the path
        raise OutputError(f"{target!r}: invalid path ({exc})") from None
    except OSError as exc:  # a name too long, a symlink loop, a file where a folder should be
        if os.path.lexists(target) or exc.errno != errno.ENOTDIR:  # a missing path below a file
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        return "missing"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    return "directory" if stat.S_ISDIR(mode) else "other"


def _refuse_kind(target: Path, kind: str) -> None:
    if kind == "directory":
        raise OutputError(f"{target}: is a directory; give a file name")
    if kind == "other":
        raise OutputError(f"{target}: is not a regular file, character device or FIFO; refusing to write")


def _check_parent(target: Path, folder: Path) -> None:
    """The folder a new file goes into exists, is a folder and can be written in."""
    if not folder.exists():
        raise OutputError(f"{target}: folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{target}: cannot write in folder {folder} (permission denied)")


def _check_output_folder(folder: Path) -> None:
    """An `-o` folder: an existing writable folder, or a missing one whose nearest existing ancestor
    is a writable folder (the command creates it, with its missing parents)."""
    kind = _kind(folder)
    if kind == "missing":
        ancestor = folder.absolute().parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise OutputError(f"{folder}: cannot create the output folder: {ancestor} is not a folder")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"{folder}: cannot create the output folder in {ancestor} (permission denied)")
        return
    if kind != "directory":
        raise OutputError(f"{folder}: the output folder exists and is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: cannot write in the output folder (permission denied)")


def check_outputs(
    outputs: Iterable[PathLike | None], inputs: Iterable[PathLike | None] = (), folder: PathLike | None = None
) -> None:
    """Raise `OutputError` (one line) for the first of a command's outputs that must not or cannot be
    written: an input, a directory, a socket or block device, a missing or unwritable parent folder,
    or a file named twice. None and "-" (standard output) are skipped; `folder` is an output folder
    the command creates when missing (`-o`), in which the outputs may go. Called before the scan."""
    given_inputs = [i for i in inputs if i]
    made = None
    if folder is not None:
        made = Path(folder)
        _check_output_folder(made)
        made = Path(os.path.realpath(made))
    seen: dict[str, str] = {}
    for out in outputs:
        if not out or str(out) == "-" or str(out) in STREAMS:
            continue
        target = Path(out)
        refuse_inputs(target, given_inputs)
        kind = _kind(target)
        _refuse_kind(target, kind)
        if kind == "stream":
            continue  # written straight into; two outputs may well share /dev/null
        real = os.path.realpath(target)
        if made is not None and real == str(made):
            raise OutputError(f"{target}: is the output folder; give another file name")
        if real in seen:
            raise OutputError(f"{target}: the same file as another output ({seen[real]})")
        seen[real] = str(target)
        parent = Path(real).parent
        if made is not None and (parent == made or made in parent.parents):
            continue  # inside the output folder, checked above
        _check_parent(target, parent)


class _Guarded:
    """A binary file whose write errors (a full disk, a closed pipe) are `OutputError`s naming it."""

    def __init__(self, fh: IO[bytes], target: Path) -> None:
        self._fh, self._target = fh, target

    def write(self, data: bytes) -> int:
        try:
            return self._fh.write(data)
        except OSError as exc:
            raise _write_error(self._target, exc) from None


def _write_error(target: Path, exc: OSError) -> OutputError:
    return OutputError(f"{target}: cannot write ({exc.strerror or exc})")


@contextlib.contextmanager
def atomic_writer(path: PathLike, inputs: Iterable[PathLike] = ()) -> Iterator[IO[bytes]]:
    """Open `path` for binary writing: a temporary file beside it, renamed over it on success.

    Refuses when `path` is one of `inputs` (same file after resolving links), so an output can
    never replace the data it describes; on any error the temporary file is removed. A symlink
    to a file keeps pointing at it (the file it names is replaced). A character device or FIFO is
    written straight into, `/dev/stdout` and `/dev/stderr` are this process's streams, and a
    directory or any other kind of file is refused: nothing but a file is ever renamed over.
    """
    target = Path(path)
    if str(target) in STREAMS:
        stream = getattr(sys, STREAMS[str(target)])
        stream.flush()
        out = getattr(stream, "buffer", None)
        if out is None:  # a text-only stream (an embedding host's): encode on the way
            out = _TextSink(stream)
        yield _Guarded(out, target)  # type: ignore[misc]
        try:
            stream.flush()
        except OSError as exc:
            raise _write_error(target, exc) from None
        return
    refuse_inputs(target, inputs)
    kind = _kind(target)
    _refuse_kind(target, kind)
    if kind == "stream":
        try:
            fh = open(target, "wb")  # noqa: SIM115 - closed below, its errors named
        except OSError as exc:
            raise _write_error(target, exc) from None
        try:
            yield _Guarded(fh, target)  # type: ignore[misc]
        finally:
            try:
                fh.close()
            except OSError as exc:
                raise _write_error(target, exc) from None
        return
    real = Path(os.path.realpath(target))
    folder = real.parent
    if not folder.is_dir():
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield _Guarded(fh, target)  # type: ignore[misc]
            try:
                fh.flush()
            except OSError as exc:
                raise _write_error(target, exc) from None
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        if _kind(real) not in ("missing", "file"):  # it changed into something else meanwhile
            _refuse_kind(target, _kind(real))
            raise OutputError(f"{target}: is no longer a regular file; refusing to replace it")
        try:
            os.replace(tmp, real)
        except OSError as exc:
            raise _write_error(target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _TextSink:
    """Bytes written to a text stream that has no binary buffer (decoded as UTF-8)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        self._stream.write(data.decode("utf-8", errors="replace"))
        return len(data)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: PathLike, text: str, inputs: Iterable[PathLike] = ()) -> None:
    """Write `text` (UTF-8) to `path` atomically, refusing to overwrite an input (see `atomic_writer`)."""
    with atomic_writer(path, inputs) as fh:
        fh.write(text.encode("utf-8"))
