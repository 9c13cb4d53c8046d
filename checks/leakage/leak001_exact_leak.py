"""LEAK001 exact-leak: a held-out example found exactly in train; the verdict's leaked-share condition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.leakage.base import Group, LeakCheck, and_more, exact_matches, grouped_matches
from dataqa.core.models import CheckStatus, Condition, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, register
from dataqa.engine.verdict import VerdictInputs, condition
from dataqa.ingest.choices import ALIKE
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.text import copies


@register
@dataclass
class ExactLeak(LeakCheck):
    """A held-out example (test or valid) is in the training data, character for character.

    Why: the model has seen the answer; its score on this example measures memory, not skill, and
    the evaluation overstates how well the fine-tune works. Test examples found in the validation
    split are reported too (model selection on valid then favours them).
    Example: test.jsonl:17 is the same prompt and reply as train.jsonl:2045.
    Fix: remove the training copies (or the held-out example) and split by a key that keeps copies
    together (user, document, template).
    Multiple-choice records are compared by their question and right choice (`dataqa.ingest.choices`):
    a held-out question answered alike in train among other distractors has been seen.
    """

    id = "LEAK001"
    name = "exact-leak"
    family = "leakage"
    severity = Severity.ERROR
    scope = GROUP
    grouping = copies.GROUPING
    shares = frozenset({"copies", "copy_texts", "distinct"})

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        for lines, refs in grouped_matches(exact_matches(ctx, eval_split, ref_split)):
            yield lines, refs, {"similarity": 1.0}

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, _ = group
        what = ALIKE if ctx.splits[eval_split].kind == MULTIPLE_CHOICE else "exact copy"
        return (
            f"{ctx.location(eval_split, lines[0])} = {ctx.location(ref_split, refs[0])} ({what})"
            + and_more(len(lines) - 1, f"{eval_split} copies")
            + and_more(len(refs) - 1, f"{ref_split} copies")
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
        rows = v.ctx.valid_count(name)
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
