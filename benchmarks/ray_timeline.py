"""Where a Ray scan's task time goes: one scan in this process's Ray session, then Ray's own task
timeline summed by function (issue #22, `benchmarks/ray.md` stage 24).

    python benchmarks/ray_timeline.py TRAIN TEST --select DUP003 [--driver-rows 5000]

A local Ray of 2 CPUs is started here, so the scan uses it and leaves it running for
`ray.timeline()`; train past `--driver-rows` stays on the workers.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import ray

import dataqa
from dataqa.engine.ray_session import worker_env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("--select", required=True, help="comma-separated check ids")
    parser.add_argument("--driver-rows", type=int, default=5000)
    args = parser.parse_args()
    checks = args.select.split(",")
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": worker_env()})
    began = time.perf_counter()
    report = dataqa.scan(
        args.train, test=args.test, select=checks, engine="ray", ray_driver_rows=args.driver_rows
    ).to_dict()
    print(f"wall {time.perf_counter() - began:.1f} s")
    for check in report["checks"]:
        if check["id"] in checks:
            print(f"{check['id']}: {check['duration_s']} s, {check['findings']} findings")
    seconds: Counter[str] = Counter()
    calls: Counter[str] = Counter()
    for event in ray.timeline():
        if event.get("ph") == "X" and "dur" in event:
            seconds[event.get("name", "?")] += event["dur"] / 1e6
            calls[event.get("name", "?")] += 1
    for name, spent in seconds.most_common(20):
        print(f"{spent:8.1f} s {calls[name]:6d}  {name}")


if __name__ == "__main__":
    main()
