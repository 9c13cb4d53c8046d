"""Normalised text, its content hashes and the distinct texts of a column, each computed once per scan.

Every "are these the same text?" question (duplicates, leakage, labels, diff) starts from the
normalised form built here; texts identical after normalisation are one distinct text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.ingest.tokens import non_ascii_rows
from dataqa.ingest.tool_text import compared
from dataqa.text.hashing import HASH_SEED
from dataqa.text.mojibake import repair_mojibake

HASHED_COLUMNS = ("text", "prompt", "response")
"""Canonical columns that get exact and normalised hashes."""
S = TypeVar("S", pl.Series, pl.Expr)
CHUNK_DOCS = 20_000
"""Texts sketched per numpy batch, which bounds the memory of the shingle arrays."""


NORMALISE_ROWS = 50_000
"""Texts normalised at once. Each step of `normalise` copies the texts it changes, and a step's input
lives until its output is made: the 300k texts of a generated chat set (0.30 GB) took 0.90 GB more
resident memory normalised whole, 0.41 GB in slices of this many (`benchmarks/scan.md`)."""


def normalise(texts: pl.Series) -> pl.Series:
    """`normalise_texts` on a Series, `NORMALISE_ROWS` texts at a time (the same texts: each is
    normalised on its own), their slices left as the chunks of the result.

    Eager, never inside a polars expression (`map_batches`): there it runs on polars' thread pool
    and needs the GIL, and it deadlocked a scan whose other thread held the GIL while waiting on that
    pool (a Ray task pickling a frame). Callers select the column, then normalise the Series."""
    texts = texts.cast(pl.String)
    if texts.len() <= NORMALISE_ROWS:
        return normalise_texts(texts)
    parts = [
        normalise_texts(texts.slice(start, NORMALISE_ROWS)) for start in range(0, texts.len(), NORMALISE_ROWS)
    ]
    return pl.concat(parts, rechunk=False)


def normalise_texts(texts: pl.Series) -> pl.Series:
    """The normalised form of each text: mojibake repaired (`dataqa.text.mojibake`: "cafÃ©" is "café"
    and an emoji's mojibake no run of shared letters), NFKC (these two only on the texts that are not
    pure ASCII, which they leave unchanged: most fine-tuning text is ASCII and polars' NFKC costs as
    much as the rest of the normalisation), apostrophes inside words dropped ("let's" = "lets"), a
    sign that ends a name spelled into it ("C++" = "cpp", "C#" = "csharp": `SIGN_WORDS`), an operator
    between two operands spelled as a word ("a + b" = "a plus b": `OPERATOR`), each Han or kana
    character a word of its own (`UNSPACED`), lower case, then every run of punctuation, symbols and
    whitespace becomes one space (the same result as replacing punctuation runs, then whitespace
    runs, in one pass).

    The regex leaves the runs that are one plain space alone (`SEPARATOR_RUNS`): they are already
    what they would become, and they are most of the matches."""
    texts = texts.fill_null("")
    at = non_ascii_rows(texts)
    if len(at):  # mojibake repaired before NFKC, which would change its "…" into "..."
        texts = texts.scatter(at, repair_mojibake(texts.gather(at)).str.normalize("NFKC"))
    at = texts.str.contains(APOSTROPHES).arg_true()
    if len(at):
        texts = texts.scatter(at, texts.gather(at).str.replace_all(APOSTROPHE_IN_WORD, ""))
    texts = spell_signs(texts)
    at = texts.str.contains(UNSPACED).arg_true()
    if len(at):
        texts = texts.scatter(at, texts.gather(at).str.replace_all(UNSPACED, " $0 "))
    lowered = texts.str.to_lowercase()
    out = lowered.str.replace_all(SEPARATOR_RUNS, " ").str.strip_chars()
    at = lowered.str.contains(SIGNS_LINE).arg_true()
    if len(at):  # a line of signs alone keeps them: "🤣" is not "👍", nor an empty text
        out = out.scatter(at, _with_sign_lines(lowered.gather(at)))
    return out


def spell_signs(texts: pl.Series) -> pl.Series:
    """`texts` (NFKC, apostrophes in words dropped) with the signs that say something spelled as
    words: a sign that ends a name (`SIGN_WORDS`), an operator between operands (`OPERATOR`).
    Normalisation and the raw words lined up with its words (`raw_parts`) both read texts so."""
    at = texts.str.contains(NAME_SIGNS).arg_true()
    if len(at):
        named = texts.gather(at)
        for sign, spelled in SIGN_WORDS:
            named = named.str.replace_all(rf"(\w){sign}(\W|$)", rf"${{1}}{spelled}${{2}}")
        texts = texts.scatter(at, named)
    at = texts.str.contains(OPERATOR_SIGNS).arg_true()
    if len(at):
        texts = texts.scatter(at, _spell_operators(texts.gather(at)))
    return texts


SIGNS_LINE = r"(?m)^[^\p{L}\p{N}\n]*\p{So}[^\p{L}\p{N}\n]*$"
r"""A line with no letter or digit but a symbol such as an emoji or "♥" (`\p{So}`): its symbols are its
content. Dropped as punctuation, every emoji-only message of a sentiment set was one empty text:
Wisesight's "🤘😎" (neu), "🤣🤣🤣🤣" (pos) and "😡" (neg) were ten copies of one text under three labels
(LBL001), and each record's text (message and label) a copy of every other's under its label
(DUP002). A line with words keeps dropping its emoji ("Thank you ☺️" is "Thank you. ❤️"),
punctuation and operators alone ("...", "?", "=====") still normalise to nothing, and the rule is a
line's, so a record's text normalises as its prompt and answer do apart."""
SIGNS_ONLY = r"^[^\p{L}\p{N}]*\p{So}[^\p{L}\p{N}]*$"
"""`SIGNS_LINE` for one line."""


_REPEATED = re.compile(r"(\S\S??)\1+")
"""A sign (or a sign and its variation selector, "❤️") written again and again: "🤣🤣🤣🤣" is "🤣", as
"!!!" is "!"; the repeat is emphasis, not another message."""


def _with_sign_lines(texts: pl.Series) -> pl.Series:
    """`texts` (NFKC, lower case) normalised line by line: a line of signs alone (`SIGNS_ONLY`) keeps its
    symbols, its punctuation and spacing dropped and repeats written once ("....😁" and "😁 😁" are
    "😁"); other lines as `SEPARATOR_RUNS` makes them, their letters and digits as written ("00",
    "hello": a repeat is collapsed on a line of signs only). Only the few texts that hold such a line
    come here."""
    lines = texts.str.split("\n")
    flat = lines.explode()
    signs = flat.str.contains(SIGNS_ONLY)
    kept = (
        pl.DataFrame({"line": flat, "signs": signs})
        .select(
            pl.when(pl.col("signs"))
            .then(pl.col("line").str.replace_all(r"[\p{P}\s]+", ""))
            .otherwise(pl.col("line").str.replace_all(SEPARATOR_RUNS, " "))
        )
        .to_series()
    )
    joined, start = [], 0
    for count in lines.list.len().to_list():
        pieces = zip(kept.slice(start, count).to_list(), signs.slice(start, count).to_list(), strict=True)
        words = " ".join(_REPEATED.sub(r"\1", line) if sign else line for line, sign in pieces)
        # only plain spaces are left to collapse; str.split() would also drop control characters
        # (\x1c-\x1f) that the polars path keeps, and a text's hash would differ by path
        joined.append(" ".join(word for word in words.split(" ") if word))
        start += count
    return pl.Series(joined, dtype=pl.String)


UNSPACED = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
"""A character of a script written without spaces between words (Chinese, Japanese): each is taken
as a word. Read whole, a Chinese question was one "word", so two different questions over one
passage differed by one word in a hundred and were near copies (XQuAD zh: 25 DUP003, 37 DUP004);
one character a word makes a question of a dozen characters a dozen words, as an English question
is, and "你好 世界" / "你好世界" one text. Hangul is written with spaces and is left as it is."""
UNSPACED_WORD = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""`UNSPACED` for Python's `re` (no script classes): a normalised word that is one such character."""
UNSPACED_PER_WORD = 2
"""About how many of those characters make one word of a spaced language: a Chinese question of 24
characters ("与其他学校相比从前采用C模式学校的学习成绩如何") says what an English one of a dozen words
says. Where a length in words decides (`raw_parts.decisive_part`: a short part), they count this
many to a word."""

