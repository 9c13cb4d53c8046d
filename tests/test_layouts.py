"""Record layouts (issue #18, items 3-4): every layout public fine-tuning sets use is read without
options, any other field names through a field map (`--map`, `[tool.dataqa.fields]`, `fields=`), and
a file in no known layout is one finding with the option that reads it, and a NO-GO that says the
data could not be read.

Each layout's case: three clean records and one planted defect on line 4; the scan (format checks)
must report exactly that defect, on that line, naming the data set's own field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError
from dataqa.ingest import formats
from dataqa.ingest.dataset import load_split
from dataqa.ingest.detection import Detector
from dataqa.ingest.fieldmaps import mapped_layouts, parse_map
from dataqa.ingest.layouts import LAYOUTS, ROLES
from dataqa.ingest.normalisers import normalise
from dataqa.ingest.survey import KeySurvey, role_by_name
from dataqa.ingest.unrecognised import suggestion


def _msgs(user: str, reply: str, role_key: str = "role", content_key: str = "content") -> list[dict]:
    if role_key == "from":
        return [{"from": "human", "value": user}, {"from": "gpt", "value": reply}]
    return [{role_key: "user", content_key: user}, {role_key: "assistant", content_key: reply}]


QUESTIONS = [
    ("Where is my order #4411?", "It shipped yesterday and arrives on Friday."),
    ("How do I reset my password?", "Open Settings, choose Security and press Reset password."),
    ("Can I change my delivery address?", "Yes: open the order and choose Edit address before it ships."),
    ("Do you ship to Norway?", ""),  # line 4: the planted defect, an empty target
]


KTO_LABELS = dict(zip([q for q, _ in QUESTIONS], [True, False, True, "yes"], strict=True))
"""Desirable and undesirable examples in balance, and a label that is not a boolean on line 4."""


def _records(make) -> list[dict[str, Any]]:
    return [make(q, a) for q, a in QUESTIONS]


# layout name -> (record builder, the finding the defect on line 4 gives: check id, message part)
LAYOUT_CASES: dict[str, tuple[Any, str, str]] = {
    "chat": (lambda q, a: {"messages": _msgs(q, a)}, "FMT011", "the final assistant message is empty"),
    "rft": (
        lambda q, a: {"messages": [{"role": "user", "content": q}], "reference_answer": a},
        "FMT011",
        '"reference_answer" is empty: no reference to score the answer against',
    ),
    "sharegpt": (
        lambda q, a: {"conversations": _msgs(q, a, "from")},
        "FMT011",
        "conversations[1]: the final assistant message is empty",
    ),
    "vertex": (
        lambda q, a: {
            "contents": [
                {"role": "user", "parts": [{"text": q}]},
                {"role": "model", "parts": [{"text": a}]},
            ]
        },
        "FMT011",
        "contents[1]: the final assistant message is empty",
    ),
    "conversation": (
        lambda q, a: {"conversation_id": "c1", "conversation": _msgs(q, a), "model": "vicuna-13b"},
        "FMT011",
        "conversation[1]: the final assistant message is empty",
    ),
    "kto_messages": (
        lambda q, a: {"messages": _msgs(q, a or "Sure."), "label": KTO_LABELS[q]},
        "FMT008",
        '"label" is a string; KTO labels are true (desirable) or false',
    ),
    "kto_conversations": (
        lambda q, a: {"conversations": _msgs(q, a or "Sure."), "label": KTO_LABELS[q]},
        "FMT008",
        '"label" is a string; KTO labels are true (desirable) or false',
    ),
    "pairwise": (
        lambda q, a: {
            "question_id": q[:8],
            "model_a": "vicuna-13b",
            "model_b": "koala-13b",
            "winner": "model_b",
            "conversation_a": [{"role": "user", "content": q}, {"role": "assistant", "content": "No idea."}],
            "conversation_b": [{"role": "user", "content": q}, {"role": "assistant", "content": a}],
            "turn": 1,
        },
        "PREF002",
        '"conversation_b" ends with an empty assistant turn',
    ),
    "pairwise_flagged": (
        lambda q, a: {
            "post_id": "x1",
            "domain": "askscience_train",
            "history": q,
            "human_ref_A": a,
            "human_ref_B": "No idea.",
            "labels": 1,
            "score_A": 52,
            "score_B": 3,
        },
        "PREF002",
        '"human_ref_A" is empty',
    ),
    "pairwise_numbered": (
        lambda q, a: {
            "prompt": q,
            "response_0": "No idea.",
            "response_1": a,
            "better_response_id": 1,
            "safer_response_id": 1,
            "is_response_0_safe": True,
            "is_response_1_safe": True,
        },
        "PREF002",
        '"response_1" is empty',
    ),
    "pairwise_outputs": (
        lambda q, a: {
            "instruction": q,
            "output_1": "No idea.",
            "generator_1": "text_davinci_003",
            "output_2": a,
            "generator_2": "my-model",
            "annotator": "alpaca_eval_gpt4",
            "preference": 2,
            "dataset": "helpful_base",
        },
        "PREF002",
        '"output_2" is empty',
    ),
    "kto": (
        lambda q, a: {"prompt": q, "completion": a or "Sure.", "label": KTO_LABELS[q]},
        "FMT008",
        '"label" is a string',
    ),
    "openai_preference": (
        lambda q, a: {
            "input": {"messages": [{"role": "user", "content": q}]},
            "preferred_output": [{"role": "assistant", "content": a}],
            "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
        },
        "PREF002",
        '"preferred_output"',
    ),
    "preference": (
        lambda q, a: {"prompt": q, "chosen": a, "rejected": "No idea."},
        "PREF002",
        '"chosen" is empty',
    ),
    "messages_pair": (
        lambda q, a: {
            "chosen_messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}],
            "rejected_messages": [
                {"role": "user", "content": q},
                {"role": "assistant", "content": "No idea."},
            ],
        },
        "PREF002",
        "chosen_messages",
    ),
    "response_pair": (
        lambda q, a: {
            "system": "Be brief.",
            "instruction": q,
            "chosen_response": a,
            "rejected_response": "No.",
        },
        "PREF002",
        '"chosen_response" is empty',
    ),
    "prompt_completion": (lambda q, a: {"prompt": q, "completion": a}, "FMT011", '"completion" is empty'),
    "alpaca": (lambda q, a: {"instruction": q, "input": "", "output": a}, "FMT011", '"output" is empty'),
    "instruction_response": (
        lambda q, a: {"instruction": q, "input": "", "response": a},
        "FMT011",
        '"response" is empty',
    ),
    "dolly": (
        lambda q, a: {"instruction": q, "context": "Store FAQ", "response": a, "category": "closed_qa"},
        "FMT011",
        '"response" is empty',
    ),
    "question_answer": (lambda q, a: {"question": q, "answer": a}, "FMT011", '"answer" is empty'),
    "question_answers": (
        lambda q, a: {
            "id": "5733be28",
            "title": "Shop",
            "context": "Orders ship within a day and arrive within a week.",
            "question": q,
            "answers": {"text": [a], "answer_start": [0]},
        },
        "FMT011",
        '"answers" holds no answer text',
    ),
    "question_passage_answers": (
        lambda q, a: {
            "question": q,
            "url": "https://fa.wikipedia.org/wiki/Shop",
            "passage": "Orders ship within a day and arrive within a week.",
            "answers": [[0, a]],
        },
        "FMT011",
        '"answers" holds no answer text',
    ),
    "prompt_response": (lambda q, a: {"prompt": q, "response": a}, "FMT011", '"response" is empty'),
    "query_response": (lambda q, a: {"query": q, "response": a}, "FMT011", '"response" is empty'),
    "question_response": (
        lambda q, a: {"id": "niv.1", "system_prompt": "You are helpful.", "question": q, "response": a},
        "FMT011",
        '"response" is empty',
    ),
    "problem_solution": (
        lambda q, a: {"problem": q, "solution": a, "level": "Level 2", "type": "Algebra"},
        "FMT011",
        '"solution" is empty',
    ),
    "question_solution": (
        lambda q, a: {"id": 7, "question": q, "solution": [a], "final_answer": ["5"], "context": None},
        "FMT011",
        '"solution" is empty',
    ),
    "prompt_canonical_solution": (
        lambda q, a: {"task_id": "T/1", "prompt": q, "canonical_solution": a, "entry_point": "f"},
        "FMT011",
        '"canonical_solution" is empty',
    ),
    "problem_generated_solution": (
        lambda q, a: {
            "problem": q,
            "generated_solution": a,
            "expected_answer": "5",
            "problem_source": "gsm8k",
        },
        "FMT011",
        '"generated_solution" is empty',
    ),
    "query_answer": (
        lambda q, a: {"query": q, "answer": a, "resource": "glaive", "lang": "en"},
        "FMT011",
        '"answer" is empty',
    ),
    "instruction_response_upper": (
        lambda q, a: {"INSTRUCTION": q, "RESPONSE": a, "SOURCE": "oasst"},
        "FMT011",
        '"RESPONSE" is empty',
    ),
    "input_text_output_text": (
        lambda q, a: {"input_text": q, "output_text": a},
        "FMT011",
        '"output_text" is empty',
    ),
    "message_pair": (
        lambda q, a: {
            "role_1": "Clerk_RoleType.ASSISTANT",
            "topic;": "Orders",
            "message_1": q,
            "message_2": a,
        },
        "FMT011",
        '"message_2" is empty',
    ),
    "prompt_generation": (
        lambda q, a: {"prompt": q, "generation": a},
        "FMT011",
        '"generation" is empty',
    ),
    "inputs_targets": (
        lambda q, a: {"inputs": q, "targets": a, "task": "cot"},
        "FMT011",
        '"targets" is empty',
    ),
    "inputs_targets_pretokenized": (
        lambda q, a: {
            "inputs_pretokenized": q,
            "targets_pretokenized": a,
            "inputs": [3, 9],
            "targets": [5] if a else [],
        },
        "FMT011",
        '"targets_pretokenized" is empty',
    ),
    "prompt_reference": (
        lambda q, a: {"category": "style", "prompt": q, "reference": a},
        "FMT011",
        '"reference" is empty',
    ),
    "input_target": (
        lambda q, a: {"kind": "QA", "input": q, "target": a},
        "FMT011",
        '"target" is empty',
    ),
    "input_output": (lambda q, a: {"input": q, "output": a}, "FMT011", '"output" is empty'),
    "query_tools_answers": (
        lambda q, a: {
            "id": 1,
            "query": q,
            "answers": json.dumps([{"name": "answer", "arguments": {"text": a}}] if a else []),
            "tools": json.dumps([{"name": "answer", "parameters": {"text": {"type": "str"}}}]),
        },
        "FMT011",
        '"answers" holds no call',
    ),
    "question_query": (
        lambda q, a: {"db_id": "shop", "question": q, "query": f"SELECT '{a}'" if a else ""},
        "FMT011",
        '"query" is empty',
    ),
    "question_sql": (
        lambda q, a: {"question": q, "sql": f"SELECT '{a}'" if a else ""},
        "FMT011",
        '"sql" is empty',
    ),
    "dialogue_summary": (
        lambda q, a: {
            "fname": "dev_1",
            "dialogue": f"#Person1#: {q}\n#Person2#: Let me check.",
            "summary": a,
        },
        "FMT011",
        '"summary" is empty',
    ),
    "document_summary": (
        lambda q, a: {"id": "1", "document": q, "summary": a},
        "FMT011",
        '"summary" is empty',
    ),
    "article_highlights": (
        lambda q, a: {"id": "1", "article": q, "highlights": a},
        "FMT011",
        '"highlights" is empty',
    ),
    "content_summary": (lambda q, a: {"content": q, "summary": a}, "FMT011", '"summary" is empty'),
    "article_summary": (lambda q, a: {"article": q, "summary": a}, "FMT011", '"summary" is empty'),
    "article_abstract": (lambda q, a: {"article": q, "abstract": a}, "FMT011", '"abstract" is empty'),
    "segments": (
        lambda q, a: {
            "segments": [{"label": False, "text": f"<s>Q: {q}\nA: "}, {"label": bool(a), "text": f"{a}</s>"}]
        },
        "FMT011",
        'no segment of "segments" with text is trained',
    ),
    "stepwise": (
        lambda q, a: {
            "prompt": q,
            "completions": [f"The question is: {q}", a] if a else [],
            "labels": [True, True][: 2 if a else 0],
        },
        "FMT011",
        '"completions" has no step',
    ),
    "sentence_pair": (
        lambda q, a: {"sentence1": q, "sentence2": a or "Shipping?", "label": 1 if a else "", "idx": 0},
        "FMT011",
        '"label" is empty',
    ),
    "snli": (
        lambda q, a: {
            "annotator_labels": ["neutral"],
            "gold_label": "neutral" if a else "",
            "pairID": "1r1n",
            "sentence1": q,
            "sentence1_parse": "(ROOT)",
            "sentence2": a or "Shipping?",
        },
        "FMT011",
        '"gold_label" is empty',
    ),
    "sts": (
        lambda q, a: {"genre": "main-forum", "id": "0001", "score": "4.200", "sentence1": q, "sentence2": a},
        "FMT010",
        '"sentence2" is empty',
    ),
    "sts_similarity": (
        lambda q, a: {"sentence1": q, "sentence2": a, "similarity_score": 3.5},
        "FMT010",
        '"sentence2" is empty',
    ),
    "premise_hypothesis": (
        lambda q, a: {"premise": q, "hypothesis": a or "x", "label": 0 if a else "", "uid": "a1"},
        "FMT011",
        '"label" is empty',
    ),
    "question_pair": (
        lambda q, a: {"id": 1, "qid1": 1, "qid2": 2, "question1": q, "question2": a, "is_duplicate": 0},
        "FMT010",
        '"question2" is empty',
    ),
    "question_pair_label": (
        lambda q, a: {"question1": q, "question2": a, "label": 0, "idx": 3},
        "FMT010",
        '"question2" is empty',
    ),
    "question_sentence": (
        lambda q, a: {"question": q, "sentence": a or "Yes.", "label": "entailment" if a else "", "idx": 3},
        "FMT011",
        '"label" is empty',
    ),
    "mrpc": (
        lambda q, a: {"Quality": 1, "#1 ID": 1, "#2 ID": 2, "#1 String": q, "#2 String": a},
        "FMT010",
        '"#2 String" is empty',
    ),
    "boolean_question": (
        lambda q, a: {"question": q if a else "", "title": "Shop", "passage": a or "Yes.", "answer": True},
        "FMT010",
        '"question" is empty',
    ),
    "boolean_question_label": (
        lambda q, a: {"question": q if a else "", "passage": a or "We ship.", "idx": 0, "label": False},
        "FMT010",
        '"question" is empty',
    ),
    "question_passage_label": (
        lambda q, a: {"idx": 0, "passage": a or "We ship.", "question": q, "label": "true" if a else ""},
        "FMT011",
        '"label" is empty',
    ),
    "multi_label": (
        lambda q, a: {"text": q, "labels": [3, 27] if a else None, "id": q[:4]},
        "FMT011",
        '"labels" is empty',
    ),
    "multi_label_list": (
        lambda q, a: {"text": q, "label": ["shipping", "billing"] if a else None},
        "FMT011",
        '"label" is empty',
    ),
    "spacy_cats": (
        lambda q, a: {
            "text": q,
            "cats": {"shipping": 1.0, "billing": 0.0} if a else None,
            "meta": {"id": q[:4]},
        },
        "FMT011",
        '"cats" is empty',
    ),
    "classification": (
        lambda q, a: {"text": q, "label": "shipping" if a else ""},
        "FMT011",
        '"label" is empty',
    ),
    "data_turns": (
        lambda q, a: {"id": "u1", "data": [q, a]},
        "FMT011",
        "the final assistant message is empty",
    ),
    "system_chat": (
        lambda q, a: {"system": "SYSTEM: Be brief.", "chat": f"USER: {q}\n\n\nASSISTANT: {a} <|endoftext|>"},
        "FMT011",
        "the final assistant message is empty",
    ),
    "text": (lambda q, a: {"text": f"{q} {a}" if a else ""}, "FMT010", '"text" is empty'),
}


def test_every_built_in_layout_has_a_case() -> None:
    assert set(LAYOUT_CASES) == set(LAYOUTS)


def _found(report, prefixes: tuple[str, ...] = ("FMT", "PREF")) -> list[tuple[str, list[str], str]]:
    return sorted(
        (f.check_id, [f"{loc.split}:{loc.line}" for loc in f.locations], f.message)
        for f in report.findings
        if f.check_id.startswith(prefixes)
    )


@pytest.mark.parametrize("name", list(LAYOUT_CASES))
def test_each_layout_is_read_without_options_and_the_defect_found_on_its_line(
    name: str, tmp_path: Path
) -> None:
    make, check_id, message = LAYOUT_CASES[name]
    train = write_jsonl(tmp_path / "train.jsonl", _records(make))
    split = load_split("train", str(train))
    assert split.format == name and split.rows == 4
    assert [
        (line, issue.kind) for line, issue in split.record_issues if issue.kind != formats.UNKNOWN_KEYS
    ] == [(4, issue.kind) for _, issue in split.record_issues if issue.kind != formats.UNKNOWN_KEYS], (
        "only line 4 has an issue"
    )
    report = dataqa.scan(str(train), select=["FMT", "PREF"])
    found = _found(report)
    assert [(c, locs) for c, locs, _ in found] == [(check_id, ["train:4"])], found
    assert message in found[0][2]
    # clean control: the three clean records alone give no finding
    clean = write_jsonl(tmp_path / "clean.jsonl", _records(make)[:3])
    assert _found(dataqa.scan(str(clean), select=["FMT", "PREF"])) == []


def test_the_split_knows_its_fields_by_role(tmp_path: Path) -> None:
    make = LAYOUT_CASES["question_answer"][0]
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", _records(make))))
    assert split.kind == formats.PAIR
    assert split.fields["prompt"] == "question" and split.fields["response"] == "answer"
    chat = load_split("train", str(write_jsonl(tmp_path / "c.jsonl", _records(LAYOUT_CASES["chat"][0]))))
    assert chat.fields["messages"] == "messages" and chat.kind == formats.CHAT


def test_dolly_context_and_category_are_read_not_unknown(tmp_path: Path) -> None:
    row = normalise(
        {
            "instruction": "Who wrote it?",
            "context": "Hamlet is a play.",
            "response": "Shakespeare",
            "category": "qa",
        },
        "dolly",
    )
    assert row["valid"] and row["issues"] == []
    assert row["prompt"] == "Who wrote it?\n\nHamlet is a play." and row["response"] == "Shakespeare"
    empty_context = normalise({"instruction": "Hi", "context": "", "response": "Hello"}, "dolly")
    assert empty_context["valid"] and empty_context["prompt"] == "Hi"


def test_text_to_sql_instructions_are_part_of_the_prompt_and_db_name_is_metadata() -> None:
    """defog's sql-eval writes how to match names beside the question: the model is given both."""
    row = normalise(
        {
            "question": "Which customers live in Paris?",
            "query": "SELECT name FROM customer WHERE city ILIKE '%paris%';",
            "db_name": "shop",
            "instructions": "Filter city names using ILIKE.",
        },
        "question_query",
    )
    assert row["valid"] and row["issues"] == []
    assert row["prompt"] == "Which customers live in Paris?\n\nFilter city names using ILIKE."
    plain = normalise({"question": "How many?", "query": "SELECT 1;", "instructions": ""}, "question_query")
    assert plain["valid"] and plain["prompt"] == "How many?"


