"""Which words of a text a negation negates, and how each label's examples say a word: plainly or
negated. LBL006 reads it so that "that is not false" (yes) is not taken for no because "not" and
"false" are both words of no: a bag-of-words classifier cannot tell "false" from "not false"."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from dataqa.checks.labels.base import DECIDING, tie
from dataqa.checks.labels.label_space import LABEL_TOKENS
from dataqa.text.word_lists import NEGATIONS

NEGATION_SCOPE = 3
"""Words after a negation that it negates, within its clause ("that is not (at all) false")."""
_CLAUSE = re.compile(r"[.,;:!?()\[\]]|\b(?:but|and|or|because|so|though|although)\b", re.IGNORECASE)
_WORD = re.compile(LABEL_TOKENS)


def is_negation(word: str) -> bool:
    """A negation word ("not", "never", "don't", "isnt", "can't", "does'nt"; "n't" written apart,
    as treebank tokens are: "ca n't")."""
    if "'" not in word and "\u2019" not in word:
        return word in NEGATIONS
    plain = word.replace("'", "").replace("\u2019", "")
    marks = ("'", "\u2019")
    return plain in NEGATIONS or (plain.endswith("nt") and (word[-2:-1] in marks or word[-3:-2] in marks))


_APOSTROPHE = re.compile("['\u2019]")
_NEGATION_WORD = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(NEGATIONS)) + r")(?![^\W\d_])")
"""A negation written as a whole word (`LABEL_TOKENS`' letters on neither side). Without an apostrophe
in a text, a word of it is a negation only so (`is_negation`), and the clauses `negated` splits it
into cut it only where no word goes on, so a text this finds nothing in negates nothing: most
texts, told so by one search instead of a word-by-word look."""


def negated(text: str | None) -> set[str]:
    """The words of a text that a negation before them negates: up to `NEGATION_SCOPE` words after
    a negation word, within its clause, lower-cased ("that is not false": "false")."""
    found: set[str] = set()
    lowered = (text or "").lower()
    if not _APOSTROPHE.search(lowered) and not _NEGATION_WORD.search(lowered):
        return found
    for clause in _CLAUSE.split(lowered):
        words = _WORD.findall(clause)
        for i, word in enumerate(words):
            if is_negation(word):
                found.update(w for w in words[i + 1 : i + 1 + NEGATION_SCOPE] if not is_negation(w))
    return found


class Polarity:
    """How often each class's examples use a word plainly and negated (read from the prompts on
    first need: few doubted rows have a negation)."""

    def __init__(self, prompts: list[str | None], rows: np.ndarray, classes: np.ndarray) -> None:
        self.prompts, self.rows, self.classes = prompts, rows, classes
        self.counts: dict[int, tuple[Counter[str], Counter[str], int]] = {}

    def _of(self, c: int) -> tuple[Counter[str], Counter[str], int]:
        if c not in self.counts:
            plain: Counter[str] = Counter()
            negative: Counter[str] = Counter()
            members = self.rows[self.classes == c]
            for r in members:
                text = self.prompts[int(r)]
                scope = negated(text)
                words = {w.lower() for w in _WORD.findall(text or "")}
                negative.update(scope)
                plain.update(words - scope)
            self.counts[c] = (plain, negative, len(members))
        return self.counts[c]

    def reversed(self, text: str | None, given: int, suggested: int) -> bool:
        """Whether a negation in the doubted row (of class `given`) turns a word of the suggested
        class round: the word ties the row to the suggested class (`DECIDING` times as often)
        where that class says it plainly, and that class's examples do not say it negated as often
        ("that is not false" labelled yes: "false" is a word of no, "not false" is not). A
        bag-of-words classifier reads both words as the suggested class's; the label is right.
        A class whose examples say the word negated ("I don't recognise this payment") keeps it."""
        g_plain, g_neg, g_size = self._of(given)
        s_plain, s_neg, s_size = self._of(suggested)
        for w in negated(text):
            turned = tie(s_plain[w], s_size, g_plain[w], g_size - 1) >= DECIDING
            if turned and tie(s_neg[w], s_size, g_neg[w] - 1, g_size - 1) < DECIDING:
                return True
        return False
