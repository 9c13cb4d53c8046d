"""LBL003 label-spelling-variant: spellings of one label that become classes of their own."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from rapidfuzz.distance import OSA

from dataqa.checks.labels.base import split_classes
from dataqa.core.models import Finding, Location, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register

_PUNCT_SPACE = re.compile(r"[\W_]+", re.UNICODE)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def normalise_label(label: str) -> str:
    """A label's spelling-insensitive key: NFKC, case-folded, punctuation and spaces as one space.

    A label that is one number keys on its value: its sign and decimal point are not punctuation
    (`-1` and `1` of a -1/0/1 scale are two classes, `1.0` and `10` two values; `1.0` and `1` one)."""
    text = unicodedata.normalize("NFKC", label).strip()
    if _NUMBER.fullmatch(text):
        value = Decimal(text)
        return "0" if value.is_zero() else format(value.normalize(), "f")
    return _PUNCT_SPACE.sub(" ", text.casefold()).strip()


_PAIRS = (('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ("(", ")"), ("[", "]"), ("{", "}"))
"""Quotes and brackets that come in pairs (a straight double quote pairs with itself)."""


def stray_mark(label: str) -> str | None:
    """The first quote or bracket a label holds without its partner (`BN_NEG"`, `(positive`), or None:
    a mark left from a source's quoting or a cut-off field, which no other split or tool spells.
    Apostrophes are not read (`n't`, `students'`), nor paired marks (`"Yes"`, `f(x)`, `HUM:ind`)."""
    for left, right in _PAIRS:
        opened, closed = label.count(left), label.count(right)
        if opened % 2 if left == right else opened != closed:
            return left if left == right or opened > closed else right
    return None


def is_typo(a: str, b: str) -> bool:
    """Two normalised labels differ by a small typo in one word (or only in word breaks).

    Words are compared position by position: exactly one word may differ, by one edit (or
    transposition) for words of 4+ letters, two edits for words of 8+; so `postive`/`positive`
    and `{"queue": "biling"}`/`{"queue": "billing"}` are variants, `low`/`high` are not.
    """
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    diffs = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    shorter = min(len(x), len(y))
    if shorter < 4 or x.isdigit() or y.isdigit():
        return False
    return OSA.distance(x, y) <= (2 if shorter >= 8 else 1)


@register
@dataclass
class LabelSpellingVariant(Summarised):
    """Label values that differ only in case, spacing, punctuation or a small typo, across all
    splits, with the most frequent form suggested as the canonical one. A multi-label row's set is
    read as its classes (`split_classes`): class names are compared, not combinations.

    Variants in case, spacing or punctuation are always reported; a typo variant (one word off by
    one or two edits) only when it is rarer than `max_typo_share` of the form it resembles, so two
    real classes with similar names are left alone, and not when the input texts write both words
    (`two_words`: a tag set's "beer" and "beef") or write the rarer one in at least as many texts as
    it labels ("chopping" beside "shopping"), which they do not of a misspelling.
    A label holding a quote or bracket without its partner (`BN_NEG"`, `(positive`: `stray_mark`)
    is reported too, when it is no variant of another label: the mark is debris of the source's
    quoting or a cut-off value, and paired marks (`"Yes"`, `f(x)`), apostrophes (`n't`) and other
    punctuation (`HUM:ind`, `C++`) are left alone.
    Why: `Positive`, `positive ` and `postive` become three classes; the model splits its
    probability between them and the rare spellings are noise.
    Example: 800 rows labelled `positive`, 3 `Positive`, 1 `postive`.
    Fix: map every variant to the canonical label before training.
    """

    id = "LBL003"
    shares = frozenset({"split_classes", "split_labels"})
    name = "label-spelling-variant"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label", "text_classes", "classes"})
    max_typo_share: float = ranged(0.25, low=0, high=1)
    max_labels: int = ranged(5000, low=0)
    """Distinct labels above this: free-text targets, not classes; the typo search is skipped."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Each split's rows per class (`split_classes`: class names, not combinations)."""
        counts = {s.name: Counter(split_classes(ctx, s.name)["label"].to_list()) for s in ctx}
        return {"counts": {name: c for name, c in counts.items() if c}}

    def _clusters(self, per_split: dict[str, Counter[str]]) -> list[tuple[str, list[str]]]:
        """Each group of spellings of one label: its canonical form and its variants, most rows first."""
        counts: Counter[str] = Counter()
        for c in per_split.values():
            counts.update(c)
        train_counts = per_split.get("train", Counter())
        forms: dict[str, list[str]] = defaultdict(list)
        for label in sorted(counts):
            forms[normalise_label(label)].append(label)
        form_count = {form: sum(counts[lab] for lab in labs) for form, labs in forms.items()}
        ranked = sorted(form_count, key=lambda f: (-form_count[f], f))
        parent = {form: form for form in ranked}
        if len(ranked) <= self.max_labels:
            for i, form in enumerate(ranked):
                for bigger in ranked[:i]:
                    if form_count[form] <= self.max_typo_share * form_count[bigger] and is_typo(form, bigger):
                        parent[form] = parent[bigger]
                        break
        clusters: dict[str, list[str]] = defaultdict(list)
        for form in ranked:
            clusters[parent[form]].extend(forms[form])
        out = []
        for members in clusters.values():
            if len(members) < 2:
                continue
            canonical = max(members, key=lambda lab: (counts[lab], train_counts[lab], _neg(lab)))
            variants = sorted(
                (lab for lab in members if lab != canonical), key=lambda lab: (-counts[lab], lab)
            )
            out.append((canonical, variants))
        return out

    def _stray(self, per_split: dict[str, Counter[str]], clusters: list[tuple[str, list[str]]]) -> list[str]:
        """The labels with an unpaired quote or bracket (`stray_mark`) that are no variant of another
        (`clusters`: `_clusters` of the same counts)."""
        variants = {v for _, vs in clusters for v in vs}
        labels = {label for counts in per_split.values() for label in counts}
        if len(labels) > self.max_labels:
            return []  # free-text targets, not classes
        return sorted(label for label in labels - variants if stray_mark(label))

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The variant and stray labels whose rows to locate, and the words two labels a typo apart
        differ in (`typo_words`), whose use in the inputs to count."""
        clusters = self._clusters(summary["counts"])
        variants = [v for _, vs in clusters for v in vs]
        labels = sorted(variants + self._stray(summary["counts"], clusters))
        words = sorted({w for c, vs in clusters for v in vs for w in typo_words(v, c) or ()})
        return {"labels": labels, "words": words} if labels else None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """`split`, `line`, `label` of the rows whose class is one of the variants `wanted`, and per
        word two labels differ in, the input texts that write it."""
        frames = [
            split_classes(ctx, s.name)
            .filter(pl.col("label").is_in(wanted["labels"]))
            .select(pl.lit(s.name).alias("split"), pl.col("line").cast(pl.Int64), "label")
            for s in ctx
        ]
        used: Counter[str] = Counter()
        for s in ctx:
            texts = ctx.valid_rows(s.name)["prompt"].str.to_lowercase()
            for word in wanted["words"]:
                used[word] += int(texts.str.contains(rf"(?:^|\W){re.escape(word)}(?:\W|$)").sum() or 0)
        return {"variants": pl.concat(frames, how="vertical_relaxed"), "used": used}

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        per_split = summary["counts"]
        counts: Counter[str] = Counter()
        for c in per_split.values():
            counts.update(c)
        labelled = [s.name for s in ctx if s.name in per_split]  # the order of the splits
        n_groups = 0
        n_rows = 0
        clusters = self._clusters(per_split)

        def located(labels: list[str]) -> list[Location]:
            """The rows labelled one of `labels`, split by split in the splits' order, line by line."""
            rows = summary["rows"]["variants"].filter(pl.col("label").is_in(labels))
            return [
                ctx.location(split, line)
                for split in labelled
                for line in rows.filter(pl.col("split") == split)["line"].unique().sort().to_list()
            ]

        used: Counter[str] = summary.get("rows", {}).get("used", Counter())
        for canonical, spellings in clusters:
            variants = [v for v in spellings if not two_words(typo_words(v, canonical), used, counts[v])]
            locations = located(variants)
            if not locations:
                continue
            n_groups += 1
            n_rows += len(locations)
            listed = ", ".join(f"{lab[:60]!r} ({counts[lab]})" for lab in variants)
            yield self.finding(
                f"label(s) {listed} look like variants of {canonical[:60]!r} ({counts[canonical]} rows); "
                f"use {canonical[:60]!r}",
                locations,
                [f"{lab[:80]!r} → {canonical[:80]!r}" for lab in variants],
                metrics={"canonical": canonical, "variants": {lab: counts[lab] for lab in variants}},
            )
        self.metrics["variant_groups"] = n_groups
        self.metrics["variant_rows"] = n_rows
        stray = self._stray(per_split, clusters)
        for label in stray:
            mark = stray_mark(label)
            yield self.finding(
                f"label {label[:60]!r} ({counts[label]} rows) holds an unpaired {mark!r}: a mark left "
                f"from the source's quoting or a cut-off value, a class name of its own; drop the mark",
                located([label]),
                [f"{label[:80]!r} → {label.replace(mark or '', '')[:80]!r}"],
                metrics={"label": label, "mark": mark, "rows": counts[label]},
            )
        if stray:  # only then: most label sets have none
            self.metrics["stray_mark_labels"] = len(stray)


def typo_words(variant: str, canonical: str) -> tuple[str, str] | None:
    """The one word two labels a typo apart differ in, each's (`is_typo`), or None when they differ
    in case, spacing or punctuation only, or in more than one word."""
    a, b = normalise_label(variant), normalise_label(canonical)
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return None
    diffs = [(x, y) for x, y in zip(a.split(), b.split(), strict=False) if x != y]
    return diffs[0] if len(diffs) == 1 and len(a.split()) == len(b.split()) else None


WORD_TEXTS = 2
"""Input texts that must write each of two labels' differing words for them to be two words
(`two_words`), as `SetWords.in_use` counts a word the data set uses."""


def two_words(words: tuple[str, str] | None, used: Counter[str], rows: int = 0) -> bool:
    """Whether two labels a typo apart (`words`: the variant's word, then the canonical's) are two
    words of the language, not one misspelt: the inputs write both ("beer" / "beef", "heat" / "meat"
    in cooking questions), or write the variant's word in at least as many texts as the `rows` it
    labels (a tag named after what its texts are about: "chopping" beside "shopping"), which a
    misspelling ("postive") they do not; a plural ending ("apple" / "apples") is one word either way."""
    if words is None:
        return False
    x, y = sorted(words, key=len)
    if y in (x + "s", x + "es"):
        return False
    both = used[x] >= WORD_TEXTS and used[y] >= WORD_TEXTS
    return both or used[words[0]] >= max(WORD_TEXTS, rows)


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that prefers the lexicographically smaller string under `max`."""
    return tuple(-ord(ch) for ch in text)
