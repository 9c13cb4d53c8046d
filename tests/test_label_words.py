"""The label checks' words (`label_space.LABEL_TOKENS`) keep the combining marks written on their letters."""

from __future__ import annotations

import re

from dataqa.checks.labels.label_space import LABEL_TOKENS
from dataqa.checks.labels.vocabulary import words


def test_a_word_written_with_vowel_signs_is_one_word() -> None:
    """Bengali and Devanagari vowel signs and virama, Thai vowels are part of their word (Python's `\\w`
    leaves them out): "শালিকে" is one word, not "শ", "ল", "ক" (bengali_toxic_multilabel's LBL002)."""
    assert words("শালিকে জুতা মারা উচিত।") == {"শালিকে", "জুতা", "মারা", "উচিত"}
    assert words("किलोग्राम आटा") == {"किलोग्राम", "आटा"}
    assert re.findall(LABEL_TOKENS, "ภาษาไทย ง่าย") == ["ภาษาไทย", "ง่าย"]


def test_contractions_stay_whole_and_numbers_are_no_words() -> None:
    """What the tokens read in plain English is unchanged: a contraction whole (and its first part in
    `words`), digits left out."""
    assert re.findall(LABEL_TOKENS, "I don't know, it's 2 o'clock, 3rd time") == [
        "I",
        "don't",
        "know",
        "it's",
        "o'clock",
        "rd",
        "time",
    ]
    assert words("Don't stop") == {"don't", "don", "stop"}
