"""Findings name the data set's own fields: the names `dataqa.ingest.naming` gives each layout (#19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dataqa
from dataqa.ingest.dataset import load_split
from dataqa.ingest.naming import field_name, plural_of

RECORDS = {
    "chat": {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]},
    "sharegpt": {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
    "alpaca": {"instruction": "Say hi", "input": "", "output": "Hi"},
    "question_answer": {"question": "Q?", "answer": "A"},
    "prompt_completion": {"prompt": "P", "completion": "C"},
    "classification": {"text": "T", "label": "L"},
    "preference": {"prompt": "P", "chosen": "A", "rejected": "B"},
    "openai_preference": {
        "input": {"messages": [{"role": "user", "content": "Hi"}]},
        "preferred_output": [{"role": "assistant", "content": "A"}],
        "non_preferred_output": [{"role": "assistant", "content": "B"}],
    },
    "kto": {"prompt": "P", "completion": "C", "label": True},
    "text": {"text": "Plain text."},
    "dolly": {"instruction": "I", "context": "C", "response": "R", "category": "x"},
}
NAMES = {  # layout: (prompt, response, plural response, system)
    "chat": ("prompt", "assistant reply", "assistant replies", "system prompt"),
    "sharegpt": ("prompt", "assistant reply", "assistant replies", "system prompt"),
    "alpaca": ("instruction", "output", "outputs", "system prompt"),
    "question_answer": ("question", "answer", "answers", "system prompt"),
    "prompt_completion": ("prompt", "completion", "completions", "system prompt"),
    "classification": ("text", "label", "labels", "system prompt"),
    "preference": ("prompt", "chosen answer", "chosen answers", "system prompt"),
    "openai_preference": ("input", "preferred_output", "preferred_outputs", "system prompt"),
    "kto": ("prompt", "completion", "completions", "system prompt"),
    "text": ("prompt", "text", "texts", "system prompt"),
    "dolly": ("instruction", "response", "responses", "system prompt"),
}


@pytest.mark.parametrize("layout", list(RECORDS))
def test_each_layout_names_its_own_fields(layout: str, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(RECORDS[layout]) + "\n", encoding="utf-8")
    split = load_split("train", str(path))
    prompt, response, responses, system = NAMES[layout]
    assert field_name(split, "prompt") == prompt
    assert field_name(split, "response") == response
    assert field_name(split, "response", plural=True) == responses
    assert field_name(split, "system") == system


def test_a_field_map_names_the_mapped_fields(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text(
        json.dumps({"q": "Why?", "gold": "Because.", "sys": "Be brief."}) + "\n", encoding="utf-8"
    )
    split = load_split("train", str(path), fields={"q": "prompt", "gold": "response", "sys": "system"})
    assert (field_name(split, "prompt"), field_name(split, "response"), field_name(split, "system")) == (
        "q",
        "gold",
        "sys",
    )


def test_no_split_and_unknown_parts() -> None:
    assert field_name(None, "response") == "assistant reply"
    with pytest.raises(ValueError, match="unknown part"):
        field_name(None, "answer")
    assert [plural_of(w) for w in ("reply", "day", "box", "labels", "class", "chosen answer")] == [
        "replies",
        "days",
        "boxes",
        "labels",
        "classes",
        "chosen answers",
    ]
    # words that are their own plural stay as they are: "2 examples with datas equal" read wrong
    assert [plural_of(w) for w in ("data", "prompt metadata", "Feedback")] == [
        "data",
        "prompt metadata",
        "Feedback",
    ]
    assert plural_of("hypothesis") == "hypotheses"


def test_alpaca_findings_say_instruction_and_output_not_prompt_and_target(tmp_path: Path) -> None:
    """A finding on Alpaca data names its fields; the same defect in chat data keeps the chat words."""
    text = "Describe the new opening hours of the office for the whole team."
    rows = [{"instruction": text, "input": "", "output": text}] + [
        {"instruction": f"Name colour number {i}.", "input": "", "output": f"Blue {i}."} for i in range(5)
    ]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = dataqa.scan(str(path), select=["QUAL008"])
    assert [f.message for f in report.findings] == ["output copies the instruction: similarity 1.00"]


def test_a_value_is_named_in_the_field_it_is_in(tmp_path: Path) -> None:
    """The input appended to a prompt is its own field: an e-mail address or an HTML entity in
    Alpaca's "input" or in MRPC's second sentence was said to be "in instruction" / "in #1 String"."""
    rows = [
        {
            "instruction": "Write a thank-you note to this person.",
            "input": "Jo Reyes, joreyes81@gmail.com",
            "output": "Dear Jo, thank you.",
        },
        {
            "instruction": "Write to maxine.hollis77@gmail.com about the delay.",
            "input": "",
            "output": "Dear Maxine, sorry.",
        },
    ] + [{"instruction": f"Add {i} and {i + 1}.", "input": "", "output": str(2 * i + 1)} for i in range(20)]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    messages = [f.message for f in dataqa.scan(str(path), select=["PII002"]).findings]
    assert len(messages) == 2 and " in input: " in messages[0] and " in instruction: " in messages[1]

    pairs = tmp_path / "msr_paraphrase_train.txt"
    lines = ["Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"] + [
        f"{i % 2}\t{i}1\t{i}2\tThe index rose {i} points on the day .\tThe index gained {i} points ."
        for i in range(20)
    ]
    lines[3] = "1\t31\t32\tThe firm&apos;s chief quit on Monday.\tThe chief of the firm quit."
    lines[5] = "0\t51\t52\tThe board met on Tuesday.\tThe board&apos;s chair was away on Tuesday."
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    markup = [f.message for f in dataqa.scan(str(pairs), select=["QUAL005"]).findings]
    assert [m.rsplit(" in ", 1)[-1] for m in markup] == ["#1 String", "#2 String"]


def test_a_pair_is_named_by_both_its_fields(tmp_path: Path) -> None:
    """LBL001, LBL002 and DUP004 compare a record's whole input: where the layout appends a second
    text (MRPC's "#2 String", a hypothesis), the message names both fields; where a context field
    is only optional in the layout and absent from the data, the text alone."""
    pairs = tmp_path / "msr_paraphrase_train.txt"
    lines = ["Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"] + [
        f"{i % 2}\t{i}1\t{i}2\tThe index rose {i} points on the day .\tThe index gained {i} points ."
        for i in range(20)
    ]
    lines[3] = "1\t31\t32\tThe board met on Tuesday.\tThe board held a meeting on Tuesday."
    lines[5] = "0\t51\t52\tThe board met on Tuesday.\tThe board held a meeting on Tuesday."
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [conflict] = dataqa.scan(str(pairs), select=["LBL001"]).findings
    assert "examples with identical #1 Strings and #2 Strings carry" in conflict.message

    texts = tmp_path / "train.jsonl"
    rows = [{"text": "refund my order", "label": "billing"}, {"text": "refund my order", "label": "shipping"}]
    rows += [{"text": f"where is parcel {i}", "label": "shipping"} for i in range(10)]
    texts.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [plain] = dataqa.scan(str(texts), select=["LBL001"]).findings
    assert "examples with identical texts carry" in plain.message
