# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL003 degenerate-text: targets that loop one phrase or hold one or two characters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import polars as pl

from dataqa.checks.quality.common import record_findings, targets
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.naming import field_name
from dataqa.text.markup import is_code_text, masked_column
from dataqa.text.redaction import snippet

_NOT_PROSE_RE = re.compile(r"[\s0-9]*[0-9][\s0-9]*[0-9][\s0-9]*")
"""Digits only (a binary number, a digit string asked for): few distinct characters, but data."""


def is_markup_text(text: str, share: float = 0.6) -> bool:
    """Whether a text is markup as a whole (HTML, XML): at least `share` of its non-blank lines are tags."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return len(lines) >= 3 and sum(1 for line in lines if line[0] == "<" and line[-1] == ">") >= share * len(
        lines
    )


def is_grid_text(text: str, share: float = 0.6) -> bool:
    """Whether a text is a grid as a whole (a table, a truth table, a letter puzzle, a tune's notes):
    at least `share` of its non-blank lines (three or more) are rows, a markdown table's row ("| a |
    b |") or two or more cells most of which are one character or two that are not a word ("T t f f",
    "A a g g a", "F# E D")."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return len(lines) >= 3 and sum(map(is_row, lines)) >= share * len(lines)


def is_row(line: str) -> bool:
    """Whether a line is a row of cells: a markdown table's, or two or more cells most of which are one
    character or two that are not a word (`_is_cell`)."""
    if line.startswith("|") and line.endswith("|"):
        return True
    cells = line.split()
    return len(cells) > 1 and sum(map(_is_cell, cells)) >= 0.75 * len(cells)


def _is_cell(token: str) -> bool:
    """A cell of one character, or of two that are not both letters ("T", "F#", "0,", "->"; not "is")."""
    return len(token) == 1 or (len(token) == 2 and not token.isalpha())


_HEADER_RE = re.compile(r"[#*\s]*([^\n]{1,60}?)[*\s]*[:：][*\s]*|#+[ \t]+([^\n]{1,60})")
"""A line that heads a record: a short label ending in a colon ("Monday:", "Request 2:", "**Step 1:**")
or a markdown heading."""


def records(text: str) -> list[str]:
    """The records of a text whose lines head two or more blocks under distinct labels (the days of a
    schedule, three sample requests), each block's text; else the whole text as one."""
    blocks: list[list[str]] = [[]]
    heads = []
    for line in text.split("\n"):
        m = _HEADER_RE.fullmatch(line.strip())
        if m and len(line.split()) <= 6:
            heads.append((m.group(1) or m.group(2)).strip().lower())
            blocks.append([])
        else:
            blocks[-1].append(line)
    if len(heads) < 2 or len(set(heads)) < len(heads):
        return [text]
    return ["\n".join(block) for block in blocks]


def record_repetition(text: str) -> float:
    """The repetition ratio of a text, or of its most repetitive record when it is made of records
    under distinct labels (`records`): fields repeated from one record to the next (a schedule's
    same hours each day, a host header in each request) are the records' shape, a loop repeats
    within one."""
    return max(map(repetition_ratio, records(text)))


def repetition_ratio(text: str, n: int = 4) -> float:
    """Share of the text's word n-grams that repeat an earlier one (0: none, near 1: one phrase looped).

    Words are the lower-cased whitespace-separated tokens (fast, and a loop repeats its tokens exactly).
    """
    words = text.lower().split()
    if len(words) < n + 1:
        return 0.0
    grams = list(zip(*(words[i:] for i in range(n)), strict=False))
    return 1.0 - len(set(grams)) / len(grams)


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|\s*\n\s*")
"""Where a sentence (or a line) ends."""
_ENDS = r"[.!?。！？\n]"
"""A sentence end, for the vectorised bound of `looped_sentence`."""


def looped_sentence(text: str, times: int, min_letters: int = 5) -> tuple[str, int] | None:
    """The sentence (or line) a text says `times` times or more in a row, and how many times, or None.

    A generation that degenerates loops on one sentence at its end ("Thank you. Thank you. …",
    "希望对你有帮助。" again and again) after a normal first half: the whole text's repetition ratio
    stays low, the run of one sentence does not. A sentence needs `min_letters` letters ("end" or
    "Yes." lines in a list, a grid's cells are no loop)."""
    best: tuple[str, int] | None = None
    run, previous = 0, None
    for part in _SENTENCE_END.split(text):
        unit = " ".join(part.lower().split())
        if not unit:
            continue
        run = run + 1 if unit == previous else 1
        previous = unit
        if run >= times and (best is None or run > best[1]) and sum(c.isalpha() for c in unit) >= min_letters:
            best = (part.strip(), run)
    return best


STATS_ROWS = 4_000
"""Rows whose word lists are built at once (QUAL003): bounds the memory of the lists, and lists this
small stay in cache (measured: 10-20 % less CPU than 20,000 rows at a time)."""


