"""Shared machinery of the DUP checks: exact groups, evidence texts and the base class that reports groups.

DUP: duplicate examples inside one split, from exact copies to near-duplicates and repeated inputs.

The layers do not report the same copies twice: exact copies (DUP001) are collapsed to their first
line before normalised duplicates (DUP002) are looked for (both read `dataqa.text.copies`, which an
engine may make on the blocks of a split it holds elsewhere), and normalised classes to their first
line before near-duplicates (DUP003). Each finding is one group, its first location the kept
representative; `unusable` lists every other member. All text work is `dataqa.text.similarity`'s.

"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeAlias

import polars as pl

from dataqa.checks.labels import near_inputs
from dataqa.core.models import Finding
from dataqa.engine.context import Context
from dataqa.engine.parts import batches
from dataqa.engine.registry import Check
from dataqa.ingest.issues import excerpt
from dataqa.text import copies, similarity

EVIDENCE_CHARS = 160


def duplicate_rate(copies: int, rows: int) -> float:
    """Copies per valid row, rounded for the metrics."""
    return round(copies / rows, 6) if rows else 0.0


def continues(earlier: tuple[str, str], later: str) -> bool:
    """Whether an input opens with another example's input and holds its answer after it: the later step
    of one conversation cut into an example per assistant turn (ToolBench's `train_messages`, a
    ShareGPT thread split at each reply). Each step teaches its own answer from its own history."""
    prompt, answer = earlier[0].strip(), earlier[1].strip()
    at = later.find(prompt) if prompt and answer else -1
    if not 0 <= at <= ROLE_LABEL_CHARS:
        return False
    rest = later[at + len(prompt) :]
    # the answer opens a turn of its own ("\nassistant: ..."), not a word of a longer text
    return any(rest.startswith(answer, m.end()) for m in _TURN_START.finditer(rest))


_TURN_START = re.compile(
    r"\n(?:[<\[]?[\w ]{1,20}[>\]]?[:\uff1a] ?)?"  # a line, after its role label if it has one
    r"|[ \t]+[<\[]?[\w ]{1,20}[>\]]?[:\uff1a] ?"  # inline, after a role label and its colon
    r"|\s*(?:<\|?\w{1,20}\|?>|\[\w{1,20}\])(?::[ \t]?|\s)"  # a role tag in brackets, no colon
)
"""Where a turn of a conversation written as one input starts: a line, after its role label
("\nassistant: "); inline, after a role label and its colon (" <bot>: " as Huatuo's unrolled
dialogues write it, " [Bot]: ", a Chinese label and its full-width colon); or at a role tag written
inline without a colon (" [ASSISTANT] ", "<|assistant|>\n"). A space alone starts none: the answer
then is a word of a longer text ("a great film , positive in every way")."""
ROLE_LABEL_CHARS = 12
"""How far into a later input the earlier one may start: a conversation's input is written with its
turns' roles ("user: ..."), a one-turn input without."""


