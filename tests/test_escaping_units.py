"""The renderers' shared escaping and formatting, character by character.

`test_escaping.py` proves each output shows a payload as text through a real scan; these pin the
helpers under it at their edges: which characters `neutralise` makes visible (and which it must
leave alone), where `trim` cuts, the Markdown and GitHub encodings, paths inside and outside the
working directory, and the number formats. Found missing by the mutation run (`benchmarks/mutation.md`).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.reports import common, github, markdown

# --- neutralise and trim ---


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", "\\x00"),
        ("\x08", "\\x08"),
        ("\x0b", "\\x0b"),
        ("\x1b", "\\x1b"),
        ("\x1f", "\\x1f"),
        ("\x7f", "\\x7f"),
        ("\x85", "\\x85"),
        ("\x9f", "\\x9f"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
        ("\u202a", "\\u202a"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
        ("\u2069", "\\u2069"),
    ],
)
def test_neutralise_shows_control_and_bidi_characters_as_escapes(char: str, shown: str) -> None:
    assert common.neutralise(f"a{char}b") == f"a{shown}b"


@pytest.mark.parametrize("char", ["\t", "\n", " ", "~", "\xa0", "é", "\u2027", "\u202f", "\u2065", "\u206a"])
def test_neutralise_leaves_ordinary_text_alone(char: str) -> None:
    assert common.neutralise(f"a{char}b") == f"a{char}b"


def test_trim_cuts_at_the_limit_with_an_ellipsis() -> None:
    assert common.trim("abcde", 5) == "abcde"
    assert common.trim("abcdef", 5) == "abcd…"
    assert common.trim("ab   cdef", 6) == "ab…"  # the cut does not end in spaces
    assert common.trim("x" * 300) == "x" * 300
    assert common.trim("x" * 301) == "x" * 299 + "…"
    assert common.trim("\x1b[31m", 100) == "\\x1b[31m"  # made printable before it is measured
    assert common.trim(12) == "12"


# --- paths ---


def test_display_path_inside_and_outside_the_base(tmp_path: Path) -> None:
    inside = tmp_path / "data" / "train.jsonl"
    assert common.display_path(str(inside), tmp_path) == "data/train.jsonl"
    assert common.display_path(str(inside), str(tmp_path / "other")) == inside.as_posix()
    assert common.display_path("C:\\x\\y.jsonl", tmp_path) == Path("C:\\x\\y.jsonl").as_posix()


def test_display_path_defaults_to_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert common.display_path(str(tmp_path / "a" / "b.jsonl")) == "a/b.jsonl"


def test_short_path_only_when_inside_and_shorter(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert common.short_path(str(tmp_path / "d" / "t.jsonl")) == os.path.join("d", "t.jsonl")
    outside = str(tmp_path.parent / "t.jsonl")
    assert common.short_path(outside) == outside
    assert common.short_path(str(tmp_path.parent)) == str(tmp_path.parent)  # ".." is outside too
    assert common.short_path("t.jsonl") == "t.jsonl"
    assert common.short_path("./t.jsonl") == "t.jsonl"
    assert common.short_path("") == ""  # relpath raises: kept as given


# --- Markdown and GitHub encodings ---


def test_markdown_escape_makes_one_literal_line() -> None:
    assert markdown.escape("a\nb\tc") == "a b c"
    assert markdown.escape("a\rb") == "a\\\\rb"  # CR is made visible before (then its backslash escaped)
    assert markdown.escape("<img src=x> & co") == "&lt;img src=x&gt; &amp; co"
    assert markdown.escape(r"\`*_[]|~$") == r"\\\`\*\_\[\]\|\~\$"
    assert markdown.escape("x" * 400) == "x" * 299 + "…"
    assert markdown.escape("x" * 400, 400) == "x" * 400
    assert markdown.escape("#1 @you !") == "#1 @you !"


def test_markdown_code_cannot_be_closed_early_and_escapes_pipes_in_tables() -> None:
    assert markdown._code("a`b\nc\rd|e") == "`a'b c\\rd|e`"
    assert markdown._code("a|b", in_table=True) == "`a\\|b`"
    assert markdown._code("y" * 250) == "`" + "y" * 199 + "…`"


def test_github_encodings_keep_one_command_per_line() -> None:
    assert github.escape_data("50% done\nnext::x, y") == "50%25 done%0Anext::x, y"
    assert github.escape_data("a\rb") == "a\\rb"  # CR is made visible first: it never reaches %0D
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github.escape_data("\x1b]8;;x\x07") == "\\x1b]8;;x\\x07"
    assert github.escape_data("%0A") == "%250A"  # an encoded newline in the data stays text


# --- numbers and values ---


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "yes"),
        (False, "no"),
        (1234567, "1,234,567"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
        (2.0, "2"),
        (12345.0, "12,345"),
        (1e16, "1e+16"),
        (1234.5678, "1.23e+03"),
        (12.3456, "12.3"),
        (1.0001, "1"),
        (0.012345, "0.0123"),
        (-0.5, "-0.5"),
        (-12.5, "-12.5"),
    ],
)
def test_fmt_number(value: float, shown: str) -> None:
    assert common.fmt_number(value) == shown


def test_fmt_number_digits() -> None:
    assert common.fmt_number(3.14159, digits=5) == "3.1416"
    assert common.fmt_number(0.314159, digits=2) == "0.31"


@pytest.mark.parametrize(
    ("value", "key", "shown"),
    [
        (None, "", "—"),
        (True, "", "yes"),
        (False, "x_rate", "no"),
        (0.25, "leak_rate", "25%"),
        (0.25, "kept_fraction", "25%"),
        (0.25, "refusal_share", "25%"),
        (0.25, "share", "25%"),
        (0.25, "fraction", "25%"),
        (0.25, "rate", "25%"),
        (1, "rate", "100%"),
        (0, "rate", "0%"),
        (1.5, "rate", "1.5"),
        (-0.5, "rate", "-0.5"),
        (0.25, "ratio", "0.25"),
        (1000, "", "1,000"),
        ([1, 2.5, None], "", "1, 2.5, —"),
        ((True,), "", "yes"),
        (list(range(11)), "", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 …"),
        (list(range(10)), "", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9"),
        ("a\x1bb", "", "a\\x1bb"),
        ("z" * 130, "", "z" * 119 + "…"),
    ],
)
def test_fmt_value(value: object, key: str, shown: str) -> None:
    assert common.fmt_value(value, key) == shown


def cond(value: object, threshold: object) -> Condition:
    return Condition("c", "d", value, threshold, passed=True)


@pytest.mark.parametrize(
    ("condition", "value", "shown"),
    [
        (cond(0.194, 0.05), 0.194, "19.4 %"),
        (cond(0.194, 0.05), 0.05, "5 %"),
        (cond(0, 0.05), 0, "0 %"),
        (cond(1, 0.5), 1, "100 %"),
        (cond(1.5, 0.5), 1.5, "1.5"),  # a value above 1 is no share
        (cond(-0.1, 0.5), -0.1, "-0.1"),
        (cond(0.2, 1.0), 0.2, "0.2"),  # a threshold of 1 is no share limit
        (cond(0.2, 0.0), 0.2, "0.2"),
        (cond(0.2, 1), 0.2, "0.2"),  # an integer threshold: a count
        (cond(True, 0.5), True, "yes"),
        (cond(0.2, True), 0.2, "0.2"),
        (cond(0.3, 0.5), True, "yes"),  # a bool shown as a bool even against a share
        (cond(1000, 50), 1000, "1,000"),
        (cond("x", "y"), "<b>" + "q" * 130, "<b>" + "q" * 116 + "…"),
        (cond(None, 0.5), None, "—"),
    ],
)
def test_condition_value(condition: Condition, value: object, shown: str) -> None:
    assert common.condition_value(condition, value) == shown


def test_family_title() -> None:
    assert common.family_title("format") == common.FAMILIES["format"]
    assert common.family_title("my_own-family") == "My own family"


# --- findings in the order they matter ---


def loc(line: int, split: str = "train") -> Location:
    return Location(split, f"{split}.jsonl", line)


def result(family: str, check_id: str, *findings: Finding, status=CheckStatus.FAILED, **kw) -> CheckResult:
    return CheckResult(check_id, "n", family, Severity.ERROR, status, findings=list(findings), **kw)


def fake_report(results: list[CheckResult], failed: list[Condition], **kw) -> SimpleNamespace:
    findings = [f for r in results for f in r.findings]
    return SimpleNamespace(results=results, findings=findings, failed_conditions=failed, **kw)


def test_blocking_findings_follow_each_failed_blocking_condition() -> None:
    fmt_error = Finding("FMT001", Severity.ERROR, "m", [loc(1)])
    fmt_warning = Finding("FMT009", Severity.WARNING, "m", [loc(2)])
    leak_kept = Finding("LEAK001", Severity.ERROR, "m", [loc(3)])
    leak_removed = Finding("LEAK001", Severity.ERROR, "m", [loc(4)], unusable=[loc(4)])
    secret = Finding("PII001", Severity.ERROR, "m", [loc(5)])
    other_pii = Finding("PII002", Severity.ERROR, "m", [loc(5)])
    refusal_train = Finding("QUAL001", Severity.WARNING, "m", [loc(6)])
    refusal_test = Finding("QUAL001", Severity.WARNING, "m", [loc(1, "test")])
    rejected = Finding("PROV001", Severity.ERROR, "m", [loc(7)], metrics={"rejected": 2})
    accepted = Finding("PROV002", Severity.ERROR, "m", [loc(8)], metrics={"rejected": 0})
    results = [
        result("format", "FMT001", fmt_error, fmt_warning),
        result("leakage", "LEAK001", leak_kept, leak_removed),
        result("pii", "PII001", secret),
        result("pii", "PII002", other_pii),
        result("quality", "QUAL001", refusal_train, refusal_test),
        result("provider", "PROV001", rejected, accepted),
    ]
    names = ["format-errors", "held-out-leakage", "secrets", "refusal-share", "provider-accepts-records"]
    every = fake_report(results, [Condition(n, "d", 1, 0, passed=False) for n in names])
    assert common.blocking_findings(every) == {
        id(f) for f in (fmt_error, leak_removed, secret, refusal_train, rejected)
    }
    advice = fake_report(results, [Condition(n, "d", 1, 0, passed=False, blocking=False) for n in names])
    assert common.blocking_findings(advice) == set()
    size = fake_report(results, [Condition("training-size", "d", 1, 0, passed=False)])
    assert common.blocking_findings(size) == set()
    one = fake_report(results, [Condition("secrets", "d", 1, 0, passed=False)])
    assert common.blocking_findings(one) == {id(secret)}


def test_ranked_findings_blocking_first_then_by_severity_then_report_order() -> None:
    note = Finding("QUAL002", Severity.INFO, "m", [loc(1)])
    warning_a = Finding("QUAL003", Severity.WARNING, "m", [loc(2)])
    error = Finding("DUP001", Severity.ERROR, "m", [loc(3)])
    warning_b = Finding("QUAL004", Severity.WARNING, "m", [loc(4)])
    secret = Finding("PII001", Severity.WARNING, "m", [loc(5)])
    results = [
        result("quality", "QUAL002", note, warning_a),
        result("duplicates", "DUP001", error),
        result("quality", "QUAL004", warning_b),
        result("pii", "PII001", secret),
    ]
    report = fake_report(results, [Condition("secrets", "d", 1, 0, passed=False)])
    assert common.ranked_findings(report) == [secret, error, warning_a, warning_b, note]


def test_not_applicable_names_families_that_could_not_apply() -> None:
    def split(fmt: str) -> SimpleNamespace:
        return SimpleNamespace(format=fmt)

    quiet = CheckStatus.PASSED
    results = [
        result("preference", "PREF001", status=quiet),
        result("toolcalls", "TOOL001", status=CheckStatus.SKIPPED, metrics={"tool_records": 0}),
        result("provider", "PROV001", status=quiet),
        result("coverage", "COV001", status=CheckStatus.SKIPPED, reason="needs a <test> split"),
        result("coverage", "COV002", status=CheckStatus.SKIPPED, reason="other"),
        result("labels", "LBL001", status=CheckStatus.SKIPPED),
        result("quality", "QUAL001", status=CheckStatus.SKIPPED),
        result("quality", "QUAL002", status=quiet),
    ]
    report = fake_report(results, [], splits=[split("chat")], config={"profile": "generic"})
    assert common.not_applicable(report) == {
        "preference": "no preference pairs in the data",
        "toolcalls": "no tool calls in the data",
        "provider": "no provider chosen (--profile openai, vertex-gemini, ...)",
        "coverage": "needs a <test> split",
        "labels": "every check skipped",
    }
    for fmt in ("preference", "openai_preference", "kto"):  # preference pairs: the family applies
        report = fake_report(results, [], splits=[split("chat"), split(fmt)], config={})
        assert set(common.not_applicable(report)) == {"toolcalls", "provider", "coverage", "labels"}
    report = fake_report(results, [], splits=[split("chat")], config={"profile": "openai"})
    assert "provider" not in common.not_applicable(report)


def test_not_applicable_says_nothing_of_families_that_found_or_read_something() -> None:
    found = Finding("PREF001", Severity.WARNING, "m", [loc(1)])
    results = [
        result("preference", "PREF001", found, status=CheckStatus.FAILED),
        result("toolcalls", "TOOL001", status=CheckStatus.PASSED, metrics={"tool_records": 3}),
        result("provider", "PROV001", status=CheckStatus.ERRORED),
        result("coverage", "COV001", status=CheckStatus.SKIPPED, reason="r"),
        result("coverage", "COV002", status=CheckStatus.PASSED),
    ]
    report = fake_report(results, [], splits=[SimpleNamespace(format="chat")], config={"profile": None})
    assert common.not_applicable(report) == {}
    skipped_reason = "s" * 130
    report = fake_report(
        [result("labels", "LBL001", status=CheckStatus.SKIPPED, reason=skipped_reason)],
        [],
        splits=[],
        config={},
    )
    assert common.not_applicable(report) == {"labels": "s" * 119 + "…"}


def test_check_classes_survives_a_broken_plugin(monkeypatch) -> None:
    assert "FMT001" in common.check_classes()

    def broken() -> dict:
        raise RuntimeError("plugin")

    monkeypatch.setattr(common, "load_checks", broken)
    assert common.check_classes() == {}


# --- the strings only some data sets carry ---

QUIET_PLUGIN = '''
from dataclasses import dataclass

from dataqa.plugin import Check, register


@register
@dataclass
class Quiet(Check):
    """Passes, and keeps a payload in a metric.

    Why: a test. Example: none. Fix: none.
    """

    id = "ZZQ003"
    name = "passes-with-payloads"
    family = "quality"

    def run(self, ctx):
        self.metrics["seen"] = "<dqvalue a=1>"
        return iter(())
'''


def test_html_escapes_the_target_shape_and_a_passed_checks_metric(tmp_path: Path) -> None:
    """Fields the escaping test's scan leaves empty: the advice names the targets' JSON keys, and a
    passed check shows its metrics."""
    import json

    from test_report_html import Tree

    import dataqa
    from dataqa.reports import html

    train = tmp_path / "train.jsonl"
    rows = [
        {
            "prompt": f"question {i} about order {i * 7}",
            "completion": json.dumps({"<dqshape a=1>": i, "b": 1}),
        }
        for i in range(30)
    ]
    train.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plugin = tmp_path / "quiet.py"
    plugin.write_text(QUIET_PLUGIN, encoding="utf-8")
    report = dataqa.scan(str(train), plugins=[str(plugin)], verdict={"min_usable_poc": 5})
    page = html.render(report)
    tree = Tree(page)
    assert not {n.tag for n in tree.root.iter() if n.tag.startswith("dq")}, "a payload became an element"
    assert "<dq" not in page
    text = tree.root.all_text()
    assert "<dqshape a=1>" in text and "<dqvalue a=1>" in text


def test_split_source_names_the_file_the_glob_or_the_files_a_folder_gave() -> None:
    def split(path: str, files: list | None = None) -> SimpleNamespace:
        return SimpleNamespace(path=path, input=None if files is None else {"files": files})

    def show(p: str) -> str:
        return f"<{p}>"

    assert common.split_source(split("d/t.jsonl"), show) == "<d/t.jsonl>"
    assert common.split_source(split("d/t.jsonl", []), show) == "<d/t.jsonl>"
    assert common.split_source(split("d/t.jsonl", ["d/t.jsonl"]), show) == "<d/t.jsonl>"
    assert common.split_source(split("d/*.jsonl", ["d/a.jsonl"]), show) == "<d/*.jsonl>"
    assert common.split_source(split("d/[ab].jsonl", ["d/a.jsonl"]), show) == "<d/[ab].jsonl>"
    assert common.split_source(split("d/?.jsonl", ["d/a.jsonl"]), show) == "<d/?.jsonl>"
    three = [Path("d/a.jsonl"), "d/b.jsonl", "d/c.jsonl"]
    assert common.split_source(split("d", three), show) == "<d/a.jsonl>, <d/b.jsonl>, <d/c.jsonl>"
    four = [*three, "d/e.jsonl"]
    assert common.split_source(split("d", four), show) == "<d/a.jsonl>, <d/b.jsonl>, <d/c.jsonl> and 1 more"
    assert common.split_source(split("d", four), show, most=1) == "<d/a.jsonl> and 3 more"
    assert common.split_source(split("d", ["d/a.jsonl"])) == common.display_path("d/a.jsonl")
