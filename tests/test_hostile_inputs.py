"""Hostile input in the new input kinds (issue #18), under the contract of `test_hostile.py`: every
input ends in a report or a one-line error (exit code 0, 1 or 2, never a traceback), and no input
file is ever written. A truncated Parquet file, a CSV with ragged rows and embedded newlines, a
JSON array cut in the middle, a folder with unreadable and unrelated files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import polars as pl
from click.testing import CliRunner
from conftest import chat, dataqa_command
from test_hostile import _without_read_permission, unchanged

from dataqa.commands.cli import main

ROWS = [chat(f"Where is my order number {i}?", f"Order {i} ships on day {i % 28 + 1}.") for i in range(30)]


def run(target: Path, *args: str, watch: tuple[Path, ...] = ()) -> tuple[int, str, dict[str, Any] | None]:
    """`dataqa scan TARGET ARGS --json OUT` in process: exit code, stderr and the report; asserts
    the contract (exit code, no traceback, one-line errors, the inputs unchanged)."""
    out = target.parent / "report.json"
    files = watch or ((target,) if target.is_file() else tuple(p for p in target.rglob("*") if p.is_file()))
    with unchanged(*files):
        result = CliRunner().invoke(main, ["scan", str(target), "--no-config", "--json", str(out), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the scan raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dataqa: error: "), result.stderr
    report = json.loads(out.read_text()) if result.exit_code != 2 and out.exists() else None
    return result.exit_code, result.stderr, report


def findings(report: dict[str, Any], check_id: str) -> list[tuple[str, list]]:
    return [
        (f["message"], [loc.get("line", loc.get("row")) for loc in f["locations"]])
        for f in report["findings"]
        if f["check_id"] == check_id
    ]


def test_truncated_parquet_is_one_finding(tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    pl.DataFrame(ROWS).write_parquet(whole)
    path = tmp_path / "train.parquet"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    code, _, report = run(path)
    assert code == 1
    ((message, where),) = findings(report, "FMT018")
    assert message.startswith("not a readable Parquet file (") and where == [0]
    assert report["splits"][0]["rows"] == 0 and report["verdict"] == "NO-GO"


def test_damaged_shard_does_not_lose_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    folder.mkdir()
    pl.DataFrame(ROWS[:20]).write_parquet(folder / "part-0.parquet")
    cut = folder / "part-1.parquet"
    pl.DataFrame(ROWS[20:]).write_parquet(cut)
    cut.write_bytes(cut.read_bytes()[:100])
    pl.DataFrame(ROWS[:5]).write_parquet(folder / "part-2.parquet")
    code, _, report = run(folder)
    assert code == 1
    ((message, where),) = findings(report, "FMT018")
    assert message.startswith("not a readable Parquet file") and where == [0]
    (damaged,) = [f for f in report["findings"] if f["check_id"] == "FMT018"]
    assert damaged["locations"][0]["path"].endswith("part-1.parquet")
    assert report["splits"][0]["rows"] == 25


def test_csv_with_ragged_rows_and_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_bytes(
        b"text,label\n"  # 1
        b'"line one\nline two\r\nline three",billing\n'  # 2-4
        b"too,many,fields,here\n"  # 5
        b"\n"  # 6
        b"refund please,billing\n"  # 7
        b"bad \xff byte,billing\n"  # 8
        b'"never closed,billing\n'  # 9: swallows the rest
        b"where is it,shipping\n"
    )
    code, _, report = run(path, "--label-field", "label")
    assert code == 1
    assert [where for _, where in findings(report, "FMT001")] == [[5], [9]]
    assert [where for _, where in findings(report, "FMT003")] == [[8]]
    assert [where for _, where in findings(report, "FMT004")] == [[6]]
    assert report["splits"][0]["rows"] == 5


def test_json_array_cut_in_the_middle(tmp_path: Path) -> None:
    text = json.dumps(ROWS, indent=2)
    path = tmp_path / "train.json"
    path.write_text(text[: len(text) // 2])
    code, _, report = run(path)
    assert code == 1
    ((message, where),) = findings(report, "FMT018")
    assert "file ends inside the JSON array" in message and "cut off" in message
    starts = [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("  {")]
    assert report["splits"][0]["rows"] == 16  # 15 records and the unfinished one, which is lost
    assert where == [starts[15]]  # the unfinished record, where it starts


def test_json_garbage_and_bombs(tmp_path: Path) -> None:
    deep = tmp_path / "deep" / "train.json"
    deep.parent.mkdir()
    deep.write_text("[" + "[" * 5000 + "]" * 5000 + "]")
    code, _, report = run(deep)
    assert code == 1 and findings(report, "FMT001")
    empty = tmp_path / "empty" / "train.json"
    empty.parent.mkdir()
    empty.write_text("[]")
    code, _, report = run(empty)
    assert code == 1
    assert [m for m, _ in findings(report, "FMT018")] == [
        "the JSON array is empty: there are no records to check"
    ]
    scalar = tmp_path / "scalar" / "train.json"
    scalar.parent.mkdir()
    scalar.write_text('"just a string"')
    code, _, report = run(scalar)
    assert findings(report, "FMT002") == [("JSON string where an object was expected", [1])]


def test_folder_with_unrelated_files_names_what_it_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "train.jsonl").write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in ROWS))
    (folder / "notes.txt").write_text("hello")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "train.jsonl").write_text("{broken")
    code, stderr, report = run(folder)
    assert code == 1  # no test split: NO-GO, but the data was read
    assert stderr.splitlines()[-1] == (
        f"dataqa: skipped in {folder}: image.png: not a data file; notes.txt: not a data file"
    )
    assert report["splits"][0]["rows"] == 30
    assert [f for f in report["findings"] if f["check_id"].startswith("FMT")] == []
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    (nothing / "README.md").write_text("# nothing here")
    code, stderr, _ = run(nothing)
    assert code == 2 and stderr.startswith(f"dataqa: error: {nothing}: no data file in the folder")


def test_folder_with_an_unreadable_data_file(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    folder.mkdir()
    good = folder / "train.jsonl"
    good.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in ROWS))
    locked = folder / "test.jsonl"
    locked.write_bytes(good.read_bytes())
    locked.chmod(0)
    try:
        with unchanged(good, locked):
            result = subprocess.run(
                [*_without_read_permission(), *dataqa_command(), "scan", str(folder), "--no-config"],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
    finally:
        locked.chmod(0o644)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"dataqa: error: {locked}: permission denied"


def test_a_tool_call_whose_arguments_nest_hundreds_of_levels_deep_is_read(tmp_path: Path) -> None:
    """A call's arguments are read for their values to compare tool conversations
    (`dataqa.ingest.tool_text`): arguments nested 600 levels deep (a JSON string inside the call, as
    OpenAI writes them) are cut at a bounded depth, not followed down the interpreter's stack."""
    deep: Any = "x"
    for _ in range(600):
        deep = {"a": deep}
    call = {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": json.dumps(deep)}}
    rows = [
        {
            "messages": [
                {"role": "user", "content": "Look it up."},
                {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "c1", "content": "found"},
                {"role": "assistant", "content": "Here it is."},
            ]
        },
        chat("Hello", "Hi there."),
    ]
    target = tmp_path / "train.jsonl"
    target.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, _, report = run(target)
    assert code == 1 and report is not None
    assert [(s["name"], s["rows"]) for s in report["splits"]] == [("train", 2)]
    assert [c["id"] for c in report["checks"] if c["status"] == "errored"] == []
