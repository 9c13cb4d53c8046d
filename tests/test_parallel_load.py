"""Reading a large file on several processes, span by span, gives exactly the split one pass gives:
the same rows, messages, issues and line numbers, whatever the damage and wherever a span ends."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import chat

from dataqa.core.processes import map_in_processes
from dataqa.ingest import dataset, load, passes
from dataqa.ingest.dataset import Split, load_split
from dataqa.ingest.layouts import LAYOUTS
from dataqa.ingest.load import Span, line_spans
from dataqa.ingest.readers.opening import open_input
from dataqa.ingest.readers.source import Input, SpanJob


def damaged_file(path: Path) -> Path:
    """Records in two formats with every kind of line damage the reader reports, spread out so
    that small spans cut between and around them; the last line has no newline."""
    good = [chat(f"Question {i} about the parcel to Leeds?", f"Answer {i}: day {i}.") for i in range(40)]
    lines: list[bytes] = [b"\xef\xbb\xbf" + orjson.dumps(good[0])]
    for i, record in enumerate(good[1:], start=1):
        lines.append(orjson.dumps(record) + (b"\r" if i % 7 == 0 else b""))
        if i % 5 == 0:
            lines += [b"", b"   ", b""]  # blank lines, three in a row
        if i % 9 == 0:
            lines += [b'{"messages": [', b"[1, 2]", b'{"prompt": "caf\xe9", "completion": "x"}']
        if i % 11 == 0:
            lines += [b'{"prompt": "Where is it?", "completion": "Here."}', b'{"a": 1, "a": 2}']
        if i % 13 == 0:
            lines += [b'{"messages": "not a list"}', b"nul\x00byte"]
    path.write_bytes(b"\n".join(lines))
    return path


def same_split(a: Split, b: Split) -> None:
    assert (a.format, a.n_lines, a.label_source) == (b.format, b.n_lines, b.label_source)
    assert a.frame.equals(b.frame)
    assert a.stored_turns.equals(b.stored_turns)
    assert a.exchanges.equals(b.exchanges)
    assert a.load_issues == b.load_issues
    assert a.record_issues == b.record_issues


@pytest.fixture
def counted_processes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file is read in spans of about 300 bytes; records how many spans processes read."""
    monkeypatch.setattr(passes, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(passes, "SPAN_BYTES", 300)
    spans_read: list[int] = []

    def counting(fn: Any, items: Any, workers: int) -> Any:
        results = map_in_processes(fn, items, workers)
        if results is not None:
            spans_read.append(len(results))
        return results

    monkeypatch.setattr(passes, "map_in_processes", counting)
    return spans_read


def test_parallel_read_is_the_one_pass_read(tmp_path: Path, counted_processes: list[int]) -> None:
    path = damaged_file(tmp_path / "train.jsonl")
    one_pass = load_split("train", str(path))
    assert counted_processes == []
    spans = load_split("train", str(path), workers=2)
    assert len(counted_processes) == 1 and counted_processes[0] > 10  # it really ran on processes
    same_split(one_pass, spans)
    kinds = {issue.kind for issue in one_pass.load_issues}
    assert kinds >= {"encoding", "blank_line", "crlf", "invalid_json", "not_object", "duplicate_key"}
    assert one_pass.record_issues  # the prompt/completion records and the broken messages


def test_parallel_read_lists_blank_lines_across_spans(
    tmp_path: Path, counted_processes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap on listed blank lines holds for the file, not per span: the merged tallies name the
    same first unlisted line as one pass."""
    monkeypatch.setattr(load, "MAX_BLANK_LISTED", 4)
    path = damaged_file(tmp_path / "train.jsonl")
    one_pass, spans = load_split("train", str(path)), load_split("train", str(path), workers=2)
    assert counted_processes
    same_split(one_pass, spans)
    blank = [issue for issue in one_pass.load_issues if issue.kind == "blank_line"]
    assert len(blank) == 5 and blank[-1].detail.startswith("17 more blank lines from line 19 on")


def test_a_lost_format_guess_is_read_again_on_processes(tmp_path: Path, counted_processes: list[int]) -> None:
    """The first records guess chat; most records are prompt/completion: the second pass is on
    processes too, and agrees with one pass."""
    records = [chat(f"Hello {i}", f"Hi {i}") for i in range(5)]
    records += [{"prompt": f"Say {i}", "completion": f"Said {i}"} for i in range(30)]
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataset, "GUESS_RECORDS", 5)
        one_pass, spans = load_split("train", str(path)), load_split("train", str(path), workers=2)
    assert len(counted_processes) == 2 and spans.format == "prompt_completion"
    same_split(one_pass, spans)


@pytest.mark.parametrize("target", [1, 7, 40, 10_000])
def test_line_spans_cover_the_file_in_whole_lines(tmp_path: Path, target: int) -> None:
    data = b"a\n\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\nc\n" * 3 + b"tail without newline"
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    spans = line_spans(path, target)
    assert spans[0].start == 0 and spans[-1].stop == len(data)
    for before, after in itertools.pairwise(spans):
        assert before.stop == after.start and data[after.start - 1 : after.start] == b"\n"
    for span in spans:
        assert span.first_line == data[: span.start].count(b"\n") + 1
        assert span.stop - span.start >= min(target, len(data) - span.start) or span is spans[-1]
    if target == 1:  # every line its own span
        assert len(spans) == data.count(b"\n") + 1


def test_line_spans_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert line_spans(path, 100) == []
    path.write_bytes(b"\n")
    assert line_spans(path, 100) == [Span(0, 1, 1)]


def test_processes_do_not_run_the_callers_script_again(tmp_path: Path) -> None:
    """A script without a main guard (a notebook cell, a quick script calling `dataqa.scan()`):
    spawned processes must not run it a second time."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from dataqa.core.processes import map_in_processes\n"
        "print('script ran', flush=True)\n"
        "print(map_in_processes(abs, [-1, -2, 3], 2))\n"
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "script ran\n[1, 2, 3]\n"


def test_a_read_error_in_a_span_ends_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O error part-way ends one pass at that line ("nothing after line N could be read");
    spans read apart keep reading past it, so the merge drops the spans after the damaged one."""
    path = damaged_file(tmp_path / "train.jsonl")
    real = load._raw_lines

    def failing(p: Path, issues: list, span: Span | None = None, **limits: Any) -> Any:
        for number, raw in real(p, issues, span, **limits):
            if number == 60:
                issues.append(load.LoadIssue(60, load.FILE_LEVEL, "file ends early or is damaged (EIO)"))
                return
            yield number, raw

    monkeypatch.setattr(load, "_raw_lines", failing)
    source, reading, chat_layout = open_input(path), passes.Reading.of(None, None, None), LAYOUTS["chat"]
    one_pass = passes.normalise_file(source, chat_layout, reading)
    spans = line_spans(path, 300)
    merged = passes.merge(
        [passes.normalise_file(source, chat_layout, reading, SpanJob(0, span)) for span in spans], None
    )
    assert len(spans) > 10 and one_pass.frame["line"].max() < 60
    assert merged.frame.equals(one_pass.frame)
    assert (merged.load_issues, merged.record_issues) == (one_pass.load_issues, one_pass.record_issues)


def test_processes_that_cannot_start_leave_the_work_to_the_caller(
    tmp_path: Path, counted_processes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No semaphores, no spawn, a sandbox: the executor raises, the file is read in one pass."""
    from dataqa.core import processes

    class NoProcesses:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise NotImplementedError("no semaphores here")

    monkeypatch.setattr(processes, "ProcessPoolExecutor", NoProcesses)
    assert processes.map_in_processes(abs, [-1], 2) is None
    path = damaged_file(tmp_path / "train.jsonl")
    same_split(load_split("train", str(path)), load_split("train", str(path), workers=2))
    assert counted_processes == []


def test_two_threads_starting_processes_leave_main_in_place() -> None:
    """`__main__` is hidden while processes start; two threads doing so at once must not leave the
    stand-in behind (a library user running two scans on threads)."""
    import threading

    main = sys.modules["__main__"]
    results: list[Any] = []
    start = threading.Barrier(3)

    def run() -> None:
        start.wait()
        results.append(map_in_processes(abs, [-1, -2, -3], 2))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [[1, 2, 3]] * 3
    assert sys.modules["__main__"] is main


def test_map_in_processes_takes_items_as_the_processes_need_them() -> None:
    made: list[int] = []

    def items() -> Any:
        for i in range(40):
            made.append(i)
            yield -i

    assert map_in_processes(abs, items(), 2) == list(range(40))
    assert made == list(range(40))


@pytest.fixture
def parquet_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 900-row Parquet file of 7 row groups, read on processes in pieces of about 2 KB."""
    from dataqa.ingest.readers import columnar, source

    monkeypatch.setattr(source, "PARALLEL_FROM_ROWS", 100)
    monkeypatch.setattr(columnar, "PIECE_ROWS", 250)
    monkeypatch.setattr(passes, "SPAN_BYTES", 2_000)
    rows = [chat(f"Question {i} about the parcel to Leeds?", f"Answer {i}: day {i % 9}.") for i in range(900)]
    rows[700] = rows[3]
    rows[11] = {"prompt": "a record of another format", "completion": "here"}
    path = tmp_path / "train.parquet"
    import polars as pl

    pl.DataFrame(rows).write_parquet(path, row_group_size=130)
    return path


def test_a_table_is_decoded_once_and_handed_out_in_small_pieces_with_its_rows(
    parquet_in_pieces: Path,
) -> None:
    source = open_input(parquet_in_pieces)
    spans = source.spans(2, 0, 0)
    assert spans is not None and [(j.span.start, j.span.stop) for j in spans][:2] == [(0, 250), (250, 500)]
    jobs = list(source.jobs(spans, 2_000))
    assert all(job.rows is not None and len(job.rows.data) < 6_000 for job in jobs)  # ~2 KB decoded
    assert [(j.span.start, j.span.stop) for j in jobs] == list(
        itertools.pairwise(sorted({0, 900} | {j.span.start for j in jobs}))
    )  # every row once, in order
    assert len(jobs) > 20


def test_a_table_read_in_pieces_on_processes_is_the_one_pass_read(
    parquet_in_pieces: Path, counted_processes: list[int]
) -> None:
    one_pass = load_split("train", str(parquet_in_pieces))
    pieces = load_split("train", str(parquet_in_pieces), workers=2)
    assert counted_processes and counted_processes[0] > 20
    same_split(one_pass, pieces)
    assert pieces.frame["line"].to_list() == list(range(1, 901))
    assert [line for line, _ in pieces.record_issues] == [12]


def test_a_damaged_table_read_in_pieces_is_read_as_by_processes_decoding_their_own_rows(
    parquet_in_pieces: Path, counted_processes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytearray(parquet_in_pieces.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 400] = b"\x00" * 400  # a row group's pages overwritten; the footer is intact
    parquet_in_pieces.write_bytes(bytes(data))
    pieces = load_split("train", str(parquet_in_pieces), workers=2)
    monkeypatch.setattr(Input, "jobs", lambda self, spans, span_bytes: spans)  # each range read where it runs
    ranges = load_split("train", str(parquet_in_pieces), workers=2)
    assert ranges.frame.height < 900 and any(i.kind == "file" for i in ranges.load_issues)
    same_split(ranges, pieces)
