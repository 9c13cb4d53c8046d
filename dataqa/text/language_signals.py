"""The cheap signals of language detection: a text's de-noised prefix, its script, its function words.

Steps 1 and 2 of `dataqa.text.language`: a bounded prefix of each text with URLs, e-mail addresses,
social-media handles ("@jane", "@ jane" as tokenised tweets write it), code spans and digits
removed, and hashtags where the text has a sentence of its own (`clean_prefix`); the dominant
non-Latin script names the language (`script_of`), and for Latin text a decisive count of function
words (`cheap_language`). They run vectorised in polars (`cheap_languages`) for every text, except
the ones with letters beyond Latin Extended-B, whose script count stays in Python. The per-text
functions `clean_prefix` and `cheap_language` are the reference: the vectorised path gives the
same answer for every text (tests/test_language_vector.py), because its regexes are built from the
same patterns with Python's own character classes spelled out for Rust's regex engine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
import polars as pl

from dataqa.text.case_spellings import every_character, spellings
from dataqa.text.language_romanised import ROMANISED, romanised_hindi, romanised_rows

UNDETERMINED = "und"
PREFIX_CHARS = 400
"""Characters of each text read for detection; language is settled long before that."""
MIN_LETTERS = 20
MIN_WORDS = 4

BATCH_ROWS = 20_000
"""Texts tokenised at once by the vectorised path (bounds the memory of the word lists)."""

# One pattern text for both engines: {S} non-space, {D} digit, {W} letter ("[^\W\d_]").
# A code fence takes everything up to the next backtick (its closing fence, or the prefix's end).
# Mathematics is no language: a LaTeX span ("$\frac{a}{b} \leqslant x$", one with a command, "^",
# "_" or "=" in it, so that two prices are not one span) and any LaTeX command ("\sqrt", "\mathrm")
# go, or a Chinese question's formulas read as Catalan. A backslash escape written out before a word
# ("\nHello", "\tName") is no command: a "\n", "\r" or "\t" before a capital stays as it was. A
# formula written plainly ("sin(a)cos(a)=1/8", "pi/4") is a run of ASCII with "=", "^" or "/" in it.
_FORMULA = r"[A-Za-z0-9()\[\]^*+\-.,]*[=^/][A-Za-z0-9()\[\]^*+\-.,=^/]*"
_MATH_PATTERN = r"\$[^$\n]*?[\\^_=][^$\n]*?\$|\\(?:[A-Za-mo-qsu-z][A-Za-z]*|[nrt][a-z]+)|" + _FORMULA
_NOISE_PATTERN = (
    r"https?://{S}+|www\.{S}+|{S}+@{S}+|@ ?{S}+|```[^`]*|`[^`]*`|"
    + _MATH_PATTERN
    + r"|\{{[^{{}}]*\}}|<[^<>]*>|{D}+"
)
_WORD_PATTERN = r"{W}+(?:['\u2019]{W}+)?"
_NOISE = re.compile(_NOISE_PATTERN.format(S=r"\S", D=r"\d"))
_WORD = re.compile(_WORD_PATTERN.format(W=r"[^\W\d_]"))
# A hashtag tags a post, often in English whatever the post's language ("Protegiendo a la Madre
# Tierra ... #earthday #green"): left out when the text keeps `OWN_WORDS` words of its own, kept
# when it is most of what the text says ("#christmas #decoration at #building @ هارلم").
_HASHTAG_PATTERN = r"#{W}[^\s#]*"
_HASHTAG = re.compile(_HASHTAG_PATTERN.format(W=r"[^\W\d_]"))
OWN_WORDS = 8
"""Distinct words a text keeps outside its hashtags (a sentence of its own, as `SENTENCE_WORDS` counts
one for a header) for its hashtags to be left out of detection; one broken emoji read as letters
("ἰD" between every hashtag) is one word however often it repeats."""
LATIN_WORD = _WORD
"""A word as the function-word count reads it (letters, one inner apostrophe)."""
LATIN_END = 0x24F
"""Last code point of Latin Extended-B: letters beyond it are counted by script."""

# Frequent function words, chosen to be distinctive between the languages listed (shared forms
# such as "de", "a", "en", "que" are left out so that a hit is evidence for one language).
_LISTS: dict[str, frozenset[str]] = {
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
        "pt": "não uma os das dos com para é ao mais na seu sua ou ser quando muito há nos já está "
        "eu também só pelo pela até isso ela entre era depois sem mesmo aos ter seus quem nas me esse "
        "você",
        "it": "il di che è per non una sono della con gli ma le anche come io questo ha nel si più "
        "alla lo dei delle degli mi molto ho essere cosa sua suo fatto questa dove perché",
        "nl": "het een van en de niet zijn op te dat met voor er maar om aan ook als bij dan nog uit "
        "wel naar kan ik je hij zij wij mijn geen worden werd deze heeft",
        "sv": "och att det som en på är av för med till den har inte om ett jag sig ut så "
        "vid kan nu när skulle hade mot efter",
    }.items()
}
# Words in several lists are dropped from all of them: a function word must point one way. Forms
# that are frequent English words or code keywords ("no", "men", "under", "var") are left out too:
# a table of "No/Yes" values is not Portuguese, a JavaScript "var" is not Swedish.
# A word one list holds may still be a frequent word of another listed language that list leaves
# out because the Romance lists share it: Dutch "de" and "te" are Spanish, French and Portuguese
# ("Algoritmos de búsqueda de patrones de texto" is no Dutch title), Portuguese "o" is Italian,
# "era" and "ser" Spanish, Italian "mi" and "ha" Spanish, French "du" German and Swedish, German
# "die" Dutch, French "la" and "un" Spanish and Italian articles ("En la mayoría de los casos, la
# solución ... la mejor" counted three French words to six Spanish). Such a word points no one way
# and is dropped as the shared forms are.
SHARED_FORMS = frozenset({"de", "te", "o", "era", "ser", "mi", "ha", "du", "die", "la", "un"})
_ALL_COUNTS = Counter(w for words in _LISTS.values() for w in words)
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(w for w in ws if _ALL_COUNTS[w] == 1 and w not in SHARED_FORMS)
    for lang, ws in _LISTS.items()
}
# The lists' frequent words with the most frequent forms they leave out because a sibling shares
# them: evidence that a text is in one of a family of languages, not which (`FREQUENT_WORDS`).
_SIBLING_FORMS = {"es": "de la que en un", "fr": "de que en", "pt": "de que em um", "it": "di la un"}
FREQUENT_WORDS: dict[str, frozenset[str]] = {
    lang: ws | frozenset(_SIBLING_FORMS.get(lang, "").split()) for lang, ws in _LISTS.items()
}
_WORD_LANG = {w: lang for lang, ws in FUNCTION_WORDS.items() for w in ws}
# Function words of one list that are just as frequent a word of another language whose list
# cannot hold them (every list would lose them): English "in" is an Italian, German and Dutch
# preposition, "is", "was" and "of" Dutch words, German "was" the word for "what", Italian "come"
# an English verb. Such a word is no evidence against the language it also belongs to: "Come
# posso leggere un file CSV in Python? In Python puoi ..." holds two Italian function words and
# two English "in"s, and is Italian. Weighed per pair (`function_word_hits(..., judged=)`), so "in"
# still speaks for English against Spanish or French.
ALSO_WORDS: dict[str, frozenset[str]] = {
    "it": frozenset({"in"}),
    "de": frozenset({"in", "was"}),
    "nl": frozenset({"in", "is", "was", "of"}),
    "en": frozenset({"come"}),
}

# The letters beyond ASCII each listed language is written with. Its function words decide a text
# only when the text has no other Latin letter: Polish "do", "to", "i" are English forms and Polish
# "na" a Portuguese one, but "zobaczyć" and "możemy" are no English or Portuguese words; such a text
# is left to the n-gram model, which knows 54 languages.
_OWN_LETTERS: dict[str, frozenset[str]] = {
    lang: frozenset(letters)
    for lang, letters in {
        "en": "",
        "es": "áéíóúüñ",
        "fr": "àâæçéèêëîïôœùûüÿ",
        "de": "äöüß",
        "pt": "áâãàçéêíóôõúü",
        "it": "àèéìíîòóùú",
        "nl": "áéíóúàèëïöü",
        "sv": "åäöéü",
    }.items()
}

HIRAGANA = re.compile("[\u3041-\u309f]")
"""A hiragana letter: Japanese writes it, Chinese never does (katakana it may, for a foreign name)."""

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
LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "zh": ("CJK",),
    "ja": ("KANA", "CJK"),
    "ko": ("HANGUL",),
    "th": ("THAI",),
    "el": ("GREEK",),
    "he": ("HEBREW",),
    **dict.fromkeys(("ru", "uk", "bg", "mk"), ("CYRILLIC",)),
    **dict.fromkeys(("ar", "fa", "ur"), ("ARABIC",)),
    **dict.fromkeys(("hi", "mr", "ne"), ("DEVANAGARI",)),
    "bn": ("BENGALI",),
    "gu": ("GUJARATI",),
    "pa": ("GURMUKHI",),
    "ta": ("TAMIL",),
    "te": ("TELUGU",),
    "kn": ("KANNADA",),
    "ml": ("MALAYALAM",),
}
"""The scripts of the non-Latin languages, as `script_of` names them (kana: "KANA", Han: "CJK")."""
SCRIPT_LANGUAGES: dict[str, frozenset[str]] = {
    script: frozenset(lang for lang, scripts in LANGUAGE_SCRIPTS.items() if script in scripts)
    for script in {script for scripts in LANGUAGE_SCRIPTS.values() for script in scripts}
}
_AMBIGUOUS_SCRIPTS = {"CJK": "zh", "CYRILLIC": None, "ARABIC": None, "DEVANAGARI": None}
"""Scripts shared by several languages: langdetect decides (CJK without kana is Chinese)."""


def clean_prefix(text: str | None) -> str:
    """The bounded, de-noised prefix of a text that detection reads."""
    if not text:
        return ""
    head = text[: PREFIX_CHARS * 2]
    untagged = _NOISE.sub(" ", _HASHTAG.sub(" ", head))
    if len(set(_WORD.findall(untagged))) >= OWN_WORDS:
        return untagged[:PREFIX_CHARS]
    return _NOISE.sub(" ", head)[:PREFIX_CHARS]


@functools.lru_cache(maxsize=65536)
def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    return name.split(" ", 1)[0]


def _scripts(prefix: str) -> Counter[str]:
    """How many letters beyond Latin Extended-B the prefix has, per script ("CJK", "CYRILLIC", ...)."""
    scripts: Counter[str] = Counter()
    if not prefix.isascii():  # ASCII holds no letter beyond Latin Extended-B: skip the loop
        for ch, n in Counter(prefix).items():  # each distinct character once
            if ch.isalpha() and ord(ch) > LATIN_END:
                scripts[_script(ch)] += n
    return scripts


def script_counts(prefix: str) -> Counter[str]:
    """Letters of the prefix per non-Latin script, named as `LANGUAGE_SCRIPTS` names them (kana as
    "KANA", Han as "CJK"); Latin letters beyond Latin Extended-B (Vietnamese) are Latin, not counted."""
    counts: Counter[str] = Counter()
    for script, n in _scripts(prefix).items():
        if script != "LATIN":
            counts["KANA" if script in ("HIRAGANA", "KATAKANA") else script] += n
    return counts


def script_of(prefix: str) -> str | None:
    """The non-Latin script the prefix has `MIN_LETTERS` // 2 letters of, else None.

    Kana and Han count together, as "KANA" when a tenth of them is kana (Japanese, as in
    `cheap_language`) and "CJK" otherwise.
    """
    scripts = _scripts(prefix)
    if not scripts:
        return None
    kana = scripts.get("HIRAGANA", 0) + scripts.get("KATAKANA", 0)
    han = kana + scripts.get("CJK", 0)
    top, n = max(scripts.items(), key=lambda kv: (kv[1], kv[0]))
    if han >= MIN_LETTERS // 2 and han >= n:
        return "KANA" if kana >= 0.1 * han else "CJK"
    return top if n >= MIN_LETTERS // 2 else None


def cheap_language(prefix: str) -> str | None:
    """The language when a cheap signal is decisive, "und" when the text is too short, else None."""
    words = _WORD.findall(prefix)
    letters = sum(len(w) for w in words)
    scripts = _scripts(prefix)
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
    if romanised_hindi(words, letters):
        return ROMANISED
    hits = function_word_hits(prefix, words)
    if not hits:
        return None
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
    best, n = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if n >= 3 and n >= 3 * second and n >= 0.15 * len(words) and not _foreign_letters(best).search(prefix):
        return best
    return None


@functools.cache
def _foreign(lang: str) -> str:
    """The Latin letters beyond ASCII, up to Latin Extended-B, that `lang` is not written with."""
    own = _OWN_LETTERS[lang]
    return "".join(
        ch for ch in map(chr, range(0x80, LATIN_END + 1)) if ch.isalpha() and ch.lower() not in own
    )


@functools.cache
def _foreign_letters(lang: str) -> re.Pattern[str]:
    """Any letter of `_foreign(lang)` (the per-text reference)."""
    return re.compile(f"[{re.escape(_foreign(lang))}]")


@functools.cache
def _foreign_class(lang: str) -> str:
    """The same class as `_foreign_letters`, spelled for the Rust regex engine polars runs."""
    return "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in _foreign(lang)) + "]"


def function_word_hits(
    prefix: str, words: list[str] | None = None, judged: str | None = None
) -> Counter[str]:
    """How many of the prefix's words (`words`, when already split) are function words, per language;
    with `judged`, a word that is also a frequent word of that language (`ALSO_WORDS`) counts for none."""
    hits: Counter[str] = Counter()
    also = ALSO_WORDS.get(judged, frozenset()) if judged else frozenset()
    for w in _WORD.findall(prefix) if words is None else words:
        low = w.lower()
        lang = _WORD_LANG.get(low)
        if lang is not None and low not in also:
            hits[lang] += 1
    return hits


def text_series(texts: Sequence[str | None] | pl.Series) -> tuple[pl.Series, dict[int, str]]:
    """The texts as a polars String column, and apart (by position) any it cannot hold.

    Python strings may carry lone surrogates (not UTF-8): they stay out of the column (null there)
    and take the per-text path, so untrusted text never makes detection fail.
    """
    if isinstance(texts, pl.Series):
        return texts.cast(pl.String), {}
    values = list(texts)
    try:
        return pl.Series("text", values, dtype=pl.String), {}
    except UnicodeEncodeError:
        odd = {i: t for i, t in enumerate(values) if t and not _is_utf8(t)}
        kept = [None if i in odd else t for i, t in enumerate(values)]
        return pl.Series("text", kept, dtype=pl.String), odd


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def cheap_languages(texts: pl.Series) -> pl.DataFrame:
    """`clean_prefix`, `cheap_language` and `script_of` of every text at once: columns `prefix`,
    `lang` and `script`.

    `lang` is null where langdetect must decide, exactly where `cheap_language` returns None.
    Texts are taken `BATCH_ROWS` at a time so that the word lists of a million texts never
    exist at once.
    """
    batches = [_cheap_batch(texts.slice(start, BATCH_ROWS)) for start in range(0, len(texts), BATCH_ROWS)]
    if not batches:
        return pl.DataFrame(schema={"prefix": pl.String, "lang": pl.String, "script": pl.String})
    return pl.concat(batches)


def clean_prefixes(texts: pl.Series) -> pl.Series:
    """`clean_prefix` of every text at once (polars; a null text gives "")."""
    classes = _rust_classes()
    noise = _NOISE_PATTERN.format(S=classes["S"], D=classes["D"])
    head = texts.cast(pl.String).fill_null("").str.slice(0, PREFIX_CHARS * 2)
    chosen = head.str.replace_all(noise, " ")
    # Only a text with a "#" can have hashtags to leave out: the rest skip two passes of regexes.
    hashed = np.flatnonzero(head.str.contains("#", literal=True).to_numpy())
    if len(hashed):
        tagged = chosen.gather(hashed)
        untagged = head.gather(hashed).str.replace_all(_HASHTAG_PATTERN.format(W=classes["W"]), " ")
        untagged = untagged.str.replace_all(noise, " ")
        own = untagged.str.extract_all(_WORD_PATTERN.format(W=classes["W"])).list.unique().list.len()
        kept = pl.select(pl.when(own >= OWN_WORDS).then(untagged).otherwise(tagged)).to_series()
        chosen = chosen.scatter(hashed, kept)
    return chosen.str.slice(0, PREFIX_CHARS).rename("prefix")


def prefix_words(prefixes: pl.Series) -> pl.Series:
    """Each prefix's words as `LATIN_WORD` reads them (a list per prefix; polars)."""
    return prefixes.str.extract_all(_WORD_PATTERN.format(W=_rust_classes()["W"]))


