"""LBL: label consistency. Conflicting labels for the same input, spelling variants of one label,
labels one split has and another lacks, likely mislabels (confident learning on out-of-fold
probabilities), and, for generative data, one prompt answered in contradictory ways.

Identity of inputs comes from the shared hashes of `dataqa.text.similarity`. The mislabel classifier
has its own feature space (`label_features`: every word kept, word pairs), not the topic space of
`dataqa.text.topics`, whose stop-word list would turn "not urgent" into "urgent".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import orjson
import polars as pl
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from rapidfuzz.utils import default_process

from dataqa.core.models import Finding, Location, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.formats import canonical_label
from dataqa.ingest.load import excerpt
from dataqa.text.similarity import DEFAULT_THRESHOLD, hashes, near_duplicate_groups
from dataqa.text.topics import SEED

CLOSED_SET_SOURCE = "assistant reply (closed set)"


def split_labels(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `label` of the valid, labelled rows of a split.

    A held-out split of chat data too small to be recognised as a closed set on its own (under
    ten rows) takes its labels from its replies when train's labels are replies.
    """

    def compute() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        s = ctx.splits[split]
        if s.label_source is None and split != "train" and ctx.train.label_source == CLOSED_SET_SOURCE:
            labels = [canonical_label(r) if r and r.strip() else None for r in rows["response"].to_list()]
            rows = rows.with_columns(pl.Series("label", labels, dtype=pl.String))
        return rows.select("line", "label").filter(pl.col("label").is_not_null())

    return ctx.shared(("split_labels", split), compute)


def _labelled_splits(ctx: Context) -> list[str]:
    return [s.name for s in ctx if split_labels(ctx, s.name).height]


def _label_list(labels: dict[str, list[int]], split: str) -> list[str]:
    """Evidence lines: each label with the lines that carry it."""
    return [
        f"{label[:80]!r} at {split} line(s) {', '.join(map(str, lines[:12]))}"
        + (" …" if len(lines) > 12 else "")
        for label, lines in labels.items()
    ]


@register
@dataclass
class ConflictingLabels(Check):
    """The same input appears with different labels (identical, or equal after normalising case,
    spacing, punctuation and Unicode), within one split.

    Every row of a conflicting group is unusable (the "consistent" stage of the usable count):
    which label is right cannot be told from the data.
    Why: the model is trained to give two answers to one question; it learns neither reliably,
    and the group's examples in test make the score arbitrary.
    Example: "My parcel never arrived" labelled `shipping` on line 201 and `billing` on line 881.
    Fix: decide the right label and keep one example, or make the inputs differ where the labels
    differ (e.g. add the detail that decides).
    """

    id = "LBL001"
    shares = frozenset({"hashes", "split_labels"})
    name = "conflicting-labels"
    family = "labels"
    severity = Severity.ERROR
    needs = frozenset({"label"})

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in _labelled_splits(ctx):
            rows = ctx.valid_rows(split).select("line", "prompt")
            labelled = (
                split_labels(ctx, split)
                .join(
                    hashes(ctx, split).select("line", "prompt_norm", "prompt_exact", "system_exact"),
                    on="line",
                )
                .join(rows, on="line")
                .filter(pl.col("prompt").str.strip_chars().str.len_chars() > 0)
            )
            groups = (
                labelled.group_by("system_exact", "prompt_norm")
                .agg(
                    pl.col("line").sort_by("line"),
                    pl.col("label").sort_by("line"),
                    pl.col("prompt").sort_by("line").first(),
                    pl.col("prompt_exact").n_unique().alias("forms"),
                    pl.col("label").n_unique().alias("n_labels"),
                )
                .filter(pl.col("n_labels") > 1)
                .sort(pl.col("line").list.first())
            )
            conflicting = 0
            for lines, labels, prompt, forms in groups.select("line", "label", "prompt", "forms").iter_rows():
                by_label: dict[str, list[int]] = defaultdict(list)
                for line, label in zip(lines, labels, strict=True):
                    by_label[label].append(line)
                conflicting += len(lines)
                how = (
                    "identical inputs"
                    if forms == 1
                    else "inputs equal after normalising case and punctuation"
                )
                summary = ", ".join(f"{lab[:60]!r} x{len(ls)}" for lab, ls in by_label.items())
                locations = [ctx.location(split, line) for line in lines]
                yield self.finding(
                    f"{len(lines)} {split} examples with {how} carry {len(by_label)} different labels: "
                    + summary,
                    locations,
                    [excerpt(prompt), *_label_list(by_label, split)],
                    metrics={"labels": {lab: ls for lab, ls in by_label.items()}},
                    unusable=locations,
                )
            self.metrics[f"{split}_conflict_groups"] = groups.height
            self.metrics[f"{split}_conflicting_rows"] = conflicting


