"""Classification records as canonical rows: a text (or a sentence pair) and its class or set of classes.

One of the per-kind normalisers of `dataqa.ingest.normalisers`; its label texts (`label_text`) also
serve a label read from another layout's field (`--label-field`).
"""

from __future__ import annotations

from typing import Any

import orjson

from dataqa.ingest.formats import MISSING_FIELD, NO_TARGET, WRONG_TYPE
from dataqa.ingest.issues import excerpt, json_type
from dataqa.ingest.joined_pairs import split_pair
from dataqa.ingest.label_sets import cell_classes, flag_set, flag_value, is_label_set, label_set_text
from dataqa.ingest.layouts import MISSING, Layout, lookup
from dataqa.ingest.marks import binary_reject
from dataqa.ingest.record import Record, optional_field, string_field

NEGATIVE = "not "
"""What a binary annotation's rejected label becomes: Prodigy's {"label": "DOCUMENTATION", "answer":
"reject"} says the text is not about documentation, a class of its own beside the accepted one (so
the same text accepted and rejected is two labels, and the split has two classes, not one)."""


def label_text(value: Any, rec: Record, declared: bool = False) -> str | None:
    """A label value as text; a JSON object, array or boolean label is noted in the record's
    structure (LBL008 says once per split that such values became classes), unless its layout
    `declared` that type (BoolQ's true/false answer is its class)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | dict | list) and not declared:
        rec.structure.label_type = json_type(value)
    if isinstance(value, bool | int | float):
        return orjson.dumps(value).decode()
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def class_name(value: Any) -> bool:
    """Whether `value` names one class: a non-blank string or a number (not a boolean)."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int | float) and not isinstance(value, bool)


def normalise_classification(
    obj: dict[str, Any], rec: Record, layout: Layout, label_field: str | None
) -> None:
    """Text (or a sentence pair) and its class; in a multi-label layout, its set of classes in the
    canonical form of `dataqa.ingest.label_sets` (a list of objects there is still LBL008's), and
    with one flag field a class, the names of the fields that are on (detection has checked that
    every flag holds 0 or 1)."""
    text = string_field(obj, layout.source("text") or "text", rec, lenient=layout.lenient)
    # sentence-pair classification: the pair is the input (two fields, or one joined by a marker)
    required = any(r == "context" for _, r in layout.fields)  # a pair layout's second text
    pair = split_pair(text, layout.pair_marker) if layout.pair_marker else None
    text, second = pair or (text, optional_field(obj, layout, "context", rec, required=required))
    text = f"{text}\n\n{second}" if second.strip() else text
    if layout.flags and not label_field:  # one field a class (Jigsaw): the set of those that are on
        values = {f: flag_value(obj.get(f)) for f in layout.flags}
        for f, on in values.items():
            if on is None:
                rec.issue(WRONG_TYPE, f'"{f}" is {excerpt(str(obj.get(f)), 40)!r}; a class flag is 0 or 1')
        rec.label = label_set_text([f for f, on in values.items() if on])
        rec.turns = [("user", text), ("assistant", rec.label)]
        return
    key = label_field if label_field and label_field in obj else layout.source("label") or "label"
    if (value := lookup(obj, key)) is MISSING and layout.multi_label:
        label = label_set_text([])  # no set of classes: none applies (NLU++ leaves "intents" out so)
    elif value is MISSING:
        rec.issue(MISSING_FIELD, f'no "{key}" field')
        label = None
    elif layout.multi_label and (on := flag_set(value)) is not None:
        label = label_set_text(on)  # every class scored 0 or 1 (spaCy's "cats"): the set of those on
    elif layout.multi_label and (is_label_set(value) or class_name(value)):
        # a set of classes (one class alone is a set of one); an empty list is a row none applies to
        label = label_set_text(value if isinstance(value, list) else cell_classes(value))
    else:
        label = label_text(value, rec, declared=(key, json_type(value)) in layout.types)
        if label is None or not label.strip():
            rec.issue(NO_TARGET, f'"{key}" is empty')
        elif key == "label" and "answer" in obj and binary_reject(obj, "answer"):
            label = f"{NEGATIVE}{label}"
    rec.label = label
    rec.turns = [("user", text), ("assistant", label or "")]
