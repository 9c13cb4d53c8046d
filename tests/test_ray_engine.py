"""The Ray engine (`--engine ray`) gives the local engine's report: same findings in the same order,
same metrics, usable counts and verdict; only `engine`, each check's `ran_on` and the timings differ.

One local Ray session (2 CPUs, no dashboard, no network) serves the whole module; the scans join it.
Also: a worker killed in the middle of a scan is retried and the report is still complete and the
same; a Ray address nothing answers at, and Ray not installed, end at once with one line, exit 2.
"""

from __future__ import annotations

import dataclasses
import functools
import glob
import json
import os
import socket
import subprocess
import sys
import time
import tomllib
import types
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pytest
from conftest import ROOT, chat, ticket_records, write_jsonl
from test_cli import SCHEMA, undocumented_keys

import dataqa
from dataqa.commands.base import errors_exit_2
from dataqa.core.errors import EngineError
from dataqa.engine.ray_engine import RayEngine, TaskFailed
from dataqa.engine.registry import GROUP, RECORD, SUMMARY, load_checks, make_check
from dataqa.engine.results import WHOLE_SPLITS
from dataqa.ingest import dataset, passes, spread

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.usefixtures("local_ray")  # conftest: one local Ray of 2 CPUs for the module

SAMPLE = ROOT / "sample_data"
REALDATA = Path(os.environ.get("DATAQA_REALDATA", ROOT.parent / "shared" / "realdata"))
KILLER = '''
import os, signal
from dataclasses import dataclass
from pathlib import Path

from dataqa.engine.registry import RECORD, Check, register


@register
@dataclass
class KillsItsWorker(Check):
    """Kills the process it runs in once (a test of the Ray engine's retries).

    Why: a worker lost in the middle of a scan must cost a retry, not a finding.
    Example: the first block's task.
    Fix: none.
    """

    id = "KILL901"
    name = "kills-its-worker"
    family = "quality"
    scope = RECORD
    marker: str = ""

    def run(self, ctx):
        marker = Path(self.marker)
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        for split in ctx:
            self.metrics[f"{split.name}_records"] = split.frame.height
        return iter(())
'''


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what differs between engines and runs: timings, `engine`, `ran_on`."""
    out = {k: v for k, v in report.items() if k not in ("generated_at", "duration_s", "engine")}
    out["checks"] = [
        {k: v for k, v in c.items() if k not in ("duration_s", "ran_on")} for c in report["checks"]
    ]
    out["config"] = {
        k: v for k, v in report["config"].items() if k not in ("engine", "ray_address", "ray_block_rows")
    }
    return out


def both(train: Any, block_rows: int, **options: Any) -> tuple[dict, dict]:
    """The local and the Ray engine's reports (as JSON dicts) of one scan, Ray in small blocks."""
    local = dataqa.scan(train, **options).to_dict()
    remote = dataqa.scan(train, engine="ray", ray_block_rows=block_rows, **options).to_dict()
    return local, remote


def assert_same(local: dict, remote: dict) -> None:
    assert remote["engine"]["name"] == "ray" and local["engine"] == {"name": "local"}
    assert comparable(remote) == comparable(local)
    on_workers = {c["id"] for c in remote["checks"] if c.get("ran_on") == "workers"}
    blockwise = {cid for cid, cls in load_checks().items() if cls.scope in (RECORD, SUMMARY)}
    ran = {c["id"] for c in remote["checks"] if c["status"] != "skipped"}
    assert on_workers == blockwise & ran, "every record- and summary-scope check that ran, ran on the workers"
    assert set(remote["engine"]["on_workers"]) == on_workers
    assert set(remote["engine"]["worker_cpu_seconds"]) == on_workers  # what each took on the workers
    assert {c.get("ran_on") for c in remote["checks"] if c["id"] not in on_workers} == {"driver"}
    assert remote["engine"]["blocks"] >= len(remote["splits"])
    assert_figures(remote)


