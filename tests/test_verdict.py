"""Every verdict condition: a scan where it passes, one where it fails, and its configuration switch.

Each scan is small and real (`dataqa.scan` on files), with the size bars lowered so that only the
condition under test decides; the expected outcome of that one condition is asserted exactly.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

import pytest

import dataqa

WORDS = [
    "river",
    "lamp",
    "invoice",
    "garden",
    "rocket",
    "tiger",
    "violin",
    "harbor",
    "pencil",
    "meadow",
    "copper",
    "falcon",
    "lantern",
    "orchard",
    "puzzle",
    "quartz",
    "saddle",
    "thunder",
    "velvet",
    "walnut",
    "yacht",
    "zebra",
    "anchor",
    "bishop",
    "candle",
    "dolphin",
    "ember",
    "fossil",
    "glacier",
    "hammock",
    "igloo",
    "jasmine",
    "kettle",
    "lemon",
    "marble",
    "nectar",
    "oyster",
    "parrot",
    "quiver",
    "raven",
    "sapphire",
    "tulip",
]


def rows(n: int, seed: int = 0, **extra: Any) -> list[dict[str, Any]]:
    """`n` prompt/completion rows with unrelated random words (no near-duplicates between them)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        prompt = " ".join(rng.sample(WORDS, 7)) + f" {i}?"
        completion = "It is " + " ".join(rng.sample(WORDS, 6)) + "."
        out.append({"prompt": prompt, "completion": completion, **extra})
    return out


def write(path: Path, records: list[Any]) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return str(path)


LOW_BARS = {"min_usable_poc": 5, "min_usable_production": 10}


def scan(tmp_path: Path, train: list[Any], test: list[Any] | None = None, **verdict: Any) -> dataqa.Report:
    test_path = write(tmp_path / "test.jsonl", test) if test is not None else None
    return dataqa.scan(
        write(tmp_path / "train.jsonl", train), test=test_path, verdict={**LOW_BARS, **verdict}
    )


def condition(report: Any, name: str) -> Any:
    found = [c for c in report.conditions if c.name == name]
    assert found, f"no condition {name}: {[c.name for c in report.conditions]}"
    return found[0]


def test_a_clean_scan_passes_every_condition_and_is_go(tmp_path: Path) -> None:
    report = scan(tmp_path, rows(40), rows(10, seed=1))
    assert [c.name for c in report.conditions if not c.passed] == []
    assert report.verdict == "GO"


def test_training_size(tmp_path: Path) -> None:
    small = scan(tmp_path, rows(12), rows(10, seed=1), min_usable_production=1000)
    c = condition(small, "training-size")
    assert (c.passed, c.blocking, c.value, c.threshold) == (False, True, 12, 1000)
    assert small.verdict == "NO-GO"
    poc = dataqa.scan(
        str(tmp_path / "train.jsonl"), test=str(tmp_path / "test.jsonl"), goal="poc",
        verdict={"min_usable_poc": 12, "min_usable_production": 1000},
    )  # fmt: skip
    assert condition(poc, "training-size").passed and poc.verdict == "GO"


def test_training_size_names_one_problem_that_empties_the_data(tmp_path: Path) -> None:
    """When one check alone makes half the rows or more unusable, the size advice says that first:
    the data is not too small, one problem runs through it (and cleaning it away is no next step)."""
    from dataqa.commands.scan import next_step

    broken = [{"instruction": f"Rate {i}.", "input": {"sleep": "poor"}, "output": "low"} for i in range(6)]
    report = scan(tmp_path, [*broken, *rows(4)], rows(10, seed=1))
    reason = condition(report, "training-size").reason
    assert reason.startswith("FMT008 (wrong-type) alone makes 6 of 10 training rows unusable: one problem")
    assert "counting only usable rows: under 5 usable examples" in reason
    assert next_step(report, {"train": "t.jsonl"}).startswith("FMT008 makes 6 of 10 training rows unusable")
    fine = scan(tmp_path, [*broken[:4], *rows(6)], rows(10, seed=1), min_usable_production=1000)
    assert condition(fine, "training-size").reason.startswith("Enough for a proof of concept")


