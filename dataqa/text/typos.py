"""Whether two words are one word spelt two ways (a typo, an inflection, a prefix changed) or two words.

Verification (`dataqa.text.slots`, `dataqa.text.raw_parts`) pairs the words two near texts differ in;
a typo fix is the same word, while a number, a negation or another word the data set writes is not.
Kept apart from `slots` so the one question "is this a typo?" has one home.
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache

from rapidfuzz.distance import OSA


@lru_cache(maxsize=1 << 16)
def is_number(word: str) -> bool:
    """A word holding a digit: a quantity, a date, an identifier. (Cached: verification asks it of
    the same few thousand words hundreds of thousands of times.)"""
    return any(c.isdigit() for c in word)


NEGATING_PREFIXES = ("in", "im", "il", "ir", "un", "i", "\u0646")
"""Prefixes that negate the word they are written before ("possible" / "impossible", Portuguese
"legalizar" / "ilegalizar", "determinado" / "indeterminado"); "i" only before l, m, n, where
Romance languages write "in-" so ("ilegal", "imortal", "inegável"; "iremindme" is no negation);
Persian's verbal "ن" (na-, ne-: "باید" / "نباید", must / must not; "میتونم" / "نمیتونم")."""
INFLECTING_END = 2
"""Letters at a word's end where one letter swapped for another is how it inflects ("novo" / "nova",
"karta" / "karty"), whatever words the set writes."""
PREFIX_STEM = 5
"""Letters after a word's first one from which a first letter swapped is a prefix changed ("stwórz" /
"utwórz", "making" / "baking"), not another word ("leste" / "oeste", "fort" / "port")."""
VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęó")
"""Letters whose swap for one another inside a word is how it inflects or is spelt another way
("come" / "came", "write" / "wrote", "qaida" / "qaeda")."""


def negates(a: str, b: str) -> bool:
    """Whether one word is the other with a negating prefix (`NEGATING_PREFIXES`) written before it."""
    short, long = sorted((a, b), key=len)
    prefix = long[: len(long) - len(short)]
    if not prefix or not long.endswith(short) or prefix not in NEGATING_PREFIXES:
        return False
    return prefix != "i" or short[0] in "lmn"


def is_typo(a: str, b: str, in_use: Container[str] = frozenset()) -> bool:
    """Two spellings of one word: one edit (a transposition counts as one) between words of four
    letters or more, two between words of eight or more. Never two different numbers, nor a word
    and its negation (`negates`: "civilizadas" / "incivilizadas"). Words the data set writes in
    other texts too (`in_use`, `SetWords`) are two words, not a typo, when two edits apart inside
    the word (its first and last letters the same: "baseball" / "basketball") or one letter apart
    before their ending (`_one_letter_inside`: "leste" / "oeste", "fort" / "port", "junho" /
    "julho"). Other edits at an end are how a word inflects ("instagrama" / "instagramie",
    "performed" / "performs", "novo" / "nova") or takes a prefix ("wyszukaj" / "poszukaj", "stwórz"
    / "utwórz"), a vowel for a vowel how it inflects or is spelt ("come" / "came"): still one word;
    so is a letter added or dropped, or two swapped ("form" / "from"), which is how typing slips."""
    if a == b:
        return True
    if is_number(a) or is_number(b):
        return False
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    limit = 2 if shortest >= 8 else 1
    if abs(len(a) - len(b)) > limit:  # more than `limit` insertions: never a typo, no need to align
        return False
    distance = OSA.distance(a, b, score_cutoff=limit)
    if distance > limit or negates(a, b):
        return False
    if (distance == 2 and a[0] == b[0] and a[-1] == b[-1]) or (distance == 1 and _one_letter_inside(a, b)):
        return not (a in in_use and b in in_use)
    return True


def _one_letter_inside(a: str, b: str) -> bool:
    """Whether two words of one length differ in one letter only, not a vowel for a vowel (`VOWELS`),
    before their ending (`INFLECTING_END`) and, the first letter, on a stem shorter than
    `PREFIX_STEM`."""
    if len(a) != len(b):
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 1 or differ[0] >= len(a) - INFLECTING_END:
        return False
    at = differ[0]
    if a[at] in VOWELS and b[at] in VOWELS:
        return False
    return at > 0 or len(a) - 1 < PREFIX_STEM


QWERTY_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
"""The keyboard's letter rows: a letter struck for its neighbour in a row, or for the key above or
below it, is a slip of the hand (`respelt`)."""
_KEYS = {key: (row, col) for row, keys in enumerate(QWERTY_ROWS) for col, key in enumerate(keys)}


def _neighbours(x: str, y: str) -> bool:
    """Whether two keys sit side by side on a QWERTY keyboard, in one row or the rows above and below."""
    if x not in _KEYS or y not in _KEYS:
        return False
    (r1, c1), (r2, c2) = _KEYS[x], _KEYS[y]
    return abs(r1 - r2) <= 1 and abs(c1 - c2) <= 1


def respelt(a: str, b: str) -> bool:
    """Whether two words of one length differ in one letter put for another that no slip of the hand
    explains (not keyboard neighbours: `QWERTY_ROWS`), with no letter added, dropped or two swapped:
    a word or a name written otherwise on purpose ("pemuda" / "pemudi", young men / young women;
    "Luyten" / "Loyten"), where "railwyas" or "Perancis" for "Prancis" is how typing slips."""
    if len(a) != len(b) or is_number(a) or is_number(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) == 1 and not _neighbours(*differ[0])


def slip(a: str, b: str) -> bool:
    """Whether two different words are one slip of the hand apart: a letter added, dropped, two
    swapped ("recieve" / "receive"), or one struck for its keyboard neighbour (not `respelt`). Two
    edits, or a letter put for one no slip explains ("urologist" / "biologist", "mole" / "mule"), is
    how two words of one slot differ as often as how one word is misspelt: `slots.compare` reads them
    as two words where the data set writes that slot with other words too (`SetWords.frames`)."""
    return OSA.distance(a, b, score_cutoff=1) <= 1 and not respelt(a, b)


EXTENSION_LETTERS = 2
"""Letters put after a word that may make another name of it (`extended`); one is a slip of the hand."""


def extended(a: str, b: str) -> bool:
    """Whether one word is the other with `EXTENSION_LETTERS` letters or more put after it, which
    `is_typo` reads as an ending ("szczecin" / "szczecinek", "szczecin" / "szczecinie"): written as
    names, they are two names, a place made from another ("Szczecin" / "Szczecinek")."""
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) >= EXTENSION_LETTERS and long.startswith(short)
