"""Every renderer, fed a report whose every string field carries a payload of its own.

`test_escaping.py` proves it through a real scan, but a scan cannot put text into every field (a
condition's reason, a skipped check's reason, a split's label source, a profile's role names), and
each of its runs costs seconds. Here the report is built in-process, so the renderers' escaping is
checked field by field, fast enough for the mutation run (`benchmarks/mutation.md`).

Each payload is an HTML tag a browser would build (`<dqNAME a=1>`) followed by terminal control
sequences that are not colours (clear screen, set the window title, ring the bell): colour codes are
the one escape sequence the terminal renderer may add itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_report_html import Tree
from test_report_outputs import synthetic_report

from dataqa.core.models import CheckResult, CheckStatus, Condition, Finding, Location, Severity
from dataqa.core.version import VERSION
from dataqa.engine.diff_model import DatasetDiff
from dataqa.engine.registry import load_checks
from dataqa.ingest.readers.nested import path_text
from dataqa.reports import diff_html, github, html, html_summary, markdown, sarif, terminal
from dataqa.reports.common import neutralise, ranked_findings
from dataqa.reports.html_view import Limits

CONTROL = "\x1b[2J\x1b]0;t\x07"


def payload(field: str) -> str:
    return f"<{field} a=1>{CONTROL}"


TRAIN = f"data/{payload('dqpath')}/train.jsonl"
TEST = f"data/{payload('dqtestpath')}/test.jsonl"


def hostile_report():
    """The synthetic report of `test_report_outputs`, every string it carries made a payload."""
    report = synthetic_report([payload(f"dqtext{i}") for i in range(5)])
    # a record read out of nested lists is named by its document's keys (`nested.path_text`)
    at = Location("train", TRAIN, 4, file_line=4, position=f"{path_text((payload('dqposition'),))}[0].qas[0]")
    for result in report.results:
        for finding in result.findings:
            finding.locations = [
                Location(loc.split, TRAIN if loc.split == "train" else TEST, loc.line)
                for loc in finding.locations
            ]
            finding.unusable = [Location(loc.split, TRAIN, loc.line) for loc in finding.unusable]
            if result.family in ("duplicates", "leakage"):  # each side says where it is, as checks write it
                finding.evidence[:2] = [
                    f"{loc}: {e}" for loc, e in zip(finding.locations[:2], finding.evidence[:2], strict=True)
                ]
    report.results += [
        CheckResult(
            "ZZQ001",
            "carries",
            "quality",
            Severity.WARNING,
            CheckStatus.FAILED,
            {payload("dqmetric"): 1, "note": payload("dqmetricvalue")},
            [
                Finding(
                    "ZZQ001",
                    Severity.ERROR,
                    payload("dqmsg"),
                    [at],
                    [payload("dqev")],
                    {payload("dqfmetric"): 2},
                )
            ],
        ),
        CheckResult(
            "ZZQ002", "breaks", "quality", Severity.ERROR, CheckStatus.ERRORED, reason=payload("dqreason")
        ),
        CheckResult(
            "ZZQ003", "waits", "quality", Severity.INFO, CheckStatus.SKIPPED, reason=payload("dqskip")
        ),
    ]
    report.conditions += [
        Condition("zz-blocking", payload("dqdescription"), 2, 1, False, True, payload("dqcondition")),
        Condition("zz-advice", "an advice", 2, 1, False, False, payload("dqadvice")),
    ]
    train, test = report.splits
    train.path, test.path = TRAIN, TEST
    train.format, train.label_source = "classification", payload("dqlabelsource")
    train.input = {"kind": "jsonl", "files": [TRAIN], "note": payload("dqinputnote")}
    train.profile["labels"] = {payload("dqlabel"): 9, "billing": 60}
    train.profile["tokens_per_role"][payload("dqrole")] = train.profile["tokens_per_role"]["assistant"]
    report.config = {
        **report.config,
        "source": payload("dqconfigsource"),
        "label_field": payload("dqconfig"),
        "checks": {"ZZQ001": {"note": payload("dqoption")}},
    }
    return report


RENDERERS = {
    "html": html.render,
    "summary": html_summary.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "github": github.render,
    "terminal": terminal.render,
    "statistics": lambda report: terminal.render(report, statistics=True),
    "concise": terminal.render_concise,
    "coloured": lambda report: (
        terminal.render(report, color=True) + terminal.render_concise(report, color=True)
    ),
}


def rendered(output: str) -> str:
    """One output of the hostile report, rendered inside the test that reads it (not in a shared
    fixture: the mutation run maps a renderer to the tests during which it ran)."""
    return RENDERERS[output](hostile_report())


def tags(text: str) -> set[str]:
    """The payloads whose tag `text` shows literally (as text, after the output's own unescaping)."""
    return set(re.findall(r"<(dq[a-z0-9]+) a=1>", text))


CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

EVERY_ANSWER = {f"dqtext{i}" for i in range(5)}
"""The dataset text the synthetic report puts in messages, excerpts, labels and topic terms."""


@pytest.mark.parametrize(
    ("output", "fields"),
    [
        (
            "html",
            EVERY_ANSWER
            | {"dqpath", "dqtestpath", "dqmsg", "dqev", "dqreason", "dqskip", "dqcondition", "dqadvice"}
            | {"dqdescription", "dqposition"}
            | {"dqlabel", "dqlabelsource", "dqrole", "dqconfig", "dqoption", "dqconfigsource"}
            | {"dqmetric", "dqmetricvalue", "dqfmetric"},
        ),
        ("summary", {"dqpath", "dqtestpath", "dqmsg", "dqtext0", "dqcondition"}),
    ],
)
def test_html_shows_each_payload_as_text_and_builds_no_element(output, fields) -> None:
    page = rendered(output)
    assert "<dq" not in page and not CONTROL_CHARACTER.search(page)
    tree = Tree(page)
    assert not {n.tag for n in tree.root.iter() if n.tag.startswith("dq")}, "a payload became an element"
    assert fields <= tags(tree.root.all_text())


def markdown_text(text: str) -> str:
    """Markdown as a reader sees it: backslash escapes and entities resolved."""
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


SHOWN_BY_EVERY_TEXT_OUTPUT = {"dqpath", "dqtestpath", "dqmsg", "dqtext0"}


@pytest.mark.parametrize(
    ("output", "fields"),
    [
        ("terminal", SHOWN_BY_EVERY_TEXT_OUTPUT | {"dqreason", "dqcondition", "dqadvice", "dqlabelsource"}),
        (
            "statistics",
            {"dqpath", "dqtestpath", "dqreason", "dqskip", "dqcondition", "dqadvice", "dqlabelsource"},
        ),
        ("concise", SHOWN_BY_EVERY_TEXT_OUTPUT),
        ("markdown", SHOWN_BY_EVERY_TEXT_OUTPUT | {"dqcondition"}),
    ],
)
def test_text_outputs_show_control_characters_as_visible_escapes(output, fields) -> None:
    text = rendered(output)
    assert not CONTROL_CHARACTER.search(text)
    assert neutralise(CONTROL) in text.replace("\\\\", "\\").replace("\\[", "[").replace("\\]", "]")
    assert fields <= tags(markdown_text(text) if output == "markdown" else text)


def test_coloured_terminal_output_adds_colour_codes_and_nothing_else() -> None:
    coloured = rendered("coloured")
    assert "\x1b[" in coloured
    assert not CONTROL_CHARACTER.search(re.sub(r"\x1b\[[0-9;]*m", "", coloured))


def test_markdown_shows_no_raw_tag_outside_code() -> None:
    outside_code = re.sub(r"`[^`\n]*`", "", rendered("markdown"))
    assert "<dq" not in outside_code


def shown_strings(value: object, key: str = "") -> list[str]:
    """The strings of a SARIF log a viewer shows: message and description texts, and URIs. (Its
    `properties` keep values as the JSON report has them, for programs.)"""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in shown_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in shown_strings(v, key)]
    return [value] if isinstance(value, str) and key in ("text", "markdown", "uri") else []