def test_held_out_test_and_require_test(tmp_path: Path) -> None:
    without = scan(tmp_path, rows(40))
    c = condition(without, "held-out-test")
    assert (c.passed, c.blocking) == (False, True) and without.verdict == "NO-GO"
    relaxed = scan(tmp_path, rows(40), require_test=False)
    c = condition(relaxed, "held-out-test")
    assert (c.passed, c.blocking) == (False, False)  # still said, as advice
    assert relaxed.verdict == "GO"


def test_format_errors_and_their_switch(tmp_path: Path) -> None:
    broken = [*rows(40)[:20], '{"prompt": "cut off', *rows(40)[20:]]
    report = scan(tmp_path, broken, rows(10, seed=1))
    c = condition(report, "format-errors")
    assert (c.passed, c.blocking, c.value) == (False, True, 1) and report.verdict == "NO-GO"
    lenient = scan(tmp_path, broken, rows(10, seed=1), block_on_format_errors=False)
    c = condition(lenient, "format-errors")
    assert (c.passed, c.blocking) == (False, False) and lenient.verdict == "GO"


def test_held_out_leakage_and_its_bar(tmp_path: Path) -> None:
    train = rows(40)
    test = [*train[:3], *rows(17, seed=1)]  # 3 of 20 = 15 % leaked
    report = scan(tmp_path, train, test)
    c = condition(report, "held-out-leakage")
    assert (c.passed, c.blocking) == (False, True) and report.verdict == "NO-GO"
    assert c.value == pytest.approx(0.15)
    tolerant = scan(tmp_path, train, test, max_leaked_fraction=0.2)
    assert condition(tolerant, "held-out-leakage").passed


def test_refusal_share_and_its_bar(tmp_path: Path) -> None:
    train = rows(40)
    for row in train[:6]:  # 15 %
        row["completion"] = "I'm sorry, but as an AI language model I cannot help with that."
    report = scan(tmp_path, train, rows(10, seed=1))
    c = condition(report, "refusal-share")
    assert c.passed is False and c.value == pytest.approx(0.15)
    tolerant = scan(tmp_path, train, rows(10, seed=1), max_refusal_share=0.5)
    assert condition(tolerant, "refusal-share").passed


def test_secrets_and_their_switch(tmp_path: Path) -> None:
    token = "ghp_" + "".join(random.Random(3).choices(string.ascii_letters + string.digits, k=36))
    train = rows(40)
    train[5]["completion"] = f"Use the token {token} to call the API."
    report = scan(tmp_path, train, rows(10, seed=1))
    c = condition(report, "secrets")
    assert (c.passed, c.blocking) == (False, True) and report.verdict == "NO-GO"
    lenient = scan(tmp_path, train, rows(10, seed=1), block_on_secrets=False)
    c = condition(lenient, "secrets")
    assert (c.passed, c.blocking) == (False, False)


def test_examples_per_class_and_its_bar(tmp_path: Path) -> None:
    rng = random.Random(5)
    train = [
        {"text": " ".join(rng.sample(WORDS, 7)) + f" {i}", "label": "big" if i < 36 else "rare"}
        for i in range(40)
    ]
    test = [
        {"text": " ".join(rng.sample(WORDS, 7)) + f" t{i}", "label": ["big", "rare"][i % 2]}
        for i in range(10)
    ]
    report = scan(tmp_path, train, test, min_per_class_poc=5, min_per_class_production=5)
    c = condition(report, "examples-per-class")
    assert c.passed is False and c.blocking
    relaxed = scan(tmp_path, train, test, min_per_class_poc=2, min_per_class_production=2)
    assert condition(relaxed, "examples-per-class").passed


