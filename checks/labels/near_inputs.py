"""What the checks of near inputs (DUP004, LBL002) read of a split beyond its near groups: the fields
of the grouped lines, the words common in the split's inputs, rows per word and label, rows per
label, and any count a check adds up over a split's blocks (`over_blocks`: LBL002's examples).
Each is computed from the rows here, or supplied by an engine that holds the split elsewhere
(`NearInputs`, the check's `HeldForm`): the same functions then run on each block of the split and
their results are put together on the driver, so both engines read the same values.

On a held split the driver holds the near groups and the fields of their lines, the common words
and the counts of the words the groups' inputs differ in: nothing per row of the split.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import polars as pl

from dataqa.checks.labels.base import split_labels
from dataqa.engine.context import Context
from dataqa.engine.parts import Parts
from dataqa.engine.registry import HeldForm, Runner
from dataqa.ingest.label_sets import compared_classes
from dataqa.text import copies, near_blocks
from dataqa.text.hashing import HASH_SEED
from dataqa.text.near_duplicates import groups_key, member_groups, pairs_key
from dataqa.text.near_held import INPUT_CLASSES, NearPairs, input_classes, parts_of
from dataqa.text.normalise import _hash_frame, distinct, normalise
from dataqa.text.templates import TEMPLATE_MIN_ROWS, TEMPLATE_SHARE

FIELDS = ("input_fields",)
"""With a split's name after it, the shared key of a function of lines giving their `line_fields`
(supplied for a held split: fetched from its blocks)."""
COMMON = ("common_prompt_words",)
"""With a split's name after it, the shared key of `common_prompt_words`."""
WORDS = ("word_labels",)
"""With a split's name after it, the shared key of a function of words giving `word_labels`."""
SIZES = ("label_sizes",)
"""With a split's name after it, the shared key of `label_sizes`."""
BLOCKS = ("on_blocks",)
"""With a split's name after it, the shared key of a function `(fn, *args)` giving `fn(ctx, split,
*args)` of each block of a held split (`over_blocks`)."""
FIELDS_SCHEMA = {
    "line": pl.Int64,
    "prompt": pl.String,
    "response": pl.String,
    "label": pl.String,
    "split_label": pl.String,
    "system_exact": pl.UInt64,
    "tools_exact": pl.UInt64,
    "prompt_norm": pl.UInt64,
    "response_norm": pl.UInt64,
    "user_turns": pl.Int64,
    "last_request": pl.String,
}
TEXT_FIELDS = ("prompt", "response", "last_request")
"""The fields of a line that are texts: on a held split they stay on the workers until asked."""
KEY_FIELDS = {name: kind for name, kind in FIELDS_SCHEMA.items() if name not in TEXT_FIELDS}
"""The other fields (numbers and labels): the driver holds them for every grouped line."""


def line_fields(ctx: Context, split: str, lines: Any) -> pl.DataFrame:
    """Per valid row among `lines` (each read from its row alone): its raw `prompt` and `response`,
    its `label` as read and as the label checks read it (`split_label`: a held-out split's label
    taken from its reply), its system prompt's and tool definitions' hashes and its normalised
    prompt's and answer's (`normalise.hashes`), and for a conversation of more than one user turn their number
    and its last user turn normalised (`user_turns`, `last_request`: what the final reply
    answers; null for one)."""
    wanted = pl.Series(np.asarray(lines, dtype=np.int64), dtype=pl.Int64).implode()
    rows = ctx.valid_rows(split).filter(pl.col("line").is_in(wanted))
    hashed = _hash_frame(rows).select("line", "system_exact", "tools_exact", "prompt_norm", "response_norm")
    labels = split_labels(ctx, split).filter(pl.col("line").is_in(wanted))
    frame = (
        rows.select("line", "prompt", "response", "label")
        .join(hashed, on="line", how="left", maintain_order="left")
        .join(labels.rename({"label": "split_label"}), on="line", how="left", maintain_order="left")
        .join(_final_requests(ctx, split, wanted), on="line", how="left", maintain_order="left")
    )
    return frame.select(list(FIELDS_SCHEMA)).cast(FIELDS_SCHEMA)  # type: ignore[arg-type]


