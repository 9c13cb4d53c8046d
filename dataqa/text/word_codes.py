"""Texts as strings of word codes, and what verification keeps of them between batches.

`dataqa.text.verify` scores a candidate pair by the word-level edit ratio of its two texts; rapidfuzz
computes that fast on strings, so each word becomes one character (`WordCodes`). Texts near many
others are encoded once and kept (`EncodedTexts`), as are the names and parts read from their raw
texts (`RawLooks`), within a memory bound.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.text import fields, formulas, operands, raw_parts, slots, typos
from dataqa.text.candidates import unique_ints
from dataqa.text.hashing import HASH_SEED, mix
from dataqa.text.templates import template_words


def word_counts(texts: pl.Series) -> np.ndarray:
    """Words in each normalised text (single spaces, no leading or trailing space)."""
    return (texts.str.count_matches(" ") + 1).to_numpy().astype(np.float64)


VERIFY_CACHE_WORDS = 64_000_000
"""Words of encoded texts kept between verification batches (about 128-256 MB)."""
LOOKS_CACHE_WORDS = 8_000_000
"""Words of texts whose names and parts (`raw_parts.names_and_parts`) are kept between verification
batches (a list entry per word: about 64-100 MB)."""


class WordCodes:
    """Texts as strings of one character per word, equal words equal characters, so that
    rapidfuzz's fast string path computes the edit ratio over words.

    Codes come from one table of word hashes that grows batch by batch (polars hash lookups, no
    Python loop per word). Codes skip NUL and the surrogates; past 1.1 million distinct words (far
    beyond most scans' candidates) they wrap around and a score may be slightly overstated.
    With template shingles (`common`), each text also gets its content string: the codes of its
    words but the template words (`dataqa.text.templates`), and its template marks.
    """

    LIMIT = 0x10FFFF - 0x800

    def __init__(
        self,
        common: np.ndarray | None = None,
        shingle: int = 2,
        in_use: frozenset[str] = frozenset(),
        framed: bool = False,
    ) -> None:
        self.keys = pl.Series(dtype=pl.UInt64)  # word hashes, in order of first batch
        self.codes = pl.Series(dtype=pl.UInt32)  # their codes, same order
        self.common = common if common is not None and len(common) else None
        self.shingle = shingle
        self.words: list[str] = []  # the words, same order
        self.kinds = np.empty(0, dtype=np.uint16)  # their `slots.word_kind`, same order
        self.lengths = np.empty(0, dtype=np.int64)  # their letters, same order
        self.typos: dict[int, bool] = {}  # `typos.is_typo` of word pairs asked so far, by index pair
        self.in_use = in_use  # the set's words `typos.is_typo` reads (`slots.SetWords`)
        self.framed = framed  # the set has slots (`SetWords.frames`): a typo but no slip is looked at
        self.slips: dict[int, bool] = {}  # `typos.slip` of word pairs asked so far, by index pair

    def encode(self, texts: pl.Series) -> tuple[list[str], list[str | None], list[bytes | None]]:
        """Per text: its code string, its content code string (None: no template word) and its
        template marks, a byte a word, 1 for a template word (None likewise)."""
        words = texts.str.split(" ")
        counts = words.list.len().to_numpy().astype(np.int64)
        exploded = words.explode()
        hashed = exploded.hash(HASH_SEED)
        batch = hashed.unique()
        unseen = pl.Series(np.sort(batch.filter(~batch.is_in(self.keys.implode())).to_numpy()))
        if len(unseen):
            first = len(self.keys)
            self.keys = pl.concat([self.keys, unseen], rechunk=True)
            self.codes = pl.concat(
                [self.codes, pl.int_range(first, first + len(unseen), dtype=pl.UInt32, eager=True)]
            )
            new = pl.DataFrame({"key": hashed, "word": exploded}).filter(
                pl.col("key").is_in(unseen.implode())
            )
            fresh = new.unique("key").sort("key")["word"].to_list()
            self.words.extend(fresh)
            kinds = np.fromiter(map(slots.word_kind, fresh), dtype=np.uint16, count=len(fresh))
            self.kinds = np.concatenate([self.kinds, kinds])
            self.lengths = np.concatenate([self.lengths, np.fromiter(map(len, fresh), dtype=np.int64)])
        found = hashed.replace_strict(self.keys, self.codes, return_dtype=pl.UInt32).to_numpy()
        codes = found % np.uint32(self.LIMIT) + np.uint32(1)
        codes[codes >= 0xD800] += 0x800
        joined = codes.astype("<u4").tobytes().decode("utf-32-le")
        ends = np.cumsum(counts)
        bounds = list(zip((ends - counts).tolist(), ends.tolist(), strict=True))
        full = [joined[start:end] for start, end in bounds]
        content: list[str | None] = [None] * len(full)
        marks: list[bytes | None] = [None] * len(full)
        if self.common is None or not len(codes):
            return full, content, marks
        doc = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        template = template_words(doc, mix(hashed.to_numpy()), self.common, self.shingle)
        kept = np.bincount(doc[~template], minlength=len(counts))
        template &= kept[doc] > 0  # a text of template words only is compared whole
        marked = np.bincount(doc[template], minlength=len(counts))
        where = np.flatnonzero(~template)
        flags = template.astype(np.uint8).tobytes()
        joined_content = codes[where].astype("<u4").tobytes().decode("utf-32-le")
        content_ends = np.cumsum(np.bincount(doc[where], minlength=len(counts)))
        content_starts = np.concatenate([[0], content_ends[:-1]])
        for i in np.flatnonzero(marked).tolist():
            content[i] = joined_content[int(content_starts[i]) : int(content_ends[i])]
            marks[i] = flags[bounds[i][0] : bounds[i][1]]
        return full, content, marks

    def index(self, codes: np.ndarray) -> np.ndarray | None:
        """The word (index into `words`, `kinds`) of each code; None once codes wrapped around
        (two words may share a code)."""
        if len(self.keys) >= self.LIMIT:
            return None
        codes = codes.astype(np.int64)
        return np.where(codes >= 0xE000, codes - 0x800, codes) - 1

    def typo(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """`typos.is_typo` of the words of each index pair (a, b), each distinct pair asked once in
        the scan."""
        return self._asked(self.typos, lambda x, y: typos.is_typo(x, y, self.in_use), a, b)

    def slip(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """`typos.slip` of the words of each index pair (a, b), each distinct pair asked once."""
        return self._asked(self.slips, typos.slip, a, b)

    def _asked(
        self, known: dict[int, bool], question: Callable[[str, str], bool], a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        """`question` of the words of each index pair (a, b), the answers kept in `known` by pair."""
        keys = (a.astype(np.int64) << 32) | b.astype(np.int64)
        words = self.words
        for key in set(keys.tolist()).difference(known):
            known[key] = question(words[key >> 32], words[key & 0xFFFFFFFF])
        return np.fromiter(map(known.__getitem__, keys.tolist()), dtype=bool, count=len(keys))


class EncodedTexts:
    """The `WordCodes` strings of one column's distinct texts, encoded on demand in batches and
    kept (up to `VERIFY_CACHE_WORDS` words) so that each text is encoded about once."""

    def __init__(self, texts: pl.Series, words: WordCodes) -> None:
        self.texts, self.words = texts, words
        self.strings = np.full(len(texts), None, dtype=object)
        self.content = np.full(len(texts), None, dtype=object)
        self.marks = np.full(len(texts), None, dtype=object)  # template marks (`WordCodes.encode`)
        self.kept_words = 0
        self.counts = word_counts(texts)
        self.templated = np.zeros(len(texts), dtype=bool)  # encoded texts with template words

    def get(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(code strings, content code strings) of `rows`; a text without template words is its
        own content (the same object)."""
        needed = unique_ints(rows)
        missing = needed[self.strings[needed] == None]  # noqa: E711 (element-wise comparison)
        if len(missing) and self.kept_words + self.counts[missing].sum() > VERIFY_CACHE_WORDS:
            self.strings[:] = None  # full: start again with just this batch's texts
            self.content[:] = None
            self.marks[:] = None
            self.kept_words, missing = 0, needed
        if len(missing):
            full, content, marks = self.words.encode(self.texts.gather(missing))
            self.strings[missing] = full
            self.content[missing] = [f if c is None else c for f, c in zip(full, content, strict=True)]
            held = np.full(len(missing), None, dtype=object)
            held[:] = marks
            self.marks[missing] = held
            self.templated[missing] = [c is not None for c in content]
            self.kept_words += int(self.counts[missing].sum())
        return self.strings[rows], self.content[rows]


class RawLooks:
    """`raw_parts.names_and_parts` of the rows whose raw texts `raw(side, rows)` were read, kept (up to
    `LOOKS_CACHE_WORDS` words) so that a text near many others is read once, not once per batch.
    Inside one split (`same`) both sides are one table; `asks`: the texts are inputs
    (`raw_parts.part_of_words`)."""

    def __init__(
        self,
        raw: Callable[[int, np.ndarray], list[str]],
        same: bool,
        counts: tuple[np.ndarray, np.ndarray],
        asks: bool = False,
    ) -> None:
        self.raw, self.same, self.counts, self.asks = raw, same, counts, asks
        self.found: list[dict[int, tuple[set[int] | None, list[int] | None]]] = []
        self.listed: list[dict[int, fields.Listed | None]] = []
        self.operand: list[dict[int, set[int]]] = []
        self.formula: list[dict[int, list[tuple[int, int]]]] = []
        self.kept_words = 0.0
        self._reset()

    def _reset(self) -> None:
        self.found = [{}, {}]
        self.listed = [{}, {}]
        self.operand = [{}, {}]
        self.formula = [{}, {}]
        if self.same:
            self.found[1] = self.found[0]
            self.listed[1] = self.listed[0]
            self.operand[1] = self.operand[0]
            self.formula[1] = self.formula[0]
        self.kept_words = 0.0

    def lists(self, side: int, rows: np.ndarray) -> dict[int, fields.Listed | None]:
        """`fields.text_fields` of (at least) `rows` of `side`, by row: each row's raw text read once
        (a text without a key/value list keeps only its None)."""
        listed = self.listed[side]
        missing = [row for row in unique_ints(rows).tolist() if row not in listed]
        if missing:
            texts = self.raw(side, np.array(missing, dtype=np.int64))
            listed.update(zip(missing, map(fields.text_fields, texts), strict=True))
        return listed

    def operands(self, side: int, rows: list[int], words: dict[int, list[str]]) -> dict[int, set[int]]:
        """`operands.operand_numbers` of (at least) `rows` of `side`, by row (`words`: their
        normalised words), each row's raw text read once."""
        known = self.operand[side]
        missing = sorted({row for row in rows if row not in known})
        if missing:
            texts = self.raw(side, np.array(missing, dtype=np.int64))
            for row, text in zip(missing, texts, strict=True):
                known[row] = operands.operand_numbers(text, words[row])
        return known

    def get(
        self, side: int, rows: np.ndarray, words: dict[int, list[str]]
    ) -> dict[int, tuple[set[int] | None, list[int] | None]]:
        """`names_and_parts` of (at least) `rows` of `side`, by row; `words`: their normalised words."""
        needed = unique_ints(rows)
        missing = [row for row in needed.tolist() if row not in self.found[side]]
        size = float(self.counts[side][missing].sum()) if missing else 0.0
        if self.kept_words + size > LOOKS_CACHE_WORDS:
            self._reset()  # a new table: one handed out before stays whole
            missing, size = needed.tolist(), float(self.counts[side][needed].sum())
        found, formula = self.found[side], self.formula[side]
        if missing:
            texts = self.raw(side, np.array(missing, dtype=np.int64))
            for row, text in zip(missing, texts, strict=True):
                found[row] = raw_parts.names_and_parts(text, words[row], self.asks)
                formula[row] = formulas.formula_runs(text, words[row])
            self.kept_words += size
        return found

    def formula_runs(
        self, side: int, rows: np.ndarray, words: dict[int, list[str]]
    ) -> dict[int, list[tuple[int, int]]]:
        """`formulas.formula_runs` of (at least) `rows` of `side`, by row, read with their names and
        parts (`get`, whose raw texts the second look reads next)."""
        self.get(side, rows, words)
        return self.formula[side]
