"""Language detection: honest "und" for short text, script and function-word shortcuts, seeded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from dataqa.text.language import contradicts, detect_languages, gather_evidence, language_prior
from dataqa.text.language_records import _own_evidence, named_languages
from dataqa.text.language_signals import ROMANISED, UNDETERMINED, cheap_language, clean_prefix
from dataqa.text.language_vocabulary import dominant_vocabulary, overrule

TWO_SENTENCES = {
    "en": "My order has not arrived yet. Can you tell me where the parcel is?",
    "es": "Mi pedido todavía no ha llegado. ¿Pueden decirme dónde está el paquete?",
    "fr": "Ma commande n'est pas encore arrivée. Pouvez-vous me dire où se trouve le colis ?",
    "de": "Meine Bestellung ist noch nicht angekommen. Können Sie mir sagen, wo das Paket ist?",
    "pt": "O meu pedido ainda não chegou. Podem dizer-me onde está a encomenda?",
    "it": "Il mio ordine non è ancora arrivato. Potete dirmi dove si trova il pacco?",
    "nl": "Mijn bestelling is nog niet aangekomen. Kunt u mij zeggen waar het pakket is?",
    "ru": "Мой заказ еще не прибыл. Скажите, пожалуйста, где находится посылка?",
    "ja": "注文した商品がまだ届いていません。荷物がどこにあるか教えてください。",
    "zh": "我的订单还没有到。请告诉我包裹现在在哪里。",
    "ko": "주문한 물건이 아직 도착하지 않았습니다. 택배가 어디에 있는지 알려주세요.",
}


def test_two_sentence_texts_get_their_language() -> None:
    texts = list(TWO_SENTENCES.values())
    assert detect_languages(texts) == list(TWO_SENTENCES)


def test_short_texts_are_undetermined_not_guessed() -> None:
    assert (
        detect_languages(["ok", "Thanks!", "", None, "12345 67", "https://example.com/a/b"])
        == [UNDETERMINED] * 6
    )


def test_noise_is_removed_before_detection() -> None:
    prefix = clean_prefix('See https://example.com and `code here` {"a": 1} mail me@x.org 2024')
    assert "http" not in prefix and "code" not in prefix and "@" not in prefix and "2024" not in prefix


def test_function_words_decide_only_when_clear() -> None:
    assert cheap_language("the parcel is not here and the tracking page is not working for me") == "en"
    # Too few function words: left to the n-gram model (None), never forced.
    assert cheap_language("Parcel missing, tracking broken, refund requested immediately") is None


def test_detection_is_deterministic_and_order_independent() -> None:
    texts = [
        "Das Zelt ist wasserdicht und leicht.",
        "La tienda es ligera pero no impermeable.",
        "Tent ok",
    ] * 3
    first = detect_languages(texts)
    assert detect_languages(texts) == first
    assert detect_languages(list(reversed(texts))) == list(reversed(first))


# Short utterances (#19): a text too short to tell gets the data set's language, never a guess.
SHORT_ENGLISH = [
    "please roll a dice",
    "my passcode won't work",
    "4 km is 2.48 miles",
    "can you define conservative politics",
    "i'd like a cappuccino please",
    "order a latte from starbucks",
    "will it get warmer here next week",
    "what does a baguette look like",
    "where did helen keller die?",
    "where did giovanni da verrazano live?",
    "what did einstein invent?",
    "How did Jayne Mansfield die ?",
    "order a large pepperoni pizza from dominos to go",
    "does peking garden deliver",
    "put El Mejor Rock en Español playlist",
]
ENGLISH_SET = [
    "set an alarm for seven tomorrow morning",
    "what is the weather like in london today",
    "remind me to call my mother at six",
    "how much money is left in my savings account",
    "cancel my order from yesterday evening",
    "can you turn the volume down a little",
    "read me the latest news about the elections",
    "book a table for two at an italian restaurant",
    "send an email to john about the meeting",
    "how long will it take to drive to the airport",
] * 3


def test_short_english_utterances_get_no_other_language() -> None:
    langs = detect_languages(ENGLISH_SET + SHORT_ENGLISH)
    assert set(langs) <= {"en", UNDETERMINED}
    # Alone, the n-gram model reads some of them as Afrikaans or Italian; the set's prior decides.
    assert (
        detect_languages(SHORT_ENGLISH, prior=language_prior(gather_evidence(ENGLISH_SET))).count("en") >= 12
    )


def test_a_clear_foreign_sentence_is_still_found_in_an_english_set() -> None:
    prior = language_prior(gather_evidence(ENGLISH_SET))
    texts = ["pon una alarma a las siete de la mañana", "stell einen Wecker auf sieben Uhr morgen früh"]
    assert detect_languages(texts, prior=prior) == ["es", "de"]


def test_a_word_both_languages_have_is_no_evidence_against_the_minority_one() -> None:
    # English "in" is an Italian preposition too: two of them (and a code word "for") do not make an
    # Italian question about Python English; against Spanish, "in" still speaks for English.
    prior = language_prior(gather_evidence(ENGLISH_SET))
    italian = (
        "Come posso leggere un file CSV in Python senza librerie esterne? In Python puoi aprire il file "
        "con il modulo csv della libreria standard e scorrere le righe con un ciclo for."
    )
    assert detect_languages([italian], prior=prior) == ["it"]
    assert not contradicts(italian, "it", "en")
    assert contradicts("Put it in the box in the hall in the morning, por favor.", "es", "en")


def test_a_prompt_speaks_for_its_language_only_with_its_own_function_words() -> None:
    # COV002's record language: a prompt the prior put in the dominant language keeps the record's
    # language only when it shows one of that language's function words itself.
    italian = "Come posso leggere un file CSV in Python senza librerie esterne?"
    assert _own_evidence(italian, "it", "en")
    assert not _own_evidence(
        "Buatkan sistem e-commerce marketplace.", "en", "id"
    )  # Indonesian, no English word
    assert not _own_evidence("Fix the bug in main.py", "it", "en")  # English words speak against Italian


def test_without_a_dominant_language_an_ambiguous_text_is_undetermined() -> None:
    mixed = [TWO_SENTENCES[code] for code in ("en", "es", "fr", "de", "it", "nl")]
    prior = language_prior(gather_evidence(mixed))
    assert prior.dominant is None
    assert detect_languages(["where did helen keller die?"], prior=prior) == [UNDETERMINED]


def test_a_handful_of_examples_does_not_lower_the_bar_for_their_language() -> None:
    # Three Italian rows in an English set: ambiguous English stays English.
    italian = ["metti una sveglia alle sette di mattina", "voglio ascoltare musica rilassante stasera"]
    texts = ENGLISH_SET * 2 + italian + ["where did giovanni da verrazano live?"]
    assert detect_languages(texts)[-3:] == ["it", "it", "en"]


def test_the_dominant_script_outweighs_code_and_latin_terms() -> None:
    chinese = [
        TWO_SENTENCES["zh"],
        "请用简单的语言解释量子计算并举一个例子。",
        "写一首关于秋天的短诗。四句就好。",
    ] * 4
    code = (
        "这个函数太慢了。你能让它运行得更快吗\n"
        "public string GenerateCsv(User[] users) { var csv = users.Select(u => u.Name); return csv; }"
    )
    assert detect_languages([*chinese, code])[-1] == "zh"
    # A language written in the dominant script keeps its own name: Ukrainian in a Russian set.
    russian = [
        TWO_SENTENCES["ru"],
        "Пожалуйста, объясните простыми словами, что такое квантовые вычисления.",
    ] * 4
    ukrainian = "Будь ласка, поясніть простими словами, що таке квантові обчислення і навіщо вони потрібні."  # noqa: RUF001
    assert detect_languages([*russian, ukrainian])[-1] == "uk"


def test_named_languages_in_english_and_their_own_names() -> None:
    assert named_languages("Translate into French, please") == {"fr"}
    assert named_languages("Wie sagt man das auf Deutsch oder Englisch?") == {"de", "en"}
    assert named_languages("请翻译成英文。今天天气很好") == {"en"}
    assert named_languages("a frenchman walks in") == set()


# Data sets in a language without a function-word list (#19): its majority is learned from the data.
FIXTURES = Path(__file__).parent / "cases" / "coverage" / "fixtures"


def _fixture_texts(name: str) -> list[str]:
    return [json.loads(line)["text"] for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]


def test_function_words_need_their_language_alphabet() -> None:
    # Polish "do", "to", "i" are English forms and "na" a Portuguese one; Polish letters say otherwise.
    assert cheap_language("napisz do marka to jest pilne i zobaczyć") is None
    assert cheap_language("ustaw ogrzewanie na noc na tarasie na dwadzieścia minut") is None
    assert cheap_language("Il y a un café à côté de la gare et il est très bon") == "fr"


def test_a_polish_set_is_polish_and_its_english_rows_are_found() -> None:
    polish = _fixture_texts("language_pl_clean.jsonl")
    assert set(detect_languages(polish)) <= {"pl", UNDETERMINED}
    planted = _fixture_texts("language_pl_planted.jsonl")
    langs = detect_languages(planted)
    assert [i for i, lang in enumerate(langs) if lang not in ("pl", UNDETERMINED)] == [44, 45]
    assert langs[44] == langs[45] == "en"


def test_majority_vocabulary_overrules_brand_heavy_texts_but_not_a_real_minority() -> None:
    polish = pl.Series(_fixture_texts("language_pl_clean.jsonl"))
    vocabulary = dominant_vocabulary(polish, np.arange(len(polish)))
    assert {"na", "do", "pokaż", "google", "mi"} <= vocabulary and "spotify" not in vocabulary  # 2 texts
    texts = pl.Series(["pokaż mi pliki na google drive", "¿dónde está mi pedido de la semana pasada?", "ok"])
    assert overrule(texts, ["hr", "es", UNDETERMINED], "pl", lambda: vocabulary) == ["pl", "es", UNDETERMINED]
    assert dominant_vocabulary(polish, np.arange(0)) == frozenset()


HINGLISH = [
    "Bhai Aapki service bohot bekar hai, refund kab milega mera?",
    "App bar bar crash ho raha hai aur checkout fail ho raha hai.",
    "Kb tk hamara 56 inch ke bom ko sambhalkar rkha jayega",
    "theek hai bhai, reference number send kar dena. i will wait then.",
]
NOT_HINGLISH = [
    # one strong Hindi word beside English, Italian "hai"/"se", Vietnamese "hai"/"nhi", Swahili "hai"
    "Thanks bhai, the parcel arrived yesterday and everything was in good order.",
    "Se hai bisogno di assistenza medica durante il viaggio, chiama il numero verde.",
    "Hãy kể một câu chuyện về hai người bạn trong sách thiếu nhi cho các em nhỏ.",
    "Serikali hai haijatoa taarifa yoyote kuhusu mkutano wa wiki ijayo mjini.",
]


def test_romanised_hindi_is_a_language_of_its_own_the_model_lacks() -> None:
    # Hinglish reads as Somali, Indonesian or English on character n-grams: its words tell it, in the
    # per-text reference and in the vectorised path alike, and it is counted, never chosen, as
    # Armenian is; texts that only share a word or two with it keep their language.
    english = ["Where is my parcel? It has not arrived yet."] * 8
    assert detect_languages(HINGLISH + english)[:4] == [ROMANISED] * 4
    assert [cheap_language(clean_prefix(t)) for t in HINGLISH] == [ROMANISED] * 4
    langs = detect_languages(NOT_HINGLISH)
    assert UNDETERMINED not in langs and ROMANISED not in langs
    assert ROMANISED not in [cheap_language(clean_prefix(t)) for t in NOT_HINGLISH]


def test_a_hinglish_text_in_an_english_set_is_its_minority_and_a_short_one_undetermined() -> None:
    english = ["Where is my parcel? It has not arrived yet, and the tracking page shows nothing."] * 12
    langs = detect_languages([*english, "bhai mera parcel kahan hai, abhi tak nahi aaya", "kya hai bhai"])
    assert langs[-2:] == [ROMANISED, UNDETERMINED]
