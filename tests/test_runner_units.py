"""Per-file ignores, piece by piece: which finding a `per-file-ignores` entry drops.

Found untested by the mutation run (`benchmarks/mutation.md`): only the pre-commit hook's end-to-end
test reached it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import io
import re
import sys
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import chat, write_jsonl

from dataqa.core.errors import ConfigError
from dataqa.core.models import CheckStatus, Finding, Location, Severity
from dataqa.core.version import VERSION
from dataqa.engine import runner
from dataqa.engine.config import load_config
from dataqa.engine.registry import Check, make_check
from dataqa.engine.runner import (
    AbandonedChecksToStderr,
    _ignored,
    effective_jobs,
    library_warnings_silenced,
    run_check,
    run_limited,
    split_paths,
)
from dataqa.ingest.load import Limits
from dataqa.ingest.profile import profile_split


def finding(check_id: str, *paths: str) -> Finding:
    return Finding(check_id, Severity.ERROR, "m", [Location("train", p, i) for i, p in enumerate(paths, 1)])


def test_a_finding_is_dropped_only_when_every_location_matches_a_pattern_that_ignores_its_id() -> None:
    patterns = {"data/*.jsonl": ["dup"], "legacy.jsonl": ["ALL"], "*.csv": ["FMT0"]}
    assert _ignored(finding("DUP001", "data/a.jsonl", "data/b.jsonl"), patterns)
    assert not _ignored(finding("DUP001", "data/a.jsonl", "other/b.jsonl"), patterns)  # one is not
    assert not _ignored(finding("LBL001", "data/a.jsonl"), patterns)  # another id
    assert _ignored(finding("LBL001", "some/dir/legacy.jsonl"), patterns)  # file name alone, ALL codes
    assert _ignored(finding("LBL001", "legacy.jsonl"), {"legacy.jsonl": ["all"]})
    assert _ignored(finding("FMT001", "x/t.csv"), patterns)
    assert not _ignored(finding("FMX001", "x/t.csv"), patterns)
    assert _ignored(finding("DUP001", "data/a.jsonl", "legacy.jsonl"), patterns)  # each by its own pattern


def test_nothing_is_dropped_without_patterns_or_locations() -> None:
    assert not _ignored(finding("DUP001", "data/a.jsonl"), {})
    assert not _ignored(Finding("DUP001", Severity.ERROR, "m", []), {"*": ["ALL"]})


# --- one check's run, its time limit, and what the scan around it does (found untested by the
# mutation run: the scan tests see the runner only through whole reports) ---


@dataclasses.dataclass
class Scripted(Check):
    """Yields the findings it is given, or raises, or waits for a signal first."""

    id = "ZZR001"
    name = "scripted"
    family = "quality"
    findings: list = dataclasses.field(default_factory=list)
    error: Exception | None = None
    release: threading.Event | None = None

    def run(self, ctx: object) -> list[Finding]:
        if self.release is not None:
            self.release.wait(30)
        if self.error is not None:
            raise self.error
        self.metrics["n"] = len(self.findings)
        return self.findings


class _FakeContext(SimpleNamespace):
    def __iter__(self):  # no split's rows stay on Ray workers here (`results.unmet`)
        return iter(())


def fake_context(unmet: dict[str, str] | None = None) -> SimpleNamespace:
    """What `run_check` reads of a Context: the unmet needs, a view, the splits' order, and its splits."""
    unmet = unmet or {}
    return _FakeContext(unmet_need=unmet.get, view=lambda: None, splits={"train": 0, "test": 1})


def scripted(**options: object) -> Check:
    check = make_check(Scripted, {"severity": "error"})
    for key, value in options.items():
        setattr(check, key, value)
    return check


def test_a_check_with_unmet_needs_is_skipped_with_the_first_reason_by_need_name() -> None:
    check = scripted()
    check.needs = frozenset({"test", "label"})
    result = run_check(check, fake_context({"test": "no test split", "label": "no labels"}))
    assert (result.check_id, result.name, result.family) == ("ZZR001", "scripted", "quality")
    assert (result.status, result.reason, result.severity) == (
        CheckStatus.SKIPPED,
        "no labels",
        Severity.ERROR,
    )
    assert run_check(check, fake_context({"test": "no test split"})).reason == "no test split"
    assert run_check(check, fake_context()).status == CheckStatus.PASSED


