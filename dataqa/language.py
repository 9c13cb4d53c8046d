"""Per-record language detection, computed once per scan and shared by every check that needs it.

Method (fast enough for 100k rows on two cores, deterministic):
1. Only a bounded prefix of each text is read (`PREFIX_CHARS`), with URLs, e-mail addresses,
   code spans and digits removed; fewer than `MIN_LETTERS` letters or `MIN_WORDS` words is
   "und" (undetermined): a label from two words would be a guess.
2. A cheap signal decides the clear cases: the dominant non-Latin script (CJK, Cyrillic,
   Arabic, ...) names the language or script family directly, and for Latin text a function-word
   count (the 40-odd most frequent words of each of eight languages) is accepted when it is
   decisive (enough hits and a clear margin over the runner-up).
3. Only the ambiguous rest goes to `langdetect` (seeded: `DetectorFactory.seed = 0`), in two
   worker processes when there are enough of them to pay for the start-up.
"""

from __future__ import annotations

import multiprocessing
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import polars as pl

from dataqa.context import Context

UNDETERMINED = "und"
PREFIX_CHARS = 400
"""Characters of each text read for detection; language is settled long before that."""
MIN_LETTERS = 20
MIN_WORDS = 4
PARALLEL_FROM = 4000
"""Ambiguous texts needed before langdetect runs in two processes (start-up costs about a second)."""

