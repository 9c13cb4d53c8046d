"""Sensitive values found and masked in any text, and evidence excerpts cut from it: no finding,
message or metric of any check may hold a full secret or personal value."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dataqa.text.detectors import Detector
from dataqa.text.markup import blank_code
from dataqa.text.personal_data import PERSONAL_DETECTORS
from dataqa.text.secret_kinds import SECRET_DETECTORS

ALL_DETECTORS = SECRET_DETECTORS + PERSONAL_DETECTORS


def find_values(
    text: str, detectors: list[Detector], extra_ok: Callable[[Detector, str], bool] | None = None
) -> list[tuple[int, int, Detector, str]]:
    """(start, end, detector, value) of every confirmed sensitive value of `text`."""
    prose: str | None = None
    spans: list[tuple[int, int, Detector, str]] = []
    has_digit = _DIGIT.search(text) is not None
    lowered = text.lower()
    for det in detectors:
        if det.hint == "0":
            if not has_digit:
                continue
        elif det.hint:
            for hint in det.hints:
                if hint in lowered:
                    break
            else:
                continue
        searched = text
        if not det.in_code:
            prose = prose if prose is not None else blank_code(text)
            searched = prose
        for m in det.regex.finditer(searched):
            if not det.validate(m, searched):
                continue
            value = m.group(det.group)
            if extra_ok is not None and not extra_ok(det, value):
                continue
            spans.append((m.start(det.group), m.end(det.group), det, value))
    specific = [(s, e) for s, e, d, _ in spans if not d.generic]
    return [x for x in spans if not x[2].generic or not any(s < x[1] and x[0] < e for s, e in specific)]


_DIGIT = re.compile(r"\d")
_KEY_MARKS = tuple(
    sorted(
        {"@", "akia", "asia", "abia", "acca", "_", "-----begin", "eyj", "glpat-"}
        | {h for d in ALL_DETECTORS for h in d.hints if len(h) > 2}
    )
)
"""What every sensitive value holds besides a digit (an "@", a key prefix, a detector's hint): most prose
has none. (A Discord token without a digit is the one value a text without these may hold.)"""


def redact(text: str) -> str:
    """`text` with every secret and personal value masked (for evidence of any check)."""
    if not _DIGIT.search(text) and not any(mark in text.lower() for mark in _KEY_MARKS):
        return text
    return mask_spans(text, find_values(text, ALL_DETECTORS)).text


@dataclass
class Masked:
    """A text with its sensitive values masked, and where each masked span now starts."""

    text: str
    positions: dict[int, int] = field(default_factory=dict)


def mask_spans(text: str, spans: list[tuple[int, int, Detector, str]]) -> Masked:
    """`text` with every confirmed value replaced by its mask; maps each span start to its new position."""
    ordered = sorted({(s, e): (s, e, d, v) for s, e, d, v in spans}.values(), key=lambda x: x[0])
    parts: list[str] = []
    positions: dict[int, int] = {}
    cursor = 0
    length = 0
    for start, end, det, value in ordered:
        if start < cursor:  # overlapping matches: the earlier mask already covers this one
            positions[start] = max(length - 1, 0)
            continue
        parts.append(text[cursor:start])
        length += start - cursor
        positions[start] = length
        shown = det.show(value)
        parts.append(shown)
        length += len(shown)
        cursor = end
    parts.append(text[cursor:])
    return Masked("".join(parts), positions)


def snippet(text: str, start: int, end: int, width: int = 50) -> str:
    """A one-line excerpt of `text` around [start, end), whitespace collapsed, cut with ellipses.

    The cut never splits a word (up to 120 characters more), so a token such as a key is either
    whole, and can be masked, or absent.
    """
    a, b = max(start - width, 0), min(end + width, len(text))
    while a > 0 and not text[a - 1].isspace() and start - a < width + 120:
        a -= 1
    while b < len(text) and not text[b].isspace() and b - end < width + 120:
        b += 1
    cut_left = a > 0 and not text[a - 1].isspace()
    cut_right = b < len(text) and not text[b].isspace()
    window = text[a:b]
    if cut_left or cut_right:  # drop the partial tokens at the edges: a cut key would escape masking
        words = window.split()
        words = words[1 if cut_left else 0 : len(words) - (1 if cut_right else 0)]
        window = " ".join(words) or _low_entropy_prefix(window)
    body = redact(" ".join(window.split()))
    return ("…" if a > 0 else "") + body[:240] + ("…" if b < len(text) else "")


def _low_entropy_prefix(run: str) -> str:
    """The start of one long unbroken run when it cannot be a key (few distinct characters), else nothing."""
    return run[:40] if len(set(run)) <= 8 else ""
