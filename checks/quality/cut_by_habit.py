# ruff: noqa: RUF001  (fullwidth punctuation is data here)
"""QUAL007's cuts read against what the rest of a split does: the closing line nearly every answer
ends with ("#### 72"), Chinese sentences that end, code that ends where its program does (`cut_code`),
long answers that end like sentences (one stopping inside a word was cut). Each rule counts its split first
(`TruncatedTarget.summarise`), then names the answers that break the habit."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import polars as pl

from dataqa.checks.quality.common import messages, split_final_answers, targets
from dataqa.checks.quality.cut_code import code_open_targets
from dataqa.checks.quality.cut_language import BLOCK_CLOSED_END, in_syllables
from dataqa.checks.quality.cut_reading import (
    ENDED,
    FENCE_LINE,
    at_least_words,
    evidence_tail,
    in_slices,
    last_line,
    narrowed,
)
from dataqa.engine.context import Context
from dataqa.ingest.dataset import Split

CLOSING_SHARE = 0.8
"""Share of a split's answers that close on one marked line for an answer without it to be cut."""
CLOSING_MIN = 20
"""Fewest answers that show a split's closing line."""
CLOSING_MARK = r"^(?:#{2,}|[^\W\d_]{2,20}[:\uff1a])$"
"""A token that opens a closing line by format: "####" (GSM8K), "Answer:", "答案：" (word and colon)."""


def _closing_expr(answer: pl.Expr) -> pl.Expr:
    """The first token of an answer's last line when it marks a closing line ("####", "Answer:"), else
    null; a list item, table row or fence is no such mark (answers end on them for what they say)."""
    last = last_line(answer.str.strip_chars()).str.strip_chars()
    token = last.str.extract(r"^(\S{1,24})")
    return pl.when(token.str.contains(CLOSING_MARK)).then(token).otherwise(None)


