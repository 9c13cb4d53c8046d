"""Code inside text: masking fenced and inline code so prose patterns never read code, and code-like lines.

The QUAL checks match prose (refusals, placeholders, markup) outside code; the PII detectors
search some kinds (emails, phones, addresses) in prose only. Polars and Python versions of each
mask give the same result. Brackets left open at a text's end (QUAL007's cut inside a parenthesis)
are read here too, with right-to-left text's mirrored round brackets.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re

import polars as pl

FENCE_PATTERN = r"(?s)(?:```|~~~).*?(?:```|~~~|$)"
"""A fenced code block, closed or running to the end of the text (a truncated one)."""
INLINE_CODE_PATTERN = r"`[^`\n]{1,400}`"
FENCE_RE = re.compile(FENCE_PATTERN)
_INLINE_RE = re.compile(INLINE_CODE_PATTERN)

_CODE_LINE_RE = re.compile(
    r"""[=;]\s*$|(?:^|\s)(?:def|return|import|const|let|var|function|class|print|echo|if|for)\b.*[({:=]"""
    r"""|^\s*(?:>>>|\.\.\.|\$|#include|//)\s|\w\(\s*f?["'{\[]|(?<!\w)f["']|=>"""
    r"""|(?<!\w)(?<!\d )[^\W\d]\w*\s*=\s*["'{\[\w]"""
    r"""|</?(?:html|head|body|div|span|p|a|ul|ol|li|table|tr|td|th|img|br|script|style|form|input|button"""
    r"""|h[1-6]|section|template|label|select|option)\b[^<>]*>"""
)
"""A line that reads like program code (assignment, call, keyword, HTML tag), outside any fence. An
assignment's left side is a name: "120 ÷ 2 = 60 g" and "4 h = 240 min" are arithmetic, not code."""


def mask_code(text: str) -> str:
    """The text with fenced and inline code replaced by a space (prose patterns must not see code).

    The replacement keeps the text's shape around it, so sentence starts stay sentence starts.
    """
    if "`" not in text and "~~~" not in text:
        return text
    return _INLINE_RE.sub(" ", FENCE_RE.sub("\n", text))


def blank_code(text: str) -> str:
    """Code replaced by spaces of the same length, so positions in the result are positions in `text`."""
    if "`" not in text and "~~~" not in text:
        return text
    out = list(text)
    for pattern in (FENCE_RE, _INLINE_RE):
        for m in pattern.finditer("".join(out)):
            out[m.start() : m.end()] = [ch if ch == "\n" else " " for ch in m.group()]
    return "".join(out)


def mask_code_expr(text: pl.Expr) -> pl.Expr:
    """`mask_code` as a polars expression (the same patterns, vectorised)."""
    return text.str.replace_all(FENCE_PATTERN, "\n").str.replace_all(INLINE_CODE_PATTERN, " ")


def has_code_expr(text: pl.Expr) -> pl.Expr:
    """Whether masking can change the text: both code patterns start with "`" or "~~~" (cheap literals)."""
    return text.str.contains("`", literal=True) | text.str.contains("~~~", literal=True)


def compute_where(
    frame: pl.DataFrame, cond: pl.Expr, expr: pl.Expr, otherwise: pl.Expr, name: str
) -> pl.Series:
    """`pl.when(cond).then(expr).otherwise(otherwise).alias(name)` over `frame`, with `expr` evaluated
    only where `cond` holds.

    Polars evaluates both branches of `when` on every row; when `cond` picks few rows and `expr`
    is a costly regex, evaluating it on those rows alone is most of the saving.
    """
    out = frame.with_columns(otherwise.alias(name))[name]  # with_columns broadcasts a literal
    picked = frame.with_columns(cond.alias("_cond"))["_cond"]
    rows = picked.arg_true()
    if len(rows):
        out = out.scatter(rows, frame.filter(picked).select(expr).to_series().cast(out.dtype))
    return out


def masked_column(frame: pl.DataFrame, column: str = "content") -> pl.Series:
    """`mask_code_expr` of a column, computed only on the rows that hold code markers (identical result)."""
    source = pl.col(column)
    return compute_where(frame, has_code_expr(source), mask_code_expr(source), source, "masked")


def is_code_line(line: str) -> bool:
    """Whether one line of unfenced text looks like code (then `{name}` and `a@b.c` are code too)."""
    return bool(_CODE_LINE_RE.search(line))


def line_at(text: str, pos: int) -> str:
    """The line of `text` that holds position `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)]


@functools.lru_cache(maxsize=64)
def indented_code_starts(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Start and end offsets of the lines of Markdown indented code blocks in `text`, in order.

    A line indented by four spaces or a tab is code when it opens after a blank line (or the text's
    start) or continues such a block (blank lines may separate its lines); an indented line right
    after a paragraph line continues the paragraph, as in Markdown.
    """
    starts: list[int] = []
    ends: list[int] = []
    pos, prev_blank, in_block = 0, True, False
    for line in text.split("\n"):
        blank = not line.strip()
        if not blank and line.startswith(("    ", "\t")) and (in_block or prev_blank):
            in_block = True
            starts.append(pos)
            ends.append(pos + len(line))
        elif not blank:
            in_block = False
        prev_blank = blank
        pos += len(line) + 1
    return tuple(starts), tuple(ends)


def in_indented_code(text: str, pos: int) -> bool:
    """Whether position `pos` of `text` is on a line of a Markdown indented code block."""
    start = text.rfind("\n", 0, pos) + 1
    if not text.startswith(("    ", "\t"), start):  # cheap: most lines are not indented
        return False
    starts, ends = indented_code_starts(text)
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos <= ends[i]


_CODE_SHAPE_RE = re.compile(
    r"^\s*(?:[{}()\[\];,]+|end|fi|done|esac|else|/\*\*?|\*/|\*\s*@\w+.*|#!.*|<\?php|\?>)\s*$"
    r"|[{;\[(]\s*(?://.*)?$|^\s*[})\]]"
    r"|^\s*(?:def|class|function|import|from \S+ import|public|private|static|#include|package|fn|func|let"
    r"|const|var|return|puts|print|echo|console\.log|elif|elsif|begin)\b"
    r"|^\s*(?:SELECT|FROM|WHERE|(?:INNER |LEFT |RIGHT |OUTER )?JOIN|GROUP BY|ORDER BY|HAVING|LIMIT"
    r"|CREATE TABLE|INSERT INTO|UPDATE|DELETE FROM|VALUES)\b"
    r"|^\s*(?:export\s+|local\s+|readonly\s+)?[A-Za-z_]\w*=\"?\$(?:[{(A-Za-z_]|\d\"?\s*$)"
)
"""A line whose shape is code's: a lone brace or keyword, a doc-comment line, a line ending in `{`, `(`,
`[` or `;`, a definition, a declaration, a return, an SQL clause, a shell assignment from a variable, a
parameter or a command (`dir=$1`, `n=$(ls | wc -l)`, `out="${name}.txt"`: no space around "=")."""
_CODE_ISH_RE = re.compile(r",\s*$|^\s*#\s?\S|^\s*@\w|^\s*--\s")
"""A line that is code in a code text (a list item ending in a comma, a comment, a decorator), though
prose has such lines too."""


@functools.lru_cache(maxsize=64)
def is_code_text(text: str, min_lines: int = 3, share: float = 0.6) -> bool:
    """Whether an unfenced text is code as a whole: at least `min_lines` non-blank lines, at least
    `share` of them read like code (`is_code_line`, a code shape, a comment), and one of them has a
    shape only code has (prose with formulas or a letter's commas has no brace, `def` or SELECT).

    Code answers without fences (common in code-instruction sets) hold `{name}`, `#{x}` and
    `{{ x }}` as syntax, not as placeholders.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < min_lines:
        return False
    shaped = sum(1 for line in lines if _CODE_SHAPE_RE.search(line))
    code = sum(
        1 for line in lines if _CODE_SHAPE_RE.search(line) or _CODE_ISH_RE.search(line) or is_code_line(line)
    )
    return shaped > 0 and code >= share * len(lines)


CODE_SYMBOLS = r"[=(){}\[\];<>]"
"""Signs a line of code is full of and prose hardly has (a valid pattern for `re` and polars)."""
CODE_SHARE = 0.05
"""Share of a text's non-blank characters from which its `CODE_SYMBOLS` make it code, not prose."""


def dense_code(text: str) -> bool:
    """Whether a text is dense in code symbols (`CODE_SHARE`): a line of a program, even one no
    parser reads ("print matriz[n::].max()", a bracket too many), not a sentence."""
    chars = len(text) - text.count(" ")
    return len(re.findall(CODE_SYMBOLS, text)) >= CODE_SHARE * max(chars, 1)


_PROGRAM_NODES = (
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Delete,
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.ClassDef,
)
"""What a line of Python does that a value written as Python does not: call, index, define, import."""
MAX_PROGRAM_CHARS = 4000
"""Longest text read as Python to tell a program from a value (`is_program`)."""


def is_program(text: str) -> bool:
    """Whether a text is a program or a line of one: fenced code, code as a whole (`is_code_text`), or
    Python that calls, indexes, defines or imports something (`list(set(L))`, `a.pop()`, `del a[-1]`).
    A value written as Python is not ("(3, 4)", "x = 5", "Yes", "42"): two of those can contradict,
    two programs for one request are two implementations."""
    text = text.strip()
    if "```" in text or is_code_text(text):
        return True
    tree = python_tree(text)
    return tree is not None and any(isinstance(node, _PROGRAM_NODES) for node in ast.walk(tree))


@functools.lru_cache(maxsize=256)
def python_tree(text: str) -> ast.Module | None:
    """`text` (outer spaces aside) read as Python, or None: empty, longer than `MAX_PROGRAM_CHARS`, or
    not Python. Cached: a group's answers are asked whether they are programs, then whether they parse."""
    text = text.strip()
    if not text or len(text) > MAX_PROGRAM_CHARS:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


# -- brackets left open (QUAL007) ----------------------------------------------------------------


def unclosed_brackets(text: str, mirrored: bool = False) -> list[int]:
    """Positions of the brackets still open at the end of `text`.

    Lenient on purpose: any closer closes the latest opener (so "[0, 1)" is balanced), and a closer
    without an opener (as in "1)" list items) is ignored. With `mirrored` (a right-to-left text,
    `right_to_left`), an opening glyph glued to the end of a word or number and followed by a space
    ("2( فونتي", a footnote's "(2)" or "2)" whose closer extraction mirrored) is read as the closer
    it stands for: an opener starts the word after it.
    """
    stack: list[int] = []
    for i, ch in enumerate(text):
        if (
            ch in "([{"
            and mirrored
            and 0 < i < len(text) - 1
            and text[i - 1].isalnum()
            and text[i + 1].isspace()
        ):
            if stack:
                stack.pop()
        elif ch in "([{":
            stack.append(i)
        elif ch in ")]}" and stack:
            stack.pop()
    return stack


_RIGHT_TO_LEFT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")


MIRRORING_LETTERS = 3
"""Right-to-left letters a text needs for its round brackets to be read as typed mirrored."""


def right_to_left(text: str) -> bool:
    """Whether a text has right-to-left words (`MIRRORING_LETTERS` letters or more), whose bracket
    glyphs a bidi editor or a PDF's extraction may have mirrored."""
    return sum(1 for ch in _LETTER.findall(text) if _RIGHT_TO_LEFT.match(ch)) >= MIRRORING_LETTERS


def mirrored_round_brackets(text: str) -> bool:
    """Round brackets that pair up when either glyph may open or close, in a text with right-to-left
    words (`right_to_left`): typed beside Latin words in a bidi editor, "(" often stands for ")" ("...
    دار( (Arrow Keys", "پست الکترونیکی(Electronic mail (e-mail"), so an even count of them is no
    bracket left open."""
    return right_to_left(text) and (text.count("(") + text.count(")")) % 2 == 0
