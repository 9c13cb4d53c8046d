"""COV002 language-mix: examples in a minority language (detection in `dataqa.text.language`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt
from dataqa.text.language_records import languages
from dataqa.text.language_signals import UNDETERMINED


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
    language is no minority example. The evidence quotes the first examples' inputs. The metric `languages`
    gives every split's distribution.
    Why: a handful of Spanish examples in an English set teaches the model little Spanish but may
    make it switch language unexpectedly; a test set in another language measures something else.
    Example: 1,180 English tickets and 20 Spanish ones; or an English train set with a German test set.
    Fix: translate or drop the minority examples, or collect enough of each language on purpose.
    """

    id = "COV002"
    shares = frozenset({"language-evidence", "language-prior", "language-vocabulary", "languages"})
    name = "language-mix"
    family = "coverage"
    severity = Severity.WARNING
    dominant_share: float = ranged(0.8, low=0, high=1)
    """Share of determined training rows one language needs for the others to count as minority."""
    min_rows: int = ranged(1, low=1)
    """Smallest group of minority-language rows reported."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        per_split = {split.name: languages(ctx, split.name) for split in ctx}
        self.metrics["languages"] = {
            name: _ordered_counts(frame["lang"].to_list()) for name, frame in per_split.items()
        }
        train_counts = Counter(lang for lang in per_split["train"]["lang"].to_list() if lang != UNDETERMINED)
        determined = sum(train_counts.values())
        if not determined:
            return
        dominant, n = max(train_counts.items(), key=lambda kv: (kv[1], kv[0]))
        share = n / determined
        self.metrics["dominant"] = dominant
        self.metrics["dominant_share"] = round(share, 4)
        for name, frame in per_split.items():
            groups = (
                frame.filter(pl.col("lang") != UNDETERMINED)
                .group_by("lang")
                .agg(pl.col("line").sort())
                .sort("lang")
            )
            for lang, lines in groups.iter_rows():
                if share >= self.dominant_share:
                    minority = lang != dominant
                else:  # mixed training data: only eval rows in a language train hardly has
                    minority = name != "train" and train_counts.get(lang, 0) < 0.01 * determined
                if not minority or len(lines) < self.min_rows:
                    continue
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
    """The first `most` examples' inputs (or targets, where the input is empty), one line each, so a
    reviewer sees the language without opening the file."""
    shown = (
        ctx.valid_rows(split)
        .filter(pl.col("line").is_in(lines[:most]))
        .select("line", pl.coalesce(pl.col("prompt").replace("", None), "response", "text").fill_null(""))
        .sort("line")
    )
    return [f"{ctx.place(split, line)}: {excerpt(text, 120, flat=True)}" for line, text in shown.iter_rows()]


def _ordered_counts(values: list[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))
