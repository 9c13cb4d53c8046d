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
from dataqa.engine.config import VerdictConfig
from dataqa.engine.registry import load_checks
from dataqa.reports import html_summary
from dataqa.reports.common import ranked_findings
from dataqa.reports.html import render
from dataqa.reports.html_advice import advice_items
from dataqa.reports.html_charts import hbar_chart, histogram_chart, report_charts
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
    from dataqa.core.models import CheckResult, CheckStatus

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


def _cut(text: str, limit: int) -> str:
    """What the page shows of a longer `text`: its first `limit` - 1 characters and an ellipsis."""
    return text[: limit - 1].rstrip() + "…"


def test_the_verdict_box_conditions_and_provenance_cut_each_text_at_its_own_limit(in_tmp, monkeypatch):
    """Reasons keep 400 characters in the verdict box and the conditions table, metric keys 80, a
    check's summary 200, a label source 120; the configuration is shown whole (up to 20,000)."""
    report = synthetic_report()
    reason = "-".join(f"r{i:03d}" for i in range(120))  # 479 characters, no space where cut
    blocking = next(c for c in report.conditions if c.name == "format-errors")
    advice = next(c for c in report.conditions if c.name == "checks-ran")
    blocking.reason, advice.reason = reason, "advice " + reason
    finding = report.results[0].findings[0]
    finding.metrics = {"_".join(f"k{i:05d}" for i in range(30)): 3}
    summary = "-".join(f"s{i:03d}" for i in range(60))
    fmt001 = load_checks()["FMT001"]
    monkeypatch.setattr(fmt001, "summary", classmethod(lambda cls: summary))
    report.splits[0].label_source = "messages[-1].content → " + "x" * 200
    report.config["note"] = "y" * 900
    tree = Tree(render(report))
    (box,) = tree.with_attr("data-verdict")
    (shown,) = [
        li.all_text()
        for li in box.iter()
        if li.tag == "li" and "r000" in li.all_text() and "advice" not in li.all_text()
    ]
    assert shown == _cut(reason, 400)
    (ul,) = [n for n in box.iter() if n.tag == "ul" and "advice" in n.attrs.get("class", "")]
    assert [li.all_text() for li in ul.children] == [_cut("advice " + reason, 400)]
    (row,) = tree.find_all("tr", data_condition="format-errors")
    assert _cut(reason, 400) in row.all_text() and reason not in row.all_text()
    key = " ".join(f"k{i:05d}" for i in range(30))  # a word of 6: no space at 79 or 80
    assert f" · {_cut(key, 80)} 3" in tree.root.all_text()
    assert _cut(summary, 200) in tree.root.all_text() and summary not in tree.root.all_text()
    (train,) = tree.find_all("tr", data_split="train")
    assert f"labels: {_cut(report.splits[0].label_source, 120)}" in train.all_text()
    (config,) = tree.find_all("pre", **{"class": "config"})
    assert "y" * 900 in config.all_text()


def test_the_provenance_says_so_when_there_is_no_label_source_or_configuration_file(in_tmp):
    report = synthetic_report()
    report.splits[0].label_source = None
    tree = Tree(render(report))
    (train,) = tree.find_all("tr", data_split="train")
    assert "labels:" not in train.all_text()
    assert "configuration: defaults (no configuration file)" in tree.root.all_text()
    report.config["source"] = "dataqa.toml"
    assert "configuration: dataqa.toml" in Tree(render(report)).root.all_text()


