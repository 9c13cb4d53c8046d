"""Real-data benchmark (#19): scan every public set in ../shared/realdata, sample findings to judge.

For each set in `sets.toml` a child process runs `dataqa.scan` (the public API, with the set's
options) and reports the layout it detected, rows read and usable, the verdict, the time, its own
peak memory and every finding. The parent then

- writes `results.json` and `results.md` (per set and per family: finding counts, time, memory);
- draws up to `--per-family` findings per family per set at random with a fixed seed and writes them
  to `judged/<family>.toml`, keeping the judgement of every finding that is unchanged (same set, check and
  locations) and marking new ones `judgement = "unjudged"`; judgements are true / debatable /
  false, each with a one-line reason, written by a person who read the records;
- prints the judged precision per family (true = 1, debatable = 0.5, false = 0), and every defect
  of `expected.toml` the scan found or missed.

    python benchmarks/real/run.py [SET ...] [--realdata ../shared/realdata] [--seed 19]
        [--per-family 15] [--timeout 1800] [--no-scan] [--show [SET]]

With SET names only those sets are scanned again; the other sets keep their last results (kept in
the git-ignored benchmarks/data/real_raw.json, since findings quote the data) and their judged
findings. `--no-scan` rewrites the outputs from the last scans (after judging); `--show` prints the
unjudged sample with the records each finding names. The data stays where it is: nothing is copied.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SETS, EXPECTED, JUDGED = HERE / "sets.toml", HERE / "expected.toml", HERE / "judged"
"""One TOML file of judged findings per family (judged/<family>.toml), so that work on one family's
checks changes one file."""
RESULTS_JSON, RESULTS_MD = HERE / "results.json", HERE / "results.md"
RAW = ROOT / "benchmarks" / "data" / "real_raw.json"
"""Every finding of each set's last scan (git-ignored: it quotes the data), so that a run of some
sets keeps the others' results."""
JUDGEMENTS = ("true", "debatable", "false")
UNJUDGED = "unjudged"
SPLITS = ("train", "valid", "test")
EVIDENCE_CHARS = 200


# --- the child: one scan -------------------------------------------------------------------------


