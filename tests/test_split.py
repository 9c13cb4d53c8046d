"""`dataqa split`: group-aware (no duplicate group straddles splits), stratified, deterministic, lossless."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import orjson
from conftest import run_cli, ticket_records, write_jsonl

import dataqa
from dataqa.commands.splitter import split_dataset
from dataqa.engine.config import load_config


def _planted(tmp_path: Path) -> tuple[Path, list[set[bytes]]]:
    """300 records with 20 planted groups: exact copies and near-copies (a greeting or a sentence added)."""
    records = ticket_records(300, seed=3)
    groups = []
    for i in range(20):
        base = records[i * 7]
        near = copy.deepcopy(base)
        near["messages"][1]["content"] = (
            "Hello again, " + near["messages"][1]["content"] + " Thank you so much."
        )
        records.append(copy.deepcopy(base))
        records.append(near)
        groups.append({orjson.dumps(base), orjson.dumps(near)})
    records.append("not json at all")
    return write_jsonl(tmp_path / "data.jsonl", records), groups


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def test_groups_never_straddle_and_nothing_is_lost(tmp_path: Path) -> None:
    data, groups = _planted(tmp_path)
    result = split_dataset(
        str(data), tmp_path / "out", load_config(discover=False), test_size=0.2, valid_size=0.1, seed=1
    )
    out = tmp_path / "out"
    where = {name: set(_lines(out / f"{name}.jsonl")) for name in ("train", "test", "valid")}
    for group in groups:
        homes = {name for name, lines in where.items() if group & lines}
        assert len(homes) == 1, f"a duplicate group straddles {homes}"
    total = sum(len(_lines(out / f"{n}.jsonl")) for n in ("train", "test", "valid", "rejects"))
    assert total == len(_lines(data))
    assert result.counts["rejects"] == 1
    assert result.groups >= 20
    assert 0.15 <= result.counts["test"] / 340 <= 0.25


def test_output_has_no_leakage_and_keeps_label_proportions(tmp_path: Path) -> None:
    data, _ = _planted(tmp_path)
    split_dataset(str(data), tmp_path / "out", load_config(discover=False), test_size=0.2, seed=5)
    out = tmp_path / "out"
    # No exact, normalised or near leak; LEAK004's shared 13-word spans are review notes, not leaks.
    report = dataqa.scan(str(out / "train.jsonl"), test=str(out / "test.jsonl"), select=["LEAK"])
    assert [f for f in report.findings if f.check_id != "LEAK004"] == []
    leakage = next(c for c in report.conditions if c.name == "held-out-leakage")
    assert leakage.passed and leakage.value == 0
    labels = {}
    for name in ("train", "test"):
        labels[name] = Counter(
            orjson.loads(line)["messages"][-1]["content"] for line in _lines(out / f"{name}.jsonl")
        )
    for label, n in labels["train"].items():
        if n >= 20:
            share = labels["test"][label] / (labels["test"][label] + n)
            assert 0.05 <= share <= 0.4, (label, share)


def test_same_seed_same_split_other_seed_other_split(tmp_path: Path) -> None:
    data, _ = _planted(tmp_path)
    config = load_config(discover=False)
    split_dataset(str(data), tmp_path / "a", config, seed=11)
    split_dataset(str(data), tmp_path / "b", config, seed=11)
    split_dataset(str(data), tmp_path / "c", config, seed=12)
    assert (tmp_path / "a/test.jsonl").read_bytes() == (tmp_path / "b/test.jsonl").read_bytes()
    assert (tmp_path / "a/test.jsonl").read_bytes() != (tmp_path / "c/test.jsonl").read_bytes()


def test_cli_split(tmp_path: Path) -> None:
    data, _ = _planted(tmp_path)
    proc = run_cli(
        "split", str(data), "--test-size", "0.1", "--seed", "3", "-o", str(tmp_path / "o"), "--no-config"
    )
    assert proc.returncode == 0, proc.stderr
    assert "duplicate group(s)" in proc.stdout
    out = tmp_path / "o"
    rescan = proc.stdout.splitlines()[-1]
    assert rescan == f"Next: scan the result: `dataqa scan {out / 'train.jsonl'} --test {out / 'test.jsonl'}`"
    assert (out / "train.jsonl").is_file() and (out / "test.jsonl").is_file()
    proc = run_cli("split", str(data), "--test-size", "1.5", "-o", str(tmp_path / "o"), "--no-config")
    assert proc.returncode == 2
