"""The checks that fit a model over a whole split (LBL006 likely-mislabel, COV004 thin-topic) on a
train split whose rows stay on the Ray workers: on data smaller than the sample (`ray-sample-rows`)
the split is gathered whole and the findings, metrics and verdict are the local engine's; larger,
they run on a sample drawn there, their findings name real rows of the split and say the sample's
size and the split's, and the report says how the check ran. One local Ray (2 CPUs) for the module.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import decided_part

import dataqa
from dataqa.engine.ray_engine import RayEngine
from dataqa.ingest import spread

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CASES = Path(__file__).parent / "cases"
MISLABEL = CASES / "labels" / "fixtures" / "mislabel.jsonl"
"""400 tickets in four queues with planted flips (tests/cases/labels/LBL006.toml)."""
TOPICS = CASES / "coverage" / "fixtures" / "topics_thin.jsonl"
"""Five queues of tickets and six warranty questions (tests/cases/coverage/COV004.toml)."""


@pytest.mark.parametrize(("path", "check"), [(MISLABEL, "LBL006"), (TOPICS, "COV004")])
def test_a_held_split_smaller_than_the_sample_gives_the_local_findings(
    monkeypatch: pytest.MonkeyPatch, path: Path, check: str
) -> None:
    """Train stays on the workers (read in many pieces), the sample is the whole split: the check's
    result, findings in order, usable counts, conditions and verdict are the local engine's."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)
    local = dataqa.scan(str(path), select=[check]).to_dict()
    assert local["findings"], "the planted defects are found locally (the bar is the local result)"
    with monkeypatch.context() as patched:
        patched.setattr(RayEngine, "fetch", lambda self, h: pytest.fail("a split was joined on the driver"))
        remote = dataqa.scan(str(path), select=[check], engine="ray", ray_driver_rows=50).to_dict()
    assert remote["engine"]["read_tasks"] > 5
    assert remote["checks"][0]["ran_on"] == "driver" and remote["checks"][0]["status"] != "skipped"
    assert decided_part(remote, [check]) == decided_part(local, [check])


def test_a_held_split_larger_than_the_sample_names_real_rows_and_the_sample_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sample of 250 of the 400 tickets, stratified by queue: the flagged rows are rows of the
    file with the label the finding gives, the message and metrics say 250 of 400, and so do the
    check's result (JSON, HTML, Markdown) and its metrics."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)
    report = dataqa.scan(
        str(MISLABEL), select=["LBL006"], engine="ray", ray_driver_rows=50, ray_sample_rows=250
    )
    data = report.to_dict()
    result = data["checks"][0]
    said = "a sample of 250 of train's 400 valid rows (stratified by label; ray-sample-rows)"
    assert result["status"] == "failed" and said in result["reason"]
    assert result["metrics"]["sample"] == {"rows": 250, "of": 400, "by_label": True}
    assert result["metrics"]["rows_scored"] == 250
    records = [orjson.loads(line) for line in MISLABEL.read_bytes().splitlines()]
    planted = {18, 142, 178, 283, 329, 341, 399}
    lines = [f["locations"][0]["line"] for f in data["findings"]]
    assert len(planted & set(lines)) >= 3, "the sample still finds planted flips"
    for finding in data["findings"]:
        line = finding["locations"][0]["line"]
        assert records[line - 1]["label"] == finding["metrics"]["given"], "a real row, its own label"
        assert finding["message"].endswith(f"; found in {said}")
        assert finding["metrics"]["sample"] == {"rows": 250, "of": 400}
    assert said in report.render("markdown") and said.replace("'", "&#39;") in report.render("html")


def test_an_even_sample_for_topics_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)
    data = dataqa.scan(str(TOPICS), select=["COV004"], engine="ray", ray_driver_rows=50, ray_sample_rows=300)
    result = data.to_dict()["checks"][0]
    assert "a sample of 300 of train's 406 valid rows (even; ray-sample-rows)" in result["reason"]
    assert result["metrics"]["sample"] == {"rows": 300, "of": 406, "by_label": False}
