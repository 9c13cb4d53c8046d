# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""QUAL007's paragraph rule: an answer whose earlier paragraphs or list items all end like sentences
and whose last one stops mid-way was cut (`paragraph_cut`); poems, lists of names and labels end
their lines on nothing and are not read."""

from __future__ import annotations

import re

import polars as pl

from dataqa.checks.quality.common import targets
from dataqa.checks.quality.cut_by_habit import (
    CJK,
    CJK_ENDED,
    CJK_NOT_RUN_ON,
    CJK_SIGN_OFF,
    WORD_SIGN_OFF,
    WORD_STRICT_SHARE,
    word_prose,
)
from dataqa.checks.quality.cut_language import dangles_in, stops_in_phrase
from dataqa.checks.quality.cut_reading import ENDED, FENCE_LINE, evidence_tail, last_line, narrowed
from dataqa.engine.context import Context
from dataqa.ingest.dataset import Split

_ITEM = r"^[ \t]*([-*\u2022]|\d{1,3}[.\u3001)])[ \t]*"
"""A list item's marker: a bullet, or a number with its dot, 、 or bracket."""
_ITEM_RE = re.compile(_ITEM)
_NOT_PARAGRAPH = re.compile(
    r"^\s*(?:#|\||>|(?:[^\s:\uff1a]{1,20} ){0,2}[^\s:\uff1a]{1,20}(?::(?:\s|$)|\uff1a))|^\s*$"
)
"""A line that is no paragraph nor list item: a heading, table row, quote, label or speaker's turn
("Title: ...", "o mee: ...") or blank."""
_TAIL_ENDED = "|".join(
    [
        ENDED,
        CJK_ENDED,
        r"[~\uff5e]\s*$",
        r"(?:^|\s)[:;=]-?[()\[\]DPp]\s*$",
        r"[.!?\u3002][(\[{]{2,3}\s*$",
        "[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]\\s*$",
        r"(?:\*/|-->)\s*$",
    ]
)
"""A last line that ends as a text may: a mark, a closing bracket or quote, a tilde ("uwuu~"), a
smiley or an emoji, debris after a finished sentence ("ville.(("), or a comment's close (a code
answer's notes in `/* ... */` or `<!-- ... -->`: "3. Replaced std::cout with print. */")."""
_LINE_ENDED = re.compile(r"[.!?\u3002\uff01\uff1f\u2026;\uff1b][\"”'’)\]\u300d\u300f\uff09]*\s*$")
_LINE_LONG = re.compile(r"(?:[\u4e00-\u9fff][^\u4e00-\u9fff]*){15}|(?:\S+\s+){7}\S")
"""A line long enough to be a sentence: 15 Chinese characters, or 8 words."""


def _line_kind(line: str) -> str | None:
    """What a line is in its text: "p" (a paragraph), a list marker's kind (the bullet, or "n" and what
    closes the number: "n." "n、"; an item may open on a label: "7. 艺术节: ……"), or None (heading,
    table row, label, speaker's turn, blank: no sentence)."""
    m = _ITEM_RE.match(line)
    if m is not None and line[m.end() :].strip():
        return "n" + m.group(1)[-1] if m.group(1)[0].isdigit() else m.group(1)
    return None if _NOT_PARAGRAPH.search(line) else "p"


_NAME = r"[^\s,\uff0c\u3001.!?:;\uff1a]+(?:[ \t][^\s,\uff0c\u3001.!?:;\uff1a]+){0,2}"
_ENUMERATION = re.compile(
    rf"(?:[^:\uff1a]{{1,40}}[:\uff1a][ \t]*)?(?:{_NAME}[ \t]*[,\uff0c\u3001][ \t]*){{2,}}{_NAME}[ \t]*"
)
"""A list item that names things: an optional label, then three or more names of one to three words
between commas ("Other: herbs, spices, salt, lemon juice"), which ends as a list of names does, on no mark."""


def _names_things(kind: str, tail: str) -> bool:
    """Whether a last line is a list item that only names things (`_ENUMERATION`). Not read where
    the line writes Chinese characters (`CJK`): a clause there has no spaces to count its
    words by, so a sentence cut after its commas would read as names."""
    return (
        kind != "p"
        and not re.search(CJK, tail)
        and _ENUMERATION.fullmatch(_ITEM_RE.sub("", tail)) is not None
    )


_LEAD_IN = re.compile(r"[:\uff1a]\s*$")
"""A line that leads into what follows (a list, a table): it neither ends a sentence nor leaves one."""


