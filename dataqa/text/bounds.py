"""The best score a candidate pair can reach, for a batch of pairs at once, before word alignment.

Verification (`dataqa.text.verify`) aligns each candidate pair word by word in Python
(`dataqa.text.slots.compare`). On short texts under many labels ("cancel my flight" / "check my
flight") most LSH candidates share a phrase and little else, and a fixed allowance for forgiven
words (filler, typo fixes) lets almost all of them through to that alignment. This bound replaces
the allowance, per pair, by what the pair can actually forgive, computed for all pairs in numpy,
scipy and rapidfuzz:

- words matched: at most the longest common subsequence of the two texts' non-filler words;
- filler words: matched or left out, at most the fewer filler words of the two texts;
- typo fixes: at most the words of one text with a typo partner (`typos.is_typo`) in the other;
- words written as one ("e mail" / "email"): a pair where a run of two or three words of one text,
  written together, is a run of one to three words of the other, is not bounded (always aligned);
- two neighbouring words swapped (`slots.transposed`): a pair of texts with the same words, as many
  of each, is not bounded either;
- a block of words moved (`dataqa.text.moves`: two sentences trading places): in texts of
  2 x `MOVE_WORDS` words or more the words matched are at most the words both have, in any order.

`slots.compare`'s score is then at most (2 x (matched + typos + filler)) / (non-filler words of
both + 2 x filler), so a pair under the threshold by this bound is under it by the alignment too:
dropping it changes no finding. Not bounded, so possibly dropped: a join of four or more words
("w i f i" / "wifi") or a join that is also misspelt ("e mial" / "email"), both in one pair whose
other differences alone already put it under the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp
from rapidfuzz.distance import Indel
from rapidfuzz.process import cpdist

from dataqa.text.hashing import GOLDEN, mix
from dataqa.text.moves import MOVE_WORDS
from dataqa.text.slots import is_typo
from dataqa.text.word_lists import FILLER

_FILLER = pl.Series(sorted(FILLER))
_CODE_LIMIT = 0x10FFFF - 0x800
"""Word ids past this cannot be one character each: the batch is not bounded (never reached by a
batch of short texts)."""


def _deleted(frame: pl.DataFrame) -> pl.DataFrame:
    """(id, w) rows -> (id, w with one letter left out) rows, every letter in turn."""
    return (
        frame.with_columns(i=pl.int_ranges(0, pl.col("w").str.len_chars()))
        .explode("i")
        .select("id", w=pl.col("w").str.slice(0, pl.col("i")) + pl.col("w").str.slice(pl.col("i") + 1))
    )


def _typable(frame: pl.DataFrame) -> pl.DataFrame:
    """The (id, w) rows that `typos.is_typo` may pair: four letters or more, no digit."""
    return frame.filter((pl.col("w").str.len_chars() >= 4) & ~pl.col("w").str.contains(r"\d"))


def _typo_edges(vocab: pl.Series) -> tuple[sp.csr_matrix, pl.DataFrame]:
    """Symmetric (V x V) matrix: 1 where two words of `vocab` are typos of each other; and the
    deletion keys (id, w) of the words.

    Candidates share a deletion key (the word with up to one letter left out, two for words of
    eight letters or more): every pair within `typos.is_typo`'s edit limit does. Each is confirmed
    by `is_typo` itself."""
    n = len(vocab)
    words = _typable(pl.DataFrame({"id": np.arange(n, dtype=np.int64), "w": vocab}))
    once = _deleted(words)
    twice = _deleted(once.join(words.filter(pl.col("w").str.len_chars() >= 8), on="id", how="semi"))
    keys = pl.concat([words, once, twice]).unique()
    pairs = (
        keys.join(keys, on="w", suffix="_b")
        .filter(pl.col("id") < pl.col("id_b"))
        .select("id", "id_b")
        .unique()
    )
    a, b = _confirmed(pairs, vocab, vocab)
    data = np.ones(2 * len(a), dtype=np.int8)
    edges = sp.csr_matrix((data, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n))
    return edges, keys


def _confirmed(pairs: pl.DataFrame, left: pl.Series, right: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The (id, id_b) rows of `pairs` whose strings (left[id], right[id_b]) `typos.is_typo` pairs."""
    a, b = pairs["id"].to_numpy(), pairs["id_b"].to_numpy()
    if not len(a):
        return a, b
    x, y = left.gather(a).to_list(), right.gather(b).to_list()
    ok = np.fromiter((is_typo(u, v) for u, v in zip(x, y, strict=True)), dtype=bool, count=len(a))
    return a[ok], b[ok]


