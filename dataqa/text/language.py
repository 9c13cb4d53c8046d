"""Per-record language detection, computed once per scan and shared by every check that needs it.

Method (fast on a million rows and on tens of thousands of short utterances, deterministic):
1. Only a bounded prefix of each text is read (`PREFIX_CHARS`), with URLs, e-mail addresses,
   code spans and digits removed; fewer than `MIN_LETTERS` letters or `MIN_WORDS` words is
   "und" (undetermined): a label from two words would be a guess. A labelled record is judged by
   its input alone (a label's name is not text in any language).
2. A cheap signal decides the clear cases: the dominant non-Latin script (CJK, kana, Hangul, ...)
   names the language directly, and for Latin text a function-word count (the 40-odd most frequent
   words of each of eight languages) is accepted when it is decisive (enough hits and a clear
   margin over the runner-up) and the text has no Latin letter that language is not written with
   (Polish "do", "to", "i" are English forms, but "zobaczyć" is no English word).
3. The rest is scored by a naive Bayes model over langdetect's character 1- to 3-gram profiles of
   54 languages (`ngram_scores`, vectorised: no per-text loop, no random sampling), and weighed
   with the data set's own language distribution as the prior (`language_prior`: from the cheap
   decisions, then re-estimated from every text's decision, with `PRIOR_FLOOR` spread over every
   language). The dominant language is whichever the data set's texts are mostly in, learned from
   them, not assumed. A text is given another language than the dominant one only when the
   posterior odds against the dominant language are at least 99 to 1 (`MARGIN`) and the text does
   not contradict it (`_unsupported`: another script, names and non-words, the dominant language's
   function words); anything else gets the dominant language. Short
   utterances carry little evidence and names carry misleading evidence ("where did jane
   mansfield die" scores Afrikaans on n-grams alone), so on their own they never outweigh a
   data set that is 95 % English.
4. Minority decisions are looked at again (`review`): a function-word decision for a minority
   language stands only where the n-gram model agrees, and a text most of whose letters are in
   words the data set's dominant-language texts keep using (`dataqa.text.language_vocabulary`:
   "pokaż moje pliki na google drive" in a Polish set) is in the dominant language.

Steps 1 and 2 (the cheap signals) live in `dataqa.text.language_signals`, step 3's n-gram model in
`dataqa.text.language_ngrams`; this module weighs them with the prior and decides (steps 3 and 4).
What records add (translation requests, the prompt's language) is `dataqa.text.language_records`.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from dataqa.text.language_letters import relative_unsupported
from dataqa.text.language_ngrams import ngram_languages, ngram_scores
from dataqa.text.language_signals import (
    FUNCTION_WORDS,
    HIRAGANA,
    LANGUAGE_SCRIPTS,
    LATIN_END,
    LATIN_WORD,
    MIN_LETTERS,
    MIN_WORDS,
    SCRIPT_LANGUAGES,
    UNDETERMINED,
    cheap_language,
    cheap_languages,
    clean_prefix,
    clean_prefixes,
    function_word_hits,
    script_counts,
    script_of,
    text_series,
)
from dataqa.text.language_vocabulary import dominant_vocabulary, overrule

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
PRIOR_ROUNDS = 6
"""Most rounds of estimating the prior from the decisions it leads to, the first under a flat prior
(three or four settle it)."""


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
    prefixes: list[str]
    """Per scored text, the de-noised prefix the n-gram model read (for `_unsupported`)."""

    @functools.cached_property
    def mixed(self) -> np.ndarray:
        """Per scored text, whether it is written in two scripts (`mixed_scripts`), read once: only a
        text with letters of a non-Latin script (`scripts`) can be."""
        out = np.zeros(len(self.scored), dtype=bool)
        some = [k for k, i in enumerate(self.scored.tolist()) if self.scripts[i] is not None]
        out[some] = mixed_scripts([self.prefixes[k] for k in some])
        return out


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
    prior = language_prior(evidence) if prior is None else prior
    series = text_series(texts)[0]
    return review(
        series, decide(evidence, prior), evidence, prior, lambda: learned_vocabulary(series, evidence, prior)
    )


def gather_evidence(texts: Sequence[str | None] | pl.Series) -> Evidence:
    """Cheap decisions for every text, and n-gram scores for the ones they leave open."""
    series, odd = text_series(texts)
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
    read = [prefixes[int(i)] for i in scored[order]]
    return Evidence(cheap, scored[order], ids[rows[order]], ll[rows[order]], scripts, read)


def language_prior(evidence: Evidence) -> Prior:
    """The data set's language distribution, estimated from its own texts, with `PRIOR_FLOOR` spread
    over every language.

    It starts from every text's decision under a flat prior: the cheap signals' (script, function
    words: rarely wrong) and the n-gram model's where its best language leads the runner-up by
    `MARGIN`. Starting from the cheap decisions alone would favour the eight languages with a
    function-word list: a Polish set whose only cheap decisions are its few English rows would
    start, and stay, "English". It is then re-estimated from every text's decision under the
    previous estimate (`PRIOR_ROUNDS` at most, until nothing changes). Counting only decisions, not
    posterior shares, and `MIN_PRIOR_SHARE`, keep the n-gram model's systematic slips (English
    questions with names look Afrikaans) from building a prior of their own; a language with real
    examples gains them round by round. The dominant language holds `DOMINANT_SHARE` of the
    decided texts.
    """
    return prior_rounds(lambda prior: prior_counts(evidence, prior))


def prior_rounds(counts: Callable[[Prior], tuple[np.ndarray, int]]) -> Prior:
    """`language_prior` from the counts of the texts' decisions under a prior (`prior_counts`, of
    one set of texts or summed over the blocks of a split), the first round under a flat prior."""
    n = len(ngram_languages())
    prior = Prior(np.full(n, -np.log(n)), None)
    for _ in range(PRIOR_ROUNDS):
        estimate = _prior_of(*counts(prior))
        if estimate.dominant == prior.dominant and np.allclose(estimate.log_prior, prior.log_prior):
            break
        prior = estimate
    return prior


def prior_counts(evidence: Evidence, prior: Prior) -> tuple[np.ndarray, int]:
    """Per language of the n-gram model, the texts decided in it under `prior` (a round of
    `language_prior`), and the texts decided in a language the model lacks (Armenian, Georgian:
    counted, never chosen). Counts of texts: a split's are the sum of its blocks'."""
    codes = ngram_languages()
    index = {code: i for i, code in enumerate(codes)}
    langs = np.array([index.get(lang, -1) for lang in evidence.cheap], dtype=np.int64)
    decided = Counter(lang for lang in evidence.cheap if lang not in (None, UNDETERMINED))
    others = sum(n for lang, n in decided.items() if lang not in index)
    langs[evidence.scored] = _choose(evidence, prior)
    if prior.dominant is not None:
        langs[_own_script_mask(langs, evidence.scripts, prior.dominant)] = prior.dominant
    return np.bincount(langs[langs >= 0], minlength=len(codes)), others


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


def learned_vocabulary(texts: pl.Series, evidence: Evidence, prior: Prior) -> frozenset[str]:
    """The dominant language's words as `texts` (with their `evidence`) use them, learned from the
    texts whose own evidence names it: a decisive function-word count, or the n-gram model's best
    guess before the prior (`dominant_vocabulary`). Empty where the dominant language has its own
    script (the script decides there) or where there is no dominant language."""
    if not has_vocabulary(prior):
        return frozenset()
    return dominant_vocabulary(texts, confident_texts(evidence, prior))


def has_vocabulary(prior: Prior) -> bool:
    """Whether the dominant language's words are learned (`learned_vocabulary`): there is one, and
    it has no script of its own."""
    return prior.dominant is not None and ngram_languages()[prior.dominant] not in LANGUAGE_SCRIPTS


def confident_texts(evidence: Evidence, prior: Prior) -> np.ndarray:
    """Positions of the texts whose own evidence names the dominant language (`learned_vocabulary`)."""
    assert prior.dominant is not None
    code = ngram_languages()[prior.dominant]
    confident = np.fromiter((lang == code for lang in evidence.cheap), dtype=bool, count=len(evidence.cheap))
    confident[evidence.scored[evidence.top_ids[:, 0] == prior.dominant]] = True
    return np.flatnonzero(confident)


def review(
    texts: pl.Series,
    langs: list[str],
    evidence: Evidence,
    prior: Prior,
    vocabulary: Callable[[], frozenset[str]],
) -> list[str]:
    """`langs` (of `texts`, with their `evidence`) with the minority decisions looked at again.

    A function-word decision for a minority language stands only where the n-gram model's best
    guess agrees: "napisz do pawla ze to jest pilne" has three English function words and is Polish.
    So does the script's "Chinese" for Han with (nearly) no kana in a Japanese data set: kanji
    compounds ("警察庁以外? 都道府県警察", a multiple-choice question and its answer) are Japanese as
    often, and the n-gram model tells them from Chinese sentences (的, 们, 这 ...); one with any
    hiragana, which Chinese never writes, is Japanese.
    Elsewhere the n-gram model decides under the prior, as for any text. Then the data set's own
    vocabulary overrules what is mostly words of its dominant language (`overrule`).
    """
    if prior.dominant is None:
        return langs
    codes = ngram_languages()
    dominant = codes[prior.dominant]
    out = list(langs)
    kanji = "zh" if dominant == "ja" else None  # Han with (nearly) no kana: Japanese kanji as often
    cheap = [
        i
        for i, lang in enumerate(out)
        if lang == evidence.cheap[i]
        and lang != dominant
        and (lang in FUNCTION_WORDS or (lang == kanji and evidence.scripts[i] == "CJK"))
    ]
    if cheap:
        prefixes = clean_prefixes(texts.gather(cheap)).to_list()
        # hiragana is written in Japanese alone: kanji with a few of it ("日本の最短政権は") is Japanese
        kana = {k for k, prefix in enumerate(prefixes) if out[cheap[k]] == kanji and HIRAGANA.search(prefix)}
        for k in kana:
            out[cheap[k]] = dominant
        cheap = [i for k, i in enumerate(cheap) if k not in kana]
        prefixes = [prefix for k, prefix in enumerate(prefixes) if k not in kana]
    if cheap:
        ids, ll = ngram_scores(prefixes)
        # ... and where it agrees without the text's names: "di" three times makes "Alessandria adalah
        # sebuah provinsi di regione Piemonte di Italia" Italian by function words, its names by n-grams
        named = [k for k, prefix in enumerate(prefixes) if _NAME.search(prefix)]
        own_ids = np.full(len(prefixes), -1)
        if named:
            own_ids[named] = ngram_scores([_without_names(prefixes[k]) for k in named])[0][:, 0]
        scripts = [evidence.scripts[i] for i in cheap]
        chosen = _choose(
            Evidence([None] * len(cheap), np.arange(len(cheap)), ids, ll, scripts, prefixes), prior
        )
        for k, i in enumerate(cheap):
            if codes[ids[k, 0]] != out[i] or own_ids[k] == prior.dominant:
                out[i] = codes[chosen[k]] if chosen[k] >= 0 else UNDETERMINED
    return overrule(texts, out, dominant, vocabulary)


def _own_script_mask(langs: np.ndarray, scripts: list[str | None], dominant: int) -> np.ndarray:
    """Texts with `MIN_LETTERS` // 2 letters in the dominant language's own non-Latin script whose
    language (an index, -1 for none) is not one written in that script: they are in the dominant one.

    Ten Chinese characters in a Chinese data set mark a Chinese record, and the Latin around them
    is code, names and product terms; a Ukrainian text in a Russian data set stays Ukrainian.
    """
    codes = ngram_languages()
    own = LANGUAGE_SCRIPTS.get(codes[dominant], ())
    mask = np.zeros(len(langs), dtype=bool)
    for script in own:
        written = np.array([code in SCRIPT_LANGUAGES[script] for code in codes] + [False])
        in_script = np.fromiter((s == script for s in scripts), dtype=bool, count=len(scripts))
        mask |= in_script & ~written[langs]  # index -1 reads the appended False: no language
    return mask


def _choose(evidence: Evidence, prior: Prior) -> np.ndarray:
    """Per scored text, the index of its language under `prior`, or -1 (undetermined).

    A text written in two scripts (`mixed_scripts`: Arabic words beside transliterated Latin ones, as
    OCR'd bilingual dictionaries read) is in no one language the n-gram model could name: -1. A minority
    decision does not stand where the text without its names reads as the dominant language
    (`_without_names`)."""
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
        codes = ngram_languages()
        for i in np.flatnonzero(chosen != dom).tolist():
            if _unsupported(evidence.prefixes[i], codes[int(chosen[i])], codes[dom]):
                chosen[i] = dom
        named = [i for i in np.flatnonzero(chosen != dom).tolist() if _NAME.search(evidence.prefixes[i])]
        if named:
            again = ngram_scores([_without_names(evidence.prefixes[i]) for i in named])[0][:, 0]
            chosen[np.array(named)[again == dom]] = dom
    chosen[ll[:, 0] <= 0] = -1
    chosen[evidence.mixed] = -1
    return chosen


_NAME = re.compile(r"(?<![\w'\u2019])[A-Z][^\W\d_]*")
"""A capitalised Latin word: a name, or a sentence's first word."""


def _without_names(prefix: str) -> str:
    """A text with its capitalised Latin words left out: "Alessandria adalah sebuah provinsi di regione
    Piemonte di Italia" is Italian by its place names' n-grams and Indonesian by the rest, and a
    sentence's language is that of its own words. Only a text that then reads as the dominant language
    is given it: a German command without its capitalised nouns ("mach das ... im ... aus bitte") is
    still no English."""
    return _NAME.sub(" ", prefix)


MIXED_SHARE = 0.1
"""Share of a text's letters each of two scripts (Latin and another) holds in a text of two scripts."""


def mixed_scripts(prefixes: Sequence[str]) -> list[bool]:
    """Per de-noised prefix, whether it is written in Latin and in another script, each at least
    `MIXED_SHARE` of its letters and `MIN_LETTERS` // 2 of them: Arabic instructions with transliterated
    Latin words, a Hindi sentence half in English. Such a text's n-grams name a language whose script
    disagrees with half of it (OCR'd Hassaniya read as Somali), so it is in no one language."""
    out = []
    for prefix in prefixes:
        other = sum(script_counts(prefix).values())
        letters = sum(len(w) for w in LATIN_WORD.findall(prefix))
        out.append(min(other, letters - other) >= max(MIXED_SHARE * letters, MIN_LETTERS // 2))
    return out


def contradicts(text: str | None, lang: str, dominant: str, function_words: bool = True) -> bool:
    """Whether a text a detector put in `lang` rather than `dominant` contradicts it (`_unsupported`
    on its de-noised prefix): QUAL014 asks it of an answer put in another language than its prompt's;
    without `function_words` for a long text whose function words it weighs itself."""
    return _unsupported(clean_prefix(text), lang, dominant, function_words)


def _unsupported(prefix: str, lang: str, dominant: str, function_words: bool = True) -> bool:
    """Whether the text itself contradicts the n-gram model's minority language `lang`.

    Character n-grams are fooled by what is not prose in one language: a regex over "abbab…",
    obfuscated code asked about in Chinese, an answer listing Italian names, a Chinese chat quoting
    English book titles, a table of "Hot/No/Yes". A minority decision stands only when the text has
    no `MIN_LETTERS` // 4 letters of a script `lang` is not written in, at most half of its letters
    are in names (capitalised words) or non-words (mixed case, 25 letters or more, laughter in any
    script), a Latin text keeps `MIN_WORDS` words and `MIN_LETTERS` letters besides the names inside
    its sentences (`_short_without_names`), at most three in four of its words are repeats (a
    degenerate reply saying one phrase over and over is no text in any language), and its function
    words do not speak against it:
    where `lang` has a list, as many of `lang`'s as of the dominant language's (the lists keep only
    forms distinctive between their languages, so a Spanish sentence may show none of its own and a
    French "la"; a dominant word that is also a frequent word of `lang`, English "in" in Italian, is
    no evidence either way, `language_signals.ALSO_WORDS`); where it has none, no function word of
    the dominant language and at most one of any other ("does laos require a travel visa" is not
    Catalan). A relative of the dominant language in its script (Macedonian in a Russian set,
    Persian in an Arabic one) needs the letters that tell the two apart
    (`language_letters.relative_unsupported`).
    """
    written = LANGUAGE_SCRIPTS.get(lang, ())
    if any(n >= MIN_LETTERS // 4 and script not in written for script, n in script_counts(prefix).items()):
        return True
    if relative_unsupported(prefix, lang, dominant):
        return True
    words = LATIN_WORD.findall(prefix)
    if 2 * sum(len(w) for w in words if _name_or_junk(w)) > sum(map(len, words)):
        return True
    if not script_counts(prefix) and _short_without_names(prefix):
        return True
    if len(words) >= 2 * MIN_WORDS and 4 * len({w.lower() for w in words}) < len(words):
        return True  # one phrase over and over ("Eat a banana!" x500): repeats add n-grams, no evidence
    if not function_words:
        return False
    hits = function_word_hits(prefix, words, judged=lang)
    own = hits.pop(lang, 0)
    if lang in FUNCTION_WORDS:
        return own < hits.get(dominant, 0)
    return hits.get(dominant, 0) > 0 or max(hits.values(), default=0) > 1


_MID_NAME = re.compile(r"(?<![.!?]\s)(?<=\s)[A-Z][^\W\d_]*")
"""A capitalised Latin word inside a sentence (not its first): a name."""


def _short_without_names(prefix: str) -> bool:
    """Whether a Latin text has under `MIN_WORDS` words or `MIN_LETTERS` letters besides the names
    inside its sentences: too short to tell a language by, as any text of so few is (`detect`);
    "Denzy tryna ... broski Izzy" is three words of slang between two names."""
    own = LATIN_WORD.findall(_MID_NAME.sub(" ", prefix))
    return len(own) < MIN_WORDS or sum(map(len, own)) < MIN_LETTERS


def _name_or_junk(word: str) -> bool:
    """A word that is no evidence of a language: a run of one or two letters in any script
    (laughter "kkkkkk", "hahaha", "rsrsrs", Arabic heh repeated; "zzz"), and, of Latin words, a name
    (capitalised) or a long or mixed-case string (a hash, an identifier). Case is Latin's: other
    scripts' words are judged by their runs alone."""
    if len(word) < 2:
        return False
    letters = len(set(word.lower()))
    if (letters == 1 and len(word) >= 3) or (letters == 2 and len(word) >= 5):
        return True
    if max(word) > chr(LATIN_END):
        return False
    return word[0].isupper() or len(word) >= 25 or any(c.isupper() for c in word[1:])
