"""A bounded sample of a split held on the Ray workers, for the checks that fit a model over a whole split.

LBL006 (a cross-validated classifier) and COV004 (topic clusters) read every row of train; on a
split left on the workers (`Split.elsewhere`) they run on a sample of at most `ray-sample-rows`
rows instead (`Sampled`, their `HeldForm`), drawn on the workers and gathered to the driver, where
the check code runs unchanged on a context whose train is the sample. The draw is deterministic:
each row's rank is a fixed hash of its line (`ranks`), the same whatever the blocks; a split of at
most that many valid rows is gathered whole, so the findings are the local engine's. Larger, the
sample is stratified (LBL006: by label) with each stratum's quota set from the split's counts
(`quotas`), and every finding says it was found in a sample, of how many rows out of how many.

Steps on the held split's blocks (`registry.Runner`): each block counts its valid rows per stratum;
the driver sets the quotas; each block gives its lowest-ranked rows of each stratum (at most the
quota: line, stratum, rank); one task keeps the lowest of all (`chosen`); each block gives the rows
of the chosen lines. The driver holds the counts, the chosen lines and the sample's rows.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, Runner

if TYPE_CHECKING:
    from dataqa.ingest.dataset import Split

FLOOR = 30
"""Rows each stratum keeps before the rest of the sample is shared in proportion to the strata's
sizes (all of a smaller one): a rare class stays in the sample with enough rows for the check's
cross-validation folds, and the classes' shares are otherwise the split's."""
SEED = 0x9E3779B97F4A7C15
SAMPLED = "train"
"""The split the sampled checks read (LBL006 and COV004 read train alone)."""


def ranks(lines: np.ndarray) -> np.ndarray:
    """Each line's rank in the sample order: splitmix64 of the line (a bijection, so no two lines tie)."""
    z = lines.astype(np.uint64) + np.uint64(SEED)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _strata(ctx: Context, split: str, by_label: bool) -> pl.DataFrame:
    """`line`, `stratum` (the label, or none) and `rank` of the split's valid rows in `ctx`."""
    rows = ctx.valid_rows(split)
    stratum = pl.col("label") if by_label else pl.lit(None, dtype=pl.String)
    out = rows.select("line", stratum.alias("stratum"))
    return out.with_columns(pl.Series("rank", ranks(out["line"].to_numpy()), dtype=pl.UInt64))


def counts_step(ctx: Context, split: str, by_label: bool) -> Counter[Hashable]:
    """A block's valid rows per stratum."""
    return Counter(dict(_strata(ctx, split, by_label)["stratum"].value_counts().iter_rows()))


def quotas(counts: dict[Hashable, int], size: int, floor: int = FLOOR) -> dict[Hashable, int]:
    """How many rows of each stratum a sample of at most `size` rows keeps: every row when they fit;
    else `floor` of each (all of a smaller stratum) and the rest in proportion to what each has left
    (largest remainders, ties in stratum order); when the floors alone exceed `size`, an equal share
    of each, all of the strata smaller than it."""
    keys = sorted(counts, key=lambda k: (k is None, str(k)))
    if sum(counts.values()) <= size:
        return {k: counts[k] for k in keys}
    base = {k: min(counts[k], floor) for k in keys}
    if sum(base.values()) > size:
        low, high = 0, max(counts.values())
        while low < high:  # the largest level whose rows fit
            mid = (low + high + 1) // 2
            low, high = (mid, high) if sum(min(counts[k], mid) for k in keys) <= size else (low, mid - 1)
        out = {k: min(counts[k], low) for k in keys}
        left = size - sum(out.values())
        for k in [k for k in keys if counts[k] > low][:left]:
            out[k] += 1
        return out
    rest = {k: counts[k] - base[k] for k in keys}
    budget, total = size - sum(base.values()), sum(rest.values())
    exact = {k: budget * rest[k] / total for k in keys}
    out = {k: base[k] + int(exact[k]) for k in keys}
    left = size - sum(out.values())
    for k in sorted(keys, key=lambda k: -(exact[k] - int(exact[k])))[:left]:
        out[k] += 1
    return out


def _lowest(frame: pl.DataFrame, wanted: dict[Hashable, int]) -> pl.DataFrame:
    """The rows of `frame` (`line`, `stratum`, `rank`) of lowest rank in each stratum, `wanted` of each."""
    named = {k: v for k, v in wanted.items() if k is not None}
    quota = pl.col("stratum").replace_strict(named, default=0, return_dtype=pl.Int64)
    quota = pl.when(pl.col("stratum").is_null()).then(wanted.get(None, 0)).otherwise(quota)
    order = pl.col("rank").rank("ordinal").over("stratum")
    return frame.filter(order <= quota)


def lowest_step(ctx: Context, split: str, by_label: bool, wanted: dict[Hashable, int]) -> pl.DataFrame:
    """A block's candidates: its lowest-ranked valid rows of each stratum, at most the quota of each."""
    return _lowest(_strata(ctx, split, by_label), wanted)


def chosen(wanted: dict[Hashable, int], *frames: pl.DataFrame) -> np.ndarray:
    """The sample's lines, in order: the lowest-ranked of every block's candidates in each stratum."""
    return np.sort(_lowest(pl.concat(frames), wanted)["line"].to_numpy())


