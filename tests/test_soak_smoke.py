"""A few scans of the soak benchmark (`benchmarks/soak.py`, issue #21), so the benchmark stays
runnable: random hostile files scanned in this process, nothing written outside the output folder."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak_benchmark", BENCHMARKS / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def test_a_short_soak_runs_clean_and_leaves_the_process_as_it_was(tmp_path: Path) -> None:
    soak = _soak_module()
    cwd, tmpdir = os.getcwd(), os.environ.get("TMPDIR")
    result = soak.soak(4, tmp_path, seed=3, every=2, select="FMT,SIZE", checkout=False)
    assert (os.getcwd(), os.environ.get("TMPDIR")) == (cwd, tmpdir)
    assert sum(result.codes.values()) == sum(result.kinds.values()) == 4
    assert set(result.codes) <= {0, 1, 2}
    assert (result.crashes, result.touched, result.stray_outputs) == ([], [], [])
    assert [i for i, _ in result.rss] == [0, 2, 4]
    rows = soak.soak_rows(result, 2)
    assert rows[0].startswith("- 4 scans in one process:")


def test_the_tree_listing_sees_a_touched_file(tmp_path: Path) -> None:
    soak = _soak_module()
    (tmp_path / "out").mkdir()
    kept = tmp_path / "data.jsonl"
    kept.write_text("{}\n")
    before = soak.tree(tmp_path, frozenset({tmp_path / "out"}))
    (tmp_path / "out" / "report.json").write_text("{}")  # inside the output folder: not a change
    assert soak.changes(before, soak.tree(tmp_path, frozenset({tmp_path / "out"}))) == []
    kept.write_text("{}\n{}\n")
    (tmp_path / "stray.tmp").write_text("")
    assert soak.changes(before, soak.tree(tmp_path, frozenset({tmp_path / "out"}))) == [
        "added stray.tmp",
        "changed .",
        "changed data.jsonl",
    ]
