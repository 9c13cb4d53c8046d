"""QUAL007's cuts inside code: an answer of unfenced code that stops inside its program (brace blocks
left open, a statement stopped on an operator or an open bracket), read where a split's answers are
code at all (`cut_by_habit.habit_counts` counts them first). What a program's strings and character
literals hold is text, not code: "({[()]})" in a balanced-brackets exercise opens nothing."""

from __future__ import annotations

import polars as pl

from dataqa.checks.quality.common import targets
from dataqa.checks.quality.cut_reading import FENCE_LINE, evidence_tail, narrowed
from dataqa.engine.context import Context
from dataqa.ingest.dataset import Split

_BLOCK_OPENER = r"(?m)(?:\)|\b(?:else|try|do|finally)|\w+\s*(?:=|=>|:)?)\s*\{[ \t]*$"
"""A line that opens a block of brace code: "function f(a) {", "} else {", "class Shop {", "x = {"."""


_LITERAL = r"'[^'\n]*'|\"[^\"\n]*\""
"""A string or character literal on one line ('{', "({[()]})"): what it holds is text, not brackets."""


def _brace_left_open(content: pl.Expr) -> pl.Expr:
    """An unfenced answer of brace code (a line opens a block) with more "{" than "}" outside its
    literals: its blocks were never closed, the answer was cut inside the program (a fenced one is the
    fence rule's). A bracket checker's `c == '{'` opens no block."""
    code = content.str.replace_all(_LITERAL, "''")
    return (
        content.str.contains(_BLOCK_OPENER)
        & ~content.str.contains(FENCE_LINE)
        & (code.str.count_matches(r"\{") > code.str.count_matches(r"\}"))
    )


_PY_LINE = (
    r"(?m)^[ \t]*(?:def[ \t]+\w+[ \t]*\(|class[ \t]+\w+[ \t]*[:(]|import[ \t]+[\w.]+[ \t]*(?:,|as\b|$)"
    r"|from[ \t]+[\w.]+[ \t]+import\b|return\b|print[ \t]*\("
    r"|(?:for|while|if|elif)\b[^\n]*(?::|;[ \t]*(?:then|do))[ \t]*$)"
)
"""A line of Python (or of a language written like it): a statement keyword opens it, in a statement's
shape ("def f(", "for x in xs:", "from a import b", a shell's "if [ ... ]; then"). A line of prose
may open on the same word: a proof that breaks its lines before "for all $x>0$." or "from which
$b=15-15a$" is no program."""
_PY_OPEN_END = (
    r"(?m)^[ \t]*(?:(?:async[ \t]+)?(?:def|class|for|while|if|elif|else|try|except|finally|with)\b[^\n]*:"
    r"|[^#\n]*(?:[-+=&|^(\[{\\]|(?:^|[^*\n])/|\b(?:and|or|not|in)))[ \t]*\z"
)
"""A last line that cannot end a program: a block header whose body never came ("for x in xs:"), or a
statement stopped on an operator, an open bracket or a line continuation (a comment ends freely: "*/")."""


_ENDED_PROGRAM = r"(?m)^[ \t]*(?:#[^\n]*|\}[ \t;]*|[^\n]*\*/[ \t]*)\z"
"""A program whose last line is a comment ("# Output: True", a closed "/* ... */") or closes its brace
block ("}", its braces balanced, or the brace rule reads it): it ends where its writer ended it."""
_SHELL_EXEC_END = r"\{\}[ \t]+\+[ \t]*\z"
"""A shell command ending on `find`'s batch terminator ("-exec cat {} +"): its "+" ends the command."""


def _python_left_open(content: pl.Expr) -> pl.Expr:
    """An unfenced answer of three code lines or more, Python-like, that stops on a line no program
    ends on (`_PY_OPEN_END`) or with more brackets opened than closed, but for one that ends on a
    comment or closes its block (`_ENDED_PROGRAM`; a bracket left open mid-program is a typo there):
    cut inside the program. A one- or two-line answer that is only a header is what was asked ("def
    gcd(x, y):", a signature)."""
    body = content.str.strip_chars()
    code = body.str.replace_all(_LITERAL, "''")  # brackets in strings are no code
    return (
        body.str.contains(_PY_LINE)
        & ~body.str.contains(FENCE_LINE)
        & (body.str.count_matches(r"(?m)^[ \t]*\S") >= 3)
        & (
            (body.str.contains(_PY_OPEN_END) & ~body.str.contains(_SHELL_EXEC_END))
            | (
                (code.str.count_matches(r"[(\[{]") > code.str.count_matches(r"[)\]}]"))
                & ~body.str.contains(_ENDED_PROGRAM)
            )
        )
    )


def code_left_open(content: pl.Expr) -> pl.Expr:
    """An unfenced answer of code stopped inside the program: brace blocks left open, or Python-like
    code stopped mid-statement (`_python_left_open`)."""
    return _brace_left_open(content) | _python_left_open(content)


def code_open_targets(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of `frame` whose `content` is `code_left_open`, read only where a line opens a brace
    block or a Python statement (each half's own first test): few answers are code."""
    content = pl.col("content")
    code = content.str.contains(_BLOCK_OPENER) | content.str.strip_chars().str.contains(_PY_LINE)
    return narrowed(frame, code, code_left_open(content))


def code_cut(ctx: Context, split: Split) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the answers whose unfenced code stops inside the program."""
    cut = code_open_targets(targets(ctx, split))
    cut = cut.select("line", "content", _brace_left_open(pl.col("content")).alias("brace"))
    return [
        (line, 'code block "{" never closed' if brace else "code stops mid-statement", evidence_tail(body))
        for line, body, brace in cut.sort("line").iter_rows()
    ]