def test_media_lists_beside_the_messages_go_into_the_input_at_their_placeholders() -> None:
    """LLaMA-Factory/ms-swift `images` and LLaVA `image`: each file replaces its placeholder, in order;
    a file without a placeholder goes in front of the first user turn; the key is no unknown key."""
    row = normalise(
        {"messages": _msgs("<image>Who is this? And <image>?", "Kane."), "images": ["a/1.jpg", "b/2.jpg"]},
        "chat",
    )
    assert row["valid"] and row["issues"] == []
    one, two = (m for m in row["prompt"].split() if m.startswith("mediaref:"))
    assert (
        row["prompt"].startswith("<image 1.jpg mediaref:") and "And <image 2.jpg mediaref:" in row["prompt"]
    )
    assert one != two and "<image>" not in row["prompt"]
    llava = normalise(
        {
            "id": "7",
            "image": "coco/7.jpg",
            "conversations": [{"from": "human", "value": "Describe it."}, {"from": "gpt", "value": "A bus."}],
        },
        "sharegpt",
    )
    assert (
        llava["valid"]
        and llava["prompt"].startswith("<image 7.jpg mediaref:")
        and "Describe it." in llava["prompt"]
    )
    video = normalise(
        {"instruction": "<video>What happens?", "input": "", "output": "A goal.", "videos": "v.mp4"}, "alpaca"
    )
    assert video["prompt"].startswith("<video v.mp4 mediaref:")
    history = normalise(
        {
            "instruction": "And tomorrow?",
            "input": "",
            "output": "Rain.",
            "history": [["Weather today?", "Sunny."]],
        },
        "alpaca",
    )
    assert history["turns"][:2] == [
        {"role": "user", "content": "Weather today?"},
        {"role": "assistant", "content": "Sunny."},
    ]
    assert history["prompt"] == "user: Weather today?\nassistant: Sunny.\nuser: And tomorrow?"
    bad_history = normalise({"instruction": "a", "input": "", "output": "b", "history": "x"}, "alpaca")
    assert [i.detail for i in bad_history["issues"]] == [
        '"history" must be a list of [question, answer] pairs of strings'
    ]
    wrong = normalise({"messages": _msgs("<image>Hi", "Hello"), "images": 5}, "chat")
    assert not wrong["valid"] and [i.detail for i in wrong["issues"]] == [
        '"images" must be a file path, a URL or a list of them'
    ]


