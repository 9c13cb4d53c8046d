"""Markdown, SARIF and GitHub outputs: golden Markdown, SARIF against the 2.1.0 schema, safe encodings.

`synthetic_report()` builds a fixed `Report` with a finding of every family the HTML report draws
(duplicates, leakage, labels, coverage) so the renderers are tested without depending on which
checks exist today; the end-to-end tests run the real command on generated data.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import chat, run_cli, ticket_records, write_jsonl

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.engine.report import Report, SplitInfo
from dataqa.engine.verdict import Usable

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SARIF_SCHEMA = HERE / "schemas" / "sarif-2.1.0-rtm.5.json"

XSS = [
    "<script>document.body.setAttribute('data-pwned','script')</script>",
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
    '<a href="javascript:alert(1)">click me</a>',
    "</textarea></pre></style><b>bold?</b>",
    "{{ 7*7 }} {% raw %} ${7*7}",
]


def _loc(split: str, line: int) -> Location:
    return Location(split, f"data/{split}.jsonl", line)


def synthetic_results(
    train: str = "data/train.jsonl", test: str = "data/test.jsonl", text: list[str] | None = None
) -> list[CheckResult]:
    """Check results of every family the report draws, with the metric contracts filled in."""
    text = text or ["alpha"] * 5

    def tr(line: int) -> Location:
        return Location("train", train, line)

    def te(line: int) -> Location:
        return Location("test", test, line)

    def res(cid, name, family, sev, findings, metrics=None, status=None, reason=""):
        failing = any(f.severity >= Severity.WARNING for f in findings)
        st = status or (CheckStatus.FAILED if failing else CheckStatus.PASSED)
        return CheckResult(cid, name, family, sev, st, metrics or {}, findings, reason)

    err, warn, info = Severity.ERROR, Severity.WARNING, Severity.INFO
    return [
        res(
            "DUP001",
            "exact-duplicate",
            "duplicates",
            warn,
            [
                Finding(
                    "DUP001",
                    warn,
                    f"3 identical records; keeping line 3 ({text[0][:40]})",
                    [tr(3), tr(9), tr(14)],
                    [f"Where is my order? {text[0]}", f"Where is my order? {text[0]}"],
                    {"group_size": 3},
                    [tr(9), tr(14)],
                )
            ],
            {"train_duplicate_rate": 0.025},
        ),
        res(
            "DUP003",
            "near-duplicate",
            "duplicates",
            warn,
            [
                Finding(
                    "DUP003",
                    warn,
                    "2 near-identical records (similarity 0.91)",
                    [tr(20), tr(41)],
                    [
                        f"My parcel never arrived and the tracking page shows nothing. {text[1]}",
                        f"Hello! My parcel never came and the tracking page shows nothing at all. {text[2]}",
                    ],
                    {"similarity": 0.91},
                    [tr(41)],
                )
            ],
            {"train_duplicate_rate": 0.0083},
        ),
        res(
            "LEAK001",
            "test-in-train",
            "leakage",
            err,
            [
                Finding(
                    "LEAK001",
                    err,
                    "test example also in train (similarity 1.00)",
                    [te(5), tr(33)],
                    [f"Refund for order 1234 please {text[3]}", f"Refund for order 1234 please {text[3]}"],
                    {"similarity": 1.0},
                    [tr(33)],
                )
            ],
            {"test_leaked_fraction": 0.05},
        ),
        res(
            "LBL001",
            "conflicting-labels",
            "labels",
            err,
            [
                Finding(
                    "LBL001",
                    err,
                    "the same input has 2 different labels: billing, shipping",
                    [tr(50), tr(61), tr(77)],
                    [f"billing: {text[4]}", "shipping", "billing"],
                    {"labels": 2},
                    [tr(50), tr(61), tr(77)],
                )
            ],
            {"groups": 1},
        ),
        res(
            "COV002",
            "language-mix",
            "coverage",
            info,
            [Finding("COV002", info, "minority language de (2 examples)", [tr(90), tr(95)], [])],
            {"languages": {"train": {"en": 110, "de": 2, "und": 8}, "test": {"en": 20}}},
        ),
        res(
            "COV004",
            "thin-topics",
            "coverage",
            info,
            [],
            {
                "topics": [
                    {"id": 0, "size": 70, "terms": ["refund", "order", "charge"], "thin": False},
                    {"id": 1, "size": 45, "terms": ["parcel", "tracking", "delivery"], "thin": False},
                    {"id": 2, "size": 5, "terms": [text[0][:30], "warranty"], "thin": True},
                ]
            },
        ),
        res(
            "COV005",
            "test-coverage",
            "coverage",
            warn,
            [],
            {
                "distance_histogram": [
                    {"from": 0.0, "to": 0.25, "count": 12},
                    {"from": 0.25, "to": 0.5, "count": 6},
                    {"from": 0.5, "to": 0.75, "count": 1},
                    {"from": 0.75, "to": 1.0, "count": 1},
                ],
                "uncovered": 1,
            },
        ),
        res("COV006", "unseen-test-labels", "coverage", warn, [], {}, CheckStatus.SKIPPED, "no labels"),
        res("XPL001", "exploding", "plugin", err, [], {}, CheckStatus.ERRORED, "RuntimeError: boom"),
    ]


def synthetic_report(text: list[str] | None = None) -> Report:
    """A fixed NO-GO report over `data/train.jsonl` and `data/test.jsonl` (paths relative to cwd)."""
    results = [
        CheckResult(
            "FMT001",
            "invalid-json",
            "format",
            Severity.ERROR,
            CheckStatus.FAILED,
            {"lines": 1},
            [
                Finding(
                    "FMT001",
                    Severity.ERROR,
                    "invalid JSON: unexpected end of data",
                    [_loc("train", 7)],
                    ['{"messages": [{"role": "user", "content": "Where'],
                    {},
                    [_loc("train", 7)],
                )
            ],
        ),
        CheckResult("FMT002", "not-an-object", "format", Severity.ERROR, CheckStatus.PASSED, {"lines": 0}),
        *synthetic_results(text=text),
    ]
    conditions = [
        Condition(
            "training-size",
            "Usable training examples for a production fine-tune",
            114,
            1000,
            False,
            True,
            "Enough for a proof of concept: try LoRA/PEFT.",
        ),
        Condition("held-out-test", "A held-out test split is given", True, True, True),
        Condition(
            "format-errors",
            "Records a provider would reject",
            1,
            0,
            False,
            True,
            "1 record(s) would be rejected by a provider's upload validation; fix or drop them.",
        ),
        Condition(
            "leaked-fraction",
            "Share of the test set found in train",
            0.05,
            0.01,
            False,
            True,
            "5% of the test set is also in train: its score would be inflated.",
        ),
        Condition(
            "checks-ran",
            "Every selected check ran to completion",
            1,
            0,
            False,
            False,
            "check(s) XPL001 failed to run; their families were not fully audited",
        ),
    ]
    profile = {
        "valid_rows": 119,
        "tokens_total": 15_000,
        "tokens": {"min": 20.0, "p50": 110.0, "p95": 190.0, "max": 260.0, "mean": 118.2},
        "tokens_per_role": {
            "assistant": {
                "quantiles": {"min": 5.0, "p50": 40.0, "p95": 90.0, "max": 120.0, "mean": 44.0},
                "histogram": [
                    {"from": 0, "to": 16, "count": 10},
                    {"from": 17, "to": 32, "count": 40},
                    {"from": 33, "to": 64, "count": 50},
                    {"from": 65, "to": 128, "count": 19},
                    {"from": 129, "to": None, "count": 0},
                ],
            }
        },
        "turns": {"2": 119},
        "labels": {"billing": 60, "shipping": 50, (text or ["refunds"])[0]: 9},
        "systems_distinct": 1,
        "knowledge": {"question_prompts": 0.3, "fact_density": 0.04},
    }
    splits = [
        SplitInfo("train", "data/train.jsonl", "a" * 64, 34_567, 121, 120, 114, "chat", "assistant", profile),
        SplitInfo("test", "data/test.jsonl", "b" * 64, 5_678, 20, 20, 20, "chat", "assistant", {}),
    ]
    usable = Usable(
        120, [("valid", 119), ("distinct", 116), ("not leaked", 115), ("consistent", 114), ("clean", 114)]
    )
    return Report(
        tool_version="1.2.3",
        generated_at="2026-11-29T10:00:00+00:00",
        goal="production",
        verdict="NO-GO",
        conditions=conditions,
        splits=splits,
        results=results,
        usable=usable,
        config={"goal": "production", "verdict": {"min_usable_poc": 50, "min_usable_production": 1000}},
        duration_s=1.25,
    )


def add_synthetic_families(report: Report) -> Report:
    """Append the synthetic duplicates/leakage/labels/coverage results to a real report (development aid)."""
    train = report.split("train")
    test = report.split("test")
    report.results.extend(
        synthetic_results(train.path if train else "train.jsonl", test.path if test else "test.jsonl")
    )
    return report


def normalise(text: str) -> str:
    """Blank out what changes from run to run: timestamps, durations, the tool version."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)", "<TIME>", text)
    text = re.sub(r"\b\d+\.\d+s\b", "<DURATION>", text)
    return re.sub(r"dataqa \d+\.\d+\.\d+[\w.+]*", "dataqa <VERSION>", text)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------------------------------- Markdown