def rows_step(ctx: Context, split: str, lines: np.ndarray | None) -> tuple[pl.DataFrame, ...]:
    """A block's rows (frame, stored messages, one-exchange records) of `lines`; all of them for None."""
    s = ctx.splits[split]
    tables = (s.frame, s.stored_turns, s.exchanges)
    if lines is None:
        return tables
    wanted = pl.DataFrame({"line": lines}, schema={"line": pl.Int64})
    return tuple(t.join(wanted, on="line", how="semi", maintain_order="left") for t in tables)


@dataclass
class Sample:
    """The rows of a held split the sampled checks read: the frame, stored messages and one-exchange
    records of the `rows` sampled valid rows, out of the split's `of` valid rows."""

    frame: pl.DataFrame
    turns: pl.DataFrame
    exchanges: pl.DataFrame
    rows: int
    of: int
    by_label: bool

    @property
    def whole(self) -> bool:
        """Whether the sample is every valid row of the split (the findings are then the local ones)."""
        return self.rows == self.of

    def split(self, held: Split) -> Split:
        """The held split as the checks read it: its shell with the sample's rows."""
        return dataclasses.replace(
            held, frame=self.frame, stored_turns=self.turns, exchanges=self.exchanges, elsewhere=None
        )

    def said(self, split: str) -> str:
        """What a finding and the report say of it: "a sample of N of train's M valid rows (...)"."""
        how = "stratified by label" if self.by_label else "even"
        return f"a sample of {self.rows:,} of {split}'s {self.of:,} valid rows ({how}; ray-sample-rows)"


def draw(ctx: Context, split: str, runner: Runner, size: int, by_label: bool) -> Sample:
    """The sample of `split`'s blocks on `runner` (module docstring): the whole split up to `size`
    valid rows, else at most `size` rows stratified by label (`by_label`) or not."""
    count = runner.get([h for (h,) in runner.blocks(counts_step, [(by_label,)] * len(runner))])
    counts: Counter[Hashable] = Counter()
    for one in count:
        counts.update(one)
    of = sum(counts.values())
    lines: np.ndarray | None = None
    if of > size:
        wanted = quotas(counts, size)
        candidates = runner.blocks(lowest_step, [(by_label, wanted)] * len(runner))
        (handle,) = runner.task(chosen, wanted, *[h for (h,) in candidates])
        lines = runner.get([handle])[0]
    parts = runner.get([h for (h,) in runner.blocks(rows_step, [(lines,)] * len(runner))])
    frame, turns, exchanges = (pl.concat([p[i] for p in parts], how="vertical_relaxed") for i in range(3))
    rows = frame.filter(pl.col("valid")).height
    return Sample(frame, turns, exchanges, rows, of, by_label and of > size)


class Sampled(HeldForm):
    """A check's form on a held train split (`Check.held_form`): it runs on a sample of the split's
    rows, drawn on the workers (`draw`), `by_label` stratified by label. The findings and the
    check's result say so when the sample is not the whole split (`Sample.said`)."""

    def __init__(self, by_label: bool) -> None:
        self.by_label = by_label
        self.ran_on: Sample | None = None
        """The sample the last `run` read (None: the split itself), for `note`."""

    def key(self) -> tuple[str, str, bool]:
        """The shared key of the sample (one per kind: LBL006's by label, COV004's even)."""
        return ("sample", SAMPLED, self.by_label)

    def applies(self, ctx: Context, split: str) -> bool:
        """Only train is sampled: the sampled checks read no other split."""
        return split == SAMPLED

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        """The sample of `split`, drawn on `runner` the first time a check asks for it."""
        size = ctx.config.ray_sample_rows
        ctx.supply(self.key(), lambda: draw(ctx, split, runner, size, self.by_label))

    def supplied(self, ctx: Context, split: str) -> bool:
        """A held split other than train needs nothing; train needs its sample."""
        return split != SAMPLED or ctx.supplied(self.key())

    def _sample(self, ctx: Context) -> Sample | None:
        """The sample of a held train split, or None when train is here (the check runs as locally)."""
        train = ctx.splits.get(SAMPLED)
        if train is None or train.elsewhere is None or not ctx.supplied(self.key()):
            return None
        sample: Sample = ctx.shared(self.key(), lambda: None)
        return sample

    def run(self, check: Check, ctx: Context) -> Iterable[Finding]:
        """The check on a context whose train is the sample; its findings then say so (module docstring)."""
        sample = self.ran_on = self._sample(ctx)
        if sample is None:
            yield from check.run(ctx)
            return
        sampled = Context({**ctx.splits, SAMPLED: sample.split(ctx.splits[SAMPLED])}, ctx.config)
        for finding in check.run(sampled.view()):
            if not sample.whole:
                finding.message += f"; found in {sample.said(SAMPLED)}"
                finding.metrics["sample"] = {"rows": sample.rows, "of": sample.of}
            yield finding
        if not sample.whole:
            check.metrics["sample"] = {"rows": sample.rows, "of": sample.of, "by_label": sample.by_label}

    def note(self, ctx: Context) -> str:
        """How the last `run` ran, for the check's result: on a sample of N of M rows ("" for the
        whole split, or the split itself)."""
        sample = self.ran_on
        if sample is None or sample.whole:  # the whole split: the local engine's result, word for word
            return ""
        return f"ran on {sample.said(SAMPLED)}, drawn on the Ray workers"
