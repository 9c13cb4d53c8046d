"""Runs every check case file: planted defects and clean controls with their exact expected findings.

A case file is `tests/cases/<family>/<CHECK_ID>.toml` holding `[[case]]` tables:

    name = "what the case shows"
    train = '''...jsonl lines...'''        # or train_base64 / train_file (relative to the case file)
    test = '''...'''                       # optional, also `valid`
    options = { max_tokens = 100 }         # the check's options (optional)
    config = { goal = "poc" }              # other scan configuration (optional)
    expect = [[2], [4, 7], ["test:3", "train:5"]]   # one list per finding: its "split:line" locations
    expect_severity = "error"              # every finding's severity
    expect_message = "line 4"              # a substring of a finding's message (or a list of them)
    expect_unusable = [2, "valid:4"]       # every record the findings make unusable

A bare number means a train line. `expect = []` is a clean control: the check must find nothing.
A case whose findings make records unusable must say which (`expect_unusable`).

A clean case on which the check never got to look (too few rows, another profile, a missing split)
is gate-only: it says why with `gate = "too few rows"` and proves it, by the check's own word (it was
skipped, or its metrics say `skipped`), by `ungated = { options = {...}, config = {...}, expect =
[...] }` (the same data with the gate lifted, and what the check then finds), or, for a gate no
option lifts, by having measured nothing, as a switched-off check would. A gate-only case is no
clean control: every check also needs a near-miss one (same options, configuration and splits as a
planted case, no gate, nothing found).
"""

from __future__ import annotations

import base64
import inspect
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import orjson
import pytest
from behaviour import CI, GOLDEN, UPDATE, report_json

import dataqa
from dataqa.core.models import CheckResult
from dataqa.engine.registry import load_checks

CASES = Path(__file__).parent / "cases"
SPLITS = ("train", "test", "valid")


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.toml"))


