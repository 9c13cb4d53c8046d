"""Scan the blind planted sets and report found / missed per kind and every false alarm.

A planted record is found when a finding of one of its expected checks names its line. A false
alarm is a finding whose records are all clean (neither planted nor the clean partner a planted
copy was made from). Split-level findings (no record) are listed apart.

    python benchmarks/blind/generate.py --out /tmp/blind && python benchmarks/blind/run.py --data /tmp/blind

Shapes: chat, alpaca, intent, dpo (session 35); sharegpt, promptcomp, mathqa, sentiment, tools,
sgtools (ShareGPT function_call/observation), prefmsg (chosen/rejected transcripts; session 36);
qacsv (a question,answer CSV; session 38b); hfchat (a Parquet chat export) and kto (session 39);
dolly (a pretty-printed JSON array) and nli (a premise/hypothesis TSV; session 40).
Misses and alarms left on purpose are explained in `left.md`, appended to the report.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import dataqa

SPLIT_LEVEL = {"SIZE001", "SIZE003", "PREF005"}  # said of a split (their locations list its rows)
FIRST = ["chat", "alpaca", "intent", "dpo"]  # the first shapes' table (session 35) stays as it was
SHAPES = [
    "chat",
    "alpaca",
    "intent",
    "dpo",
    "sharegpt",
    "promptcomp",
    "mathqa",
    "sentiment",
    "tools",
    "sgtools",
    "prefmsg",
    "qacsv",
    "hfchat",
    "kto",
    "dolly",
    "nli",
]


def scan_shape(data: Path, shape: str):
    """One scan of a shape's train and test files (whatever their extension)."""
    (train,), (test,) = (sorted((data / shape).glob(f"{split}.*")) for split in ("train", "test"))
    return dataqa.scan(str(train), test=str(test))


def where(loc) -> int:
    """The record's line in a text file, its 0-based row in a table (Parquet)."""
    return loc.row if loc.row is not None else (loc.physical_line or loc.line)


def place(file: str, n: int) -> str:
    """`train.jsonl:12` for a line, `train.parquet row 12` for a table's 0-based row (`where`)."""
    return f"{file} row {n}" if file.endswith(".parquet") else f"{file}:{n}"


def judge(shape: str, report, truth: list[dict]) -> tuple[list[dict], list[tuple], list[tuple]]:
    """Each planted record with whether it was found and which checks named it; the false alarms;
    the split-level findings."""
    planted = [t for t in truth if t["shape"] == shape and not t.get("control")]
    controls = [t for t in truth if t["shape"] == shape and t.get("control")]
    involved = {(t["file"], t["line"]) for t in planted}
    involved |= {(p["file"], p["line"]) for t in planted for p in t["partners"]}
    named: dict[tuple[str, int], set[str]] = defaultdict(set)
    warned: dict[tuple[str, int], set[str]] = defaultdict(set)  # warnings and errors only
    alarms, split_level = [], []
    for f in report.findings:
        locs = {(Path(loc.path).name, where(loc)) for loc in f.locations}
        if not locs or f.check_id in SPLIT_LEVEL:
            split_level.append((f.check_id, f.message))
            continue
        for loc in locs:
            named[loc].add(f.check_id)
            if f.severity.label != "info":
                warned[loc].add(f.check_id)
        if not locs & involved:
            kind = "info" if f.severity.label == "info" else "alarm"
            alarms.append((f.check_id, sorted(locs)[:4], f.message, kind))
    rows = []
    for t in planted:
        got = named.get((t["file"], t["line"]), set())
        rows.append({**t, "found": bool(got & set(t["checks"])), "named_by": sorted(got)})
    for t in controls:  # a clean control passes when no warning of a forbidden check names it
        got = warned.get((t["file"], t["line"]), set())
        bad = got & set(t["checks"]) if t["checks"] else got
        rows.append({**t, "found": not bad, "named_by": sorted(bad)})
    return rows, alarms, split_level


