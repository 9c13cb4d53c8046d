"""Reading every input kind (issue #18): compressed JSONL, JSON arrays and documents, CSV/TSV,
Parquet, Arrow, dataset folders and in-memory tables. Each kind has planted defects (a duplicate,
a broken record) and a clean control, and every finding is asserted at its exact line or row."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
import zstandard
from click.testing import CliRunner
from conftest import chat

import dataqa
from dataqa.commands.cli import main
from dataqa.ingest import formats
from dataqa.ingest.dataset import load_split
from dataqa.ingest.load import read_records
from dataqa.ingest.readers import jsonarray
from dataqa.ingest.readers.linepairs import _class_values_read
from dataqa.ingest.readers.parallel import parallel_file
from dataqa.reports import github

COMPRESSORS = {
    "gz": gzip.compress,
    "zst": lambda data: zstandard.ZstdCompressor().compress(data),
    "bz2": bz2.compress,
    "xz": lzma.compress,
}
CHECKS = ["DUP001", "FMT001", "FMT002", "FMT018", "LEAK001"]


def records(n: int = 40) -> list[dict]:
    """`n` distinct chat records."""
    return [chat(f"Where is my order number {i}?", f"Order {i} ships on day {i % 28 + 1}.") for i in range(n)]


def planted(n: int = 40) -> list[dict]:
    """Distinct records with record 5 a copy of record 2."""
    rows = records(n)
    rows[5] = rows[2]
    return rows


def jsonl_bytes(rows: list) -> bytes:
    return b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows)


def where(report: Any, check_id: str) -> list[list[tuple]]:
    """Each finding of `check_id` as its locations: (file name, "line", n) or (file name, "row", n)."""
    out = []
    for finding in report.findings:
        if finding.check_id == check_id:
            out.append(
                [
                    (Path(loc.path).name, "line", loc.physical_line)
                    if loc.physical_line is not None
                    else (Path(loc.path).name, "row", loc.row)
                    for loc in finding.locations
                ]
            )
    return out


def scan(source: Any, **options: Any) -> Any:
    options.setdefault("select", CHECKS)
    return dataqa.scan(source if not isinstance(source, Path) else str(source), **options)


def start_lines(text: str) -> list[int]:
    """The line each element of a pretty-printed top-level array starts on (json.dumps indent=2)."""
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("  {")]


# --- compressed JSONL -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_compressed_jsonl_reads_every_line_with_its_number(tmp_path: Path, suffix: str) -> None:
    rows = records(50)
    data = jsonl_bytes([*rows[:10], b"{broken", *rows[10:]])
    path = tmp_path / f"train.jsonl.{suffix}"
    path.write_bytes(COMPRESSORS[suffix](data))
    issues: list = []
    got = list(read_records(path, issues))
    assert [line for line, _ in got] == [*range(1, 11), *range(12, 52)]
    assert [obj for _, obj in got] == rows
    assert [(i.line, i.kind) for i in issues] == [(11, "invalid_json")]


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_truncated_compressed_jsonl_keeps_what_was_read_and_names_the_damage(
    tmp_path: Path, suffix: str
) -> None:
    data = jsonl_bytes([chat(f"question number {i} " * 20, f"answer {i} " * 20) for i in range(3000)])
    packed = COMPRESSORS[suffix](data)
    path = tmp_path / f"train.jsonl.{suffix}"
    path.write_bytes(packed[: len(packed) * 3 // 4])
    issues: list = []
    got = list(read_records(path, issues))
    assert len(got) < 3000
    assert [line for line, _ in got] == list(range(1, len(got) + 1))
    damaged = [i for i in issues if i.kind == "file"]
    assert len(damaged) == 1 and "file ends early or is damaged" in damaged[0].detail


def test_zstd_jsonl_scans_with_findings_on_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl.zst"
    path.write_bytes(COMPRESSORS["zst"](jsonl_bytes(planted())))
    report = scan(path)
    assert where(report, "DUP001") == [[("train.jsonl.zst", "line", 3), ("train.jsonl.zst", "line", 6)]]
    assert report.splits[0].input["kind"] == "jsonl"


# --- JSON arrays and documents --------------------------------------------------------------------


def test_pretty_printed_array_names_the_line_each_record_starts_on(tmp_path: Path) -> None:
    rows = planted()
    text = json.dumps(rows, indent=2)
    broken = text.replace('"Where is my order number 9?"', '"Where is my order number 9?",,', 1)
    path = tmp_path / "train.json"
    path.write_text(broken)
    starts = start_lines(text)
    report = scan(path)
    assert where(report, "DUP001") == [[("train.json", "line", starts[2]), ("train.json", "line", starts[5])]]
    assert where(report, "FMT001") == [[("train.json", "line", starts[9])]]
    assert report.splits[0].rows == 40 and report.splits[0].input["kind"] == "json"
    clean = tmp_path / "clean" / "train.json"
    clean.parent.mkdir()
    clean.write_text(json.dumps(records(), indent=6))
    control = scan(clean)
    assert control.findings == [] and control.splits[0].rows == 40


def test_one_line_array_keeps_records_apart_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps(planted()))
    report = scan(path)
    (group,) = [f for f in report.findings if f.check_id == "DUP001"]
    assert [(loc.physical_line, loc.to_dict()["record"]) for loc in group.locations] == [(1, 3), (1, 6)]
    assert report.splits[0].rows == 40
    # a line that starts several records names the record too: "line 1" alone says none of them
    assert [loc.where() for loc in group.locations] == [f"{path}:1 (record 3)", f"{path}:1 (record 6)"]
    assert "(line(s) 1 (record 6) repeat it)" in group.message
    annotation = next(a for a in github.render(report).splitlines() if "DUP001" in a)
    assert "line=1,title=dataqa DUP001::record 3: " in annotation and "(also line 1 (record 6))" in annotation
    pretty = tmp_path / "pretty" / "train.json"
    pretty.parent.mkdir()
    pretty.write_text(json.dumps(planted(), indent=2))
    (spread,) = [f for f in scan(pretty).findings if f.check_id == "DUP001"]
    assert all("record" not in loc.where() for loc in spread.locations)


def test_array_cut_in_the_middle_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    text = json.dumps(records(10), indent=2)
    starts = start_lines(text)
    path = tmp_path / "train.json"
    path.write_text(text[: text.index('"Order 7 ships')])
    report = scan(path)
    assert report.splits[0].rows == 8
    (damage,) = [f for f in report.findings if f.check_id == "FMT018"]
    assert "file ends inside the JSON array, after 7 complete record(s)" in damage.message
    assert [loc.physical_line for loc in damage.locations] == [starts[7]]


def test_records_under_a_key_are_found_or_asked_for(tmp_path: Path) -> None:
    rows = planted(30)
    single = tmp_path / "single" / "train.json"
    single.parent.mkdir()
    single.write_text(json.dumps({"version": 2, "data": rows}, indent=2))
    report = scan(single)
    assert report.splits[0].rows == 30
    assert [[loc.to_dict()["record"] for loc in f.locations] for f in report.findings] == [[3, 6]]

    nested = tmp_path / "nested" / "train.json"
    nested.parent.mkdir()
    nested.write_text(
        json.dumps({"nlu": {"examples": rows, "regex": [{"name": "x", "pattern": "y"}]}}, indent=2)
    )
    asked = scan(nested)
    (finding,) = asked.findings
    assert finding.check_id == "FMT018" and finding.message == (
        "the JSON object holds several lists of records: nlu.examples (30 records), nlu.regex (1 records); "
        "name the one to read with --records-path nlu.examples"
    )
    assert asked.splits[0].rows == 0
    given = scan(nested, records_path="nlu.examples")
    assert given.splits[0].rows == 30
    assert [f.check_id for f in given.findings] == ["DUP001"]
    wrong = scan(nested, records_path="nlu.missing")
    assert [f.message for f in wrong.findings] == [
        "records path 'nlu.missing' leads to no list in this JSON object; check the key names "
        "(--records-path KEY.KEY)"
    ]


def test_scanner_agrees_with_the_json_parser_on_hostile_strings(tmp_path: Path) -> None:
    """Escaped quotes, runs of backslashes, brackets inside strings, split across tiny chunks."""
    rng = random.Random(18)
    pieces = ["a", '"', "\\", "{", "}", "[", "]", ",", ":", "\n", " ", "é", '\\"', "\\" * 33]

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))

    path = tmp_path / "train.json"
    for trial in range(200):
        rows = [{"k": text(), text(): [text(), {text(): text()}]} for _ in range(rng.randint(0, 5))]
        path.write_text(json.dumps(rows, indent=rng.choice([None, 2]), ensure_ascii=trial % 2 == 0))
        old = jsonarray.CHUNK
        jsonarray.CHUNK = rng.choice([1, 2, 7, 64])
        try:
            found = jsonarray.survey(path)
            issues: list = []
            got = [obj for _, _, obj in jsonarray.read_list(path, found.lists[0], issues, [])]
        finally:
            jsonarray.CHUNK = old
        assert got == rows and issues == []


def test_json_array_in_a_jsonl_file_is_one_finding_and_read_as_an_array(tmp_path: Path) -> None:
    text = json.dumps(planted(), indent=2)
    path = tmp_path / "train.jsonl"
    path.write_text(text)
    report = scan(path)
    (mismatch,) = [f for f in report.findings if f.check_id == "FMT018"]
    assert mismatch.message.startswith(
        "train.jsonl is a JSON document (an array of records, or an object holding one), not JSON Lines "
        "(one JSON record per line) as its name says; it was read as a JSON document: rename it to .json"
    )
    assert [f.check_id for f in report.findings].count("FMT001") == 0
    starts = start_lines(text)
    assert where(report, "DUP001") == [
        [("train.jsonl", "line", starts[2]), ("train.jsonl", "line", starts[5])]
    ]


def test_json_file_of_lines_with_a_first_line_over_64_kib_is_read_as_jsonl(tmp_path: Path) -> None:
    rows = planted()
    rows[0] = chat("Summarise this: " + "word " * 20_000, "A long text.")  # ~100 KB first line
    body = jsonl_bytes(rows)
    assert body.index(b"\n") > 64 * 1024
    for name, data in (("train.json", body), ("train.json.gz", gzip.compress(body))):
        path = tmp_path / name
        path.write_bytes(data)
        report = scan(path)
        assert report.splits[0].input["kind"] == "jsonl" and report.splits[0].rows == 40
        assert [f.check_id for f in report.findings] == ["DUP001"]
        assert where(report, "DUP001") == [[(name, "line", 3), (name, "line", 6)]]
    # control: one long minified array on its first line is still a JSON document
    document = tmp_path / "array.json"
    document.write_bytes(orjson.dumps(rows) + b"\n")
    report = scan(document)
    assert report.splits[0].input["kind"] == "json" and report.splits[0].rows == 40
    assert [f.check_id for f in report.findings] == ["DUP001"]


# --- CSV and TSV ----------------------------------------------------------------------------------


def test_csv_rows_are_reported_at_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_text(
        "text,label\n"  # 1
        "refund my order,billing\n"  # 2
        '"a note that runs\nover two lines",shipping\n'  # 3-4
        "refund my order,billing\n"  # 5: a copy of line 2
        "a row, with an unquoted comma,billing\n"  # 6: three fields
        "short row\n"  # 7: one field
        "where is my parcel,shipping\n"  # 8
    )
    report = scan(path, label_field="label")
    assert where(report, "DUP001") == [[("train.csv", "line", 2), ("train.csv", "line", 5)]]
    assert where(report, "FMT001") == [[("train.csv", "line", 6)], [("train.csv", "line", 7)]]
    messages = [f.message for f in report.findings if f.check_id == "FMT001"]
    assert messages[0].startswith("CSV row has 3 field(s) where the header has 2")
    assert report.splits[0].rows == 6

    control = tmp_path / "ok" / "train.tsv"
    control.parent.mkdir()
    control.write_text("text\tlabel\nrefund my order\tbilling\nwhere is my parcel\tshipping\n")
    clean = scan(control, label_field="label")
    assert clean.findings == [] and clean.splits[0].rows == 2 and clean.splits[0].input["kind"] == "tsv"


def test_csv_in_a_jsonl_file_is_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text(
        "text,label\nrefund my order,billing\nwhere is my parcel,shipping\nrefund my order,billing\n"
    )
    report = scan(path, label_field="label")
    assert [f.check_id for f in report.findings] == ["DUP001", "FMT018"]
    assert report.findings[1].message.startswith("train.jsonl is CSV text with a header, not JSON Lines")
    assert where(report, "DUP001") == [[("train.jsonl", "line", 2), ("train.jsonl", "line", 4)]]


# --- Parquet and Arrow ----------------------------------------------------------------------------


def test_parquet_findings_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    pl.DataFrame(planted()).write_parquet(path)
    report = scan(path)
    assert where(report, "DUP001") == [[("train.parquet", "row", 2), ("train.parquet", "row", 5)]]
    assert report.to_dict()["findings"][0]["locations"][0] == {
        "split": "train",
        "path": str(path),
        "row": 2,
        "record": 3,
    }
    control = tmp_path / "ok.parquet"
    pl.DataFrame(records()).write_parquet(control)
    assert scan(control).findings == []


def test_parquet_shards_by_glob_and_folder_number_rows_per_file(tmp_path: Path) -> None:
    rows = planted(40)
    rows[33] = rows[1]
    folder = tmp_path / "shards"
    folder.mkdir()
    pl.DataFrame(rows[:30]).write_parquet(folder / "part-0.parquet")
    pl.DataFrame(rows[30:]).write_parquet(folder / "part-1.parquet")
    (folder / "README.md").write_text("not data")
    expected = [
        [("part-0.parquet", "row", 1), ("part-1.parquet", "row", 3)],
        [("part-0.parquet", "row", 2), ("part-0.parquet", "row", 5)],
    ]
    assert where(scan(str(folder / "part-*.parquet")), "DUP001") == expected
    by_folder = scan(folder)
    assert where(by_folder, "DUP001") == expected
    assert by_folder.splits[0].rows == 40
    assert "train = 2 parquet file(s)" in by_folder.splits[0].input["note"]


def test_parquet_read_on_two_processes_gives_the_same_rows(tmp_path: Path) -> None:
    rows = records(600)
    rows[550] = rows[10]
    path = tmp_path / "train.parquet"
    pl.DataFrame(rows).write_parquet(path, row_group_size=100)
    from dataqa.ingest import readers
    from dataqa.ingest.readers import source

    old = source.PARALLEL_FROM_ROWS
    source.PARALLEL_FROM_ROWS = 100
    try:
        two = scan(path, jobs=2)
    finally:
        source.PARALLEL_FROM_ROWS = old
    assert readers is not None
    assert where(two, "DUP001") == [[("train.parquet", "row", 10), ("train.parquet", "row", 550)]]
    assert two.splits[0].rows == 600


def test_tables_are_decoded_and_shared_out_in_bounded_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataqa.ingest.readers import columnar, opening, source

    rows = records(600)
    path = tmp_path / "train.parquet"
    pl.DataFrame(rows).write_parquet(path, row_group_size=64)
    monkeypatch.setattr(columnar, "FIRST_ROWS", 7)
    monkeypatch.setattr(columnar, "PIECE_ROWS", 50)
    decoded: list[int] = []
    slice_of = pl.LazyFrame.slice

    def counted(self: pl.LazyFrame, offset: int, length: int | None = None) -> pl.LazyFrame:
        decoded.append(length if length is not None else -1)
        return slice_of(self, offset, length)

    monkeypatch.setattr(pl.LazyFrame, "slice", counted)
    issues: list = []
    got = list(columnar.read_table_file(path, "parquet", issues))
    assert [row for row, _ in got] == list(range(600)) and [obj for _, obj in got] == rows
    assert max(decoded) == 50 and decoded[0] == 7 and issues == []
    decoded.clear()
    assert [row for row, _ in columnar.read_table_file(path, "parquet", issues, 130, 245)] == list(
        range(130, 245)
    )
    assert decoded == [50, 50, 15]
    monkeypatch.setattr(source, "PARALLEL_FROM_ROWS", 100)
    jobs = opening.open_input(str(path)).spans(2, 1, 1)
    assert jobs is not None and [(j.span.start, j.span.stop) for j in jobs] == [
        (s, min(s + 50, 600)) for s in range(0, 600, 50)
    ]


@pytest.mark.parametrize("stream", [False, True])
def test_arrow_ipc_files_and_save_to_disk_folders(tmp_path: Path, stream: bool) -> None:
    folder = tmp_path / "saved"
    (folder / "train").mkdir(parents=True)
    (folder / "test").mkdir()
    frame = pl.DataFrame(planted(30))
    write = pl.DataFrame.write_ipc_stream if stream else pl.DataFrame.write_ipc
    write(frame, folder / "train" / "data-00000-of-00001.arrow")
    write(pl.DataFrame([records(30)[7]]), folder / "test" / "data-00000-of-00001.arrow")
    for split in ("train", "test"):
        (folder / split / "dataset_info.json").write_text("{}")
        (folder / split / "state.json").write_text(
            '{"_data_files": [{"filename": "data-00000-of-00001.arrow"}]}'
        )
    (folder / "dataset_dict.json").write_text('{"splits": ["train", "test"]}')
    report = scan(folder)
    assert [s.name for s in report.splits] == ["train", "test"]
    assert where(report, "DUP001") == [
        [("data-00000-of-00001.arrow", "row", 2), ("data-00000-of-00001.arrow", "row", 5)]
    ]
    (leak,) = [f for f in report.findings if f.check_id == "LEAK001"]
    assert [(loc.split, loc.row) for loc in leak.locations] == [("test", 0), ("train", 7)]


def test_parquet_renamed_to_jsonl_is_one_finding_and_read_as_parquet(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    pl.DataFrame(planted()).write_parquet(path)
    report = scan(path)
    assert [f.check_id for f in report.findings] == ["DUP001", "FMT018"]
    assert report.findings[1].message.startswith("train.jsonl is a Parquet file, not JSON Lines")
    assert where(report, "DUP001") == [[("train.jsonl", "row", 2), ("train.jsonl", "row", 5)]]


# --- dataset folders ------------------------------------------------------------------------------


def test_hub_folder_finds_its_splits_and_says_what_it_took(tmp_path: Path) -> None:
    rows = records(60)
    root = tmp_path / "dataset"
    (root / "data").mkdir(parents=True)
    (root / "validation").mkdir()
    pl.DataFrame(rows[:40]).write_parquet(root / "data" / "train-00000-of-00001.parquet")
    pl.DataFrame(rows[40:50]).write_parquet(root / "validation" / "0000.parquet")
    (root / "test.jsonl").write_bytes(jsonl_bytes([rows[3], *rows[50:]]))
    (root / "README.md").write_text("# card")
    (root / ".gitattributes").write_text("*.parquet filter=lfs")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["scan", str(root), "--no-config", "--select", "LEAK001", "--json", str(out)]
    )
    assert result.exit_code == 1, result.output
    how = "(split taken from the file names)"
    assert result.stderr.splitlines() == [
        f"dataqa: train = 1 parquet file(s) in {root}: data/train-00000-of-00001.parquet {how}",
        f"dataqa: valid = 1 parquet file(s) in {root}: validation/0000.parquet {how}",
        f"dataqa: test = 1 jsonl file(s) in {root}: test.jsonl {how}",
        f"dataqa: skipped in {root}: .gitattributes: not a data file; README.md: not a data file",
    ]
    data = json.loads(out.read_text())
    assert data["schema_version"] == "1.5"
    assert [(s["name"], s["input"]["kind"], s["rows"]) for s in data["splits"]] == [
        ("train", "parquet", 40),
        ("valid", "parquet", 10),
        ("test", "jsonl", 11),
    ]
    (leak,) = data["findings"]
    assert leak["locations"] == [
        {"split": "test", "path": str(root / "test.jsonl"), "line": 1},
        {
            "split": "train",
            "path": str(root / "data" / "train-00000-of-00001.parquet"),
            "row": 3,
            "record": 4,
        },
    ]


# --- in memory ------------------------------------------------------------------------------------


def test_list_of_dicts_and_polars_frame(tmp_path: Path) -> None:
    for source in (planted(), pl.DataFrame(planted())):
        report = scan(source)
        assert report.splits[0].rows == 40
        group = next(f for f in report.findings if f.check_id == "DUP001")
        assert [(loc.path, loc.row) for loc in group.locations] == [
            (report.splits[0].path, 2),
            (report.splits[0].path, 5),
        ]
    assert scan(records()).findings == []


def test_pandas_frame(tmp_path: Path) -> None:
    import pandas

    frame = pandas.DataFrame(
        {"text": ["refund please", "where is it", "refund please"], "label": ["a", "b", "a"]}
    )
    report = scan(frame, label_field="label")
    assert report.splits[0].path == "<pandas.DataFrame>"
    assert where(report, "DUP001") == [[("<pandas.DataFrame>", "row", 0), ("<pandas.DataFrame>", "row", 2)]]


def test_datasets_objects_by_duck_type() -> None:
    """A `datasets.Dataset` and `DatasetDict` are recognised by module and name, never imported."""

    class Dataset:
        __module__ = "datasets.arrow_dataset"

        def __init__(self, rows: list[dict]) -> None:
            self.rows = rows

        def iter(self, batch_size: int) -> Any:
            for start in range(0, len(self.rows), batch_size):
                chunk = self.rows[start : start + batch_size]
                yield {key: [r[key] for r in chunk] for key in chunk[0]}

    class DatasetDict(dict):
        __module__ = "datasets.dataset_dict"

    rows = planted(30)
    whole = DatasetDict(
        train=Dataset(rows),
        validation=Dataset([rows[10], chat("Can I pay by card?", "Yes, every card.")]),
        extra=Dataset(rows[:2]),
    )
    report = scan(whole)
    assert [(s.name, s.path, s.rows) for s in report.splits] == [
        ("train", "<datasets.Dataset>", 30),
        ("valid", "<datasets.Dataset>", 2),
    ]
    assert where(report, "DUP001") == [[("<datasets.Dataset>", "row", 2), ("<datasets.Dataset>", "row", 5)]]
    (leak,) = [f for f in report.findings if f.check_id == "LEAK001"]
    assert [(loc.split, loc.row) for loc in leak.locations] == [("valid", 0), ("train", 10)]


# --- outputs --------------------------------------------------------------------------------------


def test_row_locations_in_sarif_and_github_annotations(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    pl.DataFrame(planted()).write_parquet(path)
    report = scan(path, select=["DUP001"])
    sarif = json.loads(report.to_sarif())
    places = [r["locations"][0] for r in sarif["runs"][0]["results"]]
    assert all("region" not in p["physicalLocation"] for p in places)
    assert [p["message"]["text"].split(":")[0] for p in places] == ["row 2", "row 5"]
    github = report.render("github").splitlines()[0]
    assert "line=" not in github and "::row 2: " in github and "(also row 5)" in github
    assert report.to_terminal().count("train.parquet row 2") >= 1


# --- clean and split write JSONL whatever the input -----------------------------------------------


def test_a_split_file_in_no_layout_beside_one_that_reads_is_skipped_and_named(tmp_path: Path) -> None:
    """Hebrew sentiment's folder: `test.tsv` holds the test sentences without labels (pandas row
    numbers in an unnamed column), `test_gold.tsv` the same with them; read together the unlabelled
    file left the whole test split unread. Files of one split that are shards of one shape are kept."""
    root = tmp_path / "hebrew"
    root.mkdir()
    texts = [f"comment number {i} on the president's post" for i in range(12)]
    (root / "train.tsv").write_text(
        "sentence\tlabel\n" + "".join(f"{t} in train\t{i % 3}\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    (root / "test.tsv").write_text(
        "\tsentence\n" + "".join(f"{i}\t{t}\n" for i, t in enumerate(texts[:6])), encoding="utf-8"
    )
    (root / "test_gold.tsv").write_text(
        "sentence\tlabel\n" + "".join(f"{t}\t{i % 3}\n" for i, t in enumerate(texts[:6])), encoding="utf-8"
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["scan", str(root), "--no-config", "--select", "FMT018", "--json", str(out)]
    )
    assert f"dataqa: test = 1 tsv file(s) in {root}: test_gold.tsv (split taken from the file names)" in (
        result.stderr
    )
    assert (
        f"dataqa: skipped in {root}: test.tsv: its records are in no layout dataqa knows; test is read from "
        "test_gold.tsv"
    ) in result.stderr
    data = json.loads(out.read_text())
    assert [(s["name"], s["rows"]) for s in data["splits"]] == [("train", 12), ("test", 6)]
    assert data["findings"] == []
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "train-0.tsv").write_text(
        "sentence\tlabel\n" + "".join(f"{t}\t{i % 3}\n" for i, t in enumerate(texts[:6]))
    )
    (shards / "train-1.tsv").write_text(
        "sentence\tlabel\n" + "".join(f"{t}\t{i % 3}\n" for i, t in enumerate(texts[6:]))
    )
    result = CliRunner().invoke(main, ["scan", str(shards), "--no-config", "--select", "FMT018"])
    assert "2 tsv file(s)" in result.stderr and "skipped in" not in result.stderr


def test_clean_and_split_write_jsonl_from_parquet_and_say_so(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    rows = planted()
    pl.DataFrame(rows).write_parquet(path)
    before = path.read_bytes()
    cleaned = CliRunner().invoke(main, ["clean", str(path), "-o", str(tmp_path / "out"), "--no-config"])
    assert cleaned.exit_code == 0, cleaned.output
    assert "is parquet, not one JSONL file: its records are written as JSON Lines" in cleaned.stderr
    kept = [orjson.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_bytes().splitlines()]
    assert kept == rows[:5] + rows[6:]
    (reject,) = [
        orjson.loads(x) for x in (tmp_path / "out" / "train.rejects.jsonl").read_bytes().splitlines()
    ]
    assert {k: reject[k] for k in ("path", "row", "checks")} == {
        "path": str(path),
        "row": 5,
        "checks": ["DUP001"],
    }
    assert orjson.loads(reject["raw"]) == rows[5]

    split = CliRunner().invoke(main, ["split", str(path), "-o", str(tmp_path / "parts"), "--no-config"])
    assert split.exit_code == 0, split.output
    assert "the splits are written as JSON Lines" in split.stderr
    written = [
        orjson.loads(line)
        for name in ("train", "test")
        for line in (tmp_path / "parts" / f"{name}.jsonl").read_bytes().splitlines()
    ]
    assert sorted(map(orjson.dumps, written)) == sorted(map(orjson.dumps, rows))
    assert path.read_bytes() == before


def test_clean_a_json_array_keeps_its_records(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    rows = planted()
    path.write_text(json.dumps(rows, indent=2))
    result = CliRunner().invoke(main, ["clean", str(path), "-o", str(tmp_path / "out"), "--no-config"])
    assert result.exit_code == 0, result.output
    kept = [orjson.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_bytes().splitlines()]
    assert kept == rows[:5] + rows[6:]
    (reject,) = [
        orjson.loads(x) for x in (tmp_path / "out" / "train.rejects.jsonl").read_bytes().splitlines()
    ]
    assert (reject["line"], reject["record"]) == (start_lines(path.read_text())[5], 6)


# --- plain text and messages ----------------------------------------------------------------------


def test_text_file_is_one_record_per_line(tmp_path: Path) -> None:
    path = tmp_path / "train.txt"
    path.write_bytes(
        b"DESC:manner How did serfdom develop ?\nNUM:count How many ?\n"
        b"\nDESC:manner How did serfdom develop ?\n"
    )
    report = scan(path, select=["DUP001", "FMT004"])
    assert report.splits[0].input["kind"] == "text" and report.splits[0].rows == 3
    assert where(report, "DUP001") == [[("train.txt", "line", 1), ("train.txt", "line", 4)]]
    assert where(report, "FMT004") == [[("train.txt", "line", 3)]]


def test_a_txt_whose_lines_hold_the_same_tabs_is_a_table(tmp_path: Path) -> None:
    """MRPC ships its pairs as msr_paraphrase_train.txt, a TSV with a header: read as a table in
    its own layout (a quote inside a sentence is text); a .txt of prose with a stray tab stays text."""
    path = tmp_path / "msr_paraphrase_train.txt"
    path.write_text(
        "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        '1\t702876\t702977\tHe called him " the witness " today .\tHe referred to " the witness " .\n'
        "0\t2108705\t2108831\tYucaipa sold it in 1998 .\tYucaipa bought it in 1995 .\n"
        "1\t1330381\t1330521\tThe stock rose 11 percent .\tThe shares gained 11 percent .\n"
    )
    report = scan(path, select=["FMT"])
    assert report.splits[0].input["kind"] == "tsv" and report.splits[0].rows == 3
    assert report.splits[0].format == "mrpc" and report.findings == []
    prose = tmp_path / "notes.txt"
    prose.write_text("First line of prose.\nA second\tline with one tab.\nA third line.\nA fourth.\n")
    assert scan(prose, select=["FMT"]).splits[0].input["kind"] == "text"


def test_a_tsv_whose_quotes_are_text_is_split_at_tabs(tmp_path: Path) -> None:
    """TSV has no quoting: MRPC and GLUE write a sentence that starts with a quote as it is, and read
    as CSV it swallowed the tab and line after it (110 of MRPC's 4,080 pairs lost or merged). A TSV
    that does quote as CSV (a tab and a line break inside quotes, as csv.writer writes) is read so."""
    path = tmp_path / "msr_paraphrase_train.txt"
    path.write_text(
        "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
        '1\t11\t12\t"We are pleased," the chairman said on Monday.\tThe chairman said he was pleased.\n'
        "0\t21\t22\tShares fell 3 percent in early trading.\tShares rose 2 percent by noon.\n"
        '1\t31\t32\tThe plan was approved by the board.\t"It was approved," a spokesman said.\n'
        "1\t41\t42\tThe court ruled against the company.\tThe company lost in court.\n"
    )
    report = scan(path, select=["FMT"])
    split = report.splits[0]
    assert report.findings == [] and split.rows == 4 and split.format == "mrpc"
    assert load_split("train", str(path)).frame["text"].to_list()[0].startswith('"We are pleased,"')

    control = tmp_path / "ok" / "train.tsv"
    control.parent.mkdir()
    control.write_text(
        "text\tlabel\n"
        '"a note with a\ttab and a line\nbreak, quoted as CSV quotes"\tbilling\n'
        '"a ""quoted"" word"\tshipping\n'
        "where is my parcel\tshipping\n"
    )
    clean = scan(control, label_field="label")
    assert clean.findings == [] and clean.splits[0].rows == 3
    assert load_split("train", str(control)).frame["text"].to_list()[1].startswith('a "quoted" word\n')

    broken = tmp_path / "bad" / "train.tsv"
    broken.parent.mkdir()
    broken.write_text("text\tlabel\nrefund my order\tbilling\na row with\ta tab too many\tbilling\n")
    assert where(scan(broken, label_field="label"), "FMT001") == [[("train.tsv", "line", 3)]]


def test_fasttext_lines_are_labelled_examples_whatever_the_file_is_called(tmp_path: Path) -> None:
    """fastText's supervised files (`__label__X text`, often named `train.ft` or `data.train`) are
    classification data; a file whose lines carry several labels is multi-label (each line's labels a
    set, as fastText trains them), and a line without one there is short of its label (FMT011: fastText
    skips it), not a row none of the classes applies to."""
    lines = (
        "__label__billing I was charged twice\n__label__shipping My parcel is late\n"
        "__label__billing __label__urgent Refund me now\nno label on this line\n"
    )
    for name in ("train.txt", "data.train"):
        path = tmp_path / name
        path.write_text(lines)
        split = load_split("train", str(path))
        assert split.format == "multi_label_list" and split.rows == 4
        assert split.frame["prompt"].to_list()[2] == "Refund me now"
        assert [(line, issue.kind) for line, issue in split.record_issues] == [(4, formats.NO_TARGET)]
    single = tmp_path / "single.txt"
    single.write_text("__label__billing I was charged twice\n__label__shipping My parcel is late\n")
    split = load_split("train", str(single))
    assert split.format == "classification" and split.frame["label"].to_list() == ["billing", "shipping"]


def test_a_file_named_for_no_kind_that_is_not_json_is_read_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "questions"
    path.write_text("How did serfdom develop ?\nWho killed Gandhi ?\n")
    report = scan(path, select=["FMT"])
    assert report.splits[0].input["kind"] == "text" and report.splits[0].rows == 2 and report.findings == []
    damaged = tmp_path / "records"
    damaged.write_text('not json at all\n{"text": "a record", "label": "x"}\n')
    assert scan(damaged, select=["FMT"]).splits[0].input["kind"] == "jsonl"
    binary = tmp_path / "blob"
    binary.write_bytes(b"\x00\x01\x02binary\n\x00\xff\n")
    assert scan(binary, select=["FMT"]).splits[0].input["kind"] == "jsonl"


def test_a_spreadsheet_csv_in_windows_1252_is_read_and_said_once(tmp_path: Path) -> None:
    """Kaggle's spam.csv and Excel exports are Windows-1252: every row is read (its text decoded as
    such) and one FMT003 at the first such line says so; a byte that is not Windows-1252 either is
    still that row's own FMT003, and the row is left out."""
    rows = (
        ["text,label"]
        + [f'"Caf\u00e9 n\u00b0{i} \u2013 I\u2019d go again",positive' for i in range(3)]
        + ["Plain row,negative"]
    )
    path = tmp_path / "train.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252") + b"Bad \x81 byte,negative\r\n")
    report = scan(path, select=["FMT003"])
    assert report.splits[0].rows == 5
    found = [
        (f.message, [loc.line for loc in f.locations], [loc.line for loc in f.unusable])
        for f in report.findings
    ]
    assert found == [
        (
            "3 line(s) are not UTF-8 (the first at byte 4 of line 2) and were read as Windows-1252, as "
            "spreadsheets save CSV; save the file as UTF-8 (`dataqa clean` writes UTF-8 JSONL)",
            [2],
            [],
        ),
        ("invalid UTF-8 at byte 4 of line 6 (the row is left out)", [6], [6]),
    ]
    split = load_split("train", str(path))
    assert split.frame["prompt"].to_list()[0] == "Caf\u00e9 n\u00b00 \u2013 I\u2019d go again"