def test_a_similarity_score_is_no_class_for_examples_per_class(tmp_path: Path) -> None:
    # JGLUE's JSTS: {"sentence1", "sentence2", "label": 3.8}, scores 0.0-5.0 in steps of 0.2, the
    # highest seen a few times: a regression target, whose rare scores are no rare classes
    rng = random.Random(6)
    scores = [round(0.2 * (i % 26), 1) for i in range(40)] + [4.0] * 30

    def pairs(n: int, tag: str) -> list[dict[str, Any]]:
        return [
            {
                "sentence1": " ".join(rng.sample(WORDS, 6)) + f" {tag}{i}",
                "sentence2": " ".join(rng.sample(WORDS, 6)),
                "label": scores[i % len(scores)],
            }
            for i in range(n)
        ]

    report = scan(tmp_path, pairs(70, "a"), pairs(10, "t"), min_per_class_poc=5, min_per_class_production=5)
    assert report.splits[0].label_source == "label"
    assert "examples-per-class" not in [c.name for c in report.conditions]


def test_checks_ran_fails_as_advice_when_a_check_errors(tmp_path: Path) -> None:
    plugin = tmp_path / "broken.py"
    plugin.write_text(
        "from dataclasses import dataclass\nfrom dataqa.plugin import Check, register\n\n\n"
        "@register\n@dataclass\nclass Broken(Check):\n"
        '    """Raises.\n\n    Why: test. Example: none. Fix: none.\n    """\n\n'
        '    id = "ZZV001"\n    name = "always-raises"\n    family = "quality"\n\n'
        "    def run(self, ctx):\n        raise RuntimeError('boom')\n",
        encoding="utf-8",
    )
    train, test = write(tmp_path / "train.jsonl", rows(40)), write(tmp_path / "test.jsonl", rows(10, seed=1))
    report = dataqa.scan(train, test=test, plugins=[str(plugin)], verdict=LOW_BARS)
    c = condition(report, "checks-ran")
    assert (c.passed, c.blocking, c.value) == (False, False, 1)
    assert "ZZV001" in c.reason and report.verdict == "GO"


def test_splits_match_and_its_switch(tmp_path: Path) -> None:
    rng = random.Random(8)
    train = [
        {"text": " ".join(rng.sample(WORDS, 7)) + f" {i}", "label": ["big", "small"][i % 2]}
        for i in range(40)
    ]
    same = [
        {"text": " ".join(rng.sample(WORDS, 7)) + f" t{i}", "label": ["big", "small"][i % 2]}
        for i in range(10)
    ]
    matched = scan(tmp_path, train, same)
    c = condition(matched, "splits-match")
    assert (c.passed, c.value, c.reason) == (True, 0, "") and matched.verdict == "GO"

    report = scan(tmp_path, train, rows(10, seed=1))  # a classification train, a prompt/completion test
    c = condition(report, "splits-match")
    assert (c.passed, c.blocking, c.value) == (False, True, 1) and report.verdict == "NO-GO"
    assert c.reason == (
        'test is {"prompt", "completion"} (prompt_completion) but train is {"text", "label"} '
        '(a second text of a pair as "context") (classification): another task (instruction following, '
        "not classification); write test in "
        "train's format, or scan the two as separate datasets"
    )
    lenient = scan(tmp_path, train, rows(10, seed=1), block_on_split_mismatch=False)
    c = condition(lenient, "splits-match")
    assert (c.passed, c.blocking) == (False, False) and lenient.verdict == "GO"


def test_splits_match_names_a_format_change_within_one_task(tmp_path: Path) -> None:
    chat = [
        {
            "messages": [
                {"role": "user", "content": r["prompt"]},
                {"role": "assistant", "content": r["completion"]},
            ]
        }
        for r in rows(40)
    ]
    report = scan(tmp_path, chat, rows(10, seed=1))
    c = condition(report, "splits-match")
    assert (c.passed, c.blocking) == (False, True) and report.verdict == "NO-GO"
    assert c.reason.startswith(
        'test is {"prompt", "completion"} (prompt_completion) but train is OpenAI chat'
    )
    assert "another record format;" in c.reason
    no_test = scan(tmp_path, chat, require_test=False)
    assert not [x for x in no_test.conditions if x.name == "splits-match"]  # nothing to compare