def child(entry: dict[str, Any], realdata: Path, out: Path) -> None:
    """Scan one set in this process and write what the parent needs as JSON to `out`."""
    began = time.perf_counter()
    paths = {split: str(realdata / entry[split]) for split in SPLITS if entry.get(split)}
    result: dict[str, Any] = {"name": entry["name"]}
    try:
        import dataqa

        imported = time.perf_counter()
        report = dataqa.scan(
            paths["train"], test=paths.get("test"), valid=paths.get("valid"), **entry.get("options", {})
        )
    except Exception as exc:  # an unreadable set or a rejected option is a result, not a crash
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
    else:
        result["seconds"] = round(time.perf_counter() - imported, 2)
        data = report.to_dict()
        families = {c["id"]: c["family"] for c in data["checks"]}
        result["verdict"] = data["verdict"]
        result["usable"] = data["usable"]["usable"]
        result["splits"] = [
            {
                "name": s["name"],
                "rows": s["rows"],
                "valid_rows": (s.get("profile") or {}).get("valid_rows"),
                "usable_rows": s["usable_rows"],
                # text read as chat in a template (#19) shows as "text as guanaco"; a split no
                # record of which could be read has no format (None), which stays so
                "format": (s["format"] or None)
                and s["format"] + (f" as {s['template']['name']}" if s.get("template") else ""),
                "label_source": s["label_source"],
            }
            for s in data["splits"]
        ]
        result["checks"] = [
            {"id": c["id"], "family": c["family"], "status": c["status"], "findings": c["findings"]}
            for c in data["checks"]
        ]
        result["findings"] = [
            {
                "check_id": f["check_id"],
                "family": families.get(f["check_id"], ""),
                "severity": f["severity"],
                "message": f["message"],
                "evidence": [str(e)[:EVIDENCE_CHARS] for e in f["evidence"][:3]],
                "locations": [
                    _location(loc, realdata, at)
                    for loc, at in zip(f["locations"], found.locations, strict=True)
                ],
            }
            for f, found in zip(data["findings"], report.findings, strict=True)
        ]
    result["wall_seconds"] = round(time.perf_counter() - began, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def _location(loc: dict[str, Any], realdata: Path, at: Any) -> dict[str, Any]:
    """A report location as split, file (relative to the realdata folder), physical line and, where
    that line holds other records too (a JSON document on one line: SQuAD, XQuAD), what names the
    record on it (`at`'s `on_line`: its position in nested lists, or `record N`)."""
    path = Path(loc["path"])
    try:
        rel = str(path.resolve().relative_to(realdata.resolve()))
    except ValueError:
        rel = str(path)
    out = {"split": loc["split"], "file": rel, "line": loc.get("line"), "row": loc.get("row")}
    on_line = getattr(at, "on_line", None)
    return out if on_line is None else {**out, "on": on_line}


def scan_in_child(entry: dict[str, Any], realdata: Path, timeout: float) -> dict[str, Any]:
    """Run `child` in a fresh process, so that each set's peak memory is its own."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", entry["name"]]
        cmd += ["--realdata", str(realdata), "--child-out", str(out)]
        began = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        except subprocess.TimeoutExpired:
            return {"name": entry["name"], "error": f"timeout after {timeout:.0f} s"}
        if not out.exists():
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            return {"name": entry["name"], "error": f"child exited {proc.returncode}: {' | '.join(tail)}"}
        result = json.loads(out.read_text(encoding="utf-8"))
        result["process_seconds"] = round(time.perf_counter() - began, 2)
        return result


# --- records: where each record of a file starts --------------------------------------------------


def record_lines(path: Path, records_path: str | None = None) -> list[int]:
    """The 1-based physical line each record of `path` starts on, in record order.

    JSONL: the non-blank lines. JSON: the elements of the records list (the top-level array, the
    list at `records_path`, or the first list of objects the document holds), found by a small
    scanner that tracks strings and nesting. Other text: every non-blank line.
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        return _json_element_lines(text, records_path.split(".") if records_path else None)
    return [i + 1 for i, line in enumerate(text.split("\n")) if line.strip()]


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:\n]')


def _json_element_lines(text: str, keys: list[str] | None) -> list[int]:
    """Start lines of the objects or arrays directly inside the records list of a JSON document."""
    stack: list[dict[str, Any]] = []  # open containers: kind, key path, last key, holds the records
    starts: list[int] = []
    line, last_string, found = 1, "", False
    for token in _TOKEN.finditer(text):
        t = token.group()
        if t == "\n":
            line += 1
        elif t[0] == '"':
            last_string = t[1:-1]
        elif t == ":":
            stack[-1]["key"] = last_string
        elif t in "[{":
            parent = stack[-1] if stack else None
            if parent is not None and parent["records"]:
                starts.append(line)
            path = (
                () if parent is None else (*parent["path"], parent["key"] if parent["kind"] == "{" else "*")
            )
            records = t == "[" and not found and (keys is None or list(path) == keys)
            found = found or records
            stack.append({"kind": t, "path": path, "key": None, "records": records})
        elif stack.pop()["records"]:
            return starts
    return starts


# --- expectations ---------------------------------------------------------------------------------

_REF = re.compile(r"^(train|valid|test)(?::(.+?))?([#@])(\d+)$")


def resolve(ref: str, entry: dict[str, Any], realdata: Path, cache: dict) -> tuple[str, str, int]:
    """A record reference of expected.toml as (split, file relative to realdata, physical line)."""
    match = _REF.match(ref)
    if not match:
        raise ValueError(f"bad record reference {ref!r}")
    split, file, kind, number = match.group(1), match.group(2), match.group(3), int(match.group(4))
    own = entry.get(split) or entry["train"]  # a JSON document given alone holds every split
    rel = str(Path(Path(own).parts[0]) / file) if file else own
    if kind == "@":
        return split, rel, number
    key = rel
    if key not in cache:
        cache[key] = record_lines(realdata / rel, entry.get("options", {}).get("records_path"))
    return split, rel, cache[key][number]


