"""Record shapes public sets are published in (issue #18 follow-up): a JSON document whose top-level
keys are its splits (CLINC150's `data_full.json`), records written as JSON arrays (`[text, label]`),
and text/label classification whose label field has another name (Banking77's `text,category`).

Every fixture is built here, small, with its defects planted at known lines; the real sets are
never read by the tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import InputError
from dataqa.ingest.dataset import load_split
from dataqa.ingest.readers import jsonarray
from dataqa.ingest.readers.delimited import first_row_is_data
from dataqa.ingest.readers.layout import document_splits

MAP = ["--map", "0=text", "--map", "1=label"]
INTENTS = ["card_arrival", "lost_card", "refund_status", "exchange_rate"]


def utterances(n: int, start: int = 0) -> list[list[str]]:
    """`n` distinct [text, label] pairs, four labels in turn."""
    return [
        [f"question number {i} about my {INTENTS[i % 4].replace('_', ' ')}", INTENTS[i % 4]]
        for i in range(start, start + n)
    ]


def record_lines(text: str, key: str | None = None) -> list[int]:
    """The line each record of a pretty-printed document (json.dumps indent=4) starts on: under
    `key` when given (a top-level key), else of the root array."""
    lines = text.splitlines()
    begin, depth = 0, 1
    if key is not None:
        begin = next(i for i, line in enumerate(lines) if line.startswith(f'    "{key}": ['))
        depth = 2
    out = []
    for i in range(begin + 1, len(lines)):
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        if indent < 4 * depth:
            break
        if indent == 4 * depth and line.strip() in ("[", "{"):
            out.append(i + 1)
    return out


def split_document(tmp_path: Path, **lists: list) -> tuple[Path, str]:
    path = tmp_path / "data_full.json"
    text = json.dumps(lists, indent=4)
    path.write_text(text)
    return path, text


def located(report: Any, check_id: str) -> list[list[tuple[str, int]]]:
    """Each finding of `check_id` as (split, physical line) of its locations."""
    return [
        sorted((loc.split, loc.physical_line) for loc in f.locations)
        for f in report.findings
        if f.check_id == check_id
    ]


# --- a JSON document whose top-level keys are its splits ---------------------------------------------


def test_split_keys_are_read_as_splits_and_other_lists_are_named_as_not_read(tmp_path: Path) -> None:
    train, valid, test = utterances(24), utterances(8, 100), utterances(8, 200)
    test[3] = train[5]  # planted: a test record copied from train
    path, text = split_document(
        tmp_path,
        oos_val=utterances(3, 300),
        val=valid,
        train=train,
        test=test,
        oos_train=utterances(4, 400),
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        ["scan", str(path), "--no-config", "--select", "LEAK001,FMT", *MAP, "--json", str(out)],
    )
    how = "(its top-level keys name the splits)"
    assert result.stderr.splitlines() == [
        f'dataqa: train = the 24 records under the key "train" of {path} {how}',
        f'dataqa: valid = the 8 records under the key "val" of {path} {how}',
        f'dataqa: test = the 8 records under the key "test" of {path} {how}',
        f'dataqa: not read in {path}: "oos_val" (3 records), "oos_train" (4 records): their keys name no '
        "split (train, validation, test); --records-path KEY reads one list alone",
    ]
    data = json.loads(out.read_text())
    assert [(s["name"], s["rows"], s["input"]["kind"]) for s in data["splits"]] == [
        ("train", 24, "json"),
        ("valid", 8, "json"),
        ("test", 8, "json"),
    ]
    assert data["splits"][2]["input"]["note"] == f'test = the 8 records under the key "test" of {path} {how}'
    report = dataqa.scan(str(path), select=["LEAK001", "FMT"], fields={"0": "text", "1": "label"})
    assert located(report, "LEAK001") == [
        [("test", record_lines(text, "test")[3]), ("train", record_lines(text, "train")[5])]
    ]
    assert [f.check_id for f in report.findings] == ["LEAK001"]  # nothing else: the clean control


def test_records_path_reads_one_list_alone_and_the_split_hint_is_given_with_other_inputs(
    tmp_path: Path,
) -> None:
    path, _ = split_document(tmp_path, train=utterances(12), test=utterances(4, 50), oos=utterances(5, 90))
    fields = {"0": "text", "1": "label"}
    alone = dataqa.scan(str(path), records_path="oos", select=["FMT"], fields=fields)
    assert [(s.name, s.rows) for s in alone.splits] == [("train", 5)]
    out = tmp_path / "report.json"
    given = ["scan", str(path), "--no-config", "--records-path", "oos", *MAP, "--json", str(out)]
    result = CliRunner().invoke(main, given)
    assert result.stderr == "" and [
        (s["name"], s["rows"]) for s in json.loads(out.read_text())["splits"]
    ] == [("train", 5)]
    other = tmp_path / "other.json"
    other.write_text(json.dumps(utterances(4, 70)))
    paired = dataqa.scan(str(path), test=str(other), select=["FMT"], fields=fields)
    (finding,) = paired.findings
    assert finding.message == (
        "the JSON object holds several lists of records: train (12 records), oos (5 records), "
        "test (4 records); name the one to read with --records-path train; `dataqa scan` given the file "
        "as its only input reads it as the splits its top-level keys name (train, validation, test)"
    )


def test_document_splits_take_exact_split_names_only(tmp_path: Path) -> None:
    def survey_of(doc: Any, tmp: Path) -> jsonarray.Survey:
        tmp.write_text(json.dumps(doc))
        return jsonarray.survey(tmp)

    tmp = tmp_path / "d.json"
    rows = [{"text": "hi", "label": "greet"}]
    both = document_splits(
        survey_of({"Train": rows, "dev": rows, "val": rows * 2, "test": [], "labels": ["a"]}, tmp)
    )
    assert both is not None
    assert {s: lst.path for s, lst in both.splits.items()} == {"train": ("Train",), "valid": ("dev",)}
    assert list(both.splits) == ["train", "valid"]
    assert both.skipped == [
        '"val" (2 records): valid is read from "dev"',
        '"test" (empty)',
        '"labels" (1 value, not records)',
    ]
    # No train key, a key that only contains a split word, a root array, a nested split: not splits.
    assert document_splits(survey_of({"test": rows, "dev": rows}, tmp)) is None
    assert document_splits(survey_of({"oos_train": rows, "test": rows}, tmp)) is None
    assert document_splits(survey_of([rows], tmp)) is None
    assert document_splits(survey_of({"data": {"train": rows, "test": rows}}, tmp)) is None


def test_a_document_with_one_list_of_records_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"version": 1, "data": [{"text": "hi", "label": "greet"}] * 2}, indent=2))
    report = dataqa.scan(str(path), select=["DUP001"])
    assert [(s.name, s.rows, s.input["note"]) for s in report.splits] == [("train", 2, "")]


# --- records written as JSON arrays ---------------------------------------------------------------


def test_records_that_are_arrays_of_a_text_and_a_label_are_read_by_position(tmp_path: Path) -> None:
    """Arrays of one free text and one short label that repeats are text/label classification as
    shipped, and the scan says it read them so; a planted empty label is found at its line, as with
    the map. Two free texts say nothing of which is the request: one finding with the map."""
    path = tmp_path / "train.json"
    rows = utterances(40)
    rows[7][1] = ""  # planted: an empty label
    path.write_text(json.dumps(rows, indent=4))
    for fields in (None, {"0": "text", "1": "label"}):
        report = dataqa.scan(str(path), select=["FMT"], fields=fields)
        assert [(f.check_id, [loc.physical_line for loc in f.locations]) for f in report.findings] == [
            ("FMT011", [record_lines(path.read_text())[7]])
        ]
        assert report.splits[0].rows == 40 and report.splits[0].label_source == "1"
    assert (
        "read as text/label classification: item 0 is the text and item 1 the label"
        in dataqa.scan(str(path), select=["FMT"]).splits[0].input["note"]
    )
    pairs = tmp_path / "pairs.json"
    asked = [
        [f"How many pens are in box {i} of the shop?", f"Box {i} holds {3 * i} pens."] for i in range(40)
    ]
    pairs.write_text(json.dumps(asked, indent=4))
    (unread,) = dataqa.scan(str(pairs), select=["FMT"]).findings
    assert unread.check_id == "FMT018" and "Read it with: --map 0=prompt --map 1=response" in unread.message


def test_a_stray_array_among_objects_is_still_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    rows: list[Any] = [{"text": f"row {i}", "label": INTENTS[i % 4]} for i in range(6)]
    rows[2] = ["row 2", "lost_card"]
    path.write_text(json.dumps(rows, indent=4))
    report = dataqa.scan(str(path), select=["FMT"])
    assert [(f.check_id, [loc.physical_line for loc in f.locations]) for f in report.findings] == [
        ("FMT002", [record_lines(path.read_text())[2]])
    ]
    assert report.findings[0].message == "JSON array where an object was expected"
    assert report.splits[0].rows == 6


def test_no_list_of_records_names_the_lists_it_saw(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps({"labels": ["a", "b", "c"], "meta": {"sizes": [1, 2], "none": []}}))
    (finding,) = dataqa.scan(str(path), select=["FMT"]).findings
    assert finding.message == (
        "the JSON object holds no list of records (objects or arrays) near its top; its lists: labels "
        "(3 strings, numbers or other values), meta.sizes (2 strings, numbers or other values), meta.none "
        "(empty); name the list to read with --records-path KEY.KEY"
    )
    path.write_text(json.dumps({"name": "x", "meta": {"size": 3}}))
    (finding,) = dataqa.scan(str(path), select=["FMT"]).findings
    assert "its lists" not in finding.message and "it holds no list at all (keys looked into 3 deep)" in (
        finding.message
    )
    path.write_text(json.dumps({"name": "x", "size": 3}))  # flat: one record (no list to name), unknown keys
    (finding,) = dataqa.scan(str(path), select=["FMT"]).findings
    assert finding.message.startswith("no record is in a layout dataqa knows; most records have the keys")


def test_in_memory_tuples_and_clean_write_arrays_back(tmp_path: Path) -> None:
    rows = [tuple(r) for r in utterances(10)] + [tuple(utterances(1)[0])]  # the last a copy of the first
    report = dataqa.scan(rows, select=["DUP001"], fields={"0": "text", "1": "label"})
    assert [[loc.row for loc in f.locations] for f in report.findings] == [[0, 10]]
    path = tmp_path / "train.json"
    path.write_text(json.dumps([list(r) for r in rows]))
    result = CliRunner().invoke(
        main,
        [
            "clean",
            str(path),
            "-o",
            str(tmp_path / "out"),
            "--no-config",
            "--map",
            "0=text",
            "--map",
            "1=label",
        ],
    )
    assert result.exit_code == 0, result.output
    kept = [orjson.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_bytes().splitlines()]
    assert kept == [list(r) for r in rows[:10]]


def test_records_that_are_arrays_in_jsonl_are_read_by_position_as_a_map_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    rows = utterances(30)
    rows[4] = rows[1]  # planted: line 5 repeats line 2
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    for fields in (None, {"0": "text", "1": "label"}):
        report = dataqa.scan(str(path), select=["FMT", "DUP001"], fields=fields)
        assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [
            ("DUP001", [2, 5])
        ]
    scored = tmp_path / "scored.jsonl"  # a score with a fraction is no class: unread, with the map
    scored.write_bytes(b"".join(orjson.dumps([t, f"{i % 4}.5"]) + b"\n" for i, (t, _) in enumerate(rows)))
    (unread,) = dataqa.scan(str(scored), select=["FMT"]).findings
    assert unread.check_id == "FMT018" and "Read it with: --map 0=text --map 1=label" in unread.message


# --- text/label classification whose label field has another name ---------------------------------


def banking_rows(n: int = 40) -> list[dict[str, str]]:
    return [{"text": text, "category": label} for text, label in utterances(n)]


def test_a_label_named_category_is_read_as_classification_and_the_scan_says_so(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    rows = banking_rows()
    rows[9]["category"] = ""  # line 11: an empty label
    path.write_text("text,category\n" + "".join(f"{r['text']},{r['category']}\n" for r in rows))
    report = dataqa.scan(str(path), select=["FMT"])
    (split,) = report.splits
    assert (split.format, split.label_source, split.rows) == ("classification", "category", 40)
    assert split.input["note"] == (
        'read as text/label classification: "text" is the text and "category" the label (short values '
        "that repeat); --label-field or --map names other fields"
    )
    assert [(f.check_id, [loc.line for loc in f.locations], f.message) for f in report.findings] == [
        ("FMT011", [11], '"category" is empty')
    ]
    assert 'train.csv: 40 rows, 39 usable, format classification (label "category")' in report.to_terminal()
    # the labels are read: a class seen in train only is a label finding, as for any labelled data
    assert dataqa.scan(str(path), select=["LBL"]).split("train").label_source == "category"


@pytest.mark.parametrize(
    ("text_key", "label_key"),
    [("utterance", "intent"), ("sentence", "label"), ("query", "topic"), ("review", "sentiment")],
)
def test_other_text_and_label_names(tmp_path: Path, text_key: str, label_key: str) -> None:
    rows = [
        {"id": f"r{i}", text_key: text, label_key: label} for i, (text, label) in enumerate(utterances(20))
    ]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    report = dataqa.scan(str(path), select=["FMT"])
    assert report.findings == []  # the id is metadata, not an unknown key
    split = report.splits[0]
    assert (split.format, split.label_source) == ("classification", label_key)


def test_annotations_beside_the_text_and_label_are_metadata(tmp_path: Path) -> None:
    """Rasa NLU examples ({"text", "intent", "entities": [...]}) under --records-path, a score."""
    rows = [
        {"text": text, "intent": label, "entities": [], "score": i / 20}
        for i, (text, label) in enumerate(utterances(20))
    ]
    path = tmp_path / "nlu.json"
    path.write_text(json.dumps({"rasa_nlu_data": {"common_examples": rows}}))
    report = dataqa.scan(str(path), records_path="rasa_nlu_data.common_examples", select=["FMT"])
    assert report.findings == []
    assert (report.splits[0].format, report.splits[0].label_source) == ("classification", "intent")


def test_review_sets_star_ratings_are_the_class_and_their_counts_metadata(tmp_path: Path) -> None:
    """Yelp's review dump: a text, its 1-5 stars and vote counts; the stars are the class."""
    rows = [
        {
            "review_id": f"r{i}",
            "stars": i % 5 + 1,
            "useful": i % 3,
            "funny": 0,
            "text": text,
            "date": "2018-07-07",
        }
        for i, (text, _) in enumerate(utterances(20))
    ]
    path = tmp_path / "reviews.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    split = dataqa.scan(str(path), select=["FMT"]).splits[0]
    assert (split.format, split.label_source, split.rows) == ("classification", "stars", 20)


