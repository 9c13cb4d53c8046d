"""What many rows of a data set share: template shingles, and the content words left once they are discounted.

A preamble on every record, a tool description at the top of each instruction or the fixed words
of a slot-filled template ("What does the reference say about {topic}?") are shared by many rows;
near-duplicate search must weigh what differs, not what all rows say. A word shingle is a
*template shingle* when it is found in at least `TEMPLATE_SHARE` of a split's distinct texts
(and in at least `TEMPLATE_MIN_ROWS` of them); a word is a *template word* when every shingle
covering it is one. The MinHash sketches leave template shingles out (which also removes the
giant LSH buckets that every templated row fell into), and verification compares the *content*
words, the rest (`dataqa.text.verify`).

Template shingles are counted on a fixed sample of each split's distinct texts (`TEMPLATE_SAMPLE`)
and the sets of all splits are united, so that every split's sketches leave out the same shingles
and cross-split candidates stay comparable.

The same sample tells the words a data set writes only beside one other (`set_words`): with
that neighbour they make another name or term ("garching forschungszentrum" beside "garching"),
so on a short text adding one decides (`dataqa.text.slots.compare`).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.text.candidates import unique_ints
from dataqa.text.hashing import GOLDEN, HASH_SEED, mix
from dataqa.text.normalise import distinct
from dataqa.text.set_words import FRAME_TEXTS, FRAME_WORDS, SetWords, frame

TEMPLATE_SHARE = 0.01
"""A shingle in at least this share of a split's distinct texts is a template shingle."""
TEMPLATE_MIN_ROWS = 10
"""... and in at least this many of them: in a small set a few rows sharing a passage are a
near-duplicate group, not a template."""
TEMPLATE_SAMPLE = 20_000
"""Distinct texts per split whose shingles are counted (evenly spaced): 200 sample rows make the
1 % share, so the estimate is steady and costs the same at a million rows as at 20,000."""


