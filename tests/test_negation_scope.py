"""LBL006's negation scope (`negated`): the one-search shortcut for texts without a negation must
give exactly what the word-by-word look gives. The reference below is the look alone (a word
ending in "nt" with an apostrophe before the "t" or the "n" is a negation: "n't", "does'nt")."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.checks.labels.label_space import LABEL_TOKENS
from dataqa.checks.labels.negation import NEGATION_SCOPE, is_negation, negated
from dataqa.text.word_lists import NEGATIONS

_CLAUSE = re.compile(r"[.,;:!?()\[\]]|\b(?:but|and|or|because|so|though|although)\b", re.IGNORECASE)
_WORD = re.compile(LABEL_TOKENS)


def _reference(text: str | None) -> set[str]:
    found: set[str] = set()
    for clause in _CLAUSE.split((text or "").lower()):
        words = _WORD.findall(clause)
        for i, word in enumerate(words):
            plain = word.replace("'", "").replace("\u2019", "")
            if plain in NEGATIONS or (
                plain.endswith("nt") and ("'" in word[-3:-1] or "\u2019" in word[-3:-1])
            ):
                found.update(
                    w
                    for w in words[i + 1 : i + 1 + NEGATION_SCOPE]
                    if not (
                        (p := w.replace("'", "").replace("\u2019", "")) in NEGATIONS
                        or (p.endswith("nt") and ("'" in w[-3:-1] or "\u2019" in w[-3:-1]))
                    )
                )
    return found


PIECES = [
    *sorted(NEGATIONS),
    "don't", "does'nt", "n't", "ca", "does", "can\u2019t", "isn't", "but", "and", "so", "İnot", "no1",
    "not_", "1not",
    "a'b'not", "but'not", "know", "now", "note", "NOT", "Never", "false", "the", "ñot", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from([" ", "", ", ", ". ", "'", "\u2019"]))))
def test_negated_equals_the_word_by_word_look(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in parts)
    assert negated(text) == _reference(text)


def test_negated_examples() -> None:
    assert negated("That is not false!") == {"false"}
    assert negated("I don't know that, but yes") == {"know", "that"}
    assert negated("it doesnt work") == {"work"}
    assert negated("I know it is now noted") == set()
    assert negated(None) == set()
    assert is_negation("does'nt") and is_negation("NOT".lower()) and not is_negation("note")
    assert is_negation("n't") and negated("it does n't work") == {"work"}  # treebank tokens