def _final_requests(ctx: Context, split: str, wanted: pl.Expr | pl.Series) -> pl.DataFrame:
    """`line`, `user_turns`, `last_request` of the wanted lines' conversations of more than one user turn."""
    empty = pl.DataFrame(schema={"line": pl.Int64, "user_turns": pl.Int64, "last_request": pl.String})
    turns = ctx.splits[split].turns
    if turns is None or turns.is_empty():
        return empty
    users = (
        turns.filter(pl.col("line").is_in(wanted) & (pl.col("role").cast(pl.String) == "user"))
        .sort("line", "turn")
        .group_by("line", maintain_order=True)
        .agg(pl.len().alias("user_turns"), pl.col("content").last().fill_null(""))
        .filter(pl.col("user_turns") > 1)
    )
    last = normalise(users["content"])
    return pl.concat(
        [empty, users.select("line", "user_turns", last.alias("last_request")).cast(empty.schema)]  # type: ignore[arg-type]
    )


def fields(ctx: Context, split: str, lines: list[int], texts: bool = True) -> pl.DataFrame:
    """`line_fields` of the given lines: from the rows here, or from the blocks of a held split.
    `texts` False: the `KEY_FIELDS` alone, which a held split gives without fetching any text."""
    if ctx.supplied((*FIELDS, split)):
        fetch: Callable[..., pl.DataFrame] = ctx.shared((*FIELDS, split), lambda: None)
        return fetch(lines, texts)
    frame = line_fields(ctx, split, lines)
    return frame if texts else frame.select(list(KEY_FIELDS))


def fields_in_batches(ctx: Context, split: str, batches: list[list[int]]) -> Iterator[pl.DataFrame]:
    """`fields` of each batch of lines in turn: on a held split the texts of every batch are read
    in one sweep over the blocks' parts (`parts.Parts.sweep`), not every part for every batch."""
    if ctx.supplied((*FIELDS, split)):
        fetched: _Fetched = ctx.shared((*FIELDS, split), lambda: None)
        yield from fetched.sweep(batches)
        return
    for lines in batches:
        yield line_fields(ctx, split, lines)


def over_blocks(ctx: Context, split: str, fn: Callable[..., Any], *args: Any) -> list[Any]:
    """`fn(ctx, split, *args)` on the split here (one result), or on each block of a held split (a
    result per block, in block order): what the caller adds up is the split's."""
    if ctx.supplied((*BLOCKS, split)):
        return ctx.shared((*BLOCKS, split), lambda: None)(fn, *args)
    return [fn(ctx, split, *args)]


def word_docs(texts: pl.Series) -> pl.DataFrame:
    """`word`, `docs`: in how many of the distinct normalised `texts` each word is."""
    words = texts.str.split(" ").list.unique().explode().drop_nulls()
    counts = words.value_counts(name="docs")
    return counts.rename({counts.columns[0]: "word"}).cast({"word": pl.String, "docs": pl.Int64})


def common_need(n: int) -> int:
    """How many of `n` distinct inputs a word must be in to be common (`common_prompt_words`)."""
    return max(TEMPLATE_MIN_ROWS, math.ceil(TEMPLATE_SHARE * n))


def common_prompt_words(ctx: Context, split: str) -> frozenset[str]:
    """Words in at least `templates.TEMPLATE_SHARE` of a split's distinct inputs (and in
    `TEMPLATE_MIN_ROWS` of them): how the set asks ("what", "there", "the"), not what."""

    def local() -> frozenset[str]:
        texts = distinct(ctx, split, "prompt").texts
        counts = word_docs(texts)
        return frozenset(counts.filter(pl.col("docs") >= common_need(len(texts)))["word"].to_list())

    return ctx.shared((*COMMON, split), local)


