"""The README stays true: its two commands are what CI runs, and its checks table is the registry's."""

from __future__ import annotations

from pathlib import Path

from dataqa.commands.docs import END, START, checks_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert TEST_COMMAND in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line.strip() and not line.startswith("#")][-1] == TEST_COMMAND


def test_readme_first_command_scans_the_sample_data() -> None:
    assert "pip install -e . && dataqa scan sample_data/train.jsonl --test sample_data/test.jsonl" in README
    for name in ("train.jsonl", "test.jsonl"):
        assert (ROOT / "sample_data" / name).is_file()


def test_checks_table_matches_the_registry() -> None:
    table = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == checks_table(), "run `python -m dataqa.commands.docs README.md` to refresh the table"
