"""Tables read as records: Parquet and Arrow IPC files, and in-memory polars/pandas frames, Hugging
Face `datasets` objects and lists of dicts.

A record's position is its 0-based row. Tables are turned into records a batch of rows at a time:
a polars batch through its own JSON writer and orjson (several times faster than `to_dicts` on
nested columns), other objects value by value. A table has a fixed schema, so a field a record
lacks is stored as null: null fields are dropped, so that a record reads as it would in JSONL
(`{"input": null}` would otherwise be a "wrong type" on every row of a column that is mostly
empty). Values JSON has no type for (bytes, dates, decimals) become strings.

pandas and datasets are imported by their objects' owners, never here: an object is recognised by
its type's module name.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from dataqa.ingest.damage import array_record, check_mapping
from dataqa.ingest.issues import FILE_LEVEL, LoadIssue, excerpt

BATCH_ROWS = 20_000
"""Rows turned into Python records at once: bounds the Python objects alive at a time."""

_JSON_NATIVE = (
    pl.String,
    pl.Boolean,
    pl.Null,
    pl.Int8,
    pl.Int16,
    pl.Int32,
    pl.Int64,
    pl.UInt8,
    pl.UInt16,
    pl.UInt32,
    pl.UInt64,
    pl.Float32,
    pl.Float64,
)


def _native(dtype: pl.DataType) -> bool:
    """Whether polars' JSON writer writes `dtype` as the JSON a JSONL file would hold."""
    if isinstance(dtype, pl.List | pl.Array):
        return _native(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return all(_native(f.dtype) for f in dtype.fields)
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return True
    return any(dtype == native for native in _JSON_NATIVE)


def without_nulls(value: Any) -> Any:
    """`value` with every null-valued key of every object in it dropped (recursively)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def jsonable(value: Any) -> Any:
    """`value` as JSON types: nulls dropped from objects, NaN as null, bytes, dates, decimals and
    numpy values as their JSON counterparts, anything else as a short string naming its type."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            v = jsonable(v)
            if v is not None:
                out[str(k)] = v
        return out
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(raw).decode("ascii")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else None
    module = type(value).__module__.split(".")[0]
    if module in ("numpy", "pandas"):
        if hasattr(value, "tolist"):  # numpy arrays and scalars
            return jsonable(value.tolist())
        if hasattr(value, "isoformat"):  # pandas.Timestamp
            return None if str(value) == "NaT" else value.isoformat()
        if str(value) in ("NaT", "<NA>", "nan"):
            return None
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        try:
            return [jsonable(v) for v in value]
        except TypeError:
            pass
    return f"<{type(value).__name__}>"


def frame_records(frame: pl.DataFrame, first_row: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) for every row of a polars frame, `first_row` being the first one's number."""
    row = first_row
    native = all(_native(dtype) for dtype in frame.schema.values())
    for batch in frame.iter_slices(BATCH_ROWS):
        if native:
            yield from _ndjson_records(_ndjson(batch), row)
        else:
            for offset, obj in enumerate(batch.to_dicts()):
                yield row + offset, jsonable(obj)
        row += batch.height


def _ndjson(frame: pl.DataFrame) -> bytes:
    text = frame.write_ndjson()
    return text.encode() if isinstance(text, str) else text


def _ndjson_records(data: bytes, first_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) for the lines polars' JSON writer wrote, null fields dropped."""
    for row, line in enumerate(data.splitlines(), start=first_row):
        obj = orjson.loads(line)
        yield row, without_nulls(obj) if b"null" in line else obj


@dataclass(frozen=True)
class Rows:
    """A table's rows as bytes for another process, holding exactly these rows: a pickled slice
    carries the whole buffers it views (a 3,000-row slice of 50,000 decoded chat rows pickles to
    62 MB). Tables whose columns JSON can hold go as polars' JSON lines, which `frame_records`
    writes anyway (3,000 chat rows: 4 MB in 9 ms); others as an Arrow IPC stream at the oldest
    compatibility level, whose strings are not views (4 MB in 23 ms)."""

    data: bytes
    ndjson: bool

    @classmethod
    def of(cls, frame: pl.DataFrame) -> Rows:
        if all(_native(dtype) for dtype in frame.schema.values()):
            return cls(_ndjson(frame), True)
        out = io.BytesIO()
        frame.write_ipc_stream(out, compat_level=pl.CompatLevel.oldest())
        return cls(out.getvalue(), False)

    def records(self, first_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row, record) for each row, `first_row` being the first one's number."""
        if self.ndjson:
            return _ndjson_records(self.data, first_row)
        return frame_records(pl.read_ipc_stream(io.BytesIO(self.data)), first_row)


def _failure(kind: str, exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"not a readable {kind} file ({type(exc).__name__}: {text})"


def table_rows(path: Path, kind: str) -> int:
    """The number of rows of a Parquet or Arrow IPC (file format) file, from its metadata."""
    lazy = pl.scan_parquet(path) if kind == "parquet" else pl.scan_ipc(path)
    return int(lazy.select(pl.len()).collect().item())


def table_rows_at(path: Path, kind: str, start: int, stop: int) -> pl.DataFrame:
    """Rows [start, stop) of a Parquet or Arrow IPC (file format) file, decoded; raises what polars
    raises for a damaged file."""
    lazy = pl.scan_parquet(path) if kind == "parquet" else pl.scan_ipc(path)
    return lazy.slice(start, stop - start).collect()


FIRST_ROWS = 2_000
"""Rows decoded first, on their own: the format guess reads only these (a whole table decoded to
look at its first records would cost the file's size in memory)."""

PIECE_ROWS = 50_000
"""Rows decoded at once after the first ones, and the row ranges a table read on several processes
is decoded in, once, by the reading process (`Input.jobs`), which hands them out in pieces of
about 4 MiB: a table is never decoded whole. Decoding 50k-row slices of ~80k-row row groups costs
~1.4x decoding them whole (~1 s of CPU at 1M chat rows); 20k-row slices cost 2.8x and hold no
less memory (polars decodes most of each row group under a slice; benchmarks/inputs.md)."""


def _pieces(start: int, stop: int | None) -> Iterator[tuple[int, int]]:
    """The row ranges [a, b) a table's rows [start, stop) are decoded in (stop None: on to the end,
    which the caller finds as a range that comes back short)."""
    first = start
    while stop is None or first < stop:
        size = FIRST_ROWS if first == 0 else PIECE_ROWS
        last = first + size if stop is None else min(first + size, stop)
        yield first, last
        first = last


def read_table_file(
    path: Path,
    kind: str,
    issues: list[LoadIssue],
    start: int = 0,
    stop: int | None = None,
    stream: bool = False,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) for rows [start, stop) of a Parquet or Arrow IPC file; a file that cannot be
    read (damaged, truncated, not that format) becomes one issue on the row where reading failed."""
    name = "Parquet" if kind == "parquet" else "Arrow IPC"
    whole: pl.DataFrame | None = None
    for first, last in _pieces(start, stop):
        try:
            if stream:  # the stream format has no index to seek by: read once, sliced
                whole = pl.read_ipc_stream(path) if whole is None else whole
                frame = whole.slice(first, last - first)
            else:
                frame = table_rows_at(path, kind, first, last)
        except Exception as exc:  # polars raises many kinds for a damaged file; none may escape
            issues.append(LoadIssue(first + 1, FILE_LEVEL, _failure(name, exc)))
            return
        if frame.width == 0 and first == 0:
            issues.append(
                LoadIssue(1, FILE_LEVEL, f"{name} file has no columns: there are no records to check")
            )
            return
        yield from frame_records(frame, first)
        short = frame.height < last - first
        del frame
        if short:
            return


def mapping_records(rows: Iterable[Any], issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, record) for an in-memory sequence of records: a list of dicts (or of lists or tuples,
    records by position: `records.ArrayRecord`), a `datasets.Dataset`."""
    for index, item in enumerate(rows):
        if isinstance(item, list | tuple) and item:  # a record by position: ("Hi", "greeting")
            items = jsonable(list(item))
            if check_mapping({"items": items}, index + 1, issues):
                yield index, array_record(items, excerpt(orjson.dumps(items, default=repr)))
            continue
        if not isinstance(item, Mapping):
            issues.append(
                LoadIssue(
                    index + 1,
                    "not_object",
                    f"item {index} is a {type(item).__name__}, where a record (a dict) was expected",
                    dropped=True,
                )
            )
            continue
        obj = jsonable(item)
        if check_mapping(obj, index + 1, issues):
            yield index, obj


def pandas_records(frame: Any, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row position, record) for a pandas DataFrame, a slice of rows at a time."""
    for begin in range(0, len(frame), BATCH_ROWS):
        chunk = frame.iloc[begin : begin + BATCH_ROWS]
        for offset, item in enumerate(chunk.to_dict(orient="records")):
            obj = jsonable(item)
            if check_mapping(obj, begin + offset + 1, issues):
                yield begin + offset, obj


def dataset_records(dataset: Any, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) for a Hugging Face `datasets.Dataset` (or IterableDataset), in batches."""
    batches = getattr(dataset, "iter", None)
    if batches is None:
        yield from mapping_records(dataset, issues)
        return
    row = 0
    for batch in batches(batch_size=BATCH_ROWS):
        names = list(batch)
        for values in zip(*(batch[n] for n in names), strict=True):
            obj = jsonable(dict(zip(names, values, strict=True)))
            if check_mapping(obj, row + 1, issues):
                yield row, obj
            row += 1


def memory_kind(obj: Any) -> str | None:
    """'polars', 'pandas', 'datasets', 'records' (a list of dicts) for an in-memory table, else None.
    pandas and datasets objects are recognised by their type's module, never imported here."""
    module = type(obj).__module__.split(".")[0]
    name = type(obj).__name__
    if module == "polars" and name == "DataFrame":
        return "polars"
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "datasets" and name in ("Dataset", "IterableDataset"):
        return "datasets"
    if isinstance(obj, list | tuple) and (not obj or not isinstance(obj[0], str | os.PathLike)):
        return "records"
    return None


def memory_records(obj: Any, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, record) of an in-memory object (`memory_kind` said which it is)."""
    what = memory_kind(obj)
    if what == "polars":
        yield from frame_records(obj)
    elif what == "pandas":
        yield from pandas_records(obj, issues)
    elif what == "datasets":
        yield from dataset_records(obj, issues)
    else:
        yield from mapping_records(obj, issues)
