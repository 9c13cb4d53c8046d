"""COV004 thin-topic: topics of training inputs with few examples (topics in `dataqa.text.topics`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, HeldForm, register
from dataqa.engine.sample import Sampled
from dataqa.text.topics import TextSpace, text_space, topics


def _centres(matrix: sp.csr_matrix, assignment: np.ndarray, k: int) -> np.ndarray:
    """Each cluster's normalised centre (mean of its L2-normalised TF-IDF rows), one row per cluster."""
    centres = np.zeros((k, matrix.shape[1]))
    for tid in range(k):
        centre = np.asarray(matrix[np.flatnonzero(assignment == tid)].mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centre))
        centres[tid] = centre / norm if norm else centre
    return centres


def _cohesion(matrix: sp.csr_matrix, members: np.ndarray, centre: np.ndarray) -> float:
    """Mean cosine of the member rows (L2-normalised TF-IDF) to their normalised centre."""
    return float(np.mean(matrix[np.flatnonzero(members)] @ centre))


def _spread(space: TextSpace, assignment: np.ndarray, tid: int, terms: list[str], thin_below: float) -> bool:
    """Whether a thin cluster is a fragment of a kind the data covers: its first term is in as many
    inputs of other clusters as of its own, and in `thin_below` inputs or more in all.

    The clustering puts each input in one cluster, and a kind of task can be split over several: of
    an admin set's 30 sudoers tasks, six wrote one template and were a cluster of their own, the rest
    went to the "validation" and "permissions" clusters. A topic the data lacks has its word to itself
    ("hypotenuse" in 8 inputs, all in its cluster), or is thin even counted whole (a voice-assistant
    set's 13 speaker-volume requests in three clusters, where a topic averages 151)."""
    column = space.vectorizer.vocabulary_.get(terms[0]) if space.vectorizer and terms else None
    if column is None:
        return False
    has = space.matrices["train"][:, column].toarray().ravel() > 0
    members = assignment == tid
    inside, outside = int(has[members].sum()), int(has[~members].sum())
    return outside >= inside and inside + outside >= thin_below


@register
@dataclass
class ThinTopic(Check):
    """A topic (cluster of similar training inputs) with far fewer examples than the others.

    Method: TF-IDF of the training inputs (stop words and numbers dropped), seeded MiniBatchKMeans
    (`n_topics`, or about sqrt(rows / 20) between 2 and 40); each topic is named by its top terms.
    A topic under `thin_share` of the average topic size is thin. Metric `topics` lists them all.
    Inputs of a few words (trivia questions, intent utterances: a median under `min_words` content
    words) are not clustered: their clusters gather a shared name or verb, not a topic.
    A thin cluster of near-copies (mean cosine to its centre of `max_cohesion` or more: the same
    word problem with other numbers, one request repeated) is one input written a few times, not
    a topic (duplicates are the DUP checks' to report), and one whose centre is close to another
    cluster's (cosine `max_overlap` or more) is a variant of a kind the data covers, as is one whose
    first term other clusters' inputs hold as often as its own, in enough inputs in all not to be
    thin (`_spread`). Where even the common clusters hold inputs that share few words (their mean
    cosine to the centre under `min_cohesion`: word problems, open-ended chat), the words form no
    topics and nothing is reported.
    Why: the model sees a thin topic a handful of times; that is where it will fail first, and
    where a few more examples help most.
    Example: 1,000 tickets about orders and billing, 9 about warranty claims.
    Fix: collect more examples of the thin topics (or confirm they are meant to be rare).
    """

    id = "COV004"
    shares = frozenset({"lsa", "text_space", "topics", "sample"})
    name = "thin-topic"
    family = "coverage"
    severity = Severity.INFO
    n_topics: int = ranged(0, low=0, high=1000)
    """Number of clusters; 0 chooses from the data size."""
    thin_share: float = ranged(0.2, low=0, high=1)
    min_rows: int = ranged(40, low=1)
    """Fewer training rows with words than this: too few to cluster."""
    min_words: int = ranged(5, low=0)
    """Median content words per training input under which inputs are too short to cluster into
    topics: a handful of words groups questions by a shared name or verb ("man", "did"), not by
    what they are about."""

    max_cohesion: float = ranged(0.9, low=0, high=1)
    """Mean cosine of a thin cluster's inputs to their centre at or above which they are one input
    written a few times (a math problem with other numbers, one request repeated), not a topic."""

    max_overlap: float = ranged(0.3, low=0, high=1)
    """Cosine between a thin cluster's centre and another cluster's at or above which it is a
    variant of a covered kind ("convert this product list to YAML" beside "convert this meeting to
    YAML"), not a topic the data lacks; a missing topic shares little with the rest (about 0.06)."""
    min_cohesion: float = ranged(0.4, low=0, high=1)
    """Mean cosine of the common clusters' inputs to their centres under which the inputs share
    too few words to form topics (math word problems: a small cluster gathers a shared noun)."""

    def held_form(self) -> HeldForm:
        """On a train split held on the Ray workers: an even sample of it (`Sampled`)."""
        return Sampled(by_label=False)

    def run(self, ctx: Context) -> Iterator[Finding]:
        space = text_space(ctx)
        n_rows = int((space.matrices["train"].getnnz(axis=1) > 0).sum())
        self.metrics["topics"] = []
        if n_rows < self.min_rows:
            return
        words = np.diff(space.matrices["train"].indptr)
        median = float(np.median(words[words > 0]))
        self.metrics["median_words"] = median
        if median < self.min_words:
            self.metrics["skipped"] = (
                f"inputs too short to cluster into topics (median {median:g} content words)"
            )
            return
        model = topics(ctx, self.n_topics)
        if not model.sizes:
            return
        average = sum(model.sizes) / len(model.sizes)
        lines = space.lines["train"]
        centres = _centres(space.matrices["train"], model.assignment, len(model.sizes))
        cohesion = [
            _cohesion(space.matrices["train"], model.assignment == tid, centres[tid])
            for tid in range(len(model.sizes))
        ]
        overlap = (centres @ centres.T) - 2 * np.eye(len(model.sizes))  # each centre's best other match
        common = [
            (c, n) for c, n in zip(cohesion, model.sizes, strict=True) if n >= self.thin_share * average
        ]
        typical = sum(c * n for c, n in common) / max(sum(n for _, n in common), 1)
        self.metrics["cohesion"] = round(typical, 4)
        if typical < self.min_cohesion:
            self.metrics["skipped"] = (
                f"inputs share too few words to form topics (their clusters' cohesion is {typical:.2f})"
            )
        for tid, (size, terms) in enumerate(zip(model.sizes, model.terms, strict=True)):
            thin = size < self.thin_share * average
            copies = thin and cohesion[tid] >= self.max_cohesion
            variant = thin and float(overlap[tid].max(initial=-1.0)) >= self.max_overlap
            spread = thin and _spread(space, model.assignment, tid, terms, self.thin_share * average)
            self.metrics["topics"].append(
                {
                    "id": tid,
                    "size": size,
                    "terms": terms,
                    "thin": thin,
                    "copies": copies,
                    "variant": variant,
                    "spread": spread,
                }
            )
            if thin and not copies and not variant and not spread and typical >= self.min_cohesion:
                members = sorted(int(x) for x in lines[model.assignment == tid])
                yield self.finding(
                    f"topic {tid} ({', '.join(terms[:4]) or 'no terms'}) has {size} training example(s); "
                    f"the average topic has {average:.0f}",
                    [ctx.location("train", line) for line in members],
                    [", ".join(terms)],
                    metrics={"topic": tid, "size": size, "terms": terms},
                )
