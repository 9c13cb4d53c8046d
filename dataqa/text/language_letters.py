"""The letters each language of a shared script writes: what tells close relatives apart.

Russian, Ukrainian, Bulgarian and Macedonian share Cyrillic; Arabic, Persian and Urdu share the
Arabic script. Their character n-grams overlap so much that a sentence of one can score as another
("Она грела руки вблизи батареи, поблизости от батареи" reads Macedonian; an Egyptian tweet with
drawn-out letters reads Persian), so in a data set mostly in one of them a relative needs evidence
the dominant language cannot give: the letters. A text is given a relative of the dominant
language (`relative_unsupported`) only when it shows a letter the relative writes and the dominant
one does not (Macedonian ј, љ, њ, ќ; Ukrainian і, ї, є; Persian پ, چ, گ, ی; Arabic ة, ى but not ي, ك,
which Persian and Urdu typed on an Arabic keyboard use too), where there is such a
letter, and has fewer than `FOREIGN_LETTERS` letters of the script the relative does not write
(Russian ы and э are no Macedonian; Arabic ي, ك and ة no Persian or Urdu; Sindhi ٺ and ڳ no Urdu).
Bulgarian writes no letter Russian lacks: only the second condition holds between them. The
Devanagari languages (Hindi, Marathi, Nepali) write the same letters and are left to the n-gram
model. Arabic presentation forms ("ﻛ", "ﻳ") are read as the letters they draw (NFKC).
"""  # noqa: RUF002

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

FOREIGN_LETTERS = 2
"""Letters of the shared script a relative does not write from which a text is not in it (one may
be a quoted word or a typing slip; two are a habit of another language)."""

ALPHABETS: dict[str, frozenset[str]] = {
    lang: frozenset(letters)
    for lang, letters in {
        "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
        "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
        "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        # Tatweel (ـ), the elongation stroke, is written in all three.
        "ar": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيٱـ",
        "fa": "ءآأؤئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیۀـ",
        "ur": "ءآؤئابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیےۂۃۓهـ",
    }.items()
}
"""The lower-case letters each language is written with, in the script it shares with others."""

TYPED_BY_RELATIVES: dict[str, frozenset[str]] = {"ar": frozenset("يك")}
"""Letters of a language that its relatives type too, so no evidence for it against them: Persian
and Urdu written on an Arabic keyboard (or converted from old code pages) use Arabic ي and ك for
their own ی and ک ("تركيب هاي"), while an Arabic writer never types the Persian forms."""


@functools.cache
def combining_marks() -> str:
    """Every combining mark from U+0300 to U+1EFFF (Unicode category M) in one string, for a character
    class: Indic vowel signs and virama, Thai vowels, Arabic harakat. Python's `\\w` leaves them out,
    so a word pattern of letters alone reads "किलोग्राम" or "শালিকে" as several words; a letter
    followed by its marks (`[^\\W_][marks]*`) reads the word whole."""
    return "".join(chr(c) for c in range(0x300, 0x1F000) if unicodedata.category(chr(c))[0] == "M")


def marked_run(letter: str) -> str:
    """A regex of one or more `letter` characters with the combining marks written on them (a letter
    class such as `[^\\W\\d_]`). The marks' class of some two thousand characters is tried once at
    the end of each run of letters, not after every letter: the same words six times faster. The
    runs are possessive, so the pattern never backtracks into them."""
    return rf"(?:{letter}++[{re.escape(combining_marks())}]*+)++"


_SCRIPT_OF = {lang: ("CYRILLIC" if lang in ("ru", "uk", "bg", "mk") else "ARABIC") for lang in ALPHABETS}


@functools.lru_cache(maxsize=4096)
def _letter(ch: str) -> tuple[str, str]:
    """The character as a lower-case letter (presentation forms unfolded), and its script's name."""
    base = unicodedata.normalize("NFKC", ch).lower()
    if len(base) != 1 or not base.isalpha():
        return "", ""
    try:
        return base, unicodedata.name(base).split(" ", 1)[0]
    except ValueError:
        return "", ""


def script_letters(prefix: str, script: str) -> Counter[str]:
    """The prefix's letters in `script` ("CYRILLIC", "ARABIC"), lower-cased, with their counts."""
    letters: Counter[str] = Counter()
    for ch, n in Counter(prefix).items():
        base, name = _letter(ch)
        if name == script:
            letters[base] += n
    return letters


def relatives(lang: str, dominant: str) -> bool:
    """Whether `lang` and `dominant` are two languages of one script whose letters are known."""
    return lang != dominant and lang in ALPHABETS and _SCRIPT_OF.get(dominant) == _SCRIPT_OF[lang]


def relative_unsupported(prefix: str, lang: str, dominant: str) -> bool:
    """Whether the text's letters speak against `lang`, a relative of `dominant` in its script: it
    lacks every letter `lang` writes and `dominant` does not (where there is one), or it has
    `FOREIGN_LETTERS` letters of the script `lang` does not write. False for languages that are
    no such relatives."""
    if not relatives(lang, dominant):
        return False
    letters = script_letters(prefix, _SCRIPT_OF[lang])
    own = ALPHABETS[lang]
    if sum(n for ch, n in letters.items() if ch not in own) >= FOREIGN_LETTERS:
        return True
    distinctive = own - ALPHABETS[dominant] - TYPED_BY_RELATIVES.get(lang, frozenset())
    return bool(distinctive) and not distinctive & letters.keys()