def test_numbered_labels_named_label_are_classes(tmp_path: Path) -> None:
    rows = [{"idx": i, "sentence": text, "label": i % 2} for i, (text, _) in enumerate(utterances(20))]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    split = dataqa.scan(str(path), select=["FMT"]).splits[0]
    assert (split.format, split.label_source) == ("classification", "label")


@pytest.mark.parametrize(
    ("first", "second", "label", "values", "layout"),
    [
        ("premise", "hypothesis", "label", ["entailment", "neutral", "contradiction"], "premise_hypothesis"),
        ("sentence1", "sentence2", "label", [0, 1], "sentence_pair"),
        ("premise", "hypothesis", "target", [0, 1], None),
        ("question1", "question2", "is_duplicate", [0, 1], "question_pair"),
        ("question1", "question2", "same", [0, 1], None),
    ],
)
def test_sentence_pairs_are_read_as_classification_with_the_second_text_as_context(
    tmp_path: Path, first: str, second: str, label: str, values: list, layout: str | None
) -> None:
    """NLI and paraphrase sets (SNLI/MNLI, GLUE's MRPC, USB, QQP): two free texts and a label. The
    names the releases use are layouts of their own; other names are found by the label's values."""
    rows = [
        {
            "idx": i,
            first: f"{text} at branch {i}.",
            second: f"The customer asks about item {i}.",
            label: values[i % len(values)],
        }
        for i, (text, _) in enumerate(utterances(24))
    ]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    report = dataqa.scan(str(path), select=["FMT"])
    split = report.splits[0]
    if layout is not None:  # a published layout: both texts and the label by their names
        assert split.format == layout and report.findings == []
        loaded = load_split("train", str(path))
        assert loaded.fields == {"text": first, "context": second, "label": label}
        return
    if label == "same":  # a label the names do not give stays unread, with a map suggested
        assert split.format is None
        return
    assert (split.format, split.label_source) == ("classification", label) and report.findings == []
    assert split.input["note"].startswith(f'read as sentence-pair classification: "{first}" and "{second}"')


