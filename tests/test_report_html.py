"""The HTML readiness report, read the way a browser would: parsed, not string-matched.

The page must show the verdict, every condition, every finding id and the provenance; dataset text
(XSS payloads included) must appear literally and never as markup; nothing may load or run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import chat, run_cli, ticket_records, write_jsonl
from test_report_outputs import XSS, synthetic_report

from dataqa.core.models import CheckResult, CheckStatus, Finding, Location, Severity
from dataqa.reports.html import render
from dataqa.reports.html_charts import hbar_chart
from dataqa.reports.html_view import Limits, word_diff


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list[str | Node] = []  # text and child elements in document order

    def all_text(self) -> str:
        return "".join(p if isinstance(p, str) else p.all_text() for p in self.parts)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()


VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "col", "area", "base", "embed"}


class Tree(HTMLParser):
    """A small DOM: elements with attributes and text, enough to query the report."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        self.cur.parts.append(node)

    def handle_endtag(self, tag):
        node = self.cur
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.parts.append(data)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.root.iter()
            if (tag is None or n.tag == tag)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def with_attr(self, name: str) -> list[Node]:
        return [n for n in self.root.iter() if name in n.attrs]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_report_shows_verdict_conditions_findings_and_provenance(in_tmp):
    report = synthetic_report()
    tree = Tree(report.to_html())
    verdict = tree.with_attr("data-verdict")
    assert len(verdict) == 1 and verdict[0].attrs["data-verdict"] == "NO-GO"
    assert "Not ready to fine-tune yet" in verdict[0].all_text()
    for c in report.failed_conditions:
        if c.blocking:
            assert c.reason in verdict[0].all_text()
    rows = {n.attrs["data-condition"]: n.all_text() for n in tree.with_attr("data-condition")}
    assert list(rows) == [c.name for c in report.conditions]
    assert (
        "5 %" in rows["leaked-fraction"]
        and "1 %" in rows["leaked-fraction"]
        and "fail" in rows["leaked-fraction"]
    )
    assert "pass" in rows["held-out-test"]
    assert "advice" in rows["checks-ran"]
    shown = sorted(n.attrs["data-finding"] for n in tree.with_attr("data-finding"))
    assert shown == sorted(f.check_id for f in report.findings)
    checks = {n.attrs["data-check"] for n in tree.with_attr("data-check")}
    assert checks == {r.check_id for r in report.results}
    files = {n.attrs["data-split"]: n.all_text() for n in tree.with_attr("data-split")}
    for s in report.splits:
        assert s.sha256 in files[s.name] and s.path in files[s.name] and f"{s.size_bytes:,}" in files[s.name]
    assert tree.find_all(data_field="tool-version")[0].all_text() == "1.2.3"
    assert tree.find_all(data_field="generated-at")[0].all_text() == report.generated_at
    text = tree.root.all_text()
    assert "XPL001" in text and "RuntimeError: boom" in text  # an errored check is shown, not hidden
    assert "Training cost: about $0.13" in text  # 15,000 tokens x 114/119 usable x 3 epochs x $3 a million


def test_charts_drawn_only_from_data_present(in_tmp):
    full = Tree(synthetic_report().to_html())
    titles = [n.all_text() for n in full.find_all("h3") if n.parent.tag == "figure"]
    for expected in [
        "Label distribution",
        "Tokens per assistant",
        "Languages in train",
        "Duplicate groups",
        "Topics",
        "Test coverage",
    ]:
        assert any(t.startswith(expected) for t in titles), (expected, titles)
    bare = synthetic_report()
    bare.results = bare.results[:2]
    bare.splits[0].profile = {}
    tree = Tree(bare.to_html())
    assert not tree.find_all("figure") and not tree.find_all(id="charts")


def test_waterfall_and_gauge_show_the_usable_count(in_tmp):
    tree = Tree(synthetic_report().to_html())
    size = tree.find_all(id="size")[0].all_text()
    assert "114 usable" in size and "proof of concept range" in size
    table = [
        n.all_text()
        for n in tree.find_all("tr")
        if n.parent.parent.attrs.get("class", "").startswith("waterfall")
    ]
    assert any("distinct" in r and "\u22123" in r and "116" in r for r in table), table


