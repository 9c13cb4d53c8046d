"""Random hostile input files for the soak benchmark (issue #21): one seeded draw per scan.

Each kind is damage real uploads and careless users produce: compressed streams cut at any byte,
binary and random bytes under a data file's name, UTF-16, lines over the line limit, blank-line
bombs (within the line limit), ragged CSV, JSON arrays cut mid-record, truncated Parquet and Arrow,
and JSON Lines with damage on random lines. `random_file(rng, folder)` writes one and returns its path.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import random
from collections.abc import Callable
from pathlib import Path

import polars as pl
import zstandard

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MiB = 2**20


def good_lines(count: int = 400) -> list[bytes]:
    """Clean chat records from the sample data, the raw material the damage is done to."""
    return (SAMPLE / "train.jsonl").read_bytes().splitlines()[:count]


def _pick(rng: random.Random, lines: list[bytes], low: int = 1, high: int = 300) -> list[bytes]:
    return rng.sample(lines, rng.randint(low, min(high, len(lines))))


def _cut(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def truncated_stream(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """Good lines compressed (gzip, zstd, bzip2, xz) and cut at a random byte."""
    data = b"\n".join(_pick(rng, lines)) + b"\n"
    codec = rng.choice(["gz", "zst", "bz2", "xz"])
    packed = {
        "gz": lambda: gzip.compress(data, mtime=0),
        "zst": lambda: zstandard.ZstdCompressor().compress(data),
        "bz2": lambda: bz2.compress(data),
        "xz": lambda: lzma.compress(data),
    }[codec]()
    return f"jsonl.{codec}", _cut(rng, packed)


def binary(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """A binary file's header and random bytes under a data file's name."""
    head = rng.choice(
        [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"\x7fELF\x02\x01", b"PK\x03\x04", b"%PDF-1.7\n"]
    )
    return rng.choice(["jsonl", "json", "csv"]), head + rng.randbytes(rng.randint(0, 200_000))


def random_bytes(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """Random bytes, possibly with newlines, under any data suffix."""
    suffix = rng.choice(["jsonl", "json", "csv", "tsv", "parquet", "arrow", "jsonl.gz"])
    return suffix, rng.randbytes(rng.randint(0, 300_000))


def utf16(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """Good lines in UTF-16 (with or without BOM, either byte order)."""
    text = "\n".join(line.decode() for line in _pick(rng, lines)) + "\n"
    return rng.choice(["jsonl", "json"]), text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"]))


def huge_line(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """A line just over the 16 MiB line limit (not kept), or a 0.2-1 MiB record (kept, parsed)."""
    size = rng.randint(16 * MiB + 1, 18 * MiB) if rng.random() < 0.4 else rng.randint(MiB // 5, MiB)
    content = (b"lorem ipsum " * (size // 12 + 1))[:size]
    record = (
        b'{"messages": [{"role": "user", "content": "'
        + content
        + b'"}, {"role": "assistant", "content": "ok"}]}'
    )
    body = _pick(rng, lines, 1, 50)
    body.insert(rng.randrange(len(body) + 1), record)
    return "jsonl", b"\n".join(body) + b"\n"


def blank_bomb(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """Up to five million blank and whitespace lines around a few good ones, gzipped (a few KB)."""
    parts = []
    for line in _pick(rng, lines, 1, 20):
        parts.append(rng.choice([b"\n", b" \n", b"\t\n", b"\r\n"]) * rng.randint(0, 250_000))
        parts.append(line + b"\n")
    return "jsonl.gz", gzip.compress(b"".join(parts), compresslevel=1, mtime=0)


def ragged_csv(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """CSV or TSV with a varying number of fields, stray quotes, embedded newlines and NUL bytes."""
    sep = rng.choice([",", "\t", ";"])
    cells = ["hello", "world", '"quoted, cell"', '"open quote', "a\nb", "x\x00y", "", "42", "é"]
    rows = [sep.join(["text", "label"])]
    for _ in range(rng.randint(0, 2000)):
        rows.append(sep.join(rng.choice(cells) for _ in range(rng.randint(0, 6))))
    return ("tsv" if sep == "\t" else "csv"), "\n".join(rows).encode("utf-8", "surrogatepass")


def cut_json_array(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """A JSON array of records (or an object holding one) cut at a random byte."""
    records = [json.loads(line) for line in _pick(rng, lines)]
    document: object = records if rng.random() < 0.7 else {"data": records, "version": 1}
    return "json", _cut(rng, json.dumps(document, indent=rng.choice([None, 2])).encode())


def truncated_columnar(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """A Parquet or Arrow file of records, cut at a random byte or with random bytes overwritten."""
    frame = pl.DataFrame({"prompt": [f"question {i}" for i in range(rng.randint(1, 3000))]}).with_columns(
        completion=pl.lit("answer"), label=pl.lit("a")
    )
    buffer = io.BytesIO()
    suffix = rng.choice(["parquet", "arrow"])
    if suffix == "parquet":
        frame.write_parquet(buffer)
    else:
        frame.write_ipc(buffer)
    data = bytearray(buffer.getvalue())
    if rng.random() < 0.6:
        return suffix, _cut(rng, bytes(data))
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return suffix, bytes(data)


_LINE_DAMAGE: list[Callable[[random.Random, bytes], bytes]] = [
    lambda rng, g: g.replace(b"e", b"\x00", 1),
    lambda rng, g: g + b"\r",
    lambda rng, g: g.replace(b", ", b"\r", 1),
    lambda rng, g: b"\xef\xbb\xbf" + g,
    lambda rng, g: g.replace(b"order", "commandé".encode("latin-1")),
    lambda rng, g: g.replace(b"order", b"\\ud800"),
    lambda rng, g: g[:-1] + b', "messages": []}',
    lambda rng, g: b"[" * rng.randint(1, 200_000) + b"]" * rng.randint(0, 200_000),
    lambda rng, g: b'{"text": "x", "label": 1e999}',
    lambda rng, g: b'{"text": "y", "label": NaN}',
    lambda rng, g: _cut(rng, g),
    lambda rng, g: json.dumps(rng.choice([None, 1, "s", [1, {"a": "b"}], {"label": []}, True])).encode(),
    lambda rng, g: b'{"prompt": "p", "completion": "c"}',
    lambda rng, g: b'{"text": "t", "label": {"nested": [1, 2]}}',
    lambda rng, g: json.dumps({f"k{i}": i for i in range(rng.randint(1, 20_000))}).encode(),
    lambda rng, g: rng.randbytes(rng.randint(1, 200)),
    lambda rng, g: b" \t ",
]


def damaged_lines(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """JSON Lines with random damage on a random share of lines, and mixed line ends."""
    share = rng.random()
    body = [rng.choice(_LINE_DAMAGE)(rng, g) if rng.random() < share else g for g in _pick(rng, lines)]
    end = rng.choice([b"\n", b"\r\n", b"\r"])
    data = end.join(body) + rng.choice([end, b""])
    return rng.choice(["jsonl", "jsonl", "json", "txt"]), data


def nearly_empty(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """An empty file, a BOM alone, whitespace alone, or one good line without its newline."""
    data = rng.choice([b"", b"\xef\xbb\xbf", b"\n", b"   \n\t", b"\xff\xfe", lines[0]])
    return rng.choice(["jsonl", "json", "csv", "parquet", "jsonl.gz"]), data


def misnamed(rng: random.Random, lines: list[bytes]) -> tuple[str, bytes]:
    """Good JSON Lines under another format's name, or a gzip stream named .jsonl."""
    data = b"\n".join(_pick(rng, lines)) + b"\n"
    if rng.random() < 0.3:
        return "jsonl", gzip.compress(data, mtime=0)
    return rng.choice(["csv", "tsv", "parquet", "arrow", "json"]), data


KINDS: dict[str, Callable[[random.Random, list[bytes]], tuple[str, bytes]]] = {
    "truncated-stream": truncated_stream,
    "binary": binary,
    "random-bytes": random_bytes,
    "utf16": utf16,
    "huge-line": huge_line,
    "blank-bomb": blank_bomb,
    "ragged-csv": ragged_csv,
    "cut-json-array": cut_json_array,
    "truncated-columnar": truncated_columnar,
    "damaged-lines": damaged_lines,
    "nearly-empty": nearly_empty,
    "misnamed": misnamed,
}
"""Every kind is drawn with the same chance; `damaged-lines` alone covers seventeen kinds of line."""


def random_file(rng: random.Random, folder: Path, stem: str, lines: list[bytes]) -> tuple[str, Path]:
    """Write one hostile file `folder/stem.<suffix>` of a random kind; (kind, path)."""
    kind = rng.choice(sorted(KINDS))
    suffix, data = KINDS[kind](rng, lines)
    path = folder / f"{stem}.{suffix}"
    path.write_bytes(data)
    return kind, path
