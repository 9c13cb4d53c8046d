"""Label sets: the classes of a multi-label row, and the one text form the `label` column holds.

A multi-label classification row (GoEmotions: `{"text": ..., "labels": [3, 27]}`) carries a set of
classes given as a list of class names or ids. Its `label` column holds the set's canonical form:
the compact JSON list of its distinct classes, numbers first in numeric order, then names in text
order (`[3,27]`, `["anger","joy"]`, `[]`), so two rows with the same set have the same label text
whatever order or repeats their lists had, and messages show the set in the data's own notation.
An empty list is a row none of the classes applies to (a legitimate "none of these" answer in a
multi-label set): it is labelled `[]` and counts for no class.

Nothing here imports polars: the ingest layer and the verdict read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson


def is_label_set(value: Any) -> bool:
    """Whether `value` is a list of class names or ids (strings or numbers, not booleans), possibly empty."""
    return isinstance(value, list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    )


_JOINED = re.compile(r"[^\s,]+(?:\s*,\s*[^\s,]+)+")
"""Classes joined by commas in one table cell ("2,27"): a multi-label row as a TSV or CSV writes it."""


def cell_classes(value: str | int | float) -> list[str | int | float]:
    """The classes one scalar of a multi-label field names: the parts of a comma-joined cell
    (GoEmotions' TSV writes a row's class ids as "2,27"), each class id written in digits read as a
    number (so the cell "27" and the JSON 27 are one class); a single class alone otherwise."""
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    parts = [p.strip() for p in text.split(",")] if _JOINED.fullmatch(text) else [text]
    return [class_value(p) for p in parts]


def class_value(name: str) -> str | int:
    """A class named as text, as a set's list holds it: a class id written in digits is a number
    (the cell "27" and the JSON 27 are one class), any other name its text."""
    return int(name) if name.isdigit() else name


def renamed(values: list[Any], names: dict[str, str]) -> list[Any]:
    """A set's list with each class `names` maps (by its text, `scalar_text`) renamed, in place,
    and a class named twice once (`["Joy", "joy"]`: `["joy"]`)."""
    out: dict[str, Any] = {}
    for v in values:
        new = class_value(names[scalar_text(v)]) if scalar_text(v) in names else v
        out.setdefault(scalar_text(new), new)
    return list(out.values())


def scalar_text(value: object) -> str:
    """A JSON value as a class name: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def label_set_text(values: list[str | int | float]) -> str:
    """The canonical text of a label set (see the module docstring): distinct classes (3 and "3"
    are one class), numbers first in numeric order, then names, as a compact JSON list."""
    distinct: dict[str, str | int | float] = {}
    for v in values:
        distinct.setdefault(scalar_text(v), v)
    ordered = sorted(distinct.values(), key=lambda v: (1, 0.0, v) if isinstance(v, str) else (0, v, ""))
    return orjson.dumps(ordered).decode()


def label_classes(label: str) -> list[str]:
    """The classes one label names: the distinct elements of a JSON list of scalars (a multi-label
    row's set, or one rating per annotator: ["Excellent", "Bad"]; none for an empty list), else the
    label itself. Whether a class is learnable or evaluated is a question about these, not about
    each combination."""
    if not label.startswith("["):
        return [label]
    try:
        value = orjson.loads(label)
    except orjson.JSONDecodeError:
        return [label]
    if not isinstance(value, list) or any(isinstance(v, list | dict) for v in value):
        return [label]
    return sorted({scalar_text(v) for v in value})


def compared_classes(label: str) -> list[str]:
    """The classes a row is weighed by when two rows' labels are told apart class by class: its
    `label_classes`, or for a row of no class (an empty set, `[]`: none of the classes applies)
    that empty set as a class of its own, the rows that say none applies."""
    return label_classes(label) or [label]


FLAG_VALUES = {
    **{0: False, 1: True, "0": False, "1": True},
    **{"0.0": False, "1.0": True, "false": False, "true": True},
}
"""The values of a flag field (`dataqa.ingest.layouts.LABEL_FLAG`) and whether each is on: numbers,
booleans, and the strings a CSV holds them as (a float column written out: "1.0")."""


