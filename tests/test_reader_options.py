"""General reading options for NLU layouts (issue #18): `--line-pattern` splits `LABEL text` lines
(TREC) into fields, `--records-path '*'` reads every top-level list of a JSON object and
`--records-key FIELD` keeps the key each list sits under (SNIPS: the intent). Planted label
conflicts are found at their exact lines; clean controls stay clean; a bad pattern is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import ConfigError

TREC = r"(?P<label>\S+) (?P<text>.*)"
QUESTIONS = [
    ("NUM:count", "How many moons does Mars have ?"),
    ("LOC:city", "What city hosts the Louvre ?"),
    ("HUM:ind", "Who wrote Hamlet ?"),
    ("DESC:def", "What is a neutron star ?"),
    ("NUM:date", "When did the Berlin Wall fall ?"),
    ("ENTY:animal", "What animal has the longest neck ?"),
    ("NUM:count", "What is the chromosome number of an elephant ?"),
    ("LOC:country", "Which country has the most islands ?"),
]


def lines_file(path: Path, rows: list[tuple[str, str]], extra: str = "") -> str:
    path.write_text("".join(f"{label} {text}\n" for label, text in rows) + extra)
    return str(path)


def where(report: Any, check_id: str) -> list[list[int | None]]:
    return [[loc.physical_line for loc in f.locations] for f in report.findings if f.check_id == check_id]


def test_line_pattern_reads_label_and_text_and_finds_a_label_conflict(tmp_path: Path) -> None:
    rows = [*QUESTIONS, ("NUM:other", "What is the chromosome number of an elephant ?")]
    path = lines_file(tmp_path / "train.txt", rows, "this line has no label\n")
    report = dataqa.scan(path, line_pattern=r"(?P<label>[A-Z]+:\S+) (?P<text>.*)", select=["LBL001", "FMT"])
    (split,) = report.splits
    assert split.format == "classification" and split.rows == 10
    assert where(report, "LBL001") == [[7, 9]]
    (bad,) = [f for f in report.findings if f.check_id == "FMT001"]
    assert [loc.physical_line for loc in bad.locations] == [10]
    assert bad.message.startswith("line does not match the line pattern")
    assert bad.evidence == ["this line has no label"]
    # control: the same lines without the conflicting copy
    control = lines_file(tmp_path / "clean.txt", QUESTIONS)
    clean = dataqa.scan(control, line_pattern=TREC, select=["LBL001", "FMT"])
    assert clean.findings == []
    # without the option the lines are plain text: no labels, so no conflict can be seen
    plain = dataqa.scan(path, select=["LBL001"])
    assert plain.splits[0].format == "text" and plain.findings == []


def test_line_pattern_reads_a_file_whose_name_says_no_kind_and_leaves_json_alone(tmp_path: Path) -> None:
    rows = [*QUESTIONS, ("NUM:other", "How many moons does Mars have ?")]
    report = dataqa.scan(lines_file(tmp_path / "train.data", rows), line_pattern=TREC, select=["LBL001"])
    assert report.splits[0].input["kind"] == "text" and where(report, "LBL001") == [[1, 9]]
    document = tmp_path / "train.jsonl"
    document.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for lab, t in rows))
    as_json = dataqa.scan(str(document), line_pattern=TREC, select=["LBL001", "FMT"])
    assert as_json.splits[0].input["kind"] == "jsonl" and where(as_json, "LBL001") == [[1, 9]]


@pytest.mark.parametrize(
    ("pattern", "said"),
    [(r"(\S+) (.*)", "names no field"), (r"(?P<label>\S+ (?P<text>.*)", "not a regular expression")],
)
def test_a_line_pattern_without_named_groups_or_not_a_regex_is_refused(
    tmp_path: Path, pattern: str, said: str
) -> None:
    path = lines_file(tmp_path / "train.txt", QUESTIONS)
    with pytest.raises(ConfigError, match=said):
        dataqa.scan(path, line_pattern=pattern)


def test_line_pattern_from_the_config_file(tmp_path: Path) -> None:
    rows = [*QUESTIONS, ("NUM:other", "Who wrote Hamlet ?")]
    path = lines_file(tmp_path / "train.txt", rows)
    config = tmp_path / "dataqa.toml"
    config.write_text(f"line-pattern = '{TREC}'\n")
    assert where(dataqa.scan(path, config=str(config), select=["LBL001"]), "LBL001") == [[3, 9]]


def test_line_pattern_and_records_key_on_the_command_line(tmp_path: Path) -> None:
    rows = [*QUESTIONS, ("NUM:other", "Who wrote Hamlet ?")]
    path = lines_file(tmp_path / "train.txt", rows)
    runner = CliRunner()
    args = ["scan", path, "--no-config", "--select", "LBL001", "--exit-zero"]
    result = runner.invoke(main, [*args, "--line-pattern", TREC])
    assert result.exit_code == 0, result.output
    assert "LBL001" in result.output and "train.txt:3" in result.output
    refused = runner.invoke(main, [*args, "--line-pattern", r"(\S+) (.*)"])
    assert refused.exit_code == 2 and "names no field" in refused.output
    play = intent_file(tmp_path / "play.json", "PlayMusic", [*PLAY, PLAY[0]])
    options = ["--records-key", "intent", "--map", "data=text", "--map", "intent=label"]
    result = runner.invoke(main, ["scan", play, "--no-config", "--select", "DUP001", *options])
    assert "DUP001" in result.output, result.output


def intent_file(path: Path, intent: str, texts: list[str]) -> str:
    """A SNIPS-style file: {intent: [{"data": [{"text": ...}, {"text": ..., "entity": ...}]}, ...]}."""
    records = [{"data": [{"text": t[:4]}, {"text": t[4:], "entity": "thing"}]} for t in texts]
    path.write_text(json.dumps({intent: records}, indent=2))
    return str(path)


def starts(path: Path) -> list[int]:
    """The line each record of a pretty-printed {key: [records]} document starts on."""
    return [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line == "    {"]


PLAY = ["play some jazz", "play the new album", "put on my running mix", "play rain sounds"]
RATE = ["rate this book five stars", "give this novel 3 points", "rate the saga two of six"]


def test_records_key_carries_each_list_key_into_a_label(tmp_path: Path) -> None:
    folder = tmp_path / "snips"
    folder.mkdir()
    intent_file(folder / "train_Play.json", "PlayMusic", PLAY)
    intent_file(folder / "train_Rate.json", "RateBook", [*RATE, "play the new album"])
    options = {"records_key": "intent", "fields": {"data": "text", "intent": "label"}}
    report = dataqa.scan(str(folder / "train_*.json"), select=["LBL001"], **options)
    assert report.splits[0].rows == 8
    (conflict,) = [f for f in report.findings if f.check_id == "LBL001"]
    assert [(Path(loc.path).name, loc.physical_line) for loc in conflict.locations] == [
        ("train_Play.json", starts(folder / "train_Play.json")[1]),
        ("train_Rate.json", starts(folder / "train_Rate.json")[3]),
    ]
    assert sorted(conflict.metrics["labels"]) == ["PlayMusic", "RateBook"]
    clean = intent_file(tmp_path / "clean.json", "RateBook", RATE)
    assert dataqa.scan(clean, select=["LBL001", "FMT"], **options).findings == []


def test_records_path_star_reads_every_top_level_list(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    path.write_text(
        json.dumps(
            {
                "PlayMusic": [{"data": [{"text": t}]} for t in PLAY],
                "RateBook": [{"data": [{"text": t}]} for t in [*RATE, "play rain sounds"]],
            },
            indent=2,
        )
    )
    alone = dataqa.scan(str(path), select=["FMT018"])
    (said,) = [f.message for f in alone.findings]
    assert "several lists of records" in said and "--records-path '*'" in said
    options = {"records_key": "intent", "fields": {"data": "text", "intent": "label"}}
    report = dataqa.scan(str(path), records_path="*", select=["LBL001", "FMT"], **options)
    assert report.splits[0].rows == 8
    lines = starts(path)
    assert len(lines) == 8 and where(report, "LBL001") == [[lines[3], lines[7]]]
    # the key is not forced over a field the record has
    path.write_text(json.dumps({"PlayMusic": [{"data": [{"text": "hi"}], "intent": "Greet"}]}))
    own = dataqa.scan(str(path), records_path="*", select=["FMT"], **options)
    assert own.splits[0].rows == 1 and own.findings == []


def test_formats_names_the_reading_options_scan_takes() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["formats"]).output
    helped = runner.invoke(main, ["scan", "--help"]).output
    for flag in ("--records-path", "--records-key", "--line-pattern"):
        assert f"  {flag} " in listed and flag in helped
