# ruff: noqa: RUF001, RUF003  (curly quotes, fullwidth punctuation and × are data here)
"""QUAL009 trivial-target: a few words in answer to a long-form request."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.checks.quality.common import final_answers, messages, summary_record_findings
from dataqa.core.counted import median_of
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name
from dataqa.text.redaction import snippet

LONG_FORM = (
    r"(?i)^\W*(?:please\s+|can you\s+|could you\s+|would you\s+)?"
    r"(write|compose|draft|explain|describe|discuss|elaborate|compare|analy[sz]e|outline|summari[sz]e"
    r"|tell me about|create|generate|give me an overview)\b"
)
"""A request whose answer takes at least a few sentences (the captured verb is the prompt type)."""
SHORT_ASK = (
    r"(?i)\b(?:titles?|headlines?|slogans?|taglines?|haikus?|tweets?|one-liners?|puns?|punchlines?|riddles?"
    r"|captions?|subject lines?"
    r"|hashtags?|acronyms?|yes or no|yes/no|true or false|true/false|one line"
    r"|(?:one|a single|a|[1-9]|1\d|20|a few|three|five) words?"
    r"|(?:in )?(?:one|a single|a) (?:sentence|phrase)|labels?|categor(?:y|ies)|sentiment|rating|score|emojis?"
    r"|regex|regular expression|formula|equation|code|function|command|scripts?|query|selector"
    r"|names? (?:for|of)"
    r"|briefly|in brief|in short|be brief|keep it short|(?:short|brief) (?:answer|reply|response|description"
    r"|summary|definition|explanation|overview|title|sentence|paragraph|note|caption|statement|version)"
    r"|(?:antonyms?|synonyms?) (?:for|of)|rhym(?:e|es|ing) with"
    r"|random (?:[\w-]+ )?(?:strings?|characters?|letters?|numbers?"
    r"|words?|names?)|(?:answer|reply|respond) (?:with|in (?:one|a single|a) (?:word|number|letter))"
    r"|(?:just|only) (?:the|a|one) (?:number|answer|name|word|value|result|letter|digit|option|choice)"
    r"|nothing else|one[- ]word|(?:choose|pick|select) (?:one|the|from|between)"
    r"|true\b[^.?!\n]{0,60}\bfalse|yes\b[^.?!\n]{0,60}\bno)\b"
    # a value as the object of the request ("a strong password for…", "4 random numbers between…"), not as
    # a topic ("a password manager", "a number system"): the noun ends the phrase
    r"|\b(?:a|an|one|single|\d+)(?: random| secure| strong| new| unique| valid| whole| prime|-character)*"
    r" (?:numbers?|integers?|digits?|pins?|urls?|passwords?|passphrases?|usernames?|user names?|nicknames?)"
    r"(?:\s*$|\s*[.,;:!?)]|\s+(?:between|from|for|to|in|of|that|which|with|using|under|over|greater|less"
    r"|and|or|so|at)\b)"
    # a word of a kind as the object of the request ("Generate a past-tense verb that describes…",
    # "Give an adjective for…"), not as a topic ("Explain the difference between a noun and a verb")
    r"|(?:^|[.!?\n]\s*)(?:please\s+)?(?:generate|give|provide|suggest|find|name|create|think of|come up with"
    r"|choose|pick)\s+(?:me\s+)?(?:a|an|one|single)(?: [\w-]+){0,2} (?:verb|noun|adjective|adverb|pronoun"
    r"|preposition|conjunction|interjection|homophone|palindrome|anagram)"
    r"(?:\s*$|\s*[.,;:!?)]|\s+(?:that|which|for|to|of|with|from|in|describing|meaning)\b)"
)
"""Asks for something short by nature: a title, one word, a pun or its punchline, a label, a password, a
number, code…"""
SHORT_QUESTION = (
    r"(?i)(?:^|[.!?\n]\s*)(?:what(?:'s| is| are the (?:names?|numbers?|values?))"
    r"|how (?:many|much|old|long|far|often)|which|who|whom|when|where|what (?:year|time|date|day|colou?r))"
    r"\b[^.!?\n]*\?"
    r"|(?:哪|谁|(?:^|[^为])什么|多少|几[个位岁年天次种条名]|何时|何地|何种)[^。！？!?\n]*[？?]\s*$"
)
"""A sentence of the request asking a factoid question ("How many peaks are there?"; in Chinese the
request's closing sentence with its question word, not one of a dialogue written before it: 哪里
where, 谁 who, 什么 what (not 为什么 why), 多少 how many, 何种 which kind; "Morton跖头痛主要发病部位是
哪里？" -> "足"): a short answer fits. A yes/no question (是否, 吗) is none, as an English "Is it ...?"
is none: "…是否对肝功能有影响呢？" answered "在文章中，适配子相关" is a cut answer."""
VALUE_ANSWER = r"[{}\[\];=<>\\^$|*]|\w\(|://|\d"
"""An answer holding code syntax, a URL or digits is a value or code (a password, a number, a CSS rule,
a regex), not a brush-off, however few words it has."""


_VALUE = re.compile(VALUE_ANSWER)


def _listed_option(ask: str, answer: str) -> bool:
    """Whether the answer is one of the options the request lists ("…tones include Worried, Calm, Sad")."""
    option = answer.strip().strip(".!\"'").strip()
    if not option:
        return False
    word = re.escape(option)
    listed = rf"(?i)(?:,|\bor\b|\band\b)\s*[\"']?{word}\b|(?<!\w){word}[\"']?\s*(?:,|\bor\b)"
    return re.search(listed, ask) is not None


@register
@dataclass
class TrivialTarget(Summarised):
    """A long-form request ("Explain…", "Write an essay…") is answered in a few words ("Sure.", "OK", "N/A").

    Why: the model learns to brush off requests; such answers are usually placeholders or failed
    generations. Judged against the prompt type: the answer must also be far shorter than the
    split's usual answer to requests of the same kind. A request for something short (a title, one
    word, a password, a number, yes or no, "answer with…", a factoid question such as "How many…?")
    is not long-form, and an answer that is code or a value (digits, code syntax, a URL) or one of
    the options the request lists is not a brush-off, however few its words.
    Example: "Explain how vaccines train the immune system." → "Sure."
    Fix: write the full answer or drop the record.
    """

    id = "QUAL009"
    shares = frozenset({"quality.messages", "quality.long_form"})
    name = "trivial-target"
    family = "quality"
    needs = frozenset({"target", "reply"})
    severity = Severity.WARNING
    min_words: int = ranged(5, low=1)
    """Answers to long-form requests with fewer words are trivial (unless the split's are all short)."""
    ratio: float = ranged(0.2, low=0, high=1)
    """...and shorter than this share of the median answer to the same kind of request."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: the answers' word counts per kind of long-form request (their median is the
        typical answer), and how many answers are under `min_words` (read again if any)."""
        out = {}
        for split in ctx:
            asks = _long_form_asks(ctx, split)
            words = {kind: Counter(counts) for kind, counts in asks.group_by("kind").agg("words").rows()}
            out[split.name] = {"words": words, "short": int((asks["words"] < self.min_words).sum())}
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split with short answers, the median answer length of each kind of request."""
        out = {
            name: {kind: median_of(counts) for kind, counts in seen["words"].items()}
            for name, seen in summary["splits"].items()
            if seen["short"]
        }
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the trivially short answers of each wanted split, in line order."""
        out = {}
        for name, medians in wanted.items():
            asks = _long_form_asks(ctx, ctx.splits[name]).filter(pl.col("words") < self.min_words)
            rows = asks.select("line", "ask", "answer", "kind", "words").iter_rows()
            hits = []
            for line, ask, answer, kind, words in rows:
                typical = medians.get(kind, 0)
                if words >= self.ratio * typical or _VALUE.search(answer) or _listed_option(ask, answer):
                    continue
                hits.append(
                    (
                        line,
                        f'{words}-word answer to "{kind}" (typical: {math.floor(typical)} words)',
                        f"{snippet(ask, 0, 0, 60)} → {snippet(answer, 0, 0, 40)}",
                    )
                )
            out[name] = hits
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        yield from summary_record_findings(
            self, ctx, summary, lambda split: f"trivially short {field_name(split, 'response')}"
        )


def _long_form_asks(ctx: Context, split: Split) -> pl.DataFrame:
    """`line`, `ask`, `answer`, `kind`, `words` of the records whose last request before the final
    answer asks for long-form writing ("explain", "describe", ...) and not for something short;
    once per scan (the summary and the short answers read it)."""
    return ctx.shared(("quality.long_form", split.name), lambda: _asks_of(ctx, split))


def _asks_of(ctx: Context, split: Split) -> pl.DataFrame:
    msgs = messages(ctx, split)
    final = final_answers(msgs)
    return (
        msgs.filter(pl.col("role") == "user")
        .join(final, on="line")
        .filter(pl.col("turn") < pl.col("at"))
        .group_by("line")
        .agg(pl.col("content").last().alias("ask"), pl.col("answer").first())
        .with_columns(pl.col("ask").str.extract(LONG_FORM, 1).str.to_lowercase().alias("kind"))
        .filter(
            pl.col("kind").is_not_null()
            & ~pl.col("ask").str.contains(SHORT_ASK)
            & ~pl.col("ask").str.contains(SHORT_QUESTION)
        )
        .with_columns(pl.col("answer").str.count_matches(r"\w+").alias("words"))
        .sort("line")
    )
