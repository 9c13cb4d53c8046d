"""The HTML page's and the notebook summary's details, each pinned to what a reader sees: every cut
length, fall-back word, advice card and chart's geometry (#23: the mutation run's survivors).

Texts that are cut have no space at the cut: `trim` strips the space before its ellipsis, so a cut at
a space could not tell one limit from the next.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from test_report_html import Tree
from test_report_outputs import synthetic_report

from dataqa.core.models import CheckResult, CheckStatus, Finding, Location, Severity
from dataqa.engine.config import VerdictConfig
from dataqa.engine.registry import load_checks
from dataqa.engine.verdict import Usable
from dataqa.reports import html_summary
from dataqa.reports.common import ranked_findings
from dataqa.reports.html import render
from dataqa.reports.html_advice import advice_items
from dataqa.reports.html_charts import hbar_chart, histogram_chart, report_charts
from dataqa.reports.html_view import Limits, family_views, gauge_view, waterfall_view


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run in an empty folder: paths inside it are shown relative."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


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


def test_the_provenance_names_how_a_file_was_read_only_when_it_says(in_tmp):
    """A text split read as chat says with which template; any other split shows its format alone."""
    report = synthetic_report()
    report.splits[0].format, report.splits[0].template, report.splits[0].label_source = "jsonl", None, None
    formats = Tree(render(report)).find_all("td", data_label="Format")
    assert formats[0].all_text() == "jsonl"
    report.splits[0].template = {"title": "Llama 2", "records": 3, "of": 4}
    formats = Tree(render(report)).find_all("td", data_label="Format")
    assert formats[0].all_text() == "jsonl, read as chat: Llama 2 template in 3 of 4 records"


def test_the_waterfalls_first_bar_is_every_row_with_nothing_removed(in_tmp):
    report = synthetic_report()
    first, *stages = waterfall_view(report)["bars"]
    assert (first["removed"], first["gone_w"]) == (0, 0)
    assert first["display"] == f"{report.usable.rows:,}"
    assert [b["removed"] for b in stages] == [
        before - after
        for before, after in zip(
            [report.usable.rows, *[left for _, left in report.usable.steps]],
            [left for _, left in report.usable.steps],
            strict=False,
        )
    ]


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


def _coverage(metrics: dict) -> CheckResult:
    """A passed coverage check carrying `metrics` (what the charts read)."""
    return CheckResult("COV002", "coverage", "coverage", Severity.INFO, CheckStatus.PASSED, metrics)


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
    ] + [_coverage({"languages": {"train": languages}})]
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


def test_the_label_chart_puts_the_commonest_label_first_and_ties_by_name(in_tmp):
    report = synthetic_report()
    report.split("train").profile["labels"] = {"billing": 1, "shipping": 3, "account": 3}
    charts = {c.title: c for c in report_charts(report, Limits())}
    bars = charts["Label distribution (training examples per label)"].bars
    assert [(b.label, b.display) for b in bars] == [
        ("account", "3 (42.9%)"),
        ("shipping", "3 (42.9%)"),
        ("billing", "1 (14.3%)"),
    ]


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
    assert [b.display for b in bars] == ["9 (47.4%)", "5 (26.3%)", "5 (26.3%)"]  # of the 19 with a size
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
    report.splits[0].profile["knowledge"] = {"question_prompts": 0.6, "fact_density": 0.25}
    lookup = advice_items(report, VerdictConfig(), 2.0, 3)[2]
    assert lookup["text"].startswith("60% of inputs are questions and 25% of answer words")
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
    report.results = [_coverage({"languages": {"s" * 30: {"en": 3}}})]
    titles = {c.title: c for c in report_charts(report, Limits())}
    assert f"Languages in {_cut('s' * 30, 20)} (\u201cund\u201d: too short to tell)" in titles
    assert {b.cls for b in titles["Tokens per assistant turn"].bars} == {"role"}


def test_the_size_gauge_draws_tiers_ticks_and_goal_on_a_log_scale(in_tmp):
    """Decades from 1 to the first power of ten past 1.2 x ten production bars, each 210.4 wide;
    the tiers in order, the marker at the usable count, the goal's bar where the goal says."""
    report = synthetic_report()
    gauge = gauge_view(report, VerdictConfig())
    assert [(t["x"], t["label"]) for t in gauge["ticks"]] == [
        (24.0, "1"),
        (234.4, "10"),
        (444.8, "100"),
        (655.2, "1,000"),
        (865.6, "10,000"),
        (1076.0, "100,000"),
    ]
    assert [t["cls"] for t in gauge["tiers"]] == ["prompting", "poc", "full"]
    tiers = gauge["tiers"]  # side by side: each tier ends where the next begins, the last at the top
    assert [t["x"] + t["w"] for t in tiers[:-1]] == pytest.approx([t["x"] for t in tiers[1:]])
    assert tiers[-1]["x"] + tiers[-1]["w"] == pytest.approx(1076.0)
    assert gauge["marker"] == pytest.approx(24 + 210.4 * math.log10(114))
    assert (gauge["goal_x"], gauge["goal"]) == (655.2, "production bar: 1,000")
    report.goal = "poc"
    assert gauge_view(report, VerdictConfig())["goal"] == "poc bar: 50"
    # the top is the first power of ten past 1.2 x the larger of the usable count and ten bars
    for usable, top in ((50_000, "100,000"), (90_000, "1,000,000")):
        report.usable = Usable(rows=usable, steps=[])
        assert gauge_view(report, VerdictConfig())["ticks"][-1]["label"] == top


def test_a_finding_on_the_page_shows_six_of_its_numbers_and_600_characters_of_its_message(in_tmp):
    report = synthetic_report()
    finding = report.results[0].findings[0]
    finding.metrics = {f"m{i}": i for i in range(8)}
    finding.message = "-".join(f"w{i:03d}" for i in range(200))
    (view,) = [f for fam in family_views(report, Limits()) for f in fam["findings"] if f["id"] == "FMT001"]
    assert [k for k, _ in view["metrics"]] == ["m0", "m1", "m2", "m3", "m4", "m5"]
    assert view["message"] == finding.message[:599] + "…"
