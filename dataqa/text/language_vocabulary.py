"""The data set's own words: what a minority-language decision must get past in a Latin-script data set.

A data set in one language repeats that language's words in text after text ("pokaż", "na", "moje"
in Polish commands), and its foreign-looking texts are mostly texts in that language with a few
names, brands or titles ("pokaż moje pliki na google drive" reads Croatian on character n-grams).
So a text the detector gives another language keeps it only when at most `OWN_SHARE` of its letters
are in words of the dominant language's vocabulary, learned from the data set itself
(`dominant_vocabulary`), and those words are no frame around one or two foreign slot values
(`framed`: a title to play, a sentence to translate). The vocabulary is read only from texts whose
own evidence names the dominant language (a decisive function-word count, or the n-gram model's
best guess before the data set's prior), so short minority texts the prior absorbed lend it none
of their words, and a real minority-language text keeps its language: "¿dónde está mi pedido?"
shares no more than "mi" with an English set. Not used where the dominant language has its own
script (Chinese, Russian): there the script decides (`dataqa.text.language._own_script_mask`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from dataqa.text.language_signals import ROMANISED, UNDETERMINED, clean_prefixes, prefix_words

VOCABULARY_SAMPLE = 20_000
"""Most texts the vocabulary is read from (evenly spaced among the ones that qualify): it bounds the
cost on a million rows, and the frequent words of a language show in far fewer."""
VOCABULARY_MIN_TEXTS = 3
"""Texts a word must occur in to belong to the vocabulary (one text's name is not the language's)."""
OWN_SHARE = 0.5
"""Share of a text's letters in vocabulary words from which the text is in the dominant language."""
FRAME_WORDS = 3
SLOT_RUNS = 2
VERB_LETTERS = 4
"""A command in the dominant language that fills in foreign text ("translate <French sentence> from
french to german", "graj <English title> na spotify") opens with a vocabulary word of at least
`VERB_LETTERS` letters (its verb), has at least `FRAME_WORDS` vocabulary words, and the other words
stand alone (a name, a language) or in at most `SLOT_RUNS` runs of two or more (the slot values). A
sentence in another language has its few look-alike words ("no", "me", "a") scattered through it."""


def _words(texts: pl.Series) -> pl.Series:
    """Each text's lower-cased words, as language detection reads them (its de-noised prefix)."""
    return prefix_words(clean_prefixes(texts)).list.eval(pl.element().str.to_lowercase())


def dominant_vocabulary(texts: pl.Series, confident: np.ndarray) -> frozenset[str]:
    """The words found in `VOCABULARY_MIN_TEXTS` or more of the texts at positions `confident`
    (those whose own evidence names the dominant language)."""
    if not len(confident):
        return frozenset()
    return frequent_words(word_texts(texts, confident, vocabulary_step(len(confident))))


def vocabulary_step(confident: int) -> int:
    """Every how many-th of `confident` texts the vocabulary is read from (`VOCABULARY_SAMPLE` at most)."""
    return max(1, -(-confident // VOCABULARY_SAMPLE))


def word_texts(texts: pl.Series, confident: np.ndarray, step: int, first: int = 0) -> pl.DataFrame:
    """`word`, `texts`: in how many of the texts at positions `confident` each word is, of those whose
    place among all the confident texts (this set's come from the `first`-th on: a block's) is a
    multiple of `step`. A split's counts are the sum of its blocks'."""
    at = np.asarray(confident, dtype=np.int64)
    picked = texts.gather(at[(first + np.arange(len(at))) % step == 0])
    counts = _words(picked).list.unique().explode().drop_nulls().value_counts()
    return counts.rename({counts.columns[0]: "word", "count": "texts"}).cast(
        {"word": pl.String, "texts": pl.Int64}
    )


def frequent_words(counts: pl.DataFrame) -> frozenset[str]:
    """The words of `word_texts` counts found in `VOCABULARY_MIN_TEXTS` texts or more."""
    return frozenset(counts.filter(pl.col("texts") >= VOCABULARY_MIN_TEXTS)["word"].to_list())


def overrule(
    texts: pl.Series, langs: Sequence[str], dominant: str, vocabulary: Callable[[], frozenset[str]]
) -> list[str]:
    """`langs` with every minority decision whose text has more than `OWN_SHARE` of its letters in
    words of `vocabulary()` turned to `dominant` (the vocabulary is asked for only when there is one).
    Romanised Hindi (`ROMANISED`) stands: its words are ones no other language writes, and in a
    code-mixed set the dominant language's vocabulary, read from the texts the n-gram model calls
    English, holds them too."""
    out = list(langs)
    minority = [i for i, lang in enumerate(out) if lang not in (dominant, UNDETERMINED, ROMANISED)]
    if not minority:
        return out
    known = vocabulary()
    for i, words in zip(minority, _words(texts.gather(minority)).to_list(), strict=True):
        letters = sum(map(len, words))
        own = sum(len(w) for w in words if w in known)
        if (letters and own > OWN_SHARE * letters) or framed(words, known):
            out[i] = dominant
    return out


def framed(words: Sequence[str], known: frozenset[str]) -> bool:
    """Whether `words` are a dominant-language command around foreign slot values (see `FRAME_WORDS`),
    given the dominant language's vocabulary `known`."""
    if not words or words[0] not in known or len(words[0]) < VERB_LETTERS:
        return False
    inside = [w in known for w in words]
    runs = sum(
        1
        for k in range(1, len(words) - 1)
        if not inside[k] and not inside[k + 1] and inside[k - 1]  # a run of two or more starts here
    )
    return sum(inside) >= FRAME_WORDS and runs <= SLOT_RUNS