def closings(ctx: Context, split: Split) -> tuple[int, Counter[str]]:
    """How many records have a final answer, and how many of those close on each marked line."""
    answers = split_final_answers(ctx, split)
    counts: Counter[str] = Counter()
    for part in in_slices(answers):
        marks = part.select(_closing_expr(pl.col("answer")).alias("c"))["c"].drop_nulls().value_counts()
        counts.update(dict(marks.iter_rows()))
    return answers.height, counts


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
    answers = split_final_answers(ctx, split)
    cut = answers.filter(
        _closing_expr(pl.col("answer")).fill_null("") != marker,
        ~pl.col("answer").str.strip_chars().str.contains(ENDED),
        ~pl.col("answer").str.contains(r"(?m)^[ \t]*" + re.escape(marker)),  # closed, then more
        pl.col("answer").str.strip_chars() != "",
    )
    what = f'no closing "{marker}" line, which the other answers end with'
    return [
        (line, what, evidence_tail(body))
        for line, body in cut.select("line", "answer").sort("line").iter_rows()
    ]


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
(的 和 把 从 对于...: a 的 that closes a sentence is `CJK_CLOSING_DE`), or a few characters into a clause
a conjunction opened (如果您, 因为我们)."""
CJK_CLOSING_DE = (
    r"(?:\u662f[^\u3002\uff01\uff1f\uff0c\uff1b,.!?;]*|[\u4f1a\u633a\u771f\u597d\u5bf9])\u7684\s*$"
)
"""A 的 that ends a sentence: the close of a 是……的 clause ("规则从来不是用来困死人的") or of a spoken
会的, 挺好的, 真的, 好的, 对的; a 的 elsewhere at the end is a modifier cut before its noun ("我们的")."""
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


_CJK_PROSE_END = r"[\u4e00-\u9fff\u3002\uff01\uff1f\uff0c\u3001\uff1b\u2026\u300d\u300f\uff09\u201d.!?,]\s*$"
"""A text whose last character is Chinese or a mark Chinese prose ends or pauses on."""


def cjk_prose(content: pl.Expr) -> pl.Expr:
    """A long Chinese target whose last line is prose: no heading, list item, table row or label, no
    colon (an answer line "答案是: 1.25", "信心: 95%", with a fullwidth colon or not), and a Chinese
    character or mark at its end (not a number, a URL, a Latin word or an emoji). Only such an
    ending can end a sentence or not."""
    body = content.str.strip_chars()
    last = last_line(body)
    return (
        cjk_long(content)
        & ~last.str.contains(_NOT_SENTENCE_LINE)
        & ~last.str.contains(r"[:\uff1a]")
        & body.str.contains(_CJK_PROSE_END)
    )


def writes_cjk_sentences(seen: dict[str, Any]) -> int:
    """Whether a split writes Chinese sentences that end: 20 long Chinese targets or more, nearly all
    ended (`CJK_SHARE`), and some not: 1, or 2 when almost every one that ends on a prose line does
    (`CJK_STRICT_SHARE` of `cjk_prose`: answers closing on a list, a label, a number or an emoji say
    nothing of how the split ends its sentences); else 0."""
    long, ended = seen.get("cjk_long", 0), seen.get("cjk_ended", 0)
    if not (long >= 20 and ended >= CJK_SHARE * long and ended < long):
        return 0
    prose, prose_ended = seen.get("cjk_prose", 0), seen.get("cjk_prose_ended", 0)
    return 2 if prose >= 20 and prose_ended >= CJK_STRICT_SHARE * prose else 1


_CJK_AFTER_SENTENCE = r"[。！？][^。！？：:\n]*[\u4e00-\u9fff]{5}[^。！？：:\n]*$"
"""A last line that ended a sentence (。！？) and then runs on for a clause of five characters or more
(no colon: a label or quotation after one ends as it likes)."""
CJK_SIGN_OFF = r"(?:谢谢|吗|呢|吧|啊|呀|哦|啦|嘛|快乐|愉快|顺利|帮助|告诉我|联系我们?)\s*$"
"""A closing a writer often leaves unpunctuated: thanks, a question particle, a wish ("祝您愉快"), an
offer of help ("请随时告诉我", "希望对您有帮助")."""


CJK_NOT_RUN_ON = r"[#\uff03][^\s#\uff03]+\s*$|[。！？][^。！？]*\s\d{1,2}[.\u3001)]\S[^。！？]*$"
"""A last line whose unpunctuated end is a post's hashtags ("……水平🚀#TwitterWithChatGPT") or the items of
a list written on one line ("……。 1.到宝可梦中心 2.去精灵球商店 3.探索常青市"): no sentence left open."""


def cjk_cut(ctx: Context, split: Split, strict: bool = False) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the long Chinese targets that stop mid-sentence (`CJK_OPEN`), their
    last line prose (no heading, list item, table row or label). A line of a poem or a lyric ends on
    a noun or verb without a mark, so ending on any character is not enough; but where the split
    punctuates nearly every answer (`strict`), a last line that ended sentences and then runs on for
    a clause without a mark ("……。这可以使用") was cut, unless that clause is a usual closing."""
    content = pl.col("content").str.strip_chars()
    last = last_line(content)
    open_end = content.str.contains(CJK_OPEN) & ~content.str.contains(CJK_CLOSING_DE)
    if strict:
        # a one-paragraph text (ad copy, a caption) often ends its last phrase without a mark
        run_on = (
            last.str.contains(_CJK_AFTER_SENTENCE)
            & ~last.str.contains(CJK_NOT_RUN_ON)
            & content.str.contains("\n")
        )
        open_end = open_end | (run_on & ~content.str.contains(CJK_SIGN_OFF))
    cut = targets(ctx, split).filter(
        cjk_long(pl.col("content")),
        open_end,
        ~last.str.contains(_NOT_SENTENCE_LINE),
        content.str.count_matches(FENCE_LINE) % 2 == 0,  # last line no code (an open fence: another rule)
        ~content.str.contains(CJK_ENDED),
    )
    return [
        (line, "ends mid-sentence", evidence_tail(body))
        for line, body in cut.select("line", "content").sort("line").iter_rows()
    ]


