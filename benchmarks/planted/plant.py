# ruff: noqa: E501  (Markdown rows and messages read better unwrapped)
"""Recall on defects planted into public sets of every format, per kind, and the false alarms planting adds.

Why: the work is judged on public fine-tuning sets nobody here has seen, into which someone plants
defects a user cares about at known records, in the set's own format. This does the same: for each
base of `shapes.BASES` (chat, ShareGPT, Bedrock, Alpaca, question/answer, preference pairs, text/label
in JSONL, JSON arrays, CSV and `LABEL text` lines) it takes the first `--rows` rows of the set as train
and the held-out file (or the rows after them) as test/valid, writes them back unplanted, plants a few
records of every kind the shape has room for (`kinds.KINDS`, worded anew from the seed), and scans
both copies with `dataqa.scan`. A plant is found when a finding the unplanted copy did not have names
all its records; the table gives per kind the plants found, by which checks, the findings that also
named clean records, and the new findings that name no planted record at all (false alarms).

    python benchmarks/planted/plant.py [--realdata ../shared/realdata] [--only NAME ...] [--rows 400]
        [--per-kind 2] [--seed 19] [--out /tmp/planted] [--md benchmarks/planted.md]

`--out` keeps each base's planted copy, its manifest (kind, file, record) and the scored result.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kinds import Planter
from records import KINDS
from shapes import BASES, Base, read, write

import dataqa

ROOT = Path(__file__).resolve().parents[2]


def load(base: Base, realdata: Path, rows: int, held_rows: int) -> dict[str, list[Any]]:
    """The base's train rows and held-out rows (its own held-out file, or the train file's next rows)."""
    if base.held:
        return {
            "train": read(base, realdata / base.train, rows),
            base.held_split: read(base, realdata / base.held, held_rows),
        }
    both = read(base, realdata / base.train, rows + held_rows)
    if base.every > 1:  # a file sorted by label: every fifth record held out, so both splits share classes
        return {"train": [r for i, r in enumerate(both) if i % 5], base.held_split: both[::5]}
    cut = min(rows, len(both) * 4 // 5)
    return {"train": both[:cut], base.held_split: both[cut:]}


def scan(base: Base, folder: Path, rows: dict[str, list[Any]]) -> tuple[list[dict], dict, dict]:
    """Write the splits to `folder` and scan them: the findings as (check, records named), the paths
    written, and per split the record index of each location key ("line"/"record", n)."""
    folder.mkdir(parents=True, exist_ok=True)
    ext = {"jsonl": "jsonl", "json": "json", "csv": "csv", "lines": "txt", "tsv": "tsv", "rasa": "json"}[
        base.file
    ]
    paths, index = {}, {}
    for split, recs in rows.items():
        paths[split] = folder / f"{split}.{ext}"
        keys = write(base, recs, paths[split])
        index[split] = {key: i for i, key in enumerate(keys)}
    report = dataqa.scan(
        str(paths["train"]), **{s: str(p) for s, p in paths.items() if s != "train"}, **base.options
    )
    found = []
    for f in report.to_dict()["findings"]:
        named = set()
        for loc in f["locations"]:
            key = ("record", loc["record"]) if loc.get("record") is not None else ("line", loc.get("line"))
            i = index.get(loc["split"], {}).get(key)
            if i is not None:
                named.add((loc["split"], i))
        found.append({"check": f["check_id"], "named": named, "message": f["message"][:160]})
    return found, paths, index


def plant_base(base: Base, realdata: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Plant into one base, scan both copies, score every plant."""
    rng = random.Random(f"{args.seed}:{base.name}")
    rows = load(base, realdata, args.rows, args.held_rows)
    out = args.out / base.name
    began = time.perf_counter()
    before, _, _ = scan(base, out / "base", rows)
    base_seconds = time.perf_counter() - began
    named_before = set().union(*(f["named"] for f in before)) if before else set()
    free = {s: {i for i in range(len(r)) if (s, i) not in named_before} for s, r in rows.items()}
    planted_rows = copy.deepcopy(rows)
    planter = Planter(base, planted_rows, free, rng)
    plants = []
    scarce = ("tool_", "pair_")  # kinds only some records have room for plant first
    for kind, make in sorted(KINDS.items(), key=lambda kv: not kv[0].startswith(scarce)):
        for _ in range(args.per_kind):
            try:
                recs = make(planter)
            except (TypeError, IndexError, KeyError, AttributeError):  # the shape has no room for it
                recs = None
            if recs:
                plants.append({"kind": kind, "records": sorted(recs)})
    after, paths, index = scan(base, out / "planted", planted_rows)
    where = {
        (split, i): f"{split}:{kind} {n}" for split, keys in index.items() for (kind, n), i in keys.items()
    }
    old = {(f["check"], frozenset(f["named"])) for f in before}  # a count in a message may change
    new = [f for f in after if (f["check"], frozenset(f["named"])) not in old]
    planted_recs = {tuple(r) for p in plants for r in p["records"]}
    for p in plants:
        recs = {tuple(r) for r in p["records"]}
        hits = [f for f in new if recs <= f["named"]]
        p["found_by"] = sorted({f["check"] for f in hits})
        p["extra"] = sorted({f["check"] for f in hits if f["named"] - planted_recs})
        p["touched_by"] = sorted({f["check"] for f in new if f["named"] & recs} - set(p["found_by"]))
        p["file"] = str(paths[p["records"][-1][0]].relative_to(args.out))
        p["where"] = [where[tuple(r)] for r in p["records"]]  # as a finding's location says it
    # a group the base had regrouped (a pair that became a trio, a test record matched to another
    # train twin) names records the same check named before: moved, not new
    seen_by: dict[str, set] = defaultdict(set)
    for f in before:
        seen_by[f["check"]] |= f["named"]
    alarms = [
        {"check": f["check"], "message": f["message"], "records": sorted(f["named"])}
        for f in new
        if f["named"] and not f["named"] & planted_recs and not f["named"] <= seen_by[f["check"]]
    ]
    result = {
        "base": base.name,
        "file": base.file,
        "shape": base.shape,
        "rows": {s: len(r) for s, r in rows.items()},
        "plants": plants,
        "false_alarms": alarms,
        "base_seconds": round(base_seconds, 1),
    }
    (out / "manifest.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False, default=list), encoding="utf-8"
    )
    return result


