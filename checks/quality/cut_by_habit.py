# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""QUAL007's cuts read against what the rest of a split does: the closing line nearly every answer
ends with ("#### 72"), Chinese sentences that end, brace code whose blocks close, long answers that end
like sentences (one stopping inside a word was cut). Each rule counts its split first
(`TruncatedTarget.summarise`), then names the answers that break the habit."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import polars as pl

from dataqa.checks.quality.common import final_answers, messages, targets
from dataqa.engine.context import Context
from dataqa.ingest.dataset import Split
from dataqa.text.redaction import snippet

FENCE_LINE = r"(?m)^[ \t]*(?:```|~~~)"
"""A line that opens or closes a fenced code block."""
ENDED = r"(?:[.!?。！？…:;][\"”'’)\]]*|[)\]}*`|])\s*$"
"""How a finished target usually ends: sentence punctuation, a closing bracket, a fence or table."""


def _tail(body: str) -> str:
    """The evidence of a cut answer: its last 80 characters or so."""
    body = body.strip()
    return snippet(body, len(body), len(body), 80)


CLOSING_SHARE = 0.8
"""Share of a split's answers that close on one marked line for an answer without it to be cut."""
CLOSING_MIN = 20
"""Fewest answers that show a split's closing line."""
CLOSING_MARK = r"^(?:#{2,}|[^\W\d_]{2,20}[:\uff1a])$"
"""A token that opens a closing line by format: "####" (GSM8K), "Answer:", "答案：" (word and colon)."""


def _closing_expr(answer: pl.Expr) -> pl.Expr:
    """The first token of an answer's last line when it marks a closing line ("####", "Answer:"), else
    null; a list item, table row or fence is no such mark (answers end on them for what they say)."""
    last = answer.str.strip_chars().str.extract(r"([^\n]*)$").str.strip_chars()
    token = last.str.extract(r"^(\S{1,24})")
    return pl.when(token.str.contains(CLOSING_MARK)).then(token).otherwise(None)


def closings(ctx: Context, split: Split) -> tuple[int, Counter[str]]:
    """How many records have a final answer, and how many of those close on each marked line."""
    answers = final_answers(messages(ctx, split)).select(_closing_expr(pl.col("answer")).alias("c"))
    counts = answers["c"].drop_nulls().value_counts()
    return answers.height, Counter(dict(counts.iter_rows()))


def closing_marker(seen: dict[str, Any]) -> str | None:
    """The marked closing line nearly every answer of a split has (`CLOSING_SHARE`), or None."""
    if seen["answers"] < CLOSING_MIN or not seen["closings"]:
        return None
    marker, n = max(seen["closings"].items(), key=lambda kv: (kv[1], kv[0]))
    return marker if n >= CLOSING_SHARE * seen["answers"] and n < seen["answers"] else None


