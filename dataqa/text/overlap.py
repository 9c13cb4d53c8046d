"""Word n-gram overlap between an eval split and a reference split: contamination, as in LLM papers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.text import overlap_filters
from dataqa.text.candidates import unique_ints
from dataqa.text.hashing import GOLDEN, HASH_SEED, mix
from dataqa.text.minhash import DEFAULT_SHINGLE as COMMON_SHINGLE
from dataqa.text.normalise import CHUNK_DOCS, Distinct, distinct
from dataqa.text.templates import template_words, templates

GRAM_JOIN_ROWS = 16_000_000
"""Reference rows of wanted n-grams held (256 MB) before the stock-phrase bookkeeping of one batch."""
GRAM_FILTER_BITS = 30
"""Largest size (2^bits bits: 128 MB) of the n-gram overlap search's bitset pre-filter of the wanted
n-grams; it gets 16 bits per wanted n-gram up to that (a false-positive rate of at most 1/16)."""


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
            "h": words.explode().hash(HASH_SEED),
        }
    )


def _ngram_hashes(tokens: pl.DataFrame, n: int, common: np.ndarray | None = None) -> pl.DataFrame:
    """`line`, `pos`, `g`: the hash of the n words starting at `pos` (texts shorter than n have none).

    With `common` (sorted template shingle hashes of `COMMON_SHINGLE` words), also `content`: how many
    of the n words are not template words (`dataqa.text.templates`)."""
    line = tokens["line"].to_numpy()
    h = mix(tokens["h"].to_numpy())
    m = len(h) - n + 1
    if m <= 0:
        schema = {"line": pl.Int64, "pos": pl.Int64, "g": pl.UInt64}
        return pl.DataFrame(schema=schema if common is None else {**schema, "content": pl.Int64})
    with np.errstate(over="ignore"):
        acc = h[:m].copy()
        for j in range(1, n):  # polynomial over mixed word hashes, mixed once at the end
            acc = acc * GOLDEN + h[j : m + j]
        acc = mix(acc)
        valid = line[n - 1 : m + n - 1] == line[:m]  # same text at both ends of the window
    pos = tokens["pos"].to_numpy()[:m][valid]
    out = pl.DataFrame({"line": line[:m][valid].astype(np.int64), "pos": pos, "g": acc[valid]})
    if common is None:
        return out
    content = np.concatenate([[0], np.cumsum(~template_words(line, h, common, COMMON_SHINGLE))])
    return out.with_columns(pl.Series("content", (content[n : m + n] - content[:m])[valid], pl.Int64))


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


def _ngram_chunks(texts: Distinct, n: int, common: np.ndarray | None = None) -> Iterator[pl.DataFrame]:
    """`_ngram_hashes` of the distinct texts, `CHUNK_DOCS` texts at a time: the split words of a
    whole split at once weigh several times its n-gram hashes."""
    for start in range(0, texts.size, CHUNK_DOCS):
        chunk = texts.texts.slice(start, CHUNK_DOCS), texts.lines[start : start + CHUNK_DOCS]
        yield _ngram_hashes(_token_frame(*chunk), n, common)


HITS_SCHEMA = {"g": pl.UInt64, "ref_line": pl.Int64}
HITS = ("ngram_hits",)
"""With a split's name after it, the shared key of a function that gives `reference_hits` of a
split whose rows are elsewhere (made on its blocks: `hits_of`)."""


def reference_hits(
    ctx: Context, ref_split: str, column: str, n: int, wanted: np.ndarray, max_rows: int
) -> pl.DataFrame:
    """`g`, `ref_line` (sorted): the `wanted` n-grams (sorted unique hashes) of the reference split's
    distinct texts, each n-gram found in at most `max_rows` of them (one in more is a stock phrase),
    once per distinct text. From the rows here, or for a split held elsewhere from its blocks."""
    if ctx.supplied((*HITS, ref_split)):
        return ctx.shared((*HITS, ref_split), lambda: None)(column, n, wanted, max_rows)
    return _streamed_hits(distinct(ctx, ref_split, column), n, wanted, max_rows)


def hits_of(ref: Distinct, n: int, wanted: np.ndarray, max_rows: int) -> pl.DataFrame:
    """`g`, `ref_line` of the `wanted` n-grams of `ref`'s texts, once per text; an n-gram found in
    more than `max_rows` of them kept in `max_rows` + 1 (a block's part of `reference_hits`: the
    split's count of each n-gram is the sum of its blocks', so one over `max_rows` is one there)."""
    return _collected(ref, n, wanted).filter(pl.int_range(pl.len()).over("g") <= max_rows)


def not_stock(hits: pl.DataFrame, max_rows: int) -> pl.DataFrame:
    """`hits_of` of every block put together: the n-grams of at most `max_rows` texts, sorted."""
    kept = hits.filter(pl.len().over("g") <= max_rows)
    return kept.sort("g", "ref_line")


def _wanted_chunks(ref: Distinct, n: int, wanted: np.ndarray) -> Iterator[pl.DataFrame]:
    """`g`, `ref_line` of the `wanted` n-grams of `ref`'s texts, chunk by chunk.

    Each reference n-gram meets a bitset of the wanted n-grams' top bits (16 bits per wanted
    n-gram, at most 2^GRAM_FILTER_BITS): all but a few percent stop there, and the survivors are
    looked up in the sorted wanted array."""
    if not len(wanted):
        return
    bits = int(min(GRAM_FILTER_BITS, max(16, np.ceil(np.log2(len(wanted) * 16)))))
    shift = np.uint64(64 - bits)
    maybe = _bitset(wanted >> shift, bits)
    for grams in _ngram_chunks(ref, n):
        g = grams["g"].to_numpy()
        keep = np.flatnonzero(_in_bitset(maybe, g >> shift))
        keep = keep[_in_sorted(wanted, g[keep])]
        if len(keep):
            yield pl.DataFrame({"g": g[keep], "ref_line": grams["line"].to_numpy()[keep]}, schema=HITS_SCHEMA)


def _collected(ref: Distinct, n: int, wanted: np.ndarray) -> pl.DataFrame:
    """`g`, `ref_line` of every `wanted` n-gram of `ref`'s texts, once per text, sorted."""
    found = pl.concat([pl.DataFrame(schema=HITS_SCHEMA), *_wanted_chunks(ref, n, wanted)])
    return found.unique().sort("g", "ref_line")


