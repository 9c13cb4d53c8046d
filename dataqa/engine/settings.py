"""The configuration read whole: the file and the flags (`engine.config`), then each `[checks.<ID>]`
table against the check it configures (`engine.registry`, plugins loaded).

A check option that is unknown, of the wrong type or out of its declared range is a `ConfigError`
naming the file, the table and the range when the configuration is read, before any data is.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from dataqa.engine.config import Config, apply_overrides, load_config
from dataqa.engine.registry import check_tables, load_checks


def read_config(path: str | Path | None = None, discover: bool = True, **overrides: Any) -> Config:
    """`load_config`, with every check's options checked: the file's tables (its datasets' too)
    named by the file, those of `overrides["checks"]` (the API's) as `options.checks`."""
    config = load_config(path, discover)
    tables = {f"{config.source}.checks": config.checks} if config.source else {}
    for name, table in config.datasets.items():
        tables[f"{config.source}.datasets.{name}.checks"] = table.get("checks", {})
    tables["options.checks"] = overrides.get("checks") or {}
    tables = {where: copy.deepcopy(table) for where, table in tables.items() if table}
    config = apply_overrides(config, **overrides)
    if tables:
        checks = load_checks(config.plugins)
        for where, table in tables.items():
            check_tables(table, checks, where)
    return config
