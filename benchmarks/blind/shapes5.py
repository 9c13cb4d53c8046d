"""Blind benchmark, two shapes a team ships that the generator lacked (session 39): a Hugging
Face-style Parquet chat export and KTO JSON Lines.

`hfchat`: `train.parquet` / `test.parquet` with a `messages` column of list<struct{role, content}>
and a `source` string column (where the conversation came from), as `datasets` writes a chat set.
Planted from the README alone: the generative defects of every shape (duplicates, leaks, empty and
whitespace answers, truncated answers, refusals, placeholders, secrets and PII, the answer defects
and the contained leak), a conversation copied under another `source`, unknown roles (FMT009), a
null answer and a null `messages` cell (a table's null where the text should be), the chat shape's
turn defects (FMT012, FMT013) and held-out conversations under an unseen system prompt (COV006). Findings of a
table name the 0-based row (README: `train.parquet row 12`). Controls: a null `source` (metadata,
not the example), and the controls every generative shape carries.

`kto`: `{"prompt", "completion", "label": true/false}` (README: KTO is read as preference data;
DUP004 leaves one prompt with several completions alone, PREF006 weighs the labels). Desirable
rows carry the generative defects; undesirable rows are off-topic answers to train prompts (so
most prompts appear twice, once under each label: the KTO way, a control of its own). Planted
besides: one prompt and completion marked both desirable and undesirable, a null label and a
record without its label. Controls: a refusal marked undesirable (what KTO teaches to avoid), the
desirable answer with a number changed marked undesirable (a contrast, no copy), and a second
desirable answer to one prompt.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from plant import Plan, make_pairs, plant_generative, write_jsonl
from shapes3 import plant_answers, plant_contained, plant_secrets, plant_turns
from texts import worse_answer

SOURCES = ["oasst2", "sharegpt-cleaned", "self-instruct", "support-logs"]
HF_SYSTEM = "You are a helpful assistant. Answer the user's question clearly and accurately."
CONTRAST = ("DUP001", "DUP002", "DUP003", "PREF001", "LBL007")  # a contrast is no copy and no pair
REFUSALS = [
    "I'm sorry, but I can't help with that request.",
    "I'm afraid I cannot assist with that.",
]


def hfchat_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """A chat set saved from `datasets` to Parquet: messages list<struct{role, content}> + source."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 770)

    def build(q: str, a: str, source: str | None = "") -> dict:
        h = sum(map(ord, q))
        msgs = [{"role": "system", "content": HF_SYSTEM}] if h % 4 == 0 else []
        msgs += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
        return {"messages": msgs, "source": SOURCES[h % len(SOURCES)] if source == "" else source}

    src = plant_generative(train, test, pairs, rng, build)
    plant_answers(train, build, src, rng)
    plant_contained(test, src)
    plant_secrets(train, build, src, rng)
    for _ in range(2):  # the same conversation merged in from a second source
        row, (q, a) = src()
        other = next(s for s in SOURCES if s != row["rec"]["source"])
        train.add(build(q, a, other), "cross-source-dup", ("DUP001", "DUP002"), [row["id"]])
    for q, a in pairs[750:752]:
        rec = build(q, a)
        rec["messages"][-1]["role"] = "bot"
        train.add(rec, "wrong-role", ("FMT009",))
    for q, a in pairs[752:754]:  # a null cell where the answer should be
        rec = build(q, a)
        rec["messages"][-1]["content"] = None
        train.add(rec, "null-answer", ("FMT007", "FMT008", "FMT010", "FMT011"))
    train.add({"messages": None, "source": SOURCES[0]}, "null-messages", ("FMT007", "FMT008", "FMT011"))

    def with_system(q: str, a: str, _rng: random.Random) -> dict:
        rec = build(q, a)
        if rec["messages"][0]["role"] != "system":  # `plant_turns` swaps the system prompt for another
            rec["messages"].insert(0, {"role": "system", "content": HF_SYSTEM})
        return rec

    plant_turns(train, test, pairs[757:764], with_system, rng)
    for q, a in pairs[754:757]:  # metadata left empty: the example is whole
        train.add(build(q, a, None), "ctl-null-source", (), control=True)
    return train, test


