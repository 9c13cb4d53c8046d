"""A check that says it works per record (`Check.scope = "record"`) or from summaries of blocks
("summary") keeps its word.

Every record- and summary-scope check runs over the data of every case file (tests/cases/..., planted defects
and clean controls of every family, not only its own) on the whole scan, and again on every split
cut into small blocks (`dataqa.engine.blocks`, what the Ray engine's workers run; a summary check
then concludes from its merged summaries on the splits without rows, as the Ray driver does): the
findings, in the report's order, and the metrics must be the same. A check that reads a share of its split,
groups records, or asks a split-wide question the block cannot answer fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cases import SPLITS, _case_files, _load, _materialise

from dataqa.core.models import CheckStatus
from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.merging import add_counts, add_summaries
from dataqa.engine.registry import (
    RECORD,
    SPLIT,
    SUMMARY,
    Check,
    load_checks,
    make_check,
)
from dataqa.engine.results import finished
from dataqa.engine.runner import load_splits, run_check
from dataqa.engine.settings import read_config

RECORD_CHECKS = [cls for cls in load_checks().values() if cls.scope == RECORD]
SUMMARY_CHECKS = [cls for cls in load_checks().values() if cls.scope == SUMMARY]


class _Blocked:
    """The scan's splits cut into blocks of `rows` rows (`dataqa.engine.blocks`, what the Ray
    engine's workers run) and the splits without rows (what its driver concludes on)."""

    def __init__(self, ctx: Context, config: Config, rows: int) -> None:
        shells = {name: blocks.shell(split) for name, split in ctx.splits.items()}
        labelled = blocks.facts(ctx)
        self.contexts = [
            blocks.block_context(block, shells, config, labelled)
            for split in ctx.splits.values()
            for block in blocks.cut(split, rows)
        ]
        self.rowless = blocks.shells_context(shells, config, labelled)

    def result(self, check: Check, ctx: Context) -> dict:
        """One check's result on the blocks, merged, with the second round of its reported rows.
        Check by check, block after block: a check's regexes stay in polars' small cache of
        compiled ones over its blocks (in a block's turn of every check, each recompiled them)."""
        outcomes = [blocks.merge(check, [blocks.run_block([check], block)[0] for block in self.contexts])]
        wants = blocks.wanted([check], self.rowless, outcomes)  # the second round: the reported rows
        merged = outcomes[0]  # or the error `wanted` put in its place
        if wants:
            rows = [blocks.gather([check], [wants[0]], block)[0] for block in self.contexts]
            merged = blocks.with_rows(merged, rows)
        concluded = blocks.conclude(check, self.rowless, merged)
        assert not concluded.error, f"{check.id}: {concluded.error}"
        return _shown(finished(check, ctx, concluded.findings, concluded.metrics))


def _blocked(checks: list[Check], ctx: Context, config: Config, rows: int) -> list[dict]:
    """The checks' results with every split cut into blocks of `rows` rows, merged per check."""
    blocked = _Blocked(ctx, config, rows)
    return [blocked.result(check, ctx) for check in checks]


def _shown(result) -> dict:
    return {
        "status": result.status.value,
        "reason": result.reason,
        "metrics": result.metrics,
        "findings": [f.to_dict() for f in result.findings],
    }


