"""Records with no text to train on, named for what they are: ids with their classes (tweets
withheld), an answer key (ids to labels of examples kept elsewhere), token ids (a tokenizer's output).
Each gives the FMT018 finding its words (`unrecognised.unrecognised_detail`) in place of a field map
nothing satisfies."""

from __future__ import annotations

from dataqa.ingest.survey import KeySurvey, free_text, is_id, label_like


def ids_and_classes(survey: KeySurvey) -> str | None:
    """What records of ids and classes alone are (BounTi's `{"id", "value"}`: tweet ids with their
    sentiment, the tweets withheld for the platform's terms), and what a fine-tuning file would need;
    None for records with any free text, or without an id field and a class."""
    keys = survey.common()
    ids = [k for k in keys if is_id(k)]
    classes = [k for k in keys if k not in ids and label_like(survey, k)]
    if not ids or not classes or len(ids) + len(classes) != len(keys):
        return None  # a key that is neither (a free text, a nested object) is something else
    named = ", ".join(f'"{k}"' for k in [*ids, *classes][:6])
    return (
        f"the records hold ids and classes only ({named}): no text to train on, and no field map makes "
        "one. A set shipped so names its examples by id (tweets withheld for the platform's terms): fetch "
        'each text by its id first ("hydrate" it), then give every record its text beside its class '
        '({"text": ..., "label": ...})'
    )


def token_ids(survey: KeySurvey) -> str | None:
    """What records of token ids are (a `datasets` export saved after `.map(tokenizer)`: `input_ids`,
    `attention_mask`, `token_type_ids` beside a class id): a model's input, the words gone; None for
    records that keep a free text beside their ids, or hold no list of numbers named as ids."""
    keys = survey.common()
    tokens = [
        k for k in keys if survey.kind(k) == "array of number" and k.lower().endswith(("_ids", "_mask"))
    ]
    if not any(k.lower().endswith("_ids") for k in tokens) or any(free_text(survey, k) for k in keys):
        return None
    named = ", ".join(f'"{k}"' for k in tokens[:4])
    return (
        f"the records are token ids ({named}): a tokenizer's output, the text already gone, so no check "
        "reads it and no field map makes text of it. Scan the data as it was before tokenizing (or "
        "decode the ids with the tokenizer that made them and scan that)"
    )


ANSWER_KEY_IDS = 20
"""Fewest keys of one object read as an answer key (ids to values), not a record of a few fields."""


def answer_key(survey: KeySurvey) -> str | None:
    """What a file that is one object of ids, each given a short value that repeats, is (PubMedQA's
    `test_ground_truth.json`: PMIDs to "yes" / "no" / "maybe"): the labels of examples kept in another
    file, by id; None for any other file (several records, keys that are words, values of their own)."""
    if survey.records != 1 or not survey.samples or len(survey.keys) < ANSWER_KEY_IDS:
        return None
    ids = list(survey.keys)
    if not all(len(k) <= 40 and any(c.isdigit() for c in k) and not any(c.isspace() for c in k) for k in ids):
        return None
    values = list(survey.samples[0].values())
    if not all(isinstance(v, int | float) or (isinstance(v, str) and 0 < len(v) <= 40) for v in values):
        return None
    distinct = list(dict.fromkeys(str(v) for v in values))
    if len(distinct) > len(values) // 4:
        return None  # a value of its own for each id: a lookup table, not classes
    shown = ", ".join(f'"{k}"' for k in ids[:3])
    classes = ", ".join(f'"{v}"' for v in distinct[:6])
    return (
        f"the file is one object whose keys are ids ({shown}, ...) and whose values are short and repeat "
        f"({classes}, ...): an answer key, the labels of examples kept in another file, with no text to "
        "train on. Give each example in that file its label by id and scan that"
    )
