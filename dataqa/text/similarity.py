"""Shared text-similarity machinery: normalisation, content hashes, near-duplicates, n-gram overlap.

Duplicates, leakage, label and diff checks all ask "are these the same text?", inside one split or
across two; they share this one engine, computed once per scan through `Context.shared`.

How near-duplicates are found (see `benchmarks/similarity.md` for the measurements behind it):

1. Texts are normalised (`normalise_expr`); rows whose normalised text is identical form one
   *class*, represented by its first line. Only the distinct normalised texts go further.
2. Each distinct text becomes a set of word shingles (`shingle` words each; default 2: a 1-3 word
   edit changes at most 6 word pairs, where the textbook word 5-grams change up to 15, and word
   pairs, unlike single words, are rarely shared by unrelated English texts, which keeps the
   candidate pairs few). A shingle set is sketched with one-permutation MinHash (one hash per
   shingle, `NUM_PERM` bins, empty bins filled by optimal densification), vectorised in numpy.
3. LSH banding (`BANDS` bands of `NUM_PERM // BANDS` rows) turns sketches into candidate pairs:
   a pair whose shingle sets have Jaccard 0.6 becomes a candidate with probability 0.99.
4. Every candidate is verified with rapidfuzz's Indel ratio over the *words* of the normalised
   texts (`1 - words inserted or deleted / words in both`; a changed word counts twice): the
   similarity reported is this true score, never the sketch's estimate, and pairs under the
   threshold are dropped. Words, not characters, because edits to data are edits of words.
5. Verified pairs are joined into groups by connected components (union-find).

Short texts: one changed word in an n-word text scores 1 - 1/n, so at the default threshold of
0.85 texts of six words or fewer are never near-duplicates by one changed word ("what is the
capital of france" vs "... of spain" is 0.83), where a character ratio would call them 0.88
alike. That is on purpose: one word often changes what a short input asks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dataqa.engine.context import Context
from dataqa.ingest.formats import non_ascii_rows

HASHED_COLUMNS = ("text", "prompt", "response")
"""Canonical columns that get exact and normalised hashes."""

DEFAULT_THRESHOLD = 0.85
"""Default verified similarity (word-level Indel ratio of the normalised texts) of a near-duplicate."""
DEFAULT_SHINGLE = 2
"""Default shingle size in words for the MinHash candidates (word pairs: see the module docstring)."""
NUM_PERM = 128
"""MinHash bins per text (one-permutation hashing)."""
BANDS = 32
"""LSH bands; each band is NUM_PERM // BANDS bins. 32 x 4: P(candidate | Jaccard 0.6) = 0.99."""
BUCKET_CAP = 64
"""An LSH bucket with more members than this is paired along a sliding window, not all pairs."""
CHUNK_DOCS = 20_000
"""Texts sketched per numpy batch, which bounds the memory of the shingle arrays."""
VERIFY_CHUNK = 100_000
"""Candidate pairs verified per rapidfuzz batch."""
GRAM_JOIN_ROWS = 16_000_000
"""Reference rows of wanted n-grams held (256 MB) before the stock-phrase bookkeeping of one batch."""
GRAM_FILTER_BITS = 30
"""Largest size (2^bits bits: 128 MB) of the n-gram overlap search's bitset pre-filter of the wanted
n-grams; it gets 16 bits per wanted n-gram up to that (a false-positive rate of at most 1/16)."""

_HASH_SEED = 0x5EED
_EMPTY = np.uint32(0xFFFFFFFF)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def normalise(texts: pl.Series) -> pl.Series:
    """`normalise_expr` on a Series: NFKC (only on the texts that are not pure ASCII, which NFKC
    leaves unchanged: most fine-tuning text is ASCII and polars' NFKC costs as much as the rest of
    the normalisation), lower case, then every run of punctuation, symbols and whitespace becomes
    one space (the same result as replacing punctuation runs, then whitespace runs, in one pass).

    The regex leaves the runs that are one plain space alone (`SEPARATOR_RUNS`): they are already
    what they would become, and they are most of the matches."""
    texts = texts.fill_null("")
    at = non_ascii_rows(texts)
    if len(at):
        texts = texts.scatter(at, texts.gather(at).str.normalize("NFKC"))
    return texts.str.to_lowercase().str.replace_all(SEPARATOR_RUNS, " ").str.strip_chars()


SEPARATOR_RUNS = r"[\p{P}\p{S}\s]{2,}|[\p{P}\p{S}\s--\x20]"
r"""Runs of punctuation, symbols and whitespace other than one plain space: replacing these with a
space gives the same text as replacing every run (`[\p{P}\p{S}\s]+`), 2.4x faster (a run of two
or more is matched whole by the first branch; a single character by the second unless a space)."""


