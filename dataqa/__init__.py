"""dataqa: audit an LLM fine-tuning dataset before you pay for training.

report = dataqa.scan("train.jsonl", test="test.jsonl")
report.verdict          # "GO" or "NO-GO"
report.findings         # every problem, with file and line
report.to_json(); report.to_html()
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("dataqa-finetune")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from dataqa.report import Report

__all__ = ["__version__", "scan"]


def scan(
    train: str,
    test: str | None = None,
    valid: str | None = None,
    *,
    config: str | None = None,
    discover_config: bool = False,
    **options: Any,
) -> Report:
    """Scan a training file (and optional test/valid files) and return the `Report`.

    `options` are config keys (`goal="poc"`, `select=["FMT", "DUP"]`, `checks={"FMT014":
    {"max_tokens": 2048}}`, `verdict={"min_usable_poc": 100}`); `config` names a TOML file.
    Raises `dataqa.load.InputError` for an unreadable path, `ConfigError` for a bad option.
    """
    from dataqa.config import load_config
    from dataqa.runner import run_scan, split_paths

    cfg = load_config(config, discover=discover_config, **options)
    return run_scan(split_paths(train, test, valid), cfg)
