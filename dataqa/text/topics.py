"""Shared TF-IDF space of the inputs and topic clusters, once per scan (nearest inputs: `nearest_train`).

The topic check and the test-coverage check need the inputs as TF-IDF vectors of content words
(the likely-mislabel check has its own space in `dataqa.checks.labels`: negations and function
words carry labels); the vectoriser is fitted once on the training prompts and every split is
projected into that one space, so "far from train" means far in train's own vocabulary.
Everything is seeded and ordered by line, so the same input always gives the same clusters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from dataqa.engine.context import Context
from dataqa.text.language_signals import FUNCTION_WORDS, SHARED_FORMS
from dataqa.text.normalise import UNSPACED, UNSPACED_PER_WORD, UNSPACED_WORD

SEED = 0
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {w for ws in FUNCTION_WORDS.values() for w in ws} | SHARED_FORMS)
"""English stop words plus the function words of the other languages `dataqa.text.language` knows."""
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
"""Words of two or more letters: order numbers, amounts and dates are not topics. A run of Han or
kana characters is first cut into its character pairs (`pairs_form`)."""
_UNSPACED_RUN = re.compile(UNSPACED_WORD.pattern + "+")
MAX_FEATURES = 1 << 17
CHUNK = 2048
LSA_DIMS = 100
SAMPLE_ROWS = 20_000
"""Rows the SVD and k-means are fitted on (a seeded sample); every row is then projected."""
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


def _pairs(run: re.Match[str]) -> str:
    text = run.group()
    return " " + " ".join(text[i : i + 2] for i in range(max(len(text) - 1, 1))) + " "


def pairs_form(text: str) -> str:
    """`text` lowercased, each run of characters of a script written without spaces
    (`normalise.UNSPACED`: Chinese, Japanese) written as its overlapping character pairs, each a word
    of the space: "下列说法" is "下列 列说 说法". Read whole, an unspaced clause was one word, and two
    Chinese questions on one subject "shared no word"; one character a word (as `normalise` cuts
    them for copies) makes every text share its commonest characters. A pair holds most two-character
    words and the joints of longer ones, as character-bigram indexes of Chinese and Japanese do. A
    lone such character, like a one-letter word, is no word of the space."""
    lowered = text.lower()
    return lowered if lowered.isascii() else _UNSPACED_RUN.sub(_pairs, lowered)


def word_count(words: Iterable[str]) -> int:
    """How many words of a spaced language `words` (cut by the space's analyser) say: the character
    pairs of an unspaced script (`pairs_form`) count one in `UNSPACED_PER_WORD` (a run of n characters
    is n - 1 pairs, about n / 2 words), so the word bars of COV005 mean the same in Chinese."""
    spaced = pairs = 0
    for word in words:
        if UNSPACED_WORD.match(word):
            pairs += 1
        else:
            spaced += 1
    return spaced + pairs // UNSPACED_PER_WORD


def _vectorizer(n_docs: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=pairs_form,
        token_pattern=TOKEN_PATTERN,
        stop_words=STOP_WORDS,
        min_df=2 if n_docs >= 20 else 1,
        max_df=0.5 if n_docs >= 20 else 1.0,
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )


TERM_COUNTS = {"term": pl.String, "df": pl.Int64, "tf": pl.Int64}
"""The columns of `term_counts` and `summed_counts`."""


def term_counts(texts: list[str]) -> pl.DataFrame:
    """`term`, `df` (texts holding it), `tf` (its occurrences) of the words `text_space`'s analyser
    cuts from `texts`: what `fitted` needs of a block of training inputs, added up over blocks."""
    counter = CountVectorizer(preprocessor=pairs_form, token_pattern=TOKEN_PATTERN, stop_words=STOP_WORDS)
    try:
        counts = counter.fit_transform(texts).tocsc()
    except ValueError:  # no word at all
        return pl.DataFrame(schema=TERM_COUNTS)
    terms = counter.get_feature_names_out().tolist()
    df, tf = counts.getnnz(axis=0), np.asarray(counts.sum(axis=0)).ravel()
    return pl.DataFrame({"term": terms, "df": df, "tf": tf}, schema=TERM_COUNTS)


def df_bounds(n_docs: int) -> tuple[float, float]:
    """The document counts a word of `n_docs` training texts needs to be in the vocabulary (`min_df`
    to `max_df`, both kept)."""
    vectorizer = _vectorizer(n_docs)
    high = vectorizer.max_df * n_docs if isinstance(vectorizer.max_df, float) else vectorizer.max_df
    return vectorizer.min_df, high


def summed_counts(n_docs: int, *counts: pl.DataFrame) -> pl.DataFrame:
    """Blocks' `term_counts` (of one part of the words) added up, only the words whose document
    count `fitted` keeps (`df_bounds`): a word outside them is never in the vocabulary, nor does it
    move another's place in it (`max_features` ranks the words inside the bounds)."""
    summed = (
        pl.concat([pl.DataFrame(schema=TERM_COUNTS), *counts]).group_by("term").agg(pl.col("df", "tf").sum())
    )
    low, high = df_bounds(n_docs)
    return summed.filter(pl.col("df").is_between(low, high))


def fitted(n_docs: int, counts: pl.DataFrame) -> TfidfVectorizer | None:
    """The vectorizer `text_space` fits on `n_docs` training texts, made from their `term_counts`
    (added up over blocks of them): the same vocabulary (`min_df`, `max_df`, `max_features` kept
    as scikit-learn keeps them) and the same idf, value for value; None when no word is kept."""
    vectorizer = _vectorizer(n_docs)
    ordered = sorted(counts.iter_rows())  # scikit-learn numbers the terms in sorted order
    df = np.array([d for _, d, _ in ordered], dtype=np.int64)
    tf = np.array([t for _, _, t in ordered], dtype=np.float64)
    low, high = df_bounds(n_docs)
    mask = (df <= high) & (df >= low)
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
    the too common and the too rare, stop words out (`cov005.known_words`, over blocks a union)."""
    lowered = texts.fill_null("").str.to_lowercase()
    at = lowered.str.contains(UNSPACED).arg_true()
    if len(at):
        lowered = lowered.scatter(at, [pairs_form(t) for t in lowered.gather(at).to_list()])
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
        svd = fitted_svd(train[seeded_sample(train.shape[0])], train.shape[0])
        return {name: project(svd, m) for name, m in space.matrices.items()}

    return ctx.shared(("lsa",), compute)


def fitted_svd(sample: sp.csr_matrix, n: int) -> TruncatedSVD | None:
    """The LSA of `lsa`, fitted on the TF-IDF rows of the seeded sample (`seeded_sample`) of `n` training
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


def seeded_sample(n: int, size: int = SAMPLE_ROWS) -> np.ndarray:
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
        fit_rows = seeded_sample(len(rows))
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
