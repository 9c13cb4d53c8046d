"""The `dataqa` command end to end: the installed console script in a subprocess.

Exit codes (0 pass, 1 fail per --fail-on, 2 usage/config/input error), the JSON report against
the documented schema, configuration errors, check selection, `checks` and `explain`. Every scan
here also asserts that its input files are left exactly as they were.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import chat, run_cli, write_jsonl
from test_hostile import unchanged

from dataqa.engine.registry import load_checks
from dataqa.engine.report import SCHEMA_VERSION

SCHEMA = json.loads((importlib.resources.files("dataqa") / "schema" / "report.schema.json").read_text())


def cli(*args: str, cwd: Path, inputs: tuple[Path, ...] = ()) -> subprocess.CompletedProcess:
    """Run the installed command; never a traceback, an exit code in {0, 1, 2}, inputs untouched."""
    with unchanged(*inputs):
        result = run_cli(*args, cwd=cwd)
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    if result.returncode == 2:
        assert len(result.stderr.strip().splitlines()) >= 1
        assert result.stderr.strip().splitlines()[-1].startswith(("dataqa: error: ", "Error: ")), (
            result.stderr
        )
    return result


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one-line error of an exit-code-2 run."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def support_chats(n: int) -> list[dict]:
    """`n` distinct free-text support chats (not a closed set of replies, so no per-class bar)."""
    cities = ["Lyon", "Leeds", "Porto", "Graz", "Turku", "Cork", "Ghent"]
    items = ["boots", "a tent", "a jacket", "socks", "a backpack"]
    out = []
    for i in range(n):
        city, item, days = cities[i % 7], items[i % 5], 3 + i % 11
        out.append(
            chat(
                f"My order #{4000 + i} with {item} to {city} has not arrived after {days} days. What now?",
                f"Sorry about order #{4000 + i}: I opened a trace with the {city} depot for your {item} "
                f"and will write within {days * 2} hours.",
            )
        )
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean free-text set (train 80, test 60, distinct), a broken one, and one with a warning."""
    folder = tmp_path_factory.mktemp("cli")
    records = support_chats(140)
    train = write_jsonl(folder / "train.jsonl", records[:80])
    test = write_jsonl(folder / "test.jsonl", records[80:])
    broken = write_jsonl(folder / "broken.jsonl", [*records[:60], '{"messages": [', "[1, 2]"])
    blank = write_jsonl(folder / "blank.jsonl", [*records[:60], ""])
    return {"folder": folder, "train": train, "test": test, "broken": broken, "blank": blank}


def scan(data: dict[str, Path], train: str, *args: str) -> subprocess.CompletedProcess:
    inputs = (data[train], data["test"])
    return cli("scan", str(data[train]), "--no-config", *args, cwd=data["folder"], inputs=inputs)


# --- exit codes -----------------------------------------------------------------------------------


def test_go_exits_0_and_no_go_exits_1(data: dict[str, Path]) -> None:
    go = scan(data, "train", "--test", str(data["test"]), "--goal", "poc", "--select", "FMT,SIZE")
    assert go.returncode == 0, go.stdout
    assert go.stdout.startswith("GO ")
    no_go = scan(data, "train", "--goal", "poc", "--select", "FMT,SIZE")  # no held-out test split
    assert no_go.returncode == 1
    assert no_go.stdout.startswith("NO-GO ")
    assert "Blocking:\n  ✗ held-out-test: no (threshold yes). No test split" in no_go.stdout
    assert no_go.stdout.endswith("Next: hold out a test split: `dataqa split train.jsonl -o split/`\n")


def test_fail_on_and_exit_zero(data: dict[str, Path]) -> None:
    """A GO run with one warning (a blank line): only --fail-on warning turns it into exit 1."""
    base = ["--test", str(data["test"]), "--goal", "poc", "--select", "FMT,SIZE"]
    assert scan(data, "train", *base, "--fail-on", "warning").returncode == 0
    assert scan(data, "blank", *base).returncode == 0
    assert scan(data, "blank", *base, "--fail-on", "warning").returncode == 1
    assert scan(data, "blank", *base, "--fail-on", "error").returncode == 0
    broken = ["--test", str(data["test"]), "--goal", "poc", "--select", "FMT,SIZE"]
    assert scan(data, "broken", *broken, "--fail-on", "error").returncode == 1
    assert scan(data, "broken", *broken, "--fail-on", "never").returncode == 0
    assert scan(data, "broken", *broken, "--exit-zero").returncode == 0


