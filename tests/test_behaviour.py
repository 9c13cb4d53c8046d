"""Refactors change no behaviour: the sample data's full JSON report equals its golden copy byte for byte.

Every case file's findings are held to golden copies too, in `test_cases.py`. After an intended change
in findings, rerun with `DATAQA_UPDATE_GOLDEN=1` and review the diff of `tests/golden/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from behaviour import assert_golden, report_json

import dataqa

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def test_sample_report_is_unchanged(tmp_path: Path) -> None:
    for name in ("train.jsonl", "test.jsonl"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    report = dataqa.scan(str(tmp_path / "train.jsonl"), test=str(tmp_path / "test.jsonl"))
    assert_golden("sample_report.json", report_json(report.to_dict(), tmp_path))
