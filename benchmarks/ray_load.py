"""The Ray driver's memory after reading (issue #22): `load_splits` through the Ray engine, then the
blocks placed, on the generated chat benchmark, with the driver's resident memory at each step.

    python benchmarks/ray_load.py --rows 300000 [--data /tmp/dataqa-scan] [--max-gb 8]

Reading is where the driver's memory first grows with the rows (the passes of the workers fetched
and joined here); this measures that stage alone, without the checks (`benchmarks/scan.py` runs
the whole scan). `--max-gb` caps this process's address space (`RLIMIT_AS` is too coarse for Ray,
so the cap is on resident memory, polled)."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan import _rss_gb, dataset


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _parts() -> str:
    """This process's resident memory by kind (Linux): its own (anonymous) and the pages of Ray's
    object store it maps (shared memory), which RSS counts too."""
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f if line.startswith(("RssAnon", "RssShmem")))
    return ", ".join(f"{k} {int(v.split()[0]) / 2**20:.2f} GB" for k, v in fields.items())


def _watch(max_gb: float) -> None:
    """Stop this process when its resident memory passes `max_gb` (the machine is shared)."""
    while True:
        if _rss_gb(os.getpid()) > max_gb:
            print(f"stopped: resident memory passed {max_gb} GB", flush=True)
            os._exit(3)
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/dataqa-scan"))
    parser.add_argument("--max-gb", type=float, default=8.0)
    parser.add_argument("--train", type=Path, help="a split's file, folder or glob (instead of --rows)")
    parser.add_argument("--driver-rows", type=int, default=500_000, help="config ray-driver-rows")
    args = parser.parse_args()
    threading.Thread(target=_watch, args=(args.max_gb,), daemon=True).start()
    from dataqa.engine import ray_session, runner
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.engine.registry import load_checks, make_check

    if args.train:
        paths = {"train": str(args.train)}
    else:
        train, test = dataset(args.data, args.rows, args.rows // 10)
        paths = {"train": str(train), "test": str(test)}
    config = Config(engine="ray", ray_driver_rows=args.driver_rows)
    load = os.getloadavg()[0]
    with ray_session.session(config, cpus=2) as engine:
        began = time.perf_counter()
        splits = runner.load_splits(paths, config, None, engine)
        loaded = time.perf_counter() - began
        print(
            f"read {sum(s.rows for s in splits.values()):,} rows in {loaded:.1f} s "
            f"({engine.read_tasks} read tasks): driver {_rss_gb(os.getpid()):.2f} GB now, "
            f"peak {_peak_gb():.2f} GB ({_parts()})",
            flush=True,
        )
        checks = [make_check(cls, None) for cls in load_checks([]).values()]
        engine.place(Context(splits, config), checks, config)
        print(
            f"placed {engine.blocks} blocks: driver {_rss_gb(os.getpid()):.2f} GB now, "
            f"peak {_peak_gb():.2f} GB ({_parts()})",
            flush=True,
        )
    print(f"load average before / after: {load:.1f} / {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