@register
@dataclass
class NearIdenticalConflict(Check):
    """Near-identical inputs (a word or two apart) with different labels, within one split.

    Inputs are grouped by the shared near-duplicate engine (verified word similarity at least
    `threshold`, joined transitively); a group is reported when two of its inputs that are not
    the same after normalisation carry different labels (identical inputs are LBL001's). Every
    row of the group is unusable until someone decides.
    Why: when a greeting or an order number is all that separates two examples, different labels
    teach the model noise; either one label is wrong or the deciding detail is missing.
    Example: "Hi, my parcel never arrived, order NW-123" labelled `shipping` and "My parcel never
    arrived, order NW-789" labelled `billing`.
    Fix: correct the wrong label, or make the difference that decides the label explicit.
    """

    id = "LBL002"
    shares = frozenset({"bands", "distinct", "hashes", "near_groups", "near_pairs", "split_labels"})
    name = "near-identical-conflict"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    threshold: float = DEFAULT_THRESHOLD

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in _labelled_splits(ctx):
            labels = dict(split_labels(ctx, split).iter_rows())
            info = (
                hashes(ctx, split)
                .select("line", "prompt_norm")
                .join(ctx.valid_rows(split).select("line", "prompt"), on="line")
            )
            norm = dict(zip(info["line"].to_list(), info["prompt_norm"].to_list(), strict=True))
            prompts = dict(zip(info["line"].to_list(), info["prompt"].to_list(), strict=True))
            found = 0
            for group in near_duplicate_groups(ctx, split, column="prompt", threshold=self.threshold):
                members = [line for line in group if line in labels]
                forms: dict[int, set[str]] = defaultdict(set)
                for line in members:
                    forms[norm[line]].add(labels[line])
                if len(forms) < 2 or not any(
                    a != b
                    for fa, la in forms.items()
                    for fb, lb in forms.items()
                    if fa != fb
                    for a in la
                    for b in lb
                ):
                    continue
                found += 1
                by_label: dict[str, list[int]] = defaultdict(list)
                for line in members:
                    by_label[labels[line]].append(line)
                locations = [ctx.location(split, line) for line in members]
                summary = ", ".join(f"{lab[:60]!r} x{len(ls)}" for lab, ls in by_label.items())
                yield self.finding(
                    f"{len(members)} near-identical {split} inputs carry {len(by_label)} different labels: "
                    + summary,
                    locations,
                    [
                        f"line {line} ({labels[line][:40]!r}): {excerpt(prompts[line], 100)}"
                        for line in members[:6]
                    ],
                    metrics={"labels": dict(by_label)},
                    unusable=locations,
                )
            self.metrics[f"{split}_near_conflict_groups"] = found


_PUNCT_SPACE = re.compile(r"[\W_]+", re.UNICODE)


def normalise_label(label: str) -> str:
    """A label's spelling-insensitive key: NFKC, case-folded, punctuation and spaces as one space."""
    return _PUNCT_SPACE.sub(" ", unicodedata.normalize("NFKC", label).casefold()).strip()


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
class LabelSpellingVariant(Check):
    """Label values that differ only in case, spacing, punctuation or a small typo, across all
    splits, with the most frequent form suggested as the canonical one.

    Variants in case, spacing or punctuation are always reported; a typo variant (one word off by
    one or two edits) only when it is rarer than `max_typo_share` of the form it resembles, so two
    real classes with similar names are left alone.
    Why: `Positive`, `positive ` and `postive` become three classes; the model splits its
    probability between them and the rare spellings are noise.
    Example: 800 rows labelled `positive`, 3 `Positive`, 1 `postive`.
    Fix: map every variant to the canonical label before training.
    """

    id = "LBL003"
    shares = frozenset({"split_labels"})
    name = "label-spelling-variant"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    max_typo_share: float = 0.25
    max_labels: int = 5000
    """Distinct labels above this: free-text targets, not classes; the typo search is skipped."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        per_split = {split: split_labels(ctx, split) for split in _labelled_splits(ctx)}
        counts: Counter[str] = Counter()
        train_counts: Counter[str] = Counter()
        for split, frame in per_split.items():
            c = Counter(frame["label"].to_list())
            counts.update(c)
            if split == "train":
                train_counts = c
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
        n_groups = 0
        n_rows = 0
        for members in clusters.values():
            if len(members) < 2:
                continue
            canonical = max(members, key=lambda lab: (counts[lab], train_counts[lab], _neg(lab)))
            variants = sorted(
                (lab for lab in members if lab != canonical), key=lambda lab: (-counts[lab], lab)
            )
            locations: list[Location] = []
            for split, frame in per_split.items():
                lines = frame.filter(pl.col("label").is_in(variants))["line"].sort().to_list()
                locations.extend(ctx.location(split, line) for line in lines)
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


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that prefers the lexicographically smaller string under `max`."""
    return tuple(-ord(ch) for ch in text)


