"""Format detection and normalisation into the canonical columns (issue #2, item 3).

Each format's record becomes the same row shape (system, prompt, response, label, rejected,
n_turns, n_tokens, text), so every check works for every format; `--format` overrides detection;
chat replies that form a small closed set become labels; the token estimate is one rule in Python
and in polars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from conftest import chat, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.ingest import formats, label_inference, normalisers, tokens
from dataqa.ingest.dataset import load_split

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        formats.CHAT,
        {
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
            ]
        },
        {"system": "Be brief.", "prompt": "Hi", "response": "Hello", "n_turns": 2},
    ),
    (
        formats.SHAREGPT,
        {
            "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}],
            "system": "Be brief.",
        },
        {"system": "Be brief.", "prompt": "Hi", "response": "Hello", "n_turns": 2},
    ),
    (
        formats.PROMPT_COMPLETION,
        {"prompt": "Hi", "completion": "Hello"},
        {"system": "", "prompt": "Hi", "response": "Hello", "n_turns": 2},
    ),
    (
        formats.ALPACA,
        {"instruction": "Translate", "input": "Hi", "output": "Salut"},
        {"system": "", "prompt": "Translate\n\nHi", "response": "Salut"},
    ),
    (
        formats.CLASSIFICATION,
        {"text": "refund please", "label": "billing"},
        {"prompt": "refund please", "response": "billing", "label": "billing"},
    ),
    (
        formats.PREFERENCE,
        {"prompt": "Hi", "chosen": "Hello", "rejected": "Go away"},
        {"prompt": "Hi", "response": "Hello", "rejected": "Go away"},
    ),
]


@pytest.mark.parametrize(("fmt", "record", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_format_is_detected_and_normalised(fmt: str, record: dict, expected: dict) -> None:
    assert formats.detect_format(record) == fmt
    row = normalisers.normalise(record, fmt)
    assert row["valid"] and row["issues"] == []
    assert {key: row[key] for key in expected} == expected
    assert row["text"] == f"{row['prompt']}\n{row['response']}", "the system prompt is not compared text"


def test_multi_turn_prompt_keeps_the_dialogue_and_the_last_reply_is_the_target() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "Order?"},
            {"role": "assistant", "content": "Shipped"},
        ]
    }
    row = normalisers.normalise(record, formats.CHAT)
    assert row["prompt"] == "user: Hi\nassistant: Hello\nuser: Order?"
    assert (row["response"], row["n_turns"]) == ("Shipped", 4)


def test_unknown_shape_is_no_format() -> None:
    assert formats.detect_format({"qText": "Hi", "answers": ["Hello"]}) is None
    plain_with_intent = {"text": "Hi", "intent": "greet"}
    assert formats.detect_format(plain_with_intent) is None, "plain text takes no unknown keys"
    assert formats.detect_format({}) is None


def test_tokens_per_record_are_the_estimate_plus_per_message_overhead() -> None:
    row = normalisers.normalise(chat("Where is my order?", "It shipped.", system="Be brief."), formats.CHAT)
    texts = ["Be brief.", "Where is my order?", "It shipped."]
    assert row["n_tokens"] == sum(tokens.estimate_tokens(t) + tokens.TOKENS_PER_MESSAGE for t in texts)


def test_estimate_tokens_counts_ascii_by_four_and_other_characters_one_each() -> None:
    assert tokens.estimate_tokens("") == 0
    assert tokens.estimate_tokens("abcd") == 1
    assert tokens.estimate_tokens("abcde") == 2
    assert tokens.estimate_tokens("我的订单") == 4
    assert tokens.estimate_tokens("café") == 2  # "caf" → 1, "é" → 1


@settings(deadline=None, derandomize=True, max_examples=200, database=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60), max_size=20))
def test_token_estimate_is_the_same_in_python_and_polars(texts: list[str]) -> None:
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    vectorised = tokens.estimate_tokens_of(frame["t"]).to_list()
    assert vectorised == [tokens.estimate_tokens(t) for t in texts]


@pytest.mark.parametrize(
    ("target", "shape"),
    [
        ('{"queue": "billing", "priority": "low"}', "JSON object with keys priority, queue"),
        ('```json\n{"priority": "low", "queue": "billing"}\n```', "JSON object with keys priority, queue"),
        ("Queue: billing\nPriority: low", "template with fields queue, priority"),
        ('{"queue": "billing", ', "invalid JSON"),
        ("[1, 2]", "JSON array"),
        ("Your parcel left the depot this morning.", "free text"),
    ],
)
def test_target_shape(target: str, shape: str) -> None:
    assert label_inference.target_shape(target) == shape


def test_format_flag_overrides_detection(tmp_path: Path) -> None:
    pc = {"prompt": "Hi", "completion": "Hello"}
    path = write_jsonl(tmp_path / "train.jsonl", [pc, pc | {"prompt": "Bye"}, chat("Hi", "Hello")])
    detected = load_split("train", str(path))
    assert detected.format == formats.PROMPT_COMPLETION, "the format of most records"
    assert [(line, i.kind) for line, i in detected.record_issues] == [(3, formats.OTHER_FORMAT)]
    forced = load_split("train", str(path), fmt=formats.CHAT)
    assert forced.format == formats.CHAT
    kinds = [(line, issue.kind) for line, issue in forced.record_issues]
    assert (1, formats.MISSING_FIELD) in kinds and (2, formats.MISSING_FIELD) in kinds
    assert formats.OTHER_FORMAT not in {k for _, k in kinds}, "a named format is not second-guessed"
    assert forced.frame["valid"].to_list() == [False, False, True]


def test_split_format_is_the_majority_even_when_the_first_records_disagree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The format is guessed from the first records and normalised in one pass; when the whole
    file's majority differs from the guess, the file is normalised again in the majority format."""
    monkeypatch.setattr("dataqa.ingest.dataset.GUESS_RECORDS", 3)
    pc = [{"prompt": f"Question {i}", "completion": f"Answer {i}"} for i in range(4)]
    chats = [chat(f"Question {i}", f"Answer {i}") for i in range(5)]
    path = write_jsonl(tmp_path / "train.jsonl", [*pc, *chats])
    split = load_split("train", str(path))
    assert split.format == formats.CHAT
    assert [(line, i.kind) for line, i in split.record_issues] == [
        (n, formats.OTHER_FORMAT) for n in range(1, 5)
    ]
    assert split.frame["valid"].to_list() == [False] * 4 + [True] * 5
    assert split.frame["prompt"].to_list()[4:] == [f"Question {i}" for i in range(5)]
    guessed_right = load_split("train", str(write_jsonl(tmp_path / "b.jsonl", [*chats, *pc])))
    assert guessed_right.format == formats.CHAT
    assert [line for line, _ in guessed_right.record_issues] == [6, 7, 8, 9]


