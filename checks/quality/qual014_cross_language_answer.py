"""QUAL014 cross-language-answer: an answer in another language than its prompt, where the split does not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from dataqa.checks.quality.common import final_answers, messages, record_findings
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name
from dataqa.text.language import Prior, contradicts, decide, gather_evidence, review
from dataqa.text.language_ngrams import ngram_languages
from dataqa.text.language_records import asks_for_language
from dataqa.text.language_signals import (
    FUNCTION_WORDS,
    LATIN_WORD,
    MIN_LETTERS,
    MIN_WORDS,
    PREFIX_CHARS,
    UNDETERMINED,
    cheap_language,
    clean_prefix,
    function_word_hits,
)
from dataqa.text.markup import is_code_text
from dataqa.text.redaction import snippet

_FENCED = r"(?s)```.*?(?:```|$)|~~~.*?(?:~~~|$)|\$\$.*?\$\$|<code>.*?</code>"
"""Fenced code, display formulas and code tags: no prose in any language (stripped before detection)."""
_LETTER = r"[^\W\d_]"
_WORD = r"[^\W\d_]+"
_SPACELESS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]"
"""Letters of scripts whose words are not spaced (CJK, kana, Hangul syllables counted per letter, Thai)."""


OWN_WORDS = 3
"""Function words of a language an answer needs to be in it when the cheap count is not decisive."""
CODE_SHARE = 0.05
"""Share of code symbols in a text from which it is code, not prose (prose has hardly any)."""


def _flat_prior(dominant: int | None = None) -> Prior:
    """No data-set prior: each text is judged on its own evidence, so a record's decision is the same
    in any block of its split. A prompt needs a decisive cheap signal or 99:1 over its runner-up; an
    answer is judged against its prompt's language as the dominant one (`dominant`): it is in
    another only by 99:1 and where its own text does not speak against it (names, code keywords,
    the prompt language's function words: `language._unsupported`)."""
    n = len(ngram_languages())
    return Prior(np.full(n, -np.log(n)), dominant)


def _side(texts: pl.Series, prior: Prior) -> list[str]:
    """The language of each text under `prior`, minority decisions reviewed (`language.review`).

    With a dominant language (an answer judged against its prompt's), another language stands only
    where its script decided it, or, for a language with a function-word list, its lower-case
    function words (`_own_words`), and where the text does not contradict it (`contradicts`: mostly
    names or title-cased words, another script, the prompt language's function words): the n-gram
    model alone reads lists of names, code and pig Latin as Welsh or Finnish, and a list of French
    film titles is no French answer. A Latin-script language without a list (Vietnamese, Turkish)
    is not told."""
    evidence = gather_evidence(texts)
    langs = review(texts, decide(evidence, prior), evidence, prior, frozenset)
    if prior.dominant is None:
        return langs
    dominant = ngram_languages()[prior.dominant]
    return [
        lang
        if lang in (dominant, UNDETERMINED)
        or (
            ((evidence.cheap[i] == lang and lang not in FUNCTION_WORDS) or _own_words(text, lang))
            and not contradicts(text, lang, dominant)
        )
        else UNDETERMINED
        for i, (lang, text) in enumerate(zip(langs, texts, strict=True))
    ]


def _speaks(text: str | None, lang: str, other: str) -> bool:
    """Whether a part of an answer put in `other` is plainly in `lang` (its prompt's): by a cheap
    signal, or `OWN_WORDS` of `lang`'s lower-case function words, more than `other`'s (a Spanish
    sentence before its English translation)."""
    prefix = clean_prefix(text)
    if cheap_language(prefix) == lang:
        return True
    hits = function_word_hits(prefix, [w for w in LATIN_WORD.findall(prefix) if w.islower()])
    return lang in FUNCTION_WORDS and hits[lang] >= OWN_WORDS and hits[lang] > hits[other]


def _own_words(text: str | None, lang: str) -> bool:
    """Whether the text has `OWN_WORDS` of `lang`'s function words in lower case, twice any other
    language's: prose's evidence, not a title's or a name's ("Le Fabuleux Destin", "Les 400 Coups"
    in a list of French films asked for in Vietnamese), and not the cheap count's share of the words
    (a German answer heavy in nouns)."""
    prefix = clean_prefix(text)
    hits = function_word_hits(prefix, [w for w in LATIN_WORD.findall(prefix) if w.islower()])
    own = hits.pop(lang, 0)
    return lang in FUNCTION_WORDS and own >= OWN_WORDS and own >= 2 * max(hits.values(), default=0)


def _shares_letters(ask: str, answer: str) -> bool:
    """Whether the answer writes the letters beyond ASCII its prompt writes (Vietnamese ự, Spanish ñ,
    Han) at a quarter of the prompt's rate or more, and `MIN_LETTERS` // 4 of them: it is partly in
    the prompt's language (a Vietnamese list around English names), not a text that quotes a name."""
    own = {ch for ch in ask if ch.isalpha() and not ch.isascii()}
    shared = sum(ch in own for ch in answer)
    if shared < MIN_LETTERS // 4:
        return False
    rate = sum(ch in own for ch in ask) / max(1, sum(ch.isalpha() for ch in ask))
    return shared / max(1, sum(ch.isalpha() for ch in answer)) >= rate / 4


_PARTS = ((0, 2 * PREFIX_CHARS), (-2 * PREFIX_CHARS, None))
"""The start and the end of a text: both are read, and must agree."""


def _halves(texts: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The start and the end of each text: its two halves, of at most `PREFIX_CHARS` * 2 characters
    (a Spanish sentence followed by its English translation has two languages)."""
    frame = pl.DataFrame({"text": texts}).with_columns(pl.col("text").str.len_chars().alias("n"))
    half = pl.min_horizontal(pl.col("n") // 2, pl.lit(2 * PREFIX_CHARS))
    return (
        frame.select(pl.col("text").str.slice(0, half)).to_series(),
        frame.select(pl.col("text").str.slice(pl.col("n") - half, half)).to_series(),
    )


def _agreed(head: list[str], tail: list[str]) -> list[str]:
    """Per text, its language where its start and end agree, else undetermined (a mixed text)."""
    return [h if h == t else UNDETERMINED for h, t in zip(head, tail, strict=True)]


@register
@dataclass
class CrossLanguageAnswer(Summarised):
    """An answer is in another language than its prompt, where the split answers that language in kind.

    Why: the model learns to switch language on the user (an English question answered in German, a
    Spanish title answered with an English abstract). Judged only where both sides are prose long
    enough to tell (COV002's minimum letters and words and the detector's margin; fenced code,
    formulas and URLs stripped; neither side code as a whole nor dense in code symbols) and each
    side's start and end are in the same language, and no half of the answer is plainly in the
    prompt's (`_speaks`)
    (a German passage with an English question is two languages by design); a prompt that names a
    language or asks for a translation ("answer in French", "翻译成英文") gives nothing. The split
    decides what is normal: a prompt language counts only when the split has `min_prompts` judged
    prompts in it and answers at least `usual` of them in it, so a cross-lingual set (instructions
    in English, answers in Chinese by design) gives nothing.
    Example: "What are the benefits of regular exercise?" → "Regelmäßige Bewegung stärkt das Herz…"
    Fix: answer in the prompt's language, or say in the prompt which language the answer is in.
    """

    id = "QUAL014"
    shares = frozenset({"quality.messages", "quality.cross_language"})
    name = "cross-language-answer"
    family = "quality"
    needs = frozenset({"target", "reply"})
    severity = Severity.WARNING
    min_prompts: int = ranged(10, low=1)
    """Judged prompts a language needs in the split before its answers' language is judged."""
    usual: float = ranged(0.8, low=0.5, high=1)
    """...and the share of them answered in the same language."""

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: judged records per (prompt language, answer language) pair."""
        out = {}
        for split in ctx:
            sides = _judged(ctx, split)
            pairs = Counter(f"{p}>{a}" for p, a in zip(sides["p"], sides["a"], strict=True))
            out[split.name] = {"pairs": pairs}
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """Per split, the prompt languages it usually answers in kind and that some answer leaves."""
        out = {}
        for name, seen in summary["splits"].items():
            prompts: Counter[str] = Counter()
            same: Counter[str] = Counter()
            for pair, n in seen["pairs"].items():
                p, a = pair.split(">")
                prompts[p] += n
                same[p] += n if p == a else 0
            usual = {
                p: [n, same[p]]
                for p, n in sorted(prompts.items())
                if n >= self.min_prompts and same[p] >= self.usual * n and same[p] < n
            }
            if usual:
                out[name] = usual
        return out or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """(line, what, evidence) of the answers in another language than their usual prompt's."""
        out = {}
        for name, usual in wanted.items():
            sides = _judged(ctx, ctx.splits[name])
            hits = []
            for line, p, a, ask, answer in sides.select("line", "p", "a", "ask", "answer").iter_rows():
                if p == a or p not in usual:
                    continue
                n, same = usual[p]
                hits.append(
                    (
                        line,
                        f"{p} prompt answered in {a}"
                        f" (the split answers {same} of its {n} {p} prompts in {p})",
                        f"{p}: {snippet(ask, 0, 0, 60)} → {a}: {snippet(answer, 0, 0, 60)}",
                    )
                )
            out[name] = hits
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            hits = summary.get("rows", {}).get(split.name, [])
            yield from record_findings(
                self, ctx, split, hits, f"{field_name(split, 'response')} in another language than its prompt"
            )


def _judged(ctx: Context, split: Split) -> pl.DataFrame:
    """`line`, `ask`, `answer`, `p`, `a` of the records whose prompt and answer languages can both be
    told (the rules in `CrossLanguageAnswer`'s docstring); once per scan."""
    return ctx.shared(("quality.cross_language", split.name), lambda: _judge(ctx, split))


def _judge(ctx: Context, split: Split) -> pl.DataFrame:
    msgs = messages(ctx, split)
    final = final_answers(msgs)
    before = msgs.join(final, on="line").filter(pl.col("turn") < pl.col("at"))
    asks = (
        before.filter(pl.col("role") == "user")
        .group_by("line")
        .agg(pl.col("content").last().alias("ask"))
        .join(before.group_by("line").agg(pl.col("content").str.join("\n").alias("context")), on="line")
        .join(final.select("line", "answer"), on="line")
        .sort("line")
    )
    for side in ("ask", "answer"):
        asks = asks.with_columns(_prose(pl.col(side)).alias(f"{side}_prose"))
    asks = asks.filter(_enough("ask_prose") & _enough("answer_prose"))
    keep = [
        not (_code(ask) or _code(answer) or asks_for_language(context))
        for ask, answer, context in asks.select("ask", "answer", "context").iter_rows()
    ]
    asks = asks.filter(pl.Series(keep, dtype=pl.Boolean))
    langs = {"ask": _agreed(*(_side(asks["ask_prose"].str.slice(*part), _flat_prior()) for part in _PARTS))}
    answers = [UNDETERMINED] * len(asks)
    codes = ngram_languages()
    for p in sorted(set(langs["ask"]) & set(codes)):
        at = [i for i, lang in enumerate(langs["ask"]) if lang == p]
        prior = _flat_prior(codes.index(p))
        prose = asks["answer_prose"].gather(at)
        found = _agreed(*(_side(prose.str.slice(*part), prior) for part in _PARTS))
        halves = list(zip(*_halves(prose), strict=True))
        found = [
            UNDETERMINED if lang != p and any(_speaks(half, p, lang) for half in two) else lang
            for lang, two in zip(found, halves, strict=True)
        ]
        for i, lang in zip(at, found, strict=True):
            answers[i] = lang
    pairs = asks.select("ask_prose", "answer_prose").iter_rows()
    langs["answer"] = [
        UNDETERMINED if a not in (p, UNDETERMINED) and _shares_letters(ask, answer) else a
        for p, a, (ask, answer) in zip(langs["ask"], answers, pairs, strict=True)
    ]
    return (
        asks.with_columns(
            pl.Series("p", langs["ask"], dtype=pl.String), pl.Series("a", langs["answer"], dtype=pl.String)
        )
        .filter((pl.col("p") != UNDETERMINED) & (pl.col("a") != UNDETERMINED))
        .select("line", "ask", "answer", "p", "a")
    )


def _prose(text: pl.Expr) -> pl.Expr:
    """The text without fenced code, display formulas and code tags."""
    return text.str.replace_all(_FENCED, " ")


def _code(text: str) -> bool:
    """Code, not prose: code as a whole (`is_code_text`), or one code symbol (`=(){}[];<>`) in
    `CODE_SHARE` of its non-blank characters or more (a one-line program: "a = 0 b = 1 print(a)")."""
    if is_code_text(text):
        return True
    symbols = sum(text.count(ch) for ch in "=(){}[];<>")
    return symbols >= CODE_SHARE * max(1, len(text) - text.count(" "))


def _enough(column: str) -> pl.Expr:
    """Enough to tell, as COV002 counts it: `MIN_LETTERS` letters, and `MIN_WORDS` words outside
    the unspaced scripts (Han, kana, Hangul, Thai); the detector's own margin does the rest."""
    text = pl.col(column)
    letters = text.str.count_matches(_LETTER)
    spaceless = text.str.count_matches(_SPACELESS)
    words = text.str.count_matches(_WORD)
    return (letters >= MIN_LETTERS) & ((spaceless >= 0.5 * letters) | (words >= MIN_WORDS))