def _cheap_batch(texts: pl.Series) -> pl.DataFrame:
    classes = _rust_classes()
    prefix = clean_prefixes(texts)
    # Letters beyond Latin Extended-B need the per-character script count: Python, per distinct prefix.
    scripted = prefix.str.contains(classes["N"]).to_numpy()
    lang = np.empty(len(prefix), dtype=object)
    latin = np.flatnonzero(~scripted)
    lang[latin] = _latin_languages(prefix.gather(latin))
    others = np.flatnonzero(scripted)
    script = np.full(len(prefix), None, dtype=object)
    memo: dict[str, tuple[str | None, str | None]] = {}
    for i, text in zip(others.tolist(), prefix.gather(others).to_list(), strict=True):
        if text not in memo:
            memo[text] = (cheap_language(text), script_of(text))
        lang[i], script[i] = memo[text]
    return pl.DataFrame(
        [
            prefix,
            pl.Series("lang", lang.tolist(), dtype=pl.String),
            pl.Series("script", script.tolist(), dtype=pl.String),
        ]
    )


_LANGS = sorted(FUNCTION_WORDS)
"""Languages by index; alphabetical, so the lowest index wins a tie as in `cheap_language`."""


def _latin_languages(prefixes: pl.Series) -> np.ndarray:
    """`cheap_language` of prefixes with no letter beyond Latin: word and function-word counts."""
    n = len(prefixes)
    words = prefix_words(prefixes)
    n_words = words.list.len().to_numpy()
    flat = words.list.explode(empty_as_null=False, keep_nulls=False)  # every word, text after text
    ends = np.cumsum(n_words)
    chars = np.concatenate(([0], np.cumsum(flat.str.len_chars().to_numpy())))
    letters = chars[ends] - chars[ends - n_words]
    variants = _function_word_spellings()
    hit = flat.is_in(variants["word"].implode()).to_numpy()
    rows = np.repeat(np.arange(n), n_words)[hit]
    hits = pl.DataFrame({"word": flat.filter(hit)})
    lang = hits.join(variants, on="word", how="left", maintain_order="left")["lang"].to_numpy()
    n_langs = len(_LANGS)
    counts = np.bincount(rows * n_langs + lang, minlength=n * n_langs).reshape(n, n_langs)
    best = counts.argmax(axis=1)  # first maximum: the alphabetically first language on a tie
    top = counts.max(axis=1)
    second = np.sort(counts, axis=1)[:, -2]
    decided = (top >= 3) & (top >= 3 * second) & (top >= 0.15 * n_words)
    for k, lang in enumerate(_LANGS):
        rows = np.flatnonzero(decided & (best == k))
        if len(rows):
            decided[rows] = ~prefixes.gather(rows).str.contains(_foreign_class(lang)).to_numpy()
    out = np.where(decided, np.array(_LANGS, dtype=object)[best], None)
    out[romanised_rows(flat, n_words, letters)] = ROMANISED
    out[(letters < MIN_LETTERS) | (n_words < MIN_WORDS)] = UNDETERMINED
    return out