def flag_set(value: Any) -> list[str] | None:
    """The classes a dict of class to flag sets on (spaCy's textcat data: `"cats": {"bread": 1.0,
    "baking": 0.0}`, every class scored 0 or 1), or None where `value` is no such dict."""
    if not isinstance(value, dict) or not value:
        return None
    flags = {str(name): flag_value(on) for name, on in value.items()}
    if any(on is None for on in flags.values()):
        return None
    return [name for name, on in flags.items() if on]


_SCORE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
"""A score as a TSV or CSV writes it: "5", "4.2", "3.800", ".5" (no exponent, no "nan" or "inf")."""


def score_value(value: Any) -> float | None:
    """A score on a scale (`dataqa.ingest.layouts.LABEL_SCORE`) as a number: a JSON number, or a
    string that is one ("4.2", " 3.800 "); None for anything else (a boolean, "n/a", "")."""
    if isinstance(value, str):
        text = value.strip()
        return float(text) if _SCORE.fullmatch(text) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


Scale = tuple[float, float]
"""A split's lowest and highest score (`score_value`), which LBL001 judges scores apart against."""


def score_scale(labels: Iterable[Any]) -> Scale | None:
    """The lowest and highest of the scores among `labels` (`score_value`); None when none is one."""
    values = [v for v in map(score_value, labels) if v is not None]
    return (min(values), max(values)) if values else None


SCORE_FRACTIONS = 5
"""Distinct values with a fractional part that make a split's numeric labels scores on a scale
(`ScoreTally.scores`): STS-B as GLUE ships it (`{"sentence1", "sentence2", "label": 3.8}`) has
over a hundred; class ids (0, 1, 2; "1.0" as a CSV writes them) have none."""
SCORE_RANGE = 100.0
"""The widest scale scores span (0-5, 1-5, 0-10, 0-100): numbers spread wider are measurements or
identifiers, not a rating."""
OTHER_SHARE = 0.01
"""Labels of a scored split that may be something else than a number (a damaged row, "n/a")."""


@dataclass(frozen=True)
class ScoreTally:
    """What a split's labels say about being scores on a scale, counted piece by piece (`add`):
    labels that are numbers (`score_value`) and labels that are not, up to `SCORE_FRACTIONS`
    distinct numbers with a fractional part, and the numbers' scale."""

    numbers: int = 0
    others: int = 0
    fractions: frozenset[float] = frozenset()
    scale: Scale | None = None

    def add(self, other: ScoreTally) -> ScoreTally:
        fractions = self.fractions | other.fractions
        return ScoreTally(
            self.numbers + other.numbers,
            self.others + other.others,
            frozenset(sorted(fractions)[:SCORE_FRACTIONS]),
            wider(self.scale, other.scale),
        )

    @property
    def scores(self) -> bool:
        """Whether the labels are scores on a scale, whatever the layout called them: nearly all
        numbers (`OTHER_SHARE`), `SCORE_FRACTIONS` distinct ones or more with a fractional part,
        within `SCORE_RANGE`. A split of such labels read as classes makes each score a class
        (a "class" of one row, "conflicts" between 3.8 and 4.0); KorSTS's own layout names its
        field a score, GLUE's STS-B names it "label"."""
        return (
            self.scale is not None
            and len(self.fractions) >= SCORE_FRACTIONS
            and self.others <= OTHER_SHARE * (self.numbers + self.others)
            and self.scale[1] - self.scale[0] <= SCORE_RANGE
        )


def score_tally(counts: Iterable[tuple[Any, int]]) -> ScoreTally:
    """`ScoreTally` of labels given as (label, rows) pairs (a split's distinct labels and counts)."""
    numbers = others = 0
    fractions: set[float] = set()
    values: list[float] = []
    for label, rows in counts:
        value = score_value(label)
        if value is None:
            others += rows
            continue
        numbers += rows
        values.append(value)
        if not value.is_integer() and len(fractions) < SCORE_FRACTIONS:
            fractions.add(value)
    return ScoreTally(numbers, others, frozenset(fractions), (min(values), max(values)) if values else None)


def wider(a: Scale | None, b: Scale | None) -> Scale | None:
    """The scale two parts of a split span together (the blocks of a split read elsewhere)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def flag_value(value: Any) -> bool | None:
    """Whether a flag field's value is on (True), off (False), or not a flag at all (None)."""
    if isinstance(value, str):
        value = value.strip().lower()
    elif isinstance(value, bool):
        return value
    elif not isinstance(value, int | float):
        return None
    return FLAG_VALUES.get(value)
