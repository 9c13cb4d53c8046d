"""Per-record language detection, computed once per scan and shared by every check that needs it.

Method (fast on a million rows and on tens of thousands of short utterances, deterministic):
1. Only a bounded prefix of each text is read (`PREFIX_CHARS`), with URLs, e-mail addresses,
   code spans and digits removed; fewer than `MIN_LETTERS` letters or `MIN_WORDS` words is
   "und" (undetermined): a label from two words would be a guess. A labelled record is judged by
   its input alone (a label's name is not text in any language).
2. A cheap signal decides the clear cases: the dominant non-Latin script (CJK, kana, Hangul, ...)
   names the language directly, and for Latin text a function-word count (the 40-odd most frequent
   words of each of eight languages) is accepted when it is decisive (enough hits and a clear
   margin over the runner-up).
3. The rest is scored by a naive Bayes model over langdetect's character 1- to 3-gram profiles of
   54 languages (`ngram_scores`, vectorised: no per-text loop, no random sampling), and weighed
   with the data set's own language distribution as the prior (`language_prior`: from the cheap
   decisions, then re-estimated from every text's decision, with `PRIOR_FLOOR` spread over every
   language). A text is given another language than the data set's dominant one only when the
   posterior odds against the dominant language are at least 99 to 1 (`MARGIN`); anything closer
   gets the dominant language. Short
   utterances carry little evidence and names carry misleading evidence ("where did jane
   mansfield die" scores Afrikaans on n-grams alone), so on their own they never outweigh a
   data set that is 95 % English.
4. A translation request (a translation word, or a prompt naming the language its answer is in)
   is not a minority-language example when its prompt or its answer is in the dominant language,
   when it asks for the dominant language, or when its prompt is too short to tell and its answer
   is in the asked language (`languages`).

Steps 1 and 2 run vectorised in polars (`cheap_languages`) for every text, except the ones with
letters beyond Latin Extended-B, whose script count stays in Python. The per-text functions
`clean_prefix` and `cheap_language` are the reference: the vectorised path gives the same answer
for every text (tests/test_language_vector.py), because its regexes are built from the same
patterns with Python's own character classes spelled out for Rust's regex engine.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import langdetect
import numpy as np
import orjson
import polars as pl
import scipy.sparse as sp

from dataqa.engine.context import Context

UNDETERMINED = "und"
PREFIX_CHARS = 400
"""Characters of each text read for detection; language is settled long before that."""
MIN_LETTERS = 20
MIN_WORDS = 4

BATCH_ROWS = 20_000
"""Texts tokenised at once by the vectorised path (bounds the memory of the word lists)."""
NGRAM_BATCH = 4000
"""Texts whose n-grams are counted at once (up to 400 characters, about 1,200 n-grams each)."""
TOP_K = 8
"""Languages kept per scored text; the dominant one, when not among them, scores at most the K-th."""
NGRAM_TEMPERATURE = 3.0
"""Each letter sits in up to three of a word's 1-, 2- and 3-grams, so their naive sum counts the
evidence about three times over: log-likelihoods are divided by this before they meet the prior."""
MARGIN = math.log(99)
"""Log-odds a language needs over the dominant language (or, with none, over its runner-up): 99:1."""
PRIOR_FLOOR = 0.05
"""Share of the prior spread evenly over every language, so that no language is ruled out."""
MIN_PRIOR_SHARE = 0.05
"""Share of the decided texts a language needs before the prior favours it over an unseen one."""
DOMINANT_SHARE = 0.5
"""Share of the data set's texts (by the prior's estimate) a language needs to be given the ambiguous ones."""
PRIOR_ROUNDS = 5
"""Most rounds of re-estimating the prior from the decisions it leads to (two or three settle it)."""
_SMOOTHING = 0.5 / 10_000
"""langdetect's smoothing (alpha / BASE_FREQ) for an n-gram a language's profile lacks."""

# One pattern text for both engines: {S} non-space, {D} digit, {W} letter ("[^\W\d_]").
# A code fence takes everything up to the next backtick (its closing fence, or the prefix's end).
_NOISE_PATTERN = r"https?://{S}+|www\.{S}+|{S}+@{S}+|```[^`]*|`[^`]*`|\{{[^{{}}]*\}}|<[^<>]*>|{D}+"
_WORD_PATTERN = r"{W}+(?:['\u2019]{W}+)?"
_NOISE = re.compile(_NOISE_PATTERN.format(S=r"\S", D=r"\d"))
_WORD = re.compile(_WORD_PATTERN.format(W=r"[^\W\d_]"))
LATIN_END = 0x24F
"""Last code point of Latin Extended-B: letters beyond it are counted by script."""

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
_LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
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
_SCRIPT_LANGUAGES: dict[str, frozenset[str]] = {
    script: frozenset(lang for lang, scripts in _LANGUAGE_SCRIPTS.items() if script in scripts)
    for script in {script for scripts in _LANGUAGE_SCRIPTS.values() for script in scripts}
}
_AMBIGUOUS_SCRIPTS = {"CJK": "zh", "CYRILLIC": None, "ARABIC": None, "DEVANAGARI": None}
"""Scripts shared by several languages: langdetect decides (CJK without kana is Chinese)."""


def clean_prefix(text: str | None) -> str:
    """The bounded, de-noised prefix of a text that detection reads."""
    if not text:
        return ""
    return _NOISE.sub(" ", text[: PREFIX_CHARS * 2])[:PREFIX_CHARS]


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


@dataclass(frozen=True)
class Evidence:
    """What detection knows of each text before the data set's prior is applied."""

    cheap: list[str | None]
    """Per text: the language the cheap signals decided, "und", or None where the n-gram model decides."""
    scored: np.ndarray
    """Positions (int64) of the texts the n-gram model scored."""
    top_ids: np.ndarray
    """Per scored text, its `TOP_K` most likely languages (indices into `ngram_languages()`), best first."""
    top_ll: np.ndarray
    """Their log-likelihoods, relative to a text of n-grams no language has (0: no evidence at all)."""
    scripts: list[str | None]
    """Per text, the non-Latin script it has `MIN_LETTERS` // 2 letters of (`script_of`), or None."""


