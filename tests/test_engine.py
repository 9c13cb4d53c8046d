"""The engine's contracts: registry, options, runner outcomes, the usable count and the verdict."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ticket_records, write_jsonl

import dataqa
from dataqa.core.errors import ConfigError
from dataqa.core.models import CheckStatus

PLUGIN = '''
from dataclasses import dataclass
from dataqa.core.models import Severity
from dataqa.engine.registry import Check, register


@register
@dataclass
class Exploding(Check):
    """Raises on purpose.

    Why: a broken plugin must not stop the scan.
    Example: any data.
    Fix: none.
    """

    id = "XPL001"
    name = "exploding"
    family = "plugin"
    severity = Severity.ERROR

    def run(self, ctx):
        raise RuntimeError("boom")


@register
@dataclass
class LongAnswers(Check):
    """Flags answers longer than a limit (a project's own check, loaded from its config).

    Why: shows a path plugin with a typed option.
    Example: an answer of 300 characters with limit 100.
    Fix: shorten it.
    """

    id = "XPL002"
    name = "long-answers"
    family = "plugin"
    severity = Severity.WARNING
    limit: int = 100

    def run(self, ctx):
        for line, response in ctx.valid_rows("train").select("line", "response").iter_rows():
            if len(response) > self.limit:
                yield self.finding(f"answer has {len(response)} characters", [ctx.location("train", line)])
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    records = ticket_records(60)
    records[4]["messages"][-1]["content"] = "x" * 300
    write_jsonl(tmp_path / "train.jsonl", records)
    write_jsonl(tmp_path / "test.jsonl", ticket_records(10, seed=2))
    (tmp_path / "my_checks.py").write_text(PLUGIN)
    (tmp_path / "dataqa.toml").write_text('plugins = ["my_checks.py"]\n[checks.XPL002]\nlimit = 250\n')
    return tmp_path


def test_plugin_from_config_runs_and_a_raising_check_is_reported_not_fatal(project: Path) -> None:
    report = dataqa.scan(
        str(project / "train.jsonl"),
        test=str(project / "test.jsonl"),
        config=str(project / "dataqa.toml"),
        select=["XPL", "FMT001"],
    )
    status = {r.check_id: r for r in report.results}
    assert status["XPL001"].status == CheckStatus.ERRORED and "boom" in status["XPL001"].reason
    assert [(f.check_id, f.locations[0].line) for f in status["XPL002"].findings] == [("XPL002", 5)]
    assert status["FMT001"].status == CheckStatus.PASSED
    ran = next(c for c in report.conditions if c.name == "checks-ran")
    assert not ran.passed and not ran.blocking


def test_unknown_and_mistyped_options_are_errors(project: Path) -> None:
    train = str(project / "train.jsonl")
    cfg = str(project / "dataqa.toml")
    with pytest.raises(ConfigError, match="unknown option"):
        dataqa.scan(train, config=cfg, checks={"XPL002": {"limt": 3}})
    with pytest.raises(ConfigError, match="expected int"):
        dataqa.scan(train, config=cfg, checks={"XPL002": {"limit": "3"}})
    with pytest.raises(ConfigError, match="unknown check"):
        dataqa.scan(train, checks={"NOPE123": {}})
    with pytest.raises(ConfigError, match="no check id starts with"):
        dataqa.scan(train, select=["ZZZ"])
    with pytest.raises(ConfigError, match="unknown key"):
        dataqa.scan(train, verdict={"min_usable": 3})


def test_unmet_needs_are_skipped_with_a_reason(project: Path) -> None:
    report = dataqa.scan(str(project / "train.jsonl"), select=["SIZE003"])
    (result,) = report.results
    assert result.status == CheckStatus.SKIPPED and "--test" in result.reason


def test_select_and_ignore_take_prefixes(project: Path) -> None:
    report = dataqa.scan(str(project / "train.jsonl"), select=["FMT00"], ignore=["FMT005"])
    assert [r.check_id for r in report.results] == [
        "FMT001",
        "FMT002",
        "FMT003",
        "FMT004",
        "FMT006",
        "FMT007",
        "FMT008",
        "FMT009",
    ]


def test_size_tiers_and_goal(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "train.jsonl", ticket_records(60))
    write_jsonl(tmp_path / "test.jsonl", ticket_records(10, seed=2))
    args = (str(tmp_path / "train.jsonl"),)
    poc = dataqa.scan(
        *args, test=str(tmp_path / "test.jsonl"), goal="poc", select=["FMT"], verdict={"min_per_class_poc": 1}
    )
    size = next(c for c in poc.conditions if c.name == "training-size")
    assert (size.value, size.threshold, size.passed) == (60, 50, True)
    assert poc.verdict == "GO"
    prod = dataqa.scan(*args, test=str(tmp_path / "test.jsonl"), select=["FMT"])
    size = next(c for c in prod.conditions if c.name == "training-size")
    assert (size.value, size.threshold, size.passed) == (60, 1000, False)
    assert prod.verdict == "NO-GO" and "proof of concept" in size.reason
    tiny = dataqa.scan(*args, goal="poc", select=["FMT"], verdict={"min_usable_poc": 100})
    assert next(c for c in tiny.conditions if c.name == "training-size").passed is False
    assert next(c for c in tiny.conditions if c.name == "held-out-test").passed is False


def test_usable_count_subtracts_unusable_rows_once_in_waterfall_order(tmp_path: Path) -> None:
    records: list = ticket_records(30)
    records[3] = "{broken"
    records[7] = {"messages": [{"role": "user", "content": "only a question"}]}
    write_jsonl(tmp_path / "train.jsonl", records)
    report = dataqa.scan(str(tmp_path / "train.jsonl"), select=["FMT"])
    assert report.usable.rows == 30
    assert report.usable.usable == 28
    assert report.usable.steps[0] == ("valid", 28)
    assert report.split("train").usable_rows == 28


def test_same_input_same_report(project: Path) -> None:
    def run() -> dict:
        d = dataqa.scan(str(project / "train.jsonl"), test=str(project / "test.jsonl")).to_dict()
        d.pop("generated_at"), d.pop("duration_s")
        for check in d["checks"]:
            check.pop("duration_s")
        return d

    assert run() == run()


def _timeless(report: dataqa.Report) -> dict:
    """The report without what legitimately differs between runs: timings and the thread count."""
    d = report.to_dict()
    d.pop("generated_at"), d.pop("duration_s"), d["config"].pop("jobs")
    for check in d["checks"]:
        check.pop("duration_s")
    return d


def test_checks_on_threads_give_the_same_report_as_one_thread() -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    train, test = str(sample / "train.jsonl"), str(sample / "test.jsonl")
    one = _timeless(dataqa.scan(train, test=test, jobs=1))
    assert one["findings"], "the sample data has planted defects"
    for jobs in (2, 4):
        assert _timeless(dataqa.scan(train, test=test, jobs=jobs)) == one


def test_a_shared_value_is_computed_once_when_threads_ask_together(project: Path) -> None:
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.ingest.dataset import load_split

    ctx = Context({"train": load_split("train", str(project / "train.jsonl"))}, Config())
    calls: list[int] = []
    start = threading.Barrier(4)

    def factory() -> int:
        calls.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive while this one computes
        return ctx.shared("inner", lambda: 41) + 1  # a factory may ask for another key

    def ask() -> int:
        start.wait()
        return ctx.shared("outer", factory)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: ask(), range(4)))
    assert answers == [42] * 4
    assert calls == [1]


def test_jobs_option(project: Path) -> None:
    from dataqa.core.resources import available_cores
    from dataqa.engine.runner import AUTO_JOBS_MAX, effective_jobs

    assert effective_jobs(3) == 3
    assert effective_jobs(0) == min(AUTO_JOBS_MAX, available_cores())
    with pytest.raises(ConfigError, match="jobs"):
        dataqa.scan(str(project / "train.jsonl"), jobs=-1)


@pytest.mark.parametrize("data", ["sample", "project"])
def test_every_check_names_the_shared_families_it_reads(data: str, project: Path) -> None:
    """`Check.shares` frees a shared value after its last reader: a reader left out would compute
    it again after it is freed. Each check runs in a fresh context, so every family it reaches
    (directly or through the engine) is computed, and seen, on its behalf."""
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context, _family
    from dataqa.engine.registry import load_checks, make_check
    from dataqa.engine.runner import load_splits, run_check, split_paths

    folder = Path(__file__).resolve().parent.parent / "sample_data" if data == "sample" else project
    config = Config()
    splits = load_splits(split_paths(str(folder / "train.jsonl"), str(folder / "test.jsonl")), config)
    unnamed = {}
    for cid, cls in sorted(load_checks([]).items()):
        ctx = Context(splits, config)
        read: set[str] = set()
        compute = ctx.shared

        def recording(key, factory, compute=compute, read=read):
            read.add(_family(key))
            return compute(key, factory)

        ctx.shared = recording  # type: ignore[method-assign]
        run_check(make_check(cls, None), ctx, debug=True)
        if read - cls.shares:
            unnamed[cid] = sorted(read - cls.shares)
    assert unnamed == {}


def test_a_shared_value_is_freed_after_its_last_reader(project: Path) -> None:
    from dataqa.engine.config import Config
    from dataqa.engine.context import Context
    from dataqa.ingest.dataset import load_split

    ctx = Context({"train": load_split("train", str(project / "train.jsonl"))}, Config())
    ctx.hold({"numbers"}), ctx.hold({"numbers"})
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return 7

    assert ctx.shared(("numbers", "train"), compute) == 7
    ctx.release({"numbers"})  # one reader still to finish: kept
    assert ctx.shared(("numbers", "train"), compute) == 7 and len(calls) == 1
    ctx.release({"numbers"})  # the last one: freed
    assert ("numbers", "train") not in ctx._cache
    ctx.shared(("undeclared", 1), compute)
    assert ("undeclared", 1) in ctx._cache  # a family no check names is kept to the end


def test_a_free_thread_skips_checks_that_read_what_a_running_check_reads() -> None:
    from dataqa.engine.registry import load_checks
    from dataqa.engine.runner import next_check

    checks = load_checks([])
    dup004, leak004, cov002 = checks["DUP004"](), checks["LEAK004"](), checks["COV002"]()
    pending = [dup004, leak004, cov002]
    assert next_check(pending, []) == 0
    dup003 = checks["DUP003"]()
    assert next_check(pending, [dup003]) == 2  # DUP004 and LEAK004 would wait for DUP003's groups
    assert next_check(pending, [checks["DUP002"]()]) == 2  # so would both for DUP002's distinct texts
    assert next_check([dup004, leak004], [checks["DUP002"]()]) == 0  # all would wait: keep the order


def test_heavy_checks_run_one_at_a_time_and_first(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two heavy checks' working sets would add up: a free thread takes a light check, or waits.
    Run one after another they are the scan's longest chain, so the first of them starts first."""
    from dataqa.engine import runner
    from dataqa.engine.registry import load_checks
    from dataqa.engine.runner import next_check

    checks = load_checks([])
    heavy = sorted(cid for cid, cls in checks.items() if cls.heavy)
    assert heavy == ["DUP003", "DUP004", "LEAK004"]
    dup004, leak004, cov002 = checks["DUP004"](), checks["LEAK004"](), checks["COV002"]()
    assert next_check([leak004, cov002], [dup004]) == 1
    assert next_check([leak004], [dup004]) is None  # wait for DUP004 to finish
    assert next_check([leak004], [cov002]) == 0
    running: set[str] = set()
    overlaps: list[tuple[str, str]] = []
    started: list[str] = []
    real = runner.run_check

    def recording(check, ctx, debug=False):  # type: ignore[no-untyped-def]
        started.append(check.id)
        if check.heavy:
            overlaps.extend((other, check.id) for other in running)
            running.add(check.id)
        try:
            time.sleep(0.05 if check.heavy else 0)  # long enough for the other thread to look
            return real(check, ctx, debug)
        finally:
            running.discard(check.id)

    picked: list[str] = []

    def picking(pending, running_checks):  # type: ignore[no-untyped-def]
        index = next_check(pending, running_checks)
        if index is not None:
            picked.append(pending[index].id)
        return index

    monkeypatch.setattr(runner, "run_check", recording)
    monkeypatch.setattr(runner, "next_check", picking)
    report = dataqa.scan(str(project / "train.jsonl"), test=str(project / "test.jsonl"), jobs=2)
    assert overlaps == []
    # Picks are made under the runner's lock, so their order is the scan's (the order the checks
    # record their start in is a race between the threads: it failed under load).
    assert picked[0] == "DUP003" and sorted(picked) == sorted(started)
    assert [r.check_id for r in report.results] == sorted(checks)  # the report keeps the registry order


def test_condition_order_does_not_depend_on_import_order() -> None:
    """Conditions come out engine first, then by family, however the check modules were imported."""
    from dataqa.engine import verdict
    from dataqa.engine.registry import load_checks

    load_checks()
    names = [fn.__name__ for fn in sorted(verdict._CONDITIONS, key=verdict.condition_order)]
    shuffled = list(reversed(verdict._CONDITIONS))
    assert [fn.__name__ for fn in sorted(shuffled, key=verdict.condition_order)] == names
    assert names.index("held_out_leakage") < names.index("refusal_share") < names.index("secrets")
    assert names[: names.index("checks_ran") + 1] == [
        fn.__name__ for fn in verdict._CONDITIONS if fn.__module__ == verdict.__name__
    ]


def test_a_check_declares_its_own_family() -> None:
    """The family is said one way, on the check class: an inherited one is refused."""
    import dataclasses

    from dataqa.engine.registry import Check, register

    @dataclasses.dataclass
    class Base(Check):
        family = "quality"

    @dataclasses.dataclass
    class Inherits(Base):
        id = "ZZZ901"
        name = "inherits-family"

    with pytest.raises(TypeError, match="must declare its own `family`"):
        register(Inherits)