def test_the_notebook_summary_cuts_where_message_title_and_goal_and_shows_paths_as_the_page_does(in_tmp):
    """Where 120 characters, a message 200, the file's name 120, the goal 40; a location inside the
    working directory relative, a finding with no location an empty cell."""
    report = synthetic_report()
    far = "data/" + "/".join(f"d{i:02d}" for i in range(40)) + "/train.jsonl"
    message = "-".join(f"m{i:03d}" for i in range(80))  # no space where it is cut
    for result in report.results:
        for finding in result.findings:
            finding.message = message
            finding.locations = [Location("train", far, 3)]
    report.results[0].findings[0].locations = [Location("train", str(in_tmp / "data" / "in.jsonl"), 4)]
    report.results[1].findings = [Finding("FMT002", Severity.ERROR, "no location", [])]
    report.splits[0].path = far
    report.goal = "g" * 50
    tree = Tree(html_summary.render(report, max_findings=50))
    rows = [[c.all_text() for c in r.children][2:] for r in tree.find_all("tr")]
    assert len(rows) == len(ranked_findings(report))
    assert ["", "no location"] in rows
    assert ["data/in.jsonl:4", _cut(message, 200)] in rows  # inside the working directory: relative
    assert rows.count([_cut(f"{far}:3", 120), _cut(message, 200)]) == len(rows) - 2
    text = tree.root.all_text()
    assert f"· {_cut(far, 120)} · goal {_cut('g' * 50, 40)}" in text


def test_the_title_and_the_target_shape_keep_120_characters(in_tmp):
    report = synthetic_report()
    report.splits[0].path = "data/" + "/".join(f"d{i:02d}" for i in range(40)) + "/train.jsonl"
    report.splits[0].label_source = None
    shape = "{" + ", ".join(f'"key{i:02d}": str' for i in range(20)) + "}"
    report.results[1].metrics.update(train_dominant_share=0.97, train_dominant_shape=shape)
    tree = Tree(render(report))
    title = tree.find_all("title")[0]  # the page's, before the charts' own
    assert title.all_text() == f"dataqa readiness report: NO-GO for {_cut(report.splits[0].path, 120)}"
    (card,) = [
        n for n in tree.find_all("div") if "card" in n.attrs.get("class", "") and "Targets:" in n.all_text()
    ]
    assert f"The dominant target shape is {_cut(shape, 120)}. A consistent" in card.all_text()


def test_a_histogram_drops_empty_end_bins_and_keeps_a_small_count_visible():
    chart = histogram_chart("t", [("0", 0), ("a", 1000), ("b", 1), ("c", 0), ("d", 500), ("e", 0)])
    assert [(b.label, b.x, b.y, b.w, b.h) for b in chart.bars] == [
        ("a", 22.0, 18.0, 96.0, 122.0),
        ("b", 142.0, 140 - 0.122, 96.0, 1),  # a count too small to draw still shows
        ("c", 262.0, 140.0, 96.0, 0),
        ("d", 382.0, 79.0, 96.0, 61.0),
    ]
    many = histogram_chart("t", [(str(i), 1) for i in range(20)])
    assert [round(b.x, 6) for b in many.bars[:2]] == [15.4, 69.4] and many.bars[0].w == 54 * 0.8


def test_the_token_histogram_of_each_role_says_its_median_95th_percentile_and_longest(in_tmp):
    report = synthetic_report()
    (chart,) = [c for c in report_charts(report, Limits()) if c.title == "Tokens per assistant turn"]
    assert chart.note == "median 40 tokens, 95th percentile 90, longest 120"
    assert [b.label for b in chart.bars] == ["0\u201316", "17\u201332", "33\u201364", "65\u2013128"]
    del report.splits[0].profile["tokens_per_role"]["assistant"]["quantiles"]["p95"]
    (chart,) = [c for c in report_charts(report, Limits()) if c.title == "Tokens per assistant turn"]
    assert chart.note == ""


def _group(size: int) -> Finding:
    return Finding(
        "DUP001", Severity.WARNING, "copies", [Location("train", "t.jsonl", i + 1) for i in range(size)]
    )


