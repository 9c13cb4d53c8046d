"""OpenAssistant's exports as published (#19): the message-tree export (one tree a line) and the flat
message table (one message a row) are read without options as chat records, one a thread along the
best-ranked replies (`dataqa.ingest.readers.threads`); findings name the line and the place in the
tree; withdrawn messages and unanswered prompts are left out and said (FMT021); a damaged line in
the middle is reported at its line and the rest is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
from conftest import write_jsonl
from test_cli import SCHEMA, cli

import dataqa
from dataqa.ingest.dataset import load_split
from dataqa.ingest.readers import opened, threads


def node(ident: str, role: str, text: str, *replies: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A message of the tree export, as OASST writes it (a subset of its fields)."""
    return {
        "message_id": ident,
        "user_id": f"u-{ident}",
        "text": text,
        "role": role,
        "lang": "en",
        "review_count": 3,
        "review_result": True,
        "deleted": False,
        "rank": None,
        "synthetic": False,
        "replies": list(replies),
        **fields,
    }


def tree(ident: str, prompt: dict[str, Any], state: str = "ready_for_export") -> dict[str, Any]:
    return {"message_tree_id": ident, "tree_state": state, "prompt": prompt}


def kettle() -> dict[str, Any]:
    """Three ranked answers; the best one has two follow-ups, one answered, one not."""
    return tree(
        "t-kettle",
        node(
            "p1",
            "prompter",
            "Why does my kettle click off before the water boils?",
            node(
                "a2",
                "assistant",
                "The thermostat may be coated in limescale; descale it with citric acid.",
                rank=1,
            ),
            node(
                "a1",
                "assistant",
                "A scaled-up element overheats the sensor; descale the kettle and try again.",
                node(
                    "p2",
                    "prompter",
                    "How often should I descale it?",
                    node("a3", "assistant", "Every month in hard-water areas, less often elsewhere.", rank=0),
                ),
                node("p3", "prompter", "Thanks, that worked."),
                rank=0,
            ),
            node("a4", "assistant", "Buy a new kettle.", rank=2, deleted=True),
        ),
    )


def bread() -> dict[str, Any]:
    return tree(
        "t-bread",
        node(
            "q1",
            "prompter",
            "What makes sourdough rise without yeast from a packet?",
            node("b1", "assistant", "Wild yeasts and lactic bacteria in the starter make the gas.", rank=0),
            node("b2", "assistant", "The starter.", rank=1),
        ),
    )


def waiting() -> dict[str, Any]:
    return tree("t-wait", node("w1", "prompter", "Suggest a name for a grey cat."), "prompt_lottery_waiting")


def flat(*trees: dict[str, Any]) -> list[dict[str, Any]]:
    """The same trees as the flat message table: one message a row, parent first."""
    rows: list[dict[str, Any]] = []

    def walk(message: dict[str, Any], parent: str | None, ident: str) -> None:
        row = {k: v for k, v in message.items() if k != "replies"}
        rows.append({**row, "parent_id": parent, "message_tree_id": ident})
        for reply in message["replies"]:
            walk(reply, message["message_id"], ident)

    for t in trees:
        walk(t["prompt"], None, t["message_tree_id"])
    return rows


def conversations(path: Path) -> list[list[tuple[str, str]]]:
    turns = load_split("train", str(path)).turns
    return [
        list(zip(group["role"].to_list(), group["content"].to_list(), strict=True))
        for _, group in turns.group_by("line", maintain_order=True)
    ]


def test_the_tree_export_reads_one_record_a_thread_along_the_best_ranked_replies(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "2023-11-05_oasst2_ready.trees.jsonl", [kettle(), bread()])
    report = dataqa.scan(str(path))
    (split,) = report.splits
    assert (split.format, split.rows, split.usable_rows) == ("chat", 3, 3)
    prompt = "Why does my kettle click off before the water boils?"
    assert conversations(path) == [
        [
            ("user", prompt),
            ("assistant", "A scaled-up element overheats the sensor; descale the kettle and try again."),
            ("user", "How often should I descale it?"),
            ("assistant", "Every month in hard-water areas, less often elsewhere."),
        ],
        # the follow-up nobody answered ends the thread at the reply before it
        [
            ("user", prompt),
            ("assistant", "A scaled-up element overheats the sensor; descale the kettle and try again."),
        ],
        [
            ("user", "What makes sourdough rise without yeast from a packet?"),
            ("assistant", "Wild yeasts and lactic bacteria in the starter make the gas."),
        ],
    ]
    left_out = [f for f in report.findings if f.check_id == "FMT021"]
    assert [str(f.first_location) for f in left_out] == [f"{path}:1 (prompt.replies[2])"]
    assert "message 'a4' (assistant) is marked deleted: it is not read" in left_out[0].message
    others = [f.check_id for f in report.findings if f.check_id.startswith(("FMT", "DUP"))]
    assert others == ["FMT021"], "ranked alternatives and follow-ups are no duplicates or damage"


