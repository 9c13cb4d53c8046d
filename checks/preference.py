"""PREF: preference data (DPO pairs, KTO examples) whose pairs teach nothing or teach the wrong thing.

Pairs come in every form the normaliser reads: prompt/chosen/rejected with string or
conversational sides, the implicit-prompt form (the prompt inside each side, also HH-style
"Human:/Assistant:" strings), OpenAI/Together `input`/`preferred_output`/`non_preferred_output`,
and KTO's unpaired prompt/completion/label. The chosen answer is the `response` column, the
rejected one `rejected`; structural pair problems are found while normalising (empty side,
sides answering different prompts, a side ending on a user turn) and reported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz

from dataqa.checks.format import _RecordIssueCheck
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import formats
from dataqa.ingest.load import excerpt
from dataqa.text.similarity import normalise_expr

FAMILY = "preference"
MAX_LISTED = 1000
"""A dataset-level finding (length bias, label balance) lists at most this many example records."""


def pairs(ctx: Context, split) -> pl.DataFrame:
    """Valid preference pairs of a split: line, chosen (`response`), rejected, and their lengths."""
    return (
        ctx.valid_rows(split)
        .filter(pl.col("rejected").is_not_null())
        .select(
            "line",
            pl.col("response").alias("chosen"),
            "rejected",
            pl.col("response").str.len_chars().alias("chosen_chars"),
            pl.col("rejected").str.len_chars().alias("rejected_chars"),
        )
    )


@register
@dataclass
class IdenticalPair(Check):
    """The chosen and rejected answers are the same, or nearly (case, spacing or a few characters apart).

    Why: a DPO pair whose two answers are alike has no preference to learn; the loss pushes the
    same tokens up and down and adds noise, and a near-copy teaches that a typo is what matters.
    Example: chosen "The capital is Paris." and rejected "the capital is Paris".
    Fix: write a genuinely worse rejected answer, or drop the pair.
    """

    id = "PREF001"
    name = "identical-pair"
    family = FAMILY
    severity = Severity.ERROR
    near: float = 0.95
    """Similarity (0-1, rapidfuzz ratio of the normalised answers) from which a pair counts as a copy."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        total = 0
        for split in ctx:
            frame = pairs(ctx, split).with_columns(
                normalise_expr(pl.col("chosen")).alias("c"), normalise_expr(pl.col("rejected")).alias("r")
            )
            n = 0
            for line, chosen, rejected, c, r in frame.select(
                "line", "chosen", "rejected", "c", "r"
            ).iter_rows():
                if chosen == rejected:
                    how = "identical"
                elif c == r:
                    how = "identical after normalising case, spacing and punctuation"
                else:
                    score = fuzz.ratio(c, r, score_cutoff=self.near * 100) / 100
                    if not score:
                        continue
                    how = f"{score:.0%} alike"
                n += 1
                loc = ctx.location(split, line)
                yield self.finding(
                    f"chosen and rejected answers are {how}",
                    [loc],
                    [excerpt(chosen), excerpt(rejected)],
                    unusable=[loc],
                )
            self.metrics[f"{split.name}_identical_pairs"] = n
            total += n
        self.metrics["records"] = total


class _PairIssueCheck(_RecordIssueCheck):
    family = FAMILY
    severity = Severity.ERROR


@register
@dataclass
class EmptySide(_PairIssueCheck):
    """A preference pair whose chosen or rejected side is empty (or a conversation with no answer).

    Why: with one side empty the pair compares an answer with nothing; DPO learns "say
    anything" rather than which answer is better.
    Example: `{"prompt": "...", "chosen": "Sure, ...", "rejected": ""}`.
    Fix: write the missing answer or drop the pair.
    """

    id = "PREF002"
    name = "empty-side"
    kind = formats.EMPTY_SIDE


@register
@dataclass
class PromptMismatch(_PairIssueCheck):
    """The chosen and rejected sides answer different prompts (implicit-prompt or conversational pairs).

    Why: a preference is only meaningful between two answers to the same conversation; a pair
    built from two different conversations (a join or shuffle gone wrong) teaches noise.
    Example: chosen = [user "Reset my password", assistant ...], rejected = [user "Cancel my
    order", assistant ...].
    Fix: rebuild the pair from one conversation, or move the shared prompt into "prompt".
    """

    id = "PREF003"
    name = "prompt-mismatch"
    kind = formats.PROMPT_MISMATCH