# --- the JSON report ------------------------------------------------------------------------------


def _documented(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return _documented(schema, schema["$defs"][ref.split("/")[-1]]) if ref else node


def undocumented_keys(value: Any, node: dict[str, Any], where: str = "$") -> list[str]:
    """Keys the report emits that the schema does not describe (free-form objects excepted)."""
    node = _documented(SCHEMA, node)
    missing: list[str] = []
    if isinstance(value, dict) and "properties" in node:
        for key, item in value.items():
            if key not in node["properties"]:
                missing.append(f"{where}.{key}")
            else:
                missing += undocumented_keys(item, node["properties"][key], f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for item in value[:3]:
            missing += undocumented_keys(item, node["items"], f"{where}[]")
    return missing


def test_json_report_matches_the_documented_schema(data: dict[str, Path]) -> None:
    out = data["folder"] / "report.json"
    run = scan(data, "broken", "--test", str(data["test"]), "--json", str(out))
    assert run.returncode == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
    assert errors == []
    assert undocumented_keys(report, SCHEMA) == [], "document new report keys in report.schema.json"
    assert report["schema_version"] == SCHEMA_VERSION
    assert report["verdict"] == "NO-GO"
    damaged = [f for f in report["findings"] if f["check_id"] in ("FMT001", "FMT002")]
    assert [(f["check_id"], f["locations"]) for f in damaged] == [
        ("FMT001", [{"split": "train", "path": str(data["broken"]), "line": 61}]),
        ("FMT002", [{"split": "train", "path": str(data["broken"]), "line": 62}]),
    ]
    assert [s["name"] for s in report["splits"]] == ["train", "test"]
    assert {c["id"] for c in report["checks"]} == set(load_checks())


def test_json_to_stdout_is_the_same_document(data: dict[str, Path]) -> None:
    run = scan(data, "train", "--test", str(data["test"]), "--select", "FMT,SIZE", "--json", "-")
    report = json.loads(run.stdout)
    jsonschema.validate(report, SCHEMA)
    assert {c["id"][:3] for c in report["checks"]} <= {"FMT", "SIZ"}


# --- selection ------------------------------------------------------------------------------------


def test_select_and_ignore_take_prefixes(data: dict[str, Path]) -> None:
    run = scan(data, "broken", "--select", "FMT,SIZE001", "--ignore", "FMT01", "--json", "-")
    ids = [c["id"] for c in json.loads(run.stdout)["checks"]]
    expected = [
        c for c in load_checks() if (c.startswith("FMT") and not c.startswith("FMT01")) or c == "SIZE001"
    ]
    assert ids == expected
    nope = error_line(scan(data, "train", "--select", "NOPE"))
    assert nope == "dataqa: error: no check id starts with 'NOPE' (see `dataqa checks`)"


# --- configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("gaol = 'poc'\n", "unknown key 'gaol'"),
        ("goal = 3\n", "goal: expected str, got 3"),
        ("[verdict]\nmin_usable_poc = 'ten'\n", "verdict.min_usable_poc: expected int, got 'ten'"),
        ("[checks.FMT016]\nmax_tokenz = 10\n", "FMT016: unknown option 'max_tokenz'"),
        ("[checks.FMT016]\nmax_tokens = 'many'\n", "FMT016.max_tokens: expected int, got 'many'"),
        ("[checks.XYZ999]\nseverity = 'error'\n", "unknown check id(s): XYZ999"),
        ("goal = \n", "is not valid TOML"),
    ],
    ids=[
        "unknown-key",
        "wrong-type",
        "wrong-type-nested",
        "unknown-option",
        "option-type",
        "unknown-id",
        "toml",
    ],
)
def test_config_errors_exit_2_with_one_line(
    data: dict[str, Path], tmp_path: Path, toml: str, message: str
) -> None:
    (tmp_path / "dataqa.toml").write_text(toml, encoding="utf-8")
    result = cli("scan", str(data["train"]), "--select", "FMT", cwd=tmp_path, inputs=(data["train"],))
    line = error_line(result)
    assert line.startswith("dataqa: error: ") and message in line, line


