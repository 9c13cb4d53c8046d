"""Tasks written once with their examples under them (#19), as Self-Instruct's seed tasks and the
sets built on them ship (`{"id", "name", "instruction", "instances": [{"input", "output"}, ...],
"is_classification"}`): every example is a record of its own, the task's instruction with the
example's input and output, named by its place (`instances[1]`). Before, such a file was in no
layout (FMT018) and its suggested map read only each task's first example.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import write_jsonl
from test_cli import cli

import dataqa
from dataqa.ingest.dataset import load_split
from dataqa.ingest.readers import nested


def seed_tasks() -> list[dict[str, Any]]:
    """Three seed tasks in Self-Instruct's shape; the second has two examples."""
    return [
        {
            "id": "seed_task_0",
            "name": "breakfast_suggestion",
            "instruction": "Is there anything I can eat for a breakfast that doesn't include eggs?",
            "instances": [{"input": "", "output": "Yes: oatmeal with banana, or yogurt with granola."}],
            "is_classification": False,
        },
        {
            "id": "seed_task_1",
            "name": "antonym_relation",
            "instruction": "What is the relation between the given pairs?",
            "instances": [
                {"input": "Night : Day :: Right : Left", "output": "The relation is antonyms."},
                {"input": "Hot : Cold :: Up : Down", "output": "Each pair holds two opposites."},
            ],
            "is_classification": False,
        },
        {
            "id": "seed_task_2",
            "name": "one_sentence_description",
            "instruction": "Generate a one-sentence description for each of the following people.",
            "instances": [{"input": "- Brack Obama\n- Elon Musk", "output": "Barack Obama led the US."}],
            "is_classification": False,
        },
    ]


def test_seed_tasks_are_read_one_record_an_example(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "seed_tasks.jsonl", seed_tasks())
    report = dataqa.scan(str(path))
    (split,) = report.splits
    assert (split.format, split.rows, split.usable_rows) == ("alpaca", 4, 4)
    assert "FMT018" not in {f.check_id for f in report.findings}
    rows = load_split("train", str(path)).frame
    second = rows.row(2, named=True)
    assert second["prompt"].startswith("What is the relation between the given pairs?")
    assert "Hot : Cold" in second["prompt"] and second["response"] == "Each pair holds two opposites."


def test_a_damaged_example_is_named_by_its_task_line_and_place(tmp_path: Path) -> None:
    tasks = seed_tasks()
    tasks[1]["instances"][1]["output"] = ""  # planted: an example without its answer
    tasks[2]["instances"].append("Barack Obama led the US.")  # planted: an example that is no object
    path = write_jsonl(tmp_path / "seed_tasks.jsonl", tasks)
    out = cli("scan", str(path), "--output-format", "concise", cwd=tmp_path, inputs=(path,)).stdout
    assert "seed_tasks.jsonl:2 (instances[1]): FMT011" in out, out
    assert "seed_tasks.jsonl:3 (instances[1]): FMT002" in out, out
    report = dataqa.scan(str(path))
    assert (report.splits[0].rows, report.splits[0].usable_rows) == (5, 3)


def test_a_json_array_of_tasks_reads_the_same_examples(tmp_path: Path) -> None:
    path = tmp_path / "seed_tasks.json"
    path.write_text(json.dumps(seed_tasks(), indent=2))
    report = dataqa.scan(str(path))
    (split,) = report.splits
    assert (split.format, split.rows, split.usable_rows) == ("alpaca", 4, 4)


def test_only_a_task_with_an_instruction_and_answered_examples_is_opened() -> None:
    task = seed_tasks()[1]
    assert [steps for steps, _ in nested.task_examples(task)] == ["instances[0]", "instances[1]"]
    assert nested.task_examples({**task, "instruction": ["not", "a", "string"]}) is None
    assert nested.task_examples({"text": "a caption", "instances": [{"box": [0, 0, 4, 4]}]}) is None
    assert nested.task_examples({"instruction": "Label it.", "instances": [{"input": "x"}]}) is None
    assert nested.task_examples({"instruction": "Say hi.", "input": "", "output": "Hi."}) is None


def test_a_map_that_names_the_examples_by_path_reads_each_task_as_written(tmp_path: Path) -> None:
    """The suggestion FMT018 used to make (`--map instances.0.input=context ...`) still reads what
    it says: one record a task, its first example, the mapped metadata as metadata."""
    tasks = seed_tasks()
    for name in ("seed_tasks.jsonl", "seed_tasks.json"):
        path = tmp_path / name
        if name.endswith(".jsonl"):
            write_jsonl(path, tasks)
        else:
            path.write_text(json.dumps(tasks))
        fields = {
            "instruction": "prompt",
            "instances.0.input": "context",
            "instances.0.output": "response",
            "id": "meta",
            "name": "meta",
            "is_classification": "meta",
        }
        report = dataqa.scan(str(path), fields=fields)
        (split,) = report.splits
        assert (split.format, split.rows, split.usable_rows) == ("mapped", 3, 3), name
        assert not [f.check_id for f in report.findings if f.check_id.startswith("FMT")], name
