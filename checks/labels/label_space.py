"""The word spaces LBL006 reads training prompts in: one for its classifier, one for nearest neighbours.

Both come from one count of the prompts' words and word pairs (`label_space`, cached), so the text
is tokenised once. Every word is kept (no stop-word list): label-bearing words are often function
words and negations ("not urgent", "no rush"). The classifier's space keeps the words of at least
two prompts and at most half of them (a word of one prompt teaches a model nothing); the
neighbour space keeps every word, so a word only one prompt has (an acronym, a name, a rare noun)
still tells that prompt apart from the others ("What is BPH?" is not a copy of "What is pasta?").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from dataqa.engine.context import Context
from dataqa.text.language_letters import marked_run

_LETTERS = marked_run(r"[^\W\d_]")
"""Letters with the combining marks written on them (`marked_run`: "শালিকে" is one word, not "শ", "ল",
"ক")."""
LABEL_TOKENS = rf"(?u){_LETTERS}(?:['\u2019]{_LETTERS})?"
"""Words (apostrophe contractions kept whole: "don't", "isn't"); numbers are ids, not evidence."""
MAX_FEATURES = 1 << 18


@dataclass(frozen=True)
class LabelSpace:
    """TF-IDF rows of train's valid prompts (in `lines` order) in the two spaces."""

    classifier: sp.csr_matrix
    neighbours: sp.csr_matrix
    words: sp.csr_matrix
    """Which words (no pairs) each prompt has: 1 where it has it."""
    lines: np.ndarray


def _tfidf(counts: sp.csr_matrix, df: np.ndarray, columns: np.ndarray) -> sp.csr_matrix:
    """Sublinear-tf, smoothed-idf, L2-normalised rows over `columns` (what TfidfVectorizer computes)."""
    n = counts.shape[0]
    sub = counts[:, columns].tocsr().astype(np.float32)
    sub.data = 1.0 + np.log(sub.data)
    idf = (np.log((1.0 + n) / (1.0 + df[columns])) + 1.0).astype(np.float32)
    sub = sub @ sp.diags(idf)
    norms = np.sqrt(np.asarray(sub.multiply(sub).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.maximum(norms, 1e-12).astype(np.float32)) @ sub).tocsr()


def label_space(ctx: Context) -> LabelSpace:
    """The classifier and neighbour spaces of train's valid prompts (cached in `ctx.shared`).

    Classifier: words and word pairs of at least two prompts and at most half of them (when there
    are 20 or more prompts), the `MAX_FEATURES` most frequent. Character n-grams were measured and
    left out: no gain on planted flips, three times the cost (benchmarks/labels_coverage.md).
    """

    def compute() -> LabelSpace:
        from sklearn.feature_extraction.text import CountVectorizer

        train = ctx.valid_rows("train")
        texts = train["prompt"].fill_null("").to_list()
        lines = train["line"].to_numpy()
        counter = CountVectorizer(
            lowercase=True, token_pattern=LABEL_TOKENS, ngram_range=(1, 2), dtype=np.float32
        )
        try:
            counts = counter.fit_transform(texts).tocsr()
        except ValueError:  # no words at all
            empty = sp.csr_matrix((len(texts), 0), dtype=np.float32)
            return LabelSpace(empty, empty, empty, lines)
        n = len(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        every = np.arange(counts.shape[1])
        keep = every
        if n >= 20:
            keep = every[(df >= 2) & (df <= 0.5 * n)]
        if len(keep) > MAX_FEATURES:
            totals = np.asarray(counts.sum(axis=0)).ravel()[keep]
            keep = np.sort(keep[np.argsort(-totals, kind="stable")[:MAX_FEATURES]])
        single = np.flatnonzero([" " not in term for term in counter.get_feature_names_out()])
        words = counts[:, single].tocsr()
        words.data[:] = 1.0
        return LabelSpace(_tfidf(counts, df, keep), _tfidf(counts, df, every), words, lines)

    return ctx.shared(("label_space",), compute)


def nearest(space: sp.csr_matrix, rows: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    """For each of `rows`, its `k` most similar other rows (cosine; row position, similarity), best
    first, ties by position; rows sharing no word are left out. Sparse products in blocks, so
    memory follows the rows compared, not the square of the data."""
    out: list[list[tuple[int, float]]] = []
    transposed = space.T.tocsr()
    for start in range(0, len(rows), 256):
        block = rows[start : start + 256]
        sims = (space[block] @ transposed).tocsr()
        for i, row in enumerate(block):
            lo, hi = sims.indptr[i], sims.indptr[i + 1]
            cols, vals = sims.indices[lo:hi], sims.data[lo:hi]
            mask = cols != row
            cols, vals = cols[mask], vals[mask]
            if len(vals) > k:
                # Only values at or above the k-th largest can be among the k best (ties included):
                # short texts share a word with nearly every row, and sorting the whole row per
                # query made this quadratic in the rows (25 of LBL006's 110 s on 100k intents).
                kth = np.partition(vals, len(vals) - k)[len(vals) - k]
                top = vals >= kth
                cols, vals = cols[top], vals[top]
            order = np.lexsort((cols, -vals))[:k]
            out.append([(int(cols[j]), float(vals[j])) for j in order])
    return out