def check_matches(check: str, check_id: str) -> bool:
    """`check` is "*", an exact id, or a family prefix of letters."""
    return check == "*" or check_id == check or (check.isalpha() and check_id.startswith(check))


def expectations(
    sets: dict[str, dict[str, Any]], results: dict[str, dict[str, Any]], realdata: Path
) -> list[dict[str, Any]]:
    """Every group of expected.toml, found or missed, with why."""
    out = []
    cache: dict[str, list[int]] = {}
    for defect in tomllib.loads(EXPECTED.read_text(encoding="utf-8")).get("defect", []):
        entry, result = sets.get(defect["set"]), results.get(defect["set"], {})
        for group in defect["groups"]:
            row = {"set": defect["set"], "check": defect["check"], "records": group, "what": defect["what"]}
            row["source"] = defect.get("source", "")
            if entry is None:
                row.update(found=False, why="set not in sets.toml")
            elif "error" in result or "findings" not in result:
                row.update(found=False, why=f"set not scanned: {result.get('error', 'no result')}")
            else:
                wanted = {resolve(ref, entry, realdata, cache) for ref in group}
                hits = [
                    f["check_id"]
                    for f in result["findings"]
                    if check_matches(defect["check"], f["check_id"])
                    and wanted <= {(loc["split"], loc["file"], loc["line"]) for loc in f["locations"]}
                ]
                others = sorted(
                    {
                        f["check_id"]
                        for f in result["findings"]
                        if wanted & {(loc["split"], loc["file"], loc["line"]) for loc in f["locations"]}
                    }
                )
                row.update(found=bool(hits), by=sorted(set(hits)))
                if not hits:
                    row["why"] = "no such finding" + (
                        f"; those records are in {', '.join(others)}" if others else ""
                    )
            out.append(row)
    return out


# --- the judged sample ----------------------------------------------------------------------------


def where(loc: dict[str, Any], entry: dict[str, Any], on_line: bool = True) -> str:
    """`split:line`, or `split:file:line` when the split has several files (a glob's: the file's name;
    a folder's: its path in the folder, as class folders hold files of one name); a line that holds
    several records adds what names the record on it: `train:1(data[3].paragraphs[1].qas[2])`,
    `train:1(record_7)` (without `on_line`: the line alone, as keys were before it was recorded)."""
    given = entry.get(loc["split"], "")
    at = loc["line"] if loc["line"] is not None else f"row{loc['row']}"
    if on_line and loc.get("on"):
        at = f"{at}({loc['on'].replace(' ', '_')})"
    if any(ch in given for ch in "*?["):
        return f"{loc['split']}:{Path(loc['file']).name}:{at}"
    folder = given.rstrip("/") + "/"
    if loc["file"].startswith(folder):
        return f"{loc['split']}:{loc['file'][len(folder) :]}:{at}"
    return f"{loc['split']}:{at}"


def finding_key(set_name: str, finding: dict[str, Any], entry: dict[str, Any], on_line: bool = True) -> str:
    """What makes a finding the same finding: its set, check and every location."""
    spots = " ".join(where(loc, entry, on_line) for loc in finding["locations"])
    return hashlib.sha1(f"{set_name}|{finding['check_id']}|{spots}".encode()).hexdigest()[:16]


def finding_keys(
    set_name: str, findings: list[dict[str, Any]], entry: dict[str, Any], on_line: bool = True
) -> list[str]:
    """Each finding's key; where one check reports several things at the same locations (a tool
    schema's every wrong type), the message's hash tells them apart, so each is judged once.
    `on_line=False` gives the keys as they were before records sharing a line were told apart."""
    keys = [finding_key(set_name, f, entry, on_line) for f in findings]
    shared = {k for k, n in Counter(keys).items() if n > 1}
    return [
        f"{k}.{hashlib.sha1(f['message'].encode()).hexdigest()[:6]}" if k in shared else k
        for k, f in zip(keys, findings, strict=True)
    ]


