"""Every string that lowers to one of a set of words, as Python's `str.lower()` reads case: what the
vectorised language signals match exactly, since polars' case tables need not be Python's."""

from __future__ import annotations

import functools
import re

import numpy as np


@functools.cache
def every_character() -> str:
    """Every Unicode scalar value (all code points but the surrogates), in order, as one string."""
    points = np.arange(0x110000, dtype="<u4")
    return points[(points < 0xD800) | (points > 0xDFFF)].tobytes().decode("utf-32-le")


def spellings(words: frozenset[str]) -> list[tuple[str, str]]:
    """(spelling, word) for every string whose `str.lower()` is one of `words`."""
    letters = {ch for word in words for ch in word}
    # Candidates: what matches a letter ignoring case (re's simple case folding also catches the
    # Kelvin sign, the long s and the dotted capital I, whose full lowercase is two characters);
    # each is kept if its `lower()` is made of those letters.
    pattern = "[" + "".join(re.escape(ch) for ch in sorted(letters)) + "]"
    similar = sorted(set(re.findall(pattern, every_character(), re.IGNORECASE)))
    by_lower: dict[str, list[str]] = {}
    for ch in similar:
        low = ch.lower()
        if set(low) <= letters:
            by_lower.setdefault(low, []).append(ch)

    def spellings(word: str) -> list[str]:
        if not word:
            return [""]
        return [
            ch + rest
            for low, chars in by_lower.items()
            if word.startswith(low)
            for rest in spellings(word[len(low) :])
            for ch in chars
        ]

    return [(s, word) for word in sorted(words) for s in spellings(word)]
