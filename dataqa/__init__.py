"""dataqa: audit an LLM fine-tuning dataset before you pay for training.

report = dataqa.scan("train.jsonl", test="test.jsonl")
report.verdict          # "GO" or "NO-GO"
report.findings         # every problem, with file and line
report.to_json(); report.to_html()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dataqa.core.version import VERSION as __version__

if TYPE_CHECKING:
    from dataqa.engine.report import Report

__all__ = ["__version__", "scan"]


def scan(
    train: Any,
    test: Any = None,
    valid: Any = None,
    *,
    config: str | None = None,
    discover_config: bool = False,
    **options: Any,
) -> Report:
    """Scan a training file (and optional test/valid files) and return the `Report`.

    Each split is a path (a JSONL, JSON, CSV/TSV, Parquet or Arrow file, compressed or not; a folder;
    a glob), a list of paths, a list of dicts, a polars or pandas DataFrame, or a `datasets.Dataset`.
    A folder or a `datasets.DatasetDict` given alone is read as the splits it holds.

    `options` are config keys (`goal="poc"`, `select=["FMT", "DUP"]`, `checks={"FMT014":
    {"max_tokens": 2048}}`, `verdict={"min_usable_poc": 100}`); `config` names a TOML file.
    Raises `dataqa.core.errors.InputError` for an unreadable path, `ConfigError` for a bad option.
    """
    from dataqa.engine.runner import run_scan
    from dataqa.engine.settings import read_config
    from dataqa.ingest.dataset import layout_found
    from dataqa.ingest.readers.layout import expand

    cfg = read_config(config, discover=discover_config, **options)
    # the notes are in each split's `input`
    sources, _notes = expand(train, test, valid, cfg.records_path, layout_found)
    return run_scan(sources, cfg)
