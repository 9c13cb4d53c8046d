"""A few scans of the soak benchmark (`benchmarks/soak.py`, issue #21), so the benchmark stays
runnable: random hostile files scanned in this process, nothing written outside the output folder."""

from __future__ import annotations

import gc
import io
import os
from pathlib import Path

from conftest import load_script

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _soak_module():
    return load_script(BENCHMARKS / "soak.py", "soak_benchmark")


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


def _streams() -> int:
    gc.collect()
    return sum(isinstance(o, io.IOBase | io.StringIO) for o in gc.get_objects())


def test_the_in_process_harness_keeps_no_commands_output_alive() -> None:
    """click's CliRunner kept each invocation's captured streams alive (click caches stream wrappers
    in a WeakKeyDictionary whose value is its key); the soak's harness must not grow per command."""
    soak = _soak_module()
    cli = soak.InProcessCli()
    code, stderr, escaped = cli.invoke(["--help"])
    assert (code, stderr, escaped) == (0, "", None)
    before = _streams()
    for _ in range(5):
        cli.invoke(["--help"])
    assert _streams() == before


def test_the_memory_verdict_tells_warm_up_from_steady_growth() -> None:
    soak = _soak_module()
    warm_then_flat = [(i * 10, 300 + min(i, 10) * 12 + (i % 3) * 4) for i in range(51)]
    assert "FLAT after warm-up" in soak.verdict(warm_then_flat)
    assert soak.verdict(warm_then_flat).startswith("warm-up +124 MiB over scans 0-250;")
    leaking = [(i * 10, 300 + i * 2.0) for i in range(51)]  # 200 KiB a scan: 20 MiB per 100
    assert "GROWING" in soak.verdict(leaking)
    assert "slope +20.0 MiB per 100 scans over scans 250-500" in soak.verdict(leaking)
    assert soak.verdict(leaking[:3]) == "too few samples for a verdict"
