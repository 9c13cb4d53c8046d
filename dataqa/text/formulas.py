"""Formulas of a raw text, each read as one word toward the text's length.

Normalisation (`dataqa.text.normalise`) makes a word of every symbol of a LaTeX formula: "The
distortion rate function $D(R)=\\min_{p(\\hat{x}|x):I(X;\\hat{X})\\leq R} E(d(X,\\hat{X}))$ is
convex. True or False?" is 27 words, 18 of them the formula's. Verification reads a text of up to
`slots.SHORT_WORDS` content words as short, where one word swapped for another decides ("... is
convex" / "... is nonincreasing" ask two things); the formula's symbols pushed such a question past
that length, and the one word that decides no longer counted. A formula names one object, as a
name does: it counts as one word (`formula_length`), whatever it is written with. Only written
math counts (`FORMULA`: `$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`, a `\\begin{...}` environment),
never an amount ("$5 and $10").
"""

from __future__ import annotations

import re
from bisect import bisect_left

from dataqa.text.raw_parts import _raw_tokens

FORMULA = re.compile(
    r"\$\$.+?\$\$"
    r"|\\\[.+?\\\]"
    r"|\\\(.+?\\\)"
    r"|\\begin\{([A-Za-z]+\*?)\}.+?\\end\{\1\}"
    r"|(?<![\\$])\$(?=[^\s$])(?:[^$\n]|\n(?![^\S\n]*\n))+?(?<=[^\s\\])\$(?!\d)",
    re.DOTALL,
)
"""Math written in LaTeX: display `$$...$$`, `\\[...\\]`, inline `\\(...\\)`, an environment
(`\\begin{align}...\\end{align}`), and inline `$...$` as TeX writers and pandoc read it: the opening
`$` before a non-space, the closing one after a non-space and before no digit, no blank line inside
(so "$5 and $10", two amounts, is no formula)."""


def formula_runs(raw: str, words: list[str]) -> list[tuple[int, int]]:
    """The formulas of a text (`FORMULA`, in its raw text) as runs (start, end) of its normalised
    `words`, those of two words or more; [] when it has none or its raw words cannot be lined up with
    the normalised ones."""
    if "$" not in raw and "\\" not in raw:
        return []
    found = _raw_tokens(raw, words)
    if found is None:
        return []
    text, tokens = found
    starts = [token.start() for token in tokens]
    runs = []
    for match in FORMULA.finditer(text):
        start, end = bisect_left(starts, match.start()), bisect_left(starts, match.end())
        if end - start > 1:
            runs.append((start, end))
    return runs


def formula_length(size: int, marks: bytes | None, runs: list[tuple[int, int]]) -> int:
    """The content words of a text of `size` words (`marks`: its template marks, a byte a word, 1 for
    a template word; None: none) with each formula (`runs`, `formula_runs`) one word: a formula
    counts once if any of its words is content."""
    content = [not (marks and marks[i]) for i in range(size)]
    length = sum(content)
    for start, end in runs:
        inside = sum(content[start:end])
        length -= inside - (inside > 0)
    return length
