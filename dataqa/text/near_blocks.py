"""Near pairs of a split held in blocks elsewhere (a Ray engine's workers): `near_pairs`' steps cut so
that each runs on one block's rows or on one part of a shuffle, with the local engine's result.

`near_pairs` of a split reads it whole four times: its distinct texts in line order, a sample of
them (`templates.sampled`: the template shingles and bound words every text is read with), each
text's LSH band keys and short-edit keys paired bucket by bucket (`candidates_within`), and the
candidates verified on their texts (`near_duplicates.verify`). Each has a form on blocks:

1. `sizes`: a block's distinct texts are its rows' whose normalised text no earlier row has; which
   rows of a block an earlier row copies (`later`) is what the copies' shuffle told the driver
   (`dataqa.text.copies`). A block's count of them (and of its short ones) gives the driver every
   block's first index among the split's distinct texts (`offsets`) and the counts the candidates'
   key truncation reads (`candidates.row_bits`).
2. `sample_part`: a block's texts of the evenly spaced sample (`templates.sample_at`); put together
   in block order they are the local sample, so the driver makes the same template shingles and
   bound words from them (supplied as `templates.SAMPLE`).
3. `keys`: each distinct text's band keys and short-edit keys, truncated as `candidates_within`
   truncates them for the split's counts, cut into parts by key (a shuffle's map side, an object
   per part); `part_candidates` pairs one part's buckets in line order (`candidates.bucket_pairs`),
   which is the distinct texts' order, so the candidates of all parts are the local ones.
4. `texts_of` and `verify_part`: a part of the candidates is verified on the texts its pairs name,
   sent packed from the blocks that hold them (the prompt and answer; the normalised and raw texts
   are made again on arrival) and read by `near_duplicates.verify`, the local engine's code.

A classification split's inputs take the same steps ("prompt"), their classes found by a shuffle
of their own (`class_keys`, `class_part`), and the examples whose inputs pair are gathered from the
blocks (`examples_step`). `dataqa.text.near_held` puts the steps in order on a `Runner`. A verified
pair of two examples, one or both without an answer, is decided by the near pairs of their prompts
(`_inputs_apart`): `verify_part` leaves it to the driver, which makes those (`near_held`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.engine.packed import pack, unpack
from dataqa.ingest.tool_text import compared
from dataqa.text.candidates import BUCKET_CAP, bucket_pairs, row_bits, unique_ints
from dataqa.text.minhash import _sketch_chunk, band_keys
from dataqa.text.near_duplicates import unanswered as unanswered_pairs
from dataqa.text.near_duplicates import verify
from dataqa.text.normalise import CHUNK_DOCS, Distinct, content_hash, distinct, hashes, normalise
from dataqa.text.short_edits import long_text_keys, short_keys
from dataqa.text.slots import SetWords
from dataqa.text.templates import sample_at

LINES = np.int64(2**32)
"""A candidate pair of lines (lo, hi) as one int64, lo * LINES + hi (lines of a split < 2^31)."""
BANDS_KIND, EDITS_KIND, LONG_KIND = 0, 1, 2
"""The kinds of keys, paired apart as the local engine pairs them (each truncated its own way; a
long text's one key is kept whole: `short_edits.long_keys`, where truncation merges next to no
buckets)."""
KINDS = (BANDS_KIND, EDITS_KIND, LONG_KIND)
KEYS_SCHEMA = {"kind": pl.UInt8, "key": pl.UInt64, "line": pl.Int64}
TEXTS_SCHEMA = {
    "line": pl.Int64,
    "prompt": pl.String,
    "response": pl.String,
    "shape": pl.UInt8,
    "text": pl.String,
}
"""What a pair part is sent of a row (`texts_of`): the rest (normalised text, raw text, whether it
has an input) is made from it where the pairs are verified (`_read_texts`)."""
JOINED, ANSWER, OWN = 0, 1, 2
"""`shape`: the compared text is the prompt and answer on two lines, the answer alone, or `text`."""
UNANSWERED_SCHEMA = {
    "left_line": pl.Int64,
    "right_line": pl.Int64,
    "left_input": pl.Boolean,
    "right_input": pl.Boolean,
}


def reps(ctx: Context, split: str, column: str, later: np.ndarray) -> Distinct:
    """The block's distinct texts that are the split's: those of its own whose line is not `later`
    (a row whose normalised text an earlier row of another block has)."""
    d = distinct(ctx, split, column)
    keep = ~np.isin(d.lines, later)
    at = np.flatnonzero(keep)
    members = d.members.filter(pl.col("rep").is_in(pl.Series(d.lines[at], dtype=pl.Int64).implode()))
    return Distinct(members, d.lines[at], d.texts.gather(at))


def _short_rows(texts: pl.Series) -> np.ndarray:
    """Rows of `texts` with short-edit keys (`short_edits`), and those keys, chunk by chunk."""
    return short_keys(texts)[0]


def sizes(ctx: Context, split: str, column: str, later: np.ndarray) -> tuple[int, int]:
    """(distinct texts of the split in this block, those of them with short-edit keys)."""
    d = reps(ctx, split, column, later)
    return d.size, len(_short_rows(d.texts))


def offsets(counts: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Each block's first index among the split's distinct texts and among its short ones, in block
    order, and the split's totals."""
    out, seen, short = [], 0, 0
    for size, shorts in counts:
        out.append((seen, short))
        seen, short = seen + size, short + shorts
    return out, (seen, short)


