"""Fuzzing the scan: arbitrary bytes and arbitrary JSON written as JSONL never crash dataqa.

Invariants, whatever the file holds: `dataqa.scan` returns a report (it never raises), no check
errors, every location names a line inside the file, the JSON report validates against the
documented schema, and the installed command exits with 0, 1 or 2 without a traceback.
Derandomised (a fixed seed per test) so a failure reproduces; most examples go through the API
to stay fast, a few through the real command.
"""

from __future__ import annotations

import importlib.resources
import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataqa
from dataqa.engine.report import Report

SCHEMA = json.loads((importlib.resources.files("dataqa") / "schema" / "report.schema.json").read_text())
FUZZ = settings(
    deadline=None,
    derandomize=True,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# --- strategies -----------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
roles = st.sampled_from(["system", "user", "assistant", "tool", "developer", "bot", "", "USER"]) | st.text(
    max_size=8
)
messages = st.lists(
    st.fixed_dictionaries({"role": roles, "content": st.text(max_size=60) | json_values}), max_size=5
)
record_like = st.one_of(
    st.fixed_dictionaries({"messages": messages | json_values}),
    st.fixed_dictionaries({"prompt": st.text(max_size=40) | json_values, "completion": st.text(max_size=40)}),
    st.fixed_dictionaries({"instruction": st.text(max_size=40), "input": json_values, "output": st.text()}),
    st.fixed_dictionaries(
        {"text": st.text(max_size=40), "label": st.sampled_from(["a", "b", "c"]) | json_values}
    ),
    st.fixed_dictionaries(
        {"conversations": st.lists(st.fixed_dictionaries({"from": roles, "value": json_values}))}
    ),
    st.fixed_dictionaries({"prompt": st.text(max_size=20), "chosen": json_values, "rejected": json_values}),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)


def encode(value: Any, ascii_only: bool) -> bytes:
    """One JSONL line as Python's json writes it (NaN and Infinity included: hostile on purpose)."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", errors="surrogatepass")


json_lines = st.lists(
    st.tuples(record_like | json_values, st.booleans()).map(lambda t: encode(*t)) | st.binary(max_size=30),
    max_size=12,
)
newlines = st.sampled_from([b"\n", b"\r\n"])


# --- helpers --------------------------------------------------------------------------------------


def scan_bytes(content: bytes, name: str = "train.jsonl", text: bytes | None = None) -> Report:
    """Scan `content` written to a file called `name` (`text`: its bytes once decompressed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        report = dataqa.scan(str(path), goal="poc")
        physical = (text if text is not None else content).count(b"\n") + 1
        check_report(report, physical)
    return report


def check_report(report: Any, physical: int) -> None:
    errored = [(r.check_id, r.reason) for r in report.results if r.status.value == "errored"]
    assert errored == [], errored
    for finding in report.findings:
        for loc in [*finding.locations, *finding.unusable]:
            # A record of a JSON document is keyed by its place in the file, not by its line; a
            # location with a row (a record of a table or a document) keeps its line as the key.
            line = loc.physical_line if loc.physical_line is not None else loc.line
            assert 1 <= line <= physical, (finding.check_id, loc, physical)
    jsonschema.validate(json.loads(report.to_json()), SCHEMA)


# --- tests ----------------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_the_scan(content: bytes) -> None:
    scan_bytes(content)


@FUZZ
@given(json_lines, newlines)
def test_arbitrary_json_documents_as_jsonl(lines: list[bytes], newline: bytes) -> None:
    scan_bytes(newline.join(lines) + newline)


@FUZZ
@given(st.lists(record_like, min_size=1, max_size=15))
def test_arbitrary_records_in_a_gzip_file(records: list[Any]) -> None:
    import gzip

    body = b"".join(encode(r, False) + b"\n" for r in records)
    report = scan_bytes(gzip.compress(body, mtime=0), name="train.jsonl.gz", text=body)
    assert report.splits[0].lines == len(records)


@settings(FUZZ, max_examples=4)
@given(json_lines)
def test_the_command_exits_0_1_or_2(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.jsonl"
        path.write_bytes(b"\n".join(lines))
        result = run_cli("scan", str(path), "--no-config", "--output-format", "concise", cwd=Path(folder))
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