def test_sarif_shows_no_control_character() -> None:
    texts = shown_strings(json.loads(rendered("sarif")))
    assert not [t for t in texts if CONTROL_CHARACTER.search(t)]
    assert {"dqmsg", "dqtext0", "dqreason"} <= tags("\n".join(texts))
    assert any("dqpath" in t for t in texts)  # in URIs, percent-encoded


def test_github_annotations_stay_one_per_line_and_carry_no_control_character() -> None:
    text = rendered("github")
    assert not CONTROL_CHARACTER.search(text)
    lines = text.splitlines()
    findings = [f for r in hostile_report().results for f in r.findings]
    assert len(lines) == len(findings) + 1  # and the verdict
    command = r"^::(error|warning|notice) (file=[^:,]+,line=\d+,)?title=[^:,]+::\S"
    assert all(re.match(command, line) for line in lines)
    assert {"dqmsg", "dqtext0", "dqcondition"} <= tags(
        re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)
    )


def test_sarif_keeps_three_excerpts_and_cuts_each_text_at_its_own_limit() -> None:
    report = hostile_report()
    # no space at any cut: `trim` strips one before its ellipsis, which would hide a cut one longer
    long = "wordy" * 400
    carrier = next(r for r in report.results if r.check_id == "ZZQ001")
    carrier.findings[0].message = long
    carrier.findings[0].evidence = [payload("dqev"), long, "third", "fourth"]
    next(r for r in report.results if r.check_id == "ZZQ002").reason = long
    (run,) = json.loads(sarif.render(report))["runs"]
    (result,) = [r for r in run["results"] if r["ruleId"] == "ZZQ001"]
    first, second, third = result["properties"]["evidence"]
    assert (first, third) == (neutralise(payload("dqev")), "third")
    (note,) = [
        n for n in run["invocations"][0]["toolExecutionNotifications"] if n["descriptor"]["id"] == "ZZQ002"
    ]
    reason = note["message"]["text"].removeprefix("ZZQ002 errored: ")
    for text, limit in ((second, 300), (result["message"]["text"], 1000), (reason, 500)):
        assert len(text) == limit and text.endswith("word…")


