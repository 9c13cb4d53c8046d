"""Each held-out input's nearest training input, and train's own spread: what COV005 measures.

The inputs live in `dataqa.text.topics`' shared TF-IDF space; here they are searched. Candidates come
from LSA points (brute force up to `BRUTE_FORCE_PRODUCTS`, k-means cells above), the best of them by
exact TF-IDF cosine, scaled by the share of a query's words train knows. The same steps serve a split
held on Ray workers (`dataqa.text.coverage_held`), so both engines agree row for row.
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
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from dataqa.engine.context import Context
from dataqa.text.topics import (
    SAMPLE_ROWS,
    SEED,
    STOP_WORDS,
    TOKEN_PATTERN,
    fitted_svd,
    project,
    seeded_sample,
    text_space,
    word_count,
)

CANDIDATES = 3
"""Nearest train rows in LSA space whose exact TF-IDF similarity is computed."""
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
        return fitted_svd(in_order(train[seeded_sample(train.shape[0])]), train.shape[0])

    return ctx.shared(("lsa", "model"), compute)


def coverage_points(ctx: Context) -> dict[str, np.ndarray]:
    """COV005's LSA points of every split: `lsa`'s, but fitted on and projecting the TF-IDF rows
    `in_order`, so that a held train's blocks give the same floats (`dataqa.text.coverage_held`);
    the topic clusters keep `lsa`'s. Cached."""

    def compute() -> dict[str, np.ndarray]:
        svd = lsa_model(ctx)
        return {name: project(svd, in_order(m)) for name, m in text_space(ctx).matrices.items()}

    return ctx.shared(("lsa", "coverage"), compute)


