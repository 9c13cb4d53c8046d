"""The model checks on a sample of a held train split against the local engine's on the whole split.

For each set of `benchmarks/real/sets.toml` named, scans train (and its test split) with the local
engine and with `--engine ray` on one local Ray of 2 CPUs, train held on the workers
(`--driver-rows`), once per `--sample-rows`, and prints per check: the findings of each, how many of
the rows the sample's findings name the whole-split run named too (rows named, with the same suggested label
for LBL006), the rows of the sample, and the wall time of each run (load on the machine
included). A sample as large as the split must give the local findings exactly.

    python benchmarks/ray_sample.py SET... [--realdata ../shared/realdata]
        [--sample-rows 2000 5000] [--driver-rows 200] [--checks LBL006 COV004]

With `--generated ROWS` (and no set), a labelled ticket set of that many rows from
`sample_data/generate.py` (the queue as the label, 1 % of the labels moved to another queue,
seeded) is scanned instead, each run in a child process of its own so that its wall time and peak
resident memory are its own (a Ray run's driver only; its workers' peaks are in the report).
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


def generated(rows: int, folder: Path) -> tuple[Path, set[int]]:
    """A labelled ticket set of `rows` rows (module docstring), written once, and the lines whose
    label was moved."""
    import importlib.util
    import json
    import random

    path, moved_path = folder / f"tickets-{rows}.jsonl", folder / f"tickets-{rows}.moved.json"
    if path.exists() and moved_path.exists():
        return path, set(json.loads(moved_path.read_text()))
    spec = importlib.util.spec_from_file_location("generate", ROOT / "sample_data" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(7)
    queues = sorted(module.QUEUES)
    folder.mkdir(parents=True, exist_ok=True)
    moved = []
    with open(path, "w", encoding="utf-8") as out:
        for line in range(1, rows + 1):
            text, decision = module.ticket(rng)
            label = decision["queue"]
            if rng.random() < 0.01:
                label = rng.choice([q for q in queues if q != label])
                moved.append(line)
            out.write(json.dumps({"text": text, "label": label}) + "\n")
    moved_path.write_text(json.dumps(moved))
    return path, set(moved)


def child(path: str, check: str, driver_rows: int, sample_rows: int, out: str) -> None:
    """One scan in this process (`sample_rows` 0: the local engine), its report and figures to `out`."""
    import json
    import resource

    import dataqa

    options: dict = dict(select=[check])
    if sample_rows:
        options.update(engine="ray", ray_driver_rows=driver_rows, ray_sample_rows=sample_rows)
    began = time.perf_counter()
    report = dataqa.scan(path, **options).to_dict()
    figures = {
        "wall_s": round(time.perf_counter() - began, 1),
        "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }
    Path(out).write_text(json.dumps({"report": report, "figures": figures}))


def run_generated(args: argparse.Namespace) -> None:
    """`--generated`: the whole split locally, then each sample on Ray, a child process each."""
    import json
    import subprocess
    import sys

    path, moved = generated(args.generated, args.data)
    print(f"{len(moved):,} labels moved")
    print(
        "| check | run | rows read | of | rows flagged | also in whole | moved labels among them "
        "| wall s | driver peak GB |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    for check in args.checks:
        whole: set[tuple] = set()
        for rows in [0, *args.sample_rows]:
            out = args.data / f"sample-{check}-{rows}.json"
            command = [
                sys.executable,
                __file__,
                "--child",
                str(path),
                check,
                str(args.driver_rows),
                str(rows),
            ]
            subprocess.run([*command, str(out)], check=True)
            got = json.loads(out.read_text())
            found = flagged(got["report"]["findings"])
            whole = found if not rows else whole
            drawn = got["report"]["checks"][0]["metrics"].get("sample", {})
            print(
                f"| {check} | {'local, whole split' if not rows else f'ray, sample {rows:,}'} | "
                f"{drawn.get('rows', args.generated):,} | {args.generated:,} | {len(found):,} | "
                f"{len(found & whole):,} | {len({row[1] for row in found} & moved):,} | "
                f"{got['figures']['wall_s']} | {got['figures']['peak_gb']} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="set names")
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--sample-rows", type=int, nargs="+", default=[2_000, 5_000])
    parser.add_argument("--driver-rows", type=int, default=200)
    parser.add_argument("--checks", nargs="+", default=["LBL006", "COV004"])
    parser.add_argument("--generated", type=int, default=0, help="rows of a generated labelled set")
    parser.add_argument("--data", type=Path, default=Path("/tmp/dataqa-sample"))
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, check, driver_rows, sample_rows, out = args.child
        child(path, check, int(driver_rows), int(sample_rows), out)
        return
    if args.generated:
        run_generated(args)
        return

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
