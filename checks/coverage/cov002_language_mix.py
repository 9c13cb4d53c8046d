"""COV002 language-mix: examples in a minority language (detection in `dataqa.text.language`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.ingest.issues import excerpt
from dataqa.text.language_held import LanguagesHeld
from dataqa.text.language_records import examples, language_counts, language_lines
from dataqa.text.language_signals import (
    FUNCTION_WORDS,
    LANGUAGE_SCRIPTS,
    ROMANISED,
    UNDETERMINED,
    clean_prefix,
    function_word_hits,
)

CODE_MIXED = frozenset({ROMANISED, "en"})
"""Romanised Hindi or Urdu and English: one code-mixed population where the first is a share of the
data of its own (`CODE_MIXED_SHARE`), neither a minority of the other."""
CODE_MIXED_SHARE = 0.1
"""Share of train's determined rows in romanised Hindi from which train is code-mixed."""
TRANSLITERATED_ROWS, TRANSLITERATED_SHARE = 10, 0.01
"""Rows, and share of train's determined rows, in romanised Hindi from which a Latin-script minority
named by the n-gram model alone (no function-word list, no script of its own: Somali, Indonesian,
Estonian) is taken for transliterated Indic text (romanised Marathi, Devanagari transliterated with
doubled vowels: "naahee", "aahe"), not reported; French by its function words, Gujarati by its
script still are."""


@register
@dataclass
class LanguageMix(Check):
    """Examples in a minority language when the data is mostly one language.

    Method: each record's text (a bounded prefix, URLs, @handles and code removed; a labelled record's input
    alone) is classified by script and by function words where those are decisive, and for the rest by
    character n-grams (langdetect's profiles) weighed with the training data's own language mix: a text is
    given another language than the dominant one only at 99:1 odds, and only when the text does not speak
    against it (letters of another script, mostly names or non-words such as a hash, "abbab…" or laughter,
    "kkkkk", "hahaha", the dominant language's function words outnumbering the other's), so a short or
    ambiguous text gets the dominant language; texts under about 20 letters or 4 words are "und"
    (undetermined) and never reported, and a translation request whose prompt or answer is in the dominant
    language is no minority example. Romanised Hindi or Urdu (Hinglish, Roman Urdu), which the n-gram
    model has no profile for, is told by its own words and named "hi-Latn"; in a set that writes it,
    the transliterated lines the model alone reads as Somali or Indonesian (`TRANSLITERATED_ROWS`)
    are no minority of English, and where it is a tenth of the data or more it and English are one
    code-mixed population (`CODE_MIXED`). A text in two scripts (Arabic with transliterated Latin words) is
    undetermined, and one that reads as the dominant language once its capitalised words (names: the
    Italian places of an Indonesian sentence) are left out is the dominant language. A language the
    n-gram model alone names in plain Latin letters (Somali, Estonian, Finnish: `_ngrams_alone`) is
    said to be a guess: romanised Tamil and Hmong read as them. The evidence quotes
    the first examples' inputs and the start of their answers. The metric `languages` gives every
    split's distribution.
    Why: a handful of Spanish examples in an English set teaches the model little Spanish but may
    make it switch language unexpectedly; a test set in another language measures something else.
    Example: 1,180 English tickets and 20 Spanish ones; or an English train set with a German test set.
    Fix: translate or drop the minority examples, or collect enough of each language on purpose.
    """

    id = "COV002"
    shares = frozenset(
        {"language-evidence", "language-prior", "language-vocabulary", "languages", "language_counts"}
        | {"language_lines", "language_examples"}
    )
    name = "language-mix"
    family = "coverage"
    severity = Severity.WARNING
    dominant_share: float = ranged(0.8, low=0, high=1)
    """Share of determined training rows one language needs for the others to count as minority."""
    min_rows: int = ranged(1, low=1)
    """Smallest group of minority-language rows reported."""

    def held_form(self) -> HeldForm:
        """On a split held on the Ray workers: its records' languages decided on its blocks, with
        train's prior and vocabulary (made over train's blocks when it is held): counts per
        language, and the lines of the minority ones (`language_held`)."""
        return LanguagesHeld()

    def run(self, ctx: Context) -> Iterator[Finding]:
        per_split = {split.name: language_counts(ctx, split.name) for split in ctx}
        self.metrics["languages"] = {name: _ordered_counts(counts) for name, counts in per_split.items()}
        train_counts = Counter({lang: n for lang, n in per_split["train"].items() if lang != UNDETERMINED})
        determined = sum(train_counts.values())
        if not determined:
            return
        dominant, _ = max(train_counts.items(), key=lambda kv: (kv[1], kv[0]))
        romanised = train_counts.get(ROMANISED, 0)
        mix = (
            CODE_MIXED
            if dominant in CODE_MIXED and romanised >= CODE_MIXED_SHARE * determined
            else {dominant}
        )
        share = sum(train_counts.get(lang, 0) for lang in mix) / determined
        guessed = romanised >= max(TRANSLITERATED_ROWS, TRANSLITERATED_SHARE * determined)
        self.metrics["dominant"] = dominant
        self.metrics["dominant_share"] = round(share, 4)
        for name, counts in per_split.items():

            def minority(lang: str, name: str = name) -> bool:
                if guessed and _named_by_ngrams(lang):
                    return False  # transliterated Indic the n-gram model alone named: no language
                    # (a listed language's lines are kept by their function words: `_in_own_words`)
                if share >= self.dominant_share:
                    return lang not in mix
                # mixed training data: only eval rows in a language train hardly has
                return name != "train" and train_counts.get(lang, 0) < 0.01 * determined

            wanted = {
                lang
                for lang, rows in counts.items()
                if lang != UNDETERMINED and minority(lang) and rows >= self.min_rows
            }
            found = language_lines(ctx, name, wanted) if wanted else {}
            for lang in sorted(wanted):
                lines = found[lang]
                if guessed and lang in FUNCTION_WORDS:
                    lines = _in_own_words(ctx, name, lines, lang)
                    if not lines:
                        continue
                where = (
                    f"{share:.0%} of the training data is {dominant!r}"
                    if share >= self.dominant_share
                    else f"train has {train_counts.get(lang, 0)} {lang!r} example(s)"
                )
                yield self.finding(
                    f"{len(lines)} {name} example(s) detected as language {lang!r}"
                    f"{NGRAMS_ALONE if _ngrams_alone(ctx, name, lines, lang) else ''}; {where}",
                    [ctx.location(name, line) for line in lines],
                    _examples(ctx, name, lines),
                    metrics={"language": lang, "count": len(lines), "dominant": dominant},
                )


