"""LEAK: held-out examples (test, valid) that are also in the training data, or in each other.

Each held-out split is compared with train, and test with valid. The layers do not report the same
example twice: an eval example copied exactly (LEAK001) is not reported again as a normalised copy
(LEAK002), a near copy (LEAK003) or an n-gram overlap (LEAK004). A finding names the held-out
example first, then the reference rows; `unusable` holds the reference rows (drop them to keep the
evaluation honest). The verdict condition here judges the leaked share of each held-out split.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from dataqa.core.models import CheckStatus, Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest.load import excerpt
from dataqa.text import similarity

EVIDENCE_CHARS = 160

Group = tuple[list[int], list[int], dict]
"""One leak: held-out lines (representative first), reference lines (best first), extra metrics."""


def comparisons(ctx: Context) -> list[tuple[str, str]]:
    """(held-out split, reference split) pairs: every eval split against train, test against valid."""
    out = []
    for split in ctx.eval_splits:
        if "train" in ctx.splits:
            out.append((split.name, "train"))
    if "test" in ctx.splits and "valid" in ctx.splits:
        out.append(("test", "valid"))
    return out


def _options(ctx: Context, check_id: str, **defaults: float | int) -> dict[str, float | int]:
    """Another leakage layer's configured options (the layers below must agree with it)."""
    given = {k.replace("-", "_"): v for k, v in ctx.config.checks.get(check_id, {}).items()}
    return {key: given.get(key, value) for key, value in defaults.items()}


def exact_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows whose text is identical to a reference row."""
    left = ctx.valid_rows(eval_split).select("line", "text")
    right = ctx.valid_rows(ref_split).select(pl.col("line").alias("ref_line"), "text")
    return left.join(right, on="text").select("line", "ref_line").sort(["line", "ref_line"])


def normalised_matches(ctx: Context, eval_split: str, ref_split: str) -> pl.DataFrame:
    """`line`, `ref_line`: held-out rows identical to a reference row after normalisation."""
    left = similarity.distinct(ctx, eval_split, "text")
    right = similarity.distinct(ctx, ref_split, "text")
    lt = left.members.join(pl.DataFrame({"rep": left.lines, "norm": left.texts}), on="rep")
    rt = right.members.join(pl.DataFrame({"rep": right.lines, "norm": right.texts}), on="rep")
    return (
        lt.select("line", "norm")
        .join(rt.select(pl.col("line").alias("ref_line"), "norm"), on="norm")
        .select("line", "ref_line")
        .sort(["line", "ref_line"])
    )


def near_matches(
    ctx: Context, eval_split: str, ref_split: str, threshold: float | None = None, shingle: int | None = None
) -> pl.DataFrame:
    """`line`, `ref_line`, `similarity`: held-out rows near a reference row, every normalised copy
    on either side included, held-out rows with a normalised (or exact) copy in the reference split
    excluded (LEAK001/LEAK002 report those). Threshold and shingle default to LEAK003's options."""
    opts = _options(
        ctx, "LEAK003", threshold=similarity.DEFAULT_THRESHOLD, shingle=similarity.DEFAULT_SHINGLE
    )
    t = float(opts["threshold"] if threshold is None else threshold)
    k = int(opts["shingle"] if shingle is None else shingle)
    pairs = similarity.near_pairs(ctx, eval_split, ref_split, "text", t, shingle=k)
    left = similarity.distinct(ctx, eval_split, "text").members
    right = similarity.distinct(ctx, ref_split, "text").members
    taken = normalised_matches(ctx, eval_split, ref_split).select("line").unique()
    return (
        pairs.join(left.rename({"rep": "left_line"}), on="left_line")
        .join(right.rename({"rep": "right_line", "line": "ref_line"}), on="right_line")
        .join(taken, on="line", how="anti")
        .select("line", "ref_line", "similarity", "left_line")
        .sort(["line", "similarity", "ref_line"], descending=[False, True, False])
    )


def _texts(ctx: Context, split: str, lines: list[int]) -> dict[int, str]:
    frame = ctx.valid_rows(split).filter(pl.col("line").is_in(lines)).select("line", "text")
    return {line: text or "" for line, text in frame.iter_rows()}


def _more(n: int, what: str) -> str:
    return f" and {n} more {what}" if n > 0 else ""


