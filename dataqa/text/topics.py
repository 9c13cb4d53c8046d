"""Shared TF-IDF space of the inputs, topic clusters, and nearest-train similarity, once per scan.

The topic check and the test-coverage check need the inputs as TF-IDF vectors of content words
(the likely-mislabel check has its own space in `dataqa.checks.labels`: negations and function
words carry labels); the vectoriser is fitted once on the training prompts and every split is
projected into that one space, so "far from train" means far in train's own vocabulary.
Everything is seeded and ordered by line, so the same input always gives the same clusters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from dataqa.engine.context import Context
from dataqa.text.language_signals import FUNCTION_WORDS

SEED = 0
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {w for ws in FUNCTION_WORDS.values() for w in ws})
"""English stop words plus the function words of the other languages `dataqa.text.language` knows."""
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
BLOCK_PRODUCTS = 1 << 25
"""Entries of a dense similarity block computed at once (128 MiB of float32)."""
BRUTE_FORCE_PRODUCTS = 2_000_000_000
"""Held-out x train rows up to which nearest candidates are found by brute force (exact)."""
IVF_PROBES = 8
"""Cells of the inverted-file search each held-out row is compared with."""
RECHECK_BELOW = 0.3
"""Similarity under which an inverted-file answer is searched again, wider."""
RECHECK_CELLS = 0.125
"""Share of the cells that wider search compares a row with."""
SPREAD_ROWS = 2000
"""Training rows (a seeded sample) whose nearest other training row `train_spread` finds."""
SPREAD_PRODUCTS = 200_000_000
SPREAD_MIN_ROWS = 200
"""Sampled rows x training rows `train_spread` compares at most, down to `SPREAD_MIN_ROWS` rows."""


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


def term_counts(texts: list[str]) -> pl.DataFrame:
    """`term`, `df` (texts holding it), `tf` (its occurrences) of the words `text_space`'s analyser
    cuts from `texts`: what `fitted` needs of a block of training inputs, added up over blocks."""
    schema = {"term": pl.String, "df": pl.Int64, "tf": pl.Int64}
    counter = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=STOP_WORDS)
    try:
        counts = counter.fit_transform(texts).tocsc()
    except ValueError:  # no word at all
        return pl.DataFrame(schema=schema)
    terms = counter.get_feature_names_out().tolist()
    df, tf = counts.getnnz(axis=0), np.asarray(counts.sum(axis=0)).ravel()
    return pl.DataFrame({"term": terms, "df": df, "tf": tf}, schema=schema)


def fitted(n_docs: int, counts: pl.DataFrame) -> TfidfVectorizer | None:
    """The vectorizer `text_space` fits on `n_docs` training texts, made from their `term_counts`
    (added up over blocks of them): the same vocabulary (`min_df`, `max_df`, `max_features` kept
    as scikit-learn keeps them) and the same idf, value for value; None when no word is kept."""
    vectorizer = _vectorizer(n_docs)
    ordered = sorted(counts.iter_rows())  # scikit-learn numbers the terms in sorted order
    df = np.array([d for _, d, _ in ordered], dtype=np.int64)
    tf = np.array([t for _, _, t in ordered], dtype=np.float64)
    high = vectorizer.max_df * n_docs if isinstance(vectorizer.max_df, float) else vectorizer.max_df
    mask = (df <= high) & (df >= vectorizer.min_df)
    limit = vectorizer.max_features
    if limit is not None and mask.sum() > limit:  # as `CountVectorizer._limit_features`
        keep = np.zeros(len(df), dtype=bool)
        keep[np.where(mask)[0][(-tf[mask]).argsort()[:limit]]] = True
        mask = keep
    if not mask.any():
        return None
    kept = np.flatnonzero(mask)
    vectorizer.vocabulary_ = {ordered[i][0]: n for n, i in enumerate(kept.tolist())}
    smoothed = df[kept].astype(np.float32) + np.float32(1.0)  # as `TfidfTransformer.fit`, in float32
    idf = np.full_like(smoothed, fill_value=n_docs + 1, dtype=np.float32)
    idf /= smoothed
    np.log(idf, out=idf)
    idf += 1.0
    vectorizer.idf_ = idf
    return vectorizer


def text_words(texts: pl.Series) -> set[str]:
    """Every word of `texts` as the space's analyser cuts them (lowercased), before the space drops
    the too common and the too rare, stop words out (`cov005.train_words`, over blocks a union)."""
    lowered = texts.fill_null("").str.to_lowercase()
    words = lowered.str.extract_all(r"\b[^\W\d_][^\W\d_]+\b").explode().drop_nulls().unique()
    return set(words.to_list()) - set(STOP_WORDS)


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
            if vectorizer is None or rows.height == 0:  # scikit-learn refuses to transform no rows
                width = len(vectorizer.vocabulary_) if vectorizer is not None else 0
                matrices[split.name] = sp.csr_matrix((rows.height, width), dtype=np.float32)
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
        svd = fitted_svd(train[_sample(train.shape[0])], train.shape[0])
        return {name: project(svd, m) for name, m in space.matrices.items()}

    return ctx.shared(("lsa",), compute)


def in_order(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """A copy of `matrix` whose rows hold their columns in order, as `transform` gives a block's rows
    (`fit_transform` leaves train's in another): a product then sums in one order on both engines."""
    out = matrix.copy()
    out.sort_indices()
    return out


def lsa_model(ctx: Context) -> TruncatedSVD | None:
    """COV005's LSA (`coverage_points`): `lsa`'s, fitted on the sample's rows `in_order`; cached."""

    def compute() -> TruncatedSVD | None:
        train = text_space(ctx).matrices["train"]
        return fitted_svd(in_order(train[_sample(train.shape[0])]), train.shape[0])

    return ctx.shared(("lsa", "model"), compute)


def coverage_points(ctx: Context) -> dict[str, np.ndarray]:
    """COV005's LSA points of every split: `lsa`'s, but fitted on and projecting the TF-IDF rows
    `in_order`, so that a held train's blocks give the same floats (`dataqa.text.coverage_held`);
    the topic clusters keep `lsa`'s. Cached."""

    def compute() -> dict[str, np.ndarray]:
        svd = lsa_model(ctx)
        return {name: project(svd, in_order(m)) for name, m in text_space(ctx).matrices.items()}

    return ctx.shared(("lsa", "coverage"), compute)


def fitted_svd(sample: sp.csr_matrix, n: int) -> TruncatedSVD | None:
    """The LSA of `lsa`, fitted on the TF-IDF rows of the seeded sample (`_sample`) of `n` training
    rows: `LSA_DIMS` dimensions at most; None under two (the TF-IDF rows are then the points)."""
    dims = min(LSA_DIMS, sample.shape[1] - 1, n - 1)
    return TruncatedSVD(dims, random_state=SEED).fit(sample) if dims >= 2 else None


def project(svd: TruncatedSVD | None, matrix: sp.csr_matrix) -> np.ndarray:
    """TF-IDF rows as L2-normalised float32 LSA points (the rows themselves, dense, without an LSA)."""
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:  # no valid row, or no word: scikit-learn refuses it
        return np.zeros(
            (matrix.shape[0], svd.n_components if svd is not None else matrix.shape[1]), dtype=np.float32
        )
    points = svd.transform(matrix) if svd is not None else matrix.toarray()
    return normalize(points).astype(np.float32)


def _sample(n: int, size: int = SAMPLE_ROWS) -> np.ndarray:
    """A seeded, sorted sample of at most `size` row indices out of n."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(SEED).choice(n, size, replace=False))


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
    rare). A word outside the vocabulary counts as never seen, whether train never had it or the
    space dropped it as too common or too rare: the space cannot tell them apart, and the coverage
    bars were measured so. (scikit-learn before 1.9 kept the dropped words as `stop_words_`, and
    this function once counted them for nothing there only: the same data gave other scores with
    another scikit-learn.)
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
    top_idf = float(vectorizer.idf_.max()) if len(vectorizer.idf_) else 1.0
    words = np.zeros(len(texts), dtype=np.int64)
    unseen = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        tokens = analyse(text)
        words[i] = len(tokens)
        new: dict[str, int] = {}
        for t in tokens:
            if t not in vocab:
                new[t] = new.get(t, 0) + 1
        unseen[i] = sum(((1.0 + math.log(c)) * top_idf) ** 2 for c in new.values())
    total = np.sqrt(known**2 + unseen)
    share = np.divide(known, total, out=np.zeros_like(known), where=total > 0)
    return words, share


def _top_candidates(block: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of a similarity block: the `c` highest columns, best first, ties to the first
    column, and their values. Repeated argmax: cheaper than a partial sort for a handful. Overwrites
    the block."""
    rows = np.arange(block.shape[0])
    cols = np.zeros((block.shape[0], c), dtype=np.int64)
    values = np.zeros((block.shape[0], c), dtype=block.dtype)
    for k in range(c):
        cols[:, k] = block.argmax(axis=1)
        values[:, k] = block[rows, cols[:, k]]
        block[rows, cols[:, k]] = -np.inf
    return cols, values


def _exact_nearest(queries: np.ndarray, points: np.ndarray, c: int) -> np.ndarray:
    """The `c` points with the highest dot product with each query, by brute force in blocks."""
    return nearest_points(queries, points, c)[0]


def nearest_points(queries: np.ndarray, points: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
    """The `c` points with the highest dot product with each query (best first, ties to the first
    point), by brute force in blocks, and their dot products."""
    out = np.zeros((len(queries), c), dtype=np.int64)
    values = np.zeros((len(queries), c), dtype=np.float32)
    step = max(1, BLOCK_PRODUCTS // max(len(points), 1))
    for start in range(0, len(queries), step):
        found = _top_candidates(queries[start : start + step] @ points.T, c)
        out[start : start + step], values[start : start + step] = found
    return out, values


def cosines(query: sp.csr_matrix, train: sp.csr_matrix, cand: np.ndarray) -> np.ndarray:
    """The exact TF-IDF cosine of each query row with each of its candidate train rows."""
    c = cand.shape[1]
    out = np.zeros(cand.shape, dtype=np.float32)
    step = max(1, BLOCK_PRODUCTS // (c * 1024)) if c else 1
    for start in range(0, query.shape[0] if c else 0, step):
        block, picks = query[start : start + step], cand[start : start + step]
        rep = np.repeat(np.arange(block.shape[0]), c)
        products = in_order(block[rep]).multiply(in_order(train[picks.ravel()]))
        out[start : start + step] = np.asarray(products.sum(axis=1)).reshape(-1, c)
    return out


@dataclass
class _Cells:
    """An inverted file over unit vectors: k-means cells and the points of each, in row order."""

    points: np.ndarray
    centres: np.ndarray
    members: np.ndarray
    bounds: np.ndarray

    @classmethod
    def build(cls, points: np.ndarray) -> _Cells:
        """About sqrt(n) cells from a seeded k-means sample; every point goes to its nearest centre."""
        n_cells = max(2, min(int(math.sqrt(len(points))), len(points) // 4))
        sample = points[_sample(len(points), max(SAMPLE_ROWS, 20 * n_cells))]
        model = KMeans(n_clusters=n_cells, random_state=SEED, n_init=1, max_iter=10).fit(sample)
        centres = normalize(model.cluster_centers_).astype(np.float32)
        cell_of_point = _exact_nearest(points, centres, 1)[:, 0]
        members = np.argsort(cell_of_point, kind="stable")
        bounds = np.searchsorted(cell_of_point[members], np.arange(n_cells + 1))
        return cls(points, centres, members, bounds)

    def nearest(self, queries: np.ndarray, probes: int, c: int) -> np.ndarray:
        """Approximately the `c` points nearest each query: among the points of its `probes`
        nearest cells only, so the work grows with queries x probes x cell size."""
        n_cells = len(self.centres)
        probed = _exact_nearest(queries, self.centres, min(probes, n_cells))
        best = np.full((len(queries), c), -np.inf, dtype=np.float32)
        where = np.zeros((len(queries), c), dtype=np.int64)
        cells = probed.ravel()
        asking_queries = np.repeat(np.arange(len(queries)), probed.shape[1])
        order = np.argsort(cells, kind="stable")
        query_bounds = np.searchsorted(cells[order], np.arange(n_cells + 1))
        for cell in range(n_cells):
            cell_points = self.members[self.bounds[cell] : self.bounds[cell + 1]]
            asking = asking_queries[order[query_bounds[cell] : query_bounds[cell + 1]]]
            if not len(cell_points) or not len(asking):
                continue
            step = max(1, BLOCK_PRODUCTS // len(cell_points))
            for start in range(0, len(asking), step):
                rows = asking[start : start + step]
                cols, sims = _top_candidates(queries[rows] @ self.points[cell_points].T, c)
                merged_sims = np.concatenate([best[rows], sims], axis=1)
                merged_where = np.concatenate([where[rows], cell_points[cols]], axis=1)
                keep = np.argsort(-merged_sims, axis=1, kind="stable")[:, :c]
                best[rows] = np.take_along_axis(merged_sims, keep, axis=1)
                where[rows] = np.take_along_axis(merged_where, keep, axis=1)
        return where


def _best_exact(
    query: sp.csr_matrix, train: sp.csr_matrix, cand: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Among each query row's candidates, the train row of highest exact TF-IDF cosine (ties: first)."""
    cand = np.sort(cand, axis=1)
    exact = cosines(query, train, cand)
    pick = exact.argmax(axis=1)
    rows = np.arange(len(pick))
    return cand[rows, pick], exact[rows, pick]


def nearest_train(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid row of `split`: `line`, `n_words` (content words), the most similar train row
    (`nearest_line`, 0 when none) and `similarity`. Candidates are the `CANDIDATES` nearest train
    rows in LSA space; among them the best by exact TF-IDF cosine in train's vocabulary wins,
    scaled by the share of the row's words train knows (see `vocabulary_share`), so a text of
    mostly unseen words is far even if one word matches.

    Above `BRUTE_FORCE_PRODUCTS` (held-out rows x train rows) the LSA candidates come from an
    inverted file (`_Cells`: each row compared with the train rows of its `IVF_PROBES` nearest
    k-means cells, not all); rows it leaves under `RECHECK_BELOW`, the ones a coverage finding
    could name, are searched again in `RECHECK_CELLS` of the cells.
    """

    def compute() -> pl.DataFrame:
        space = text_space(ctx)
        query = space.matrices[split]
        train = space.matrices["train"]
        n = query.shape[0]
        best = np.zeros(n, dtype=np.float32)
        where = np.zeros(n, dtype=np.int64)
        cells = None
        if train.shape[0] and train.shape[1] and n:
            projected = coverage_points(ctx)
            q_points, t_points = projected[split], projected["train"]
            c = min(CANDIDATES, train.shape[0])
            cells = _Cells.build(t_points) if n * len(t_points) > BRUTE_FORCE_PRODUCTS else None
            if cells is None:
                where, best = _best_exact(query, train, _exact_nearest(q_points, t_points, c))
            else:
                where, best = _best_exact(query, train, cells.nearest(q_points, IVF_PROBES, c))
        texts = ctx.valid_rows(split)["prompt"].fill_null("").to_list()
        if space.vectorizer is not None:
            words, share = vocabulary_share(space.vectorizer, texts)
        else:
            words, share = np.array([len(t.split()) for t in texts], dtype=np.int64), np.zeros(n)
        if n and cells is not None:
            # The approximate search can only miss a nearer row: look again, wider, where a miss
            # could make a row look uncovered.
            low = np.flatnonzero(best * share < RECHECK_BELOW)
            wider = max(IVF_PROBES, math.ceil(len(cells.centres) * RECHECK_CELLS))
            again_where, again_best = _best_exact(query[low], train, cells.nearest(q_points[low], wider, c))
            better = again_best > best[low]
            where[low[better]], best[low[better]] = again_where[better], again_best[better]
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


def train_spread(ctx: Context) -> pl.DataFrame:
    """How far training inputs lie from each other: for a seeded sample of at most `SPREAD_ROWS`
    valid training rows (fewer on a large set: `SPREAD_PRODUCTS`), `row` (its index among the valid
    training rows), `line`, `n_words` and `similarity` to the most similar other training row, found as
    `nearest_train` finds a held-out row's and scaled the same way (`vocabulary_share`: its words
    outside the vocabulary count as never seen). The yardstick for "far from train": on a set of
    unique questions every training example is far from the others too."""

    def compute() -> pl.DataFrame:
        space = text_space(ctx)
        train = space.matrices["train"]
        n = train.shape[0]
        picked = spread_rows(n)
        best = np.zeros(len(picked), dtype=np.float32)
        if space.vectorizer is None or n < 2 or not train.shape[1]:
            empty = np.zeros(len(picked), dtype=np.int64)
            return pl.DataFrame(
                {"row": picked, "line": space.lines["train"][picked], "n_words": empty, "similarity": best}
            )
        points = coverage_points(ctx)["train"]
        c = min(CANDIDATES + 1, n)
        cand = _exact_nearest(points[picked], points, c)
        # the row itself out of its candidates (the last candidate out where it is not among them)
        mine = cand == picked[:, None]
        mine[~mine.any(axis=1), -1] = True
        others = cand[~mine].reshape(len(picked), c - 1)
        _, best = _best_exact(train[picked], train, others)
        texts = ctx.valid_rows("train")["prompt"].fill_null("").to_list()
        words, share = vocabulary_share(space.vectorizer, [texts[int(i)] for i in picked])
        similarity = np.clip(best * share, 0.0, 1.0).astype(np.float64)
        lines = space.lines["train"][picked]
        return pl.DataFrame({"row": picked, "line": lines, "n_words": words, "similarity": similarity})

    return ctx.shared(("train_spread",), compute)


def spread_rows(n: int) -> np.ndarray:
    """The positions among `n` valid training rows of `train_spread`'s sample."""
    return _sample(n, max(SPREAD_MIN_ROWS, min(SPREAD_ROWS, SPREAD_PRODUCTS // max(n, 1))))


VECTORIZER = ("text_vectorizer", "prompt")
"""The shared key of train's fitted vectorizer of the inputs (`text_vectorizer`)."""
EXACT = ("exact_train",)
"""The shared key of the search of train's exact nearest rows (`exact_train`)."""
NAMES = "input_names"
"""With a split's name after it, the shared key of its inputs' name words (`input_names`)."""
VERIFY_ROWS = 256
"""Held-out rows compared with every training row at once (one sparse product each block)."""


def text_vectorizer(ctx: Context) -> TfidfVectorizer | None:
    """Train's TF-IDF vectorizer of the inputs (`text_space`'s), None when train has no word."""
    return ctx.shared(VECTORIZER, lambda: text_space(ctx).vectorizer)


def exact_train(ctx: Context) -> Callable[[sp.csr_matrix], tuple[np.ndarray, np.ndarray]]:
    """The search of each query row's nearest training row by exact TF-IDF cosine over every
    training row (`exact_best`); an engine holding train elsewhere searches each block of it."""

    def compute() -> Callable[[sp.csr_matrix], tuple[np.ndarray, np.ndarray]]:
        space = text_space(ctx)
        train = {"matrix": space.matrices["train"], "lines": space.lines["train"]}
        return lambda queries: exact_best(train, queries)

    return ctx.shared(EXACT, compute)


def exact_best(train: dict[str, np.ndarray], queries: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Per query row: the line of its nearest row of `train` (`matrix`, `lines`) by exact TF-IDF
    cosine (ties: the first line; 0 when none shares a word) and that cosine."""
    matrix = train["matrix"]
    nearest = np.zeros(queries.shape[0], dtype=np.int64)
    best = np.zeros(queries.shape[0], dtype=np.float32)
    if not matrix.shape[0] or not matrix.shape[1]:
        return nearest, best
    for start in range(0, queries.shape[0], VERIFY_ROWS):
        exact = (queries[start : start + VERIFY_ROWS] @ matrix.T).tocsr()
        exact.sort_indices()  # the first of equal cosines is the first line, whatever the product's order
        high = exact.max(axis=1).toarray().ravel()
        where = np.asarray(exact.argmax(axis=1)).ravel()
        best[start : start + len(high)] = high
        nearest[start : start + len(high)] = np.where(high > 0, train["lines"][where], 0)
    return nearest, best


def first_best(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """`exact_best` over blocks of train in line order, as over all of them: the highest cosine,
    ties to the earlier block."""
    nearest, best = found[0]
    nearest, best = nearest.copy(), best.copy()
    for lines, cos in found[1:]:
        better = cos > best
        nearest[better], best[better] = lines[better], cos[better]
    return nearest, best


_WORD = re.compile(TOKEN_PATTERN)
_STOP = frozenset(STOP_WORDS)
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")


def name_words(text: str, given: str = "") -> int:
    """Content words of `text` written as names (capitalised, not opening a sentence, not "I"): a
    song, a restaurant, a person; and those taken from `given`, the record's own system text (a
    table's column names, a document). A new name in a known form, or a question about the material
    it is given, is no new kind of input."""
    material = {w.lower() for w in _WORD.findall(given)} if given else set()
    count = 0
    for m in _WORD.finditer(text):
        word = m.group()
        lower = word.lower()
        if lower in _STOP:
            continue
        if lower in material or (
            word[0].isupper()
            and m.start()
            and not _SENTENCE_END.search(text[max(m.start() - 3, 0) : m.start()])
        ):
            count += 1
    return count


def names_of(rows: pl.DataFrame) -> np.ndarray:
    """`name_words` of each of `rows` (valid rows: `prompt`, `system`)."""
    prompts, given = rows["prompt"].fill_null("").to_list(), rows["system"].fill_null("").to_list()
    return np.array([name_words(p, g) for p, g in zip(prompts, given, strict=True)], dtype=np.int64)


def input_names(ctx: Context, split: str) -> np.ndarray:
    """`name_words` of each valid row of `split`, in line order (made on the blocks of a held split)."""
    return ctx.shared((NAMES, split), lambda: names_of(ctx.valid_rows(split)))