def without_closing(ctx: Context, split: Split, marker: str) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the final answers that lack the split's closing `marker` and do not
    end like a finished sentence or block: cut before their close. One with the marked line before
    its end was closed (what follows is another matter)."""
    answers = final_answers(messages(ctx, split))
    cut = answers.filter(
        _closing_expr(pl.col("answer")).fill_null("") != marker,
        ~pl.col("answer").str.strip_chars().str.contains(ENDED),
        ~pl.col("answer").str.contains(r"(?m)^[ \t]*" + re.escape(marker)),  # closed, then more
        pl.col("answer").str.strip_chars() != "",
    )
    what = f'no closing "{marker}" line, which the other answers end with'
    return [(line, what, _tail(body)) for line, body in cut.select("line", "answer").sort("line").iter_rows()]


CJK = r"[\u3400-\u4dbf\u4e00-\u9fff]"
CJK_LONG = 40
"""Chinese characters at least in a target whose missing sentence end is read (as `min_words` is for
words: Chinese writes no spaces)."""
CJK_ENDED = r"[\u3002\uff01\uff1f\u2026.!?\u300d\u300f\uff09)\]}\"\u201d'\u2019*`|~\u3011>]\s*$"
"""A Chinese target that ends like a finished sentence, a closed bracket or quote, a table or code."""
CJK_OPEN = (
    r"(?:[\uff0c\u3001\uff1b\uff1a,]|(?:\u7684|\u548c|\u4e0e|\u53ca|\u6216|\u628a|\u88ab|\u4ece|\u5411|\u5bf9\u4e8e|\u4e3a\u4e86)"
    r"|(?:\u5982\u679c|\u56e0\u4e3a|\u6240\u4ee5|\u4f46\u662f|\u800c\u4e14|\u867d\u7136|\u4ee5\u53ca|\u6216\u8005|\u5e76\u4e14|\u4f8b\u5982"
    r"|\u6bd4\u5982|\u5305\u62ec|\u901a\u8fc7|\u6839\u636e)[\u4e00-\u9fff]{0,3})\s*$"
)
"""A Chinese target that stops where no sentence ends: on a comma or colon, a particle or preposition
(的 和 把 从 对于...), or a few characters into a clause a conjunction opened (如果您, 因为我们)."""
CJK_SHARE = 0.6
"""Share of a split's long Chinese targets that must end like a sentence for one that does not to be
cut (advertising copy and titles end on a noun, and a split of them is not read)."""
_NOT_SENTENCE_LINE = r"^\s*(?:#|\||>|[-*\u2022]|\d+[.\u3001)\uff09]|[\u4e00-\u9fff]{1,8}[:\uff1a])"
"""A last line that is a heading, table row, quote, list item or label ("关键词："): no sentence."""


def cjk_long(content: pl.Expr) -> pl.Expr:
    return content.str.count_matches(CJK) >= CJK_LONG


CJK_STRICT_SHARE = 0.95
"""Share of a split's long Chinese targets that end like a sentence for one that stops on any character
after its own ended sentences to be cut (the split punctuates its every answer)."""


def writes_cjk_sentences(seen: dict[str, Any]) -> int:
    """Whether a split writes Chinese sentences that end: 20 long Chinese targets or more, nearly all
    ended (`CJK_SHARE`), and some not: 1, or 2 when almost every one is (`CJK_STRICT_SHARE`); else 0."""
    long, ended = seen.get("cjk_long", 0), seen.get("cjk_ended", 0)
    if not (long >= 20 and ended >= CJK_SHARE * long and ended < long):
        return 0
    return 2 if ended >= CJK_STRICT_SHARE * long else 1


_CJK_AFTER_SENTENCE = r"[。！？][^。！？：:\n]*[\u4e00-\u9fff]{5}[^。！？：:\n]*$"
"""A last line that ended a sentence (。！？) and then runs on for a clause of five characters or more
(no colon: a label or quotation after one ends as it likes)."""
_CJK_SIGN_OFF = r"(?:谢谢|吗|呢|吧|啊|呀|哦|啦|嘛|快乐|愉快|顺利|帮助|告诉我|联系我们?)\s*$"
"""A closing a writer often leaves unpunctuated: thanks, a question particle, a wish ("祝您愉快"), an
offer of help ("请随时告诉我", "希望对您有帮助")."""


def cjk_cut(ctx: Context, split: Split, strict: bool = False) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the long Chinese targets that stop mid-sentence (`CJK_OPEN`), their
    last line prose (no heading, list item, table row or label). A line of a poem or a lyric ends on
    a noun or verb without a mark, so ending on any character is not enough; but where the split
    punctuates nearly every answer (`strict`), a last line that ended sentences and then runs on for
    a clause without a mark ("……。这可以使用") was cut, unless that clause is a usual closing."""
    content = pl.col("content").str.strip_chars()
    last = content.str.extract(r"([^\n]*)$")
    open_end = content.str.contains(CJK_OPEN)
    if strict:
        open_end = open_end | (last.str.contains(_CJK_AFTER_SENTENCE) & ~content.str.contains(_CJK_SIGN_OFF))
    cut = targets(ctx, split).filter(
        cjk_long(pl.col("content")),
        open_end,
        ~last.str.contains(_NOT_SENTENCE_LINE),
        ~content.str.contains(FENCE_LINE),
        ~content.str.contains(CJK_ENDED),
    )
    return [
        (line, "ends mid-sentence", _tail(body))
        for line, body in cut.select("line", "content").sort("line").iter_rows()
    ]


