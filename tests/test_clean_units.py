"""`dataqa clean`'s pieces one by one: what a rejects line holds, which label a record gets, which
finding removes which line, and when an input counts as changed.

`test_clean.py` and `test_clean_conservation.py` run the whole command; these pin the branches a
real scan seldom takes (a label stored as JSON, a record shape that cannot be relabelled, a family
left out). Found missing by the mutation run (`benchmarks/mutation.md`).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
from conftest import chat, write_jsonl

import dataqa.commands.clean as c
from dataqa.core.errors import InputError, OutputError
from dataqa.core.models import CheckResult, CheckStatus, Finding, Location, Severity
from dataqa.engine.config import load_config


def loc(line: int, split: str = "train") -> Location:
    return Location(split, f"{split}.jsonl", line)


def report_of(*results: CheckResult) -> SimpleNamespace:
    """The two fields of a report the helpers read."""
    return SimpleNamespace(results=list(results), findings=[f for r in results for f in r.findings])


def result(family: str, *findings: Finding) -> CheckResult:
    return CheckResult("X", "x", family, Severity.ERROR, CheckStatus.FAILED, findings=list(findings))


def test_removal_reasons_read_unusable_locations_of_the_families_asked_only() -> None:
    dup = Finding("DUP001", Severity.ERROR, "m", [loc(1), loc(2)], unusable=[loc(2)])
    leak = Finding("LEAK001", Severity.ERROR, "m", [loc(2)], unusable=[loc(2), loc(3, "test")])
    quality = Finding("QUAL001", Severity.WARNING, "m", [loc(4)], unusable=[loc(4)])
    report = report_of(result("duplicates", dup), result("leakage", leak), result("quality", quality))
    reasons = c.removal_reasons(report, ("duplicates", "leakage"))
    assert dict(reasons) == {("train", 2): {"DUP001", "LEAK001"}, ("test", 3): {"LEAK001"}}
    assert dict(c.removal_reasons(report, ("quality",))) == {("train", 4): {"QUAL001"}}


def test_located_names_every_finding_at_a_line() -> None:
    a = Finding("FMT004", Severity.ERROR, "m", [loc(3), loc(5)])
    b = Finding("QUAL001", Severity.INFO, "m", [loc(3)])
    assert dict(c._located(report_of(result("format", a), result("quality", b)))) == {
        ("train", 3): {"FMT004", "QUAL001"},
        ("train", 5): {"FMT004"},
    }


def test_reject_record_keeps_utf8_as_text_and_other_bytes_as_base64() -> None:
    assert orjson.loads(c.reject_record(4, '{"a": "é"}'.encode(), ["DUP001", "LEAK001"])) == {
        "line": 4,
        "checks": ["DUP001", "LEAK001"],
        "raw": '{"a": "é"}',
    }
    raw = b"\xff\xfe{}"
    line = c.reject_record(9, raw, ["FMT003"])
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert orjson.loads(line) == {
        "line": 9,
        "checks": ["FMT003"],
        "raw_base64": base64.b64encode(raw).decode(),
    }


def test_reject_row_names_the_record_without_its_split_and_replaces_bad_bytes() -> None:
    where = {"split": "train", "path": "data.csv", "line": 3, "row": 2}
    line = c.reject_row(where, b'{"x": 1}\xff', ["FMT001"])
    assert line.endswith(b"\n")
    assert orjson.loads(line) == {
        "path": "data.csv",
        "line": 3,
        "row": 2,
        "checks": ["FMT001"],
        "raw": '{"x": 1}\ufffd',
    }


def test_label_corrections_follow_the_canonical_and_variants_contract() -> None:
    good = Finding(
        "LBL003",
        Severity.WARNING,
        "m",
        [loc(2), loc(7)],
        metrics={"canonical": "yes", "variants": {"Yes": 2}},
    )
    no_variants = Finding("LBL009", Severity.WARNING, "m", [loc(3)], metrics={"canonical": "yes"})
    not_text = Finding("LBL009", Severity.WARNING, "m", [loc(4)], metrics={"canonical": 1, "variants": {}})
    report = report_of(result("labels", no_variants, good, not_text))  # one passed over before it
    fix = ("yes", "LBL003", {"Yes": "yes"})  # each variant the record may hold, to rename in a set
    assert c.label_corrections(report) == {("train", 2): fix, ("train", 7): fix}


@pytest.mark.parametrize(
    ("record", "source", "expected"),
    [
        ({"text": "t", "label": "Yes "}, "label", {"text": "t", "label": "yes"}),
        ({"text": "t", "label": ["a"]}, "label", None),  # not text, and "yes" is not JSON
        ({"text": "t"}, "label", None),  # no such field
        ({"messages": [{"role": "user", "content": "q"}, {"role": "Assistant", "content": "Yes"}]},
         c.REPLY_LABEL,
         {"messages": [{"role": "user", "content": "q"}, {"role": "Assistant", "content": "yes"}]}),
        ({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "Yes"}]},
         c.REPLY_LABEL,
         {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "yes"}]}),
        ({"messages": [{"role": "assistant", "content": "Yes"}, {"role": "user", "content": "q"}]},
         c.REPLY_LABEL, None),  # the last turn is not the reply
        ({"messages": []}, c.REPLY_LABEL, None),
        ({"messages": "not a list"}, c.REPLY_LABEL, None),
        ({"messages": [{"content": "Yes"}]}, c.REPLY_LABEL, None),  # no role: not a reply
    ],
)  # fmt: skip
def test_relabel_rewrites_only_shapes_it_understands(record: object, source: str, expected: object) -> None:
    raw = orjson.dumps(record)
    out = c.relabel(raw, "yes", source)
    assert (orjson.loads(out) if out is not None else None) == expected


def test_relabel_reads_a_json_label_and_past_a_bom() -> None:
    assert orjson.loads(c.relabel(c.BOM + b'{"x": "a", "label": 0}', "1", "label")) == {"x": "a", "label": 1}
    assert orjson.loads(c.relabel(b'{"label": [1]}', "[2, 3]", "label")) == {"label": [2, 3]}
    assert c.relabel(b'{"label": 0}', "one", "label") is None  # a number label, a canonical that is not JSON
    assert c.relabel(b"[1, 2]", "yes", "label") is None
    assert c.relabel(b"{not json", "yes", "label") is None


def test_clean_outputs_lists_every_file_of_every_split() -> None:
    out = Path("o")
    assert c.clean_outputs({"train": "a", "test": "b"}, out) == [
        out / "train.jsonl",
        out / "train.rejects.jsonl",
        out / "test.jsonl",
        out / "test.rejects.jsonl",
    ]
    assert c.clean_outputs({"train": "a"}, "o", map_label_variants=True) == [
        out / "train.jsonl",
        out / "train.rejects.jsonl",
        out / "train.relabelled.jsonl",
    ]


def test_not_a_record_tells_blank_from_no_record() -> None:
    assert c._not_a_record(b"  \t\r") == "blank"
    assert c._not_a_record(b"") == "blank"
    assert c._not_a_record(b" x ") == "no-record"


def test_signature_changed_and_one_file(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"1\n")
    st = os.stat(path)
    assert c._signature(path) == (st.st_size, st.st_mtime_ns, st.st_ino)
    assert c._one_file(str(path)) and c._one_file(path)
    assert not c._one_file(str(tmp_path)) and not c._one_file(["x"]) and not c._one_file(str(tmp_path / "no"))
    digest = c.file_sha256(path)
    before = c._signature(path)
    assert not c._changed(str(path), before, digest, None)
    assert c._changed(str(path), before, "0" * 64, None)  # bytes differ from what the scan hashed
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert c._changed(str(path), before, digest, None)  # touched
    path.unlink()
    assert c._changed(str(path), before, digest, None)  # gone
    source = SimpleNamespace(sha256=lambda: "abc")
    assert not c._changed("memory", None, "abc", source)
    assert c._changed("memory", None, "abd", source)

    def unreadable() -> str:
        raise InputError("gone")

    assert c._changed("memory", None, "abc", SimpleNamespace(sha256=unreadable))


def test_split_cleaning_to_dict_is_every_field() -> None:
    s = c.SplitCleaning("train", "a", "b", "c", lines=3, kept=2, rejected=1, by_check={"X": 1}, notes=["n"])
    assert s.to_dict() == {
        "name": "train",
        "source": "a",
        "output": "b",
        "rejects": "c",
        "lines": 3,
        "kept": 2,
        "rejected": 1,
        "relabelled": 0,
        "by_check": {"X": 1},
        "notes": ["n"],
    }


# --- the command on small inputs ---


def _records(n: int) -> list[dict]:
    return [chat(f"Where is order number {i} today?", f"Order {i} ships on day {i}.") for i in range(n)]


def test_clean_counts_rejects_per_check_and_writes_nothing_but_the_outputs(tmp_path: Path) -> None:
    records = _records(12)
    lines: list = [*records, records[0], records[1], '{"messages": [', ""]
    data = write_jsonl(tmp_path / "train.jsonl", lines)
    result = c.clean(
        {"train": str(data)}, tmp_path / "out", load_config(discover=False, select=["FMT", "DUP"])
    )
    (summary,) = result.splits
    assert (summary.lines, summary.kept, summary.rejected, summary.relabelled) == (16, 12, 4, 0)
    assert summary.by_check == {"DUP001": 2, "FMT001": 1, "FMT004": 1}
    assert (summary.name, summary.source) == ("train", str(data))
    assert (summary.output, summary.rejects) == (str(tmp_path / "out" / "train.jsonl"),
                                                 str(tmp_path / "out" / "train.rejects.jsonl"))  # fmt: skip
    assert summary.notes == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["train.jsonl", "train.rejects.jsonl"]


def test_a_line_no_finding_names_is_rejected_for_what_it_is(tmp_path: Path) -> None:
    """With the format checks left out, a blank line and a non-object have no finding of their own:
    each is rejected as what it is, not under the checks found on line 1 (a duplicate group's first
    record here). A file with no record at all (UTF-16) and no finding on line 1 is rejected line by
    line the same way."""
    records = _records(12)
    data = write_jsonl(tmp_path / "train.jsonl", [*records, records[0], "", "[1, 2]"])
    config = load_config(discover=False, select=["DUP"])
    (summary,) = c.clean({"train": str(data)}, tmp_path / "out", config).splits
    assert (summary.kept, summary.by_check) == (12, {"DUP001": 1, "blank": 1, "no-record": 1})
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes("\n".join(['{"a": 1}'] * 3).encode("utf-16"))
    (summary,) = c.clean({"train": str(utf16)}, tmp_path / "out16", config).splits
    assert (summary.kept, summary.by_check) == (0, {"no-record": 3})


def test_families_left_out_keep_their_rows(tmp_path: Path) -> None:
    records = _records(12)
    data = write_jsonl(tmp_path / "train.jsonl", [*records, records[0]])
    config = load_config(discover=False, select=["FMT", "DUP"])
    kept = c.clean({"train": str(data)}, tmp_path / "out", config, families=("format",)).splits[0]
    assert (kept.kept, kept.rejected) == (13, 0)


def test_an_input_read_only_up_to_a_limit_is_not_cleaned(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "train.jsonl", _records(30))
    config = load_config(discover=False, select=["FMT"], max_lines=10)
    with pytest.raises(
        InputError, match=r"train\.jsonl: .*; clean writes every line or none, so nothing was written$"
    ):
        c.clean({"train": str(data)}, tmp_path / "out", config)
    assert not (tmp_path / "out" / "train.jsonl").exists()


def test_a_folder_of_records_is_written_as_json_lines_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    records = _records(12)
    write_jsonl(folder / "a.jsonl", records[:6])
    write_jsonl(folder / "b.jsonl", [*records[6:], records[0]])
    result = c.clean(
        {"train": str(folder)}, tmp_path / "out", load_config(discover=False, select=["FMT", "DUP"])
    )
    (summary,) = result.splits
    assert len(summary.notes) == 1  # a folder has no one file's signature: not "changed"
    assert summary.notes[0].startswith(f"{folder} is ")
    assert summary.notes[0].endswith(
        ", not one JSONL file: its records are written as JSON Lines (one compact JSON object per line), "
        "and each line of the rejects file names its record"
    )
    (reject,) = [
        orjson.loads(x) for x in (tmp_path / "out" / "train.rejects.jsonl").read_bytes().splitlines()
    ]
    assert reject["checks"] == ["DUP001"] and reject["path"].endswith("b.jsonl") and "split" not in reject


def _config():
    return load_config(discover=False, select=["FMT", "DUP"])


def test_outputs_are_refused_before_the_scan_runs(tmp_path: Path, monkeypatch) -> None:
    """An output that is an input (here the second split's, and the relabelled file) is refused before
    any scan and any write, not when its turn to be written comes."""

    def no_scan(*args, **kwargs):
        raise AssertionError("the scan ran")

    monkeypatch.setattr(c, "execute", no_scan)
    out = tmp_path / "out"
    out.mkdir()
    train = write_jsonl(tmp_path / "train.jsonl", _records(12))
    test = write_jsonl(out / "test.jsonl", _records(3))
    with pytest.raises(OutputError):
        c.clean({"train": str(train), "test": str(test)}, out, _config())
    relabelled = write_jsonl(out / "train.relabelled.jsonl", _records(3))
    with pytest.raises(OutputError):
        c.clean({"train": str(train), "x": str(relabelled)}, out, _config(), map_label_variants=True)
    assert sorted(p.name for p in out.iterdir()) == ["test.jsonl", "train.relabelled.jsonl"]


def test_clean_writes_into_a_folder_that_exists_or_a_nested_one_it_makes(tmp_path: Path) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _records(12))
    (tmp_path / "there").mkdir()
    assert c.clean({"train": str(train)}, tmp_path / "there", _config()).splits[0].kept == 12
    assert c.clean({"train": str(train)}, tmp_path / "a" / "b", _config()).splits[0].kept == 12


def test_an_input_touched_during_the_run_is_reported_with_the_same_bytes(tmp_path: Path, monkeypatch) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", _records(12))
    scan = c.execute

    def scan_then_touch(*args, **kwargs):
        done = scan(*args, **kwargs)
        st = os.stat(train)
        os.utime(train, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        return done

    monkeypatch.setattr(c, "execute", scan_then_touch)
    (summary,) = c.clean({"train": str(train)}, tmp_path / "out", _config()).splits
    assert summary.notes == [
        f"{train} changed during the run: the cleaned files may mix two versions; clean again"
    ]


def test_relabel_renames_the_variant_classes_of_a_set_and_keeps_the_others() -> None:
    """A multi-label row's set: only its variant classes are renamed (a class id in digits stays a
    number), a class then named twice is kept once, and a set without a variant is not rewritten."""
    names = {"Joy": "joy", "27 ": "27"}
    assert orjson.loads(c.relabel(b'{"labels": ["Joy", "love"]}', "joy", "labels", names)) == {
        "labels": ["joy", "love"]
    }
    assert orjson.loads(c.relabel(b'{"labels": ["joy", "Joy"]}', "joy", "labels", names)) == {
        "labels": ["joy"]
    }
    assert orjson.loads(c.relabel(b'{"labels": [3, "27 "]}', "27", "labels", names)) == {"labels": [3, 27]}
    assert c.relabel(b'{"labels": ["love"]}', "joy", "labels", names) is None