def word_label_rows(ctx: Context, split: str, words: list[str]) -> pl.DataFrame:
    """`w`, `label`, `len`: rows of the split of each class (`label_sets.compared_classes`: the label,
    or each class of a multi-label row's set) whose input has the word, for `words`."""
    rows = ctx.valid_rows(split)
    frame = pl.DataFrame(
        [normalise(rows["prompt"]).str.split(" ").list.unique().alias("w"), rows["label"].cast(pl.String)]
    )
    return (
        frame.explode("w")
        .filter(
            pl.col("w").is_in(pl.Series(words, dtype=pl.String).implode()) & pl.col("label").is_not_null()
        )
        .group_by("w", "label")
        .len()
        .cast({"len": pl.Int64})
        .pipe(_per_class)
    )


def _per_class(frame: pl.DataFrame) -> pl.DataFrame:
    """`w`, `label`, `len` of rows counted per label, counted per class of each label instead."""
    schema = {"w": pl.String, "label": pl.String, "len": pl.Int64}
    rows = [(w, c, n) for w, label, n in frame.iter_rows() for c in compared_classes(label)]
    return pl.DataFrame(rows, schema=schema, orient="row").group_by("w", "label").agg(pl.col("len").sum())


def _by_word(frame: pl.DataFrame) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for word, label, rows in frame.sort("w", "label").iter_rows():
        out.setdefault(word, {})[label] = rows
    return out


def word_labels(ctx: Context, split: str, words: set[str]) -> dict[str, dict[str, int]]:
    """word -> {class: rows of the split of that class whose input has the word}, for `words`."""
    wanted = sorted(words)
    if ctx.supplied((*WORDS, split)):
        fetch: Callable[[list[str]], pl.DataFrame] = ctx.shared((*WORDS, split), lambda: None)
        return _by_word(fetch(wanted))
    return _by_word(word_label_rows(ctx, split, wanted))


def label_counts(ctx: Context, split: str) -> Counter[str]:
    """Rows per class (`compared_classes` of the labels as the label checks read them) of the split,
    or of a block of it."""
    counts: Counter[str] = Counter()
    for label, rows in split_labels(ctx, split).group_by("label").len().iter_rows():
        for c in compared_classes(str(label)):
            counts[c] += rows
    return counts


def label_sizes(ctx: Context, split: str) -> dict[str, int]:
    """Rows per class of the split (`label_counts`)."""
    return ctx.shared((*SIZES, split), lambda: dict(label_counts(ctx, split)))


def input_reps(ctx: Context, split: str, lines: list[int]) -> dict[int, int]:
    """line -> its input's representative (the first line of its normalised input) for the given
    lines that have an input another row shares or that are their own (a held split: only the
    former; a line missing is its own)."""
    wanted = pl.Series(lines, dtype=pl.Int64).implode()
    if ctx.splits[split].elsewhere is not None and ctx.supplied((*INPUT_CLASSES, split)):
        classes = input_classes(ctx, split)
    else:
        classes = distinct(ctx, split, "prompt").members
    return dict(classes.filter(pl.col("line").is_in(wanted)).select("line", "rep").iter_rows())


# The steps on a held split's blocks and on the parts of their shuffles.


def _word_parts(ctx: Context, split: str, later: np.ndarray, parts: int) -> list[Any]:
    """A block's distinct inputs (those no earlier row has), their number first, then their
    `word_docs` cut into `parts` by word."""
    d = near_blocks.reps(ctx, split, "prompt", later)
    docs = word_docs(d.texts)
    at = docs["word"].hash(HASH_SEED) % parts
    return [d.size, *[docs.filter(at == part) for part in range(parts)]]


def _common_part(need: int, *frames: pl.DataFrame) -> list[str]:
    """A part of every block's `word_docs` summed: its words in `need` distinct inputs or more."""
    docs = pl.concat([pl.DataFrame(schema={"word": pl.String, "docs": pl.Int64}), *frames])
    summed = docs.group_by("word").agg(pl.col("docs").sum())
    return summed.filter(pl.col("docs") >= need)["word"].to_list()


def _label_counts(ctx: Context, split: str) -> Counter[str]:
    return label_counts(ctx, split)


