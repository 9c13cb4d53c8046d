"""Frames a shuffle moves, packed as zstd-compressed Arrow IPC bytes.

The texts a shuffle cuts into parts go through Ray's object store, and past its size to disk (at
5M templated chat rows, DUP003's verification spilled 36 GB of texts and filled the disk). A frame
of prompts and answers packs to about a fifth of its pickled size and unpacks at hundreds of MB a
second, so a part is packed where it is made and unpacked where it is read.
"""

from __future__ import annotations

import io

import polars as pl

COMPRESSION = "zstd"
"""Arrow IPC's zstd: about 5x on prompts and answers (lz4 about 1.7x), as fast to read back."""


def pack(frame: pl.DataFrame) -> bytes:
    """`frame` as compressed Arrow IPC bytes (`unpack` reads them back)."""
    out = io.BytesIO()
    frame.write_ipc(out, compression=COMPRESSION)
    return out.getvalue()


def unpack(packed: bytes | pl.DataFrame) -> pl.DataFrame:
    """The frame `pack` made (a frame given as is passes through)."""
    return packed if isinstance(packed, pl.DataFrame) else pl.read_ipc(io.BytesIO(packed))


def kept(frame: pl.DataFrame, rows: pl.Expr) -> pl.DataFrame:
    """The `rows` of `frame`, owning their bytes. Polars' filter keeps a string column's views into
    the whole frame's buffers: 100 rows kept of an unpacked part of 8,000 held all 8,000 texts, and a
    driver that kept a few rows of each of a split's parts held every part (2-3.5 GB at 5M rows).
    Arrow's plain strings copy the kept rows' bytes alone."""
    cut = frame.filter(rows)
    return pl.DataFrame(pl.from_arrow(cut.to_arrow(compat_level=pl.CompatLevel.oldest())))
