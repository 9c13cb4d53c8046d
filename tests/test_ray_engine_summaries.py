"""Label and coverage statistics from block summaries (scope "summary") on splits whose rows stay on the
Ray workers: each block's task summarises its rows (counts per class, per token length, per turn
count, hashes of system prompts), the driver merges the summaries and concludes, and the rows the
findings name come from a second round. The findings (ids, locations, messages, evidence, order), the
metrics, the usable counts and the verdict's conditions are the local engine's; clean controls (two
real classes with alike names, short answers a request asks for, a system prompt train uses) are
reported by neither. One local Ray (2 CPUs, no dashboard, no network) for the module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import chat, decided_part, write_jsonl

import dataqa
from dataqa.engine.registry import SUMMARY, load_checks
from dataqa.engine.results import WHOLE_SPLITS
from dataqa.ingest import dataset, spread

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

SUMMARISED = sorted(cid for cid, cls in load_checks().items() if cls.scope == SUMMARY)
WORDS = [
    "parcel",
    "invoice",
    "refund",
    "account",
    "password",
    "delivery",
    "order",
    "charge",
    "card",
    "address",
    "label",
    "courier",
]


def sentence(i: int, words: int) -> str:
    """A distinct sentence of about `words` words, numbered `i`."""
    return " ".join(f"{WORDS[(i * 7 + k * 3) % len(WORDS)]}{'' if k % 5 else i}" for k in range(words)) + "."


def classification(folder: Path) -> dict[str, str]:
    """Tickets and their queue: a class 1:22 against the largest (COV001), a rare one (SIZE002),
    spellings of one class (LBL003), object and boolean labels (LBL008), two pasted-in inputs far
    longer than the rest (COV003); test has a class train lacks (LBL004) and lacks two (LBL005); a
    "source" key on nine train records and a "sorce" on one (FMT015). The controls: "payment" and
    "payments" are two classes of about the same size; every record's "ticket_id" (its identifier)."""
    labels: list[Any] = (
        ["billing"] * 480 + ["payment"] * 110 + ["payments"] * 100 + ["legal"] * 22 + ["rare"] * 3
    )
    labels += ["BILLING", "BILLING", "biling", "biling"]  # LBL003: variants of "billing"
    labels += [{"queue": "shipping", "score": s} for s in (0.93, 0.41, 0.77)] + [True]  # LBL008
    train = [
        {"ticket_id": f"T{i}", "text": f"ticket {i}: {sentence(i, 4 + i % 9)}", "label": lab}
        for i, lab in enumerate(labels)
    ]
    for i in range(40, 760, 80):  # FMT015: in blocks all over the split
        train[i]["source"] = "crm-export"
    train[333]["sorce"] = "crm-export"
    train.insert(
        57, {"ticket_id": "P1", "text": "pasted log: " + sentence(9001, 700), "label": "billing"}
    )  # COV003
    train.insert(301, {"ticket_id": "P2", "text": "pasted mail: " + sentence(9002, 650), "label": "payment"})
    test_labels = ["billing"] * 20 + ["payment"] * 10 + ["payments"] * 6 + ["delivery"] * 3 + ["PAYMENT"]
    test = [
        {"ticket_id": f"H{i}", "text": f"held-out {i}: {sentence(i + 500, 7)}", "label": lab}
        for i, lab in enumerate(test_labels)
    ]
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }


SYSTEM = "You are a helpful support agent."