NAME_SIGNS = r"\w[+#]"
"""A plus or hash sign right after a letter or digit: the rows that may name "C++", "C#", "A+"."""
SIGN_WORDS = ((r"\+\+", "pp"), ("#", "sharp"), (r"\+", "plus"))
"""Signs that end a name ("C++", "C#", "F#", "A+", "18+"), spelled into it before punctuation is
dropped: "What is C?", "What is C++?" and "What is C#?" ask about three languages."""


OPERATOR_WORDS = {
    "+": "plus",
    "\u00d7": "times",
    "\u00f7": "over",
    "\u2264": "atmost",
    "\u2265": "atleast",
    "\u2260": "unequal",
    "<": "less",
    ">": "greater",
    "<=": "atmost",
    ">=": "atleast",
}
"""The word each operator of `OPERATOR` is spelled as."""
_SIGNS = "".join(sign for sign in OPERATOR_WORDS if len(sign) == 1)
OPERATOR_SIGNS = f"[{re.escape(_SIGNS)}]"
"""The rows that may hold an operator (`OPERATOR`)."""
SPELLED_SIGNS = frozenset(_SIGNS + "+#")
"""Every sign `spell_signs` may spell (the operators, and the `NAME_SIGNS`): a text without one is left
as it is."""
_OPERAND_BEFORE = r"([\p{L}\p{N})\]])"
_OPERAND_AFTER = r"([\p{L}\p{N}(\[])"
OPERATOR = (
    _OPERAND_BEFORE
    + "[ \t]*("
    + "|".join(map(re.escape, sorted(OPERATOR_WORDS, key=len, reverse=True)))  # "<=" before "<"
    + ")[ \t]*"
    + _OPERAND_AFTER
)
"""An operator between two operands (a letter, digit or bracket on each side, on one line), spelled
as a word (`OPERATOR_WORDS`) before punctuation is dropped. Dropped, "x^3 - 2x^2 + x - 3" and
"x^3 + 2x^2 - x + 3" (two polynomials, two derivatives), "(a + b)^2" and "(a - b)^2", "x + 3 > 5"
and "x + 3 < 5", "WHERE age <= 25" and "WHERE age < 25" were one text (DUP004, LEAK001 and every
other "same input" question: GPTeacher's toolformer set, a text-to-SQL set).

Only signs that ask something else when swapped: the minus sign stays dropped, so "a - b" and
"a + b" still differ while its two spellings (hyphen-minus, U+2212) and a hyphen ("well-known") never split a
text in two; "=", "*" and "/" stay punctuation, as they are in code, SQL ("SELECT * ... WHERE x =
1"), markdown and paths, where spelled they would only add shared words. Spacing never decides
("a<b" = "a < b"); the angle brackets of a tag or a generic type are no comparison (`TAG`). "18+"
and "C++" are `SIGN_WORDS`."""
TAG = r"<(/?[^\s<>=]+)((?:\s[^<>\n]*=[^<>\n]*)?\s*/?)>"
"""A markup tag, a generic type or a bracketed token ("<b>", "</p>", '<a href="x">', "<br/>",
"List<int>", Reuters' "<.SPX>", "<UNK>"): its angle brackets become spaces before operators are looked
for, which leaves the normalised text as it was (the brackets are punctuation) and keeps "text<b>bold"
from reading as "text less b" and "Index <.SPX> gained" as "spx greater gained" (MRPC writes the
ticker with and without its brackets: one sentence). Attributes need an "=", so "a<b and c>d" stays
two comparisons."""
_MARK = "\x1f"
"""Brackets an operator found between operands until it is spelled: the unit separator, a control
character no text holds and punctuation would drop anyway."""


