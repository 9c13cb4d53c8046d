"""The result of `dataqa diff`: what changed between two versions of a dataset, as plain data.

Kept apart from the computation (`dataqa.commands.diff`) so that renderers (`dataqa.reports.diff_html`)
can take it without importing the command layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DatasetDiff:
    """The change between two versions; line numbers are physical lines of each file.

    The counts add up: every old row is unchanged, modified, re-labelled, moved or removed, and every
    new row is unchanged, modified, re-labelled or added (rows that could not be read included)."""

    old_path: str
    new_path: str
    old_verdict: str
    new_verdict: str
    counts: dict[str, int]
    added: list[int] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    """Removed old rows: `line`, `content` (an excerpt) and `reason` (the old scan's check ids that made
    the row unusable, or "not in the new version")."""
    moved: list[dict[str, Any]] = field(default_factory=list)
    """Old training rows whose text is now only in a held-out split (`line`, `split`, `split_line`,
    `reason`: e.g. LEAK001 when the old scan found the row leaked from that split)."""
    held_out: dict[str, str] = field(default_factory=dict)
    """The held-out splits both versions were judged with (split → path)."""
    modified: list[dict[str, Any]] = field(default_factory=list)
    relabelled: list[dict[str, Any]] = field(default_factory=list)
    shifts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
