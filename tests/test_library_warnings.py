"""Library warnings (issue #21, item 9): numpy and scikit-learn RuntimeWarnings raised during a scan
("divide by zero encountered in ...") never reach stderr; the scan's own output is unchanged."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import chat, run_cli, write_jsonl

import dataqa

PLUGIN = '''
from dataclasses import dataclass

import numpy as np

from dataqa.plugin import Check, Severity, register


@register
@dataclass
class Divider(Check):
    """Divides by zero the way a degenerate TF-IDF row makes scikit-learn do.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "DIV001"
    name = "divider"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        np.array([1.0, 0.0]) / np.array([0.0, 0.0])  # divide by zero, invalid value
        np.log(np.zeros(2))
        return iter(())
'''


def divide_by_zero() -> None:
    np.array([1.0, 0.0]) / np.array([0.0, 0.0])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "train.jsonl", [chat("Where is my order?", "It ships on Friday.")])
    (tmp_path / "plugin.py").write_text(PLUGIN, encoding="utf-8")
    (tmp_path / "dataqa.toml").write_text('plugins = ["plugin.py"]\nselect = ["DIV001", "FMT"]\n')
    return tmp_path


def test_no_runtime_warning_escapes_a_scan(project: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        divide_by_zero()  # the control: outside a scan the warning is raised
        assert [w.category for w in caught] == [RuntimeWarning, RuntimeWarning]
        caught.clear()
        report = dataqa.scan(str(project / "train.jsonl"), config=str(project / "dataqa.toml"))
    assert caught == []
    assert {r.check_id: r.status.value for r in report.results}["DIV001"] == "passed"


def test_the_command_prints_no_warning_on_stderr(project: Path) -> None:
    proc = run_cli("scan", "train.jsonl", "-q", cwd=project)
    assert proc.returncode == 1, proc.stderr  # one row, no test split: NO-GO
    assert proc.stderr == ""
