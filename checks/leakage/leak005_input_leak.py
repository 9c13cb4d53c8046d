"""LEAK005 input-leak: a held-out input found in train with another label (or a rewritten answer)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.leakage.base import (
    NEAR_SHARES,
    Group,
    LeakCheck,
    and_more,
    labelled,
)
from dataqa.checks.leakage.input_leaks import input_leaks
from dataqa.checks.leakage.leaks_across import LeaksAcross
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, register
from dataqa.ingest.naming import field_name
from dataqa.text.similarity import DEFAULT_SHINGLE, DEFAULT_THRESHOLD

LABEL_CHARS = 60
"""A label is cut to this many characters in a message."""


def _label(value: str) -> str:
    return repr(value[:LABEL_CHARS] + ("…" if len(value) > LABEL_CHARS else ""))


@register
@dataclass
class InputLeak(LeakCheck):
    """A held-out input is in the training data under another label, or with a rewritten answer.

    A cross-split label conflict, or for generative data a leak of the input.
    Labelled data (a label field, or chat replies that form a closed set): the held-out input is
    identical to a training input, equal after normalisation, or near it (verified similarity at
    least `threshold`, the same measure as LEAK003's, on the input alone), and the labels differ.
    Both labels are named. An input identical to a training input under another label is
    reported here even when it is also near a training input with its own label (LEAK003 then
    leaves it out). Generative data: the same prompt (identical or equal after
    normalisation, same system prompt) with an answer that LEAK001-003 do not match; a near prompt
    with another answer is not reported (it is most often another question). Rows reported by
    LEAK001-003 are not repeated here. Like them, a leak removes the training rows from the usable
    count and counts toward the verdict's leaked share.
    Multiple-choice data is compared on its questions (with their passage, their choices in any
    order) and the right answers' texts, not positions: a held-out question whose right answer the
    training split offers as a wrong choice of the same question, or the other way round, is a
    conflict (`same_inputs.partners`, as LBL001's); both right choices are named.
    Why: the model has seen the input; on a conflict it was also taught another answer, so the
    held-out score measures which of two labels it memorised, and one of the two labels is wrong.
    Example: test.jsonl:252 "What are the twin cities ?" is labelled `LOC:city`; train.jsonl:1194
    "What are the Twin Cities ?" is labelled `DESC:def`.
    Fix: decide the right label and correct the wrong one, then keep the input on one side of the
    split only (remove the training copies, or the held-out example).
    """

    id = "LEAK005"
    near = True
    shares = NEAR_SHARES | {"input_leaks", "same_inputs"}
    name = "input-leak"
    family = "leakage"
    severity = Severity.ERROR
    threshold: float = ranged(DEFAULT_THRESHOLD, low=0, high=1)
    shingle: int = ranged(DEFAULT_SHINGLE, low=1, high=20)

    def near_finding(self, finding: Finding) -> bool:
        """An input found identical (or the same question, its choices in any order) is an exact
        leak with another label wherever labels judge form: only near and normalised ones are near."""
        return finding.metrics.get("input_match") not in ("identical", "question")

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: the near leaks (which this layer leaves to LEAK003)
        made there (`near_across`), the inputs two splits share from a shuffle (`shared_inputs`), and
        on labelled data the rows of the inputs they pair (`leaks_across`)."""
        return LeaksAcross()

    def matches(self, ctx: Context, eval_split: str, ref_split: str) -> Iterator[Group]:
        leaks = input_leaks(ctx, eval_split, ref_split, self.threshold, self.shingle)
        for row in leaks.iter_rows(named=True):
            extra: dict = {"similarity": round(row["similarity"], 4), "input_match": row["match"]}
            if labelled(ctx):
                extra["label"] = row["target"]
                extra["reference_labels"] = dict(Counter(row["ref_targets"]))
            yield row["lines"], row["refs"], extra

    def describe(self, ctx: Context, eval_split: str, ref_split: str, group: Group) -> str:
        lines, refs, extra = group
        match = extra["input_match"]
        if match == "near":
            how, sign = f"similarity {extra['similarity']:.2f}", "~"
        elif match == "question":
            how, sign = "its choices in any order", "="
        else:
            how, sign = ("identical" if match == "identical" else "identical after normalisation"), "="
        named = ctx.splits[eval_split]
        head = (
            f"{ctx.location(eval_split, lines[0])} {sign} {ctx.location(ref_split, refs[0])} "
            f"{field_name(named, 'prompt')} ({how})"
        )
        if "label" in extra:
            theirs = ", ".join(
                _label(label) + (f" x{n}" if n > 1 else "") for label, n in extra["reference_labels"].items()
            )
            what = "right answer" if match == "question" else "label"
            tail = f" with another {what}: {_label(extra['label'])} in {eval_split}, {theirs} in {ref_split}"
        else:
            tail = f" with a different {field_name(named, 'response')}"
        return (
            head
            + tail
            + and_more(len(lines) - 1, f"{eval_split} copies")
            + and_more(len(refs) - 1, f"{ref_split} rows")
        )
