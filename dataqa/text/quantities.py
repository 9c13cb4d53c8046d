"""What a number in a text says: a quantity, a model code, an identifier, a rank, a repeat.

The rules of `dataqa.text.slots` read numbers so: two different quantities or model codes decide
that two texts say two things; an identifier (a long number, a code whose letters and digits
interleave) swapped for another does not; an ordinal that ranks ("the second oldest") is a quantity;
a number added that both texts state elsewhere repeats one (`repeats`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from dataqa.text.typos import is_number
from dataqa.text.word_lists import word_set

QUANTITY_DIGITS = 4
"""Digits of the longest number that counts as a quantity (`is_quantity`)."""


_SUFFIXED = re.compile(r"(\d{1,4})[^\W\d_]{1,3}")
"""A number of at most `QUANTITY_DIGITS` digits with an ordinal mark or a unit glued after it, as the
normaliser leaves it: "23rd", "32a" (Portuguese "32ª"), "1o" ("1º"), "2e" (French "2e"), "5m", "1080p"."""
_CODE = re.compile(r"[^\W\d_]{1,4}\d{1,4}[^\W\d_]{0,3}")
ORDINAL_WORDS = word_set(
    "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth hundredth"
)
"""Ordinals spelled out ("first" and "second" are left out: "at first", "wait a second")."""
RANK_ORDINALS = word_set("second")
"""Ordinals left out of `ORDINAL_WORDS` that rank when a superlative follows: "the second oldest"."""


NUMBER_WORDS = word_set(
    # en
    "zero two three four five six seven eight nine eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion "
    # es (not "once", English's "once")
    "dos tres cuatro cinco siete ocho nueve diez doce trece catorce quince veinte treinta cuarenta "
    "cincuenta sesenta setenta ochenta noventa cien ciento millón millones "
    # pt
    "dois duas três quatro seis sete oito dez doze treze quatorze quinze vinte trinta quarenta "
    "cinquenta sessenta oitenta noventa cem cento milhão milhões "
    # fr (not "neuf", new; not "cent", English's cent; not "seize", English's seize)
    "deux trois quatre cinq huit dix douze treize quatorze vingt trente quarante cinquante "
    "soixante mille "
    # de
    "zwei drei vier fünf sechs sieben acht neun zehn zwölf zwanzig dreißig vierzig fünfzig hundert "
    "tausend "
    # it (not "due", English's due; not "sei", you are)
    "tre quattro cinque sette nove dieci trenta quaranta cinquanta cento "
    # pl
    "dwa dwie trzy cztery pięć sześć siedem osiem dziewięć dziesięć dwadzieścia trzydzieści sto tysiąc "
    # id
    "dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas puluh ratus seratus ribu seribu juta "
    # tr (not "on", English's on; not "yüz", face; not "bin", English's bin)
    "iki üç dört beş sekiz dokuz yirmi otuz elli altmış yetmiş seksen doksan "  # noqa: RUF001 (dotless i is data)
    # ru
    "два две три четыре пять шесть семь восемь девять десять двадцать тридцать сто тысяча"
)
"""Cardinal numbers written as words, in the corpus's major languages written with spaces (English,
Spanish, Portuguese, French, German, Italian, Polish, Indonesian, Turkish, Russian): a number word
added says another quantity as a digit does ("the square root of (thirty) four"). A word that is
also a common word of another of these languages is left out, or read as a number only beside
another number (`ONE_WORDS`: "one", "ten", "otto")."""
ONE_WORDS = word_set(
    "one un une uno una uma ein eine jeden jedna satu bir один одна "
    # numbers that are also common words of another of these languages
    "ten onze sept elf otto venti "
    "altı yedi kırk"  # noqa: RUF001 (dotless i is data)
)
"""Number words that are also a pronoun, an article or another language's word ("the red one", "ten
utwór", Polish for "this track"; "onze", Dutch for "our"; "yedi", Turkish for "ate"): a number only beside
another number word or digits ("twenty (one)", "(ten) thirty"). Not Portuguese "um", English's filler
"um"."""


def names_number(words: list[str], at: int) -> bool:
    """Whether `words[at]` is a number written as a word (`NUMBER_WORDS`), or one of `ONE_WORDS` beside
    such a word or a number in digits ("thirty (one)")."""
    word = words[at]
    if word in NUMBER_WORDS:
        return True
    if word not in ONE_WORDS:
        return False
    beside = words[max(at - 1, 0) : at] + words[at + 1 : at + 2]
    return any(w in NUMBER_WORDS or is_number(w) for w in beside)


def repeats(words: list[str], at: int, other: list[str]) -> bool:
    """Whether the number `words[at]`, added, repeats one both texts state elsewhere ("Regulations (2007)
    (No. 83 of 2007)"; "rows 12 / 14 12" moves one): two digits or more (one digit recurs as another
    count), and no number beside it (a part of a time or an amount: "9(:30)", "3.000")."""
    word, beside = words[at], words[max(at - 1, 0) : at] + words[at + 1 : at + 2]
    return len(word) > 1 and words.count(word) > 1 and word in other and not any(map(is_number, beside))


def ranks(words: list[str], at: int) -> bool:
    """Whether `words[at]` is one of `RANK_ORDINALS` followed by a superlative, so that it ranks
    like "fourth" does ("second oldest", "second largest", "second best")."""
    following = words[at + 1] if at + 1 < len(words) else ""
    return words[at] in RANK_ORDINALS and len(following) >= 4 and following.endswith("est")


@lru_cache(maxsize=1 << 16)
def is_quantity(word: str) -> bool:
    """A number that says how much, when or which (at most `QUANTITY_DIGITS` digits, alone or with an
    ordinal mark or a unit after it, or an ordinal word): "270", "3", "2024", "23rd", "32ª", "5km",
    "fourth". Longer numbers and codes of letters and digits ("55120", "nw123") identify a record (an
    order, a ticket) rather than change what it asks."""
    return (
        (word.isdigit() and len(word) <= QUANTITY_DIGITS)
        or bool(_SUFFIXED.fullmatch(word))
        or (word in ORDINAL_WORDS)
    )


def quantity_value(word: str) -> str:
    """The number a quantity word states, its mark or unit left off ("32a" → "32", "5m" → "5"), so
    that "5m" and "5 million" state one number while "32ª" and "22ª" state two."""
    suffixed = _SUFFIXED.fullmatch(word)
    return suffixed.group(1) if suffixed else word


@lru_cache(maxsize=1 << 16)
def is_code(word: str) -> bool:
    """A model or product code: a few letters, a number of at most `QUANTITY_DIGITS` digits, perhaps
    a few letters more ("a320", "b737", "d5244", "mp3", "rtx4090ti"). One swapped for another
    (or for a quantity) names another thing, as another quantity does: "the engine d5244 t" /
    "the engine d5252 t" asks about another engine. Added, it does not decide (a speaker's mark
    "s2, i didn't catch that", "sc2 is ..."), nor do codes whose letters and digits interleave
    ("xj7k2p", "h1n1"), which identify a record, as long numbers do. A number with a unit after it
    ("5m", "5am", "1080p") is no code: "5 million" / "5m" say the same."""
    return bool(_CODE.fullmatch(word)) and not is_quantity(word)


@lru_cache(maxsize=1 << 16)
def is_long_number(word: str) -> bool:
    """A number of more than `QUANTITY_DIGITS` digits, nothing else ("55120", "38574"): an
    identifier by itself (an order, a ticket), a quantity where the raw text writes it as an
    operand of the task ("$38574 \\equiv n \\pmod{19}$", "-314159", "12345.5", "divided by":
    `operands.operand_numbers`). One swapped for another number is left to that reading
    (`Comparison.maybe_quantities`)."""
    return word.isdigit() and len(word) > QUANTITY_DIGITS


def names_which(word: str) -> bool:
    """A quantity or a model code (`is_quantity`, `is_code`): two different ones decide."""
    return is_quantity(word) or is_code(word)
