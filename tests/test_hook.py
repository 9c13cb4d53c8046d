"""The pre-commit hook in-process (`dataqa.commands.hook.main`): grouping, output, exit codes, config, cache.

The real pre-commit framework runs it in `tests/test_precommit.py`; here every path through the hook
is exercised quickly, in a temporary folder that stands for the data repository's root.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import orjson
import pytest

from dataqa.commands import hook
from dataqa.engine.cache import ScanCache
from dataqa.engine.config import load_config
from dataqa.engine.registry import load_checks
from tests.conftest import run_cli, ticket_records, write_jsonl

RECORDS = ticket_records(90, seed=11)
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<id>[A-Z]+\d{3}) ")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data repository, as the working directory (pre-commit runs hooks from the root)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_hook(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = hook.main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def reported(lines: list[str]) -> list[tuple[str, int, str]]:
    """(path, line, id) of every finding line."""
    return [(m["path"], int(m["line"]), m["id"]) for m in map(LINE.match, lines) if m]


def dataset(folder: Path, train: list, test: list | None = None, names: tuple[str, str] = ("train", "test")):
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / f"{names[0]}.jsonl", train)
    if test is not None:
        write_jsonl(folder / f"{names[1]}.jsonl", test)


# --- output and exit codes ---------------------------------------------------------------------------


def test_clean_file_prints_nothing_and_passes(repo: Path, capsys) -> None:
    dataset(repo / "data", RECORDS[:40])
    code, lines, err = run_hook(capsys, "--select", "FMT", "data/train.jsonl")
    assert (code, lines, err) == (0, [], "")


def test_bad_line_fails_with_file_line_and_summary(repo: Path, capsys) -> None:
    dataset(repo / "data", [RECORDS[0], "{not json", RECORDS[1], "[1, 2]"])
    code, lines, _ = run_hook(capsys, "--select", "FMT", "data/train.jsonl")
    assert code == 1
    assert reported(lines) == [("data/train.jsonl", 2, "FMT001"), ("data/train.jsonl", 4, "FMT002")]
    assert len(lines) == 3, "one line per finding, then one summary line"
    assert lines[-1] == "dataqa: 2 errors, 0 warnings, 0 notes in 1 file (1 scan, 0 from cache); 2 blocking"


def test_warnings_are_reported_but_pass_by_default(repo: Path, capsys) -> None:
    dataset(repo, [RECORDS[0], "", RECORDS[1]])
    code, lines, _ = run_hook(capsys, "--select", "FMT004", "train.jsonl")
    assert code == 0
    assert reported(lines) == [("train.jsonl", 2, "FMT004")]
    assert "blocking" not in lines[-1]
    assert run_hook(capsys, "--select", "FMT004", "--fail-on", "warning", "train.jsonl")[0] == 1
    assert run_hook(capsys, "--select", "FMT004", "--fail-on=warning", "--exit-zero", "train.jsonl")[0] == 0


def test_fail_on_no_go_prints_the_failed_conditions(repo: Path, capsys) -> None:
    dataset(repo, RECORDS[:30])
    code, lines, _ = run_hook(capsys, "--select", "FMT", "--fail-on", "no-go", "train.jsonl")
    assert code == 1
    assert any(line.startswith("train.jsonl: NO-GO: ") for line in lines), lines


def test_usage_and_input_errors_exit_2(repo: Path, capsys) -> None:
    assert run_hook(capsys, "--fail-on", "sometimes", "x.jsonl")[0] == 2
    code, lines, err = run_hook(capsys, "missing.jsonl")
    assert (code, lines) == (2, []) and "missing.jsonl: no such file" in err
    code, _, err = run_hook(capsys, "--select", "NOPE", "missing.jsonl")
    assert code == 2 and err.startswith("dataqa: error:")
    code, _, err = run_hook(capsys)  # no files and no declared datasets
    assert code == 2 and "no files given" in err
    assert run_hook(capsys, "--help")[0] == 0


def test_duplicates_block_by_default_and_block_is_configurable(repo: Path, capsys) -> None:
    dataset(repo, [*RECORDS[:20], RECORDS[4], RECORDS[30]])
    code, lines, _ = run_hook(capsys, "--select", "DUP,SIZE", "train.jsonl")
    assert code == 1
    found = reported(lines)
    assert ("train.jsonl", 5, "DUP001") in found and ("train.jsonl", 1, "SIZE001") in found
    assert lines[-1].endswith("; 1 blocking"), "the duplicate blocks, the size warning does not"
    assert run_hook(capsys, "--select", "DUP,SIZE", "--block=", "train.jsonl")[0] == 0
    assert run_hook(capsys, "--select", "SIZE", "--block", "SIZE001", "train.jsonl")[0] == 1
    assert run_hook(capsys, "--select", "DUP", "--fail-on", "never", "train.jsonl")[0] == 0
    code, _, err = run_hook(capsys, "--block", "NOPE", "train.jsonl")
    assert code == 2 and "--block: no check id starts with NOPE" in err


def test_a_crashing_check_exits_2_names_the_check_and_is_not_cached(repo: Path, capsys, monkeypatch) -> None:
    def crash(self, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(load_checks()["FMT004"], "run", crash)
    dataset(repo, [RECORDS[0], "", "{bad"])
    code, lines, _ = run_hook(capsys, "--select", "FMT001,FMT004", "train.jsonl")
    assert code == 2
    assert reported(lines) == [("train.jsonl", 3, "FMT001")]
    assert any(line.startswith("train.jsonl: FMT004 errored: RuntimeError: boom") for line in lines)
    assert ScanCache(repo / ".dataqa_cache").stats()["stores"] == 0


def test_dataset_text_cannot_reach_the_terminal(repo: Path, capsys) -> None:
    name = "we\x1b[31mird_train.jsonl"
    write_jsonl(repo / name, ["{\x1b]0;pwned\x07"])
    code, lines, _ = run_hook(capsys, "--select", "FMT001", name)
    assert code == 1
    assert not any("\x1b" in line or "\x07" in line for line in lines)


def test_the_dataqa_hook_subcommand_passes_arguments_through(repo: Path) -> None:
    dataset(repo, [RECORDS[0], "{oops"])
    done = run_cli("hook", "--select", "FMT", "--fail-on", "error", "train.jsonl", cwd=repo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].startswith("train.jsonl:2: FMT001 ")
    assert run_cli("hook", "--help", cwd=repo).stdout.startswith("Usage: dataqa hook")


# --- which files are scanned together -----------------------------------------------------------------


def test_files_named_by_split_are_grouped_with_unpassed_siblings(repo: Path) -> None:
    dataset(repo / "a", RECORDS[:10], RECORDS[10:12])
    dataset(repo / "b", RECORDS[:10], RECORDS[10:12], names=("sft_Train", "sft_dev"))
    write_jsonl(repo / "b" / "other_test.jsonl", RECORDS[:2])  # another template: not b's sibling
    write_jsonl(repo / "notes.jsonl", RECORDS[:2])
    units = hook.plan(
        ["a/test.jsonl", "b/sft_dev.jsonl", "notes.jsonl", "b/other_test.jsonl"], load_config(), {}
    )
    got = {u.name: (u.paths, sorted(os.path.basename(t) for t in u.touched)) for u in units}
    assert got == {
        "a/train.jsonl": ({"train": "a/train.jsonl", "test": "a/test.jsonl"}, ["test.jsonl"]),
        "b/sft_Train.jsonl": ({"train": "b/sft_Train.jsonl", "valid": "b/sft_dev.jsonl"}, ["sft_dev.jsonl"]),
        "notes.jsonl": ({"train": "notes.jsonl"}, ["notes.jsonl"]),
        "b/other_test.jsonl": ({"train": "b/other_test.jsonl"}, ["other_test.jsonl"]),
    }


def test_ambiguous_siblings_are_not_guessed(repo: Path) -> None:
    write_jsonl(repo / "train.jsonl", RECORDS[:5])
    write_jsonl(repo / "valid.jsonl", RECORDS[5:7])
    write_jsonl(repo / "dev.jsonl", RECORDS[7:9])  # two unpassed validation files: neither joins
    write_jsonl(repo / "test.jsonl", RECORDS[9:11])
    (unit,) = hook.plan(["test.jsonl"], load_config(), {})
    assert unit.paths == {"train": "train.jsonl", "test": "test.jsonl"}
    units = hook.plan(["dev.jsonl", "train.jsonl"], load_config(), {})  # a passed one is chosen
    assert [u.paths for u in units] == [{"train": "train.jsonl", "valid": "dev.jsonl", "test": "test.jsonl"}]


DATASETS = """
[tool.dataqa]
select = ["FMT"]