def test_pairs_are_side_by_side_with_word_differences(in_tmp):
    tree = Tree(synthetic_report().to_html())
    near = next(n for n in tree.with_attr("data-finding") if n.attrs["data-finding"] == "DUP003")
    assert [d.all_text() for d in near.iter() if d.tag == "del"] == ["arrived"]
    assert [i.all_text().strip() for i in near.iter() if i.tag == "ins"] == ["Hello!", "came", "at all"]
    leak = next(n for n in tree.with_attr("data-finding") if n.attrs["data-finding"] == "LEAK001")
    labels = [n.all_text() for n in leak.iter() if n.attrs.get("class") == "side-label"]
    assert labels == ["data/test.jsonl:5", "data/train.jsonl:33"]  # eval side first, then train


def test_word_diff_marks_only_changed_words():
    left, right = word_diff("the cat sat", "the dog sat down")
    assert [t for changed, t in left if changed] == ["cat"]
    assert [t for changed, t in right if changed] == ["dog", " down"]
    # a long, repetitive text: one changed word is still the only change (no word counts as junk)
    long = " ".join(["the cat sat on the mat"] * 25)
    edited = long.split()
    edited[75] = "zebra"
    left, right = word_diff(long, " ".join(edited))
    assert [t for changed, t in left if changed] == ["on"] and [t for changed, t in right if changed] == [
        "zebra"
    ]


def test_a_bar_chart_keeps_its_limit_with_a_bar_for_the_rest_and_scales_to_the_largest():
    chart = hbar_chart("t", [("a", 10), ("b", 5), ("c", 2), ("d", 1)], limit=3, pct_of=20)
    assert [(b.label, b.value, b.display) for b in chart.bars] == [
        ("a", 10, "10 (50.0%)"),
        ("b", 5, "5 (25.0%)"),
        ("2 more", 3, "3 (15.0%)"),
    ]
    assert [(b.x, b.y, b.w, b.h) for b in chart.bars] == [
        (330, 3, 650, 16),
        (330, 25, 325, 16),
        (330, 47, 195, 16),
    ]
    assert (chart.width, chart.height) == (1100, 66)
    plain = hbar_chart("t", [("a", 4), ("none", 0)], limit=3)
    assert [(b.display, b.w) for b in plain.bars] == [("4", 650), ("0", 0)]


def test_conflicting_labels_are_a_table(in_tmp):
    tree = Tree(synthetic_report().to_html())
    group = next(n for n in tree.with_attr("data-finding") if n.attrs["data-finding"] == "LBL001")
    rows = [r.all_text() for r in group.iter() if r.tag == "tr"]
    assert len(rows) == 3 and "data/train.jsonl:61" in rows[1] and "shipping" in rows[1]


def _assert_inert(html: str) -> Tree:
    tree = Tree(html)
    assert not tree.find_all("script") and not tree.find_all("img") and not tree.find_all("iframe")
    assert not tree.find_all("textarea") and not tree.find_all("a", href="javascript:alert(1)")
    assert all("bold?" not in b.all_text() for b in tree.find_all("b"))
    for node in tree.root.iter():
        assert not any(k.startswith("on") for k in node.attrs), node.attrs
        for key in ("href", "src", "action", "xlink:href", "formaction"):
            value = node.attrs.get(key)
            assert value is None or (key == "href" and value.startswith("#")), (key, value)
    styles = tree.find_all("style")
    assert len(styles) == 1
    return tree


def test_xss_payloads_show_literally_and_nothing_can_run(in_tmp):
    report = synthetic_report(XSS)
    report.results[0].findings[0].message = XSS[0] + XSS[3]
    html = report.to_html()
    tree = _assert_inert(html)
    text = tree.root.all_text()
    for payload in XSS:
        assert payload[:40] in text, payload
    assert "{{ 7*7 }} {% raw %} ${7*7}" in text  # template syntax in data is data, never evaluated