def _closest(label: str, choices: list[str]) -> str | None:
    """The training label a held-out label most resembles (for a "did you mean" hint)."""
    if not choices:
        return None
    best = process.extractOne(label, choices, scorer=fuzz.ratio, score_cutoff=80)
    return best[0] if best else None


@register
@dataclass
class EvalLabelUnseen(Check):
    """A label in the test or validation split that no training example has.

    Why: the model cannot learn a class it never saw; every held-out example with it counts as an
    error that no amount of tuning fixes, and it often reveals a renamed or misspelled label.
    Example: train uses `shipping`, test has 14 rows labelled `delivery`.
    Fix: add training examples of the class, map the label to the training one, or drop the rows.
    """

    id = "LBL004"
    shares = frozenset({"split_labels"})
    name = "eval-label-unseen"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label", "eval"})

    def run(self, ctx: Context) -> Iterator[Finding]:
        known = set(split_labels(ctx, "train")["label"].to_list())
        choices = sorted(known)
        for split in ctx.eval_splits:
            groups = (
                split_labels(ctx, split.name)
                .filter(~pl.col("label").is_in(choices))
                .group_by("label")
                .agg(pl.col("line").sort())
                .sort(pl.col("line").list.first())
            )
            self.metrics[f"{split.name}_unseen_labels"] = groups.height
            self.metrics[f"{split.name}_unseen_rows"] = int(groups["line"].list.len().sum() or 0)
            for label, lines in groups.iter_rows():
                near = _closest(label, choices)
                hint = f"; closest training label: {near[:60]!r}" if near else ""
                yield self.finding(
                    f"label {label[:80]!r} on {len(lines)} {split.name} row(s) never occurs in train{hint}",
                    [ctx.location(split, line) for line in lines],
                    [label[:160]],
                    metrics={"label": label, "count": len(lines), "closest": near},
                )


@register
@dataclass
class LabelMissingFromEval(Check):
    """A training label that the test (or validation) split never uses: that class is not evaluated.

    Why: the test score says nothing about a class it does not contain; regressions on it go
    unnoticed until production.
    Example: train has 40 `legal` tickets, test has none.
    Fix: move or add a few examples of each class to the held-out split (a stratified split).
    """

    id = "LBL005"
    shares = frozenset({"split_labels"})
    name = "label-missing-from-eval"
    family = "labels"
    severity = Severity.INFO
    needs = frozenset({"label", "eval"})

    def run(self, ctx: Context) -> Iterator[Finding]:
        train = split_labels(ctx, "train").group_by("label").agg(pl.col("line").sort()).sort("label")
        for split in ctx.eval_splits:
            present = set(split_labels(ctx, split.name)["label"].to_list())
            if not present:
                continue
            missing = train.filter(~pl.col("label").is_in(sorted(present)))
            self.metrics[f"{split.name}_missing_labels"] = missing.height
            for label, lines in missing.iter_rows():
                yield self.finding(
                    f"training label {label[:80]!r} ({len(lines)} rows) never occurs in {split.name}; "
                    "the class is not evaluated",
                    [ctx.location("train", line) for line in lines],
                    [label[:160]],
                    metrics={"label": label, "split": split.name, "train_count": len(lines)},
                )


LABEL_TOKENS = r"(?u)[^\W\d_]+(?:['\u2019][^\W\d_]+)?"
"""Words (apostrophe contractions kept whole: "don't", "isn't"); numbers are ids, not evidence."""


