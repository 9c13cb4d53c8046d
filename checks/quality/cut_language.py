"""QUAL007 reads a text's last word in the text's own language: an English word after which no
sentence ends ("... for the") dangles only in a text written in English letters (`dangles_in`: in a
Vietnamese letter's signature "Trân trọng,\\nCông ty a" the "a" is the company's letter); a text
written in syllables has no fragments to tell from words (`in_syllables`); and a last line that stops
on a phrase the text wrote before and went on from is cut in any language (`stops_in_phrase`). A program
in a language that closes its blocks with a word ends on that word (`BLOCK_CLOSED_END`)."""

from __future__ import annotations

import re

BLOCK_CLOSED_END = (
    r"(?s)(?:\bthen\b.*[\n;][ \t]*fi|\bdo\b.*[\n;][ \t]*done|\bcase\b.*[\n;][ \t]*esac"
    r"|\b(?:then|do|def|begin|function)\b.*\n[ \t]*end)\s*\z"
)
"""A program that ends on the word closing a block it opened: the shell's "fi" after "then", "done"
after "do", "esac" after "case", Ruby's or Lua's "end" on its own line. That last "word" is the
language's own, no fragment of a longer word the text writes ("fi" of "file", "find")."""
_LETTERS = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
"""A word in Latin letters: a Chinese answer's English reference list is read as English."""
FOREIGN_SHARE = 0.1
"""Share of a text's Latin words with a letter beyond ASCII (3 or more) that writes it in another language."""


def english_letters(text: str) -> bool:
    """Whether a text's Latin words are written in English letters: fewer than 3 of them, or under
    `FOREIGN_SHARE`, hold a letter beyond ASCII (a name, a loan word: "Pokémon", "café"). Other
    scripts do not count: "... 脐带血移植 ... the first 25 years and" ends on an English "and"."""
    words = _LETTERS.findall(text)
    beyond = sum(not w.isascii() for w in words)
    return beyond < 3 or beyond < FOREIGN_SHARE * len(words)


def dangles_in(line: str, dangling: str, text: str) -> bool:
    """Whether `line` stops where `dangling` (English) says no sentence ends, read in `text`'s language:
    a mark (",", an opened bracket) dangles in any language; an English word only in a text written in
    English letters (`english_letters`)."""
    m = re.search(dangling, line)
    return m is not None and (not m.group().rstrip()[-1:].isalpha() or english_letters(text))


SYLLABLE_LETTERS = 7
"""Most letters of a word in a text written in syllables (Vietnamese "nghiêng", "khuyến")."""


def in_syllables(text: str) -> bool:
    """Whether a text is written in syllables, each a word of its own (Vietnamese): 12 words or more,
    none longer than `SYLLABLE_LETTERS` letters, under 4 letters on average, in letters beyond English's
    (an English poem of short words is no syllable text). There a last word that begins a longer word
    of the text ("qua" of "quanh") is a whole syllable, no fragment."""
    words = _LETTERS.findall(text)
    return (
        len(words) >= 12
        and not english_letters(text)
        and max(map(len, words)) <= SYLLABLE_LETTERS
        and sum(map(len, words)) < 4 * len(words)
    )


PHRASE_WORDS = 4
"""Words of the last line's end that the text must have written before and gone on from."""


def stops_in_phrase(body: str) -> bool:
    """Whether a text's last line ends on `PHRASE_WORDS` words with which a sentence the text wrote
    earlier on ends but for its last word or two: it stopped just short of a sentence it writes whole
    ("... điểm số của họ cho lượt là không." earlier, the last item "... điểm số của họ cho lượt là",
    the score for the turn is). A phrase the text went on from with a clause of its own ("Data Science
    and Analytics is the next step ...", the last line "... -> Data Science and Analytics") is a name."""
    head, _, tail = body.rstrip().rpartition("\n")
    end = re.findall(r"\w+", tail.lower())[-PHRASE_WORDS:]
    if len(end) < PHRASE_WORDS or not head:
        return False
    phrase = r"\W+".join(map(re.escape, end))
    return re.search(r"(?<!\w)" + phrase + r"(?:[ \t]+\w+){1,2}[.!?]", head.lower()) is not None
