"""QUAL014 cross-language-answer: an answer in another language than its prompt, where the split does not."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from dataqa.checks.quality.common import messages, split_final_answers, summary_record_findings
from dataqa.core.models import Finding, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import field_name
from dataqa.text.language import Evidence, Prior, contradicts, decide, gather_evidence, review
from dataqa.text.language_ngrams import ngram_languages
from dataqa.text.language_records import asks_translation, named_languages, names_language
from dataqa.text.language_romanised import ROMANISED, romanised_hindi_words
from dataqa.text.language_signals import (
    FREQUENT_WORDS,
    FUNCTION_WORDS,
    LANGUAGE_SCRIPTS,
    LATIN_WORD,
    MIN_LETTERS,
    MIN_WORDS,
    PREFIX_CHARS,
    UNDETERMINED,
    cheap_language,
    clean_prefix,
    function_word_hits,
)
from dataqa.text.markup import CODE_SHARE, CODE_SYMBOLS, is_code_text
from dataqa.text.redaction import snippet

_FENCED = r"(?s)```.*?(?:```|$)|~~~.*?(?:~~~|$)|\$\$.*?\$\$|<code>.*?</code>"
"""Fenced code, display formulas and code tags: no prose in any language (stripped before detection)."""
_LETTER = r"[^\W\d_]"
_WORD = r"[^\W\d_]+"
_SPACELESS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]"
"""Letters of scripts whose words are not spaced (CJK, kana, Hangul syllables counted per letter, Thai)."""


OWN_WORDS = 3
"""Function words of a language an answer needs to be in it when the cheap count is not decisive."""
LONG_LETTERS = 200
"""Letters a Latin-script answer needs for the n-gram model alone to name a language without a
function-word list (half of what detection reads: a paragraph, not a title or a list of names)."""
START_CHARS = 100
"""Characters of a text's start in which its length is counted first (`_enough_from_start`)."""
MIN_CODE_LINES = 3
"""Lines a text needs to be code as a whole (`is_code_text`): fewer are never asked about."""


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
    where its script decided it, or the text is written in a script of that language the prompt's
    language is not written in (Cyrillic, Arabic, Devanagari to an English or Chinese prompt: the
    script says "another language", the n-gram model which one), or, for a language with a
    function-word list, its lower-case function words (`_own_words`), or, for a Latin-script language
    without a list (Vietnamese, Turkish, Indonesian, Polish), where the n-gram model names it on the
    text's own evidence (99:1 over any other language, no prior) in `LONG_LETTERS` letters or more;
    and where the text does not contradict it (`contradicts`: mostly names or title-cased words,
    another script, the prompt language's function words): the n-gram model alone reads short lists
    of names, code and pig Latin as Welsh or Finnish, and a list of French film titles is no French
    answer."""
    evidence = gather_evidence(texts)
    langs = review(texts, decide(evidence, prior), evidence, prior, frozenset)
    if prior.dominant is None:
        return langs
    dominant = ngram_languages()[prior.dominant]
    out = [
        lang
        if lang in (dominant, UNDETERMINED)
        or (
            (
                (evidence.cheap[i] == lang and lang not in FUNCTION_WORDS)
                or _own_script(evidence.scripts[i], lang, dominant)
                or _own_words(text, lang)
                or _family_words(text, lang, dominant)
            )
            and not contradicts(text, lang, dominant)
        )
        else UNDETERMINED
        for i, (lang, text) in enumerate(zip(langs, texts, strict=True))
    ]
    for i, lang in _unlisted(texts, evidence, dominant).items():
        out[i] = lang
    return out


def _unlisted(texts: pl.Series, evidence: Evidence, dominant: str) -> dict[int, str]:
    """Texts in a Latin-script language without a function-word list, on their own evidence: the
    n-gram model names it at 99:1 over every other language with no prior, in `LONG_LETTERS` letters
    or more, no cheap signal decided another (no listed language's function words are decisive), and
    the text does not contradict it but by a stray function word of a listed language (Polish "i",
    "to", Turkish "on", Indonesian "dan" are English and Dutch forms: a paragraph has a few)."""
    alone = decide(evidence, _flat_prior())
    picks = [
        i
        for i, lang in enumerate(alone)
        if lang not in (dominant, UNDETERMINED)
        and lang not in FUNCTION_WORDS
        and lang not in LANGUAGE_SCRIPTS
        and evidence.cheap[i] is None
    ]
    return {
        i: alone[i]
        for i, text in zip(picks, texts.gather(picks), strict=True)
        if _letters(text) >= LONG_LETTERS and not contradicts(text, alone[i], dominant, function_words=False)
    }


def _letters(text: str | None) -> int:
    """Letters in the part of the text detection reads (its de-noised prefix)."""
    return sum(map(len, LATIN_WORD.findall(clean_prefix(text))))


def _own_script(script: str | None, lang: str, dominant: str) -> bool:
    """Whether a text's script (`script_of`: `MIN_LETTERS` // 2 letters of it) is one `lang` is
    written in and `dominant` is not."""
    return script in LANGUAGE_SCRIPTS.get(lang, ()) and script not in LANGUAGE_SCRIPTS.get(dominant, ())


def _speaks(text: str | None, lang: str, other: str) -> bool:
    """Whether a part of an answer put in `other` is plainly in `lang` (its prompt's): by a cheap
    signal, or `OWN_WORDS` of `lang`'s lower-case function words, more than `other`'s (a Spanish
    sentence before its English translation). Against a Latin-script language without a list, whose
    words cannot be counted against, only the cheap signal tells: a Polish paragraph has "i", "to"
    and "do", and letters English is not written with."""
    prefix = clean_prefix(text)
    if cheap_language(prefix) == lang:
        return True
    if other not in FUNCTION_WORDS and other not in LANGUAGE_SCRIPTS:
        return False
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


_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)$")
"""What comes before a sentence's first word: nothing, or the end of the sentence before it."""


def _family_words(text: str | None, lang: str, prompt: str) -> bool:
    """Whether the text has `OWN_WORDS` of `lang`'s frequent words of two letters or more, sibling
    forms included (`FREQUENT_WORDS`: Spanish "de", "la", "que"), none a frequent word of the
    prompt's language, written in lower case or opening a sentence, and three times the prompt
    language's function words: a short answer ("La capital de Francia es París.") has too few words
    only Spanish uses for `_own_words`, and which sibling it is the n-gram model has said at 99:1. A
    title or a name ("Les 400 Coups", "Juan de la Cruz") has few such words in lower case."""
    frequent = FREQUENT_WORDS.get(lang, frozenset()) - FREQUENT_WORDS.get(prompt, frozenset())
    prefix = clean_prefix(text)
    words = [
        m.group().lower()
        for m in LATIN_WORD.finditer(prefix)
        if m.group().islower() or (m.group()[1:].islower() and _SENTENCE_START.search(prefix, 0, m.start()))
    ]
    found = sum(len(w) > 1 and w in frequent for w in words)
    against = function_word_hits(prefix, words)[prompt]
    return found >= OWN_WORDS and found >= 3 * against


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


HINDI_LANGUAGES = frozenset({"hi", "ur"})
"""Languages chats write in Latin letters as often as in their own script (Hinglish, Roman Urdu)."""


def _writes_romanised(ask: str, lang: str) -> bool:
    """Whether a prompt writes the answer's language in Latin letters: a Hindi or Urdu answer to a
    prompt with a strong romanised Hindi word and another (`romanised_hindi_words`: "theek hai.. i
    hope u guys dont do it again. ab main phone rakhta hu"). One language in two scripts, as
    code-mixed chats write it, is no switch; a prompt of a whole sentence of them is undetermined
    already (`romanised_hindi`)."""
    if lang not in HINDI_LANGUAGES:
        return False
    strong, weak = romanised_hindi_words(LATIN_WORD.findall(ask))
    return strong >= 1 and strong + weak >= 2


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
    (a German passage with an English question is two languages by design); a prompt that asks for
    a translation ("翻译成英文") gives nothing, nor does an answer in a language its conversation
    names ("answer in French"): a name asks for that language only, so "an Italian restaurant" or
    a story "involving German" answered in Spanish is still read. The split
    decides what is normal: a prompt language counts only when the split has `min_prompts` judged
    prompts in it and answers at least `usual` of them in it, so a cross-lingual set (instructions
    in English, answers in Chinese by design) gives nothing.
    Example: "What are the benefits of regular exercise?" → "Regelmäßige Bewegung stärkt das Herz…"
    Fix: answer in the prompt's language, or say in the prompt which language the answer is in.
    """

    id = "QUAL014"
    shares = frozenset({"quality.messages", "quality.final_answers", "quality.cross_language"})
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
        def subject(split: Split) -> str:
            return f"{field_name(split, 'response')} in another language than its prompt"

        yield from summary_record_findings(self, ctx, summary, subject)


def _judged(ctx: Context, split: Split) -> pl.DataFrame:
    """`line`, `ask`, `answer`, `p`, `a` of the records whose prompt and answer languages can both be
    told (the rules in `CrossLanguageAnswer`'s docstring); once per scan."""
    return ctx.shared(("quality.cross_language", split.name), lambda: _judge(ctx, split))


def _judge(ctx: Context, split: Split) -> pl.DataFrame:
    """The rules of `CrossLanguageAnswer`'s docstring, cheapest first: the filters (polars, the
    answer's length read from its start), the prompt's language, and the answer's only where the
    prompt's was told; an answer's end is read only where its start is in another language."""
    msgs = messages(ctx, split)
    final = split_final_answers(ctx, split)
    before = msgs.join(final, on="line").filter(pl.col("turn") < pl.col("at"))
    asks = (
        before.filter(pl.col("role") == "user")
        .group_by("line")
        .agg(pl.col("content").last().alias("ask"))
        .join(before.group_by("line").agg(pl.col("content").str.join("\n").alias("context")), on="line")
        .join(final.select("line", "answer"), on="line")
        .sort("line")
        .with_columns(
            _prose(pl.col("ask")).alias("ask_prose"), _prose(pl.col("answer")).alias("answer_prose")
        )
        .filter(
            ~_dense_code(pl.col("ask"))
            & ~_dense_code(pl.col("answer"))
            & ~asks_translation(pl.col("context"))
        )
        .with_columns(names_language(pl.col("context")).alias("names"))
    )
    asks = asks.filter(_enough_from_start(asks["ask_prose"]))
    asks = asks.filter(_enough_from_start(asks["answer_prose"]))
    asks = asks.filter(~_code_text(asks["ask"]) & ~_code_text(asks["answer"]))
    asks = asks.with_columns(pl.Series("p", _read(asks["ask_prose"], _flat_prior()), dtype=pl.String)).filter(
        ~pl.col("p").is_in([UNDETERMINED, ROMANISED])  # code-mixed Hindi and English is either
    )
    answers = [UNDETERMINED] * len(asks)
    codes = ngram_languages()
    told = asks["p"].to_list()
    for p in sorted(set(told) & set(codes)):
        at = [i for i, lang in enumerate(told) if lang == p]
        prose = asks["answer_prose"].gather(at)
        found = _read(prose, _flat_prior(codes.index(p)))
        mixed = [k for k, lang in enumerate(found) if lang not in (p, UNDETERMINED)]
        halves = list(zip(*_halves(prose.gather(mixed)), strict=True))
        for k, two in zip(mixed, halves, strict=True):
            if any(_speaks(half, p, found[k]) for half in two):
                found[k] = UNDETERMINED
        for i, lang in zip(at, found, strict=True):
            answers[i] = UNDETERMINED if lang == ROMANISED else lang
    other = [i for i, (p, a) in enumerate(zip(told, answers, strict=True)) if a not in (p, UNDETERMINED)]
    sides = (asks[side].gather(other) for side in ("ask_prose", "answer_prose", "context", "names"))
    for i, ask, answer, context, names in zip(other, *sides, strict=True):
        if (
            _shares_letters(ask, answer)
            or _writes_romanised(ask, answers[i])
            or (names and answers[i] in named_languages(context))
        ):
            answers[i] = UNDETERMINED
    return (
        asks.with_columns(pl.Series("a", answers, dtype=pl.String))
        .filter(pl.col("a") != UNDETERMINED)
        .select("line", "ask", "answer", "p", "a")
    )


def _read(texts: pl.Series, prior: Prior) -> list[str]:
    """Each text's language (`_side` under `prior`) where its start and its end agree, else
    undetermined (a mixed text). The end is read only where it is another text than the start (a
    text longer than the part read) and could change the outcome: the start was told, and, for an
    answer judged against its prompt's language, told as another one. An answer that starts in its
    prompt's language counts as answered in kind: its end could only make it undetermined, never
    a finding."""
    head = _side(texts.str.slice(*_PARTS[0]), prior)
    dominant = None if prior.dominant is None else ngram_languages()[prior.dominant]
    long = (texts.str.len_chars() > _PARTS[0][1]).to_list()
    ends = [i for i, lang in enumerate(head) if long[i] and lang not in (UNDETERMINED, dominant)]
    tail = _side(texts.gather(ends).str.slice(*_PARTS[1]), prior) if ends else []
    out = list(head)
    for i, lang in zip(ends, tail, strict=True):
        out[i] = out[i] if lang == out[i] else UNDETERMINED
    return out


def _prose(text: pl.Expr) -> pl.Expr:
    """The text without fenced code, display formulas and code tags."""
    return text.str.replace_all(_FENCED, " ")


def _code_text(texts: pl.Series) -> pl.Series:
    """`is_code_text` of each text, asked only of the texts of `MIN_CODE_LINES` lines or more."""
    lines = texts.str.count_matches("\n", literal=True).to_numpy() + 1
    out = np.zeros(len(texts), dtype=bool)
    some = np.flatnonzero(lines >= MIN_CODE_LINES)
    out[some] = [is_code_text(text, MIN_CODE_LINES) for text in texts.gather(some)]
    return pl.Series(out, dtype=pl.Boolean)


def _dense_code(text: pl.Expr) -> pl.Expr:
    """Code, not prose, though not code as a whole (`is_code_text`, asked of the rest): one code
    symbol (`=(){}[];<>`) in `CODE_SHARE` of its non-blank characters or more (a one-line program:
    "a = 0 b = 1 print(a)")."""
    symbols = text.str.count_matches(CODE_SYMBOLS)
    chars = text.str.len_chars() - text.str.count_matches(" ", literal=True)
    return symbols >= CODE_SHARE * pl.max_horizontal(chars, pl.lit(1))


def _enough(text: pl.Expr) -> pl.Expr:
    """Enough to tell, as COV002 counts it: `MIN_LETTERS` letters, and `MIN_WORDS` words outside
    the unspaced scripts (Han, kana, Hangul, Thai); the detector's own margin does the rest."""
    letters = text.str.count_matches(_LETTER)
    spaceless = text.str.count_matches(_SPACELESS)
    words = text.str.count_matches(_WORD)
    return (letters >= MIN_LETTERS) & ((spaceless >= 0.5 * letters) | (words >= MIN_WORDS))


def _enough_from_start(texts: pl.Series) -> pl.Series:
    """`_enough` of each text, counted in its first `START_CHARS` first: letters and words only grow
    with the text, so a start with `MIN_LETTERS` letters and `MIN_WORDS` words settles it, and only
    the rest (short texts, unspaced scripts) is counted whole. Counting every letter of every
    answer was most of the check's filtering."""
    frame = pl.DataFrame({"text": texts})
    start = pl.col("text").str.slice(0, START_CHARS)
    settled = (
        frame.select(
            (start.str.count_matches(_WORD) >= MIN_WORDS) & (start.str.count_matches(_LETTER) >= MIN_LETTERS)
        )
        .to_series()
        .to_numpy()
        .copy()
    )
    rest = np.flatnonzero(~settled)
    settled[rest] = frame[rest].select(_enough(pl.col("text"))).to_series().to_numpy()
    return pl.Series(settled, dtype=pl.Boolean)