def test_duplicate_messages_name_rows_and_the_lines_records_start_on(tmp_path: Path) -> None:
    table = tmp_path / "train.parquet"
    pl.DataFrame(planted()).write_parquet(table)
    (message,) = [f.message for f in scan(table, select=["DUP001"]).findings]
    assert message == f"2 identical copies of {table} row 2 (row(s) 5 repeat it)"
    document = tmp_path / "train.json"
    text = json.dumps(planted(), indent=2)
    document.write_text(text)
    (message,) = [f.message for f in scan(document, select=["DUP001"]).findings]
    starts = start_lines(text)
    assert message == f"2 identical copies of {document}:{starts[2]} (line(s) {starts[5]} repeat it)"


# A folder of class folders of text files (issue #19: aclImdb's train/pos/*.txt, 20 Newsgroups'
# 20news-bydate-train/sci.space/61422): one example a file, labelled by its folder.


def _classes(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode() if isinstance(text, str) else text)
    return root


def test_class_folders_of_text_files_are_read_as_text_classification(tmp_path: Path) -> None:
    reviews = {
        "README": "Movie reviews, positive and negative.",
        "train/urls_pos.txt": "http://example.org/1",
        "train/vocab.feat": "0:1 5:2",
        "train/unsup/9_0.txt": "An unrated review.",
        "train/pos/1_9.txt": "A warm, funny film about two brothers.",
        "train/pos/2_8.txt": "The score alone is worth the ticket.",
        "train/neg/3_2.txt": "Two hours I will not get back.",
        "train/neg/4_1.txt": b"Flat jokes and a na\xefve plot.",  # Latin-1: read, one issue at its file
        "train/neg/5_1.txt": b"Broken \x81\x8d bytes.",  # neither UTF-8 nor Windows-1252: unusable
        "test/pos/5_10.txt": "The best thriller of the year.",
        "test/pos/6_7.txt": "Clever, if a little long.",
        "test/neg/7_3.txt": "The ending makes no sense.",
        "test/neg/8_4.txt": "",  # empty: no text to classify
    }
    root = _classes(tmp_path / "reviews", reviews)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["scan", str(root), "--no-config", "--select", "FMT", "--json", str(out)]
    )
    assert "text classification: each file one example, labelled by its folder's name" in result.stderr
    assert "hold out a test split" not in result.output  # the folder holds one
    skipped = next(line for line in result.stderr.splitlines() if "skipped in" in line)
    for name in (
        "README: not a data file",
        "train/urls_pos.txt: not in a class folder",
        "train/unsup/: unlabelled",
    ):
        assert name in skipped
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "classification", 5),  # the file that is no text at all is an unusable row
        ("test", "classification", 3),  # the empty file is no row, as a blank line is none
    ]
    where = {
        (f["check_id"], loc["path"], loc.get("line")) for f in data["findings"] for loc in f["locations"]
    }
    assert (str(root / "train/neg/4_1.txt")) in {path for _, path, _ in where}
    assert {path for _, path, _ in where} == {
        str(root / "train/neg/4_1.txt"),
        str(root / "train/neg/5_1.txt"),
        str(root / "test/neg/8_4.txt"),
    }
    unusable = {loc["path"] for f in data["findings"] for loc in f.get("unusable", [])}
    assert unusable == {str(root / "train/neg/5_1.txt")}
    split = load_split("train", [str(p) for p in sorted((root / "train").glob("*/*.txt"))])
    assert split.rows == 5 and not any(p.opener for p in split.source.parts)  # files given by name: lines
    train = dataqa.scan(str(root), select=["LBL"]).splits[0]
    assert train.label_source == "label"