FALSE_READINGS = {
    "dolly keeps its layout": (
        [
            {
                "instruction": f"Say {i}",
                "context": "",
                "response": f"{i}",
                "category": ["open_qa", "brainstorming"][i % 2],
            }
            for i in range(20)
        ],
        "dolly",
    ),
    "question/answer with a category stays Q/A": (
        [{"question": f"What is {i} + 1?", "answer": f"{i + 1}", "category": "math"} for i in range(20)],
        "question_answer",
    ),
    "a numeric target is a class: input/target read as text/label, not as a pair to write": (
        [{"input": f"The film was {w} {i}.", "target": i % 2} for i, w in enumerate(["great", "awful"] * 10)],
        "classification",
    ),
    "a short answer is not a label": (
        [{"query": f"Is {i} even?", "answer": ["yes", "no"][i % 2]} for i in range(20)],
        "query_answer",
    ),
    "a category unique per row is an id": (
        [{"text": f"row {i} text", "category": f"cat-{i}"} for i in range(20)],
        None,
    ),
    "a long topic is free text": (
        [
            {
                "text": f"row {i}",
                "topic": f"a long description of topic {i % 3} that goes on and on for a while",
            }
            for i in range(20)
        ],
        None,
    ),
    "three free texts are no sentence pair": (
        [
            {
                "sentence_a": f"A man eats {i}.",
                "sentence_b": f"Someone eats {i}.",
                "explanation": f"Eating {i} is eating.",
                "label": ["entailment", "neutral"][i % 2],
            }
            for i in range(20)
        ],
        None,
    ),
    "question, answer and a label stay question/answer": (
        [
            {"question": f"What is {i} + 1?", "answer": f"It is {i + 1}.", "label": ["ok", "bad"][i % 2]}
            for i in range(20)
        ],
        "question_answer",
    ),
    "a second short string field: which one is the label?": (
        [
            {"text": f"row {i}", "category": ["a", "b"][i % 2], "domain": ["bank", "card"][i % 3 > 0]}
            for i in range(20)
        ],
        None,
    ),
}