_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|`[^`]*`|\{[^{}]*\}|<[^<>]*>|\d+")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")

# Frequent function words, chosen to be distinctive between the languages listed (shared forms
# such as "de", "a", "en", "que" are left out so that a hit is evidence for one language).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is in that it for was on are with as be this have from or by not but what "
        "all were when we there can an your which their will would my has been if do does you i me "
        "please could should about how they them our just",
        "es": "el los las del por con una para es lo como más pero sus le ya o este sí porque esta "
        "entre cuando muy sin sobre también hasta hay donde quien desde nos durante todos uno les ni "
        "contra otros ese eso ante ellos esto mí antes algunos qué unos yo otro otras otra él tanto",
        "fr": "le la les des du est et un une dans pour pas qui au sur avec ce il sont mais ou sa ses "
        "nous vous leur été être avoir cette ces je ne elle aux par tout fait comme était peut très "
        "bien",
        "de": "der die und den das ist nicht mit sich des auf für im dem ein eine auch es an als nach "
        "wie aus bei zu einer einem noch bis wird sind hat ich sie wir oder aber dass kann mein mir "
        "über",
        "pt": "não uma os das dos com para é ao mais na no seu sua ou ser quando muito há nos já está "
        "eu também só pelo pela até isso ela entre era depois sem mesmo aos ter seus quem nas me esse "
        "você",
        "it": "il di che è per non una sono della con gli ma le anche come io questo ha nel si più "
        "alla lo dei delle degli mi molto ho essere cosa sua suo fatto questa dove perché",
        "nl": "het een van en de niet zijn op te dat met voor er maar om aan ook als bij dan nog uit "
        "wel naar kan ik je hij zij wij mijn geen worden werd deze heeft",
        "sv": "och att det som en på är av för med till den har inte om ett var jag sig men ut så "
        "vid kan nu när skulle hade mot under efter",
    }.items()
}
# Words in several lists are dropped from all of them: a function word must point one way.
_ALL_COUNTS = Counter(w for words in FUNCTION_WORDS.values() for w in words)
FUNCTION_WORDS = {
    lang: frozenset(w for w in ws if _ALL_COUNTS[w] == 1) for lang, ws in FUNCTION_WORDS.items()
}
_WORD_LANG = {w: lang for lang, ws in FUNCTION_WORDS.items() for w in ws}

# Scripts that name a language (or a script family langdetect itself cannot split reliably).
_SCRIPT_LANG = {
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "THAI": "th",
    "GREEK": "el",
    "HEBREW": "he",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
}
_AMBIGUOUS_SCRIPTS = {"CJK": "zh", "CYRILLIC": None, "ARABIC": None, "DEVANAGARI": None}
"""Scripts shared by several languages: langdetect decides (CJK without kana is Chinese)."""


def clean_prefix(text: str | None) -> str:
    """The bounded, de-noised prefix of a text that detection reads."""
    if not text:
        return ""
    return _NOISE.sub(" ", text[: PREFIX_CHARS * 2])[:PREFIX_CHARS]


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    return name.split(" ", 1)[0]


def cheap_language(prefix: str) -> str | None:
    """The language when a cheap signal is decisive, "und" when the text is too short, else None."""
    words = _WORD.findall(prefix)
    letters = sum(len(w) for w in words)
    scripts: Counter[str] = Counter()
    if not prefix.isascii():  # ASCII holds no letter beyond Latin Extended-B: skip the loop
        for ch in prefix:
            if ch.isalpha() and ord(ch) > 0x24F:
                scripts[_script(ch)] += 1
    non_latin = sum(scripts.values())
    # CJK and kana text has no spaces: count characters, not words.
    if non_latin and non_latin >= 0.5 * letters:
        if non_latin < MIN_LETTERS // 2:
            return UNDETERMINED
        top, _ = max(scripts.items(), key=lambda kv: (kv[1], kv[0]))
        if scripts.get("HIRAGANA", 0) + scripts.get("KATAKANA", 0) >= 0.1 * non_latin:
            return "ja"
        if top in _SCRIPT_LANG:
            return _SCRIPT_LANG[top]
        if top == "CJK":
            return "zh"  # Han characters with no kana: Chinese (langdetect splits zh-cn / zh-tw)
        return None
    if letters < MIN_LETTERS or len(words) < MIN_WORDS:
        return UNDETERMINED
    hits: Counter[str] = Counter()
    for w in words:
        lang = _WORD_LANG.get(w.lower())
        if lang is not None:
            hits[lang] += 1
    if not hits:
        return None
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
    best, n = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if n >= 3 and n >= 3 * second and n >= 0.15 * len(words):
        return best
    return None


def _detect_batch(texts: Sequence[str]) -> list[str]:
    """langdetect on each text (seeded, so the same text always gets the same answer)."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    out = []
    for text in texts:
        try:
            lang = detect(text)
        except LangDetectException:
            lang = UNDETERMINED
        out.append(lang.split("-")[0] if lang.startswith("zh") else lang)
    return out


def detect_languages(texts: Sequence[str | None], workers: int = 2) -> list[str]:
    """An ISO 639-1 code (or "und") per text, by the method in the module docstring."""
    prefixes = [clean_prefix(t) for t in texts]
    result: list[str | None] = [cheap_language(p) for p in prefixes]
    todo = [i for i, r in enumerate(result) if r is None]
    # Identical prefixes are detected once.
    unique = sorted({prefixes[i] for i in todo})
    if len(unique) >= PARALLEL_FROM and workers > 1:
        size = (len(unique) + workers * 4 - 1) // (workers * 4)
        chunks = [unique[i : i + size] for i in range(0, len(unique), size)]
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                detected = [lang for part in pool.map(_detect_batch, chunks) for lang in part]
        except (BrokenProcessPool, OSError):
            # Workers could not start (e.g. a __main__ that cannot be re-imported): same result, serially.
            detected = _detect_batch(unique)
    else:
        detected = _detect_batch(unique)
    found = dict(zip(unique, detected, strict=True))
    for i in todo:
        result[i] = found[prefixes[i]]
    return [r or UNDETERMINED for r in result]


def languages(ctx: Context, split: str, column: str = "text") -> pl.DataFrame:
    """Per valid record of `split`: `line` and `lang`, computed once per scan."""

    def compute() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        langs = detect_languages(rows[column].to_list())
        return pl.DataFrame({"line": rows["line"], "lang": pl.Series(langs, dtype=pl.String)})

    return ctx.shared(("languages", split, column), compute)
