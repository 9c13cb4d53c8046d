"""DUP004 reads the inputs and answers of its near-input groups a batch of lines at a time (to bound
its memory on large sets): how the groups are cut must not change a finding."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import dataqa
from dataqa.checks.duplicates import dup004_near_duplicate_input as dup004

CASE_FILE = Path(__file__).parent / "cases" / "duplicates" / "DUP004.toml"
RULES = ("another label each", "its own answer takes up", "under another label", "a qualifier added")
"""The DUP004 cases of the rules that read a group's inputs, answers and labels (`_apart`)."""


def test_pieces_cut_groups_in_order_and_keep_every_line() -> None:
    groups = [[1, 2, 3, 4, 5], [6, 7], [8, 9, 10]]
    pieces = [piece for batch in dup004._pieces(groups, 3) for piece in batch]
    assert pieces == [(0, 1, [2, 3, 4]), (0, 1, [5]), (1, 6, [7]), (2, 8, [9, 10])]
    assert [len(batch) for batch in dup004._pieces(groups, 3)] == [1, 2, 1]
    assert [len(batch) for batch in dup004._pieces(groups, 100)] == [3]


def _inline_cases() -> list:
    cases = tomllib.loads(CASE_FILE.read_text(encoding="utf-8"))["case"]
    return [
        pytest.param(case, id=case["name"][:40])
        for case in cases
        if "train" in case and any(rule in case["name"] for rule in RULES)
    ]


@pytest.mark.parametrize("case", _inline_cases())
def test_findings_are_the_same_when_every_pair_is_its_own_batch(
    case: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DUP004 cases of the rules that read answers and labels, groups cut to a pair per batch."""
    monkeypatch.setattr(dup004, "ASKED_BATCH_LINES", 1)
    train = tmp_path / "train.jsonl"
    train.write_text(case["train"], encoding="utf-8")
    report = dataqa.scan(str(train), select=["DUP004"], **case.get("config", {}))
    found = sorted(sorted(loc.line for loc in f.locations) for f in report.findings)
    assert found == sorted(sorted(group) for group in case["expect"])


def test_a_later_step_opens_with_the_earlier_input_and_holds_its_answer_as_a_turn() -> None:
    """`continues`: a conversation cut into an example per reply; a longer text that only repeats the
    earlier words (a phrase and its label inside a longer phrase) is no later step."""
    from dataqa.checks.duplicates.base import continues, one_conversation

    first = ("Weather in Oslo?", '[{"name": "weather", "arguments": "{}"}]')
    later = 'user: Weather in Oslo?\nassistant: [{"name": "weather", "arguments": "{}"}]\nfunction: 3 C'
    assert continues(first, later) and one_conversation(first, (later, "It is 3 C."))
    assert not continues(("a great film", "positive"), "a great film , positive in every way")
    assert not continues(first, "user: Weather in Bergen?\nassistant: " + first[1])
    assert not continues(("Weather in Oslo?", ""), later)
