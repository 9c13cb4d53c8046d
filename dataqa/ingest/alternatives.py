"""Targets written as a list of alternative answers to one prompt, read as the first of them.

Evaluation and sampling files keep several answers to one prompt in one list: best-of-N samples
(`"response": [8 sampled solutions]`, with their reward scores beside), or a problem's alternative
worked solutions (OlympiadBench's `"solution": [three proofs]`). Joined, they read as one answer
that says the same thing N times (a false repetition finding on every row) and is N times as long
as any answer the model is taught. A list whose items are each an answer in itself (several
sentences' worth of words) is such a list: its first item is the target. A list of short items
(WebQuestions' several right answers, "Barack Obama" and "Obama") is one answer written as a list
and stays joined, one item a line.
"""

from __future__ import annotations

from typing import Any

ANSWER_WORDS = 20
"""Fewest words of an item that is an answer in itself: past a name, a number or a short phrase,
about two sentences."""


def alternatives(value: Any) -> list[str] | None:
    """The items of `value` when it is a list of two or more texts that are each an answer in itself
    (at least `ANSWER_WORDS` words), else None."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    if not all(isinstance(v, str) and len(v.split()) >= ANSWER_WORDS for v in value):
        return None
    return value


def first_alternative(value: Any) -> Any:
    """The first of `value`'s alternative answers when it lists them (`alternatives`), else `value`."""
    found = alternatives(value)
    return found[0] if found else value