@functools.cache
def _rust_classes() -> dict[str, str]:
    """Python `re`'s own classes written out for the Rust regex engine that polars runs.

    S: a non-space, D: a digit, W: a letter (`[^\\W\\d_]`), N: a W beyond Latin Extended-B. The
    engines' built-in classes differ (Python's space takes the separators 0x1C-0x1F, its word
    characters take numerals such as "½", Rust's take combining marks; their Unicode versions
    differ), so the ranges are read off Python's own patterns run over every character, once per
    process (about 0.15 s).
    """
    every = every_character()

    def ranges(pattern: str, start: int = 0) -> str:
        out = []
        for run in re.finditer(pattern, every):
            # Consecutive in `every`: consecutive scalar values (a range over the surrogate gap holds none).
            lo, hi = max(ord(run.group()[0]), start), ord(run.group()[-1])
            if hi >= lo:
                out.append(f"\\x{{{lo:X}}}-\\x{{{hi:X}}}")
        return "".join(out)

    space, digit = ranges(r"\s+"), ranges(r"\d+")
    letter, beyond = ranges(r"[^\W\d_]+"), ranges(r"[^\W\d_]+", LATIN_END + 1)
    return {"S": f"[^{space}]", "D": f"[{digit}]", "W": f"[{letter}]", "N": f"[{beyond}]"}


@functools.cache
def _function_word_spellings() -> pl.DataFrame:
    """Every string whose `str.lower()` is a function word (`word`), with its language index (`lang`).

    Matching these exactly needs no lowercasing in polars, whose case tables need not be Python's.
    """
    pairs = sorted((s, _LANGS.index(_WORD_LANG[word])) for s, word in spellings(frozenset(_WORD_LANG)))
    return pl.DataFrame(pairs, schema={"word": pl.String, "lang": pl.UInt8}, orient="row")
