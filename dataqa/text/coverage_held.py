"""COV005's nearest training inputs of splits held in blocks on the Ray workers (`CoverageHeld`, its
`HeldForm`), with the local engine's result.

What COV005 reads of train, made over a held train's blocks:
1. the TF-IDF vectorizer (`nearest_train.text_vectorizer`): each block's words' document and term counts
   (`topics.term_counts`), cut into parts by word; a task per part adds them up and keeps the words
   whose document count the vocabulary allows (`topics.summed_counts`), and only those come to the
   driver, where `topics.fitted` keeps the vocabulary and idf as scikit-learn does on the whole
   split. Which words train uses (`cov005.known_words`) is asked of the blocks, for the words in
   question only.
2. the LSA: the seeded sample's rows are positions among the valid training rows (`topics.seeded_sample`),
   their inputs fetched from the blocks by position and fitted on the driver as locally.
3. each block's TF-IDF rows and LSA points, made once and left in the object store.
A held-out split's queries (its TF-IDF rows and LSA points, its inputs' word counts, vocabulary
shares and name words) are made on its blocks when it is held, on the driver when not, and left in
the object store too. A task per train part gives each query's `CANDIDATES` nearest rows of that
part by LSA (ties to the first line) with their exact TF-IDF cosines, for every query part (an
object each); a task per query part keeps the nearest over the parts, as the whole train's brute force
does (`nearest_train.nearest_train`: the best LSA candidates, then the best exact cosine among them, ties
to the first line). Train's own spread (`nearest_train.train_spread`) is that search for its sample's
rows, each leaving itself out; the exact search of the verified inputs (`nearest_train.exact_train`) a
task per train part, the first best kept.

Past `nearest_train.BRUTE_FORCE_PRODUCTS` held-out x training rows the candidates come from k-means
cells, as locally (`nearest_train.Cells`): the centres are fitted on the driver from the same seeded
sample of train's LSA points, each block's points are put in their cells on the worker, and each
query searches its nearest cells in every block; merged over the blocks by LSA value (ties to the first
line), that is the local search, and so is the wider second search of the rows it leaves far.

The vectorizer and the LSA go to the object store once, not with each block's task (`shuffle.Blocks`).
The driver holds the vectorizer, the LSA, the sample's inputs, and per held-out row
its line, word count, name words, nearest line and similarity (what COV005's bars read of every
row); the rows' texts and vectors stay on the workers, but for the inputs a finding may quote.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from dataqa.core.once import once_per_object
from dataqa.engine.context import Context
from dataqa.engine.registry import HeldForm, Runner
from dataqa.text import near_held, nearest_train
from dataqa.text.hashing import HASH_SEED
from dataqa.text.near_held import supply_fetch
from dataqa.text.nearest_train import (
    CANDIDATES,
    EXACT,
    NAMES,
    RECHECK_BELOW,
    TOGETHER,
    VECTORIZER,
    Cells,
    cell_sample,
    cells_of,
    centres_of,
    cosines,
    coverage_points,
    exact_best,
    first_best,
    fitted_centres,
    lsa_model,
    names_of,
    nearest_points,
    probed_cells,
    spread_rows,
    text_vectorizer,
    together,
    vocabulary_share,
    wider_probes,
)
from dataqa.text.topics import (
    fitted,
    fitted_svd,
    project,
    seeded_sample,
    summed_counts,
    term_counts,
    text_space,
    text_words,
)

COLUMN = "prompt"
NEAREST = "nearest_train"
SPREAD = ("train_spread",)
WORDS = ("train_words", COLUMN)


# Steps on a block (`Runner.blocks`): `fn(ctx, split, *args)`.


def _counts_step(ctx: Context, split: str, parts: int) -> list[Any]:
    """The block's valid inputs: their number, then their words' counts (`term_counts`) cut into
    `parts` by word."""
    texts = ctx.valid_rows(split)[COLUMN].fill_null("")
    counts = term_counts(texts.to_list())
    at = counts["term"].hash(HASH_SEED) % parts
    return [texts.len(), *[counts.filter(at == part) for part in range(parts)]]


def _known_step(ctx: Context, split: str, words: set[str]) -> set[str]:
    """Those of `words` the block's valid inputs use (`text_words`)."""
    return words & text_words(ctx.valid_rows(split)[COLUMN])


def _together_step(ctx: Context, split: str, vectorizer: Any, word_sets: list[frozenset[str]], k: int) -> Any:
    """`together` on the block's valid inputs."""
    return together(ctx.valid_rows(split)[COLUMN], vectorizer, word_sets, k)