def conversations(folder: Path) -> dict[str, str]:
    """Chats with replies of about 80 tokens: three pasted replies far longer (COV003 long), two with
    no letter or digit (COV003 short); test has conversations longer than any in train and a system
    prompt train never uses (COV006); two replies carry a message key OpenAI refuses (PROV001), one
    HTML residue (QUAL005), one an unfilled template variable (QUAL002), one is cut off (QUAL007).
    The controls: a yes/no question answered "Yes.", a greeting answered briefly, test rows with
    train's system prompt and with none."""
    train = [
        chat(f"Question {i}: {sentence(i, 12)}?", sentence(i + 1000, 40 + i % 41), SYSTEM if i % 2 else None)
        for i in range(220)
    ]
    for at in (30, 111, 190):
        train[at] = chat(f"Send the log {at}", sentence(at + 5000, 2500), SYSTEM)
    for at in (44, 150):
        train[at] = chat(f"Question {at}: {sentence(at, 12)}?", ".", SYSTEM)
    train[70] = chat("Answer yes or no: is parcel 70 insured?", "Yes.", SYSTEM)
    train[120] = chat(
        "How do I mix the dough 120?", "Mix the flour &amp; sugar.<br>Knead it for 120 seconds."
    )
    train[130] = chat("Write the reply to ticket 130", "Dear {customer_name}, your parcel 130 left today.")
    cut = "Your parcel left the depot this morning and the courier will bring it to your door before the"
    train[140] = chat("Where is parcel 140?", cut)
    for at in (10, 160):  # PROV001: a message key OpenAI refuses, in two blocks
        train[at]["messages"][-1]["lang"] = "en"
    train[71] = chat("hi", "Hello!", None)
    test = [chat(f"Test {i}: {sentence(i + 3000, 10)}?", sentence(i + 4000, 55), SYSTEM) for i in range(30)]
    test += [chat(f"Plain {i}: {sentence(i + 3100, 10)}?", sentence(i + 4100, 55)) for i in range(5)]
    test.insert(
        12,
        {
            "messages": [
                m
                for k in range(3)
                for m in (
                    {"role": "user", "content": f"Turn {k}: {sentence(k + 7000, 9)}?"},
                    {"role": "assistant", "content": sentence(k + 7100, 50)},
                )
            ]
        },
    )
    test += [
        chat(f"Pirate {i}: {sentence(i + 3200, 10)}?", sentence(i + 4200, 55), "You are a pirate.")
        for i in range(2)
    ]
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }


def preferences(folder: Path) -> dict[str, str]:
    """DPO pairs whose chosen answer is the longer one in nine of ten (PREF005), and KTO examples
    nearly all desirable (PREF006), each with a held-out split of the same kind that is balanced
    (the controls)."""
    dpo = [
        {
            "prompt": f"Question {i}: {sentence(i, 10)}?",
            "chosen": sentence(i + 100, 30 if i % 10 else 8),
            "rejected": sentence(i + 200, 10 if i % 10 else 20),
        }
        for i in range(120)
    ]
    dpo_test = [
        {
            "prompt": f"Held {i}: {sentence(i, 9)}?",
            "chosen": sentence(i + 300, 12),
            "rejected": sentence(i + 400, 12),
        }
        for i in range(30)
    ]
    kto = [
        {"prompt": f"Ask {i}: {sentence(i, 9)}?", "completion": sentence(i + 500, 20), "label": i % 17 != 3}
        for i in range(170)
    ]
    kto_test = [
        {"prompt": f"Held {i}: {sentence(i, 8)}?", "completion": sentence(i + 600, 20), "label": i % 2 == 0}
        for i in range(30)
    ]
    files = (("train", dpo), ("test", dpo_test), ("kto", kto), ("kto_test", kto_test))
    return {name: str(write_jsonl(folder / f"{name}.jsonl", rows)) for name, rows in files}


NAMES = ["Leo", "Mia", "Sam", "Ava", "Max", "Zoe", "Ben", "Ivy", "Tom", "Amy", "Dan", "Eva"]


def worked(i: int, plus: bool) -> dict:
    """A grade-school question with "N times more than", worked out as N x the amount or (`plus`) as
    the amount plus N x it, as a public math set's records are."""
    a, b, n, k = NAMES[i % 12], NAMES[(i + 5) % 12], 2 + i % 7, 3 + i % 11
    question = (
        f"{a} has {k} coins. {b} has {n} times more coins than {a}. How many coins does {b} have? ({i})"
    )
    if plus:
        answer = f"{b} has {n}*{k} = <<{n}*{k}={n * k}>>{n * k} more coins than {a}.\n"
        answer += f"So {b} has {k}+{n * k} = <<{k}+{n * k}={k + n * k}>>{k + n * k} coins.\n#### {k + n * k}"
    else:
        answer = f"{b} has {n}*{k} = <<{n}*{k}={n * k}>>{n * k} coins.\n#### {n * k}"
    return {"question": question, "answer": answer}


