"""What a data file is, by its first bytes, and what its name says it is.

The content decides how a file is read; the name only decides whether to say that it lies. A JSON
array, a CSV table or a Parquet file saved as `.jsonl` is read as what it is, with one finding
that names it and the fix, instead of one "invalid JSON" per line.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import orjson

from dataqa.ingest.compression import compression_of, open_stream
from dataqa.ingest.load import MAX_LINE_BYTES
from dataqa.ingest.readers import conll

JSONL, JSON, CSV, TSV, PARQUET, ARROW, TEXT = "jsonl", "json", "csv", "tsv", "parquet", "arrow", "text"

KIND_NAMES = {
    JSONL: "JSON Lines (one JSON record per line)",
    JSON: "a JSON document (an array of records, or an object holding one)",
    CSV: "CSV text with a header",
    TSV: "tab-separated text with a header",
    PARQUET: "a Parquet file",
    ARROW: "an Arrow IPC file",
    TEXT: "plain text (one record per line)",
}

SUFFIXES = {
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".jsonlines": JSONL,
    ".json": JSON,
    ".csv": CSV,
    ".tsv": TSV,
    ".tab": TSV,
    ".parquet": PARQUET,
    ".pq": PARQUET,
    ".arrow": ARROW,
    ".ipc": ARROW,
    ".feather": ARROW,
    ".txt": TEXT,
}
"""File name endings and the kind they promise (after any compression ending)."""

COMPRESSION_SUFFIXES = (".gz", ".gzip", ".zst", ".zstd", ".bz2", ".xz")

PARQUET_MAGIC = b"PAR1"
ARROW_FILE_MAGIC = b"ARROW1"
ARROW_STREAM_MAGIC = b"\xff\xff\xff\xff"

_HEAD_BYTES = 64 * 1024
_HEAD_CAP = MAX_LINE_BYTES + _HEAD_BYTES
"""A first line longer than the JSONL reader keeps (16 MiB) is not read on for sniffing either."""
_CSV_PROBE_LINES = 20


DATA_EXPANSION = 4
"""How many bytes of records one byte of a compressed or Parquet file holds, roughly: the 1M-row
chat set of `benchmarks/inputs.md` is 1,415 MB of JSONL and 317 MB of Parquet (4.5x); gzip and
zstd text shrink 3-6x."""


def data_bytes(path: str | os.PathLike[str]) -> int:
    """Roughly the bytes of records the file at `path` holds: its size, or `DATA_EXPANSION` times it
    for a compressed or Parquet file (what a scan's memory grows with)."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        return 0  # a FIFO or device is never opened here: opening a FIFO waits for a writer
    size = status.st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
    packed = head.startswith(PARQUET_MAGIC) or compression_of(head) is not None
    return size * DATA_EXPANSION if packed else size


def named_kind(path: Path | str) -> str | None:
    """The kind a file's name promises (`train.jsonl.zst` -> jsonl), or None for another name."""
    name = Path(path).name.lower()
    for ending in COMPRESSION_SUFFIXES:
        if name.endswith(ending):
            name = name[: -len(ending)]
            break
    return SUFFIXES.get(Path(name).suffix)


@dataclass(frozen=True)
class Sniffed:
    """What a file is: its kind, and the one-line warning when its name says something else."""

    kind: str
    compression: str | None
    mismatch: str | None = None
    """A sentence naming what the file is, what its name says and how to fix it, or None."""
    arrow_stream: bool = False


def sniff_file(path: Path) -> Sniffed:
    """The kind of the data file at `path` from its content (its name breaks ties)."""
    named = named_kind(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(8)
    except OSError:
        return Sniffed(named or JSONL, None)
    compression = compression_of(raw)
    if compression is None and raw.startswith(PARQUET_MAGIC):
        return _decided(path, PARQUET, None, named)
    if compression is None and (raw.startswith(ARROW_FILE_MAGIC) or raw.startswith(ARROW_STREAM_MAGIC)):
        return _decided(path, ARROW, None, named, arrow_stream=raw.startswith(ARROW_STREAM_MAGIC))
    if named in (PARQUET, ARROW) and compression is None:
        return Sniffed(named, None)  # not its magic: the reader reports it as damaged
    head = file_head(path)
    kind = _text_kind(head, named)
    return _decided(path, kind, compression, named)


def file_head(path: Path) -> bytes:
    """The file's first bytes (decompressed): 64 KiB, or on to the end of the first line when it is
    longer (up to `_HEAD_CAP`), so a long first JSONL record is parsed whole, not taken for the
    start of a pretty-printed document."""
    try:
        with open_stream(path) as fh:
            head = bytearray(fh.read(_HEAD_BYTES))
            while len(head) < _HEAD_CAP and _first_line_open(head):
                chunk = fh.read(_HEAD_BYTES)
                if not chunk:
                    break
                head += chunk
            return bytes(head)
    except (EOFError, OSError):
        return b""


def _first_line_open(head: bytearray) -> bool:
    """Whether the first line that is not blank has begun in `head` and not yet ended."""
    start = next((i for i, byte in enumerate(head[:4096]) if byte not in b" \t\r\n\xef\xbb\xbf"), None)
    return start is not None and head.find(b"\n", start) < 0


def _decided(
    path: Path, kind: str, compression: str | None, named: str | None, arrow_stream: bool = False
) -> Sniffed:
    mismatch = None
    if named is not None and named != kind and (named, kind) not in ((JSON, JSONL), (TEXT, TSV)):
        # A `.json` holding JSON Lines is common and every JSON loader reads it, and `.txt` names
        # tab-separated tables as often as prose: not worth a word.
        fix = _FIXES.get(kind, "")
        mismatch = (
            f"{Path(path).name} is {KIND_NAMES[kind]}, not {KIND_NAMES[named]} as its name says; "
            f"it was read as {kind.upper() if kind in (CSV, TSV) else KIND_NAMES[kind].split(' (')[0]}"
            f"{fix}"
        )
    return Sniffed(kind, compression, mismatch, arrow_stream)


_FIXES = {
    JSON: ": rename it to .json, or write JSON Lines with `dataqa clean` (JSONL tools refuse it)",
    JSONL: ": rename it to .jsonl",
    CSV: ": rename it to .csv, or write JSON Lines with `dataqa clean`",
    TSV: ": rename it to .tsv, or write JSON Lines with `dataqa clean`",
    TEXT: "",
    PARQUET: ": rename it to .parquet, or write JSON Lines with `dataqa clean`",
    ARROW: ": rename it to .arrow, or write JSON Lines with `dataqa clean`",
}


def _text_kind(head: bytes, named: str | None) -> str:
    """JSONL, JSON or CSV/TSV for a text file's first bytes; JSONL when unsure (its reader names
    binary and badly encoded files)."""
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip(b" \t\r\n")
    if not stripped:
        return named if named in (JSON, CSV, TSV) else JSONL
    first_line, _, rest = stripped.partition(b"\n")
    more = bool(rest.strip())
    complete = _parses(first_line)
    if stripped[:1] == b"[":
        if complete and more:
            return JSONL  # one array per line: the JSONL reader says each is not an object
        return JSON
    if stripped[:1] == b"{":
        if complete:
            if not more and named == JSON:
                return JSON  # one object, on one line, in a .json: a document
            return JSONL
        if first_line.strip() == b"{" or named == JSON:
            return JSON  # a pretty-printed document
        return JSONL  # a JSONL file whose first line is broken
    if named in (None, TEXT) and conll.is_conll(text):
        return TEXT  # token lines, tab-separated or not: a sentence a record (`conll`)
    if named == TEXT:
        return _tab_table(text) or TEXT
    if named in (CSV, TSV):
        return named
    return _table_kind(text) or (TEXT if named is None and _prose(text) else JSONL)


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _tab_table(text: bytes) -> str | None:
    """TSV for a `.txt` whose first lines all hold the same number of tabs (MRPC's
    msr_paraphrase_train.txt, `label<TAB>text` spam and sentiment sets); prose rarely has one."""
    lines = [line for line in _sample(text).splitlines()[:_CSV_PROBE_LINES] if line.strip()]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line of the head may be cut
    counts = {line.count("\t") for line in lines}
    return TSV if len(lines) >= 2 and len(counts) == 1 and counts != {0} else None


def _prose(text: bytes) -> bool:
    """Whether a head that is not JSON is UTF-8 text without NUL bytes and with no line that opens a
    JSON object or array in its first lines (fastText's `train.ft`, an extensionless `LABEL text`
    file): read line by line; anything else goes to the JSONL reader, which names binary and badly
    encoded files and a JSONL file whose first line is damaged."""
    head = _sample(text)
    if (
        len(head.encode("utf-8")) < len(text) - 3
    ):  # a byte that is not UTF-8, not just a character cut at the end
        return False
    lines = [line.lstrip() for line in head.splitlines()[:_CSV_PROBE_LINES] if line.strip()]
    return "\x00" not in head and not any(line[:1] in ("{", "[") for line in lines)


def _sample(text: bytes) -> str:
    """The head as text, up to its first byte that is not UTF-8."""
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        return text[: exc.start].decode("utf-8")


def _table_kind(text: bytes) -> str | None:
    """CSV or TSV when the first lines read as a table with a header of two or more names."""
    lines = _sample(text).splitlines()[:_CSV_PROBE_LINES]
    if len(lines) < 2:
        return None
    for kind, delimiter in ((TSV, "\t"), (CSV, ",")):
        if delimiter not in lines[0]:
            continue
        rows = list(
            csv.reader(io.StringIO("\n".join(lines[:-1] if len(lines) > 2 else lines)), delimiter=delimiter)
        )
        header = rows[0] if rows else []
        if len(header) < 2 or any(not name.strip() or len(name) > 100 for name in header):
            continue
        body = rows[1:]
        if body and sum(len(row) == len(header) for row in body) >= 0.8 * len(body):
            return kind
    return None