class _LeakCheck(Check):
    """Shared bookkeeping: per comparison, findings and the leaked fraction of each held-out split."""

    family = "leakage"
    needs = frozenset({"eval"})
    blocks: ClassVar[bool] = True
    """Whether this layer's leaks remove the training rows and count in the verdict's leaked share."""

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        """Per leak: (held-out lines, reference lines, metrics and optional extra `evidence`)."""
        raise NotImplementedError  # pragma: no cover - abstract

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        raise NotImplementedError  # pragma: no cover - abstract

    def run(self, ctx: Context) -> Iterator[Finding]:
        leaked: dict[str, set[int]] = {s.name: set() for s in ctx.eval_splits}
        for eval_split, ref_split in comparisons(ctx):
            groups = list(self.matches(ctx, eval_split, ref_split))
            needed_eval = sorted({g[0][0] for g in groups})
            needed_ref = sorted({g[1][0] for g in groups})
            eval_texts = _texts(ctx, eval_split, needed_eval) if needed_eval else {}
            ref_texts = _texts(ctx, ref_split, needed_ref) if needed_ref else {}
            for lines, refs, extra in groups:
                leaked[eval_split].update(lines)
                eval_locs = [ctx.location(eval_split, line) for line in lines]
                ref_locs = [ctx.location(ref_split, line) for line in refs]
                evidence = [
                    f"{eval_locs[0]}: {excerpt(eval_texts.get(lines[0], ''), EVIDENCE_CHARS)}",
                    f"{ref_locs[0]}: {excerpt(ref_texts.get(refs[0], ''), EVIDENCE_CHARS)}",
                    *extra.pop("evidence", []),
                ]
                yield self.finding(
                    self.describe(ctx, eval_split, ref_split, (lines, refs, extra)),
                    eval_locs + ref_locs,
                    evidence,
                    metrics={"reference_split": ref_split, **extra},
                    unusable=ref_locs if self.blocks else [],
                )
        for split, lines in leaked.items():
            rows = ctx.valid_rows(split).height
            self.metrics[f"{split}_leaked"] = len(lines)
            self.metrics[f"{split}_leaked_fraction"] = round(len(lines) / rows, 6) if rows else 0.0


def _grouped(matches: pl.DataFrame) -> Iterator[tuple[list[int], list[int]]]:
    """Held-out lines with the same set of reference lines, as (eval lines, reference lines)."""
    by_eval = matches.group_by("line").agg(pl.col("ref_line").sort())
    by_refs = by_eval.group_by("ref_line").agg(pl.col("line").sort())
    yield from sorted(zip(by_refs["line"].to_list(), by_refs["ref_line"].to_list(), strict=True))


@register
@dataclass
class ExactLeak(_LeakCheck):
    """A held-out example (test or valid) is in the training data, character for character.

    Why: the model has seen the answer; its score on this example measures memory, not skill, and
    the evaluation overstates how well the fine-tune works. Test examples found in the validation
    split are reported too (model selection on valid then favours them).
    Example: test.jsonl:17 is the same prompt and reply as train.jsonl:2045.
    Fix: remove the training copies (or the held-out example) and split by a key that keeps copies
    together (user, document, template).
    """

    id = "LEAK001"
    name = "exact-leak"
    severity = Severity.ERROR

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        for lines, refs in _grouped(exact_matches(ctx, eval_split, ref_split)):
            yield lines, refs, {"similarity": 1.0}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        return (
            f"{ctx.location(eval_split, lines[0])} = {ctx.location(ref_split, refs[0])} (exact copy)"
            + _more(len(lines) - 1, f"{eval_split} copies")
            + _more(len(refs) - 1, f"{ref_split} copies")
        )


@register
@dataclass
class NormalisedLeak(_LeakCheck):
    """A held-out example equals a training example once case, spacing and punctuation are ignored.

    Why: the model has seen this example with trivial differences; an exact comparison misses it
    but the evaluation is just as inflated. Exact copies are LEAK001's and are not repeated here.
    Example: test.jsonl:3 "What's the refund window?" and train.jsonl:88 "whats the refund window"
    with the same reply.
    Fix: remove the training copies, and de-duplicate after normalisation before splitting.
    """

    id = "LEAK002"
    shares = frozenset({"distinct"})
    name = "normalised-leak"
    severity = Severity.ERROR

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        exact = exact_matches(ctx, eval_split, ref_split).select("line").unique()
        norm = normalised_matches(ctx, eval_split, ref_split).join(exact, on="line", how="anti")
        for lines, refs in _grouped(norm):
            yield lines, refs, {"similarity": 1.0}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        return (
            f"{ctx.location(eval_split, lines[0])} = {ctx.location(ref_split, refs[0])} "
            "(identical after normalisation)"
            + _more(len(lines) - 1, f"{eval_split} copies")
            + _more(len(refs) - 1, f"{ref_split} copies")
        )


@register
@dataclass
class NearLeak(_LeakCheck):
    """A held-out example is a near-copy of a training example (a few words or a sentence apart).

    Why: paraphrased or lightly edited copies leak the answer as surely as exact ones; they are the
    usual result of splitting templated or augmented data at random. Similarity is the word-level
    edit ratio of the normalised prompt + response, verified for every pair.
    Example: test.jsonl:17 ~ train.jsonl:2045 (similarity 0.93): the same ticket with another
    order number.
    Fix: remove the near-copies from train, and split by template, user or source document.
    """

    id = "LEAK003"
    shares = frozenset({"bands", "distinct", "near_pairs"})
    name = "near-leak"
    severity = Severity.ERROR
    threshold: float = similarity.DEFAULT_THRESHOLD
    shingle: int = similarity.DEFAULT_SHINGLE

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        near = near_matches(ctx, eval_split, ref_split, self.threshold, self.shingle)
        # One finding per distinct held-out text: its copies, then the reference rows, best first.
        per_rep = near.group_by("left_line").agg(
            pl.col("line").unique().sort().alias("lines"),
            pl.struct("similarity", "ref_line").sort_by(["similarity", "ref_line"], descending=[True, False]),
        )
        for row in per_rep.sort("left_line").iter_rows(named=True):
            refs, seen = [], set()
            for item in row["similarity"]:
                if item["ref_line"] not in seen:
                    seen.add(item["ref_line"])
                    refs.append((item["ref_line"], item["similarity"]))
            yield row["lines"], [r for r, _ in refs], {"similarity": round(refs[0][1], 4)}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        return (
            f"{ctx.location(eval_split, lines[0])} ~ {ctx.location(ref_split, refs[0])} "
            f"(similarity {extra['similarity']:.2f})"
            + _more(len(lines) - 1, f"{eval_split} copies")
            + _more(len(refs) - 1, f"{ref_split} rows")
        )