def normalise_expr(text: pl.Expr) -> pl.Expr:
    """Unicode NFKC, case-folded, punctuation and symbols dropped, whitespace collapsed and trimmed.

    Two texts that differ only in case, spacing, punctuation or Unicode presentation normalise to
    the same string. Element-wise (`normalise` on each batch of the column).
    """
    return text.cast(pl.String).map_batches(normalise, return_dtype=pl.String, is_elementwise=True)


def _hash_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`hashes` of a frame, computed `CHUNK_DOCS` rows at a time: the normalised texts of a slice
    live only until they are hashed."""
    return pl.concat(
        [_hash_slice(frame.slice(start, CHUNK_DOCS)) for start in range(0, max(frame.height, 1), CHUNK_DOCS)]
    )


def _hash_slice(frame: pl.DataFrame) -> pl.DataFrame:
    # `text` is prompt + "\n" + response, and normalisation turns the newline and the punctuation
    # and spaces around it into one space (NFKC and case folding never reach across a newline),
    # so its normalised form is built from the other two instead of normalising it again.
    normalised = frame.select(
        normalise_expr(pl.col("prompt")).alias("prompt"), normalise_expr(pl.col("response")).alias("response")
    )
    norm = {column: normalised[column] for column in ("prompt", "response")}
    norm["text"] = (norm["prompt"] + " " + norm["response"]).str.strip_chars()
    columns = [frame["line"]]
    for column in HASHED_COLUMNS:
        columns.append(frame[column].fill_null("").hash(_HASH_SEED).alias(f"{column}_exact"))
        columns.append(norm[column].hash(_HASH_SEED).alias(f"{column}_norm"))
    columns.append(frame["system"].fill_null("").hash(_HASH_SEED).alias("system_exact"))
    columns.append(frame["label"].hash(_HASH_SEED).alias("label_exact"))
    return pl.DataFrame(columns)


def hashes(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid record of `split`: `line`, `<col>_exact` and `<col>_norm` hashes for text, prompt
    and response, plus `system_exact` and `label_exact`. Computed once per scan.
    """
    return ctx.shared(("hashes", split), lambda: _hash_frame(ctx.valid_rows(split)))


# --------------------------------------------------------------------------- distinct texts


@dataclass
class Distinct:
    """The distinct non-empty normalised texts of one column of one split.

    `members` maps every valid row with a non-empty normalised text (`line`) to its class
    representative (`rep`, the first line with the same normalised text). `lines` are the
    representatives in line order and `texts` their normalised texts (same order).
    """

    members: pl.DataFrame
    lines: np.ndarray
    texts: pl.Series

    @property
    def size(self) -> int:
        return len(self.lines)


def distinct(ctx: Context, split: str, column: str = "text") -> Distinct:
    """Rows grouped by normalised text (computed once per scan): see `Distinct`."""

    def build() -> Distinct:
        frame = (
            ctx.valid_rows(split)
            .select(pl.col("line"), normalise_expr(pl.col(column)).alias("norm"))
            .filter(pl.col("norm") != "")
            .with_columns(pl.col("line").min().over("norm").alias("rep"))
        )
        members = frame.select("line", "rep").sort("line")
        reps = frame.filter(pl.col("line") == pl.col("rep")).sort("line")
        return Distinct(members, reps["line"].to_numpy().astype(np.int64), reps["norm"])

    return ctx.shared(("distinct", split, column), build)


# --------------------------------------------------------------------------- sketches