def test_a_raising_check_is_errored_with_the_place_it_raised_unless_debugging() -> None:
    check = scripted(error=ValueError("bad value"))
    result = run_check(check, fake_context())
    line = inspect.getsourcelines(Scripted.run)[1] + 4
    assert (result.status, result.reason) == (
        CheckStatus.ERRORED,
        f"ValueError: bad value (at test_runner_units.py:{line})",
    )
    assert result.severity == Severity.ERROR and result.findings == []
    with pytest.raises(ValueError, match="bad value"):
        run_check(check, fake_context(), debug=True)


def at(split: str, line: int, message: str, severity: Severity = Severity.INFO) -> Finding:
    return Finding("ZZR001", severity, message, [Location(split, f"{split}.jsonl", line)])


def test_findings_come_in_split_then_line_then_message_order_and_warnings_fail_the_check() -> None:
    unlocated = Finding("ZZR001", Severity.INFO, "a", [])
    findings = [
        at("test", 1, "a"),
        at("valid", 1, "a"),  # given before the unlocated one, ranked after it (line 0 < line 1)
        unlocated,
        at("train", 5, "b"),
        at("train", 5, "a"),
        at("train", 2, "z"),  # an earlier line before a smaller message
    ]
    result = run_check(scripted(findings=findings), fake_context())
    assert [
        (f.split, f.first_location.line if f.first_location else None, f.message) for f in result.findings
    ] == [
        ("train", 2, "z"),
        ("train", 5, "a"),
        ("train", 5, "b"),
        ("test", 1, "a"),
        (None, None, "a"),  # no location: line 0 of a split the context does not order, last
        ("valid", 1, "a"),  # a split the context does not order: last
    ]
    assert (result.status, result.metrics) == (CheckStatus.PASSED, {"n": 6})  # notes only
    failing = run_check(scripted(findings=[at("train", 1, "x", Severity.WARNING)]), fake_context())
    assert failing.status == CheckStatus.FAILED


def test_a_time_limit_gives_the_same_result_or_abandons_the_check() -> None:
    findings = [at("train", 2, "x", Severity.WARNING)]
    assert run_limited(scripted(findings=findings), fake_context(), 0).findings == findings
    assert run_limited(scripted(findings=findings), fake_context(), 60).findings == findings
    release = threading.Event()
    try:
        result = run_limited(scripted(release=release), fake_context(), 0.05)
    finally:
        release.set()
        for thread in list(runner._ABANDONED):  # no later scan of this process sees one left
            thread.join(30)
            runner._ABANDONED.discard(thread)
    assert (result.check_id, result.name, result.family, result.severity) == (
        "ZZR001",
        "scripted",
        "quality",
        Severity.ERROR,
    )
    assert (result.status, result.reason) == (
        CheckStatus.ERRORED,
        "ZZR001 (scripted) did not finish within 0.05 s; its result is discarded",
    )
    with pytest.raises(KeyError):
        run_limited(scripted(error=KeyError("k")), fake_context(), 60, debug=True)


def test_an_abandoned_checks_thread_prints_to_stderr_and_every_other_to_the_stream(monkeypatch) -> None:
    stream, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    wrapper = AbandonedChecksToStderr(stream)
    thread = threading.Thread(target=lambda: wrapper.write("late\n"))
    runner._ABANDONED.add(thread)
    thread.start()
    thread.join()
    runner._ABANDONED.discard(thread)
    assert wrapper.write("report\n") == 7
    assert (stream.getvalue(), stderr.getvalue()) == ("report\n", "late\n")
    assert wrapper.getvalue() == "report\n"  # anything else is the stream's


def test_library_runtime_warnings_are_silenced_and_no_other() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with library_warnings_silenced():
            warnings.warn("divide by zero", RuntimeWarning, stacklevel=1)
            with pytest.raises(UserWarning):
                warnings.warn("other", UserWarning, stacklevel=1)


@pytest.mark.parametrize(
    ("jobs", "cores", "threads"), [(3, 1, 3), (0, 1, 1), (0, 2, 2), (0, 8, 2), (0, 0, 1)]
)
def test_jobs_zero_means_up_to_two_threads_the_machine_has(monkeypatch, jobs, cores, threads) -> None:
    monkeypatch.setattr(runner, "available_cores", lambda: cores)
    assert effective_jobs(jobs) == threads


