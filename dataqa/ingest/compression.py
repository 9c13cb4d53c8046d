"""Open a possibly compressed file as one stream of its bytes: gzip, zstd, bzip2 or xz, by magic bytes.

A file is recognised by its first bytes, whatever it is called (a `.jsonl` that is really gzip is
read as gzip). Every stream here reports damage the same way: a truncated or corrupt stream raises
`EOFError` or `OSError` once the bytes before the damage have been returned, so a reader keeps
what was readable and names where it stopped. zstd needs the `zstandard` package (a dependency);
the others are in the standard library.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
from pathlib import Path
from typing import IO

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"

_RAW_CHUNK = 1 << 20


def compression_of(head: bytes) -> str | None:
    """The compression a file's first bytes announce ("gzip", "zstd", "bzip2", "xz"), or None."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(BZIP2_MAGIC) and head[3:4].isdigit():
        return "bzip2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def file_compression(path: Path) -> str | None:
    """The compression of the file at `path` by its magic bytes, or None for a plain file."""
    with open(path, "rb") as fh:
        return compression_of(fh.read(6))


class _Stream(io.RawIOBase):
    """A read-only stream of decompressed bytes over `_source`: a subclass supplies `read1`, and
    reading, reading into a buffer and closing are the same for every codec."""

    _source: IO[bytes]

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        raise NotImplementedError

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read1(_RAW_CHUNK), b""))
        return self.read1(size)

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            super().close()


class _Translating(_Stream):
    """A decompressing stream whose errors are `EOFError`/`OSError` (lzma and bz2 raise others)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._source = inner

    def read1(self, size: int = -1) -> bytes:
        try:
            return self._source.read1(size if size > 0 else _RAW_CHUNK)  # type: ignore[attr-defined]
        except (EOFError, OSError):
            raise
        except Exception as exc:  # lzma.LZMAError, ValueError from a corrupt stream
            raise OSError(f"corrupt compressed data ({exc})") from exc


class _ZstdStream(_Stream):
    """zstd frames one after another, decompressed chunk by chunk; a truncated last frame raises
    `EOFError` (the `zstandard` stream reader would end silently and lose the damage)."""

    def __init__(self, path: Path) -> None:
        import zstandard

        self._zstd = zstandard
        self._source = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._in_frame = False
        self._pending = b""
        self._done = False

    def _feed(self, raw: bytes) -> bytes:
        out = []
        while raw:
            self._in_frame = True
            try:
                out.append(self._obj.decompress(raw))
            except self._zstd.ZstdError as exc:
                raise OSError(f"corrupt zstd data ({exc})") from exc
            if not self._obj.eof:
                break
            self._in_frame = False
            raw = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
        return b"".join(out)

    def read1(self, size: int = -1) -> bytes:
        while not self._pending and not self._done:
            raw = self._source.read(_RAW_CHUNK)
            if not raw:
                self._done = True
                if self._in_frame:
                    raise EOFError("zstd stream ends before its frame is complete (truncated file?)")
                break
            self._pending = self._feed(raw)
        limit = size if size and size > 0 else len(self._pending)
        data, self._pending = self._pending[:limit], self._pending[limit:]
        return data


def open_compressed(path: Path, kind: str) -> IO[bytes]:
    """A stream of the decompressed bytes of `path`, compressed as `kind` (see `compression_of`)."""
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zstd":
        return _ZstdStream(path)  # type: ignore[return-value]
    if kind == "bzip2":
        return _Translating(bz2.open(path, "rb"))  # type: ignore[return-value]
    if kind == "xz":
        return _Translating(lzma.open(path, "rb"))  # type: ignore[return-value]
    raise ValueError(f"unknown compression {kind!r}")


def open_stream(path: Path) -> IO[bytes]:
    """Open `path` for reading, decompressing it when its magic bytes name a compression."""
    fh = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    try:
        kind = compression_of(fh.read(6))
        fh.seek(0)
    except OSError:
        fh.close()
        raise
    if kind is None:
        return fh
    fh.close()  # a decompressor over a file object would leave it open on close: open by path
    return open_compressed(path, kind)