FRAGMENT_SHARE = 0.8
"""Share of a split's long targets ending like a sentence for a word fragment ending one to be read."""
_FRAGMENT_END = r"(?:^|\s)([^\W\d_]{2,30})$"
"""A target that stops on a run of letters after a space (no mark): its last word, or part of one."""
_NAME_END = r"[^\s.!?:;\n][ \t]+\p{Lu}\p{Ll}+$"
"""A capitalised last word inside a sentence, in any cased script: part of a name ("Benedict the
Just", "Adam Scott", "Yen Nhật Bản"), which a longer name or word of the record may begin ("Justman",
"Scottie", "bảng Anh") without its being cut. At a sentence's start a capital says nothing ("Ste")."""
_LIST_OR_LABEL = r"^\s*(?:#|\||>|[-*\u2022]\s|(?:\d+|[A-Za-z])[.)]\s|[^\s:]{1,20}:\s*\S{0,30}$)"
"""A last line that is a list item (a bullet, a number or a letter: an outline's "B. ...", a quiz's
"D) ..."), heading, table row, quote or short label: its last word ends an item, not a sentence."""


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


FRAGMENT = "ends inside a word"
"""What a target cut inside a word (`fragment_words`) is said to do."""
OTHER_RECORDS = 2
"""Other records of a split that must write a last word whole for it to be a word, not a fragment."""


def fragment_words(ctx: Context, split: Split, min_words: int) -> dict[int, tuple[str, str]]:
    """line: (last word, evidence) of the targets cut inside a word: their last word, after no sentence
    mark, is one their record never writes whole but begins a longer word it does write ("Step 1 ...
    Step 2 ... \\n\\nSte", "for that tas" after "an external task"). Such a stop is no word of the
    language: the generator or the export cut the text mid-word. A last word the record also writes
    whole, or none it extends ("... visit the official website"), is undecidable and left alone. The
    record is the vocabulary here, so that every block of a split reads the same; a word the rest of
    the split writes whole ("data" before "datasets") is read later (`whole_records`)."""
    content = pl.col("content").str.strip_chars()
    last = last_line(content)
    cand = (
        narrowed(
            targets(ctx, split),
            content.str.contains(_FRAGMENT_END),
            ~content.str.contains(FENCE_LINE),
            ~content.str.contains(CJK),
            at_least_words(content, min_words),
            ~last.str.contains(_LIST_OR_LABEL),
        )
        .select("line", content.alias("body"), content.str.extract(_FRAGMENT_END).alias("w"))
        .filter(
            ~pl.col("w").str.contains(r"^[A-Z]+$"),  # an acronym ("NASA") is no fragment
            ~pl.col("body").str.contains(_NAME_END),
            ~pl.col("body").str.contains(BLOCK_CLOSED_END),  # shell's "fi" is no cut "file"
        )
    )
    if cand.is_empty():
        return {}
    msgs = messages(ctx, split).filter(pl.col("line").is_in(cand["line"].implode()))
    texts = dict(msgs.group_by("line").agg(pl.col("content").str.join("\n")).iter_rows())
    out = {}
    for line, body, w in cand.sort("line").iter_rows():
        words = re.findall(r"\w+", texts.get(line, body).lower())
        w = w.lower()
        whole = sum(1 for x in words if x == w)
        syllables = in_syllables(body)  # each word a whole syllable: no fragment to tell
        if whole <= 1 and not syllables and any(x.startswith(w) and _completes(x[len(w) :]) for x in words):
            out[line] = (w, evidence_tail(body))
    return out


def whole_records(ctx: Context, split: Split, words: set[str]) -> Counter[str]:
    """How many records of the split write each of `words` (lower case) whole, in any message: a last
    word that `OTHER_RECORDS` records besides its own write whole is a word of the data set's
    vocabulary ("... on text data" where others write "data" whole), not a fragment of a longer one."""
    counts: Counter[str] = Counter()
    ordered = sorted(words)
    for start in range(0, len(ordered), WORDS_AT_ONCE):  # a bounded alternation per regex
        part = set(ordered[start : start + WORDS_AT_ONCE])
        union = r"(?i)(?:^|[^\w])(?:" + "|".join(re.escape(w) for w in sorted(part)) + r")(?:$|[^\w])"
        msgs = messages(ctx, split).filter(pl.col("content").str.contains(union))
        texts = msgs.group_by("line").agg(pl.col("content").str.join("\n"))
        for text in texts["content"]:
            counts.update(part & set(re.findall(r"\w+", text.lower())))
    return counts