@register
@dataclass
class NgramOverlap(_LeakCheck):
    """A held-out example shares a long word sequence (default 13 words) with a training example.

    Why: this is contamination as LLM papers measure it: a passage, question or answer copied into
    the training data leaks part of the example even when the rest differs. Examples already
    reported as exact, normalised or near copies are not repeated. A sequence found in more than
    `max_rows` rows of either split is a stock phrase or a template, not a leak, and is ignored.
    A shared span is a signal to review, not proof: unlike LEAK001-003 it does not remove training
    rows from the usable count nor count toward the verdict's leaked share (templated data, such as
    form-generated tickets, shares long spans without leaking answers).
    Example: test.jsonl:5 quotes a 40-word paragraph that train.jsonl:310 also quotes.
    Fix: remove or rewrite the training rows that carry the passage, or move the example (and every
    example built on the same source) to one side of the split.
    """

    id = "LEAK004"
    shares = frozenset({"bands", "distinct", "near_pairs", "ngram"})
    heavy = True
    name = "ngram-overlap"
    severity = Severity.INFO
    blocks = False  # a shared span is evidence to review, not proof the example leaked
    ngram: int = 13
    max_rows: int = 10

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        if self.ngram < 1:
            raise ValueError(f"ngram must be at least 1, not {self.ngram}")
        taken = pl.concat(
            [
                normalised_matches(ctx, eval_split, ref_split).select("line"),
                near_matches(ctx, eval_split, ref_split).select("line"),
            ]
        ).unique()
        overlaps = similarity.ngram_overlaps(
            ctx, eval_split, ref_split, n=self.ngram, column="text", max_rows=self.max_rows
        ).join(taken, on="line", how="anti")
        for row in overlaps.iter_rows(named=True):
            yield (
                [row["line"]],
                [row["ref_line"]],
                {
                    "span_words": int(row["length"]),
                    "shared_ngrams": int(row["shared"]),
                    "evidence": [f"shared span: {excerpt(row['span'], 240)}"],
                },
            )

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        return (
            f"{ctx.location(eval_split, lines[0])} shares a {extra['span_words']}-word span with "
            f"{ctx.location(ref_split, refs[0])} "
            f"({extra['shared_ngrams']} shared {self.ngram}-word sequences)"
        )


@condition
def held_out_leakage(v: VerdictInputs) -> Condition | None:
    """Leaked share of each held-out split against `max_leaked_fraction`, naming the exact copies."""
    evals = [s.name for s in v.ctx.eval_splits]
    ran = [r for r in v.family_results("leakage") if r.status in (CheckStatus.PASSED, CheckStatus.FAILED)]
    if not evals or not ran:
        return None
    leaked: dict[str, set[int]] = {name: set() for name in evals}
    exact: list[str] = []
    for result in ran:
        for finding in result.findings:
            if not finding.unusable:  # a layer that does not block (LEAK004)
                continue
            refs = set(finding.unusable)
            heldout = [loc for loc in finding.locations if loc not in refs and loc.split in leaked]
            for loc in heldout:
                leaked[loc.split].add(loc.line)
            if result.check_id == ExactLeak.id and heldout and refs:
                exact.append(f"{heldout[0]} = {finding.unusable[0]}")
    shares = {}
    for name, lines in leaked.items():
        rows = v.ctx.valid_rows(name).height
        shares[name] = len(lines) / rows if rows else 0.0
    worst = max(shares, key=lambda name: (shares[name], name))
    limit = v.config.max_leaked_fraction
    passed = shares[worst] <= limit
    parts = [f"{name}: {len(leaked[name])} leaked ({shares[name]:.1%})" for name in evals]
    reason = ""
    if not passed:
        reason = (
            f"{shares[worst]:.1%} of the {worst} split is also in the training data (limit {limit:.1%}): "
            "its score would measure memory, not skill. " + "; ".join(parts) + "."
        )
    if exact:
        shown = ", ".join(exact[:5]) + (f" and {len(exact) - 5} more" if len(exact) > 5 else "")
        reason = (reason + " " if reason else "") + f"Exact copies: {shown}."
    return Condition(
        name="held-out-leakage",
        description="Share of each held-out split (test, valid) found in train, exactly or nearly",
        value=round(shares[worst], 6),
        threshold=limit,
        passed=passed,
        blocking=True,
        reason=reason,
    )