def vocabulary_share(vectorizer: TfidfVectorizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text: its content-word count (`word_count`), and the share of its TF-IDF norm that train's
    vocabulary holds, counting each word train never had at the highest IDF (a word never seen is maximally
    rare). A word outside the vocabulary counts as never seen, whether train never had it or the
    space dropped it as too common or too rare: the space cannot tell them apart, and the coverage
    bars were measured so. (scikit-learn before 1.9 kept the dropped words as `stop_words_`, and
    this function once counted them for nothing there only: the same data gave other scores with
    another scikit-learn.)
    """

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
        words[i] = word_count(tokens)
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


def cell_count(n: int) -> int:
    """The k-means cells of an inverted file over `n` points: about sqrt(n), at least 2, at most n/4."""
    return max(2, min(int(math.sqrt(n)), n // 4))


def cell_sample(n: int) -> np.ndarray:
    """The positions among `n` points of the seeded sample the cells' centres are fitted on."""
    return seeded_sample(n, max(SAMPLE_ROWS, 20 * cell_count(n)))


def fitted_centres(sample: np.ndarray, n: int) -> np.ndarray:
    """The unit centres of `cell_count(n)` k-means cells fitted on `sample` (`cell_sample`'s points)."""
    model = KMeans(n_clusters=cell_count(n), random_state=SEED, n_init=1, max_iter=10).fit(sample)
    return normalize(model.cluster_centers_).astype(np.float32)


def centres_of(points: np.ndarray) -> np.ndarray:
    """`fitted_centres` of all of a split's `points`, on their `cell_sample`."""
    return fitted_centres(points[cell_sample(len(points))], len(points))


def cells_of(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each point's cell: its nearest centre (ties to the first)."""
    return _exact_nearest(points, centres, 1)[:, 0]


def probed_cells(queries: np.ndarray, centres: np.ndarray, probes: int) -> np.ndarray:
    """Each query's `probes` nearest cells, nearest first."""
    return _exact_nearest(queries, centres, min(probes, len(centres)))


def wider_probes(centres: np.ndarray) -> int:
    """The cells a query searched again (`RECHECK_BELOW`) probes: `RECHECK_CELLS` of them."""
    return max(IVF_PROBES, math.ceil(len(centres) * RECHECK_CELLS))


@dataclass
class Cells:
    """An inverted file over unit vectors: k-means cells and their points in row order, of a split
    (`build`) or of one block with the split's centres (`of`: merged by LSA value, the split's search)."""

    points: np.ndarray
    centres: np.ndarray
    members: np.ndarray
    bounds: np.ndarray

    @classmethod
    def build(cls, points: np.ndarray) -> Cells:
        """Cells fitted on a seeded sample of `points` (`cell_sample`); each point in its nearest."""
        centres = centres_of(points)
        return cls.of(points, centres, cells_of(points, centres))

    @classmethod
    def of(cls, points: np.ndarray, centres: np.ndarray, cell_of_point: np.ndarray) -> Cells:
        """The inverted file of `points` whose cells (`cells_of`) are given."""
        members = np.argsort(cell_of_point, kind="stable")
        bounds = np.searchsorted(cell_of_point[members], np.arange(len(centres) + 1))
        return cls(points, centres, members, bounds)

    def nearest(self, queries: np.ndarray, probed: np.ndarray, c: int) -> tuple[np.ndarray, np.ndarray]:
        """Approximately the `c` points nearest each query (best first, ties to the first point):
        among the points of its `probed` cells only (`probed_cells`), so the work grows with queries
        x probes x cell size; and their dot products, -inf where the cells hold fewer than `c`."""
        n_cells = len(self.centres)
        best = np.full((len(queries), c), -np.inf, dtype=np.float32)
        where = np.zeros((len(queries), c), dtype=np.int64)
        cells = probed.ravel()
        asking_queries = np.repeat(np.arange(len(queries)), probed.shape[1])
        order = np.argsort(cells, kind="stable")
        query_bounds = np.searchsorted(cells[order], np.arange(n_cells + 1))
        for cell in np.flatnonzero((np.diff(self.bounds) > 0) & (np.diff(query_bounds) > 0)):
            cell_points = self.members[self.bounds[cell] : self.bounds[cell + 1]]
            asking = asking_queries[order[query_bounds[cell] : query_bounds[cell + 1]]]
            step = max(1, BLOCK_PRODUCTS // len(cell_points))
            for start in range(0, len(asking), step):
                rows = asking[start : start + step]
                cols, sims = _top_candidates(queries[rows] @ self.points[cell_points].T, c)
                merged_sims = np.concatenate([best[rows], sims], axis=1)
                merged_where = np.concatenate(
                    [where[rows], np.where(np.isfinite(sims), cell_points[cols], 0)], axis=1
                )
                keep = np.lexsort((merged_where, -merged_sims))[:, :c]  # ties to the first point
                best[rows] = np.take_along_axis(merged_sims, keep, axis=1)
                where[rows] = np.take_along_axis(merged_where, keep, axis=1)
        return where, best


def _best_exact(
    query: sp.csr_matrix, train: sp.csr_matrix, cand: np.ndarray, found: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Among each query row's candidates (those `found`: all by default), the train row of highest
    exact TF-IDF cosine (ties: first); a row without a candidate gets cosine -1."""
    found = np.ones(cand.shape, dtype=bool) if found is None else found
    by_row = np.argsort(np.where(found, cand, np.iinfo(np.int64).max), axis=1, kind="stable")
    cand, found = np.take_along_axis(cand, by_row, axis=1), np.take_along_axis(found, by_row, axis=1)
    exact = cosines(query, train, np.where(found, cand, 0))
    exact[~found] = -1.0
    pick = exact.argmax(axis=1)
    rows = np.arange(len(pick))
    return cand[rows, pick], exact[rows, pick]


def _cell_search(
    cells: Cells, q_points: np.ndarray, probes: int, query: sp.csr_matrix, train: sp.csr_matrix, c: int
) -> tuple[np.ndarray, np.ndarray]:
    """`_best_exact` among the LSA candidates of the queries' `probes` nearest cells."""
    cand, sims = cells.nearest(q_points, probed_cells(q_points, cells.centres, probes), c)
    return _best_exact(query, train, cand, np.isfinite(sims))


def nearest_train(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid row of `split`: `line`, `n_words` (content words), the most similar train row
    (`nearest_line`, 0 when none) and `similarity`. Candidates are the `CANDIDATES` nearest train
    rows in LSA space; among them the best by exact TF-IDF cosine in train's vocabulary wins,
    scaled by the share of the row's words train knows (see `vocabulary_share`), so a text of
    mostly unseen words is far even if one word matches.

    Above `BRUTE_FORCE_PRODUCTS` (held-out rows x train rows) the LSA candidates come from an
    inverted file (`Cells`: each row compared with the train rows of its `IVF_PROBES` nearest
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
            cells = Cells.build(t_points) if n * len(t_points) > BRUTE_FORCE_PRODUCTS else None
            if cells is None:
                where, best = _best_exact(query, train, _exact_nearest(q_points, t_points, c))
            else:
                where, best = _cell_search(cells, q_points, IVF_PROBES, query, train, c)
        texts = ctx.valid_rows(split)["prompt"].fill_null("").to_list()
        if space.vectorizer is not None:
            words, share = vocabulary_share(space.vectorizer, texts)
        else:
            words, share = np.array([len(t.split()) for t in texts], dtype=np.int64), np.zeros(n)
        if n and cells is not None:
            # The approximate search can only miss a nearer row: look again, wider, where a miss
            # could make a row look uncovered.
            low = np.flatnonzero(best * share < RECHECK_BELOW)
            wider = wider_probes(cells.centres)
            again_where, again_best = _cell_search(cells, q_points[low], wider, query[low], train, c)
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
    return seeded_sample(n, max(SPREAD_MIN_ROWS, min(SPREAD_ROWS, SPREAD_PRODUCTS // max(n, 1))))


VECTORIZER = ("text_vectorizer", "prompt")
"""The shared key of train's fitted vectorizer of the inputs (`text_vectorizer`)."""
EXACT = ("exact_train",)
"""The shared key of the search of train's exact nearest rows (`exact_train`)."""
NAMES = "input_names"
"""With a split's name after it, the shared key of its inputs' name words (`input_names`)."""
TOGETHER = ("held_together",)
"""The shared key of the search of training inputs holding several given words (`held_together`)."""
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


def held_together(ctx: Context) -> Callable[[list[frozenset[str]], int], np.ndarray]:
    """The search of whether one training input holds `k` or more of each set of words (`together`);
    an engine holding train elsewhere searches each block of it."""

    def compute() -> Callable[[list[frozenset[str]], int], np.ndarray]:
        texts, vectorizer = ctx.valid_rows("train")["prompt"], text_vectorizer(ctx)
        return lambda word_sets, k: together(texts, vectorizer, word_sets, k)

    return ctx.shared(TOGETHER, compute)


def together(
    texts: pl.Series, vectorizer: TfidfVectorizer | None, word_sets: list[frozenset[str]], k: int
) -> np.ndarray:
    """Per set of `word_sets`: whether one of `texts` holds `k` or more of its words as the
    vectorizer's analyser cuts them. Only the texts holding that many of them as substrings (a
    word, or a character pair, is one in the lowercased text) are cut."""
    out = np.zeros(len(word_sets), dtype=bool)
    if vectorizer is None or not len(texts):
        return out
    lowered = texts.fill_null("").str.to_lowercase()
    analyse = vectorizer.build_analyzer()
    for i, words in enumerate(word_sets):
        if len(words) < k:
            continue
        hits = np.sum([lowered.str.contains(w, literal=True).to_numpy() for w in sorted(words)], axis=0)
        for text in lowered.filter(pl.Series(hits >= k)).to_list():
            if len(words.intersection(analyse(text))) >= k:
                out[i] = True
                break
    return out


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
