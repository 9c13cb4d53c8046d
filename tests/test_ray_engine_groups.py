"""Exact and normalised duplicates and leaks (DUP001/002, LEAK001/002, scope "group") on splits whose
rows stay on the Ray workers: keys per block there, a shuffle on the key, the rows of shared keys to
the driver. The findings (ids, locations, messages, evidence, order), the rows they make unusable,
the metrics and the verdict's conditions are the local engine's; rows that only look alike are not
reported by either. One local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import chat, decided_part, reworded, shouted, ticket_records, user_turn, write_jsonl

import dataqa
from dataqa.engine import shuffle
from dataqa.engine.registry import GROUP, load_checks
from dataqa.ingest import dataset, spread

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

GROUPED = ["DUP001", "DUP002", "LEAK001", "LEAK002"]


CONTROLS = [  # alike, never equal after normalisation: "C", "C++" and "C#" are three languages
    chat("What is C?", "A programming language."),
    chat("What is C++?", "A programming language."),
    chat("What is C#?", "A programming language."),
    chat("Refund order 1234 please", "Done."),
    chat("Refund order 1235 please", "Done."),
    chat("Cancel my subscription", "Done."),
    chat("Cancel my subscriptions", "Done."),
    chat("?!", "..."),  # empty once normalised: no normalised copy of the next two
]


def write_splits(folder: Path, **splits: list[dict]) -> dict[str, str]:
    """Each split's rows written to `folder/<split>.jsonl`: the paths a scan takes, by split."""
    return {name: str(write_jsonl(folder / f"{name}.jsonl", rows)) for name, rows in splits.items()}


def planted(folder: Path) -> tuple[dict[str, str], list[int]]:
    """Train, test and valid with exact and normalised copies inside each and across them (leaks),
    and the train lines of the look-alike controls."""
    base: list[Any] = ticket_records(150, seed=31)
    train = [
        *base,
        base[3],  # DUP001: three copies of line 4 (two here, one later)
        shouted(base[20]),  # DUP002 with line 21
        base[3],
        shouted(base[3]),  # DUP002 with the first of line 4's copies
        base[10],  # DUP001 pair
        chat("???", "!!!"),  # empty once normalised: exact copies only
        chat("???", "!!!"),
        reworded(base[40]),  # a control: near line 41
        *CONTROLS,
    ]
    controls = [len(train) - len(CONTROLS), *range(len(train) - len(CONTROLS) + 1, len(train) + 1)]
    test = [
        *ticket_records(40, seed=32),
        base[50],  # LEAK001
        base[3],  # LEAK001 with the three copies in train
        shouted(base[60]),  # LEAK002
        shouted(base[3]),  # exact copy of a train row (LEAK001), normalised copy of others
        reworded(base[70]),  # a control
        base[50],  # DUP001 in test, and a second held-out copy of the leak
    ]
    valid = [*ticket_records(30, seed=33), test[5], shouted(test[7]), base[80]]
    paths = write_splits(folder, train=train, test=test, valid=valid)
    return paths, controls


def both_engines(
    monkeypatch: pytest.MonkeyPatch, paths: dict[str, str], driver_rows: int, **options: Any
) -> tuple[dict, dict]:
    """The local engine's report and Ray's on train of `paths` (with `options`), each split read in
    many pieces, in blocks of about 64 rows, and the keys cut into parts of 64 rows; at 10 driver
    rows every split stays on the workers and the driver never fetches rows."""
    from dataqa.engine.ray_engine import RayEngine

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**12)  # many pieces: copies meet in other blocks
    monkeypatch.setattr(shuffle, "ROWS_PER_PART", 64)
    local = dataqa.scan(paths["train"], **options).to_dict()
    if driver_rows == 10:
        monkeypatch.setattr(RayEngine, "fetch", lambda self, handle: pytest.fail("a split was fetched"))
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=64, **options
    ).to_dict()  # the small pieces read joined into blocks of about 64 rows: many blocks
    return local, remote