def kind_table(results: dict, shapes: list[str]) -> tuple[list[str], int, int]:
    """A kind x shape table of found/planted (passed/controls for `ctl-*`), with the planted totals."""
    kinds = sorted({r["kind"] for s in shapes for r in results[s][0]})
    out = ["| kind | " + " | ".join(shapes) + " |", "|---|" + "---|" * len(shapes)]
    tot_f = tot_n = 0
    for kind in kinds:
        cells = []
        for s in shapes:
            rows = [r for r in results[s][0] if r["kind"] == kind]
            if not rows:
                cells.append("")
                continue
            f = sum(r["found"] for r in rows)
            if not rows[0].get("control"):
                tot_f, tot_n = tot_f + f, tot_n + len(rows)
            flag = " **flagged**" if rows[0].get("control") else " **miss**"
            cells.append(f"{f}/{len(rows)}" + ("" if f == len(rows) else flag))
        out.append(f"| {kind} | " + " | ".join(cells) + " |")
    return out, tot_f, tot_n


def render(results: dict, seconds: dict) -> str:
    """benchmarks/blind.md: kind x shape tables (the first four shapes, then the later ones), misses,
    false alarms."""
    shapes = list(results)
    out = [
        "# Blind planted benchmark",
        "",
        "Generated by `benchmarks/blind/generate.py` (seeded, written from the README alone);",
        "scored by `benchmarks/blind/run.py`. Cell: found/planted (a finding of an expected check",
        "names the record). Rows `ctl-*` are clean controls: passed/controls (no warning of the",
        "listed checks names it; a control is no planted record, so its findings are false alarms).",
        "",
    ]
    tot_f = tot_n = 0
    for group in (FIRST, [s for s in shapes if s not in FIRST]):
        group = [s for s in group if s in results]
        if group:
            table, f, n = kind_table(results, group)
            out += [*table, ""]
            tot_f, tot_n = tot_f + f, tot_n + n
    out += [
        f"Recall: {tot_f}/{tot_n} planted records. Scan time: "
        + ", ".join(f"{s} {seconds[s]:.1f}s" for s in shapes),
        "",
    ]
    out += ["## Misses", ""]
    for s in shapes:
        for r in results[s][0]:
            if not r["found"]:
                if r.get("control"):
                    flagged = ", ".join(r["named_by"])
                    out.append(f"- {s} {place(r['file'], r['line'])} {r['kind']} flagged by {flagged}")
                    continue
                out.append(
                    f"- {s} {place(r['file'], r['line'])} {r['kind']} (expected {'/'.join(r['checks'])};"
                    f" named by {', '.join(r['named_by']) or 'nothing'})"
                )
    for kind, title in (
        ("alarm", "False alarms (warnings and errors naming only clean records)"),
        ("info", "Info notes on clean records"),
    ):
        out += ["", f"## {title}", ""]
        for s in shapes:
            by_check: dict[str, list] = defaultdict(list)
            for check, locs, msg, k in results[s][1]:
                if k == kind:
                    by_check[check].append((locs, msg))
            for check, items in sorted(by_check.items()):
                locs, msg = items[0]
                where = ", ".join(place(f, n) for f, n in locs)
                out.append(f"- {s} {check} x{len(items)}: e.g. {where}: {msg[:160]!r}")
    out += ["", "## Split-level findings", ""]
    for s in shapes:
        for check, msg in results[s][2]:
            out.append(f"- {s} {check}: {msg[:160]!r}")
    left = Path(__file__).with_name("left.md")  # misses and alarms left, with the reason (written by hand)
    if left.exists():
        out += ["", left.read_text(encoding="utf-8").rstrip()]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/blind")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "blind.md"))
    ap.add_argument("--shape", action="append", choices=SHAPES)
    args = ap.parse_args()
    data = Path(args.data)
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    results, seconds = {}, {}
    for shape in args.shape or SHAPES:
        t0 = time.perf_counter()
        report = scan_shape(data, shape)
        seconds[shape] = time.perf_counter() - t0
        results[shape] = judge(shape, report, truth)
    text = render(results, seconds).replace(f"{data}/", "")
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
