"""Output paths (issue #21, item 1): nothing but a regular file is ever renamed over, a device or FIFO
the user names is written straight into, and every output of a command is checked before the scan.

The command-level tests replace the scan with a function that fails the test, so they prove that a
bad output is refused before any input is read.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import chat, write_jsonl

from dataqa.commands.cli import main
from dataqa.core.errors import OutputError
from dataqa.core.output import atomic_writer, check_outputs, write_atomic

GOOD = [
    chat("Where is my order #4411?", "It shipped yesterday and arrives Friday."),
    chat("Cancel my plan", "Done: your plan ends on the 30th."),
    chat("Can I change my delivery address?", "Yes: open the order and choose Edit address."),
]


@pytest.fixture
def train(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "train.jsonl", GOOD)


@pytest.fixture
def no_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any scan (or clean/split/diff's scan) fails the test: refusals must come before it."""

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan started although an output path is bad")

    import dataqa.commands.clean as clean_module
    import dataqa.commands.diff as diff_module
    import dataqa.commands.splitter as splitter_module
    import dataqa.engine.runner as runner

    monkeypatch.setattr(runner, "run_scan", fail)
    monkeypatch.setattr(runner, "execute", fail)
    monkeypatch.setattr(clean_module, "execute", fail)
    monkeypatch.setattr(splitter_module, "execute", fail)
    monkeypatch.setattr(diff_module, "diff", fail, raising=False)


def char_device(folder: Path, minor: int) -> Path:
    """A character device node in `folder` (/dev/null's numbers for 3, /dev/full's for 7)."""
    node = folder / f"dev{minor}"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError):
        pytest.skip("os.mknod of a character device is not permitted here")
    return node


# --- atomic_writer: what it renames over, what it writes into --------------------------------------


