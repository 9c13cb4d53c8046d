"""The result of `dataqa diff`: what changed between two versions of a dataset, as plain data.

Kept apart from the computation (`dataqa.commands.diff`) so that renderers (`dataqa.reports.diff_html`)
can take it without importing the command layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DatasetDiff:
    """The change between two versions; line numbers are physical lines of each file."""

    old_path: str
    new_path: str
    old_verdict: str
    new_verdict: str
    counts: dict[str, int]
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    modified: list[dict[str, Any]] = field(default_factory=list)
    relabelled: list[dict[str, Any]] = field(default_factory=list)
    shifts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
