"""LBL006 likely-mislabel: labels a cross-validated classifier finds implausible (confident learning).

The classifier has its own feature space (`label_features`: every word kept, word pairs), not the topic
space of `dataqa.text.topics`, whose stop-word list would turn "not urgent" into "urgent".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import orjson
import scipy.sparse as sp

from dataqa.checks.labels.base import split_labels
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt
from dataqa.text.topics import SEED

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
    min_confidence: float = ranged(0.6, low=0, high=1)
    max_given: float = ranged(0.1, low=0, high=1)
    min_accuracy: float = ranged(0.6, low=0, high=1)
    min_gain: float = ranged(0.5, low=0, high=1)
    folds: int = ranged(5, low=2, high=50)
    min_rows: int = ranged(50, low=1)
    max_rows: int = ranged(50_000, low=100)
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