@dataclass(frozen=True)
class Prior:
    """The data set's language distribution, as log probabilities, and its dominant language."""

    log_prior: np.ndarray
    dominant: int | None
    """Index of the language ambiguous texts are given, or None when no language has the majority."""


def detect_languages(texts: Sequence[str | None] | pl.Series, prior: Prior | None = None) -> list[str]:
    """An ISO 639-1 code (or "und") per text, by the method in the module docstring.

    `prior` is the data set's language distribution (`language_prior`); by default it is taken
    from `texts` themselves.
    """
    evidence = gather_evidence(texts)
    return decide(evidence, language_prior(evidence) if prior is None else prior)


def gather_evidence(texts: Sequence[str | None] | pl.Series) -> Evidence:
    """Cheap decisions for every text, and n-gram scores for the ones they leave open."""
    series, odd = _text_series(texts)
    table = cheap_languages(series)
    cheap: list[str | None] = table["lang"].to_list()
    todo = np.flatnonzero(table["lang"].is_null().to_numpy()).tolist()
    prefixes = dict(zip(todo, table["prefix"].gather(todo).to_list(), strict=True))
    scripts: list[str | None] = table["script"].to_list()
    for i, text in odd.items():  # texts polars cannot hold: the per-text reference path
        prefix = clean_prefix(text)
        cheap[i], scripts[i] = cheap_language(prefix), script_of(prefix)
        if cheap[i] is None:
            prefixes[i] = prefix.encode("utf-8", "replace").decode("utf-8")
    # Identical prefixes are scored once.
    unique = sorted(set(prefixes.values()))
    ids, ll = ngram_scores(unique)
    where = {prefix: k for k, prefix in enumerate(unique)}
    scored = np.fromiter(prefixes, dtype=np.int64, count=len(prefixes))
    rows = np.fromiter((where[p] for p in prefixes.values()), dtype=np.int64, count=len(prefixes))
    order = np.argsort(scored, kind="stable")
    return Evidence(cheap, scored[order], ids[rows[order]], ll[rows[order]], scripts)


