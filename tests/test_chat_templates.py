"""Chats rendered in a template inside one text field (#19): every template of the table reads its own
rendering and no other's, a split is read as chat only when a clear majority of its records carry
one template, a record that does not parse is one format finding at its line, `--template` forces a
template and `--format text` keeps plain text, and the scan names the template it read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError
from dataqa.ingest.chat_templates import TEMPLATES, carries, detect, parse
from dataqa.ingest.dataset import load_split


def _example(name: str) -> str:
    """The table's example of a template, with its written escapes ("\\n") as the characters."""
    return TEMPLATES[name].example.encode().decode("unicode_escape")


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_each_example_is_read_by_its_own_template_and_no_other(name: str) -> None:
    text = _example(name)
    turns = parse(text, TEMPLATES[name])
    assert carries(turns)
    dialogue = [(t.role, t.content) for t in turns if t.role in ("user", "assistant")]
    assert dialogue[-1][0] == "assistant" and dialogue[0][0] == "user"
    assert "2+2" in dialogue[0][1] or "Victoria" in dialogue[0][1]
    others = [other for other in TEMPLATES if other != name and carries(parse(text, TEMPLATES[other]))]
    assert others == []


# template -> (a two-exchange rendering with a system prompt, the turns it must give)
RENDERED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "guanaco": (
        "### Human: Hi there### Assistant: Hello! ### Human: Bye### Assistant: See you.",
        [("user", "Hi there"), ("assistant", "Hello!"), ("user", "Bye"), ("assistant", "See you.")],
    ),
    "llama2": (
        "<s>[INST] <<SYS>>\nBe kind.\n<</SYS>>\n\nHi there [/INST] Hello! </s>"
        "<s>[INST] Bye [/INST] See you. </s>",
        [
            ("system", "Be kind."),
            ("user", "Hi there"),
            ("assistant", "Hello!"),
            ("user", "Bye"),
            ("assistant", "See you."),
        ],
    ),
    "chatml": (
        "<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
        "<|im_start|>assistant\nSee you.<|im_end|>\n",
        [
            ("system", "Be kind."),
            ("user", "Hi there"),
            ("assistant", "Hello!"),
            ("user", "Bye"),
            ("assistant", "See you."),
        ],
    ),
    "llama3": (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>",
        [("system", "Be kind."), ("user", "Hi there"), ("assistant", "Hello!")],
    ),
    "zephyr": (
        "<|system|>\nBe kind.</s>\n<|user|>\nHi there</s>\n<|assistant|>\nHello!</s>\n",
        [("system", "Be kind."), ("user", "Hi there"), ("assistant", "Hello!")],
    ),
    "gemma": (
        "<bos><start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n",
        [("user", "Hi there"), ("assistant", "Hello!")],
    ),
    "alpaca": (
        "Below is an instruction that describes a task, paired with an input that provides further "
        "context. Write a response that appropriately completes the request.\n\n### Instruction:\n"
        "Translate to French.\n\n### Input:\nHello\n\n### Response:\nBonjour",
        [
            (
                "system",
                "Below is an instruction that describes a task, paired with an input that provides "
                "further context. Write a response that appropriately completes the request.",
            ),
            ("user", "Translate to French."),
            ("context", "Hello"),
            ("assistant", "Bonjour"),
        ],
    ),
    "vicuna": (
        "A chat between a user and an assistant. USER: Hi there ASSISTANT: Hello!</s>"
        "USER: Bye ASSISTANT: See you.</s>",
        [
            ("system", "A chat between a user and an assistant."),
            ("user", "Hi there"),
            ("assistant", "Hello!"),
            ("user", "Bye"),
            ("assistant", "See you."),
        ],
    ),
    "hh": (
        "\n\nHuman: Hi there\n\nAssistant: Hello!\n\nHuman: Bye\n\nAssistant: See you.",
        [("user", "Hi there"), ("assistant", "Hello!"), ("user", "Bye"), ("assistant", "See you.")],
    ),
    "user_assistant": (
        "System: Be kind.\nUser: Hi there\nAssistant: Hello!\nUser: Bye\nAssistant: See you.",
        [
            ("system", "Be kind."),
            ("user", "Hi there"),
            ("assistant", "Hello!"),
            ("user", "Bye"),
            ("assistant", "See you."),
        ],
    ),
    "qa": (
        "table: t1\ncolumns: Name, Age\nQ: How old is Ann?\nA: SELECT Age FROM t1 WHERE Name = 'Ann'",
        [
            ("system", "table: t1\ncolumns: Name, Age"),
            ("user", "How old is Ann?"),
            ("assistant", "SELECT Age FROM t1 WHERE Name = 'Ann'"),
        ],
    ),
}


