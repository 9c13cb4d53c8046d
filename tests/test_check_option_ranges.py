"""Check option ranges (issue #21, item 4): every numeric option of every check declares its valid
range with `ranged` (the mechanism of the global keys), and a value outside it is a usage error
(exit 2) naming the file, the table, the key and the range when the configuration is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import chat, write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError
from dataqa.engine.registry import load_checks
from dataqa.engine.settings import read_config

PLUGIN = '''
from dataclasses import dataclass

from dataqa.plugin import Check, register, ranged


@register
@dataclass
class LongPrompt(Check):
    """A prompt longer than `max_words` words."""

    id = "RNG001"
    name = "long-prompt"
    family = "house-rules"
    max_words: int = ranged(50, low=1, high=500)
    weight: float = 1.0  # no declared range: any finite number

    def run(self, ctx):
        for split in ctx:
            for line, prompt in ctx.valid_rows(split).select("line", "prompt").iter_rows():
                if prompt and len(prompt.split()) > self.max_words:
                    yield self.finding("long prompt", [ctx.location(split, line)])
'''


@pytest.fixture
def train(tmp_path: Path) -> Path:
    rows = [chat("Where is my order number four?", "It ships on Friday."), chat("Hi", "Hello.")]
    return write_jsonl(tmp_path / "train.jsonl", rows)


def scan(train: Path, config: Path, *extra: str):
    return CliRunner().invoke(main, ["scan", str(train), "--config", str(config), *extra])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "[checks.DUP003]\nthreshold = 1.5\n",
            "checks.DUP003: threshold = 1.5 is out of range; it must be a finite number from 0 to 1",
        ),
        (
            "[checks.LBL006]\nfolds = 1\n",
            "checks.LBL006: folds = 1 is out of range; it must be a whole number from 2 to 50",
        ),
        (
            "[checks.COV001]\nmax-ratio = 1e999\n",
            "checks.COV001: max-ratio = inf is out of range; it must be a finite number, 1 or more",
        ),
        (
            "[checks.QUAL009]\nratio = nan\n",
            "checks.QUAL009: ratio = nan is out of range; it must be a finite number from 0 to 1",
        ),
        (
            "[checks.FMT016]\nmax-tokens = -1\n",
            "checks.FMT016: max-tokens = -1 is out of range; it must be a whole number, 1 or more",
        ),
        (
            "[checks.LEAK004]\nngram = 0\n",
            "checks.LEAK004: ngram = 0 is out of range; it must be a whole number from 1 to 100",
        ),
        (
            "[checks.PREF006]\nmin_share = 0.75\n",
            "checks.PREF006: min-share = 0.75 is out of range; it must be a finite number from 0 to 0.5",
        ),
    ],
    ids=["float", "int", "inf", "nan", "negative", "zero", "share-half"],
)
def test_an_option_out_of_range_names_file_key_and_range(
    tmp_path: Path, train: Path, table: str, message: str
) -> None:
    config = tmp_path / "dataqa.toml"
    config.write_text(table, encoding="utf-8")
    result = scan(train, config)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"dataqa: error: {config}.{message}"


def test_pyproject_and_dataset_tables_are_checked_when_read(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.dataqa.checks.LEAK003]\nshingle = 21\n", encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"pyproject\.toml\.checks\.LEAK003: shingle = 21 is out of range; it must be a whole "
        r"number from 1 to 20$",
    ):
        read_config(pyproject)
    pyproject.write_text(
        '[tool.dataqa.datasets.chat]\ntrain = "t.jsonl"\n[tool.dataqa.datasets.chat.checks.COV004]\n'
        "thin-share = -0.1\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=r"pyproject\.toml\.datasets\.chat\.checks\.COV004: thin-share = -0\.1 is out"
    ):
        read_config(pyproject)


def test_api_options_are_checked_and_the_ends_of_a_range_accepted(train: Path) -> None:
    with pytest.raises(ConfigError, match=r"^options\.checks\.DUP003: threshold = 2\.0 is out of range"):
        dataqa.scan(train, checks={"DUP003": {"threshold": 2}})
    config = read_config(discover=False, checks={"DUP003": {"threshold": 1}, "LBL006": {"folds": 2}})
    assert config.checks == {"DUP003": {"threshold": 1}, "LBL006": {"folds": 2}}
    report = dataqa.scan(train, select=["FMT016"], checks={"FMT016": {"max-tokens": 1}})
    assert [f.check_id for f in report.findings] == ["FMT016", "FMT016"]


def test_an_in_range_value_is_accepted_and_used(tmp_path: Path, train: Path) -> None:
    config = tmp_path / "dataqa.toml"
    config.write_text('select = ["FMT016"]\n[checks.FMT016]\nmax-tokens = 15\n', encoding="utf-8")
    out = tmp_path / "report.json"
    result = scan(train, config, "--json", str(out))
    assert result.exit_code in (0, 1), result.output
    found = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert [(f["check_id"], [loc["line"] for loc in f["locations"]]) for f in found] == [("FMT016", [1])]


def test_a_plugin_option_range_is_honoured(tmp_path: Path, train: Path) -> None:
    (tmp_path / "rng_plugin.py").write_text(PLUGIN, encoding="utf-8")
    config = tmp_path / "dataqa.toml"
    head = 'plugins = ["rng_plugin.py"]\nselect = ["RNG"]\n'
    config.write_text(head + "[checks.RNG001]\nmax-words = 501\n", encoding="utf-8")
    refused = scan(train, config)
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip() == (
        f"dataqa: error: {config}.checks.RNG001: max-words = 501 is out of range; it must be a whole "
        "number from 1 to 500"
    )
    config.write_text(head + "[checks.RNG001]\nweight = inf\n", encoding="utf-8")
    undeclared = scan(train, config)
    assert undeclared.exit_code == 2, undeclared.output
    assert undeclared.stderr.strip().endswith("weight = inf is out of range; it must be a finite number")
    config.write_text(head + "[checks.RNG001]\nmax-words = 3\nweight = -2.5\n", encoding="utf-8")
    out = tmp_path / "report.json"
    accepted = scan(train, config, "--json", str(out))
    assert accepted.exit_code in (0, 1), accepted.output
    found = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert [(f["check_id"], [loc["line"] for loc in f["locations"]]) for f in found] == [("RNG001", [1])]


def test_every_numeric_option_of_every_check_declares_a_range_holding_its_default() -> None:
    for cid, cls in load_checks().items():
        ranges = cls.ranges()
        for name, (kind, default) in cls.options().items():
            if kind in (int, float):
                assert name in ranges, f"{cid}.{name}: a numeric option without a declared range"
                low, high = ranges[name]
                assert low <= default <= high, f"{cid}.{name}: its default {default} is out of its range"
            else:
                assert name not in ranges, f"{cid}.{name}: a range on a non-numeric option"


def test_explain_and_checks_show_the_range() -> None:
    explained = CliRunner().invoke(main, ["explain", "LBL006"])
    assert explained.exit_code == 0
    assert "  folds = 3  (a whole number from 2 to 50)\n" in explained.output
    assert "  min-gain = 0.5  (a finite number from 0 to 1)\n" in explained.output
    listed = CliRunner().invoke(main, ["checks", "--output-format", "json"])
    options = {c["id"]: c["options"] for c in json.loads(listed.output)}
    assert {"name": "ngram", "type": "int", "default": 13, "range": [1.0, 100.0]} in options["LEAK004"]
    assert {"name": "max-ratio", "type": "float", "default": 20.0, "range": [1.0, None]} in options["COV001"]