def test_conversations_written_without_roles_and_conversational_prompt_completion_are_read() -> None:
    """LIMA's list of strings, Capybara's {input, output} exchanges and TRL's conversational
    prompt-completion (message lists in "prompt" and "completion") are conversations like any other."""
    lima = normalise({"conversations": ["Hi", "Hello!", "Bye", "Goodbye!"], "source": "wikihow"}, "sharegpt")
    assert lima["valid"] and lima["prompt"] == "user: Hi\nassistant: Hello!\nuser: Bye"
    assert lima["response"] == "Goodbye!"
    capybara = normalise(
        {"conversation": [{"input": "Hi", "output": "Hello!"}, {"input": "Bye", "output": "Goodbye!"}]},
        "conversation",
    )
    assert capybara["valid"] and capybara["turns"] == lima["turns"]
    trl = normalise(
        {
            "prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
            "completion": [{"role": "assistant", "content": "Hello!"}],
        },
        "prompt_completion",
    )
    assert trl["valid"] and (trl["system"], trl["prompt"], trl["response"]) == ("Be brief.", "Hi", "Hello!")
    unanswered = normalise(
        {"prompt": [{"role": "user", "content": "Hi"}], "completion": [{"role": "user", "content": "Hi?"}]},
        "prompt_completion",
    )
    assert not unanswered["valid"] and [i.detail for i in unanswered["issues"]] == [
        '"completion" has no assistant answer'
    ]
    # a list that is neither strings nor exchanges is still read as messages and its faults named
    mixed = normalise({"conversations": ["Hi", {"from": "gpt", "value": "Hello"}]}, "sharegpt")
    assert not mixed["valid"]
    assert next(i.detail for i in mixed["issues"]) == "conversations[0] is a string; expected an object"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"messages": _msgs("a", "b"), "label": "billing"}, "chat"),  # a string label is not KTO's
        ({"messages": _msgs("a", "b"), "label": False}, "kto_messages"),
        ({"conversations": _msgs("a", "b"), "label": True}, "kto_conversations"),  # ms-swift's KTO key
        ({"conversations": _msgs("a", "b", "from"), "label": "billing"}, "sharegpt"),
        ({"prompt": "a", "completion": "b", "label": True}, "kto"),
        ({"instruction": "a", "input": "x", "output": "b"}, "alpaca"),
        ({"instruction": "a", "output": "b"}, "alpaca"),
        ({"instruction": "a", "input": "x", "response": "b"}, "instruction_response"),
        ({"instruction": "a", "context": "x", "response": "b", "category": "qa"}, "dolly"),
        ({"instruction": "a"}, "alpaca"),  # claimed by its anchor: an Alpaca record without output
        ({"conversations": _msgs("a", "b", "from"), "chosen": "x", "rejected": "y"}, "preference"),
        ({"text": "a", "label": "b"}, "classification"),
        ({"text": "a", "id": 3, "url": "https://example.org"}, "text"),
        ({"text": "a", "intent": "greet"}, None),
        ({"preferred_output": []}, "openai_preference"),
        ({"conversation": _msgs("a", "b"), "conversation_id": "x", "turn": 1}, "conversation"),
        ({"chosen_messages": _msgs("a", "b"), "rejected_messages": _msgs("a", "c")}, "messages_pair"),
        ({"fname": "dev_0", "dialogue": "a", "summary": "b", "topic": "t"}, "dialogue_summary"),
        ({"id": "1", "article": "a", "highlights": "b"}, "article_highlights"),
        (
            {"db_id": "shop", "question": "a", "query": "SELECT 1", "query_toks": ["SELECT", "1"]},
            "question_query",
        ),
        ({"question": "a", "sql": "SELECT 1"}, "question_sql"),
        ({"question": "a", "answer": "7", "sql": "SELECT 7"}, "question_sql"),
        ({"question": "a", "query": "SELECT 1", "sql": {"select": [0]}}, "question_query"),
        ({"query": "a", "response": "b"}, "query_response"),
        ({"category": "format", "prompt": "a", "reference": "b"}, "prompt_reference"),
        ({"id": "cot.1", "system_prompt": "s", "question": "a", "response": "b"}, "question_response"),
        ({"question": "a", "answer": "b"}, "question_answer"),
        ({"problem": "a", "solution": "b", "level": "Level 1", "type": "Algebra"}, "problem_solution"),
        ({"inputs": "a", "targets": "b", "task": "flan"}, "inputs_targets"),
        ({"id": "7", "data": ["a", "b", "c", "d"]}, "data_turns"),
        ({"data": [{"text": "Rate "}, {"text": "this book", "entity": "object"}]}, None),  # SNIPS segments
        ({"id": "7", "data": []}, None),
        (
            {"inputs_pretokenized": "a", "targets_pretokenized": "b", "inputs": [1, 2], "targets": [3]},
            "inputs_targets_pretokenized",
        ),
        ({"text": "a", "id": "<urn:1>", "dump": "CC-MAIN-2013-20", "language_score": 0.9}, "text"),
        ({"id": "1", "text": "a", "source": "c4", "added": "2023", "created": "2019"}, "text"),
        ({"prompt": "a", "response": "b"}, "prompt_response"),
    ],
)
def test_detection_picks_the_most_specific_layout(record: dict, expected: str | None) -> None:
    assert formats.detect_format(record) == expected


def test_label_field_keeps_its_old_meaning() -> None:
    assert (
        formats.detect_format({"prompt": "a", "completion": "b", "label": "x"}, "label")
        == "prompt_completion"
    )
    assert formats.detect_format({"text": "a", "intent": "greet"}, "intent") == "classification"
    assert formats.detect_format({"messages": _msgs("a", "b"), "label": True}, "label") == "chat"


def test_text_parts_written_with_value_are_not_empty_content(tmp_path: Path) -> None:
    def parts(text: str) -> list[dict]:
        return [{"type": "text", "value": text}] if text else [{"type": "text", "value": ""}]

    records = [
        {
            "messages": [
                {"role": "user", "content": parts(q)},
                {"role": "assistant", "content": parts(a or "Sure.")},
            ]
        }
        for q, a in QUESTIONS
    ]
    records[2]["messages"][0]["content"] = parts("")  # line 3: a user turn that is really empty
    train = write_jsonl(tmp_path / "train.jsonl", records)
    report = dataqa.scan(str(train), select=["FMT"])
    assert [(c, locs) for c, locs, _ in _found(report)] == [("FMT010", ["train:3"])]
    split = load_split("train", str(train))
    assert split.frame["prompt"].to_list()[0] == QUESTIONS[0][0]