def test_every_template_has_a_rendering_case() -> None:
    assert set(RENDERED) == set(TEMPLATES)


@pytest.mark.parametrize("name", list(RENDERED))
def test_a_rendering_splits_into_its_turns(name: str) -> None:
    text, expected = RENDERED[name]
    assert [(t.role, t.content) for t in parse(text, TEMPLATES[name])] == expected


def test_detection_needs_a_clear_majority_of_one_template() -> None:
    chats = [f"### Human: question {i}### Assistant: answer {i}" for i in range(9)]
    assert detect([*chats, "plain prose"]) == (TEMPLATES["guanaco"], 9)  # 9 of 10: 90 %
    assert detect([*chats, "prose", "more prose"]) is None  # 9 of 11
    assert detect(["prose"] * 3) is None
    assert detect([]) is None


def test_prose_that_mentions_a_marker_is_no_chat() -> None:
    prose = [
        "The Human: species is old, said the narrator.",
        "Q: what now? The meeting notes list no answer.",
        "An ASSISTANT: the word in capitals, nothing after.",
        "We wrote ### Human: as a heading once.",
        "[INST] tags are used by Llama-2 prompts.",
        "Audit log\nUser: admin\nAction: password reset",
    ]
    assert detect(prose * 4) is None
    minority_qa = ["Q: Who?\nA: Me."] * 3 + ["A page of prose."] * 7
    assert detect(minority_qa) is None


GUANACO_ROWS = [
    {"text": "### Human: Where is my order?### Assistant: It shipped yesterday."},
    {"text": "### Human: How do I reset my password?### Assistant: Open Settings and press Reset."},
    {"text": "### Human: Do you ship to Norway?### Assistant: Yes, in five working days."},
    {"text": "A page of plain prose with no turns at all, pasted in by mistake."},  # line 4
    {"text": "### Human: Can I pay by card?### Assistant: Yes, every major card."},
    {"text": "### Human: Is there a student discount?### Assistant: Ten percent with a valid card."},
    {"text": "### Human: Can I return shoes?### Assistant: Within thirty days. ### Human: And boots?"},  # 7
    {"text": "### Human: Where are you based?### Assistant: In Lisbon."},
    {"text": "### Human: Do you have a phone line?### Assistant: Yes, open nine to five."},
    {"text": "### Human: Can I change my address?### Assistant: Yes, before the order ships."},
]