def language_prior(evidence: Evidence) -> Prior:
    """The data set's language distribution, estimated from its own texts, with `PRIOR_FLOOR` spread
    over every language.

    It starts from the texts the cheap signals decided (script, function words: rarely wrong) and
    is re-estimated from every text's decision under the previous estimate (`PRIOR_ROUNDS` at
    most, until nothing changes). Counting only decisions, not posterior shares, keeps the n-gram
    model's systematic slips (English questions with names look Afrikaans) from building a prior
    of their own; a language with real examples gains them round by round. The dominant language
    holds `DOMINANT_SHARE` of the decided texts.
    """
    codes = ngram_languages()
    index = {code: i for i, code in enumerate(codes)}
    base = np.array([index.get(lang, -1) for lang in evidence.cheap], dtype=np.int64)
    # A language the n-gram model lacks (Armenian, Georgian): counted, never chosen.
    decided = Counter(lang for lang in evidence.cheap if lang not in (None, UNDETERMINED))
    others = sum(n for lang, n in decided.items() if lang not in index)
    prior = _prior_of(np.bincount(base[base >= 0], minlength=len(codes)), others)
    for _ in range(PRIOR_ROUNDS):
        langs = base.copy()
        langs[evidence.scored] = _choose(evidence, prior)
        if prior.dominant is not None:
            langs[_own_script_mask(langs, evidence.scripts, prior.dominant)] = prior.dominant
        estimate = _prior_of(np.bincount(langs[langs >= 0], minlength=len(codes)), others)
        if estimate.dominant == prior.dominant and np.allclose(estimate.log_prior, prior.log_prior):
            break
        prior = estimate
    return prior


def _prior_of(counts: np.ndarray, others: int) -> Prior:
    """The prior of per-language counts of decided texts (`others`: decided, in no modelled language)."""
    total = counts.sum() + others
    if not total:
        return Prior(np.full(len(counts), -np.log(len(counts))), None)
    shares = counts / total
    top = int(shares.argmax())  # first maximum: alphabetical on a tie
    dominant = top if shares[top] >= DOMINANT_SHARE else None
    # A handful of examples must not lower the bar for their language: a text ambiguous between
    # English and Italian stays English in an English set with three Italian rows.
    shares = np.where(shares >= MIN_PRIOR_SHARE, shares, 0.0)
    return Prior(np.log((1 - PRIOR_FLOOR) * shares + PRIOR_FLOOR / len(counts)), dominant)


def decide(evidence: Evidence, prior: Prior) -> list[str]:
    """Every text's language: the cheap decision, else the n-gram scores weighed with the prior.

    A text ambiguous between the dominant language and another (under `MARGIN` of log-odds) gets
    the dominant one; with no dominant language, a text needs `MARGIN` over its runner-up or it is
    "und". A text with no known n-gram is "und".
    """
    codes = ngram_languages()
    out = list(evidence.cheap)
    if len(evidence.scored):
        chosen = _choose(evidence, prior)
        for i, c in zip(evidence.scored.tolist(), chosen.tolist(), strict=True):
            out[i] = codes[c] if c >= 0 else UNDETERMINED
    if prior.dominant is not None:
        index = {code: i for i, code in enumerate(codes)}
        langs = np.array([index.get(lang, -1) for lang in out], dtype=np.int64)
        for i in np.flatnonzero(_own_script_mask(langs, evidence.scripts, prior.dominant)).tolist():
            out[i] = codes[prior.dominant]
    return [lang or UNDETERMINED for lang in out]