def _dangles(line: str, dangling: str, body: str) -> bool:
    """Whether a line of `body` stops on a word no sentence ends on, or begins a sentence with one and
    stops ("... reduction. For"), read in the body's language (`dangles_in`); or stops inside a phrase
    the body wrote before and went on from (`stops_in_phrase`)."""
    if dangles_in(line, dangling, body) or stops_in_phrase(body):
        return True
    first = re.search(r"[.!?][\"”'’)\]]*\s+([A-Z][a-z]*)\s*$", line)
    if first is None:
        return False
    return dangles_in(line[: first.start(1)] + first.group(1).lower(), dangling, body)


def paragraph_cut(
    ctx: Context, split: Split, dangling: str, marks_left_out: bool = False
) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the targets whose last line, a long paragraph or list item, ends on no
        mark where every earlier line of its kind (two or more; for a paragraph, paragraphs and list items
        alike) ends like a sentence: the answer ends
        its paragraphs or items, the last one stopped mid-way ("* 玛丽·居里 - ……闻名。\\n* 尼古拉·特斯拉 -
        ……以发明交流系统而闻名", "……。\\n\\n为了获得更加美味的体验, 可以尝试将曲奇在"). A poem, a list of
        names or labels ends its lines on nothing and is not read, nor a last item that only names things
    (`_ENUMERATION`, unless it stops on a word no sentence ends on: "Rome, Paris and"); nor is a usual
    unpunctuated close. A
        paragraph in a language with spaces is read only when it stops on a word no sentence ends on
        (`dangling`, "... dimensionality reduction. For"): writers of these languages often leave the
        last full stop out of a finished sentence. Where the split's writers leave the last mark out of
        their answers by habit (`marks_left_out`, read from its short answers: `leaves_marks_out`), a last
        list item is read so too: "10. Mời một diễn giả khách mời thảo luận về ... tâm lý học" (Alpaca
        machine-translated: the English source left the stop out) ended the list; one stopped on a comma or
        a word no sentence ends on was still cut. A Chinese item is always read."""
    content = pl.col("content").str.strip_chars()
    last = last_line(content)
    cand = narrowed(
        targets(ctx, split),
        content.str.contains("\n"),
        ~last.str.contains(_TAIL_ENDED),
        ~content.str.contains(CJK_SIGN_OFF),
        ~content.str.contains(WORD_SIGN_OFF),
        ~last.str.contains(CJK_NOT_RUN_ON),
        content.str.count_matches(FENCE_LINE) == 0,
    )
    out = []
    for line, body in cand.select("line", content.alias("body")).sort("line").iter_rows():
        *head, tail = body.split("\n")
        kind = _line_kind(tail)
        if kind is None or not _LINE_LONG.search(_ITEM_RE.sub("", tail)):
            continue
        if _names_things(kind, tail) and not _dangles(tail, dangling, body):
            continue
        if (
            (kind == "p" or marks_left_out)
            and not re.search(CJK + "{5}", tail)
            and not _dangles(tail, dangling, body)
        ):
            continue
        # a paragraph is read against every sentence line before it, a list item against its list
        same = [
            h
            for h in head
            if (k := _line_kind(h)) is not None and (kind == "p" or k == kind) and not _LEAD_IN.search(h)
        ]
        if len(same) >= 2 and all(_LINE_ENDED.search(h) for h in same):
            what = "ends mid-sentence" if kind == "p" else "last list item ends mid-sentence"
            out.append((line, what, evidence_tail(body)))
    return out


_SENTENCE_THEN_MORE = r"[.!?][\"”'’)\]]*[ \t]+[A-Z\u00c0-\u00de]"
"""A sentence ended inside a line and another begun: the line is a paragraph's, not a title, a verse
line, a code line or a list of labels."""


def paragraph_counts(frame: pl.DataFrame, min_words: int) -> dict[str, int]:
    """Of a split's long prose targets (`word_prose`), those whose last line is a paragraph's (a
    sentence ended in it and another begun) and how many of those end like a sentence: the shape the
    run-on rule judges (`run_on_cut`), counted apart from the verse, code and lists of labels the
    prose count also holds. Counts that add up over blocks."""
    body = pl.col("content").str.strip_chars()
    paragraphs = word_prose(frame, "content", min_words).filter(
        last_line(body).str.contains(_SENTENCE_THEN_MORE)
    )
    return {
        "paragraphs": paragraphs.height,
        "paragraphs_ended": paragraphs.filter(body.str.contains(ENDED)).height,
    }


def writes_punctuated_paragraphs(seen: dict[str, int]) -> bool:
    """Whether nearly every long target of a split whose last line is a paragraph's ends like a
    sentence (`WORD_STRICT_SHARE` of 20 or more), and some do not: a haiku, a program or a list of
    labels in an instruction set says nothing of how its writers end their paragraphs."""
    n, ended = seen.get("paragraphs", 0), seen.get("paragraphs_ended", 0)
    return n >= 20 and ended >= WORD_STRICT_SHARE * n and ended < n
