"""COV005 on an exemplar pool read from several files (a subject a file, as MMLU-style benchmarks
ship their few-shot dev split): the far held-out inputs are reported once, counted per file."""

from __future__ import annotations

from pathlib import Path

import orjson
from conftest import CASES, write_jsonl

import dataqa

FIXTURES = CASES / "coverage" / "fixtures"


def rows(name: str) -> list[dict]:
    return [orjson.loads(line) for line in (FIXTURES / name).read_text().splitlines() if line.strip()]


def test_an_exemplar_pool_of_several_files_counts_its_far_inputs_per_file(tmp_path: Path) -> None:
    """Tickets and math word problems, a file each in dev and test: dev holds 10 tickets and 4
    problems, test 240 tickets and 80 problems. The far test inputs are the problems and two
    tickets: one finding names the files, the problems' first."""
    train, test = rows("pool_train.jsonl"), rows("pool_test.jsonl")
    math = [{"text": r["prompt"], "label": "billing"} for r in rows("math_train.jsonl")]
    for split, tickets, problems in (("dev", train[:10], math[:4]), ("test", test[:240], test[240:])):
        (tmp_path / split).mkdir()
        write_jsonl(tmp_path / split / "tickets.jsonl", tickets)
        write_jsonl(tmp_path / split / "math.jsonl", problems)
    report = dataqa.scan(
        str(tmp_path / "dev" / "*.jsonl"), test=str(tmp_path / "test" / "*.jsonl"), select=["COV005"]
    )
    [finding] = report.to_dict()["findings"]
    by_file = finding["metrics"]["by_file"]
    assert next(iter(by_file)) == "math.jsonl" and by_file["math.jsonl"] > by_file.get("tickets.jsonl", 0)
    assert "(14 examples, 7 a file in 2 files, against 320 test examples: 23x as many)" in finding["message"]
    assert f"in {len(by_file)} of 2 files: math.jsonl {by_file['math.jsonl']} of 80" in finding["message"]
    assert len(finding["locations"]) == sum(by_file.values())
