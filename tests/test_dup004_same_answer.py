"""DUP004 on short many-label data: near-identical inputs that share their answer are not conflicts.

Intent sets repeat an utterance with filler ("now", "please"); there the whole examples fall apart as
near duplicates (the label is a template shingle of the set), so the answers must be compared as such.
"""

from __future__ import annotations

import itertools

import dataqa

VERBS = ["turn on", "switch off", "dim", "brighten", "open", "close", "start", "stop", "play", "pause"]
THINGS = [
    "the lights",
    "the radio",
    "the heater",
    "the fan",
    "the blinds",
    "the tv",
    "the speaker",
    "the oven",
]


def utterances() -> list[dict[str, str]]:
    """Three phrasings of each command, every phrasing with the command's own label."""
    rows = []
    for verb, thing in itertools.product(VERBS, THINGS):
        label = f"{verb.replace(' ', '_')}_{thing.split()[-1]}"
        rows += [
            {"text": text, "label": label}
            for text in (f"{verb} {thing}", f"{verb} {thing} now", f"please {verb} {thing}")
        ]
    return rows


def dup004(rows: list[dict[str, str]]) -> list[list[int | None]]:
    report = dataqa.scan(rows)
    return [[loc.row for loc in f.locations] for f in report.findings if f.check_id == "DUP004"]


def test_filler_variants_with_one_label_are_not_different_answers() -> None:
    assert dup004(utterances()) == []


def test_a_variant_under_another_label_is_still_reported() -> None:
    rows = utterances()
    rows[4]["label"] = "stop_radio"  # "turn on the radio now" under another command's label
    assert dup004(rows) == [[3, 4]]