def test_config_is_discovered_and_flags_win(data: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dataqa]\ngoal = "poc"\nselect = ["FMT", "SIZE"]\n', encoding="utf-8"
    )
    args = ["scan", str(data["train"]), "--test", str(data["test"]), "--json", "-"]
    from_file = json.loads(cli(*args, cwd=tmp_path, inputs=(data["train"],)).stdout)
    assert from_file["goal"] == "poc" and from_file["config"]["source"].endswith("pyproject.toml")
    flagged = json.loads(cli(*args, "--goal", "production", cwd=tmp_path, inputs=(data["train"],)).stdout)
    assert flagged["goal"] == "production"
    missing = cli("scan", str(data["train"]), "--config", "nope.toml", cwd=tmp_path)
    assert "config file nope.toml does not exist" in error_line(missing)


def test_plugins_load_only_when_the_config_names_them(data: dict[str, Path], tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "my_checks.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('yes')\n"
        "from dataclasses import dataclass\n"
        "from dataqa.engine.registry import Check, register\n"
        "from dataqa.core.models import Severity\n"
        "@register\n@dataclass\nclass Always(Check):\n"
        '    """Always one finding.\n\n    Why: a test.\n    Example: any.\n    Fix: none.\n    """\n'
        "    id = 'ZZZ001'; name = 'always'; family = 'custom'; severity = Severity.INFO\n"
        "    def run(self, ctx):\n"
        "        yield self.finding('hello', [ctx.location('train', 1)])\n",
        encoding="utf-8",
    )
    args = ["scan", str(data["train"]), "--select", "FMT001", "--json", "-"]
    cli(*args, cwd=tmp_path, inputs=(data["train"],))
    assert not marker.exists(), "a Python file next to the data must not be imported"
    (tmp_path / "dataqa.toml").write_text('plugins = ["my_checks.py"]\n', encoding="utf-8")
    report = json.loads(cli(*args, "--extend-select", "ZZZ", cwd=tmp_path, inputs=(data["train"],)).stdout)
    assert marker.exists()
    assert [f["message"] for f in report["findings"] if f["check_id"] == "ZZZ001"] == ["hello"]


# --- paths and usage ------------------------------------------------------------------------------


def test_missing_directory_and_usage_errors_exit_2(data: dict[str, Path]) -> None:
    folder = data["folder"]
    missing = cli("scan", "nope.jsonl", "--no-config", cwd=folder)
    assert error_line(missing) == "dataqa: error: nope.jsonl: no such file"
    test_missing = cli("scan", str(data["train"]), "--test", "gone.jsonl", "--no-config", cwd=folder)
    assert error_line(test_missing) == "dataqa: error: gone.jsonl: no such file"
    empty = folder / "empty"
    empty.mkdir()
    directory = cli("scan", str(empty), "--no-config", cwd=folder)
    assert error_line(directory).startswith(f"dataqa: error: {empty}: no data file in the folder")
    assert cli("scan", cwd=folder).returncode == 2
    ambiguous = cli("scan", str(data["train"]), str(data["broken"]), "--no-config", cwd=folder)
    assert "cannot tell which split" in ambiguous.stderr


# --- checks and explain ---------------------------------------------------------------------------


def test_checks_lists_every_registered_check(data: dict[str, Path]) -> None:
    result = cli("checks", cwd=data["folder"])
    assert result.returncode == 0
    listed = [row.split()[0] for row in result.stdout.splitlines() if row.strip()]
    assert listed == list(load_checks())
    size = cli("checks", "--family", "size", cwd=data["folder"]).stdout
    assert [row.split()[0] for row in size.splitlines()] == ["SIZE001", "SIZE002", "SIZE003"]


