"""Plugin containment (issue #21, item 3): a check that hangs or raises is reported as errored, by
name, and the scan goes on with every other check's result unchanged; what a check prints goes to
stderr, never into the report on stdout."""

from __future__ import annotations

import contextlib
import io
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import chat, write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError
from dataqa.core.models import CheckStatus

PLUGIN = '''
import time
from dataclasses import dataclass
from pathlib import Path

from dataqa.plugin import Check, Severity, register

RELEASE = Path({release!r})


@register
@dataclass
class Sleeper(Check):
    """Never finishes in time: waits until the test releases it.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "SLOW001"
    name = "sleeper"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        while not RELEASE.exists():
            time.sleep(0.05)
        return iter(())


@register
@dataclass
class Raiser(Check):
    """Always raises.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "BOOM001"
    name = "raiser"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        raise RuntimeError("plugin bug")


@register
@dataclass
class LatePrinter(Check):
    """Prints after its time limit, when the test releases it.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "LATE001"
    name = "late printer"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        while not RELEASE.exists():
            time.sleep(0.05)
        print("printed after the scan by LATE001")
        return iter(())


@register
@dataclass
class Printer(Check):
    """Prints what it reads.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "PRN001"
    name = "printer"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        print("printed by a plugin:", ctx.splits["train"].frame.height, "rows")
        return iter(())
'''

RECORDS = [
    chat("Where is my order #4411?", "It shipped yesterday and arrives Friday."),
    chat("Where is my order #4411?", "It shipped yesterday and arrives Friday."),
    chat("Cancel my plan", "Done: your plan ends on the 30th."),
]


@pytest.fixture
def plugin(tmp_path: Path):
    release = tmp_path / "release"
    path = tmp_path / "plugins.py"
    path.write_text(PLUGIN.format(release=str(release)), encoding="utf-8")
    yield path
    release.touch()  # let the abandoned thread end


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hanging_check_is_errored_and_the_scan_goes_on(tmp_path: Path, plugin: Path, jobs: int) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    report = dataqa.scan(
        str(train),
        plugins=[str(plugin)],
        select=["SLOW001", "BOOM001", "DUP001"],
        check_timeout=0.5,
        jobs=jobs,
    )
    by_id = {r.check_id: r for r in report.results}
    assert by_id["SLOW001"].status == CheckStatus.ERRORED
    assert by_id["SLOW001"].reason == "SLOW001 (sleeper) did not finish within 0.5 s; its result is discarded"
    assert by_id["BOOM001"].status == CheckStatus.ERRORED
    assert by_id["BOOM001"].reason.startswith("RuntimeError: plugin bug (at plugins.py:")
    assert by_id["DUP001"].status == CheckStatus.FAILED
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("DUP001", [1, 2])]
    ran = next(c for c in report.conditions if c.name == "checks-ran")
    assert not ran.passed and ran.value == 2 and "BOOM001, SLOW001" in ran.reason


def test_the_terminal_report_names_the_check_that_did_not_finish(tmp_path: Path, plugin: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    config = tmp_path / "dataqa.toml"
    config.write_text(f'plugins = ["{plugin.name}"]\ncheck-timeout = 0.25\nselect = ["SLOW001"]\n')
    result = CliRunner().invoke(main, ["scan", str(train), "--config", str(config)])
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.stdout.splitlines() if "did not finish" in line]
    assert line.lstrip().startswith("! SLOW001 ")
    assert line.endswith("SLOW001 (sleeper) did not finish within 0.25 s; its result is discarded")


def test_no_limit_is_zero_and_a_negative_limit_is_refused(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    report = dataqa.scan(str(train), select=["DUP001"], check_timeout=0)
    assert report.results[0].status == CheckStatus.FAILED
    with pytest.raises(ConfigError):
        dataqa.scan(str(train), select=["DUP001"], check_timeout=-1)


def test_the_check_timeout_flag_wins_over_the_configuration(tmp_path: Path, plugin: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    config = tmp_path / "dataqa.toml"
    config.write_text(f'plugins = ["{plugin.name}"]\ncheck-timeout = 600\nselect = ["SLOW001"]\n')
    argv = ["scan", str(train), "--config", str(config), "--check-timeout", "0.25"]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1, result.output
    assert "SLOW001 (sleeper) did not finish within 0.25 s; its result is discarded" in result.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "-1.0 is not in the range x>=0"), ("inf", "check-timeout = inf is out of range")],
)
def test_a_bad_check_timeout_flag_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    result = CliRunner().invoke(main, ["scan", str(train), "--no-config", "--check-timeout", value])
    assert result.exit_code == 2 and message in result.output, result.output


@pytest.mark.parametrize("command", ["scan", "clean", "split", "diff", "hook"])
def test_every_scanning_command_takes_check_timeout(command: str) -> None:
    flags = {opt for param in main.commands[command].params for opt in getattr(param, "opts", [])}
    assert "--check-timeout" in flags


def test_a_printing_check_leaves_the_report_on_stdout_whole(tmp_path: Path, plugin: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    config = tmp_path / "dataqa.toml"
    config.write_text(f'plugins = ["{plugin.name}"]\n', encoding="utf-8")
    runs = {}
    for select in ("DUP001,PRN001", "DUP001"):
        argv = ["scan", str(train), "--config", str(config), "--select", select, "--json", "-"]
        runs[select] = CliRunner().invoke(main, argv)
        assert runs[select].exit_code == 1, runs[select].output
    printed = runs["DUP001,PRN001"]
    report = json.loads(printed.stdout)  # the print did not land in the JSON
    assert "printed by a plugin: 3 rows" in printed.stderr
    alone = json.loads(runs["DUP001"].stdout)
    assert report["findings"] == alone["findings"]
    assert [c["status"] for c in report["checks"] if c["id"] == "PRN001"] == ["passed"]


def test_a_check_abandoned_past_its_limit_prints_to_stderr_after_the_scan_too(
    tmp_path: Path, plugin: Path
) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", RECORDS)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        report = dataqa.scan(str(train), plugins=[str(plugin)], select=["LATE001"], check_timeout=0.2)
        print("the host's own output")
        # Found before it is released: once released it prints and ends, and an ended thread is
        # no longer listed (looking after the release lost that race now and then).
        (late,) = [t for t in threading.enumerate() if t.name == "dataqa-check-LATE001"]
        (tmp_path / "release").touch()  # the scan has ended: now the abandoned check prints
        late.join(10)
    assert not late.is_alive()
    assert [r.status for r in report.results] == [CheckStatus.ERRORED]
    assert out.getvalue() == "the host's own output\n"
    assert err.getvalue().endswith("printed after the scan by LATE001\n")