def label_features(ctx: Context) -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF features for predicting labels from the valid training prompts, and their lines (cached).

    Not the topic space of `dataqa.text.topics`: label-bearing words are often function words and
    negations ("not urgent", "no rush", "low priority"), so every word is kept (no stop-word
    list) and word pairs are features beside single words; sublinear tf, words in at least two
    prompts and at most half of them. Character n-grams were measured and left out: no gain in
    precision or recall on planted flips, three times the cost (benchmarks/labels_coverage.md).
    """

    def compute() -> tuple[sp.csr_matrix, np.ndarray]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        train = ctx.valid_rows("train")
        texts = train["prompt"].fill_null("").to_list()
        many = len(texts) >= 20
        vectorizer = TfidfVectorizer(
            lowercase=True,
            token_pattern=LABEL_TOKENS,
            ngram_range=(1, 2),
            min_df=2 if many else 1,
            max_df=0.5 if many else 1.0,
            sublinear_tf=True,
            max_features=1 << 18,
            dtype=np.float32,
        )
        try:
            matrix = vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # no words at all
            matrix = sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return matrix, train["line"].to_numpy()

    return ctx.shared(("label_features",), compute)


def _scalar(value: object) -> str:
    """A JSON field value as a class name: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def label_tasks(labels: list[str]) -> dict[str | None, list[str | None]]:
    """The prediction tasks of a label column: per row, the class to predict in each task.

    A label column whose every label is a JSON object with two or more keys is a set of
    decisions made together ({"queue": ..., "priority": ...}); each key is a task of its own
    (None where the key is missing), so every class has the examples of all the others' values
    instead of one combination's. Any other column is one task, keyed None.
    """
    objects = []
    for label in labels:
        if not label.startswith("{"):
            return {None: list(labels)}
        try:
            value = orjson.loads(label)
        except orjson.JSONDecodeError:
            return {None: list(labels)}
        if not isinstance(value, dict):
            return {None: list(labels)}
        objects.append(value)
    keys = sorted({key for obj in objects for key in obj})
    if len(keys) < 2:
        return {None: list(labels)}
    return {key: [_scalar(obj[key]) if key in obj else None for obj in objects] for key in keys}