def test_planted_defects_are_named_by_line_and_place_in_the_tree_in_every_output(tmp_path: Path) -> None:
    empty = bread()
    empty["prompt"]["replies"][0]["text"] = ""  # planted: the best-ranked answer is empty
    copied = kettle()  # planted: the same tree twice (a merge that missed it)
    failed = bread()
    failed["message_tree_id"] = "t-failed"
    failed["prompt"]["text"] = "Is sourdough healthier than white bread?"
    failed["prompt"]["replies"][0]["review_result"] = False  # planted: failed review
    lines: list[Any] = [
        kettle(),
        '{"message_tree_id": "t-cut", "prompt": {"text": "Half',
        empty,
        copied,
        failed,
        waiting(),
    ]
    path = write_jsonl(tmp_path / "trees.jsonl", lines)
    out = tmp_path / "out"
    out.mkdir()
    result = cli(
        "scan", str(path), "--json", str(out / "r.json"), "--html", str(out / "r.html"),
        "--sarif", str(out / "r.sarif"), "--output-format", "concise", cwd=tmp_path, inputs=(path,),
    )  # fmt: skip
    assert result.returncode == 1
    terminal = result.stdout
    assert "trees.jsonl:2: FMT001 [blocking error] invalid JSON" in terminal, "the damaged line, by its line"
    assert "trees.jsonl:3 (prompt.replies[0]): FMT011" in terminal
    assert "trees.jsonl:1 (prompt.replies[1].replies[0].replies[0]): DUP001" in terminal
    assert (
        "trees.jsonl:5 (prompt.replies[0]): FMT021 [note] message 'b1' (assistant) failed review" in terminal
    )
    assert "trees.jsonl:6 (prompt): FMT021 [note] 1 prompt(s) with no assistant reply" in terminal
    report = json.loads((out / "r.json").read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["splits"][0]["rows"] == 7  # threads 2, the damaged line, 1, 2, 1: read on after it
    where: dict[str, list[tuple]] = {}
    for f in report["findings"]:
        where.setdefault(f["check_id"], []).append(
            tuple(sorted((x["line"], x.get("position")) for x in f["locations"]))
        )
    assert where["FMT001"] == [((2, None),)]
    assert where["FMT011"] == [((3, "prompt.replies[0]"),)]
    assert sorted(where["DUP001"]) == [
        (
            (1, "prompt.replies[1]"),
            (4, "prompt.replies[1]"),
        ),  # the thread cut before the unanswered follow-up
        ((1, "prompt.replies[1].replies[0].replies[0]"), (4, "prompt.replies[1].replies[0].replies[0]")),
    ]
    html = (out / "r.html").read_text()
    assert "prompt.replies[1].replies[0].replies[0]" in html
    sarif = json.loads((out / "r.sarif").read_text())["runs"][0]["results"]
    at = next(r for r in sarif if r["ruleId"] == "FMT011")["locations"][0]
    assert at["message"]["text"] == "prompt.replies[0]" and at["physicalLocation"]["region"]["startLine"] == 3
    github = cli("scan", str(path), "--output-format", "github", cwd=tmp_path, inputs=(path,)).stdout
    assert "line=3,title=dataqa FMT011::prompt.replies[0]: " in github


def test_the_flat_message_table_reads_the_same_threads(tmp_path: Path) -> None:
    rows = flat(kettle(), bread())
    (b1,) = [row for row in rows if row["message_id"] == "b1"]
    b1["review_result"] = False  # b1 failed review: bread's thread goes on by b2
    trees = write_jsonl(tmp_path / "trees.jsonl", [kettle(), bread()])
    table = write_jsonl(
        tmp_path / "messages.jsonl", [*rows[:3], '{"message_id": "x", "parent_id": ', *rows[3:]]
    )
    assert opened.opener_of(table) == opened.MESSAGES
    read = conversations(table)
    assert read[:2] == conversations(trees)[:2]
    assert read[2][1] == ("assistant", "The starter.")
    report = dataqa.scan(str(table))
    found = {f.check_id: f for f in report.findings if f.check_id.startswith("FMT")}
    assert set(found) == {"FMT001", "FMT021"}
    assert str(found["FMT001"].first_location) == f"{table}:4"
    # a thread sits on its last message's line and lists its messages' lines; the prompt is line 1
    keys = [str(report_location) for report_location in _thread_locations(table)]
    assert keys[0] == f"{table}:6 (lines 1 > 3 > 5 > 6)"
    assert f"{table}:10 (lines 9 > 10)" in [
        str(f.first_location) for f in report.findings if f.check_id == "FMT021"
    ]


def _thread_locations(path: Path) -> list[Any]:
    from dataqa.ingest.readers.opening import open_input

    source = open_input(str(path))
    keys = [key for key, _ in source.records([])]
    return [source.location("train", key) for key in keys]


def test_a_parquet_message_table_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "train-00000-of-00001.parquet"
    pl.DataFrame(flat(kettle(), bread(), waiting())).drop("replies", strict=False).write_parquet(path)
    report = dataqa.scan(str(path))
    assert (report.splits[0].format, report.splits[0].rows) == ("chat", 3)
    notes = [f for f in report.findings if f.check_id == "FMT021"]
    assert len(notes) == 2 and "message 'a4'" in notes[0].message
    # a thread is named by its last message's 0-based row and the rows of its messages
    assert str(notes[0].first_location) == f"{path} row 6 (rows 0 > 6)"
    assert [str(loc) for loc in _thread_locations(path)] == [
        f"{path} row 4 (rows 0 > 2 > 3 > 4)",
        f"{path} row 2 (rows 0 > 2)",
        f"{path} row 8 (rows 7 > 8)",
    ]
    as_json = report.to_dict()
    jsonschema.validate(as_json, SCHEMA)
    (where,) = next(f for f in as_json["findings"] if f["check_id"] == "FMT021")["locations"]
    assert (where["row"], where["position"]) == (6, "rows 0 > 6")
    sarif_results = json.loads(report.to_sarif())["runs"][0]["results"]
    assert any(r["locations"][0]["message"]["text"].startswith("row 6 (rows 0 > 6)") for r in sarif_results)


def test_hostile_trees_never_crash_and_say_where(tmp_path: Path) -> None:
    odd = tree("t-odd", node("o1", "prompter", "Hi", "not a message", node("o2", "robot", "Beep.")))
    odd["prompt"]["replies"].append(node("o3", "assistant", ["not", "text"], rank="first"))
    broken = tree("t-broken", {"text": "Only text", "role": "prompter", "replies": {"a": 1}})
    path = write_jsonl(tmp_path / "trees.jsonl", [odd, broken, kettle()])
    report = dataqa.scan(str(path))
    assert report.splits[0].rows == 4  # odd: o3 (its one answer) and o2's unanswered turn... see below
    not_object = [f for f in report.findings if f.check_id == "FMT002"]
    assert [str(f.first_location) for f in not_object] == [f"{path}:1 (prompt.replies[0])"]
    # a message table whose threads are 3,000 turns deep, a loop of parents, ids of the wrong type
    chain = [{"message_id": "m0", "parent_id": None, "role": "prompter", "text": "start"}]
    for i in range(1, 3000):
        role = "assistant" if i % 2 else "prompter"
        chain.append({"message_id": f"m{i}", "parent_id": f"m{i - 1}", "role": role, "text": f"turn {i}"})
    loops = [
        {"message_id": "x1", "parent_id": "x2", "role": "prompter", "text": "a"},
        {"message_id": "x2", "parent_id": "x1", "role": "assistant", "text": "b"},
        {"message_id": ["x"], "parent_id": {"y": 1}, "role": None, "text": None},
    ]
    table = write_jsonl(tmp_path / "messages.jsonl", chain + loops)
    report = dataqa.scan(str(table))
    assert report.splits[0].rows == 1  # the chain: one thread of 3,000 turns; the odd row holds no answer
    (lost,) = [f for f in report.findings if f.check_id == "FMT018"]
    assert "2 message(s), the first at line 3001, are in no tree" in lost.message
    assert threads.tree_threads({"prompt": "a string"}) is None


def test_ordinary_chat_files_are_not_opened(tmp_path: Path) -> None:
    """Records that only share a key name with OASST (a `prompt` string, a `text` field) read as before."""
    pairs = write_jsonl(tmp_path / "pairs.jsonl", [{"prompt": "2+2?", "completion": "4"}] * 2)
    assert opened.opener_of(pairs) is None
    chat = write_jsonl(
        tmp_path / "chat.jsonl",
        [{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}],
    )
    assert opened.opener_of(chat) is None
    assert dataqa.scan(str(pairs)).splits[0].format == "prompt_completion"


def test_clean_writes_the_threads_it_read_and_says_why(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "trees.jsonl", [kettle(), '{"prompt": {"text": "cut', bread()])
    result = cli("clean", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path, inputs=(path,))
    assert "trees.jsonl holds message trees, not one record a line: its records are written" in result.stderr
    kept = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert [len(r["messages"]) for r in kept] == [4, 2, 2]
    (reject,) = [json.loads(x) for x in (tmp_path / "out" / "train.rejects.jsonl").read_text().splitlines()]
    assert (reject["line"], reject["checks"]) == (2, ["FMT001"])


def test_a_damaged_first_line_does_not_decide_how_the_file_is_read(tmp_path: Path) -> None:
    """The opener is what most of the first lines call for: a cut first line, or a first tree whose
    prompt lost its text, still leaves the file read as trees (and the damage reported)."""
    textless = kettle()
    del textless["prompt"]["text"]
    path = write_jsonl(
        tmp_path / "trees.jsonl", ['{"message_tree_id": "t0", "prompt": {', textless, bread(), kettle()]
    )
    assert opened.opener_of(path) == opened.TREES
    report = dataqa.scan(str(path))
    assert (report.splits[0].format, report.splits[0].rows) == (
        "chat",
        5,
    )  # cut line, textless tree as is, 1 + 2 threads
    assert [str(f.first_location) for f in report.findings if f.check_id == "FMT001"] == [f"{path}:1"]