def test_markdown_matches_golden(in_tmp):
    report = synthetic_report()
    report.generated_at = "2031-01-02T03:04:05+00:00"
    report.duration_s = 42.5
    text = normalise(report.to_markdown())
    golden = GOLDEN / "summary.md"
    if os.environ.get("DATAQA_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_markdown_lists_verdict_conditions_and_locations(in_tmp):
    text = synthetic_report().to_markdown()
    assert "**NO-GO**" in text
    for name in ["training-size", "held-out-test", "format-errors", "leaked-fraction", "checks-ran"]:
        assert f"| `{name}` |" in text
    assert "`data/train.jsonl:7` **FMT001**" in text
    assert "`data/test.jsonl:5` **LEAK001**" in text
    assert "(+2 more lines)" in text  # the duplicate group of three
    report = synthetic_report()
    report.results[0].findings[0].locations = [Location("train", str(in_tmp / "data" / "in.jsonl"), 7)]
    assert "`data/in.jsonl:7` **FMT001**" in report.to_markdown()  # inside the working directory: relative


def test_markdown_escapes_dataset_text(in_tmp):
    report = synthetic_report()
    payload = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) | **bold** `code`\n# heading"
    report.results[0].findings[0].message = payload
    text = report.to_markdown()
    line = next(ln for ln in text.splitlines() if "FMT001" in ln)
    assert "<img" not in text and "&lt;img" in line
    assert not re.search(r"(?<!\\)\]\(javascript", text) and "\\[click\\](javascript" in line
    assert "\\*\\*bold\\*\\*" in line and "\\`code\\`" in line and "# heading" in line
    table = [ln for ln in text.splitlines() if ln.startswith("| `")]
    assert len(table) == 5 and all(ln.count(" | ") == 3 for ln in table)  # nobody's text broke a table row


