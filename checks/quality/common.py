# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""What the QUAL checks share: a split's message frame (PII reads it too), and findings grouped per record.

QUAL: content quality of the text a model learns from: refusals, template debris, degenerate text,
invisible context, truncation, echoed prompts and trivially short answers.

Every check reads the canonical `turns` (so every format is covered) of records that passed the
schema checks. The heavy lifting is a vectorised polars filter over all messages; Python only looks
at the candidates it leaves, to confirm a match and cut the evidence. Code (fenced blocks and inline
`code`) is masked before prose patterns run: a `{}` or an "@" inside code is code, not a defect.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check
from dataqa.ingest.dataset import Split


def messages(ctx: Context, split: Split) -> pl.DataFrame:
    """Every message of the split's valid records: `line`, `turn` (0-based), `role`, `content`.

    The rejected answer of a preference pair is one more message with role "rejected". Computed
    once per scan and shared by the QUAL and PII checks.
    """

    def build() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        turns = split.turns.filter(pl.col("line").is_in(rows["line"].implode())).select(
            "line",
            pl.col("role").cast(pl.String),
            pl.col("content"),
            pl.col("turn").cast(pl.Int64),
        )
        rejected = rows.filter(pl.col("rejected").is_not_null()).select(
            "line",
            pl.lit("rejected").alias("role"),
            pl.col("rejected").alias("content"),
            pl.lit(10**6, dtype=pl.Int64).alias("turn"),
        )
        out = turns if rejected.is_empty() else pl.concat([turns, rejected]).sort("line", "turn")
        return out.with_columns(pl.col("content").fill_null(""))

    return ctx.shared(("quality.messages", split.name), build)


def targets(ctx: Context, split: Split) -> pl.DataFrame:
    """The assistant messages of a split (what the model is trained to produce)."""
    return messages(ctx, split).filter(pl.col("role") == "assistant")


def by_line(hits: Iterable[tuple[int, str, str]]) -> dict[int, list[tuple[str, str]]]:
    """(line, kind, evidence) hits grouped per line, in line order, without repeated evidence."""
    grouped: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for line, kind, ev in hits:
        if (kind, ev) not in grouped[line]:
            grouped[line].append((kind, ev))
    return dict(sorted(grouped.items()))


def _kinds_text(kinds: Iterable[str]) -> str:
    counts = Counter(kinds)
    return ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items())


def shared_finding(
    check: Check, ctx: Context, split: Split, line: int, kinds: list[str], what: str, evidence: list[str]
) -> Finding:
    """One record's finding: `what`, then its kinds (repeats counted), and up to five pieces of evidence."""
    return check.finding(f"{what}: {_kinds_text(kinds)}", [ctx.location(split, line)], evidence[:5])


def record_findings(
    check: Check,
    ctx: Context,
    split: Split,
    hits: Iterable[tuple[int, str, str]],
    what: str,
    max_kinds: int | None = None,
) -> Iterator[Finding]:
    """One finding per record from (line, kind, evidence) hits, and the `<split>_records` metric."""
    grouped = by_line(hits)
    for line, items in grouped.items():
        yield shared_finding(
            check, ctx, split, line, [k for k, _ in items][:max_kinds], what, [e for _, e in items]
        )
    check.metrics[f"{split.name}_records"] = len(grouped)
