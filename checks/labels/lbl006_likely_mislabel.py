"""LBL006 likely-mislabel: labels a cross-validated classifier finds implausible (confident learning)
and the prompt's nearest neighbours contradict.

The classifier has its own feature space (`label_space`: every word kept, word pairs), not the topic
space of `dataqa.text.topics`, whose stop-word list would turn "not urgent" into "urgent".
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import orjson
import scipy.sparse as sp

from dataqa.checks.labels.base import split_labels, tie
from dataqa.checks.labels.label_space import LabelSpace, label_space, nearest
from dataqa.checks.labels.negation import Polarity
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.engine.sample import Sampled
from dataqa.ingest.issues import excerpt
from dataqa.ingest.label_sets import scalar_text
from dataqa.text.topics import SEED


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
    return {key: [scalar_text(obj[key]) if key in obj else None for obj in objects] for key in keys}


@dataclass(frozen=True)
class Doubt:
    """One label the check doubts: the labelled-row position, the given and suggested values with
    their out-of-fold probabilities, and the nearest training examples (line, label, similarity)
    that carry the suggested value."""

    position: int
    given: str
    p_given: float
    suggested: str
    p_suggested: float
    agreeing: list[tuple[int, str, float]]
    close: int  # neighbours at `neighbour_similarity` or more, whatever their label
    close_given: int  # of those, how many carry the given value


@register
@dataclass
class LikelyMislabel(Check):
    """Training examples whose given label a classifier, trained without them, finds implausible
    while it is confident of another label that the example's nearest neighbours carry too.

    Method: TF-IDF of the inputs with word pairs and every word kept (`label_space`: negations and
    function words often carry the label), logistic regression, `folds`-fold stratified
    cross-validation (seeded), so each example is scored by a model that never saw it (the
    out-of-fold probabilities of confident learning). Four tests, all needed:
    1. the classifier: another label gets at least `min_confidence` and the given one at most
       `max_given`;
    2. confident learning's per-class thresholds: the given label's probability is under its
       class's own typical level (the mean probability its rows get), the suggested one at or over
       its class's;
    3. the neighbours: of the `neighbours` most similar training examples (cosine over every word,
       a word no other prompt has included), at least `min_agreeing` with similarity
       `neighbour_similarity` or more carry the suggested label, three times as many as carry the
       given one (`min_agreeing` 0 turns this test off); where the classifier errs on a few
       percent of rows at most (`trusted_accuracy`), the nearest however far may pass it instead.
       Such a neighbour agrees only when what
       tells the two apart does not decide between the two labels (`_Pair.vouches`, measured on
       the set's own examples): the example has no word the neighbour lacks that the suggested
       label never uses ("turn the volume off" / "up") or that the given label's examples use
       `deciding` times as often ("confirm i have set an alarm" / "create an alarm"), and the
       neighbour's own strongest word for its label is one the example shares ("Can I get a new
       card in China?" is card_about_to_expire for a reason "Can I get a new card?" lacks). A label the
       set gives by its own convention ("Who is X?" is a description question in TREC's guide)
       has examples that follow it, or a word that decides it (a name, an acronym) no other
       example has; a classifier's pull towards a frequent reading (the question word) then has
       no neighbours behind it. Fields of JSON-object labels skip this test (see `_judge`): on
       planted field flips it kept 2 of 10; a field's model takes three times the steps instead.
    4. the row's own words (whole labels): it has a word the suggested label's examples use
       `deciding` times as often as the given label's (`_Pair.tells`: "There is a payment I don't
       recognise!" names neither a card nor a direct debit, and the label may be right), and no
       negation turns such a word round (`Polarity.reversed`: "that is not false" is yes, though
       "not" and "false" are both words of no).
    The finding names the agreeing neighbours, so a reviewer can judge it in seconds.
    JSON-object labels ({"queue": ..., "priority": ...}) are judged field by field, each field a
    task of its own, and the finding names the field. A task is not judged when the labels are
    not predictable from the text: out-of-fold accuracy under `min_accuracy`, or the classifier
    removes under `min_gain` of the errors that always answering the most frequent class makes.
    Each fold's model starts from its training rows' class centroids and takes at most `max_iter`
    L-BFGS steps: on the 150-intent benchmark that keeps 9 in 10 of the planted flips a converged
    5-fold fit finds (all of them on HWU64) at a fifth of the cost (benchmarks/labels_coverage.md).
    The defaults favour precision: every flag costs a reviewer's time.
    Why: a few percent of wrong labels cap the accuracy a fine-tune can reach and teach it the
    annotators' slips; finding them by reading every row does not scale.
    Example: "The zip on my new tent broke on the first night" labelled `billing`; the model gives
    `returns` 0.93 and `billing` 0.01, and the three closest tickets are `returns`.
    Fix: review the flagged rows (the suggested label is a hint, not a verdict) and correct them.
    """

    id = "LBL006"
    shares = frozenset({"label_space", "split_labels", "sample"})
    name = "likely-mislabel"
    family = "labels"
    severity = Severity.WARNING
    needs = frozenset({"label", "text_classes", "single_label", "classes"})
    min_confidence: float = ranged(0.6, low=0, high=1)
    max_given: float = ranged(0.1, low=0, high=1)
    min_accuracy: float = ranged(0.6, low=0, high=1)
    min_gain: float = ranged(0.5, low=0, high=1)
    folds: int = ranged(3, low=2, high=50)
    max_iter: int = ranged(10, low=1, high=10_000)
    neighbours: int = ranged(10, low=1, high=100)
    neighbour_similarity: float = ranged(0.5, low=0, high=1)
    min_agreeing: int = ranged(2, low=0, high=100)
    trusted_accuracy: float = ranged(0.93, low=0, high=1)
    """Out-of-fold accuracy at or over which the classifier errs on no more rows than a set's own
    label slips plausibly number (a few percent): its doubts are then evidence, and when the close
    neighbours (`neighbour_similarity`) do not pass the neighbour test, the `neighbours` nearest
    examples however far are tried (not for a row with a word no other prompt has: the classifier
    never weighed that word, and it may decide the row). In a small set of a few far-apart classes
    (the first 400 rows of Banking77, HWU64, CLINC150: three or four intents, 0.93-0.97) a flipped
    row has no twin at 0.5: its nearest examples, at 0.3-0.48, carry the class it was taken from;
    planted flips found 44 -> 68 of 192, no other flag (benchmarks/labels_coverage.md). Whole sets
    stay under it (TREC 0.68, HWU64 0.83, Banking77 0.83, CLINC150 0.91, Vietnamese feedback 0.90):
    there the classifier's confident errors are often its own (sibling intents, a set's
    conventions), and dropping the floor added 5 to 53 findings per set, many of them false."""
    deciding: float = ranged(5.0, low=1, high=1000)
    """How many times as often one class's examples must use a word for it to decide between the
    given and the suggested class in the neighbour test (`_Pair.vouches`). Stronger than LBL002's
    `DECIDING` (3): here the word overrules a confident classifier, and at 3 frequent words ("you",
    "what", "is") of a class that happens to use them more blocked 8 of 91 planted CLINC150 flips
    (benchmarks/labels_coverage.md)."""
    min_rows: int = ranged(50, low=1)
    max_rows: int = ranged(50_000, low=100)
    """Above this many rows the classifier is trained on a seeded sample per fold."""

    def held_form(self) -> HeldForm:
        """On a train split held on the Ray workers: a sample of it, stratified by label (`Sampled`)."""
        return Sampled(by_label=True)

    def run(self, ctx: Context) -> Iterator[Finding]:
        space = label_space(ctx)
        index = {int(line): i for i, line in enumerate(space.lines)}
        labelled = [(line, label) for line, label in split_labels(ctx, "train").iter_rows() if line in index]
        tasks = label_tasks([label for _, label in labelled])
        self.metrics.update(rows_scored=0, flagged=0)
        doubts: dict[int, list[tuple[str | None, Doubt]]] = defaultdict(list)
        report: dict[str, dict] = {}
        scored: set[int] = set()
        rows_of = np.array([index[line] for line, _ in labelled], dtype=np.int64)
        prompts = ctx.valid_rows("train")["prompt"].to_list()
        for field, values in tasks.items():
            lines = [line for line, _ in labelled]
            outcome = self._judge(space, rows_of, values, lines, prompts if field is None else None)
            report["label" if field is None else field] = outcome.pop("metrics")
            scored.update(outcome["scored"])
            for doubt in outcome["doubts"]:
                doubts[doubt.position].append((field, doubt))
        self.metrics["rows_scored"] = len(scored)
        if None in tasks:
            self.metrics.update(report["label"])
        else:
            self.metrics["fields"] = report
        skipped = [name for name, m in report.items() if "skipped" in m]
        if len(skipped) == len(report):
            self.metrics["skipped"] = report[skipped[0]]["skipped"]
        self.metrics["flagged"] = len(doubts)
        for k in sorted(doubts, key=lambda k: labelled[k][0]):
            line, label = labelled[k]
            items = doubts[k]
            shown = {n_line: (n_label, sim) for _, d in items for n_line, n_label, sim in d.agreeing[:3]}
            evidence = [excerpt(prompts[index[line]], flat=True)] + [
                f"line {n_line} ({n_label[:60]!r}, similarity {sim:.2f}): "
                f"{excerpt(prompts[index[n_line]], 120, flat=True)}"
                for n_line, (n_label, sim) in shown.items()
            ]
            if items[0][0] is None:
                d = items[0][1]
                yield self.finding(
                    f"label {d.given[:60]!r} looks wrong (probability {d.p_given:.2f}); a classifier "
                    f"trained on the other examples says {d.suggested[:60]!r} ({d.p_suggested:.2f})"
                    f"{_agreement(d)}",
                    [ctx.location("train", line)],
                    evidence,
                    metrics={
                        "given": d.given,
                        "given_probability": round(d.p_given, 4),
                        "suggested": d.suggested,
                        "suggested_probability": round(d.p_suggested, 4),
                        "neighbours": _neighbour_metrics(d),
                    },
                )
                continue
            original = orjson.loads(label)
            fixed = dict(original)
            for field, d in items:
                fixed[field] = d.suggested if isinstance(original[field], str) else orjson.loads(d.suggested)
            parts = "; ".join(
                f"field {field[:40]!r} = {d.given[:40]!r} looks wrong (probability {d.p_given:.2f}), a "
                f"classifier trained on the other examples says {d.suggested[:40]!r} ({d.p_suggested:.2f})"
                f"{_agreement(d)}"
                for field, d in items
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
                            "given": d.given,
                            "given_probability": round(d.p_given, 4),
                            "suggested": d.suggested,
                            "suggested_probability": round(d.p_suggested, 4),
                            "neighbours": _neighbour_metrics(d),
                        }
                        for field, d in items
                    },
                },
            )

    def _out_of_fold(self, x: sp.csr_matrix, y: np.ndarray, n_classes: int, steps: int) -> np.ndarray:
        """Each row's class probabilities from a model trained on the other folds.

        Each fold's model starts from its own training rows' class centroids (`_centroid_start`,
        nothing of the scored rows) and takes at most `steps` L-BFGS steps."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        proba = np.zeros((len(y), n_classes), dtype=np.float64)
        rng = np.random.default_rng(SEED)
        folds = StratifiedKFold(n_splits=self.folds, shuffle=True, random_state=SEED)
        for fit_idx, score_idx in folds.split(np.zeros(len(y)), y):
            if len(fit_idx) > self.max_rows:
                fit_idx = np.sort(rng.choice(fit_idx, self.max_rows, replace=False))
            model = LogisticRegression(C=4.0, max_iter=steps, random_state=SEED, warm_start=True)
            model.coef_, model.intercept_ = _centroid_start(x[fit_idx], y[fit_idx])
            with warnings.catch_warnings():  # the step budget is the design, not a failure
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x[fit_idx], y[fit_idx])
            part = np.zeros((len(score_idx), n_classes))
            part[:, model.classes_] = model.predict_proba(x[score_idx])
            proba[score_idx] = part
        return proba

    def _judge(
        self,
        space: LabelSpace,
        rows_of: np.ndarray,
        values: list[str | None],
        lines: list[int],
        prompts: list[str | None] | None,
    ) -> dict:
        """Out-of-fold probabilities for one task and the rows it doubts.

        Returns `metrics` (rows, accuracy, class thresholds, candidates or why the task was
        skipped), `scored` (the labelled-row positions that were scored) and `doubts` (`Doubt`s).
        `prompts` (train's prompts in the space's row order) is given when the task is the whole
        label, None for one field of a JSON-object label. A field is decided by part of the text (a
        priority hint beside the complaint), so whole-text neighbours and words say nothing about
        it: the neighbour and word tests are for whole labels only.
        """
        whole = prompts is not None
        counts = Counter(v for v in values if v is not None)
        keep = [k for k, v in enumerate(values) if v is not None and counts[v] >= self.folds]
        classes = sorted({values[k] for k in keep})
        result: dict = {"metrics": {"rows_scored": 0}, "scored": [], "doubts": []}
        matrix = space.classifier
        if len(keep) < self.min_rows or len(classes) < 2 or matrix.shape[1] == 0:
            result["metrics"]["skipped"] = "too few labelled rows or classes to cross-validate"
            return result
        code = {value: c for c, value in enumerate(classes)}
        y = np.array([code[values[k]] for k in keep])
        # Without the neighbour test a field's classifier stands alone: it is fitted further.
        steps = self.max_iter if whole else 3 * self.max_iter
        proba = self._out_of_fold(matrix[rows_of[keep]], y, len(classes), steps)
        accuracy = float((proba.argmax(axis=1) == y).mean())
        majority = float(np.bincount(y).max() / len(y))
        gain = (accuracy - majority) / (1.0 - majority)
        # Confident learning's per-class threshold: the class's average self-confidence.
        level = np.array([proba[y == c, c].mean() for c in range(len(classes))])
        result["metrics"] = {
            "rows_scored": len(keep),
            "oof_accuracy": round(accuracy, 4),
            "majority_share": round(majority, 4),
            "class_thresholds": {classes[c]: round(float(level[c]), 4) for c in range(len(classes))},
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
        rows = np.arange(len(y))
        given = proba[rows, y]
        others = proba.copy()
        others[rows, y] = -1.0
        suggested = others.argmax(axis=1)
        best = others[rows, suggested]
        trusted = whole and accuracy >= self.trusted_accuracy
        # Confident learning's per-class level gates the suggested label of an untrusted classifier.
        # A trusted one's levels sit near 0.9, over what a flipped row reaches when some of its words
        # are its wrong class's too (0.67-0.91 on the blind sets): `min_confidence` is its bar.
        level_bar = np.zeros(len(y)) if trusted else level[suggested]
        candidates = np.flatnonzero(
            (best >= self.min_confidence)
            & (given <= self.max_given)
            & (given < level[y])
            & (best >= level_bar)
        )
        result["metrics"]["candidates"] = len(candidates)
        floor = self.neighbour_similarity
        if trusted:  # its doubts are evidence: any nearest counts
            floor = result["metrics"]["neighbour_similarity"] = 0.0
        if not len(candidates):
            return result
        value_of = {int(rows_of[k]): values[k] for k in keep}
        line_of = {int(rows_of[k]): lines[k] for k in keep}
        kept_rows = rows_of[np.array(keep)]
        words = space.words
        # Which words each class's examples use, and the words only one prompt has.
        onehot = sp.csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(len(classes), len(y)))
        class_words = (onehot @ words[kept_rows]).tocsr()
        sizes = np.bincount(y, minlength=len(classes)).astype(np.float64)
        unique_words = np.asarray(words.sum(axis=0)).ravel() <= 1
        close_rows = nearest(space.neighbours, kept_rows[candidates], self.neighbours)
        polarity = Polarity(prompts or [], kept_rows, y)
        uses: dict[int, np.ndarray] = {}
        for i, near in zip(candidates, close_rows, strict=True):
            g, s = int(y[i]), int(suggested[i])
            for c in (g, s):
                if c not in uses:
                    uses[c] = class_words[c].toarray().ravel()
            pair = _Pair(uses[g], sizes[g], uses[s], sizes[s], unique_words, self.deciding)
            own = set(words[kept_rows[i]].indices.tolist())
            # Close neighbours first; where the classifier is trusted, the nearest however far,
            # unless the row has a word no other prompt has ("the teacher snaps at students"):
            # the classifier never weighed it, so only close neighbours speak for it.
            reaches = [self.neighbour_similarity]
            if floor < self.neighbour_similarity and not unique_words[list(own)].any():
                reaches.append(floor)
            for reach in reaches:
                close = [(r, sim) for r, sim in near if sim >= reach and r in value_of]
                agreeing = [
                    (line_of[r], classes[s], sim)
                    for r, sim in close
                    if value_of[r] == classes[s] and pair.vouches(own, set(words[r].indices.tolist()))
                ]
                close_given = sum(value_of[r] == classes[g] for r, _ in close)
                if not (whole and self.min_agreeing) or (
                    len(agreeing) >= self.min_agreeing and len(agreeing) >= 3 * close_given
                ):
                    break
            else:
                continue
            if whole and not pair.tells(own):
                continue
            if whole and polarity.reversed(prompts[int(kept_rows[i])], g, s):
                continue
            result["doubts"].append(
                Doubt(
                    keep[i],
                    classes[g],
                    float(given[i]),
                    classes[s],
                    float(best[i]),
                    agreeing,
                    len(close),
                    close_given,
                )
            )
        return result