def _own_script_mask(langs: np.ndarray, scripts: list[str | None], dominant: int) -> np.ndarray:
    """Texts with `MIN_LETTERS` // 2 letters in the dominant language's own non-Latin script whose
    language (an index, -1 for none) is not one written in that script: they are in the dominant one.

    Ten Chinese characters in a Chinese data set mark a Chinese record, and the Latin around them
    is code, names and product terms; a Ukrainian text in a Russian data set stays Ukrainian.
    """
    codes = ngram_languages()
    own = _LANGUAGE_SCRIPTS.get(codes[dominant], ())
    mask = np.zeros(len(langs), dtype=bool)
    for script in own:
        written = np.array([code in _SCRIPT_LANGUAGES[script] for code in codes] + [False])
        in_script = np.fromiter((s == script for s in scripts), dtype=bool, count=len(scripts))
        mask |= in_script & ~written[langs]  # index -1 reads the appended False: no language
    return mask


def _choose(evidence: Evidence, prior: Prior) -> np.ndarray:
    """Per scored text, the index of its language under `prior`, or -1 (undetermined)."""
    ids, ll = evidence.top_ids, evidence.top_ll
    score = ll / NGRAM_TEMPERATURE + prior.log_prior[ids]
    rows = np.arange(len(ids))
    pick = score.argmax(axis=1)
    best, best_score = ids[rows, pick], score[rows, pick]
    if prior.dominant is None:
        runner_up = np.sort(score, axis=1)[:, -2]
        chosen = np.where(best_score - runner_up >= MARGIN, best, -1)
    else:
        dom = prior.dominant
        is_dom = ids == dom
        # Outside the top K, the dominant language scores at most the K-th: an upper bound.
        dom_ll = np.where(is_dom.any(axis=1), np.where(is_dom, ll, 0).sum(axis=1), ll[:, -1])
        dom_score = dom_ll / NGRAM_TEMPERATURE + prior.log_prior[dom]
        chosen = np.where((best == dom) | (best_score - dom_score < MARGIN), dom, best)
    chosen[ll[:, 0] <= 0] = -1
    return chosen


@functools.cache
def _ngram_model() -> tuple[tuple[str, ...], pl.DataFrame, sp.csr_matrix]:
    """langdetect's language profiles as one sparse matrix: n-gram x language -> log-likelihood ratio.

    Entry: log(1 + p / s), p the n-gram's frequency among the language's n-grams of its length, s
    langdetect's smoothing (0.5 / 10,000): the gain over an n-gram the language never showed.
    zh-cn and zh-tw are one "zh" (the larger entry). Read once per process (about 0.3 s).
    """
    folder = Path(langdetect.__file__).parent / "profiles"
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    codes = tuple(sorted({name.split("-")[0] for name in names}))
    grams: list[str] = []
    counts: list[float] = []
    langs, n_words = [], []
    for name in names:
        profile = orjson.loads((folder / name).read_bytes())
        grams.extend(profile["freq"])
        counts.extend(profile["freq"].values())
        langs.append(np.full(len(profile["freq"]), codes.index(name.split("-")[0])))
        n_words.append(np.asarray(profile["n_words"][:3], dtype=np.float64))
    lang = np.concatenate(langs)
    size = pl.Series(grams, dtype=pl.String).str.len_chars().to_numpy()
    known = (size >= 1) & (size <= 3)
    totals = np.stack(n_words)  # per profile: its n-gram totals of length 1, 2, 3
    profile_of = np.concatenate([np.full(len(a), i) for i, a in enumerate(langs)])
    score = np.log1p(
        np.asarray(counts)[known] / totals[profile_of[known], size[known] - 1] / _SMOOTHING
    ).astype(np.float32)
    table = (
        pl.DataFrame(
            {"gram": pl.Series(grams, dtype=pl.String).filter(known), "lang": lang[known], "score": score}
        )
        .group_by("gram", "lang")
        .agg(pl.col("score").max())  # zh-cn and zh-tw: one column
    )
    vocab = table.select(pl.col("gram").unique().sort()).with_row_index("id")
    table = table.join(vocab, on="gram")
    matrix = sp.csr_matrix(
        (table["score"].to_numpy(), (table["id"].to_numpy().astype(np.int64), table["lang"].to_numpy())),
        shape=(len(vocab), len(codes)),
    )
    return codes, vocab, matrix