def _streamed_hits(ref: Distinct, n: int, wanted: np.ndarray, max_rows: int) -> pl.DataFrame:
    """`reference_hits` of a split here, streamed in chunks (module constants: the memory bound).
    An n-gram found in more than `max_rows` reference rows is a stock phrase: it stops being
    collected once known."""
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

    for found in _wanted_chunks(ref, n, wanted):
        pending.append(found)
        if sum(p.height for p in pending) >= GRAM_JOIN_ROWS:
            flush()
    if pending:
        flush()
    if not hits:
        return pl.DataFrame(schema=HITS_SCHEMA)
    return pl.concat(hits).join(stock, on="g", how="anti").sort("g", "ref_line")


HELD_OUT = ("ngram_held_out",)
"""With a split's name after it, the shared key of a function that gives `held_out` of a split whose
rows are elsewhere (its n-grams made and kept on its blocks: `dataqa.text.overlap_held`)."""
GRAMS_SCHEMA = {"line": pl.Int64, "pos": pl.Int64, "g": pl.UInt64}


def eval_grams(ev: Distinct, n: int, common: np.ndarray | None, min_content: int) -> pl.DataFrame:
    """`line`, `pos`, `g` of the n-grams of the distinct texts `ev`; with `common`, those with at
    least `min_content` words that are not template words."""
    if not ev.size:
        return pl.DataFrame(schema=GRAMS_SCHEMA)
    grams = pl.concat(list(_ngram_chunks(ev, n, common)), rechunk=True)
    if common is not None:
        grams = grams.filter(pl.col("content") >= min_content).drop("content")
    return grams


def rare(grams: pl.DataFrame, max_rows: int) -> pl.DataFrame:
    """`eval_grams` (every row of an n-gram among them) without the n-grams of over `max_rows` texts."""
    rows = grams.group_by("g").agg(pl.col("line").n_unique().alias("rows"))
    return grams.join(rows.filter(pl.col("rows") <= max_rows), on="g", how="semi")


class HeldOut:
    """The held-out side of `ngram_overlaps`: `wanted`, the sorted unique n-grams of its distinct
    texts (`rare`, `eval_grams`); `matched(ref_hits)`, its n-grams' rows (`line`, `pos`, `g`) joined
    to the reference hits (`ref_line`); `texts(lines)`, `line` and normalised `t` of distinct texts;
    `members(reps)`, `line`, `rep` of the rows of those distinct texts. Here from the rows of the
    context (`of_rows`), or made on the blocks of a split held elsewhere (`overlap_held`)."""

    def __init__(
        self,
        wanted: np.ndarray,
        matched: Callable[[pl.DataFrame], pl.DataFrame],
        texts: Callable[[pl.Series], pl.DataFrame],
        members: Callable[[pl.Series], pl.DataFrame],
    ) -> None:
        self.wanted, self._matched, self.texts, self.members = wanted, matched, texts, members

    def matched(self, ref_hits: pl.DataFrame) -> pl.DataFrame:
        return self._matched(ref_hits)