@register
@dataclass
class LikelyMislabel(Check):
    """Training examples whose given label a classifier, trained without them, finds implausible
    while it is confident of another label (confident learning).

    Method: TF-IDF of the inputs with word pairs and every word kept (`label_features`: negations
    and function words often carry the label), logistic regression, `folds`-fold stratified
    cross-validation (seeded), so each example is scored by a model that never saw it (the
    out-of-fold probabilities of confident learning). An example is flagged when another label gets
    at least `min_confidence` while its given label gets at most `max_given`. JSON-object labels
    ({"queue": ..., "priority": ...}) are judged field by field, each field a task of its own, and
    the finding names the field. The per-class self-confidence of confident learning is reported
    (`class_thresholds`) but not used as a gate: on planted flips it cost a fifth of the recall for
    no precision (benchmarks/labels_coverage.md).
    A task is not judged when the labels are not predictable from the text: out-of-fold accuracy
    under `min_accuracy`, or the classifier removes under `min_gain` of the errors that always
    answering the most frequent class makes (the classifier's doubts are then not evidence). The
    defaults favour precision: every flag costs a reviewer's time.
    Why: a few percent of wrong labels cap the accuracy a fine-tune can reach and teach it the
    annotators' slips; finding them by reading every row does not scale.
    Example: "The zip on my new tent broke on the first night" labelled `billing`; the model gives
    `returns` 0.93 and `billing` 0.01.
    Fix: review the flagged rows (the suggested label is a hint, not a verdict) and correct them.
    """

    id = "LBL006"
    shares = frozenset({"label_features", "split_labels"})
    name = "likely-mislabel"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label"})
    min_confidence: float = 0.6
    max_given: float = 0.1
    min_accuracy: float = 0.6
    min_gain: float = 0.5
    folds: int = 5
    min_rows: int = 50
    max_rows: int = 50_000
    """Above this many rows the classifier is trained on a seeded sample per fold."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        matrix, lines = label_features(ctx)
        index = {int(line): i for i, line in enumerate(lines)}
        labelled = [(line, label) for line, label in split_labels(ctx, "train").iter_rows() if line in index]
        tasks = label_tasks([label for _, label in labelled])
        self.metrics.update(rows_scored=0, flagged=0)
        # Per labelled row: (field, given value, its probability, suggested value, its probability).
        doubts: dict[int, list[tuple[str | None, str, float, str, float]]] = defaultdict(list)
        report: dict[str, dict] = {}
        scored: set[int] = set()
        for field, values in tasks.items():
            outcome = self._judge(matrix, [index[line] for line, _ in labelled], values)
            report["label" if field is None else field] = outcome.pop("metrics")
            scored.update(outcome["scored"])
            for k, given, p_given, suggested, p_suggested in outcome["doubts"]:
                doubts[k].append((field, given, p_given, suggested, p_suggested))
        self.metrics["rows_scored"] = len(scored)
        if None in tasks:
            self.metrics.update(report["label"])
        else:
            self.metrics["fields"] = report
        skipped = [name for name, m in report.items() if "skipped" in m]
        if len(skipped) == len(report):
            self.metrics["skipped"] = report[skipped[0]]["skipped"]
        self.metrics["flagged"] = len(doubts)
        prompts = ctx.valid_rows("train")["prompt"].to_list()
        for k in sorted(doubts, key=lambda k: labelled[k][0]):
            line, label = labelled[k]
            evidence = [excerpt(prompts[index[line]], flat=True)]
            items = doubts[k]
            if items[0][0] is None:
                _, given, p_given, suggested, p_suggested = items[0]
                yield self.finding(
                    f"label {given[:60]!r} looks wrong (probability {p_given:.2f}); a classifier "
                    f"trained on the other examples says {suggested[:60]!r} ({p_suggested:.2f})",
                    [ctx.location("train", line)],
                    evidence,
                    metrics={
                        "given": given,
                        "given_probability": round(p_given, 4),
                        "suggested": suggested,
                        "suggested_probability": round(p_suggested, 4),
                    },
                )
                continue
            original = orjson.loads(label)
            fixed = dict(original)
            for field, _, _, suggested, _ in items:
                fixed[field] = suggested if isinstance(original[field], str) else orjson.loads(suggested)
            parts = "; ".join(
                f"field {field[:40]!r} = {given[:40]!r} looks wrong (probability {p_given:.2f}), a "
                f"classifier trained on the other examples says {suggested[:40]!r} ({p_suggested:.2f})"
                for field, given, p_given, suggested, p_suggested in items
            )
            yield self.finding(
                f"label {label[:80]!r}: {parts}",
                [ctx.location("train", line)],
                evidence,
                metrics={
                    "given": label,
                    "suggested": orjson.dumps(fixed, option=orjson.OPT_SORT_KEYS).decode(),
                    "fields": {
                        field: {
                            "given": given,
                            "given_probability": round(p_given, 4),
                            "suggested": suggested,
                            "suggested_probability": round(p_suggested, 4),
                        }
                        for field, given, p_given, suggested, p_suggested in items
                    },
                },
            )

    def _judge(self, matrix: sp.csr_matrix, rows_of: list[int], values: list[str | None]) -> dict:
        """Out-of-fold probabilities for one task and the rows it doubts.

        Returns `metrics` (rows, accuracy, class thresholds or why the task was skipped), `scored`
        (the labelled-row positions that were scored) and `doubts` as (position, given, its
        probability, suggested, its probability).
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        counts = Counter(v for v in values if v is not None)
        keep = [k for k, v in enumerate(values) if v is not None and counts[v] >= self.folds]
        classes = sorted({values[k] for k in keep})
        result: dict = {"metrics": {"rows_scored": 0}, "scored": [], "doubts": []}
        if len(keep) < self.min_rows or len(classes) < 2 or matrix.shape[1] == 0:
            result["metrics"]["skipped"] = "too few labelled rows or classes to cross-validate"
            return result
        code = {value: c for c, value in enumerate(classes)}
        y = np.array([code[values[k]] for k in keep])
        x = matrix[np.array([rows_of[k] for k in keep])]
        proba = np.zeros((len(keep), len(classes)), dtype=np.float64)
        rng = np.random.default_rng(SEED)
        folds = StratifiedKFold(n_splits=self.folds, shuffle=True, random_state=SEED)
        for fit_idx, score_idx in folds.split(np.zeros(len(y)), y):
            if len(fit_idx) > self.max_rows:
                fit_idx = np.sort(rng.choice(fit_idx, self.max_rows, replace=False))
            model = LogisticRegression(C=4.0, max_iter=300, random_state=SEED)
            model.fit(x[fit_idx], y[fit_idx])
            part = np.zeros((len(score_idx), len(classes)))
            part[:, model.classes_] = model.predict_proba(x[score_idx])
            proba[score_idx] = part
        accuracy = float((proba.argmax(axis=1) == y).mean())
        majority = float(np.bincount(y).max() / len(y))
        gain = (accuracy - majority) / (1.0 - majority)
        # Confident learning's per-class threshold: the class's average self-confidence.
        thresholds = {classes[c]: round(float(proba[y == c, c].mean()), 4) for c in range(len(classes))}
        result["metrics"] = {
            "rows_scored": len(keep),
            "oof_accuracy": round(accuracy, 4),
            "majority_share": round(majority, 4),
            "class_thresholds": thresholds,
        }
        result["scored"] = keep
        if accuracy < self.min_accuracy or gain < self.min_gain:
            result["metrics"]["skipped"] = (
                f"out-of-fold accuracy {accuracy:.2f} (always answering the most frequent class: "
                f"{majority:.2f}) is under min_accuracy {self.min_accuracy} or removes under "
                f"min_gain {self.min_gain} of that baseline's errors: the labels are not predictable "
                "from the text, so the classifier's doubts are not evidence"
            )
            return result
        given = proba[np.arange(len(y)), y]
        others = proba.copy()
        others[np.arange(len(y)), y] = -1.0
        suggested = others.argmax(axis=1)
        best = others[np.arange(len(y)), suggested]
        for i in np.flatnonzero((best >= self.min_confidence) & (given <= self.max_given)):
            result["doubts"].append(
                (keep[i], classes[y[i]], float(given[i]), classes[suggested[i]], float(best[i]))
            )
        return result