def ngram_languages() -> tuple[str, ...]:
    """The languages the n-gram model knows (ISO 639-1 codes, alphabetical)."""
    return _ngram_model()[0]


def ngram_scores(prefixes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text, its `TOP_K` languages by n-gram log-likelihood (best first, ties alphabetical), and those."""
    _, vocab, matrix = _ngram_model()
    ids = np.zeros((len(prefixes), TOP_K), dtype=np.int64)
    ll = np.zeros((len(prefixes), TOP_K), dtype=np.float32)
    for start in range(0, len(prefixes), NGRAM_BATCH):
        batch = pl.Series("text", prefixes[start : start + NGRAM_BATCH], dtype=pl.String)
        dense = (_ngram_counts(batch, vocab) @ matrix).toarray()
        order = np.argsort(-dense, axis=1, kind="stable")[:, :TOP_K]
        ids[start : start + len(batch)] = order
        ll[start : start + len(batch)] = np.take_along_axis(dense, order, axis=1)
    return ids, ll


def _ngram_counts(texts: pl.Series, vocab: pl.DataFrame) -> sp.csr_matrix:
    """Text x n-gram counts: the 1-, 2- and 3-grams of every word padded with a space each side.

    Words are runs of letters and marks; a word in capitals (an acronym) is skipped, as langdetect
    skips it. N-grams no profile has are dropped.
    """
    word = pl.col("word")
    words = (
        pl.DataFrame({"word": texts.str.extract_all(r"[\p{L}\p{M}]+")})
        .with_row_index("row")
        .explode("word")
        .drop_nulls("word")
        .filter(
            (word.str.len_chars() < 2) | (word != word.str.to_uppercase()) | (word == word.str.to_lowercase())
        )
        .select("row", padded=pl.concat_str(pl.lit(" "), word, pl.lit(" ")), size=word.str.len_chars() + 2)
    )
    grams = pl.concat(
        words.select("row", "padded", offset=pl.int_ranges(first, pl.col("size") - tail))
        .explode("offset")
        .drop_nulls("offset")
        .select("row", gram=pl.col("padded").str.slice(pl.col("offset"), n))
        for n, first, tail in ((1, 1, 1), (2, 0, 1), (3, 0, 2))
    )
    hits = grams.join(vocab, on="gram", how="inner")
    return sp.csr_matrix(
        (
            np.ones(len(hits), dtype=np.float32),
            (hits["row"].to_numpy().astype(np.int64), hits["id"].to_numpy().astype(np.int64)),
        ),
        shape=(len(texts), len(vocab)),
    )


def _text_series(texts: Sequence[str | None] | pl.Series) -> tuple[pl.Series, dict[int, str]]:
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


def _cheap_batch(texts: pl.Series) -> pl.DataFrame:
    classes = _rust_classes()
    noise = _NOISE_PATTERN.format(S=classes["S"], D=classes["D"])
    prefix = (
        texts.cast(pl.String)
        .fill_null("")
        .str.slice(0, PREFIX_CHARS * 2)
        .str.replace_all(noise, " ")
        .str.slice(0, PREFIX_CHARS)
        .rename("prefix")
    )
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
    words = prefixes.str.extract_all(_WORD_PATTERN.format(W=_rust_classes()["W"]))
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
    out = np.where(decided, np.array(_LANGS, dtype=object)[best], None)
    out[(letters < MIN_LETTERS) | (n_words < MIN_WORDS)] = UNDETERMINED
    return out


@functools.cache
def _every_character() -> str:
    """Every Unicode scalar value (all code points but the surrogates), in order, as one string."""
    points = np.arange(0x110000, dtype="<u4")
    return points[(points < 0xD800) | (points > 0xDFFF)].tobytes().decode("utf-32-le")


@functools.cache
def _rust_classes() -> dict[str, str]:
    """Python `re`'s own classes written out for the Rust regex engine that polars runs.

    S: a non-space, D: a digit, W: a letter (`[^\\W\\d_]`), N: a W beyond Latin Extended-B. The
    engines' built-in classes differ (Python's space takes the separators 0x1C-0x1F, its word
    characters take numerals such as "½", Rust's take combining marks; their Unicode versions
    differ), so the ranges are read off Python's own patterns run over every character, once per
    process (about 0.15 s).
    """
    every = _every_character()

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
    letters = {ch for word in _WORD_LANG for ch in word}
    # Candidates: what matches a letter ignoring case (re's simple case folding also catches the
    # Kelvin sign, the long s and the dotted capital I, whose full lowercase is two characters);
    # each is kept if its `lower()` is made of those letters.
    pattern = "[" + "".join(re.escape(ch) for ch in sorted(letters)) + "]"
    similar = sorted(set(re.findall(pattern, _every_character(), re.IGNORECASE)))
    by_lower: dict[str, list[str]] = {}
    for ch in similar:
        low = ch.lower()
        if set(low) <= letters:
            by_lower.setdefault(low, []).append(ch)

    def spellings(word: str) -> list[str]:
        if not word:
            return [""]
        return [
            ch + rest
            for low, chars in by_lower.items()
            if word.startswith(low)
            for rest in spellings(word[len(low) :])
            for ch in chars
        ]

    pairs = sorted((s, _LANGS.index(lang)) for word, lang in _WORD_LANG.items() for s in spellings(word))
    return pl.DataFrame(pairs, schema={"word": pl.String, "lang": pl.UInt8}, orient="row")


# Language names (English, the language's own, and a few other common spellings) -> code.
LANGUAGE_NAMES: dict[str, str] = {
    name: code
    for code, names in {
        "en": "english anglais inglés ingles englisch inglese inglês engels angielski 英语 英文 英語",
        "es": "spanish español espanol espagnol spanisch spagnolo espanhol spaans hiszpański 西班牙语",
        "fr": "french français francais francés französisch francese francês frans francuski 法语 法文",
        "de": "german deutsch allemand alemán aleman tedesco alemão duits niemiecki 德语 德文",
        "it": "italian italiano italien italienisch italiaans włoski 意大利语",
        "pt": "portuguese português portugues portugais portugiesisch portoghese portugués 葡萄牙语",
        "nl": "dutch nederlands néerlandais niederländisch olandese holandés holandês 荷兰语",
        "sv": "swedish svenska suédois schwedisch svedese sueco",
        "no": "norwegian norsk norvégien",
        "da": "danish dansk danois dänisch",
        "fi": "finnish suomi finnois finnisch",
        "pl": "polish polski polonais polnisch polacco polaco",
        "cs": "czech čeština tchèque tschechisch",
        "ro": "romanian română roumain rumänisch",
        "hu": "hungarian magyar hongrois ungarisch",
        "tr": "turkish türkçe turc türkisch turco",
        "ru": "russian русский russe russisch russo ruso 俄语",
        "uk": "ukrainian українська ukrainien ukrainisch",
        "el": "greek ελληνικά grec griechisch greco griego",
        "he": "hebrew עברית hébreu hebräisch",
        "ar": "arabic العربية arabe arabisch arabo árabe 阿拉伯语",
        "fa": "persian farsi فارسی persan persisch",
        "hi": "hindi हिन्दी हिंदी",
        "zh": "chinese mandarin cantonese chinois chinesisch cinese chino chinês 中文 汉语 漢語 普通话",
        "ja": "japanese japonais japanisch giapponese japonés japonês 日语 日文 日本語",
        "ko": "korean coréen koreanisch coreano 韩语 韩文 한국어",
        "vi": "vietnamese vietnamien tiếng",
        "id": "indonesian indonesia indonésien",
        "th": "thai thaï ภาษาไทย",
        "sw": "swahili kiswahili",
        "tl": "tagalog filipino",
        "ca": "catalan català",
    }.items()
    for name in names.split()
}
_TRANSLATION = (
    r"(?i)translat|traduc|tradu[zsi]|übersetz|uebersetz|vertaal|översätt|oversæt|overs[ae]tt|tłumacz"
    "|çevir|terjemah|\u043f\u0435\u0440\u0435\u0432[\u0435\u043e]\u0434|翻译|翻譯|翻訳|번역"
)
"""A translation verb or noun (Russian "перевод" spelled in escapes), as requests are written."""
_NAMES = "(?i)" + "|".join(
    rf"\b{re.escape(name)}\b" if name.isascii() else re.escape(name)
    for name in sorted(LANGUAGE_NAMES, key=len, reverse=True)
)
"""Any language name, whole words where the name is ASCII (one pattern for `re` and for polars)."""


_ROLE_MARKER = r"(?m)^(?:user|assistant|tool|function): "
"""The role names a multi-turn prompt's lines start with (English words in any conversation)."""