def _inputs_at(ctx: Context, split: str, positions: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The lines and inputs of the block's valid rows at `positions` (among them)."""
    rows = ctx.valid_rows(split)
    return rows["line"].to_numpy()[positions], rows[COLUMN].fill_null("").gather(positions).to_list()


def _space_step(ctx: Context, split: str, vectorizer: Any, svd: Any, queries: bool) -> dict[str, Any]:
    """The block's valid rows in train's space: `lines`, TF-IDF `matrix`, LSA `points`; as queries
    also their content-word counts, vocabulary shares (`vocabulary_share`) and name words."""
    rows = ctx.valid_rows(split)
    return space_of(rows, vectorizer, svd, queries)


def space_of(rows: pl.DataFrame, vectorizer: Any, svd: Any, queries: bool) -> dict[str, Any]:
    """`_space_step` of `rows` (valid rows)."""
    texts = rows[COLUMN].fill_null("").to_list()
    out: dict[str, Any] = {"lines": rows["line"].to_numpy()}
    if vectorizer is None or not texts:
        width = len(vectorizer.vocabulary_) if vectorizer is not None else 0
        out["matrix"] = sp.csr_matrix((len(texts), width), dtype=np.float32)
    else:
        out["matrix"] = vectorizer.transform(texts).tocsr()
    out["points"] = project(svd, out["matrix"])
    if queries:
        if vectorizer is not None:
            out["words"], out["share"] = vocabulary_share(vectorizer, texts)
        else:
            out["words"] = np.array([len(t.split()) for t in texts], dtype=np.int64)
            out["share"] = np.zeros(len(texts))
        out["names"] = names_of(rows)
    return out


# Tasks (`Runner.task`): plain functions of values.


def _kept(value: Any) -> Any:
    """A value the driver made, put where the tasks read it."""
    return value


def _candidates(train: dict[str, Any], query: dict[str, Any], k: int) -> tuple[np.ndarray, ...]:
    """Per query: the `k` nearest rows of this part of train by LSA (lines, best first, ties to the
    first line), their LSA dot products and their exact TF-IDF cosines."""
    k = min(k, len(train["lines"]))
    points = query["points"]
    if not k or not len(points):
        empty = np.zeros((len(points), 0))
        return empty.astype(np.int64), empty.astype(np.float32), empty.astype(np.float32)
    where, lsa_values = nearest_points(points, train["points"], k)
    exact = cosines(query["matrix"], train["matrix"], where)
    return train["lines"][where], lsa_values, exact


def _best(
    k: int, leave_out: np.ndarray | None, found: list[tuple[np.ndarray, ...]]
) -> tuple[np.ndarray, ...]:
    """Over the parts' `_candidates`: each query's `k` nearest by LSA over all of them (ties to the
    first line), without its own line (`leave_out`: or the last of them when it is not among them),
    then the nearest of those by exact cosine (ties to the first line): its line and cosine."""
    lines = np.concatenate([f[0] for f in found], axis=1)
    values = np.concatenate([f[1] for f in found], axis=1)
    exact = np.concatenate([f[2] for f in found], axis=1)
    n = lines.shape[0]
    if not lines.shape[1]:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.float32)
    order = np.lexsort((lines, -values))[:, :k]
    lines, exact = np.take_along_axis(lines, order, axis=1), np.take_along_axis(exact, order, axis=1)
    if leave_out is not None:
        mine = lines == leave_out[:, None]
        mine[~mine.any(axis=1), -1] = True
        lines, exact = lines[~mine].reshape(n, -1), exact[~mine].reshape(n, -1)
    by_line = np.argsort(lines, axis=1, kind="stable")
    lines, exact = np.take_along_axis(lines, by_line, axis=1), np.take_along_axis(exact, by_line, axis=1)
    pick = exact.argmax(axis=1)
    rows = np.arange(n)
    return lines[rows, pick], exact[rows, pick]


def _candidates_of(train: dict[str, Any], k: int, *queries: dict[str, Any]) -> list[tuple[np.ndarray, ...]]:
    """`_candidates` of each of `queries` in one part of train (a task reads the part once)."""
    return [_candidates(train, query, k) for query in queries]


NO_LINE = np.iinfo(np.int64).max
"""The line of a missing candidate (`_cell_candidates_of`): sorted after every line, never picked."""


def _cells_of_part(train: dict[str, Any], centres: np.ndarray) -> np.ndarray:
    """Each point of this part of train in its cell (`nearest_train.cells_of`)."""
    return cells_of(train["points"], centres)