@dataclass(frozen=True)
class _Pair:
    """The given and the suggested class of one doubted row: how many examples of each use each
    word (`given_uses`, `suggested_uses`, indexed by word column), the class sizes, which words
    only one prompt has, and the tie (`tie`) at which a word decides between the two."""

    given_uses: np.ndarray
    given_size: float
    suggested_uses: np.ndarray
    suggested_size: float
    unique: np.ndarray
    deciding: float

    def vouches(self, own: set[int], theirs: set[int]) -> bool:
        """Whether a neighbour of the suggested class (words `theirs`) vouches for the doubted row
        (words `own`): it is the same request but for words that do not decide between the two
        classes. Three ways it is not (counts leave both prompts out, see `tie`):
        - the row has a word the neighbour lacks that the suggested class's examples never use
          (and another prompt does): "turn the volume off" is no copy of "turn the volume up";
        - the row has a word the neighbour lacks that ties it to its given class
          (`deciding` times as often): "confirm i HAVE set an alarm" (a query) is no copy of
          "create an alarm" (a command), "PUT milk on my shopping list" none of "what is on it";
        - the neighbour's own strongest word for the suggested class is one the row lacks:
          "Can I get a new card in CHINA?" is card_about_to_expire for a reason "Can I get a new
          card?" does not share, "how LONG WILL it take to get a new card" for one "what does it
          take to get a new card" does not.
        """
        g, gs, s, ss = self.given_uses, self.given_size, self.suggested_uses, self.suggested_size
        for w in own - theirs:
            if (not s[w] and not self.unique[w]) or tie(g[w] - 1, gs - 1, s[w], ss) >= self.deciding:
                return False
        extra = max((tie(s[w] - 1, ss - 1, g[w], gs) for w in theirs - own), default=0.0)
        if extra < self.deciding:
            return True
        shared = max((tie(s[w] - 1, ss - 1, g[w] - 1, gs - 1) for w in theirs & own), default=0.0)
        return shared > extra

    def tells(self, own: set[int]) -> bool:
        """Whether the doubted row (words `own`) says anything for the suggested class: a word the
        suggested class's examples use `deciding` times as often as the given class's other
        examples (5, not LBL002's 3: at 3 "start" (15 / 5 of 175 examples) made "start play" a
        game, not music). A row with none names what neither label turns on ("There is a payment I don't
        recognise!": card or direct debit; "start play": a game or music); the classifier's doubt
        then comes from which class says such things more often, and the label may be right."""
        g, gs, s, ss = self.given_uses, self.given_size, self.suggested_uses, self.suggested_size
        return any(tie(s[w], ss, g[w] - 1, gs - 1) >= self.deciding for w in own)