def test_many_class_files_read_as_windows_1252_are_one_finding_for_the_split(tmp_path: Path) -> None:
    """20 Newsgroups saves its messages in Latin-1: one FMT003 naming how many files and the first ones,
    the rows kept and usable, one record counted by the format-errors condition (as a CSV file's
    Windows-1252 lines are one issue); a file that is neither encoding keeps its own finding."""
    posts: dict[str, str | bytes] = {
        f"news/{topic}/{i}": f"From: someone\n\nA post about {topic}, caf\xe9 number {i}.".encode("cp1252")
        for topic in ("space", "autos")
        for i in range(1, 5)
    }
    posts["news/autos/9"] = "A plain UTF-8 post about cars."
    posts["news/space/9"] = b"Broken \x81\x8d bytes."
    root = _classes(tmp_path, posts) / "news"
    report = dataqa.scan(str(root), select=["FMT"])
    encoding = [f for f in report.findings if f.check_id == "FMT003"]
    legacy = [f for f in encoding if "Windows-1252 (Latin-1)" in f.message]
    assert (
        len(legacy) == 1 and "8 file(s) are not UTF-8 (autos/1, autos/2, autos/3, ...)" in legacy[0].message
    )
    assert len(encoding) == 2  # the file that is neither stays a finding of its own
    assert report.splits[0].rows == 10 and report.splits[0].usable_rows == 9
    errors = next(c for c in report.conditions if c.name == "format-errors")
    assert errors.value == 2