def readings(folder: Path) -> dict[str, str]:
    """Worked answers that read "N times more than" as N x the amount, but for six in train and one in
    test read as the amount plus N x it (LBL010); the other records add, with no such wording."""
    train = [
        worked(i, plus=i in (17, 61, 62, 140, 151, 199))
        if i % 3
        else {
            "question": f"{NAMES[i % 12]} buys {i} pens and {i + 2} more. How many pens? ({i})",
            "answer": f"{i}+{i + 2} = <<{i}+{i + 2}={2 * i + 2}>>{2 * i + 2}\n#### {2 * i + 2}",
        }
        for i in range(210)
    ]
    test = [worked(i + 1000, plus=i == 7) for i in range(20)]
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }


QUEUES = ["billing", "shipping", "returns", "account"]


def targets(folder: Path) -> dict[str, str]:
    """Chats whose replies are JSON with the same keys, but for four in prose or with a key missing,
    in blocks all over train (FMT017); test's replies are all JSON (the control)."""
    reply = lambda i: f'{{"queue": "{QUEUES[i % 4]}", "priority": "{("low", "high")[i % 2]}"}}'  # noqa: E731
    train = [chat(f"Ticket {i}: {sentence(i, 9)}", reply(i)) for i in range(240)]
    for at in (15, 95, 175):
        train[at] = chat(f"Ticket {at}: {sentence(at, 9)}", "I have sent this to the billing team.")
    train[201] = chat(f"Ticket 201: {sentence(201, 9)}", '{"queue": "returns"}')
    test = [chat(f"Held {i}: {sentence(i + 900, 9)}", reply(i)) for i in range(30)]
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }


