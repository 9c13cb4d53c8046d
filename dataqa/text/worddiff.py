"""A short word diff of two texts for a finding's evidence: what they share and where they differ."""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz.distance import Indel

from dataqa.text.language_letters import marked_run
from dataqa.text.moves import transposed

SHOWN_GAPS = 4
"""Differences shown; the rest are counted."""
SIDE_WORDS = 8
"""Words shown of each side of a difference."""
SHARED_CHARS = 60
"""Characters shown of the longest shared run of words."""


@functools.cache
def _word_re() -> re.Pattern[str]:
    """A word: letters or digits, each with the combining marks written on it (Devanagari vowel signs
    and virama, Thai vowels, Arabic harakat), apostrophes inside kept. Python's `\\w` leaves the marks
    out, so letters alone read "किलोग्राम" as five words (`language_letters.marked_run`)."""
    letters = marked_run(r"[^\W_]")
    return re.compile(rf"{letters}(?:['\u2019]{letters})*")


def _words(text: str) -> list[str]:
    """The words of a text as written (apostrophes inside words and combining marks kept)."""
    if text.isascii():
        return _word_re().findall(text)
    return _word_re().findall(unicodedata.normalize("NFKC", text))


def _key(word: str) -> str:
    """What a word is compared by: lower case, no apostrophe (as the normalised text has it)."""
    return word.lower().replace("'", "").replace("\u2019", "")


def _side(words: list[str]) -> str:
    """One side of a difference, quoted, its first `SIDE_WORDS` words."""
    shown = " ".join(words[:SIDE_WORDS]) + (" …" if len(words) > SIDE_WORDS else "")
    return f'"{shown}"' if words else "(nothing)"


def word_diff(a: str, b: str) -> str:
    """`shares N of M words ("longest shared run"); differs: "x" → "y", +"added", -"dropped"`,
    words compared case-blind and without punctuation, shown as written in the texts."""
    wa, wb = _words(a or ""), _words(b or "")
    ka, kb = [_key(w) for w in wa], [_key(w) for w in wb]
    at = transposed(ka, kb)
    if at is not None:
        swap = f"{_side(wa[at : at + 2])} → {_side(wb[at : at + 2])}"
        return f"the same {len(wa)} words, two in another order: {swap}"
    shared = 0
    best: tuple[int, int] = (0, 0)
    parts: list[str] = []
    gaps = 0
    a_at = b_at = 0
    ops = [op for op in Indel.opcodes(ka, kb) if op.tag == "equal"]
    ends = [(op.src_start, op.dest_start, op.src_end - op.src_start) for op in ops]
    for src, dest, size in [*ends, (len(wa), len(wb), 0)]:
        if src > a_at or dest > b_at:
            gaps += 1
            if len(parts) < SHOWN_GAPS:
                left, right = wa[a_at:src], wb[b_at:dest]
                if not left:
                    parts.append(f"+{_side(right)}")
                elif not right:
                    parts.append(f"-{_side(left)}")
                else:
                    parts.append(f"{_side(left)} → {_side(right)}")
        shared += size
        if size > best[1]:
            best = (src, size)
        a_at, b_at = src + size, dest + size
    total = max(len(wa), len(wb))
    run = " ".join(wa[best[0] : best[0] + best[1]])
    if len(run) > SHARED_CHARS:
        run = run[: SHARED_CHARS - 1].rstrip() + "…"
    head = f'shares {shared} of {total} words ("{run}")' if shared else f"shares none of {total} words"
    if not gaps:
        return f"{head}; differs only in case and punctuation"
    more = f" and {gaps - SHOWN_GAPS} more" if gaps > SHOWN_GAPS else ""
    return f"{head}; differs: {', '.join(parts)}{more}"
