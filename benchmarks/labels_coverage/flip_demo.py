"""A copy of the demo training set (sample_data/train.jsonl) with 2 % of its labels flipped, seeded.

The demo's labels are the assistant's JSON routing decision {"queue", "priority"}. A flip changes
one field (queue or priority, chosen at random) to another value, the slip an annotator makes.
Rows that carry a planted defect of sample_data/DEFECTS.md are never flipped, so every flipped
line is a clean ticket with one wrong label. sample_data/ itself is never modified.

    python benchmarks/labels_coverage/flip_demo.py OUT.jsonl   # prints the flipped line numbers
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "train.jsonl"
SEED = 4
RATE = 0.02
QUEUES = ["account", "billing", "returns", "shipping", "technical"]
PRIORITIES = ["low", "normal", "urgent"]
DEFECT_LINES = {13, 41, 301, 78, 511, 201, 881, 451, 621, 701, 951, 1001}
"""Physical lines of the demo's planted defects (sample_data/DEFECTS.md): left as they are."""
CONFLICT_LINES = {201, 881}
"""The planted conflicting pair: one of the two labels is wrong, so a flag on either is fair."""


def _decision(line: str) -> dict | None:
    """The routing decision of a demo line, or None when the line is not a clean example."""
    try:
        record = json.loads(line)
        reply = record["messages"][2]
        decision = json.loads(reply["content"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if reply.get("role") != "assistant" or not isinstance(decision, dict):
        return None
    if decision.get("queue") not in QUEUES or decision.get("priority") not in PRIORITIES:
        return None
    return decision


def flip(out: Path, rate: float = RATE, seed: int = SEED, source: Path = DEMO) -> list[int]:
    """Write the demo with `rate` of its clean rows relabelled to `out`; return the flipped lines."""
    lines = source.read_text(encoding="utf-8").split("\n")
    candidates = [
        i for i, line in enumerate(lines) if i + 1 not in DEFECT_LINES and _decision(line) is not None
    ]
    rng = random.Random(seed)
    chosen = sorted(rng.sample(candidates, round(rate * len(candidates))))
    for i in chosen:
        record = json.loads(lines[i])
        decision = _decision(lines[i]) or {}
        field = rng.choice(["queue", "priority"])
        values = QUEUES if field == "queue" else PRIORITIES
        decision[field] = rng.choice([v for v in values if v != decision[field]])
        record["messages"][2]["content"] = json.dumps(decision)
        lines[i] = json.dumps(record, ensure_ascii=False)
    out.write_text("\n".join(lines), encoding="utf-8")
    return [i + 1 for i in chosen]


if __name__ == "__main__":
    print(*flip(Path(sys.argv[1])))
