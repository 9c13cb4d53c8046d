"""OpenAI reinforcement fine-tuning (RFT) data (issue #19): chats that end on a user turn with the
grader's fields beside them are read as their own layout, decided per split on the data; the grader
fields are each record's target, and the verdict holds RFT data to RFT size guidance.

Every record here is written for these tests (none is copied from a published set).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.ingest.dataset import load_split
from dataqa.ingest.normalisers import normalise
from dataqa.ingest.rft import Survey, reference_text

JACKETS = [
    "Urban Puffer", "Alpine Light", "Harbor Rain", "Coast Fleece", "Summit Down", "Trail Vest",
    "Ridge Softshell", "Metro Trench", "Polar Anorak", "Bay Windbreaker", "Canyon Field", "Delta Parka",
]  # fmt: skip
POLICY = "You are a retail catalog agent. Call search_catalog first, then answer with the SKU only."
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search_catalog",
            "description": "Search the jacket catalog.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}},
                "required": ["query"],
            },
        },
    }
]


def _rft(i: int, name: str, **extra: Any) -> dict[str, Any]:
    record = {
        "messages": [
            {"role": "developer", "content": POLICY},
            {
                "role": "user",
                "content": f"Find the product named '{name}' (request {i}). Return ONLY the SKU.",
            },
        ],
        "tools": TOOLS,
        "reference_answer": f"JKT-{name[:3].upper()}-{i:03d}",
    }
    record.update(extra)
    return record


def _prompts(n: int, start: int = 0) -> list[dict[str, Any]]:
    """`n` distinct RFT records: each jacket under several request numbers."""
    return [_rft(i, JACKETS[i % len(JACKETS)]) for i in range(start, start + n)]


def _sft(user: str, reply: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]}


# --- detection ---------------------------------------------------------------------------------


def test_chats_ending_on_a_user_turn_beside_grader_fields_are_read_as_rft(tmp_path: Path) -> None:
    split = load_split("train", str(write_jsonl(tmp_path / "data.jsonl", _prompts(12))))
    assert split.format == "rft" and split.kind == "rft"
    assert split.graded is not None and split.graded.to_dict() == {
        "records": 12,
        "of": 12,
        "references": ["reference_answer"],
    }
    assert split.record_issues == [] and split.frame["valid"].all()


def test_a_chat_set_with_a_few_answers_missing_stays_chat(tmp_path: Path) -> None:
    records = [_sft(f"Question {i}?", f"Answer {i}.") for i in range(9)]
    records.insert(4, {"messages": [{"role": "user", "content": "Question without its answer?"}]})
    split = load_split("train", str(write_jsonl(tmp_path / "data.jsonl", records)))
    assert split.format == "chat" and split.graded is None
    assert [(line, issue.kind) for line, issue in split.record_issues] == [(5, "no_target")]


def test_a_mixed_split_is_not_rft_and_its_rft_records_have_no_target(tmp_path: Path) -> None:
    records = [_sft(f"Question {i}?", f"Answer {i}.") for i in range(6)] + _prompts(6)
    split = load_split("train", str(write_jsonl(tmp_path / "data.jsonl", records)))
    assert split.format == "chat"
    assert sorted({line for line, issue in split.record_issues if issue.kind == "no_target"}) == list(
        range(7, 13)
    )


def test_prompts_with_no_grader_field_or_only_an_id_are_not_rft() -> None:
    survey = Survey()
    from dataqa.ingest.layouts import LAYOUTS

    for i in range(10):
        survey.add(
            {"messages": [{"role": "user", "content": f"q{i}"}], "id": i, "task_id": f"t{i}"}, LAYOUTS["chat"]
        )
    assert survey.user_ending == 10 and survey.layout() is None


def test_the_decision_is_made_on_the_whole_file_not_only_its_first_records(tmp_path: Path) -> None:
    """RFT-looking first records, then a file of supervised chats: read as chat, not RFT."""
    records = _prompts(10) + [_sft(f"Question {i}?", f"Answer {i}.") for i in range(1200)]
    split = load_split("train", str(write_jsonl(tmp_path / "data.jsonl", records)))
    assert split.format == "chat" and split.graded is None


def test_the_decision_is_on_the_data_not_the_file_name(tmp_path: Path) -> None:
    sft = [_sft(f"Question {i}?", f"Answer {i}.") for i in range(5)]
    assert load_split("train", str(write_jsonl(tmp_path / "rft_train.jsonl", sft))).format == "chat"
    assert load_split("train", str(write_jsonl(tmp_path / "chat.jsonl", _prompts(5)))).format == "rft"


# --- reading -----------------------------------------------------------------------------------


def test_prompt_system_tools_and_the_reference_as_target() -> None:
    from dataqa.ingest.layouts import LAYOUTS
    from dataqa.ingest.rft import with_references

    layout = with_references(LAYOUTS["rft"], ["reference_answer"])
    row = normalise(_rft(7, "Urban Puffer"), layout)
    assert row["valid"] and row["issues"] == []
    assert row["system"] == POLICY
    assert row["prompt"] == "Find the product named 'Urban Puffer' (request 7). Return ONLY the SKU."
    assert row["response"] == "JKT-URB-007"
    assert [t["role"] for t in row["turns"]] == ["developer", "user"]  # the reference is no message
    assert "search_catalog" in json.loads(row["structure"])["tools_json"]


def test_several_grader_fields_are_one_reference_in_a_stable_order() -> None:
    a = {"messages": [], "extracted_text": "Seller shall not compete.", "clause_type": "Non-Compete"}
    b = {"messages": [], "clause_type": "Non-Compete", "extracted_text": "Seller shall not compete."}
    assert reference_text(a, ["extracted_text", "clause_type"]) == reference_text(
        b, ["clause_type", "extracted_text"]
    )
    assert reference_text({"target": 77}, ["target"]) == "77"
    assert reference_text({"reference_answer": "JKT-1"}, ["reference_answer"]) == "JKT-1"


def test_format_rft_reads_each_records_own_grader_fields(tmp_path: Path) -> None:
    records = [
        {
            "messages": [{"role": "user", "content": "Target 77 from 67, 79, 39, 56."}],
            "target": 77,
            "nums": [67, 79],
        },
        {"messages": [{"role": "user", "content": "Target 44 from 6, 77, 73, 20."}]},
    ]
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", records)), fmt="rft")
    assert split.format == "rft"
    assert split.frame["response"].to_list()[0] == '{"nums":[67,79],"target":77}'
    assert [(line, issue.kind) for line, issue in split.record_issues] == [(2, "missing_field")]
    assert "no field beside" in split.record_issues[0][1].detail
    assert split.graded is not None and (split.graded.records, split.graded.total) == (2, 2)


# --- scans: verdict, size guidance, held-out splits ---------------------------------------------


def test_a_clean_rft_set_scans_go_with_every_row_usable(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _prompts(60))
    test = write_jsonl(tmp_path / "test.jsonl", _prompts(12, start=500))
    result = CliRunner().invoke(main, ["scan", str(train), "--test", str(test), "--color", "never"])
    assert result.exit_code == 0, result.output
    assert "GO  60 of 60 training rows usable" in result.output
    assert "read as reinforcement fine-tuning: 60 of 60 records end on a user turn" in result.output
    report = dataqa.scan(str(train), test=str(test))
    size = next(c for c in report.conditions if c.name == "training-size")
    assert size.threshold == 50 and size.passed  # RFT guidance, not the supervised 1,000
    assert report.to_dict()["splits"][0]["rft"]["references"] == ["reference_answer"]


def test_missing_references_and_too_few_prompts_are_no_go(tmp_path: Path) -> None:
    records = _prompts(30)
    del records[4]["reference_answer"]
    train = write_jsonl(tmp_path / "train.jsonl", records)
    test = write_jsonl(tmp_path / "test.jsonl", _prompts(12, start=500))
    report = dataqa.scan(str(train), test=str(test))
    assert report.verdict == "NO-GO" and report.usable.usable == 29
    failed = {c.name: c for c in report.conditions if not c.passed}
    assert set(failed) == {"training-size", "format-errors"}
    assert "reinforcement fine-tuning" in failed["training-size"].reason
    missing = [f for f in report.findings if f.check_id == "FMT007"]
    assert [(loc.path.rsplit("/", 1)[-1], loc.line) for f in missing for loc in f.locations] == [
        ("train.jsonl", 5)
    ]


def test_reply_checks_are_skipped_and_conflicts_and_leaks_are_found(tmp_path: Path) -> None:
    records = _prompts(55)
    records.append(
        _rft(3, JACKETS[3], reference_answer="JKT-OTHER")
    )  # line 56: line 4's prompt, another reference
    train = write_jsonl(tmp_path / "train.jsonl", records)
    test = write_jsonl(
        tmp_path / "test.jsonl", [*_prompts(10, start=500), _rft(9, JACKETS[9])]
    )  # line 11 leaked
    report = dataqa.scan(str(train), test=str(test))
    by_id = {r.check_id: r for r in report.results}
    assert (
        by_id["QUAL009"].status.value == "skipped" and "reinforcement fine-tuning" in by_id["QUAL009"].reason
    )
    conflict = [f for f in report.findings if f.check_id == "DUP004"]
    assert [sorted(loc.line for loc in f.locations) for f in conflict] == [[4, 56]]
    assert "different grader references" in conflict[0].message or "reference_answer" in conflict[0].message
    leaked = [f for f in report.findings if f.check_id == "LEAK001"]
    assert [(loc.split, loc.line) for f in leaked for loc in f.locations if loc.split == "test"] == [
        ("test", 11)
    ]


def test_a_held_out_split_must_carry_trains_grader_fields(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _prompts(60))
    richer = [_rft(i, JACKETS[i % 12], reference_tool_calls=["search_catalog"]) for i in range(500, 510)]
    other = [{"messages": r["messages"], "answer": r["reference_answer"]} for r in _prompts(10, start=600)]
    ok = dataqa.scan(str(train), test=str(write_jsonl(tmp_path / "test.jsonl", richer)))
    assert next(c for c in ok.conditions if c.name == "splits-match").passed
    bad = dataqa.scan(str(train), test=str(write_jsonl(tmp_path / "other.jsonl", other)))
    match = next(c for c in bad.conditions if c.name == "splits-match")
    assert not match.passed and 'lacks the grader field(s) "reference_answer"' in match.reason


def test_openai_evals_items_are_named_as_what_they_are(tmp_path: Path) -> None:
    items = write_jsonl(
        tmp_path / "eval.jsonl", [{"item": {"target": str(i), "nums": "[1, 2]"}} for i in range(5)]
    )
    report = dataqa.scan(str(items))
    (finding,) = [f for f in report.findings if f.check_id == "FMT018"]
    assert "OpenAI Evals data-source items" in finding.message and '"target", "nums"' in finding.message
    run = [
        {
            "run_id": "evalrun_1",
            "data_source_idx": i,
            "item": {"messages": [], "ref": "x"},
            "sample": {},
            "grades": {},
        }
        for i in range(3)
    ]
    (finding,) = [
        f
        for f in dataqa.scan(str(write_jsonl(tmp_path / "run.jsonl", run))).findings
        if f.check_id == "FMT018"
    ]
    assert "the graded items of an OpenAI Evals run" in finding.message


def test_readme_and_formats_name_the_layout() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "OpenAI reinforcement fine-tuning" in readme and "--format rft" in readme
    listed = CliRunner().invoke(main, ["formats"]).output
    assert "  rft " in listed and "--format rft forces it" in listed


def test_a_chat_read_through_a_field_map_is_not_decided_to_be_rft(tmp_path: Path) -> None:
    records = [{"turns": r["messages"], "reference_answer": r["reference_answer"]} for r in _prompts(5)]
    split = load_split("train", str(write_jsonl(tmp_path / "d.jsonl", records)), fields={"turns": "messages"})
    assert (
        split.format != "rft"
    )  # the map reads chat; whether it is RFT is then the user's call (--format rft)


def test_format_rft_with_a_field_map_reads_the_mapped_messages_not_as_a_grader_field(tmp_path: Path) -> None:
    records = [{"turns": r["messages"], "reference_answer": r["reference_answer"]} for r in _prompts(5)]
    path = write_jsonl(tmp_path / "d.jsonl", records)
    split = load_split("train", str(path), fmt="rft", fields={"turns": "messages"})
    assert split.kind == "rft" and split.record_issues == []
    assert split.frame["response"].to_list()[0] == "JKT-URB-000"
    assert split.graded is not None and (split.graded.records, split.graded.total) == (5, 5)
