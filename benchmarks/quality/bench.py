"""CPU time of each QUAL and PII check on one loaded context, and a dump of their findings.

    python benchmarks/quality/bench.py --train T.jsonl [--test S.jsonl] [--select QUAL003,QUAL007]
        [--dump DIR]          # one JSON file per check: its findings (to_dict) and metrics
        [--repeat 3]          # the least CPU time of three runs of each check
    python benchmarks/quality/bench.py --cases DIR   # dump every QUAL/PII case file's findings

Times are `time.process_time()` (CPU seconds of this process: the machine is shared, wall time is
not comparable between runs). The splits are loaded once; the shared message frame is timed on
its own, before the checks, so no check is charged for it. Dumps from before and after a change
are compared with `diff -r`: a speed change must leave them identical.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from pathlib import Path

from dataqa.core.resources import native_threads_limited
from dataqa.engine.config import load_config
from dataqa.engine.context import Context
from dataqa.engine.registry import load_checks, make_check
from dataqa.engine.runner import run_check
from dataqa.ingest.dataset import load_split

ROOT = Path(__file__).resolve().parents[2]


def _dump(result, path: Path) -> None:
    data = {
        "status": result.status.value,
        "reason": result.reason,
        "metrics": result.metrics,
        "findings": [f.to_dict() for f in result.findings],
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _selected(select: str | None) -> dict:
    wanted = select.split(",") if select else None
    return {
        cid: cls
        for cid, cls in load_checks().items()
        if cid.startswith(("QUAL", "PII")) and (wanted is None or cid in wanted)
    }


def time_checks(args: argparse.Namespace) -> None:
    from dataqa.checks.quality.common import messages

    t0 = time.process_time()
    splits = {"train": load_split("train", args.train)}
    if args.test:
        splits["test"] = load_split("test", args.test)
    print(f"load {time.process_time() - t0:.1f} s CPU", flush=True)
    ctx = Context(splits, load_config(discover=False))
    t0 = time.process_time()
    for split in ctx:
        messages(ctx, split)
    print(f"messages {time.process_time() - t0:.2f} s CPU", flush=True)
    dump = Path(args.dump) if args.dump else None
    if dump:
        dump.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for cid, cls in _selected(args.select).items():
        spent = float("inf")
        for _ in range(args.repeat):  # the least of several runs: the machine is shared
            t0 = time.process_time()
            result = run_check(make_check(cls), ctx, debug=True)
            spent = min(spent, time.process_time() - t0)
        total += spent
        print(f"{cid} {spent:.2f} s CPU, {len(result.findings)} findings", flush=True)
        if dump:
            _dump(result, dump / f"{cid}.json")
    print(f"total {total:.2f} s CPU")


def dump_cases(args: argparse.Namespace) -> None:
    """Every case of the QUAL/PII case files, run like tests/test_cases.py, findings dumped in full."""
    import sys
    import tempfile

    import dataqa

    sys.path.insert(0, str(ROOT / "tests"))
    from test_cases import _materialise as materialise

    out = Path(args.cases)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted((ROOT / "tests/cases/quality").glob("*.toml")) + sorted(
        (ROOT / "tests/cases/pii").glob("*.toml")
    )
    for case_file in files:
        cid = case_file.stem
        cases = tomllib.loads(case_file.read_text(encoding="utf-8")).get("case", [])
        dumped = []
        for case in cases:
            with tempfile.TemporaryDirectory() as tmp:
                # The case files' own reader (tests/test_cases.py), so both read a case the same way.
                paths = {
                    split: path
                    for split in ("train", "valid", "test")
                    if (path := materialise(case, split, Path(tmp), case_file))
                }
                report = dataqa.scan(
                    paths["train"],
                    test=paths.get("test"),
                    valid=paths.get("valid"),
                    select=[cid],
                    checks={cid: case.get("options", {})},
                    **case.get("config", {}),
                )
                result = next(r for r in report.results if r.check_id == cid)
                findings = [f.to_dict() for f in result.findings]
                for f in findings:  # temporary paths differ between runs
                    for key in ("locations", "unusable"):
                        for loc in f[key]:
                            loc["path"] = Path(loc["path"]).name
                dumped.append(
                    {"name": case.get("name"), "status": result.status.value, "metrics": result.metrics}
                    | {"findings": findings}
                )
        (out / f"{cid}.json").write_text(
            json.dumps(dumped, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        print(f"{cid}: {len(cases)} cases", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train")
    parser.add_argument("--test")
    parser.add_argument("--select", help="comma-separated check ids (default: every QUAL and PII check)")
    parser.add_argument("--dump", help="directory for one findings JSON per check")
    parser.add_argument("--repeat", type=int, default=1, help="run each check this often, report the least")
    parser.add_argument("--cases", help="dump the QUAL/PII case files' findings to this directory instead")
    args = parser.parse_args()
    with native_threads_limited():
        if args.cases:
            dump_cases(args)
        else:
            time_checks(args)


if __name__ == "__main__":
    main()