NGRAMS_ALONE = " (by character n-grams alone: a language in plain Latin letters, maybe another one)"
"""What a finding adds where the language was named by the n-gram model alone (`_ngrams_alone`)."""
NGRAMS_ALONE_LINES = 20
"""Examples read to tell whether a minority is written in plain Latin letters (its first ones)."""


def _named_by_ngrams(lang: str) -> bool:
    """Whether only the n-gram model can name `lang`: no function-word list, no script of its own, no
    romanised word list (Somali, Indonesian, Estonian)."""
    return lang not in FUNCTION_WORDS and lang not in LANGUAGE_SCRIPTS and lang != ROMANISED


def _ngrams_alone(ctx: Context, split: str, lines: list[int], lang: str) -> bool:
    """Whether a minority language was named by the n-gram model alone: no function-word list, no
    script of its own, no romanised word list, and its first examples in ASCII. Such texts hold
    nothing but the n-grams: romanised Tamil reads as Estonian, Hmong as Somali, transliterated
    Marathi as Somali too; the examples are no English, but the name is a guess."""
    if not _named_by_ngrams(lang):
        return False
    texts = examples(ctx, split, lines[:NGRAMS_ALONE_LINES])["text"].to_list()
    return all(text.isascii() for text in texts)


OWN_WORDS = 2
"""Function words of its language a line needs, in a set that writes romanised Hindi, to be in it."""


def _in_own_words(ctx: Context, split: str, lines: list[int], lang: str) -> list[int]:
    """The lines whose input holds `OWN_WORDS` of `lang`'s function words: in a set that writes
    transliterated Indic, the n-gram model's "Dutch" for "hyaa randee chee gaandee ..." is no Dutch,
    "on ne trouvera jamais cette indifférence" is French."""
    texts = examples(ctx, split, lines)
    return [
        line
        for line, text in zip(texts["line"].to_list(), texts["text"].to_list(), strict=True)
        if function_word_hits(clean_prefix(text))[lang] >= OWN_WORDS
    ]


def _examples(ctx: Context, split: str, lines: list[int], most: int = 3) -> list[str]:
    """The first `most` examples' inputs (or targets, where the input is empty), one line each, with
    the start of the answer of a record that has one of its own: a short input is told by its answer's
    language, and the reviewer sees both without opening the file."""
    shown = examples(ctx, split, lines[:most])
    return [
        f"{ctx.place(split, line)}: {excerpt(text, 120, flat=True)}"
        + (f" → {excerpt(answer, 80, flat=True)}" if answer else "")
        for line, text, answer in shown.iter_rows()
    ]


def _ordered_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