def test_content_security_policy_pins_the_only_stylesheet(in_tmp):
    html = synthetic_report().to_html()
    tree = Tree(html)
    csp = [
        m.attrs["content"]
        for m in tree.find_all("meta")
        if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    policy = dict(part.strip().split(" ", 1) for part in csp[0].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'none'"
    css = tree.find_all("style")[0].all_text()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert policy["style-src"] == f"'sha256-{digest}'"
    assert not re.search(r"(?i)(https?:|//[a-z0-9]|@import|url\()", css)  # nothing external in the CSS
    assert "prefers-color-scheme: dark" in css and "@media print" in css
    assert not tree.with_attr("style")  # inline style attributes would be blocked by the policy


def test_long_lists_are_capped_and_the_file_stays_small(in_tmp):
    """A million-row scan's worth of findings: 200k one-line findings and a 50k-record duplicate group."""
    report = synthetic_report()
    fmt = report.results[0]
    fmt.findings = [
        Finding(
            "FMT001", Severity.ERROR, "invalid JSON", [Location("train", "data/train.jsonl", i)], ["x" * 2000]
        )
        for i in range(1, 200_001)
    ]
    dup = report.results[2]
    dup.findings[0].locations = [Location("train", "data/train.jsonl", i) for i in range(1, 50_001)]
    html = report.to_html()
    assert len(html.encode()) < 5_000_000
    tree = Tree(html)
    text = tree.root.all_text()
    assert f"and {200_000 - Limits().findings_per_check:,} more FMT001".replace(",", "") in text.replace(
        ",", ""
    )
    assert "and 49988 more" in text.replace(",", "")
    assert len(tree.find_all(data_finding="FMT001")) == Limits().findings_per_check


def test_render_options_override_price_and_epochs(in_tmp):
    text = Tree(render(synthetic_report(), price_per_million_tokens=10, epochs=2)).root.all_text()
    assert "about $0.29" in text and "2 epoch(s)" in text


def test_cost_estimate_reads_the_report_table_of_the_config(in_tmp):
    report = synthetic_report()
    report.config["report"] = {"price_per_million_tokens": 10.0, "epochs": 2}
    assert "about $0.29" in Tree(report.to_html()).root.all_text()


def test_real_scan_with_hostile_records_through_the_cli(tmp_path):
    records = ticket_records(40)
    hostile = [chat(p, XSS[(i + 1) % len(XSS)]) for i, p in enumerate(XSS)]
    write_jsonl(tmp_path / "train.jsonl", [*records[:30], *hostile, XSS[1], records[2]])
    write_jsonl(tmp_path / "test.jsonl", records[30:])
    proc = run_cli(
        "scan", "train.jsonl", "--test", "test.jsonl", "--no-config", "--html", "r.html", cwd=tmp_path
    )
    assert proc.returncode in (0, 1), proc.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    tree = _assert_inert(html)
    assert tree.with_attr("data-verdict")
    text = tree.root.all_text()
    assert "train.jsonl:36" in text  # the raw payload line is an invalid-JSON finding at its line
    assert "<img src=x onerror" in text


def test_notes_have_their_own_collapsed_section_below_the_findings(in_tmp):
    """Info-level signals are not cards among the findings: one collapsed <details> after them, and the
    family's pill counts only the findings that are problems."""
    report = synthetic_report()
    leak = next(r for r in report.results if r.check_id == "LEAK001")
    leak.findings.extend(
        Finding(
            "LEAK001",
            Severity.INFO,
            f"shares a 13-word span (note {i})",
            [Location("test", "data/test.jsonl", i)],
        )
        for i in range(30, 33)
    )
    tree = Tree(report.to_html())
    findings = tree.find_all("section", id="findings")[0]
    notes = tree.find_all("section", id="notes")[0]
    in_findings = [n.attrs["data-finding"] for n in findings.iter() if "data-finding" in n.attrs]
    assert "COV002" not in in_findings and in_findings.count("LEAK001") == 1
    details = [n for n in notes.iter() if n.tag == "details"]
    assert len(details) == 1 and "open" not in details[0].attrs
    summary = next(n for n in details[0].iter() if n.tag == "summary").all_text()
    assert summary == "4 notes: Coverage 1, Train/test leakage 3"
    noted = [n.attrs["data-finding"] for n in details[0].iter() if "data-finding" in n.attrs]
    assert sorted(noted) == ["COV002", "LEAK001", "LEAK001", "LEAK001"]
    leakage = tree.find_all("section", id="family-leakage")[0].all_text()
    assert "1 finding" in leakage and "3 info-level notes: in Notes to review below" in leakage
    order = [
        n.attrs.get("id") for n in tree.find_all("section") if n.attrs.get("id") in ("findings", "notes")
    ]
    assert order == ["findings", "notes"]
    assert (
        "blocking problem is a failed verdict condition"
        in tree.find_all("section", id="verdict")[0].all_text()
    )


def test_families_that_cannot_apply_say_so(in_tmp):

    report = synthetic_report()
    report.results.append(
        CheckResult(
            "TOOL001",
            "unpaired-tool-call",
            "toolcalls",
            Severity.ERROR,
            CheckStatus.PASSED,
            {"tool_records": 0},
        )
    )
    tree = Tree(report.to_html())
    tools = tree.find_all("section", id="family-toolcalls")[0].all_text()
    assert "not applicable" in tools and "no tool calls in the data" in tools and "all passed" not in tools