WORDS_AT_ONCE = 200
"""Candidate words `whole_records` looks for in one pass over the messages."""


def vocabulary_dropped(rows: dict[str, Any], name: str) -> list[Any]:
    """The hits gathered for split `name` without the cuts inside a word whose last word other records
    of the split write whole (`OTHER_RECORDS`): a word of the data set's vocabulary that a longer word
    of its record begins ("text data" beside "datasets"), a text ending without its full stop."""
    fragments = rows.get("fragments", {}).get(name, {})
    whole = rows.get("whole", {}).get(name, {})

    def known(hit: Any) -> bool:
        word = fragments.get(hit[0])
        return hit[1] == FRAGMENT and word is not None and whole.get(word, 0) > OTHER_RECORDS

    return [h for h in rows.get("hits", {}).get(name, []) if not known(h)]


_PROSE_LAST = r"(?m)^[ \t]*(?:[A-Za-z\u00c0-\u024f\"“'‘(]|\d+[ \t]+[^\d\s|#>])[^\n|#>]*\S[ \t]*\z"
"""A last line that opens on a letter or a quote, or on a number and a word or sign after a space
("5 × $13 = $65. So Daniel pays $65.": a worked answer's sentence); no list item ("1. ", "2) "),
heading, table row or quote block."""
_PROSE_END = r"(?:[a-z\u00df-\u024f]{2}|[.!?…][\"”'’)\]]*)\s*$"
"""A text ending on a lower-case word or a sentence mark: where a sentence ends or stops."""
_WORD_RUN_ON = (
    r"[.!?][\"”'’)\]]*[ \t]+[A-Z\u00c0-\u00de](?:[^.!?:;,\n]|,[ \t]*[^A-Z\s])*(?:[ \t]|,[ \t]*)"
    r"[a-z\u00df-\u024f]{2,}\s*$"
)
"""A last line that ended a sentence and then runs on for a sentence of two words or more to a
lower-case word, without a mark ("... of Pulsar Productions. Could you provide", "... is
vacuum-sealed, then"). A comma before a capital ends the run: a letter's closing and its signature
("With respect and hope, Your AI companion")."""
WORD_SIGN_OFF = (
    r"(?i)(?:\b(?:thanks?|thank you|cheers|regards|luck|enjoy|day|week|weekend|evening|helps?|"
    r"questions?|anything else|know|welcome|soon|later|care|wishes|best|fun)|#\w+|https?://\S+"
    r"|\\boxed\{[^\n]*\}[$\\)\]\s]*(?:[^\W\d_]+[^\S\n]*){0,3})\s*$"
)
r"""An unpunctuated close a writer often leaves so: thanks, a wish, an offer of help ("Let me know if
you have other questions"), a hashtag or a link; or a solution's last sentence that states its
answer in `\boxed{}` and at most three words after it (MATH's end-of-solution sign, as "#### 72"
is GSM8K's: "... the shop has $76\div2=\boxed{38}$ benches")."""
WORD_STRICT_SHARE = 0.95
"""Share of a split's long targets ending on a prose line that end like a sentence, for one that runs
on after its own sentences to be cut."""


def word_prose(frame: pl.DataFrame, column: str, min_words: int) -> pl.DataFrame:
    """The rows of `frame` whose `column` is a long target whose last line is prose that ends on a
    lower-case word or a sentence mark."""
    body = pl.col(column).str.strip_chars()
    return narrowed(
        frame,
        body.str.contains(_PROSE_END),
        ~body.str.contains(FENCE_LINE),
        body.str.contains(_PROSE_LAST),
        at_least_words(body, min_words),
    )


def writes_punctuated_prose(seen: dict[str, Any]) -> bool:
    """Whether nearly every long target of a split that ends on a prose line ends like a sentence."""
    prose, ended = seen.get("prose", 0), seen.get("prose_ended", 0)
    return prose >= 20 and ended >= WORD_STRICT_SHARE * prose and ended < prose


