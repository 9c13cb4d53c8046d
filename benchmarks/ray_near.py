"""DUP003 (or `--check`: LBL007, LEAK003-005) on held splits against the local engine (issue #22).

Stages 7 to 11: on a split held on the Ray workers, wall time, the driver's peak resident memory
and whether the findings are the same, on the generated chat set (or `--shape intents`: short
utterances under 150 intents, labelled).

    python benchmarks/ray_near.py --rows 300000 [--driver-rows 100000] [--data /tmp/dataqa-scan]
        [--check DUP003] [--shape chat|intents]

Each engine scans in a child process of its own (`--select DUP003`, train + test/10; with Ray, train
past `--driver-rows` stays on the workers, a local Ray of 2 CPUs), so each peak is its process's
alone (Ray's workers not counted: `per_block` and `workers` of the report say theirs).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan import dataset


def one(engine: str, train: str, test: str, driver_rows: int, out: str, check: str = "DUP003") -> None:
    """The child: one scan, its report and figures written to `out`."""
    import dataqa

    options: dict = dict(test=test, select=[check], jobs=2)
    if engine == "ray":
        options.update(engine="ray", ray_driver_rows=driver_rows)
    began = time.perf_counter()
    report = dataqa.scan(train, **options).to_dict()
    figures = {
        "wall_s": round(time.perf_counter() - began, 1),
        "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }
    Path(out).write_text(json.dumps({"report": report, "figures": figures}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--driver-rows", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/dataqa-scan"))
    parser.add_argument("--check", default="DUP003", help="the check scanned (DUP003, LBL007, ...)")
    parser.add_argument("--shape", default="chat", choices=["chat", "intents"], help="the generated set")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, train, test, rows, out, check = args.child
        one(engine, train, test, int(rows), out, check)
        return
    train, test = dataset(args.data, args.rows, max(args.rows // 10, 1), args.shape)
    got = {}
    for engine in ("ray", "local"):
        out = args.data / f"near-{args.check}-{args.shape}-{engine}-{args.rows}.json"
        child = [sys.executable, __file__, "--child", engine, str(train), str(test), str(args.driver_rows)]
        subprocess.run([*child, str(out), args.check], check=True)
        got[engine] = json.loads(out.read_text())
    reports = {engine: got[engine]["report"] for engine in got}
    same = reports["ray"]["findings"] == reports["local"]["findings"]
    checks = {engine: next(c for c in r["checks"] if c["id"] == args.check) for engine, r in reports.items()}
    engine = reports["ray"]["engine"]
    print(
        f"{args.shape}: rows {args.rows:,} train + {args.rows // 10:,} test, "
        f"ray-driver-rows {args.driver_rows:,}"
    )
    for name in ("ray", "local"):
        f = got[name]["figures"]
        print(
            f"- {name}: wall {f['wall_s']} s, driver peak RSS {f['peak_gb']} GB, {args.check} "
            f"{checks[name]['status']} {len(reports[name]['findings']):,} findings, "
            f"{checks[name]['duration_s']} s"
        )
    workers = {w: v["peak_rss_mb"] for w, v in engine.get("workers", {}).items()}
    print(f"- the same findings: {'yes' if same else 'NO'}; Ray workers' peak RSS (MB): {workers}")
    held = [
        s["name"]
        for s in reports["ray"]["splits"]
        if "stay on the Ray workers" in s["profile"].get("note", "")
    ]
    metrics = checks["ray"].get("metrics") == checks["local"].get("metrics")
    print(f"- held on the workers: {held}; {args.check}'s metrics the same: {metrics}")


if __name__ == "__main__":
    main()