def hostile_diff() -> DatasetDiff:
    """A `dataqa diff` result with a payload in every string the page shows."""
    return DatasetDiff(
        old_path=payload("dqoldpath"),
        new_path=payload("dqnewpath"),
        old_verdict="GO",
        new_verdict="NO-GO",
        counts={
            "old_rows": 3,
            "new_rows": 3,
            "unchanged": 0,
            "modified": 1,
            "relabelled": 1,
            "moved": 1,
            "added": 1,
            "removed": 1,
        },
        added=[4],
        removed=[{"line": 2, "content": payload("dqcontent"), "reason": payload("dqwhy")}],
        moved=[{"line": 3, "split": payload("dqsplit"), "split_line": 1, "reason": payload("dqmovedwhy")}],
        held_out={payload("dqheldname"): payload("dqheldpath")},
        modified=[
            {
                "old_line": 1,
                "new_line": 1,
                "similarity": 0.9,
                "old": payload("dqold"),
                "new": payload("dqnew"),
            }
        ],
        relabelled=[
            {
                "old_line": 5,
                "new_line": 5,
                "old_label": payload("dqoldlabel"),
                "new_label": payload("dqnewlabel"),
            }
        ],
        shifts={
            "labels": [
                {"value": payload("dqlabelvalue"), "old": 1, "new": 2, "old_share": 0.5, "new_share": 1.0}
            ],
            "tokens": {"old": {"p50": 5, "p95": 9, "total": 20}, "new": {"p50": 6, "p95": 9, "total": 21}},
        },
    )