class NearInputs(HeldForm):
    """DUP004's and LBL002's form on a split held in blocks: its near pairs of the inputs and of the whole
    examples (`near_held.NearPairs`, at the `options` of each, read from the scan's configuration)
    and the near groups they make with the classes of copies; `line_fields` of the lines of the
    inputs' groups fetched from the blocks in one round when first asked; the words common in the
    distinct inputs (each block's counts cut by word, a task per part sums them); rows per word and
    label, and per label, summed over blocks; a step of the check's own on every block
    (`over_blocks`). Each value is supplied once per split, by the first check's form."""

    groupings = (copies.GROUPING,)

    def __init__(self, options: Callable[[Context], list[tuple[str, float, int]]]) -> None:
        self.options = options
        """(column, threshold, shingle) of each near grouping the check reads; the inputs' ("prompt")
        lines are the ones it asks the fields of."""

    def applies(self, ctx: Context, split: str) -> bool:
        return True

    def supplied(self, ctx: Context, split: str) -> bool:
        keys = [groups_key(split, *one) for one in self.options(ctx)]
        return all(ctx.supplied(key) for key in [*keys, (*FIELDS, split)])

    def supply(self, ctx: Context, split: str, runner: Runner) -> None:
        for column, threshold, shingle in self.options(ctx):
            NearPairs(threshold, shingle).supply(ctx, split, runner)
            key = groups_key(split, column, threshold, shingle)
            if not ctx.supplied(key):
                ctx.supply(key, functools.partial(self._groups, ctx, split, column, threshold, shingle))
        prompt = next(one for one in self.options(ctx) if one[0] == "prompt")
        made = {
            FIELDS: lambda: _Fetched(ctx, runner, split, groups_key(split, *prompt)),
            COMMON: functools.partial(self._common, ctx, split, runner),
            WORDS: lambda: functools.partial(_gathered_words, runner),
            SIZES: lambda: dict(sum(_mapped(runner, _label_counts), Counter())),
            BLOCKS: lambda: functools.partial(_mapped, runner),
        }
        for key, factory in made.items():  # the first check's form: another's may ask for other lines
            if not ctx.supplied((*key, split)):
                ctx.supply((*key, split), factory)

    def _classes(self, ctx: Context, split: str, column: str) -> pl.DataFrame:
        """`line`, `rep` of the rows whose normalised `column` text another row has: the copies'
        classes of "text", the inputs' own shuffle's of "prompt"."""
        if column == "prompt":
            return input_classes(ctx, split)
        rows = copies.of_split(ctx, split).filter(pl.col("norm").is_not_null())
        return rows.select("line", pl.col("line").min().over("norm").alias("rep"))

    def _groups(
        self, ctx: Context, split: str, column: str, threshold: float, shingle: int
    ) -> list[list[int]]:
        pairs = ctx.shared(pairs_key(split, split, column, threshold, shingle), lambda: None)
        return member_groups(self._classes(ctx, split, column), pairs)

    def _common(self, ctx: Context, split: str, runner: Runner) -> frozenset[str]:
        classes = self._classes(ctx, split, "prompt")
        later = classes.filter(pl.col("line") != pl.col("rep"))["line"].to_numpy()
        parts = parts_of(ctx, split)
        made = runner.blocks(_word_parts, [(later, parts)] * len(runner), returns=parts + 1)
        need = common_need(sum(runner.get([handles[0] for handles in made])))
        found = [runner.task(_common_part, need, *[h[1 + p] for h in made])[0] for p in range(parts)]
        return frozenset(word for words in runner.get(found) for word in words)


def _mapped(runner: Runner, step: Callable[..., Any], *args: Any) -> list[Any]:
    """`step(ctx, split, *args)` of every block, in block order."""
    return runner.get([h[0] for h in runner.blocks(step, [args] * len(runner))])


