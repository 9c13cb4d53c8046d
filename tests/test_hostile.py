"""Hostile and broken input (issue #7): every input ends in a report or a one-line error, never a
traceback, and no input file is ever written.

Each test names one hostile input and asserts the message a person sees. Most run the CLI in
process (click's runner: same code path as the installed command, without a Python start-up per
test); the ones that need the real process (dropped privileges) run the installed command.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from conftest import chat, dataqa_command, write_jsonl

import dataqa
from dataqa.commands.cli import main
from dataqa.core.errors import InputError
from dataqa.ingest import load
from dataqa.ingest.dataset import load_split

GOOD = [
    chat("Where is my order #4411?", "It shipped yesterday and arrives Friday."),
    chat("Cancel my plan", "Done: your plan ends on the 30th.", system="You are a support agent."),
    chat("Can I change my delivery address?", "Yes: open the order and choose Edit address."),
]


def line(record: dict) -> bytes:
    return orjson.dumps(record)


# --- inputs are never written --------------------------------------------------------------------


def fingerprint(path: Path) -> tuple[str, int, int] | None:
    """Content hash, size and mtime (ns) of a file, or None when it is not a regular file."""
    if not path.is_file():
        return None
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


@contextmanager
def unchanged(*paths: Path) -> Iterator[None]:
    """Assert that the files' content hash, size and mtime are the same after the block."""
    before = {p: fingerprint(p) for p in paths}
    yield
    after = {p: fingerprint(p) for p in paths}
    assert after == before, "an input file was modified by the scan"


@dataclass
class Run:
    """What a person sees of one `dataqa scan`: exit code, stdout, stderr and the JSON report."""

    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None

    def findings(self, check_id: str | None = None) -> list[dict[str, Any]]:
        found = (self.report or {}).get("findings", [])
        return [f for f in found if check_id is None or f["check_id"] == check_id]

    def lines(self, check_id: str) -> list[list[int]]:
        return [[loc["line"] for loc in f["locations"]] for f in self.findings(check_id)]

    def messages(self, check_id: str) -> list[str]:
        return [f["message"] for f in self.findings(check_id)]