def sample_part(ctx: Context, split: str, column: str, later: np.ndarray, offset: int, n: int) -> pl.Series:
    """This block's texts of the split's sample (`templates.sample_at` of its `n` distinct texts;
    the block's first one is distinct text `offset`)."""
    d = reps(ctx, split, column, later)
    at = sample_at(n)
    if at is None:
        return d.texts
    mine = at[(at >= offset) & (at < offset + d.size)] - offset
    return d.texts.gather(mine)


def _truncated(keys: np.ndarray, n: int) -> np.ndarray:
    """Band keys as `candidates_within` compares them for `n` rows: their top 64 - row_bits bits."""
    return keys >> row_bits(n)


def key_frames(d: Distinct, common: np.ndarray, shingle: int, totals: tuple[int, int] | None) -> pl.DataFrame:
    """`kind`, `key`, `line` of every band key and short-edit key of the distinct texts `d` (a row
    per key, keys a text repeats kept: they fill a bucket's window as locally); with `totals`, the
    distinct texts and short ones of the whole split, truncated as `candidates_within` truncates
    them (inside a split), else whole (`candidates_across`, between two)."""
    frames = []
    if d.size:
        bands = np.concatenate(
            [
                band_keys(_sketch_chunk(d.texts.slice(start, CHUNK_DOCS), shingle, common=common))
                for start in range(0, d.size, CHUNK_DOCS)
            ]
        )
        frames.append(_key_frame(BANDS_KIND, _truncated(bands, totals[0]) if totals else bands, d.lines))
        rows, edits = short_keys(d.texts)
        if len(rows):
            frames.append(
                _key_frame(EDITS_KIND, _truncated(edits, totals[1]) if totals else edits, d.lines[rows])
            )
        rows, longs = long_text_keys(d.texts)
        if len(rows):
            frames.append(_key_frame(LONG_KIND, longs[:, None], d.lines[rows]))
    return pl.concat([pl.DataFrame(schema=KEYS_SCHEMA), *frames])


def cut(frame: pl.DataFrame, parts: int) -> list[pl.DataFrame]:
    """A frame of keys cut into `parts` by key (a shuffle's map side, an object per part)."""
    at = frame["key"] % parts
    return [frame.filter(at == part) for part in range(parts)]


def keys(
    ctx: Context,
    split: str,
    column: str,
    later: np.ndarray,
    totals: tuple[int, int],
    common: np.ndarray,
    shingle: int,
    parts: int,
) -> list[pl.DataFrame]:
    """`key_frames` of the block's distinct texts, truncated for the split's `totals` (distinct
    texts, short ones), cut into `parts` by key."""
    return cut(key_frames(reps(ctx, split, column, later), common, shingle, totals), parts)


