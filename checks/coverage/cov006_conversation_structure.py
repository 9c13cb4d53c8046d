"""COV006 conversation-structure: held-out conversations shaped unlike any training one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.merging import add_summaries
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.issues import excerpt
from dataqa.text.normalise import content_hash

_WORD = re.compile(r"\w+")


@register
@dataclass
class ConversationStructure(Summarised):
    """Held-out conversations shaped unlike any training conversation: more turns, or a system
    prompt train never uses.

    A held-out system prompt whose every word is in one training system prompt ("Call search_catalog.
    Return ONLY the SKU." against "You MUST call search_catalog before answering. Return ONLY the
    final SKU.") is that prompt shortened, saying nothing it does not: not reported.
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

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split with valid rows: how many, per turn count, with more than one exchange and with
        no system prompt, and the hashes of its distinct system prompts (`content_hash`)."""
        out: dict[str, Any] = {}
        for split in ctx:
            rows = ctx.valid_rows(split)
            if not rows.height:
                continue
            system = rows["system"].fill_null("")
            out[split.name] = {
                "rows": rows.height,
                "turns": Counter(rows["n_turns"].to_list()),
                "multi_turn": int((rows["n_turns"] > 2).sum()),
                "no_system": int((system == "").sum()),
                "systems": content_hash(system).unique().to_frame("hash"),
            }
        return {"splits": out}

    @classmethod
    def merge_summaries(cls, parts: list[dict[str, Any]]) -> dict[str, Any]:
        """Added up, each split's system hashes kept once (their number is its distinct prompts)."""
        merged = add_summaries(parts)
        for seen in merged.get("splits", {}).values():
            seen["systems"] = seen["systems"].unique().sort("hash")
        return merged

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Train's longest conversation and its system prompts (when few enough to compare), if a
        held-out split has a longer conversation or a system prompt train lacks."""
        splits = summary["splits"]
        if "train" not in splits:
            return None
        train = splits["train"]
        max_turns = _longest(train["turns"])
        systems = train["systems"]["hash"] if train["systems"].height <= self.max_train_systems else None
        for split in ctx.eval_splits:
            seen = splits.get(split.name)
            if seen is None:
                continue
            unseen = systems is not None and not seen["systems"]["hash"].is_in(systems.implode()).all()
            if _longest(seen["turns"]) > max_turns or unseen:
                return {"max_turns": max_turns, "systems": None if systems is None else systems.to_list()}
        return None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The held-out rows longer than train's longest, and those with a system prompt train lacks
        (`split`, `line`, `n_turns`, `hash`), with those prompts' texts once each."""
        rows = pl.concat(
            [
                ctx.valid_rows(split).select(
                    pl.lit(split.name).alias("split"),
                    pl.col("line").cast(pl.Int64),
                    pl.col("n_turns").cast(pl.Int64),
                    pl.col("system").fill_null(""),
                )
                for split in ctx.eval_splits
            ],
            how="vertical_relaxed",
        ).with_columns(content_hash(pl.col("system")).alias("hash"))
        systems = wanted["systems"]
        unseen = ~pl.col("hash").is_in(pl.Series(systems or [], dtype=pl.UInt64).implode())
        rows = rows.with_columns((unseen if systems is not None else pl.lit(False)).alias("unseen"))
        picked = rows.filter((pl.col("n_turns") > wanted["max_turns"]) | pl.col("unseen"))
        train = ctx.valid_rows("train") if systems is not None and "train" in ctx.splits else None
        return {
            "rows": picked.select("split", "line", "n_turns", "hash", "unseen"),
            "texts": picked.filter("unseen")
            .select("hash", "system")
            .unique("hash", keep="first", maintain_order=True),
            # train's few system prompts, to tell a shortened rewording of one from a new prompt
            "train_texts": pl.DataFrame(
                {"system": [] if train is None else train["system"].fill_null("").unique()}
            )
            .cast(pl.String)
            .sort("system"),
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        splits = summary["splits"]
        for split in ctx:
            seen = splits.get(split.name)
            if seen is None:
                continue
            self.metrics[f"{split.name}_turns"] = {
                str(k): int(v)
                for k, v in sorted(seen["turns"].items(), key=lambda kv: (kv[0] is not None, kv[0] or 0))
            }
            self.metrics[f"{split.name}_multi_turn_share"] = round(seen["multi_turn"] / seen["rows"], 4)
            self.metrics[f"{split.name}_systems_distinct"] = seen["systems"].height
            self.metrics[f"{split.name}_no_system_share"] = round(seen["no_system"] / seen["rows"], 4)
        if "rows" not in summary:  # nothing held out is shaped unlike train (`wanted`)
            return
        max_turns = _longest(splits["train"]["turns"])
        n_systems = splits["train"]["systems"].height
        gathered = summary["rows"]["rows"]
        texts = dict(summary["rows"]["texts"].unique("hash", keep="first", maintain_order=True).iter_rows())
        for split in ctx.eval_splits:
            rows = gathered.filter(pl.col("split") == split.name)
            longer = rows.filter(pl.col("n_turns") > max_turns).sort("line")
            if longer.height:
                yield self.finding(
                    f"{longer.height} {split.name} conversation(s) have more turns than any training "
                    f"conversation (up to {int(longer['n_turns'].max())}; train's longest has {max_turns})",
                    [ctx.location(split, line) for line in longer["line"]],
                    metrics={"count": longer.height, "train_max_turns": max_turns},
                )
            if n_systems > self.max_train_systems:
                continue
            unseen = (
                rows.filter(pl.col("unseen"))
                .group_by("hash")
                .agg(pl.col("line").sort())
                .sort(pl.col("line").list.first())
            )
            said = [_words(t) for t in summary["rows"]["train_texts"]["system"].unique().to_list()]
            for hashed, lines in unseen.iter_rows():
                system = texts[hashed]
                if system and any(_words(system) <= words for words in said):
                    continue  # a training prompt shortened: it says nothing that prompt does not
                what = f"system prompt {excerpt(system, 80, flat=True)!r}" if system else "no system prompt"
                yield self.finding(
                    f"{len(lines)} {split.name} example(s) use {what}, which no training example uses "
                    f"(train has {n_systems} distinct)",
                    [ctx.location(split, line) for line in lines],
                    [excerpt(system, flat=True)],
                    metrics={"count": len(lines)},
                )


def _words(text: str) -> set[str]:
    """The words of a system prompt, case folded."""
    return {w.casefold() for w in _WORD.findall(text)}


def _longest(turns: Counter[int | None]) -> int:
    """The most turns a conversation of these counts has (0 for none)."""
    return max((n for n in turns if n is not None), default=0)