def test_the_duplicate_group_and_language_charts_bin_and_cut_as_labelled(in_tmp):
    """Groups of 2, 3, 4, 5, 6-10, 11-50 and more than 50 records; twelve language bars at most (the
    rest in one); a role's name in a chart title keeps 30 characters."""
    report = synthetic_report()
    languages = {f"l{i:02d}": 20 - i for i in range(14)}
    report.results = [
        CheckResult("DUP001", "copies", "duplicates", Severity.WARNING, CheckStatus.FAILED, {}, [_group(n)])
        for n in (2, 2, 3, 4, 4, 4, 5, 6, 10, 11, 50, 51, 1)
    ] + [
        CheckResult(
            "COV002",
            "langs",
            "coverage",
            Severity.INFO,
            CheckStatus.PASSED,
            {"languages": {"train": languages}},
        )
    ]
    profile = report.splits[0].profile
    profile["tokens_per_role"] = {"r" * 40: profile["tokens_per_role"]["assistant"]}
    charts = {c.title: c for c in report_charts(report, Limits())}
    sizes = charts["Duplicate groups by size (records per group)"]
    assert [(b.label, b.value) for b in sizes.bars] == [
        ("2", 2),
        ("3", 1),
        ("4", 3),
        ("5", 1),
        ("6\u201310", 2),
        ("11\u201350", 2),
        ("> 50", 1),
    ]
    assert sizes.note.startswith("12 group(s);")
    langs = charts["Languages in train (\u201cund\u201d: too short to tell)"]
    assert [b.label for b in langs.bars] == [f"l{i:02d}" for i in range(11)] + ["3 more"]
    assert f"Tokens per {'r' * 29}\u2026 turn" in charts


def test_the_topic_and_coverage_charts_order_their_bars_and_say_what_they_show(in_tmp):
    """Topics largest first (ties by id), thin ones marked; the coverage histogram in its own colour,
    its note counting the test examples with nothing close in training."""
    report = synthetic_report()
    topics = [
        {"id": 0, "size": 5, "terms": ["a"]},
        {"id": 1, "size": 9, "terms": ["b"], "thin": False},
        {"id": 2, "size": 5, "terms": ["c"], "thin": True},
        {"id": 3, "terms": ["no size"]},
    ]
    hist = [{"from": 0.0, "to": 0.5, "count": 3}, {"from": 0.5, "to": 1.0, "count": 1}]
    metrics = {"topics": topics, "distance_histogram": hist, "uncovered": 1}
    report.results = [CheckResult("COV003", "topics", "coverage", Severity.INFO, CheckStatus.PASSED, metrics)]
    charts = {c.title: c for c in report_charts(report, Limits())}
    bars = charts["Topics in the training inputs (top terms, examples per topic)"].bars
    assert [(b.label, b.value, b.cls) for b in bars] == [("b", 9, ""), ("a", 5, ""), ("c", 5, "thin")]
    coverage = charts["Test coverage: distance to the nearest training example"]
    assert {b.cls for b in coverage.bars} == {"cov"}
    assert coverage.note == (
        "Distance from each test example to its nearest training example (0 = same text, 1 = nothing in "
        "common). 1 test example(s) have nothing close in training."
    )


SIZE = {
    "title": "Size: 114 usable examples",
    "tone": "meh",
    "text": "Enough for a proof of concept: try a parameter-efficient fine-tune (LoRA/PEFT) and compare it "
    "with good prompting. A production fine-tune wants 1,000+ clean, distinct examples.",
}
COST = {
    "title": "Training cost: about $0.09",
    "tone": "info",
    "text": "15,000 tokens per epoch as the file stands, about 14,369 after dropping unusable rows; 3 "
    "epoch(s) at $2 per million training tokens. Set your provider's price and epochs in "
    "[tool.dataqa.report] (price-per-million-tokens, epochs). Tokens are estimated, not counted with "
    "your model's tokenizer.",
}