_YES = {"yes", "true", "correct", "right", "sí", "si", "oui", "ja", "sim"}
_NO = {"no", "false", "incorrect", "wrong", "non", "nein", "não", "nao"}
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
YES_NO = "one answer says yes, the other no"
SHORT_DIFFER = "short answers differ"
DISSIMILAR = "answers are very dissimilar"
_MAX_WORDS_FOR_NUMBERS = 400  # the final number of a longer answer is not its answer
_SHORT_WORDS = 5
# What `str.split()` splits on (every character whose `isspace()` is true), for polars regexes.
PY_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
PY_WHITESPACE += "\u2028\u2029\u202f\u205f\u3000"
_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE)
_MORE_THAN_SHORT = rf"^[{_SPACE}]*(?:[^{_SPACE}]+[{_SPACE}]+){{{_SHORT_WORDS}}}[^{_SPACE}]"


def _polarity(text: str) -> int:
    """+1 for an answer that opens with yes/true, -1 with no/false, 0 otherwise."""
    m = _FIRST_WORD.search(text[:40])
    if not m or m.start() > 3:
        return 0
    word = m.group(0).lower()
    return 1 if word in _YES else -1 if word in _NO else 0


def _counts_numbers(text: str) -> bool:
    """Whether the answer is short enough (at most 400 words) for its final number to be its answer."""
    # 401 words take at least 801 characters; split stops after the 401st word.
    return (
        len(text) <= 2 * _MAX_WORDS_FOR_NUMBERS
        or len(text.split(None, _MAX_WORDS_FOR_NUMBERS)) <= _MAX_WORDS_FOR_NUMBERS
    )


def _final_number(text: str) -> str | None:
    """The last number of the answer's last 200 characters, when it counts (see `_counts_numbers`)."""
    numbers = _NUMBER.findall(text[-200:])
    return numbers[-1] if numbers and _counts_numbers(text) else None


def _is_short(text: str) -> bool:
    """At most five words: two such answers that differ contradict each other."""
    return len(text.split(None, _SHORT_WORDS)) <= _SHORT_WORDS


def _hard_reason(pa: int, pb: int, na: str | None, nb: str | None) -> str | None:
    """Why two answers contradict whatever their wording (yes vs no, other final numbers), or None."""
    if pa and pb and pa != pb:
        return YES_NO
    if na is not None and nb is not None and na != nb:
        return f"final numbers differ ({na} vs {nb})"
    return None


def _similar(score: float | np.ndarray, max_similarity: float) -> bool | np.ndarray:
    """Whether a token-set ratio (0-100) makes two answers compatible rewordings."""
    return score / 100 >= max_similarity


def contradiction(a: str, b: str, max_similarity: float) -> str | None:
    """Why two answers to one prompt contradict each other, or None when they are compatible."""
    reason = _hard_reason(_polarity(a), _polarity(b), _final_number(a), _final_number(b))
    if reason:
        return reason
    if _similar(fuzz.token_set_ratio(a, b, processor=default_process), max_similarity):
        return None
    return SHORT_DIFFER if _is_short(a) and _is_short(b) else DISSIMILAR