@pytest.mark.parametrize("name", list(FALSE_READINGS))
def test_what_is_not_read_as_classification(tmp_path: Path, name: str) -> None:
    rows, expected = FALSE_READINGS[name]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    split = dataqa.scan(str(path), select=["FMT"]).splits[0]
    assert split.format == expected


def test_messages_name_positions_by_their_role(tmp_path: Path) -> None:
    rows = utterances(12)
    rows[7] = [rows[2][0], INTENTS[3]]  # planted: the text of record 2 with another label
    report = dataqa.scan([tuple(r) for r in rows], select=["LBL001"], fields={"0": "text", "1": "label"})
    (finding,) = report.findings
    assert finding.message.startswith("2 train examples with identical texts carry 2 different labels")
    assert [loc.row for loc in finding.locations] == [2, 7]


def test_a_dict_of_splits_in_memory_is_read_as_those_splits() -> None:
    rows = [{"text": text, "label": label} for text, label in utterances(12)]
    report = dataqa.scan({"train": rows, "test": [rows[3]], "oos_train": rows[:2]}, select=["LEAK001"])
    assert [(s.name, s.rows) for s in report.splits] == [("train", 12), ("test", 1)]
    assert [[(loc.split, loc.row) for loc in f.locations] for f in report.findings] == [
        [("test", 0), ("train", 3)]
    ]
    with pytest.raises(InputError, match="the dict has no train split"):
        dataqa.scan({"data": rows})
    with pytest.raises(InputError, match="a split of type int"):
        dataqa.scan(5)


def test_a_folder_of_one_record_files_is_read_a_record_a_file(tmp_path: Path) -> None:
    """MATH as Hendrycks et al. ship it: `train/<subject>/<n>.json`, each file one pretty-printed
    flat object {problem, level, type, solution}. Every file is one record found at its line 1, so
    a problem copied into another file and a test problem that is a training one are found."""

    def problem(i: int) -> dict[str, str]:
        return {
            "problem": f"What is the remainder when ${i + 11}^2$ is divided by $7$?",
            "level": "Level 2",
            "type": "Number Theory",
            "solution": f"Reduce first: the remainder is $\\boxed{{{(i + 11) ** 2 % 7}}}$.",
        }

    for split, numbers in (("train", range(8)), ("test", range(20, 24))):
        folder = tmp_path / split / "number_theory"
        folder.mkdir(parents=True)
        for i in numbers:
            (folder / f"{i}.json").write_text(json.dumps(problem(i), indent=4))
    train, test = tmp_path / "train" / "number_theory", tmp_path / "test" / "number_theory"
    (train / "9.json").write_text(json.dumps(problem(3), indent=4))  # planted: a copy of 3.json
    (test / "25.json").write_text(json.dumps(problem(5), indent=4))  # planted: train's 5.json
    report = dataqa.scan(
        str(tmp_path / "train"), test=str(tmp_path / "test"), select=["FMT", "DUP001", "LEAK001"]
    )
    assert [(s.rows, s.format) for s in report.splits] == [(9, "problem_solution"), (5, "problem_solution")]
    found = sorted(
        (f.check_id, sorted(f"{Path(loc.path).name}:{loc.physical_line}" for loc in f.locations))
        for f in report.findings
    )
    assert found == [("DUP001", ["3.json:1", "9.json:1"]), ("LEAK001", ["25.json:1", "5.json:1"])]


def test_sentence_pairs_are_suggested_and_read_as_one_input(tmp_path: Path) -> None:
    """NLI-style records: each premise twice, with another hypothesis; the pair is the record."""
    rows = []
    for i in range(10):
        premise = f"The shop on street {i} opens at nine and closes at five."
        rows.append(
            {"premise": premise, "hypothesis": f"Shop {i} opens in the morning.", "label": "entailment"}
        )
        rows.append(
            {"premise": premise, "hypothesis": f"Shop {i} is open all night.", "label": "contradiction"}
        )
    rows.append(dict(rows[4]))  # planted: line 21 repeats line 5, pair and label
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    report = dataqa.scan(str(path), select=["FMT", "DUP001", "LBL001"])
    assert report.splits[0].format == "premise_hypothesis"  # read without a map: a sentence pair
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("DUP001", [5, 21])]
    fields = {"premise": "text", "hypothesis": "context"}
    mapped = dataqa.scan(str(path), select=["FMT", "DUP001", "LBL001"], fields=fields)
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in mapped.findings] == [("DUP001", [5, 21])]