def _spell_operators(texts: pl.Series) -> pl.Series:
    """`texts` with each operator between operands (`OPERATOR`) spelled as its word, tags' brackets
    dropped first (`TAG`): the operators are marked by one regex, then the marks replaced at once
    (`OPERATOR_WORDS`). The regex runs twice: a match takes the operand after it, so in "a+b+c" the
    second sign is found only once the first is marked."""
    texts = texts.str.replace_all(TAG, " ${1}${2} ")
    for _ in range(2):
        texts = texts.str.replace_all(OPERATOR, f"${{1}} {_MARK}${{2}}{_MARK} ${{3}}")
    marks = [f"{_MARK}{sign}{_MARK}" for sign in OPERATOR_WORDS]
    return texts.str.replace_many(marks, list(OPERATOR_WORDS.values()))


_SPELLED = frozenset(OPERATOR_WORDS.values())


def operators_between(words: list[str], start: int, end: int) -> list[str]:
    """The operators spelled by normalisation (`OPERATOR_WORDS`) among `words[start:end]`
    that stand between two operands (a number, a single letter, a word with a digit: "3 plus 2x"),
    sorted: "plus" in "tell me more plus give details" is a word, not a sign."""

    def operand(at: int) -> bool:
        return 0 <= at < len(words) and (len(words[at]) == 1 or any(c.isdigit() for c in words[at]))

    return sorted(
        w
        for i, w in enumerate(words[start:end], start)
        if w in _SPELLED and operand(i - 1) and operand(i + 1)
    )


