"""The n-gram model of language detection: langdetect's character 1- to 3-gram profiles of 54 languages.

Step 3 of `dataqa.text.language`: the profiles are read once into one sparse matrix (n-gram x
language -> log-likelihood ratio) and every text is scored at once, without a per-text loop or
random sampling (`ngram_scores`); the decision weighs these scores with the data set's prior.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import langdetect
import numpy as np
import orjson
import polars as pl
import scipy.sparse as sp

NGRAM_BATCH = 4000
"""Texts whose n-grams are counted at once (up to 400 characters, about 1,200 n-grams each)."""
TOP_K = 8
"""Languages kept per scored text; the dominant one, when not among them, scores at most the K-th."""
_SMOOTHING = 0.5 / 10_000
"""langdetect's smoothing (alpha / BASE_FREQ) for an n-gram a language's profile lacks."""


@functools.cache
def _ngram_model() -> tuple[tuple[str, ...], pl.DataFrame, sp.csr_matrix]:
    """langdetect's language profiles as one sparse matrix: n-gram x language -> log-likelihood ratio.

    Entry: log(1 + p / s), p the n-gram's frequency among the language's n-grams of its length, s
    langdetect's smoothing (0.5 / 10,000): the gain over an n-gram the language never showed.
    zh-cn and zh-tw are one "zh" (the larger entry). Read once per process (about 0.3 s).
    """
    folder = Path(langdetect.__file__).parent / "profiles"
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    codes = tuple(sorted({name.split("-")[0] for name in names}))
    grams: list[str] = []
    counts: list[float] = []
    langs, n_words = [], []
    for name in names:
        profile = orjson.loads((folder / name).read_bytes())
        grams.extend(profile["freq"])
        counts.extend(profile["freq"].values())
        langs.append(np.full(len(profile["freq"]), codes.index(name.split("-")[0])))
        n_words.append(np.asarray(profile["n_words"][:3], dtype=np.float64))
    lang = np.concatenate(langs)
    size = pl.Series(grams, dtype=pl.String).str.len_chars().to_numpy()
    known = (size >= 1) & (size <= 3)
    totals = np.stack(n_words)  # per profile: its n-gram totals of length 1, 2, 3
    profile_of = np.concatenate([np.full(len(a), i) for i, a in enumerate(langs)])
    score = np.log1p(
        np.asarray(counts)[known] / totals[profile_of[known], size[known] - 1] / _SMOOTHING
    ).astype(np.float32)
    table = (
        pl.DataFrame(
            {"gram": pl.Series(grams, dtype=pl.String).filter(known), "lang": lang[known], "score": score}
        )
        .group_by("gram", "lang")
        .agg(pl.col("score").max())  # zh-cn and zh-tw: one column
    )
    vocab = table.select(pl.col("gram").unique().sort()).with_row_index("id")
    table = table.join(vocab, on="gram")
    matrix = sp.csr_matrix(
        (table["score"].to_numpy(), (table["id"].to_numpy().astype(np.int64), table["lang"].to_numpy())),
        shape=(len(vocab), len(codes)),
    )
    return codes, vocab, matrix


def ngram_languages() -> tuple[str, ...]:
    """The languages the n-gram model knows (ISO 639-1 codes, alphabetical)."""
    return _ngram_model()[0]


def ngram_scores(prefixes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text, its `TOP_K` languages by n-gram log-likelihood (best first, ties alphabetical), and those."""
    _, vocab, matrix = _ngram_model()
    ids = np.zeros((len(prefixes), TOP_K), dtype=np.int64)
    ll = np.zeros((len(prefixes), TOP_K), dtype=np.float32)
    for start in range(0, len(prefixes), NGRAM_BATCH):
        batch = pl.Series("text", prefixes[start : start + NGRAM_BATCH], dtype=pl.String)
        dense = (_ngram_counts(batch, vocab) @ matrix).toarray()
        order = np.argsort(-dense, axis=1, kind="stable")[:, :TOP_K]
        ids[start : start + len(batch)] = order
        ll[start : start + len(batch)] = np.take_along_axis(dense, order, axis=1)
    return ids, ll


def _ngram_counts(texts: pl.Series, vocab: pl.DataFrame) -> sp.csr_matrix:
    """Text x n-gram counts: the 1-, 2- and 3-grams of every word padded with a space each side.

    Words are runs of letters and marks; a word in capitals (an acronym) is skipped, as langdetect
    skips it. N-grams no profile has are dropped.
    """
    word = pl.col("word")
    words = (
        pl.DataFrame({"word": texts.str.extract_all(r"[\p{L}\p{M}]+")})
        .with_row_index("row")
        .explode("word")
        .drop_nulls("word")
        .filter(
            (word.str.len_chars() < 2) | (word != word.str.to_uppercase()) | (word == word.str.to_lowercase())
        )
        .select("row", padded=pl.concat_str(pl.lit(" "), word, pl.lit(" ")), size=word.str.len_chars() + 2)
    )
    grams = pl.concat(
        words.select("row", "padded", offset=pl.int_ranges(first, pl.col("size") - tail))
        .explode("offset")
        .drop_nulls("offset")
        .select("row", gram=pl.col("padded").str.slice(pl.col("offset"), n))
        for n, first, tail in ((1, 1, 1), (2, 0, 1), (3, 0, 2))
    )
    hits = grams.join(vocab, on="gram", how="inner")
    return sp.csr_matrix(
        (
            np.ones(len(hits), dtype=np.float32),
            (hits["row"].to_numpy().astype(np.int64), hits["id"].to_numpy().astype(np.int64)),
        ),
        shape=(len(texts), len(vocab)),
    )