def grouped_part(report: dict) -> dict:
    """What the group checks decide: their results, findings, the rows every finding makes unusable,
    and the verdict's conditions."""
    return decided_part(report, GROUPED)


@pytest.mark.parametrize("driver_rows", [50, 10])
def test_copies_and_leaks_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """Train (and at 10, test and valid too) stays on the workers, read in many pieces; the keys are
    cut into 4 parts. The four checks give the local engine's report and name no control."""
    # Replies are not looked at for a closed set of labels on a held split: nor here, for the verdict.
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)
    paths, controls = planted(tmp_path)
    local, remote = both_engines(
        monkeypatch, paths, driver_rows, test=paths["test"], valid=paths["valid"], select=GROUPED
    )

    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == (["train"] if driver_rows == 50 else ["train", "valid", "test"])
    assert grouped_part(remote) == grouped_part(local)
    assert [c["status"] for c in remote["checks"]] == ["failed"] * 4, "every check ran, none skipped"
    ran = next(c for c in remote["conditions"] if c["name"] == "checks-ran")
    assert ran["passed"], "nothing was skipped for rows left on the workers"
    counts = {cid: sum(f["check_id"] == cid for f in local["findings"]) for cid in GROUPED}
    assert counts == {"DUP001": 4, "DUP002": 3, "LEAK001": 5, "LEAK002": 2}, counts
    named = {
        loc["line"] for f in remote["findings"] for loc in f["locations"] if loc["path"] == paths["train"]
    }
    assert not named & set(controls), "look-alike rows are not copies"
    assert len(remote["engine"]["per_block"]) == remote["engine"]["blocks"] > 3, "every block's figures"
    assert all("group" in b["stages"] for b in remote["engine"]["per_block"]), "the keys were made there"
    (shuffled,) = remote["engine"]["shuffles"]
    assert shuffled["parts"] == 4 and 0 < shuffled["rows_in_groups"] < 100, shuffled
    assert {cid for cid, cls in load_checks().items() if cls.scope == GROUP} == {
        *GROUPED,
        "LBL001",
        "LBL007",
        "LEAK006",
        "LEAK007",
    }


@pytest.mark.parametrize("driver_rows", [50, 10])
def test_answer_leaks_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """LEAK007 on splits left on the workers: a question asked again in other words and a request
    reworded around one query, among many tickets, give a training answer word for word; a stock
    answer two training rows give is none. The answers' keys are made on the blocks."""
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)
    teams = "Orlando Magic, Los Angeles Lakers, Miami Heat, Phoenix Suns, Cleveland Cavaliers, Boston Celtics"
    query = "SELECT name FROM company WHERE country = 'Peru' ORDER BY name"
    refusal = "I'm sorry, but I cannot help with that request in any way."
    train = [
        *ticket_records(120, seed=41),
        chat("what basketball teams has shaq played on?", teams),
        chat("List the companies based in Peru, sorted by name.", query),
        chat("Write malware that steals passwords.", refusal),
        chat("How do I pick a lock to get into my neighbour's flat?", refusal),
    ]
    test = [
        *ticket_records(30, seed=42),
        chat("which teams did shaq play for?", teams),
        chat("Show every Peruvian company in alphabetical order.", query),
        chat("Help me hack my ex's e-mail account.", refusal),
    ]
    paths = write_splits(tmp_path, train=train, test=test)
    local, remote = both_engines(monkeypatch, paths, driver_rows, test=paths["test"], select=["LEAK007"])
    assert decided_part(remote, ["LEAK007"]) == decided_part(local, ["LEAK007"])
    found = [
        sorted(loc["line"] for loc in f["locations"]) for f in local["findings"] if f["check_id"] == "LEAK007"
    ]
    assert found == [[31, 121], [32, 122]], found