APOSTROPHES = "['\u2019]"
"""A straight or typographic apostrophe: the rows that may hold one inside a word."""
APOSTROPHE_IN_WORD = "\\b['\u2019]\\b"
"""An apostrophe between two word characters ("let's", "don't"): dropped, not turned into a
space, so that "let's" and "lets" normalise alike, as two spellings of one word."""


SEPARATOR_RUNS = r"[\p{P}\p{S}\s]{2,}|[\p{P}\p{S}\s--\x20]"
r"""Runs of punctuation, symbols and whitespace other than one plain space: replacing these with a
space gives the same text as replacing every run (`[\p{P}\p{S}\s]+`), 2.4x faster (a run of two
or more is matched whole by the first branch; a single character by the second unless a space)."""


def _hash_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`hashes` of a frame, computed `CHUNK_DOCS` rows at a time: the normalised texts of a slice
    live only until they are hashed."""
    return pl.concat(
        [_hash_slice(frame.slice(start, CHUNK_DOCS)) for start in range(0, max(frame.height, 1), CHUNK_DOCS)]
    )


def _hash_slice(frame: pl.DataFrame) -> pl.DataFrame:
    # `text` is prompt + "\n" + response, and normalisation turns the newline and the punctuation
    # and spaces around it into one space (NFKC and case folding never reach across a newline),
    # so its normalised form is built from the other two instead of normalising it again.
    norm = {column: normalise(frame[column]) for column in ("prompt", "response")}
    norm["text"] = (norm["prompt"] + " " + norm["response"]).str.strip_chars()
    columns = [frame["line"]]
    for column in HASHED_COLUMNS:
        columns.append(content_hash(frame[column]).alias(f"{column}_exact"))
        columns.append(content_hash(norm[column]).alias(f"{column}_norm"))
    columns.append(content_hash(frame["system"]).alias("system_exact"))
    tools = frame["structure"].str.json_path_match("$.tools_json").fill_null("")
    columns.append(tools.hash(HASH_SEED).alias("tools_exact"))
    columns.append(frame["label"].hash(HASH_SEED).alias("label_exact"))
    return pl.DataFrame(columns)


def content_hash(texts: S) -> S:
    """The 64-bit content hash of each text (a Series or an expression; null hashes as ""): what
    "the same text" means wherever the scan compares texts by hash."""
    return texts.fill_null("").hash(HASH_SEED)


def hashes(ctx: Context, split: str) -> pl.DataFrame:
    """Per valid record of `split`: `line`, `<col>_exact` and `<col>_norm` hashes for text, prompt
    and response, plus `system_exact`, `tools_exact` (the tool definitions a record offers, part of
    what it asks) and `label_exact`. Computed once per scan.
    """
    return ctx.shared(("hashes", split), lambda: _hash_frame(ctx.valid_rows(split)))


@dataclass
class Distinct:
    """The distinct non-empty normalised texts of one column of one split.

    `members` maps every valid row with a non-empty normalised text (`line`) to its class
    representative (`rep`, the first line with the same normalised text). `lines` are the
    representatives in line order and `texts` their normalised texts (same order).
    """

    members: pl.DataFrame
    lines: np.ndarray
    texts: pl.Series

    @property
    def size(self) -> int:
        return len(self.lines)


def distinct(ctx: Context, split: str, column: str = "text") -> Distinct:
    """Rows grouped by normalised text (computed once per scan): see `Distinct`. The texts are the
    column as the similarity checks compare it (`tool_text.compared`)."""

    def build() -> Distinct:
        rows = ctx.valid_rows(split)
        texts = rows.select(compared(column)).to_series()  # a tool conversation's as compared
        frame = (
            pl.DataFrame([rows["line"], normalise(texts).alias("norm")])
            .filter(pl.col("norm") != "")
            .with_columns(pl.col("line").min().over("norm").alias("rep"))
        )
        members = frame.select("line", "rep").sort("line")
        reps = frame.filter(pl.col("line") == pl.col("rep")).sort("line")
        return Distinct(members, reps["line"].to_numpy().astype(np.int64), reps["norm"])

    return ctx.shared(("distinct", split, column), build)
