"""Per-record language of a scan's splits (COV002), with what records add to text detection.

`languages` runs `dataqa.text.language` over each split's valid records with the training split's
prior and vocabulary, and adds what a record's parts say: a translation request is no
minority-language example when its prompt or answer is in the dominant language, when it asks for
the dominant language, or when its prompt is too short to tell and its answer is in the asked
language (`_translations`); a record with an answer that the whole text puts in a minority
language keeps it only when its prompt is in it (`_by_prompt`), and not when its prompt is a request
in the dominant language about a text it gives in the answer's language (`_given_texts`). Computed
once per scan and shared.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import polars as pl

from dataqa.engine.context import Context
from dataqa.ingest.layouts import MULTIPLE_CHOICE
from dataqa.ingest.structure import TOOL_EVENT
from dataqa.ingest.tool_text import CALLS_WRITTEN
from dataqa.text.language import (
    Evidence,
    Prior,
    contradicts,
    decide,
    gather_evidence,
    language_prior,
    learned_vocabulary,
    review,
)
from dataqa.text.language_ngrams import ngram_languages
from dataqa.text.language_signals import FUNCTION_WORDS, UNDETERMINED, clean_prefix, function_word_hits
from dataqa.text.markup import is_code_text

COUNTS = ("language_counts",)
"""With a split's name after it, the shared key of `language_counts`."""
LINES = ("language_lines",)
"""With a split's name after it, the shared key of a function of languages giving `language_lines`
(supplied for a held split: gathered from its blocks)."""
EXAMPLES = ("language_examples",)
"""With a split's name after it, the shared key of a function of lines giving `example_texts`
(supplied for a held split: fetched from its blocks)."""

