"""Language detection: honest "und" for short text, script and function-word shortcuts, seeded."""

from __future__ import annotations

from dataqa.text.language import UNDETERMINED, cheap_language, clean_prefix, detect_languages

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
    # Too few function words: left to langdetect (None), never forced.
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