def named_languages(prompt: str | None) -> set[str]:
    """The codes of the languages a prompt names ("into French", "auf Deutsch", "翻译成英文")."""
    found = (LANGUAGE_NAMES.get(m.group().lower()) for m in re.finditer(_NAMES, prompt or ""))
    return {code for code in found if code is not None}


def languages(ctx: Context, split: str, column: str = "text") -> pl.DataFrame:
    """Per valid record of `split`: `line` and `lang`, computed once per scan.

    Every split is weighed with the training split's prior, so a test set is judged against the
    language the model is trained in.
    """

    def compute() -> pl.DataFrame:
        rows = ctx.valid_rows(split)
        prior = ctx.shared(
            ("language-prior", column), lambda: language_prior(_evidence(ctx, "train", column))
        )
        langs = decide(_evidence(ctx, split, column), prior)
        if column == "text":
            langs = _translations(rows, langs, prior)
        return pl.DataFrame({"line": rows["line"], "lang": pl.Series(langs, dtype=pl.String)})

    return ctx.shared(("languages", split, column), compute)


def _evidence(ctx: Context, split: str, column: str) -> Evidence:
    """The split's detection evidence (shared: train's also makes the prior)."""

    def compute() -> Evidence:
        rows = ctx.valid_rows(split)
        texts = rows[column]
        if column == "text":  # a labelled record: its input alone, not input + label name
            unlabelled = pl.col("text").str.replace_all(_ROLE_MARKER, "")
            texts = rows.select(pl.when(pl.col("label").is_null()).then(unlabelled).otherwise("prompt"))
            texts = texts.to_series()
        return gather_evidence(texts)

    return ctx.shared(("language-evidence", split, column), compute)


