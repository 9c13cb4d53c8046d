"""Layout detection: which layout each record is in, the most specific first, cached by its keys.

`Detector` matches a record against the layouts of `dataqa.ingest.layouts` (mapped ones first when
the user gave a field map), and says whether the record is complete in it or only claimed by one of
its anchor fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dataqa.ingest.issues import json_type
from dataqa.ingest.label_sets import flag_set, flag_value, is_label_set, score_value
from dataqa.ingest.layouts import (
    CLASSIFICATION,
    LABEL_FLAG,
    LABEL_FLAGS,
    LABEL_SCORE,
    LABEL_SET,
    LAYOUTS,
    MISSING,
    Layout,
    lookup,
)

_CACHE_MAX = 4096
_CACHED_KEYS = 64
"""Records with more top-level keys than this are detected afresh: the cache holds key tuples."""


@dataclass
class Detector:
    """Finds the layout of each record among `layouts` (mapped ones first, then the built-ins).

    A record is in a layout when it has all the layout's required fields (of the right type); the
    layout with the most required fields wins, then the one reading most of the record's keys,
    then the first. With none complete, a layout whose anchor field the record has claims it, as
    an incomplete record of that layout (`complete` False). `label_field` (`--label-field`) is
    the label of a text record, and of no other layout. Results are cached by the record's keys.
    """

    layouts: Sequence[Layout]
    label_field: str | None = None
    _cache: dict[tuple, tuple[Layout | None, bool]] = field(default_factory=dict)
    _typed: tuple[str, ...] = ()
    _paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        typed = {f for layout in self.layouts for f, _ in layout.types}
        if self.label_field is not None:  # read in a multi-label layout or not by its value's type
            typed.add(self.label_field)
        self._typed = tuple(sorted(typed))
        self._paths = tuple(
            sorted({f for lay in self.layouts for f, _ in (*lay.fields, *lay.optional) if "." in f})
        )

    def detect(self, obj: dict[str, Any]) -> tuple[Layout | None, bool]:
        """(the record's layout or None, whether the record has every required field of it)."""
        if len(obj) > _CACHED_KEYS:  # a hostile record's keys are not kept
            return self._detect(obj)
        key: tuple = tuple(obj)
        for k in self._typed:  # the Python type stands for the JSON type (a list's: of its first item)
            if k in obj:
                value = obj[k]
                if isinstance(value, list):
                    key += ((list, type(value[0]) if value else None),)
                else:  # a string that is a number may be a score ("4.2"), another may not
                    key += ((str, score_value(value) is not None) if isinstance(value, str) else type(value),)
        if self._paths:
            key = (key, *[lookup(obj, p) is not MISSING for p in self._paths])
        hit = self._cache.get(key)
        if hit is None:
            hit = self._detect(obj)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def complete_in(self, obj: dict[str, Any], layout: Layout, types: bool = True) -> bool:
        """Whether the record has every required field of `layout` (of the right type, unless not
        `types`: then a KTO record whose label is a string is still KTO, with a wrong-type label)."""
        return self._fits(obj, layout, self._keys(obj), types) is not None

    def _keys(self, obj: dict[str, Any]) -> set[str]:
        keys = set(obj)
        if self.label_field is not None:
            keys.discard(self.label_field)
        return keys

    def _fits(self, obj: dict[str, Any], layout: Layout, keys: set[str], types: bool = True) -> int | None:
        """The number of required fields when the record is complete in `layout`, else None."""
        fields = layout.fields
        if (
            layout.kind == CLASSIFICATION
            and self.label_field is not None
            and self.label_field in obj
            and layout.base is None
        ):
            fields = tuple((f, r) for f, r in fields if r != "label")
            if layout.multi_label and types and not is_label_set(obj[self.label_field]):
                return None
        for f, _ in fields:
            if not (f in keys if "." not in f else lookup(obj, f) is not MISSING):
                return None
        if types and not all(_has_type(obj[f], t) for f, t in layout.types if f in obj):
            return None
        if layout.strict and keys - layout.known_keys:
            return None
        return len(fields)

    def _detect(self, obj: dict[str, Any]) -> tuple[Layout | None, bool]:
        keys = self._keys(obj)
        best: tuple[int, int, int] | None = None
        chosen: Layout | None = None
        partial: Layout | None = None
        partial_score = -1
        for order, layout in enumerate(self.layouts):
            required = self._fits(obj, layout, keys)
            if required is None:
                if layout.anchors & keys:
                    have = sum(1 for f, _ in layout.fields if f in keys)
                    if have > partial_score:
                        partial, partial_score = layout, have
                continue
            score = (required, len(keys & layout.known_keys), -order)
            if best is None or score > best:
                best, chosen = score, layout
        if chosen is not None:
            return chosen, True
        return partial, False


def detect_layout(obj: dict[str, Any], label_field: str | None = None) -> Layout | None:
    """The built-in layout of one record (complete, or claimed by an anchor field), or None."""
    return Detector(list(LAYOUTS.values()), label_field).detect(obj)[0]


def _has_type(value: Any, declared: str) -> bool:
    """Whether `value` has a layout's declared JSON type: "array of string" asks for a list whose
    first item is a string (UltraChat's turns, not SNIPS' segments), "array" for any list,
    `LABEL_SET` for a list of class names or ids (a multi-label row's classes, possibly none),
    `LABEL_FLAG` for 0 or 1 (a multi-label row's class given as a field of its own), `LABEL_SCORE` for
    a number, written as one or as text ("4.2")."""
    if declared == LABEL_SCORE:
        return score_value(value) is not None
    if declared == LABEL_SET:
        return is_label_set(value)
    if declared == LABEL_FLAG:
        return flag_value(value) is not None
    if declared == LABEL_FLAGS:
        return flag_set(value) is not None
    if declared.startswith("array of "):
        return isinstance(value, list) and bool(value) and json_type(value[0]) == declared[len("array of ") :]
    return json_type(value) == declared