def test_closed_set_replies_become_labels(tmp_path: Path) -> None:
    labels = ["billing", "shipping", "account"]
    records = [chat(f"ticket number {i} about something", labels[i % 3]) for i in range(15)]
    split = load_split("train", str(write_jsonl(tmp_path / "train.jsonl", records)))
    assert split.label_source == "assistant reply (closed set)"
    assert split.frame["label"].to_list() == [labels[i % 3] for i in range(15)]


@pytest.mark.parametrize("label_slice", [20_000, 7])
def test_closed_set_labels_read_in_slices(label_slice: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replies are read a slice at a time, and the labels pass stops once past the class limit:
    the answer must not depend on the slice size."""
    monkeypatch.setattr(label_inference, "LABEL_SLICE", label_slice)
    shaped = ['{"queue": "billing"}', '{ "queue":"shipping" }', '{"queue": "account"}']
    replies = pl.Series([shaped[i % 3] for i in range(40)] + ["Sorry, I cannot tell.", None, ""])
    labels = label_inference.closed_set_labels(replies)
    assert labels is not None and labels[40:] == [None, None, None], "the free-text reply is malformed"
    assert labels[:3] == ['{"queue":"billing"}', '{"queue":"shipping"}', '{"queue":"account"}']
    many = pl.Series([f"class {i % 60}" for i in range(600)])
    assert label_inference.closed_set_labels(many) is None, "60 distinct replies are not a closed set"
    assert label_inference.closed_set_labels(many, max_classes=60) is not None


def test_shapes_pass_stops_once_no_structure_can_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prose replies: once more than a fifth are prose, no structure can hold 80 % of them, so the
    shapes pass stops (it parsed every reply of a million-row chat split before). The answer is
    the one a full pass gives, for prose and on either side of the 80 % line."""
    calls = []
    shape = label_inference.target_shape
    monkeypatch.setattr(label_inference, "target_shape", lambda text: calls.append(text) or shape(text))
    prose = pl.Series([f"a longer answer in words, number {i}" for i in range(1000)])
    assert label_inference.closed_set_labels(prose) is None
    assert len(calls) == 201
    shaped = [f'{{"queue": "q{i % 3}"}}' for i in range(800)] + [f"prose {i}" for i in range(200)]
    calls.clear()
    labels = label_inference.closed_set_labels(pl.Series(shaped))
    assert len(calls) == 1000 and labels is not None and labels[800:] == [None] * 200
    calls.clear()
    assert label_inference.closed_set_labels(pl.Series([*shaped[1:], "prose"])) is None, "799 of 1000 shaped"
    assert len(calls) == 1000, "ruled out at the last reply"


def test_free_text_replies_are_not_labels(tmp_path: Path) -> None:
    records = [chat(f"question {i}", f"a different and longer answer number {i}") for i in range(15)]
    split = load_split("train", str(write_jsonl(tmp_path / "train.jsonl", records)))
    assert split.label_source is None
    assert split.frame["label"].null_count() == 15


def test_label_field_names_the_label(tmp_path: Path) -> None:
    records = [chat("refund please", "I have refunded you.") | {"intent": "billing"}]
    split = load_split("train", str(write_jsonl(tmp_path / "train.jsonl", records)), label_field="intent")
    assert split.label_source == "intent"
    assert split.frame["label"].to_list() == ["billing"]
    assert not [i for _, i in split.record_issues if i.kind == formats.UNKNOWN_KEYS]


def test_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", [chat("a", "b"), "", "not json", chat("c", "d"), "   "])
    split = load_split("train", str(path))
    assert split.frame["line"].to_list() == [1, 4]
    assert split.n_lines == 5
    assert sorted((i.line, i.kind) for i in split.load_issues) == [
        (2, "blank_line"),
        (3, "invalid_json"),
        (5, "blank_line"),
    ]


def test_messages_of_every_shape_are_kept_in_line_and_turn_order(tmp_path: Path) -> None:
    """One-exchange records' messages are rebuilt from the frame; every other shape is stored."""
    records: list[Any] = [
        {"messages": [{"role": "system", "content": "Be brief."}, *chat("hi", "hello")["messages"][-2:]]},
        {"messages": chat("no system", "reply")["messages"][-2:]},
        {"messages": [{"role": "system", "content": ""}, *chat("empty system", "ok")["messages"][-2:]]},
        {
            "messages": [
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": "one"},
                {"role": "user", "content": "second"},
                {"role": "assistant", "content": "two"},
            ]
        },
        {"messages": [{"role": "developer", "content": "dev rules"}, *chat("q", "a")["messages"][-2:]]},
        {"messages": [{"role": "user", "content": "no reply"}]},
        {"messages": [{"role": "assistant", "content": "reply first"}, {"role": "user", "content": "q"}]},
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "train.jsonl", records)))
    assert split.exchanges["line"].to_list() == [1, 2, 3]  # the rest are stored as they are
    got = split.turns.with_columns(pl.col("role").cast(pl.String)).rows()
    expected = [
        (line, turn, m["role"], m["content"])
        for line, record in enumerate(records, start=1)
        for turn, m in enumerate(record["messages"])
    ]
    assert got == expected
    assert split.turns.schema == pl.Schema(
        {"line": pl.Int64, "turn": pl.Int32, "role": pl.Categorical(), "content": pl.String}
    )