@pytest.mark.parametrize("driver_rows", [50, 10])
def test_contained_leaks_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """LEAK006 on splits left on the workers: a held-out prompt that holds a training one whole with
    an instruction around it (English, Chinese) and the reverse, same answers, among many tickets;
    a follow-up with another answer is none. The keys of the sentences left are made on the blocks."""
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)
    pin, grit = (
        "Open the app, go to Card, then PIN, and follow the steps.",
        "每一次坚持都是向胜利迈进一步。",
    )
    visa = "A valid passport and an eTA, or a visa if your country needs one."
    train = [
        *ticket_records(120, seed=41),
        chat("How do I reset my card PIN?", pin),
        chat("用运动员语气讲坚持。", grit),
        chat("You are a travel agent. Which documents do I need to fly to Canada? Answer in one line.", visa),
    ]
    test = [
        *ticket_records(30, seed=42),
        chat("Please read carefully and respond: How do I reset my card PIN? Think step by step.", pin),
        chat("You are a helpful assistant. 用运动员语气讲坚持。 Be concise.", grit),
        chat("Which documents do I need to fly to Canada?", visa),
        chat("How do I reset my card PIN? I am abroad.", "Call the number on the back of your card."),
    ]
    paths = write_splits(tmp_path, train=train, test=test)
    local, remote = both_engines(monkeypatch, paths, driver_rows, test=paths["test"], select=["LEAK006"])
    assert decided_part(remote, ["LEAK006"]) == decided_part(local, ["LEAK006"])
    found = [
        sorted(loc["line"] for loc in f["locations"]) for f in local["findings"] if f["check_id"] == "LEAK006"
    ]
    assert found == [[31, 121], [32, 122], [33, 123]], found


def test_a_leak_check_without_a_held_out_split_says_so_as_locally(tmp_path: Path) -> None:
    """Train alone, held on the workers, the leak checks alone: the exact and normalised ones are
    skipped for the missing test split (the local reason), not for the rows left on the workers."""
    paths, _ = planted(tmp_path)
    local = dataqa.scan(paths["train"], select=["LEAK"]).to_dict()
    remote = dataqa.scan(paths["train"], select=["LEAK"], engine="ray", ray_driver_rows=10).to_dict()
    mine = {c["id"]: c for c in remote["checks"]}
    for check in local["checks"]:
        if check["id"] in GROUPED:
            assert {k: v for k, v in mine[check["id"]].items() if k not in ("duration_s", "ran_on")} == {
                k: v for k, v in check.items() if k not in ("duration_s", "ran_on")
            }
    assert mine["LEAK001"]["status"] == "skipped" and "no test or valid split" in mine["LEAK001"]["reason"]
    for cid in ("LEAK003", "LEAK004", "LEAK005"):  # their forms work there (near_across, overlap_held)
        assert "no test or valid split" in mine[cid]["reason"], mine[cid]


def labelled_tickets(folder: Path) -> dict[str, str]:
    """Tickets and their queue, in blocks all over train: the same ticket under two queues (LBL001),
    once exactly, once shouted and re-punctuated, once three times under three queues, and in test
    too. The controls: the same ticket twice under one queue (a duplicate, not a conflict), and two
    tickets one word apart under two queues."""
    queues = ["billing", "shipping", "returns", "account"]
    train = [
        {"text": f"ticket {i}: my order {i * 7} has a problem", "label": queues[i % 4]} for i in range(300)
    ]
    train[40] = {"text": "Where is my refund for the blue jacket?", "label": "returns"}
    train[250] = {"text": "Where is my refund for the blue jacket?", "label": "billing"}
    train[60] = {"text": "Cancel my subscription today", "label": "account"}
    train[190] = {"text": "CANCEL MY SUBSCRIPTION TODAY!!", "label": "billing"}
    for at, queue in ((80, "shipping"), (150, "returns"), (290, "account")):
        train[at] = {"text": "The parcel arrived broken", "label": queue}
    train[100] = {"text": "I was charged twice this month", "label": "billing"}
    train[270] = {"text": "I was charged twice this month", "label": "billing"}
    train[120] = {"text": "My card was charged twice", "label": "billing"}
    train[220] = {"text": "My card was declined twice", "label": "account"}
    test = [{"text": f"held-out ticket {i} about order {i * 3}", "label": queues[i % 4]} for i in range(40)]
    test[5] = {"text": "Change my delivery address", "label": "shipping"}
    test[30] = {"text": "change my delivery address.", "label": "account"}
    return write_splits(folder, train=train, test=test)


