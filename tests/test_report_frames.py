"""The `Report` in Python and notebooks: DataFrames of findings, conditions and the waterfall, `repr`
and Jupyter's `_repr_html_`.

`findings_frame()` has one row per affected record with fixed dtypes (also when empty); `repr` is one
short line whatever the size of the scan; `_repr_html_` is a well-formed, escaped fragment.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser

import polars as pl
import pytest
from conftest import chat, write_jsonl
from test_report_outputs import XSS, synthetic_report

import dataqa
from dataqa.core.models import CheckResult, CheckStatus, Finding, Location, Severity
from dataqa.engine.report import conditions_schema, findings_schema, usable_schema


def empty_report():
    """The synthetic report with every finding removed."""
    report = synthetic_report()
    for r in report.results:
        r.findings = []
    return report


def test_findings_frame_has_one_row_per_location_with_group_and_unusable():
    report = synthetic_report()
    frame = report.findings_frame()
    assert frame.schema == pl.Schema(findings_schema())
    assert frame.height == sum(len(f.locations) for f in report.findings) == 13
    dup = frame.filter(pl.col("check_id") == "DUP001")
    assert dup["line"].to_list() == [3, 9, 14]
    assert dup["unusable"].to_list() == [False, True, True]  # the kept first copy stays usable
    assert dup["group"].unique().to_list() == [1] and dup["group_size"].to_list() == [3, 3, 3]
    assert dup["family"].unique().to_list() == ["duplicates"]
    leak = frame.filter(pl.col("check_id") == "LEAK001")
    assert leak.select("split", "path", "line").rows() == [
        ("test", "data/test.jsonl", 5),
        ("train", "data/train.jsonl", 33),
    ]
    assert leak["similarity"].to_list() == [1.0, 1.0]
    assert leak["unusable"].to_list() == [False, True]
    assert frame.filter(pl.col("check_id") == "DUP003")["similarity"].to_list() == [0.91, 0.91]
    assert frame.filter(pl.col("check_id") == "FMT001")["similarity"].to_list() == [None]
    # severity is an ordered enum: filtering "at least a warning" works
    assert set(frame.filter(pl.col("severity") >= "warning")["check_id"]) == {
        "FMT001",
        "DUP001",
        "DUP003",
        "LEAK001",
        "LBL001",
    }


def test_findings_frame_keeps_a_finding_without_locations_and_its_dtypes_when_empty():
    report = empty_report()
    frame = report.findings_frame()
    assert frame.height == 0 and frame.schema == pl.Schema(findings_schema())
    report.results.append(
        CheckResult(
            "SIZE001",
            "training-size",
            "size",
            Severity.WARNING,
            CheckStatus.FAILED,
            findings=[
                Finding("SIZE001", Severity.WARNING, "too few examples", [], metrics={"similarity": "x"})
            ],
        )
    )
    frame = report.findings_frame()
    assert frame.schema == pl.Schema(findings_schema())
    assert frame.select("check_id", "split", "path", "line", "similarity", "unusable").rows() == [
        ("SIZE001", None, None, None, None, False)
    ]


def test_conditions_and_usable_frames():
    report = synthetic_report()
    conditions = report.conditions_frame()
    assert conditions.schema == pl.Schema(conditions_schema())
    assert conditions["name"].to_list() == [c.name for c in report.conditions]
    row = conditions.filter(pl.col("name") == "held-out-test").row(0, named=True)
    assert (row["value"], row["value_text"], row["threshold_text"], row["passed"]) == (
        None,
        "yes",
        "yes",
        True,
    )
    row = conditions.filter(pl.col("name") == "leaked-fraction").row(0, named=True)
    assert (row["value"], row["threshold"], row["blocking"], row["passed"]) == (0.05, 0.01, True, False)
    usable = report.usable_frame()
    assert usable.schema == pl.Schema(usable_schema())
    assert usable.rows() == [
        ("rows", 0, 120),
        ("valid", 1, 119),
        ("distinct", 3, 116),
        ("not leaked", 1, 115),
        ("consistent", 1, 114),
        ("clean", 0, 114),
    ]
    assert usable["removed"].sum() == report.usable.rows - report.usable.usable
    empty = empty_report()
    empty.conditions = []
    assert empty.conditions_frame().schema == pl.Schema(conditions_schema())


def test_to_pandas_says_what_to_install_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(ImportError, match="pip install pandas"):
        synthetic_report().to_pandas()


def test_to_pandas_keeps_rows_and_nullable_dtypes():
    import pandas as pd

    report = synthetic_report()
    frame = report.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(findings_schema())
    assert len(frame) == report.findings_frame().height
    assert str(frame["line"].dtype) == "Int64" and str(frame["unusable"].dtype) == "boolean"
    assert frame["similarity"].isna().sum() == report.findings_frame()["similarity"].null_count()
    assert list(frame["severity"].cat.categories) == ["info", "warning", "error"]
    assert len(empty_report().to_pandas()) == 0


def test_repr_is_one_short_line_whatever_the_scan():
    report = synthetic_report()
    text = repr(report)
    assert text == (
        "<dataqa.Report NO-GO: 114 of 120 training rows usable; 3 errors, 2 warnings, 1 note; "
        "3 blocking conditions failed>"
    )
    big = report.results[1]
    big.findings = [
        Finding("FMT002", Severity.ERROR, "x" * 500, [Location("train", "data/train.jsonl", i)])
        for i in range(20_000)
    ]
    text = repr(report)
    assert "\n" not in text and len(text) < 200 and "20,003 errors" in text


class Balanced(HTMLParser):
    """Checks that every element is closed in order (a fragment a notebook can embed safely)."""

    VOID = {"br", "hr", "img", "meta", "link", "wbr", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.update(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_repr_html_is_a_balanced_escaped_fragment_of_the_first_screen():
    report = synthetic_report(XSS)
    report.results[0].findings[0].message = XSS[1]
    html = report._repr_html_()
    parser = Balanced()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    assert not {"script", "img", "a", "style", "iframe", "html", "body"} & set(parser.tags)
    text = "".join(parser.text)
    assert XSS[1] in text  # the payload is shown as text
    assert "NO-GO" in text and "Not ready to fine-tune yet" in text
    assert "5% of the test set is also in train" in text  # a blocking reason
    assert "FMT001" in text and "data/train.jsonl:7" in text
    assert parser.attrs.get("data-verdict") == "NO-GO"
    assert "onerror" not in parser.attrs and "href" not in parser.attrs
    assert "blocking problem is a failed verdict condition" in text
    assert len(html) < 10_000


def test_real_scan_frames_match_the_report(tmp_path):
    records = [
        chat(f"Question number {i} about parcels to Lyon?", f"Answer {i}: it ships today.") for i in range(60)
    ]
    train = write_jsonl(tmp_path / "train.jsonl", [*records, records[3], "{broken"])
    report = dataqa.scan(str(train), select=["FMT", "DUP"], discover_config=False)
    frame = report.findings_frame()
    assert frame.filter(pl.col("check_id") == "DUP001").select("line", "unusable").rows() == [
        (4, False),
        (61, True),
    ]
    assert frame.filter(pl.col("check_id") == "FMT001")["line"].to_list() == [62]
    assert report.usable_frame()["remaining"].to_list()[-1] == report.usable.usable == 60
    assert "training rows usable" in repr(report)
