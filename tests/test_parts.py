"""Texts left in parts (`dataqa.engine.parts`) and the checks that read them a batch at a time.

On a split held on the Ray workers the texts of grouped rows stay in the object store; a check asks
a batch of lines at a time. These tests pin what a batch gets (only the lines asked, only from the
parts that hold one) and that reading in batches changes no finding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import polars as pl
import pytest

import dataqa
from dataqa.checks.labels import lbl007_contradictory_answers as lbl007
from dataqa.engine import parts as parts_module
from dataqa.engine.packed import kept, pack, unpack
from dataqa.engine.parts import Parts

SCHEMA = {"split": pl.String, "line": pl.Int64, "text": pl.String}


def _part(split: str, lines: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"split": [split] * len(lines), "line": lines, "text": [f"{split}-{n}" for n in lines]}, schema=SCHEMA
    )


def test_get_reads_only_the_parts_that_hold_a_line_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts_module, "HANDLES_PER_GET", 1)
    fetched: list[int] = []
    stored = {0: _part("train", [5, 1, 3]), 1: _part("train", [10, 12]), 2: _part("test", [1, 2])}

    def get(handles: list[int]) -> list[pl.DataFrame]:
        fetched.extend(handles)
        return [stored[h] for h in handles]

    held = Parts(get, SCHEMA)
    for handle, frame in stored.items():
        held.add(frame["split"][0], frame["line"].to_numpy(), handle)
    held.add("train", np.zeros(0, dtype=np.int64), 99)  # a part with no line is not kept

    got = held.get("train", [12, 3, 3, 40])
    assert got.rows() == [("train", 3, "train-3"), ("train", 12, "train-12")]
    assert fetched == [0, 1]
    fetched.clear()
    assert held.get("test", [1]).rows() == [("test", 1, "test-1")]
    assert fetched == [2]
    fetched.clear()
    assert held.get("train", [7]).is_empty() and fetched == []
    assert held.lines("train").tolist() == [1, 3, 5, 10, 12]
    assert held.lines("valid").tolist() == []


def test_a_sweep_gives_each_batch_what_get_gives_and_cuts_each_part_once_per_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parts_module, "SWEEP_WINDOW", 2)
    stored = {
        0: pack(_part("train", [1, 3, 5, 7])),
        1: pack(_part("train", [2, 4, 6, 8, 3])),  # line 3 again: the first part's row is kept
        2: pack(_part("test", [1, 2])),
    }
    cuts: list[int] = []

    def get(handles: list) -> list:
        return [stored[h] if isinstance(h, int) else h for h in handles]

    def task(fn, *args, returns=None):  # a Runner's task: the handle of a part given as its value
        cuts.append(args[0])
        values = fn(*get([args[0]]), *args[1:])
        return list(values) if returns else [values]

    held, plain = Parts(get, SCHEMA, task), Parts(get, SCHEMA)
    for handle, packed in stored.items():
        lines = unpack(packed)["line"].to_numpy()
        split = unpack(packed)["split"][0]
        held.add(split, lines, handle)
        plain.add(split, lines, handle)
    batches = [[3, 8], [1], [5, 3, 40], [2], [7]]  # line 3 in two batches of one window
    swept = list(held.sweep("train", batches))
    assert [frame.rows() for frame in swept] == [plain.get("train", lines).rows() for lines in batches]
    assert swept[0].rows() == [("train", 3, "train-3"), ("train", 8, "train-8")]
    assert swept[2]["line"].to_list() == [3, 5]
    # windows [3, 8] [1] | [5, 3, 40] [2] | [7]: a part cut once per window it holds a line of
    assert cuts == [0, 1, 0, 1, 0]
    assert [frame.rows() for frame in plain.sweep("train", batches)] == [f.rows() for f in swept]
    assert all(frame.is_empty() for frame in held.sweep("valid", [[1]]))


def _bytes_held(frame: pl.DataFrame, column: str) -> int:
    """The bytes of the buffers behind a string column (Arrow's string views: every buffer a view
    points into, whether or not a kept row uses it)."""
    exported = frame.to_arrow(compat_level=pl.CompatLevel.newest()).column(column)
    return sum(buffer.size for chunk in exported.chunks for buffer in chunk.buffers() if buffer is not None)


def test_rows_got_from_a_part_hold_their_own_texts_not_the_whole_part() -> None:
    # 2,000 rows of 1 kB each, packed as a part is; 10 of them asked. A plain filter keeps views into
    # the whole part's buffers (the driver that kept a few rows of each part held them all).
    texts = [f"{n} " + "word " * 200 for n in range(2000)]
    part = pack(pl.DataFrame({"split": "train", "line": range(2000), "text": texts}, schema=SCHEMA))
    asked = pl.col("line").is_in([3, 700, 1999])

    filtered, got = unpack(part).filter(asked), kept(unpack(part), asked)
    assert got.equals(filtered) and got.schema == pl.Schema(SCHEMA)
    assert _bytes_held(filtered, "text") > 1_000_000  # what the fix is for: the whole part held
    assert _bytes_held(got, "text") < 10_000
    held = Parts(lambda handles: [part for _ in handles], SCHEMA)
    held.add("train", np.arange(2000), 0)
    assert _bytes_held(held.get("train", [3, 700, 1999]), "text") < 10_000
    assert kept(unpack(part), pl.col("line") < 0).schema == pl.Schema(SCHEMA)


def _contradicting(tmp_path: Path) -> Path:
    """A chat set whose prompts recur with answers that contradict (yes/no, numbers) or only reword."""
    rows = []
    for i in range(40):
        q = f"Is item {i} in stock?"
        rows.append((q, "Yes, it is." if i % 3 else "No, sold out."))
        rows.append((q, "No, not now." if i % 3 else "No, sold out."))
        rows.append((f"What is {i} times 7?", f"The answer is {i * 7 + 1}."))
        rows.append((f"What is {i} times 7?", f"The answer is {i * 7}."))
        rows.append((f"Describe item {i}.", f"Item {i} is a sturdy tool for the garden."))
    path = tmp_path / "train.jsonl"
    path.write_bytes(
        b"\n".join(
            orjson.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]})
            for q, a in rows
        )
        + b"\n"
    )
    return path


def _findings(path: Path) -> list[tuple[str, list[str]]]:
    report = dataqa.scan(str(path), select=["LBL007"])
    result = next(r for r in report.results if r.check_id == "LBL007")
    return [(f.message, [str(loc) for loc in f.locations]) for f in result.findings]


def test_lbl007_reads_its_groups_in_batches_with_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _contradicting(tmp_path)
    whole = _findings(path)
    assert len(whole) == 26 + 40  # the yes/no groups (i % 3 != 0) and every sum
    monkeypatch.setattr(lbl007, "BATCH_ROWS", 3)  # a batch of one or two groups
    assert _findings(path) == whole