def sample(
    set_name: str, findings: list[dict[str, Any]], seed: int, per_family: int
) -> dict[str, list[dict[str, Any]]]:
    """Up to `per_family` findings per family, drawn at random with a seed of its own per set and family."""
    by_family: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_family[f["family"]].append(f)
    drawn = {}
    for family, group in sorted(by_family.items()):
        rng = random.Random(f"{seed}/{set_name}/{family}")
        picks = sorted(rng.sample(range(len(group)), min(per_family, len(group))))
        drawn[family] = [group[i] for i in picks]
    return drawn


def load_judged() -> dict[str, dict[str, Any]]:
    """Every judged finding of every family file, by key."""
    judged: dict[str, dict[str, Any]] = {}
    for path in sorted(JUDGED.glob("*.toml")):
        for j in tomllib.loads(path.read_text(encoding="utf-8")).get("finding", []):
            judged[j["key"]] = j
    return judged


def toml_str(value: str) -> str:
    """A TOML basic string: JSON escapes, plus DEL, and no lone surrogates."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_judged(entries: list[dict[str, Any]]) -> None:
    """Write judged/<family>.toml for every family in `entries` (and empty the files of families
    that have no sample any more)."""
    JUDGED.mkdir(exist_ok=True)
    families = sorted({e["family"] for e in entries} | {p.stem for p in JUDGED.glob("*.toml")})
    for family in families:
        _write_family(JUDGED / f"{family}.toml", [e for e in entries if e["family"] == family])


def _write_family(path: Path, entries: list[dict[str, Any]]) -> None:
    lines = [
        "# Sampled findings of benchmarks/real/run.py, judged by reading the records. Written by the",
        "# script: edit only `judgement` (true / debatable / false) and `reason` (one line). A finding",
        "# whose set, check and locations are unchanged keeps its judgement on the next run.",
        "",
    ]
    for e in entries:
        lines.append("[[finding]]")
        for field in ("key", "set", "family", "check", "locations", "message"):
            lines.append(f"{field} = {toml_str(str(e[field]))}")
        lines.append("evidence = [" + ", ".join(toml_str(x) for x in e["evidence"]) + "]")
        lines.append(f"judgement = {toml_str(e['judgement'])}")
        lines.append(f"reason = {toml_str(e.get('reason', ''))}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def carried(previous: dict[str, dict[str, Any]], keys: tuple[str, ...], message: str) -> dict[str, Any]:
    """The judgement a finding had under an earlier key, if the message is the same; otherwise
    none. `keys`: its key without the message's hash (judged before a second finding came to share
    its spot), and its key by line alone (judged before the record on a shared line was named)."""
    for key in keys:
        for earlier in dict.fromkeys((key, key.partition(".")[0])):
            old = previous.get(earlier, {})
            if old.get("message") == message:
                return old
    return {}


def judged_sample(
    sets: dict[str, dict[str, Any]], results: dict[str, dict[str, Any]], seed: int, per_family: int
) -> list[dict[str, Any]]:
    """The sample of this run, each with the judgement it had (or "unjudged"); the judged findings
    of sets this run has no findings for (not scanned, or unreadable) are kept as they are."""
    previous = load_judged()
    scanned = {name for name, result in results.items() if "findings" in result}
    entries = [j for j in previous.values() if j["set"] not in scanned and j["set"] in sets]
    for name, result in results.items():
        if name not in sets or "findings" not in result:
            continue
        keys = dict(
            zip(map(id, result["findings"]), finding_keys(name, result["findings"], sets[name]), strict=True)
        )
        by_line = dict(
            zip(
                map(id, result["findings"]),
                finding_keys(name, result["findings"], sets[name], False),
                strict=True,
            )
        )
        for family, picked in sample(name, result["findings"], seed, per_family).items():
            for f in picked:
                key = keys[id(f)]
                spots = [where(loc, sets[name]) for loc in f["locations"]]
                shown = " ".join(spots[:8]) + (f" (+{len(spots) - 8})" if len(spots) > 8 else "")
                old = previous.get(key) or carried(previous, (key, by_line[id(f)]), f["message"][:300])
                entries.append(
                    {
                        "key": key,
                        "set": name,
                        "family": family,
                        "check": f["check_id"],
                        "locations": shown,
                        "message": f["message"][:300],
                        "evidence": f["evidence"][:2],
                        "judgement": old.get("judgement", UNJUDGED),
                        "reason": old.get("reason", ""),
                    }
                )
    return entries


def precision(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (set, family) and per ("*", family): judged counts and precision."""
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for e in entries:
        for key in ((e["set"], e["family"]), ("*", e["family"])):
            table[key][e["judgement"]] += 1
    out = {}
    for key, c in table.items():
        judged = sum(c[j] for j in JUDGEMENTS)
        value = (c["true"] + 0.5 * c["debatable"]) / judged if judged else None
        out[key] = {**{j: c[j] for j in (*JUDGEMENTS, UNJUDGED)}, "precision": value}
    return out


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _at_position(value: Any, position: str) -> Any:
    """The element of `value` at a position in nested lists (`data[3].paragraphs[1].qas[2]`), or
    `value` itself when the position does not lead anywhere."""
    inner = value
    for name, index in _STEP.findall(position):
        try:
            inner = inner[int(index)] if index else inner[name]
        except (KeyError, IndexError, TypeError):
            return value
    return inner