def _mix(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-spread 64-bit mix (uint64 arithmetic wraps on purpose).

    In place on `out` (a new array when None; `out=x` mixes x itself): half the memory traffic
    of building a temporary for every step, which matters on tens of millions of hashes."""
    out = np.copy(x) if out is None else out
    if out is not x:
        np.copyto(out, x)
    with np.errstate(over="ignore"):
        out ^= out >> np.uint64(30)
        out *= _M1
        out ^= out >> np.uint64(27)
        out *= _M2
        out ^= out >> np.uint64(31)
    return out


def _shingle_hashes(texts: pl.Series, shingle: int) -> tuple[np.ndarray, np.ndarray]:
    """(document index, 64-bit shingle hash) for every word `shingle`-gram of each text.

    A text with fewer words than `shingle` has one shingle: the text itself.
    """
    with np.errstate(over="ignore"):
        words = pl.DataFrame({"t": texts.fill_null("")}).select(pl.col("t").str.split(" "))
        counts = words["t"].list.len().to_numpy().astype(np.int64)
        doc = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
        h = words["t"].explode().hash(_HASH_SEED).to_numpy()
        h = _mix(h, out=h if h.flags.writeable else None)
        if shingle <= 1:
            return doc, h
        n = len(h)
        acc = h[: max(n - shingle + 1, 0)].copy()
        valid = np.ones(len(acc), dtype=bool)
        for j in range(1, shingle):  # polynomial over mixed word hashes, mixed once at the end
            acc = acc * _GOLDEN + h[j : n - shingle + 1 + j]
            valid &= doc[j : n - shingle + 1 + j] == doc[: len(acc)]
        acc = _mix(acc, out=acc)
        docs = doc[: len(acc)][valid]
        acc = acc[valid]
        # Texts too short for one full shingle: the whole text is its shingle.
        counts = np.bincount(doc, minlength=len(texts))
        short = np.flatnonzero(counts < shingle)
        if len(short):
            whole = _mix(texts.gather(short).hash(_HASH_SEED).to_numpy())
            docs = np.concatenate([docs, short.astype(np.int64)])
            acc = np.concatenate([acc, whole])
        return docs, acc


def _borrow_table(k: int, attempts: int) -> np.ndarray:
    """For optimal densification: the bin an empty bin `j` borrows from at attempt `t` (same for all docs)."""
    with np.errstate(over="ignore"):
        grid = np.arange(attempts * k, dtype=np.uint64) + np.uint64(0xD1B54A32D192ED03)
        return (_mix(grid) % np.uint64(k)).astype(np.int64).reshape(attempts, k)


_BORROW = _borrow_table(NUM_PERM, 4096)


def _sketch_chunk(texts: pl.Series, shingle: int, k: int = NUM_PERM) -> np.ndarray:
    """One-permutation MinHash sketches (uint32, shape (len(texts), k)) with optimal densification."""
    n = len(texts)
    doc, h = _shingle_hashes(texts, shingle)
    sig = np.full(n * k, _EMPTY, dtype=np.uint32)
    bins = (h & np.uint64(k - 1) if k & (k - 1) == 0 else h % np.uint64(k)).astype(np.int64)
    values = np.minimum(h >> np.uint64(32), np.uint64(0xFFFFFFFE)).astype(np.uint32)
    np.minimum.at(sig, doc * k + bins, values)
    sig = sig.reshape(n, k)
    out = sig.copy()
    # A text with one filled bin (a one-shingle text) borrows that bin's value for every empty bin,
    # which is what the loop below computes, after ~k attempts per bin; set it directly.
    single = (sig != _EMPTY).sum(axis=1) == 1
    if single.any():
        out[single] = sig[single].min(axis=1)[:, None]
    rows, cols = np.nonzero((sig == _EMPTY) & ~single[:, None])
    for attempt in range(_BORROW.shape[0]):
        if not len(rows):
            break
        got = sig[rows, _BORROW[attempt, cols]]
        ok = got != _EMPTY
        out[rows[ok], cols[ok]] = got[ok]
        rows, cols = rows[~ok], cols[~ok]
    if len(rows):  # practically never: fall back to the text's smallest value
        out[rows, cols] = sig.min(axis=1)[rows]
    return out


def sketches(ctx: Context, split: str, column: str = "text", shingle: int = DEFAULT_SHINGLE) -> np.ndarray:
    """MinHash sketches of the distinct normalised texts of a column (rows as in `distinct().lines`).

    Not cached: the scan keeps only their band keys (`bands`), half the memory."""
    texts = distinct(ctx, split, column).texts
    parts = [
        _sketch_chunk(texts.slice(start, CHUNK_DOCS), shingle) for start in range(0, len(texts), CHUNK_DOCS)
    ]
    return np.concatenate(parts) if parts else np.empty((0, NUM_PERM), dtype=np.uint32)


def bands(ctx: Context, split: str, column: str = "text", shingle: int = DEFAULT_SHINGLE) -> np.ndarray:
    """LSH band keys (`band_keys`) of the distinct normalised texts of a column, computed once per
    scan chunk by chunk, so the full sketch matrix is never held."""

    def build() -> np.ndarray:
        texts = distinct(ctx, split, column).texts
        parts = [
            band_keys(_sketch_chunk(texts.slice(start, CHUNK_DOCS), shingle))
            for start in range(0, len(texts), CHUNK_DOCS)
        ]
        return np.concatenate(parts) if parts else np.empty((0, BANDS), dtype=np.uint64)

    return ctx.shared(("bands", split, column, shingle), build)


def band_keys(sig: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """One 64-bit key per (text, band): shape (len(sig), bands). Equal keys = a candidate pair."""
    n, k = sig.shape
    rows = k // bands
    with np.errstate(over="ignore"):
        keys = np.empty((n, bands), dtype=np.uint64)
        for b in range(bands):
            acc = np.full(n, np.uint64(b + 1) * _GOLDEN, dtype=np.uint64)
            for r in range(rows):
                acc = _mix(acc ^ sig[:, b * rows + r].astype(np.uint64))
            keys[:, b] = acc
    return keys


# --------------------------------------------------------------------------- candidates


def unique_ints(values: np.ndarray, in_place: bool = False) -> np.ndarray:
    """Sorted unique values of an integer array, by sorting (`in_place`: sorting `values` itself,
    which the caller no longer needs, instead of a copy).

    numpy 2.4's np.unique takes a hash-based path that measured ~100x slower than a sort on 5M
    int64 values (5.1 s against 0.05 s).
    """
    if not len(values):
        return values
    if in_place and values.flags.writeable:
        values.sort()
        ordered = values
    else:
        ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _pair_codes(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """Each pair of rows as one int64, lo * n + hi (which keeps the (lo, hi) order); self-pairs dropped."""
    lo, hi = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
    codes = lo * np.int64(n) + hi
    return codes[lo != hi]


def _window_pairs(key: np.ndarray, idx: np.ndarray, cap: int, n: int) -> list[np.ndarray]:
    """`_pair_codes` of (idx[i], idx[i+d]) with equal `key`, 1 <= d < cap, on arrays sorted by key."""
    parts = []
    for d in range(1, cap):
        if d >= len(key):
            break
        same = key[:-d] == key[d:]
        if not same.any():
            break
        parts.append(_pair_codes(idx[:-d][same], idx[d:][same], n))
    return parts


def _candidates_within(keys: np.ndarray, cap: int = BUCKET_CAP) -> np.ndarray:
    """Candidate pairs (i < j) of rows sharing a band key, as sorted unique codes i * n + j.

    One int64 per pair, not an (m, 2) array: at a million chat rows the prompts made 21M
    candidates, and the pairs, their copies and the sort's buffers were DUP004's peak."""
    n = keys.shape[0]
    if n < 2:
        return np.empty(0, dtype=np.int64)
    cap = max(cap, 1)  # a cap of 0 pairs no neighbours either; every bucket of two or more is a star
    # One in-place sort of (key, row) packed into 64 bits, the row in the low bits: several times
    # faster than an argsort. The key keeps its top 64 - row_bits bits; two keys that agree on
    # those (about 60 pairs among 32M keys at a million rows) merge their buckets, which adds a
    # few candidate pairs and changes nothing else, since every candidate is verified.
    row_bits = np.uint64(max(1, (n - 1).bit_length()))
    flat = keys >> row_bits
    flat <<= row_bits
    flat |= np.arange(n, dtype=np.uint64)[:, None]
    flat = flat.reshape(-1)
    flat.sort()
    idx = (flat & ((np.uint64(1) << row_bits) - np.uint64(1))).astype(np.int32 if n < 2**31 else np.int64)
    flat >>= row_bits
    parts = _window_pairs(flat, idx, cap, n)
    # Big buckets: the window pairs each member with its next `cap` neighbours; add a star to the
    # bucket's first member so that the bucket stays connected for grouping.
    # A bucket holds more than `cap` keys where a key equals the one `cap` places on; found so,
    # without a start and size per bucket (18M buckets, 0.4 GB of arrays, for 1M prompts).
    big_keys = unique_ints(flat[:-cap][flat[:-cap] == flat[cap:]]) if len(flat) > cap else flat[:0]
    if len(big_keys):
        starts = np.searchsorted(flat, big_keys, side="left")
        stops = np.searchsorted(flat, big_keys, side="right")
        first = np.repeat(idx[starts], stops - starts)
        members = np.concatenate([idx[a:b] for a, b in zip(starts, stops, strict=True)])
        parts.append(_pair_codes(first, members, n))
    del flat, idx
    if not parts:
        return np.empty(0, dtype=np.int64)
    codes = np.concatenate(parts)
    del parts
    # Unique pairs by one int64 code per pair: a 1-D sort, several times faster than
    # np.unique(axis=0), which sorts rows lexicographically.
    return unique_ints(codes, in_place=True)


def _candidates_across(left: np.ndarray, right: np.ndarray, cap: int = BUCKET_CAP) -> np.ndarray:
    """Candidate pairs (left row, right row) sharing a band key, as sorted unique codes
    left * len(right) + right (see `_candidates_within`)."""
    if not len(left) or not len(right):
        return np.empty(0, dtype=np.int64)
    bands = left.shape[1]
    frames = []
    for keys in (left, right):
        frames.append(
            pl.DataFrame(
                {
                    "key": keys.reshape(-1),
                    "row": np.repeat(np.arange(len(keys), dtype=np.int64), bands),
                }
            )
        )
    lf, rf = frames
    rf = rf.join(lf.select("key").unique(), on="key", how="semi")
    lf = lf.join(rf.select("key").unique(), on="key", how="semi")
    # Cap each bucket's right side at its first `cap` rows (by row order), so templated text that
    # fills one bucket cannot explode the pair count.
    rf = rf.sort(["key", "row"]).filter(pl.int_range(pl.len()).over("key") < cap)
    joined = lf.join(rf, on="key", suffix="_r").select(pl.col("row") * len(right) + pl.col("row_r"))
    return unique_ints(joined.to_series().to_numpy().astype(np.int64), in_place=True)


# --------------------------------------------------------------------------- verification


def _word_counts(texts: pl.Series) -> np.ndarray:
    """Words in each normalised text (single spaces, no leading or trailing space)."""
    return (texts.str.count_matches(" ") + 1).to_numpy().astype(np.float64)


VERIFY_CACHE_WORDS = 64_000_000
"""Words of encoded texts kept between verification batches (about 128-256 MB)."""


class _WordCodes:
    """Texts as strings of one character per word, equal words equal characters, so that
    rapidfuzz's fast string path computes the edit ratio over words.

    Codes come from one table of word hashes that grows batch by batch (polars hash lookups, no
    Python loop per word). Codes skip NUL and the surrogates; past 1.1 million distinct words (far
    beyond most scans' candidates) they wrap around and a score may be slightly overstated.
    """

    LIMIT = 0x10FFFF - 0x800

    def __init__(self) -> None:
        self.keys = pl.Series(dtype=pl.UInt64)  # word hashes, in order of first batch
        self.codes = pl.Series(dtype=pl.UInt32)  # their codes, same order

    def encode(self, texts: pl.Series) -> list[str]:
        words = texts.str.split(" ")
        counts = words.list.len().to_numpy().astype(np.int64)
        hashed = words.explode().hash(_HASH_SEED)
        batch = hashed.unique()
        unseen = np.sort(batch.filter(~batch.is_in(self.keys.implode())).to_numpy())
        if len(unseen):
            first = len(self.keys)
            self.keys = pl.concat([self.keys, pl.Series(unseen, dtype=pl.UInt64)], rechunk=True)
            self.codes = pl.concat(
                [self.codes, pl.int_range(first, first + len(unseen), dtype=pl.UInt32, eager=True)]
            )
        found = hashed.replace_strict(self.keys, self.codes, return_dtype=pl.UInt32).to_numpy()
        codes = found % np.uint32(self.LIMIT) + np.uint32(1)
        codes[codes >= 0xD800] += 0x800
        joined = codes.astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(counts)
        return [joined[start:end] for start, end in zip((ends - counts).tolist(), ends.tolist(), strict=True)]


class _EncodedTexts:
    """The `_WordCodes` strings of one column's distinct texts, encoded on demand in batches and
    kept (up to `VERIFY_CACHE_WORDS` words) so that each text is encoded about once."""

    def __init__(self, texts: pl.Series, words: _WordCodes) -> None:
        self.texts, self.words = texts, words
        self.strings = np.full(len(texts), None, dtype=object)
        self.kept_words = 0
        self.counts = _word_counts(texts)

    def get(self, rows: np.ndarray) -> np.ndarray:
        needed = unique_ints(rows)
        missing = needed[self.strings[needed] == None]  # noqa: E711 (element-wise comparison)
        if len(missing) and self.kept_words + self.counts[missing].sum() > VERIFY_CACHE_WORDS:
            self.strings[:] = None  # full: start again with just this batch's texts
            self.kept_words, missing = 0, needed
        if len(missing):
            self.strings[missing] = self.words.encode(self.texts.gather(missing))
            self.kept_words += int(self.counts[missing].sum())
        return self.strings[rows]


def _verify(
    left_texts: pl.Series, right_texts: pl.Series, codes: np.ndarray, width: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the candidate pairs whose true similarity reaches `threshold`: (pairs kept as an
    (m, 2) array of (left row, right row), their similarity). The candidates are codes
    left * `width` + right, decoded a batch at a time."""
    if not len(codes):
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    words = _WordCodes()
    left = _EncodedTexts(left_texts, words)
    right = left if left_texts is right_texts else _EncodedTexts(right_texts, words)
    cutoff = threshold * 100 - 1e-6
    kept, sims = [], []
    for start in range(0, len(codes), VERIFY_CHUNK):
        chunk = codes[start : start + VERIFY_CHUNK]
        lo, hi = chunk // width, chunk % width
        # The ratio cannot exceed 2 * min / sum of the word counts: skip pairs that cannot reach it.
        left_len, right_len = left.counts[lo], right.counts[hi]
        bound = 2 * np.minimum(left_len, right_len) / np.maximum(left_len + right_len, 1)
        possible = bound >= threshold - 1e-9
        lo, hi = lo[possible], hi[possible]
        if not len(lo):
            continue
        a = left.get(lo).tolist()
        b = right.get(hi).tolist()
        scores = cpdist(a, b, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)
        scores = np.asarray(scores, dtype=np.float64) / 100.0
        ok = scores >= threshold - 1e-9
        kept.append(np.stack([lo[ok], hi[ok]], axis=1))
        sims.append(scores[ok])
    if not kept:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.float64)
    return np.concatenate(kept), np.concatenate(sims)


def word_similarity(a: str, b: str) -> float:
    """Edit ratio over the words of two already normalised texts: 1 - (words inserted or deleted to
    turn one into the other) / (words in both). One changed word in a 20-word text: 0.95."""
    return fuzz.ratio(a.split(" ") if a else [], b.split(" ") if b else []) / 100.0


def similarity(a: str, b: str) -> float:
    """The verified similarity of two raw texts: `word_similarity` of their normalised forms."""
    norm = pl.DataFrame({"t": [a, b]}).select(normalise_expr(pl.col("t")))["t"].to_list()
    return word_similarity(norm[0], norm[1])


# --------------------------------------------------------------------------- public API


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64})


