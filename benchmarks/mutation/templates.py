"""Template mutants: every `{{ … }}` of the HTML templates rendered `|safe`, one at a time.

mutmut mutates Python only; the HTML pages' escaping lives in the Jinja templates (autoescape on).
This probe takes the escaping tests' own scans (`tests/test_escaping.py`: a payload in every string
field a report carries; `tests/test_escaping_units.py`: one in the targets' JSON keys and a passed
check's metric) and their HTML assertions, renders the report page and the notebook
summary once per mutant, and files each mutant as

- killed: the page now holds an element a payload made, or rendering fails;
- same output: the page is byte-identical to the unmutated one (the expression never carries
  `<`, `>`, `&`, `"` or `'` on this report, so `|safe` changes nothing: equivalent on this input);
- survived: the page changed but no assertion failed (a gap: a field with no payload).

    PYTHONPATH=$PWD nice -n 10 python benchmarks/mutation/templates.py

It writes `benchmarks/mutation/results/templates.txt`.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from test_escaping import PLUGIN, payload  # noqa: E402  (the test's own payloads and plugin)
from test_escaping_units import QUIET_PLUGIN  # noqa: E402
from test_report_html import Tree  # noqa: E402  (the test's own parser)

import dataqa  # noqa: E402
from dataqa.reports import html, html_summary  # noqa: E402

TEMPLATES = ROOT / "reports" / "templates"
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
PAGES: dict[str, Callable[[object], str]] = {"report": html.render, "summary": html_summary.render}
PROBED = ("report.html.j2", "_charts.html.j2", "summary.html.j2")
"""The templates the two pages render. `diff.html.j2` (the `dataqa diff` page) is not probed here."""


def hostile_report(base: Path) -> object:
    """The escaping test's scan, run in this process (the same files, plugin and config)."""
    folder = base / f"data {payload('dqpath')} \x1b[7m"
    folder.mkdir()
    rows = []
    for i in range(30):
        label = payload("dqlabel") if i % 2 else "plain"
        rows.append({"text": f"ticket {i} about invoices number {i * 7}", "label": label})
    rows.append({"text": f"duplicate text {payload('dqev')} \x1b]0;title\x07", "label": "plain"})
    rows.append({"text": f"duplicate text {payload('dqev')} \x1b]0;title\x07", "label": payload("dqlabel")})
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    test_rows = [*rows[:3], {"text": "fresh question", "label": "plain"}]
    (folder / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in test_rows), encoding="utf-8")
    (folder / "plugin.py").write_text(PLUGIN, encoding="utf-8")
    config = folder / "dataqa.toml"
    config.write_text(
        f"[tool.dataqa]\nplugins = [{json.dumps((folder / 'plugin.py').as_posix())}]\n"
        f"[tool.dataqa.checks.ZZQ001]\nnote = {json.dumps(payload('dqopt'))}\n",
        encoding="utf-8",
    )
    return dataqa.scan(str(folder / "train.jsonl"), test=str(folder / "test.jsonl"), config=str(config))


def shape_report(base: Path) -> object:
    """`test_html_escapes_the_target_shape_and_a_passed_checks_metric`'s scan: a payload in the
    targets' JSON keys (the advice names them) and in a passed check's metric."""
    train = base / "shape.jsonl"
    rows = [
        {
            "prompt": f"question {i} about order {i * 7}",
            "completion": json.dumps({"<dqshape a=1>": i, "b": 1}),
        }
        for i in range(30)
    ]
    train.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plugin = base / "quiet.py"
    plugin.write_text(QUIET_PLUGIN, encoding="utf-8")
    return dataqa.scan(str(train), plugins=[str(plugin)], verdict={"min_usable_poc": 5})


def assert_escaped(page: str) -> None:
    """`test_html_shows_every_payload_as_text_and_builds_no_element`, its element assertions."""
    tags = {node.tag for node in Tree(page).root.iter()}
    assert not {t for t in tags if t.startswith("dq")}, "a payload became an element"
    assert "<dq" not in page


def mutants() -> Iterator[tuple[str, int, str, str]]:
    """(template, line, expression, mutated template text) for every expression not already |safe."""
    for path in sorted(TEMPLATES / name for name in PROBED):
        text = path.read_text(encoding="utf-8")
        for m in EXPRESSION.finditer(text):
            inner = m.group(1)
            if re.search(r"\|\s*safe\b", inner):
                continue
            mutated = text[: m.start()] + "{{(" + inner.strip("-").strip() + ")|safe}}" + text[m.end() :]
            yield path.name, text.count("\n", 0, m.start()) + 1, " ".join(inner.split()), mutated


def render_all(reports: list[object], override: tuple[str, str] | None) -> dict[str, str]:
    """Every page of every report, with one template's text replaced when `override` is (name, text)."""
    original = jinja2.PackageLoader.get_source

    def get_source(self, environment, template):
        if override and template == override[0]:
            return override[1], None, lambda: False
        return original(self, environment, template)

    jinja2.PackageLoader.get_source = get_source
    try:
        return {f"{name} {i}": render(r) for i, r in enumerate(reports) for name, render in PAGES.items()}
    finally:
        jinja2.PackageLoader.get_source = original


def main() -> None:
    """Run every template mutant against the escaping assertions and write the tally."""
    with tempfile.TemporaryDirectory() as tmp:
        reports = [hostile_report(Path(tmp)), shape_report(Path(tmp))]
        base = render_all(reports, None)
        for page in base.values():
            assert_escaped(page)
        counts = {"killed": 0, "same output": 0, "survived": 0}
        lines = []
        for name, line, expr, mutated in mutants():
            try:
                pages = render_all(reports, (name, mutated))
                for page in pages.values():
                    assert_escaped(page)
                status = "same output" if pages == base else "survived"
            except Exception:  # an assertion or a render error: the mutant is caught
                status = "killed"
            counts[status] += 1
            if status != "killed":
                lines.append(f"{status}: {name}:{line} {{{{ {expr} }}}}")
    total = sum(counts.values())
    head = [f"template mutants ({{{{ x }}}} -> {{{{ x|safe }}}}): {total}"] + [
        f"{k}: {v}" for k, v in counts.items()
    ]
    out = ROOT / "benchmarks" / "mutation" / "results" / "templates.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join([*head, "", *lines]) + "\n", encoding="utf-8")
    print("\n".join(head))


if __name__ == "__main__":
    main()
