"""Configuration ranges (issue #21, item 4): every numeric option has a valid range, and a value
outside it, or an unknown severity, is a usage error (exit 2) naming the file, the key and the range."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import chat, write_jsonl

from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError
from dataqa.core.options import field_range
from dataqa.engine.config import Config, ReportConfig, VerdictConfig, load_config


@pytest.fixture
def train(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "train.jsonl", [chat("Where is my order?", "It ships on Friday.")])


@pytest.mark.parametrize(
    ("toml", "where", "message"),
    [
        (
            "[verdict]\nmax-leaked-fraction = 1e999\n",
            ".verdict",
            "max-leaked-fraction = inf is out of range; it must be a finite number from 0 to 1",
        ),
        (
            "[verdict]\nmin-usable-poc = -1\n",
            ".verdict",
            "min-usable-poc = -1 is out of range; it must be a whole number, 0 or more",
        ),
        (
            "[verdict]\nmax-refusal-share = 1.5\n",
            ".verdict",
            "max-refusal-share = 1.5 is out of range; it must be a finite number from 0 to 1",
        ),
        (
            "check-timeout = -5\n",
            "",
            "check-timeout = -5.0 is out of range; it must be a finite number, 0 or more",
        ),
        ("max-lines = -1\n", "", "max-lines = -1 is out of range; it must be a whole number, 0 or more"),
        (
            "[report]\nepochs = 0\n",
            ".report",
            "epochs = 0 is out of range; it must be a whole number from 1 to 1,000",
        ),
        (
            '[checks.FMT016]\nseverity = "fatal"\n',
            ".checks.FMT016",
            "severity = 'fatal' is not a severity; it must be one of error, warning, info",
        ),
    ],
)
def test_a_value_out_of_range_names_file_key_and_range(
    tmp_path: Path, train: Path, toml: str, where: str, message: str
) -> None:
    config = tmp_path / "dataqa.toml"
    config.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(train), "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"dataqa: error: {config}{where}: {message}"


def test_pyproject_tables_and_dataset_tables_are_checked_too(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.dataqa.verdict]\nmax-leaked-fraction = 2.0\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"pyproject\.toml\.verdict: max-leaked-fraction = 2\.0 is out of range"
    ):
        load_config(pyproject)
    pyproject.write_text(
        '[tool.dataqa.datasets.d]\ntrain = "t.jsonl"\nverdict = { min-usable-poc = -3 }\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"datasets\.d\.verdict: min-usable-poc = -3 is out of range"):
        load_config(pyproject)


def test_api_options_are_checked_with_the_same_rules() -> None:
    with pytest.raises(ConfigError, match=r"^options: check-timeout = -1\.0 is out of range"):
        load_config(discover=False, check_timeout=-1)
    with pytest.raises(ConfigError, match=r"^options\.checks\.DUP001: severity = 'loud' is not a severity"):
        load_config(discover=False, checks={"DUP001": {"severity": "loud"}})
    with pytest.raises(ConfigError, match=r"^options: max-leaked-fraction = nan is out of range"):
        load_config(discover=False, verdict={"max_leaked_fraction": float("nan")})


def test_the_ends_of_every_range_are_accepted() -> None:
    config = load_config(
        discover=False,
        check_timeout=0,
        max_lines=0,
        verdict={"max_leaked_fraction": 1, "max_refusal_share": 0, "min_usable_poc": 0},
        checks={"DUP001": {"severity": "info"}},
    )
    assert (config.check_timeout, config.verdict.max_leaked_fraction) == (0.0, 1.0)


def test_every_numeric_option_has_a_range() -> None:
    for owner in (Config, VerdictConfig, ReportConfig):
        hints = typing.get_type_hints(owner)
        for item in dataclasses.fields(owner):
            bounds = field_range(item)
            if hints[item.name] not in (int, float):
                assert bounds is None, f"{owner.__name__}.{item.name}: a range on a non-numeric key"
                continue
            assert bounds is not None, f"{owner.__name__}.{item.name}: a numeric key without a range"
            low, high = bounds
            assert low <= getattr(owner(), item.name) <= high, (
                f"{owner.__name__}.{item.name}: its default is out of range"
            )
