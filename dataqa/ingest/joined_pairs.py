"""Two texts joined in one field by a separator token: a sentence pair exported for a BERT-style
model ("premise<sep>hypothesis", "sentence1 [SEP] sentence2") beside its label.

Read as one text, such a pair is compared whole: the same long premise with two hypotheses, one
entailed and one contradicted, looks like one input under two labels (ParsiNLU's FarsTail merge,
`premise<sep>hypothesis<TAB>label`: 1,186 LBL002 findings, nearly all of them what the set asks).
Where nearly every value of the text field (`JOINED_SHARE`) holds one such marker once, with words
on both sides, the layout reads the pair as a text and its context, as it reads two fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from dataqa.ingest.layouts import CLASSIFICATION, Layout

MARKERS = ("[SEP]", "<sep>", "</s>", "|||")
"""Separator tokens that join a pair of texts in one string; a marker of one tokenizer, not prose."""
JOINED_SHARE = 0.9
"""Share of a field's strings that must hold one marker once for the field to be a joined pair."""


def markers_joining(value: str) -> list[str]:
    """The markers that `value` holds exactly once, with words on both sides."""
    return [
        marker
        for marker in MARKERS
        if marker in value and value.count(marker) == 1 and all(p.strip() for p in value.split(marker))
    ]


def joining_marker(joined: Mapping[str, int], strings: int) -> str | None:
    """The marker (of `joined`: marker -> strings that hold it once) that joins `JOINED_SHARE` of
    a field's `strings`, else None."""
    found = [m for m in MARKERS if strings and joined.get(m, 0) >= JOINED_SHARE * strings]
    return found[0] if found else None


def split_pair(text: str, marker: str) -> tuple[str, str]:
    """The text before the marker and the one after it (all of it before, when it has no marker)."""
    first, _, second = text.partition(marker)
    return first.strip(), second.strip()


def joined_layout(
    layout: Layout | None, marker_of: Callable[[str], str | None], by_position: bool
) -> tuple[Layout, str] | None:
    """`layout` reading its text field as a joined pair, with the sentence that says so, when it is
    single-label classification of one text whose surveyed values are joined (`marker_of` the field:
    `KeySurvey.joining_marker`); `by_position`: the records name no fields."""
    if layout is None or layout.kind != CLASSIFICATION or layout.multi_label:  # flags are multi-label too
        return None
    if any(role == "context" for _, role in layout.fields):
        return None
    key = layout.source("text") or "text"
    if (marker := marker_of(key)) is None:
        return None
    said = f"item {key}" if by_position else f'"{key}"'
    note = f"read as sentence pairs: {said} holds two texts joined by {marker}, the second their context"
    return replace(layout, title=f"{layout.title}, two texts joined by {marker}", pair_marker=marker), note