@register
@dataclass
class DegenerateText(Check):
    """A target is degenerate: one phrase or n-gram looped many times, or a run of one or two characters.

    Why: a model learns to loop from looping targets; toy chat sets contain answers that repeat one
    sentence two thousand times, and broken generations end in "hahahaha…" or "!!!!!!!!".
    Example: "Thank you for your order. Thank you for your order. Thank you for your order. …"
    Fix: cut the repeated part or regenerate the answer. The repetition ratio is the share of the
    target's word 4-grams that repeat an earlier one (prose is near 0; lists and code stay low).
    Code is masked in fenced blocks; unfenced code and markup, whose rows and cells repeat by
    design, must pass the higher `max-code-repetition`.
    """

    id = "QUAL003"
    shares = frozenset({"quality.messages"})
    name = "degenerate-text"
    family = "quality"
    scope = RECORD
    severity = Severity.WARNING
    max_repetition: float = ranged(0.5, low=0, high=1)
    """Highest acceptable repetition ratio (share of repeated word 4-grams)."""
    max_code_repetition: float = ranged(0.8, low=0, high=1)
    """Highest acceptable repetition ratio of a target that is unfenced code or markup, whose rows,
    cells and cases repeat by design (the six rows of a grid the prompt asked for)."""
    min_words: int = ranged(30, low=0)
    """Texts shorter than this are not judged on repetition."""
    min_chars: int = ranged(20, low=1)
    """Texts with fewer non-space characters are not judged on character diversity."""
    loop_times: int = ranged(8, low=2)
    """A sentence said this many times in a row is a loop, whatever the rest of the text holds."""

    def candidates(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows of `frame` (with `content`) that may be degenerate, with `masked`, `words` and
        `distinct` (the lower-cased whitespace tokens of the masked text and how many differ).

        A vectorised bound: the rows it drops provably have too few words, too many distinct words
        for `max_repetition`, or more than two distinct words.
        """
        if "masked" not in frame.columns:
            frame = frame.with_columns(masked_column(frame))
        # Whitespace tokens, as `repetition_ratio` splits them. Runs of blanks leave empty tokens:
        # they are counted and subtracted rather than filtered out, which would copy every list.
        tokens = pl.col("masked").str.to_lowercase().str.replace_all(r"[\t\n\r\f\v]", " ").str.split(" ")
        empty = pl.col("_empty")
        # Each word type's first use starts a new 4-gram, so distinct words <= distinct 4-grams + 3:
        # a text whose distinct-word share is above the bound cannot be over `max_repetition`.
        bound = (1 - self.max_repetition) + 4 / pl.max_horizontal(pl.col("words"), 1)
        # In slices: the token lists of a whole split would cost several times its text. Each step
        # is a column of its own (in an eager frame, an expression used twice is computed twice).
        return pl.concat(
            frame.slice(start, STATS_ROWS)
            .with_columns(tokens.alias("_tokens"))
            .with_columns(pl.col("_tokens").list.count_matches("").alias("_empty"))
            .with_columns(
                (pl.col("_tokens").list.len() - empty).alias("words"),
                (pl.col("_tokens").list.n_unique() - (empty > 0).cast(pl.UInt32)).alias("distinct"),
                pl.col("masked").str.len_chars().alias("chars"),  # an upper bound of the non-blanks
            )
            .drop("_tokens", "_empty")
            .filter(
                ((pl.col("words") >= self.min_words) & (pl.col("distinct") / pl.col("words") <= bound))
                | ((pl.col("chars") >= self.min_chars) & (pl.col("distinct") <= 2))
            )
            for start in range(0, max(frame.height, 1), STATS_ROWS)
        )

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            every = targets(ctx, split)
            every = every.with_columns(masked_column(every))
            frame = self.candidates(every)
            hits = []
            for line, text, words, distinct_words in frame.select(
                "line", "masked", "words", "distinct"
            ).iter_rows():
                if words >= self.min_words and any(c.isalpha() for c in text):
                    # a text without letters (a vector, a list of numbers) is data, no phrase looped
                    ratio = record_repetition(text)
                    if ratio > self.max_repetition and (
                        ratio > self.max_code_repetition
                        or not (is_code_text(text) or is_markup_text(text) or is_grid_text(text))
                    ):
                        top, count = Counter(islice(_ngrams(text, 4), 1000)).most_common(1)[0]
                        hits.append((line, f"repetition ratio {ratio:.2f}", f'"{" ".join(top)}" ×{count}+'))
                        continue
                dense = "".join(text.split()) if distinct_words <= 2 else ""
                if len(dense) >= self.min_chars:
                    distinct = set(dense)
                    if len(distinct) <= 2 and not _NOT_PROSE_RE.fullmatch(text):
                        hits.append(
                            (line, f"only {len(distinct)} distinct character(s)", snippet(text, 0, 0, 60))
                        )
            hits += self._loops(every, {line for line, _, _ in hits})
            yield from record_findings(self, ctx, split, hits, f"degenerate {field_name(split, 'response')}")

    def _loops(self, frame: pl.DataFrame, done: set[int]) -> list[tuple[int, str, str]]:
        """(line, kind, evidence) of the targets that end in (or hold) one sentence looped
        `loop_times` times in a row (`looped_sentence`), among those not reported yet. Unfenced
        code, markup and grids are left to the repetition ratio: their lines repeat by design
        (`end` lines, a table's empty rows)."""
        hits = []
        bound = pl.col("masked").str.count_matches(_ENDS) >= self.loop_times - 1
        for line, text in frame.filter(bound).select("line", "masked").iter_rows():
            if line in done or is_code_text(text) or is_markup_text(text) or is_grid_text(text):
                continue
            found = looped_sentence(text, self.loop_times)
            if found is not None:
                sentence, times = found
                hits.append(
                    (
                        line,
                        f"one sentence said {times} times in a row",
                        f'"{snippet(sentence, 0, 0, 60)}" ×{times}',
                    )
                )
                done.add(line)
        return hits


def _ngrams(text: str, n: int) -> Iterator[tuple[str, ...]]:
    words = text.lower().split()
    return zip(*(words[i:] for i in range(n)), strict=False)