def scan(path: Path, *args: str, out: Path | None = None) -> Run:
    """`dataqa scan PATH ARGS --json OUT` in process; asserts the hostile-input contract.

    Exit code in {0, 1, 2}, no traceback, errors as one line, and the input unchanged.
    """
    out = out or path.parent / "report.json"
    with unchanged(path):
        result = CliRunner().invoke(
            main, ["scan", str(path), "--no-config", "--json", str(out), *args], catch_exceptions=True
        )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the scan raised {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("dataqa: error: "), result.stderr
    report = json.loads(out.read_text(encoding="utf-8")) if result.exit_code != 2 and out.exists() else None
    if report is not None:
        assert_lines_within_file(report)
    return Run(result.exit_code, result.stdout, result.stderr, report)


def assert_lines_within_file(report: dict[str, Any]) -> None:
    """Every location names a line between 1 and the split's physical line count (1 when empty)."""
    lines = {s["name"]: max(s["lines"], 1) for s in report["splits"]}
    for finding in report["findings"]:
        for loc in finding["locations"] + finding["unusable"]:
            assert 1 <= loc["line"] <= lines[loc["split"]], (finding, lines)


def fail_message(path: Path, *args: str) -> str:
    """The one-line error of a scan that must end with exit code 2."""
    run = scan(path, *args)
    assert run.code == 2, (run.stdout, run.stderr)
    return run.stderr.strip()


# --- empty and blank ------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"")
    run = scan(path)
    assert run.code == 1
    assert run.messages("FMT018") == ["file is empty: there are no records to check"]
    assert run.report["splits"][0]["rows"] == 0
    assert run.report["verdict"] == "NO-GO"


def test_only_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\n   \n\t\n\r\n")
    run = scan(path)
    assert run.lines("FMT004") == [[1], [2], [3], [4]]
    assert run.messages("FMT018") == ["file holds only blank lines (4): there are no records to check"]
    assert run.report["splits"][0]["rows"] == 0


# --- not JSONL text at all ------------------------------------------------------------------------


def test_png_renamed_jsonl_is_one_finding(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4 + b"\n\x00\x01"
    path = tmp_path / "train.jsonl"
    path.write_bytes(png)
    run = scan(path)
    assert run.code == 1
    fmt = [f for f in run.findings() if f["check_id"].startswith("FMT")]
    assert [f["check_id"] for f in fmt] == ["FMT018"], "one whole-file finding, not one per line"
    assert fmt[0]["message"].startswith("file is a PNG image, not JSONL text")


def test_binary_noise_is_named_binary(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(bytes(range(32)) * 64)
    run = scan(path)
    (message,) = run.messages("FMT018")
    assert message.startswith("file looks binary (")


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    records = [chat(f"Where is order #{i}?", f"Order #{i} ships on day {i % 7}.") for i in range(400)]
    body = b"".join(line(r) + b"\n" for r in records)
    packed = gzip.compress(body, mtime=0)
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    whole = gzip.decompress(packed)
    run = scan(path)
    (damage,) = run.findings("FMT018")
    assert "file ends early or is damaged" in damage["message"]
    read = damage["locations"][0]["line"] - 1
    assert 0 < read < 400, "the lines before the truncation are read, not dropped with the chunk"
    assert f"nothing after line {read} could be read" in damage["message"]
    assert run.report["splits"][0]["rows"] >= read
    assert whole.count(b"\n") == 400


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    body = b"".join(line(r) + b"\n" for r in GOOD)
    packed = tmp_path / "train.jsonl"
    packed.write_bytes(gzip.compress(body, mtime=0))
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_bytes(body)
    for path in (packed, plain):
        run = scan(path)
        assert run.findings("FMT018") == [] and run.findings("FMT001") == []
        assert run.report["splits"][0]["rows"] == 3


def test_a_gzip_newline_bomb_is_counted_not_listed(tmp_path: Path) -> None:
    """A few kB of gzip that inflate to millions of blank lines: bounded findings, one summary."""
    n = 2_000_000
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(gzip.compress(line(GOOD[0]) + b"\n" + b"\r\n" * n + line(GOOD[1]) + b"\n", mtime=0))
    assert path.stat().st_size < 20_000
    run = scan(path, "--select", "FMT,SIZE")
    blank = run.findings("FMT004")
    assert len(blank) == load.MAX_BLANK_LISTED + 1
    first_unlisted = load.MAX_BLANK_LISTED + 2
    assert blank[-1]["locations"] == [{"split": "train", "path": str(path), "line": first_unlisted}]
    assert blank[-1]["message"] == (
        f"{n - load.MAX_BLANK_LISTED:,} more blank lines from line {first_unlisted:,} on "
        f"(only the first {load.MAX_BLANK_LISTED:,} are listed one by one)"
    )
    assert run.findings("FMT005") == [], "a blank line's CRLF is not a second finding"
    assert (run.report["splits"][0]["lines"], run.report["splits"][0]["rows"]) == (n + 2, 2)


# --- encodings ------------------------------------------------------------------------------------


def test_invalid_utf8_line_names_the_likely_encoding(tmp_path: Path) -> None:
    latin1 = '{"messages": [{"role": "user", "content": "Annulé"}, {"role": "assistant", "content": "Ok"}]}'
    path = write_jsonl(tmp_path / "train.jsonl", [GOOD[0], latin1.encode("latin-1"), GOOD[1]])
    run = scan(path)
    (finding,) = run.findings("FMT003")
    assert finding["locations"][0]["line"] == 2
    assert finding["message"].startswith(f"invalid UTF-8 at byte {latin1.index('é')}")
    assert "Windows-1252/Latin-1" in finding["message"]
    assert "\\xe9" in finding["evidence"][0], "the bad byte is shown, not replaced"


def test_mixed_encodings_each_bad_line_reported(tmp_path: Path) -> None:
    smart = (
        '{"messages": [{"role": "user", "content": "It\u2019s late"}, '
        '{"role": "assistant", "content": "Ok"}]}'
    )
    path = write_jsonl(
        tmp_path / "train.jsonl",
        [GOOD[0], smart.encode("cp1252"), smart.encode("utf-8"), "Größe".encode("latin-1"), GOOD[1]],
    )
    run = scan(path)
    assert run.lines("FMT003") == [[2], [4]]
    assert run.report["splits"][0]["rows"] == 5
    assert run.report["usable"]["waterfall"][0] == {"stage": "valid", "remaining": 3}


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-16", "UTF-16-encoded (byte-order mark found)"), ("utf-32", "UTF-32-encoded (byte-order mark")],
)
def test_utf16_and_utf32_with_bom_are_named(tmp_path: Path, encoding: str, name: str) -> None:
    text = "".join(orjson.dumps(r).decode() + "\n" for r in GOOD)
    path = tmp_path / "train.jsonl"
    path.write_bytes(text.encode(encoding))
    run = scan(path)
    (message,) = run.messages("FMT003")
    assert name in message and "re-save it as UTF-8" in message
    assert run.findings("FMT001") == []


def test_utf16_without_bom_is_named(tmp_path: Path) -> None:
    text = "".join(orjson.dumps(r).decode() + "\n" for r in GOOD)
    path = tmp_path / "train.jsonl"
    path.write_bytes(text.encode("utf-16-le"))
    (message,) = scan(path).messages("FMT003")
    assert message.startswith("file looks UTF-16-LE-encoded")


def test_nul_bytes(tmp_path: Path) -> None:
    raw = line(GOOD[1]).replace(b"support", b"sup\x00port")
    escaped = b'{"messages": [{"role": "user", "content": "Where is\\u0000 my order?"}, '
    escaped += b'{"role": "assistant", "content": "It shipped."}]}'
    path = write_jsonl(tmp_path / "train.jsonl", [GOOD[0], raw, b"\x00\x00\x00", escaped])
    run = scan(path)
    assert run.lines("FMT003") == [[2], [3]]
    assert run.messages("FMT003")[0].startswith("NUL byte in line (at byte")
    assert "\\0" in run.findings("FMT003")[0]["evidence"][0]
    # A NUL written as a JSON escape parses, and is damaged text inside the record.
    assert run.lines("FMT006") == [[4]]


def test_lone_surrogates_in_json_escapes(tmp_path: Path) -> None:
    lone = b'{"messages": [{"role": "user", "content": "a\\ud800b"}, {"role": "assistant", "content": "x"}]}'
    low = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "\\udfff"}]}'
    pair = (
        b'{"messages": [{"role": "user", "content": "\\ud83d\\udce6 parcel"}, '
        b'{"role": "assistant", "content": "ok"}]}'
    )
    path = write_jsonl(tmp_path / "train.jsonl", [lone, low, pair])
    run = scan(path)
    assert run.lines("FMT003") == [[1], [2]]
    assert all("lone UTF-16 surrogate escape" in m for m in run.messages("FMT003"))
    assert run.findings("FMT001") == [], "a valid surrogate pair is an emoji, not damage"


