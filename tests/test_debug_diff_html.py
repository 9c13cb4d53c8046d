"""Issue #21 item 5: `dataqa diff --html` on unlabelled data, and `--debug` on every command."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import write_jsonl

from dataqa.commands.base import errors_exit_2
from dataqa.commands.cli import main
from dataqa.commands.diff import diff
from dataqa.engine.config import load_config
from dataqa.reports.diff_html import render


def _completions(n: int, start: int = 0) -> list[dict]:
    """Prompt/completion records with no label field."""
    return [
        {"prompt": f"How many apples are in basket number {i}?", "completion": f"Basket {i} holds {i * 3}."}
        for i in range(start, start + n)
    ]


def test_diff_html_on_unlabelled_prompt_completion_data(tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "old.jsonl", _completions(20))
    new = write_jsonl(tmp_path / "new.jsonl", _completions(22))
    d = diff(str(old), str(new), load_config(discover=False))
    assert "labels" not in d.shifts  # the case the template used to trip over
    assert d.added == [21, 22] and d.removed == []
    html = render(d)
    assert "What changed in the dataset" in html and "Label distribution" not in html
    assert "New file lines: <code>21, 22</code>" in html


def test_cli_diff_html_unlabelled_writes_the_page(tmp_path: Path) -> None:
    old = write_jsonl(tmp_path / "old.jsonl", _completions(20))
    new = write_jsonl(tmp_path / "new.jsonl", _completions(21))
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--no-config", "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output
    assert "New file lines: <code>21</code>" in out.read_text()


def _all_commands() -> dict[str, object]:
    return dict(main.commands)


@pytest.mark.parametrize("name", sorted(_all_commands()))
def test_every_command_accepts_debug(name: str) -> None:
    command = main.commands[name]
    flags = {opt for param in command.params for opt in getattr(param, "opts", [])}
    assert "--debug" in flags, f"`dataqa {name}` has no --debug"


def test_the_commands_are_all_there() -> None:
    """The parametrised test above covers these (and any command added later)."""
    assert {"scan", "clean", "split", "diff", "hook", "checks", "explain", "formats"} <= set(main.commands)


@pytest.mark.parametrize(
    "args",
    [["checks", "--debug", "--family", "FMT"], ["explain", "FMT001", "--debug"], ["formats", "--debug"]],
)
def test_debug_runs_the_light_commands(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_debug_shows_the_internal_error_and_without_it_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = write_jsonl(tmp_path / "old.jsonl", _completions(3))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("planted bug")

    monkeypatch.setattr("dataqa.commands.diff.diff", broken)
    argv = ["diff", str(old), str(old), "--no-config"]
    plain = CliRunner().invoke(main, argv)
    assert plain.exit_code == 2
    assert "internal error: RuntimeError: planted bug (run with --debug" in plain.output
    debug = CliRunner().invoke(main, [*argv, "--debug"])
    assert isinstance(debug.exception, RuntimeError) and str(debug.exception) == "planted bug"


def test_a_usage_error_inside_a_command_stays_a_usage_error() -> None:
    """`errors_exit_2` lets click's own errors through (exit 2 with usage): not an "internal error"."""
    with pytest.raises(click.BadParameter), errors_exit_2():
        raise click.BadParameter("no family 'x'")
