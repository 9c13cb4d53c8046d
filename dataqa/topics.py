"""Shared TF-IDF space of the inputs, topic clusters, and nearest-train similarity, once per scan.

The topic check and the test-coverage check need the inputs as TF-IDF vectors of content words
(the likely-mislabel check has its own space in `dataqa.checks.labels`: negations and function
words carry labels); the vectoriser is fitted once on the training prompts and every split is
projected into that one space, so "far from train" means far in train's own vocabulary.
Everything is seeded and ordered by line, so the same input always gives the same clusters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from dataqa.context import Context
from dataqa.language import FUNCTION_WORDS

SEED = 0
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {w for ws in FUNCTION_WORDS.values() for w in ws})
"""English stop words plus the function words of the other languages `dataqa.language` knows."""
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
"""Words of two or more letters: order numbers, amounts and dates are not topics."""
MAX_FEATURES = 1 << 17
CHUNK = 2048
LSA_DIMS = 100
SAMPLE_ROWS = 20_000
"""Rows the SVD and k-means are fitted on (a seeded sample); every row is then projected."""
CANDIDATES = 3
"""Nearest train rows in LSA space whose exact TF-IDF similarity is computed."""
OUTLIER_Z = 3.0
GROUP_SIMILARITY = 0.5
GROUP_MIN = 3
MAX_OUTLIERS = 20_000
"""Rows above which k-means runs in mini-batches."""


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


def lsa(ctx: Context) -> dict[str, np.ndarray]:
    """Per split, the L2-normalised LSA projection (truncated SVD, `LSA_DIMS` dimensions) of the
    TF-IDF rows, float32, rows in `TextSpace.lines` order; the SVD is fitted on a seeded sample of
    at most `SAMPLE_ROWS` training rows, so its cost does not grow with the data. Cached.
    """

    def compute() -> dict[str, np.ndarray]:
        space = text_space(ctx)
        train = space.matrices["train"]
        dims = min(LSA_DIMS, train.shape[1] - 1, train.shape[0] - 1)
        if dims < 2:
            return {name: normalize(m.toarray()).astype(np.float32) for name, m in space.matrices.items()}
        sample = _sample(train.shape[0])
        svd = TruncatedSVD(dims, random_state=SEED).fit(train[sample])
        return {name: normalize(svd.transform(m)).astype(np.float32) for name, m in space.matrices.items()}

    return ctx.shared(("lsa",), compute)


def _sample(n: int) -> np.ndarray:
    """A seeded, sorted sample of at most SAMPLE_ROWS row indices out of n."""
    if n <= SAMPLE_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(SEED).choice(n, SAMPLE_ROWS, replace=False))


@dataclass
class Topics:
    """Clusters of the training inputs: per-row cluster id (-1 = no words), sizes and top terms."""

    assignment: np.ndarray
    sizes: list[int]
    terms: list[list[str]]


def auto_topic_count(n_rows: int) -> int:
    """A topic count that grows with the data: about sqrt(n / 5), between 2 and 50.

    Deliberately fine-grained: a rare topic only gets a cluster of its own when there are more
    clusters than common topics.
    """
    return max(2, min(50, round(math.sqrt(n_rows / 5))))


def topics(ctx: Context, n_topics: int = 0, n_terms: int = 6) -> Topics:
    """Seeded k-means over the LSA projection of the train TF-IDF rows (cosine geometry).

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
            return Topics(assignment, [], [])
        # k-means on the LSA points (cosine clusters), fitted on a seeded sample, applied to all.
        points = lsa(ctx)["train"][rows]
        fit_rows = _sample(len(rows))
        distinct_points = len(np.unique(points[fit_rows].round(5), axis=0))
        k = min(k, distinct_points)
        if k < 2:
            return Topics(assignment, [], [])
        model = KMeans(n_clusters=k, random_state=SEED, n_init=1).fit(points[fit_rows])
        raw = model.predict(points)
        raw = _split_off_small_groups(points, raw, k)
        k = int(raw.max()) + 1
        counts = np.bincount(raw, minlength=k)
        first = np.full(k, len(rows))
        for i, c in enumerate(raw):
            if first[c] == len(rows):
                first[c] = i
        order = sorted((c for c in range(k) if counts[c] > 0), key=lambda c: (-counts[c], first[c]))
        remap = {c: i for i, c in enumerate(order)}
        assignment[rows] = [remap[c] for c in raw]
        vocab = space.terms
        sizes, terms = [], []
        for c in order:
            members = matrix[rows[raw == c]]
            center = np.asarray(members.mean(axis=0)).ravel()
            top = np.argsort(-center, kind="stable")[:n_terms]
            terms.append([str(vocab[t]) for t in top if center[t] > 0])
            sizes.append(int(counts[c]))
        return Topics(assignment, sizes, terms)

    return ctx.shared(("topics", n_topics, n_terms), compute)


