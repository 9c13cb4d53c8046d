"""DUP: duplicate examples inside one split, from exact copies to near-duplicates and repeated inputs.

The layers do not report the same copies twice: exact copies (DUP001) are collapsed to their first
line before normalised duplicates (DUP002) are looked for, and normalised classes to their first
line before near-duplicates (DUP003). Each finding is one group, its first location the kept
representative; `unusable` lists every other member. All text work is `dataqa.text.similarity`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.load import excerpt
from dataqa.text import similarity

EVIDENCE_CHARS = 160


def raw_texts(ctx: Context, split: str, lines: list[int], column: str = "text") -> dict[int, str]:
    """The raw `column` text of the given lines of a split (for evidence excerpts)."""
    frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", column)
    return {line: text or "" for line, text in frame.iter_rows()}


def near_options(ctx: Context) -> tuple[float, int]:
    """DUP003's configured threshold and shingle size, which the other layers must agree with."""
    options = ctx.config.checks.get("DUP003", {})
    threshold = options.get("threshold", similarity.DEFAULT_THRESHOLD)
    shingle = options.get("shingle", similarity.DEFAULT_SHINGLE)
    return float(threshold), int(shingle)


def _rate(copies: int, rows: int) -> float:
    return round(copies / rows, 6) if rows else 0.0


def _exact_groups(ctx: Context, split: str) -> pl.DataFrame:
    """`line` → `rep`, the first line with the identical `text` (every valid row)."""
    return ctx.valid_rows(split).select("line", pl.col("line").min().over("text").alias("rep")).sort("line")


