"""Descriptive numbers about a split (sizes, token lengths per role, labels) for reports.

These are measurements, not findings: the report shows them so a reader sees the shape of the data.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dataqa.ingest.dataset import Split
from dataqa.ingest.label_sets import label_classes
from dataqa.ingest.tokens import estimate_tokens_of

TOKEN_BINS = [0, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
"""Upper edges of the token-length histogram bins (the last bin is open-ended)."""
NOT_PROFILED = "token lengths, turns and labels not profiled: the rows stay on the Ray workers"


def _quantiles(series: pl.Series) -> dict[str, float]:
    if series.len() == 0:
        return {}
    return {
        "min": float(series.min()),
        "p50": float(series.quantile(0.5, interpolation="nearest")),
        "p95": float(series.quantile(0.95, interpolation="nearest")),
        "max": float(series.max()),
        "mean": round(float(series.mean()), 1),
    }


def histogram(values: pl.Series, edges: list[int] = TOKEN_BINS) -> list[dict[str, Any]]:
    """Counts of values in (edges[i-1], edges[i]] bins, plus an open bin above the last edge."""
    counts = []
    lower = -1
    for edge in [*edges[1:], None]:
        mask = values > lower if edge is None else (values > lower) & (values <= edge)
        counts.append({"from": lower + 1, "to": edge, "count": int(mask.sum())})
        lower = edge if edge is not None else lower
    return counts


def profile_split(split: Split) -> dict[str, Any]:
    """Token totals and quantiles, per-role token histograms, turn counts and label counts (rows per
    class in multi-label classification); of a split whose rows stay on the Ray workers
    (`Split.elsewhere`), its valid rows and a note."""
    if split.elsewhere is not None:
        return {"valid_rows": split.elsewhere.valid, "note": NOT_PROFILED}
    frame = split.frame.filter(pl.col("valid"))
    out: dict[str, Any] = {"valid_rows": frame.height}
    if frame.height == 0:
        return out
    out["tokens_total"] = int(frame["n_tokens"].sum())
    out["tokens"] = _quantiles(frame["n_tokens"])
    turns = split.turns.filter(pl.col("line").is_in(frame["line"].implode())).with_columns(
        pl.col("role").cast(pl.String)
    )
    per_role: dict[str, Any] = {}
    for role in sorted(turns["role"].unique().to_list()):
        lengths = estimate_tokens_of(turns.filter(pl.col("role") == role)["content"])
        per_role[role] = {"quantiles": _quantiles(lengths), "histogram": histogram(lengths)}
    out["tokens_per_role"] = per_role
    turn_counts = frame["n_turns"].value_counts().sort("n_turns")
    out["turns"] = {str(k): int(v) for k, v in turn_counts.iter_rows()}
    if split.label_source is not None:
        labels = frame["label"].drop_nulls()
        if split.multi_label:  # rows per class: a row counts once for each class of its set
            classes = [c for lab in labels.to_list() for c in label_classes(lab)]
            labels = pl.Series("label", classes, dtype=pl.String)
        counts = labels.value_counts(sort=True)
        out["labels"] = {
            str(row[0]): int(row[1]) for row in sorted(counts.iter_rows(), key=lambda r: (-r[1], str(r[0])))
        }
    out["systems_distinct"] = int(frame["system"].n_unique())
    out["knowledge"] = knowledge_signals(frame)
    return out


_QUESTION = (
    r"(?i)(^\s*(what|who|whom|whose|when|where|which|why|how|is|are|was|were|do|does|did|can|could|"
    r"should|would|will|list|name|define|explain|describe|tell me)\b)|\?\s*$"
)


def knowledge_signals(frame: pl.DataFrame) -> dict[str, float]:
    """How much the data looks like knowledge lookup: questions in, facts out (for the report's advice).

    `question_prompts`: share of prompts phrased as a question. `fact_density`: names (capitalised
    words not starting a sentence) and numbers per word of the targets. Fact-dense answers to
    questions are usually served better by retrieval than by fine-tuning.
    """
    if frame.height == 0:
        return {"question_prompts": 0.0, "fact_density": 0.0}
    r = pl.col("response").fill_null("")
    counts = frame.select(
        questions=pl.col("prompt").fill_null("").str.contains(_QUESTION).sum(),
        caps=r.str.count_matches(r"\b\p{Lu}[\p{Ll}\p{Lu}]+").sum(),
        starts=r.str.count_matches(r"(?:^|[.!?:]\s+)[\"'(\[]*\p{Lu}[\p{Ll}\p{Lu}]+").sum(),
        numbers=r.str.count_matches(r"\b\d[\d,.]*\b").sum(),
        words=r.str.count_matches(r"\b\w+\b").sum(),
    ).row(0, named=True)
    facts = max(int(counts["caps"]) - int(counts["starts"]), 0) + int(counts["numbers"])
    return {
        "question_prompts": round(int(counts["questions"]) / frame.height, 4),
        "fact_density": round(facts / max(int(counts["words"]), 1), 4),
    }
