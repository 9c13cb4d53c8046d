"""Extractive QA as its authors ship it (#19): SQuAD's nested JSON (`data[].paragraphs[].qas[]`, v1.1
and v2.0) and the same nesting one level less (a list of `{"context", "qas"}`) are read one record a
question, in the question/answer layout the Hub ships SQuAD in, with findings that name the question's
place in the document; an unanswerable v2.0 question is a legitimate "no answer" example. A JSON
document whose `data` list holds other records reads as before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from conftest import write_jsonl
from test_cli import SCHEMA, cli

import dataqa
from dataqa.ingest.dataset import load_split
from dataqa.ingest.readers import nested, opened
from dataqa.ingest.readers.opening import open_input
from dataqa.ingest.reading import Reading
from dataqa.reports import github, sarif

PASSAGES = [
    (
        "Normans",
        "The Normans gave their name to Normandy, a region in the north of France.",
        [
            ("In what country is Normandy located?", "France"),
            ("What did the Normans give their name to?", "Normandy"),
            ("Who gave their name to Brittany?", None),  # unanswerable (v2.0)
        ],
    ),
    (
        "Normans",
        "Rollo, a Viking leader, became the first ruler of Normandy after a treaty with the king.",
        [("Who was the first ruler of Normandy?", "Rollo")],
    ),
    (
        "Turing",
        "Alan Turing was born in Maida Vale, London, and studied mathematics at King's College.",
        [
            ("Where was Alan Turing born?", "Maida Vale, London"),
            ("Where did Alan Turing study?", "King's College"),
            ("When did Alan Turing win a Nobel prize?", None),
        ],
    ),
]


def _question(qid: str, context: str, question: str, answer: str | None, v2: bool) -> dict[str, Any]:
    if answer is None:
        shown = context.split()[1]
        return {
            "question": question,
            "id": qid,
            "answers": [],
            "plausible_answers": [{"text": shown, "answer_start": context.index(shown)}],
            "is_impossible": True,
        }
    answers = [{"text": answer, "answer_start": context.index(answer)}]
    record = {"question": question, "id": qid, "answers": answers}
    return {**record, "is_impossible": False} if v2 else record


def squad(v2: bool = True) -> dict[str, Any]:
    """A SQuAD document as released: articles of paragraphs of questions."""
    articles: list[dict[str, Any]] = []
    for n, (title, context, asked) in enumerate(PASSAGES):
        if not v2:
            asked = [(q, a) for q, a in asked if a is not None]
        qas = [_question(f"{n}{k}", context, q, a, v2) for k, (q, a) in enumerate(asked)]
        if not articles or articles[-1]["title"] != title:
            articles.append({"title": title, "paragraphs": []})
        articles[-1]["paragraphs"].append({"context": context, "qas": qas})
    return {"version": "v2.0" if v2 else "1.1", "data": articles}


def _format_findings(report: dataqa.Report) -> list[str]:
    return [f"{f.check_id} {f.first_location}" for f in report.findings if f.check_id.startswith("FMT")]


def test_squad_v2_as_released_is_one_record_a_question(tmp_path: Path) -> None:
    path = tmp_path / "train-v2.0.json"
    path.write_text(json.dumps(squad()))  # one line, as SQuAD ships
    report = dataqa.scan(str(path))
    (split,) = report.splits
    assert (split.format, split.rows, split.usable_rows) == ("question_answers", 7, 7)
    assert _format_findings(report) == [], "no FMT018, no empty-answer FMT011, no unknown key"
    rows = load_split("train", str(path)).frame
    first = rows.row(0, named=True)
    _title, context, asked = PASSAGES[0]
    assert first["prompt"] == f"{asked[0][0]}\n\n{context}", "the paragraph's context is part of the input"
    assert first["response"] == "France"
    unanswerable = rows.row(2, named=True)
    assert unanswerable["valid"] and unanswerable["response"] == "", "a legitimate no-answer example"


def test_squad_v1_pretty_printed_reads_the_same_questions(tmp_path: Path) -> None:
    path = tmp_path / "train-v1.1.json"
    path.write_text(json.dumps(squad(v2=False), indent=2))
    report = dataqa.scan(str(path))
    (split,) = report.splits
    assert (split.format, split.rows, split.usable_rows) == ("question_answers", 5, 5)
    assert _format_findings(report) == []


def test_findings_name_the_question_by_its_place_in_the_document(tmp_path: Path) -> None:
    document = squad()
    wrong = document["data"][1]["paragraphs"][0]["qas"][1]
    wrong.update(answers=[], is_impossible=False)  # planted: an answerable question with no answer
    document["data"][0]["paragraphs"][1]["qas"].append("Who signed the treaty?")  # planted: no object
    path = tmp_path / "train.json"
    path.write_text(json.dumps(document))
    report = dataqa.scan(str(path))
    found = {f.check_id: f for f in report.findings if f.check_id.startswith("FMT")}
    assert set(found) == {"FMT002", "FMT011"}
    assert str(found["FMT011"].first_location) == f"{path}:1 (data[1].paragraphs[0].qas[1])"
    assert '"answers" holds no answer text though "is_impossible" is false' in found["FMT011"].message
    assert str(found["FMT002"].first_location) == f"{path}:1 (data[0].paragraphs[1].qas[1])"
    assert report.splits[0].usable_rows == 6  # 7 questions read, one of them with no answer
    as_json = report.to_dict()
    jsonschema.validate(as_json, SCHEMA)
    where = next(f for f in as_json["findings"] if f["check_id"] == "FMT011")["locations"][0]
    assert where["position"] == "data[1].paragraphs[0].qas[1]" and where["line"] == 1
    # the outputs that give a file and line name the question beside it
    assert "line=1,title=dataqa FMT011::data[1].paragraphs[0].qas[1]: " in github.render(report)
    results = json.loads(sarif.render(report))["runs"][0]["results"]
    (at,) = next(r for r in results if r["ruleId"] == "FMT011")["locations"]
    assert at["message"]["text"] == "data[1].paragraphs[0].qas[1]"
    assert at["physicalLocation"]["region"]["startLine"] == 1


def test_one_level_less_a_list_of_passages_with_their_questions(tmp_path: Path) -> None:
    passages = [p for article in squad()["data"] for p in article["paragraphs"]]
    passages[2]["qas"][0]["answers"] = [{"text": "", "answer_start": 0}]  # planted: an empty answer text
    path = tmp_path / "passages.json"
    text = json.dumps(passages, indent=1)
    path.write_text(text)
    report = dataqa.scan(str(path))
    assert (report.splits[0].format, report.splits[0].rows) == ("question_answers", 7)
    (empty,) = [f for f in report.findings if f.check_id.startswith("FMT")]
    assert empty.check_id == "FMT011" and empty.first_location.position == "[2].qas[0]"
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == " {"]
    assert empty.first_location.physical_line == starts[2], "the line the passage starts on"


def test_test_split_questions_are_compared_by_position(tmp_path: Path) -> None:
    """The questions of the test split asked in train too are leaks named at both places."""
    train, test = squad(), squad()
    test["data"] = test["data"][1:]
    (tmp_path / "train.json").write_text(json.dumps(train))
    (tmp_path / "test.json").write_text(json.dumps(test))
    report = dataqa.scan(str(tmp_path / "train.json"), test=str(tmp_path / "test.json"), select=["LEAK001"])
    assert [[loc.where(Path(loc.path).name) for loc in f.locations] for f in report.findings] == [
        [f"test.json:1 (data[0].paragraphs[0].qas[{k}])", f"train.json:1 (data[1].paragraphs[0].qas[{k}])"]
        for k in range(3)
    ]


def test_a_data_list_of_other_records_reads_as_before(tmp_path: Path) -> None:
    """`{"data": [...]}` of classification or chat records, and records whose "paragraphs" are texts
    (a document corpus), are not opened: same layout, rows and locations as always."""
    texts = ["my card was charged twice", "where is my parcel", "refund my order please"]
    labelled = tmp_path / "intents.json"
    labelled.write_text(json.dumps({"data": [{"text": t, "label": "support"} for t in texts]}))
    report = dataqa.scan(str(labelled))
    assert (report.splits[0].format, report.splits[0].rows) == ("classification", 3)
    assert all(loc.position is None for f in report.findings for loc in f.locations)
    chats = tmp_path / "chats.json"
    chats.write_text(json.dumps({"data": [{"messages": [{"role": "user", "content": t}]} for t in texts]}))
    assert dataqa.scan(str(chats)).splits[0].rows == 3
    corpus = tmp_path / "corpus.json"
    document = {"title": "A", "paragraphs": ["One.", "Two."], "text": "One. Two."}
    corpus.write_text(json.dumps({"data": [document]}))
    assert nested.questions({"title": "A", "paragraphs": ["One.", "Two."]}) is None
    (unread,) = dataqa.scan(str(corpus)).findings
    assert 'most records have the keys "title", "paragraphs", "text"' in unread.message
    ultrachat = write_jsonl(tmp_path / "ultrachat.jsonl", [{"id": "0", "data": ["Hi", "Hello!"]}])
    assert dataqa.scan(str(ultrachat)).splits[0].format == "data_turns"


def test_answers_are_written_as_the_hub_writes_them() -> None:
    hub = {"text": ["Rollo"], "answer_start": [0]}
    assert nested.hub_answers([{"text": "Rollo", "answer_start": 0}]) == hub
    assert nested.hub_answers(["Rollo", "Rolf"]) == {"text": ["Rollo", "Rolf"]}  # texts alone (MRQA)
    assert nested.hub_answers([]) == {"text": [], "answer_start": []}
    assert nested.hub_answers("Rollo") == "Rollo" and nested.hub_answers([3]) == [3]  # for the normaliser
    opened = nested.questions(
        {"title": "T", "paragraphs": [{"context": "C", "qas": [{"question": "Q", "context": "own"}]}, "x"]}
    )
    assert opened == [
        ("paragraphs[0].qas[0]", {"question": "Q", "context": "own", "title": "T"}),
        ("paragraphs[1]", "x"),
    ]


def mrqa(passages: list[dict[str, Any]] | None = None) -> list[Any]:
    """An MRQA-style JSON Lines file: a header line, then one passage a line with its questions,
    answers as texts and the spans they were found at (`detected_answers`)."""
    lines: list[Any] = [{"header": {"dataset": "SQuAD", "split": "train"}}]
    for n, (_title, context, asked) in enumerate(PASSAGES):
        qas = []
        for k, (question, answer) in enumerate(asked):
            if answer is None:
                continue
            start = context.index(answer)
            found = {
                "text": answer,
                "char_spans": [[start, start + len(answer) - 1]],
                "token_spans": [[0, 0]],
            }
            tokens = [[question.split()[0], 0]]
            qas.append(
                {"id": "", "qid": f"q{n}{k}", "question": question, "question_tokens": tokens,
                 "answers": [answer], "detected_answers": [found]}
            )  # fmt: skip
        lines.append({"id": "", "context": context, "context_tokens": [[context.split()[0], 0]], "qas": qas})
    return lines


def test_mrqa_json_lines_read_one_record_a_question(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "SQuAD.jsonl", mrqa())
    result = cli("scan", str(path), "--json", str(tmp_path / "r.json"), cwd=tmp_path, inputs=(path,))
    report = json.loads((tmp_path / "r.json").read_text())
    assert result.returncode in (0, 1)
    (split,) = report["splits"]
    assert (split["format"], split["rows"], split["usable_rows"]) == ("question_answers", 5, 5)
    assert [f["check_id"] for f in report["findings"] if f["check_id"].startswith("FMT")] == []
    rows = load_split("train", str(path)).frame
    first = rows.row(0, named=True)
    assert first["prompt"] == f"{PASSAGES[0][2][0][0]}\n\n{PASSAGES[0][1]}" and first["response"] == "France"
    assert nested.questions(mrqa()[1])[1][0] == "qas[1]"  # the SQuAD reader's own opening, reused


def test_mrqa_planted_defects_are_named_by_line_and_question(tmp_path: Path) -> None:
    lines = mrqa()
    lines[1]["qas"][1]["answers"] = []  # planted: a question with no answer
    lines[3]["qas"].append(dict(lines[3]["qas"][0]))  # planted: the same question twice
    lines.insert(
        3,
        '{"id": "", "context": "Rollo, a Viking',
    )  # planted: a cut line in the middle
    path = write_jsonl(tmp_path / "mrqa.jsonl", lines)
    out = cli("scan", str(path), "--output-format", "concise", cwd=tmp_path, inputs=(path,)).stdout
    assert "mrqa.jsonl:4: FMT001 [blocking error] invalid JSON" in out, "reported by its line"
    assert "mrqa.jsonl:2 (qas[1]): FMT011" in out
    assert "mrqa.jsonl:5 (qas[0]): DUP001" in out and "line(s) 5 (qas[2]) repeat it" in out
    report = dataqa.scan(str(path))
    assert report.splits[0].rows == 7  # 2 + 1 + 3 questions and the cut line: the rest is read
    sarif_results = json.loads(sarif.render(report))["runs"][0]["results"]
    (at,) = next(r for r in sarif_results if r["ruleId"] == "FMT011")["locations"]
    assert at["message"]["text"] == "qas[1]" and at["physicalLocation"]["region"]["startLine"] == 2


def test_a_table_of_passages_is_named_in_the_one_finding(tmp_path: Path) -> None:
    """A table (Parquet) of passages with their nested questions is not opened: one FMT018 says
    what it is and the one-question-a-record shape that reads."""
    import polars as pl

    passages = [p for article in squad()["data"] for p in article["paragraphs"]]
    path = tmp_path / "mrqa.parquet"
    pl.DataFrame(passages).write_parquet(path)
    (finding,) = [f for f in dataqa.scan(str(path)).findings if f.check_id == "FMT018"]
    assert "extractive-QA passages with their questions nested under them" in finding.message
    assert '{"question", "context", "answers": {"text": [...]}}' in finding.message


def test_positions_come_back_from_pieces_read_elsewhere(tmp_path: Path) -> None:
    """The Ray engine reads a JSON document on a worker: its positions come back with its lines."""
    from dataqa.ingest import spread

    path = tmp_path / "train.json"
    path.write_text(json.dumps(squad()))

    class Here:
        held_rows = 10**6

        def keep(self, fn, items):
            return [fn(item) for item in items]

        def fetch(self, handle):
            return handle

    source = open_input(str(path))
    assert spread.read(source, None, Reading.of(None, None, None, None), Here()) is not None
    assert str(source.location("train", 7)) == f"{path}:1 (data[1].paragraphs[0].qas[2])"


def test_an_mrqa_header_alone_in_the_head_decides_but_not_beside_other_records(tmp_path: Path) -> None:
    """A passage line longer than the head the opener looks at leaves the header to decide; a
    header-like first line before ordinary records does not make them passages."""
    lines = mrqa()
    lines[1]["context"] += " " + "Normandy was settled by Norse raiders. " * 2000  # a line past the head
    path = write_jsonl(tmp_path / "long.jsonl", lines)
    assert opened.opener_of(path) == opened.PASSAGES
    assert dataqa.scan(str(path)).splits[0].rows == 5
    chats = [{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}] * 2
    other = write_jsonl(tmp_path / "chat.jsonl", [{"header": {"exported": "2024-01-01"}}, *chats])
    assert opened.opener_of(other) is None