def test_the_diff_page_shows_each_payload_as_text_and_no_control_character() -> None:
    page = diff_html.render(hostile_diff())
    assert "<dq" not in page and not CONTROL_CHARACTER.search(page)
    tree = Tree(page)
    assert not {n.tag for n in tree.root.iter() if n.tag.startswith("dq")}, "a payload became an element"
    fields = {"dqoldpath", "dqnewpath", "dqcontent", "dqwhy", "dqsplit", "dqmovedwhy", "dqheldname"}
    assert f"Generated by dataqa {VERSION}." in tree.root.all_text()
    assert fields | {"dqheldpath", "dqold", "dqnew", "dqoldlabel", "dqnewlabel", "dqlabelvalue"} <= tags(
        tree.root.all_text()
    )


def test_the_html_page_cuts_each_text_at_its_limit_and_strips_a_sides_own_location() -> None:
    report = hostile_report()
    long = "word " * 400
    carrier = next(r for r in report.results if r.check_id == "ZZQ001").findings[0]
    carrier.evidence, carrier.message = [long], "text " * 400
    carrier.locations = [Location("train", str(Path.cwd() / "data" / "in.jsonl"), 4)]
    pair = next(r for r in report.results if r.check_id == "DUP003").findings[0]
    pair.evidence = [f"{loc}: {long}" for loc in pair.locations]
    report.conditions[-1].name = "name " * 40
    text = Tree(html.render(report)).root.all_text()
    excerpts = re.findall(r"(?:word )+word…", text)
    assert len(excerpts) == 3 and {len(e) for e in excerpts} == {Limits().excerpt_chars}
    assert [len(m) for m in re.findall(r"(?:text )+text…", text)] == [600]
    assert [len(m) for m in re.findall(r"(?:name )+name…", text)] == [80]
    assert "data/in.jsonl:4" in text and str(Path.cwd()) not in text  # inside the working directory: relative


def test_a_passed_check_on_the_page_is_titled_with_its_summary_and_its_numbers_in_words() -> None:
    report = hostile_report()
    report.results.append(CheckResult("ZZQ009", "unknown", "quality", Severity.INFO, CheckStatus.PASSED))
    tree = Tree(html.render(report))
    (passed,) = tree.find_all(data_check="FMT002")
    assert passed.attrs["title"] == load_checks()["FMT002"].summary() != ""
    (unknown,) = tree.find_all(data_check="ZZQ009")  # a check this install does not have: no summary
    assert unknown.attrs["title"] == ""
    assert "train duplicate rate: 2.5%" in tree.root.all_text()  # DUP001's metric key, in words


def test_a_conditions_row_shows_its_description_and_reason() -> None:
    (row,) = Tree(html.render(hostile_report())).find_all("tr", data_condition="zz-blocking")
    assert {"dqdescription", "dqcondition"} <= tags(row.all_text())


def test_the_notebook_summary_names_the_file_the_goal_the_top_five_findings_and_the_rest() -> None:
    report = hostile_report()
    tree = Tree(html_summary.render(report))
    text = tree.root.all_text()
    assert f"· {neutralise(TRAIN)} · goal production" in text
    ranked = ranked_findings(report)
    rows = [[cell.all_text() for cell in row.children] for row in tree.find_all("tr")]
    assert len(rows) == 5 and len(ranked) == 7 and "… and 2 more findings." in text
    for cells, finding in zip(rows, ranked, strict=False):
        where = neutralise(finding.locations[0].where())
        assert cells == [finding.severity.label, finding.check_id, where, neutralise(finding.message)]
    report.splits = report.splits[1:]  # no train split: the fragment names the data set
    assert "· dataset · goal production" in Tree(html_summary.render(report)).root.all_text()


