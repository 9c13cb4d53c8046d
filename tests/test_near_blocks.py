"""Near pairs of a split in blocks (`dataqa.text.near_blocks`, what a Ray engine's workers run) are the
local engine's: the sample the template shingles and bound words read, the candidates of a shuffle's
parts, and the verified pairs, on a split cut into blocks where near copies, normalised copies and
look-alike controls fall in other blocks than their originals. Plain calls stand for the workers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from conftest import Plain, chat, reworded, shouted, ticket_records, user_turn, write_jsonl

from dataqa.engine import blocks
from dataqa.engine.config import Config
from dataqa.engine.context import Context
from dataqa.engine.packed import unpack
from dataqa.engine.runner import load_splits
from dataqa.text import candidates, copies, near_blocks, near_duplicates, near_held, templates
from dataqa.text.near_duplicates import near_pairs
from dataqa.text.normalise import distinct


def planted() -> list[dict]:
    """Support tickets with near copies (a few words added), normalised and exact copies, short
    requests one word apart (the short-edit keys), and look-alikes that differ in a number or name."""
    base: list[Any] = ticket_records(160, seed=5)
    return [
        *base,
        reworded(base[2]),
        shouted(base[2]),
        base[7],
        reworded(base[7], " please help me"),
        reworded(base[30]),
        shouted(reworded(base[30])),  # a normalised copy of the line before: not a text of its own
        chat("Cancel my subscription", "Done."),
        chat("Cancel my subscriptions", "Done."),
        chat("Please cancel my subscription", "Done."),
        chat("Refund order 1234 please", "Done."),
        chat("Refund order 1235 please", "Done."),
        chat("What is C?", "A programming language."),
        chat("What is C++?", "A programming language."),
        reworded(base[90], " Berlin office"),
        reworded(base[90], " Munich office"),
    ]


def _context(tmp_path: Path, records: list[dict]) -> Context:
    config = Config()
    path = write_jsonl(tmp_path / "train.jsonl", records)
    return Context(load_splits({"train": str(path)}, config), config)


def _held(ctx: Context, rows: int, parts: int) -> tuple[near_held.Held, Context]:
    """The split cut into blocks of `rows` rows, its steps run on them; and the driver's context
    (the splits without rows)."""
    config, split = ctx.config, "train"
    shells = {name: blocks.shell(s) for name, s in ctx.splits.items()}
    labelled = blocks.facts(ctx)
    contexts = [
        (blocks.block_context(block, shells, config, labelled), split)
        for block in blocks.cut(ctx.splits[split], rows)
    ]
    later = copies.later(ctx, split)
    return near_held.Held(Plain(contexts), split, lambda: later, parts), blocks.shells_context(
        shells, config, labelled
    )


@pytest.mark.parametrize(("rows", "parts", "sample"), [(23, 3, 40), (64, 1, 20_000), (7, 5, 11)])
def test_near_pairs_of_a_split_in_blocks_are_the_local_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int, parts: int, sample: int
) -> None:
    monkeypatch.setattr(templates, "TEMPLATE_SAMPLE", sample)  # an evenly spaced sample across blocks
    ctx = _context(tmp_path, planted())
    local = near_pairs(ctx, "train", "train", "text")
    assert local.height >= 4  # the planted near copies are found locally (the bar is the local result)
    held, driver = _held(ctx, rows, parts)
    texts, n = held.sample()
    want_texts, want_n = templates.sampled(ctx, "train", "text")
    assert n == want_n and texts.to_list() == want_texts.to_list()
    driver.supply((*templates.SAMPLE, "train", "text"), lambda: (texts, n))
    common = templates.templates(driver, "text", 2)
    terms = templates.set_words(driver, "text")
    assert np.array_equal(common, templates.templates(ctx, "text", 2))
    assert terms == templates.set_words(ctx, "text")
    pairs = held.pairs(common, terms, 0.85, 2, whole=True)
    assert pairs.equals(local), (pairs, local)
    assert held.unanswered.is_empty()


@pytest.mark.parametrize("seed", range(4))
def test_part_candidates_are_candidates_within_on_lines(seed: int) -> None:
    """Keys from a small alphabet (buckets past the cap, merged truncated keys), rows as sparse lines
    in order, spread over blocks and parts: the parts' pairs are `candidates_within`'s."""
    rng = np.random.default_rng(seed)
    n, bands, cap = 300, 4, 5
    keys = rng.integers(0, 40, size=(n, bands)).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    alone = rng.random((n, bands)) < 0.5  # keys no other row has
    keys[alone] = rng.integers(0, 2**63, size=int(alone.sum()), dtype=np.int64).astype(np.uint64)
    lines = np.sort(rng.choice(10_000, size=n, replace=False)).astype(np.int64)
    want = candidates.candidates_within(keys, cap=cap)
    want_lines = lines[want // n] * near_blocks.LINES + lines[want % n]
    frames = [[] for _ in range(3)]
    for block in np.array_split(np.arange(n), 4):
        one = near_blocks._key_frame(
            near_blocks.BANDS_KIND, near_blocks._truncated(keys[block], n), lines[block]
        )
        at = one["key"] % 3
        for p in range(3):
            frames[p].append(one.filter(at == p))
    got = candidates.unique_ints(np.concatenate([near_blocks.part_candidates(f, cap=cap) for f in frames]))
    assert np.array_equal(got, want_lines)


def intents() -> list[dict]:
    """Labelled requests: near copies under one label (reworded, one word apart, a normalised copy),
    the same request under two labels (a conflict, not a copy), and requests that differ in a name."""
    topics = ["invoice", "parcel", "password", "refund", "card", "address", "order", "account"]
    verbs = ["where is my", "how do I change my", "I need help with my", "something is wrong with my"]
    rows = [
        {"text": f"{verb} {topic} number {i}", "label": topic}
        for i, (verb, topic) in enumerate((v, t) for t in topics for v in verbs)
    ]
    return [
        *rows,
        {"text": "where is my invoice number 0 please", "label": "invoice"},  # near line 1, same label
        {"text": "Where is my invoice number 0?!", "label": "invoice"},  # a normalised copy of line 1
        {"text": "how do I change my parcel number 5 now", "label": "parcel"},
        {"text": "how do I change my parcel number 5 now", "label": "address"},  # another label
        {"text": "cancel my subscription", "label": "cancel"},
        {"text": "cancel my subscriptions", "label": "cancel"},  # one word apart
        {"text": "fly to Berlin tomorrow morning please", "label": "travel"},
        {"text": "fly to Munich tomorrow morning please", "label": "travel"},  # another name
        *rows[:3],  # exact copies, far from their originals
    ]


def unanswerable() -> list[dict]:
    """SQuAD 2.0 questions without an answer on shared passages (DUP003's cases): two ask one thing
    in other words (a near copy, decided on their inputs), the others ask other things."""
    import tomllib

    cases = tomllib.loads((Path(__file__).parent / "cases" / "duplicates" / "DUP003.toml").read_text())
    (case,) = [c for c in cases["case"] if c["name"].startswith("unanswerable questions on one passage")]
    rows = [json.loads(line) for line in case["train"].strip().splitlines()]
    return rows + [dict(row, id=f"{row['id']}b", question=row["question"] + " again") for row in rows[:3]]


def plain_texts() -> list[dict]:
    """The chat set's user turns as plain text records (continued pre-training: no answer part)."""
    return [{"text": user_turn(record)["content"]} for record in planted()]


@pytest.mark.parametrize(
    ("shape", "records"),
    [("chat", planted), ("classification", intents), ("text", plain_texts), ("qa", unanswerable)],
)
def test_the_form_supplies_the_local_near_pairs_and_groups(tmp_path: Path, shape: str, records: Any) -> None:
    """`NearPairs.supply` on a context of shells (the driver's), the steps run on the blocks: the
    near pairs of "text" (and, for labelled examples, of their inputs), DUP003's groups and the texts
    of their rows are the local ones."""
    ctx = _context(tmp_path, records())
    assert ctx.splits["train"].kind == ("pair" if shape == "qa" else shape)
    local = near_pairs(ctx, "train", "train", "text")
    groups = near_duplicates.near_text_groups(ctx, "train")
    assert len(groups) >= 3
    held, driver = _held(ctx, 11, 3)
    driver.supply(copies.COPIES, lambda: copies.copies(ctx))  # the copies' shuffle's frame
    form = near_held.NearPairs(0.85, 2)
    assert form.applies(driver, "train")
    form.supply(driver, "train", held.runner)
    assert form.supplied(driver, "train")
    assert near_pairs(driver, "train", "train", "text").equals(local)
    if shape == "classification":
        assert near_pairs(driver, "train", "train", "prompt").equals(
            near_pairs(ctx, "train", "train", "prompt")
        )
    assert near_duplicates.near_text_groups(driver, "train") == groups
    lines = sorted({line for group in groups for line in group})
    # the texts a finding quotes come from the blocks, for the rows asked alone (not with the pairs)
    fetch = driver.shared((*copies.FETCH, "train"), lambda: None)
    assert dict(fetch(lines).iter_rows()) == copies.texts(ctx, "train", lines)


@pytest.mark.parametrize(
    ("records", "column"),
    [
        (planted, "text"),
        (planted, "prompt"),
        (plain_texts, "text"),
        (intents, "prompt"),
        (
            lambda: [
                {"prompt": f"Rate offer {i}", "chosen": f"Offer {i} is fair.", "rejected": f"No idea {i}."}
                for i in range(12)
            ],
            "text",
        ),
        (  # multiple choice: the compared text is the question and its right choice's text
            lambda: [
                {"question": f"Which city hosts office {i}?", "A": "Rome", "B": f"Lima {i}", "answer": "B"}
                for i in range(12)
            ],
            "text",
        ),
    ],
)
def test_texts_sent_to_a_pair_part_give_back_the_verified_texts(
    tmp_path: Path, records: Any, column: str
) -> None:
    """A pair part is sent each row's prompt and answer packed (and the compared text only where it is
    neither the two on two lines nor the answer alone); what it makes of them is what the local
    verification reads: the normalised text `distinct` made, the raw text, the answer, the input flag."""
    ctx = _context(tmp_path, records())
    d = distinct(ctx, "train", column)
    sent = near_blocks.texts_step(ctx, "train", column, [d.lines[::2], d.lines])
    shapes = set(unpack(sent[1])["shape"].to_list())
    kind = ctx.splits["train"].kind if column == "text" else "inputs"
    assert shapes == {
        {"text": near_blocks.ANSWER, "multiple_choice": near_blocks.OWN}.get(kind, near_blocks.JOINED)
    }
    assert all(isinstance(part, bytes) for part in sent)
    frame = pl.concat([unpack(part) for part in sent]).unique("line").sort("line")
    read = near_blocks._read_texts(frame, column)
    assert read["line"].to_list() == d.lines.tolist()
    assert read["norm"].to_list() == d.texts.to_list()
    rows = ctx.valid_rows("train").filter(pl.col("line").is_in(d.lines.tolist())).sort("line")
    raw = [f"{p or ''}\n\n{r or ''}" for p, r in zip(rows["prompt"], rows["response"], strict=True)]
    every = np.arange(len(read))
    raw_read = near_blocks._raw_of(read, every, column)
    assert raw_read == (raw if column == "text" else rows["prompt"].to_list())
    if column == "text":
        assert read["response"].to_list() == rows["response"].to_list()
    assert read["has_input"].to_list() == [bool((p or "").strip()) for p in rows["prompt"]]