CENTROID_SCALE = 30.0
"""Logits per unit of centroid difference at the start: TF-IDF rows are unit vectors, so class
centroids differ by hundredths to tenths; 30 puts the starting logits at a few units (10, 30
and 50 measured: 30 and 50 alike, 10 slower to converge; benchmarks/labels_coverage.md)."""


def _centroid_start(x: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starting weights for a multinomial logistic regression on (x, y): each class's centroid
    minus the mean centroid, scaled, and the log class shares as intercepts (shaped as
    scikit-learn keeps them: one row for two classes). From a start that already ranks the classes
    as a nearest-centroid model does, ten steps fit what thirty took from zero."""
    present, codes = np.unique(y, return_inverse=True)
    counts = np.bincount(codes).astype(np.float64)
    onehot = sp.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(present), len(codes))
    )
    centroids = np.asarray((onehot @ x).todense(), dtype=np.float64) / counts[:, None]
    coef = CENTROID_SCALE * (centroids - centroids.mean(axis=0))
    prior = np.log(counts / counts.sum())
    intercept = prior - prior.mean()
    if len(present) == 2:
        return (coef[1] - coef[0])[None, :], np.array([intercept[1] - intercept[0]])
    return coef, intercept


def _agreement(d: Doubt) -> str:
    """What the neighbours say, for the message: ", and so do 3 of its 4 nearest training examples
    (none labelled 'X')"; empty when the neighbour test is off."""
    if not d.agreeing:
        return ""
    given = "none" if not d.close_given else str(d.close_given)
    return (
        f", and so do {len(d.agreeing)} of its {d.close} nearest training examples "
        f"({given} labelled {d.given[:40]!r})"
    )


def _neighbour_metrics(d: Doubt) -> dict:
    """The neighbour evidence as finding metrics."""
    return {
        "agreeing": [{"line": line, "similarity": round(sim, 4)} for line, _, sim in d.agreeing],
        "close": d.close,
        "close_given": d.close_given,
    }