def test_a_templated_split_reads_turns_and_reports_the_records_that_do_not_parse(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", GUANACO_ROWS)
    split = load_split("train", path)
    assert split.kind == "templated" and split.format == "text"
    assert (split.rendered.template.name, split.rendered.records, split.rendered.total) == ("guanaco", 9, 10)
    rows = {line: (p, r) for line, p, r in split.frame.select("line", "prompt", "response").iter_rows()}
    assert rows[1] == ("Where is my order?", "It shipped yesterday.")
    kinds = sorted((line, issue.kind) for line, issue in split.record_issues)
    assert kinds == [(4, "other_format"), (7, "last_not_assistant")]
    detail = next(issue.detail for line, issue in split.record_issues if line == 4)
    assert "'### Human:/### Assistant:' template" in detail and "A page of plain prose" in detail
    report = dataqa.scan(path, select=["FMT"])
    found = sorted((f.check_id, f.locations[0].line) for f in report.findings)
    assert found == [("FMT012", 7), ("FMT014", 4)]


def test_a_minority_of_templated_records_stays_text(tmp_path: Path) -> None:
    rows = GUANACO_ROWS[:3] + [{"text": f"Plain prose line {i} about shipping."} for i in range(5)]
    split = load_split("train", write_jsonl(tmp_path / "train.jsonl", rows))
    assert split.kind == "text" and split.rendered is None and split.record_issues == []


def test_a_template_the_first_records_carry_but_the_file_does_not_stays_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dataqa.ingest.dataset.GUESS_RECORDS", 3)
    rows = GUANACO_ROWS[:3] + [{"text": f"Plain prose line {i} about shipping."} for i in range(5)]
    split = load_split("train", write_jsonl(tmp_path / "train.jsonl", rows))
    assert split.kind == "text" and split.rendered is None and split.record_issues == []


def test_format_text_keeps_plain_text_and_template_forces_one(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", GUANACO_ROWS)
    assert load_split("train", path, fmt="text").kind == "text"
    rows = [
        {"content": "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"},
        {"content": "prose"},
    ]
    forced = load_split(
        "train", write_jsonl(tmp_path / "c.jsonl", rows), fields={"content": "text"}, template="chatml"
    )
    assert forced.kind == "templated" and (forced.rendered.records, forced.rendered.total) == (1, 2)
    assert [(line, i.kind) for line, i in forced.record_issues] == [(2, "other_format")]
    with pytest.raises(ConfigError, match="template reads one text field"):
        dataqa.scan(path, format="chat", template="chatml")
    with pytest.raises(ConfigError, match="template must be one of"):
        dataqa.scan(path, template="llama9")


def test_the_scan_names_the_template_and_the_json_report_carries_it(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", GUANACO_ROWS)
    out = CliRunner().invoke(main, ["scan", str(path), "--no-config", "--json", str(tmp_path / "r.json")])
    assert "format text, read as chat: '### Human:/### Assistant:' template in 9 of 10 records" in out.output
    split = json.loads((tmp_path / "r.json").read_text())["splits"][0]
    assert split["template"] == {
        "name": "guanaco",
        "title": "'### Human:/### Assistant:'",
        "records": 9,
        "of": 10,
    }
    plain = CliRunner().invoke(main, ["scan", str(path), "--no-config", "--format", "text"])
    assert "read as chat" not in plain.output
    forced = CliRunner().invoke(
        main, ["scan", str(path), "--no-config", "--template", "hh", "--select", "FMT"]
    )
    assert "read as chat: 'Human:/Assistant:' (Anthropic HH) template in 0 of 10 records" in forced.output
    assert forced.output.count(": FMT014 [blocking error]") == 10
    wrong = CliRunner().invoke(main, ["scan", str(path), "--no-config", "--template", "llama9"])
    assert wrong.exit_code == 2
    listed = CliRunner().invoke(main, ["formats"]).output
    assert all(f"  {name}  " in listed or f"  {name} " in listed for name in TEMPLATES)


def test_prompt_and_answer_checks_run_once_turns_are_read(tmp_path: Path) -> None:
    """The same question with two different answers is LBL007 only when the text is read as turns."""
    rows = [
        {"text": f"### Human: What is the capital of {country}?### Assistant: {capital}."}
        for country, capital in [
            ("France", "Paris"),
            ("Spain", "Madrid"),
            ("Italy", "Rome"),
            ("Peru", "Lima"),
        ]
    ] + [{"text": "### Human: What is the capital of Spain?### Assistant: Barcelona."}]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    chat = dataqa.scan(path, select=["LBL007"])
    assert [sorted(loc.line for loc in f.locations) for f in chat.findings] == [[2, 5]]
    text = dataqa.scan(path, select=["LBL007"], format="text")
    assert text.findings == [] and text.results[0].status.value == "skipped"


def _glaive(i: int, reply: str = "It is 21°C in Oslo.") -> dict[str, str]:
    """A glaive function-calling row: a system prompt with the functions, the chat rendered in one field."""
    return {
        "system": "SYSTEM: You are a helpful assistant with access to the following functions. "
        'Use them if required - {"name": "get_weather", "parameters": {"type": "object"}}',
        "chat": f"USER: What is the weather in city number {i}?\n\n\nASSISTANT: <functioncall> "
        '{"name": "get_weather", "arguments": \'{"city": "Oslo"}\'} <|endoftext|>\n\n\n'
        'FUNCTION RESPONSE: {"temperature": 21}\n\n\n'
        f"ASSISTANT: {reply} <|endoftext|>\n",
    }


def test_glaive_function_calling_rows_are_chats_with_tool_results_and_their_system_prompt(
    tmp_path: Path,
) -> None:
    rows = [_glaive(i) for i in range(8)] + [_glaive(8, reply="")]
    rows.append(
        {
            "system": "SYSTEM: You are a helpful assistant.",
            "chat": "USER: Hi\n\n\nUSER: Hello?\n\n\nASSISTANT: Hi there! <|endoftext|>",
        }
    )
    path = write_jsonl(tmp_path / "glaive.jsonl", rows)
    split = load_split("train", path)
    assert (split.format, split.rendered.template.name) == ("system_chat", "vicuna")
    first = next(r for r in split.frame.iter_rows(named=True) if r["line"] == 1)
    assert first["system"].startswith("SYSTEM: You are a helpful assistant with access")
    assert first["response"] == "It is 21°C in Oslo."
    report = dataqa.scan(path, select=["FMT"])
    found = sorted((f.check_id, f.locations[0].line, f.message) for f in report.findings)
    assert [(c, line) for c, line, _ in found] == [("FMT011", 9), ("FMT013", 10)]
    assert "the final assistant message is empty" in found[0][2] and "two user messages" in found[1][2]