def _key_frame(kind: int, keys: np.ndarray, lines: np.ndarray) -> pl.DataFrame:
    width = keys.shape[1]
    return pl.DataFrame(
        {
            "kind": np.full(keys.size, kind, dtype=np.uint8),
            "key": keys.reshape(-1),
            "line": np.repeat(lines.astype(np.int64), width),
        },
        schema=KEYS_SCHEMA,
    )


def _line_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return (lo * LINES + hi)[lo != hi]


def part_candidates(frames: list[pl.DataFrame], cap: int = BUCKET_CAP) -> np.ndarray:
    """One part of every block's `keys` put together: its candidate pairs of lines as sorted unique
    codes lo * `LINES` + hi, each kind's buckets paired as `candidates_within` pairs them."""
    frame = pl.concat([pl.DataFrame(schema=KEYS_SCHEMA), *frames]).sort("kind", "key", "line")
    cap = max(cap, 1)
    parts = []
    for kind in KINDS:
        one = frame.filter(pl.col("kind") == kind)
        parts += bucket_pairs(one["key"].to_numpy(), one["line"].to_numpy(), cap, _line_codes)
    return unique_ints(np.concatenate(parts), in_place=True) if parts else np.empty(0, dtype=np.int64)


def needed_lines(codes: np.ndarray) -> np.ndarray:
    """The lines candidate pairs (`part_candidates`' codes) name, sorted."""
    return unique_ints(np.concatenate([codes // LINES, codes % LINES]))


def texts_of(ctx: Context, split: str, column: str, lines: np.ndarray) -> pl.DataFrame:
    """`TEXTS_SCHEMA` of the block's distinct `column` texts among `lines`: their prompts, and for
    whole examples ("text") their answers and the compared text, sent only where it is neither the
    prompt and answer on two lines nor the answer alone (most rows: it doubled what a part moves)."""
    d = distinct(ctx, split, column)
    wanted = pl.DataFrame({"line": d.lines[np.isin(d.lines, lines)]}, schema={"line": pl.Int64})
    rows = ctx.valid_rows(split).select("line", compared("prompt"), compared("response"), "text")
    if column != "text":
        rows = rows.with_columns(pl.lit(None, pl.String).alias(name) for name in ("response", "text"))
    joined = _prompt_then_answer("\n")
    shape = (
        pl.when(pl.col("text").is_null() | (pl.col("text") == joined))
        .then(pl.lit(JOINED))
        .when(pl.col("text") == pl.col("response"))
        .then(pl.lit(ANSWER))
        .otherwise(pl.lit(OWN))
    )
    rows = rows.with_columns(shape.alias("shape")).with_columns(
        pl.when(pl.col("shape") == OWN).then(pl.col("text")).alias("text")
    )
    found = wanted.join(rows, on="line", how="left", maintain_order="left").select(list(TEXTS_SCHEMA))
    return found.cast(TEXTS_SCHEMA)  # type: ignore[arg-type]


def _prompt_then_answer(separator: str) -> pl.Expr:
    """A row's prompt and answer joined by `separator` (a missing one as empty): the compared text of
    most whole examples ("\\n", as the ingest writes it) and their raw text ("\\n\\n", two parts)."""
    return pl.concat_str(
        pl.col("prompt").fill_null(""), pl.col("response").fill_null(""), separator=separator
    )


def _read_texts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`line`, `norm` (the normalised `column` text, as `distinct` makes it), `prompt`, `response` and
    `has_input` of the rows `texts_of` sent. The raw text is made from the prompt and answer when
    read (`_raw_of`): kept as a column, it held every answer twice."""
    if column != "text":  # inputs: the prompt is the compared text and the raw one
        norm = normalise(frame["prompt"])
        return (
            frame.select("line", "prompt", "response")
            .with_columns(norm.alias("norm"), (norm != "").alias("has_input"))
            .select("line", "norm", "prompt", "response", "has_input")
        )
    compared = (
        pl.when(pl.col("shape") == JOINED)
        .then(_prompt_then_answer("\n"))
        .when(pl.col("shape") == ANSWER)
        .then(pl.col("response"))
        .otherwise(pl.col("text"))
    )
    return frame.select(
        "line",
        normalise(frame.select(compared.alias("compared"))["compared"]).alias("norm"),
        "prompt",
        "response",
        (normalise(frame["prompt"]) != "").alias("has_input"),
    )


def _read_part(blocks: tuple[bytes, ...], column: str) -> pl.DataFrame:
    """`_read_texts` of a side's packed texts, block by block (all of a part's texts unpacked at once
    doubled its peak), in line order."""
    read = pl.concat(
        [_read_texts(pl.DataFrame(schema=TEXTS_SCHEMA), column)]
        + [_read_texts(unpack(block), column) for block in blocks]
    )
    return read if read["line"].is_sorted() else read.sort("line")


def _raw_of(frame: pl.DataFrame, rows: np.ndarray, name: str) -> list[str]:
    """The raw texts of `rows` of a `_read_texts` frame: "prompt" its inputs, "response" its
    answers, "text" its prompt and answer in two paragraphs (a missing part empty)."""
    picked = frame.select("prompt", "response")[rows]
    if name == "text":
        return picked.select(_prompt_then_answer("\n\n"))["prompt"].to_list()
    return picked[name].fill_null("").to_list()


def verify_part(
    codes: np.ndarray,
    column: str,
    threshold: float,
    shingle: int,
    common: np.ndarray,
    terms: SetWords | None,
    whole: bool,
    n_left: int,
    *texts: bytes,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A part of the candidates (`part_candidates`' codes, left line * `LINES` + right line)
    verified on the texts of their lines (`texts_step`'s packed `texts_of` of every block; across
    two splits the first `n_left` are the left split's, the rest the right's; 0: one split, its texts
    both sides): the
    verified pairs as `near_pairs` gives them but for the inputs of two examples, one or both
    without an answer (`_inputs_apart`), those pairs with whether each has an input
    (`UNANSWERED_SCHEMA`: the driver decides them). The texts a finding quotes are fetched when it is
    made, for its rows alone (`copies.FETCH`): the texts of every paired row, brought here with the
    pairs, held 5M rows' driver past 6 GB. `whole`: whole examples with an answer part (not plain text)."""
    one = [texts[:n_left], texts[n_left:]] if n_left else [texts]
    frames = [_read_part(side, column) for side in one]
    if not n_left:
        frames.append(frames[0])
    lines = [frame["line"].to_numpy() for frame in frames]
    lo = np.searchsorted(lines[0], codes // LINES)
    hi = np.searchsorted(lines[1], codes % LINES)
    local = lo * np.int64(len(lines[1])) + hi

    def raw(name: str) -> Callable[[int, np.ndarray], list[str]]:
        """Read when asked: lists of every raw text of a part (twice inside one split) held a
        worker at 8 GB at 5M templated rows."""
        return lambda side, rows: _raw_of(frames[side], rows, name)

    has_input = [frame["has_input"].to_numpy() for frame in frames]
    unanswered = [pl.DataFrame(schema=UNANSWERED_SCHEMA)]

    def apart(kept: np.ndarray, answers: tuple[list[str], list[str]]) -> np.ndarray:
        both = unanswered_pairs(answers)
        left, right = kept[both, 0], kept[both, 1]
        columns = (lines[0][left], lines[1][right], has_input[0][left], has_input[1][right])
        unanswered.append(
            pl.DataFrame(dict(zip(UNANSWERED_SCHEMA, columns, strict=True)), schema=UNANSWERED_SCHEMA)
        )
        return np.zeros(len(kept), dtype=bool)  # decided on the driver (`near_held`)

    pairs = verify(
        (frames[0]["norm"], frames[1]["norm"]),
        (lines[0], lines[1]),
        local,
        raw,
        column,
        threshold,
        shingle,
        common=common,
        terms=terms,
        apart=apart if whole else None,
    )
    return pairs, pl.concat(unanswered)


def part_step(parts: int, *frames: pl.DataFrame) -> list[np.ndarray]:
    """A key part's task: its candidates (`part_candidates`) cut into `parts` by pair, since one pair
    may share buckets of several key parts (a second shuffle, on the pair)."""
    codes = part_candidates(list(frames))
    at = codes % parts
    return [codes[at == part] for part in range(parts)]


def pairs_step(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A pair part's task: its candidates from every key part, each once, and the lines they name."""
    unique = unique_ints(np.concatenate([np.empty(0, dtype=np.int64), *codes]), in_place=True)
    return unique, needed_lines(unique)


def texts_step(ctx: Context, split: str, column: str, needs: list[np.ndarray]) -> list[bytes]:
    """A block's task: for each part, the texts of its rows among the lines the part's pairs name,
    packed (`dataqa.engine.packed`: a row near many others is sent to many parts)."""
    found = texts_of(ctx, split, column, unique_ints(np.concatenate(needs)) if needs else np.empty(0))
    lines = found["line"]
    return [pack(found.filter(lines.is_in(pl.Series(need, dtype=pl.Int64).implode()))) for need in needs]


CLASS_SCHEMA = {"key": pl.UInt64, "line": pl.Int64}
CLASSES_SCHEMA = {"line": pl.Int64, "rep": pl.Int64}


def class_keys(ctx: Context, split: str, column: str, parts: int) -> list[pl.DataFrame]:
    """`key` (the normalised `column` text's content hash) and `line` of the block's rows with a
    non-empty normalised text, cut into `parts` by key: the map side of a shuffle that finds each
    row's class across blocks (`class_part`), as `dataqa.text.copies` does for "text"."""
    d = distinct(ctx, split, column)
    keys = pl.DataFrame(
        {"rep": d.lines, "key": content_hash(d.texts)}, schema={"rep": pl.Int64, "key": pl.UInt64}
    )
    frame = d.members.join(keys, on="rep").select("key", "line").cast(CLASS_SCHEMA)  # type: ignore[arg-type]
    at = frame["key"] % parts
    return [frame.filter(at == part) for part in range(parts)]


def class_part(*frames: pl.DataFrame) -> pl.DataFrame:
    """`line`, `rep` (the first line of its class) of the rows of a part of `class_keys` whose
    normalised text another row has."""
    rows = pl.concat([pl.DataFrame(schema=CLASS_SCHEMA), *frames])
    shared = rows.filter(pl.len().over("key") > 1)
    return shared.select("line", pl.col("line").min().over("key").alias("rep")).cast(CLASSES_SCHEMA)  # type: ignore[arg-type]


def examples_step(
    ctx: Context, split: str, later: np.ndarray, classes: pl.DataFrame, wanted: np.ndarray
) -> pl.DataFrame:
    """The block's rows of `near_duplicates._examples` (a distinct whole example's `line`, its
    input's representative `rep`, its label's `response_norm`) whose input's representative is
    `wanted`: `later`, the lines an earlier row copies ("text"); `classes`, `class_part`'s of the
    inputs (a row in none is its own input's first line)."""
    inputs = distinct(ctx, split, "prompt").members.select("line")
    inputs = inputs.join(classes, on="line", how="left").select(
        "line", pl.coalesce("rep", "line").alias("rep")
    )
    frame = (
        pl.DataFrame({"line": reps(ctx, split, "text", later).lines}, schema={"line": pl.Int64})
        .join(inputs, on="line", how="left", maintain_order="left")
        .join(
            hashes(ctx, split).select("line", "response_norm"), on="line", how="left", maintain_order="left"
        )
    )
    return frame.filter(pl.col("rep").is_in(pl.Series(wanted, dtype=pl.Int64).implode()))


def texts_at(ctx: Context, split: str, lines: np.ndarray, column: str = "text") -> pl.DataFrame:
    """`line` and the raw `column` of the block's valid rows among `lines` (what a finding quotes)."""
    wanted = pl.Series(lines, dtype=pl.Int64).implode()
    return ctx.valid_rows(split).filter(pl.col("line").is_in(wanted)).select("line", column)