def test_folders_of_text_files_that_are_not_classes_are_not_read_as_classes(tmp_path: Path) -> None:
    """Look-alikes: documentation beside text files, one sub-folder, a class of one file."""
    looks = {
        "docs": {"README.txt": "About.", "LICENSE.txt": "MIT", "notes/a.txt": "one", "notes/b.txt": "two"},
        "loose": {"a.txt": "one", "b.txt": "two", "c.txt": "three"},
        "one_class": {"pos/a.txt": "one", "pos/b.txt": "two", "pos/c.txt": "three"},
        "thin_class": {"x/pos/a.txt": "one", "x/pos/b.txt": "two", "x/neg/c.txt": "three"},
    }
    for name, files in looks.items():
        root = _classes(tmp_path / name, files)
        result = CliRunner().invoke(main, ["scan", str(root), "--no-config", "--select", "FMT"])
        assert result.exit_code == 2 and "no data file in the folder" in result.output + result.stderr, name


def test_a_file_of_a_class_folder_is_named_by_its_path_under_the_split_folder(tmp_path: Path) -> None:
    texts = {
        f"news/{topic}/{i}.txt": f"A {topic} story, number {i}."
        for topic in ("sport", "tech")
        for i in (1, 2, 3)
    }
    texts["news/tech/3.txt"] = texts["news/tech/1.txt"]  # the same article twice
    root = _classes(tmp_path, texts) / "news"
    (dup,) = dataqa.scan(str(root), select=["DUP001"]).findings
    assert "tech/3.txt:1 repeat it" in dup.message  # its folder kept: sport/3.txt is another file


