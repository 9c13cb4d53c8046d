"""`dataqa clean`: write the splits without the rows the scan found unusable, and keep every removed line.

Which rows go is decided by the scan, the same way the verdict counts usable rows: a line is kept
only when the scan read a record from it and no finding of a cleaned family lists it as `unusable`
(bad lines, every copy but the kept one of a duplicate group, train rows leaked from test,
conflicting-label groups). Blank lines, lines that hold no record, a truncated archive's partial
last line and every line of a file the scan could not read as JSONL text (UTF-16, binary) are
rejected. Nothing is lost: every physical line, read from the same stream and numbered as the scan
numbers it, lands in exactly one of `<split>.jsonl` (verbatim) or `<split>.rejects.jsonl`
(verbatim, with its line number and the check ids that removed it). The one change to a kept line
is a UTF-8 byte-order mark removed from line 1, which the split's `notes` report, as they report
an input that changed during the run.
"""

from __future__ import annotations

import base64
import contextlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from dataqa.core.errors import InputError
from dataqa.core.output import atomic_writer, check_outputs
from dataqa.engine.config import Config
from dataqa.engine.report import Report
from dataqa.engine.runner import execute
from dataqa.ingest.label_sets import is_label_set, renamed
from dataqa.ingest.load import check_readable, file_sha256
from dataqa.ingest.readers.layout import input_files

DEFAULT_FAMILIES = ("format", "duplicates", "leakage", "labels")
"""Families whose unusable rows `clean` removes by default: exactly the ones the verdict subtracts
before the "clean" stage. Quality, PII and coverage findings are for a person to judge."""

BOM = b"\xef\xbb\xbf"


