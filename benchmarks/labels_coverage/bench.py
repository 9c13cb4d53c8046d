"""LBL + COV benchmark: detection quality on planted defects and speed at scale.

    python benchmarks/labels_coverage/bench.py quality      # precision/recall on planted data
    python benchmarks/labels_coverage/bench.py speed 100000 # per-check wall time at 100k rows

Results are written by hand into benchmarks/labels_coverage.md (with the machine and date).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).parent))

import flip_demo
import synth

from dataqa.core.resources import native_threads_limited
from dataqa.engine.config import load_config
from dataqa.engine.context import Context
from dataqa.engine.registry import load_checks, make_check, select_checks
from dataqa.engine.runner import load_splits, run_check


def write(path: Path, records: list[dict]) -> str:
    with open(path, "wb") as fh:
        for rec in records:
            fh.write(orjson.dumps(rec) + b"\n")
    return str(path)


def scan(paths: dict[str, str], select: list[str], options: dict | None = None) -> tuple[dict, dict]:
    """Run the selected checks in one context; per-check results and wall times (shared work is
    charged to the first check that needs it)."""
    with native_threads_limited():  # the scan's own thread policy (see dataqa.engine.runner.execute)
        return _scan(paths, select, options)


def _scan(paths: dict[str, str], select: list[str], options: dict | None) -> tuple[dict, dict]:
    config = load_config(discover=False, select=select, checks=options or {})
    t0, c0 = time.perf_counter(), time.process_time()
    ctx = Context(load_splits(paths, config), config)
    times = {"load": (time.perf_counter() - t0, time.process_time() - c0)}
    results = {}
    for cls in select_checks(load_checks(), config.select):
        check = make_check(cls, config.checks.get(cls.id))
        t, c = time.perf_counter(), time.process_time()
        results[cls.id] = run_check(check, ctx)
        times[cls.id] = (time.perf_counter() - t, time.process_time() - c)
    return results, times


THRESHOLDS = ((0.6, 0.1), (0.5, 0.2), (0.4, 0.3), (0.3, 0.5))
"""(min_confidence, max_given) pairs measured for LBL006; the first is the default."""


def pr(found: set[int], truth: set[int]) -> str:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    return f"found {len(found)}, true {len(truth)}, precision {precision:.3f}, recall {recall:.3f}"


def demo_quality() -> None:
    """LBL006 on the demo set with 2 % of its labels flipped (flip_demo.py), and on the demo itself.

    The demo's planted conflicting pair (lines 201/881) is left out of precision: one of its two
    labels is wrong, so a flag on either is fair.
    """
    with tempfile.TemporaryDirectory() as tmp:
        flipped = Path(tmp) / "demo_flipped.jsonl"
        truth = set(flip_demo.flip(flipped))
        runs = (("demo+2% flips", flipped, truth), ("demo as shipped", flip_demo.DEMO, set()))
        for name, path, planted in runs:
            for conf, given in THRESHOLDS:
                results, _ = scan(
                    {"train": str(path)}, ["LBL006"], {"LBL006": {"min_confidence": conf, "max_given": given}}
                )
                r = results["LBL006"]
                found = {loc.line for f in r.findings for loc in f.locations}
                conflict = sorted(found & flip_demo.CONFLICT_LINES)
                print(
                    f"{name} LBL006 min_confidence={conf} max_given={given}: "
                    f"{pr(found - flip_demo.CONFLICT_LINES, planted)}, planted conflict flagged: {conflict} "
                    f"(per field: {r.metrics.get('fields')})"
                )


def quality() -> None:
    demo_quality()
    with tempfile.TemporaryDirectory() as tmp:
        for n, seed in ((2000, 1), (5000, 2), (20000, 3)):
            records, planted = synth.classification(n, seed=seed, flip_rate=0.02, foreign_rate=0.01)
            path = write(Path(tmp) / f"train{n}.jsonl", records)
            truth_flips = {i + 1 for i in planted.flips}
            truth_foreign = {i + 1 for i in planted.foreign}
            for conf, given in THRESHOLDS:
                results, _ = scan(
                    {"train": path}, ["LBL006"], {"LBL006": {"min_confidence": conf, "max_given": given}}
                )
                r = results["LBL006"]
                found = {loc.line for f in r.findings for loc in f.locations}
                print(
                    f"n={n} LBL006 min_confidence={conf} max_given={given}: {pr(found, truth_flips)} "
                    f"(oof accuracy {r.metrics.get('oof_accuracy')})"
                )
            results, _ = scan({"train": path}, ["COV002"])
            found = {loc.line for f in results["COV002"].findings for loc in f.locations}
            print(f"n={n} COV002 minority language: {pr(found, truth_foreign)}")


def speed(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        records, _ = synth.classification(n, seed=7, flip_rate=0.02, foreign_rate=0.01, rare=15)
        test, _ = synth.classification(max(n // 10, 10), seed=8, foreign_rate=0.01)
        paths = {
            "train": write(Path(tmp) / "train.jsonl", records),
            "test": write(Path(tmp) / "test.jsonl", test),
        }
        t = time.perf_counter()
        results, times = scan(paths, ["LBL", "COV"])
        total = time.perf_counter() - t
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for key, (wall, cpu) in times.items():
            extra = ""
            if key in results:
                r = results[key]
                extra = f" {r.status.value} findings={len(r.findings)} {r.reason}"
            print(f"{key:8s} wall {wall:7.2f} s  cpu {cpu:7.2f} s{extra}")
        walls = sum(w for k, (w, _) in times.items() if k != "load")
        cpus = sum(c for k, (_, c) in times.items() if k != "load")
        print(f"LBL+COV checks: wall {walls:.2f} s, cpu {cpus:.2f} s; with loading {total:.2f} s wall")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "quality":
        quality()
    else:
        speed(int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
