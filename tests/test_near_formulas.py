"""A formula counts as one word toward a text's length in near-pair verification (`dataqa.text.formulas`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
from test_similarity import _context

from dataqa.text import near_duplicates, word_codes
from dataqa.text.formulas import formula_length, formula_runs
from dataqa.text.normalise import normalise

RATE = r"The distortion rate function $D(R)=\min_{p(\hat{x}|x):I(X;\hat{X})\leq R} E(d(X,\hat{X}))$ is WHAT."


def _words(text: str) -> list[str]:
    return normalise(pl.Series([text])).to_list()[0].split(" ")


def _runs(text: str) -> list[tuple[int, int]]:
    return formula_runs(text, _words(text))


def test_written_math_is_a_formula_and_amounts_are_not() -> None:
    """`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]` and an environment are formulas of two words or
    more; two amounts, an escaped dollar and a one-symbol formula are not."""
    assert _runs(r"Solve $x^2 + 3x = 4$ for x") == [(1, 6)]  # x 2 plus 3x 4
    assert _runs(r"Let $$\frac{a}{b}$$ and \(a + b\) and \[ c d \] be given") == [(1, 4), (5, 8), (9, 11)]
    assert _runs(r"Then \begin{align} y &= 2 z \end{align} holds") == [(1, 8)]
    assert _runs("I paid $5 for pens and $10 for notebooks") == []
    assert _runs(r"It costs \$5 and then \$10 more") == []
    assert _runs("Let $x$ be a real number") == []
    assert _runs("No math here at all") == []


def test_a_formula_counts_once_among_the_content_words() -> None:
    """Each formula is one word; template words are left out, and a formula of template words only
    counts for nothing."""
    text = RATE.replace("WHAT", "convex")
    words, runs = _words(text), _runs(text)
    assert len(words) == 24 and runs == [(4, 22)]
    assert formula_length(len(words), None, runs) == 7
    marks = bytes([1] * 4 + [0] * 20)  # "the distortion rate function" a template phrase
    assert formula_length(len(words), marks, runs) == 3
    assert formula_length(len(words), bytes([0] * 4 + [1] * 18 + [0] * 2), runs) == 6


def test_one_long_formula_asked_two_things_is_two_texts_and_a_typo_is_a_near_copy(tmp_path: Path) -> None:
    """Across splits too (LEAK003's pairs): "<formula> is convex" / "... is nonincreasing" differ in the
    word that decides a short text; "distorsion" for "distortion" is a typo fix of the same text."""
    convex, other = RATE.replace("WHAT", "convex"), RATE.replace("WHAT", "nonincreasing")
    typo = convex.replace("distortion", "distorsion")
    ctx = _context(
        tmp_path,
        train=[json.dumps({"text": convex})],
        test=[json.dumps({"text": other}), json.dumps({"text": typo})],
    )
    pairs = near_duplicates.near_pairs(ctx, "train", "test")
    assert pairs.select("left_line", "right_line").rows() == [(1, 2)]


def test_formulas_are_read_with_names_and_parts_from_one_raw_read() -> None:
    """`RawLooks.formula_runs` reads a row's raw text once, with its names and parts."""
    read: list[list[int]] = []
    texts = [RATE.replace("WHAT", "convex"), "Plain text of Ada"]

    def raw(side: int, rows: np.ndarray) -> list[str]:
        read.append(rows.tolist())
        return [texts[row] for row in rows.tolist()]

    words = {row: _words(text) for row, text in enumerate(texts)}
    counts = np.array([float(len(words[0])), 4.0])
    looks = word_codes.RawLooks(raw, True, (counts, counts))
    assert looks.formula_runs(0, np.array([0, 1]), words) == {0: [(4, 22)], 1: []}
    looks.get(1, np.array([1, 0]), words)
    assert read == [[0, 1]]