def _translations(rows: pl.DataFrame, langs: list[str], prior: Prior) -> list[str]:
    """Translation requests take the dominant language unless their prompt is in another one.

    A record whose prompt asks for a translation (a translation word, or a named language its
    answer is in) has two languages by design. It is no minority-language example when its prompt
    or its answer is in the dominant language, when it asks for the dominant language (the source
    text quoted in prompt and answer is another language on purpose), or when its prompt is too
    short to tell and its answer is in the asked language. A prompt in another language keeps it.
    """
    dominant = None if prior.dominant is None else ngram_languages()[prior.dominant]
    asks = pl.col("prompt").str.contains(_TRANSLATION) | pl.col("prompt").str.contains(_NAMES)
    candidates = np.flatnonzero(
        rows.select((pl.col("label").is_null() & asks).fill_null(False)).to_series().to_numpy()
    ).tolist()
    if not candidates or dominant is None:
        return langs
    picked = rows[candidates]
    prompts, responses = picked["prompt"].to_list(), picked["response"].to_list()
    prompt_langs = decide(gather_evidence(prompts), prior)
    response_langs = decide(gather_evidence(responses), prior)
    out = list(langs)
    for i, prompt, p_lang, r_lang in zip(candidates, prompts, prompt_langs, response_langs, strict=True):
        asked = named_languages(prompt)
        if not (re.search(_TRANSLATION, prompt or "") or r_lang in asked):
            continue
        if dominant in (p_lang, r_lang) or dominant in asked or (p_lang == UNDETERMINED and r_lang in asked):
            out[i] = dominant
        elif p_lang != UNDETERMINED:
            out[i] = p_lang
    return out