def near_pairs(
    ctx: Context,
    left: str,
    right: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> pl.DataFrame:
    """Verified near pairs between two splits (or inside one when `left == right`).

    Columns `left_line`, `right_line`, `similarity` (`word_similarity` of the normalised texts,
    >= `threshold`, default `DEFAULT_THRESHOLD`), sorted by lines. Texts identical after
    normalisation are one distinct text, represented by their first line (their copies are in
    `distinct(ctx, split, column).members`); inside one split, pairs have left_line < right_line
    and copies of one text are not paired with each other. Only valid rows, computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> pl.DataFrame:
        ld = distinct(ctx, left, column)
        rd = ld if left == right else distinct(ctx, right, column)
        if not ld.size or not rd.size:
            return _empty_pairs()
        lk = bands(ctx, left, column, shingle)
        if left == right:
            codes = _candidates_within(lk)
        else:
            codes = _candidates_across(lk, bands(ctx, right, column, shingle))
        kept, sims = _verify(ld.texts, rd.texts, codes, rd.size, t)
        return pl.DataFrame(
            {
                "left_line": ld.lines[kept[:, 0]] if len(kept) else np.empty(0, np.int64),
                "right_line": rd.lines[kept[:, 1]] if len(kept) else np.empty(0, np.int64),
                "similarity": sims,
            },
            schema={"left_line": pl.Int64, "right_line": pl.Int64, "similarity": pl.Float64},
        ).sort(["left_line", "right_line"])

    return ctx.shared(("near_pairs", left, right, column, t, shingle), build)


def near_duplicate_groups(
    ctx: Context,
    split: str,
    column: str = "text",
    threshold: float | None = None,
    *,
    shingle: int = DEFAULT_SHINGLE,
) -> list[list[int]]:
    """Groups (two or more rows) of `split` whose `column` texts are identical after normalisation
    or near-identical (verified similarity >= `threshold`, joined transitively).

    Each group is a sorted list of line numbers (the first is the representative); groups are
    sorted by their first line. Only valid rows with a non-empty text; computed once per scan.
    """
    t = DEFAULT_THRESHOLD if threshold is None else float(threshold)

    def build() -> list[list[int]]:
        d = distinct(ctx, split, column)
        if not d.size:
            return []
        pairs = near_pairs(ctx, split, split, column, t, shingle=shingle)
        index = pl.DataFrame({"rep": d.lines, "i": np.arange(d.size, dtype=np.int64)})
        a = pairs.join(index.rename({"rep": "left_line"}), on="left_line", maintain_order="left")[
            "i"
        ].to_numpy()
        b = pairs.join(index.rename({"rep": "right_line"}), on="right_line", maintain_order="left")[
            "i"
        ].to_numpy()
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(d.size, d.size))
        _, component = connected_components(graph, directed=False)
        comp = pl.DataFrame({"rep": d.lines, "component": component.astype(np.int64)})
        frame = d.members.join(comp, on="rep").group_by("component").agg(pl.col("line").sort())
        groups = [lines for lines in frame["line"].to_list() if len(lines) > 1]
        return sorted(groups, key=lambda g: g[0])

    return ctx.shared(("near_groups", split, column, t, shingle), build)


# --------------------------------------------------------------------------- n-gram overlap


def _token_frame(texts: pl.Series, lines: np.ndarray) -> pl.DataFrame:
    """One row per word of each normalised text: `line`, `pos` (0-based), `h` (word hash).

    Positions come from the word counts (numpy), not a polars window over the lines: the reference
    side of an n-gram search has tens of millions of words."""
    words = texts.str.split(" ")
    counts = words.list.len().to_numpy().astype(np.int64)
    starts = np.cumsum(counts) - counts
    return pl.DataFrame(
        {
            "line": np.repeat(np.asarray(lines, dtype=np.int64), counts),
            "pos": np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts),
            "h": words.explode().hash(_HASH_SEED),
        }
    )


def _ngram_hashes(tokens: pl.DataFrame, n: int) -> pl.DataFrame:
    """`line`, `pos`, `g`: the hash of the n words starting at `pos` (texts shorter than n have none)."""
    line = tokens["line"].to_numpy()
    h = _mix(tokens["h"].to_numpy())
    m = len(h) - n + 1
    if m <= 0:
        return pl.DataFrame(schema={"line": pl.Int64, "pos": pl.Int64, "g": pl.UInt64})
    with np.errstate(over="ignore"):
        acc = h[:m].copy()
        for j in range(1, n):  # polynomial over mixed word hashes, mixed once at the end
            acc = acc * _GOLDEN + h[j : m + j]
        acc = _mix(acc)
        valid = line[n - 1 : m + n - 1] == line[:m]  # same text at both ends of the window
    pos = tokens["pos"].to_numpy()[:m][valid]
    return pl.DataFrame({"line": line[:m][valid].astype(np.int64), "pos": pos, "g": acc[valid]})


def _bitset(values: np.ndarray, bits: int) -> np.ndarray:
    """A bitset of 2^bits bits (as bytes) with the bits of `values` (each < 2^bits) set."""
    out = np.zeros(1 << max(bits - 3, 0), dtype=np.uint8)
    if len(values):
        values = unique_ints(values)
        byte = values >> np.uint64(3)
        starts = np.flatnonzero(np.concatenate(([True], byte[1:] != byte[:-1])))
        flags = np.left_shift(np.uint8(1), (values & np.uint64(7)).astype(np.uint8))
        out[byte[starts]] = np.bitwise_or.reduceat(flags, starts)
    return out


def _in_bitset(bitset: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of `values` has its bit set in `bitset` (see `_bitset`)."""
    return ((bitset[values >> np.uint64(3)] >> (values & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)


def _in_sorted(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of `values` is in the sorted unique array `sorted_values`.

    The needles are looked up in sorted order: numpy's binary search then walks the array forward
    instead of jumping across it for each one (7x faster on ten million wanted n-grams)."""
    found = np.zeros(len(values), dtype=bool)
    if not len(values) or not len(sorted_values):
        return found
    order = np.argsort(values)
    needles = values[order]
    at = np.minimum(np.searchsorted(sorted_values, needles), len(sorted_values) - 1)
    found[order] = sorted_values[at] == needles
    return found


def _ngram_chunks(texts: Distinct, n: int) -> Iterator[pl.DataFrame]:
    """`_ngram_hashes` of the distinct texts, `CHUNK_DOCS` texts at a time: the split words of a
    whole split at once weigh several times its n-gram hashes."""
    for start in range(0, texts.size, CHUNK_DOCS):
        chunk = texts.texts.slice(start, CHUNK_DOCS), texts.lines[start : start + CHUNK_DOCS]
        yield _ngram_hashes(_token_frame(*chunk), n)


def ngram_overlaps(
    ctx: Context,
    eval_split: str,
    ref_split: str,
    n: int = 13,
    column: str = "text",
    max_rows: int = 10,
) -> pl.DataFrame:
    """Eval rows that share a word n-gram with the reference split (contamination, as in LLM papers).

    An n-gram found in more than `max_rows` rows of either split is a stock phrase or template (not
    a leak of one example) and is ignored. One row per eval line with an overlap: `line`, `ref_line`
    (the reference row sharing the most n-grams with it), `start` and `length` (in words) of the
    longest run of overlapping words, `span` (those normalised words) and `shared` (n-grams shared
    with `ref_line`, the first line of its normalised text). Valid rows only; the distinct texts
    of the reference side are streamed in chunks.
    """
    key = ("ngram", eval_split, ref_split, n, column, max_rows)

    def build() -> pl.DataFrame:
        empty = pl.DataFrame(
            schema={
                "line": pl.Int64,
                "ref_line": pl.Int64,
                "start": pl.Int64,
                "length": pl.Int64,
                "span": pl.String,
                "shared": pl.UInt32,
            }
        )
        ev = distinct(ctx, eval_split, column)
        if not ev.size:
            return empty
        ev_grams = pl.concat(list(_ngram_chunks(ev, n)), rechunk=True)
        ev_rows = ev_grams.group_by("g").agg(pl.col("line").n_unique().alias("rows"))
        ev_grams = ev_grams.join(ev_rows.filter(pl.col("rows") <= max_rows), on="g", how="semi")
        del ev_rows  # the largest frames here are held only as long as they are needed (peak RSS)
        wanted = unique_ints(ev_grams["g"].to_numpy())
        if not len(wanted):
            return empty
        ref = distinct(ctx, ref_split, column)
        # Each reference n-gram meets a bitset of the wanted n-grams' top bits (16 bits per wanted
        # n-gram, at most 2^GRAM_FILTER_BITS): all but a few percent stop there, and the survivors
        # are looked up in the sorted wanted array. An n-gram found in more than `max_rows`
        # reference rows is a stock phrase: it stops being collected once known.
        bits = int(min(GRAM_FILTER_BITS, max(16, np.ceil(np.log2(len(wanted) * 16)))))
        shift = np.uint64(64 - bits)
        maybe = _bitset(wanted >> shift, bits)
        hits: list[pl.DataFrame] = []
        seen = pl.DataFrame(schema={"g": pl.UInt64, "rows": pl.UInt32})
        stock = pl.DataFrame(schema={"g": pl.UInt64})
        pending: list[pl.DataFrame] = []

        def flush() -> None:
            nonlocal seen, stock
            found = pl.concat(pending).join(stock, on="g", how="anti").unique()
            pending.clear()
            if not found.height:
                return
            seen = (
                pl.concat([seen, found.group_by("g").agg(pl.len().alias("rows").cast(pl.UInt32))])
                .group_by("g")
                .agg(pl.col("rows").sum())
            )
            new_stock = seen.filter(pl.col("rows") > max_rows).select("g")
            stock = pl.concat([stock, new_stock]).unique()
            seen = seen.filter(pl.col("rows") <= max_rows)
            # A phrase found stock in this batch leaves it now, not at the end: the hits then hold
            # at most `max_rows` rows of any phrase (on templated data they were mostly stock).
            hits.append(found.join(new_stock, on="g", how="anti"))

        for grams in _ngram_chunks(ref, n):
            g = grams["g"].to_numpy()
            keep = np.flatnonzero(_in_bitset(maybe, g >> shift))
            keep = keep[_in_sorted(wanted, g[keep])]
            if len(keep):
                pending.append(pl.DataFrame({"g": g[keep], "ref_line": grams["line"].to_numpy()[keep]}))
            if sum(p.height for p in pending) >= GRAM_JOIN_ROWS:
                flush()
        if pending:
            flush()
        del maybe, wanted
        if not hits:
            return empty
        ref_hits = pl.concat(hits).join(stock, on="g", how="anti")
        hits.clear()
        counts = ref_hits.group_by("g").agg(pl.len().alias("rows"))
        ref_hits = ref_hits.join(counts.filter(pl.col("rows") <= max_rows).select("g"), on="g", how="semi")
        del counts
        matched = ev_grams.join(ref_hits, on="g")
        del ev_grams, ref_hits
        if not matched.height:
            return empty
        best = (
            matched.group_by("line", "ref_line")
            .agg(pl.len().alias("shared"))
            .sort(["line", "shared", "ref_line"], descending=[False, True, False])
            .group_by("line", maintain_order=True)
            .first()
        )
        # Longest run of consecutive matched n-gram starts with the best reference row.
        runs = (
            matched.join(best.select("line", "ref_line"), on=["line", "ref_line"])
            .select("line", "pos")
            .unique()
            .sort(["line", "pos"])
            .with_columns((pl.col("pos") - pl.int_range(pl.len()).over("line")).alias("run"))
            .group_by("line", "run")
            .agg(pl.col("pos").min().alias("start"), pl.len().alias("grams"))
            .sort(["line", "grams", "start"], descending=[False, True, False])
            .group_by("line", maintain_order=True)
            .first()
            .with_columns((pl.col("grams") + n - 1).cast(pl.Int64).alias("length"))
        )
        ev_texts = pl.DataFrame({"line": ev.lines, "t": ev.texts})
        out = best.join(runs.select("line", "start", "length"), on="line").join(ev_texts, on="line")
        columns = (out["t"].to_list(), out["start"].to_list(), out["length"].to_list())
        spans = [" ".join(t.split(" ")[s : s + ln]) for t, s, ln in zip(*columns, strict=True)]
        per_rep = out.with_columns(
            pl.Series("span", spans, dtype=pl.String), pl.col("start").cast(pl.Int64)
        ).select(
            pl.col("line").alias("rep"),
            "ref_line",
            "start",
            "length",
            "span",
            pl.col("shared").cast(pl.UInt32),
        )
        # Every copy of a distinct held-out text shares its overlap.
        return ev.members.join(per_rep, on="rep").drop("rep").sort("line")

    return ctx.shared(key, build)