def _probed(query: dict[str, Any], centres: np.ndarray, probes: int) -> np.ndarray:
    """Each query's `probes` nearest cells (`nearest_train.probed_cells`)."""
    return probed_cells(query["points"], centres, probes)


def _rows_of(query: dict[str, Any], rows: np.ndarray) -> dict[str, Any]:
    """The queries at `rows` of a part of a held-out split."""
    return {key: value[rows] for key, value in query.items()}


def _cell_candidates_of(
    train: dict[str, Any], cell_of_point: np.ndarray, centres: np.ndarray, k: int, *asked: Any
) -> list[tuple[np.ndarray, ...]]:
    """`_candidates` of each query of `asked` (pairs of a part's queries and their probed cells)
    among the points of its probed cells in this part of train (`nearest_train.Cells`), the local
    search's candidates in this part; a candidate the cells lack has line `NO_LINE`, value -inf
    and cosine -1."""
    cells = Cells.of(train["points"], centres, cell_of_point)
    out = []
    for query, probed in zip(asked[::2], asked[1::2], strict=True):
        where, values = cells.nearest(query["points"], probed, k)
        found = np.isfinite(values)
        lines = np.full(where.shape, NO_LINE, dtype=np.int64)
        lines[found] = train["lines"][where[found]]
        exact = np.full(where.shape, -1.0, dtype=np.float32)
        if found.any():
            exact[found] = cosines(query["matrix"], train["matrix"], np.where(found, where, 0))[found]
        out.append((lines, values, exact))
    return out


def _nearest_frame(query: dict[str, Any], k: int, *found: tuple[np.ndarray, ...]) -> pl.DataFrame:
    """`nearest_train`'s frame of a part of a held-out split (with its `names`, and `best`, the exact
    cosine of the nearest), from `_candidates` of each part of train."""
    nearest, best = _best(k, None, list(found))
    return pl.DataFrame(
        {
            "line": query["lines"],
            "n_words": query["words"],
            "nearest_line": np.where(best > 0, nearest, 0),
            "similarity": np.clip(best * query["share"], 0.0, 1.0).astype(np.float64),
            "names": query["names"],
            "best": best,
        }
    )


