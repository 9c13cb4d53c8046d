# ruff: noqa: RUF001
"""Benchmark of the QUAL and PII checks: recall and precision on planted defects, and speed.

    python benchmarks/quality_pii/run.py --rows 100000      # writes figures to stdout
    python benchmarks/quality_pii/run.py --rows 20000 --show-fp 5

Data comes from `generate.py` (seeded). Precision counts every finding of a check on a row that
was not planted for that check as a false positive, look-alikes included; checks with no planted
defects report their findings on the whole set (all of them are false positives).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

import dataqa
from dataqa.engine.config import load_config
from dataqa.engine.context import Context
from dataqa.engine.registry import load_checks, make_check
from dataqa.ingest.dataset import load_split


def _time_checks(split) -> dict[str, float]:
    """Seconds per check on one shared context (the shared message frame is timed on its own)."""
    from dataqa.checks.quality.common import messages

    ctx = Context({"train": split}, load_config(discover=False))
    out = {}
    t0 = time.perf_counter()
    messages(ctx, split)
    out["messages"] = time.perf_counter() - t0
    for cid, cls in load_checks().items():
        if cid.startswith(("QUAL", "PII")):
            check = make_check(cls)
            t0 = time.perf_counter()
            list(check.run(ctx))
            out[cid] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-fp", type=int, default=0, help="print this many false positives per check")
    args = parser.parse_args()

    records, truth = generate(args.rows, args.rate, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        split = load_split("train", str(path))
        load_s = time.perf_counter() - t0
        timings = _time_checks(split)
        t0 = time.perf_counter()
        report = dataqa.scan(str(path), select=["QUAL", "PII"])
        scan_s = time.perf_counter() - t0

    found: dict[str, set[int]] = defaultdict(set)
    messages: dict[tuple[str, int], str] = {}
    for f in report.findings:
        for loc in f.locations:
            found[f.check_id].add(loc.line)
            messages[(f.check_id, loc.line)] = f.message
    planted: dict[str, set[int]] = defaultdict(set)
    for line, check in truth.items():
        planted[check].add(line)

    print(f"rows {args.rows:,}  planted rows {len(truth):,}  seed {args.seed}")
    print(f"load {load_s:.1f} s; whole scan with QUAL+PII (load included) {scan_s:.1f} s")
    print("checks alone (one shared context): " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    print(f"checks total {sum(timings.values()):.1f} s")
    print()
    print("| check | planted | found | true pos. | false pos. | on clean rows | recall | precision |")
    print("|---|---|---|---|---|---|---|---|")
    for result in sorted(report.results, key=lambda r: r.check_id):
        cid = result.check_id
        p, fnd = planted.get(cid, set()), found.get(cid, set())
        tp = len(p & fnd)
        fp = fnd - p
        recall = f"{tp / len(p):.3f}" if p else "–"
        precision = f"{tp / len(fnd):.3f}" if fnd and p else ("–" if not fnd else "0")
        on_clean = len([line for line in fp if line not in truth])
        print(f"| {cid} | {len(p)} | {len(fnd)} | {tp} | {len(fp)} | {on_clean} | {recall} | {precision} |")
        if args.show_fp:
            for line in sorted(fp)[: args.show_fp]:
                msgs = records[line - 1]["messages"]
                print(f"    FP line {line} (planted: {truth.get(line, '-')}) {messages[(cid, line)][:100]}")
                print(f"       {msgs[-1]['content'][:160]!r}")
            for line in sorted(p - fnd)[: args.show_fp]:
                msgs = records[line - 1]["messages"]
                print(f"    FN line {line}: {msgs[-2]['content'][:80]!r} -> {msgs[-1]['content'][:160]!r}")
        if result.status.value == "errored":
            print(f"    ERRORED: {result.reason}")


if __name__ == "__main__":
    main()