class _DuplicateCheck(Check):
    """Shared reporting of duplicate groups, one split at a time."""

    family = "duplicates"

    def groups(self, ctx: Context, split: str) -> list[list[int]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        raise NotImplementedError  # pragma: no cover - abstract

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx.splits:
            rows = ctx.valid_rows(split).height
            groups = self.groups(ctx, split)
            copies = sum(len(g) - 1 for g in groups)
            self.metrics[f"{split}_duplicate_rate"] = _rate(copies, rows)
            self.metrics[f"{split}_groups"] = len(groups)
            needed = sorted({line for g in groups for line in g[:2]})
            texts = raw_texts(ctx, split, needed) if needed else {}
            for group in groups:
                message, metrics = self.describe(ctx, split, group, texts)
                locations = [ctx.location(split, line) for line in group]
                evidence = [
                    f"{ctx.location(split, line)}: {excerpt(texts.get(line, ''), EVIDENCE_CHARS)}"
                    for line in group[:2]
                ]
                yield self.finding(
                    message,
                    locations,
                    evidence,
                    metrics={"group_size": len(group), **metrics},
                    unusable=locations[1:],
                )


def _others(ctx: Context, split: str, group: list[int], limit: int = 5) -> str:
    shown = ", ".join(str(line) for line in group[1 : limit + 1])
    more = f" and {len(group) - 1 - limit} more" if len(group) - 1 > limit else ""
    return f"line(s) {shown}{more}"


@register
@dataclass
class ExactDuplicate(_DuplicateCheck):
    """Records whose prompt and response are identical, character for character.

    Why: every copy is trained on again, so a few examples weigh more than the rest, and the data
    set looks bigger than it is. The system prompt is not compared (it is often shared by design).
    Example: the same support ticket and reply exported twice, at lines 12 and 4,810.
    Fix: keep the first record of each group (`dataqa clean` does it) and find out why the export
    repeated it.
    """

    id = "DUP001"
    name = "exact-duplicate"
    severity = Severity.WARNING

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        frame = _exact_groups(ctx, split)
        grouped = frame.group_by("rep").agg(pl.col("line").sort()).filter(pl.col("line").list.len() > 1)
        return sorted(grouped["line"].to_list(), key=lambda g: g[0])

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        return (
            f"{len(group)} identical copies of {first} ({_others(ctx, split, group)} repeat it)",
            {"similarity": 1.0},
        )


@register
@dataclass
class NormalisedDuplicate(_DuplicateCheck):
    """Records that are identical once case, spacing, punctuation and Unicode forms are ignored.

    Why: "Reset my password." and "reset my password" teach the model the same thing twice; they
    escape an exact comparison and over-weight one example just as much. Exact copies are reported
    by DUP001 and stand here as their first line.
    Example: line 8 "How do I return an item?" and line 302 "how do i return an item" with the
    same reply.
    Fix: keep one record of each group.
    """

    id = "DUP002"
    shares = frozenset({"distinct"})
    name = "normalised-duplicate"
    severity = Severity.WARNING

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        exact = _exact_groups(ctx, split).filter(pl.col("line") == pl.col("rep")).select("line")
        norm = similarity.distinct(ctx, split, "text").members.join(exact, on="line", how="semi")
        grouped = norm.group_by("rep").agg(pl.col("line").sort()).filter(pl.col("line").list.len() > 1)
        return sorted(grouped["line"].to_list(), key=lambda g: g[0])

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        return (
            f"{len(group)} records identical to {first} after normalisation (case, spacing, "
            f"punctuation): {_others(ctx, split, group)}",
            {"similarity": 1.0},
        )


@register
@dataclass
class NearDuplicate(_DuplicateCheck):
    """Groups of near-identical examples: a few words changed, a sentence added or removed.

    Why: near-copies over-weight a few examples just like exact ones, and they are what templated
    or paraphrase-augmented data is full of. Similarity is the word-level edit ratio of the
    normalised prompt + response (1.0 = identical; one changed word in 20 gives 0.95); copies
    already reported by DUP001 and DUP002 stand here as their first line. One changed word in a
    text of six words or fewer stays under the default threshold: in short texts it changes meaning.
    Example: two replies that differ only in a greeting or one product name (similarity 0.96).
    Fix: keep one example of each group, or rewrite the others so they teach something new.
    """

    id = "DUP003"
    shares = frozenset({"bands", "distinct", "near_groups", "near_pairs"})
    heavy = True
    name = "near-duplicate"
    severity = Severity.WARNING
    threshold: float = similarity.DEFAULT_THRESHOLD
    shingle: int = similarity.DEFAULT_SHINGLE

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        reps = similarity.distinct(ctx, split, "text").lines
        rep_set = set(reps.tolist())
        out = []
        for group in similarity.near_duplicate_groups(
            ctx, split, "text", self.threshold, shingle=self.shingle
        ):
            distinct_lines = [line for line in group if line in rep_set]
            if len(distinct_lines) > 1:
                out.append(distinct_lines)
        return out

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        pairs = similarity.near_pairs(ctx, split, split, "text", self.threshold, shingle=self.shingle)
        inside = pairs.filter(pl.col("left_line").is_in(group) & pl.col("right_line").is_in(group))
        low = float(inside["similarity"].min() or self.threshold)
        high = float(inside["similarity"].max() or 1.0)
        first, second = ctx.location(split, group[0]), ctx.location(split, group[1])
        direct = inside.filter((pl.col("left_line") == group[0]) & (pl.col("right_line") == group[1]))
        score = (
            float(direct["similarity"][0])
            if direct.height
            else similarity.similarity(texts.get(group[0], ""), texts.get(group[1], ""))
        )
        spread = f"similarity {low:.2f}-{high:.2f}" if low != high else f"similarity {low:.2f}"
        return (
            f"{len(group)} near-duplicate records ({spread}): {first} ~ {second} (similarity {score:.2f})"
            + (f" and {len(group) - 2} more" if len(group) > 2 else ""),
            {"similarity_min": round(low, 4), "similarity_max": round(high, 4)},
        )


@register
@dataclass
class NearDuplicateInput(Check):
    """The same (or a near-identical) input appears with different answers.

    Why: the model is taught two answers to one question, so it learns to hedge between them; for
    classification it is a conflicting label. Inputs are compared after normalisation with the
    near-duplicate similarity; answers count as different when the whole examples are not
    near-duplicates of each other (those are DUP001-DUP003's). Nothing is removed from the usable
    count here: one of the answers may be right (the label checks judge conflicts).
    Example: "How do I cancel my order?" answered "Go to Orders > Cancel." at line 40 and "You
    cannot cancel an order once placed." at line 913.
    Fix: decide which answer is right and fix or drop the others; if both are valid, merge them.
    """

    id = "DUP004"
    shares = frozenset({"bands", "distinct", "near_groups", "near_pairs"})
    heavy = True
    name = "near-duplicate-input"
    family = "duplicates"
    severity = Severity.WARNING
    threshold: float = similarity.DEFAULT_THRESHOLD
    shingle: int = similarity.DEFAULT_SHINGLE

    def run(self, ctx: Context) -> Iterator[Finding]:
        text_threshold, text_shingle = near_options(ctx)
        for split in ctx.splits:
            rows = ctx.valid_rows(split).height
            # Whole examples that are copies of each other count as one answer.
            answer_of: dict[int, int] = {}
            for group in similarity.near_duplicate_groups(
                ctx, split, "text", text_threshold, shingle=text_shingle
            ):
                for line in group:
                    answer_of[line] = group[0]
            findings = []
            for group in similarity.near_duplicate_groups(
                ctx, split, "prompt", self.threshold, shingle=self.shingle
            ):
                kept: list[int] = []
                seen: set[int] = set()
                for line in group:
                    answer = answer_of.get(line, line)
                    if answer not in seen:
                        seen.add(answer)
                        kept.append(line)
                if len(kept) > 1:
                    findings.append(kept)
            self.metrics[f"{split}_duplicate_rate"] = _rate(sum(len(g) - 1 for g in findings), rows)
            self.metrics[f"{split}_groups"] = len(findings)
            needed = sorted({line for g in findings for line in g[:2]})
            prompts = raw_texts(ctx, split, needed, "prompt") if needed else {}
            answers = raw_texts(ctx, split, needed, "response") if needed else {}
            # Normalised once for all findings (`similarity.similarity` per pair would build a frame each).
            raw = pl.Series([prompts.get(line, "") for line in needed], dtype=pl.String)
            norm = dict(zip(needed, similarity.normalise(raw).to_list(), strict=True))
            for group in findings:
                first, second = group[0], group[1]
                score = similarity.word_similarity(norm[first], norm[second])
                yield self.finding(
                    f"{len(group)} different answers to the same input: {ctx.location(split, first)} ~ "
                    f"{ctx.location(split, second)} (input similarity {score:.2f})"
                    + (f" and {len(group) - 2} more" if len(group) > 2 else ""),
                    [ctx.location(split, line) for line in group],
                    [
                        f"input: {excerpt(prompts.get(first, ''), EVIDENCE_CHARS)}",
                        *(
                            f"{ctx.location(split, line)} answer: "
                            f"{excerpt(answers.get(line, ''), EVIDENCE_CHARS)}"
                            for line in (first, second)
                        ),
                    ],
                    metrics={"group_size": len(group), "input_similarity": round(score, 4)},
                )