_BLOCK_OPENER = r"(?m)(?:\)|\b(?:else|try|do|finally)|\w+\s*(?:=|=>|:)?)\s*\{[ \t]*$"
"""A line that opens a block of brace code: "function f(a) {", "} else {", "class Shop {", "x = {"."""


def code_left_open(content: pl.Expr) -> pl.Expr:
    """An unfenced answer of brace code (a line opens a block) with more "{" than "}": its blocks
    were never closed, the answer was cut inside the program (a fenced one is the fence rule's)."""
    return (
        content.str.contains(_BLOCK_OPENER)
        & ~content.str.contains(FENCE_LINE)
        & (content.str.count_matches(r"\{") > content.str.count_matches(r"\}"))
    )


def code_cut(ctx: Context, split: Split) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the answers whose brace code stops with blocks still open."""
    cut = targets(ctx, split).filter(code_left_open(pl.col("content")))
    return [
        (line, 'code block "{" never closed', _tail(body))
        for line, body in cut.select("line", "content").sort("line").iter_rows()
    ]


FRAGMENT_SHARE = 0.8
"""Share of a split's long targets that must end like a sentence for a word fragment at the end of
one that does not to be read."""
_FRAGMENT_END = r"(?:^|\s)([^\W\d_]{2,30})$"
"""A target that stops on a run of letters after a space (no mark): its last word, or part of one."""
_LIST_OR_LABEL = r"^\s*(?:#|\||>|[-*\u2022]\s|\d+[.)]\s|[^\s:]{1,20}:\s*\S{0,30}$)"


_ENDINGS = frozenset(
    re.split(
        r"\s+",
        "s es d ed er ers est ing ings ly y ies ied ment ments ness ion ions ful able al ally ity ive ation"
        " ations ous ic ist ists ism e é ée és ées ent ons ez eur euse a o as os n en",
    )
)
"""Endings an inflection or derivation adds to a whole word ("plan" in "plans", "work" in "working"):
a last word that a longer word of its record extends only by one of these may be a word itself."""


def _completes(rest: str) -> bool:
    """Whether `rest`, what a longer word of the record adds to a last word, completes a cut word
    rather than inflecting a whole one."""
    return bool(rest) and rest not in _ENDINGS


def writes_ended_targets(seen: dict[str, Any]) -> bool:
    """Whether a split ends its long targets like sentences so consistently (`FRAGMENT_SHARE` of 20 or
    more) that one stopping on a letter is worth a look."""
    return seen["long"] >= 20 and seen["ended"] >= FRAGMENT_SHARE * seen["long"]


def fragment_cut(ctx: Context, split: Split, min_words: int) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the targets cut inside a word: their last word, after no sentence
    mark, is one their record never writes whole but begins a longer word it does write ("Step 1 ...
    Step 2 ... \\n\\nSte", "for that tas" after "an external task"). Such a stop is no word of the
    language: the generator or the export cut the text mid-word. A last word the record also writes
    whole, or none it extends ("... visit the official website"), is undecidable and left alone. The
    record is the vocabulary (not the split) so that every part of a split reads the same."""
    content = pl.col("content").str.strip_chars()
    last = content.str.extract(r"([^\n]*)$")
    cand = (
        targets(ctx, split)
        .filter(
            content.str.count_matches(r"\S+") >= min_words,
            content.str.contains(_FRAGMENT_END),
            ~content.str.contains(FENCE_LINE),
            ~content.str.contains(CJK),
            ~last.str.contains(_LIST_OR_LABEL),
        )
        .select("line", content.alias("body"), content.str.extract(_FRAGMENT_END).alias("w"))
        .filter(~pl.col("w").str.contains(r"^[A-Z]+$"))  # an acronym ("NASA") is no fragment
    )
    if cand.is_empty():
        return []
    msgs = messages(ctx, split).filter(pl.col("line").is_in(cand["line"].implode()))
    texts = dict(msgs.group_by("line").agg(pl.col("content").str.join("\n")).iter_rows())
    out = []
    for line, body, w in cand.sort("line").iter_rows():
        words = re.findall(r"\w+", texts.get(line, body).lower())
        w = w.lower()
        whole = sum(1 for x in words if x == w)
        if whole <= 1 and any(x.startswith(w) and _completes(x[len(w) :]) for x in words):
            out.append((line, "ends inside a word", _tail(body)))
    return out