def test_a_character_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    node = char_device(tmp_path, 3)  # /dev/null's numbers: writes succeed and vanish
    write_atomic(node, '{"report": 1}')
    assert stat.S_ISCHR(node.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev3"]  # no temporary file left behind


def test_a_full_device_is_a_one_line_output_error_and_stays_a_device(tmp_path: Path, train: Path) -> None:
    node = char_device(tmp_path, 7)  # /dev/full's numbers: every write fails with ENOSPC
    result = CliRunner().invoke(main, ["scan", str(train), "--no-config", "--json", str(node)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"dataqa: error: {node}: cannot write (No space left on device)"
    assert stat.S_ISCHR(node.stat().st_mode)


def test_dev_full_itself_stays_a_character_device(train: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(train), "--no-config", "--json", "/dev/full"])
    assert result.exit_code == 2
    assert "dataqa: error: /dev/full: cannot write" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_into(tmp_path: Path, train: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(main, ["scan", str(train), "--no-config", "-q", "--json", str(fifo)])
    reader.join(timeout=60)
    assert result.exit_code == 1, result.output  # 3 rows and no test split: NO-GO
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith(b"{") and b'"verdict": "NO-GO"' in received[0]


def test_dev_stdout_is_this_process_standard_output(train: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(train), "--no-config", "-q", "--json", "/dev/stdout"])
    assert result.exit_code == 1
    assert result.stdout.startswith("{") and '"verdict": "NO-GO"' in result.stdout


def test_a_symlink_to_a_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_directory_is_refused_by_the_writer(tmp_path: Path) -> None:
    folder = tmp_path / "report.json"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a directory"), atomic_writer(folder) as fh:
        fh.write(b"x")
    assert folder.is_dir() and list(folder.iterdir()) == []


# --- check_outputs: the one check before the scan ---------------------------------------------------


def test_check_outputs_accepts_new_files_streams_and_devices(tmp_path: Path, train: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    check_outputs(
        [None, "-", tmp_path / "a.json", tmp_path / "b.html", "/dev/null", "/dev/null", "/dev/stdout", fifo],
        [train],
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "train.jsonl", "{}: refusing to write over an input file"),
        (lambda d: (d / "dir.json").mkdir() or d / "dir.json", "{}: is a directory; give a file name"),
        (lambda d: d / "missing" / "r.json", "{}: folder {d}/missing does not exist"),
        (lambda d: d / "train.jsonl" / "r.json", "{}: {d}/train.jsonl is not a folder"),
    ],
    ids=["input", "directory", "missing-folder", "file-as-folder"],
)
def test_check_outputs_refuses_with_one_line(tmp_path: Path, train: Path, make, message: str) -> None:
    target = make(tmp_path)
    with pytest.raises(OutputError) as caught:
        check_outputs([tmp_path / "fine.json", target], [train])
    assert str(caught.value) == message.format(target, d=tmp_path)


def test_check_outputs_refuses_one_file_named_twice(tmp_path: Path, train: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "report.json")
    with pytest.raises(OutputError) as caught:
        check_outputs([tmp_path / "report.json", link], [train])
    assert str(caught.value) == f"{link}: the same file as another output ({tmp_path}/report.json)"


def test_check_outputs_refuses_an_unwritable_folder(tmp_path: Path, train: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permission cannot be tested (the missing-folder case covers it)")
        with pytest.raises(OutputError) as caught:
            check_outputs([locked / "r.json"], [train])
        assert str(caught.value) == f"{locked}/r.json: cannot write in folder {locked} (permission denied)"
    finally:
        locked.chmod(0o700)


def test_check_outputs_output_folder_rules(tmp_path: Path, train: Path) -> None:
    check_outputs([tmp_path / "new" / "deeper" / "train.jsonl"], [train], folder=tmp_path / "new" / "deeper")
    with pytest.raises(OutputError) as caught:
        check_outputs([train.parent / "x" / "train.jsonl"], [train], folder=train)
    assert str(caught.value) == f"{train}: the output folder exists and is not a folder"
    with pytest.raises(OutputError) as caught:
        check_outputs([], [train], folder=train / "sub")
    assert str(caught.value) == f"{train}/sub: cannot create the output folder: {train} is not a folder"


# --- every command refuses a bad output before its scan -------------------------------------------


@pytest.mark.usefixtures("no_scan")
@pytest.mark.parametrize("flag", ["--json", "--html", "--markdown", "--sarif"])
def test_scan_refuses_bad_outputs_before_scanning(tmp_path: Path, train: Path, flag: str) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    missing = tmp_path / "nowhere" / "r.out"
    cases = [
        (train, f"{train}: refusing to write over an input file"),
        (folder, f"{folder}: is a directory; give a file name"),
        (missing, f"{missing}: folder {missing.parent} does not exist"),
    ]
    for target, message in cases:
        result = CliRunner().invoke(main, ["scan", str(train), "--no-config", flag, str(target)])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"dataqa: error: {message}"


@pytest.mark.usefixtures("no_scan")
def test_scan_refuses_two_outputs_to_one_file(tmp_path: Path, train: Path) -> None:
    out = tmp_path / "r.txt"
    result = CliRunner().invoke(
        main, ["scan", str(train), "--no-config", "--json", str(out), "--html", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == f"dataqa: error: {out}: the same file as another output ({out})"


@pytest.mark.usefixtures("no_scan")
def test_clean_and_split_refuse_bad_outputs_before_scanning(tmp_path: Path, train: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file", encoding="utf-8")
    for command in (["clean", str(train)], ["split", str(train)]):
        result = CliRunner().invoke(main, [*command, "--no-config", "-o", str(taken)])
        assert result.exit_code == 2, result.output
        assert (
            result.stderr.strip() == f"dataqa: error: {taken}: the output folder exists and is not a folder"
        )
    blocked = tmp_path / "out"
    (blocked / "train.rejects.jsonl").mkdir(parents=True)
    result = CliRunner().invoke(main, ["clean", str(train), "--no-config", "-o", str(blocked)])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"dataqa: error: {blocked}/train.rejects.jsonl: is a directory; give a file name"
    )
    result = CliRunner().invoke(
        main, ["clean", str(train), "--no-config", "-o", str(tmp_path / "o"), "--json", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"dataqa: error: {tmp_path}/o: is the output folder; give another file name"
    )
    result = CliRunner().invoke(
        main, ["clean", str(train), "--no-config", "-o", str(tmp_path / "o"), "--json", str(train)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == f"dataqa: error: {train}: refusing to write over an input file"


@pytest.mark.usefixtures("no_scan")
def test_diff_refuses_bad_outputs_before_scanning(tmp_path: Path, train: Path) -> None:
    new = write_jsonl(tmp_path / "new.jsonl", GOOD[:2])
    for flag in ("--json", "--html"):
        result = CliRunner().invoke(main, ["diff", str(train), str(new), "--no-config", flag, str(new)])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"dataqa: error: {new}: refusing to write over an input file"
        result = CliRunner().invoke(main, ["diff", str(train), str(new), "--no-config", flag, str(tmp_path)])
        assert result.exit_code == 2
        assert result.stderr.strip() == f"dataqa: error: {tmp_path}: is a directory; give a file name"
