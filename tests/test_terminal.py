"""The terminal output people read every day: what blocks first, each line's severity, the location
once, colour only where it belongs, values in words, and a closing verdict-and-count line with the
next command; `--statistics`, progress, and the `checks` / `explain` commands.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import chat, run_cli, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_outputs import synthetic_report

from dataqa.commands.cli import main
from dataqa.commands.progress import ScanProgress, clock_text
from dataqa.commands.scan import use_color
from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.engine.registry import load_checks
from dataqa.reports import terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOSING = re.compile(
    r"^(GO|NO-GO): [\d,]+ of [\d,]+ training rows usable(; \d+ blocking conditions? failed)?; "
)


def blocking_report():
    """The synthetic report with its leakage finding as the real LEAK001 words it, and the real
    condition names: format-errors and held-out-leakage fail, so FMT001 and LEAK001 block."""
    report = synthetic_report()
    leak = next(f for f in report.findings if f.check_id == "LEAK001")
    leak.message = "data/test.jsonl:5 = data/train.jsonl:33 (exact copy)"
    for c in report.conditions:
        if c.name == "leaked-fraction":
            c.name, c.value, c.threshold = "held-out-leakage", 0.194444, 0.01
    report.results.append(
        CheckResult(
            "LEAK004",
            "ngram-overlap",
            "leakage",
            Severity.INFO,
            CheckStatus.PASSED,
            findings=[
                Finding("LEAK004", Severity.INFO, "shares a 13-word span with data/train.jsonl:40", [_te(9)])
            ],
        )
    )
    return report


def _te(line: int) -> Location:
    return Location("test", "data/test.jsonl", line)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


# --- order, severity, location ---------------------------------------------------------------------


def test_concise_puts_blocking_first_then_errors_warnings_notes(in_tmp):
    lines = terminal.render_concise(blocking_report()).splitlines()
    findings = [line for line in lines if re.match(r"^data/\w+\.jsonl:\d+: ", line)]
    tags = [re.search(r"\[([a-z ]+)\]", line).group(1) for line in findings]
    assert tags == ["blocking error", "blocking error", "error", "warning", "warning", "note", "note"]
    ids = [line.split(": ", 1)[1].split()[0] for line in findings]
    assert ids == ["FMT001", "LEAK001", "LBL001", "DUP001", "DUP003", "COV002", "LEAK004"]


def test_a_finding_line_says_its_location_once(in_tmp):
    report = blocking_report()
    leak = next(f for f in report.findings if f.check_id == "LEAK001")
    line = terminal.finding_line(leak, blocking=True)
    assert (
        line
        == "data/test.jsonl:5: LEAK001 [blocking error] = data/train.jsonl:33 (exact copy) (+1 more line)"
    )
    dup = Finding(
        "DUP001",
        Severity.WARNING,
        "3 identical copies of data/train.jsonl:13 (line(s) 41, 301 repeat it)",
        [Location("train", "data/train.jsonl", n) for n in (13, 41, 301)],
    )
    assert terminal.finding_line(dup) == (
        "data/train.jsonl:13: DUP001 [warning] 3 identical copies of line 13 (line(s) 41, 301 repeat it) "
        "(+2 more lines)"
    )


def test_paths_are_shown_relative_to_the_working_directory_when_shorter(in_tmp):
    inside = str(in_tmp / "data" / "train.jsonl")
    finding = Finding("FMT004", Severity.WARNING, "blank line", [Location("train", inside, 3)])
    assert terminal.finding_line(finding) == "data/train.jsonl:3: FMT004 [warning] blank line"
    far = "/x.jsonl"  # a relative form (../../..) would be longer
    finding = Finding("FMT004", Severity.WARNING, "blank line", [Location("train", far, 3)])
    assert terminal.finding_line(finding).startswith("/x.jsonl:3: ")


def test_full_output_reads_values_in_words_and_ends_with_verdict_and_counts(in_tmp):
    report = blocking_report()
    report.conditions.append(
        Condition("held-out-test", "A test split is given", False, True, False, True, "none")
    )
    text = terminal.render(report, next_step="do this")
    assert "✗ held-out-leakage: 19.4 % (threshold 1 %)." in text
    assert "✗ held-out-test: no (threshold yes). none" in text
    assert "0.194444" not in text and "False" not in text
    assert "Findings, blocking first:" in text
    last = text.rstrip("\n").splitlines()[-2:]
    assert CLOSING.match(last[0]), last
    assert "3 errors (2 blocking), 2 warnings, 2 notes" in last[0]
    assert last[1] == "Next: do this"
    assert "\x1b" not in text


def test_statistics_are_one_line_per_check(in_tmp):
    report = blocking_report()
    report.results[0].duration_s = 1.5
    lines = terminal.statistics_lines(report)
    assert len(lines) == len(report.results)
    fmt = lines[0].split()
    assert fmt[:2] == ["FMT001", "invalid-json"] and "1 finding" in lines[0] and "1 row" in lines[0]
    assert lines[0].endswith("1.50 s")
    dup = next(line for line in lines if line.startswith("DUP001"))
    assert "1 finding" in dup and "3 rows" in dup
    assert any(line.startswith("COV006") and "skipped: no labels" in line for line in lines)
    assert any(line.startswith("XPL001") and "could not run: RuntimeError: boom" in line for line in lines)
    text = terminal.render(report, statistics=True)
    assert "Statistics (per check" in text and "Findings" not in text
    report.results.append(
        CheckResult("PREF001", "same-pair", "preference", Severity.ERROR, CheckStatus.PASSED)
    )
    pref = terminal.statistics_lines(report)[-1]  # chat data: a preference check has nothing to look at
    assert pref.startswith("PREF001") and pref.endswith(" s  (not applicable)")
    assert not any(line.endswith("(not applicable)") for line in lines)


# --- colour ----------------------------------------------------------------------------------------


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("choice", "env", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),  # as ruff: FORCE_COLOR wins
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_rules(monkeypatch, choice, env, tty, expected):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert use_color(choice, Stream(tty)) is expected


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    """A tiny chat set with one invalid line and one copy, and a clean test split."""
    folder = tmp_path_factory.mktemp("terminal")
    records = [
        chat(f"Where is parcel {i} to Graz?", f"Parcel {i} leaves the depot today.") for i in range(40)
    ]
    train = write_jsonl(folder / "train.jsonl", [*records[:30], records[2], "{broken"])
    test = write_jsonl(folder / "test.jsonl", records[30:])
    return {"folder": folder, "train": train, "test": test}


def scan(small, *args: str, env: dict[str, str] | None = None):
    base = {"NO_COLOR": "", "FORCE_COLOR": ""}
    return CliRunner().invoke(
        main,
        [
            "scan",
            "train.jsonl",
            "--test",
            "test.jsonl",
            "--no-config",
            "--select",
            "FMT,DUP,PREF,TOOL",
            *args,
        ],
        env={**base, **(env or {})},
        catch_exceptions=False,
    )


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, False),
        (("--color", "always"), {}, True),
        ((), {"FORCE_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--color", "always", "--output-format", "concise"), {}, True),
    ],
)
def test_cli_colours_only_when_asked(small, monkeypatch, args, env, coloured):
    monkeypatch.chdir(small["folder"])
    result = scan(small, *args, env=env)
    assert result.exit_code == 1, result.output
    assert bool(ANSI.search(result.stdout)) is coloured
    plain = ANSI.sub("", result.stdout)
    assert "train.jsonl:32: FMT001 [blocking error]" in plain


@pytest.mark.parametrize("fmt", ["full", "concise", "github"])
def test_every_output_format_ends_with_the_verdict_the_counts_and_the_next_command(small, monkeypatch, fmt):
    monkeypatch.chdir(small["folder"])
    result = scan(small, "--output-format", fmt)
    last = result.stdout.rstrip("\n").splitlines()[-2:]
    assert CLOSING.match(last[0]), result.stdout
    assert last[1] == (
        "Next: 2 rows would be removed: `dataqa clean train.jsonl --test test.jsonl -o cleaned/`"
    ), result.stdout


def test_statistics_flag_and_not_applicable_families(small, monkeypatch):
    monkeypatch.chdir(small["folder"])
    result = scan(small, "--statistics")
    ran = [line for line in result.stdout.splitlines() if re.match(r"^  [A-Z]+\d{3} ", line)]
    selected = [c for c in load_checks() if c.startswith(("FMT", "DUP", "PREF", "TOOL"))]
    assert [line.split()[0] for line in ran] == selected
    assert re.search(r"Preference pairs +not applicable: no preference pairs in the data", result.stdout)
    assert re.search(r"Tool calls +not applicable: no tool calls in the data", result.stdout)
    assert not re.search(r"Preference pairs +0 findings", result.stdout)


def test_preference_data_is_not_called_not_applicable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pairs = [
        {"prompt": f"Say hi to {i}", "chosen": f"Hi {i}!", "rejected": f"Go away {i}."} for i in range(30)
    ]
    write_jsonl(tmp_path / "train.jsonl", pairs)
    result = CliRunner().invoke(main, ["scan", "train.jsonl", "--no-config", "--select", "PREF"])
    assert "Preference pairs" in result.stdout and "not applicable" not in result.stdout


def test_mapped_preference_data_is_not_called_not_applicable(tmp_path, monkeypatch):
    """Pairs read through a field map (a layout named "mapped") are preference pairs all the same."""
    monkeypatch.chdir(tmp_path)
    pairs = [{"question": f"Say hi to {i}", "good": f"Hi {i}!", "bad": f"Go away {i}."} for i in range(30)]
    write_jsonl(tmp_path / "train.jsonl", pairs)
    args = ["scan", "train.jsonl", "--no-config", "--select", "PREF", "--map", "question=prompt"]
    result = CliRunner().invoke(main, [*args, "--map", "good=chosen", "--map", "bad=rejected"])
    assert "format mapped" in result.stdout, result.stdout
    assert "Preference pairs" in result.stdout and "not applicable" not in result.stdout


# --- progress --------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_line_shows_stage_percent_elapsed_and_estimate():
    clock, stream = Clock(), Stream(True)
    progress = ScanProgress(10, stream, jobs=1, clock=clock, tick=None)
    progress("reading train: data/train.jsonl")
    assert stream.getvalue() == ""  # nothing in the first second
    clock.now += 2
    progress("reading test: data/test.jsonl")
    assert stream.getvalue().endswith("\r\x1b[Kreading test: data/test.jsonl · 0:02 elapsed")
    for n in range(1, 5):
        clock.now += 10
        progress(f"running FMT00{n} check-{n}")
    line = stream.getvalue().rsplit("\r\x1b[K", 1)[1]
    assert line == "checks 3/10 (30 %) · FMT004 check-4 · 0:42 elapsed, about 1:10 left"
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert clock_text(3725) == "1:02:05"


def test_progress_is_off_when_piped_or_quiet(small, monkeypatch):
    from dataqa.commands import scan as scan_command

    class Config:
        plugins, select, ignore, extend_select, jobs = [], [], [], [], 0

    monkeypatch.setattr(scan_command.sys, "stderr", Stream(True))
    assert isinstance(scan_command._progress(Config(), quiet=False), ScanProgress)
    assert scan_command._progress(Config(), quiet=True) is None
    monkeypatch.setattr(scan_command.sys, "stderr", Stream(False))
    assert scan_command._progress(Config(), quiet=False) is None
    result = run_cli(
        "scan", "train.jsonl", "--test", "test.jsonl", "--no-config", "--select", "FMT", cwd=small["folder"]
    )
    assert result.returncode == 1
    assert "\r" not in result.stderr and "\x1b" not in result.stderr + result.stdout


def test_a_folder_scan_names_the_files_each_split_was_read_from(tmp_path: Path) -> None:
    """A scanned folder's splits are named by their files ("data/eval.jsonl, data/test.jsonl"), not by
    the folder ("data/") or "." that says nothing about which file holds which split."""
    data = tmp_path / "data"
    data.mkdir()
    records = [chat(f"How do I reset password {i}?", f"Open settings, step {i}.") for i in range(12)]
    write_jsonl(data / "train.jsonl", records[:8])
    write_jsonl(data / "eval.jsonl", records[8:10])
    write_jsonl(data / "test.jsonl", records[10:])
    for target in ("data", "."):
        out = run_cli("scan", target, "--no-config", "--select", "FMT001", cwd=tmp_path).stdout
        heads = [line.split(":")[0].split(None, 1) for line in out.splitlines()[1:3]]
        assert heads == [["train", "data/train.jsonl"], ["test", "data/eval.jsonl, data/test.jsonl"]], out


# --- checks and explain ----------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("family", ["LEAK", "leak", "leakage", "Train/test leakage", "train-test leakage"])
def test_checks_family_takes_a_prefix_key_or_name(family):
    result = invoke("checks", "--family", family)
    assert result.exit_code == 0, result.output
    assert [row.split()[0] for row in result.stdout.splitlines()] == [
        c for c in load_checks() if c.startswith("LEAK")
    ]


def test_checks_refuses_an_unknown_family_and_speaks_json():
    result = invoke("checks", "--family", "leakag3")
    assert result.exit_code == 2
    assert (
        "no family or check id prefix 'leakag3'" in result.output
        and "leakage (Train/test leakage, LEAK)" in result.output
    )
    result = invoke("checks", "--output-format", "json", "--family", "SIZE")
    items = json.loads(result.stdout)
    assert [i["id"] for i in items] == ["SIZE001", "SIZE002", "SIZE003"]
    assert set(items[0]) == {"id", "name", "family", "family_name", "severity", "needs", "summary", "options"}
    assert items[0]["family_name"] == "Size"


def test_explain_takes_a_name_and_suggests_the_closest_id():
    by_name = invoke("explain", "exact-leak")
    assert by_name.exit_code == 0 and by_name.stdout.startswith("LEAK001 (exact-leak)")
    assert invoke("explain", "exact_leak").stdout == by_name.stdout
    typo = invoke("explain", "LEAK0001")
    assert typo.exit_code == 2
    assert "no check 'LEAK0001'; did you mean LEAK001 (exact-leak)? See `dataqa checks`" in typo.stderr
    assert "did you mean LEAK001" in invoke("explain", "exact-leek").stderr


def test_no_explanation_points_at_a_file_a_pip_install_lacks():
    for check_id in load_checks():
        text = invoke("explain", check_id).stdout
        assert not re.search(r"\b(benchmarks|tests|sample_data)/", text), (check_id, text)


def test_next_step_follows_what_the_scan_found(in_tmp):
    from dataqa.commands.scan import next_step
    from dataqa.engine.verdict import Usable

    report = blocking_report()
    given = {"train": "data/train.jsonl", "test": "data/test.jsonl"}
    assert next_step(report, given) == (
        "8 rows would be removed: `dataqa clean data/train.jsonl --test data/test.jsonl -o cleaned/`"
    )
    for r in report.results:
        for f in r.findings:
            f.unusable = []
    assert next_step(report, given) == "fix what blocks (above), then scan again"
    # a test split read from a folder given alone is held out too; only a scan of train alone is not
    assert next_step(report, {"train": "data/"}) == "fix what blocks (above), then scan again"
    report.splits = [s for s in report.splits if s.name == "train"]
    assert next_step(report, {"train": "data/train.jsonl"}).startswith("hold out a test split: `dataqa split")
    report.usable = Usable(0, [])
    assert next_step(report, {"train": "data/train.jsonl"}).startswith("no training row could be read")


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet="ab:1 .٣(", max_size=30),
    prefix=st.text(alphabet="ab:1 .(", min_size=1, max_size=4),
)
def test_other_lines_of_the_file_are_renamed_as_the_regular_expression_did(text: str, prefix: str) -> None:
    # Overlapping and repeated prefixes, regex metacharacters, Unicode digits: the same result as the
    # per-path pattern the terminal report compiled before (one `re` cache entry per input path).
    expected = re.sub(re.escape(prefix) + r"(\d+)", r"line \1", text)
    assert terminal._numbered_as(text, prefix, "line ") == expected


def test_rendering_findings_of_many_files_compiles_no_pattern_per_file() -> None:
    cache = getattr(re, "_cache", None)
    if cache is None:
        pytest.skip("this Python keeps its regular-expression cache elsewhere")
    re.purge()
    for i in range(50):
        path = f"data/shard-{i}.jsonl"
        loc = Location("train", path, 3)
        finding = Finding("DUP001", Severity.WARNING, f"{path}:3 repeats {path}:7", [loc])
        assert terminal.finding_line(finding).endswith("repeats line 7")
    assert len(cache) < 10


@pytest.mark.parametrize(("fmt", "source", "named"), [
    ("classification", "category", ' (label "category")'),
    ("classification", "label", ""),  # the usual field: not named
    ("classification", None, ""),
    ("chat", "category", ""),  # a chat set's label source is not a label field
])  # fmt: skip
def test_a_split_names_its_label_field_only_when_it_is_not_called_label(in_tmp, fmt, source, named) -> None:
    report = synthetic_report()
    report.splits[0].format, report.splits[0].label_source = fmt, source
    line = next(ln for ln in terminal.render(report).splitlines() if ln.startswith("  train"))
    assert line.endswith(f"format {fmt}{named}")


def test_full_output_counts_findings_per_family_and_ends_a_condition_without_reason_at_its_value(in_tmp):
    report = blocking_report()
    report.conditions.append(Condition("no-reason", "A condition", 3, 1, False, True, ""))
    lines = terminal.render(report).splitlines()
    assert "  ✗ no-reason: 3 (threshold 1)." in lines
    assert any(ln.startswith("  Duplicates") and "  2 findings " in ln for ln in lines)
    assert any(ln.startswith("  Format and schema") and "  1 finding " in ln for ln in lines)


def test_colour_paints_the_split_path_bold_and_each_severity_in_its_colour(in_tmp):
    report = blocking_report()
    coloured = terminal.render(report, color=True)
    assert f"  train {click.style('data/train.jsonl', bold=True)}: " in coloured
    assert re.search(r"\x1b\[33m(\x1b\[\d+m)*\[warning\]", coloured)  # yellow
    assert click.style("[blocking error]", fg="red", bold=True) in coloured
    failed = [ln for ln in coloured.splitlines() if "held-out-leakage:" in ln or "checks-ran:" in ln]
    assert [ln.split(" ", 3)[2] for ln in failed] == [  # a blocking condition red, an advisory one yellow
        click.style("✗", fg="red", bold=True),
        click.style("✗", fg="yellow", bold=True),
    ]
    report.results.append(
        CheckResult("TOOL001", "tool-calls", "toolcalls", Severity.ERROR, CheckStatus.PASSED)
    )
    coloured = terminal.render(report, color=True)  # a family that did not apply is dimmed
    assert click.style("not applicable: no tool calls in the data", dim=True) in coloured


def test_the_findings_heading_and_the_count_of_findings_not_shown(in_tmp):
    """The heading says "blocking first" only when a finding blocks; notes show only when nothing
    else does, and the findings left out are counted by severity."""
    report = blocking_report()
    text = terminal.render(report, max_findings=2)
    assert "  … and 5 more (1 error, 2 warnings, 2 notes): --output-format concise lists every one" in text
    assert "  … and 2 more (2 notes): " in terminal.render(report, max_findings=7)
    report.conditions = [c for c in report.conditions if c.name not in ("format-errors", "held-out-leakage")]
    assert "\nFindings:\n" in terminal.render(report) and "blocking first" not in terminal.render(report)


def test_a_finding_with_no_location_is_shown_at_a_dash() -> None:
    finding = Finding("ZZZ001", Severity.WARNING, "no place", [])
    assert terminal.finding_line(finding) == "-: ZZZ001 [warning] no place"


def test_colour_paints_the_verdict_and_a_findings_place(in_tmp):
    report = blocking_report()
    coloured = terminal.render_concise(report, color=True)
    assert coloured.splitlines()[0].startswith(click.style("data/train.jsonl:7", bold=True) + ": ")
    assert click.style("NO-GO", fg="red", bold=True) + ": " in coloured
    report.verdict = "GO"
    assert terminal.summary_lines(report, color=True)[0].startswith(click.style("GO", fg="green", bold=True))


def test_a_table_rows_message_names_the_other_rows_of_its_file_by_number() -> None:
    at = Location("train", "data/t.parquet", 5, row=4)
    finding = Finding(
        "DUP001", Severity.WARNING, "same as data/t.parquet row 12 and data/u.parquet row 3", [at]
    )
    assert terminal.finding_line(finding) == (
        "data/t.parquet row 4: DUP001 [warning] same as row 12 and data/u.parquet row 3"
    )
