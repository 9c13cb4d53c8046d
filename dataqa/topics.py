"""Shared TF-IDF space of the inputs, topic clusters, and nearest-train similarity, once per scan.

The topic check, the test-coverage check and the likely-mislabel check all need the inputs as
TF-IDF vectors; the vectoriser is fitted once on the training prompts and every split is
projected into that one space, so "far from train" means far in train's own vocabulary.
Everything is seeded and ordered by line, so the same input always gives the same clusters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from dataqa.context import Context
from dataqa.language import FUNCTION_WORDS

SEED = 0
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {w for ws in FUNCTION_WORDS.values() for w in ws})
"""English stop words plus the function words of the other languages `dataqa.language` knows."""
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
"""Words of two or more letters: order numbers, amounts and dates are not topics."""
MAX_FEATURES = 1 << 17
CHUNK = 2048


@dataclass
class TextSpace:
    """Train-fitted TF-IDF vectors of one column, for every split (rows in `lines` order)."""

    vectorizer: TfidfVectorizer | None
    matrices: dict[str, sp.csr_matrix]
    lines: dict[str, np.ndarray]

    @property
    def terms(self) -> np.ndarray:
        return self.vectorizer.get_feature_names_out() if self.vectorizer else np.array([], dtype=object)


def _vectorizer(n_docs: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        lowercase=True,
        token_pattern=TOKEN_PATTERN,
        stop_words=STOP_WORDS,
        min_df=2 if n_docs >= 20 else 1,
        max_df=0.5 if n_docs >= 20 else 1.0,
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )


def text_space(ctx: Context, column: str = "prompt") -> TextSpace:
    """TF-IDF of `column` fitted on the valid training rows, applied to every split (cached)."""

    def compute() -> TextSpace:
        train = ctx.valid_rows("train")
        texts = train[column].fill_null("").to_list()
        vectorizer: TfidfVectorizer | None = _vectorizer(len(texts))
        try:
            train_matrix = vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # empty vocabulary: no words at all in the training inputs
            vectorizer = None
            train_matrix = sp.csr_matrix((len(texts), 0), dtype=np.float32)
        matrices = {"train": train_matrix}
        lines = {"train": train["line"].to_numpy()}
        for split in ctx.eval_splits:
            rows = ctx.valid_rows(split)
            lines[split.name] = rows["line"].to_numpy()
            if vectorizer is None:
                matrices[split.name] = sp.csr_matrix((rows.height, 0), dtype=np.float32)
            else:
                matrices[split.name] = vectorizer.transform(rows[column].fill_null("").to_list()).tocsr()
        return TextSpace(vectorizer, matrices, lines)

    return ctx.shared(("text_space", column), compute)


@dataclass
class Topics:
    """Clusters of the training inputs: per-row cluster id (-1 = no words), sizes and top terms."""

    assignment: np.ndarray
    sizes: list[int]
    terms: list[list[str]]
    centers: np.ndarray | None


def auto_topic_count(n_rows: int) -> int:
    """A topic count that grows with the data: about sqrt(n / 20), between 2 and 40."""
    return max(2, min(40, round(math.sqrt(n_rows / 20))))


def topics(ctx: Context, n_topics: int = 0, n_terms: int = 6) -> Topics:
    """Seeded MiniBatchKMeans over the train TF-IDF rows (cosine geometry: rows are L2-normalised).

    Clusters are renumbered by decreasing size (ties by their first row), so ids are stable.
    """

    def compute() -> Topics:
        space = text_space(ctx)
        matrix = space.matrices["train"]
        has_words = np.asarray(matrix.getnnz(axis=1) > 0)
        rows = np.flatnonzero(has_words)
        k = n_topics or auto_topic_count(len(rows))
        k = min(k, len(rows))
        assignment = np.full(matrix.shape[0], -1, dtype=np.int64)
        if k < 2:
            return Topics(assignment, [], [], None)
        model = MiniBatchKMeans(
            n_clusters=k, random_state=SEED, n_init=3, batch_size=4096, max_iter=100, max_no_improvement=10
        )
        raw = model.fit_predict(matrix[rows])
        counts = np.bincount(raw, minlength=k)
        first = np.full(k, len(rows))
        for i, c in enumerate(raw):
            if first[c] == len(rows):
                first[c] = i
        order = sorted((c for c in range(k) if counts[c] > 0), key=lambda c: (-counts[c], first[c]))
        remap = {c: i for i, c in enumerate(order)}
        assignment[rows] = [remap[c] for c in raw]
        vocab = space.terms
        sizes, terms, centers = [], [], []
        for c in order:
            members = matrix[rows[raw == c]]
            center = np.asarray(members.mean(axis=0)).ravel()
            centers.append(center)
            top = np.argsort(-center, kind="stable")[:n_terms]
            terms.append([str(vocab[t]) for t in top if center[t] > 0])
            sizes.append(int(counts[c]))
        return Topics(assignment, sizes, terms, np.vstack(centers))

    return ctx.shared(("topics", n_topics, n_terms), compute)


def nearest_train(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid row of `split`: `line`, `n_terms` (known words), the most similar train row
    (`nearest_line`, first in line order on ties) and its TF-IDF cosine `similarity`.
    """

    def compute() -> pl.DataFrame:
        space = text_space(ctx)
        query = space.matrices[split]
        train = space.matrices["train"]
        n = query.shape[0]
        best = np.zeros(n, dtype=np.float32)
        where = np.zeros(n, dtype=np.int64)
        if train.shape[0] and train.shape[1]:
            train_t = train.T.tocsr()
            for start in range(0, n, CHUNK):
                sims = (query[start : start + CHUNK] @ train_t).tocsr()
                where[start : start + CHUNK] = np.asarray(sims.argmax(axis=1)).ravel()
                best[start : start + CHUNK] = sims.max(axis=1).toarray().ravel()
        train_lines = space.lines["train"]
        nearest = train_lines[where] if len(train_lines) else np.zeros(n, dtype=np.int64)
        return pl.DataFrame(
            {
                "line": space.lines[split],
                "n_terms": query.getnnz(axis=1).astype(np.int64),
                "nearest_line": np.where(best > 0, nearest, 0),
                "similarity": np.clip(best, 0.0, 1.0).astype(np.float64),
            }
        )

    return ctx.shared(("nearest_train", split), compute)
