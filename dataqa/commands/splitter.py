"""`dataqa split`: a deterministic, group-aware (and optionally stratified) train/valid/test split.

Groups come from the scan itself: every duplicates or labels finding that ties several records of
the file together (exact, normalised and near duplicates; same input with different labels) is a
group, merged transitively. A group never straddles two output splits, so the output has no
train/test leakage by construction. Lines that hold no record go to `rejects.jsonl`; every input
line lands in exactly one output file.
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataqa.commands.clean import reject_record
from dataqa.core.errors import OutputError
from dataqa.core.output import atomic_writer, check_outputs
from dataqa.engine.config import Config
from dataqa.engine.runner import execute
from dataqa.ingest.load import check_readable
from dataqa.ingest.readers.layout import input_files

GROUPING_FAMILIES = ("duplicates", "labels")


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class SplitResult:
    """Where each record went, group statistics, and the output files."""

    outputs: dict[str, str]
    counts: dict[str, int]
    groups: int
    grouped_records: int
    label_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """What the user must know: an input that is not JSONL is written as JSONL."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def record_groups(lines: list[int], findings: list[Any]) -> list[list[int]]:
    """Partition record lines into groups joined by multi-record findings (sorted, deterministic)."""
    uf = _UnionFind()
    for line in lines:
        uf.find(line)
    for finding in findings:
        members = [loc.line for loc in finding.locations if loc.split == "train"]
        for other in members[1:]:
            uf.union(members[0], other)
    groups: dict[int, list[int]] = defaultdict(list)
    for line in lines:
        groups[uf.find(line)].append(line)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def assign(
    groups: list[list[int]], sizes: dict[str, float], strata: dict[int, str], seed: int
) -> dict[int, str]:
    """Assign whole groups to splits so each stratum gets about its share in each held-out split."""
    rng = random.Random(seed)
    order = list(groups)
    rng.shuffle(order)
    by_stratum: dict[str, list[list[int]]] = defaultdict(list)
    for group in order:
        label = Counter(strata.get(line, "") for line in group).most_common(1)[0][0]
        by_stratum[label].append(group)
    where: dict[int, str] = {}
    for stratum in sorted(by_stratum):
        members = by_stratum[stratum]
        total = sum(len(g) for g in members)
        targets = {name: round(share * total) for name, share in sizes.items()}
        filled = dict.fromkeys(sizes, 0)
        for group in members:
            dest = "train"
            for name in sizes:
                if (
                    filled[name] < targets[name]
                    and filled[name] + len(group) <= targets[name] + len(group) // 2
                ):
                    dest = name
                    filled[name] += len(group)
                    break
            for line in group:
                where[line] = dest
    return where


def split_dataset(
    path: str,
    out_dir: str | Path,
    config: Config,
    test_size: float = 0.1,
    valid_size: float = 0.0,
    stratify_by: str | None = "label",
    seed: int = 0,
) -> SplitResult:
    """Split one file into train/test(/valid) files in `out_dir`; see the module docstring."""
    if not 0 < test_size < 1 or not 0 <= valid_size < 1 or test_size + valid_size >= 1:
        raise OutputError("sizes must satisfy 0 < test-size, 0 <= valid-size, test-size + valid-size < 1")
    inputs = input_files({"train": path})
    for one in inputs:
        check_readable(one)
    out = Path(out_dir)
    names = ["train", "test"] + (["valid"] if valid_size > 0 else [])
    check_outputs([out / f"{name}.jsonl" for name in [*names, "rejects"]], inputs, folder=out)
    out.mkdir(parents=True, exist_ok=True)
    ctx, report = execute({"train": path}, config)
    frame = ctx.train.frame
    source = ctx.train.source
    assert source is not None
    notes = (
        []
        if source.verbatim
        else [
            f"{source.unlike_jsonl()}: the splits are written as JSON Lines "
            "(one compact JSON object per line)"
        ]
    )
    lines = frame["line"].to_list()
    findings = [
        f for r in report.results if r.family in GROUPING_FAMILIES for f in r.findings if len(f.locations) > 1
    ]
    groups = record_groups(lines, findings)
    strata: dict[int, str] = {}
    if stratify_by == "label" and ctx.has_labels("train"):
        strata = {ln: lab for ln, lab in zip(lines, frame["label"].to_list(), strict=True) if lab is not None}
    elif stratify_by and stratify_by != "label":
        raise OutputError(f"cannot stratify by {stratify_by!r}: only 'label' is supported")
    sizes = {"test": test_size, **({"valid": valid_size} if valid_size > 0 else {})}
    where = assign(groups, sizes, strata, seed)
    counts = dict.fromkeys([*names, "rejects"], 0)
    label_counts: dict[str, Counter[str]] = defaultdict(Counter)
    outputs = {name: str(out / f"{name}.jsonl") for name in [*names, "rejects"]}
    with contextlib.ExitStack() as stack:
        fhs = {name: stack.enter_context(atomic_writer(t, inputs)) for name, t in outputs.items()}
        for number, raw in source.export():
            dest = where.get(number)
            if dest is None:
                fhs["rejects"].write(reject_record(number, raw, ["no-record"]))
                counts["rejects"] += 1
                continue
            fhs[dest].write(raw.removeprefix(b"\xef\xbb\xbf") + b"\n")
            counts[dest] += 1
            if number in strata:
                label_counts[dest][strata[number]] += 1
    return SplitResult(
        outputs,
        counts,
        sum(1 for g in groups if len(g) > 1),
        sum(len(g) for g in groups if len(g) > 1),
        {k: dict(sorted(v.items())) for k, v in sorted(label_counts.items())},
        notes,
    )