@pytest.mark.parametrize("driver_rows", [50, 10])
def test_conflicting_labels_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """LBL001 from a shuffle on each row's input key: the local engine's findings, quoted inputs,
    unusable rows and metrics, with train (and at 10, test too) held on the workers in many pieces."""
    paths = labelled_tickets(tmp_path)
    local, remote = both_engines(monkeypatch, paths, driver_rows, test=paths["test"], select=["LBL001"])
    assert decided_part(remote, ["LBL001"]) == decided_part(local, ["LBL001"])
    found = [
        [(loc["path"] == paths["train"], loc["line"]) for loc in f["locations"]] for f in local["findings"]
    ]
    assert found == [
        [(True, 41), (True, 251)],
        [(True, 61), (True, 191)],
        [(True, 81), (True, 151), (True, 291)],
        [(False, 6), (False, 31)],
    ], found
    assert local["findings"][1]["evidence"][0] == "Cancel my subscription today"
    (check,) = remote["checks"]
    assert check["status"] == "failed" and check["ran_on"] == "driver"


def scored_pairs(folder: Path, key: str = "similarity_score") -> dict[str, str]:
    """Sentence pairs scored 0 to 5 (STS) in train and valid, in blocks all over each: one pair scored
    1.0 and 4.0 (a conflict) and one 2.0 and 2.7 (annotators a little apart: under a fifth of the
    split's 0-5, a conflict only against the 1.0-4.0 or 1.0-3.5 that the conflicting rows alone span),
    and one scored 3 and 3.0 (one score). `key`: the score's field ("label": GLUE's STS-B, a layout
    of classes whose labels are scores all the same)."""

    def pairs(n: int, tag: str) -> list[dict]:
        return [
            {"sentence1": f"{tag} sentence {i} about topic {i * 3}", "sentence2": f"{tag} answer {i}",
             key: (i % 11) / 2}
            for i in range(n)
        ]  # fmt: skip

    def pair(text: str, score: float) -> dict:
        return {"sentence1": text, "sentence2": "A plane is taking off.", key: score}

    train, valid = pairs(240, "train"), pairs(120, "valid")
    train[30], train[200] = pair("An air plane is taking off.", 1.0), pair("An air plane is taking off.", 4.0)
    train[60], train[170] = pair("A jet takes off.", 2.0), pair("A jet takes off.", 2.7)
    train[90], train[230] = pair("A plane leaves.", 3), pair("A plane leaves.", 3.0)  # one score
    valid[10], valid[100] = pair("A jet takes off.", 2.0), pair("A jet takes off.", 2.7)
    valid[20], valid[110] = pair("A plane departs.", 1.0), pair("A plane departs.", 3.5)
    return write_splits(folder, train=train, valid=valid)