def test_the_advice_cards_say_what_the_data_suggests_in_their_tone(in_tmp):
    """Each "Should we fine-tune?" card: title, tone (its colour) and text, for a labelled set with a
    test split, then free-text targets that look like knowledge lookup and no test split."""
    report = synthetic_report()
    assert advice_items(report, VerdictConfig(), 2.0, 3) == [
        SIZE,
        {
            "title": "Targets: a closed set of 3 answers",
            "tone": "good",
            "text": "Every reply is one of a small set of answers, so this is a classification task. "
            "Fine-tuning learns a fixed label set reliably; compare it with a small classifier, which may "
            "be cheaper to run.",
        },
        COST,
        {
            "title": "Evaluation: 20 test examples",
            "tone": "meh",
            "text": "Compare the fine-tune with the base model and your best prompt on this set before "
            "deciding; a test set of a hundred or more examples makes the comparison meaningful. 5.0% of it "
            "was also found in training.",
        },
    ]
    report.splits = report.splits[:1]
    report.splits[0].label_source, report.splits[0].profile["labels"] = None, {}
    report.splits[0].profile["knowledge"] = {"question_prompts": 0.5, "fact_density": 0.1}
    report.results[1].metrics.update(train_dominant_share=0.5, train_dominant_shape="free text")
    assert advice_items(report, VerdictConfig(), 2.0, 3) == [
        SIZE,
        {
            "title": "Targets: free text",
            "tone": "meh",
            "text": "Replies are free text with no common structure. Fine-tuning pays when it teaches a "
            "style, a tone or domain language that a good prompt with a few examples cannot; try that "
            "prompt first and keep it as the baseline to beat.",
        },
        {
            "title": "Looks like knowledge lookup",
            "tone": "bad",
            "text": "50% of inputs are questions and 10% of answer words are names or numbers. When the "
            "answers carry facts, retrieval (search over your documents, put in the prompt) is usually "
            "cheaper, easier to update and more accurate than fine-tuning the facts in.",
        },
        COST,
        {
            "title": "No held-out test set",
            "tone": "bad",
            "text": "Without a test set nobody can tell whether the fine-tune beats the base model with a "
            "good prompt. Hold out a few hundred examples the model never trains on.",
        },
    ]
    report.results[1].metrics.update(train_dominant_shape="{answer: str}")
    report.splits[0].profile["knowledge"] = {"question_prompts": 0.49, "fact_density": 0.1}
    structure, knowledge = advice_items(report, VerdictConfig(), 2.0, 3)[1:3]
    assert structure == {
        "title": "Targets: 50.0% share one structure",
        "tone": "meh",
        "text": "The dominant target shape is {answer: str}. Make the remaining targets follow the same "
        "shape: a fine-tune copies inconsistency.",
    }
    assert (knowledge["title"], knowledge["tone"]) == ("Teaches behaviour rather than facts", "good")
    assert knowledge["text"] == (
        "49% of inputs are questions and 10% of answer words are names or numbers. The answers carry "
        "few facts, so the data mostly teaches a behaviour, style or format, which is what fine-tuning is "
        "good at."
    )


def test_chart_titles_and_bar_tooltips_keep_their_own_lengths(in_tmp):
    """A bar's tooltip is its label up to 200 characters (the label itself 50); a split's name in a
    language chart's title 20; a role's histogram is drawn in the role colour."""
    bars = hbar_chart("t", [("w" * 300, 2), ("short", 1)], limit=5).bars
    assert [(b.label, b.title) for b in bars] == [
        (_cut("w" * 300, 50), _cut("w" * 300, 200)),
        ("short", "short"),
    ]
    report = synthetic_report()
    report.results = [
        CheckResult(
            "COV002",
            "langs",
            "coverage",
            Severity.INFO,
            CheckStatus.PASSED,
            {"languages": {"s" * 30: {"en": 3}}},
        )
    ]
    titles = {c.title: c for c in report_charts(report, Limits())}
    assert f"Languages in {_cut('s' * 30, 20)} (\u201cund\u201d: too short to tell)" in titles
    assert {b.cls for b in titles["Tokens per assistant turn"].bars} == {"role"}
