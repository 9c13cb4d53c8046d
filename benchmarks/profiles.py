"""Benchmark: cost of the structure column and of the PROV/TOOL/PREF checks (results: profiles.md).

    python benchmarks/profiles.py [rows]

Generates seeded synthetic files in a temporary folder (plain chat, tool-calling chat, preference
pairs), then for each runs a scan in a fresh process and reports wall time, peak RSS, and the
in-memory size of the `structure` column. Plain chat shows what the column costs data that has no
structure (it should be nothing but the validity bitmap).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": f"{name.replace('_', ' ')} for a customer",
            "parameters": {
                "type": "object",
                "properties": {
                    "order_id": {"type": "string"},
                    "reason": {"type": "string", "enum": ["late", "lost"]},
                },
                "required": ["order_id"],
            },
        },
    }
    for name in ("get_order", "refund_order", "track_parcel", "cancel_order")
]


def _text(rng: random.Random, words: int) -> str:
    vocab = [
        "order",
        "parcel",
        "refund",
        "late",
        "lost",
        "card",
        "charged",
        "twice",
        "address",
        "change",
        "please",
        "help",
        "thanks",
        "when",
        "where",
    ]
    return " ".join(rng.choice(vocab) for _ in range(words)) + f" #{rng.randrange(10**6)}"


def plain(rng: random.Random) -> dict:
    return {
        "messages": [
            {"role": "user", "content": _text(rng, 30)},
            {"role": "assistant", "content": _text(rng, 40)},
        ]
    }


def tool_call(rng: random.Random) -> dict:
    name = rng.choice(TOOLS)["function"]["name"]
    args = json.dumps({"order_id": str(rng.randrange(10**6))})
    return {
        "messages": [
            {"role": "user", "content": _text(rng, 30)},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": _text(rng, 10)},
            {"role": "assistant", "content": _text(rng, 40)},
        ],
        "tools": TOOLS,
    }


def pair(rng: random.Random) -> dict:
    return {"prompt": _text(rng, 30), "chosen": _text(rng, 40), "rejected": _text(rng, 25)}


MEASURE = r"""
import resource, sys, time
from dataqa.engine.config import load_config
from dataqa.engine.runner import execute
path, profile = sys.argv[1], sys.argv[2]
config = load_config(discover=False, select=["PROV", "TOOL", "PREF"], profile=profile)
t0 = time.perf_counter()
ctx, report = execute({"train": path}, config)
scan_s = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
col = ctx.train.frame["structure"]
print(f"{ctx.train.frame.height}\t{scan_s:.2f}\t{rss:.0f}\t{col.null_count()}\t"
      f"{col.estimated_size() / 2**20:.1f}\t{len(report.findings)}")
"""


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(20261129)
    print("data\trows\tscan_s (load + PROV/TOOL/PREF)\tpeak_rss_MB\tstructure_nulls\tstructure_MB\tfindings")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, profile in (
            ("plain chat", plain, "openai"),
            ("tool calls", tool_call, "openai"),
            ("preference", pair, "generic"),
        ):
            path = Path(tmp) / f"{name.replace(' ', '_')}.jsonl"
            with open(path, "wb") as fh:
                for _ in range(rows):
                    fh.write(orjson.dumps(make(rng)) + b"\n")
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path), profile],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            size = path.stat().st_size / 2**20
            print(f"{name} ({size:.0f} MB)\t{out}")


if __name__ == "__main__":
    main()