def _nearer(frame: pl.DataFrame, rows: np.ndarray, searched: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the nearest rows of its `rows` that a second search (`searched`, their frame)
    found nearer (a higher `best`), as `nearest_train.nearest_train` keeps them."""
    better = searched["best"].to_numpy() > frame["best"].to_numpy()[rows]
    changed = []
    for column in ("nearest_line", "similarity", "best"):
        values = frame[column].to_numpy().copy()
        values[rows[better]] = searched[column].to_numpy()[better]
        changed.append(pl.Series(column, values))
    return frame.with_columns(changed)


class _Train:
    """Train's side of the search: its parts' spaces in the object store (a handle each), on the
    blocks of a held train (`_HeldTrain`) or one part the driver made (`_DriverTrain`)."""

    runner: Runner
    rows: int
    parts: list[Any]
    svd: Any

    def nearest(self, run: Runner, queries: list[Any], n: int) -> pl.DataFrame:
        """`nearest_train`'s frame (with `names`) of a held-out split of `n` rows whose parts'
        queries are `queries` (handles that `run`'s tasks read): searched by brute force, or past
        `BRUTE_FORCE_PRODUCTS` in k-means cells, the rows left far searched again, wider."""
        k = min(CANDIDATES, self.rows)
        if not (n and self.rows and self.words and n * self.rows > nearest_train.BRUTE_FORCE_PRODUCTS):
            found = [run.task(_candidates_of, part, k, *queries, returns=len(queries)) for part in self.parts]
            return pl.concat(run.get(self._frames(run, queries, k, found))).drop("best")
        frames = run.get(self._in_cells(run, queries, k, nearest_train.IVF_PROBES))
        far = [np.flatnonzero(frame["similarity"].to_numpy() < RECHECK_BELOW) for frame in frames]
        asked = [(part, rows) for part, rows in enumerate(far) if len(rows)]
        again = [run.task(_rows_of, queries[part], rows)[0] for part, rows in asked]
        wider = wider_probes(self.centres) if asked else 0
        for (part, rows), searched in zip(asked, run.get(self._in_cells(run, again, k, wider)), strict=True):
            frames[part] = _nearer(frames[part], rows, searched)
        return pl.concat(frames).drop("best")

    @staticmethod
    def _frames(run: Runner, queries: list[Any], k: int, found: list[list[Any]]) -> list[Any]:
        """A task per part of the queries: its frame (`_nearest_frame`) from each train part's `found`."""
        return [
            run.task(_nearest_frame, query, k, *[f[n] for f in found])[0] for n, query in enumerate(queries)
        ]

    def _in_cells(self, run: Runner, queries: list[Any], k: int, probes: int) -> list[Any]:
        """`_frames` of `queries` searched in their `probes` nearest cells of every train part."""
        if not queries:
            return []
        centres = self.centres_kept
        probed = [run.task(_probed, query, centres, probes)[0] for query in queries]
        asked = [handle for pair in zip(queries, probed, strict=True) for handle in pair]
        found = [
            run.task(_cell_candidates_of, part, cells, centres, k, *asked, returns=len(queries))
            for part, cells in zip(self.parts, self.cells, strict=True)
        ]
        return self._frames(run, queries, k, found)

    @property
    def centres(self) -> np.ndarray:  # pragma: no cover - abstract
        """The centres of train's k-means cells, fitted as `nearest_train.Cells.build` fits them."""
        raise NotImplementedError

    @property
    def words(self) -> int:  # pragma: no cover - abstract
        """The size of train's vocabulary (no search without a word)."""
        raise NotImplementedError

    @once_per_object
    def centres_kept(self) -> Any:
        """`centres`, put where the tasks read them."""
        return self.runner.task(_kept, self.centres)[0]

    @once_per_object
    def cells(self) -> list[Any]:
        """Each train part's points' cells (`_cells_of_part`), a handle per part."""
        return [self.runner.task(_cells_of_part, part, self.centres_kept)[0] for part in self.parts]

    def exact(self, queries: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """`exact_best` over every part of train, the first best kept (`nearest_train.exact_train`)."""
        run = self.runner
        return first_best(run.get([run.task(exact_best, part, queries)[0] for part in self.parts]))


class _DriverTrain(_Train):
    """Train on the driver: its space as locally, one part, put in the object store."""

    def __init__(self, ctx: Context, runner: Runner) -> None:
        self.ctx, self.runner = ctx, runner
        self.rows = len(text_space(ctx).lines["train"])

    @once_per_object
    def parts(self) -> list[Any]:
        space = text_space(self.ctx)
        train = {"lines": space.lines["train"], "matrix": space.matrices["train"]}
        return self.runner.task(_kept, {**train, "points": coverage_points(self.ctx)["train"]})

    @once_per_object
    def svd(self) -> Any:
        return lsa_model(self.ctx)

    @once_per_object
    def centres(self) -> np.ndarray:
        return centres_of(coverage_points(self.ctx)["train"])

    @property
    def words(self) -> int:
        return text_space(self.ctx).matrices["train"].shape[1]


class _HeldTrain(_Train):
    """A held train's vectorizer, words, LSA and parts, made over its blocks (module doc)."""

    def __init__(self, ctx: Context, runner: Runner) -> None:
        self.ctx, self.runner = ctx, runner
        self.rows = 0
        self.sizes: list[int] = []

    @once_per_object
    def vectorizer(self) -> Any:
        run, parts = self.runner, near_held.parts_of(self.ctx, "train")
        made = run.blocks(_counts_step, [(parts,)] * len(run), returns=parts + 1)
        self.sizes = run.get([handles[0] for handles in made])
        self.rows = sum(self.sizes)
        summed = [run.task(summed_counts, self.rows, *[h[1 + p] for h in made])[0] for p in range(parts)]
        return fitted(self.rows, summed_counts(self.rows, *run.get(summed)))

    def together(self, word_sets: list[frozenset[str]], k: int) -> np.ndarray:
        """`nearest_train.together` over every block, any block's yes kept (`held_together`)."""
        run, args = self.runner, (self.vectorizer, word_sets, k)
        found = run.get([h[0] for h in run.blocks(_together_step, [args] * len(run))])
        return np.logical_or.reduce([np.zeros(len(word_sets), dtype=bool), *found])

    def known(self, words: set[str]) -> set[str]:
        """Those of `words` that train's valid inputs use: a task per block."""
        if not words:
            return set()
        run = self.runner
        return set().union(*run.get([h[0] for h in run.blocks(_known_step, [(words,)] * len(run))]))

    def at(self, positions: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """The lines and inputs at `positions` among the valid training rows, from their blocks."""
        _ = self.vectorizer  # the counts' round gives each block's rows
        run, starts = self.runner, np.cumsum([0, *self.sizes])
        args = [(positions[(positions >= a) & (positions < b)] - a,) for a, b in itertools.pairwise(starts)]
        got = run.get([h[0] for h in run.blocks(_inputs_at, args)])
        lines = np.concatenate([np.zeros(0, dtype=np.int64), *(lines for lines, _ in got)])
        return lines, [text for _, texts in got for text in texts]

    @once_per_object
    def svd(self) -> Any:
        vectorizer = self.vectorizer
        if vectorizer is None or self.rows < 2:
            return None
        sample = vectorizer.transform(self.at(seeded_sample(self.rows))[1]).tocsr()
        return fitted_svd(sample, self.rows)

    @once_per_object
    def centres(self) -> np.ndarray:
        """Fitted on the LSA points of the cells' seeded sample of the training rows, made of their
        inputs fetched from the blocks, as `nearest_train.Cells.build` fits them on train's points."""
        vectorizer = self.vectorizer  # the counts' round gives the rows
        texts = self.at(cell_sample(self.rows))[1]
        return fitted_centres(project(self.svd, vectorizer.transform(texts).tocsr()), self.rows)

    @property
    def words(self) -> int:
        return len(self.vectorizer.vocabulary_) if self.vectorizer is not None else 0

    @once_per_object
    def parts(self) -> list[Any]:
        run, args = self.runner, (self.vectorizer, self.svd, False)
        return [h[0] for h in run.blocks(_space_step, [args] * len(run))]

    def spread(self) -> pl.DataFrame:
        """`train_spread` over the blocks: the sample's rows as queries, each leaving itself out."""
        vectorizer, n = self.vectorizer, self.rows
        picked = spread_rows(n)
        lines, texts = self.at(picked)
        if vectorizer is None or n < 2:
            empty = np.zeros(len(picked))
            return pl.DataFrame(
                {"row": picked, "line": lines, "n_words": empty.astype(np.int64), "similarity": empty}
            )
        run = self.runner
        query = space_of(pl.DataFrame({"line": lines, COLUMN: texts}), vectorizer, self.svd, False)
        (handle,) = run.task(_kept, query)
        k = min(CANDIDATES + 1, n)
        _, best = _best(k, lines, run.get([run.task(_candidates, part, handle, k)[0] for part in self.parts]))
        words, share = vocabulary_share(vectorizer, texts)
        similarity = np.clip(best * share, 0.0, 1.0).astype(np.float64)
        return pl.DataFrame({"row": picked, "line": lines, "n_words": words, "similarity": similarity})


class CoverageHeld(HeldForm):
    """COV005's form on splits held in blocks (module doc)."""

    def __init__(self) -> None:
        self.train: _Train | None = None

    def applies(self, ctx: Context, split: str) -> bool:
        return True

    def supplied(self, ctx: Context, split: str) -> bool:
        if split == "train":
            return ctx.supplied(VECTORIZER)
        return ctx.supplied((NEAREST, split))

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        if split == "train":
            train = self.train = _HeldTrain(ctx, runner)
            ctx.supply(VECTORIZER, lambda: train.vectorizer)
            ctx.supply(WORDS, lambda: train.known)
            ctx.supply(SPREAD, train.spread)
            ctx.supply(EXACT, lambda: train.exact)
            ctx.supply(TOGETHER, lambda: train.together)
            near_held.supply_sample(ctx, split, runner, COLUMN)
            for other in ctx.eval_splits:
                if other.elsewhere is None:
                    ctx.supply((NEAREST, other.name), functools.partial(self._here, ctx, other.name, runner))
        else:
            ctx.supply((NEAREST, split), functools.partial(self._held, ctx, split, runner))
            ctx.supply((NAMES, split), lambda: ctx.shared((NEAREST, split), lambda: None)["names"].to_numpy())
        supply_fetch(ctx, split, runner)  # the inputs a finding or train's spread reads

    def _here(self, ctx: Context, split: str, runner: Runner) -> pl.DataFrame:
        """`nearest_train` of a held-out split on the driver against a held train."""
        assert self.train is not None
        query = space_of(ctx.valid_rows(split), text_vectorizer(ctx), self.train.svd, True)
        return self.train.nearest(runner, runner.task(_kept, query), ctx.valid_count(split)).drop("names")

    def _held(self, ctx: Context, split: str, runner: Runner) -> pl.DataFrame:
        """`nearest_train` of a held held-out split (with its rows' `names`), against a held train
        or the driver's (put in the object store through this split's `runner`)."""
        if self.train is None:  # train on the driver: its side put in the object store by this runner
            self.train = _DriverTrain(ctx, runner)
        args = (text_vectorizer(ctx), self.train.svd, True)
        queries = [h[0] for h in runner.blocks(_space_step, [args] * len(runner))]
        return self.train.nearest(runner, queries, ctx.valid_count(split))