def _load(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8")).get("case", [])


def _cases() -> list:
    params = []
    for path in _case_files():
        for i, case in enumerate(_load(path)):
            params.append(pytest.param(path, case, id=f"{path.stem}-{i}-{case.get('name', '')[:40]}"))
    return params


def _splits(case: dict[str, Any]) -> tuple[str, ...]:
    """The splits a case provides."""
    return tuple(s for s in SPLITS if any(f"{s}{tail}" in case for tail in ("", "_base64", "_file")))


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


def _scan(
    case_file: Path, case: dict, folder: Path, lift: dict | None = None, drop: str = ""
) -> tuple[CheckResult, dict]:
    """Run the case's check on its data (`lift` adds options/config, `drop` leaves a split out)."""
    check_id = case_file.stem
    lift = lift or {}
    folder.mkdir(parents=True, exist_ok=True)
    paths = {s: _materialise(case, s, folder, case_file) for s in SPLITS if s != drop}
    assert paths["train"] is not None, "a case needs train data"
    report = dataqa.scan(
        paths["train"],
        test=paths.get("test"),
        valid=paths.get("valid"),
        select=[check_id],
        checks={check_id: {**case.get("options", {}), **lift.get("options", {})}},
        **{**case.get("config", {}), **lift.get("config", {})},
    )
    return next(r for r in report.results if r.check_id == check_id), report.to_dict()


def _place(x: int | str) -> str:
    return str(x) if isinstance(x, str) else f"train:{x}"


def _found(result: CheckResult) -> list[list[str]]:
    return sorted(sorted(f"{loc.split}:{loc.line}" for loc in f.locations) for f in result.findings)


def _expected(entries: list) -> list[list[str]]:
    return sorted(sorted(_place(x) for x in entry) for entry in entries)


@pytest.mark.parametrize(("case_file", "case"), _cases())
def test_case(case_file: Path, case: dict, tmp_path: Path) -> None:
    result, report = _scan(case_file, case, tmp_path)
    assert result.status.value != "errored", result.reason
    if "gate" in case:
        _assert_gate(case_file, case, result, tmp_path)
    else:
        assert result.status.value != "skipped", result.reason
        assert "skipped" not in result.metrics, (
            f"the check skipped ({result.metrics['skipped']}): tag the case `gate = ...`"
        )
    findings = "\n".join(
        f"{f.check_id} {f.severity.label} {f.locations} {f.message}" for f in result.findings
    )
    assert _found(result) == _expected(case["expect"]), findings
    if "expect_severity" in case:
        assert {f.severity.label for f in result.findings} == {case["expect_severity"]}, findings
    wanted = case.get("expect_message", [])
    for text in [wanted] if isinstance(wanted, str) else wanted:
        assert any(text in f.message for f in result.findings), f"no message holds {text!r}:\n{findings}"
    unusable = sorted({f"{loc.split}:{loc.line}" for f in result.findings for loc in f.unusable})
    if "expect_unusable" in case:
        assert unusable == sorted(_place(x) for x in case["expect_unusable"])
    else:
        assert not unusable, f"the findings make {unusable} unusable: declare `expect_unusable`"
    _assert_case_golden(case_file, case, report, tmp_path)


def _assert_gate(case_file: Path, case: dict, result: CheckResult, folder: Path) -> None:
    """A gate-only case finds nothing because the check did not look, and proves it: the check
    reports that it skipped, or `ungated` lifts the gate and the check then finds the listed
    defects, or (a gate no option lifts, such as a layout) it measured nothing at all, exactly
    what a switched-off check shows."""
    assert not case["expect"], "only a clean case can be gate-only"
    if result.status.value == "skipped" or "skipped" in result.metrics:
        assert "ungated" not in case, "the check says it skipped; `ungated` proves nothing more"
        return
    if "ungated" not in case:
        assert not result.metrics, (
            f"the check measured {sorted(result.metrics)}, so it looked: no gate-only case, or "
            "prove the gate with `ungated = {options/config, expect}`"
        )
        return
    lifted = case["ungated"]
    assert lifted["expect"], "with the gate lifted the check must find something"
    again, _ = _scan(case_file, case, folder / "ungated", lift=lifted)
    assert _found(again) == _expected(lifted["expect"]), "\n".join(f.message for f in again.findings)


def _assert_case_golden(case_file: Path, case: dict, report: dict, folder: Path) -> None:
    """The case's whole check result (messages, severities, evidence, metrics) equals its golden copy.

    Locally a case without a golden entry writes one; in CI (`CI=true`) it fails, so a new case is
    pinned by a reviewed commit, never by its own first run."""
    check_id = case_file.stem
    report = {
        "checks": [c for c in report["checks"] if c["id"] == check_id],
        "findings": [f for f in report["findings"] if f["check_id"] == check_id],
    }
    actual = orjson.loads(report_json(report, folder))
    path = GOLDEN / "cases" / f"{check_id}.json"
    stored = orjson.loads(path.read_bytes()) if path.exists() else {}
    key = case.get("name", "")
    if key not in stored and CI:
        pytest.fail(
            f"{check_id} case {key!r} has no golden copy in {path.name}: run the case locally "
            "(it writes one), review it and commit it"
        )
    if UPDATE or key not in stored:
        stored[key] = actual
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(stored, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    assert _alike(actual, stored[key]), (
        f"behaviour changed: {check_id} case {key!r} differs from its golden copy"
    )


def _alike(actual: object, stored: object) -> bool:
    """Equal, except that measured floats may differ in their last rounded digit: a classifier's
    class thresholds move by 1e-4 between scikit-learn/numpy releases; messages, counts, ids and
    locations must match exactly."""
    if isinstance(actual, float) and isinstance(stored, float):
        return math.isclose(actual, stored, rel_tol=1e-3, abs_tol=2e-4)
    if isinstance(actual, dict) and isinstance(stored, dict):
        return actual.keys() == stored.keys() and all(_alike(actual[k], stored[k]) for k in actual)
    if isinstance(actual, list) and isinstance(stored, list):
        return len(actual) == len(stored) and all(map(_alike, actual, stored))
    return actual == stored


def _signature(case: dict) -> tuple[str, str, tuple[str, ...]]:
    """What decides whether a check looks at a case at all: its options, configuration and splits."""
    options = orjson.dumps(case.get("options", {}), option=orjson.OPT_SORT_KEYS).decode()
    config = orjson.dumps(case.get("config", {}), option=orjson.OPT_SORT_KEYS).decode()
    return options, config, _splits(case)


def test_every_check_has_docs_and_both_kinds_of_case() -> None:
    """A registered check must explain itself and prove itself on planted defects and clean data:
    a planted case asserting severity and message, a near-miss clean control under a planted case's
    options, and, when it removes rows, `expect_unusable` on every planted case."""
    files = {p.stem: p for p in _case_files()}
    for check_id, cls in load_checks().items():
        doc = cls.documentation()
        for part in ("Why:", "Example:", "Fix:"):
            assert part in doc, f"{check_id} docstring lacks {part!r}"
        assert check_id in files, f"{check_id} has no case file under tests/cases/"
        assert files[check_id].parent.name == cls.family, (
            f"{check_id} case file belongs in cases/{cls.family}/"
        )
        cases = _load(files[check_id])
        planted = [c for c in cases if c["expect"]]
        assert planted, f"{check_id} has no case with planted defects"
        assert any("expect_severity" in c and "expect_message" in c for c in planted), (
            f"{check_id}: no planted case asserts `expect_severity` and `expect_message`"
        )
        signatures = {_signature(c) for c in planted}
        assert any(not c["expect"] and "gate" not in c and _signature(c) in signatures for c in cases), (
            f"{check_id} has no near-miss clean control (no gate; a planted case's options, config, splits)"
        )
        if any(c.get("expect_unusable") for c in cases):  # the check removes rows
            bare = [c["name"] for c in planted if "expect_unusable" not in c]
            assert not bare, f"{check_id} removes rows; these planted cases leave it unsaid: {bare}"


_READS_VALID = re.compile(r"\beval_splits\b|\buploaded_splits\b|[\"']valid[\"']")


def _reads_validation(cls: type) -> bool:
    """Whether a check's own code (its module, and the module defining its `run`) names the
    validation split, or the held-out splits it belongs to."""
    modules = {inspect.getmodule(cls), inspect.getmodule(cls.run)}
    return any(m is not None and _READS_VALID.search(inspect.getsource(m)) for m in modules)


@pytest.mark.parametrize("check_id", [cid for cid, cls in load_checks().items() if _reads_validation(cls)])
def test_checks_reading_the_validation_split_have_a_case_that_needs_it(check_id: str, tmp_path: Path) -> None:
    """A check that reads the validation split has a planted case whose result (findings, or the
    metrics it reads that split for) changes when that split is left out: the case's expectations
    then fail for a check that stops reading it."""
    case_file = next(p for p in _case_files() if p.stem == check_id)
    tried = []
    for i, case in enumerate(c for c in _load(case_file) if c["expect"] and "valid" in _splits(c)):
        with_valid, _ = _scan(case_file, case, tmp_path / f"{i}-with")
        without, _ = _scan(case_file, case, tmp_path / f"{i}-without", drop="valid")
        if (_found(with_valid), with_valid.metrics) != (_found(without), without.metrics):
            return
        tried.append(case["name"])
    pytest.fail(f"{check_id} reads the validation split, but no planted case depends on it (tried {tried})")


def test_case_files_name_registered_checks() -> None:
    checks = load_checks()
    for path in _case_files():
        assert path.stem in checks, f"{path} names no registered check"


def test_golden_entries_name_existing_cases() -> None:
    """A renamed or removed case leaves no stale golden copy behind."""
    names = {p.stem: {c.get("name", "") for c in _load(p)} for p in _case_files()}
    for path in sorted((GOLDEN / "cases").glob("*.json")):
        stale = set(orjson.loads(path.read_bytes())) - names.get(path.stem, set())
        assert not stale, f"{path.name} holds golden copies of no case: {sorted(stale)}"