def word_table(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """(document index, mixed 64-bit hash) of every word of each normalised text, in order."""
    words = pl.DataFrame({"t": texts.fill_null("")}).select(pl.col("t").str.split(" "))
    counts = words["t"].list.len().to_numpy().astype(np.int64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    h = words["t"].explode().hash(HASH_SEED).to_numpy()
    return doc, mix(h, out=h if h.flags.writeable else None)


def shingle_starts(doc: np.ndarray, h: np.ndarray, shingle: int) -> tuple[np.ndarray, np.ndarray]:
    """(hash, valid) of the `shingle`-word window starting at each word (`word_table`'s arrays):
    `valid` is False where the window runs past its text's end. With `shingle` <= 1, the words."""
    if shingle <= 1:
        return h, np.ones(len(h), dtype=bool)
    n = len(h)
    m = max(n - shingle + 1, 0)
    with np.errstate(over="ignore"):
        acc = h[:m].copy()
        valid = np.ones(m, dtype=bool)
        for j in range(1, shingle):  # polynomial over mixed word hashes, mixed once at the end
            acc = acc * GOLDEN + h[j : m + j]
            valid &= doc[j : m + j] == doc[:m]
        acc = mix(acc, out=acc)
    pad = n - m
    return np.concatenate([acc, np.zeros(pad, np.uint64)]), np.concatenate([valid, np.zeros(pad, bool)])


TABLE_SLOTS = 1 << 20
"""Most slots of `in_sorted`'s table (8 MB of uint64): a sorted array of up to an eighth of this
is looked up by table, a larger one by binary search."""


def in_sorted(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of `values` is in the sorted unique array `sorted_values`.

    Many 64-bit hashes against a few (a split's shingles against its template shingles, a chunk's
    words against the filler words) are looked up in a table by their low bits, the binary search
    kept for the values whose slot several of `sorted_values` share: the search was a fifth of
    DUP003's samples at 300k rows (`benchmarks/scan.md`). The hashes are mixed, so low bits spread."""
    if not len(sorted_values) or not len(values):
        return np.zeros(len(values), dtype=bool)
    slots = 1 << max(4, (8 * len(sorted_values) - 1).bit_length())
    if slots > TABLE_SLOTS or len(values) < slots or not (sorted_values.dtype == values.dtype == np.uint64):
        return _searched(sorted_values, values)
    mask = np.uint64(slots - 1)
    own = (sorted_values & mask).view(np.int64)
    # An empty slot holds a value of another slot's low bits, which no value of its own equals.
    table = np.arange(slots, dtype=np.uint64) ^ np.uint64(1)
    table[own] = sorted_values
    shared = np.bincount(own, minlength=slots) > 1
    slot = (values & mask).view(np.int64)
    found = table[slot] == values
    again = np.flatnonzero(shared[slot])
    if len(again):
        found[again] = _searched(sorted_values, values[again])
    return found


def _searched(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def template_words(doc: np.ndarray, h: np.ndarray, templates: np.ndarray, shingle: int) -> np.ndarray:
    """Per word (`word_table`'s arrays): whether every shingle covering it is a template shingle.

    A word no full shingle covers (a text shorter than `shingle` words) is content."""
    n = len(h)
    if not len(templates) or not n:
        return np.zeros(n, dtype=bool)
    g, valid = shingle_starts(doc, h, shingle)
    template = valid & in_sorted(templates, g)
    content = valid & ~template
    k = max(shingle, 1)
    # Windows starting at i-k+1 .. i cover word i: count the content and the valid ones among them.
    c_content = np.concatenate([[0], np.cumsum(content)])
    c_valid = np.concatenate([[0], np.cumsum(valid)])
    hi = np.arange(1, n + 1)
    lo = np.maximum(hi - k, 0)
    covering = c_valid[hi] - c_valid[lo]
    return (covering > 0) & (c_content[hi] - c_content[lo] == 0)


SAMPLE = "templates", "sample"
"""The shared key (with the split and column after it) of a split's sample (`sampled`): an engine
that holds the split's rows elsewhere supplies it (`Context.supply`, `dataqa.text.near_blocks`)."""


def sample_at(n: int) -> np.ndarray | None:
    """The indices, among a split's `n` distinct texts in line order, of its sample: evenly spaced
    `TEMPLATE_SAMPLE` of them; None for all of them. What an engine gathers from blocks too."""
    return np.linspace(0, n - 1, TEMPLATE_SAMPLE).astype(np.int64) if n > TEMPLATE_SAMPLE else None


def sampled(ctx: Context, split: str, column: str) -> tuple[pl.Series, int]:
    """(the sample of a split's distinct `column` texts (`sample_at`), how many distinct texts
    the split has), once per scan, under the "templates" family."""

    def build() -> tuple[pl.Series, int]:
        texts = distinct(ctx, split, column).texts
        at = sample_at(len(texts))
        return (texts if at is None else texts.gather(at)), len(texts)

    return ctx.shared((*SAMPLE, split, column), build)


def _sample(ctx: Context, split: str, column: str, share: float) -> tuple[pl.Series, int] | None:
    """(the evenly spaced `TEMPLATE_SAMPLE` of a split's distinct `column` texts, the texts in
    which a shingle or word must be found to be shared by `share` of them); None for a split of
    fewer than `TEMPLATE_MIN_ROWS` texts."""
    texts, n = sampled(ctx, split, column)
    if n < TEMPLATE_MIN_ROWS:
        return None
    sample = len(texts)
    return texts, max(TEMPLATE_MIN_ROWS if sample == n else 0, math.ceil(share * sample))


def _split_templates(ctx: Context, split: str, column: str, shingle: int) -> np.ndarray:
    """Sorted template shingle hashes of one split's distinct `column` texts (see the module doc)."""
    sampled = _sample(ctx, split, column, TEMPLATE_SHARE)
    if sampled is None:
        return np.empty(0, dtype=np.uint64)
    texts, need = sampled
    doc, h = word_table(texts)
    g, valid = shingle_starts(doc, h, shingle)
    frame = pl.DataFrame({"doc": doc[valid], "g": g[valid]}).unique()
    counts = frame.group_by("g").agg(pl.len().alias("rows")).filter(pl.col("rows") >= need)
    return unique_ints(counts["g"].to_numpy().astype(np.uint64))


def templates(ctx: Context, column: str, shingle: int) -> np.ndarray:
    """Sorted template shingle hashes of a column: those of every split, united. Once per scan."""

    def build() -> np.ndarray:
        parts = [_split_templates(ctx, name, column, shingle) for name in ctx.splits]
        return unique_ints(np.concatenate(parts)) if parts else np.empty(0, dtype=np.uint64)

    return ctx.shared(("templates", column, shingle), build)


VOCABULARY_MIN_TEXTS = 20
"""Distinct training texts `template_vocabulary` needs (the text space keeps every word of fewer)."""


def template_vocabulary(ctx: Context, column: str = "prompt") -> frozenset[str]:
    """Words in more than half of the training split's distinct `column` texts (the template
    shingles' sample), the share over which the text space drops a word as too common: a template's
    fixed instructions, the tool list every prompt repeats. What two texts share there says nothing
    of whether they ask the same thing (COV005: how long an input is; LEAK004: whether a held-out
    prompt is a training one with other numbers)."""

    def build() -> frozenset[str]:
        sampled = _sample(ctx, "train", column, 0.5) if "train" in ctx.splits else None
        if sampled is None or len(sampled[0]) < VOCABULARY_MIN_TEXTS:
            return frozenset()
        texts = sampled[0]
        counts = texts.str.split(" ").list.unique().explode().value_counts(sort=False, name="rows")
        return frozenset(counts.filter(pl.col("rows") * 2 > len(texts))[counts.columns[0]].to_list())

    return ctx.shared(("template_vocabulary", column), build)


BOUND_SHARE = 0.8
"""A word written beside one neighbour in at least this share of its occurrences is bound to it."""
TERM_SHARE = 0.1
"""... when the two together are at least this share of the neighbour's occurrences too: a common
reading of it ("garching forschungszentrum", a third of "garching"), not a word bound to "of" or
"as" ("type of", "roleplaying as"), which say how something is asked, not what."""


def _word_ids(texts: pl.Series) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """(the distinct words of `texts`, each word's index in them, in order, and its text's index)."""
    split = texts.fill_null("").str.split(" ")
    counts = split.list.len().to_numpy()
    flat = split.explode()
    vocab = flat.unique()
    index = pl.DataFrame({"w": vocab, "id": np.arange(len(vocab), dtype=np.int64)})
    ids = pl.DataFrame({"w": flat}).join(index, on="w", how="left", maintain_order="left")["id"].to_numpy()
    return vocab, ids, np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def _bound_words(
    vocab: pl.Series, ids: np.ndarray, doc: np.ndarray
) -> dict[str, tuple[str | None, str | None]]:
    """word -> (the neighbour it is bound to on its left, on its right; None where it is not): the
    words of the sampled texts (`_word_ids`: `vocab`, `ids`, `doc`) found `TEMPLATE_MIN_ROWS` times or
    more, nearly always (`BOUND_SHARE`) beside one word that also stands without them, and often
    enough to be a common reading of it (`TERM_SHARE`). Such a word makes, with its neighbour,
    another name or term of the data set ("garching" / "garching forschungszentrum", two stations;
    "w kolejności" / "w odwrotnej kolejności", in order / in reverse order)."""
    size = np.int64(len(vocab))
    seen = np.bincount(ids, minlength=len(vocab))
    inside = np.flatnonzero(doc[1:] == doc[:-1])  # word `inside + 1` follows word `inside`
    if not len(inside):  # one word a text: no neighbours
        return {}
    words = vocab.to_list()
    out: dict[str, list[str | None]] = {}
    for at, (own, other) in enumerate(((inside + 1, inside), (inside, inside + 1))):  # left, right
        key = np.sort(ids[own] * size + ids[other])
        starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        together = np.diff(np.append(starts, len(key)))
        word, neighbour = key[starts] // size, key[starts] % size
        n, alone = seen[word], seen[neighbour]
        bound = (n >= TEMPLATE_MIN_ROWS) & (together >= BOUND_SHARE * n)
        bound &= (alone >= together / BOUND_SHARE) & (together >= TERM_SHARE * alone)
        for w, beside in zip(word[bound].tolist(), neighbour[bound].tolist(), strict=True):
            out.setdefault(words[w], [None, None])[at] = words[beside]
    return {word: (left, right) for word, (left, right) in out.items()}


IN_USE_LETTERS = 4
"""Words this long or longer are the ones `typos.is_typo` forgives a letter in."""


def _in_use(vocab: pl.Series, ids: np.ndarray, doc: np.ndarray) -> frozenset[str]:
    """The words of `IN_USE_LETTERS` letters or more (no digit) found in two or more of the sampled
    texts (`_word_ids`: `vocab`, `ids`, `doc`)."""
    # the (text, word) pairs of the long words only, made distinct by hashing (12M words in 40k
    # sampled chat examples took seconds to sort)
    long = (vocab.str.len_chars() >= IN_USE_LETTERS).fill_null(False).to_numpy()[ids]
    pairs = pl.DataFrame({"doc": doc[long], "id": ids[long]}).unique()["id"].to_numpy()
    texts = np.bincount(pairs, minlength=len(vocab))
    words = vocab.to_list()
    return frozenset(
        words[i]
        for i in np.flatnonzero(texts >= 2).tolist()
        if len(words[i]) >= IN_USE_LETTERS and not any(c.isdigit() for c in words[i])
    )


def _frames(texts: pl.Series) -> frozenset[str]:
    """The frames (`set_words.frame`: a text with one word left out) that `FRAME_TEXTS` or more of
    the sampled distinct texts of at most `FRAME_WORDS` words write, each with its own word in
    the slot: the slots the data set fills with many words ("what is a _")."""
    short = texts.filter(texts.str.count_matches(" ") < FRAME_WORDS).unique()
    counts: Counter[str] = Counter()
    for text in short.to_list():
        words = text.split(" ")
        if len(words) > 1:
            counts.update(frame(words, at) for at in range(len(words)))
    return frozenset(key for key, n in counts.items() if n >= FRAME_TEXTS)


def set_words(ctx: Context, column: str) -> SetWords | None:
    """What verification reads of the data set's words (`slots.SetWords`), from the distinct `column`
    texts of the template shingles' sample, across splits: its bound words (`_bound_words`), and the
    words of `IN_USE_LETTERS` letters or more (no digit) found in two or more of them (`_in_use`).
    Two such words two letters apart are two words the set uses ("baseball" / "basketball",
    "szczecin" / "szczecinek"), not a typo. None when no split has `TEMPLATE_MIN_ROWS` texts. Once
    per scan, from one table of the sample's words."""

    def build() -> SetWords | None:
        frames = [sampled[0] for name in ctx.splits if (sampled := _sample(ctx, name, column, 0)) is not None]
        if not frames:
            return None
        # Words as numbers (`_word_ids`): 40k sampled whole chat examples are ~12M words, whose
        # neighbours as strings took ~1.2 GB while counted, as numbers ~0.5 GB.
        texts = pl.concat(frames)
        vocab, ids, doc = _word_ids(texts)
        return SetWords(_bound_words(vocab, ids, doc), _in_use(vocab, ids, doc), _frames(texts))

    # Under the "templates" family: every check that reads the template shingles holds it.
    return ctx.shared(("templates", "words", column), build)