[tool.dataqa.datasets.support]
train = "sets/support/sft.jsonl"
test = "sets/support/heldout.jsonl"

[tool.dataqa.datasets.legacy]
train = "sets/legacy.jsonl"
ignore = ["FMT004"]
checks = { FMT016 = { max-tokens = 5 } }
"""


def test_declared_dataset_is_scanned_whole_when_one_of_its_files_changes(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(DATASETS)
    dataset(repo / "sets" / "support", [RECORDS[0], "{bad"], [RECORDS[50], "[]"], names=("sft", "heldout"))
    (unit,) = hook.plan(["sets/support/heldout.jsonl"], load_config(), {})
    assert unit.name == "support"
    assert unit.paths == {"train": "sets/support/sft.jsonl", "test": "sets/support/heldout.jsonl"}
    code, lines, _ = run_hook(capsys, "sets/support/heldout.jsonl")
    # The untouched train file's own error is not this commit's problem; the test file's is.
    assert code == 1
    assert reported(lines) == [("sets/support/heldout.jsonl", 2, "FMT002")]
    code, lines, _ = run_hook(capsys, "sets/support/heldout.jsonl", "sets/support/sft.jsonl")
    assert reported(lines) == [
        ("sets/support/heldout.jsonl", 2, "FMT002"),
        ("sets/support/sft.jsonl", 2, "FMT001"),
    ]


def test_a_missing_file_of_a_declared_dataset_names_the_dataset(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(DATASETS)
    dataset(repo / "sets" / "support", [RECORDS[0]], names=("sft", "heldout"))
    code, lines, err = run_hook(capsys, "sets/support/sft.jsonl")
    assert (code, lines) == (2, [])
    assert "sets/support/heldout.jsonl: no such file (a file of dataset 'support' in " in err


def test_per_dataset_options_apply_to_that_dataset_only(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(DATASETS)
    (repo / "sets").mkdir()
    write_jsonl(repo / "sets" / "legacy.jsonl", [RECORDS[0], "", RECORDS[1]])
    write_jsonl(repo / "loose.jsonl", [RECORDS[0], "", RECORDS[1]])
    _, lines, _ = run_hook(capsys, "sets/legacy.jsonl", "loose.jsonl")
    found = reported(lines)
    assert ("loose.jsonl", 2, "FMT004") in found
    assert not any(p == "sets/legacy.jsonl" and cid == "FMT004" for p, _, cid in found)
    assert ("sets/legacy.jsonl", 1, "FMT016") in found  # the dataset's own option: max-tokens = 5
    assert not any(p == "loose.jsonl" and cid == "FMT016" for p, _, cid in found)


def test_command_line_flags_win_over_dataset_options(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(DATASETS)
    (repo / "sets").mkdir()
    write_jsonl(repo / "sets" / "legacy.jsonl", [RECORDS[0], "", "{bad"])
    _, lines, _ = run_hook(capsys, "--select", "FMT001", "sets/legacy.jsonl")
    assert reported(lines) == [("sets/legacy.jsonl", 3, "FMT001")]


def test_no_files_scans_every_declared_dataset(repo: Path, capsys) -> None:
    (repo / "pyproject.toml").write_text(DATASETS)
    dataset(repo / "sets" / "support", [RECORDS[0], "{bad"], [RECORDS[50]], names=("sft", "heldout"))
    write_jsonl(repo / "sets" / "legacy.jsonl", ["42"])
    code, lines, _ = run_hook(capsys, "--select", "FMT001,FMT002")
    assert code == 1
    assert reported(lines) == [("sets/legacy.jsonl", 1, "FMT002"), ("sets/support/sft.jsonl", 2, "FMT001")]
    assert "in 3 files (2 scans" in lines[-1]


def test_dataset_paths_are_relative_to_the_config_file(repo: Path, capsys, monkeypatch) -> None:
    (repo / "cfg").mkdir()
    (repo / "cfg" / "dataqa.toml").write_text('[datasets.d]\ntrain = "../d/a.jsonl"\ntest = "../d/b.jsonl"\n')
    dataset(repo / "d", RECORDS[:5], RECORDS[5:7], names=("a", "b"))
    monkeypatch.chdir(repo / "d")
    (unit,) = hook.plan(["b.jsonl"], load_config("../cfg/dataqa.toml"), {})
    assert unit.paths == {"train": "a.jsonl", "test": "b.jsonl"}


def test_per_file_ignores_allow_a_legacy_file_its_warnings(repo: Path, capsys) -> None:
    (repo / "dataqa.toml").write_text('select = ["FMT"]\n[per-file-ignores]\n"legacy/*.jsonl" = ["FMT004"]\n')
    (repo / "legacy").mkdir()
    write_jsonl(repo / "legacy" / "old.jsonl", [RECORDS[0], "", "{bad"])
    write_jsonl(repo / "new.jsonl", [RECORDS[0], "", RECORDS[1]])
    code, lines, _ = run_hook(capsys, "legacy/old.jsonl", "new.jsonl")
    assert code == 1
    assert reported(lines) == [("legacy/old.jsonl", 3, "FMT001"), ("new.jsonl", 2, "FMT004")]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[datasets]\nd = "train.jsonl"\n', "datasets.d must be a table"),
        ('[datasets.d]\ntest = "t.jsonl"\n', "datasets.d: a dataset needs a train path"),
        ('[datasets.d]\ntrain = "t.jsonl"\ntrian = "x"\n', "datasets.d: unknown key 'trian'"),
        ("[datasets.d]\ntrain = 3\n", "datasets.d.train must be a file path"),
        ('[datasets.d]\ntrain = "t.jsonl"\ngoal = "prod"\n', "goal must be one of"),
        ('[datasets.d]\ntrain = "t.jsonl"\nselect = "FMT"\n', "expected a list"),
        ('[datasets.d]\ntrain = "t.jsonl"\nchecks = { FMT016 = 5 }\n', "checks must map check ids to tables"),
        ('[per-file-ignores]\n"*.jsonl" = "FMT004"\n', "per-file-ignores"),
        ('[per-file-ignores]\n"*.jsonl" = ["FMT 004"]\n', "per-file-ignores"),
    ],
)
def test_bad_dataset_and_ignore_tables_are_config_errors(repo: Path, capsys, toml: str, message: str) -> None:
    (repo / "dataqa.toml").write_text(toml)
    write_jsonl(repo / "t.jsonl", RECORDS[:3])
    code, lines, err = run_hook(capsys, "t.jsonl")
    assert (code, lines) == (2, [])
    assert message in err


# --- the cache ----------------------------------------------------------------------------------------


def test_rerun_on_unchanged_data_is_served_from_the_cache(repo: Path, capsys, monkeypatch) -> None:
    dataset(repo, [RECORDS[0], "{bad"], RECORDS[10:12])
    cache = ScanCache(repo / ".dataqa_cache")
    first = run_hook(capsys, "--select", "FMT", "test.jsonl", "train.jsonl")
    assert cache.stats() == {"hits": 0, "misses": 1, "stores": 1}

    def no_scan(*args, **kwargs):
        raise AssertionError("scanned again although nothing changed")

    monkeypatch.setattr("dataqa.engine.runner.run_scan", no_scan)
    second = run_hook(capsys, "--select", "FMT", "test.jsonl", "train.jsonl")
    assert cache.stats() == {"hits": 1, "misses": 1, "stores": 1}
    assert second[0] == first[0] == 1
    assert second[1][:-1] == first[1][:-1]  # the same findings, word for word
    assert second[1][-1].endswith("(1 scan, 1 from cache); 1 blocking")
    # The cache folder keeps itself out of git and backups.
    assert (repo / ".dataqa_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (repo / ".dataqa_cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_a_change_of_content_config_or_flags_scans_again(repo: Path, capsys) -> None:
    dataset(repo, [RECORDS[0], "{bad"], RECORDS[10:12])
    cache = ScanCache(repo / ".dataqa_cache")
    run_hook(capsys, "--select", "FMT", "test.jsonl")
    write_jsonl(repo / "train.jsonl", [RECORDS[0], RECORDS[1], "{bad"])  # an untouched sibling changed
    _, lines, _ = run_hook(capsys, "--select", "FMT", "train.jsonl")
    assert reported(lines) == [("train.jsonl", 3, "FMT001")]
    run_hook(capsys, "--select", "FMT001", "train.jsonl")
    (repo / "dataqa.toml").write_text("[checks.FMT016]\nmax-tokens = 3\n")
    run_hook(capsys, "--select", "FMT001", "train.jsonl")
    assert cache.stats() == {"hits": 0, "misses": 4, "stores": 4}
    run_hook(capsys, "--select", "FMT001", "train.jsonl")
    assert cache.stats()["hits"] == 1


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"cache_version": 1, "key": "other", "payload": {}}',
        b"\xff\xfe",
        "payload",
    ],
)
def test_a_corrupt_cache_entry_is_ignored_and_replaced(repo: Path, capsys, garbage) -> None:
    dataset(repo, [RECORDS[0], "{bad"])
    first = run_hook(capsys, "--select", "FMT", "train.jsonl")
    (entry,) = (repo / ".dataqa_cache" / "scans").glob("*.json")
    if garbage == "payload":  # right key, malformed payload
        data = orjson.loads(entry.read_bytes())
        data["payload"]["findings"] = [{"check_id": "FMT001"}]
        garbage = orjson.dumps(data)
    entry.write_bytes(garbage)
    assert run_hook(capsys, "--select", "FMT", "train.jsonl") == first
    assert ScanCache(repo / ".dataqa_cache").stats() == {"hits": 0, "misses": 2, "stores": 2}
    assert run_hook(capsys, "--select", "FMT", "train.jsonl")[1][-1].endswith("1 from cache); 1 blocking")


def test_corrupt_stats_and_an_unwritable_cache_never_fail_the_hook(repo: Path, capsys) -> None:
    dataset(repo, [RECORDS[0], "{bad"])
    (repo / ".dataqa_cache").mkdir()
    (repo / ".dataqa_cache" / "stats.json").write_text('{"hits": -4, "misses": "x"}')
    assert run_hook(capsys, "--select", "FMT", "train.jsonl")[0] == 1
    assert ScanCache(repo / ".dataqa_cache").stats() == {"hits": 0, "misses": 1, "stores": 1}
    (repo / "dataqa.toml").write_text('cache-dir = "train.jsonl/cache"\n')  # cannot be created
    assert run_hook(capsys, "--select", "FMT", "train.jsonl")[0] == 1
    assert run_hook(capsys, "--no-cache", "--select", "FMT", "train.jsonl")[0] == 1


def test_old_entries_are_pruned(repo: Path, monkeypatch) -> None:
    monkeypatch.setattr("dataqa.engine.cache.MAX_ENTRIES", 3)
    cache = ScanCache(repo / ".dataqa_cache")
    for i in range(5):
        cache.put(f"k{i}", {"n": i})
        os.utime(repo / ".dataqa_cache" / "scans" / f"k{i}.json", ns=(i * 10**9, i * 10**9))
    cache.put("k5", {"n": 5})
    assert sorted(p.stem for p in (repo / ".dataqa_cache" / "scans").glob("*.json")) == ["k3", "k4", "k5"]
    assert cache.get("k4", lambda d: d["n"]) == 4
    assert cache.get("k0", lambda d: d["n"]) is None


# --- leakage across files (needs the LEAK checks of the duplicates/leakage family) --------------------


def test_a_test_file_leaking_into_train_fails_when_only_the_test_file_is_passed(repo: Path, capsys) -> None:
    dataset(repo / "data", RECORDS[:60], RECORDS[60:75])
    assert run_hook(capsys, "--select", "LEAK", "data/test.jsonl")[0] == 0
    write_jsonl(repo / "data" / "test.jsonl", [*RECORDS[60:75], RECORDS[17]])
    code, lines, _ = run_hook(capsys, "--select", "LEAK", "data/test.jsonl")
    assert code == 1
    found = reported(lines)
    assert all(cid.startswith("LEAK") for _, _, cid in found)
    # The copied record is named, with the train line it came from; nothing else is an exact leak.
    assert [(path, line) for path, line, cid in found if cid == "LEAK001"] == [("data/test.jsonl", 16)]
    assert any(line.startswith("data/test.jsonl:16: LEAK001 ") and "train.jsonl:18" in line for line in lines)


def test_the_code_fingerprint_follows_the_code_not_the_install(tmp_path: Path) -> None:
    from dataqa.engine.cache import code_fingerprint

    plugin = tmp_path / "my_checks.py"
    plugin.write_text("# version 1\n")
    first = code_fingerprint([plugin])
    assert code_fingerprint([plugin]) == first
    plugin.write_text("# version 2\n")
    assert code_fingerprint([plugin]) != first
    assert code_fingerprint() != first


# --- what the hook shows first, and what it hides -------------------------------------------------------


def test_blocking_findings_come_first_and_say_so(repo: Path, capsys) -> None:
    dataset(repo, [RECORDS[0], "", RECORDS[1], "{not json", RECORDS[2]])
    code, lines, _ = run_hook(capsys, "--select", "FMT001,FMT004", "train.jsonl")
    assert code == 1
    assert lines[:2] == [
        "train.jsonl:4: FMT001 [blocking error] invalid JSON: " + lines[0].split("invalid JSON: ", 1)[1],
        "train.jsonl:2: FMT004 [warning] blank line",
    ]
    assert lines[-1].endswith("; 1 blocking")


def test_notes_are_hidden_unless_asked_for(repo: Path, capsys) -> None:
    crlf = b"\r\n".join(orjson.dumps(r) for r in RECORDS[:3]) + b"\r\n"
    (repo / "train.jsonl").write_bytes(crlf + b"{not json\r\n")
    code, lines, _ = run_hook(capsys, "--select", "FMT001,FMT005", "train.jsonl")
    assert code == 1
    assert [cid for _, _, cid in reported(lines)] == ["FMT001"]
    assert lines[-1] == (
        "dataqa: 1 error, 0 warnings in 1 file (1 scan, 0 from cache); 1 blocking; "
        "1 note not shown (--show-info)"
    )
    code, lines, _ = run_hook(capsys, "--select", "FMT001,FMT005", "--show-info", "train.jsonl")
    assert [cid for _, _, cid in reported(lines)] == ["FMT001", "FMT005"]
    assert "[note]" in lines[1] and "not shown" not in lines[-1]
    (repo / "train.jsonl").write_bytes(crlf)  # only a note: the hook is silent and passes
    assert run_hook(capsys, "--select", "FMT001,FMT005", "train.jsonl") == (0, [], "")


def test_a_leak_names_the_committed_file_first_and_its_partner(repo: Path, capsys) -> None:
    dataset(repo / "data", RECORDS[:60], RECORDS[60:75])
    write_jsonl(repo / "data" / "train.jsonl", [*RECORDS[:60], RECORDS[62]])  # train line 61 = test line 3
    code, lines, _ = run_hook(capsys, "--select", "LEAK001", "data/train.jsonl")
    assert code == 1
    assert reported(lines) == [("data/train.jsonl", 61, "LEAK001")]
    assert (
        lines[0].startswith("data/train.jsonl:61: LEAK001 [blocking error] ")
        and "data/test.jsonl:3" in lines[0]
    )
