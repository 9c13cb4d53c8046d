"""Messages and evidence name rows for tables (issue #18): a Parquet file, a folder of shards and an
in-memory list say `row N` (0-based, with the file when a split has several), a JSONL file keeps
`line N`; `findings_frame()` has the physical line or the row of each record."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import polars as pl
from conftest import CASES

import dataqa


def case_rows(family: str, check_id: str, index: int = 0, key: str = "train") -> list[dict]:
    """The records of one case of a case file, as dicts."""
    with open(CASES / family / f"{check_id}.toml", "rb") as fh:
        text = tomllib.load(fh)["case"][index][key]
    return [json.loads(line) for line in text.strip().splitlines()]


def fixture(family: str, name: str) -> list[dict]:
    return [json.loads(line) for line in (CASES / family / "fixtures" / name).read_text().splitlines()]


def parquet(tmp_path: Path, name: str, rows: list[dict]) -> str:
    path = tmp_path / name
    pl.DataFrame(rows).write_parquet(path)
    return str(path)


def jsonl(tmp_path: Path, name: str, rows: list[dict]) -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def texts(report: Any, check_id: str) -> list[tuple[str, list[str]]]:
    return [(f.message, f.evidence) for f in report.findings if f.check_id == check_id]


def test_label_conflicts_name_rows_of_a_table_and_lines_of_a_file(tmp_path: Path) -> None:
    rows = case_rows("labels", "LBL001")
    for source in (parquet(tmp_path, "train.parquet", rows), rows):
        (first, _) = texts(dataqa.scan(source, select=["LBL001"]), "LBL001")
        assert first[1][1:] == ["'shipping' at train row(s) 0, 6", "'billing' at train row(s) 2"]
    (first, _) = texts(dataqa.scan(jsonl(tmp_path, "train.jsonl", rows), select=["LBL001"]), "LBL001")
    assert first[1][1:] == ["'shipping' at train line(s) 1, 7", "'billing' at train line(s) 3"]


def test_label_conflicts_across_shards_name_the_file_and_row(tmp_path: Path) -> None:
    rows = case_rows("labels", "LBL001")
    folder = tmp_path / "shards"
    folder.mkdir()
    pl.DataFrame(rows[:4]).write_parquet(folder / "part-0.parquet")
    pl.DataFrame(rows[4:]).write_parquet(folder / "part-1.parquet")
    (first, _) = texts(dataqa.scan(str(folder), select=["LBL001"]), "LBL001")
    assert first[1][1:] == [
        "'shipping' at train part-0.parquet row 0, part-1.parquet row 2",
        "'billing' at train part-0.parquet row 2",
    ]


def test_near_conflicts_and_contradictions_name_rows(tmp_path: Path) -> None:
    report = dataqa.scan(parquet(tmp_path, "train.parquet", case_rows("labels", "LBL002")), select=["LBL002"])
    ((_, evidence),) = texts(report, "LBL002")
    assert [e.split(":")[0] for e in evidence] == ["row 0 ('shipping')", "row 2 ('billing')", "row 0 ~ row 2"]
    report = dataqa.scan(parquet(tmp_path, "chat.parquet", case_rows("labels", "LBL007")), select=["LBL007"])
    assert [e.split(":")[0] for _, ev in texts(report, "LBL007") for e in ev[1:]] == [
        "row 0",
        "row 2",
        "row 3",
        "row 5",
        "row 12",
        "row 13",
    ]
    report = dataqa.scan(jsonl(tmp_path, "chat.jsonl", case_rows("labels", "LBL007")), select=["LBL007"])
    assert [e.split(":")[0] for e in texts(report, "LBL007")[0][1][1:]] == ["line 1", "line 3"]


def test_coverage_messages_name_rows(tmp_path: Path) -> None:
    lengths = fixture("coverage", "length_outliers.jsonl")
    report = dataqa.scan(parquet(tmp_path, "train.parquet", lengths), select=["COV003"])
    assert [m.rsplit(", ", 1)[1] for m, _ in texts(report, "COV003")] == ["at row 17)", "at row 44)"]
    train, test = fixture("coverage", "coverage_train.jsonl"), fixture("coverage", "coverage_test.jsonl")
    report = dataqa.scan(train, test=parquet(tmp_path, "test.parquet", test), select=["COV005"])
    messages = [m for m, _ in texts(report, "COV005")]
    assert [m.split(" is ")[1].split(" at ")[0] for m in messages] == ["row 209", "row 161"]
    assert [f.locations[0].row for f in report.findings] == [9, 29]


def test_grouped_record_problems_name_rows_in_memory() -> None:
    report = dataqa.scan(case_rows("provider", "PROV002"), select=["PROV002"], profile="bedrock")
    assert texts(report, "PROV002")[0][1] == ["row 1: turn 1", "row 3: turn 1"]


def test_findings_frame_has_the_line_or_the_row(tmp_path: Path) -> None:
    rows = case_rows("labels", "LBL001")
    table = dataqa.scan(parquet(tmp_path, "train.parquet", rows), select=["LBL001"]).findings_frame()
    assert table.select("line", "row").rows() == [(None, 0), (None, 2), (None, 6), (None, 1), (None, 4)]
    memory = dataqa.scan(rows, select=["LBL001"]).findings_frame()
    assert memory["row"].to_list() == [0, 2, 6, 1, 4] and memory["line"].null_count() == 5
    document = tmp_path / "train.json"
    document.write_text(json.dumps(rows, indent=2))
    lines = dataqa.scan(str(document), select=["LBL001"]).findings_frame()
    starts = [i + 1 for i, text in enumerate(document.read_text().splitlines()) if text == "  {"]
    assert lines.select("line", "row").rows() == [(starts[i], None) for i in (0, 2, 6, 1, 4)]
