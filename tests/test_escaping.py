"""Every string a report can carry is escaped in every output: a distinct payload per field.

A real scan (the CLI, a plugin check loaded from the config, a config with check options) puts a
payload of its own into the input path, labels, dataset text (evidence), a check option, a check's
error reason, a finding message and a metric key. Each output must show the payloads as text only:
the HTML page parses with no element a payload made, Markdown has no raw tag outside code, the
GitHub annotations stay one per line, the terminal carries no escape sequence, SARIF stays valid JSON.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli
from test_report_html import Tree

FIELDS = ["dqpath", "dqlabel", "dqev", "dqopt", "dqreason", "dqmsg", "dqmetric"]
"""One tag name per field; each payload is `<name a=1>`, a tag a browser would build if unescaped."""


def payload(field: str) -> str:
    return f"<{field} a=1>"


PLUGIN = '''
from dataclasses import dataclass

from dataqa.plugin import Check, Severity, register


@register
@dataclass
class Carries(Check):
    """Finds one thing per split and carries payloads in its message and metric keys.

    Why: a test. Example: none. Fix: none.
    """

    id = "ZZQ001"
    name = "carries-payloads"
    family = "quality"
    severity = Severity.WARNING
    note: str = ""

    def run(self, ctx):
        self.metrics["<dqmetric a=1>"] = 1
        for split in ctx:
            line = int(ctx.valid_rows(split)["line"][0])
            message = f"note {self.note} <dqmsg a=1>"
            yield self.finding(message, [ctx.location(split, line)], metrics={"<dqmetric a=1>": 2})


@register
@dataclass
class Breaks(Check):
    """Always raises, so its reason reaches the report.

    Why: a test. Example: none. Fix: none.
    """

    id = "ZZQ002"
    name = "breaks-with-payload"
    family = "quality"

    def run(self, ctx):
        raise RuntimeError("<dqreason a=1>")
'''


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One real scan with a payload in every field, rendered to every output."""
    base = tmp_path_factory.mktemp("esc")
    folder = base / f"data {payload('dqpath')} \x1b[7m"
    folder.mkdir()
    rows = []
    for i in range(30):
        label = payload("dqlabel") if i % 2 else "plain"
        rows.append({"text": f"ticket {i} about invoices number {i * 7}", "label": label})
    rows.append({"text": f"duplicate text {payload('dqev')} \x1b]0;title\x07", "label": "plain"})
    rows.append({"text": f"duplicate text {payload('dqev')} \x1b]0;title\x07", "label": payload("dqlabel")})
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "test.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in [*rows[:3], {"text": "fresh question", "label": "plain"}]),
        encoding="utf-8",
    )
    (folder / "plugin.py").write_text(PLUGIN, encoding="utf-8")
    config = folder / "dataqa.toml"
    config.write_text(
        f"[tool.dataqa]\nplugins = [{json.dumps((folder / 'plugin.py').as_posix())}]\n"
        f"[tool.dataqa.checks.ZZQ001]\nnote = {json.dumps(payload('dqopt'))}\n",
        encoding="utf-8",
    )
    out = base / "out"
    out.mkdir()
    common = [str(folder / "train.jsonl"), "--test", str(folder / "test.jsonl"), "--config", str(config)]
    result = run_cli(
        "scan", *common,
        "--html", str(out / "r.html"), "--markdown", str(out / "r.md"), "--sarif", str(out / "r.sarif"),
        "--json", str(out / "r.json"), "--output-format", "full",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    github = run_cli("scan", *common, "--output-format", "github")
    concise = run_cli("scan", *common, "--output-format", "concise")
    return {
        "html": (out / "r.html").read_text(encoding="utf-8"),
        "markdown": (out / "r.md").read_text(encoding="utf-8"),
        "sarif": (out / "r.sarif").read_text(encoding="utf-8"),
        "json": (out / "r.json").read_text(encoding="utf-8"),
        "terminal": result.stdout + result.stderr,
        "concise": concise.stdout + concise.stderr,
        "github": github.stdout,
    }


def test_every_field_reaches_the_report(outputs: dict[str, str]) -> None:
    """The payloads are really in the report, so the escaping tests below can fail."""
    report = json.loads(outputs["json"])
    text = json.dumps(report, ensure_ascii=False)
    for field in FIELDS:
        assert payload(field) in text, f"{field} never reached the JSON report"


def test_html_shows_every_payload_as_text_and_builds_no_element(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    tree = Tree(html)
    tags = {node.tag for node in tree.root.iter()}
    assert not {t for t in tags if t.startswith("dq")}, "a payload became an element"
    assert "<dq" not in html
    page_text = tree.root.all_text()
    for field in ("dqpath", "dqlabel", "dqev", "dqopt", "dqreason", "dqmsg"):
        assert payload(field) in page_text, f"{field} is not shown on the page"


def test_markdown_has_no_raw_tag_outside_code(outputs: dict[str, str]) -> None:
    outside_code = re.sub(r"`[^`\n]*`", "", outputs["markdown"])
    assert "<dq" not in outside_code
    assert "&lt;dqmsg" in outputs["markdown"] or "`" in outputs["markdown"]


def test_sarif_is_json_and_keeps_the_payloads_as_strings(outputs: dict[str, str]) -> None:
    log = json.loads(outputs["sarif"])
    messages = [r["message"]["text"] for run in log["runs"] for r in run["results"]]
    assert any(payload("dqmsg") in m for m in messages)


def test_github_annotations_stay_one_per_line(outputs: dict[str, str]) -> None:
    lines = [ln for ln in outputs["github"].splitlines() if ln.strip()]
    assert lines and all(ln.startswith("::") or not ln.startswith(":") for ln in lines)
    assert "\x1b" not in outputs["github"]
    annotations = [ln for ln in lines if ln.startswith("::")]
    assert all(re.match(r"^::(error|warning|notice)( [^:]*)?::", ln) for ln in annotations)


@pytest.mark.parametrize("output", ["terminal", "concise"])
def test_terminal_carries_no_escape_sequence(outputs: dict[str, str], output: str) -> None:
    assert "\x1b" not in outputs[output]
    assert "\x07" not in outputs[output]