_RUN_BITS = 21
"""Bits of a word id (plus one) in a run's key: a run of up to three words is one integer, which
polars makes unique at a fraction of the memory of three columns. A batch's ids are under
`_CODE_LIMIT` (about 1.1M < 2**21), and 3 x 21 bits fit in an int64."""
TYPO_RUN_ROWS = 100_000
"""Distinct runs whose one-letter deletions are made and looked up at once (`_typo_joins`): every
run's deletions together were DUP004's peak (2.8 GB more on the 207k distinct prompts of the 300k
chat set, `benchmarks/scan.md`); a run's pairs do not depend on the other runs."""


def _run_pairs(runs: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """(id, id_b) of the runs (id, w) whose letters, or letters with one left out, are a deletion
    key of a word (`_typo_edges`' keys)."""
    return pl.concat([runs, _deleted(runs)]).join(keys, on="w", suffix="_b").select("id", "id_b").unique()


def _typo_joins(
    doc: np.ndarray, ids: np.ndarray, vocab: pl.Series, keys: pl.DataFrame, texts: int
) -> sp.csr_matrix:
    """Runs of two or three words that, written together, are a typo of one word ("do not" /
    "dont", "let us" / "lets"): (texts x vocabulary) counts of each text's runs that are a typo of
    each word, so that a pair may join where one text's run is a typo of a word the other holds
    (`_Prepared.occurs`). One letter of difference is looked for (not two). Per word, not per (run,
    word) relation: a common word's texts were repeated for each run it relates to (30M entries
    for the 207k distinct prompts of the 300k chat set, against the word counts' 7M)."""
    none = sp.csr_matrix((texts, len(vocab)), dtype=np.int32)
    runs = []
    for k in (2, 3):
        m = len(ids) - k + 1
        if m <= 0:
            break
        same = np.ones(m, dtype=bool)
        run = np.zeros(m, dtype=np.int64)
        for j in range(k):
            if j:
                same &= doc[j : m + j] == doc[:m]
            run |= (ids[j : m + j] + 1) << (_RUN_BITS * (2 - j))
        runs.append(pl.DataFrame({"doc": doc[:m][same], "run": run[same]}))
    if not runs:
        return none
    frame = pl.concat(runs)
    distinct = frame.select("run").unique().with_row_index("id").with_columns(pl.col("id").cast(pl.Int64))
    run = distinct["run"].to_numpy()
    word = [(run >> (_RUN_BITS * (2 - j))) & ((1 << _RUN_BITS) - 1) for j in range(3)]
    parts = [vocab.gather(np.maximum(w - 1, 0)) for w in word]
    third = pl.when(pl.Series(word[2] > 0)).then(parts[2]).otherwise(pl.lit(""))
    letters = distinct.select("id", w=pl.concat_str(parts[0], parts[1], third))
    letters = _typable(letters)
    starts = range(0, letters.height, TYPO_RUN_ROWS)
    pairs = pl.concat(
        [_run_pairs(letters.slice(start, TYPO_RUN_ROWS), keys) for start in starts]
        or [pl.DataFrame(schema={"id": pl.Int64, "id_b": pl.Int64})]
    ).unique()
    run_text = pl.Series(np.full(len(distinct), "", dtype=object), dtype=pl.String).scatter(
        letters["id"].to_numpy(), letters["w"]
    )
    run_ids, word_ids = _confirmed(pairs, run_text, vocab)
    if not len(run_ids):
        return none
    relation = pl.DataFrame({"id": run_ids, "word": word_ids})
    holding = frame.join(distinct.join(relation, on="id"), on="run")
    rows, words = holding["doc"].to_numpy(), holding["word"].to_numpy()
    return sp.csr_matrix((np.ones(len(rows), np.int32), (rows, words)), shape=none.shape)


_BASE = np.uint64(0x100000001B3)


def _letters(vocab: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per word: a polynomial hash of its letters and BASE ** its length (mod 2**64), so that the
    letters of words written together hash as h(u) * power(v) + h(v)."""
    lengths = vocab.str.len_chars().to_numpy().astype(np.int64)
    chars = np.frombuffer(vocab.str.join("").item().encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    starts = np.cumsum(lengths) - lengths
    h = np.zeros(len(vocab), dtype=np.uint64)
    power = np.ones(len(vocab), dtype=np.uint64)
    live = np.arange(len(vocab))
    j = 0
    with np.errstate(over="ignore"):
        while len(live := live[lengths[live] > j]):
            h[live] = h[live] * _BASE + chars[starts[live] + j] + np.uint64(1)
            power[live] *= _BASE
            j += 1
    return h, power


def word_runs(doc: np.ndarray, ids: np.ndarray, vocab: list[str]) -> pl.DataFrame:
    """Every run of one to three words of each text (`doc`): its letters written together (`letters`,
    a hash) and its words (`split`, a hash of their ids; a single word's id as it is)."""
    h, power = _letters(vocab)
    letters, split = [h[ids]], [ids.astype(np.uint64)]
    docs = [doc]
    with np.errstate(over="ignore"):
        for k in (2, 3):
            m = len(ids) - k + 1
            if m <= 0:
                break
            same = np.ones(m, dtype=bool)
            acc_h, acc_s = h[ids[:m]].copy(), ids[:m].astype(np.uint64) + np.uint64(1)
            for j in range(1, k):
                nxt = ids[j : m + j]
                same &= doc[j : m + j] == doc[:m]
                acc_h = acc_h * power[nxt] + h[nxt]
                acc_s = mix(acc_s * GOLDEN + nxt.astype(np.uint64) + np.uint64(1))
            letters.append(acc_h[same])
            split.append(acc_s[same] | np.uint64(1 << 63))  # never a single word's id
            docs.append(doc[:m][same])
    return pl.DataFrame(
        {"doc": np.concatenate(docs), "letters": np.concatenate(letters), "split": np.concatenate(split)}
    )


def split_two_ways(runs: pl.DataFrame) -> pl.DataFrame:
    """The distinct `word_runs` whose letters the batch splits into words two ways or more.

    Those letters are found among the distinct (letters, split) pairs, far fewer than the (text,
    letters, split) runs (a template's runs recur in every text); only their runs are made unique per
    text. 207k distinct prompts of the generated chat set: 4.2 GB more resident memory with every
    text's runs made unique first, 1.3 GB so, and half the CPU (`benchmarks/scan.md`)."""
    ways = runs.select("letters", "split").unique().group_by("letters").agg(pl.len().alias("n"))
    ambiguous = ways.filter(pl.col("n") > 1)["letters"]
    return runs.filter(pl.col("letters").is_in(ambiguous.implode())).unique()


def _joins(
    doc: np.ndarray, ids: np.ndarray, vocab: list[str], texts: int
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Runs of one to three words of each text, by their letters and by their words, kept where
    the same letters are split into words two ways in the batch ("log in", "login"): (texts x
    letters) counts of splits and (texts x splits) indicators, so that a pair may join words when
    it shares more (letters, split) combinations than splits. Letters are compared by hash: a
    collision only marks a pair that cannot join as one that may."""
    grams = split_two_ways(word_runs(doc, ids, vocab))
    if not grams.height:
        empty = sp.csr_matrix((texts, 0), dtype=np.int32)
        return empty, empty
    rows = grams["doc"].to_numpy()
    ones = np.ones(len(rows), dtype=np.int32)
    matrices = []
    for column in ("letters", "split"):
        at = grams[column].rank("dense").to_numpy().astype(np.int64) - 1
        matrices.append(sp.csr_matrix((ones, (rows, at)), shape=(texts, int(at.max()) + 1)))
    return matrices[0], matrices[1]


def _rowsum(m: sp.spmatrix) -> np.ndarray:
    return np.asarray(m.sum(axis=1)).ravel()


PAIR_CHUNK = 100_000
"""Pairs scored at once against one set-up of their texts (`_Prepared`): the set-up is per text, the
scoring per pair, so a large batch of pairs shares one set-up at the memory of this many pairs."""


@dataclass(frozen=True)
class _Prepared:
    """What the bound needs of each text, computed once for a batch of texts."""

    strings: np.ndarray  # non-filler words, one character each
    bag_codes: np.ndarray  # the same characters sorted: the words in any order (`moves`)
    n_content: np.ndarray
    n_filler: np.ndarray
    occurs: sp.csr_matrix  # (texts x vocabulary) word counts
    edges: sp.csr_matrix  # (vocabulary x vocabulary) typo partners
    letters: sp.csr_matrix  # `_joins`
    spacing: sp.csr_matrix
    runs: sp.csr_matrix  # `_typo_joins`
    bag: np.ndarray  # an order-free hash of all the words: equal for texts of the same words


def _prepare(texts: pl.Series) -> _Prepared | None:
    """The per-text part of the bound (None: too many distinct words to code one character each)."""
    lists = texts.fill_null("").str.split(" ")
    counts = lists.list.len().to_numpy().astype(np.int64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    flat = lists.explode()
    ids = flat.rank("dense").to_numpy().astype(np.int64) - 1
    vocab = flat.unique().sort()
    if len(vocab) > _CODE_LIMIT:
        return None
    filler = vocab.is_in(_FILLER.implode()).to_numpy()[ids]
    n_filler = np.bincount(doc[filler], minlength=len(texts))
    n_content = counts - n_filler
    # Non-filler words as one character each (ids shifted past NUL and the surrogates).
    codes = (ids[~filler] + 1).astype(np.uint32)
    codes[codes >= 0xD800] += 0x800
    joined = codes.astype("<u4").tobytes().decode("utf-32-le")
    ends = np.cumsum(n_content)
    starts = (ends - n_content).tolist()
    strings = np.array([joined[s:e] for s, e in zip(starts, ends.tolist(), strict=True)], dtype=object)
    bag_codes = np.array(["".join(sorted(text)) for text in strings.tolist()], dtype=object)
    occurs = sp.csr_matrix((np.ones(len(ids), dtype=np.int32), (doc, ids)), shape=(len(texts), len(vocab)))
    edges, keys = _typo_edges(vocab)
    letters, spacing = _joins(doc, ids, vocab, len(texts))
    runs = _typo_joins(doc, ids, vocab, keys, len(texts))
    bags = _bags(ids, counts)
    return _Prepared(strings, bag_codes, n_content, n_filler, occurs, edges, letters, spacing, runs, bags)


def _bags(ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per text: the wrapping sum of its words' mixed ids, which the order of the words leaves alone."""
    bag = np.zeros(len(counts), dtype=np.uint64)
    if len(ids):
        with np.errstate(over="ignore"):
            mixed = mix((ids.astype(np.uint64) + np.uint64(1)) * GOLDEN)
        filled = counts > 0
        bag[filled] = np.add.reduceat(mixed, (np.cumsum(counts) - counts)[filled])
    return bag


def _scores(p: _Prepared, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`best_scores` of the pairs (a[i], b[i]) of prepared texts."""
    dist = np.asarray(cpdist(p.strings[a].tolist(), p.strings[b].tolist(), scorer=Indel.distance, workers=-1))
    any_order = dist.copy()
    words = p.n_content + p.n_filler
    movable = np.flatnonzero(np.minimum(words[a], words[b]) >= 2 * MOVE_WORDS)
    if len(movable):  # a block may move (`moves.block_move`): the words matched in any order
        left, right = p.bag_codes[a[movable]].tolist(), p.bag_codes[b[movable]].tolist()
        any_order[movable] = np.asarray(cpdist(left, right, scorer=Indel.distance, workers=-1))
    typos = np.zeros(len(a), dtype=np.float64)
    in_a, in_b = p.occurs[a], p.occurs[b]
    if p.edges.nnz:
        near_b = (in_b @ p.edges) > 0  # words with a typo partner in b
        near_a = (in_a @ p.edges) > 0
        typos = np.minimum(_rowsum(in_a.multiply(near_b)), _rowsum(in_b.multiply(near_a)))
    shared_filler = np.minimum(p.n_filler[a], p.n_filler[b])
    bottom = p.n_content[a] + p.n_content[b] + 2 * shared_filler
    unbounded = p.bag[a] == p.bag[b]  # the same words, maybe two swapped
    if p.letters.shape[1]:
        unbounded |= _rowsum(p.letters[a].multiply(p.letters[b])) > _rowsum(
            p.spacing[a].multiply(p.spacing[b])
        )
    if p.runs.nnz:
        unbounded |= (_rowsum(p.runs[a].multiply(in_b)) + _rowsum(in_a.multiply(p.runs[b]))) > 0
    out = []
    for distance in (dist, any_order):
        common = (p.n_content[a] + p.n_content[b] - distance) / 2
        top = 2 * (common + typos + shared_filler)
        best = np.where(bottom > 0, top / np.maximum(bottom, 1), 1.0)
        best[unbounded] = 1.0
        out.append(np.minimum(best, 1.0))
    return out[0], out[1]


def best_scores(texts: pl.Series, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of `slots.compare`'s score for each pair (texts[a[i]], texts[b[i]]) of normalised
    texts (see the module doc); pairs that may hold a join get 1.0: (the bound with the words in
    their order, the bound with a block moved, which reads them in any order in texts of
    2 x `MOVE_WORDS` words or more). A pair over the threshold by the second only reaches it if a
    block moved (`moves.block_move`)."""
    if not len(a):
        return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.float64)
    prepared = _prepare(texts)
    if prepared is None:
        return np.ones(len(a), dtype=np.float64), np.ones(len(a), dtype=np.float64)
    parts = [
        _scores(prepared, a[start : start + PAIR_CHUNK], b[start : start + PAIR_CHUNK])
        for start in range(0, len(a), PAIR_CHUNK)
    ]
    return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])