@dataclass
class SplitCleaning:
    """What cleaning did to one split."""

    name: str
    source: str
    output: str
    rejects: str
    lines: int = 0
    kept: int = 0
    rejected: int = 0
    relabelled: int = 0
    by_check: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """What the user must know: the one change made to a kept line (a UTF-8 byte-order mark
    removed), an input that changed during the run."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CleanResult:
    """The scan that drove the cleaning and what happened to each split."""

    report: Report
    splits: list[SplitCleaning]


def removal_reasons(report: Report, families: tuple[str, ...]) -> dict[tuple[str, int], set[str]]:
    """(split, line) → ids of the checks whose findings make the line unusable."""
    reasons: dict[tuple[str, int], set[str]] = defaultdict(set)
    for result in report.results:
        if result.family not in families:
            continue
        for finding in result.findings:
            for loc in finding.unusable:
                reasons[(loc.split, loc.line)].add(finding.check_id)
    return reasons


def reject_record(line: int, raw: bytes, checks: list[str]) -> bytes:
    """One line of a rejects file: the line number, why, and the line verbatim (base64 if not UTF-8)."""
    record: dict[str, Any] = {"line": line, "checks": checks}
    try:
        record["raw"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        record["raw_base64"] = base64.b64encode(raw).decode("ascii")
    return orjson.dumps(record) + b"\n"


def reject_row(where: dict[str, Any], raw: bytes, checks: list[str]) -> bytes:
    """One line of a rejects file for an input that is not one JSONL file: where the record is (its
    file and line or row), why, and the record as JSON (or the excerpt of what could not be read)."""
    record: dict[str, Any] = {**{k: v for k, v in where.items() if k != "split"}, "checks": checks}
    record["raw"] = raw.decode("utf-8", errors="replace")
    return orjson.dumps(record) + b"\n"


Correction = tuple[str, str, dict[str, str]]
"""A record's label fix: the canonical label, the check that found the variant, and each variant
spelling the record may hold mapped to the canonical one (a multi-label set's classes are renamed
one by one)."""


def label_corrections(report: Report) -> dict[tuple[str, int], Correction]:
    """(split, line) → `Correction` for every record a finding says carries a variant spelling of a
    label. The contract: such a finding has `metrics["canonical"]` (the label to use) and
    `metrics["variants"]`, and its locations are the records holding a variant (LBL003).
    """
    out: dict[tuple[str, int], Correction] = {}
    for finding in report.findings:
        canonical, variants = finding.metrics.get("canonical"), finding.metrics.get("variants")
        if not isinstance(canonical, str) or not isinstance(variants, dict):
            continue
        names = {str(variant): canonical for variant in variants}
        for loc in finding.locations:
            got = out.get((loc.split, loc.line))  # a set may hold variants of two classes
            out[(loc.split, loc.line)] = (canonical, finding.check_id, {**(got[2] if got else {}), **names})
    return out


REPLY_LABEL = "assistant reply (closed set)"
_ASSISTANT = {"assistant", "gpt", "chatgpt", "model", "bard", "bing"}


def relabel(
    raw: bytes, canonical: str, label_source: str, names: dict[str, str] | None = None
) -> bytes | None:
    """The record with its label set to `canonical`, or None when the record's shape is not one
    whose label can be rewritten safely (it is then kept as it was). A label that is a set of
    classes (multi-label, `label_sets.is_label_set`) given `names` (variant → canonical) keeps its
    other classes: only the variants in it are renamed (`label_sets.renamed`)."""
    try:
        obj = orjson.loads(raw.removeprefix(BOM))
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    if label_source == REPLY_LABEL:
        for key, role_key, text_key in (("messages", "role", "content"), ("conversations", "from", "value")):
            turns = obj.get(key)
            last = turns[-1] if isinstance(turns, list) and turns else None
            if isinstance(last, dict) and str(last.get(role_key, "")).lower() in _ASSISTANT:
                last[text_key] = canonical
                return orjson.dumps(obj)
        return None
    if label_source not in obj:
        return None
    if names and is_label_set(obj[label_source]):
        if renamed(obj[label_source], names) == obj[label_source]:
            return None  # no variant in this set: nothing to rewrite
        obj[label_source] = renamed(obj[label_source], names)
    elif isinstance(obj[label_source], str):
        obj[label_source] = canonical
    else:
        try:
            obj[label_source] = orjson.loads(canonical)
        except orjson.JSONDecodeError:
            return None
    return orjson.dumps(obj)


def clean_outputs(paths: dict[str, str], out_dir: str | Path, map_label_variants: bool = False) -> list[Path]:
    """Every file `clean` writes into `out_dir` for `paths`, to check them all before the scan."""
    suffixes = ["jsonl", "rejects.jsonl"] + (["relabelled.jsonl"] if map_label_variants else [])
    return [Path(out_dir) / f"{name}.{suffix}" for name in paths for suffix in suffixes]


def clean(
    paths: dict[str, str],
    out_dir: str | Path,
    config: Config,
    families: tuple[str, ...] = DEFAULT_FAMILIES,
    map_label_variants: bool = False,
) -> CleanResult:
    """Scan `paths`, then write cleaned splits and rejects files into `out_dir`.

    With `map_label_variants`, records holding a variant spelling of a label get the canonical
    label instead (the rewritten line is compact JSON); each original line is kept verbatim in
    `<split>.relabelled.jsonl` with the label it got.
    """
    out = Path(out_dir)
    inputs = input_files(paths)
    for path in inputs:
        check_readable(path)
    # refuse before scanning, so that no split is half-written and no scan is wasted
    check_outputs(clean_outputs(paths, out, map_label_variants), inputs, folder=out)
    before = {name: _signature(path) if _one_file(path) else None for name, path in paths.items()}
    out.mkdir(parents=True, exist_ok=True)
    ctx, report = execute(paths, config)
    for name, path in paths.items():  # every line or none: a file read only up to a limit is not cleaned
        cut = next((i for i in ctx.splits[name].load_issues if i.cut), None)
        if cut is not None:
            raise InputError(f"{path}: {cut.detail}; clean writes every line or none, so nothing was written")
    reasons = removal_reasons(report, families)
    located = _located(report)
    corrections = label_corrections(report) if map_label_variants else {}
    results = []
    for name in paths:
        split = ctx.splits[name]
        source = split.source
        assert source is not None
        target = out / f"{name}.jsonl"
        rejects = out / f"{name}.rejects.jsonl"
        summary = SplitCleaning(name, split.path, str(target), str(rejects))
        if not source.verbatim:
            summary.notes.append(
                f"{source.unlike_jsonl()}: its records are written as JSON Lines "
                "(one compact JSON object per line), and each line of the rejects file names its record"
            )
        label_source = split.label_source or ""
        records = set(split.frame["line"].to_list())
        # A file the scan read no record from (UTF-16, binary) is judged as a whole, on line 1.
        whole = sorted(located.get((name, 1), ())) if not records else []
        with contextlib.ExitStack() as stack:
            kept_fh = stack.enter_context(atomic_writer(target, inputs))
            rej_fh = stack.enter_context(atomic_writer(rejects, inputs))
            relabelled_fh = (
                stack.enter_context(atomic_writer(out / f"{name}.relabelled.jsonl", inputs))
                if map_label_variants
                else None
            )
            for number, raw in source.export():
                summary.lines += 1
                why = sorted(reasons.get((name, number), ()))
                if not why and number not in records:  # kept only what the scan read as a record
                    why = sorted(located.get((name, number), ())) or whole or [_not_a_record(raw)]
                if why:
                    summary.rejected += 1
                    for check_id in why:
                        summary.by_check[check_id] = summary.by_check.get(check_id, 0) + 1
                    rej_fh.write(
                        reject_record(number, raw, why)
                        if source.verbatim
                        else reject_row(ctx.location(split, number).to_dict(), raw, why)
                    )
                    continue
                original = raw
                if number == 1 and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                    summary.notes.append(
                        "removed the UTF-8 byte-order mark (BOM) from line 1: the one change to a kept line"
                    )
                fix = corrections.get((name, number))
                rewritten = relabel(raw, fix[0], label_source, fix[2]) if fix and relabelled_fh else None
                if rewritten is not None and relabelled_fh is not None:
                    record = orjson.loads(reject_record(number, original, [fix[1]]))
                    got = orjson.loads(rewritten).get(label_source)  # a set: the set it got
                    label = got if is_label_set(got) and label_source != REPLY_LABEL else fix[0]
                    relabelled_fh.write(orjson.dumps({**record, "label": label}) + b"\n")
                    summary.relabelled += 1
                    raw = rewritten
                summary.kept += 1
                kept_fh.write(raw + b"\n")
        if _changed(split.path, before[name], split.sha256, source):
            summary.notes.append(
                f"{split.path} changed during the run: the cleaned files may mix two versions; clean again"
            )
        results.append(summary)
    return CleanResult(report, results)


def _not_a_record(raw: bytes) -> str:
    """Why a line no finding names was not kept: it is blank, or it holds no record the scan read."""
    return "blank" if not raw.strip() else "no-record"


def _signature(path: str | Path) -> tuple[int, int, int]:
    """Size, modification time (ns) and inode of a file: a write or a replacement changes one."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


def _changed(path: str, before: tuple[int, int, int] | None, sha256: str, source: Any) -> bool:
    """Whether the input changed since the command started: its signature, or its bytes since the
    scan hashed them (the export read it again), or it is gone. An input of several files or in
    memory is compared by its digest alone."""
    try:
        if before is None:
            return source.sha256() != sha256
        return _signature(path) != before or file_sha256(Path(path)) != sha256
    except (OSError, InputError):
        return True


def _one_file(path: Any) -> bool:
    """Whether a split's source is one file given by its path (its signature can be taken)."""
    return isinstance(path, str | os.PathLike) and os.path.isfile(path)


def _located(report: Report) -> dict[tuple[str, int], set[str]]:
    """(split, line) → ids of every finding that points at the line (used to label blank lines)."""
    located: dict[tuple[str, int], set[str]] = defaultdict(set)
    for finding in report.findings:
        for loc in finding.locations:
            located[(loc.split, loc.line)].add(finding.check_id)
    return located