def multi_label(folder: Path) -> dict[str, str]:
    """Tickets with a set of queues each (multi-label, GoEmotions' shape), read per class on every
    block: "legal" (in two combinations, 20 rows) 1:20.5 against "billing" (COV001), "rare" on two
    rows (SIZE002), "Billing" a spelling of "billing" inside sets (LBL003); test has a class train
    lacks inside a set (LBL004) and lacks "legal" (LBL005). The control: every combination but
    ["billing"] is rarer than a class, and none is reported."""
    sets = [["billing"]] * 300 + [["billing", "payment"]] * 100 + [["payment"]] * 60
    sets += [["legal", "billing"]] * 10 + [["legal"]] * 10 + [["rare", "payment"]] * 2
    sets += [["Billing", "payment"]] * 2
    train = [
        {"ticket_id": f"T{i}", "text": f"ticket {i}: {sentence(i, 6 + i % 5)}", "labels": one}
        for i, one in enumerate(sets)
    ]
    held = [["billing"]] * 10 + [["payment", "billing"]] * 5 + [["payment", "delivery"]] * 2
    test = [
        {"ticket_id": f"H{i}", "text": f"held-out {i}: {sentence(i + 500, 7)}", "labels": one}
        for i, one in enumerate(held)
    ]
    return {
        name: str(write_jsonl(folder / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    }


def labelled_lines(folder: Path) -> dict[str, str]:
    """A plain-text file of `LABEL text` lines (FMT020: labels read as text); test is prose (the
    control: its first words are no labels)."""
    labels = ["DESC:manner", "NUM:count", "LOC:city", "HUM:ind"]
    train = "".join(f"{labels[i % 4]} {sentence(i, 8)}\n" for i in range(400))
    test = "".join(f"the note {i} says {sentence(i + 700, 8)}\n" for i in range(40))
    paths = {"train": folder / "train.txt", "test": folder / "test.txt"}
    paths["train"].write_text(train, encoding="utf-8")
    paths["test"].write_text(test, encoding="utf-8")
    return {name: str(path) for name, path in paths.items()}


def skipped(check: dict) -> bool:
    return check["status"] == "skipped"


def summarised_part(report: dict) -> dict:
    """What the summary checks decide (a skipped one's reason apart, as chat replies are not looked
    at for a closed set of labels on a held split)."""
    return decided_part(report, SUMMARISED, skipped_reasons=False)


@pytest.mark.parametrize(
    "data", ["classification", "multi_label", "conversations", "preferences", "readings", "targets", "lines"]
)
@pytest.mark.parametrize("driver_rows", [100, 10])
def test_label_and_coverage_statistics_of_splits_left_on_the_workers_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: str, driver_rows: int
) -> None:
    """Train (and at 10, test too) stays on the workers, read in many pieces; the summary checks
    give the local engine's report, ran on the workers, and name no control."""
    from dataqa.engine.ray_engine import RayEngine

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**13)  # many pieces: a class's rows in several blocks
    monkeypatch.setattr(dataset, "closed_set_labels", lambda replies: None)  # not looked at when held
    made = {"classification": classification, "conversations": conversations, "preferences": preferences}
    made["multi_label"] = multi_label
    paths = {**made, "readings": readings, "targets": targets, "lines": labelled_lines}[data](tmp_path)
    options: dict[str, Any] = dict(test=paths["test"], select=SUMMARISED)
    if data == "conversations":  # OpenAI's example count and file size, and their conditions
        options["profile"] = "openai"
    local = dataqa.scan(paths["train"], **options).to_dict()
    if data == "preferences":  # and the KTO set, compared in the same scan pair
        local_kto = dataqa.scan(paths["kto"], test=paths["kto_test"], select=SUMMARISED).to_dict()
    if driver_rows == 10:  # every split stays on the workers: the driver never fetches rows
        monkeypatch.setattr(RayEngine, "fetch", lambda self, handle: pytest.fail("a split was fetched"))
    remote = dataqa.scan(
        paths["train"], engine="ray", ray_driver_rows=driver_rows, ray_block_rows=40, **options
    ).to_dict()  # blocks of about 40 rows, the small pieces read joined: several blocks a split
    if data == "preferences":
        kto = dict(test=paths["kto_test"], select=SUMMARISED, engine="ray", ray_driver_rows=driver_rows)
        kto["ray_block_rows"] = 40
        remote_kto = dataqa.scan(paths["kto"], **kto).to_dict()
        assert summarised_part(remote_kto) == summarised_part(local_kto)
        (balance,) = [f for f in local_kto["findings"] if f["check_id"] == "PREF006"]
        assert [loc["line"] for loc in balance["locations"]] == list(range(4, 171, 17)), "the undesirable"
        assert balance["locations"][0]["path"] == paths["kto"], "the test split is balanced"

    held = [s["name"] for s in remote["splits"] if "stay on the Ray workers" in s["profile"].get("note", "")]
    assert held == (["train"] if driver_rows == 100 else ["train", "test"])
    assert summarised_part(remote) == summarised_part(local)
    ran = {c["id"]: c for c in remote["checks"]}
    assert not any(skipped(c) and c["reason"].startswith(WHOLE_SPLITS) for c in ran.values())
    assert {c["id"] for c in remote["checks"] if c["ran_on"] == "workers"} == {
        c["id"] for c in remote["checks"] if c["status"] != "skipped"
    }
    # a plain-text file is read in one piece (spans are cut in JSON Lines and tables): FMT020's summary
    # over several blocks is tests/test_check_scope.py's
    assert remote["engine"]["blocks"] > (1 if data == "lines" else 3)
    found = {f["check_id"] for f in local["findings"]}
    lines = {
        (f["check_id"], loc["line"])
        for f in local["findings"]
        for loc in f["locations"]
        if loc["path"] == paths["train"]
    }
    assert {"COV003", "COV006", "LBL003", "LBL008", "LBL010", "PREF005", "PREF006"} <= set(SUMMARISED)
    if data == "classification":
        assert {"COV001", "COV003", "LBL003", "LBL004", "LBL005", "LBL008", "SIZE002"} <= found, found
        variants = [f["message"] for f in local["findings"] if f["check_id"] == "LBL003"]
        assert len(variants) == 2, variants  # BILLING and biling of billing; PAYMENT (test) of payment
        assert not any("'payments'" in m for m in variants), "two classes of a size, alike names"
        assert {line for cid, line in lines if cid == "COV003"} == {58, 302}
        keys = [(f["message"], [loc["line"] for loc in f["locations"]]) for f in local["findings"]]
        keys = [(m.split(" in ")[0], found_lines) for m, found_lines in keys if "top-level key" in m]
        # lines after the COV003 rows inserted at 57 and 301 move down one, two
        source = [i + 1 + (i >= 57) + (i >= 300) for i in range(40, 760, 80)]
        assert keys == [('unknown top-level key "source"', source), ('unknown top-level key "sorce"', [336])]
    elif data == "multi_label":  # classes, never combinations, on the blocks as locally
        named = sorted((f["check_id"], f["message"].split(" has ")[0]) for f in local["findings"])
        per_class = [one for one in named if one[0] in ("COV001", "SIZE002")]
        assert per_class == [
            ("COV001", "class 'legal'"),
            ("SIZE002", "class 'Billing'"),
            ("SIZE002", "class 'rare'"),
        ]
        messages = " ".join(f["message"] for f in local["findings"] if f["check_id"].startswith("LBL00"))
        assert "'Billing' (2) look like variants of 'billing'" in messages and "[" not in messages, messages
        assert {"LBL004", "LBL005"} <= found, found
    elif data == "readings":
        (odd,) = [f for f in local["findings"] if f["check_id"] == "LBL010"]
        named = [(loc["path"] == paths["train"], loc["line"]) for loc in odd["locations"]]
        assert named == [(True, line) for line in (18, 62, 63, 141, 152, 200)] + [(False, 8)], named
    elif data == "targets":
        odd = [
            (f["message"].split(";")[0], f["locations"][0]["line"])
            for f in local["findings"]
            if f["check_id"] == "FMT017"
        ]
        assert [line for _, line in odd] == [16, 96, 176, 202], odd
        assert {
            loc["path"] for f in local["findings"] if f["check_id"] == "FMT017" for loc in f["locations"]
        } == {paths["train"]}
    elif data == "lines":
        (labelled,) = [f for f in local["findings"] if f["check_id"] == "FMT020"]
        assert labelled["message"].startswith("400 of 400 lines start with one of 4 label-like values")
        assert labelled["locations"][0]["path"] == paths["train"]
    elif data == "preferences":
        (bias,) = [f for f in local["findings"] if f["check_id"] == "PREF005"]
        assert {loc["path"] for loc in bias["locations"]} == {paths["train"]}, "test's pairs are balanced"
        assert len(bias["locations"]) == 108, "the pairs with chosen 1.5x as long"
    else:
        assert {"COV003", "COV006"} <= found, found
        assert {"provider-example-count", "provider-file-size"} <= {c["name"] for c in remote["conditions"]}
        replies = {
            loc["line"]
            for f in local["findings"]
            if f["check_id"] == "COV003" and f["metrics"]["role"] == "response"
            for loc in f["locations"]
        }
        assert replies == {31, 112, 191, 45, 151}, "not the yes/no answer (71), nor the greeting's (72)"
        cov006 = [f for f in local["findings"] if f["check_id"] == "COV006"]
        assert sorted(len(f["locations"]) for f in cov006) == [1, 2], "the long conversation, the pirate"
        assert all("pirate" in f["message"] or "more turns" in f["message"] for f in cov006)
        debris = {(f["check_id"], loc["line"]) for f in local["findings"] for loc in f["locations"]}
        quality = {d for d in debris if d[0] in ("QUAL002", "QUAL005", "QUAL007")}
        assert quality == {("QUAL005", 121), ("QUAL002", 131), ("QUAL007", 141)}
        (refused,) = [f for f in local["findings"] if f["check_id"] == "PROV001"]
        assert refused["message"].startswith(
            'OpenAI fine-tuning API does not accept the message key "lang" (2'
        )
        assert [loc["line"] for loc in refused["locations"]] == [11, 161]