def held_out(
    ctx: Context, split: str, column: str, n: int, common: np.ndarray | None, min_content: int, max_rows: int
) -> HeldOut:
    """The held-out side of `ngram_overlaps` of a split: from its rows here, or for a split held
    elsewhere from its blocks (`HELD_OUT`)."""
    if ctx.supplied((*HELD_OUT, split)):
        return ctx.shared((*HELD_OUT, split), lambda: None)(column, n, common, min_content, max_rows)
    ev = distinct(ctx, split, column)
    kept = [rare(eval_grams(ev, n, common, min_content), max_rows)]

    def matched(ref_hits: pl.DataFrame) -> pl.DataFrame:
        grams = kept.pop()  # held only as long as it is needed (peak RSS)
        return grams.join(ref_hits, on="g")

    def texts(lines: pl.Series) -> pl.DataFrame:
        at = np.flatnonzero(np.isin(ev.lines, lines.to_numpy()))
        return pl.DataFrame({"line": ev.lines[at], "t": ev.texts.gather(at)})

    def members(reps: pl.Series) -> pl.DataFrame:
        return ev.members.filter(pl.col("rep").is_in(reps.implode()))

    return HeldOut(unique_ints(kept[0]["g"].to_numpy()), matched, texts, members)


def ngram_overlaps(
    ctx: Context,
    eval_split: str,
    ref_split: str,
    n: int = 13,
    column: str = "text",
    max_rows: int = 10,
    min_content: int = 0,
    spread_rows: int = 0,
    part_share: float = 0.0,
) -> pl.DataFrame:
    """Eval rows that share a word n-gram with the reference split (contamination, as in LLM papers).

    An n-gram found in more than `max_rows` rows of either split is a stock phrase or template (not
    a leak of one example) and is ignored; so is one with fewer than `min_content` words that are
    not template words (the scaffolding many rows share, a tool-call JSON or a fixed preamble, with
    a slot or two of its own: "… last week? {"function": {"arguments": {"symbol": …"). With
    `spread_rows`, an n-gram found in at least that many reference rows is the set's boilerplate
    (a news site's footer, a disclaimer) for an eval text that shares under
    `overlap_filters.SPREAD_COVER` of its n-grams with the reference split: a copied passage is most
    of the text that copies it, or is found in a row or two. With `part_share`, a span shorter than
    2n words counts only when it is most of what the held-out example asks or answers, or the
    examples are one problem with other numbers or names (`overlap_filters.most_of_a_part`).

    One row per eval line with an overlap: `line`, `ref_line` (the reference row sharing the most
    n-grams with it), `start` and `length` (in words) of the longest run of overlapping words,
    `span` (those normalised words) and `shared` (n-grams shared with `ref_line`, the first line
    of its normalised text). Valid rows only; the distinct texts
    of the reference side are streamed in chunks.
    """
    key = ("ngram", eval_split, ref_split, n, column, max_rows, min_content, spread_rows, part_share)

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
        common = templates(ctx, column, COMMON_SHINGLE) if min_content > 0 else None
        ev = held_out(ctx, eval_split, column, n, common, min_content, max_rows)
        if not len(ev.wanted):
            return empty
        ref_hits = reference_hits(ctx, ref_split, column, n, ev.wanted, max_rows)
        if not ref_hits.height:
            return empty
        counts = ref_hits.group_by("g").agg(pl.len().alias("rows"))
        ref_hits = ref_hits.join(counts.filter(pl.col("rows") <= max_rows).select("g"), on="g", how="semi")
        spread = counts.filter(pl.col("rows") >= spread_rows).select("g") if spread_rows > 0 else None
        del counts
        matched = ev.matched(ref_hits)
        del ref_hits
        if not matched.height:
            return empty
        texts = ev.texts(matched["line"].unique())  # every normalised text a matched line has
        if spread is not None:
            matched = overlap_filters.without_boilerplate(matched, spread, texts, n)
        if column == "text" and matched.height:
            matched = overlap_filters.off_calls(ctx, eval_split, matched, texts, n)
        if part_share > 0 and column == "text" and matched.height:
            matched = overlap_filters.most_of_a_part(ctx, (eval_split, ref_split), matched, n, part_share)
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
        out = best.join(runs.select("line", "start", "length"), on="line").join(texts, on="line")
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
        return ev.members(per_rep["rep"]).join(per_rep, on="rep").drop("rep").sort("line")

    return ctx.shared(key, build)
