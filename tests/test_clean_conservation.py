"""`dataqa clean` conserves every line the scan reads (issue #21, items 2 and 8).

Every physical line lands in exactly one of the cleaned file and the rejects file, byte for byte,
whatever the damage: a gzip stream cut at any byte, a byte-order mark, UTF-16 and Latin-1 text,
CR/CRLF/LF mixes, NUL bytes, blank and whitespace lines. The kept rows are exactly the rows the scan
counts usable. A property test generates the damage; example tests pin each reported case.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from pathlib import Path

import orjson
import pytest
from conftest import chat, write_jsonl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dataqa
import dataqa.commands.clean as clean_module
from dataqa.commands.clean import clean
from dataqa.engine.config import load_config
from dataqa.ingest.readers.sniff import JSONL, sniff_file

BOM = b"\xef\xbb\xbf"
CONFIG = {"select": ["FMT", "DUP"]}


def config():
    return load_config(discover=False, **CONFIG)


def record(i: int) -> bytes:
    return orjson.dumps(chat(f"Where is order number {i} today?", f"Order {i} ships on Friday."))


def outputs(out: Path, name: str = "train") -> tuple[list[bytes], dict[int, bytes], dict[int, list[str]]]:
    """(kept lines, rejected line number -> raw bytes, rejected line number -> check ids)."""
    kept = (out / f"{name}.jsonl").read_bytes().split(b"\n")[:-1]
    raws: dict[int, bytes] = {}
    why: dict[int, list[str]] = {}
    for line in (out / f"{name}.rejects.jsonl").read_bytes().splitlines():
        rec = orjson.loads(line)
        raw = rec["raw"].encode() if "raw" in rec else base64.b64decode(rec["raw_base64"])
        assert rec["line"] not in raws
        raws[rec["line"]], why[rec["line"]] = raw, rec["checks"]
    return kept, raws, why


def rebuild(kept: list[bytes], rejected: dict[int, bytes]) -> list[bytes]:
    """The input's lines in order: rejected ones at their numbers, kept ones filling the gaps."""
    total = len(kept) + len(rejected)
    kept_iter = iter(kept)
    return [rejected[n] if n in rejected else next(kept_iter) for n in range(1, total + 1)]


def readable_lines(data: bytes) -> list[bytes]:
    """The lines a reader gets from `data`: gzip decompressed as far as it goes, split at LF."""
    if data.startswith(b"\x1f\x8b"):
        inflate = zlib.decompressobj(wbits=31)
        try:
            data = inflate.decompress(data)
        except zlib.error:
            data = b""  # a damaged header: nothing readable
    lines = data.split(b"\n")
    return lines[:-1] if lines[-1] == b"" else lines


# --- the reported cases --------------------------------------------------------------------------


def test_a_cut_gzip_partial_last_line_goes_to_rejects(tmp_path: Path) -> None:
    body = b"".join(record(i) + b"\n" for i in range(40))
    packed = gzip.compress(body, mtime=0)
    data = tmp_path / "train.jsonl.gz"
    data.write_bytes(packed[: len(packed) - 30])
    expected = readable_lines(data.read_bytes())
    assert not body.startswith(b"\n".join(expected) + b"\n")  # the last readable line is partial
    result = clean({"train": str(data)}, tmp_path / "out", config())
    kept, rejected, why = outputs(tmp_path / "out")
    assert rebuild(kept, rejected) == expected
    last = len(expected)
    assert rejected == {last: expected[-1]} and why[last] == ["FMT001"]
    summary = result.splits[0]
    assert (summary.lines, summary.kept, summary.rejected) == (last, last - 1, 1)
    assert result.report.usable.usable == last - 1


def test_utf16_keeps_nothing_and_rejects_every_line(tmp_path: Path) -> None:
    text = "".join(record(i).decode() + "\n" for i in range(5))
    data = tmp_path / "train.jsonl"
    data.write_bytes(text.encode("utf-16"))
    result = clean({"train": str(data)}, tmp_path / "out", config())
    kept, rejected, why = outputs(tmp_path / "out")
    assert kept == [] and result.report.usable.usable == 0
    assert rebuild(kept, rejected) == readable_lines(data.read_bytes())
    assert set(map(tuple, why.values())) == {("FMT003",)}