@dataclass
class AnswerFacts:
    """What the pair rules of `contradiction()` read from each answer, one entry per answer."""

    polarity: list[int]  # +1 opens with yes, -1 with no, 0 neither
    number: list[int]  # the same code for the same final number, -1 when none counts
    final: list[str | None]  # the final number as written
    short: list[bool]  # at most five words

    def take(self, rows: list[int]) -> AnswerFacts:
        return AnswerFacts(
            [self.polarity[r] for r in rows],
            [self.number[r] for r in rows],
            [self.final[r] for r in rows],
            [self.short[r] for r in rows],
        )


def answer_facts(texts: pl.Series) -> AnswerFacts:
    """The facts of every text (None counts as ""), in polars where that gives exactly Python's answer.

    Polars reads the opening word when the first 40 characters are ASCII, the final number when no
    digit of the last 200 characters is outside ASCII (Python's and Rust's Unicode digit tables may
    differ in version); the other texts, and the word count of long texts with a final number, go
    through the Python functions. "At most five words" is a polars regex on `str.split()`'s own
    whitespace.
    """
    text = pl.col("text").fill_null("")
    head, tail = text.str.slice(0, 40), text.str.slice(-200)
    word = head.str.extract(r"^[^A-Za-z]{0,3}([A-Za-z]+)", 1).str.to_lowercase()
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String}).select(
        (head.str.contains(r"[^\x00-\x7F]") | tail.str.contains(r"[\d&&[^\x00-\x7F]]")).alias("slow"),
        pl.when(word.is_in(sorted(_YES)))
        .then(1)
        .when(word.is_in(sorted(_NO)))
        .then(-1)
        .otherwise(0)
        .cast(pl.Int8)
        .alias("polarity"),
        tail.str.extract_all(r"-?[0-9]+(?:[.,][0-9]+)?").list.last().alias("final"),
        (text.str.len_chars() > 2 * _MAX_WORDS_FOR_NUMBERS).alias("long"),
        (~text.str.contains(_MORE_THAN_SHORT)).alias("short"),
    )
    polarity = frame["polarity"].to_list()
    final = frame["final"].to_list()
    recheck = frame.with_row_index().filter(pl.col("slow") | (pl.col("long") & pl.col("final").is_not_null()))
    for row, slow in recheck.select("index", "slow").iter_rows():
        t = texts[row] or ""
        if slow:
            polarity[row] = _polarity(t)
            final[row] = _final_number(t)
        elif not _counts_numbers(t):
            final[row] = None
    codes = (pl.Series(final, dtype=pl.String).rank("dense").fill_null(0).cast(pl.Int64) - 1).to_list()
    return AnswerFacts(polarity, codes, final, frame["short"].to_list())


def _first_dissimilar(processed: list[str], i: int, stop: int, max_similarity: float) -> int:
    """The first j in [i + 1, stop) whose answer is dissimilar to answer i, or `stop`.

    `processed` are the answers after `default_process` (what the scorer would do to them on
    each call). Scored one, then in growing batches: the first dissimilar answer is usually
    near, and every score past it would be wasted.
    """
    if i + 1 < stop and not _similar(fuzz.token_set_ratio(processed[i], processed[i + 1]), max_similarity):
        return i + 1
    start, size = i + 2, 2
    while start < stop:
        end = min(start + size, stop)
        scores = process.cdist(
            [processed[i]], processed[start:end], scorer=fuzz.token_set_ratio, dtype=np.float64
        )
        differ = ~_similar(scores[0], max_similarity)
        if differ.any():
            return start + int(differ.argmax())
        start, size = end, size * 2
    return stop


