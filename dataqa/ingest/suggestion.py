"""The `--map` suggestion for a file in no known layout: its keys' roles guessed.

`suggest_map` guesses a field map from the keys' names and values (`dataqa.ingest.survey`), and
`readable_share` measures how much of the surveyed records the suggestion would read
(`dataqa.ingest.unrecognised` words the finding). Records written as JSON arrays are guessed from
their items' values alone. The readings taken without asking are `dataqa.ingest.guesses`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from dataqa.ingest.detection import Detector
from dataqa.ingest.layouts import ROLES, Layout
from dataqa.ingest.survey import (
    KeySurvey,
    flag_like,
    free_text,
    is_id,
    is_quantity,
    key_words,
    label_like,
    messages_like,
    named_as_role,
    role_by_name,
)

_TEXTS = ("string", "array of string")
"""What a text field holds: a string, or a list of its sentences (read one per line once mapped)."""
_OBJECT_TEXT = re.compile(r'\s*(?:\[\s*\]\s*$|\[?\s*\{\s*")')
"""A JSON object, a list of them or an empty list written as text ('[{"head": "Hamlet", ...}]')."""


def _serialised_objects(survey: KeySurvey, key: str) -> bool:
    """Whether every surveyed value of `key` is JSON objects written as text, one at least not an
    empty list: the structure an extraction task asks for (IEPile's gold triples under "label"), an
    answer to write, not a class."""
    values = [obj.get(key) for obj in survey.samples if key in obj]
    return (
        bool(values)
        and all(isinstance(v, str) and _OBJECT_TEXT.match(v) for v in values)
        and any("{" in v for v in values)
    )


def _value_ids(survey: KeySurvey, key: str) -> bool:
    """Whether every surveyed value of `key` is a distinct short token with no space (a comment id
    such as GoEmotions' "eebbqej"): the record's id, whatever its position, never a text."""
    values = [obj.get(key) for obj in survey.samples]
    return (
        len(values) >= 2
        and all(isinstance(v, str) and 0 < len(v) <= 40 and not any(c.isspace() for c in v) for v in values)
        and len(set(values)) == len(values)
    )


NEAR_CONSTANT = 0.95
"""Share of a field's values one value may reach before the field is near-constant, no label."""


def _near_constant(survey: KeySurvey, key: str) -> bool:
    """Whether `key` holds one value in (nearly) every record of the file (a source's "provider":
    "PyTorch" in 819 of 837): a field that sorts the records into no classes is no label to read.
    Counted over the whole file (`KeySurvey.repeats`): a file sorted by its label shows one class first.
    A field of one value is left as it was read (a file may hold one class of a split by class)."""
    counts = survey.repeats.get(key, Counter())
    total = sum(counts.values())
    return len(counts) >= 2 and max(counts.values()) >= NEAR_CONSTANT * total


def map_by_values(survey: KeySurvey, items: list[str]) -> dict[str, str] | None:
    """A field map from the values of `items` (an array's positions, or keys whose names say
    nothing: Kaggle's spam.csv "v1", "v2"): one free text and one label ([text, label], an id column
    beside them kept as metadata), a label and two texts (a headerless news table's class, title and
    body: the longer is the text, the other its context), or two free texts (a prompt, then its
    response)."""
    ids = [k for k in items if _value_ids(survey, k)]
    texts = [k for k in items if free_text(survey, k) and k not in ids]
    labels = [
        k
        for k in items
        if survey.kind(k) in ("string", "number") and label_like(survey, k) and not _near_constant(survey, k)
    ]
    if len(texts) == 1 and len(labels) == 1:
        return {texts[0]: "text", labels[0]: "label", **dict.fromkeys(ids[:1], "meta")}
    if len(texts) == 1 and len(labels) == 2 and (finer := _finer(survey, *labels)) is not None:
        coarse = next(k for k in labels if k != finer)  # implied by the finer class: metadata
        return {texts[0]: "text", finer: "label", coarse: "meta", **dict.fromkeys(ids[:1], "meta")}
    if len(texts) == 2 and len(labels) == 1:
        text, context = sorted(texts, key=lambda k: (-survey.lengths[k], items.index(k)))
        return {labels[0]: "label", text: "text", context: "context"}
    if len(texts) == 2 and not labels:
        return {texts[0]: "prompt", texts[1]: "response"}
    return None


def _finer(survey: KeySurvey, first: str, second: str) -> str | None:
    """Of two class columns, the one that refines the other: more classes, each always beside one
    class of the other (GermEval 2018's fine INSULT / ABUSE / PROFANITY / OTHER beside its coarse
    OFFENSE / OTHER, one label hierarchy written twice); None when neither does (two independent
    class sets, which of them is the label is the user's to say)."""
    implied: dict[str, dict[Any, set[Any]]] = {first: {}, second: {}}
    for obj in survey.samples:
        a, b = obj.get(first), obj.get(second)
        implied[first].setdefault(a, set()).add(b)
        implied[second].setdefault(b, set()).add(a)
    for fine, coarse in ((first, second), (second, first)):
        if len(implied[fine]) > len(implied[coarse]) and all(len(v) == 1 for v in implied[fine].values()):
            return fine
    return None


def independent_classes(survey: KeySurvey) -> list[str]:
    """The class fields of records with one free text beside two or more fields named as labels
    whose short values repeat and that are not one label hierarchy (`_finer`): a sentiment and a
    topic of one sentence (UIT-VSFC). A field of 0 / 1 or true / false under a name of no role is
    one too: what the text is judged by (ArSarcasm's `sarcasm` beside its `sentiment`s), as one such
    field alone is read as the label (`guesses.flag_fields`). Which is the label is the user's to
    say; [] for any other records (a score or a count beside a text is no second label)."""
    keys = [k for k in survey.common() if not is_id(k) and not _value_ids(survey, k)]
    texts = [k for k in keys if free_text(survey, k)]
    classes = [
        k
        for k in keys
        if (
            role_by_name(k) == "label"
            and not is_quantity(k)
            and survey.kind(k) in ("string", "number")
            and label_like(survey, k)
            and len(survey.distinct.get(k, ())) >= 2
        )
        or (role_by_name(k) is None and flag_like(survey, k) and len(survey.distinct.get(k, ())) == 2)
    ]
    if len(texts) != 1 or len(classes) < 2 or (len(classes) == 2 and _finer(survey, *classes) is not None):
        return []
    return classes


def _scalar(value: Any) -> bool:
    """Whether a value is one number or one short string (a label or a score, not a list of votes)."""
    if isinstance(value, str):
        return 0 < len(value) <= 64
    return isinstance(value, int | float) and not isinstance(value, bool)


def inner_field(survey: KeySurvey, key: str, role: str) -> str | None:
    """The key inside the objects a field named as `role` holds that names that role too and holds a
    number or a short string in every surveyed record (KLUE-STS's `"labels": {"label": 4.9,
    "real-label": 4.857, "binary-label": 1}`, a `datasets` export's struct column): the role's own
    word before a qualified one ("label" before "binary-label"); None when no inner key does."""
    objects = [v for v in (obj.get(key) for obj in survey.samples) if isinstance(v, dict)]
    if not objects:
        return None
    candidates = [
        inner
        for inner in objects[0]
        if role_by_name(str(inner)) == role and all(_scalar(v) for v in (o.get(inner) for o in objects))
    ]
    exact = [inner for inner in candidates if key_words(str(inner)) in (role, key_words(key))]
    return (exact or candidates or [None])[0]


def suggest_map(survey: KeySurvey) -> dict[str, str] | None:
    """A field map that reads the surveyed records, guessed from their keys' names and values (for
    records written as arrays, from their items' values); None for records whose label is the user's
    to choose (`independent_classes`)."""
    if survey.of_arrays:
        return map_by_values(survey, [k for k in survey.common() if k.isdigit()])
    if independent_classes(survey):
        return None
    keys = survey.common()
    roles: dict[str, str] = {}
    taken: set[str] = set()

    def give(key: str, role: str) -> None:
        if role not in taken and key not in roles:
            roles[key] = role
            taken.add(role)

    for key in keys:
        if messages_like(survey, key):
            give(key, "messages")
        elif survey.kind(key) == "array of object" and "text" in survey.nested.get(key, ()):
            give(key, "text")  # text in segments (SNIPS: [{"text": "Rate "}, {"text": ..., "entity": ...}])
    # A key named exactly as a role first: LegalBench's "answer" (Yes / No) is the response, not the
    # "bill_summary" before it, whose name only holds a response word.
    for key in sorted(keys, key=lambda k: not named_as_role(k)):
        role = role_by_name(key)
        kind = survey.kind(key)
        if role is None or key in roles or is_id(key) or kind == "null":
            continue  # a key that is null in most records holds nothing to read
        if kind == "object" and (inner := inner_field(survey, key, role)) is not None:
            give(f"{key}.{inner}", role)
            continue
        if role == "messages" and "messages" not in taken and not messages_like(survey, key):
            continue
        if role in ("prompt", "context", "system", "text") and kind != "string":
            continue
        if role != "label" and is_quantity(key):
            continue  # Nectar's "num_responses" is how many answers there are, not an answer
        if role == "response" and kind not in ("string", "number", "array of string", "array of number"):
            continue
        if role == "label" and kind == "string" and _serialised_objects(survey, key):
            give(key, "response")
            continue
        if role == "label" and kind == "string" and not label_like(survey, key):
            continue
        if role == "label" and kind not in ("string", "number") and key_words(key) != "label":
            continue  # a flag such as "is_classification" is not the label
        give(key, role)
    if "response" not in taken:  # a nested target: self-instruct's "instances": [{"input", "output"}]
        for key in keys:
            inner = survey.nested.get(key)
            if key in roles or not inner:
                continue
            for sub in inner:
                role = role_by_name(sub)
                if role in ("response", "context") and role not in taken:
                    give(f"{key}.0.{sub}", role if role == "response" or "prompt" in taken else "prompt")
                elif role == "prompt":
                    give(f"{key}.0.{sub}", "context" if "prompt" in taken else "prompt")
    if "response" in taken and "prompt" not in taken and "messages" not in taken:
        # The question is the longest text that is not an id or the answer; a text written as a list
        # of its sentences (SciTLDR's abstract under "source") is one, longer than a title beside it.
        rest = [k for k in keys if k not in roles and survey.kind(k) in _TEXTS and not is_id(k)]
        if rest:
            give(max(rest, key=survey.mean_length), "prompt")
    if "label" in taken and not taken & {"prompt", "messages", "text", "response"}:
        rest = [k for k in keys if k not in roles and survey.kind(k) == "string" and not is_id(k)]
        if rest:
            give(max(rest, key=survey.mean_length), "text")
    if "label" in taken and "text" in taken and not taken & {"prompt", "response", "context"}:
        # sentence-pair classification (premise and hypothesis): the second free text is read too
        rest = [k for k in keys if k not in roles and free_text(survey, k) and not is_id(k)]
        if rest:
            give(max(rest, key=survey.mean_length), "context")
    if "text" in taken and "response" in taken and "prompt" not in taken:
        text = next(k for k, r in roles.items() if r == "text")
        roles[text] = "prompt"
    if not roles:  # no name says a role: read the values (empty columns and ids left out)
        return map_by_values(survey, [k for k in keys if survey.lengths[k] and not is_id(k)])
    order = list(ROLES)
    return dict(sorted(roles.items(), key=lambda kv: order.index(kv[1]))) or None


def readable_share(
    layouts: Sequence[Layout], records: Sequence[dict[str, Any]], label_field: str | None
) -> float:
    """Share of `records` complete in one of `layouts` (how well a suggestion would read a file)."""
    if not records:
        return 0.0
    detector = Detector(layouts, label_field)
    return sum(1 for r in records if detector.detect(r)[1]) / len(records)