def assert_figures(report: dict) -> None:
    """Each block's task reports where it ran and what it cost by stage; each worker its peak memory."""
    engine = report["engine"]
    per_block = engine["per_block"]
    assert len(per_block) == engine["blocks"]
    for split in report["splits"]:
        mine = [b for b in per_block if b["split"] == split["name"]]
        ends = [0] + [b["start"] + b["rows"] for b in mine]
        assert [b["start"] for b in mine] == ends[:-1], "the blocks cover the split's rows once, in order"
        assert 0 < ends[-1] <= split["lines"]
    for b in per_block:
        stages = set(b["stages"]) - {"group"}  # the keys of the group checks, with a split held there
        assert b["worker"] and b["wall_s"] >= 0 and stages == {"context", "record", "summary"}
        assert sum(b["stages"].values()) <= b["wall_s"] + 0.01
    workers = engine["workers"]
    assert set(workers) == {b["worker"] for b in per_block}
    assert sum(w["blocks"] for w in workers.values()) == engine["blocks"]
    assert all(w["peak_rss_mb"] > 50 for w in workers.values()), "a worker's peak memory, in MB"


@pytest.fixture
def small_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers read a JSONL file in spans of 16 KiB (of 8 MiB), so a small file is many tasks."""
    monkeypatch.setattr(spread, "SPAN_BYTES", 16 * 2**10)


def parsing_refused_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on this process cannot normalise a record: the Ray workers must."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the driver parsed a split")

    monkeypatch.setattr(passes, "normalise_file", refuse)
    monkeypatch.setattr(spread, "normalise_file", refuse)


def test_sample_data_gives_the_same_report(
    tmp_path: Path, small_spans: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    train, test = str(SAMPLE / "train.jsonl"), str(SAMPLE / "test.jsonl")
    local = dataqa.scan(train, test=test).to_dict()
    parsing_refused_here(monkeypatch)
    remote = dataqa.scan(train, test=test, engine="ray", ray_block_rows=100).to_dict()
    assert remote["engine"]["blocks"] > 10  # the train split was cut, not shipped whole
    assert remote["engine"]["read_tasks"] > 10, "the splits were read in spans, a task each"
    assert_same(local, remote)
    jsonschema.validate(remote, SCHEMA)
    assert undocumented_keys(remote, SCHEMA) == [], "document the Ray engine's keys in report.schema.json"


def every_family(folder: Path) -> dict[str, str]:
    """A small chat set with a defect of every family planted (and a preference valid split)."""
    records: list[Any] = ticket_records(120, seed=22)
    copy = records[5]
    reply = '{"queue": "billing", "priority": "low"}'
    records += [
        copy,  # DUP001
        '{"messages": [{"role": "user", "content": "broken"}',  # FMT001
        "",  # FMT004
        {"messages": [{"role": "user", "content": "Where is my parcel NW-1?"}]},  # FMT011
        chat("Please reset my password, I was locked out of the account", reply),  # LBL001 with the next
        chat(
            "Please reset my password, I was locked out of the account",
            '{"queue": "account", "priority": "low"}',
        ),
        chat("Mein Paket ist nicht angekommen, bitte helfen Sie mir schnell weiter.", reply),  # COV002
        chat(
            "Can you help with my order?", "I'm sorry, but as an AI language model I cannot help with that."
        ),
        chat("My caf\u00c3\u00a9 order was charged twice, please refund it", reply),  # QUAL004
        chat("Write me an e-mail to jane.doe@gmail.com about the refund", reply),  # PII002
        chat("Here is my key AKIAIOSFODNN7EXAMPLA for the integration, why does it fail?", reply),  # PII001
        {  # TOOL: a call never answered, PROV: a weight OpenAI refuses
            "messages": [
                {"role": "user", "content": "What is the status of order NW-77?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "c1", "type": "function", "function": {"name": "status", "arguments": "{bad"}}
                    ],
                },
                {"role": "assistant", "content": reply, "weight": 2},
            ]
        },
    ]
    train = write_jsonl(folder / "train.jsonl", records)
    test = write_jsonl(folder / "test.jsonl", [records[7], *ticket_records(140, seed=23)[120:]])  # LEAK001
    pairs = [
        {
            "prompt": f"Question {i} about shipping times?",
            "chosen": f"About {i} days.",
            "rejected": "No idea.",
        }
        for i in range(12)
    ]
    pairs += [
        {"prompt": "Same?", "chosen": "Yes it is the same.", "rejected": "Yes it is the same."},  # PREF001
        {"prompt": "Empty?", "chosen": "", "rejected": "Something."},  # PREF002
    ]
    valid = write_jsonl(folder / "valid.jsonl", pairs)
    return {"train": str(train), "test": str(test), "valid": str(valid)}


def test_a_defect_of_every_family_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spread, "SPAN_BYTES", 2**10)  # the broken and blank lines meet span ends
    paths = every_family(tmp_path)
    local, remote = both(
        paths["train"], test=paths["test"], valid=paths["valid"], profile="openai", block_rows=16
    )
    families = {c["family"] for c in local["checks"] if c["findings"]}
    assert families >= {
        "format",
        "duplicates",
        "labels",
        "coverage",
        "leakage",
        "size",
        "quality",
        "pii",
        "provider",
        "toolcalls",
        "preference",
    }, f"not every family planted: {sorted(families)}"
    assert_same(local, remote)


def test_label_findings_come_from_counts_and_a_second_round_for_the_reported_classes(tmp_path: Path) -> None:
    labels = ["billing"] * 700 + ["legal"] * 30 + ["rare"] * 2
    train = [{"text": f"ticket number {i} about {label}", "label": label} for i, label in enumerate(labels)]
    test = [{"text": f"held-out ticket {i}", "label": "billing" if i % 3 else "delivery"} for i in range(30)]
    paths = [
        str(write_jsonl(tmp_path / f"{name}.jsonl", rows))
        for name, rows in (("train", train), ("test", test))
    ]
    local, remote = both(paths[0], test=paths[1], block_rows=80, select=["COV", "SIZE", "LBL"])
    assert {"COV001", "SIZE002", "LBL004", "LBL005"} <= {f["check_id"] for f in local["findings"]}
    assert_same(local, remote)


def held_apart(local: dict, remote: dict) -> None:
    """A scan whose splits stayed on the workers (`ray-driver-rows`): every record, summary and group
    check, and every check whose reads are made there (`held_form`: DUP003 but on a classification
    split; LBL006 and COV004 on a sample, here the whole split) gives the local engine's result (a
    skip for an unmet need too), every other whole-split check is skipped saying why,
    and the splits are the local ones (files, lines, rows), profiled by their valid rows only."""
    assert remote["engine"]["name"] == "ray"
    scopes = {cid: cls.scope for cid, cls in load_checks().items()}
    formed = {cid for cid, cls in load_checks().items() if make_check(cls).held_form() is not None}
    mine = {c["id"]: c for c in remote["checks"]}
    for check in local["checks"]:
        got = mine[check["id"]]
        made_there = check["id"] in formed and not got["reason"].startswith(WHOLE_SPLITS)
        if scopes[check["id"]] not in (RECORD, SUMMARY, GROUP) and not made_there:
            assert got["status"] == "skipped" and "stay on the Ray workers" in got["reason"], check["id"]
            assert "ray-driver-rows" in got["reason"]
            continue
        drop = ("duration_s", "ran_on", "reason" if check["status"] == "skipped" else "")
        assert {k: v for k, v in got.items() if k not in drop} == {
            k: v for k, v in check.items() if k not in drop
        }, check["id"]
    for ours, theirs in zip(remote["splits"], local["splits"], strict=True):
        for key in ("name", "path", "sha256", "lines", "rows", "format", "label_source"):
            assert ours[key] == theirs[key], key
        assert ours["profile"]["valid_rows"] == theirs["profile"]["valid_rows"]
        assert "stay on the Ray workers" in ours["profile"]["note"]
    ran = next(c for c in remote["conditions"] if c["name"] == "checks-ran")
    left = [
        c["id"] for c in remote["checks"] if c["status"] == "skipped" and c["reason"].startswith(WHOLE_SPLITS)
    ]
    if left:  # the verdict says what did not run
        assert not ran["passed"] and "stayed on the Ray workers" in ran["reason"], left
    else:  # every whole-split check has a held form now (COV005 the last): nothing to say
        local_ran = next(c for c in local["conditions"] if c["name"] == "checks-ran")
        assert ran["passed"] == local_ran["passed"], ran
    assert_figures(remote)


def test_splits_larger_than_the_driver_holds_stay_on_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more rows than `ray-driver-rows` a split is never brought to the driver: the pieces read
    on the workers are its blocks there (adjacent small ones joined up to `ray-block-rows`). Chat
    replies are then not looked at for a closed set of labels (the local scan compared with is told
    the same); a label field is counted where it is read."""
    from dataqa.engine.ray_engine import RayEngine

    monkeypatch.setattr(spread, "SPAN_BYTES", 2**10)  # the broken and blank lines meet span ends
    paths = every_family(tmp_path)
    labels = ["billing"] * 700 + ["legal"] * 30 + ["rare"] * 2
    labelled = write_jsonl(
        tmp_path / "labelled.jsonl",
        [{"text": f"ticket number {i} about {label}", "label": label} for i, label in enumerate(labels)],
    )
    with monkeypatch.context() as patched:
        patched.setattr(dataset, "closed_set_labels", lambda replies: None)
        local = dataqa.scan(paths["train"], test=paths["test"], valid=paths["valid"], profile="openai")
        local_labelled = dataqa.scan(str(labelled), test=paths["test"])
    patched_fetch = monkeypatch.context()
    with patched_fetch as patched:
        patched.setattr(
            RayEngine, "fetch", lambda self, handle: pytest.fail("a split was joined on the driver")
        )
        remote = dataqa.scan(
            paths["train"],
            test=paths["test"],
            valid=paths["valid"],
            profile="openai",
            engine="ray",
            ray_driver_rows=10,
        )
        remote_labelled = dataqa.scan(str(labelled), test=paths["test"], engine="ray", ray_driver_rows=10)
    held_apart(local.to_dict(), remote.to_dict())
    held_apart(local_labelled.to_dict(), remote_labelled.to_dict())
    engine = remote.to_dict()["engine"]
    assert engine["read_tasks"] > 10 and engine["blocks"] < engine["read_tasks"]  # small pieces joined
    assert dataset.NOT_LOOKED_AT in remote.to_dict()["splits"][0]["input"]["note"]
    assert {"COV001", "SIZE002"} <= {f.check_id for f in remote_labelled.findings}  # from the counts