def habit_counts(frame: pl.DataFrame, min_words: int) -> dict[str, int]:
    """What the split-habit rules count of a split's targets (`frame`): its long Chinese targets and
    their prose ones (`cjk_long`, `cjk_prose`), each with how many end like sentences; its long word
    prose (`word_prose`) and how much of it ends like sentences; its code left open
    (`code_open_targets`). The Chinese rules read only targets with a Chinese character."""
    content = pl.col("content")
    chinese = frame.filter(content.str.contains(CJK)).select(
        cjk_long(content).sum().alias("cjk_long"),
        (cjk_long(content) & content.str.contains(CJK_ENDED)).sum().alias("cjk_ended"),
        cjk_prose(content).sum().alias("cjk_prose"),
        (cjk_prose(content) & content.str.contains(CJK_ENDED)).sum().alias("cjk_prose_ended"),
    )
    counts = {k: int(v or 0) for k, v in chinese.row(0, named=True).items()}
    prose = word_prose(frame, "content", min_words)
    counts["prose"] = prose.height
    counts["prose_ended"] = prose.filter(content.str.contains(ENDED)).height
    counts["code_open"] = code_open_targets(frame).height
    return counts


SHORT_ANSWERS = 20
"""Final answers under the long length a split needs, for its writers' habit with a last mark to be read."""


def short_answer_marks(ctx: Context, split: Split, min_words: int) -> tuple[int, int]:
    """Of a split's final answers, the short sentences (prose of three words up to `min_words` on one
    line, which no length limit cuts, most words in lower case: a list of labels over lines, a title or
    a name has no sentence end to leave out) and how many end on a mark: counts that add up over blocks."""
    body = pl.col("answer").str.strip_chars()
    short = narrowed(
        split_final_answers(ctx, split),
        ~body.str.contains("\n"),
        body.str.count_matches(r"\b\p{Lu}") * 2 <= body.str.count_matches(r"\b[^\W\d_]"),
        body.str.contains(_PROSE_END),
        ~body.str.contains(CJK),
        body.str.contains(_PROSE_LAST),
        at_least_words(body, 3),
        ~at_least_words(body, min_words),
    )
    return short.height, short.filter(body.str.contains(ENDED)).height


def leaves_marks_out(seen: dict[str, Any]) -> bool:
    """Whether the writers of a split's final answers leave the last mark out by habit: of its short
    ones (`short_answer_marks`), at least `SHORT_ANSWERS`, fewer than `WORD_STRICT_SHARE` end on a
    mark. There a long answer that runs on to a word ("Here you go. Let me know if I can help you
    with anything") was finished too."""
    short, ended = seen.get("short_answers", 0), seen.get("short_answers_ended", 0)
    return short >= SHORT_ANSWERS and ended < WORD_STRICT_SHARE * short


def run_on_cut(ctx: Context, split: Split, min_words: int) -> list[tuple[int, str, str]]:
    """(line, what, evidence) of the long targets, in a split that punctuates its every sentence
    (`writes_punctuated_prose`), whose last line ended a sentence and then runs on to a word without
    a mark: cut before the sentence was done ("... Could you provide", "... visit the official
    website"); unless that end is a usual unpunctuated close (`WORD_SIGN_OFF`). Only the last answer
    of a record is read: an earlier turn the user went on to answer was delivered whole, and a mark
    left out there is the writer's ("Can I help with something else" in a crowd-written dialogue). The
    caller skips a split whose writers leave the last mark out of their short answers
    (`leaves_marks_out`)."""
    content = pl.col("content").str.strip_chars()
    last = split_final_answers(ctx, split).rename({"answer": "content"})
    cut = narrowed(
        last,
        content.str.contains(_WORD_RUN_ON),
        ~content.str.contains(WORD_SIGN_OFF),
        ~content.str.contains(CJK),
    )
    cut = word_prose(cut, "content", min_words)
    return [
        (line, "ends mid-sentence", evidence_tail(body))
        for line, body in cut.select("line", content.alias("body")).sort("line").iter_rows()
    ]
