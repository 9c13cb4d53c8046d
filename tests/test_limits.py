"""Decompression and line-count bombs (issue #21, item 6): blank lines cost next to nothing, and
reading one file is bounded by limits (data, lines, line length) that end it with a clear finding."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import chat, write_jsonl

import dataqa
from dataqa.commands.clean import clean
from dataqa.core.errors import InputError
from dataqa.engine.config import load_config
from dataqa.ingest import dataset, passes
from dataqa.ingest.load import Limits

RECORD = orjson.dumps(chat("Where is my order?", "It ships on Friday."))
BLANKS = 30_000_000


def newline_bomb(path: Path, blanks: int = BLANKS) -> Path:
    """A gzip file: a record, `blanks` blank lines (some whitespace-only, some CRLF), a record."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [pack.compress(RECORD + b"\n" + b"  \t\r\n" + b" \x0b\x0c\r\n")]
    block = b"\n" * (1 << 20)
    left = blanks - 2
    while left > 0:
        parts.append(pack.compress(block[: min(left, len(block))]))
        left -= len(block)
    parts.append(pack.compress(RECORD + b"\n") + pack.flush())
    path.write_bytes(b"".join(parts))
    return path


def test_tens_of_millions_of_blank_lines_are_counted_in_bulk(tmp_path: Path) -> None:
    bomb = newline_bomb(tmp_path / "train.jsonl.gz")
    assert bomb.stat().st_size < 100_000
    report = dataqa.scan(str(bomb), select=["FMT004", "FMT018"])
    blank = [(f.first_location.line, f.message) for f in report.findings if f.check_id == "FMT004"]
    assert blank[:3] == [(2, "blank line"), (3, "blank line"), (4, "blank line")]
    assert len(blank) == 10_001
    assert blank[-1] == (
        10_002,
        f"{BLANKS - 10_000:,} more blank lines from line 10,002 on "
        "(only the first 10,000 are listed one by one)",
    )
    assert not [f for f in report.findings if f.check_id == "FMT018"]
    (train,) = report.splits
    assert (train.lines, train.rows) == (BLANKS + 2, 2)


def test_the_line_limit_ends_the_file_with_a_finding(tmp_path: Path) -> None:
    bomb = newline_bomb(tmp_path / "train.jsonl.gz")
    report = dataqa.scan(str(bomb), select=["FMT018"], max_lines=1_000_000)
    (finding,) = report.findings
    assert finding.first_location.line == 1_000_001
    assert finding.message == (
        "file has more than the max-lines limit of 1,000,000 lines; reading stopped there and nothing "
        "after line 1,000,000 was checked (raise max-lines in [tool.dataqa] if the data is real)"
    )
    assert report.splits[0].rows == 1  # the record after the blank lines was not read


def test_the_data_limit_ends_the_file_with_a_finding(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [RECORD] * 10)
    limit = 3 * (len(RECORD) + 1) + 5  # three lines and part of the fourth
    report = dataqa.scan(str(path), select=["FMT001", "FMT018"], max_input_bytes=limit)
    (finding,) = report.findings
    assert (finding.check_id, finding.first_location.line) == ("FMT018", 4)
    assert finding.message == (
        f"file holds more than the max-input-bytes limit of {limit:,} bytes of data; reading stopped "
        "there and nothing after line 3 was checked "
        "(raise max-input-bytes in [tool.dataqa] if the data is real)"
    )
    assert report.splits[0].rows == 3
    packed = tmp_path / "packed.jsonl"
    packed.write_bytes(zlib.compress(path.read_bytes(), wbits=31))
    report = dataqa.scan(str(packed), select=["FMT018"], max_input_bytes=limit)
    assert "bytes of data after decompression; reading stopped" in report.findings[0].message


def test_the_line_length_limit_is_configurable(tmp_path: Path) -> None:
    long = orjson.dumps(chat("x" * 2000, "y"))
    path = write_jsonl(tmp_path / "train.jsonl", [RECORD, long, RECORD])
    report = dataqa.scan(str(path), select=["FMT001"], max_line_bytes=1000)
    (finding,) = report.findings
    assert (finding.first_location.line, finding.message) == (
        2,
        f"line is {len(long):,} bytes, over the 1,000 bytes limit; not kept or parsed",
    )
    assert dataqa.scan(str(path), select=["FMT001"]).findings == []


def test_spans_read_apart_stop_at_the_same_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [RECORD, "", "  ", RECORD] * 40)
    limits = Limits(max_lines=50)
    one_pass = dataset.load_split("train", str(path), limits=limits)
    monkeypatch.setattr(passes, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(passes, "SPAN_BYTES", 300)  # about a dozen spans, read on two processes
    real, pieces = passes.map_in_processes, []

    def spy(fn: Any, jobs: list, workers: int) -> Any:  # records the spans handed out
        pieces.extend(jobs)
        return real(fn, jobs, workers)

    monkeypatch.setattr(passes, "map_in_processes", spy)
    spans = dataset.load_split("train", str(path), limits=limits, workers=2)
    assert len(pieces) > 10
    assert one_pass.frame["line"].max() == 49
    assert spans.frame.equals(one_pass.frame)
    assert spans.load_issues == one_pass.load_issues
    assert [i.line for i in one_pass.load_issues if i.cut] == [51]


def test_clean_refuses_a_file_read_only_up_to_a_limit(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [RECORD, RECORD, RECORD])
    with pytest.raises(InputError) as caught:
        clean({"train": str(path)}, tmp_path / "out", load_config(discover=False, max_lines=2))
    assert str(caught.value).startswith(f"{path}: file has more than the max-lines limit of 2 lines;")
    assert str(caught.value).endswith("clean writes every line or none, so nothing was written")
    assert not (tmp_path / "out" / "train.jsonl").exists()