@register
@dataclass
class SideEndsOnUser(_PairIssueCheck):
    """A conversational chosen or rejected side ends on a user (or tool) turn instead of the answer.

    Why: the compared answer is the final assistant turn; a side that ends with the user's next
    message compares truncated or misaligned dialogues.
    Example: chosen = [user, assistant, user].
    Fix: cut the trailing turn or add the assistant's answer to it on both sides.
    """

    id = "PREF004"
    name = "side-ends-on-user"
    kind = formats.SIDE_ENDS_USER


@register
@dataclass
class LengthBias(Check):
    """Chosen answers are systematically longer than rejected ones (the length ratio is reported).

    Why: when the preferred answer is nearly always the longer one, DPO learns "longer is
    better" instead of "better is better": a known source of verbose fine-tunes.
    Example: in 85 % of pairs the chosen answer is longer, 2.1 times on average.
    Fix: add pairs where the concise answer wins, trim padding from chosen answers, or use a
    length-normalised objective. The finding lists the pairs where chosen is `max_ratio` times
    longer or more (the first 1,000).
    """

    id = "PREF005"
    name = "length-bias"
    family = FAMILY
    severity = Severity.WARNING
    max_longer_share: float = 0.75
    """Share of pairs with the longer answer chosen above which the bias is reported."""
    max_ratio: float = 1.5
    """Mean chosen/rejected length ratio above which the bias is reported."""
    min_pairs: int = 20

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            frame = pairs(ctx, split).filter((pl.col("chosen_chars") > 0) & (pl.col("rejected_chars") > 0))
            if frame.height == 0:
                continue
            ratio = float(frame["chosen_chars"].sum() / frame["rejected_chars"].sum())
            longer = float((frame["chosen_chars"] > frame["rejected_chars"]).mean())
            self.metrics[f"{split.name}_length_ratio"] = round(ratio, 3)
            self.metrics[f"{split.name}_chosen_longer_share"] = round(longer, 4)
            if frame.height < self.min_pairs or longer <= self.max_longer_share or ratio <= self.max_ratio:
                continue
            strong = frame.filter(pl.col("chosen_chars") >= self.max_ratio * pl.col("rejected_chars"))
            listed = min(strong.height, MAX_LISTED)
            yield self.finding(
                f"chosen is the longer answer in {longer:.0%} of {frame.height:,} pairs and "
                f"{ratio:.2f} times as long overall: the model will learn that longer wins "
                f"({strong.height:,} pairs with chosen {self.max_ratio:g}x as long, {listed:,} listed)",
                [ctx.location(split, n) for n in strong["line"].head(MAX_LISTED).to_list()],
                metrics={"length_ratio": round(ratio, 3), "chosen_longer_share": round(longer, 4)},
            )


@register
@dataclass
class KtoLabelBalance(Check):
    """KTO examples are mostly desirable or mostly undesirable (the share of each is reported).

    Why: KTO weighs desirable and undesirable examples against each other; with one kind rare,
    its signal is drowned unless the trainer's `desirable_weight`/`undesirable_weight` correct
    for it (TRL recommends weighted counts within 1:1 to 4:3).
    Example: 950 examples labelled true and 50 labelled false.
    Fix: collect examples of the rare kind, or set the trainer's weights to the ratio reported.
    The finding lists the rarer kind's examples (the first 1,000).
    """

    id = "PREF006"
    name = "kto-label-balance"
    family = FAMILY
    severity = Severity.WARNING
    min_share: float = 0.25
    """Below this share of the rarer label (desirable or undesirable) the balance is reported."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            if split.format != formats.KTO:
                continue
            frame = ctx.valid_rows(split).filter(pl.col("label").is_in(["true", "false"]))
            if frame.height == 0:
                continue
            desirable = int((frame["label"] == "true").sum())
            undesirable = frame.height - desirable
            share = min(desirable, undesirable) / frame.height
            self.metrics[f"{split.name}_desirable"] = desirable
            self.metrics[f"{split.name}_undesirable"] = undesirable
            if share >= self.min_share:
                continue
            rare = "false" if undesirable < desirable else "true"
            weight = max(desirable, undesirable) / max(min(desirable, undesirable), 1)
            lines = frame.filter(pl.col("label") == rare)["line"].head(MAX_LISTED).to_list()
            lines = lines or [int(frame["line"].min())]
            yield self.finding(
                f"{desirable:,} desirable and {undesirable:,} undesirable examples: the rarer kind is "
                f"{share:.0%}; weigh it about {weight:.1f}x (e.g. "
                f"{'undesirable' if rare == 'false' else 'desirable'}_weight) or collect more",
                [ctx.location(split, n) for n in lines],
                metrics={"desirable": desirable, "undesirable": undesirable, "rare_share": round(share, 4)},
            )