def test_an_object_of_records_by_id_is_read_as_its_values(tmp_path: Path) -> None:
    """`{"algebra_1.json": {"problem": ..., "solution": ...}, ...}` (an id-to-record dump, as ms-swift
    ships MATH): every value is a record, found at the line its key starts on; `--records-key`
    keeps the key; an object with a value that is no object stays unread, with its message."""
    problems = {
        f"algebra_{i}.json": {"problem": f"What is {i} + {i + 3}?", "solution": f"It is {2 * i + 3}."}
        for i in range(6)
    }
    problems["algebra_9.json"] = dict(problems["algebra_2.json"])  # a planted copy of the third
    path = tmp_path / "math.json"
    path.write_text(json.dumps(problems, indent=2))
    report = dataqa.scan(str(path), select=["DUP001", "FMT"])
    assert report.splits[0].rows == 7 and report.splits[0].format == "problem_solution"
    keys = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith('  "algebra_')]
    assert [(f.check_id, [loc.physical_line for loc in f.locations]) for f in report.findings] == [
        ("DUP001", [keys[2], keys[6]])
    ]
    kept = dataqa.scan(str(path), records_key="source", select=["FMT"], fields={"source": "meta"})
    assert kept.findings == [] and kept.splits[0].rows == 7
    one_line = tmp_path / "one_line.json"
    one_line.write_text(json.dumps(problems))
    (copy,) = dataqa.scan(str(one_line), select=["DUP001"]).findings
    assert [str(loc).rsplit("/", 1)[-1] for loc in copy.locations] == [
        "one_line.json:1 (record 3)",
        "one_line.json:1 (record 7)",
    ]
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"name": "math", "algebra_1.json": problems["algebra_1.json"]}))
    (unread,) = dataqa.scan(str(mixed), select=["FMT"]).findings
    assert unread.check_id == "FMT018" and "holds no list of records" in unread.message


NEWS = {
    "1": ["election", "minister", "parliament", "treaty", "embassy", "senate", "vote"],
    "2": ["match", "coach", "league", "goal", "season", "striker", "final"],
    "3": ["shares", "profit", "market", "bank", "merger", "investor", "bond"],
}


def news_rows(n: int) -> list[list[str]]:
    """AG News as its authors ship it: class id, title, description; no header row."""
    rows = []
    for i in range(n):
        label = str(i % 3 + 1)
        words = NEWS[label]
        rows.append(
            [
                label,
                f"{words[i % 7].title()} report {i}",
                f"The {words[(i + 1) % 7]} and the {words[(i + 2) % 7]} were in the news again, story {i}.",
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> list[int]:
    """Write `rows` quoted, one line each; the line numbers they are on."""
    path.write_text("".join(",".join(f'"{cell}"' for cell in row) + "\n" for row in rows))
    return list(range(1, len(rows) + 1))


def test_a_table_without_a_header_row_is_read_by_position(tmp_path: Path) -> None:
    """A class id over class ids, or a sentence, in the first row makes it a record: every row is
    read by position, the map that reads it is suggested, and with it planted conflicts are found at
    their lines. A header stays a header, whatever its columns hold."""
    rows = news_rows(30)
    rows[20] = ["1", rows[4][1], rows[4][2]]  # planted: the fifth row again, under another class
    path = tmp_path / "train.csv"
    write_csv(path, rows)
    (unread,) = dataqa.scan(str(path), select=["FMT"]).findings
    assert unread.message == (
        "no record is in a layout dataqa knows; the records name no fields (JSON arrays, or rows of a "
        "table without a header row): 3 items each (string, string, string) (30 record(s)). Read it with: "
        "--map 0=label --map 2=text --map 1=context (fields by position; `dataqa formats` lists the layouts)"
    )
    mapped = dataqa.scan(
        str(path), select=["LBL001", "FMT"], fields={"0": "label", "2": "text", "1": "context"}
    )
    assert mapped.splits[0].rows == 30
    assert [(f.check_id, [loc.physical_line for loc in f.locations]) for f in mapped.findings] == [
        ("LBL001", [5, 21])
    ]
    sentences = tmp_path / "sentences.csv"  # no number in the first row; its question is a sentence
    write_csv(
        sentences,
        [[f"Which of these is the capital of country number {i} on the list?", "B"] for i in range(5)],
    )
    assert dataqa.scan(str(sentences), select=["FMT"], fields={"0": "text", "1": "label"}).splits[0].rows == 5
    headed = tmp_path / "headed.csv"
    write_csv(headed, [["label", "text"], *[[r[0], r[2]] for r in news_rows(10)]])
    report = dataqa.scan(str(headed), select=["FMT"])
    assert (
        report.findings == [] and report.splits[0].rows == 10 and report.splits[0].format == "classification"
    )
    indexed = tmp_path / "indexed.csv"  # pandas' to_csv: an unnamed index column under an empty name
    write_csv(indexed, [["", "text", "label"], *[[str(i), r[2], r[0]] for i, r in enumerate(news_rows(10))]])
    assert dataqa.scan(str(indexed), select=["FMT"]).splits[0].rows == 10
    ragged = tmp_path / "ragged.csv"
    write_csv(ragged, [*news_rows(6), ["2", "Final report"]])
    messages = [
        f.message
        for f in dataqa.scan(str(ragged), select=["FMT"], fields={"0": "label", "2": "text"}).findings
    ]
    assert "CSV row has 2 field(s) where the first row has 3" in messages


def test_a_first_row_whose_class_recurs_below_is_data_unless_the_whole_row_recurs() -> None:
    """A short first tweet beside its class ("POS" again below) is a record; a header's names are no
    values of their columns, and a header repeated inside the file (tables concatenated) stays one."""
    rows = [["Loved it!", "POS"], ["The soup was cold", "NEG"], ["Great driver", "POS"]]
    assert first_row_is_data(rows[0], rows[1:])
    headed = [["text", "label"], ["The soup was cold", "NEG"], ["text", "label"], ["Great driver", "POS"]]
    assert not first_row_is_data(headed[0], headed[1:])
    assert not first_row_is_data(["text", "label"], rows[1:])


def test_a_csv_written_with_semicolons_is_read_by_them(tmp_path: Path) -> None:
    """Spreadsheets in locales whose decimal mark is a comma save `.csv` with semicolons: read by
    them, planted conflict at its line; a one-column table whose texts hold semicolons stays one
    column, and a comma table with semicolons inside its texts stays a comma table."""
    rows = [(f"Where is card number {i}; it has not come", "card_arrival") for i in range(8)]
    rows += [(f"I lost card number {i} on the bus", "lost_card") for i in range(8)]
    rows[12] = (rows[3][0], "lost_card")  # planted: the fourth text again under another label
    path = tmp_path / "train.csv"
    path.write_text(
        "text;label\n"
        + "".join(f"{t};{label}\n" for t, label in [(t.replace(";", ","), lb) for t, lb in rows])
    )
    report = dataqa.scan(str(path), select=["LBL001", "FMT"])
    assert report.splits[0].rows == 16 and report.splits[0].format == "classification"
    assert [[loc.physical_line for loc in f.locations] for f in report.findings] == [[5, 14]]
    commas = tmp_path / "commas.csv"
    commas.write_text("text,label\n" + "".join(f'"{t}",{label}\n' for t, label in rows))
    assert dataqa.scan(str(commas), select=["FMT"]).splits[0].format == "classification"
    texts = tmp_path / "texts.csv"
    texts.write_text("text\n" + "".join(f'"{t}"\n' for t, _ in rows))
    assert dataqa.scan(str(texts), select=["FMT"]).splits[0].rows == 16


# --- a request and its answer under names no layout lists ------------------------------------------


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def test_a_prompt_and_an_answer_are_read_as_a_pair_and_the_scan_says_so(tmp_path: Path) -> None:
    rows = [
        {
            "prompt": f"A shop sells {i} pens a day. How many in {i + 2} days?",
            "answer": str(i * (i + 2)),
            "source": "m",
        }
        for i in range(1, 31)
    ]
    rows[6]["answer"] = ""  # line 7: no answer
    rows[19] = dict(rows[3])  # line 20: a copy of line 4
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    report = dataqa.scan(str(path), select=["FMT", "DUP001"])
    (split,) = report.splits
    assert (split.format, split.rows) == ("prompt_response", 30)
    assert split.input["note"] == (
        'read as a request and its answer: "prompt" is the request and "answer" the answer (found by '
        "their names); --map names other fields"
    )
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [
        ("DUP001", [4, 20]),
        ("FMT011", [7]),
    ]
    assert '"answer"' in report.findings[1].message  # the data set's own field is named


def test_a_question_and_its_solution_with_metadata_are_a_pair(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"q{i}",
            "question": f"Simplify {i}x + {i}x.",
            "solution": f"{2 * i}x",
            "difficulty": ["easy", "hard"][i % 2],
        }
        for i in range(20)
    ]
    report = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", rows)), select=["FMT"])
    assert (report.splits[0].format, report.splits[0].usable_rows, report.findings) == (
        "prompt_response",
        20,
        [],
    )


def test_prompts_as_messages_beside_a_reference_are_read_as_rft(tmp_path: Path) -> None:
    rows = [
        {"prompt": [{"role": "user", "content": f"What is {i} + {i}?"}], "answer": str(2 * i)}
        for i in range(1, 21)
    ]
    rows[4]["answer"] = ""  # line 5: nothing to score the answer against
    report = dataqa.scan(str(write_jsonl(tmp_path / "grpo.jsonl", rows)), select=["FMT"])
    (split,) = report.splits
    assert (split.format, split.rft["references"]) == ("rft", ["answer"])
    assert split.input["note"].startswith(
        'read as reinforcement-learning prompts: "prompt" holds the messages'
    )
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("FMT011", [5])]