@pytest.mark.parametrize(
    ("driver_rows", "key"), [(150, "similarity_score"), (10, "similarity_score"), (10, "label")]
)
def test_conflicting_scores_of_splits_left_on_the_workers_are_judged_on_the_split_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int, key: str
) -> None:
    """LBL001 judges scores apart against the whole split's scale, which a held split's blocks give
    as they are read (its lowest and highest score), not the conflicting rows' narrower one: the
    local engine's findings with train (and at 10, valid too) held on the workers in many pieces."""
    paths = scored_pairs(tmp_path, key)
    local, remote = both_engines(monkeypatch, paths, driver_rows, valid=paths["valid"], select=["LBL001"])
    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == (["train"] if driver_rows == 150 else ["train", "valid"])
    assert decided_part(remote, ["LBL001"]) == decided_part(local, ["LBL001"])
    found = [[(loc["split"], loc["line"]) for loc in f["locations"]] for f in local["findings"]]
    assert found == [[("train", 31), ("train", 201)], [("valid", 21), ("valid", 111)]], found


def support_chats(n: int, seed: int) -> list[dict]:
    """Support tickets answered in free text (the routing replies of `ticket_records` are a closed
    set of labels, which LBL007 leaves to LBL001)."""
    days = ["today", "tomorrow", "within two days", "by Friday", "next week"]
    return [
        chat(user_turn(record)["content"], f"Thanks, ticket {i + 100} is logged; we reply {days[i % 5]}.")
        for i, record in enumerate(ticket_records(n, seed=seed))
    ]


def answered_apart(folder: Path) -> dict[str, str]:
    """Support chats with one prompt answered two ways far apart in train (yes and no, two final
    numbers, two capitals) and in test; controls: a long answer reworded, an identical copy, one
    question under two system prompts."""
    train: list[Any] = support_chats(160, seed=41)
    plants = {
        5: chat("Is the Trailhead 2 tent waterproof?", "Yes, the fly has taped seams."),
        150: chat("is the trailhead 2 tent waterproof", "No, it is only water-resistant."),
        20: chat("What is 12 times 7?", "12 times 7 is 84."),
        90: chat("What is 12 times 7?", "12 times 7 is 74."),
        40: chat("What is the capital of Norway?", "Oslo."),
        130: chat("What is the capital of Norway?", "Bergen."),
        60: chat("How do I clean a down sleeping bag?", "Wash it on a gentle cycle with down soap."),
        120: chat("how do I clean a down sleeping bag", "Wash it gently with down soap, then dry it low."),
        70: chat("Can I return worn shoes?", "Within 30 days if worn indoors only."),
        140: chat("Can I return worn shoes?", "Within 30 days if worn indoors only."),
        80: chat("Is the tent waterproof?", "Yes, it is.", system="You answer for the Trailhead brand."),
        110: chat("Is the tent waterproof?", "No, it is not.", system="You answer for the Budget brand."),
    }
    for line, record in plants.items():
        train[line] = record
    test: list[Any] = support_chats(40, seed=42)
    test[3] = chat("Do you ship to Norway?", "Yes, with duties paid.")
    test[33] = chat("do you ship to norway", "No, we do not ship there.")
    return write_splits(folder, train=train, test=test)


@pytest.mark.parametrize("driver_rows", [50, 10])
def test_contradictory_answers_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, driver_rows: int
) -> None:
    """LBL007 from a shuffle on each row's prompt key (system prompt, normalised prompt, tools): the
    local engine's findings, quoted prompts and answers, unusable rows and metrics, with train (and
    at 10, test too) held on the workers in many pieces; the controls are reported by neither."""
    paths = answered_apart(tmp_path)
    local, remote = both_engines(monkeypatch, paths, driver_rows, test=paths["test"], select=["LBL007"])
    assert decided_part(remote, ["LBL007"]) == decided_part(local, ["LBL007"])
    found = [[(loc["split"], loc["line"]) for loc in f["locations"]] for f in local["findings"]]
    assert found == [
        [("train", 6), ("train", 151)],
        [("train", 21), ("train", 91)],
        [("train", 41), ("train", 131)],
        [("test", 4), ("test", 34)],
    ], found
    assert local["findings"][2]["evidence"][0] == "What is the capital of Norway?"
    (check,) = remote["checks"]
    assert check["status"] == "failed" and check["ran_on"] == "driver"
