"""Near-duplicate inputs with different answers (DUP004) of splits whose rows stay on the Ray workers:
the near groups of the inputs and whole examples, the fields of the grouped lines, the words common
in the inputs and the rows per word and label made there (`dataqa.checks.labels.near_inputs.NearInputs`). The
findings (ids, locations, messages, evidence, order), the metrics and the verdict's conditions are
the local engine's, with the train split held, the test split held, or both; the controls (another
system prompt, a word the answer takes up, a transcript that goes on, one answer twice) are reported
by neither. One local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import chat, decided_part, ticket_records, write_jsonl

import dataqa
from dataqa.engine import shuffle
from dataqa.ingest import dataset, spread
from dataqa.text import near_held

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CHECKED = ["DUP004"]


def conversation(*turns: str) -> dict:
    """A chat record of alternating user and assistant turns."""
    roles = ("user", "assistant")
    return {"messages": [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]}


FIRSTS = [  # each the first of a pair; the second comes in another block
    chat("How do I cancel my order?", "Go to Orders > Cancel."),
    chat("What is the capital of Australia?", "Canberra."),
    chat("Book a table for two tonight", "I cannot book tables.", system="You have no tools."),
    chat("What is the Shiba Inu?", "A dog breed from Japan, small and foxlike."),
    chat("Reset my password", "Done."),
    conversation("Give me a number between 100 and 200", "150", "Another number between 200 and 300?", "250"),
    chat("How long does shipping to Canada take?", "About a week."),
]
SECONDS = [
    chat("How do I cancel my order please?", "You cannot cancel an order once placed."),  # DUP004
    chat("what is the capital of australia", "Sydney."),  # DUP004: the same input, another answer
    chat("Book a table for two tonight", "Booked.", system="You can book tables."),  # other tools
    chat("What is the Shiba Inu crypto?", "A crypto token named after the crypto dog."),  # taken up
    chat("reset my password!", "done"),  # one answer twice
    conversation(
        "Give me a number between 100 and 200",
        "150",
        "Another number between 200 and 300?",
        "250",
        "Great, thanks!",
        "You're welcome!",
    ),  # goes on by a turn
    chat("How long does shipping to Canada take?", "Two to three weeks by post."),  # DUP004
]


def planted(folder: Path, big: str) -> dict[str, str]:
    """A split of 150 tickets with the firsts near its start and the seconds near its end (named
    `big`), and a small one of 30 tickets with one pair of its own."""
    base: list[Any] = ticket_records(150, seed=51)
    large = [*base[:5], *FIRSTS, *base[5:], *SECONDS]
    other = ticket_records(30, seed=52)
    small = [*other, FIRSTS[0], SECONDS[0]]
    small_name = "test" if big == "train" else "train"
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in ((big, large), (small_name, small))
    }


@pytest.mark.parametrize(
    ("big", "driver_rows"),
    [("train", 60), ("train", 10), ("test", 60)],
    ids=["train-held", "both-held", "test-held"],
)
def test_near_inputs_of_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: str, driver_rows: int
) -> None:
    """The large split (and at 10 rows the small one too) stays on the workers, read in many pieces;
    the copies' keys are cut into 4 parts, the near pairs' keys, pairs and words into 3."""
    from dataqa.engine.ray_engine import RayEngine

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**13)
    monkeypatch.setattr(shuffle, "ROWS_PER_PART", 64)
    monkeypatch.setattr(near_held, "PART_ROWS", 64)
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    paths = planted(tmp_path, big)
    options: dict[str, Any] = dict(test=paths["test"], select=CHECKED)
    local = dataqa.scan(paths["train"], **options).to_dict()
    if driver_rows == 10:  # every split stays on the workers: the driver never fetches rows
        monkeypatch.setattr(RayEngine, "fetch", lambda self, handle: pytest.fail("a split was fetched"))
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=64, **options
    ).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == ([big] if driver_rows == 60 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    dup004 = next(c for c in remote["checks"] if c["id"] == "DUP004")
    assert dup004["status"] == "failed" and dup004["ran_on"] == "driver", dup004
    found = [
        (f["locations"][0]["path"] == paths[big], [loc["line"] for loc in f["locations"]])
        for f in local["findings"]
    ]
    firsts = {f: 6 + i for i, f in enumerate(range(len(FIRSTS)))}  # FIRSTS[i] is line 6 + i
    seconds = {i: 6 + len(FIRSTS) + 145 + i for i in range(len(SECONDS))}
    assert sorted(found) == sorted(
        [
            (False, [31, 32]),
            (True, [firsts[0], seconds[0]]),
            (True, [firsts[1], seconds[1]]),
            (True, [firsts[6], seconds[6]]),
        ]
    ), found
    assert all(len(f["evidence"]) >= 3 for f in remote["findings"]), "inputs and answers were quoted"


LABELLED = ["DUP004", "LBL002"]


def labelled(text: str, label: str, n: int = 8) -> list[dict]:
    return [{"text": f"{text} {i}", "label": label} for i in range(n)]


def classification(extra: int) -> tuple[list[dict], list[dict]]:
    """Train and test of intents, `extra` more rows of test: near inputs under two labels (a
    conflict; "where is my parcel (now)"), a word that goes with its label ("order a (virtual)
    card"), a question against a statement, and in test a conflict of its own and one with a word
    only train's examples say decides."""
    train = [
        *labelled("i want a virtual card for shop number", "virtual_card"),
        *labelled("send my plastic card to street number", "physical_card"),
        *labelled("what is the status of my refund", "refund"),
        {"text": "where is my parcel", "label": "delivery"},
        {"text": "order a card for me", "label": "physical_card"},
        {"text": "do i need a pin", "label": "pin"},
        *labelled("how do i close my account number", "close_account"),
        {"text": "where is my parcel now", "label": "refund"},  # DUP004, LBL002 with line 25
        {"text": "order a virtual card for me", "label": "virtual_card"},  # a word of its label
        {"text": "i need a pin", "label": "card_arrival"},  # a statement of the question's words
    ]
    test = [
        *labelled("when will my money come back", "refund", 4 + extra),
        {"text": "order one card for me please", "label": "physical_card"},
        {"text": "order one virtual card for me please", "label": "virtual_card"},  # train's word
        {"text": "how do i close my account today", "label": "close_account"},
        {"text": "how do i close my account today?", "label": "refund"},  # LBL001's, not LBL002's
        {"text": "cancel the transfer i made yesterday", "label": "cancel_transfer"},
        {"text": "cancel the transfer i made on yesterday", "label": "refund"},  # a conflict
    ]
    return train, test


@pytest.mark.parametrize(
    ("extra", "driver_rows"),
    [(0, 20), (0, 8), (40, 40)],
    ids=["train-held", "both-held", "test-held"],
)
def test_near_inputs_of_held_classification_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: int, driver_rows: int
) -> None:
    """Labelled examples in many pieces: near inputs under two labels are reported unless a word
    only one has goes with its label in the rest of the set (rows per word and label, the words of
    each label, summed over the blocks of each split; a held-out split's with train's, held or
    not), or one asks what the other states. DUP004 and LBL002 give the local engine's report."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**10)
    monkeypatch.setattr(near_held, "PART_ROWS", 16)
    train, test = classification(extra)
    paths = {
        name: str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }
    options: dict[str, Any] = dict(test=paths["test"], select=LABELLED)
    local = dataqa.scan(paths["train"], **options).to_dict()
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=64, **options
    ).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == {20: ["train"], 8: ["train", "test"], 40: ["test"]}[driver_rows]
    assert decided_part(remote, LABELLED) == decided_part(local, LABELLED)
    ran = {c["id"]: (c["status"], c["ran_on"]) for c in remote["checks"]}
    assert ran == {"DUP004": ("failed", "driver"), "LBL002": ("failed", "driver")}, ran
    found = [
        (f["check_id"], f["locations"][0]["path"] == paths["train"], [loc["line"] for loc in f["locations"]])
        for f in local["findings"]
    ]
    shift = 4 + extra  # test's planted rows come after its refunds
    conflicts = [(True, [25, 36]), (False, [shift + 5, shift + 6])]
    # "order one (virtual) card": LBL002 reads train's examples too; DUP004 test's own, in which
    # the word is one row's among a few (among many, a word no other label uses decides)
    train_word = [("DUP004", False, [shift + 1, shift + 2])] if not extra else []
    assert sorted(found) == sorted([*train_word, *((c, *one) for c in LABELLED for one in conflicts)]), found


def multi_label() -> tuple[list[dict], int]:
    """Multi-label comments (GoEmotions' ids) and the line their planted pair starts at: "haha"
    goes with amusement (1) in four combinations, so "Haha, that is ..." [1] / "Oh, that is ..."
    [14,26] are two texts; "really", shared by chance by the few rows labelled [2,3], leaves
    "I really cannot stand ..." [2,3] / "I cannot stand ..." [11] a conflict."""
    cases = Path(__file__).parent / "cases"
    rows = []
    for path, name in (
        (cases / "labels" / "LBL002.toml", "clean control, multi-label: a word of one class"),
        (cases / "labels" / "LBL002.toml", "multi-label: a word one combination's few rows share"),
    ):
        case = next(c for c in tomllib.loads(path.read_text())["case"] if c["name"].startswith(name))
        rows.append([json.loads(line) for line in case["train"].splitlines() if line.strip()])
    return [*rows[0], *rows[1]], len(rows[0]) + 1


@pytest.mark.parametrize("driver_rows", [10, 40])
def test_near_inputs_of_a_held_multi_label_split_are_weighed_per_class_as_locally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """A multi-label split in many pieces (held at 10 rows): the rows per word and class, per class
    and the examples, summed over the blocks, weigh a word against each class in whatever
    combinations it comes, as the local engine does. DUP004 and LBL002 give the local report."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**9)
    monkeypatch.setattr(near_held, "PART_ROWS", 16)
    rows, planted = multi_label()
    path = str(write_jsonl(tmp_path / "train.jsonl", rows))
    local = dataqa.scan(path, select=LABELLED).to_dict()
    remote = dataqa.scan(path, select=LABELLED, engine="ray", ray_driver_rows=driver_rows).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == (["train"] if driver_rows == 10 else [])
    assert decided_part(remote, LABELLED) == decided_part(local, LABELLED)
    found = sorted((f["check_id"], [loc["line"] for loc in f["locations"]]) for f in local["findings"])
    assert found == [("DUP004", [planted, planted + 1]), ("LBL002", [planted, planted + 1])], found
