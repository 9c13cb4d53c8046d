"""What the PII checks share: scanning a split's messages for confirmed values, and grouping them per record.

PII: sensitive data in training text: secrets (API keys, tokens, private keys, passwords in
connection strings) and personal data (emails, phone numbers, card numbers, IBANs, national ids,
IP addresses).

Regexes find candidates (vectorised in polars over every message of every valid record, the
rejected answer of a preference pair included); validators confirm them: checksums (Luhn, IBAN
mod 97, national id check letters), entropy and placeholder tests for keys, reserved ranges for
addresses. Nothing leaves the machine, and no finding, message or metric holds a full secret:
evidence is masked (`sk-…3f9a`).

Rows with a secret count as unusable (a model must not be trained on a live credential; redact it
and the row is usable again). Personal data is a warning and leaves rows usable: it is often
synthetic or intended, and the data owner decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import polars as pl

from dataqa.checks.quality.common import field_at, messages
from dataqa.engine.context import Context
from dataqa.text.detectors import Detector
from dataqa.text.redaction import ALL_DETECTORS, find_values, mask_spans, snippet


@dataclass
class Hit:
    """One confirmed sensitive value in one message."""

    line: int
    role: str
    """Where the value is: the message's role in a conversation, else the record's own field."""
    kind: str
    shown: str
    """The masked value (never the value itself)."""
    evidence: str
    """A masked excerpt of the text around the value."""
    why: str | None = ""
    """Why the value is believed real (PII002), from the text around it; empty when not said, None
    when the text around it shows it is no one's (a business's published contact)."""
    turn: int = 0
    """The message's turn in the record (`messages`), for what the turns around it ask."""
    start: int = 0
    end: int = 0
    """Where the value stands in its message's text."""


Judge = Callable[[Detector, str, str, int, int], str | None]
"""(detector, value, text, start, end) -> why the value is believed real, or None when the text
around it shows it is no one's."""


def scan_messages(
    ctx: Context,
    split_name: str,
    detectors: list[Detector],
    extra_ok: Callable[[Detector, str], bool] | None = None,
    judge: Judge | None = None,
) -> list[Hit]:
    """Every confirmed value of the given kinds in one split's messages, in line order; with `judge`,
    only those it keeps, each with its reason.

    Evidence is cut from the text with every sensitive value masked, of these kinds or others.
    """
    split = ctx.splits[split_name]
    content = pl.col("content")
    escaped_json = content.str.contains(r"(?m)^\s*[\[{]") & content.str.contains("\\", literal=True)
    cand = messages(ctx, split).filter(pl.any_horizontal([*_candidate_filters(detectors), escaped_json]))
    others = [d for d in ALL_DETECTORS if d not in detectors]
    hits: list[Hit] = []
    for line, role, raw, turn in cand.select("line", "role", "content", "turn").iter_rows():
        text = unescaped(raw)
        spans = find_values(text, detectors, extra_ok)
        if not spans:
            continue
        masked = mask_spans(text, spans + find_values(text, others))
        for start, end, det, value in spans:
            why = judge(det, value, text, start, end) if judge is not None else ""
            shown = det.show(value)
            pos = masked.positions.get(start, 0)
            where = field_at(split, role, text, start)  # the data's own field ("input", "output"), or role
            evidence = snippet(masked.text, pos, pos + len(shown), 40)
            hits.append(Hit(line, where, det.kind, shown, evidence, why, turn, start, end))
    return hits


_UNION_SIZE = 12
"""Detectors per polars regex: one union of all sixty outgrows the regex engine's fast automaton (0.9 s
on 46,000 messages, where five unions of twelve take 0.2 s)."""


def _candidate_filters(detectors: list[Detector]) -> list[pl.Expr]:
    """Polars filters that together pick every text one of `detectors` may match (`Detector.candidates`)."""
    content = pl.col("content")
    return [
        content.str.contains("|".join(f"(?:{d.candidates})" for d in detectors[i : i + _UNION_SIZE]))
        for i in range(0, len(detectors), _UNION_SIZE)
    ]


def unescaped(text: str) -> str:
    """A message that is JSON with escapes, or ends in such a line (a tool call's arguments, the calls
    after a turn's text, a JSON string inside JSON,
    `\\n` and `\\u00f1` escapes) as the text it holds: one `key: value` line per string, number or
    flag, strings that are JSON themselves read the same way; any other text as it is. A secret in
    `{"arguments": "{\\"password\\": \\"…\\"}"}` or a key block written with `\\n` is then found as
    it reads."""
    if "\\" not in text:
        return text
    head, last = "", text
    if text.lstrip()[:1] not in ("{", "["):
        head, _, last = text.rpartition("\n")  # calls written after a turn's text, on its last line
        if not head or last[:1] not in ("{", "[") or "\\" not in last:
            return text
    try:
        value = orjson.loads(last)
    except orjson.JSONDecodeError:
        return text
    lines: list[str] = [head] if head else []
    _flatten(value, "", lines)
    return "\n".join(lines)


def _flatten(value: Any, key: str, lines: list[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, str(k), lines)
    elif isinstance(value, list):
        for v in value:
            _flatten(v, key, lines)
    elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            inner = orjson.loads(value)
        except orjson.JSONDecodeError:
            lines.append(f"{key}: {value}" if key else value)
        else:
            _flatten(inner, key, lines)
    elif value is not None:
        lines.append(f"{key}: {value}" if key else str(value))


def group_hits(hits: list[Hit]) -> dict[int, list[Hit]]:
    """Hits per line, in line order, each value named once per role (one finding per record)."""
    grouped: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        if all((h.kind, h.shown, h.role) != (hit.kind, hit.shown, hit.role) for h in grouped[hit.line]):
            grouped[hit.line].append(hit)
    return dict(sorted(grouped.items()))


def describe(hits: list[Hit]) -> str:
    """A record's hits as message text: kind, masked value and role of the first six."""
    parts = [f"{h.kind} ({h.shown}) in {h.role}" + (f": {h.why}" if h.why else "") for h in hits[:6]]
    more = f"; and {len(hits) - 6} more" if len(hits) > 6 else ""
    return "; ".join(parts) + more
