"""The README's "Writing a check" example, installed as its own distribution, is found and run.

The example's module and pyproject are taken from the README itself, so the documentation cannot
drift from what works. It is installed with pip into a folder of its own (`--target`) and only that
folder is put on the scan's path: the test environment stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _example_blocks() -> tuple[str, str]:
    """The example check module and its pyproject.toml, as the README shows them."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Writing a check", 1)[1].split("\n## ", 1)[0]
    python = re.search(r"```python\n(# acme_checks\.py\n.*?)```", section, re.S)
    toml = re.search(r"```toml\n(# pyproject\.toml of your package\n.*?)```", section, re.S)
    assert python and toml, "the README's 'Writing a check' section lost its example"
    return python.group(1), toml.group(1)


def test_readme_example_check_installs_and_runs(tmp_path: Path) -> None:
    module, pyproject = _example_blocks()
    project = tmp_path / "acme"
    project.mkdir()
    (project / "acme_checks.py").write_text(module, encoding="utf-8")
    # The example depends on dataqa-finetune, which is installed already: build without fetching it.
    (project / "pyproject.toml").write_text(
        pyproject
        + '\n[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
        + '\n[tool.setuptools]\npy-modules = ["acme_checks"]\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(site),
            str(project),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH", "")]))}

    listed = run_cli("checks", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "ACME001" in listed.stdout and "ticket-id-in-prompt" in listed.stdout

    explained = run_cli("explain", "ACME001", env=env)
    assert explained.returncode == 0 and "internal ticket id" in explained.stdout

    data = tmp_path / "train.jsonl"
    rows = [
        {"prompt": "Customer says (ACME-5531) the invoice is wrong", "completion": "Sorry, fixing it."},
        {"prompt": "Where is my parcel?", "completion": "It ships on Monday."},
        {"prompt": "ACME-7 was closed, reopen it", "completion": "Reopened."},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = tmp_path / "report.json"
    scanned = run_cli("scan", str(data), "--select", "ACME", "--json", str(report), "--no-config", env=env)
    assert scanned.returncode in (0, 1), scanned.stderr
    found = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert [(f["check_id"], [loc["line"] for loc in f["locations"]]) for f in found] == [
        ("ACME001", [1]),
        ("ACME001", [3]),
    ]

    # The option is a real, validated option: a pattern that matches nothing finds nothing.
    config = tmp_path / "dataqa.toml"
    config.write_text('[tool.dataqa.checks.ACME001]\npattern = "XYZ-\\\\d+"\n', encoding="utf-8")
    quiet = run_cli(
        "scan", str(data), "--select", "ACME", "--config", str(config), "--json", str(report), env=env
    )
    assert quiet.returncode in (0, 1), quiet.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["findings"] == []

    # Its numeric option's declared range is honoured: in range it is used, out of range refused.
    config.write_text("[tool.dataqa.checks.ACME001]\nmax-reported = 1\n", encoding="utf-8")
    one = run_cli(
        "scan", str(data), "--select", "ACME", "--config", str(config), "--json", str(report), env=env
    )
    assert one.returncode in (0, 1), one.stderr
    assert [f["check_id"] for f in json.loads(report.read_text(encoding="utf-8"))["findings"]] == ["ACME001"]
    config.write_text("[tool.dataqa.checks.ACME001]\nmax-reported = 0\n", encoding="utf-8")
    refused = run_cli("scan", str(data), "--select", "ACME", "--config", str(config), env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"dataqa: error: {config}.checks.ACME001: max-reported = 0 is out of range; it must be a whole "
        "number from 1 to 100,000"
    )


def test_plugin_face_exports_what_a_check_needs() -> None:
    import dataqa.plugin as plugin

    names = (
        "Check",
        "register",
        "Finding",
        "Location",
        "Severity",
        "Context",
        "excerpt",
        "ConfigError",
        "ranged",
    )
    for name in names:
        assert hasattr(plugin, name), name
    from dataqa.registry import Check  # the deprecated home keeps working for one release

    assert Check is plugin.Check
