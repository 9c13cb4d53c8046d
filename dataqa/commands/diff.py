"""`dataqa diff OLD NEW`: what changed between two versions of a dataset.

Rows are matched first by exact content (unchanged), then by the near-duplicate engine (modified:
the same example edited), and what is left is added or removed. A matched pair whose label
changed is a re-label. Distribution shifts compare labels, token lengths and, where the scan
measured them, languages and topics; each side also gets its own verdict.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.diff_model import DatasetDiff
from dataqa.engine.report import Report
from dataqa.engine.runner import execute
from dataqa.ingest.issues import excerpt
from dataqa.text.near_duplicates import near_pairs
from dataqa.text.normalise import hashes

MAX_LISTED = 200
"""Changed rows listed individually per kind; counts are always complete."""


def _match_exact(old: pl.DataFrame, new: pl.DataFrame, key: str) -> list[tuple[int, int]]:
    """Pair rows with equal `key` one to one, in line order (multisets: 3 copies match 3 copies)."""
    ranked = [
        frame.select("line", key).with_columns(pl.col("line").rank("ordinal").over(key).alias("_nth"))
        for frame in (old, new)
    ]
    joined = ranked[0].join(ranked[1], on=[key, "_nth"], how="inner", suffix="_new").sort("line")
    return list(zip(joined["line"].to_list(), joined["line_new"].to_list(), strict=True))


def _shift(old: Counter[str], new: Counter[str]) -> list[dict[str, Any]]:
    keys = sorted(set(old) | set(new), key=lambda k: (-(new[k] + old[k]), k))
    total_old, total_new = sum(old.values()) or 1, sum(new.values()) or 1
    return [
        {
            "value": k,
            "old": old[k],
            "new": new[k],
            "old_share": round(old[k] / total_old, 4),
            "new_share": round(new[k] / total_new, 4),
        }
        for k in keys
    ]


def _metric(report: Report, key: str) -> Any:
    return next((r.metrics[key] for r in report.results if key in r.metrics), None)


def _lines(split: Any) -> set[int]:
    """Every row of a split: parsed records and lines with content that could not be read."""
    return set(split.frame["line"].to_list()) | {i.line for i in split.load_issues if i.dropped}


def _reasons(report: Report) -> dict[int, list[str]]:
    """Training line → ids of the checks whose findings made it unusable in `report`."""
    out: dict[int, set[str]] = {}
    for finding in report.findings:
        for loc in finding.unusable:
            if loc.split == "train":
                out.setdefault(loc.line, set()).add(finding.check_id)
    return {line: sorted(ids) for line, ids in out.items()}


def diff(old_path: str, new_path: str, config: Config, held_out: dict[str, str] | None = None) -> DatasetDiff:
    """Compare two versions of one training file; both are judged with the same `held_out` splits
    (test, valid), and old rows now found in one of them are counted as moved."""
    held_out = {k: v for k, v in (held_out or {}).items() if v}
    old_ctx, old_report = execute({"train": old_path, **held_out}, config)
    new_ctx, new_report = execute({"train": new_path, **held_out}, config)
    old_split, new_split = old_ctx.train, new_ctx.train
    old_split.name, new_split.name = "old", "new"
    ctx = Context({"old": old_split, "new": new_split, **{k: new_ctx.splits[k] for k in held_out}}, config)
    old_h = hashes(ctx, "old").join(ctx.valid_rows("old").select("line", "label", "response"), on="line")
    new_h = hashes(ctx, "new").join(ctx.valid_rows("new").select("line", "label", "response"), on="line")

    unchanged = _match_exact(old_h, new_h, "text_exact")
    used_old, used_new = {a for a, _ in unchanged}, {b for _, b in unchanged}
    rest_old = old_h.filter(~pl.col("line").is_in(list(used_old)))
    rest_new = new_h.filter(~pl.col("line").is_in(list(used_new)))

    # Same input (normalised), different target: the example was edited or re-labelled.
    same_input = _match_exact(rest_old, rest_new, "prompt_norm")
    pairs: list[tuple[int, int, float]] = [(a, b, 1.0) for a, b in same_input]
    taken_old = {a for a, _ in same_input}
    taken_new = {b for _, b in same_input}
    near = near_pairs(ctx, "old", "new", column="text").sort(
        ["similarity", "left_line", "right_line"], descending=[True, False, False]
    )
    for a, b, sim in near.iter_rows():
        if a in used_old or b in used_new or a in taken_old or b in taken_new:
            continue
        pairs.append((a, b, float(sim)))
        taken_old.add(a)
        taken_new.add(b)
    pairs.sort()

    old_rows = {r["line"]: r for r in old_h.select("line", "label", "response").iter_rows(named=True)}
    new_rows = {r["line"]: r for r in new_h.select("line", "label", "response").iter_rows(named=True)}
    modified, relabelled = [], []
    for a, b, sim in pairs:
        entry = {"old_line": a, "new_line": b, "similarity": round(sim, 4)}
        if old_rows[a]["label"] != new_rows[b]["label"] and old_rows[a]["label"] is not None:
            relabelled.append({**entry, "old_label": old_rows[a]["label"], "new_label": new_rows[b]["label"]})
        else:
            modified.append(
                {
                    **entry,
                    "old": excerpt(old_rows[a]["response"] or ""),
                    "new": excerpt(new_rows[b]["response"] or ""),
                }
            )
    matched_old = used_old | taken_old
    matched_new = used_new | taken_new
    gone = old_h.filter(~pl.col("line").is_in(list(matched_old)))
    moved = []
    for name in held_out:  # an old training row whose text is now a held-out row
        for a, b in _match_exact(gone, hashes(ctx, name), "text_exact"):
            if a not in {m["line"] for m in moved}:
                moved.append({"line": a, "split": name, "split_line": b})
    why = _reasons(old_report)
    for m in moved:  # a leaked row removed from train is "moved": only the held-out copy is left
        m["reason"] = ", ".join(why.get(m["line"], [])) or "not in the new training data"
    moved.sort(key=lambda m: m["line"])
    moved_lines = {m["line"] for m in moved}
    removed = sorted(_lines(old_split) - matched_old - moved_lines)
    added = sorted(_lines(new_split) - matched_new)
    texts = dict(zip(old_split.frame["line"].to_list(), old_split.frame["text"].to_list(), strict=True))
    issues = {i.line: i.excerpt or i.detail for i in old_split.load_issues if i.dropped}
    removed_rows = [
        {
            "line": line,
            "content": excerpt(texts.get(line) or issues.get(line) or "", flat=True),
            "reason": ", ".join(why.get(line, [])) or "not in the new version",
        }
        for line in removed[:MAX_LISTED]
    ]

    shifts: dict[str, Any] = {}
    if ctx.has_labels("old") or ctx.has_labels("new"):
        shifts["labels"] = _shift(
            Counter(old_split.frame["label"].drop_nulls().to_list()),
            Counter(new_split.frame["label"].drop_nulls().to_list()),
        )
    shifts["tokens"] = {
        side: {
            q: float(frame["n_tokens"].quantile(v, interpolation="nearest") or 0)
            for q, v in (("p50", 0.5), ("p95", 0.95))
        }
        | {"total": int(frame["n_tokens"].sum())}
        for side, frame in (("old", ctx.valid_rows("old")), ("new", ctx.valid_rows("new")))
    }
    for key in ("languages", "topics"):
        before, after = _metric(old_report, key), _metric(new_report, key)
        if before is not None or after is not None:
            shifts[key] = {"old": before, "new": after}
    return DatasetDiff(
        old_path=old_path,
        new_path=new_path,
        old_verdict=old_report.verdict,
        new_verdict=new_report.verdict,
        counts={
            "old_rows": len(_lines(old_split)),
            "new_rows": len(_lines(new_split)),
            "unchanged": len(unchanged),
            "modified": len(modified),
            "relabelled": len(relabelled),
            "moved": len(moved),
            "added": len(added),
            "removed": len(removed),
        },
        added=added[:MAX_LISTED],
        removed=removed_rows,
        moved=moved[:MAX_LISTED],
        held_out=held_out,
        modified=modified[:MAX_LISTED],
        relabelled=relabelled[:MAX_LISTED],
        shifts=shifts,
    )


def render_text(d: DatasetDiff) -> str:
    """Terminal summary of a diff."""
    from dataqa.reports.terminal import neutralise

    c = d.counts
    judged = ", ".join(f"{name} {path}" for name, path in d.held_out.items())
    out = [
        f"{neutralise(d.old_path)} ({c['old_rows']:,} rows, {d.old_verdict}) → "
        f"{neutralise(d.new_path)} ({c['new_rows']:,} rows, {d.new_verdict})"
        + (neutralise(f"; both judged with {judged}") if judged else ""),
        f"  old {c['old_rows']:,} = unchanged {c['unchanged']:,} + modified {c['modified']:,} + "
        f"re-labelled {c['relabelled']:,} + moved {c['moved']:,} + removed {c['removed']:,}",
        f"  new {c['new_rows']:,} = unchanged {c['unchanged']:,} + modified {c['modified']:,} + "
        f"re-labelled {c['relabelled']:,} + added {c['added']:,}",
    ]
    for r in d.removed[:10]:
        out.append(neutralise(f"  removed: old line {r['line']} ({r['reason']}): {r['content'][:100]}"))
    if c["removed"] > 10:
        out.append(
            f"  … and {c['removed'] - 10:,} more removed (--json lists {min(c['removed'], MAX_LISTED):,})"
        )
    for m in d.moved[:10]:
        out.append(f"  moved: old line {m['line']} → {m['split']} line {m['split_line']} ({m['reason']})")
    for r in d.relabelled[:10]:
        out.append(
            neutralise(
                f"  re-labelled: old line {r['old_line']} → new line {r['new_line']}: "
                f"{r['old_label'][:40]!r} → {str(r['new_label'])[:40]!r}"
            )
        )
    labels = d.shifts.get("labels") or []
    moved = [s for s in labels if abs(s["new_share"] - s["old_share"]) >= 0.02]
    for s in moved[:10]:
        out.append(neutralise(f"  label {s['value'][:40]!r}: {s['old_share']:.1%} → {s['new_share']:.1%}"))
    tok = d.shifts["tokens"]
    out.append(
        f"  tokens p50 {tok['old']['p50']:.0f} → {tok['new']['p50']:.0f}, "
        f"total {tok['old']['total']:,} → {tok['new']['total']:,}"
    )
    return "\n".join(out) + "\n"
