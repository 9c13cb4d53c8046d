"""DUP002 normalised-duplicate: records identical after case, spacing, punctuation, Unicode forms."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import polars as pl

from dataqa.checks.duplicates.base import DuplicateCheck, exact_groups, groups_of, other_lines
from dataqa.core.models import Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import GROUP, register
from dataqa.text import copies


@register
@dataclass
class NormalisedDuplicate(DuplicateCheck):
    """Records that are identical once case, spacing, punctuation and Unicode forms are ignored.

    Why: "Reset my password." and "reset my password" teach the model the same thing twice; they
    escape an exact comparison and over-weight one example just as much. Exact copies are reported
    by DUP001 and stand here as their first line.
    Example: line 8 "How do I return an item?" and line 302 "how do i return an item" with the
    same reply.
    Fix: keep one record of each group.

    Operators, currency signs and brackets are not ignored: "a < b" and "a ( b" (a code set's two
    bracket-matching tasks), "$5" and "€5" are different texts (`OPERATORS`).
    """

    id = "DUP002"
    near = True
    shares = frozenset({"copies", "copy_texts", "distinct"})
    name = "normalised-duplicate"
    family = "duplicates"
    severity = Severity.WARNING
    scope = GROUP
    grouping = copies.GROUPING

    def groups(self, ctx: Context, split: str) -> list[list[int]]:
        firsts = exact_groups(ctx, split).filter(
            (pl.col("line") == pl.col("rep")) & pl.col("norm").is_not_null()
        )
        groups = groups_of(firsts, "norm")
        needed = sorted({line for g in groups for line in g})
        texts = copies.texts(ctx, split, needed) if needed else {}
        return [part for g in groups for part in by_operators(g, texts) if len(part) > 1]

    def describe(self, ctx: Context, split: str, group: list[int], texts: dict[int, str]) -> tuple[str, dict]:
        first = ctx.location(split, group[0])
        return (
            f"{len(group)} records identical to {first} after normalisation (case, spacing, "
            f"punctuation): {other_lines(ctx, split, group)}",
            {"similarity": 1.0},
        )


OPERATORS = frozenset({"Sm", "Sc", "Ps", "Pe"})
"""Unicode categories of the signs normalisation drops that change what a text says: math operators
(+ < = >), currency signs and brackets. HumanEval's two bracket tasks differ only in "<" and "(",
"x + y" and "x = y" are other expressions; quotes, full stops and dashes are still punctuation."""


def operators(text: str) -> str:
    """The operators, currency signs and brackets of a text, in order (`OPERATORS`), after NFKC
    (a full-width bracket is the bracket)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) in OPERATORS)


def by_operators(group: list[int], texts: dict[int, str]) -> list[list[int]]:
    """A group of normalised copies split where the members put one operator, currency sign or
    bracket for another (`operators`): "<" for "(", "+" for "=", "$" for "€". A member whose signs
    are all among another's, or the other way round, is the same text: signs only added to a copy say
    nothing new ("who cares ? )" / "who cares ?", "gone :(" / "gone.", "<UNK> ... 十足~" / "<UNK> ...
    十足"). A member whose text is not at hand stays with the first. Each part in line order."""
    parts: list[tuple[Counter[str], list[int]]] = []
    for line in group:
        signs = Counter(operators(texts[line])) if line in texts else Counter()
        for kept, members in parts:
            if signs <= kept or kept <= signs:
                members.append(line)
                break
        else:
            parts.append((signs, [line]))
    return [members for _, members in parts]