def test_a_folder_of_shards_and_a_glob_are_read_file_by_file_on_the_workers(
    tmp_path: Path, small_spans: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    records: list[Any] = ticket_records(400, seed=9)
    write_jsonl(shards / "part-0.jsonl", [*records[:150], "", records[3]])  # a blank line, a copy
    write_jsonl(shards / "part-1.jsonl", ['{"messages": [', *records[150:300], ""])  # broken, trailing blank
    pl.DataFrame({"messages": [r["messages"] for r in records[300:]]}).write_parquet(
        shards / "part-2.parquet"
    )
    (shards / "part-3.jsonl").write_bytes(b"")  # an empty shard
    test = write_jsonl(tmp_path / "test.jsonl", [records[10], *ticket_records(60, seed=10)])
    for train in (str(shards), str(shards / "part-*.jsonl")):
        local = dataqa.scan(train, test=str(test)).to_dict()
        with monkeypatch.context() as patched:
            parsing_refused_here(patched)
            remote = dataqa.scan(train, test=str(test), engine="ray", ray_block_rows=64).to_dict()
        assert remote["engine"]["read_tasks"] >= len(remote["splits"][0]["input"]["files"]) + 1
        assert_same(local, remote)


def test_a_layout_inferred_on_the_driver_is_the_one_the_workers_read_in(tmp_path: Path) -> None:
    """A label field named otherwise ("category") is inferred from the first records here; the passes
    come back from the workers with copies of that layout, which still count as the one inferred
    (the split's note says what was taken, as locally)."""
    rows = [f'"ticket {i} about my card",{"card" if i % 2 else "refund"}' for i in range(120)]
    train = tmp_path / "train.csv"
    train.write_text("text,category\n" + "\n".join(rows) + "\n")
    local, remote = both(str(train), block_rows=50)
    assert "category" in local["splits"][0]["input"]["note"]
    assert_same(local, remote)


def test_a_file_the_workers_cannot_see_is_read_by_the_driver(tmp_path: Path) -> None:
    """On a cluster without a shared file system a worker does not find the file (or finds another
    of that name): it says so, the engine's mapper gives up and the driver reads the split itself."""
    from dataqa.engine.ray_engine import RayEngine
    from dataqa.ingest.readers.opening import open_input
    from dataqa.ingest.reading import Reading

    train = write_jsonl(tmp_path / "train.jsonl", ticket_records(50, seed=3))
    piece = spread.pieces(open_input(str(train)), spread.SPAN_BYTES)[0]
    elsewhere = dataclasses.replace(piece, size=piece.size + 1)  # another file at that path
    read = functools.partial(spread.read_piece, None, Reading.of(None, None, None, None))
    with pytest.raises(spread.NotHere):
        read(elsewhere)
    assert RayEngine(ray, "test").keep(read, [piece, elsewhere]) is None
    nowhere = types.SimpleNamespace(held_rows=0, keep=lambda f, i: None)  # a mapper that cannot
    assert spread.read(open_input(str(train)), None, Reading.of(None, None, None, None), nowhere) is None
    assert read(piece)[0].result.counts.total() == 50  # the same piece where it is: read


REAL_SETS = ("snips_nlu_benchmark", "trec_question_type", "leyzer_en", "gsm8k_openai")
"""A glob of JSON documents keyed by intent, text lines through a pattern, TSV with three splits,
a 4 MB JSONL file (in spans of 256 KiB)."""


@pytest.mark.skipif(not REALDATA.is_dir(), reason="the developer corpus (../shared/realdata) is not here")
@pytest.mark.parametrize("name", REAL_SETS)
def test_sets_of_the_developer_corpus_give_the_same_report(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spread, "SPAN_BYTES", 256 * 2**10)
    entries = tomllib.loads((ROOT / "benchmarks" / "real" / "sets.toml").read_text(encoding="utf-8"))["set"]
    entry = next(e for e in entries if e["name"] == name)
    paths = {s: str(REALDATA / entry[s]) for s in ("train", "valid", "test") if entry.get(s)}
    missing = [p for p in paths.values() if not glob.glob(p)]
    if missing:  # a partial copy of the corpus: restore it with benchmarks/real/corpus.py restore
        pytest.skip(f"{name}: not in this copy of the developer corpus ({', '.join(missing)})")
    local, remote = both(paths.pop("train"), block_rows=300, **paths, **entry.get("options", {}))
    assert_same(local, remote)


def test_a_worker_killed_mid_scan_is_retried_and_the_report_is_the_same(tmp_path: Path) -> None:
    plugin = tmp_path / "killer.py"
    plugin.write_text(KILLER)
    marker = tmp_path / "killed"
    marker.write_text("not in the local scan")
    options = dict(
        plugins=[str(plugin)], checks={"KILL901": {"marker": str(marker)}}, select=["FMT", "QUAL", "KILL"]
    )
    train, test = str(SAMPLE / "train.jsonl"), str(SAMPLE / "test.jsonl")
    local = dataqa.scan(train, test=test, **options).to_dict()
    marker.unlink()
    remote = dataqa.scan(train, test=test, engine="ray", ray_block_rows=200, **options).to_dict()
    assert marker.exists() and int(marker.read_text()) != os.getpid(), "a worker process was killed"
    assert "KILL901" in remote["engine"]["on_workers"]
    assert next(c for c in remote["checks"] if c["id"] == "KILL901")["status"] == "passed"
    assert comparable(remote) == comparable(local)


def scan_with_ray(*more: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`dataqa scan sample_data/train.jsonl --engine ray ...` in a child process (its own Ray state)."""
    train = str(SAMPLE / "train.jsonl")
    command = [sys.executable, "-m", "dataqa.commands.cli", "scan", train, "--no-config"]
    return subprocess.run(
        [*command, "--engine", "ray", *more], capture_output=True, text=True, timeout=60, check=False, env=env
    )


def test_an_address_nothing_answers_at_fails_at_once_with_exit_2() -> None:
    with socket.socket() as s:  # a port nothing listens on: bound, then closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = scan_with_ray("--ray-address", f"127.0.0.1:{port}")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot reach the Ray cluster at 127.0.0.1:{port}" in lines[0], done.stderr


def test_without_ray_installed_the_engine_names_the_pip_command(tmp_path: Path) -> None:
    hide = tmp_path / "sitecustomize.py"  # makes `import ray` fail in the child, as if not installed
    hide.write_text("import sys\nsys.modules['ray'] = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = scan_with_ray(env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "dataqa: error: --engine ray needs Ray, which is not installed: pip install 'dataqa-finetune[ray]'"
    )


THREADS = '''
from dataclasses import dataclass

import polars as pl

from dataqa.engine.registry import RECORD, Check, register


@register
@dataclass
class PolarsThreads(Check):
    """Says how many threads polars has where it runs (a test of the Ray workers' environment).

    Why: a Ray the scan starts gives its workers polars on one thread.
    Example: 1 on a worker.
    Fix: none.
    """

    id = "THRD901"
    name = "polars-threads"
    family = "quality"
    scope = RECORD

    def run(self, ctx):
        self.metrics["polars_threads"] = str(pl.thread_pool_size())
        return iter(())
'''


def _plugin_scan_on_ray(
    tmp_path: Path, plugin_source: str, config_lines: str, *args: str, env: dict[str, str] | None = None
) -> dict:
    """The report of the CLI scanning the sample train split on a Ray it starts, with a plugin check
    (`plugin_source`) and config (`config_lines`, after its `plugins` line), beside `args`."""
    plugin = tmp_path / "plugin.py"
    plugin.write_text(plugin_source)
    config = tmp_path / "dataqa.toml"
    config.write_text(f'plugins = ["{plugin}"]\n{config_lines}')
    out = tmp_path / "report.json"
    train = str(SAMPLE / "train.jsonl")
    command = [sys.executable, "-m", "dataqa.commands.cli", "scan", train, "--config", str(config)]
    done = subprocess.run(
        [*command, "--engine", "ray", *args, "--json", str(out), "--exit-zero"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


def test_a_ray_the_scan_starts_gives_its_workers_polars_on_one_thread(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    config = 'select = ["FMT001", "THRD"]\nray-block-rows = 600\n'
    report = _plugin_scan_on_ray(tmp_path, THREADS, config, "--jobs", "2", env=env)
    assert report["engine"]["worker_env"] == {"POLARS_MAX_THREADS": "1"}
    check = next(c for c in report["checks"] if c["id"] == "THRD901")
    assert check["ran_on"] == "workers" and check["metrics"] == {"polars_threads": "1"}
    assert report["engine"]["blocks"] == 2


STORE = """
from dataclasses import dataclass

import ray

from dataqa.engine.registry import RECORD, Check, register


@register
@dataclass
class ObjectStore(Check):
    \"\"\"Says how large the object store of the Ray it runs on is (a test of the scan's own Ray).

    Why: --ray-object-store-gb sizes the store of a Ray the scan starts.
    Example: 0.25 with --ray-object-store-gb 0.25.
    Fix: none.
    \"\"\"

    id = "STOR901"
    name = "object-store"
    family = "quality"
    scope = RECORD

    def run(self, ctx):
        self.metrics["object_store_gb"] = round(ray.cluster_resources()["object_store_memory"] / 2**30, 2)
        return iter(())
"""


def test_ray_object_store_gb_sizes_the_store_of_a_ray_the_scan_starts(tmp_path: Path) -> None:
    config = 'select = ["FMT001", "STOR"]\n'
    report = _plugin_scan_on_ray(tmp_path, STORE, config, "--ray-object-store-gb", "0.25")
    check = next(c for c in report["checks"] if c["id"] == "STOR901")
    assert check["ran_on"] == "workers" and check["metrics"] == {"object_store_gb": 0.25}


def test_a_file_uri_is_read_with_ray_data_and_gives_the_local_files_report(tmp_path: Path) -> None:
    train, test = SAMPLE / "train.jsonl", SAMPLE / "test.jsonl"
    local = dataqa.scan(str(train), test=str(test)).to_dict()
    remote = dataqa.scan(train.as_uri(), test=test.as_uri(), engine="ray", ray_block_rows=300).to_dict()
    assert remote["splits"][0]["path"] == train.as_uri()
    shown = (
        json.dumps(comparable(remote)).replace(train.as_uri(), str(train)).replace(test.as_uri(), str(test))
    )
    assert json.loads(shown) == comparable(local)


def test_a_folder_uri_reads_every_file_under_it_named_by_its_uri(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    (shards / "b").mkdir(parents=True)
    records = ticket_records(60, seed=5)
    write_jsonl(shards / "a.jsonl", records[:30])
    write_jsonl(shards / "b" / "c.jsonl", [*records[30:], records[3]])  # a copy across shards: DUP001
    report = dataqa.scan(shards.as_uri() + "/", engine="ray", select=["DUP001", "FMT"]).to_dict()
    dup = [f for f in report["findings"] if f["check_id"] == "DUP001"]
    places = {loc["path"] for f in dup for loc in f["locations"]}
    assert places == {f"{shards.as_uri()}/a.jsonl", f"{shards.as_uri()}/b/c.jsonl"}
    assert report["splits"][0]["rows"] == 61


def test_the_local_engine_names_the_option_that_reads_a_uri() -> None:
    uri = (SAMPLE / "train.jsonl").as_uri()
    command = [sys.executable, "-m", "dataqa.commands.cli", "scan", uri, "--no-config"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"dataqa: error: train is the URI {uri}: the local engine reads local files only; "
        "--engine ray reads object-store URIs (pip install 'dataqa-finetune[ray]')"
    ]


HANGER = '''
import time
from dataclasses import dataclass

from dataqa.engine.registry import RECORD, Check, register


@register
@dataclass
class Hangs(Check):
    """Never returns on a block (a test of the Ray engine's time limit).

    Why: a task that hangs must end the wait for it, not the scan.
    Example: every block's task.
    Fix: none.
    """

    id = "HANG901"
    name = "hangs"
    family = "quality"
    scope = RECORD

    def run(self, ctx):
        time.sleep(3600)
        return iter(())
'''


def cpus_back() -> bool:
    """The module's Ray has both its CPUs free again (the hung tasks were stopped), within a minute."""
    for _ in range(120):
        if ray.available_resources().get("CPU", 0) == 2:
            return True
        time.sleep(0.5)
    return False


def test_a_read_task_that_hangs_ends_the_scan_with_one_line_naming_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hangs(*args: Any) -> Any:  # made here, so Ray sends the function itself to the workers
        time.sleep(3600)

    train = write_jsonl(tmp_path / "train.jsonl", ticket_records(40, seed=3))
    monkeypatch.setattr(spread, "read_piece", hangs)
    with pytest.raises(EngineError) as raised:
        dataqa.scan(str(train), engine="ray", check_timeout=1, select=["FMT001"])
    assert str(raised.value) == (
        f"reading {train} on the Ray workers: no result from the Ray workers within 1 s (check-timeout): "
        "a task hangs, or the cluster has no CPU free for it"
    )
    assert cpus_back(), "the read task that hung was stopped"
    with pytest.raises(SystemExit) as ended, errors_exit_2():
        raise raised.value
    assert ended.value.code == 2


# The wait limit also bounds reading the sample file on the workers, which must finish first: a few
# seconds keep a loaded machine from timing out the read instead of the hung block task (seen at load 20).
BLOCK_WAIT_S = 10


def test_a_block_task_that_hangs_errs_the_checks_on_the_workers_naming_the_stage(tmp_path: Path) -> None:
    plugin = tmp_path / "hanger.py"
    plugin.write_text(HANGER)
    report = dataqa.scan(
        str(SAMPLE / "train.jsonl"),
        engine="ray",
        plugins=[str(plugin)],
        select=["FMT001", "HANG"],
        check_timeout=BLOCK_WAIT_S,
    ).to_dict()
    by_id = {c["id"]: c for c in report["checks"]}
    late = (
        f"the record and summary checks' block tasks: no result from the Ray workers within {BLOCK_WAIT_S} s "
        "(check-timeout): a task hangs, or the cluster has no CPU free for it"
    )
    assert set(report["engine"]["on_workers"]) == {"FMT001", "HANG901"}
    for cid in ("FMT001", "HANG901"):  # a block's task runs them both
        assert by_id[cid]["status"] == "errored" and by_id[cid]["reason"] == late
    assert cpus_back(), "the block tasks that hung were stopped"


def test_each_stage_s_wait_names_it() -> None:
    @ray.remote(num_cpus=1)
    def hangs() -> None:
        time.sleep(3600)

    engine = RayEngine(ray, "test", limit=0.5)
    with pytest.raises(
        TaskFailed, match=r"^what the check reads, made on train's blocks: no result .* 0\.5 s"
    ):
        engine.getter("what the check reads, made on train's blocks")([hangs.remote()])
    with pytest.raises(EngineError, match=r"^bringing a piece's rows from the Ray object store: no result"):
        engine.fetch(hangs.remote())
    assert cpus_back()


@pytest.fixture
def stuck(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A call to Ray that never answers (until the test ends), and the exit hooks the limit dropped:
    `ray_waits` then leaves the call in its thread, which this releases."""
    import threading

    from dataqa.engine import ray_waits

    released = threading.Event()
    dropped: list[Any] = []
    monkeypatch.setattr(ray_waits, "_abandoned", dropped.append)

    def never(*args: Any, **kwargs: Any) -> Any:
        released.wait()

    never.dropped = dropped  # type: ignore[attr-defined]
    yield never
    released.set()


def test_a_put_the_object_store_never_answers_ends_the_scan_naming_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stuck: Any
) -> None:
    train = write_jsonl(tmp_path / "train.jsonl", ticket_records(40, seed=3))
    monkeypatch.setattr(ray, "put", stuck)
    with pytest.raises(EngineError) as raised:
        dataqa.scan(str(train), engine="ray", check_timeout=1, select=["FMT001"])
    assert str(raised.value) == (
        "putting a value in the Ray object store (full and spilling, or the cluster gone): "
        "no answer from Ray within 1 s (check-timeout)"
    )
    assert stuck.dropped == [ray], "Ray's exit hook would wait on the same Ray: dropped"
    with pytest.raises(SystemExit) as ended, errors_exit_2():
        raise raised.value
    assert ended.value.code == 2


NEVER = """
import sys, threading, types
from dataqa.engine import ray_session
from dataqa.engine.config import Config

def never(**options):
    threading.Event().wait()

calls = {"init": lambda **o: None, "shutdown": lambda: None, sys.argv[1]: never}
ray_session.import_ray = lambda: types.SimpleNamespace(is_initialized=lambda: False, **calls)
with ray_session.session(Config(check_timeout=0.5), cpus=1):
    pass
print("not reached")
"""


@pytest.mark.parametrize(("call", "stage"), [("init", "starting a local Ray"), ("shutdown", "stopping Ray")])
def test_a_ray_that_never_starts_or_stops_ends_the_process_naming_the_stage(call: str, stage: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", NEVER, call], capture_output=True, text=True, timeout=300, check=False
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"dataqa: error: {stage}: no answer from Ray within 0.5 s (check-timeout)\n"


def test_an_object_store_read_that_stops_answering_ends_the_scan_naming_the_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stuck: Any
) -> None:
    class Files:
        def iter_rows(self) -> Any:
            yield {"path": "bucket/a.jsonl", "bytes": b"{}\n"}
            stuck()  # the second file never comes

    monkeypatch.setattr(ray.data, "read_binary_files", lambda uri, include_paths: Files())
    with pytest.raises(EngineError) as raised:
        dataqa.scan("s3://bucket/", engine="ray", check_timeout=1)
    expected = "reading s3://bucket/ with Ray Data: no answer from Ray within 1 s (check-timeout)"
    assert str(raised.value) == expected
    assert len(stuck.dropped) == 1