def test_verl_records_read_the_reward_model_as_the_reference_and_the_rest_as_metadata(tmp_path: Path) -> None:
    rows = [
        {
            "data_source": "openai/gsm8k",
            "prompt": [{"role": "user", "content": f"Tom has {i} apples and eats one. How many are left?"}],
            "ability": "math",
            "reward_model": {"style": "rule", "ground_truth": str(i - 1)},
            "extra_info": {"split": "train", "index": i},
        }
        for i in range(2, 22)
    ]
    report = dataqa.scan(str(write_jsonl(tmp_path / "verl.jsonl", rows)), select=["FMT"])
    (split,) = report.splits
    assert (split.format, split.rft["references"], split.usable_rows) == ("rft", ["reward_model"], 20)
    assert report.findings == []  # data_source, ability, extra_info: known metadata, no FMT015


NOT_PAIRS: dict[str, list[dict[str, Any]]] = {
    "a free text whose name says nothing: which one is the answer?": [
        {
            "prompt": f"Add {i} and 1.",
            "answer": f"{i + 1}",
            "explanation": f"{i} plus one is {i + 1}, by counting on.",
        }
        for i in range(20)
    ],
    "two requests": [
        {
            "instruction": f"Answer question {i} in words.",
            "query": f"What is {i} + 1?",
            "solution": f"{i + 1}",
        }
        for i in range(20)
    ],
    "answers as a list": [
        {"prompt": f"Name a multiple of {i}.", "answer": [str(i), str(2 * i)]} for i in range(1, 21)
    ],
    "a prompt as messages beside another conversation": [
        {
            "prompt": [{"role": "user", "content": f"Hi {i}"}],
            "answer": "x",
            "dialog": [
                {"role": "user", "content": f"Hi {i}"},
                {"role": "assistant", "content": f"Hello {i}"},
            ],
        }
        for i in range(20)
    ],
}


@pytest.mark.parametrize("name", list(NOT_PAIRS))
def test_what_is_not_read_as_a_pair(tmp_path: Path, name: str) -> None:
    report = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", NOT_PAIRS[name])), select=["FMT"])
    assert report.splits[0].format is None
    assert [f.check_id for f in report.findings] == ["FMT018"]


