"""DUP004 on short many-label data: near-identical inputs that share their answer are not conflicts.

Intent sets repeat an utterance with filler ("now", "please"); there the whole examples fall apart as
near duplicates (the label is a template shingle of the set), so the answers must be compared as such.
"""

from __future__ import annotations

import itertools

import dataqa
from dataqa.checks.duplicates.told_apart import kind_apart, labelled_apart

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


def test_a_word_goes_with_a_label_only_where_the_set_writes_it_under_that_label_far_more() -> None:
    """Near inputs under two labels are told apart by a word only one has when the set writes it
    under that input's label in two rows or more and never under the other's, or at least
    `DECIDING` times as often per example (the compared inputs left out); it does not matter which
    input of the pair has it. A word written as often under the other label tells nothing; a
    common word of the set tells only by that ratio."""
    card = ({"order", "a", "virtual", "card"}, {"order", "a", "card"})
    seen = {
        "mokotow": {"InLocation": 2},
        "me": {"Rating": 2, "ReviewCount": 1},
        "virtual": {"VirtualCard": 97, "PhysicalCard": 1},
    }
    sizes = {"InLocation": 40, "ReviewCount": 40, "Rating": 40, "VirtualCard": 98, "PhysicalCard": 120}
    place, plain = {"find", "restaurants", "mokotow"}, {"find", "restaurants"}
    assert labelled_apart((place, plain), ("InLocation", "ReviewCount"), seen, frozenset(), sizes)
    assert labelled_apart((plain, place), ("ReviewCount", "InLocation"), seen, frozenset(), sizes)
    common = frozenset({"mokotow"})  # never under the other label, but in two of forty: chance
    assert not labelled_apart(
        (place, plain), ("InLocation", "ReviewCount"), seen, common, {**sizes, "InLocation": 400}
    )
    assert labelled_apart(card, ("VirtualCard", "PhysicalCard"), seen, frozenset({"virtual"}), sizes)
    show = ({"show", "me", "restaurants"}, {"show", "restaurants"})
    assert not labelled_apart(show, ("Rating", "ReviewCount"), seen, frozenset(), sizes)
    assert labelled_apart(card, ("VirtualCard", "PhysicalCard"), seen, frozenset(), sizes)
    seen["virtual"]["PhysicalCard"] = 40  # written under both labels alike: no longer what decides
    assert not labelled_apart(card, ("VirtualCard", "PhysicalCard"), seen, frozenset(), sizes)


def test_kind_apart_reads_a_word_put_between_a_determiner_and_its_noun() -> None:
    """`told_apart.kind_apart`: "a (put) option", "what (city and) state" / "(in) what state" name
    another kind of the thing asked; a word the other answer says, a rating word, or words put after a
    question word and the noun it asks for ("what language (do people) speak") do not."""

    def apart(a: str, b: str, said_a: str = "", said_b: str = "") -> bool:
        return kind_apart((a.split(), b.split()), (set(said_a.split()), set(said_b.split())))

    assert apart("what is a put option in finance", "what is an option in finance")
    assert apart("what city and state was the academy founded", "in what state was the academy founded")
    assert not apart("what language do people speak in brazil", "what language speak in brazil")
    assert not apart("brainstorm a new idea for a film", "brainstorm an idea for a film")
    assert not apart("what type of government does japan have", "what government does japan have")
    league = "what is the english premier league"
    assert not apart(league, "what is the premier league", "", "the top level of english football")
