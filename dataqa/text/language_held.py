"""COV002's languages of a split held in blocks on the Ray workers (`LanguagesHeld`, its `HeldForm`),
with the local engine's result.

A record's language is decided from its own text, given the training split's prior and vocabulary
(`language_records.decided`); those two are what a split's blocks must agree on. A held train makes
them over its blocks: each block's detection evidence is made once and left in the object store
(`evidence_of`), the prior's rounds count each block's decisions under the previous round's prior
and sum them (`language.prior_counts`, `prior_rounds`), and the vocabulary's texts (every k-th text
confident in the dominant language, k set by their number over the split) give their words' counts
per block, summed (`language_vocabulary.word_texts`). A train on the driver makes them as locally.
Each held split's blocks then decide their records' languages, kept there; the driver receives the
records per language (`language_counts`), the lines of the languages a finding names
(`language_lines`) and the texts a finding quotes (`examples`): nothing per record of the split.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import polars as pl

from dataqa.core.once import once_per_object
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, Runner
from dataqa.text.language import Evidence, Prior, confident_texts, has_vocabulary, prior_counts, prior_rounds
from dataqa.text.language_records import (
    COUNTS,
    EXAMPLE_SCHEMA,
    EXAMPLES,
    LINES,
    decided,
    evidence_of,
    example_texts,
    lines_in,
    texts_of,
    train_prior,
    train_vocabulary,
)
from dataqa.text.language_vocabulary import frequent_words, vocabulary_step, word_texts

COLUMN = "text"
"""The column COV002 reads (`language_records.texts_of`: a classification record's input alone, a
KTO record's prompt and answer)."""
PRIOR = ("language-prior", COLUMN)
VOCABULARY = ("language-vocabulary", COLUMN)
WORDS_SCHEMA = {"word": pl.String, "texts": pl.Int64}


def _evidence_step(ctx: Context, split: str) -> Evidence:
    return evidence_of(ctx, split, COLUMN)


def _confident(evidence: Evidence, prior: Prior) -> int:
    return len(confident_texts(evidence, prior))


def _words_step(
    ctx: Context, split: str, evidence: Evidence, prior: Prior, step: int, first: int
) -> pl.DataFrame:
    return word_texts(texts_of(ctx, split, COLUMN), confident_texts(evidence, prior), step, first)


def _decided_step(
    ctx: Context, split: str, prior: Prior, vocabulary: frozenset[str], evidence: Evidence | None
) -> pl.DataFrame:
    return decided(ctx, split, COLUMN, prior, lambda: vocabulary, evidence)


def _counts(frame: pl.DataFrame) -> Counter[str]:
    return Counter(frame["lang"].to_list())


class _Split:
    """The steps of one held split (module doc), each run when first asked."""

    def __init__(self, ctx: Context, split: str, runner: Runner) -> None:
        self.ctx, self.split, self.runner = ctx, split, runner

    @once_per_object
    def evidence(self) -> list[Any]:
        """A handle per block on its evidence (left in the object store)."""
        return [h[0] for h in self.runner.blocks(_evidence_step, [()] * len(self.runner))]

    def prior(self) -> Prior:
        run = self.runner

        def counts(prior: Prior) -> tuple[np.ndarray, int]:
            got = run.get([run.task(prior_counts, h, prior)[0] for h in self.evidence])
            return np.sum([c for c, _ in got], axis=0), sum(o for _, o in got)

        return prior_rounds(counts)

    def vocabulary(self) -> frozenset[str]:
        run, prior = self.runner, train_prior(self.ctx, COLUMN)
        if not has_vocabulary(prior):
            return frozenset()
        sizes = run.get([run.task(_confident, h, prior)[0] for h in self.evidence])
        step = vocabulary_step(sum(sizes))
        firsts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int).tolist()
        args = [(h, prior, step, first) for h, first in zip(self.evidence, firsts, strict=True)]
        found = run.get([h[0] for h in run.blocks(_words_step, args)])
        counts = (
            pl.concat([pl.DataFrame(schema=WORDS_SCHEMA), *found]).group_by("word").agg(pl.col("texts").sum())
        )
        return frequent_words(counts)

    @once_per_object
    def decided(self) -> list[Any]:
        """A handle per block on its records' languages (left in the object store)."""
        prior = train_prior(self.ctx, COLUMN)
        vocabulary = train_vocabulary(self.ctx, COLUMN, prior)  # the blocks cannot ask for it later
        evidence = self.evidence if self.split == "train" else [None] * len(self.runner)
        args = [(prior, vocabulary, one) for one in evidence]
        return [h[0] for h in self.runner.blocks(_decided_step, args)]

    def counts(self) -> dict[str, int]:
        run = self.runner
        return dict(sum(run.get([run.task(_counts, h)[0] for h in self.decided]), Counter()))

    def lines(self, langs: list[str]) -> dict[str, list[int]]:
        run, out = self.runner, {}
        for found in run.get([run.task(lines_in, h, langs)[0] for h in self.decided]):  # in line order
            for lang, lines in found.items():
                out.setdefault(lang, []).extend(lines)
        return out

    def examples(self, lines: list[int]) -> pl.DataFrame:
        run = self.runner
        got = run.get([h[0] for h in run.blocks(example_texts, [(lines,)] * len(run))])
        return pl.concat([pl.DataFrame(schema=EXAMPLE_SCHEMA), *got]).sort("line")


class LanguagesHeld(HeldForm):
    """COV002's form on a split held in blocks (module doc): train's prior and vocabulary made over
    its blocks when it is held, and each held split's languages per record decided there."""

    def applies(self, ctx: Context, split: str) -> bool:
        return True

    def supplied(self, ctx: Context, split: str) -> bool:
        keys = [(*COUNTS, split), (*LINES, split), (*EXAMPLES, split)]
        return all(ctx.supplied(key) for key in keys + ([PRIOR, VOCABULARY] if split == "train" else []))

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        if ctx.supplied((*COUNTS, split)):
            return
        one = _Split(ctx, split, runner)
        if split == "train":
            ctx.supply(PRIOR, one.prior)
            ctx.supply(VOCABULARY, one.vocabulary)
        ctx.supply((*COUNTS, split), one.counts)
        ctx.supply((*LINES, split), lambda: one.lines)
        ctx.supply((*EXAMPLES, split), lambda: one.examples)
