"""Near duplicates (DUP003) of a split whose rows stay on the Ray workers: its distinct texts, template
sample, band keys, candidate pairs and verification made there (`dataqa.text.near_blocks`), only
the verified pairs and their texts brought to the driver. The findings (locations, messages,
evidence, order), the rows they make unusable, the metrics and the verdict's conditions are the
local engine's; look-alikes that differ in a number, a name or a language are reported by neither.
One local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import chat, decided_part, reworded, shouted, ticket_records, write_jsonl

import dataqa
from dataqa.engine import shuffle
from dataqa.ingest import dataset, spread
from dataqa.text import near_held

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

CHECKED = ["DUP001", "DUP002", "DUP003"]


CONTROLS = [  # alike, never near: another number, another language, another station
    chat("Refund order 1234 please", "Done."),
    chat("Refund order 1235 please", "Done."),
    chat("What is C?", "A programming language."),
    chat("What is C++?", "A programming language."),
]


def planted(folder: Path) -> tuple[dict[str, str], list[int]]:
    """Train with near copies far from their originals (other blocks), a near copy of a normalised
    copy, short requests one word apart, and look-alike controls; test with a near copy of its own."""
    base: list[Any] = ticket_records(150, seed=41)
    train = [
        *base,
        reworded(base[2]),  # DUP003 with line 3
        shouted(base[2]),  # DUP002 with line 3: it stands as line 3 in DUP003
        reworded(base[7], " please help me"),  # DUP003 with line 8
        reworded(base[40]),
        shouted(reworded(base[40])),  # DUP002 with the line before
        base[60],  # DUP001 with line 61
        reworded(base[60]),  # DUP003 with line 61 (and its exact copy)
        chat("Cancel my subscription", "Done."),  # DUP003: one word apart
        chat("Please cancel my subscriptions", "Done."),
        reworded(base[90], " Berlin office"),
        reworded(base[90], " Munich office"),  # near line 91 both; each other: another name
        *CONTROLS,
    ]
    controls = list(range(len(train) - len(CONTROLS) + 1, len(train) + 1))
    test = [*ticket_records(40, seed=42), reworded(ticket_records(40, seed=42)[5])]
    paths = {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }
    return paths, controls


def both_engines(
    paths: dict[str, str],
    checks: list[str],
    driver_rows: int,
    monkeypatch: pytest.MonkeyPatch,
    no_fetch: bool,
) -> tuple[dict, dict, list[str]]:
    """The local report and the Ray one (splits past `driver_rows` held; with `no_fetch`, a split
    fetched to the driver fails the test) of `checks` on train and test, and the held splits."""
    from dataqa.engine.ray_engine import RayEngine

    options: dict[str, Any] = dict(test=paths["test"], valid=paths.get("valid"), select=checks)
    local = dataqa.scan(paths["train"], **options).to_dict()
    if no_fetch:  # every split stays on the workers: the driver never fetches rows
        monkeypatch.setattr(RayEngine, "fetch", lambda self, handle: pytest.fail("a split was fetched"))
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=64, **options
    ).to_dict()
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    return local, remote, held


@pytest.mark.parametrize("driver_rows", [60, 10])
def test_near_duplicates_of_a_split_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """Train (and at 10, test too) stays on the workers, read in many pieces; the copies' keys are cut
    into 4 parts, the near pairs' keys and pairs into 3. DUP001-003 give the local engine's report."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**13)  # many pieces: near copies meet in other blocks
    monkeypatch.setattr(shuffle, "ROWS_PER_PART", 64)
    monkeypatch.setattr(near_held, "PART_ROWS", 64)
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    paths, controls = planted(tmp_path)
    local, remote, held = both_engines(paths, CHECKED, driver_rows, monkeypatch, driver_rows == 10)
    assert held == (["train"] if driver_rows == 60 else ["train", "test"])
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    dup003 = next(c for c in remote["checks"] if c["id"] == "DUP003")
    assert dup003["status"] == "failed" and dup003["ran_on"] == "driver"
    near = [f for f in local["findings"] if f["check_id"] == "DUP003"]
    firsts = sorted((f["locations"][0]["path"] == paths["train"], f["locations"][0]["line"]) for f in near)
    assert firsts == [(False, 6), (True, 3), (True, 8), (True, 41), (True, 61), (True, 91), (True, 158)], (
        firsts
    )
    named = {loc["line"] for f in near for loc in f["locations"] if loc["path"] == paths["train"]}
    assert not named & set(controls), "look-alike rows are not near duplicates"
    assert all(f["evidence"] and "~" in f["evidence"][-1] for f in near), "the texts were quoted"