# ------------------------------------------------------------------------------------------- SARIF


def _validate_sarif(text: str) -> dict:
    log = json.loads(text)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    return log


def test_sarif_is_valid_and_has_one_result_per_location(in_tmp):
    report = synthetic_report(XSS)
    log = _validate_sarif(report.to_sarif())
    run = log["runs"][0]
    results = run["results"]
    expected = [(f.check_id, loc.path, loc.line) for f in report.findings for loc in f.locations]
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ]
    assert got == expected
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [r.check_id for r in report.results]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    dup = [r for r in results if r["ruleId"] == "DUP001"]
    assert len(dup) == 3 and {
        x["physicalLocation"]["region"]["startLine"] for x in dup[0]["relatedLocations"]
    } == {
        9,
        14,
    }
    fingerprints = [r["partialFingerprints"]["dataqaFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["FMT001"] == "error" and levels["DUP001"] == "warning" and levels["COV002"] == "note"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"COV006", "XPL001"}
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["properties"]["verdict"] == "NO-GO"
    assert [a["hashes"]["sha-256"] for a in run["artifacts"]] == ["a" * 64, "b" * 64]


def test_sarif_schema_rejects_a_broken_log():
    """The shipped schema really constrains: a result with a bad level does not validate."""
    log = json.loads(synthetic_report().to_sarif())
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)


def test_sarif_path_outside_base_is_an_absolute_uri(tmp_path):
    report = synthetic_report()
    outside = tmp_path / "elsewhere" / "my train.jsonl"
    report.splits[0].path = str(outside)
    for f in report.findings:
        f.locations = [
            Location(loc.split, str(outside), loc.line) if loc.split == "train" else loc
            for loc in f.locations
        ]
    log = _validate_sarif(report.to_sarif(base=tmp_path / "repo"))
    uri = log["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/my%20train.jsonl")
    assert "uriBaseId" not in log["runs"][0]["artifacts"][0]["location"]


# ------------------------------------------------------------------------------------------- GitHub

_ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def test_github_annotations_one_per_finding_worst_first(in_tmp):
    report = synthetic_report()
    lines = report.render("github").splitlines()
    parsed = [_ANNOTATION.match(line) for line in lines]
    assert all(parsed), lines
    kinds = [m.group(1) for m in parsed]
    assert len(lines) == len(report.findings) + 1
    assert kinds[:3] == ["error"] * 3 and kinds[-1] == "error"  # errors first, NO-GO verdict last
    first = dict(p.split("=", 1) for p in parsed[0].group(2).split(","))
    assert first == {"file": "data/train.jsonl", "line": "7", "title": "dataqa FMT001"}
    dup = next(m for m in parsed if "DUP001" in m.group(2))
    assert "(also lines 9, 14)" in dup.group(3)
    assert "NO-GO" in parsed[-1].group(3) and "leaked" not in parsed[-1].group(2)


def test_github_annotation_cannot_be_broken_by_dataset_text(in_tmp):
    report = synthetic_report()
    report.results[0].findings[0].message = "bad\n::error file=x,line=1::injected 100%\r\n::stop-commands::x"
    report.splits[0].path = report.results[0].findings[0].locations[0].path
    out = report.render("github")
    lines = out.splitlines()
    assert len(lines) == len(report.findings) + 1  # still one line per annotation
    assert all(_ANNOTATION.match(line) for line in lines)
    assert not any(line.startswith(("::error file=x", "::stop-commands")) for line in lines)
    assert "::bad%0A::error file=x,line=1::injected 100%25\\r%0A::stop-commands::x" in out


# ------------------------------------------------------------------------------------------- end to end


def test_cli_writes_markdown_sarif_and_github_for_a_real_scan(tmp_path):
    records = ticket_records(60)
    records[10] = records[3]  # an exact duplicate
    write_jsonl(tmp_path / "train.jsonl", [*records[:40], "{broken", chat("<script>x</script>", "ok")])
    write_jsonl(tmp_path / "test.jsonl", records[40:])
    proc = run_cli(
        "scan",
        "train.jsonl",
        "--test",
        "test.jsonl",
        "--no-config",
        "--markdown",
        "out.md",
        "--sarif",
        "out.sarif",
        "--output-format",
        "github",
        cwd=tmp_path,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert any(
        _ANNOTATION.match(line) and "file=train.jsonl,line=41" in line for line in proc.stdout.splitlines()
    )
    md = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "`train.jsonl:41` **FMT001**" in md and "<script>" not in md
    log = _validate_sarif((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    lines = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in log["runs"][0]["results"]
    }
    assert ("FMT001", 41) in lines


def test_markdown_says_how_many_findings_it_left_out() -> None:
    from dataqa.reports import markdown
    from dataqa.reports.common import ranked_findings

    report = synthetic_report()
    shown = 1
    left = len(ranked_findings(report)) - shown
    assert left > 0
    assert f"- … and {left:,} more (see the HTML or JSON report)" in markdown.render(
        report, max_findings=shown
    )


def test_sarif_marks_as_unusable_only_the_records_a_finding_removes() -> None:
    from dataqa.reports import sarif

    report = synthetic_report()
    results = json.loads(sarif.render(report))["runs"][0]["results"]
    expected = [loc in f.unusable for f in report.findings for loc in f.locations]
    assert any(expected) and not all(expected)
    assert [r.get("properties", {}).get("unusable", False) for r in results] == expected


def test_the_open_last_bin_of_a_histogram_starts_past_the_last_closed_one() -> None:
    """ "> 99" for the bin of 100 and more (whole numbers); a fractional edge is shown as it is."""
    from dataqa.reports.html_charts import bin_label

    assert bin_label(100, None) == "> 99"
    assert bin_label(2.5, None) == "> 2.5"


def test_sarif_result_paths_are_relative_to_the_base_it_is_given(tmp_path, monkeypatch) -> None:
    """`render(report, base)` makes every path relative to `base`, the results' as the artifacts'."""
    from dataqa.reports import sarif

    monkeypatch.chdir(tmp_path)
    run = json.loads(sarif.render(synthetic_report(), base=tmp_path / "data"))["runs"][0]
    artifacts = {a["location"]["uri"] for a in run["artifacts"]}
    results = {
        loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]
    }
    assert "train.jsonl" in results and results <= artifacts


def test_a_bar_for_a_small_non_zero_value_is_at_least_one_unit_wide() -> None:
    from dataqa.reports.html_charts import hbar_chart

    bars = hbar_chart("t", [("big", 1000.0), ("tiny", 1.0), ("none", 0.0)], limit=5).bars
    assert [bar.w for bar in bars] == [650.0, 1, 0]
