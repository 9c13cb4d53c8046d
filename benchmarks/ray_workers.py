"""The Ray workers' side of a scan alone (issue #22): only the checks that run on the workers.

Scans the generated chat set of `--rows` rows (`benchmarks/scan.py`'s data) with `--engine ray`
and `--select` the record- and summary-scope checks, in a fresh process whose local Ray gives its
workers `POLARS_MAX_THREADS` = `--polars-threads` (the scan's default is 1), and prints the
blocks' task figures from the report (`engine.per_block`, `engine.workers`): the time the
workers spent, their CPU, and the throughput per CPU that `benchmarks/ray.md`'s projections use.

    python benchmarks/ray_workers.py --rows 100000 --polars-threads 1|2 [--block-rows 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from scan import dataset  # noqa: E402  (the same generated data as the full benchmark)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--polars-threads", default="1", help="POLARS_MAX_THREADS of the Ray workers")
    parser.add_argument("--block-rows", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/dataqa-scan"))
    args = parser.parse_args()

    from dataqa.engine.registry import RECORD, SUMMARY, load_checks

    ids = [cid for cid, cls in load_checks().items() if cls.scope in (RECORD, SUMMARY)]
    train, test = dataset(args.data, args.rows, max(args.rows // 10, 1))
    with tempfile.TemporaryDirectory() as tmp:
        config, out = Path(tmp) / "dataqa.toml", Path(tmp) / "report.json"
        config.write_text(f"select = {json.dumps(ids)}\nray-block-rows = {args.block_rows}\n")
        command = [sys.executable, "-m", "dataqa.commands.cli", "scan", str(train), "--test", str(test)]
        command += ["--config", str(config), "--engine", "ray", "--json", str(out), "-q", "--exit-zero"]
        load = os.getloadavg()[0]
        began = time.perf_counter()
        env = {**os.environ, "POLARS_MAX_THREADS": args.polars_threads}
        subprocess.run(command, check=True, env=env)
        wall = time.perf_counter() - began
        engine = json.loads(out.read_text())["engine"]
    blocks = engine["per_block"]
    task_wall, task_cpu = sum(b["wall_s"] for b in blocks), sum(b["cpu_s"] for b in blocks)
    stages: dict[str, float] = {}
    for b in blocks:
        for name, seconds in b["stages"].items():
            stages[name] = stages.get(name, 0.0) + seconds
    rows = sum(b["rows"] for b in blocks)
    print(
        f"{rows:,} rows in {len(blocks)} blocks, POLARS_MAX_THREADS={engine['worker_env']}, "
        f"load {load:.1f} -> {os.getloadavg()[0]:.1f}: scan {wall:.1f} s; tasks {task_wall:.1f} s wall, "
        f"{task_cpu:.1f} s CPU (" + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()) + "); "
        f"{rows / task_cpu:,.0f} rows per CPU-second; workers: "
        + "; ".join(
            f"{w['blocks']} blocks {w['wall_s']:.1f} s peak {w['peak_rss_mb']:.0f} MB"
            for w in engine["workers"].values()
        )
    )


if __name__ == "__main__":
    main()