def requests(topics: list[str], verbs: list[str]) -> list[dict]:
    """A labelled request per topic and verb ("where is my invoice number 0"), each of its own."""
    pairs = [(t, v) for t in topics for v in verbs]
    return [{"text": f"{v} {t} number {i}", "label": t} for i, (t, v) in enumerate(pairs)]


def test_near_duplicates_of_a_held_classification_split_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Labelled examples (train held, in many pieces) are compared on their inputs under one label:
    the inputs' classes, near pairs and the examples they pair are made on the workers too. A
    request reworded or one word apart under its label is reported; the same request under another
    label, or with another city, is not (LBL002's, another request)."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**10)
    monkeypatch.setattr(near_held, "PART_ROWS", 16)
    topics = ["invoice", "parcel", "password", "refund", "card", "address"]
    verbs = ["where is my", "how do I change my", "I need help with my", "something is wrong with my"]
    rows = requests(topics, verbs)
    rows += [
        {"text": "where is my invoice number 0 please", "label": "invoice"},
        {"text": "Where is my invoice number 0?!", "label": "invoice"},
        {"text": "how do I change my parcel number 5 now", "label": "parcel"},
        {"text": "how do I change my parcel number 5 now", "label": "address"},
        {"text": "cancel my subscription", "label": "cancel"},
        {"text": "cancel my subscriptions", "label": "cancel"},
        {"text": "fly to Berlin tomorrow morning please", "label": "travel"},
        {"text": "fly to Munich tomorrow morning please", "label": "travel"},
        *rows[:2],
    ]
    path = str(write_jsonl(tmp_path / "train.jsonl", rows))
    local = dataqa.scan(path, select=CHECKED).to_dict()
    remote = dataqa.scan(path, select=CHECKED, engine="ray", ray_driver_rows=10).to_dict()
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    near = [f for f in remote["findings"] if f["check_id"] == "DUP003"]
    assert [f["locations"][0]["line"] for f in near] == [1, 6, 29], near
    named = {loc["line"] for f in near for loc in f["locations"]}
    assert not named & {28, 31, 32}, "another label, another city"


def test_unanswerable_questions_of_a_held_split_are_compared_on_what_they_ask(tmp_path: Path) -> None:
    """SQuAD 2.0 questions without an answer share their passage: two of them are near copies only
    when their questions are (`_inputs_apart`). On a held split the questions' near pairs are made on
    the workers too, and the report is the local one: the question asked twice (a typo apart) is
    reported, the others on the same passage are not."""
    from test_near_blocks import unanswerable

    path = str(write_jsonl(tmp_path / "train.jsonl", unanswerable()))
    local = dataqa.scan(path, select=CHECKED).to_dict()
    remote = dataqa.scan(path, select=CHECKED, engine="ray", ray_driver_rows=5).to_dict()
    assert decided_part(remote, CHECKED) == decided_part(local, CHECKED)
    near = [[loc["line"] for loc in f["locations"]] for f in remote["findings"] if f["check_id"] == "DUP003"]
    assert [4, 6] in near and not any(5 in group for group in near), near


LEAKS = ["LEAK001", "LEAK002", "LEAK003", "LEAK004", "LEAK005"]


@pytest.mark.parametrize("driver_rows", [100, 45, 10])
def test_near_leaks_across_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """Train held (100), train and test held (10), or test held beside a train of 44 rows on the
    driver (45), in many pieces, near copies of test rows in other blocks of train. LEAK001-003 give
    the local engine's report: the reworded tickets and the request one word apart are near leaks,
    another order number or another office is not; a ticket routed elsewhere (identical input, and
    a normalised copy of one) is an input leak, a near input with another answer is not; LEAK004's
    shared spans (a ticket telling a train one's story) are the local ones."""
    from test_near_across import leaky

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)
    monkeypatch.setattr(near_held, "PART_ROWS", 48)  # 4 parts of train's keys and n-grams, 2 of test's
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    train, test = leaky()
    if driver_rows == 45:  # test (54 rows) held, train (44 rows, the near copies' originals) not
        train = [*train[:39], train[100], *train[150:154]]
    paths = {
        name: str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }
    local, remote, held = both_engines(paths, LEAKS, driver_rows, monkeypatch, driver_rows == 10)
    assert held == {100: ["train"], 45: ["test"], 10: ["train", "test"]}[driver_rows]
    assert decided_part(remote, LEAKS) == decided_part(local, LEAKS)
    ran = {c["id"]: (c["status"], c["ran_on"]) for c in remote["checks"]}
    assert ran["LEAK003"] == ("failed", "driver") and ran["LEAK005"][1] == "driver", ran
    assert ran["LEAK004"] == ("passed", "driver"), ran  # its findings are for review (info)
    spans = [f["locations"][0]["line"] for f in local["findings"] if f["check_id"] == "LEAK004"]
    assert 54 in spans, spans  # a ticket tells the story of a train one
    near = [f for f in local["findings"] if f["check_id"] == "LEAK003"]
    firsts = {f["locations"][0]["line"] for f in near}
    assert firsts and firsts <= {41, 42, 43, 44, 47, 50} and not firsts & {48, 49}, firsts
    assert all(f["evidence"] and "~" in f["evidence"][-1] for f in near), "the texts were quoted"
    inputs = [f["locations"][0]["line"] for f in local["findings"] if f["check_id"] == "LEAK005"]
    assert inputs == ([] if driver_rows == 45 else [51, 52]), inputs