def _gathered_words(runner: Runner, words: list[str]) -> pl.DataFrame:
    """`word_label_rows` of every block, summed."""
    got = _mapped(runner, word_label_rows, words)
    schema = {"w": pl.String, "label": pl.String, "len": pl.Int64}
    frame = pl.concat([pl.DataFrame(schema=schema), *got])
    return frame.group_by("w", "label").agg(pl.col("len").sum())


def _joined(keys: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """The key fields of some lines with their texts (`line_fields`' columns)."""
    whole = keys.join(texts, on="line", how="left", maintain_order="left")
    return whole.select(list(FIELDS_SCHEMA)).cast(FIELDS_SCHEMA)  # type: ignore[arg-type]


def _parted_fields(ctx: Context, split: str, lines: np.ndarray) -> list[pl.DataFrame]:
    """A block's `line_fields` of the given lines, in two: the keys (`KEY_FIELDS`), then the texts."""
    frame = line_fields(ctx, split, lines)
    return [frame.select(list(KEY_FIELDS)), frame.select("line", *TEXT_FIELDS)]


class _Fetched:
    """`line_fields` of a held split's lines, fetched from its blocks: on the first call those of
    every line of the inputs' groups (`key`) in one round, then only lines not among them. The
    driver keeps the keys of those lines (`KEY_FIELDS`); their texts stay in the object store
    (`parts.Parts`), fetched for the lines of each call: a million-row chat set groups ~400k lines,
    whose texts are gigabytes."""

    def __init__(self, ctx: Context, runner: Runner, split: str, key: tuple) -> None:
        self.ctx, self.runner, self.split, self.key = ctx, runner, split, key
        self.keys: pl.DataFrame | None = None
        schema = {"line": pl.Int64, **{c: FIELDS_SCHEMA[c] for c in TEXT_FIELDS}}
        self.texts = Parts(runner.get, schema, task=runner.task)
        self._lock = threading.Lock()  # two checks' forms may ask at once

    def _round(self, lines: np.ndarray) -> pl.DataFrame:
        made = self.runner.blocks(_parted_fields, [(lines,)] * len(self.runner), returns=2)
        keys = self.runner.get([handles[0] for handles in made])
        for frame, handles in zip(keys, made, strict=True):
            self.texts.add(self.split, frame["line"].to_numpy(), handles[1])
        return pl.concat([pl.DataFrame(schema=KEY_FIELDS), *keys]).sort("line")

    def __call__(self, lines: list[int], texts: bool = True) -> pl.DataFrame:
        with self._lock:
            wanted = np.unique(np.asarray(lines, dtype=np.int64))
            keys = self._keys(wanted)
            if not texts:
                return keys
            return _joined(keys, self.texts.get(self.split, wanted))

    def sweep(self, batches: list[list[int]]) -> Iterator[pl.DataFrame]:
        """`self(lines)` of each batch in turn: the keys of every batch's lines fetched first, the
        texts in one sweep over the parts (`Parts.sweep`)."""
        wanted = [np.unique(np.asarray(lines, dtype=np.int64)) for lines in batches]
        with self._lock:
            every = np.unique(np.concatenate(wanted)) if wanted else np.zeros(0, dtype=np.int64)
            keys = self._keys(every)
        for lines, found in zip(wanted, self.texts.sweep(self.split, wanted), strict=True):
            asked = pl.col("line").is_in(pl.Series(lines, dtype=pl.Int64).implode())
            yield _joined(keys.filter(asked), found)

    def _keys(self, wanted: np.ndarray) -> pl.DataFrame:
        if self.keys is None:
            groups = self.ctx.shared(self.key, lambda: [])
            grouped = np.unique(np.asarray([line for group in groups for line in group], dtype=np.int64))
            self.keys = self._round(np.union1d(grouped, wanted))
        missing = np.setdiff1d(wanted, self.keys["line"].to_numpy())
        if len(missing):  # a line of no group (or not a valid row: asked again, found again nowhere)
            self.keys = pl.concat([self.keys, self._round(missing)]).unique("line").sort("line")
        return self.keys.filter(pl.col("line").is_in(pl.Series(wanted, dtype=pl.Int64).implode()))