def test_a_bom_is_the_one_reported_change(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    data.write_bytes(BOM + record(1) + b"\n" + record(2) + b"\n")
    result = clean({"train": str(data)}, tmp_path / "out", config())
    kept, rejected, _ = outputs(tmp_path / "out")
    assert kept == [record(1), record(2)] and rejected == {}
    assert result.splits[0].notes == [
        "removed the UTF-8 byte-order mark (BOM) from line 1: the one change to a kept line"
    ]


def test_bare_cr_line_ends_are_named_not_called_crlf(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    data.write_bytes(record(1) + b"\r" + record(2) + b"\r" + record(3) + b"\r")
    report = dataqa.scan(str(data), select=["FMT001", "FMT005"])
    assert [f.check_id for f in report.findings] == ["FMT001"]
    (finding,) = report.findings
    assert finding.message.startswith(
        "lines end with a bare CR (carriage return, no line feed): 3 in this line, so several records "
        "read as one; convert the line ends to LF (invalid JSON: unexpected content after document"
    )
    crlf = write_jsonl(tmp_path / "crlf.jsonl", [record(1) + b"\r", record(2) + b"\r"])
    report = dataqa.scan(str(crlf), select=["FMT001", "FMT005"])
    assert [(f.check_id, f.message) for f in report.findings] == [
        ("FMT005", "2 line(s) end with CRLF (Windows line endings)")
    ]


def test_an_input_that_changes_during_the_run_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_jsonl(tmp_path / "train.jsonl", [record(1), record(2)])
    real = clean_module.execute

    def scan_then_edit(*args, **kwargs):
        out = real(*args, **kwargs)
        with open(data, "ab") as fh:
            fh.write(record(3) + b"\n")
        return out

    monkeypatch.setattr(clean_module, "execute", scan_then_edit)
    result = clean({"train": str(data)}, tmp_path / "out", config())
    assert result.splits[0].notes == [
        f"{data} changed during the run: the cleaned files may mix two versions; clean again"
    ]
    unchanged = write_jsonl(tmp_path / "same.jsonl", [record(1)])
    monkeypatch.setattr(clean_module, "execute", real)
    assert clean({"train": str(unchanged)}, tmp_path / "out2", config()).splits[0].notes == []


# --- the property: conservation over generated damage ----------------------------------------------

PIECES = st.sampled_from(
    [
        record(1),
        record(1),  # a duplicate of the above, when both are drawn
        record(2),
        record(3),
        orjson.dumps(chat("Une question sur le café", "Réponse: oui.")),
        b"",
        b"   \t ",
        b'{"messages": [{"role": "user", "content": "cut',
        b'{"messages": [{"role": "user", "content": "nul\x00"}]}',
        b'{"text": "caf\xe9 latin-1", "label": "x"}',
        b"[1, 2]",
        b"\x00\x00",
    ]
)
ENDS = st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n"])


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """A JSONL file with generated damage: mixed line ends, BOM, UTF-16, Latin-1, NUL, blanks,
    and optionally gzip-compressed and cut at any byte."""
    lines = draw(st.lists(st.tuples(PIECES, ENDS), min_size=0, max_size=12))
    body = b"".join(piece + end for piece, end in lines)
    if lines and draw(st.booleans()):
        body = body[: -len(lines[-1][1])]  # no line end after the last line
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-bom", "utf-16"]))
    if encoding == "utf-8-bom":
        body = BOM + body
    elif encoding == "utf-16":
        body = body.decode("latin-1").encode("utf-16")
    if draw(st.booleans()):
        packed = gzip.compress(body, mtime=0)
        body = packed[: draw(st.integers(0, len(packed)))]
    return body


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged_files())
def test_every_line_is_kept_or_rejected_byte_for_byte(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("conservation")
    path = folder / "train.jsonl"
    path.write_bytes(data)
    # A file that opens like a JSON document ("[1, 2]" alone) or a table is read as one, by its own
    # reader, and written as JSON Lines: the property is about what the scan reads line by line.
    assume(sniff_file(path).kind == JSONL)
    result = clean({"train": str(path)}, folder / "out", config())
    kept, rejected, _ = outputs(folder / "out")
    summary = result.splits[0]
    if summary.notes:  # the one reported change: the BOM of a kept line 1
        assert 1 not in rejected and summary.notes[0].startswith("removed the UTF-8 byte-order mark")
        kept[0] = BOM + kept[0]
    assert rebuild(kept, rejected) == readable_lines(data)
    assert (summary.lines, summary.kept + summary.rejected) == (len(kept) + len(rejected),) * 2
    # clean keeps exactly the rows the scan counts usable
    assert summary.kept == result.report.usable.usable
    split = next(s for s in result.report.splits if s.name == "train")
    assert summary.kept == split.usable_rows


def test_the_command_prints_the_notes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dataqa.commands.cli import main

    data = tmp_path / "train.jsonl"
    data.write_bytes(BOM + record(1) + b"\n")
    result = CliRunner().invoke(main, ["clean", str(data), "--no-config", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "dataqa: train: removed the UTF-8 byte-order mark (BOM) from line 1: the one change to a kept line\n"
    )