# --- size and shape -------------------------------------------------------------------------------


def test_200mb_line_is_measured_not_kept(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    block = b"a" * (1 << 20)
    with open(path, "wb") as fh:
        fh.write(line(GOOD[0]) + b"\n")
        fh.write(b'{"messages": [{"role": "user", "content": "')
        for _ in range(200):
            fh.write(block)
        fh.write(b'"}, {"role": "assistant", "content": "ok"}]}\n')
        fh.write(line(GOOD[1]) + b"\n")
    run = scan(path, "--select", "FMT,SIZE")
    (finding,) = run.findings("FMT001")
    assert finding["locations"][0]["line"] == 2
    assert finding["message"] == "line is 200.0 MiB, over the 16 MiB limit; not kept or parsed"
    evidence = finding["evidence"][0]
    assert len(evidence) < 1000 and evidence.startswith('{"messages"') and "bytes)" in evidence
    split = run.report["splits"][0]
    assert (split["lines"], split["rows"]) == (3, 3)
    assert run.report["usable"]["waterfall"][0]["remaining"] == 2


def test_a_million_tiny_lines_scaled_down(tmp_path: Path) -> None:
    """The full million runs in benchmarks/soak.py; here 100,000 keep the suite fast."""
    n = 100_000
    path = tmp_path / "train.jsonl"
    with open(path, "wb") as fh:
        fh.writelines(b'{"text":"t%d","label":"%s"}\n' % (i, b"ab"[i % 2 : i % 2 + 1]) for i in range(n))
    run = scan(path, "--select", "FMT,SIZE")
    split = run.report["splits"][0]
    assert (split["lines"], split["rows"], split["format"]) == (n, n, "classification")
    assert [f for f in run.findings() if f["check_id"].startswith("FMT")] == []


def test_100000_nested_arrays(tmp_path: Path) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    inside = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x", '
    inside += b'"tool_calls": ' + b"[" * 500 + b"]" * 500 + b"}]}"
    path = write_jsonl(tmp_path / "train.jsonl", [GOOD[0], deep, inside, GOOD[1]])
    run = scan(path)
    assert run.lines("FMT001") == [[2], [3]]
    first, second = run.messages("FMT001")
    assert first.startswith("JSON nested deeper than 1,024 levels; not parsed")
    assert second.startswith("JSON nested deeper than 200 levels; not read")
    assert run.report["checks"] and not [c for c in run.report["checks"] if c["status"] == "errored"]


def test_numbers_out_of_range(tmp_path: Path) -> None:
    base = '{"text": "refund please", "label": %s}'
    records = [base % v for v in ('"billing"', "1e400", "-1e400", "NaN", "Infinity", "1" + "0" * 40, "7")]
    path = write_jsonl(tmp_path / "train.jsonl", records)
    run = scan(path)
    assert run.lines("FMT001") == [[2], [3], [4], [5]]
    overflow, negative, nan, inf = run.messages("FMT001")
    assert overflow.startswith("number out of range: it overflows a 64-bit float")
    assert negative.startswith("number out of range")
    assert nan.startswith("NaN and Infinity are not JSON numbers")
    assert inf.startswith("NaN and Infinity are not JSON numbers")
    # A 41-digit integer is a valid JSON number: it is read (as a float), not a crash.
    assert run.report["splits"][0]["rows"] == 7


def test_duplicate_keys_are_a_warning_and_the_last_value_wins(tmp_path: Path) -> None:
    """Decision: a finding (FMT019, warning), not an error. Python's json and orjson keep the last
    value, so most tooling reads the record the same way; but strict parsers reject it and some keep
    the first, so the example trained on may not be the one reviewed."""
    dup = (
        b'{"messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "a"}], '
        b'"messages": [{"role": "user", "content": "second"}, {"role": "assistant", "content": "b"}]}'
    )
    path = write_jsonl(tmp_path / "train.jsonl", [GOOD[0], dup, GOOD[1]])
    run = scan(path)
    (finding,) = run.findings("FMT019")
    assert finding["severity"] == "warning" and finding["locations"][0]["line"] == 2
    assert finding["message"].startswith('key "messages" appears twice in one object; the last value is used')
    assert finding["unusable"] == []
    frame = load_split("train", str(path)).frame
    assert frame.filter(frame["line"] == 2)["prompt"].to_list() == ["second"]


def test_many_keys_in_one_record(tmp_path: Path) -> None:
    record = {f"k{i}": i for i in range(200_000)} | GOOD[0]
    path = write_jsonl(tmp_path / "train.jsonl", [record, GOOD[1]])
    run = scan(path, "--select", "FMT015")
    findings = run.findings("FMT015")
    assert 1 <= len(findings) <= 10, "a bounded number of keys is named, not 200,000"
    assert all(len(f["message"]) < 200 for f in findings)


# --- paths that are not readable files ------------------------------------------------------------


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "train.jsonl"
    folder.mkdir()
    assert fail_message(folder) == (  # an empty folder: a dataset folder (#18) with no data file in it
        f"dataqa: error: {folder}: no data file in the folder (looked for .jsonl, .json, .parquet, .arrow, "
        ".csv, .tsv, compressed or not, for class folders of text files, for text files beside their "
        "labels: train_text.txt with train_labels.txt, and for one text file a class: pos.txt, neg.txt)"
    )


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    assert fail_message(missing) == f"dataqa: error: {missing}: no such file"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "train.jsonl"
    os.mkfifo(fifo)
    message = fail_message(fifo)
    assert message.endswith("is not a regular file (FIFO, socket or device); dataqa reads files only")


def test_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "train.jsonl"
    loop.symlink_to(tmp_path / "other.jsonl")
    (tmp_path / "other.jsonl").symlink_to(loop)
    message = fail_message(loop)
    assert message == f"dataqa: error: {loop}: cannot read (Too many levels of symbolic links)"


def _without_read_permission() -> list[str]:
    """A command prefix under which a mode-000 file is unreadable, even when the tests run as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads mode-000 files, nothing to test")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


def test_file_without_read_permission(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", GOOD)
    path.chmod(0)
    try:
        with unchanged(path):
            result = subprocess.run(
                [*_without_read_permission(), *dataqa_command(), "scan", str(path), "--no-config"],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
    finally:
        path.chmod(0o644)
    assert result.returncode == 2
    assert result.stderr.strip() == f"dataqa: error: {path}: permission denied"


def test_read_error_after_open_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that passes the checks but fails to read (permission race, I/O error) is exit code 2."""
    path = write_jsonl(tmp_path / "train.jsonl", GOOD)
    real_open = open

    def failing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(InputError, match="cannot read \\(Permission denied\\)"):
        load_split("train", str(path))
    assert fail_message(path) == f"dataqa: error: {path}: cannot read (Permission denied)"


def test_file_that_changes_while_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "train.jsonl", GOOD * 3)
    real = load._raw_lines

    def appending(p: Path, issues: list, span: Any = None, **limits: Any) -> Iterator:
        for number, raw in real(p, issues, span, **limits):
            if number == 2:
                with open(path, "ab") as fh:  # another process appends while we read
                    fh.write(line(GOOD[0]) + b"\n")
            yield number, raw

    monkeypatch.setattr(load, "_raw_lines", appending)
    report = dataqa.scan(str(path), select=["FMT018"])
    (finding,) = report.findings
    assert finding.message == "file changed while it was being read; results may mix two versions, scan again"