def test_there_are_record_scope_checks_of_every_candidate_family() -> None:
    families = {cls.family for cls in RECORD_CHECKS}
    assert {"format", "quality", "pii", "provider", "preference"} <= families
    assert {"coverage", "labels", "size", "quality"} <= {cls.family for cls in SUMMARY_CHECKS}


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda p: p.stem)
def test_record_and_summary_scope_checks_find_the_same_on_blocks(case_file: Path, tmp_path: Path) -> None:
    for i, case in enumerate(_load(case_file)):
        folder = tmp_path / str(i)
        folder.mkdir()
        paths = {s: p for s in SPLITS if (p := _materialise(case, s, folder, case_file)) is not None}
        options = {case_file.stem: case.get("options", {})}
        config = read_config(None, discover=False, checks=options, **case.get("config", {}))
        ctx = Context(load_splits(paths, config), config)
        rows = max(1, -(-max(s.frame.height for s in ctx.splits.values()) // 4))  # at most 4 blocks
        blocked = _Blocked(ctx, config, rows)
        for cls in RECORD_CHECKS + SUMMARY_CHECKS:
            whole = run_check(make_check(cls, config.checks.get(cls.id)), ctx)
            if whole.status == CheckStatus.SKIPPED:  # needs are judged on the whole scan, by any engine
                continue
            assert whole.status != CheckStatus.ERRORED, f"{cls.id}: {whole.reason}"
            name = case.get("name", i)
            on_blocks = blocked.result(make_check(cls, config.checks.get(cls.id)), ctx)
            assert on_blocks == _shown(whole), (
                f"{cls.id} on {case_file.stem} case {name!r}: blocks of {rows} differ"
            )


def test_the_default_scope_is_split_and_an_unknown_scope_is_refused() -> None:
    from dataclasses import dataclass

    from dataqa.engine.registry import register

    assert Check.scope == SPLIT

    @dataclass
    class Odd(Check):
        """Odd."""

        id = "ODD901"
        name = "odd"
        family = "quality"
        scope = "row"

    with pytest.raises(TypeError, match="scope"):
        register(Odd)


def test_block_metrics_add_up_and_a_share_is_refused() -> None:
    merged = add_counts(
        [{"train_records": 2, "by_kind": {"email": 1}}, {"train_records": 3, "by_kind": {"a": 2}}]
    )
    assert merged == {"train_records": 5, "by_kind": {"a": 2, "email": 1}}
    assert add_counts([{"model": "x", "n": 1}, {"model": "x", "n": 0}]) == {"model": "x", "n": 1}
    with pytest.raises(ValueError, match="share"):
        add_counts([{"share": 0.5}, {"share": 0.25}])


def test_block_summaries_merge_exactly_and_anything_else_is_refused() -> None:
    from collections import Counter

    import polars as pl

    a = {"n": 2, "seen": {"x"}, "by": Counter(a=1), "rows": pl.DataFrame({"line": [1]}), "first": [1]}
    b = {"n": 3, "seen": {"y"}, "by": Counter(a=2, b=1), "rows": pl.DataFrame({"line": [7]}), "first": []}
    merged = add_summaries([a, b])
    assert merged["n"] == 5 and merged["seen"] == {"x", "y"} and merged["by"] == Counter(a=3, b=1)
    assert merged["rows"]["line"].to_list() == [1, 7] and merged["first"] == [1]
    with pytest.raises(ValueError, match="share"):
        add_summaries([{"share": 0.5}, {"share": 0.25}])


def test_a_summary_scope_check_is_a_summarised_one() -> None:
    from dataclasses import dataclass

    from dataqa.engine.registry import register

    @dataclass
    class Claims(Check):
        """Claims."""

        id = "ODD902"
        name = "claims"
        family = "quality"
        scope = SUMMARY

    with pytest.raises(TypeError, match="Summarised"):
        register(Claims)


def _labelled(folder: Path, rows: int) -> Context:
    """A classification set of `rows` training rows: a large class, a small one, a rare one; its test
    split has a label train never has and lacks one train has."""
    from conftest import write_jsonl

    labels = ["billing"] * (rows - rows // 25 - 2) + ["legal"] * (rows // 25) + ["rare"] * 2
    train = [{"text": f"ticket number {i} about {label}", "label": label} for i, label in enumerate(labels)]
    test = [{"text": f"held-out ticket {i}", "label": "billing" if i % 3 else "delivery"} for i in range(30)]
    folder.mkdir()
    paths = {
        "train": write_jsonl(folder / "train.jsonl", train),
        "test": write_jsonl(folder / "test.jsonl", test),
    }
    config = read_config(None, discover=False)
    return Context(load_splits({k: str(v) for k, v in paths.items()}, config), config)


def test_label_summaries_carry_counts_not_a_line_per_row(tmp_path: Path) -> None:
    """A summary check's summary of a block does not grow with the block's labelled rows: the rows
    its findings name are gathered in a second round, for the classes it reports only."""
    import pickle

    small, large = _labelled(tmp_path / "small", 500), _labelled(tmp_path / "large", 5_000)
    for cls in SUMMARY_CHECKS:
        check = make_check(cls, None)
        sizes = [len(pickle.dumps(check.summarise(ctx.view()))) for ctx in (small, large)]
        assert sizes[1] < sizes[0] + 200, f"{cls.id}: its summary grows with the rows ({sizes})"
    reported = {}
    for cls in SUMMARY_CHECKS:
        check = make_check(cls, None)
        wanted = check.wanted(large.view(), type(check).merge_summaries([check.summarise(large.view())]))
        if wanted is not None:
            reported[cls.id] = wanted
    assert reported == {
        "COV001": ["legal"],  # 1:22 against billing; "rare" is under the minimum, SIZE002's
        "SIZE002": ["rare"],
        "LBL004": {"test": ["delivery"]},
        "LBL005": ["legal", "rare"],
    }


def test_length_statistics_from_counts_are_numpys_on_the_rows() -> None:
    """COV003's median, MAD, scores and nearest quantiles from (length, rows) counts, which merge over
    blocks, are bit for bit what numpy gives on the lengths one per row."""
    from collections import Counter

    import numpy as np

    from dataqa.checks.coverage.cov003_length_outlier import Lengths

    rng = np.random.default_rng(7)
    for n in [1, 2, 3, 4, 7, 30, 31, 200, 999]:
        for tokens in (rng.lognormal(3, 1.5, n).round(), rng.choice([0, 1, 2, 5, 40, 41, 3000], n)):
            tokens = tokens.astype(np.float64)
            lengths = Lengths(Counter(tokens.astype(int).tolist()))
            logs = np.log1p(tokens)
            median = float(np.median(logs))
            mad = float(np.median(np.abs(logs - median))) * 1.4826
            assert (lengths.n, lengths.median, lengths.mad) == (n, median, mad)
            assert lengths.quantiles() == {
                q: float(np.quantile(tokens, p, method="nearest"))
                for q, p in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            }
            if mad > 0:
                assert np.array_equal(lengths.score(tokens), (logs - median) / mad)


def test_median_from_counts_is_the_statistics_median_of_the_rows() -> None:
    """QUAL009's typical answer length per kind of request, from word counts that merge over blocks,
    is `statistics.median` of the rows' word counts, odd and even numbers of rows alike."""
    import random
    import statistics
    from collections import Counter

    from dataqa.core.counted import median_of

    rng = random.Random(3)
    for n in (1, 2, 3, 10, 11, 500, 501):
        words = [rng.choice([1, 2, 2, 7, 30, 31, 200]) for _ in range(n)]
        assert median_of(Counter(words)) == statistics.median(words), words
