"""`dataqa clean`: nothing lost, the right rows removed, idempotent, inputs untouched, no overwrite."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest
from conftest import run_cli, ticket_records, write_jsonl

import dataqa
from dataqa.commands.clean import clean
from dataqa.core.errors import OutputError
from dataqa.engine.config import load_config


def _planted(tmp_path: Path) -> tuple[Path, Path, list[bytes]]:
    records = ticket_records(80)
    test_records = ticket_records(20, seed=99)
    lines: list = list(records)
    lines[10] = records[3]  # line 11: exact duplicate of line 4
    lines[20] = '{"messages": [{"role": "user", "content": "cut off'  # line 21: invalid JSON
    lines[30] = {"messages": [{"role": "user", "content": "Where is my parcel?"}]}  # line 31: no target
    lines[40] = test_records[2]  # line 41: leaked from test line 3
    lines.insert(50, "")  # line 51: blank
    train = write_jsonl(tmp_path / "train.jsonl", lines)
    test = write_jsonl(tmp_path / "test.jsonl", test_records)
    return train, test, train.read_bytes().split(b"\n")[:-1]


def _read(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_every_input_line_is_kept_or_rejected_exactly_once(tmp_path: Path) -> None:
    train, test, original = _planted(tmp_path)
    digest = hashlib.sha256(train.read_bytes()).hexdigest()
    result = clean({"train": str(train), "test": str(test)}, tmp_path / "out", load_config(discover=False))
    out = tmp_path / "out"
    kept = (out / "train.jsonl").read_bytes().split(b"\n")[:-1]
    rejects = _read(out / "train.rejects.jsonl")
    rejected_lines = {r["line"]: r for r in rejects}
    assert sorted(rejected_lines) == [11, 21, 31, 41, 51]
    assert rejected_lines[11]["checks"][0].startswith("DUP")
    assert rejected_lines[21]["checks"] == ["FMT001"]
    assert rejected_lines[31]["checks"] == ["FMT011"]
    assert rejected_lines[41]["checks"][0].startswith("LEAK")
    assert rejected_lines[51]["checks"] == ["FMT004"]
    # Conservation: kept lines are the other input lines, verbatim and in order; rejects hold the rest.
    expected_kept = [line for n, line in enumerate(original, 1) if n not in rejected_lines]
    assert kept == expected_kept
    for n, rec in rejected_lines.items():
        assert rec["raw"].encode() == original[n - 1]
    assert len(kept) + len(rejects) == len(original)
    split = next(s for s in result.splits if s.name == "train")
    assert (split.kept, split.rejected, split.lines) == (len(kept), 5, len(original))
    assert hashlib.sha256(train.read_bytes()).hexdigest() == digest


def test_cleaning_is_idempotent_and_rescan_has_no_errors_in_cleaned_families(tmp_path: Path) -> None:
    train, test, _ = _planted(tmp_path)
    config = load_config(discover=False)
    clean({"train": str(train), "test": str(test)}, tmp_path / "once", config)
    once = tmp_path / "once"
    clean({"train": str(once / "train.jsonl"), "test": str(once / "test.jsonl")}, tmp_path / "twice", config)
    twice = tmp_path / "twice"
    assert (twice / "train.jsonl").read_bytes() == (once / "train.jsonl").read_bytes()
    assert (twice / "train.rejects.jsonl").read_bytes() == b""
    report = dataqa.scan(str(once / "train.jsonl"), test=str(once / "test.jsonl"))
    families = {"format", "duplicates", "leakage", "labels"}
    errors = [
        f for r in report.results if r.family in families for f in r.findings if f.severity.label == "error"
    ]
    assert errors == []


def test_refuses_to_write_over_its_inputs(tmp_path: Path) -> None:
    train, _, _ = _planted(tmp_path)
    before = train.read_bytes()
    with pytest.raises(OutputError):
        clean({"train": str(train)}, tmp_path, load_config(discover=False))
    assert train.read_bytes() == before


def test_cli_clean(tmp_path: Path) -> None:
    train, test, _ = _planted(tmp_path)
    proc = run_cli("clean", str(train), "--test", str(test), "-o", str(tmp_path / "out"), "--no-config")
    assert proc.returncode == 0, proc.stderr
    assert "train: kept" in proc.stdout and "rejected 5" in proc.stdout
    out = tmp_path / "out"
    assert proc.stdout.splitlines()[-1] == (
        f"Next: scan the result: `dataqa scan {out / train.name} --test {out / test.name}`"
    )
    proc = run_cli("clean", str(train), "-o", str(tmp_path), "--no-config")
    assert proc.returncode == 2 and "input file" in proc.stderr


def _variant_labels(tmp_path: Path) -> Path:
    """40 distinct texts labelled positive/negative, three with variant spellings of the labels."""
    texts = [r["messages"][1]["content"] for r in ticket_records(40, seed=8)]
    records = [{"text": t, "label": "positive" if i % 2 else "negative"} for i, t in enumerate(texts)]
    records[5]["label"] = "Positive "
    records[9]["label"] = "postive"
    records[12]["label"] = "Negative"
    return write_jsonl(tmp_path / "reviews.jsonl", records)


def test_label_variants_are_mapped_when_asked_and_originals_kept(tmp_path: Path) -> None:
    data = _variant_labels(tmp_path)
    original = data.read_bytes().split(b"\n")[:-1]
    result = clean(
        {"train": str(data)}, tmp_path / "out", load_config(discover=False), map_label_variants=True
    )
    out = tmp_path / "out"
    cleaned = [orjson.loads(line) for line in (out / "train.jsonl").read_bytes().splitlines()]
    assert {r["label"] for r in cleaned} == {"positive", "negative"}
    relabelled = _read(out / "train.relabelled.jsonl")
    assert [(r["line"], r["label"]) for r in relabelled] == [
        (6, "positive"),
        (10, "positive"),
        (13, "negative"),
    ]
    for r in relabelled:
        assert r["raw"].encode() == original[r["line"] - 1] and r["checks"] == ["LBL003"]
    assert result.splits[0].relabelled == 3 and result.splits[0].kept == len(original)
    rescan = dataqa.scan(str(out / "train.jsonl"), select=["LBL003"])
    assert rescan.findings == []


def test_label_variants_stay_as_they_are_unless_asked(tmp_path: Path) -> None:
    data = _variant_labels(tmp_path)
    clean({"train": str(data)}, tmp_path / "out", load_config(discover=False))
    assert (tmp_path / "out" / "train.jsonl").read_bytes() == data.read_bytes()
    assert not (tmp_path / "out" / "train.relabelled.jsonl").exists()


def test_a_variant_class_inside_a_multi_label_set_is_renamed_and_the_set_kept(tmp_path: Path) -> None:
    """--map-label-variants on multi-label rows: "Joy" inside ["Joy", "excitement"] becomes "joy",
    the other class stays; the relabelled file names the set the row got."""
    texts = [r["messages"][1]["content"] for r in ticket_records(12, seed=9)]
    sets = [["joy"], ["joy", "love"], ["love"], ["joy", "gratitude"]] * 3
    records = [{"text": t, "labels": s} for t, s in zip(texts, sets, strict=True)]
    records[6]["labels"] = ["Joy", "excitement"]
    data = write_jsonl(tmp_path / "emotions.jsonl", records)
    result = clean(
        {"train": str(data)}, tmp_path / "out", load_config(discover=False), map_label_variants=True
    )
    cleaned = [orjson.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_bytes().splitlines()]
    assert cleaned[6]["labels"] == ["joy", "excitement"] and cleaned[5] == records[5]
    relabelled = _read(tmp_path / "out" / "train.relabelled.jsonl")
    assert [(r["line"], r["label"]) for r in relabelled] == [(7, ["joy", "excitement"])]
    assert result.splits[0].relabelled == 1
