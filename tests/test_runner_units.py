"""Per-file ignores, piece by piece: which finding a `per-file-ignores` entry drops.

Found untested by the mutation run (`benchmarks/mutation.md`): only the pre-commit hook's end-to-end
test reached it.
"""

from __future__ import annotations

from dataqa.core.models import Finding, Location, Severity
from dataqa.engine.runner import _ignored


def finding(check_id: str, *paths: str) -> Finding:
    return Finding(check_id, Severity.ERROR, "m", [Location("train", p, i) for i, p in enumerate(paths, 1)])


def test_a_finding_is_dropped_only_when_every_location_matches_a_pattern_that_ignores_its_id() -> None:
    patterns = {"data/*.jsonl": ["dup"], "legacy.jsonl": ["ALL"], "*.csv": ["FMT0"]}
    assert _ignored(finding("DUP001", "data/a.jsonl", "data/b.jsonl"), patterns)
    assert not _ignored(finding("DUP001", "data/a.jsonl", "other/b.jsonl"), patterns)  # one is not
    assert not _ignored(finding("LBL001", "data/a.jsonl"), patterns)  # another id
    assert _ignored(finding("LBL001", "some/dir/legacy.jsonl"), patterns)  # file name alone, ALL codes
    assert _ignored(finding("LBL001", "legacy.jsonl"), {"legacy.jsonl": ["all"]})
    assert _ignored(finding("FMT001", "x/t.csv"), patterns)
    assert not _ignored(finding("FMX001", "x/t.csv"), patterns)
    assert _ignored(finding("DUP001", "data/a.jsonl", "legacy.jsonl"), patterns)  # each by its own pattern


def test_nothing_is_dropped_without_patterns_or_locations() -> None:
    assert not _ignored(finding("DUP001", "data/a.jsonl"), {})
    assert not _ignored(Finding("DUP001", Severity.ERROR, "m", []), {"*": ["ALL"]})