def test_kto_chat_runs_the_kto_checks_and_label_is_not_an_unknown_key(tmp_path: Path) -> None:
    records = [{"messages": _msgs(f"Question {i}?", f"Answer {i}."), "label": i != 7} for i in range(12)]
    train = write_jsonl(tmp_path / "train.jsonl", records)
    report = dataqa.scan(str(train), select=["FMT", "PREF"])
    assert [(c, locs) for c, locs, _ in _found(report)] == [("PREF006", ["train:8"])]


def _text_rows() -> list[dict]:
    words = ["river", "lamp", "invoice", "garden", "rocket", "tiger", "violin", "harbor", "pencil", "meadow"]
    rows = [
        {"text": f"Note {i}: " + " ".join(words[(i + k) % len(words)] for k in range(9)) + f" ends here {i}."}
        for i in range(30)
    ]
    rows[9] = dict(rows[2])  # line 10 copies line 3
    rows[14] = {"text": "Write to priya.raman84@gmail.com about the harbor lamp invoice, she said on Monday."}
    return rows


def test_plain_text_runs_duplicates_pii_and_leakage_and_skips_target_checks(tmp_path: Path) -> None:
    rows = _text_rows()
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    test = write_jsonl(tmp_path / "test.jsonl", [rows[20], {"text": "A held-out note about a quiet garden."}])
    report = dataqa.scan(str(train), test=str(test))
    assert report.split("train").format == "text"
    by_id = {f.check_id: [f"{loc.split}:{loc.line}" for loc in f.locations] for f in report.findings}
    assert by_id["DUP001"] == ["train:3", "train:10"]
    assert by_id["PII002"] == ["train:15"]
    assert sorted(by_id["LEAK001"]) == ["test:1", "train:21"]
    targeted = ["FMT011", "FMT012", "FMT017", "LBL007", "QUAL007", "QUAL008", "QUAL009", "COV003", "DUP004"]
    results = {r.check_id: r for r in report.results}
    for check_id in targeted:
        assert results[check_id].status.value == "skipped", check_id
        assert "plain text for continued pre-training" in results[check_id].reason
    assert results["QUAL004"].status.value != "skipped" and results["DUP003"].status.value != "skipped"


# -- a file in no known layout: one finding, the option that reads it, NO-GO "cannot read the data" ----


def _webquestions(n: int = 40) -> list[dict]:
    return [
        {"qId": f"wq{i:04d}", "answers": [f"Answer {i}"], "qText": f"what is question number {i} about?"}
        for i in range(n)
    ]


def test_a_file_in_no_known_layout_is_one_finding_with_the_map_that_reads_it(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _webquestions())
    report = dataqa.scan(str(train), select=["FMT"])
    found = _found(report)
    assert [(c, locs) for c, locs, _ in found] == [("FMT018", ["train:1"])]
    assert found[0][2] == (
        'no record is in a layout dataqa knows; most records have the keys "qId", "answers", "qText" '
        "(40 record(s)). Read it with: --map qText=prompt --map answers=response (`dataqa formats` lists "
        "the layouts)"
    )
    assert report.verdict == "NO-GO"
    assert [c.name for c in report.conditions] == ["data-readable"]
    (cond,) = report.conditions
    assert (
        cond.reason
        == "cannot read the data: no record could be read from train (train.jsonl); the FMT findings say why"
    )
    assert not any(c.name == "training-size" for c in report.conditions)
    sizes = {r.check_id: r for r in report.results if r.check_id.startswith("SIZE")}
    assert all(r.status.value == "skipped" for r in sizes.values())
    html = report.to_html()
    assert "Should we fine-tune?" not in html and 'id="size"' not in html


def test_the_suggested_map_reads_the_file(tmp_path: Path) -> None:
    rows = _webquestions()
    rows[2]["answers"] = []  # line 3: no answer
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    report = dataqa.scan(str(train), select=["FMT"], fields={"qText": "prompt", "answers": "response"})
    assert [(c, locs, m) for c, locs, m in _found(report)] == [("FMT011", ["train:3"], '"answers" is empty')]
    split = report.split("train")
    assert split.format == "mapped" and split.rows == 40


def test_cannot_read_names_every_unread_split_and_a_read_file_is_judged_as_usual(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _records(LAYOUT_CASES["question_answer"][0])[:3])
    test = write_jsonl(tmp_path / "test.jsonl", [])
    report = dataqa.scan(str(train), test=str(test), select=["FMT"])
    assert [c.reason for c in report.conditions] == [
        "cannot read the data: no record could be read from test (test.jsonl); the FMT findings say why"
    ]
    fine = dataqa.scan(str(train), select=["FMT"])
    assert "data-readable" not in [c.name for c in fine.conditions]
    assert "training-size" in [c.name for c in fine.conditions]


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (_webquestions(), "--map qText=prompt --map answers=response"),
        (
            [
                {"iIndex": i, "lSolutions": [float(i)], "sQuestion": f" Sam has {i} apples. How many? "}
                for i in range(9)
            ],
            "--map sQuestion=prompt --map lSolutions=response",
        ),
        (
            [
                {
                    "id": f"t{i}",
                    "instruction": f"Task {i}",
                    "instances": [{"input": "", "output": f"Out {i}"}],
                }
                for i in range(9)
            ],
            "--map instances.0.input=context --map instances.0.output=response",
        ),
        (
            [{"text": f"hello {i}", "intent": ["greet", "bye"][i % 2]} for i in range(20)],
            "--map intent=label",
        ),
        ([{"mesages": _msgs("a", "b")} for _ in range(5)], "--map mesages=messages"),
        ([{"text": f"page {i}", "score": 0.5, "dump": "CC-2024"} for i in range(5)], "--format text"),
        (
            [{"data": [{"text": "Rate "}, {"text": f"book {i}", "entity": "object_name"}]} for i in range(5)],
            "--map data=text",
        ),
        ([{"a": 1, "b": 2} for _ in range(5)], None),
        (  # Nectar: a count of the answers is no answer; the first (best-ranked) one is
            [
                {
                    "prompt": f"\n\nHuman: Name {i} colours.\n\nAssistant:",
                    "answers": [{"answer": f"Red and {i} more", "model": "m", "rank": 1.0}],
                    "num_responses": 7,
                    "turns": 1,
                }
                for i in range(9)
            ],
            "--map prompt=prompt --map answers.0.answer=response",
        ),
        (  # Kaggle's spam.csv: names that say nothing, and three empty columns: read by values
            [
                {"v1": ["ham", "spam"][i % 2], "v2": f"Message number {i} about lunch plans", "": ""}
                for i in range(20)
            ],
            "--map v2=text --map v1=label",
        ),
        ([{"v1": f"code {i}", "v2": f"note {i}"} for i in range(20)], "--map v1=prompt --map v2=response"),
    ],
)
def test_suggestions_are_tried_on_the_records_before_they_are_made(
    records: list[dict], expected: str | None
) -> None:
    survey = KeySurvey()
    for record in records:
        survey.add(record)
    assert suggestion(survey) == expected


def test_mapped_fields_read_numbers_lists_and_segments_as_text(tmp_path: Path) -> None:
    rows = [
        {
            "data": [
                {"text": "Rate "},
                {"text": "All That Remains", "entity": "object_name"},
                {"text": " five"},
            ]
        },
        {"data": [{"text": "give this novel 5 stars"}]},
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", rows)), fields={"data": "text"})
    assert split.frame["text"].to_list() == ["Rate All That Remains five", "give this novel 5 stars"]
    rows = [
        {"sQuestion": " Sam has 3 apples. ", "lSolutions": [3.0]},
        {"sQuestion": "Two?", "lSolutions": [1, 2]},
    ]
    split = load_split(
        "train",
        str(write_jsonl(tmp_path / "m.jsonl", rows)),
        fields={"sQuestion": "prompt", "lSolutions": "response"},
    )
    assert split.frame["response"].to_list() == ["3.0", "1\n2"] and not split.record_issues


def _worked(n: int) -> str:
    return (
        f"Sample {n}: we add the two numbers step by step, carrying the ten into the next column, "
        "and check the sum by subtracting it back, so the answer is 5."
    )


def test_a_list_of_whole_answers_is_read_as_its_first_and_a_list_of_short_answers_joined(
    tmp_path: Path,
) -> None:
    """Best-of-N samples and alternative worked solutions are N answers to one prompt: the first is
    the target, not all N run together (a false repetition on every row); WebQuestions' several right
    short answers are one answer written as a list, joined one a line."""
    sampled = [
        {"query": f"What is {i} + 5 - {i}?", "response": [_worked(k) for k in range(4)]} for i in range(3)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "bon.jsonl", sampled)))
    assert split.format == "query_response" and split.frame["response"].to_list() == [_worked(0)] * 3
    olympiad = [{"question": "How many moves?", "solution": [_worked(1), _worked(2)], "final_answer": ["5"]}]
    split = load_split("train", str(write_jsonl(tmp_path / "olympiad.jsonl", olympiad)))
    assert split.format == "question_solution" and split.frame["response"].to_list() == [_worked(1)]
    assert not split.record_issues
    report = dataqa.scan(str(tmp_path / "bon.jsonl"), select=["QUAL003"])
    assert [f.check_id for f in report.findings] == []
    short = [{"qText": "who is the president?", "answers": ["Barack Obama", "Obama"]}]
    split = load_split(
        "train",
        str(write_jsonl(tmp_path / "wq.jsonl", short)),
        fields={"qText": "prompt", "answers": "response"},
    )
    assert split.frame["response"].to_list() == ["Barack Obama\nObama"]
    one = [{"query": "Why?", "response": [_worked(0), "Short tail."]}]  # not every item an answer: joined
    split = load_split("train", str(write_jsonl(tmp_path / "one.jsonl", one)))
    assert split.frame["response"].to_list() == [f"{_worked(0)}\nShort tail."]