# Language names (English, the language's own, and a few other common spellings) -> code.
LANGUAGE_NAMES: dict[str, str] = {
    name: code
    for code, names in {
        "en": "english anglais inglés ingles englisch inglese inglês engels angielski 英语 英文 英語",
        "es": "spanish español espanol espagnol spanisch spagnolo espanhol spaans hiszpański 西班牙语",
        "fr": "french français francais francés französisch francese francês frans francuski "
        "pháp 法语 法文 フランス語",
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
        "zh": "chinese mandarin cantonese chinois chinesisch cinese chino chinês "
        "中文 汉语 漢語 普通话 中国語 중국어",
        "ja": "japanese japonais japanisch giapponese japonés japonês 日语 日文 日本語 일본어",
        "ko": "korean coréen koreanisch coreano 韩语 韩文 한국어 韓国語",
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
    "|çevir|terjemah|\u043f\u0435\u0440\u0435\u0432[\u0435\u043e]\u0434|翻译|翻譯|翻訳|訳[しすせ]|번역"
    "|bản dịch|dịch (?:sang|ra|câu|đoạn|cụm|từ)|sang tiếng"
)
"""A translation verb or noun (Russian "перевод" spelled in escapes), as requests are written; Japanese
訳す in its forms ("中国語に訳しなさい"), Vietnamese "bản dịch" / "dịch sang" / "dịch cụm từ" (not "dịch"
alone: "dịch vụ", service) and "sang tiếng X" ("into language X": "chuyển ... sang tiếng Tây Ban Nha")."""
_NAMES = "(?i)" + "|".join(
    rf"\b{re.escape(name)}\b" if name.isascii() else re.escape(name)
    for name in sorted(LANGUAGE_NAMES, key=len, reverse=True)
)
"""Any language name, whole words where the name is ASCII (one pattern for `re` and for polars)."""


_ROLE_MARKER = r"(?m)^(?:user|assistant|tool|function): "
"""The role names a multi-turn prompt's lines start with (English words in any conversation)."""
_ANSWERED_TURN = r"(?m)^(?:assistant|tool|function): "
"""A turn answered before the last: a prompt holding one is a conversation, not one request."""


def named_languages(prompt: str | None) -> set[str]:
    """The codes of the languages a prompt names ("into French", "auf Deutsch", "翻译成英文")."""
    found = (LANGUAGE_NAMES.get(m.group().lower()) for m in re.finditer(_NAMES, prompt or ""))
    return {code for code in found if code is not None}


def names_language(prompt: pl.Expr) -> pl.Expr:
    """Whether a prompt names a language anywhere ("in French", "an Italian restaurant", "德语"). An
    expression (Rust's regex): Python's `re` over the long alternation of names took seconds per
    10,000 prompts; `named_languages` reads the few prompts it holds."""
    return prompt.str.contains(_NAMES)


def asks_translation(prompt: pl.Expr) -> pl.Expr:
    """Whether a prompt holds a translation verb or noun: any language may be the answer's."""
    return prompt.str.contains(_TRANSLATION)


def languages(ctx: Context, split: str, column: str = "text") -> pl.DataFrame:
    """Per valid record of `split`: `line` and `lang`, computed once per scan.

    Every split is weighed with the training split's prior, so a test set is judged against the
    language the model is trained in.
    """

    def compute() -> pl.DataFrame:
        prior = train_prior(ctx, column)
        return decided(ctx, split, column, prior, lambda: train_vocabulary(ctx, column, prior))

    return ctx.shared(("languages", split, column), compute)


def train_prior(ctx: Context, column: str) -> Prior:
    """The training split's language prior (`language_prior`), shared (supplied for a held train)."""
    return ctx.shared(("language-prior", column), lambda: language_prior(evidence_of(ctx, "train", column)))


def train_vocabulary(ctx: Context, column: str, prior: Prior) -> frozenset[str]:
    """The training split's dominant-language words (`learned_vocabulary`), shared (supplied for a
    held train); asked for only where some text needs it."""
    train = (texts_of(ctx, "train", column), evidence_of(ctx, "train", column))
    return ctx.shared(("language-vocabulary", column), lambda: learned_vocabulary(*train, prior))


def decided(
    ctx: Context,
    split: str,
    column: str,
    prior: Prior,
    vocabulary: Callable[[], frozenset[str]],
    evidence: Evidence | None = None,
) -> pl.DataFrame:
    """`line`, `lang` of the valid records the context holds (a split, or a block of one: each
    record's language is its own, given the training split's `prior` and `vocabulary`)."""
    rows = ctx.valid_rows(split)
    evidence = evidence_of(ctx, split, column) if evidence is None else evidence
    langs = review(texts_of(ctx, split, column), decide(evidence, prior), evidence, prior, vocabulary)
    if column == "text":
        langs = _given_texts(rows, _by_prompt(rows, _translations(rows, langs, prior), prior), prior)
    return pl.DataFrame({"line": rows["line"], "lang": pl.Series(langs, dtype=pl.String)})


def language_counts(ctx: Context, split: str) -> dict[str, int]:
    """Records of the split per language (`languages`; of a held split, summed over its blocks)."""
    return ctx.shared((*COUNTS, split), lambda: dict(Counter(languages(ctx, split)["lang"].to_list())))


def language_lines(ctx: Context, split: str, langs: set[str]) -> dict[str, list[int]]:
    """The lines of the split's records in each of `langs`, in line order (of a held split, gathered
    from its blocks)."""
    if ctx.supplied((*LINES, split)):
        gathered: Callable[[list[str]], dict[str, list[int]]] = ctx.shared((*LINES, split), lambda: None)
        return gathered(sorted(langs))
    return lines_in(languages(ctx, split), sorted(langs))


EXAMPLE_SCHEMA = {"line": pl.Int64, "text": pl.String, "answer": pl.String}
"""`example_texts`' columns."""


def example_texts(ctx: Context, split: str, lines: list[int]) -> pl.DataFrame:
    """`line`, `text`, `answer` of the given valid records: the input (or the answer, or text, where
    the input is empty) and, for a record with an input and an answer of its own (no label), the
    answer, which decides the language when the input is too short to tell ("列出四张披头士专辑。"
    answered in English). What a finding shows of a record's language (of a block of a held split:
    its own)."""
    prompt = pl.col("prompt").replace("", None)
    return (
        ctx.valid_rows(split)
        .filter(pl.col("line").is_in(pl.Series(lines, dtype=pl.Int64).implode()))
        .select(
            "line",
            pl.coalesce(prompt, "response", "text").fill_null("").alias("text"),
            pl.when(prompt.is_not_null() & _answered())
            .then(pl.col("response").replace("", None))
            .otherwise(None)
            .alias("answer"),
        )
        .cast(EXAMPLE_SCHEMA)
        .sort("line")
    )


def examples(ctx: Context, split: str, lines: list[int]) -> pl.DataFrame:
    """`example_texts` of the given lines: from the rows here, or from the blocks of a held split."""
    if ctx.supplied((*EXAMPLES, split)):
        fetch: Callable[[list[int]], pl.DataFrame] = ctx.shared((*EXAMPLES, split), lambda: None)
        return fetch(lines)
    return example_texts(ctx, split, lines)


def lines_in(frame: pl.DataFrame, langs: list[str]) -> dict[str, list[int]]:
    """lang -> the lines of a `languages` frame in it, in line order, for `langs`."""
    wanted = frame.filter(pl.col("lang").is_in(pl.Series(langs, dtype=pl.String).implode()))
    return {lang: lines for lang, lines in wanted.group_by("lang").agg(pl.col("line").sort()).iter_rows()}


def evidence_of(ctx: Context, split: str, column: str) -> Evidence:
    """The split's detection evidence (shared: train's also makes the prior), or a block's."""

    return ctx.shared(
        ("language-evidence", split, column), lambda: gather_evidence(texts_of(ctx, split, column))
    )


def texts_of(ctx: Context, split: str, column: str) -> pl.Series:
    """The texts detection reads for the split's valid records: `column`, or for "text" a labelled
    record's input alone (not input + label name) and a record with an answer of its own (unlabelled,
    or KTO's true/false beside its answer, `_answered`) without role names. A
    multiple-choice record's "text" is its question and right choice already (its label is a position):
    the distractors, often bare nouns (Han alone in Japanese), would outweigh the question's words."""
    rows = ctx.valid_rows(split)
    if column != "text" or ctx.splits[split].kind == MULTIPLE_CHOICE:
        return rows[column]
    unlabelled = pl.col("text").str.replace_all(_ROLE_MARKER, "")
    texts = rows.select(pl.when(_answered()).then(unlabelled).otherwise("prompt")).to_series()
    tooled = rows["structure"].fill_null("").str.contains(TOOL_EVENT).arg_true()
    if not len(tooled):
        return texts
    return texts.scatter(tooled, _spoken(ctx.splits[split].turns, rows["line"].gather(tooled)))


def _spoken(turns: pl.DataFrame, lines: pl.Series) -> pl.Series:
    """What the user and the assistant say in the conversations at `lines`, in their order: a tool's
    result and a call's JSON are in the language of the tool's schema (English keys in a French or
    Darija conversation), not the conversation's."""
    said = (
        turns.filter(
            pl.col("line").is_in(lines.implode())
            & pl.col("role").cast(pl.String).is_in(["user", "assistant"])
        )
        .sort("line", "turn")
        .select("line", pl.col("content").str.replace(CALLS_WRITTEN, "").str.strip_chars())
        .filter(pl.col("content") != "")
        .group_by("line", maintain_order=True)
        .agg(pl.col("content").str.join("\n"))
    )
    return pl.DataFrame({"line": lines}).join(said, on="line", how="left")["content"].fill_null("")


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
    sides = _sides(rows, asks, prior)
    if sides is None or dominant is None:
        return langs
    out = list(langs)
    for i, prompt, _, p_lang, r_lang, _ in sides:
        asked = named_languages(prompt)
        if not (re.search(_TRANSLATION, prompt or "") or r_lang in asked):
            continue
        if dominant in (p_lang, r_lang) or dominant in asked or (p_lang == UNDETERMINED and r_lang in asked):
            out[i] = dominant
        elif p_lang != UNDETERMINED:
            out[i] = p_lang
    return out


def _by_prompt(rows: pl.DataFrame, langs: list[str], prior: Prior) -> list[str]:
    """A record the whole text puts in a minority language keeps it only when its prompt is in it.

    What the example asks decides its language: an English question answered with Spanish place
    names or French titles, or an English instruction answered with a program, is an English
    example. The prompt's language is used when it can be told and the prompt is not code, else
    the answer's (a pasted program asked about in Chinese is a Chinese example); when neither can
    be told, the record is undetermined. Records with an answer only (a classification label is none).
    A prompt given the dominant language by the data set's prior alone, whose own evidence names
    the record's language (`_own_evidence`), keeps the record's: "Come posso leggere un file CSV in
    Python senza librerie esterne?" is too short to outweigh an English set's prior, and with its
    Italian answer it is Italian; "Buatkan sistem e-commerce marketplace." (no English function
    word) stays the Indonesian request it is, whatever its answer's language.
    """
    dominant = None if prior.dominant is None else ngram_languages()[prior.dominant]
    minority = pl.lit(pl.Series(langs, dtype=pl.String)).is_in([UNDETERMINED, dominant]).not_()
    sides = _sides(rows, minority, prior)
    if sides is None or dominant is None:
        return langs
    out = list(langs)
    for i, prompt, response, p_lang, r_lang, p_own in sides:
        if p_lang == dominant and p_own == out[i] and _own_evidence(prompt, p_own, dominant):
            continue  # the prompt's own evidence names the record's language; the prior alone made it
        if p_lang != UNDETERMINED and not is_code_text(prompt or ""):
            out[i] = p_lang
        elif r_lang != UNDETERMINED and not is_code_text(response or ""):
            out[i] = r_lang
        else:
            out[i] = UNDETERMINED
    return out


def _given_texts(rows: pl.DataFrame, langs: list[str], prior: Prior) -> list[str]:
    """A request in the dominant language about a text it gives in another one, answered in that
    one, is a dominant-language example.

    "Given a sentence in French, provide a paraphrase." over French sentences, answered in French:
    the task is set in the data set's language, and the text it works on, with the answer that works
    on it, is in another on purpose (as a translation's source text is, `_translations`). The request
    is the prompt's first line, the given text the lines after it, and the answer is in the given
    text's language when it is, or opens with a line that is (a French paraphrase, then a gloss in
    English). A record keeps its language when its request line is in that language too or cannot be
    told, when its answer is in another language (a German question about an English passage,
    answered in German: the passage is the odd one out), and when its prompt is a conversation.
    """
    dominant = None if prior.dominant is None else ngram_languages()[prior.dominant]
    minority = pl.lit(pl.Series(langs, dtype=pl.String)).is_in([UNDETERMINED, dominant]).not_()
    sides = _sides(rows, minority & pl.col("prompt").str.contains("\n"), prior)
    if sides is None or dominant is None:
        return langs
    asked = [
        (i, _first_line(prompt), _first_line(response), r_lang)
        for i, prompt, response, p_lang, r_lang, _ in sides
        if p_lang == langs[i] and not re.search(_ANSWERED_TURN, prompt or "")
    ]
    if not asked:
        return langs
    lines = decide(
        gather_evidence([t for _, request, opening, _ in asked for t in (request, opening)]), prior
    )
    out = list(langs)
    for k, (i, _, _, r_lang) in enumerate(asked):
        if lines[2 * k] == dominant and langs[i] in (r_lang, lines[2 * k + 1]):
            out[i] = dominant
    return out


def _first_line(text: str | None) -> str:
    """A text's first non-empty line, role names left out."""
    return next((line for line in re.sub(_ROLE_MARKER, "", text or "").splitlines() if line.strip()), "")


def _own_evidence(prompt: str | None, lang: str, dominant: str) -> bool:
    """Whether a prompt speaks for `lang` on its own: the n-gram model's best guess before the prior
    (the caller's), at least one of `lang`'s function words (a language without a list has none to
    show: no), and nothing in it that contradicts `lang` (`contradicts`)."""
    if lang not in FUNCTION_WORDS:
        return False
    prefix = clean_prefix(prompt)
    return function_word_hits(prefix, judged=lang)[lang] > 0 and not contradicts(prompt, lang, dominant)


def _answered() -> pl.Expr:
    """Rows with an answer of their own: no label, or a label beside the answer (KTO)."""
    return pl.col("label").is_null() | (pl.col("response") != pl.col("label"))


def _sides(
    rows: pl.DataFrame, where: pl.Expr, prior: Prior
) -> list[tuple[int, str, str, str, str, str | None]] | None:
    """(row, prompt, response, prompt language, response language, the prompt's language before the
    prior) of the rows `where` holds that have an answer (unlabelled, or labelled beside their
    answer: a KTO record's true/false; a classification record's answer is its label), or None
    when there are none."""
    candidates = np.flatnonzero(
        rows.select((_answered() & where).fill_null(False)).to_series().to_numpy()
    ).tolist()
    if not candidates:
        return None
    picked = rows[candidates]
    prompts, responses = picked["prompt"].to_list(), picked["response"].to_list()
    evidence = gather_evidence(prompts)
    prompt_langs = decide(evidence, prior)
    response_langs = decide(gather_evidence(responses), prior)
    own: list[str | None] = list(evidence.cheap)
    codes = ngram_languages()
    for k, i in enumerate(evidence.scored.tolist()):
        own[i] = codes[int(evidence.top_ids[k, 0])] if evidence.top_ll[k, 0] > 0 else None
    return list(zip(candidates, prompts, responses, prompt_langs, response_langs, own, strict=True))