def test_a_list_of_classes_under_a_label_name_is_read_as_multi_label(tmp_path: Path) -> None:
    emotions = [["joy"], ["anger"], ["joy", "love"], ["sadness"], []]
    rows = [
        {
            "comment_id": f"c{i}",
            "comment_text": f"comment number {i} about the film",
            "emotions": emotions[i % 5],
        }
        for i in range(30)
    ]
    rows[17] = {
        **rows[4],
        "comment_id": "c17",
        "emotions": ["anger", "fear"],
    }  # line 18: line 5 with other classes
    report = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", rows)), select=["FMT", "LBL001"])
    (split,) = report.splits
    assert (split.format, split.label_source, split.usable_rows) == ("classification", "emotions", 28)
    assert split.input["note"].startswith('read as multi-label classification: "comment_text" is the text')
    (finding,) = report.findings
    assert (finding.check_id, [loc.line for loc in finding.locations]) == ("LBL001", [5, 18])
    assert "label sets" in finding.message and '["anger","fear"]' in finding.message


def test_answers_as_a_list_are_no_label_set(tmp_path: Path) -> None:
    rows = [
        {"question": f"Name a city in country {i}.", "answers": [f"city {i}", f"town {i}"]} for i in range(20)
    ]
    split = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", rows)), select=["FMT"]).splits[0]
    assert split.format != "classification"


def test_a_label_set_left_out_where_none_applies_is_the_empty_set_not_plain_text(tmp_path: Path) -> None:
    # NLU++'s layout: "intents" is left out of a row no intent applies to, so a few rows are {"text"}
    # alone, which plain text reads completely; the many that carry "intents" decide the layout.
    intents = [["pin", "new"], ["card", "cancel"], ["affirm"], ["pin"], ["card"]]
    slots = {"x": {"span": [0, 2]}}
    rows: list[dict[str, Any]] = [{"text": "i was scammed"}, {"text": "my payee", "slots": slots}]
    rows += [{"text": f"utterance number {i} about my card", "intents": intents[i % 5]} for i in range(28)]
    rows[20] = {"text": rows[7]["text"], "intents": ["affirm", "cancel"]}  # line 21: line 8, other classes
    report = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", rows)), select=["FMT007", "FMT014", "LBL001"])
    (split,) = report.splits
    assert (split.format, split.label_source, split.usable_rows) == ("classification", "intents", 28)
    (finding,) = report.findings
    assert (finding.check_id, [loc.line for loc in finding.locations]) == ("LBL001", [8, 21])


def test_plain_text_with_a_stray_label_set_stays_plain_text(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"text": f"a paragraph of prose number {i}."} for i in range(30)]
    rows[4]["intents"] = ["pin"]  # line 5: one record with a key plain text does not read
    report = dataqa.scan(str(write_jsonl(tmp_path / "t.jsonl", rows)), select=["FMT014", "FMT015"])
    assert report.splits[0].format == "text"
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("FMT015", [5])]


PREMISES = [
    "the committee met on tuesday and approved the new budget for the city library after a long debate",
    "a small boat carried four fishermen across the lake before the storm reached the northern shore",
    "the museum opened a new wing that shows paintings from the early twentieth century to the public",
    "farmers in the valley planted wheat this spring because the rains came earlier than in past years",
]


def joined_pairs(marker: str) -> list[str]:
    """FarsTail-like rows, `premise<marker>hypothesis<TAB>label`: each premise with one entailed,
    one neutral and one contradicted hypothesis, as an inference set writes them on purpose."""
    lines = []
    for i, premise in enumerate(PREMISES * 3):
        subject = premise.split(" ")[1]
        for hypothesis, label in (
            (f"the {subject} is mentioned in report {i}", "e"),
            (f"the {subject} was seen by many people in report {i}", "n"),
            (f"the {subject} is never mentioned in report {i}", "c"),
        ):
            lines.append(f"{premise}{marker}{hypothesis}\t{label}")
    return lines


def test_a_pair_joined_by_a_separator_token_is_read_as_a_sentence_pair(tmp_path: Path) -> None:
    lines = ["text\tlabel", *joined_pairs(" [SEP] ")]
    lines[8] = lines[7].rsplit("\t", 1)[0] + "\tc"  # line 9: line 8's pair under another label
    path = tmp_path / "train.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = dataqa.scan(str(path), select=["LBL001", "LBL002", "DUP004"])
    (split,) = report.splits
    assert split.input["note"].startswith('read as sentence pairs: "text" holds two texts joined by [SEP]')
    # one premise, three hypotheses and three labels is what the set asks, not a conflict
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("LBL001", [8, 9])]
    assert "texts and second texts" in report.findings[0].message


def test_a_separator_token_in_a_few_texts_is_still_one_text(tmp_path: Path) -> None:
    lines = ["text\tlabel", *joined_pairs(" [SEP] ")]
    for i in range(2, len(lines)):  # the pairs' second texts in the first text's place, but three
        lines[i] = lines[i].replace(" [SEP] ", " and ", 1) if i % 12 else lines[i]
    path = tmp_path / "train.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = dataqa.scan(str(path), select=["LBL001"])
    assert "joined" not in report.splits[0].input["note"]
    assert "second texts" not in " ".join(f.message for f in report.findings)


def flag_table(n: int = 40) -> list[list[str]]:
    """A Jigsaw-like table: an id, a comment, and one 0/1 column a class."""
    rows = [["id", "comment_text", "toxic", "obscene", "insult"]]
    for i in range(n):
        rows.append(
            [f"{i:08x}", f"comment number {i} about the match", *(str(int(i % k == 0)) for k in (3, 4, 5))]
        )
    return rows