def test_split_paths_are_in_the_canonical_order_and_only_those_given() -> None:
    assert list(split_paths("a", test="c", valid="b").items()) == [
        ("train", "a"),
        ("valid", "b"),
        ("test", "c"),
    ]
    assert split_paths("a") == {"train": "a"}


def test_a_scan_needs_a_train_split_and_says_what_it_reads_and_runs(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "t.jsonl", [chat(f"question {i}", f"answer {i}") for i in range(12)])
    config = load_config(discover=False, select=["FMT001"])
    with pytest.raises(ValueError, match=r"^a train split is required$"):
        runner.run_scan({"test": str(data)}, config)
    said: list[str] = []
    report = runner.run_scan({"train": str(data)}, config, progress=said.append)
    assert said[0] == f"reading train: {data}" and "running FMT001 invalid-json" in said
    assert [r.check_id for r in report.results] == ["FMT001"]


def test_per_file_ignores_drop_findings_and_a_check_left_with_notes_only_passes(tmp_path: Path) -> None:
    records = [chat(f"question {i}", f"answer {i}") for i in range(12)]
    data = write_jsonl(tmp_path / "t.jsonl", [*records, records[0]])
    found = runner.run_scan({"train": str(data)}, load_config(discover=False, select=["DUP001"]))
    assert found.results[0].status == CheckStatus.FAILED
    config = load_config(discover=False, select=["DUP001"], per_file_ignores={"t.jsonl": ["DUP"]})
    (result,) = runner.run_scan({"train": str(data)}, config).results
    assert (result.status, result.findings) == (CheckStatus.PASSED, [])
    config = load_config(discover=False, select=["DUP001"], per_file_ignores={"other.jsonl": ["DUP"]})
    assert runner.run_scan({"train": str(data)}, config).results[0].status == CheckStatus.FAILED


# --- what the scan does around the checks: its config read as given, what a check prints, --debug,
# and the stdout wrapper an abandoned check leaves (found untested by the third mutation run) ---

TALKING = '''
from dataclasses import dataclass
from dataqa.core.models import Severity
from dataqa.engine.registry import Check, register


@register
@dataclass
class Talking(Check):
    """Prints while it runs, then raises in a function it calls."""

    id = "ZZP001"
    name = "talking"
    family = "plugin"
    severity = Severity.WARNING

    def run(self, ctx):
        print("said by a check")
        return parse(ctx)


def parse(ctx):
    raise RuntimeError("boom")  # the place named is where it raised, not the check's run
'''


def plugin_scan(tmp_path: Path) -> tuple[dict[str, str], object]:
    """A small train split and a config that runs the plugin check above."""
    (tmp_path / "talking.py").write_text(TALKING, encoding="utf-8")
    data = write_jsonl(tmp_path / "t.jsonl", [chat(f"question {i}", f"answer {i}") for i in range(12)])
    config = load_config(discover=False, select=["ZZP"], plugins=[str(tmp_path / "talking.py")])
    return {"train": str(data)}, config


def test_what_a_check_prints_goes_to_stderr_and_its_error_is_a_result(tmp_path: Path, capsys) -> None:
    paths, config = plugin_scan(tmp_path)
    _ctx, report = runner.execute(paths, config)  # `clean` calls it so, without `debug`
    status = {r.check_id: (r.status, r.reason) for r in report.results}
    line = next(i for i, text in enumerate(TALKING.splitlines(), 1) if "raise RuntimeError" in text)
    assert status == {"ZZP001": (CheckStatus.ERRORED, f"RuntimeError: boom (at talking.py:{line})")}
    out, err = capsys.readouterr()
    assert (out, err) == ("", "said by a check\n")  # stdout carries only the report (`--json -`)


def test_debug_lets_a_checks_error_through_the_whole_scan(tmp_path: Path) -> None:
    paths, config = plugin_scan(tmp_path)
    with pytest.raises(RuntimeError, match=r"^boom$"):
        runner.run_scan(paths, config, debug=True)


def test_a_config_built_in_code_has_its_check_tables_checked_by_the_scan(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "t.jsonl", [chat(f"question {i}", f"answer {i}") for i in range(12)])
    config = load_config(discover=False, checks={"NOPE123": {}})  # not through read_config
    with pytest.raises(ConfigError, match=r"^checks: options given for unknown check id\(s\): NOPE123$"):
        runner.run_scan({"train": str(data)}, config)


