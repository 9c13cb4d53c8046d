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