def test_one_flag_column_a_class_is_read_as_multi_label(tmp_path: Path) -> None:
    rows = flag_table()
    rows[7][2] = "2"  # line 8: not a flag
    rows[21][1], rows[21][2:] = rows[6][1], ["0", "1", "1"]  # line 22: line 7's comment with other classes
    write_csv(tmp_path / "t.csv", rows)
    report = dataqa.scan(str(tmp_path / "t.csv"), select=["FMT", "LBL001", "SIZE002"])
    (split,) = report.splits
    assert (split.format, split.label_source) == ("classification", "toxic, obscene, insult")
    assert split.input["note"].startswith(
        'read as multi-label classification: "comment_text" is the text, and each'
    )
    found = [
        (f.check_id, [loc.line for loc in f.locations]) for f in report.findings if f.check_id != "SIZE002"
    ]
    assert found == [("FMT008", [8]), ("LBL001", [7, 22])]
    assert report.findings[0].message == "\"toxic\" is '2'; a class flag is 0 or 1"
    assert '\'["insult","obscene"]\' x1' in report.findings[1].message  # the set of the flags that are on
    # rare classes are the flags' classes: none for "[]" (no flag on) or for a combination
    rare = sorted(f.message.split("'")[1] for f in report.findings if f.check_id == "SIZE002")
    assert rare == ["insult", "obscene", "toxic"]


def test_what_is_not_read_as_one_flag_a_class(tmp_path: Path) -> None:
    two_texts = [
        ["question", "passage", "toxic", "insult"],
        *([f"question {i} here", f"a passage of text number {i}", str(i % 2), "0"] for i in range(30)),
    ]
    flags_and_a_type = [
        ["comment_text", "toxic", "insult", "kind"],
        *([f"comment number {i} here", str(i % 2), str(i % 3 == 0), ("a", "b")[i % 2]] for i in range(30)),
    ]
    for name, rows in (("b.csv", two_texts), ("c.csv", flags_and_a_type)):
        write_csv(tmp_path / name, rows)
        assert dataqa.scan(str(tmp_path / name), select=["FMT"]).splits[0].format is None


def test_one_flag_beside_one_text_is_a_binary_label_whatever_its_name(tmp_path: Path) -> None:
    """RuCoLA's `id, sentence, acceptable, error_type, detailed_source`: the one 0/1 column is the
    label, the short repeated columns of no role are metadata; `{text, is_spam}` the same."""
    sources = ("Rusgram", "Testelets", "USE5")
    rows = [["id", "sentence", "acceptable", "error_type", "detailed_source"]]
    for i in range(30):
        rows.append(
            [str(i), f"sentence number {i} of the corpus", str(i % 2), ("0", "Syntax")[i % 2], sources[i % 3]]
        )
    rows[20][1:3] = [rows[5][1], "0" if rows[5][2] == "1" else "1"]  # line 21: line 6's sentence, other label
    write_csv(tmp_path / "r.csv", rows)
    report = dataqa.scan(str(tmp_path / "r.csv"), select=["FMT", "LBL001"])
    (split,) = report.splits
    assert (split.format, split.label_source) == ("classification", "acceptable")
    assert split.input["note"].startswith(
        'read as binary classification: "sentence" is the text and "acceptable"'
    )
    assert [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings] == [("LBL001", [6, 21])]
    one_flag = [["text", "is_spam"], *([f"message {i} here", str(i % 2)] for i in range(30))]
    write_csv(tmp_path / "a.csv", one_flag)
    split = dataqa.scan(str(tmp_path / "a.csv"), select=["FMT"]).splits[0]
    assert (split.format, split.label_source) == ("classification", "is_spam")


def test_a_numeric_answer_is_a_short_answer_not_a_broken_record(tmp_path: Path) -> None:
    known = [{"question": f"What is {i} times 3?", "answer": i * 3} for i in range(30)]
    known[4]["answer"] = None  # line 5: no answer at all is still a defect
    guessed = [{"problem": f"What is {i} times 7?", "answer": i * 7.5, "level": "1"} for i in range(30)]
    for name, rows, layout in (
        ("q.jsonl", known, "question_answer"),
        ("p.jsonl", guessed, "prompt_response"),
    ):
        report = dataqa.scan(str(write_jsonl(tmp_path / name, rows)), select=["FMT"])
        assert report.splits[0].format == layout
        found = [(f.check_id, [loc.line for loc in f.locations]) for f in report.findings]
        assert found == ([("FMT008", [5])] if name == "q.jsonl" else [])
    chat = [{"messages": [{"role": "user", "content": "2 x 3?"}, {"role": "assistant", "content": 6}]}]
    report = dataqa.scan(str(write_jsonl(tmp_path / "c.jsonl", chat * 3)), select=["FMT008"])
    assert [f.check_id for f in report.findings] == ["FMT008"] * 3  # a message's content must be text


def test_flags_written_as_floats_are_flags(tmp_path: Path) -> None:
    """A float column written out ("1.0", "0.0") is read as flags by the guess and by the reader alike."""
    rows = [
        [cell if i < 2 else f"{cell}.0" for i, cell in enumerate(row)] if n else row
        for n, row in enumerate(flag_table())
    ]
    write_csv(tmp_path / "t.csv", rows)
    report = dataqa.scan(str(tmp_path / "t.csv"), select=["FMT", "LBL001"])
    assert (report.splits[0].format, report.splits[0].usable_rows, report.findings) == (
        "classification",
        40,
        [],
    )


def test_two_sentences_and_a_label_without_a_prompt_are_no_preference_pair(tmp_path: Path) -> None:
    """Numbered answers beside a verdict are a preference pair only under a prompt: two sentences and
    a label (a paraphrase or NLI pair, `sentence1`/`sentence2`) or two numbered answers without one
    are not called so."""
    rows = [
        {
            "question1": f"How do I reset card {i}?",
            "answer_1": f"Open settings {i}.",
            "answer_2": "Call us.",
            "gold": 1,
        }
        for i in range(6)
    ]
    for row in rows:
        del row["question1"]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    messages = [f.message for f in dataqa.scan(str(path), select=["FMT018"]).findings]
    assert messages and not any("preference pair" in m for m in messages)