# --- outputs never replace inputs -----------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--json", "--html", "--markdown", "--sarif"])
def test_report_over_an_input_is_refused(tmp_path: Path, flag: str) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", GOOD)
    test = write_jsonl(tmp_path / "test.jsonl", GOOD[:1])
    link = tmp_path / "link.json"
    link.symlink_to(test)
    for target in (train, test, link):
        with unchanged(train, test):
            result = CliRunner().invoke(
                main, ["scan", str(train), "--test", str(test), "--no-config", flag, str(target)]
            )
        assert result.exit_code == 2
        assert result.stderr.strip() == f"dataqa: error: {target}: refusing to write over an input file"


# --- terminal output never carries the data's control sequences -----------------------------------


@pytest.mark.parametrize("fmt", ["full", "concise", "github"])
def test_terminal_output_neutralises_ansi_and_control_characters(tmp_path: Path, fmt: str) -> None:
    esc = "\x1b[2J\x1b]0;pwned\x07"
    records = [
        GOOD[0],
        {"messages": [{"role": "user", "content": "hi"}, {"role": f"bot{esc}", "content": "x"}]},
        GOOD[1] | {f"key{esc}\u202e": 1},
        {
            "messages": [
                {"role": "user", "content": f"hi{esc}"},
                {"role": "assistant", "content": "ok\x9b31m"},
            ]
        },
    ]
    folder = tmp_path / f"data{esc}"
    folder.mkdir()
    path = write_jsonl(folder / "train.jsonl", records)
    result = CliRunner().invoke(main, ["scan", str(path), "--no-config", "--output-format", fmt])
    assert result.exit_code in (0, 1), result.output
    shown = result.stdout + result.stderr
    assert "FMT009" in shown and "FMT015" in shown
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in shown, raw
    missing = folder / f"gone{esc}.jsonl"
    result = CliRunner().invoke(main, ["scan", str(missing), "--no-config"])
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr


# --- outputs are atomic ---------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_report_and_no_temporary_file(tmp_path: Path) -> None:
    from dataqa.core.output import atomic_writer

    target = tmp_path / "report.json"
    target.write_text("previous report", encoding="utf-8")
    with pytest.raises(RuntimeError, match="renderer failed"), atomic_writer(target) as fh:
        fh.write(b'{"half": ')
        raise RuntimeError("renderer failed")
    assert target.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
