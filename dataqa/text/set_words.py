"""What verification reads of the data set's own words: the words it binds to a neighbour, the words it
uses, and the slots of its short texts (`SetWords`, made by `dataqa.text.templates.set_words`).

Kept apart from `dataqa.text.slots`, whose rules read them, so that the data set's vocabulary and
its slots have one home.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass

from dataqa.text.typos import is_typo, slip
from dataqa.text.word_lists import CLOSED_WORDS, COMPASS_WORDS, FILLER


@dataclass(frozen=True)
class SetWords:
    """What verification reads of the data set's own words (`dataqa.text.templates.set_words`):
    `bound`, the words it writes only beside one neighbour (`extends`), and `in_use`, the words of
    four letters or more it writes in two texts or more, which `is_typo` does not take for typos
    of each other when the letters they differ in are inside the word."""

    bound: Mapping[str, tuple[str | None, str | None]]
    in_use: frozenset[str] = frozenset()
    frames: frozenset[str] = frozenset()
    """Short texts with one word left out (`frame`) that the set writes with `FRAME_TEXTS` words or
    more in that slot: "what is a _" (urologist, biologist, horologist, ...). Two rare words of such
    a slot are what the texts differ in, not a typo of each other (`rare_slot_words`)."""


FRAME_TEXTS = 3
"""Texts of the data set (in `templates.set_words`' sample) that must write a frame, each with its own
word in the slot, for the slot to be one (`SetWords.frames`): the two compared and one more."""
FRAME_WORDS = 20
"""Texts of at most this many words are read for frames (`frame`): a slot in a short text (as
`slots.SHORT_WORDS` reads one)."""
SLOT = "\x00"
"""What stands for the word left out of a frame (`frame`)."""


def frame(words: Sequence[str], at: int) -> str:
    """The text of `words` with the word at `at` left out (`SLOT` in its place): the frame around it."""
    return " ".join([*words[:at], SLOT, *words[at + 1 :]])


def slot_word(words: list[str], at: int, terms: SetWords | None) -> bool:
    """Whether `words[at]` stands in a slot the data set fills with other words too (`SetWords.frames`)."""
    return bool(terms and terms.frames and len(words) <= FRAME_WORDS and frame(words, at) in terms.frames)


def rare_slot_words(a: list[str], b: list[str], a0: int, b0: int, terms: SetWords | None) -> bool:
    """Whether `a[a0]` and `b[b0]`, which `is_typo` reads as one word, are two words of a slot: they
    are more than a slip of the hand apart (`typos.slip`), neither is a word the set writes in two
    texts or more (`SetWords.in_use`: a misspelling of a word in use, "exsistance" for "existence",
    stays a typo), and the frame around them is one the set fills with other words too
    (`slot_word`): "what is a (urologist / biologist / horologist)" asks three things, each word
    written once. A slip ("recieve" / "receive") is a typo in any frame."""
    if terms is None or not terms.frames:
        return False
    x, y = a[a0], b[b0]
    if x in terms.in_use or y in terms.in_use or slip(x, y):
        return False
    return slot_word(a, a0, terms) or slot_word(b, b0, terms)


def extends(words: list[str], at: int, terms: Mapping[str, tuple[str | None, str | None]]) -> bool:
    """Whether the one word added at `words[at]` makes another term with a word beside it: it is
    bound to the word on its left or to the word on its right (`dataqa.text.templates.set_words`;
    filler never is). A phrase added ("i (need to) do") says how, not what: it is not looked at."""
    bound = terms.get(words[at])
    return bool(
        bound
        and words[at] not in FILLER
        and ((at > 0 and bound[0] == words[at - 1]) or (at + 1 < len(words) and bound[1] == words[at + 1]))
    )


def other_term(words: list[str], at: int, terms: SetWords | None) -> bool:
    """Whether the one word added at `words[at]` of a short text makes another term with a word
    beside it: one the set binds to that neighbour (`extends`), or a point of the compass put before
    a word that names something (`COMPASS_WORDS`: "university of (west) alabama", "(north) korea"),
    which names another place however often the set writes the word alone."""
    if terms is not None and extends(words, at, terms.bound):
        return True
    after = words[at + 1] if at + 1 < len(words) else ""
    return words[at] in COMPASS_WORDS and _names(after) and after not in FILLER and after not in COMPASS_WORDS


def own_words_apart(
    added_a: list[tuple[int, str]], added_b: list[tuple[int, str]], in_use: Container[str] = frozenset()
) -> bool:
    """Whether two texts each keep a word of their own among the words added on their side
    (`slots.compare`'s one-sided gaps, filler and identifiers left out, each word with the matched
    words before its gap), within `NEAR_PLACES` matched words of each other, once a word added on
    both sides (moved) and a typo fix across (`is_typo`: "cook" / "cooked") are paired: "add the
    artist to my (classical feast) / (top classical) playlist", "how long does it take to cook
    (ham)" / "(pork) to cook" put one word for another as a swap in one place does, which the
    alignment reads as two words added apart. Words added at two ends of a text ("(tell me) how can
    i get to the station (quickly)") each add to one request. Words that name no thing
    (`_names`: "(what) do i have (anything)", "can (you) check (up) on", "که" / "چه") are left out:
    two texts that each add one say the same in other words."""
    added_a, added_b = ([(p, w) for p, w in side if _names(w)] for side in (added_a, added_b))
    left, right = Counter(w for _, w in added_a), Counter(w for _, w in added_b)
    moved_a, moved_b = left & right, left & right
    only_a = [(p, w) for p, w in added_a if not _taken(moved_a, w)]
    only_b = [(p, w) for p, w in added_b if not _taken(moved_b, w)]
    for x in list(only_a):
        partner = next((y for y in only_b if is_typo(x[1], y[1], in_use)), None)
        if partner is not None:
            only_a.remove(x)
            only_b.remove(partner)
    return any(abs(p - q) <= NEAR_PLACES for p, _ in only_a for q, _ in only_b)


NEAR_PLACES = 2
"""Matched words between two words added apart for them to stand one for the other (`own_words_apart`)."""


def _names(word: str) -> bool:
    """Whether `word` may name a thing: `OWN_LETTERS` letters or more, not a closed-class word
    (`word_lists.CLOSED_WORDS`); the short words of a language without such a list ("که", "چه",
    "w") are mostly its function words."""
    return len(word) >= OWN_LETTERS and word not in CLOSED_WORDS


OWN_LETTERS = 3
"""Letters a word added on each side needs to be read as one put for the other (`own_words_apart`)."""


def _taken(counts: Counter[str], word: str) -> bool:
    """Whether `word` is still counted in `counts`, taking one count of it if so."""
    if counts[word] > 0:
        counts[word] -= 1
        return True
    return False
