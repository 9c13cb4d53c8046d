"""The model checks on a sample of a held train split against the local engine's on the whole split.

For each set of `benchmarks/real/sets.toml` named, scans train (and its test split) with the local
engine and with `--engine ray` on one local Ray of 2 CPUs, train held on the workers
(`--driver-rows`), once per `--sample-rows`, and prints per check: the findings of each, how many of
the rows the sample's findings name the whole-split run named too (rows named, with the same suggested label
for LBL006), the rows of the sample, and the wall time of each run (load on the machine
included). A sample as large as the split must give the local findings exactly.

    python benchmarks/ray_sample.py SET... [--realdata ../shared/realdata]
        [--sample-rows 2000 5000] [--driver-rows 200] [--checks LBL006 COV004]
"""

from __future__ import annotations

import argparse
import logging
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("train", "valid", "test")


def flagged(findings: list[dict]) -> set[tuple]:
    """The rows the findings name, with a mislabel's suggested label (a row flagged for another
    label is not the same finding)."""
    return {
        (loc["split"], loc["line"], f["metrics"].get("suggested")) for f in findings for loc in f["locations"]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="set names")
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--sample-rows", type=int, nargs="+", default=[2_000, 5_000])
    parser.add_argument("--driver-rows", type=int, default=200)
    parser.add_argument("--checks", nargs="+", default=["LBL006", "COV004"])
    args = parser.parse_args()

    import ray

    import dataqa

    entries = tomllib.loads((ROOT / "benchmarks" / "real" / "sets.toml").read_text(encoding="utf-8"))["set"]
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR)
    print(
        "| set | check | sample rows | of | rows flagged (sample) | rows flagged (whole) | also in whole "
        "| sample s | whole s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for entry in [e for e in entries if e["name"] in args.sets]:
            paths = {s: str(args.realdata / entry[s]) for s in SPLITS if entry.get(s)}
            options = dict(entry.get("options", {}))
            train = paths.pop("train")
            for check in args.checks:
                began = time.perf_counter()
                local = dataqa.scan(train, **paths, **options, select=[check]).to_dict()
                whole_s = time.perf_counter() - began
                whole = flagged(local["findings"])
                for rows in args.sample_rows:
                    began = time.perf_counter()
                    remote = dataqa.scan(
                        train,
                        **paths,
                        **options,
                        select=[check],
                        engine="ray",
                        ray_driver_rows=args.driver_rows,
                        ray_sample_rows=rows,
                    ).to_dict()
                    sample_s = time.perf_counter() - began
                    result = remote["checks"][0]
                    drawn = result["metrics"].get("sample", {})
                    found = flagged(remote["findings"])
                    status = result["status"] if result["status"] == "skipped" else ""
                    print(
                        f"| {entry['name']} | {check} {status} | {drawn.get('rows', 'all')} | "
                        f"{drawn.get('of', '')} | {len(found)} | {len(whole)} | {len(found & whole)} | "
                        f"{sample_s:.1f} | {whole_s:.1f} |",
                        flush=True,
                    )
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