def test_a_map_that_reads_no_record_says_so(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _webquestions(5))
    report = dataqa.scan(str(train), select=["FMT"], fields={"question": "prompt", "answers": "response"})
    (finding,) = [f for f in report.findings if f.check_id == "FMT018"]
    assert finding.message.startswith("no record has the fields your field map names (question = prompt")


# -- field maps: the command line, the configuration, the API --------------------------------------


def test_map_on_the_command_line(tmp_path: Path) -> None:
    rows = _webquestions(12)
    rows[4]["qText"] = "   "
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    runner = CliRunner()
    args = ["scan", str(train), "--no-config", "--select", "FMT", "--output-format", "concise"]
    result = runner.invoke(main, [*args, "--map", "qText=prompt", "--map", "answers=response"])
    assert f"{train}:5: FMT010" in result.output and "FMT018" not in result.output
    bad = runner.invoke(main, [*args, "--map", "qText=question"])
    assert bad.exit_code == 2 and "unknown role 'question'" in bad.output
    clash = runner.invoke(main, [*args, "--map", "qText=prompt", "--map", "qId=prompt"])
    assert clash.exit_code == 2 and "one field plays each role" in clash.output


def test_map_on_clean_keeps_the_readable_rows(tmp_path: Path) -> None:
    rows = _webquestions(6)
    rows[1]["answers"] = []
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "clean",
            str(train),
            "-o",
            str(out),
            "--no-config",
            "--map",
            "qText=prompt",
            "--map",
            "answers=response",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "kept 5 of 6 lines" in result.output


def test_fields_in_the_configuration(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _webquestions(6))
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.dataqa.fields]\nqText = "prompt"\nanswers = "response"\n')
    report = dataqa.scan(str(train), config=str(config), select=["FMT"])
    assert _found(report) == [] and report.split("train").format == "mapped"
    config.write_text('[tool.dataqa.fields]\nqText = "promt"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml\.fields\.qText: unknown role 'promt'"):
        dataqa.scan(str(train), config=str(config))
    config.write_text('[tool.dataqa.fields]\nqText = "chosen"\nanswers = "context"\n')
    with pytest.raises(ConfigError, match="do not fit any layout"):
        dataqa.scan(str(train), config=str(config))
    config.write_text(
        '[tool.dataqa.datasets.qa]\ntrain = "train.jsonl"\n'
        'fields = { qText = "prompt", answers = "response" }\n'
    )
    from dataqa.engine.config import load_config

    _paths, cfg = load_config(config).for_dataset("qa")
    assert cfg.fields == {"qText": "prompt", "answers": "response"}


def test_a_map_with_format_renames_one_field_of_that_layout(tmp_path: Path) -> None:
    rows = [{"prompt": f"Q{i}", "completion": f"A{i}", "thumbs_up": i % 3 != 0} for i in range(6)]
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    split = load_split("train", str(train), fmt="kto", fields={"thumbs_up": "label"})
    assert split.kind == formats.KTO and split.frame["label"].to_list()[:2] == ["false", "true"]
    assert not split.record_issues
    detected = load_split("train", str(train), fields={"thumbs_up": "label"})
    assert detected.kind == formats.KTO


def test_a_label_map_on_chat_keeps_chat_and_gives_labels(tmp_path: Path) -> None:
    rows = [{"messages": _msgs(f"Q{i}", f"A{i}"), "intent": ["a", "b"][i % 2]} for i in range(6)]
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", rows)), fields={"intent": "label"})
    assert split.format == "chat" and split.label_source == "intent"
    assert split.frame["label"].to_list() == ["a", "b"] * 3


def test_parse_map_and_mapped_layouts() -> None:
    assert parse_map(["question=prompt", " answer = response "]) == {
        "question": "prompt",
        "answer": "response",
    }
    with pytest.raises(ValueError, match="write FIELD=ROLE"):
        parse_map(["question"])
    layouts = mapped_layouts({"answer": "response"})
    detector = Detector([*layouts, *LAYOUTS.values()])
    layout, complete = detector.detect({"instruction": "a", "input": "b", "answer": "c"})
    assert complete and layout.kind == formats.PAIR and layout.source("response") == "answer"
    assert layout.source("prompt") == "instruction" and layout.source("context") == "input"


def test_a_mapped_layout_is_named_by_the_map_the_user_wrote(tmp_path: Path) -> None:
    """The fields a mapped layout kept from the built-in one it was made from (a SQuAD layout's
    "title", "is_impossible") were never written by the user: messages name the map only."""
    summaries = {layout.summary for layout in mapped_layouts({"instruction": "prompt", "label": "response"})}
    assert summaries == {"your field map: instruction = prompt, label = response"}
    train = write_jsonl(
        tmp_path / "train.jsonl", [{"instruction": f"Name {i}.", "output": f"N{i}"} for i in range(3)]
    )
    test = write_jsonl(tmp_path / "test.jsonl", [{"id": "a1", "instruction": "Name 9.", "label": "N9"}])
    args = ["scan", str(train), "--test", str(test), "--map", "instruction=prompt", "--map", "label=response"]
    result = CliRunner().invoke(main, [*args, "--exit-zero"])
    assert "test is your field map: instruction = prompt, label = response but train is" in result.output


def test_formats_command_lists_every_layout_and_role() -> None:
    result = CliRunner().invoke(main, ["formats"])
    assert result.exit_code == 0
    for name, layout in LAYOUTS.items():
        assert f"  {name} " in result.output and layout.example in result.output
    for role in ROLES:
        assert f"  {role} " in result.output
    assert "--map qText=prompt --map answers=response" in result.output


def test_records_with_thousands_of_keys_are_one_finding_and_not_cached(tmp_path: Path) -> None:
    rows = [{f"k{i}_{j}": "x" * 50 for j in range(2000)} for i in range(30)]
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    report = dataqa.scan(str(train), select=["FMT"])
    found = _found(report)
    assert [(c, locs) for c, locs, _ in found] == [("FMT018", ["train:1"])]
    assert "the keys seen most are" in found[0][2] and "Name the fields with --map" in found[0][2]
    detector = Detector(list(LAYOUTS.values()))
    assert detector.detect(rows[0]) == (None, False) and not detector._cache


def test_a_mapped_text_prompt_with_chosen_and_rejected_is_plain_preference_not_openai() -> None:
    """{question, good, bad} mapped to prompt/chosen/rejected (StackExchange-paired's shape) is read as
    plain preference pairs; only a prompt that is an object ({"messages": [...]}) is OpenAI's input."""
    from dataqa.ingest.detection import Detector
    from dataqa.ingest.fieldmaps import mapped_layouts

    fields = {"question": "prompt", "good": "chosen", "bad": "rejected"}
    detector = Detector([*mapped_layouts(fields), *LAYOUTS.values()])
    plain, complete = detector.detect({"question": "Say hi", "good": "Hi!", "bad": "Go away."})
    assert complete and plain is not None and plain.base == "preference"
    row = normalise({"question": "Say hi", "good": "Hi!", "bad": "Go away."}, plain)
    assert row["valid"] and row["prompt"] == "Say hi" and row["rejected"] == "Go away."
    chat = {"question": {"messages": [{"role": "user", "content": "Say hi"}]}, "good": [], "bad": []}
    openai, _ = detector.detect(chat)
    assert openai is not None and openai.base == "openai_preference"


def test_a_preference_pair_written_as_alpaca_reads_the_instruction_and_its_input(tmp_path: Path) -> None:
    """{"instruction", "input", "chosen", "rejected"} (LLaMA-Factory's alpaca-format DPO; "Build a
    Large Language Model"'s instruction-data-with-preference): the prompt is the instruction with the
    input appended, and an empty input is a task that needs none. "input" alone was read as the
    prompt: the instruction was lost and each empty input was a blocking FMT010."""
    pairs = [
        ("Edit the following sentence for grammar.", "He go to the park.", "He goes to the park."),
        ("What is the capital of Germany?", "", "The capital of Germany is Berlin."),
        ("Name a primary colour.", "", "Red is a primary colour."),
        ("Give an example of a metaphor.", "", "Time is a thief."),
    ]
    rows = [{"instruction": i, "input": x, "chosen": c, "rejected": "Look it up."} for i, x, c in pairs]
    rows[3]["instruction"] = ""  # line 4: the planted defect, an empty instruction
    row = normalise(rows[0], "preference")
    assert (row["valid"], row["prompt"]) == (
        True,
        "Edit the following sentence for grammar.\n\nHe go to the park.",
    )
    row = normalise(rows[1], "preference")
    assert (row["valid"], row["prompt"], row["issues"]) == (True, "What is the capital of Germany?", [])
    path = tmp_path / "dpo.jsonl"
    write_jsonl(path, rows)
    report = dataqa.scan(str(path), select=["FMT"])
    assert report.splits[0].format == "preference"
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("FMT010", [4])]
    assert '"instruction" is empty' in report.findings[0].message
    # distilabel's preference records write the prompt as "input" alone: still read as the prompt
    alone = normalise({"input": "Say hi", "chosen": "Hello!", "rejected": "Go away."}, "preference")
    assert (alone["valid"], alone["prompt"]) == (True, "Say hi")


