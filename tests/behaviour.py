"""The scan's observable behaviour as stable JSON, so a refactor can prove it changed nothing.

`report_json` is a report's JSON with what legitimately varies between runs taken out (timings,
tool version, the generation time, the temporary folder a test writes to). The golden files under
`tests/golden/` hold it for the sample data and for every case file; `DATAQA_UPDATE_GOLDEN=1`
rewrites them after an intended change in findings (review the diff like any other). In CI
(`CI=true`) a missing golden file fails instead of being written: it is pinned by a reviewed commit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DATAQA_UPDATE_GOLDEN") == "1"
CI = os.environ.get("CI", "").lower() == "true"
_VARYING = ("generated_at", "duration_s", "tool_version")


def _scrub(value: Any, folder: str) -> Any:
    """Drop run-dependent keys and make paths relative to `folder`, recursively."""
    if isinstance(value, dict):
        return {k: _scrub(v, folder) for k, v in value.items() if k not in _VARYING}
    if isinstance(value, list):
        return [_scrub(v, folder) for v in value]
    if isinstance(value, str) and folder and folder in value:
        return value.replace(folder, "<DIR>")
    return value


def report_json(report_dict: dict[str, Any], folder: str | Path = "") -> bytes:
    """The report's JSON (sorted keys, indented) with run-dependent parts scrubbed."""
    scrubbed = _scrub(report_dict, str(folder))
    return orjson.dumps(scrubbed, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def assert_golden(name: str, data: bytes) -> None:
    """Compare `data` with `tests/golden/<name>` byte for byte (or rewrite it when updating)."""
    path = GOLDEN / name
    assert path.exists() or not CI, f"{name} has no golden file: write it locally, review it and commit it"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"behaviour changed: {name} differs from its golden file"
