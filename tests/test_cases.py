"""Runs every check case file: planted defects and clean controls with their exact expected findings.

A case file is `tests/cases/<family>/<CHECK_ID>.toml` holding `[[case]]` tables:

    name = "what the case shows"
    train = '''...jsonl lines...'''        # or train_base64 / train_file (relative to the case file)
    test = '''...'''                       # optional, also valid
    options = { max_tokens = 100 }         # the check's options (optional)
    config = { goal = "poc" }              # other scan configuration (optional)
    expect = [[2], [4, 7], ["test:3", "train:5"]]   # one list per finding: its "split:line" locations

A bare number means a train line. `expect = []` is a clean control: the check must find nothing.
Optional `expect_unusable = [2, 4]` asserts which train lines the check makes unusable.
"""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path

import orjson
import pytest
from behaviour import GOLDEN, UPDATE, report_json

import dataqa
from dataqa.engine.registry import load_checks

CASES = Path(__file__).parent / "cases"


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.toml"))


def _cases() -> list:
    params = []
    for path in _case_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data.get("case", [])):
            params.append(pytest.param(path, case, id=f"{path.stem}-{i}-{case.get('name', '')[:40]}"))
    return params


def _materialise(case: dict, split: str, folder: Path, case_file: Path) -> str | None:
    target = folder / f"{split}.jsonl"
    if split in case:
        target.write_bytes(case[split].encode("utf-8"))
    elif f"{split}_base64" in case:
        target.write_bytes(base64.b64decode(case[f"{split}_base64"]))
    elif f"{split}_file" in case:
        source = case_file.parent / case[f"{split}_file"]
        target = folder / source.name.replace(source.stem.split(".")[0], split, 1)
        target.write_bytes(source.read_bytes())
    else:
        return None
    return str(target)


def _expected(entry: list) -> list[str]:
    return sorted(str(x) if isinstance(x, str) else f"train:{x}" for x in entry)


@pytest.mark.parametrize(("case_file", "case"), _cases())
def test_case(case_file: Path, case: dict, tmp_path: Path) -> None:
    check_id = case_file.stem
    train = _materialise(case, "train", tmp_path, case_file)
    test = _materialise(case, "test", tmp_path, case_file)
    valid = _materialise(case, "valid", tmp_path, case_file)
    assert train is not None, "a case needs train data"
    report = dataqa.scan(
        train,
        test=test,
        valid=valid,
        select=[check_id],
        checks={check_id: case.get("options", {})},
        **case.get("config", {}),
    )
    result = next(r for r in report.results if r.check_id == check_id)
    assert result.status.value != "errored", result.reason
    assert result.status.value != "skipped", result.reason
    found = sorted(sorted(f"{loc.split}:{loc.line}" for loc in f.locations) for f in result.findings)
    expected = sorted(_expected(e) for e in case["expect"])
    assert found == expected, "\n".join(f"{f.check_id} {f.locations} {f.message}" for f in result.findings)
    if "expect_unusable" in case:
        unusable = sorted({loc.line for f in result.findings for loc in f.unusable if loc.split == "train"})
        assert unusable == sorted(case["expect_unusable"])
    _assert_case_golden(case_file, case, report.to_dict(), tmp_path)


def _assert_case_golden(case_file: Path, case: dict, report: dict, folder: Path) -> None:
    """The case's whole check result (messages, severities, evidence, metrics) equals its golden copy."""
    check_id = case_file.stem
    report = {
        "checks": [c for c in report["checks"] if c["id"] == check_id],
        "findings": [f for f in report["findings"] if f["check_id"] == check_id],
    }
    actual = orjson.loads(report_json(report, folder))
    path = GOLDEN / "cases" / f"{check_id}.json"
    stored = orjson.loads(path.read_bytes()) if path.exists() else {}
    key = case.get("name", "")
    if UPDATE or key not in stored:
        stored[key] = actual
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(stored, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    assert actual == stored[key], f"behaviour changed: {check_id} case {key!r} differs from its golden copy"


def test_every_check_has_docs_and_both_kinds_of_case() -> None:
    """A registered check must explain itself and prove itself on planted defects and clean data."""
    files = {p.stem: p for p in _case_files()}
    for check_id, cls in load_checks().items():
        doc = cls.documentation()
        for part in ("Why:", "Example:", "Fix:"):
            assert part in doc, f"{check_id} docstring lacks {part!r}"
        assert check_id in files, f"{check_id} has no case file under tests/cases/"
        assert files[check_id].parent.name == cls.family, (
            f"{check_id} case file belongs in cases/{cls.family}/"
        )
        cases = tomllib.loads(files[check_id].read_text(encoding="utf-8")).get("case", [])
        assert any(c["expect"] for c in cases), f"{check_id} has no case with planted defects"
        assert any(not c["expect"] for c in cases), f"{check_id} has no clean control case"


def test_case_files_name_registered_checks() -> None:
    checks = load_checks()
    for path in _case_files():
        assert path.stem in checks, f"{path} names no registered check"