@pytest.mark.parametrize(("flag", "chosen", "rejected"), [(1, "first", "second"), (0, "second", "first")])
def test_shp_labels_flag_says_whether_a_is_preferred(flag: int, chosen: str, rejected: str) -> None:
    row = normalise(
        {"history": "Q?", "human_ref_A": "first", "human_ref_B": "second", "labels": flag}, "pairwise_flagged"
    )
    assert (row["valid"], row["prompt"], row["response"], row["rejected"]) == (True, "Q?", chosen, rejected)
    wrong = normalise(
        {"history": "Q?", "human_ref_A": "a", "human_ref_B": "b", "labels": "A"}, "pairwise_flagged"
    )
    assert [i.detail for i in wrong["issues"]] == [
        "\"labels\" is 'A'; expected 1 (A is preferred) or 0 (B is)"
    ]


def test_a_list_of_classes_is_multi_label_classification_with_its_canonical_set(tmp_path: Path) -> None:
    """GoEmotions' shape is read as multi-label classification: the label is the row's set of classes
    (distinct, numbers in numeric order, then names), an empty list a row with no class, one class
    alone a set of one; a list of objects is no set (LBL008's), a list beside a sentence pair neither."""

    def label(obj: dict[str, Any], layout: str = "multi_label") -> tuple[str | None, bool]:
        row = normalise(obj, layout)
        return row["label"], json.loads(row["structure"] or "{}").get("label_type") is None

    assert label({"text": "t", "labels": [27, 3, 3, 10]}) == ("[3,10,27]", True)
    assert label({"text": "t", "labels": ["joy", "anger", "joy"]}) == ('["anger","joy"]', True)
    assert label({"text": "t", "labels": []}) == ("[]", True)
    assert label({"text": "t", "labels": "joy"}) == ('["joy"]', True)
    assert label({"text": "t", "labels": [{"id": 3}]}) == ('[{"id":3}]', False)
    assert label({"text": "t", "label": [2, 1]}, "multi_label_list") == ("[1,2]", True)
    assert normalise({"text": "t", "labels": []}, "multi_label")["issues"] == []
    pair = {"sentence1": "a", "sentence2": "b", "label": [1, 2]}
    assert label(pair, "sentence_pair") == ("[1,2]", False)
    detector = Detector(list(LAYOUTS.values()))
    assert detector.detect({"text": "t", "labels": [3], "id": "x"})[0].name == "multi_label"
    assert detector.detect({"text": "t", "label": [3]})[0].name == "multi_label_list"
    assert detector.detect({"text": "t", "label": "a"})[0].name == "classification"
    records = [{"text": f"row {i}", "labels": [i % 3, 27]} for i in range(4)]
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", records)))
    assert split.multi_label and split.format == "multi_label"
    assert split.frame["label"].to_list() == ["[0,27]", "[1,27]", "[2,27]", "[0,27]"]
    # the same field given on the command line, and a split where half the labels are lists, are not
    by_option = load_split("train", str(write_jsonl(tmp_path / "o.jsonl", records)), label_field="labels")
    assert by_option.multi_label
    half = [{"text": "a", "label": "x"}, {"text": "b", "label": ["x", "y"]}]
    assert not load_split("train", str(write_jsonl(tmp_path / "h.jsonl", half))).multi_label


def test_parallel_lists_of_turns_are_one_conversation() -> None:
    """Chinese-Vicuna's chat records keep the user turns in one list and the replies in another of
    the same length (output[i] answers input[i]): a conversation, not one prompt and one answer of
    several lines each. Lists of other lengths, or of one item, are still read one item per line."""
    chat = normalise(
        {
            "input": ["Draft a run sheet for the launch", "Make it shorter"],
            "output": ["09:00 doors ...", "09:00 ..."],
        },
        "input_output",
    )
    assert chat["valid"] and chat["turns"] == [
        {"role": "user", "content": "Draft a run sheet for the launch"},
        {"role": "assistant", "content": "09:00 doors ..."},
        {"role": "user", "content": "Make it shorter"},
        {"role": "assistant", "content": "09:00 ..."},
    ]
    assert (
        chat["prompt"]
        == "user: Draft a run sheet for the launch\nassistant: 09:00 doors ...\nuser: Make it shorter"
    )
    assert chat["response"] == "09:00 ..."
    uneven = normalise({"input": ["first line", "second line"], "output": ["one answer"]}, "input_output")
    assert uneven["valid"] and (uneven["prompt"], uneven["response"]) == (
        "first line\nsecond line",
        "one answer",
    )
    single = normalise({"input": ["only line"], "output": ["only answer"]}, "input_output")
    assert single["valid"] and (single["prompt"], single["response"]) == ("only line", "only answer")


def test_chatglm_history_beside_prompt_and_response_is_the_earlier_conversation() -> None:
    """ChatGLM's multi-turn P-Tuning records are {"prompt", "response", "history": [[q, a], ...]}:
    the history is the conversation before the prompt, part of the input, not an unknown key."""
    row = normalise(
        {
            "prompt": "Still not working.",
            "response": "Then check the wiring.",
            "history": [["The fan is off.", "Is the relay fine?"]],
        },
        "prompt_response",
    )
    assert row["valid"] and not row["issues"]
    assert row["prompt"] == "user: The fan is off.\nassistant: Is the relay fine?\nuser: Still not working."
    first = normalise(
        {"prompt": "The fan is off.", "response": "Is the relay fine?", "history": []}, "prompt_response"
    )
    assert first["valid"] and not first["issues"] and first["prompt"] == "The fan is off."


# Roles a file names in its own words (issue #19: Vigogne's "UTILISATEUR"/"ASSISTANT"): read when the
# whole file says so, said once for the split; a name on a few records stays FMT009 (tests/cases).


def _chat(roles: tuple[str, str], exchanges: int, key: str = "messages") -> list[dict]:
    asked, answered = roles
    return [
        {key: [{"role": asked, "content": f"Question {i}?"}, {"role": answered, "content": f"Answer {i}."}]}
        for i in range(exchanges)
    ]


def test_a_chat_naming_its_roles_in_its_own_words_is_read_with_them_and_said_once(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "t.jsonl", _chat(("Benutzer", "Assistent"), 4))
    split = load_split("train", str(train))
    assert split.layout is not None and split.layout.renamed == (
        ("Assistent", "assistant"),
        ("Benutzer", "user"),
    )
    assert split.record_issues == [] and split.turns["role"].cast(str).to_list() == ["user", "assistant"] * 4
    report = dataqa.scan(str(train), select=["FMT"])
    assert _found(report) == []
    info = report.splits[0]
    assert info.roles == {"Assistent": "assistant", "Benutzer": "user"}
    assert '"Benutzer" as user' in info.read_as and info.to_dict()["roles"] == info.roles
    # the provider rules still judge the roles as written: OpenAI refuses them
    prov = dataqa.scan(str(train), select=["PROV002"], profile="openai")
    assert sorted(f.message.split('"')[1] for f in prov.findings) == ["Assistent", "Benutzer"]


def test_roles_a_file_writes_in_a_standard_chat_are_not_renamed(tmp_path: Path) -> None:
    """Look-alikes: standard roles (nothing renamed, no `roles` in the report), two unknown names that
    no known name anchors, a known name on a minority of records, fewer records than say anything."""
    standard = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", _chat(("user", "assistant"), 4))))
    assert standard.layout is not None and standard.layout.renamed == ()
    assert dataqa.scan(str(tmp_path / "s.jsonl"), select=["FMT"]).splits[0].to_dict().get("roles") is None
    unanchored = load_split("train", str(write_jsonl(tmp_path / "u.jsonl", _chat(("Alice", "Bob"), 4))))
    assert unanchored.layout is not None and unanchored.layout.renamed == ()
    assert {i.kind for _, i in unanchored.record_issues} == {formats.UNKNOWN_ROLE}
    mixed = _chat(("user", "assistant"), 3) + _chat(("human", "bot"), 1)
    few = load_split("train", str(write_jsonl(tmp_path / "m.jsonl", mixed)))
    assert few.layout is not None and few.layout.renamed == ()
    assert {line for line, i in few.record_issues if i.kind == formats.UNKNOWN_ROLE} == {4}
    two = load_split("train", str(write_jsonl(tmp_path / "two.jsonl", _chat(("human", "bot"), 2))))
    assert two.layout is not None and two.layout.renamed == ()