def record_text(
    realdata: Path, rel: str, line: int, records_path: str | None, limit: int = 700, at: str | None = None
) -> str:
    """The record that starts on `line` of `rel`, as compact JSON (or the line itself), cut at `limit`;
    on a line of several records, the one `at` names (its position in nested lists)."""
    path = realdata / rel
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    if path.suffix == ".jsonl":
        try:
            return json.dumps(_compact(json.loads(lines[line - 1])), ensure_ascii=False)[:limit]
        except ValueError:
            return lines[line - 1][:limit]
    if path.suffix != ".json":
        return lines[line - 1][:limit]
    offset = sum(len(x) + 1 for x in lines[: line - 1])
    offset += len(lines[line - 1]) - len(lines[line - 1].lstrip())
    try:
        value, _ = json.JSONDecoder().raw_decode(text, offset)
    except ValueError:
        return lines[line - 1][:limit]
    if at:
        value = _at_position(value, at)
    return json.dumps(_compact(value), ensure_ascii=False)[:limit]


def _compact(value: Any) -> Any:
    """A record without what every record repeats (tool schemas, system messages), for reading."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if k not in ("tools", "functions")}
    if isinstance(value, list):
        return [_compact(v) for v in value if not (isinstance(v, dict) and v.get("role") == "system")]
    return value


def show(entries: dict[str, dict[str, Any]], realdata: Path, only: str) -> None:
    """Print every unjudged sampled finding with the records it names (the judge's reading list)."""
    raw = json.loads(RAW.read_text(encoding="utf-8")) if RAW.exists() else {}
    judged = load_judged()
    for name, result in raw.items():
        if (only and name != only) or "findings" not in result:
            continue
        entry = entries[name]
        for f, key in zip(result["findings"], finding_keys(name, result["findings"], entry), strict=True):
            if key not in judged or judged[key]["judgement"] != UNJUDGED:
                continue
            print(f"=== {key} {name} {f['check_id']}: {f['message'][:400]}")
            for ev in f["evidence"][:2]:
                print(f"    evidence: {ev[:300]}")
            for loc in f["locations"][:4]:
                if loc["line"] is None:
                    continue
                rp = entry.get("options", {}).get("records_path")
                text = record_text(realdata, loc["file"], loc["line"], rp, at=loc.get("on"))
                print(f"    {where(loc, entry)}: {text}")
            if len(f["locations"]) > 4:
                print(f"    (+{len(f['locations']) - 4} more locations)")


# --- reports --------------------------------------------------------------------------------------


def summary(entry: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """One set's line of results.json: what was read, how long, how much memory, findings per family."""
    row: dict[str, Any] = {"set": entry["name"], "layout": entry.get("layout", "")}
    if entry.get("needs"):
        row["needs"] = entry["needs"]
    if "error" in result:
        row.update(verdict="unreadable", reason=result["error"])
        return row
    splits = result.get("splits", [])
    read = sum(s["rows"] for s in splits)
    valid = sum(s["valid_rows"] or 0 for s in splits)
    state = "unreadable" if not valid else "partial" if valid < read or entry.get("needs") else "read"
    row.update(
        read=state,
        detected={s["name"]: s["format"] for s in splits},
        rows={s["name"]: s["rows"] for s in splits},
        valid_rows={s["name"]: s["valid_rows"] for s in splits},
        usable_train=result.get("usable"),
        verdict=result.get("verdict"),
        seconds=result.get("seconds"),
        peak_mb=result.get("peak_mb"),
        findings=dict(sorted(Counter(f["family"] for f in result["findings"]).items())),
        checks_errored=[c["id"] for c in result.get("checks", []) if c["status"] == "errored"],
    )
    return row


def markdown(rows: list[dict[str, Any]], prec: dict, expected: list[dict[str, Any]], meta: dict) -> str:
    families = sorted({fam for r in rows for fam in r.get("findings", {})})
    out = [
        "# Real-data benchmark (benchmarks/real/run.py)",
        "",
        f"{meta['when']}; dataqa {meta['version']}, git {meta['git']}; {meta['machine']}; sample seed "
        f"{meta['seed']}, up to {meta['per_family']} findings per family per set. Time: the scan call "
        "(imports excluded); memory: the child process's peak resident set.",
        "",
        "| set | read | layout detected | rows | valid | usable train | verdict | s | peak MB |",
        "|---|---|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        if r.get("verdict") == "unreadable" and "rows" not in r:
            out.append(f"| {r['set']} | unreadable | {r.get('reason', '')[:120]} | | | | | | |")
            continue
        detected = ", ".join(f"{k}: {v}" for k, v in r["detected"].items())
        out.append(
            f"| {r['set']} | {r['read']} | {detected} | {sum(r['rows'].values()):,} | "
            f"{sum(v or 0 for v in r['valid_rows'].values()):,} | {r['usable_train']:,} | {r['verdict']} | "
            f"{r['seconds']} | {r['peak_mb']} |"
        )
    out += ["", "Findings per family:", "", "| set | " + " | ".join(families) + " |"]
    out.append("|---|" + "---:|" * len(families))
    for r in rows:
        counts = r.get("findings", {})
        out.append(f"| {r['set']} | " + " | ".join(str(counts.get(f, "")) for f in families) + " |")
    out += [
        "",
        "Judged precision of the sample (true 1, debatable 0.5, false 0; n = judged, u = unjudged):",
        "",
    ]
    out += ["| set | " + " | ".join(families) + " |", "|---|" + "---:|" * len(families)]
    for name in [r["set"] for r in rows] + ["*"]:
        cells = []
        for fam in families:
            p = prec.get((name, fam))
            if not p:
                cells.append("")
                continue
            n = sum(p[j] for j in JUDGEMENTS)
            value = "-" if p["precision"] is None else f"{p['precision']:.2f}"
            cells.append(f"{value} (n {n}" + (f", u {p[UNJUDGED]})" if p[UNJUDGED] else ")"))
        out.append(f"| {'all sets' if name == '*' else name} | " + " | ".join(cells) + " |")
    found = sum(e["found"] for e in expected)
    out += ["", f"Documented and observed defects (expected.toml): {found} of {len(expected)} found.", ""]
    out += ["| set | check | records | found | by / why |", "|---|---|---|---|---|"]
    for e in expected:
        by = ", ".join(e.get("by", [])) if e["found"] else e.get("why", "")
        state = "yes" if e["found"] else "MISSED"
        out.append(f"| {e['set']} | {e['check']} | {' '.join(e['records'])} | {state} | {by} |")
    needs = [r for r in rows if r.get("needs")]
    if needs:
        out += ["", "Still out of reach:", ""]
        out += [f"- {r['set']}: {r['needs']}" for r in needs]
    return "\n".join(out) + "\n"


def git_head() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="scan only these sets (others keep their last results)")
    parser.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--per-family", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--no-scan", action="store_true", help="rewrite the outputs from the last scans")
    parser.add_argument(
        "--show",
        nargs="?",
        const="",
        metavar="SET",
        help="print the unjudged sample with its records, to judge",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    entries = {e["name"]: e for e in tomllib.loads(SETS.read_text(encoding="utf-8"))["set"]}
    if args.child:
        child(entries[args.child], args.realdata, args.child_out)
        return
    unknown = [s for s in args.sets if s not in entries]
    if unknown:
        parser.error(f"unknown set(s): {', '.join(unknown)}; sets.toml has {', '.join(entries)}")
    if args.show is not None:
        show(entries, args.realdata, args.show)
        return
    if not args.realdata.is_dir():
        parser.error(f"{args.realdata} is not a folder: name the corpus with --realdata")
    raw: dict[str, dict[str, Any]] = json.loads(RAW.read_text(encoding="utf-8")) if RAW.exists() else {}
    # The judged files and results hold every set: a partial run keeps the others' last scans, so
    # it needs them (else their judged samples would be dropped from the files under version control).
    missing = [name for name in entries if name not in raw and name not in args.sets]
    if (args.sets or args.no_scan) and missing:
        parser.error(
            f"no earlier scan of {len(missing)} set(s) ({', '.join(missing[:5])}"
            f"{', ...' if len(missing) > 5 else ''}) in {RAW}: scan every set once first"
        )
    for name in [] if args.no_scan else args.sets or list(entries):
        print(f"scanning {name} ...", file=sys.stderr, flush=True)
        raw[name] = scan_in_child(entries[name], args.realdata, args.timeout)
        r = raw[name]
        print(
            f"  {r.get('error') or str(len(r['findings'])) + ' findings'} ({r.get('process_seconds')} s)",
            file=sys.stderr,
        )
    raw = {name: raw[name] for name in entries if name in raw}
    RAW.parent.mkdir(parents=True, exist_ok=True)
    RAW.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    rows = [summary(entries[name], raw[name]) for name in raw]
    entries_judged = judged_sample(entries, raw, args.seed, args.per_family)
    write_judged(entries_judged)
    prec = precision(entries_judged)
    expected = expectations(entries, raw, args.realdata)
    import dataqa

    meta = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": dataqa.__version__,
        "git": git_head(),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        "seed": args.seed,
        "per_family": args.per_family,
    }
    results = {
        "meta": meta,
        "sets": rows,
        "precision": [{"set": s, "family": f, **v} for (s, f), v in sorted(prec.items())],
        "expected": expected,
        "sample": [{k: e[k] for k in ("key", "set", "check", "judgement")} for e in entries_judged],
    }
    RESULTS_JSON.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    RESULTS_MD.write_text(markdown(rows, prec, expected, meta), encoding="utf-8")
    print_report(rows, prec, expected, entries_judged)


def print_report(rows: list, prec: dict, expected: list, judged: list) -> None:
    print("Judged precision per family (all sets; true 1, debatable 0.5, false 0):")
    for (name, family), p in sorted(prec.items()):
        if name != "*":
            continue
        n = sum(p[j] for j in JUDGEMENTS)
        value = "-" if p["precision"] is None else f"{p['precision']:.2f}"
        print(f"  {family:12} {value:>5}  judged {n:3}  unjudged {p[UNJUDGED]:3}")
    bad = [
        (k, p) for k, p in prec.items() if k[0] != "*" and p["precision"] is not None and p["precision"] < 0.9
    ]
    for (name, family), p in sorted(bad):
        print(f"  below 0.9: {name} {family} {p['precision']:.2f}")
    print(f"Expected defects: {sum(e['found'] for e in expected)} of {len(expected)} found")
    for e in expected:
        mark = "found " if e["found"] else "MISSED"
        detail = ", ".join(e.get("by", [])) if e["found"] else e.get("why", "")
        print(f"  {mark} {e['set']} {e['check']} {' '.join(e['records'])}: {detail}")
    unjudged = sum(1 for j in judged if j["judgement"] == UNJUDGED)
    if unjudged:
        print(f"{unjudged} sampled finding(s) in {JUDGED.name}/ await a judgement")


if __name__ == "__main__":
    main()