def test_extend_select_and_a_checks_options_reach_the_scan(tmp_path: Path) -> None:
    records = [chat(f"question {i}", f"answer {i}") for i in range(12)]
    data = write_jsonl(tmp_path / "t.jsonl", [*records, records[0]])
    config = load_config(discover=False, select=["FMT001"], extend_select=["DUP001"])
    report = runner.run_scan({"train": str(data)}, config)
    assert [(r.check_id, r.status) for r in report.results] == [
        ("DUP001", CheckStatus.FAILED),  # the registry's order
        ("FMT001", CheckStatus.PASSED),
    ]
    config = load_config(discover=False, select=["DUP001"], checks={"DUP001": {"severity": "info"}})
    (result,) = runner.run_scan({"train": str(data)}, config).results
    assert (result.status, [f.severity for f in result.findings]) == (CheckStatus.PASSED, [Severity.INFO])


def test_stdout_is_wrapped_once_after_a_scan_that_abandoned_a_check(monkeypatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(runner, "_execute", lambda *args: ("ctx", "report"))
    assert runner.execute({}, None) == ("ctx", "report")
    assert sys.stdout is stream  # nothing abandoned: stdout left alone
    thread = threading.Thread(target=lambda: None)
    monkeypatch.setattr(runner, "_ABANDONED", {thread})
    runner.execute({}, None)
    wrapper = sys.stdout
    assert isinstance(wrapper, AbandonedChecksToStderr) and wrapper.stream is stream
    runner.execute({}, None)
    assert sys.stdout is wrapper  # not wrapped a second time


def test_an_abandoned_checks_print_is_dropped_when_there_is_no_stderr(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", None)  # pythonw, a daemon
    wrapper = AbandonedChecksToStderr(io.StringIO())
    written: list[int] = []
    thread = threading.Thread(target=lambda: written.append(wrapper.write("late\n")))
    monkeypatch.setattr(runner, "_ABANDONED", {thread})
    thread.start()
    thread.join()
    assert written == [5] and wrapper.stream.getvalue() == ""


def test_jobs_are_the_check_threads_up_to_one_per_check_and_split(tmp_path: Path, monkeypatch) -> None:
    """`--jobs 1` runs the checks on the calling thread one by one, in the registry's order; more jobs
    start that many worker threads, but no more than there are checks and splits to profile."""
    data = write_jsonl(tmp_path / "t.jsonl", [chat(f"question {i}", f"answer {i}") for i in range(12)])
    started: list[str] = []
    start = runner.threads.start
    monkeypatch.setattr(runner.threads, "start", lambda fn, name: started.append(name) or start(fn, name))
    for jobs, workers in ((1, 0), (2, 2), (8, 3)):
        started.clear()
        said: list[str] = []
        config = load_config(discover=False, select=["DUP001", "DUP004"], jobs=jobs, check_timeout=0)
        report = runner.run_scan({"train": str(data)}, config, progress=said.append)
        assert started.count("dataqa-check-worker") == workers, jobs
        assert [r.check_id for r in report.results] == ["DUP001", "DUP004"]  # whichever ran first
        for result in report.results:  # each check's own time, within the scan's
            assert 0 <= result.duration_s <= report.duration_s
        if jobs == 1:
            assert [s for s in said if s.startswith("running ")] == [
                "running DUP001 exact-duplicate",
                "running DUP004 near-duplicate-input",
            ]


def test_every_reading_option_reaches_each_splits_reader(monkeypatch) -> None:
    """The config's reading options go to `load_split` for every split, in the order given, and
    `jobs` becomes the reader's worker count (0: the automatic one)."""
    calls: list[tuple] = []
    monkeypatch.setattr(runner, "load_split", lambda *args, **kwargs: calls.append((args, kwargs)) or args[0])
    monkeypatch.setattr(runner, "available_cores", lambda: 8)
    config = load_config(
        discover=False,
        format="alpaca",
        label_field="intent",
        fields={"question": "prompt"},
        records_path="data.rows",
        line_pattern=r"(?P<label>\S+) (?P<text>.*)",
        records_key="topic",
        max_lines=7,
        max_input_bytes=100,
        max_line_bytes=50,
    )
    said: list[str] = []
    splits = runner.load_splits({"train": "a.jsonl", "test": "b.jsonl"}, config, said.append)
    assert splits == {"train": "train", "test": "test"}
    assert said == ["reading train: a.jsonl", "reading test: b.jsonl"]
    options = {
        "fmt": "alpaca",
        "label_field": "intent",
        "workers": 2,
        "limits": Limits(max_input_bytes=100, max_lines=7, max_line_bytes=50),
        "fields": {"question": "prompt"},
        "records_path": "data.rows",
        "line_pattern": r"(?P<label>\S+) (?P<text>.*)",
        "records_key": "topic",
        "template": None,
        "reader": None,  # the local engine reads on the driver (the Ray engine passes its workers)
    }
    assert calls == [(("train", "a.jsonl"), options), (("test", "b.jsonl"), options)]
    assert runner.load_splits({"train": "a.jsonl"}, config) == {"train": "train"}  # no progress: quiet
    calls.clear()  # a chat template (with no --format: a text field read as chat) reaches it too
    runner.load_splits({"train": "a.jsonl"}, load_config(discover=False, template="chatml"))
    assert calls[0][1]["template"] == "chatml" and calls[0][1]["fmt"] is None


def test_each_split_is_described_by_its_own_file_rows_and_usable_count(tmp_path: Path) -> None:
    """The report's split list: each split's own path, digest, size, lines, rows and usable rows
    (train's duplicate is not usable, the test split's rows all are), layout, label source, profile
    and input."""
    records = [
        {"text": f"message number {i} about orders", "label": ["billing", "shipping"][i % 2]}
        for i in range(12)
    ]
    train = write_jsonl(tmp_path / "train.jsonl", [*records, records[0], ""])
    test = write_jsonl(
        tmp_path / "test.jsonl", [{"text": f"other text {i}", "label": "billing"} for i in range(5)]
    )
    paths = {"train": str(train), "test": str(test)}
    ctx, report = runner.execute(paths, load_config(discover=False, select=["DUP001"]))
    described = [
        (s.name, s.path, s.sha256, s.size_bytes, s.lines, s.rows, s.usable_rows, s.format, s.label_source)
        for s in report.splits
    ]

    def digest(path: Path) -> tuple[str, int]:
        return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_size

    assert described == [
        ("train", str(train), *digest(train), 14, 13, 12, "classification", "label"),
        ("test", str(test), *digest(test), 5, 5, 5, "classification", "label"),
    ]
    for info in report.splits:
        assert (
            info.profile == profile_split(ctx.splits[info.name]) and info.profile["valid_rows"] == info.rows
        )
        assert info.input == {"kind": "jsonl", "files": [paths[info.name]], "note": ""}
    assert (report.usable.rows, report.usable.usable) == (13, 12)


def test_the_report_names_its_tool_version_time_goal_and_config(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "t.jsonl", [chat(f"question {i}", f"answer {i}") for i in range(12)])
    config = load_config(discover=False, select=["DUP001"], goal="poc")
    began = time.perf_counter()
    report = runner.run_scan({"train": str(data)}, config)
    took = time.perf_counter() - began
    assert (report.tool_version, report.goal, report.config) == (VERSION, "poc", config.to_dict())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", report.generated_at)  # UTC, whole seconds
    assert report.results[0].duration_s <= report.duration_s <= took  # its own time, not a clock reading


def test_a_limited_check_runs_on_a_thread_named_for_it_and_debug_is_passed_on() -> None:
    """Under a time limit the check runs on `dataqa-check-<ID>` (what a thread dump shows when one
    hangs); with or without a limit its error is a result, unless debugging."""
    seen: list[str] = []
    check = scripted()
    check.run = lambda ctx: seen.append(threading.current_thread().name) or []
    assert run_limited(check, fake_context(), 60).status == CheckStatus.PASSED
    assert seen == ["dataqa-check-ZZR001"]
    for timeout in (0, 60):
        result = run_limited(scripted(error=KeyError("k")), fake_context(), timeout)
        assert (result.status, result.reason.split(" (at ")[0]) == (CheckStatus.ERRORED, "KeyError: 'k'")
        with pytest.raises(KeyError):
            run_limited(scripted(error=KeyError("k")), fake_context(), timeout, debug=True)