def _split_off_small_groups(points: np.ndarray, raw: np.ndarray, k: int) -> np.ndarray:
    """Give small coherent groups that k-means buried in a big cluster a cluster of their own.

    k-means would rather split a big topic than spend a centre on a handful of rows, so a rare
    topic ends up as outliers of some cluster. Rows far less similar to their cluster centre than
    the cluster's other rows (robust z under -OUTLIER_Z) that resemble each other (cosine at least
    GROUP_SIMILARITY, linked transitively) in groups of GROUP_MIN or more become new clusters.
    """
    if points.shape[0] < GROUP_MIN:
        return raw
    dense = points
    centres = normalize(
        np.vstack([dense[raw == c].mean(axis=0) if (raw == c).any() else dense[0] for c in range(k)])
    )
    sim = (dense * centres[raw]).sum(axis=1)
    outlier = np.zeros(len(raw), dtype=bool)
    for c in range(k):
        members = raw == c
        if members.sum() < 10:
            continue
        med = np.median(sim[members])
        mad = 1.4826 * np.median(np.abs(sim[members] - med))
        if mad > 0:
            outlier |= members & (sim < med - OUTLIER_Z * mad)
    idx = np.flatnonzero(outlier)[:MAX_OUTLIERS]
    if len(idx) < GROUP_MIN:
        return raw
    parent = list(range(len(idx)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sub = dense[idx]
    for start in range(0, len(idx), CHUNK):
        block = sub[start : start + CHUNK] @ sub.T
        for i, j in zip(*np.nonzero(block >= GROUP_SIMILARITY), strict=True):
            a, b = find(start + int(i)), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(idx)):
        groups.setdefault(find(i), []).append(i)
    out = raw.copy()
    nxt = k
    for members in sorted(groups.values(), key=lambda m: m[0]):
        if len(members) >= GROUP_MIN:
            out[idx[members]] = nxt
            nxt += 1
    return out


def vocabulary_share(vectorizer: TfidfVectorizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text: its content-word count, and the share of its TF-IDF norm that train's vocabulary
    holds, counting each word train never had at the highest IDF (a word never seen is maximally
    rare). Words train has but dropped as too common or too rare count for nothing.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer.transform(vectorizer, texts).tocsr().astype(np.float64)
    counts.data = 1.0 + np.log(counts.data)
    known = np.sqrt(
        np.asarray(
            counts.multiply(vectorizer.idf_[None, :])
            .multiply(counts.multiply(vectorizer.idf_[None, :]))
            .sum(axis=1)
        ).ravel()
    )
    analyse = vectorizer.build_analyzer()
    vocab = vectorizer.vocabulary_
    dropped = getattr(vectorizer, "stop_words_", None) or set()
    top_idf = float(vectorizer.idf_.max()) if len(vectorizer.idf_) else 1.0
    words = np.zeros(len(texts), dtype=np.int64)
    unseen = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        tokens = analyse(text)
        words[i] = len(tokens)
        new: dict[str, int] = {}
        for t in tokens:
            if t not in vocab and t not in dropped:
                new[t] = new.get(t, 0) + 1
        unseen[i] = sum(((1.0 + math.log(c)) * top_idf) ** 2 for c in new.values())
    total = np.sqrt(known**2 + unseen)
    share = np.divide(known, total, out=np.zeros_like(known), where=total > 0)
    return words, share


def nearest_train(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid row of `split`: `line`, `n_words` (content words), the most similar train row
    (`nearest_line`, 0 when none) and `similarity`. Candidates are the `CANDIDATES` nearest train
    rows in LSA space; among them the best by exact TF-IDF cosine in train's vocabulary wins,
    scaled by the share of the row's words train knows (see `vocabulary_share`), so a text of
    mostly unseen words is far even if one word matches.
    """

    def compute() -> pl.DataFrame:
        space = text_space(ctx)
        query = space.matrices[split]
        train = space.matrices["train"]
        n = query.shape[0]
        best = np.zeros(n, dtype=np.float32)
        where = np.zeros(n, dtype=np.int64)
        if train.shape[0] and train.shape[1] and n:
            projected = lsa(ctx)
            q_points, t_points = projected[split], projected["train"]
            c = min(CANDIDATES, train.shape[0])
            step = max(1, (1 << 25) // max(train.shape[0], 1))
            for start in range(0, n, step):
                sims = q_points[start : start + step] @ t_points.T
                # Top candidates by repeated argmax: cheaper than a partial sort of every row.
                picks = []
                for _ in range(c):
                    top = sims.argmax(axis=1)
                    picks.append(top)
                    sims[np.arange(len(top)), top] = -np.inf
                cand = np.stack(picks, axis=1)
                cand = np.sort(cand, axis=1)  # ties go to the first train row
                block = query[start : start + step]
                rep = np.repeat(np.arange(block.shape[0]), c)
                exact = np.asarray(block[rep].multiply(train[cand.ravel()]).sum(axis=1)).reshape(-1, c)
                pick = exact.argmax(axis=1)
                where[start : start + step] = cand[np.arange(len(pick)), pick]
                best[start : start + step] = exact[np.arange(len(pick)), pick]
        texts = ctx.valid_rows(split)["prompt"].fill_null("").to_list()
        if space.vectorizer is not None:
            words, share = vocabulary_share(space.vectorizer, texts)
        else:
            words, share = np.array([len(t.split()) for t in texts], dtype=np.int64), np.zeros(n)
        train_lines = space.lines["train"]
        nearest = train_lines[where] if len(train_lines) else np.zeros(n, dtype=np.int64)
        return pl.DataFrame(
            {
                "line": space.lines[split],
                "n_words": words,
                "nearest_line": np.where(best > 0, nearest, 0),
                "similarity": np.clip(best * share, 0.0, 1.0).astype(np.float64),
            }
        )

    return ctx.shared(("nearest_train", split), compute)