# Texts and labels in two line-aligned files (issue #19: TweetEval's train_text.txt beside
# train_labels.txt and mapping.txt; train.source beside train.target).


def test_text_files_beside_their_label_files_are_read_as_classification(tmp_path: Path) -> None:
    root = _classes(
        tmp_path / "emotion",
        {
            "README.txt": "Tweets and their emotions.",
            "mapping.txt": "0\tanger\n1\tjoy\n2\toptimism\n3\tsadness",  # no final newline
            "train_text.txt": "I lost my keys again #fml \nbest day of my life \nso proud of you all \n"
            "stuck in traffic for two hours \nbest day of my life \nthe rain will not stop today \n",
            "train_labels.txt": "0\n1\n2\n3\n1\n3\n",
            "val_text.txt": "my team won the final \n\nmissing home tonight \n",  # line 2 blank
            "val_labels.txt": "1\n0\n3\n",
            "test_text.txt": "stuck in traffic for two hours \nwhat a lovely morning \nnew job on monday \n",
            "test_labels.txt": "3\n1\n",  # one label short: the third text has none
        },
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["scan", str(root), "--no-config", "--json", str(out)])
    assert "each line is read beside the same line of its companion file" in result.stderr
    skipped = next(line for line in result.stderr.splitlines() if "skipped in" in line)
    for name in ("mapping.txt: read as the names", "train_labels.txt: read beside its texts", "README.txt"):
        assert name in skipped
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "classification", 6),
        ("valid", "classification", 2),
        ("test", "classification", 3),
    ]
    where = {
        (f["check_id"], loc["split"], loc.get("line")) for f in data["findings"] for loc in f["locations"]
    }
    assert {("DUP001", "train", 2), ("DUP001", "train", 5)} <= where  # the same text, the same label
    assert ("LEAK001", "test", 1) in where and ("LEAK001", "train", 4) in where
    assert ("FMT004", "valid", 2) in where  # the blank line, its label skipped with it
    (short,) = [f for f in data["findings"] if "test_labels.txt 2" in f["message"]]
    assert short["locations"][0]["line"] == 3 and "test_text.txt has 3 lines" in short["message"]
    assert "from line 3 on there is no label and any label may belong to another record" in short["message"]
    split = load_split("train", str(root / "train_text.txt"))  # a text file given alone: its labels too
    assert split.format == "classification"
    assert split.frame["label"].to_list() == ["anger", "joy", "optimism", "sadness", "joy", "sadness"]
    assert split.frame["line"].to_list() == [1, 2, 3, 4, 5, 6]
    labels = load_split("train", str(root / "train_labels.txt"))  # the labels alone: said, not guessed
    assert [(i.line, i.detail) for i in labels.load_issues] == [
        (
            1,
            "train_labels.txt holds the labels of train_text.txt line by line, not records: scan "
            "train_text.txt (or the folder) to read each text with its label",
        )
    ]


def test_split_named_text_files_beside_their_label_files_are_read_as_classification(tmp_path: Path) -> None:
    # Wisesight's Kaggle files: `train.txt` beside `train_label.txt`, the role word on the labels alone
    root = _classes(
        tmp_path / "kaggle",
        {
            "train.txt": "อร่อยมาก\nช้ามาก รอนาน\nราคาเท่าไหร่คะ\nก็งั้นๆ\n",
            "train_label.txt": "pos\nneg\nq\nneu\n",
            "test.txt": "ช้ามาก รอนาน\nดีมากค่ะ\n",
            "test_label.txt": "neg\npos\n",
        },
    )
    out = tmp_path / "report.json"
    CliRunner().invoke(main, ["scan", str(root), "--no-config", "--json", str(out)])
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "classification", 4),
        ("test", "classification", 2),
    ]
    split = load_split("train", str(root / "train.txt"))  # the text file given alone: its labels too
    assert split.format == "classification"
    assert split.frame["label"].to_list() == ["pos", "neg", "q", "neu"]
    labels = load_split("train", str(root / "train_label.txt"))  # the labels alone: said, not guessed
    assert "holds the labels of train.txt line by line" in labels.load_issues[0].detail
    (root / "notes.txt").write_text("first note\nsecond note\n", encoding="utf-8")
    (root / "notes_label.txt").write_text("a\nb\n", encoding="utf-8")
    assert load_split("train", str(root / "notes.txt")).format == "text"  # no split in the name: no pair