def test_an_unnamed_role_is_read_by_the_known_role_it_alternates_with(tmp_path: Path) -> None:
    records = _chat(("client", "conseiller"), 3)
    records[0]["messages"] += [
        {"role": "client", "content": "Merci"},
        {"role": "conseiller", "content": "Avec plaisir."},
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", records)))
    assert split.layout is not None and dict(split.layout.renamed) == {
        "client": "user",
        "conseiller": "assistant",
    }
    # two turns of one role in a row break the alternation: no evidence for the unnamed role, which
    # stays FMT009; the known name is still read
    records[1]["messages"].insert(1, {"role": "client", "content": "Vous êtes là ?"})
    records[2]["messages"].insert(1, {"role": "client", "content": "Allô ?"})
    broken = load_split("train", str(write_jsonl(tmp_path / "b.jsonl", records)))
    assert broken.layout is not None and broken.layout.renamed == (("client", "user"),)
    assert {i.detail.split('"')[1] for _, i in broken.record_issues if i.kind == formats.UNKNOWN_ROLE} == {
        "conseiller"
    }


def test_known_role_names_are_read_beside_a_common_role_nothing_names(tmp_path: Path) -> None:
    records = _chat(("Benutzer", "Assistent"), 4)
    for rec in records:
        rec["messages"].insert(1, {"role": "Erzähler", "content": "Es regnet."})
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", records)))
    assert split.layout is not None and dict(split.layout.renamed) == {
        "Assistent": "assistant",
        "Benutzer": "user",
    }
    unknown = [(line, i.detail) for line, i in split.record_issues if i.kind == formats.UNKNOWN_ROLE]
    assert [line for line, _ in unknown] == [1, 2, 3, 4] and all('"Erzähler"' in d for _, d in unknown)
    assert not any("Benutzer" in d for _, d in unknown)


def _keyed(
    keys: tuple[str, str], roles: tuple[str, str], exchanges: int, key: str = "messages"
) -> list[dict]:
    """A chat whose messages write their role and words under `keys` (a dialogue set's own)."""
    who, said = keys
    return [
        {key: [{who: roles[0], said: f"Question {i}?"}, {who: roles[1], said: f"Answer {i}."}]}
        for i in range(exchanges)
    ]


@pytest.mark.parametrize(
    ("keys", "roles", "key", "renamed"),
    [
        (("speaker", "text"), ("user", "assistant"), "messages", {"speaker": "role", "text": "content"}),
        (("role", "text"), ("user", "assistant"), "messages", {"text": "content"}),
        (("author", "message"), ("user", "assistant"), "messages", {"author": "role", "message": "content"}),
        (("from", "text"), ("human", "gpt"), "messages", {"from": "role", "text": "content"}),
        (
            ("sender", "content"),
            ("human", "bot"),
            "conversation",
            {"sender": "role", "human": "user", "bot": "assistant"},
        ),
    ],
)
def test_messages_keyed_in_a_files_own_words_are_read_and_said_once(
    tmp_path: Path, keys: tuple[str, str], roles: tuple[str, str], key: str, renamed: dict[str, str]
) -> None:
    """Every message of the file writes the same other key pair: read as role/content, no FMT007 a record,
    one line for the split (`roles` in the report names the keys as it names renamed roles)."""
    train = write_jsonl(tmp_path / "t.jsonl", _keyed(keys, roles, 4, key))
    split = load_split("train", str(train))
    assert split.layout is not None and dict(split.layout.renamed) == renamed
    assert split.record_issues == [] and split.turns["role"].cast(str).to_list() == ["user", "assistant"] * 4
    assert split.turns["content"].cast(str).to_list()[:2] == ["Question 0?", "Answer 0."]
    report = dataqa.scan(str(train), select=["FMT"])
    assert _found(report) == [] and report.splits[0].roles == renamed
    assert "messages' keys read by their names" in report.splits[0].read_as


def test_a_few_messages_keyed_otherwise_in_a_standard_chat_stay_format_errors(tmp_path: Path) -> None:
    """Look-alikes: a few records missing "content" (or writing "text") in an otherwise standard file keep
    their FMT007 a record; messages mixing two key pairs in one file are not renamed."""
    records = _chat(("user", "assistant"), 8)
    del records[2]["messages"][1]["content"]
    records[5]["messages"][1] = {"role": "assistant", "text": "Answer 5."}
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", records)))
    assert split.layout is not None and split.layout.renamed == ()
    missing = [line for line, i in split.record_issues if i.kind == formats.MISSING_FIELD]
    assert missing == [3, 6] and {line for line, _ in split.record_issues} == {3, 6}
    mixed = _keyed(("speaker", "text"), ("user", "assistant"), 3) + _keyed(
        ("author", "message"), ("user", "assistant"), 3
    )
    half = load_split("train", str(write_jsonl(tmp_path / "m.jsonl", mixed)))
    assert half.layout is not None and half.layout.renamed == ()
    missing = {line for line, i in half.record_issues if i.kind == formats.MISSING_FIELD}
    assert missing == {1, 2, 3, 4, 5, 6}


def test_a_conversation_under_a_key_no_layout_names_is_read_as_chat_by_its_messages(tmp_path: Path) -> None:
    """{"dialog": [{"speaker", "text"}]} was FMT018 with `--map dialog=text`: read as chat, said once; turns
    by the speakers' own names that no known name anchors stay FMT018 (nothing to read as a role)."""
    train = write_jsonl(tmp_path / "d.jsonl", _keyed(("speaker", "text"), ("user", "assistant"), 4, "dialog"))
    split = load_split("train", str(train))
    assert split.layout is not None and split.layout.source("messages") == "dialog"
    assert dict(split.layout.renamed) == {"speaker": "role", "text": "content"} and split.record_issues == []
    assert split.turns["role"].cast(str).to_list() == ["user", "assistant"] * 4
    assert '"dialog" holds each record' in split.source.note
    named = load_split(
        "train",
        str(write_jsonl(tmp_path / "n.jsonl", _keyed(("speaker", "text"), ("Ann", "Bo"), 4, "dialog"))),
    )
    assert named.layout is None and named.rows == 0


def test_a_dialogue_set_whose_supporter_greets_first_in_some_dialogues_is_read_as_chat(
    tmp_path: Path,
) -> None:
    """ESConv's shape: human/bot dialogues under "dialog", the bot greeting first in two of five (the
    survey's sample cut after a user turn). Each was taken for no conversation, and the file read as
    0 rows; the layout is chat, and a quarter or more of openings is the set's shape: no finding."""
    records = []
    for i in range(10):
        turns = [
            {"speaker": "human", "text": f"I feel low about exam {i}."},
            {"speaker": "bot", "text": f"Tell me more {i}."},
        ]
        if i % 5 < 2:  # the bot greets first
            turns = [{"speaker": "bot", "text": "Hi! How can I help you today?"}, *turns]
        records.append(
            {
                "dialog": [
                    *turns,
                    {"speaker": "human", "text": "Thanks."},
                    {"speaker": "bot", "text": "Any time."},
                ]
            }
        )
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", records)))
    assert split.layout is not None and split.layout.source("messages") == "dialog" and split.rows == 10
    assert split.record_issues == []  # the openings are the set's shape (`formats.opening_is_shape`)


@pytest.mark.parametrize("roles", [("seeker", "supporter"), ("patient", "doctor"), ("customer", "agent")])
def test_dialogues_whose_speakers_follow_each_other_unevenly_are_read_as_chat(
    tmp_path: Path, roles: tuple[str, str]
) -> None:
    """Counselling, medical and support dialogues name their speakers so (ESConv, MedDialog, support
    logs), and one speaker often says two things in a row: those records were taken for no
    conversation and the file read as 0 rows. The layout is chat; each such record is FMT013's."""
    asks, answers = roles
    records = []
    for i in range(10):
        turns = [{"speaker": asks, "content": f"I have had trouble {i} for weeks."}]
        if i % 3 == 0:  # a second thing said before the answer
            turns.append({"speaker": asks, "content": "It keeps me awake."})
        turns += [
            {"speaker": answers, "content": f"What makes trouble {i} worse?"},
            {"speaker": asks, "content": "Stress."},
        ]
        turns.append({"speaker": answers, "content": "Let us work on the stress first."})
        records.append({"situation": f"Case {i}.", "dialog": turns})
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", records)))
    assert split.layout is not None and split.layout.source("messages") == "dialog" and split.rows == 10
    assert [(line, i.kind) for line, i in split.record_issues] == [
        (n, formats.TURN_ORDER) for n in (1, 4, 7, 10)
    ]


def test_lists_that_are_no_messages_are_not_read_as_chat(tmp_path: Path) -> None:
    """Look-alikes: a list of {"text", "label"} records is no conversation; a conversation of plain
    strings is read as the turns it is, with nothing renamed."""
    labelled = [
        {"items": [{"text": f"Line {i}.", "label": "a"}, {"text": f"Other {i}.", "label": "b"}]}
        for i in range(4)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "l.jsonl", labelled)))
    assert split.layout is None
    strings = [{"conversation": [f"Question {i}?", f"Answer {i}."]} for i in range(4)]
    turns = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", strings)))
    assert turns.layout is not None and turns.layout.renamed == () and turns.record_issues == []


