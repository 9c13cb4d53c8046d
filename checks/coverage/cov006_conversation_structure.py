"""COV006 conversation-structure: held-out conversations shaped unlike any training one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt


@register
@dataclass
class ConversationStructure(Check):
    """Held-out conversations shaped unlike any training conversation: more turns, or a system
    prompt train never uses.

    Metrics per split: `turns` (user/assistant turns → count), `multi_turn_share`,
    `systems_distinct` and `no_system_share`, so the structure of each split is visible.
    Why: a model tuned on single-turn examples with one fixed system prompt is evaluated on
    something else when test has long conversations or other system prompts; the score then
    mixes the task with an untrained setting.
    Example: train is all one-question-one-answer, test has 6-turn conversations.
    Fix: make the splits come from the same distribution (split after shuffling), or add training
    examples with the structure the model will meet.
    """

    id = "COV006"
    name = "conversation-structure"
    family = "coverage"
    severity = Severity.WARNING
    max_train_systems: int = ranged(20, low=0)
    """Unseen system prompts are only reported when train uses at most this many distinct ones."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            rows = ctx.valid_rows(split)
            if not rows.height:
                continue
            turns = rows["n_turns"].value_counts().sort("n_turns")
            self.metrics[f"{split.name}_turns"] = {str(k): int(v) for k, v in turns.iter_rows()}
            self.metrics[f"{split.name}_multi_turn_share"] = round(float((rows["n_turns"] > 2).mean()), 4)
            self.metrics[f"{split.name}_systems_distinct"] = int(rows["system"].fill_null("").n_unique())
            self.metrics[f"{split.name}_no_system_share"] = round(
                float((rows["system"].fill_null("") == "").mean()), 4
            )
        train = ctx.valid_rows("train")
        if not train.height:
            return
        max_turns = int(train["n_turns"].max() or 0)
        systems = set(train["system"].fill_null("").to_list())
        for split in ctx.eval_splits:
            rows = ctx.valid_rows(split)
            longer = rows.filter(pl.col("n_turns") > max_turns).sort("line")
            if longer.height:
                yield self.finding(
                    f"{longer.height} {split.name} conversation(s) have more turns than any training "
                    f"conversation (up to {int(longer['n_turns'].max())}; train's longest has {max_turns})",
                    [ctx.location(split, line) for line in longer["line"]],
                    metrics={"count": longer.height, "train_max_turns": max_turns},
                )
            if len(systems) > self.max_train_systems:
                continue
            unseen = (
                rows.with_columns(pl.col("system").fill_null(""))
                .filter(~pl.col("system").is_in(sorted(systems)))
                .group_by("system")
                .agg(pl.col("line").sort())
                .sort(pl.col("line").list.first())
            )
            for system, lines in unseen.iter_rows():
                what = f"system prompt {excerpt(system, 80, flat=True)!r}" if system else "no system prompt"
                yield self.finding(
                    f"{len(lines)} {split.name} example(s) use {what}, which no training example uses "
                    f"(train has {len(systems)} distinct)",
                    [ctx.location(split, line) for line in lines],
                    [excerpt(system, flat=True)],
                    metrics={"count": len(lines)},
                )