def test_sarif_names_a_group_member_a_row_and_the_artifacts_split() -> None:
    """Each member of a group of two says which it is and lists the other as "same group"; a table row
    has no line and says its row; a finding's numbers ride along; each file names its split."""
    report = hostile_report()
    carrier = next(r for r in report.results if r.check_id == "ZZQ001").findings[0]
    carrier.message, carrier.evidence = "pair", []
    carrier.locations = [Location("train", TRAIN, 4), Location("train", TRAIN, 9, row=8)]
    (run,) = json.loads(sarif.render(report))["runs"]
    first, second = [r for r in run["results"] if r["ruleId"] == "ZZQ001"]
    assert [first["message"]["text"], second["message"]["text"]] == [
        "pair (record 1 of a group of 2)",
        "pair (record 2 of a group of 2)",
    ]
    assert first["relatedLocations"][0]["message"] == {"text": "row 8: same group"}
    assert second["relatedLocations"][0]["message"] == {"text": "same group"}
    assert second["locations"][0]["message"] == {"text": "row 8"}
    assert "region" not in second["locations"][0]["physicalLocation"]
    assert first["properties"]["metrics"] == {payload("dqfmetric"): 2}
    assert [a["properties"] for a in run["artifacts"]] == [
        {"split": s.name, "rows": s.rows, "usableRows": s.usable_rows} for s in report.splits
    ]
    assert [a["properties"]["split"] for a in run["artifacts"]] == ["train", "test"]


def test_github_annotation_names_the_other_rows_or_lines_and_counts_what_it_leaves_out() -> None:
    """A group names up to ten other members, rows for a table and lines otherwise, then `…`; a
    message keeps 1,000 characters; the notice of findings left out comes only when some are."""
    report = hostile_report()
    carrier = next(r for r in report.results if r.check_id == "ZZQ001").findings[0]
    carrier.message = "m" * 600
    carrier.locations = [Location("train", TRAIN, 100 + i, row=i) for i in range(12)]
    lines = github.render(report).splitlines()
    (row,) = [line for line in lines if "title=dataqa ZZQ001::" in line]
    assert row.endswith("::row 0: " + "m" * 600 + " (also rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 …)")
    carrier.locations = [Location("train", TRAIN, i) for i in range(1, 4)]
    (line,) = [line for line in github.render(report).splitlines() if "title=dataqa ZZQ001::" in line]
    assert line.endswith(",title=dataqa ZZQ001::" + "m" * 600 + " (also lines 2, 3)")
    carrier.locations = carrier.locations[:2]  # a pair: the other one is named too
    (line,) = [line for line in github.render(report).splitlines() if "title=dataqa ZZQ001::" in line]
    assert line.endswith(",title=dataqa ZZQ001::" + "m" * 600 + " (also line 2)")
    annotations = len(lines) - 1
    assert "more finding(s) not annotated" not in github.render(report, max_annotations=annotations)
    assert github.render(report, max_annotations=annotations - 1).splitlines()[-2] == (
        "::notice title=dataqa::1 more finding(s) not annotated; see the HTML, SARIF or JSON report"
    )


def test_the_verdict_in_markdown_and_github_gives_each_blocking_reason_or_else_a_name() -> None:
    """Markdown lists each blocking reason (400 characters, the description when there is none);
    GitHub joins them (300 characters each, the condition's name when there is none)."""
    report = synthetic_report()
    long = "-".join(f"r{i:03d}" for i in range(100))  # 499 characters, no space where cut
    size, fmt, leak = (c for c in report.conditions if c.blocking and not c.passed)
    size.reason, fmt.reason = long + " more", ""
    report.results[0].findings[0].locations = []
    text = markdown.render(report)
    blocking = text.split("**Blocking:**\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert blocking == [f"- {long[:399].rstrip()}…", f"- {fmt.description}", f"- {leak.reason}"]
    assert "- — **FMT001** error: invalid JSON" in text  # a finding with no location
    verdict = github.render(report).splitlines()[-1]
    shown = [
        neutralise(long + " more")[:299].rstrip() + "…",
        "format-errors",
        leak.reason.replace("%", "%25"),
    ]
    assert verdict == "::error title=dataqa verdict::NO-GO: 114 usable of 120 training rows. " + "; ".join(
        shown
    )
    report.verdict = "GO"
    assert github.render(report).splitlines()[-1] == (
        "::notice title=dataqa verdict::GO: 114 usable of 120 training rows (goal production)"
    )


def test_a_pipe_in_a_condition_name_stays_inside_its_markdown_table_cell() -> None:
    report = synthetic_report()
    report.conditions[0].name = "size|a"
    assert "| `size\\|a` | 114 | 1,000 | **fail** (blocking) |" in markdown.render(report).splitlines()
