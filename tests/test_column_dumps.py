"""A table saved as one JSON object by column (pandas' `to_json()`, `datasets`' `to_dict()`) is read
as its rows; objects that only look like one (lists of records, one record of lists) are not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dataqa

CHECKS = ["DUP001", "FMT007", "FMT008", "FMT018", "SIZE001"]


def rows(n: int = 30) -> list[dict[str, str]]:
    """Distinct Alpaca rows, row 5 a copy of row 2 (0-based)."""
    out = [
        {
            "instruction": f"Summarise the delivery note for order {i}.",
            "output": f"Order {i} ships on day {i % 28 + 1}.",
        }
        for i in range(n)
    ]
    out[5] = out[2]
    return out


def by_list(table: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """`Dataset.to_dict()` / `DataFrame.to_dict(orient="list")`."""
    return {name: [row[name] for row in table] for name in table[0]}


def by_index(table: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """pandas' default `DataFrame.to_json()` (orient "columns", a numbered index)."""
    return {name: {str(i): row[name] for i, row in enumerate(table)} for name in table[0]}


def by_split(table: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """pandas' `to_json(orient="split")`."""
    names = list(table[0])
    return {
        "columns": names,
        "index": list(range(len(table))),
        "data": [[row[n] for n in names] for row in table],
    }


def scan(path: Path) -> Any:
    return dataqa.scan(str(path), select=CHECKS)


@pytest.mark.parametrize("dump", [by_list, by_index, by_split])
@pytest.mark.parametrize("indent", [None, 2])
def test_a_table_saved_by_column_is_read_as_its_rows(tmp_path: Path, dump: Any, indent: int | None) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps(dump(rows()), indent=indent))
    report = scan(path)
    split = report.splits[0]
    assert (split.rows, split.format) == (30, "alpaca")
    (copies,) = [f for f in report.findings if f.check_id == "DUP001"]
    assert [loc.to_dict()["record"] for loc in copies.locations] == [3, 6]
    assert not [f for f in report.findings if f.check_id in ("FMT007", "FMT008", "FMT018")]


def test_a_column_of_conversations_is_read_as_chat_records(tmp_path: Path) -> None:
    chats = [
        {
            "messages": [
                {"role": "user", "content": f"Where is parcel {i}?"},
                {"role": "assistant", "content": f"Parcel {i} is on its way."},
            ]
        }
        for i in range(12)
    ]
    path = tmp_path / "train.json"
    path.write_text(json.dumps({**by_list(chats), "source": ["crm export"] * 12}))
    split = scan(path).splits[0]
    assert (split.rows, split.format) == (12, "chat")


@pytest.mark.parametrize(
    "document, records",
    [
        (
            {"RateBook": [{"data": [{"text": "rate this book five stars"}]}] * 4},
            4,
        ),  # SNIPS: a list of records
        ({"version": "v2", "data": rows(6)}, 6),  # records under a key
        (
            {"tokens": ["John", "lives", "in", "Paris"], "tags": ["B-PER", "O", "O", "B-LOC"]},
            1,
        ),  # one tagged sentence
        (
            {
                "messages": [
                    {"role": "user", "content": "Hi there"},
                    {"role": "assistant", "content": "Hello!"},
                ]
            },
            1,
        ),
        (
            {
                "q1": {"instruction": "Name a colour.", "output": "Blue is one."},
                "q2": {"instruction": "Name a fruit.", "output": "An apple."},
            },
            2,
        ),
    ],
)
def test_objects_that_only_look_like_columns_are_read_as_before(
    tmp_path: Path, document: dict, records: int
) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps(document, indent=2))
    report = scan(path)
    if report.splits[0].rows:
        assert report.splits[0].rows == records
    else:  # in no layout dataqa knows: its FMT018 finding counts the records read
        (unread,) = [f.message for f in report.findings if f.check_id == "FMT018"]
        assert f"({records} record(s))" in unread
