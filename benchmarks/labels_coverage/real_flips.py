"""LBL006 / LBL002 recall on planted defects in real intent sets and in the intents generator.

    python benchmarks/labels_coverage/real_flips.py flips --realdata ../shared/realdata
        [--sets hwu64,banking77,clinc150,snips] [--rows 400] [--seed 7] [--option trusted_accuracy=1.0]
    python benchmarks/labels_coverage/real_flips.py near

`flips`: 2 % of the train labels of HWU64, Banking77, CLINC150 (and SNIPS) changed to another label
at random (seed 7), LBL006 alone; prints the planted flips found and the other flags. `--rows N`
takes the file's first N rows instead of all (these files are sorted by intent: the first 400 rows
are three or four far-apart intents, the shape of `benchmarks/planted`'s banking77 base);
`--option` sets an LBL006 option (repeatable), to compare a rule with its predecessor. `near`: the
22k-row intents generator (benchmarks/similarity/intents.py) with 150 near copies of random rows
given another label (seed 3), LBL002 alone; prints the planted pairs reported in one group.
Results are written by hand into benchmarks/labels_coverage.md, with the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "similarity"))

import intents  # noqa: E402

import dataqa  # noqa: E402

SETS = {
    "hwu64": "hwu64_home_intents/RasaNlu_Merged_KFold_1_2018_03_22-13_01_25_169.json",
    "banking77": "banking77_polyai/train.csv",
    "clinc150": "clinc150_oos/data_full.json",
    "snips": "snips_nlu_benchmark",
}


def load(name: str, realdata: Path) -> list[tuple[str, str]]:
    """(text, label) of a set's train split, in file order."""
    path = realdata / SETS[name]
    if name == "hwu64":
        records = json.loads(path.read_text(encoding="utf-8"))["rasa_nlu_data"]["common_examples"]
        return [(r["text"], r["intent"]) for r in records]
    if name == "snips":  # one file per intent: {"<Intent>": [{"data": [{"text": ...}, ...]}]}
        return [
            ("".join(part["text"] for part in record["data"]), intent)
            for file in sorted(path.glob("*/train_*.json"))
            for intent, records in json.loads(file.read_text(encoding="latin-1")).items()
            for record in records
        ]
    if name == "banking77":
        with path.open(newline="", encoding="utf-8") as f:
            return [(r["text"], r["category"]) for r in csv.DictReader(f)]
    return [(text, label) for text, label in json.loads(path.read_text(encoding="utf-8"))["train"]]


def write(records: list[dict], folder: Path, name: str) -> str:
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def lines_of(report: dict, check: str) -> list[set[int]]:
    """The train lines of each finding of one check."""
    return [{loc["line"] for loc in f["locations"]} for f in report["findings"] if f["check_id"] == check]


def flips(
    realdata: Path,
    names: list[str],
    rate: float = 0.02,
    seed: int = 7,
    first: int = 0,
    options: dict | None = None,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            rows = load(name, realdata)[: first or None]
            rng = random.Random(seed)
            labels = sorted({label for _, label in rows})
            picked = sorted(rng.sample(range(len(rows)), round(len(rows) * rate)))
            records = [{"text": text, "label": label} for text, label in rows]
            for i in picked:
                records[i]["label"] = rng.choice([x for x in labels if x != rows[i][1]])
            began = time.process_time()
            path = write(records, Path(tmp), f"{name}.jsonl")
            report = dataqa.scan(path, select=["LBL006"], checks={"LBL006": options or {}}).to_dict()
            flagged = set().union(*lines_of(report, "LBL006"))
            truth = {i + 1 for i in picked}
            print(
                f"{name}: {len(rows)} rows, planted {len(truth)}, found {len(flagged & truth)}, "
                f"other flags {len(flagged - truth)} ({time.process_time() - began:.1f} CPU s)"
            )


def near(copies: int = 150, seed: int = 3) -> None:
    train, _, _ = intents.generate(22_000, 0)
    labels = sorted({r["label"] for r in train})
    rng = random.Random(seed)
    planted = []
    for k in rng.sample(range(len(train)), copies):
        src = train[k]
        other = rng.choice([x for x in labels if x != src["label"]])
        train.append({"text": intents.near_copy(rng, src["text"]), "label": other})
        planted.append((k + 1, len(train)))
    with tempfile.TemporaryDirectory() as tmp:
        began = time.process_time()
        report = dataqa.scan(write(train, Path(tmp), "train.jsonl"), select=["LBL002"]).to_dict()
    groups = lines_of(report, "LBL002")
    found = sum(any(a in g and b in g for g in groups) for a, b in planted)
    print(
        f"intents 22k: planted {copies}, found {found}, groups {len(groups)} "
        f"({time.process_time() - began:.1f} CPU s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["flips", "near"])
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--sets", default="hwu64,banking77,clinc150")
    parser.add_argument("--rows", type=int, default=0, help="the file's first N rows (0: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--option", action="append", default=[], help="an LBL006 option, KEY=VALUE")
    args = parser.parse_args()
    if args.mode == "flips":
        options = {k: json.loads(v) for k, v in (o.split("=", 1) for o in args.option)}
        flips(args.realdata, args.sets.split(","), seed=args.seed, first=args.rows, options=options)
    else:
        near()


if __name__ == "__main__":
    main()
