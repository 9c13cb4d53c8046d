"""Whether the word one input of a pair-of-texts set varies is the evidence its label judges: in a
paraphrase or inference set each input is two texts and the label names their relation, so a
content word by which one variant of the varied text moves away from (or towards) the kept text is
a good part of what the label is about, however short it is beside the text (ParsiNLU's query
pairs: "why does my phone turn off by itself" / "why does my (Samsung) phone ...", 1 and 0).
A function word of the set (`FUNCTION_SHARE`: "از", "of") or filler varies nothing, nor does a word
among many others that already separate the two texts (MRPC's sentences a clause apart, "loudly"
added)."""

from __future__ import annotations

import re
from collections.abc import Callable

from dataqa.text.typos import is_typo
from dataqa.text.word_lists import FILLER

FUNCTION_SHARE = 0.05
"""A word in at least this share of a split's labelled inputs is how the set writes (a preposition,
a question word: "از" in a quarter of ParsiNLU's query pairs, "the"), not what one input is about."""
FUNCTION_MIN = 10
"""... and in at least this many of them: among a few dozen rows every word is in a twentieth."""
SEPARATING_SHARE = 1 / 3
"""Share of the content words that separate the varied text from the kept one (either way, typos
not counted) that the varied words must make for them to be what separates the two: one of three
("chords (of) song X" beside "song X"; "Irancell" where the kept text names another carrier in two
words), not one of six ("loudly" beside "told the committee on Friday morning" / "said")."""
_UNSPELLED = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]")
"""Hangul, kana and CJK ideographs: one character more or less is another morpheme ("있습니다" /
"없습니다", "can" / "cannot"), never a typo of the same word."""


def spelling_slip(x: str, y: str) -> bool:
    """Whether `x` is a typo of `y` (`is_typo`) in a script that spells words letter by letter (not
    Hangul, kana or CJK ideographs, `_UNSPELLED`)."""
    return is_typo(x, y) and not _UNSPELLED.search(x + y)


def is_function(everywhere: int, examples: int) -> bool:
    """Whether a word in `everywhere` of `examples` labelled inputs is a function word of the set."""
    return everywhere >= max(FUNCTION_MIN, FUNCTION_SHARE * examples)


def separates(
    varied: set[str], kept: set[str], variants: tuple[set[str], set[str]], function: Callable[[str], bool]
) -> bool:
    """Whether the words `varied` (one variant of the varied text has them, the other not), content
    words (not filler, not `function` words), are at least `SEPARATING_SHARE` of the content words
    that separate one variant from the `kept` text, a word of either side that is a typo of one of
    the other's not counted: the label judges the two texts' relation, and those words are a good
    part of what tells them apart."""
    content = {w for w in varied - FILLER if not function(w)}
    if not content:
        return False
    own = {w for w in kept - FILLER if not function(w)}
    for words in variants:
        mine = {w for w in words - FILLER if not function(w)}
        apart = _untyped(own - mine, mine - own) | _untyped(mine - own, own - mine)
        hit = content & apart
        if hit and len(hit) >= SEPARATING_SHARE * len(apart):
            return True
    return False


def _untyped(side: set[str], other: set[str]) -> set[str]:
    """The words of `side` that are no typo of a word of `other`."""
    return {x for x in side if not any(spelling_slip(x, y) for y in other)}
