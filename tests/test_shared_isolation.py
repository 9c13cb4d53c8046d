"""Plugin containment, second half (issue #21, item 3): a check that changes what it reads (shared
values, its splits, the configuration) changes nothing another check or the verdict reads."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import pytest
from conftest import chat, write_jsonl

import dataqa
from dataqa.core.models import CheckStatus
from dataqa.engine.frozen import FrozenDict, FrozenList, freeze, handout

PLUGIN = '''
from dataclasses import dataclass

from dataqa.plugin import Check, Severity, register
from dataqa.text import similarity


@register
@dataclass
class Mutator(Check):
    """Changes everything it reads, then reports nothing.

    Why: a test plugin. Example: none. Fix: none.
    """

    id = "AMUT001"
    name = "mutator"
    family = "house-rules"
    severity = Severity.WARNING

    def run(self, ctx):
        tried = {}

        def attempt(name, change):
            try:
                change()
                tried[name] = "changed"
            except (TypeError, ValueError) as exc:
                tried[name] = type(exc).__name__

        d = similarity.distinct(ctx, "train", "text")
        attempt("lines[:] = 0", lambda: d.lines.__setitem__(slice(None), 0))
        attempt("lines writeable", lambda: setattr(d.lines.flags, "writeable", True))
        attempt("members.drop_in_place", lambda: d.members.drop_in_place("rep"))
        d.members = d.members.head(0)  # rebinds a field of its own copy of the holder
        groups = similarity.near_duplicate_groups(
            ctx, "train", "text", similarity.DEFAULT_THRESHOLD, shingle=similarity.DEFAULT_SHINGLE
        )
        attempt("groups.clear", groups.clear)
        attempt("groups[0].append", lambda: groups[0].append(999))
        hashes = similarity.hashes(ctx, "train")
        attempt("hashes[0, text_exact]", lambda: hashes.__setitem__((0, "text_exact"), 0))
        attempt("frame.drop_in_place", lambda: ctx.train.frame.drop_in_place("text"))
        ctx.train.frame = ctx.train.frame.head(1)
        ctx.splits.pop("test")
        ctx.config.verdict.min_usable_production = 0
        ctx.config.verdict.max_leaked_fraction = 1.0
        self.metrics.update(tried)
        return iter(())
'''

PARCEL = (
    "I'm sorry your {0} has not arrived. Please check with neighbours and around your {1} first, since "
    "couriers sometimes leave parcels in a safe place. If it is still missing after 24 hours, reply with "
    "your order number and we will open a claim with the carrier and send a replacement."
)
TRAIN = [
    chat("Where is my order #4411?", "It shipped yesterday and arrives on Friday."),
    chat("Where is my order #4411?", "It shipped yesterday and arrives on Friday."),
    chat("Cancel my plan please", "Done: your plan ends on the 30th of this month."),
    chat("My package says delivered but I never got it.", PARCEL.format("package", "building")),
    chat("My package says delivered but I never got it.", PARCEL.format("parcel", "house")),
    chat("Can I pay by bank transfer instead of card?", "Yes: choose Transfer at checkout."),
    chat("Do you ship to Norway and Iceland?", "We ship to Norway; Iceland is not served yet."),
]
TEST = [
    chat("Cancel my plan please", "Done: your plan ends on the 30th of this month."),
    chat("What is the warranty on the blender?", "Two years from the date of delivery."),
]


def _scan(tmp_path: Path, plugins: list[str]) -> dataqa.Report:
    train = write_jsonl(tmp_path / "train.jsonl", TRAIN)
    test = write_jsonl(tmp_path / "test.jsonl", TEST)
    return dataqa.scan(
        str(train),
        test=str(test),
        select=["AMUT", "DUP", "LEAK001", "FMT001"] if plugins else ["DUP", "LEAK001", "FMT001"],
        plugins=plugins,
        jobs=1,  # registry order: AMUT001 runs first, every other check after it
        verdict={"min_usable_poc": 2, "min_usable_production": 5},
    )


def _outcome(report: dataqa.Report) -> dict:
    results = {
        r.check_id: (r.status.value, [(f.message, [str(loc) for loc in f.locations]) for f in r.findings])
        for r in report.results
        if r.check_id != "AMUT001"
    }
    conditions = [(c.name, c.value, c.threshold, c.passed) for c in report.conditions]
    return {"results": results, "conditions": conditions, "verdict": report.verdict}


def test_a_check_that_changes_what_it_reads_changes_no_other_result(tmp_path: Path) -> None:
    plugin = tmp_path / "mutator.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    baseline = _scan(tmp_path, [])
    assert {r.check_id for r in baseline.results if r.findings} >= {"DUP001", "DUP003", "LEAK001"}
    mutated = _scan(tmp_path, [str(plugin)])
    mutator = next(r for r in mutated.results if r.check_id == "AMUT001")
    assert mutator.status == CheckStatus.PASSED, mutator.reason  # first: its reason says why not
    assert _outcome(mutated) == _outcome(baseline)
    assert mutator.metrics == {
        "lines[:] = 0": "ValueError",  # read-only array
        "lines writeable": "ValueError",  # its base is read-only too
        "members.drop_in_place": "changed",  # on its own clone
        "groups.clear": "TypeError",  # a FrozenList
        "groups[0].append": "TypeError",
        "hashes[0, text_exact]": "changed",  # on its own clone
        "frame.drop_in_place": "changed",  # on its own copy of the split
    }
    assert mutated.verdict == "NO-GO"  # the test row leaked from train still blocks


def test_freeze_keeps_readers_working() -> None:
    shared_tools = [{"name": "lookup", "schema": {"type": "object"}}]
    value = {
        "groups": [[1, 2], [3, 4]],
        "records": [(1, {"tools": shared_tools}), (2, {"tools": shared_tools})],
    }
    frozen = freeze(value)
    assert isinstance(frozen, dict) and isinstance(frozen["groups"], list)
    assert frozen == value and frozen["groups"] == [[1, 2], [3, 4]]
    assert orjson.loads(orjson.dumps(frozen)) == orjson.loads(orjson.dumps(value))
    # records sharing one tool list keep sharing one (frozen) copy
    assert frozen["records"][0][1]["tools"] is frozen["records"][1][1]["tools"]
    copied = list(frozen["groups"])
    copied.append([5])  # a copy is an ordinary list
    assert type(copy.copy(frozen["groups"])) is list and type(pickle.loads(pickle.dumps(frozen))) is dict
    for change in (
        lambda: frozen["groups"].append([5]),
        lambda: frozen["groups"][0].sort(),
        lambda: frozen.update(x=1),
        lambda: frozen.__setitem__("x", 1),
        lambda: frozen["records"][0][1].pop("tools"),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert isinstance(frozen["groups"], FrozenList) and isinstance(frozen, FrozenDict)
    assert freeze({1, 2}) == frozenset({1, 2})


def test_freeze_and_handout_of_arrays_frames_and_holders() -> None:
    @dataclasses.dataclass
    class Holder:
        frame: pl.DataFrame
        lines: np.ndarray
        sizes: list[int]

    held = freeze(Holder(pl.DataFrame({"a": [1, 2]}), np.arange(3), [1, 2]))
    assert not held.lines.flags.writeable and isinstance(held.sizes, FrozenList)
    with pytest.raises(ValueError):
        held.lines.flags.writeable = True
    mine = handout(held)
    mine.frame.drop_in_place("a")
    mine.sizes = []
    assert held.frame.columns == ["a"] and held.sizes == [1, 2]
    frame = pl.DataFrame({"a": [1, 2]})
    clone = handout(frame)
    clone[0, "a"] = 9
    assert frame["a"].to_list() == [1, 2]