def write_parquet(path: Path, plan: Plan) -> dict[int, int]:
    """messages list<struct{content, role}> (the field order of `datasets` exports) and source string,
    one row a record, in row groups of 128; row id -> 0-based row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("messages", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
            ("source", pa.string()),
        ]
    )
    table = pa.Table.from_pylist([row["rec"] for row in plan.rows], schema=schema)
    pq.write_table(table, path, row_group_size=128)  # rows numbered across row groups
    return {row["id"]: n for n, row in enumerate(plan.rows)}


def kto_sets(rng: random.Random) -> tuple[Plan, Plan]:
    """KTO prompt/completion/label JSONL; undesirable rows answer their prompt off topic."""
    train, test = Plan("train"), Plan("test")
    pairs = make_pairs(rng, 1200)
    spare = iter(a for _, a in pairs[770:1200])  # answers to requests no record asks

    def build(q: str, a: str, label: bool | None = True) -> dict:
        return {"prompt": q, "completion": a, "label": label}

    src = plant_generative(train, test, pairs, rng, build, two_answers=False)
    for row in train.rows:  # a desirable refusal is a defect (there is no rejected side here)
        if row["kind"] == "ctl-chosen-refusal":
            row["kind"], row["control"] = "refusal", False
    for text in REFUSALS:  # the refusals the undesirable controls below hold, marked desirable
        row, (q, _) = src()
        row["rec"] = build(q, text)
        row["kind"], row["checks"] = "refusal", ["QUAL001"]
    plant_answers(train, build, src, rng)
    plant_contained(test, src)
    plant_secrets(train, build, src, rng)
    for _ in range(3):  # the same completion to the same prompt marked both ways
        row, (q, a) = src()
        train.add(build(q, a, False), "kto-label-conflict", ("DUP001", "DUP002", "LBL001"), [row["id"]])
    for q, a in pairs[750:752]:
        train.add(build(q, a, None), "null-label", ("FMT007", "FMT008", "FMT011"))
    q, a = pairs[752]
    train.add({"prompt": q, "completion": a}, "missing-label", ("FMT007", "FMT011", "FMT014"))
    for (q, _), text in zip(pairs[753:755], REFUSALS, strict=True):
        train.add(build(q, text, False), "ctl-undesirable-refusal", ("QUAL001",), control=True)
    for _ in range(3):  # the desirable answer with its last number wrong, marked undesirable: a contrast
        row, (q, a) = src()
        while not re.search(r"\d", a):
            row, (q, a) = src()
        wrong = re.sub(r"(\d+)(?!.*\d)", lambda m: str(int(m.group(1)) + 7), a, count=1)
        train.add(build(q, wrong, False), "ctl-contrast-pair", CONTRAST, control=True)
    for _ in range(2):  # a second desirable answer to one prompt (README: DUP004 leaves KTO alone)
        row, (q, a) = src()
        train.add(build(q, worse_answer(q, a, rng)), "ctl-two-desirable", ("DUP004", "LBL007"), control=True)
    involved = {p for plan in (train, test) for row in plan.rows for p in row["partners"]}
    for plan, share in ((train, 0.6), (test, 0.5)):
        clean = [r for r in plan.rows if not r["kind"] and r["id"] not in involved]
        for row in rng.sample(clean, int(len(clean) * share)):
            plan.add(build(row["rec"]["prompt"], next(spare), False))
    return train, test


NEW_SHAPES = {
    "hfchat": (hfchat_sets, write_parquet, "parquet"),
    "kto": (kto_sets, write_jsonl, "jsonl"),
}