def test_a_text_file_beside_files_of_class_values_reads_them_by_their_names(tmp_path: Path) -> None:
    """UIT-VSFC's layout: `sents.txt` beside `sentiments.txt` and `topics.txt` in each split folder, a
    class id a line. One such file is the label; two independent ones are the user's to choose
    between, and the message names both; a file of sentences or of other line counts is no class file."""
    subjects = [
        "giáo trình",
        "thầy",
        "phòng học",
        "bài tập",
        "điểm",
        "slide",
        "lịch học",
        "đề thi",
        "lab",
        "môn",
    ]
    words = ["rất hay", "hơi khó", "nóng quá", "đầy đủ"]

    def split(rows: int, offset: int) -> dict[str, str]:
        lines = range(offset, offset + rows)
        return {
            "sents.txt": "".join(f"{subjects[i % 10]} {words[i // 10 % 4]} lần {i} .\n" for i in lines),
            "sentiments.txt": "".join(f"{i % 3}\n" for i in lines),
            "topics.txt": "".join(f"{i % 4}\n" for i in lines),
        }

    folder = {f"train/{name}": text for name, text in split(24, 0).items()}
    folder |= {f"test/{name}": text for name, text in split(12, 24).items()}
    folder["train/notes.txt"] = "".join(f"a note of class {i} here\n" for i in range(24))  # sentences
    folder["train/ids.txt"] = "1\n2\n1\n"  # another line count
    root = _classes(tmp_path / "vsfc", folder)
    out = tmp_path / "two.json"
    CliRunner().invoke(main, ["scan", str(root), "--no-config", "--select", "FMT", "--json", str(out)])
    data = json.loads(out.read_text())
    asked = [f["message"] for f in data["findings"] if f["check_id"] == "FMT018"]
    assert len(asked) == 2 and all(
        "Read it with: --label-field sentiments or --label-field topics (2 class fields" in m for m in asked
    )
    read = load_split("train", str(root / "train" / "sents.txt"), label_field="topics")
    assert read.format == "classification"
    assert read.frame["label"].to_list()[:6] == ["0", "1", "2", "3", "0", "1"]
    _class_values_read.cache_clear()
    chosen = dataqa.scan(
        str(root), label_field="topics", select=["FMT015"]
    )  # the other class: no unknown key
    assert [f.check_id for f in chosen.findings] == []
    read_once = _class_values_read.cache_info()  # listed, opened and read: each sibling read once
    assert read_once.hits > 0 and read_once.misses == len(list(root.glob("*/*.txt"))) - 2
    (root / "extra.jsonl").write_text(
        "".join(
            json.dumps({"text": f"line {i}", "sentiments": i % 3, "topics": i % 4, "source": "web"}) + "\n"
            for i in range(8)
        )
    )
    extra = dataqa.scan(str(root / "extra.jsonl"), label_field="topics", select=["FMT015"])
    assert [f.message.split(" in ")[0] for f in extra.findings] == ['unknown top-level key "source"']
    (root / "extra.jsonl").unlink()
    (root / "train" / "topics.txt").unlink()
    (root / "test" / "topics.txt").unlink()
    out = tmp_path / "one.json"
    CliRunner().invoke(main, ["scan", str(root), "--no-config", "--select", "FMT", "--json", str(out)])
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "classification", 24),
        ("test", "classification", 12),
    ]
    labels = load_split(
        "train", str(root / "train" / "sentiments.txt")
    )  # the values alone: said, not guessed
    assert "holds the labels of sents.txt line by line" in labels.load_issues[0].detail
    (root / "train" / "sentiments.txt").write_text("0\n1\n2\n" * 7, encoding="utf-8")  # 21 of 24 lines
    assert load_split("train", str(root / "train" / "sents.txt")).format == "text"


def test_a_split_folder_of_texts_beside_class_values_given_alone_is_read_whatever_its_name(
    tmp_path: Path,
) -> None:
    """UIT-VSFC as a user scans it split by split (`scan vsfc/train --test vsfc/test`): each split's
    folder holds `sents.txt` beside `sentiments.txt`. The name of the folder given is not a split its
    files name, as for data files: the test folder was "no data file in the folder" (its own name said
    test, and a folder without train was refused). A folder whose only split folder is test is said
    to lack training data, as a folder of data files is."""
    lines = [f"giảng viên dạy bài {i} rất {['hay', 'nhanh', 'khó'][i % 3]} ." for i in range(30)]
    folder = {
        f"vsfc/{split}/{name}": text
        for split, rows in (("train", lines[:20]), ("test", lines[20:]))
        for name, text in (
            ("sents.txt", "".join(f"{t}\n" for t in rows)),
            ("sentiments.txt", "".join(f"{i % 3}\n" for i in range(len(rows)))),
        )
    }
    root = _classes(tmp_path, folder)
    out = tmp_path / "split.json"
    train, test = str(root / "vsfc" / "train"), str(root / "vsfc" / "test")
    result = CliRunner().invoke(
        main, ["scan", train, "--test", test, "--no-config", "--select", "FMT,LEAK001", "--json", str(out)]
    )
    assert "no data file" not in result.output
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "classification", 20),
        ("test", "classification", 10),
    ]
    assert data["findings"] == []
    (root / "vsfc" / "train").rename(root / "vsfc" / "old")
    (root / "vsfc" / "old" / "sents.txt").unlink()
    result = CliRunner().invoke(main, ["scan", str(root / "vsfc"), "--no-config"])
    assert "the folder has no training data (found test)" in result.output


def test_two_text_files_of_a_split_that_go_line_by_line_are_read_as_a_parallel_corpus(tmp_path: Path) -> None:
    """MATCHA's layout (Japanese simplification): `comp.train.txt` beside `simp.train.txt`, line n of
    one simplified as line n of the other, the same for `val`; `comp.test.txt` has no other side.
    Each side is read under its word and FMT018 offers the map; two class files of a balanced set
    (`pos.train.txt`, `neg.train.txt`: as many lines, lengths unrelated) are no parallel corpus."""
    rng = random.Random(7)
    words = ["駅", "まで", "歩いて", "行きます", "今日は", "とても", "寒い", "です", "バス", "乗ります"]

    def sides(rows: int) -> tuple[str, str]:
        complex_, simple = [], []
        for i in range(rows):
            n = rng.randint(3, 25)
            complex_.append("".join(rng.choice(words) for _ in range(n)) + f" {i} 番。")
            simple.append("".join(rng.choice(words) for _ in range(max(2, n - rng.randint(0, 3)))) + f"{i}。")
        return "\n".join(complex_) + "\n", "\n".join(simple) + "\n"

    train, val = sides(40), sides(12)
    root = _classes(
        tmp_path / "matcha",
        {
            "comp.train.txt": train[0],
            "simp.train.txt": train[1],
            "comp.val.txt": val[0],
            "simp.val.txt": val[1],
            "comp.test.txt": sides(12)[0],
        },
    )
    assert parallel_file(root / "comp.train.txt") == root / "simp.train.txt"
    assert parallel_file(root / "simp.train.txt") is None  # read once, from the side that sorts first
    out = tmp_path / "pair.json"
    result = CliRunner().invoke(
        main, ["scan", str(root), "--no-config", "--select", "FMT", "--json", str(out)]
    )
    assert "comp.test.txt: not a data file" in result.stderr
    data = json.loads(out.read_text())
    asked = [f["message"] for f in data["findings"] if f["check_id"] == "FMT018"]
    assert len(asked) == 2 and all("Read it with: --map comp=prompt --map simp=response" in m for m in asked)
    mapped = dataqa.scan(str(root), fields={"comp": "prompt", "simp": "response"}, select=["FMT018"])
    assert [(s.name, s.rows) for s in mapped.splits] == [("train", 40), ("valid", 12)]
    balanced = _classes(
        tmp_path / "reviews",
        {
            "pos.train.txt": "".join(f"{'great ' * rng.randint(1, 30)}film {i}\n" for i in range(40)),
            "neg.train.txt": "".join(f"{'dull ' * rng.randint(1, 30)}film {i}\n" for i in range(40)),
        },
    )
    assert parallel_file(balanced / "neg.train.txt") is None


def _piqa(goal: str, one: str, two: str) -> str:
    return json.dumps({"goal": goal, "sol1": one, "sol2": two}) + "\n"


def test_jsonl_records_beside_a_label_file_get_its_labels_line_by_line(tmp_path: Path) -> None:
    """PIQA's layout (issue #19): train.jsonl of goals and two solutions, train-labels.lst a 0 or 1 a
    line; a label file one line short is one issue naming both files and the first line left without."""
    goals = [
        ("How do I dry wet shoes?", "Stuff them with newspaper.", "Stuff them with ice."),
        ("How do I open a jar lid?", "Run it under hot water.", "Run it under cold honey."),
        ("How do I keep bread fresh?", "Freeze it in a bag.", "Leave it in the sun."),
        ("How do I clean a cast iron pan?", "Scrub it with salt.", "Soak it for a week."),
    ]
    root = _classes(
        tmp_path / "piqa",
        {
            "train.jsonl": "".join(_piqa(*g) for g in goals),
            "train-labels.lst": "0\n0\n0\n0\n",
            "valid.jsonl": _piqa("How do I chill a drink fast?", "Put it in a freezer.", "Wrap it in wool.")
            + _piqa("How do I fold a shirt?", "Crumple it.", "Fold the sleeves in first.")
            + _piqa("How do I unclog a drain?", "Pour wax into it.", "Use a plunger."),
            "valid_labels.txt": "0\n1\n",  # one label short
            "README.md": "PIQA",
        },
    )
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["scan", str(root), "--no-config", "--json", str(out)])
    skipped = next(line for line in result.stderr.splitlines() if "skipped in" in line)
    assert "train-labels.lst: read beside train.jsonl as its labels" in skipped
    assert "valid_labels.txt: read beside valid.jsonl as its labels" in skipped
    data = json.loads(out.read_text())
    assert [(s["name"], s["format"], s["rows"]) for s in data["splits"]] == [
        ("train", "multiple_choice", 4),
        ("valid", "multiple_choice", 3),
    ]
    (short,) = [f for f in data["findings"] if "valid_labels.txt 2" in f["message"]]
    assert short["locations"][0]["line"] == 3
    assert (
        "valid.jsonl has 3 lines and valid_labels.txt 2: the files are read line by line" in short["message"]
    )
    assert "from line 3 on there is no label" in short["message"]
    split = load_split("train", str(root / "train.jsonl"))  # given alone: its labels too
    assert split.format == "multiple_choice" and split.frame["label"].to_list() == ["A"] * 4
    assert "train.jsonl with its labels from train-labels.lst" in split.source.note