def intents(extra: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Train, test (`extra` rows longer) and valid of intents: in test an exact and a normalised
    copy, a request reworded under its label (LEAK003), a request in train under another label as it
    is, after normalisation, and with "please" added (LEAK005), one both in train under another label
    and near a train request under its own (LEAK005's, not LEAK003's), and controls: another city
    under another label, another country, a request of its own; in valid a near copy of a train
    request and test's twin cities under a third label."""
    topics = ["invoice", "parcel", "password", "refund", "card", "address", "pin", "loan"]
    verbs = ["where is my", "how do i change my", "i need help with my", "something is wrong with my"]
    train = requests(topics, verbs)
    train += [
        {"text": "how do i reset my online banking password", "label": "password"},
        {"text": "what are the twin cities", "label": "LOC"},
        {"text": "cancel the transfer i made yesterday", "label": "cancel_transfer"},
        {"text": "book a room in the berlin office", "label": "booking"},
        {"text": "send my new card to my home address please", "label": "card_delivery"},
        {"text": "send my new card to my home address", "label": "physical_card"},
        {"text": "which city is the capital of peru", "label": "LOC"},
        {"text": "which city is the capital of peru", "label": "LOC"},
    ]
    test = [{"text": f"when will my money come back {i}", "label": "refund"} for i in range(4 + extra)]
    test += [
        train[3],  # LEAK001
        {"text": "Where is my Invoice number 0?!", "label": "invoice"},  # LEAK002
        {"text": "how can i reset my online banking password", "label": "password"},  # LEAK003
        {"text": "what are the twin cities", "label": "DESC"},  # LEAK005, identical
        {"text": "What are the Twin Cities ?", "label": "HUM"},  # LEAK005, normalised
        {"text": "please cancel the transfer i made yesterday", "label": "refund"},  # LEAK005, near
        {"text": "send my new card to my home address", "label": "card_delivery"},  # LEAK005 first
        {"text": "book a room in the munich office", "label": "refund"},  # another city
        {"text": "which city is the capital of chile", "label": "LOC"},  # another country
        {"text": "is there a fee for paying by card abroad", "label": "card_fee"},  # its own
    ]
    valid = [{"text": f"i lost my wallet on day {i}", "label": "lost"} for i in range(8)]
    valid += [
        {"text": "how do i reset my online banking password now", "label": "password"},  # LEAK003
        {"text": "what are the twin cities", "label": "ENTY"},  # LEAK005 of train, and of test
    ]
    return train, test, valid


@pytest.mark.parametrize(
    ("extra", "driver_rows"),
    [(0, 20), (0, 8), (60, 50)],
    ids=["train-held", "all-held", "test-held"],
)
def test_labelled_leaks_across_held_splits_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: int, driver_rows: int
) -> None:
    """Labelled examples in many pieces, compared on their inputs under labels: the rows of the
    inputs two splits share (identical or normalised, from a shuffle) and of the near inputs across
    (the inputs' near pairs and classes) are gathered from the blocks with their labels. LEAK001-005
    give the local engine's report with train held, test held, or all three splits."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**10)
    monkeypatch.setattr(near_held, "PART_ROWS", 16)
    splits = dict(zip(("train", "test", "valid"), intents(extra), strict=True))
    paths = {name: str(write_jsonl(tmp_path / f"{name}.jsonl", rows)) for name, rows in splits.items()}
    local, remote, held = both_engines(paths, LEAKS, driver_rows, monkeypatch, driver_rows == 8)
    assert held == {20: ["train"], 8: ["train", "valid", "test"], 50: ["test"]}[driver_rows]
    assert decided_part(remote, LEAKS) == decided_part(local, LEAKS)
    ran = {c["id"]: (c["status"], c["ran_on"]) for c in remote["checks"]}
    assert all(ran[c] == ("failed", "driver") for c in ("LEAK003", "LEAK005")), ran
    shift = {paths["train"]: 0, paths["test"]: 4 + extra, paths["valid"]: 0}  # test's after its refunds
    found = [
        (
            f["check_id"],
            [(Path(loc["path"]).stem, loc["line"] - shift[loc["path"]]) for loc in f["locations"]],
        )
        for f in local["findings"]
    ]
    assert found == [
        ("LEAK001", [("test", 1), ("train", 4)]),
        ("LEAK002", [("test", 2), ("train", 1)]),
        ("LEAK003", [("valid", 9), ("train", 33)]),
        ("LEAK003", [("test", 3), ("train", 33)]),
        ("LEAK003", [("test", 3), ("valid", 9)]),
        ("LEAK005", [("valid", 10), ("train", 34)]),
        ("LEAK005", [("test", 4), ("train", 34)]),  # identical, under another label
        ("LEAK005", [("test", 4), ("valid", 10)]),
        ("LEAK005", [("test", 5), ("train", 34)]),  # normalised
        ("LEAK005", [("test", 5), ("valid", 10)]),
        ("LEAK005", [("test", 6), ("train", 35)]),  # near: "please" added
        ("LEAK005", [("test", 7), ("train", 38)]),  # identical, not near its own label's
    ], found


def tool_order(
    user: str, resto: str, dish: str, reply: str, ids: tuple[str, str] = ("call_1", "call_2")
) -> dict:
    """An order taken with two calls (the restaurant resolved, its menu searched for the dish), each
    answered by a result that holds the restaurant's catalogue entry, many orders' alike."""
    entry = {
        "business_name": resto,
        "rating": 4.1,
        "delivery_zone": "Maarif, Gauthier and Racine",
        "cuisine": ["grill", "street food"],
        "logo_url": "https://cdn.example.com/logo.png",
    }

    def called(at: str, name: str, args: dict) -> dict:
        function = {"name": name, "arguments": json.dumps(args)}
        return {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": at, "type": "function", "function": function}],
        }

    def result(at: str, value: dict) -> dict:
        return {"role": "tool", "tool_call_id": at, "content": json.dumps(value)}

    return {
        "messages": [
            {"role": "user", "content": user},
            called(ids[0], "resolve_restaurant", {"name": resto, "city": "Casablanca"}),
            result(
                ids[0], {"resolved": True, "candidates": [entry, {**entry, "business_name": f"{resto} 2"}]}
            ),
            called(ids[1], "get_menu", {"restaurant": resto, "search": dish}),
            result(ids[1], {**entry, "items": [{"name": dish, "price": 35, "available": True}]}),
            {"role": "assistant", "content": reply},
        ]
    }


def test_tool_conversations_of_held_splits_are_compared_as_the_local_engine_compares_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tool conversations are compared on what is said and called, their results aside
    (`dataqa.ingest.tool_text`), on the workers as on the driver: a conversation generated again
    with new call ids is a copy, one with a typo a near copy, orders of other dishes at one
    restaurant (the same resolve call and catalogue) are neither, nor leaks of each other."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)
    monkeypatch.setattr(near_held, "PART_ROWS", 48)
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # as on a held split
    restos = ["Casa Tacos", "Grill Maroc", "Nur Restaurant", "Olive Resto", "Wok and Roll", "Rick's Cafe"]
    dishes = [
        "Nachos",
        "Burrito",
        "Falafel Wrap",
        "Kefta Plate",
        "Pad Thai",
        "Club Sandwich",
        "Harira",
        "Tajine",
        "Caesar Salad",
        "Pizza Margherita",
        "Couscous",
        "Fish Tacos",
    ]

    def order(n: int, resto: str, dish: str, ids: tuple[str, str] = ("call_1", "call_2")) -> dict:
        return tool_order(
            f"I'll take {n} {dish} from {resto}.",
            resto,
            dish,
            f"{n} {dish} from {resto} come to {35 * n} dirhams. Shall I place the order?",
            ids,
        )

    train = [order(1 + i % 4, r, d) for i, (r, d) in enumerate((r, d) for r in restos for d in dishes[:9])]
    train += [
        order(1, restos[0], dishes[0], ("call_x7", "call_y8")),  # DUP001 with line 1: new call ids
        tool_order(
            "I'll takee 2 Burrito from Casa Tacos.",
            restos[0],
            dishes[1],
            "2 Burrito from Casa Tacos come to 70 dirhams. Shall I place the order?",
        ),  # DUP003 with 2
    ]
    test = [order(2, r, d) for r in restos for d in dishes[9:]]  # other dishes, the same restaurants
    paths = {
        name: str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }
    checks = ["DUP001", "DUP002", "DUP003", "LEAK003", "LEAK004"]
    local, remote, held = both_engines(paths, checks, 10, monkeypatch, True)
    assert held == ["train", "test"]
    assert decided_part(remote, checks) == decided_part(local, checks)
    found = {(f["check_id"], tuple(loc["line"] for loc in f["locations"])) for f in local["findings"]}
    assert found == {("DUP001", (1, 55)), ("DUP003", (2, 56))}, found
