"""What a detector of a sensitive value is: a candidate pattern, a validator that confirms it, a mask."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Detector:
    """One kind of sensitive value: a candidate pattern (valid in Python and polars), a validator
    that confirms a match, a mask for evidence, and whether code blocks are searched too."""

    kind: str
    pattern: str
    validate: Callable[[re.Match[str], str], bool]
    show: Callable[[str], str]
    in_code: bool = True
    group: int = 0
    """The pattern group that is the secret itself (0: the whole match)."""
    hint: str = ""
    """A substring every match holds ("" for none; "0" for a digit): texts without it are skipped."""

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern)
    return _CACHE[pattern]