def test_source_and_target_files_are_read_as_prompt_and_response(tmp_path: Path) -> None:
    root = _classes(
        tmp_path / "cnn",
        {
            "train.source": "Summarise: the council met on Monday and approved the budget.\n"
            "Summarise: heavy rain closed three roads in the valley overnight.\n",
            "train.target": "Council approves budget.\nRain closes valley roads.\n",
        },
    )
    split = load_split("train", str(root / "train.source"))
    assert split.format != "text" and split.frame["line"].to_list() == [1, 2]
    report = dataqa.scan(str(root), select=["FMT"])
    assert report.splits[0].rows == 2


def test_text_files_without_a_companion_are_not_read_as_pairs(tmp_path: Path) -> None:
    """Look-alikes: a text file whose label file is in another folder, a labels file alone, a text
    file named by a word that names no text role."""
    looks = {
        "apart": {"a/train_text.txt": "one\ntwo\n", "b/train_labels.txt": "0\n1\n"},
        "labels_only": {"train_labels.txt": "0\n1\n", "mapping.txt": "0\tno\n1\tyes\n"},
        "other_word": {"train_notes.txt": "one\ntwo\n", "train_labels.txt": "0\n1\n"},
    }
    for name, files in looks.items():
        root = _classes(tmp_path / name, files)
        result = CliRunner().invoke(main, ["scan", str(root), "--no-config", "--select", "FMT"])
        assert result.exit_code == 2 and "no data file in the folder" in result.output + result.stderr, name
    alone = _classes(tmp_path / "plain", {"corpus_text.txt": "one line\nanother line\n"})
    assert load_split("train", str(alone / "corpus_text.txt")).format == "text"


# CoNLL-style token files (issue #19): a token a line, the tag last, a blank line between sentences.


def test_conll_token_files_are_read_a_sentence_a_record(tmp_path: Path) -> None:
    train = tmp_path / "train.txt"
    train.write_text(
        "-DOCSTART- -X- O O\n\n"
        "Acme NNP B-NP B-ORG\nhires VBZ B-VP O\nNora NNP B-NP B-PER\n\n"  # 3-5
        "Oslo NNP B-NP B-LOC\nis VBZ B-VP O\ncold JJ B-ADJP O\n\n"  # 7-9
        "Acme NNP B-NP B-ORG\nhires VBZ B-VP O\nNora NNP B-NP B-PER\n\n"  # 11-13: line 3's sentence again
        "Rain NN B-NP O\nfalls\n\n"  # 15-16: a token without its tag
    )
    test = tmp_path / "test.conll"
    test.write_text("Tom\tB-PER\nsings\tO\n\nOslo\tB-LOC\nis\tO\ncold\tO\n")  # tab-separated; line 4 leaks
    split = load_split("train", str(train))
    assert split.format == "text" and split.frame["line"].to_list() == [3, 7, 11, 15]
    assert split.frame["text"].to_list()[:2] == ["Acme hires Nora", "Oslo is cold"]
    assert [(line, issue.kind) for line, issue in split.record_issues] == []
    assert [(i.line, i.detail) for i in split.load_issues] == [(16, "a token line without a tag")]
    report = dataqa.scan(str(train), test=str(test), select=["DUP001", "LEAK001", "FMT004"])
    found = sorted((f.check_id, [f"{loc.split}:{loc.line}" for loc in f.locations]) for f in report.findings)
    assert found == [("DUP001", ["train:3", "train:11"]), ("LEAK001", ["test:4", "train:7"])], found


def test_lines_that_only_look_like_token_columns_are_read_as_they_were(tmp_path: Path) -> None:
    """Look-alikes: `LABEL question` lines (no blank lines, widths vary), a word list, a tab table."""
    trec = tmp_path / "trec.txt"
    trec.write_text(
        "DESC:manner How do I bake bread ?\nLOC:city What city hosts the fair ?\nHUM:ind Who won ?\n"
    )
    assert load_split("train", str(trec)).rows == 3
    words = tmp_path / "words.txt"
    words.write_text("apple\npear\n\nplum\nfig\n")
    assert load_split("train", str(words)).frame["text"].to_list() == ["apple", "pear", "plum", "fig"]
    table = tmp_path / "spam.txt"
    table.write_text("ham\tSee you at noon\nspam\tWin a prize now\nham\tCall me back\n")
    assert load_split("train", str(table)).source.kind == "tsv"  # read as a table, as before


# ToolTalk (microsoft/ToolTalk) ships each conversation as its own pretty-printed JSON file: one
# object holding the turns under "conversation" ({index, role, text, apis}) beside its scenario and
# metadata; the assistant's calls are listed under "apis", each with what it returned.
def _tooltalk(turns: list[dict]) -> dict:
    return {
        "name": "Alarm-Reminder-AddAlarm-0",
        "conversation_id": "c0a1",
        "suites_used": ["Alarm", "Reminder"],
        "scenario": "The user sets an alarm before an early flight.",
        "metadata": {"location": "Oslo", "timestamp": "2024-03-01 08:00:00"},
        "conversation": [{"index": i, **t} for i, t in enumerate(turns)],
    }


def _api(name: str, **parameters: Any) -> dict:
    return {
        "request": {"api_name": name, "parameters": parameters},
        "response": {"id": "5bff"},
        "exception": None,
    }


def test_a_folder_of_conversations_one_a_json_file_reads_one_record_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "tooltalk"
    folder.mkdir()
    ask = {"role": "user", "text": "Can you set an alarm for 5:30 tomorrow morning?"}
    done = {
        "role": "assistant",
        "text": "Done: your alarm is set for 5:30.",
        "apis": [_api("AddAlarm", time="05:30")],
    }
    files = {
        "a.json": [ask, done],
        "b.json": [
            {"role": "user", "text": "The user wants an early alarm."},
            ask,
            done,
        ],  # scenario as a turn
        "c.json": [ask, done, {"role": "user", "text": "Thanks, that's all."}],
        "d.json": [
            ask,
            {"role": "assistant", "text": "Which day?", "apis": []},
            {"role": "user", "text": "Friday."},
            done,
        ],
    }
    for name, turns in files.items():
        (folder / name).write_text(json.dumps(_tooltalk(turns), indent=4))
    report = scan(folder, select=["FMT012", "FMT013", "FMT018", "TOOL001", "TOOL003"])
    assert report.splits[0].rows == 4
    found = sorted((f.check_id, sorted(Path(loc.path).name for loc in f.locations)) for f in report.findings)
    assert found == [
        ("FMT012", ["c.json"]),
        ("FMT013", ["b.json"]),
        # the calls are read (each answered where it is listed): the files define no tools
        ("TOOL003", ["a.json", "b.json", "c.json", "d.json"]),
    ], found


