"""The Ray engine against the local one on the developer corpus (issue #22's equivalence bar).

Scans every set of `benchmarks/real/sets.toml` (files in ../shared/realdata, read where they are)
with the local engine and with `--engine ray` on one local Ray of 2 CPUs started here, and says per
set whether the two reports are the same once the engine, `ran_on`, the engine's config keys and
the timings are left out (`tests/test_ray_engine.py::comparable`), with the findings and blocks.

    python benchmarks/ray_equivalence.py [--realdata ../shared/realdata] [--block-rows 500]
        [--span-kib 256] [--driver-rows N] [--save DIR] [SET...]

With `--driver-rows N` a split of more rows stays on the workers (`ray-driver-rows`), and both
engines run only the checks of `--scopes` (default: group and summary, the ones that run on such a
split besides the record checks) and the checks whose reads are made there (`held_form`: DUP003):
their results, findings, usable counts, the verdict's conditions and the verdict must be the same
(a check whose reads are made there but not for the set's layout, skipped there as a whole-split
check, is then left out by both; `made there` counts the findings of those that ran). Chat replies are
then not looked at for a closed set of labels by either engine (a held split's are not), and a
skipped check's reason is left out of the comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_ray_engine import comparable  # noqa: E402  (the one definition of "the same report")

SPLITS = ("train", "valid", "test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="set names (default: every set)")
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--block-rows", type=int, default=500, help="rows per Ray block (small: many blocks)")
    parser.add_argument(
        "--span-kib", type=int, default=256, help="KiB of a JSONL span one worker reads (small: many tasks)"
    )
    parser.add_argument(
        "--driver-rows", type=int, default=0, help="ray-driver-rows (0: the default); --scopes' checks only"
    )
    parser.add_argument(
        "--scopes",
        nargs="+",
        default=["group", "summary"],
        help="with --driver-rows: the checks of these scopes",
    )
    parser.add_argument(
        "--save", type=Path, help="folder: each set's two reports as SET.local.json and SET.ray.json"
    )
    args = parser.parse_args()

    import ray

    import dataqa
    from dataqa.engine.registry import load_checks, make_check
    from dataqa.ingest import dataset, spread

    formed = {cid for cid, cls in load_checks().items() if make_check(cls).held_form() is not None}
    held: dict = {}
    if args.driver_rows:
        held = dict(
            ray_driver_rows=args.driver_rows,
            select=[
                cid
                for cid, cls in load_checks().items()
                if cls.scope in args.scopes or make_check(cls).held_form() is not None
            ],
        )
        dataset.closed_set_labels = lambda replies: None  # as on a held split, for both engines

    spread.SPAN_BYTES = args.span_kib * 2**10

    entries = tomllib.loads((ROOT / "benchmarks" / "real" / "sets.toml").read_text(encoding="utf-8"))["set"]
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR)
    same = 0
    try:
        print(
            "| set | findings | made there | blocks | read tasks | same report | local s | ray s |\n"
            "|---|---:|---:|---:|---:|---|---:|---:|"
        )
        chosen = [e for e in entries if not args.sets or e["name"] in args.sets]
        for entry in chosen:
            paths = {s: str(args.realdata / entry[s]) for s in SPLITS if entry.get(s)}
            options = dict(entry.get("options", {}))
            if held:
                options["select"] = held["select"]
            train = paths.pop("train")
            began = time.perf_counter()
            try:
                local = dataqa.scan(train, **paths, **options).to_dict()
            except Exception as exc:  # an unreadable set is its own result, the same for both engines
                print(f"| {entry['name']} | not scanned: {type(exc).__name__}: {str(exc)[:80]} | | | | | | |")
                continue
            middle = time.perf_counter()
            extra = {"ray_driver_rows": held["ray_driver_rows"]} if held else {}
            remote_dict = dataqa.scan(
                train, **paths, **options, **extra, engine="ray", ray_block_rows=args.block_rows
            ).to_dict()
            ended = time.perf_counter()
            # A check whose reads are made on the workers but not for this set's layout is skipped
            # there as a whole-split check: both leave it out.
            unmade = [c["id"] for c in remote_dict["checks"] if c["id"] in formed and held_back_reason(c)]
            if held and unmade:
                options["select"] = [cid for cid in options["select"] if cid not in unmade]
                local = dataqa.scan(train, **paths, **options).to_dict()
                remote_dict = dataqa.scan(
                    train, **paths, **options, **extra, engine="ray", ray_block_rows=args.block_rows
                ).to_dict()
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                for name, report in (("local", local), ("ray", remote_dict)):
                    text = json.dumps(report, indent=1, sort_keys=True, default=str)
                    (args.save / f"{entry['name']}.{name}.json").write_text(text, encoding="utf-8")
            if held:
                equal = decided(local) == decided(remote_dict)
            else:
                equal = comparable(local) == comparable(remote_dict)
            same += equal
            print(
                f"| {entry['name']} | {len(local['findings']):,} | {made_there(remote_dict, formed)} "
                f"| {remote_dict['engine']['blocks']} "
                f"| {remote_dict['engine']['read_tasks']} "
                f"| {'yes' if equal else '**no**'} | {middle - began:.1f} | {ended - middle:.1f} |",
                flush=True,
            )
        print(f"\n{same} of {len(chosen)} sets: the same report with both engines")
    finally:
        ray.shutdown()


def made_there(report: dict, formed: set[str]) -> str:
    """The findings of the checks whose reads were made on the workers ("-": none of them ran)."""
    ran = {c["id"] for c in report["checks"] if c["id"] in formed and c["status"] in ("passed", "failed")}
    held = any("stay on the Ray workers" in s["profile"].get("note", "") for s in report["splits"])
    return f"{sum(f['check_id'] in ran for f in report['findings']):,}" if ran and held else "-"


def held_back_reason(check: dict) -> bool:
    """Whether a check of a report was skipped for a split's rows left on the workers."""
    from dataqa.engine.results import WHOLE_SPLITS

    return check["status"] == "skipped" and check.get("reason", "").startswith(WHOLE_SPLITS)


def decided(report: dict) -> dict:
    """What the checks decided: their results without timings (nor a skipped one's reason), the
    findings, the usable counts, the conditions and the verdict."""
    checks = [
        {
            k: v
            for k, v in c.items()
            if k not in ("duration_s", "ran_on", "reason" if c["status"] == "skipped" else "")
        }
        for c in report["checks"]
    ]
    keys = ("findings", "usable", "conditions", "verdict")
    return {"checks": checks, **{k: report[k] for k in keys}}


if __name__ == "__main__":
    main()