def table(results: list[dict[str, Any]]) -> str:
    """Per kind: plants found / planted, the checks that found them, plants whose finding also named clean rows."""
    per: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "found": 0, "by": set(), "extra": 0, "missed": []}
    )
    for r in results:
        for p in r["plants"]:
            row = per[p["kind"]]
            row["n"] += 1
            row["found"] += bool(p["found_by"])
            row["by"].update(p["found_by"])
            row["extra"] += bool(p["extra"])
            if not p["found_by"]:
                row["missed"].append(
                    r["base"] + (f" (touched by {', '.join(p['touched_by'])})" if p["touched_by"] else "")
                )
    lines = ["| kind | found | by | also named clean rows | missed in |", "|---|---|---|---|---|"]
    for kind in KINDS:
        if kind in per:
            row = per[kind]
            missed = "; ".join(sorted(set(row["missed"])))
            lines.append(
                f"| {kind} | {row['found']}/{row['n']} | {', '.join(sorted(row['by']))} | {row['extra']} | {missed} |"
            )
    total = sum(r["n"] for r in per.values())
    found = sum(r["found"] for r in per.values())
    lines.append(f"| **all** | **{found}/{total}** | | | |")
    alarms = [
        "",
        "False alarms (new findings that name no planted record, and a record their check did not name before), per base:",
        "",
    ]
    for r in results:
        checks = defaultdict(int)
        for a in r["false_alarms"]:
            checks[a["check"]] += 1
        alarms.append(
            f"- {r['base']} ({r['file']}, {r['shape']}, rows {r['rows']}): "
            + (", ".join(f"{c} x{n}" for c, n in sorted(checks.items())) or "none")
        )
    return "\n".join(lines + alarms) + "\n"


def machine() -> str:
    """The machine's state a reader needs to compare two runs."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {sha}, dataqa {dataqa.__version__}, {os.cpu_count()} CPUs, load {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realdata", type=Path, default=Path("/work/shared/realdata"))
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--held-rows", type=int, default=100)
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--out", type=Path, default=Path("/tmp/planted"))
    parser.add_argument("--md", type=Path, help="write the table to this Markdown file's results section")
    args = parser.parse_args()
    results = []
    for base in BASES:
        if args.only and base.name not in args.only:
            continue
        began = time.perf_counter()
        results.append(plant_base(base, args.realdata, args))
        print(
            f"{base.name}: {sum(bool(p['found_by']) for p in results[-1]['plants'])}/{len(results[-1]['plants'])} "
            f"found, {len(results[-1]['false_alarms'])} false alarms, {time.perf_counter() - began:.0f} s",
            flush=True,
        )
    text = (
        f"Run {machine()}; seed {args.seed}, {args.rows} train rows, {args.per_kind} plants per kind per base.\n\n"
        + table(results)
    )
    print(text)
    (args.out / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False, default=list), encoding="utf-8"
    )
    if args.md:
        head = (
            args.md.read_text(encoding="utf-8").split("\n## Results\n")[0]
            if args.md.exists()
            else "# Planted defects\n"
        )
        args.md.write_text(f"{head.rstrip()}\n\n## Results\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