def test_a_record_written_as_a_bare_array_of_messages_is_a_conversation(tmp_path: Path) -> None:
    """`[{"role": "user", ...}, {"role": "assistant", ...}]` on a line (or as an element of a JSON
    array) is one chat, and `clean` writes it back as the array it was."""
    lines = [
        [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It shipped."}],
        [
            {"role": "user", "content": "Hi"},
            {"role": "user", "content": "Hello?"},
            {"role": "assistant", "content": "Hi!"},
        ],
        [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}],
        ["Where is my order?", "It shipped."],  # fields by position: still not read without a map
    ]
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl_bytes(lines))
    split = load_split("train", str(path))
    assert split.rows == 3
    report = scan(path, select=["FMT013", "FMT014", "FMT002"])
    found = sorted((f.check_id, [loc.line for loc in f.locations]) for f in report.findings)
    assert found == [("FMT002", [4]), ("FMT013", [2]), ("FMT014", [3])], found
    array = tmp_path / "array" / "train.json"
    array.parent.mkdir()
    array.write_text(json.dumps(lines[:2], indent=2))
    assert load_split("train", str(array)).rows == 2
    out = tmp_path / "cleaned"
    result = CliRunner().invoke(main, ["clean", str(array), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (kept,) = [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()] or [None]
    assert kept == lines[0]


def test_a_record_wrapped_in_a_one_item_array_is_that_record(tmp_path: Path) -> None:
    """`[{"instruction": ..., "input": ..., "output": ...}]` as each element of a JSON array (lawyer-llama's
    legal advice set) was FMT018 "the records name no fields" and 0 rows: it is the Alpaca record it
    holds, and `clean` writes it back wrapped. Two items, or one that is no object, stay fields by
    position."""
    alpaca = [
        {
            "instruction": f"Question {i}: may my landlord keep the deposit?",
            "input": "",
            "output": f"Answer {i}.",
        }
        for i in range(3)
    ]
    array = tmp_path / "train.json"
    array.write_text(json.dumps([[record] for record in alpaca], ensure_ascii=False, indent=2))
    split = load_split("train", str(array))
    assert split.rows == 3 and split.layout is not None and split.layout.name == "alpaca"
    assert split.frame["response"].to_list() == ["Answer 0.", "Answer 1.", "Answer 2."]
    out = tmp_path / "cleaned"
    result = CliRunner().invoke(main, ["clean", str(array), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()] == [
        [r] for r in alpaca
    ]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(jsonl_bytes([[alpaca[0], alpaca[1]], ["Question?"]]))
    assert load_split("train", str(mixed)).rows == 0


def test_a_tool_definition_list_is_never_the_list_suggested_as_records(tmp_path: Path) -> None:
    """ToolBench's answer files hold the training steps under answer_generation.train_messages (each a
    bare array of messages) beside the tools under answer_generation.function, which may be longer."""
    steps = [
        [
            {"role": "user", "content": "Agency in Noumea?"},
            {"role": "assistant", "content": None, "function_call": {"name": f"f{i}", "arguments": "{}"}},
        ]
        for i in range(3)
    ]
    tools = [
        {"name": f"f{i}", "description": "d", "parameters": {"type": "object", "properties": {}}}
        for i in range(8)
    ]
    path = tmp_path / "train.json"
    path.write_text(
        json.dumps({"win": True, "answer_generation": {"function": tools, "train_messages": steps}}, indent=2)
    )
    (finding,) = scan(path).findings
    assert finding.message.endswith("--records-path answer_generation.train_messages"), finding.message
    assert scan(path, records_path="answer_generation.train_messages").splits[0].rows == 3


def test_two_outputs_and_a_preference_read_the_preferred_output_as_chosen(tmp_path: Path) -> None:
    """AlpacaEval / AlpacaFarm: `preference` is the better output's number (a numeric string, or a
    weight between 1 and 2: the nearer side); AlpacaFarm's `input` is appended to the instruction."""
    rows = [
        {
            "instruction": "Translate to German.",
            "input": "thank you",
            "output_1": "Danke.",
            "output_2": "Merci.",
            "preference": "1",
        },
        {
            "instruction": "Name a primary colour.",
            "input": "",
            "output_1": "Green.",
            "output_2": "Red.",
            "preference": 1.83,
        },
    ]
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl_bytes(rows))
    split = load_split("train", str(path))
    assert split.format == "pairwise_outputs"
    assert split.frame.select("prompt", "response", "rejected").rows() == [
        ("Translate to German.\n\nthank you", "Danke.", "Merci."),
        ("Name a primary colour.", "Red.", "Green."),
    ]


def _lines_of(texts: list[str], mark: str = "", crlf: bool = False) -> str:
    end = "\r\n" if crlf else "\n"
    return end.join(f"{mark}{t}" if i else t for i, t in enumerate(texts)) + end


def test_one_text_file_a_class_is_read_as_text_classification(tmp_path: Path) -> None:
    """The Hindi movie reviews' layout (issue #19): `pos_hindi.txt` beside `neg_hindi.txt`, CRLF, each
    example opened by a `$` at the start of a line and going on over the next lines; the class is what
    differs between the file names (pos, neg), a `$` with nothing after it an empty example (FMT004)."""
    good = [f"the film {w} and its music stays with you" for w in "abcdefghijklmn"]
    bad = [f"the plot {w} falls apart before the interval" for w in "abcdefghijklmn"]
    good[3] = "a review that goes on\r\nover a second line"
    bad[5] = " "
    root = _classes(
        tmp_path / "reviews",
        {
            "pos_hindi.txt": _lines_of(good, "$", crlf=True),
            "neg_hindi.txt": _lines_of(bad, "$", crlf=True),
            "README.md": "Reviews, one file a class.",
        },
    )
    read = load_split("train", str(root))
    assert read.format == "classification"
    frame = read.frame.sort("label")
    assert frame["label"].to_list() == ["neg"] * 13 + ["pos"] * 14
    assert "a review that goes on\nover a second line" in frame["prompt"].to_list()
    assert not any(t.startswith("$") for t in frame["prompt"].to_list())
    assert [(i.line, i.detail) for i in read.load_issues] == [
        (6, "an empty example: '$' with no text after it")
    ]
    plain = _classes(
        tmp_path / "plain",
        {"positive.txt": _lines_of(good[4:]), "negative.txt": _lines_of(bad[:5] + bad[6:])},
    )
    assert sorted(set(load_split("train", str(plain)).frame["label"].to_list())) == ["negative", "positive"]


def test_folders_of_text_files_that_are_not_one_file_a_class_are_left_unread(tmp_path: Path) -> None:
    """Look-alikes: a stop-word list beside the classes, files too short to be classes, a class file
    beside a CSV (the table is read), files named as splits (train.txt, test.txt: no classes)."""
    long = _lines_of([f"sentence number {i} of the file" for i in range(12)])
    looks = {
        "stopwords": {
            "pos.txt": long,
            "neg.txt": long,
            "stopwords.txt": _lines_of([f"w{i}" for i in range(40)]),
        },
        "short": {"pos.txt": "one line\n", "neg.txt": "two lines\nhere\n"},
        "beside_table": {"pos.txt": long, "neg.txt": long, "data.csv": "text,label\na,b\n"},
        "split_names": {"train.txt": long, "test.txt": long},
    }
    for name, files in looks.items():
        root = _classes(tmp_path / name, files)
        if name == "beside_table":  # the table is the data; the text files beside it are not classes
            report = dataqa.scan(str(root), select=["FMT"])
            assert [s.rows for s in report.splits] == [1]
            continue
        result = CliRunner().invoke(main, ["scan", str(root), "--no-config", "--select", "FMT"])
        assert result.exit_code == 2 and "no data file in the folder" in result.output + result.stderr, name


def test_a_saved_dataset_folder_reads_the_files_its_state_lists_not_the_caches(tmp_path: Path) -> None:
    """A `datasets.save_to_disk` folder as a notebook left it (issue #19, a CoS-E copy): state.json
    lists `data-00000-of-00001.arrow`; the `cache-*.arrow` files `Dataset.map` wrote beside it hold the
    same rows again (with token ids added) and are skipped and named, not read as four copies."""
    import pyarrow as pa

    folder = tmp_path / "validation"
    folder.mkdir()
    rows = pa.table(
        {
            "question": [f"What does item {i} need?" for i in range(12)],
            "answer": [f"thing {i}" for i in range(12)],
        }
    )
    for name in ("data-00000-of-00001.arrow", "cache-0a474fbf950c365f.arrow", "cache-58bc2ea0980acd69.arrow"):
        with pa.ipc.new_stream(str(folder / name), rows.schema) as writer:
            writer.write_table(rows)
    (folder / "state.json").write_text(
        json.dumps({"_data_files": [{"filename": "data-00000-of-00001.arrow"}], "_split": "validation"})
    )
    (folder / "dataset_info.json").write_text(json.dumps({"dataset_name": "demo"}))
    report = dataqa.scan(str(folder), select=["DUP001"])
    assert [s.rows for s in report.splits] == [12]
    assert [f.check_id for f in report.findings] == []
    from dataqa.ingest.readers.layout import discover

    skipped = discover(str(folder)).skipped
    assert sum("state.json lists" in s for s in skipped) == 2
    (folder / "state.json").write_text("{not json")  # a state.json that says nothing: every file is read
    assert [s.rows for s in dataqa.scan(str(folder), select=["DUP001"]).splits] == [36]


def test_jointbert_split_folders_of_seq_in_beside_label_are_read_as_classification(tmp_path: Path) -> None:
    """JointBERT's layout (ATIS, SNIPS and their translations in many NLU repositories): each split's
    folder holds `seq.in`, an utterance a line, beside `label`, its intent on the same line, and
    `seq.out`, the slot tags (not read). The folder is three labelled splits, `dev` the valid one; a
    `seq.in` given alone is read with its labels too; without `label` it is plain text."""
    intents = ["flight", "airfare", "ground_service"]
    folder: dict[str, str] = {"intent_label.txt": "\n".join(intents) + "\n"}
    for split, rows in (("train", 30), ("dev", 9), ("test", 9)):
        asked = [f"{['show', 'price', 'taxi'][i % 3]} from city {i} to town {i + 1}" for i in range(rows)]
        folder[f"{split}/seq.in"] = "".join(f"{text}\n" for text in asked)
        folder[f"{split}/label"] = "".join(f"{intents[i % 3]}\n" for i in range(rows))
        folder[f"{split}/seq.out"] = "".join(" ".join("O" for _ in text.split()) + "\n" for text in asked)
    root = _classes(tmp_path / "atis", folder)
    report = dataqa.scan(str(root), select=["FMT"]).to_dict()
    assert [(s["name"], s["format"], s["rows"]) for s in report["splits"]] == [
        ("train", "classification", 30),
        ("valid", "classification", 9),
        ("test", "classification", 9),
    ]
    alone = load_split("test", str(root / "test" / "seq.in"))
    assert alone.format == "classification"
    assert alone.frame["label"].to_list()[:3] == intents
    (root / "test" / "label").unlink()
    assert load_split("test", str(root / "test" / "seq.in")).format == "text"