def one_conversation(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two (input, answer) examples are two steps of one conversation (`continues`)."""
    return continues(a, b[0]) or continues(b, a[0])


STEP_BATCH_LINES = 20_000
"""Grouped lines whose inputs and answers `members_left_out` holds as text at once."""


Apart: TypeAlias = Callable[[tuple[str, str], tuple[str, str]], bool]
"""Whether a member (input, answer) is another example than its group's first (input, answer)."""


def members_left_out(ctx: Context, split: str, groups: list[list[int]], apart: Apart) -> list[list[int]]:
    """The groups without the members that `apart` tells from their first row (the first row's and
    the member's (input, answer) texts); groups left with one row dropped. The texts are read a
    batch of groups at a time (`STEP_BATCH_LINES`), one look per member: bounded by the grouped rows."""
    out: list[list[int]] = []
    for batch in batches(groups, STEP_BATCH_LINES):
        frame = near_inputs.fields(ctx, split, sorted({line for group in batch for line in group}))
        texts = {
            line: (p or "", r or "") for line, p, r in frame.select("line", "prompt", "response").iter_rows()
        }
        for head, *rest in batch:
            first = texts.get(head, ("", ""))
            kept = [m for m in rest if not apart(first, texts.get(m, ("", "")))]
            if kept:
                out.append([head, *kept])
    return out


def exact_groups(ctx: Context, split: str) -> pl.DataFrame:
    """`line`, `norm`, `rep` (the first line with the identical text) of the split's rows that
    share their text, or its normalised form, with another row (`copies`: every other row is alone)."""
    return copies.of_split(ctx, split).with_columns(pl.col("line").min().over("exact").alias("rep"))


def groups_of(frame: pl.DataFrame, by: str) -> list[list[int]]:
    """The lines of `frame` grouped on `by`, groups of two rows or more, each sorted, by first line."""
    grouped = frame.group_by(by).agg(pl.col("line").sort()).filter(pl.col("line").list.len() > 1)
    return sorted(grouped["line"].to_list(), key=lambda g: g[0])


class DuplicateCheck(Check):
    """Shared reporting of duplicate groups, one split at a time."""

    def groups(self, ctx: Context, split: str) -> list[list[int]]:  # pragma: no cover - abstract
        """Duplicate groups of a split, each a sorted list of lines (the kept one first)."""
        raise NotImplementedError

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        """A group's message and extra metrics."""
        raise NotImplementedError  # pragma: no cover - abstract

    def extra_evidence(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> list[str]:
        """Evidence after the excerpts of the group's first two rows (none by default)."""
        return []

    def run(self, ctx: Context) -> Iterator[Finding]:
        """One finding per group, every member but the first unusable."""
        for split in ctx.splits:
            rows = ctx.valid_count(split)
            groups = self.groups(ctx, split)
            repeats = sum(len(g) - 1 for g in groups)
            self.metrics[f"{split}_duplicate_rate"] = duplicate_rate(repeats, rows)
            self.metrics[f"{split}_groups"] = len(groups)
            needed = sorted({line for g in groups for line in g[:2]})
            texts = copies.texts(ctx, split, needed) if needed else {}
            for group in groups:
                message, metrics = self.describe(ctx, split, group, texts)
                locations = [ctx.location(split, line) for line in group]
                evidence = [
                    f"{ctx.location(split, line)}: {excerpt(texts.get(line, ''), EVIDENCE_CHARS)}"
                    for line in group[:2]
                ]
                evidence += self.extra_evidence(ctx, split, group, texts)
                yield self.finding(
                    message,
                    locations,
                    evidence,
                    metrics={"group_size": len(group), **metrics},
                    unusable=locations[1:],
                )


def other_lines(ctx: Context, split: str, group: list[int], limit: int = 5) -> str:
    """The lines of a group after its first, a few of them, for a finding's message."""
    more = f" and {len(group) - 1 - limit} more" if len(group) - 1 > limit else ""
    return ctx.describe(split, group[1 : limit + 1]) + more


_DIGIT = re.compile(r"\d")


def settings_apart(ctx: Context, split: str, groups: list[list[int]]) -> list[list[int]]:
    """The groups without the members whose system prompt and the first row's each have a word the
    other has not (words with a digit left out: a session id, a date); groups of one dropped. The
    system prompt is the context a request is read in, and one put for another is another slot:
    "move this file to the archive" in the workspace of blog posts and in that of software projects
    moves two notes, two examples, as DUP004 reads two system prompts as two inputs. A system prompt
    that only adds words to the other ("You are a helpful assistant. (You speak the dialect of
    Mauritania.)") says the same more fully. A split whose system prompts are not at hand (held
    elsewhere) keeps its groups."""
    rows = ctx.valid_rows(split)
    if "system" not in rows.columns or not groups:
        return groups
    wanted = pl.Series(sorted({line for group in groups for line in group}), dtype=pl.Int64).implode()
    found = rows.filter(pl.col("line").is_in(wanted)).select("line", "system")
    texts = similarity.normalise(found["system"].fill_null("")).to_list()
    words = {
        line: frozenset(w for w in text.split() if not _DIGIT.search(w))
        for line, text in zip(found["line"].to_list(), texts, strict=True)
    }
    out = []
    for head, *rest in groups:
        first = words.get(head, frozenset())
        kept = [head, *(m for m in rest if not (first - words.get(m, first) and words.get(m, first) - first))]
        if len(kept) > 1:
            out.append(kept)
    return out