def contradictions(
    answers: list[str], max_similarity: float, facts: AnswerFacts | None = None
) -> tuple[str | None, bool]:
    """The first contradiction among one prompt's distinct answers in pair order (0,1), (0,2), ...,
    (1,2), ..., exactly as `contradiction()` pair by pair would find it, and whether ANY pair
    contradicts hard (a reason other than dissimilar wording). `(None, False)` when all agree.

    The hard rules are read from per-answer facts (`facts`: `answer_facts` of `answers`), and the
    similarity, the costly part, is scored only for the pairs before the first contradiction:
    linear in the answers when they contradict early, quadratic only when all of them agree.
    """
    if facts is None:
        facts = answer_facts(pl.Series(answers, dtype=pl.String))
    k = len(answers)
    pol, num, short = facts.polarity, facts.number, facts.short
    hard = (1 in pol and -1 in pol) or len({n for n in num if n >= 0}) > 1
    processed = [default_process(a) for a in answers]
    first = None
    for i in range(k - 1):
        p, n = pol[i], num[i]
        stop = k  # the first answer that contradicts answer i whatever the wording
        if hard and (p or n >= 0):
            stop = next(
                (j for j in range(i + 1, k) if (p and pol[j] == -p) or (n >= 0 and num[j] not in (-1, n))),
                k,
            )
        j = _first_dissimilar(processed, i, stop, max_similarity)
        if j < stop:
            first = SHORT_DIFFER if short[i] and short[j] else DISSIMILAR
            break
        if stop < k:
            first = _hard_reason(p, pol[stop], facts.final[i], facts.final[stop])
            break
    if first is None or hard or first == SHORT_DIFFER:
        return first, first is not None
    # Only dissimilar wording so far: hard if two short answers differ anywhere in the group.
    brief = [a for a, s in zip(processed, short, strict=True) if s]
    if len(brief) > 1:
        scores = process.cdist(brief, brief, scorer=fuzz.token_set_ratio, dtype=np.float64)
        hard = bool((~_similar(scores, max_similarity))[np.triu_indices(len(brief), 1)].any())
    return first, hard


@register
@dataclass
class ContradictoryAnswers(Check):
    """Generative data: one prompt (same after normalisation, same system prompt) answered in
    contradictory ways.

    Answers contradict when one opens with yes and the other with no, when their final numbers
    differ, or when their word overlap (rapidfuzz token-set ratio, case and punctuation ignored) is
    under `max_similarity` (for two short answers, under five words, a hard contradiction).
    Labelled data is LBL001's job; this check then finds nothing.
    Hard contradictions (yes/no, numbers, short answers) make every row of the group unusable.
    Why: the model is taught two answers to one question and learns to be inconsistent.
    Example: "Is the tent waterproof?" answered "Yes, fully." on one line and "No, only
    water-resistant." on another.
    Fix: keep the correct answer (or merge them into one), or make the prompts say what differs.
    """

    id = "LBL007"
    shares = frozenset({"hashes"})
    name = "contradictory-answers"
    family = "labels"
    severity = Severity.WARNING
    max_similarity: float = 0.5

    def run(self, ctx: Context) -> Iterator[Finding]:
        if ctx.has_labels():
            self.metrics["skipped"] = "labelled data: conflicting labels are LBL001's job"
            return
        for split in ctx:
            rows = ctx.valid_rows(split).select("line", "prompt", "response")
            group = ("system_exact", "prompt_norm")
            candidates = (
                hashes(ctx, split.name)
                .select("line", *group, "response_norm")
                .join(rows, on="line")
                .filter(pl.col("prompt").str.strip_chars().str.len_chars() > 0)
                .filter(pl.col("response_norm").n_unique().over(group) > 1)
                .sort("line")
            )
            facts = answer_facts(candidates["response"])
            groups = (
                candidates.with_row_index("row")
                .group_by(group)
                .agg(
                    pl.col("line").sort_by("line"),
                    pl.col("row").sort_by("line"),
                    pl.col("response").sort_by("line"),
                    pl.col("prompt").sort_by("line").first(),
                )
                .sort(pl.col("line").list.first())
            )
            found = 0
            for lines, row_ids, responses, prompt in groups.select(
                "line", "row", "response", "prompt"
            ).iter_rows():
                distinct: dict[str, list[int]] = defaultdict(list)
                first_rows: dict[str, int] = {}
                for line, row, response in zip(lines, row_ids, responses, strict=True):
                    distinct[response or ""].append(line)
                    first_rows.setdefault(response or "", row)
                answers = list(distinct)
                reason, hard = contradictions(
                    answers, self.max_similarity, facts.take([first_rows[a] for a in answers])
                )
                if reason is None:
                    continue
                found += 1
                locations = [ctx.location(split, line) for line in lines]
                yield self.finding(
                    f"one {split.name} prompt has {len(answers)} contradictory answers ({reason})",
                    locations,
                    [excerpt(prompt)]
                    + [
                        f"lines {', '.join(map(str, ls[:8]))}: {excerpt(a, 100)}"
                        for a, ls in distinct.items()
                    ],
                    metrics={"answers": len(answers), "reason": reason},
                    unusable=locations if hard else [],
                )
            self.metrics[f"{split.name}_contradictory_groups"] = found