def test_a_system_prompt_field_is_read_as_the_system_prompt_of_any_layout_with_one(tmp_path: Path) -> None:
    """Hugging Face exports name it "system_prompt" beside prompt/response, not only OpenOrca's question."""
    rows = [
        {
            "system_prompt": "You are a shell expert.",
            "prompt": f"List files in dir{i}",
            "response": f"ls dir{i}",
        }
        for i in range(3)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", rows)))
    assert split.format == "prompt_response" and split.record_issues == []
    assert split.frame["system"].to_list() == ["You are a shell expert."] * 3
    # a layout that reads no system prompt still names the key as unknown (FMT015)
    rows = [{"text": f"note {i}", "label": "a", "system_prompt": "x"} for i in range(3)]
    found = _found(dataqa.scan(str(write_jsonl(tmp_path / "c.jsonl", rows)), select=["FMT015"]))
    assert [c for c, _, m in found if "system_prompt" in m] == ["FMT015"]


def _agent_dialogues(exchanges: int, agent: str = "SYSTEM", opening: str | None = None) -> list[dict]:
    """Task-oriented dialogues: {"turns": [{"speaker", "utterance"}]}, the agent under `agent`."""
    out = []
    for i in range(exchanges):
        turns = [] if opening is None else [{"speaker": agent, "utterance": opening}]
        turns += [
            {"speaker": "USER", "utterance": f"Book a table for {i + 2}."},
            {"speaker": agent, "utterance": "Which day?"},
            {"speaker": "USER", "utterance": "Friday."},
            {"speaker": agent, "utterance": f"Booked for {i + 2} on Friday."},
        ]
        out.append({"dialogue_id": f"d{i}", "turns": turns})
    return out


def test_a_system_name_on_turn_after_turn_is_the_agent_of_a_task_dialogue(tmp_path: Path) -> None:
    """Schema-Guided Dialogue writes USER/SYSTEM turns, SYSTEM being the agent, not a system prompt: every
    record was FMT018 (no assistant turn). A system name alternating with the user's, turn after turn, is
    read as the assistant; the file's own system name written once, first, stays a system prompt."""
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", _agent_dialogues(4))))
    assert split.layout is not None and split.layout.source("messages") == "turns"
    assert dict(split.layout.renamed) == {
        "speaker": "role",
        "utterance": "content",
        "SYSTEM": "assistant",
        "USER": "user",
    }
    assert split.record_issues == [] and split.turns["role"].cast(str).to_list()[:4] == [
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    # look-alike: a system prompt in the file's own words, first, then USER/AGENT turns
    records = _agent_dialogues(4, agent="ASSISTANT")
    for rec in records:
        rec["turns"].insert(0, {"speaker": "SYSTEM", "utterance": "You book tables."})
    prompt = load_split("train", str(write_jsonl(tmp_path / "p.jsonl", records)))
    assert prompt.layout is not None and dict(prompt.layout.renamed)["SYSTEM"] == "system"
    assert prompt.turns["role"].cast(str).to_list()[:3] == ["system", "user", "assistant"]
    # look-alike: a standard "system" role mid-conversation is not renamed (it is read as written)
    standard = _chat(("user", "assistant"), 4)
    for rec in standard:
        rec["messages"] += [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Ok?"}]
    kept = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", standard)))
    assert kept.layout is not None and kept.layout.renamed == ()


def test_a_dialogue_under_an_unknown_key_opening_on_a_system_turn_is_read_as_chat(tmp_path: Path) -> None:
    """The survey kept two turns of each record: system then user, no answer, so such a file stayed FMT018.
    A prompt-only file (system then user, nothing after) is still no conversation."""
    rows = [
        {
            "dialog": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": f"Add {i} and 2."},
                {"role": "assistant", "content": f"{i + 2}"},
                {"role": "user", "content": "Thanks."},
                {"role": "assistant", "content": "Welcome."},
            ]
        }
        for i in range(4)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", rows)))
    assert split.layout is not None and split.layout.source("messages") == "dialog"
    assert split.record_issues == []
    for row in rows:
        del row["dialog"][2:]
    prompts = load_split("train", str(write_jsonl(tmp_path / "p.jsonl", rows)))
    assert prompts.layout is None and prompts.rows == 0
    # it kept three: two system turns (a persona, then retrieved context) hid the answer too
    for i, row in enumerate(rows):
        row["dialog"][1:1] = [{"role": "system", "content": f"Context: {i} is even? {i % 2 == 0}."}]
        row["dialog"].append({"role": "assistant", "content": f"{i + 2}"})
    two = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", rows)))
    assert two.layout is not None and two.record_issues == [] and two.rows == 4


def test_an_instruction_beside_a_list_of_exchanges_is_not_dropped_by_a_chat_guess(tmp_path: Path) -> None:
    """A self-instruct file without its "name" key ({"id", "instruction", "instances": [{"input",
    "output"}]}, a Japanese math set) was read as chat: "instances" as Capybara exchanges, every
    instruction dropped. Its tasks are opened one record an example (`nested.task_examples`), each
    with its instruction; Capybara's own shape stays chat."""
    tasks = [
        {
            "id": f"t{i}",
            "instruction": "Answer the problem; give a fraction.",
            "instances": [{"input": f"What is {i} halves?", "output": f"{i}/2"}],
        }
        for i in range(4)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", tasks)))
    assert split.layout is not None and split.layout.name == "alpaca" and split.rows == 4
    first = split.frame.row(0, named=True)
    assert first["prompt"].startswith("Answer the problem; give a fraction.") and first["response"] == "0/2"
    exchanges = [{"source": "x", "exchanges": [{"input": f"Hi {i}?", "output": "Hello."}]} for i in range(4)]
    chat = load_split("train", str(write_jsonl(tmp_path / "c.jsonl", exchanges)))
    assert chat.layout is not None and chat.layout.source("messages") == "exchanges"
    assert chat.turns["role"].cast(str).to_list()[:2] == ["user", "assistant"]


def test_a_code_benchmark_with_a_canonical_solution_is_read_as_prompt_and_answer(tmp_path: Path) -> None:
    """HumanEval's family ({"task_id", "prompt", "canonical_solution", "test", "entry_point"}) was FMT018:
    read as the prompt and its reference answer, the tests and the entry point as metadata. A file with
    "canonical_solution" but no prompt is not read as it."""
    rows = [
        {
            "task_id": f"T/{i}",
            "prompt": f'def add_{i}(a):\n    """a plus {i}."""\n',
            "canonical_solution": f"    return a + {i}\n",
            "test": f"assert add_{i}(1) == {i + 1}",
            "entry_point": f"add_{i}",
        }
        for i in range(3)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "h.jsonl", rows)))
    assert split.format == "prompt_canonical_solution" and split.record_issues == []
    assert split.frame["response"].to_list()[0] == "    return a + 0\n"
    found = _found(dataqa.scan(str(tmp_path / "h.jsonl"), select=["FMT015"]))
    assert found == []
    bare = [{"canonical_solution": r["canonical_solution"], "test": r["test"]} for r in rows]
    other = load_split("train", str(write_jsonl(tmp_path / "b.jsonl", bare)))
    assert other.format != "prompt_canonical_solution"


def test_a_string_beside_a_dialogue_is_read_by_its_name_not_a_reason_to_refuse_chat(tmp_path: Path) -> None:
    """Taskmaster ships {"instructions": <the worker's scenario>, "utterances": [{"speaker", "text"}]}:
    FMT018, the chat guess refusing to drop a request beside the list. Turns that name their speakers
    are a conversation complete in itself: the string is kept as metadata, and the note says so. A
    system prompt beside the dialogue is read as its system prompt; exchanges without speakers beside
    an instruction (self-instruct) stay FMT018."""
    rows = _keyed(("speaker", "text"), ("user", "assistant"), 4, "utterances")
    for i, row in enumerate(rows):
        row["instructions"] = f"*SCENARIO {i}*: order a drink from the menu, then give a card name."
    split = load_split("train", str(write_jsonl(tmp_path / "t.jsonl", rows)))
    assert split.layout is not None and split.layout.source("messages") == "utterances"
    assert ("instructions", "meta") in split.layout.optional and split.record_issues == []
    assert '"instructions" beside them is kept as metadata' in split.source.note
    assert split.turns["role"].cast(str).to_list()[:2] == ["user", "assistant"]
    rows = _keyed(("speaker", "text"), ("user", "assistant"), 4, "dialog")
    for row in rows:
        row["system_message"] = "You answer briefly."
    system = load_split("train", str(write_jsonl(tmp_path / "s.jsonl", rows)))
    assert system.layout is not None and system.frame["system"].to_list() == ["You answer briefly."] * 4
    assert system.turns["role"].cast(str).to_list()[:3] == ["system", "user", "assistant"]


def test_a_benchmark_question_file_is_named_only_without_an_answer_beside_it(tmp_path: Path) -> None:
    """BFCL's question files ({"id", "question": [[messages]], "function": [...]}) were FMT018 with no
    word of what they are: now named, and the join that makes training data said. The same questions
    with their "ground_truth" beside them are graded prompts, not questions alone: not named so."""
    rows = [
        {
            "id": f"s_{i}",
            "question": [[{"role": "user", "content": f"Area of a square of side {i}?"}]],
            "function": [{"name": "area", "parameters": {"type": "dict", "properties": {}}}],
        }
        for i in range(4)
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "q.jsonl", rows)))
    assert split.layout is None and "the records are a benchmark's questions" in split.load_issues[0].detail
    for row in rows:
        row["ground_truth"] = [{"area": {"side": [1]}}]
    graded = load_split("train", str(write_jsonl(tmp_path / "g.jsonl", rows)))
    assert all("benchmark's questions" not in issue.detail for issue in graded.load_issues)


def test_a_request_and_answer_named_by_abbreviation_are_read_as_such(tmp_path: Path) -> None:
    """A Korean chat CSV of `req,res` (KakaoChatData's nateon.csv) was FMT018. An abbreviated name
    is read as the request or the answer only when it is the key's whole name: "frequency",
    "address" and "result" say nothing, and "A" stays a choice's name."""
    rows = [(f"오늘 날씨 어때요 {i}번째 질문", f"맑을 거예요, 우산은 필요 없어요 {i}") for i in range(12)]
    chat = tmp_path / "nateon.csv"
    chat.write_text("req,res\n" + "".join(f'"{q}","{a}"\n' for q, a in rows), encoding="utf-8")
    split = load_split("train", str(chat))
    assert split.layout is not None and split.layout.kind == formats.PAIR and split.rows == 12
    assert (split.layout.source("prompt"), split.layout.source("response")) == ("req", "res")
    assert split.frame.row(0, named=True)["response"] == rows[0][1]
    names = ("frequency", "address", "result", "A", "req", "res")
    assert [role_by_name(k) for k in names] == [None, None, None, None, "prompt", "response"]
