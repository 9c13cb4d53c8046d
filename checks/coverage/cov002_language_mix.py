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
from dataqa.text.language_signals import ROMANISED, UNDETERMINED


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
    model has no profile for, is told by its own words and named "hi-Latn"; a code-mixed set of it
    and English is mixed data, so its transliterated lines the model reads as Somali or Indonesian
    are no minority of English, and in a set mostly of it English lines are part of the mix. A text
    in two scripts (Arabic with transliterated Latin words) is
    undetermined, and one that reads as the dominant language once its capitalised words (names: the
    Italian places of an Indonesian sentence) are left out is the dominant language. The evidence quotes
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
        dominant, n = max(train_counts.items(), key=lambda kv: (kv[1], kv[0]))
        share = n / determined
        self.metrics["dominant"] = dominant
        self.metrics["dominant_share"] = round(share, 4)
        for name, counts in per_split.items():

            def minority(lang: str, name: str = name) -> bool:
                if share >= self.dominant_share:
                    return lang != dominant and (dominant, lang) != (ROMANISED, "en")
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
                where = (
                    f"{share:.0%} of the training data is {dominant!r}"
                    if share >= self.dominant_share
                    else f"train has {train_counts.get(lang, 0)} {lang!r} example(s)"
                )
                yield self.finding(
                    f"{len(lines)} {name} example(s) detected as language {lang!r}; {where}",
                    [ctx.location(name, line) for line in lines],
                    _examples(ctx, name, lines),
                    metrics={"language": lang, "count": len(lines), "dominant": dominant},
                )


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
