"""Label inference: whether chat replies form a small closed set (classification written as chat), and
the structural shape of a target that tells a malformed reply from a class of its own."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

import orjson
import polars as pl

from dataqa.ingest.issues import json_type

_KEY_LINE = re.compile(r"^\s*[*_]{0,2}([A-Za-z][A-Za-z0-9 _/-]{0,40}?)[*_]{0,2}\s*:")


def target_shape(text: str) -> str:
    """A coarse structural signature of a target: JSON with its keys, key-value template, or prose."""
    stripped = text.strip()
    body = stripped
    if body.startswith("```") and body.endswith("```"):
        body = body.strip("`").partition("\n")[2].strip()
    if body[:1] in "{[":
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return "invalid JSON"
        if isinstance(value, dict):
            return "JSON object with keys " + ", ".join(sorted(map(str, value)))[:200]
        return f"JSON {json_type(value)}"
    lines = [ln for ln in stripped.splitlines() if ln.strip()]
    keys = [m.group(1).strip().lower() for ln in lines if (m := _KEY_LINE.match(ln))]
    if len(keys) >= 2 and len(keys) >= 0.6 * len(lines):
        return "template with fields " + ", ".join(keys)[:200]
    return "free text"


def canonical_label(reply: str) -> str:
    """A reply as a label: JSON objects re-serialised with sorted keys, other text stripped."""
    text = reply.strip()
    if text[:1] == "{":
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            return text
        if isinstance(value, dict):
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return text


UNSTRUCTURED_SHAPES = ("", "free text")
"""`target_shape` values of replies without a structure (empty, prose)."""
LABEL_SLICE = 20_000
"""Replies turned into Python strings at once while looking for a closed set of labels."""


def closed_set_labels(
    replies: pl.Series, min_share: float = 0.8, max_classes: int = 50
) -> list[str | None] | None:
    """Per-row labels when chat replies form a small closed set (classification written as chat).

    When most replies share a structure (e.g. JSON with the same keys), a reply in another shape
    is a malformed target (FMT017 reports it), not a class of its own: its label is None.
    Returns None when the replies are not a closed set. Replies (a String Series, null for rows
    without one) are read `LABEL_SLICE` at a time, and the labels pass stops at the first label
    past `max_classes` distinct ones: free-text chat data is ruled out after one slice.
    """

    def slices() -> Iterator[list[str | None]]:
        for start in range(0, len(replies), LABEL_SLICE):
            yield replies.slice(start, LABEL_SLICE).to_list()

    counts: dict[str, int] = {}
    shape_ids: dict[str, int] = {}
    shape_of_row: list[int] = []  # an id per reply, so the labels pass need not parse it again
    # Once more than 1 - min_share of the replies are prose or empty, no structure can hold
    # min_share of them: the shapes pass stops there (after about a fifth of a free-text split).
    unstructured, ruled_out = 0, False
    for reply in itertools.chain.from_iterable(slices()):
        shape = target_shape(reply) if reply else ""
        counts[shape] = counts.get(shape, 0) + 1
        shape_of_row.append(shape_ids.setdefault(shape, len(shape_ids)))
        if shape in UNSTRUCTURED_SHAPES:
            unstructured += 1
            if len(replies) - unstructured < min_share * len(replies):
                ruled_out = True
                break
    dominant = max(counts, key=lambda k: (counts[k], k)) if counts else ""
    structured = (
        not ruled_out and dominant not in UNSTRUCTURED_SHAPES and counts[dominant] >= min_share * len(replies)
    )
    dominant_id = shape_ids.get(dominant)
    labels: list[str | None] = []
    distinct: set[str] = set()
    for part in slices():
        for reply in part:
            label = None
            in_shape = not structured or shape_of_row[len(labels)] == dominant_id
            if reply and reply.strip() and in_shape:
                label = canonical_label(reply)
                if label.strip():
                    distinct.add(label.strip())
            labels.append(label)
        if len(distinct) > max_classes:
            return None
    return labels if infer_labels(labels, max_classes=max_classes) else None


def infer_labels(
    responses: Iterable[str | None], max_classes: int = 50, max_share: float = 0.2, max_chars: int = 64
) -> bool:
    """Whether chat replies form a small closed set, i.e. classification written as chat.

    True when there are at least 10 replies, at most `max_classes` distinct ones, the distinct
    count is at most `max_share` of the replies, and replies are short (95 % within `max_chars`).
    """
    values = [r.strip() for r in responses if r is not None and r.strip()]
    if len(values) < 10:
        return False
    distinct = set(values)
    if len(distinct) > max_classes or len(distinct) > max_share * len(values):
        return False
    short = sum(1 for v in values if len(v) <= max_chars)
    return short >= 0.95 * len(values)