def test_explain_shows_docs_and_options(data: dict[str, Path]) -> None:
    result = cli("explain", "fmt016", cwd=data["folder"])
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith("FMT016 (too-long)")
    for part in (
        "Why:",
        "Example:",
        "Fix:",
        "Options (config: [tool.dataqa.checks.FMT016]):",
        "max-tokens = 16384",
    ):
        assert part in text
    unknown = cli("explain", "XYZ123", cwd=data["folder"])
    assert error_line(unknown) == "dataqa: error: no check 'XYZ123'; see `dataqa checks`"


# --- the process ----------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_large_scan_tunes_glibc_malloc_unless_the_environment_does(tmp_path: Path) -> None:
    """`dataqa` fixes glibc's mmap threshold and arena count (peak memory) for large inputs only;
    a value the user gave in the environment wins. Run in a child, so this test process keeps its
    own allocator; the large input is a sparse file (no disk used)."""
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    small.write_text('{"text": "a", "label": "b"}\n')
    with large.open("wb") as f:
        f.truncate(256 * 2**20)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}

    def changed(*paths: Path, **extra: str) -> dict[str, int]:
        script = (
            "import json, sys; from dataqa.core.resources import tune_malloc; "
            "print(json.dumps(tune_malloc(sys.argv[1:])))"
        )
        out = subprocess.run(
            [sys.executable, "-c", script, *map(str, paths)], env={**env, **extra}, capture_output=True
        )
        return json.loads(out.stdout)

    tuned = {"MALLOC_MMAP_THRESHOLD_": 256 * 1024, "MALLOC_ARENA_MAX": max(2, len(os.sched_getaffinity(0)))}
    assert changed(small) == {}
    assert changed(small, large) == tuned
    assert changed(large, MALLOC_ARENA_MAX="4") == {"MALLOC_MMAP_THRESHOLD_": 256 * 1024}


def test_a_parquet_or_compressed_input_counts_at_what_it_expands_to(tmp_path: Path) -> None:
    """A Parquet or gzip file a quarter the size of its JSONL is tuned as the JSONL is (the command
    passes `sniff.data_bytes`); a plain file of the same size is not."""
    from dataqa.ingest.readers.sniff import DATA_EXPANSION, PARQUET_MAGIC, data_bytes

    size = 256 * 2**20 // DATA_EXPANSION + 1
    files = {}
    heads = (("t.parquet", PARQUET_MAGIC), ("t.jsonl.gz", b"\x1f\x8b\x08"), ("t.jsonl", b"{"))
    for name, head in heads:
        files[name] = tmp_path / name
        with files[name].open("wb") as f:
            f.write(head)
            f.truncate(size)
    assert [data_bytes(p) for p in files.values()] == [size * DATA_EXPANSION] * 2 + [size]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    script = (
        "import json, sys; from dataqa.core.resources import tune_malloc; "
        "from dataqa.ingest.readers.sniff import data_bytes; "
        "print(json.dumps([sorted(tune_malloc([p], data_bytes)) for p in sys.argv[1:]]))"
    )
    command = [sys.executable, "-c", script, *map(str, files.values())]
    out = subprocess.run(command, env=env, capture_output=True)
    assert out.stdout, out.stderr
    assert json.loads(out.stdout) == [["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]] * 2 + [[]]


HEAVY = ("polars", "numpy", "sklearn", "scipy", "jinja2", "rapidfuzz", "langdetect", "dataqa.engine.runner")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"]])
def test_version_and_help_import_no_heavy_module(args: list[str]) -> None:
    """`dataqa --version` / `--help` answer without polars, numpy, scikit-learn, jinja2 or the engine
    (their import is most of a second); the child reports which of them ended up imported."""
    script = (
        "import json, sys\n"
        "from dataqa.commands.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exit:\n"
        "    code = exit.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r})\n"
        "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", script], capture_output=True, text=True)
    result = json.loads(out.stderr.strip().splitlines()[-1])
    assert result == {"code": 0, "heavy": []}, result
    imported = {
        line.split("|")[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")
    }
    assert not {name for name in imported if name.split(".")[0] in HEAVY}, "importtime saw a heavy module"
    assert ("dataqa, version" in out.stdout) if args == ["--version"] else ("scan" in out.stdout)
