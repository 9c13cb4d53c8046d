"""The label checks' words (`label_space.LABEL_TOKENS`) keep the combining marks written on their letters."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.checks.labels.label_space import LABEL_TOKENS
from dataqa.checks.labels.vocabulary import words
from dataqa.text.language_letters import combining_marks, marked_run


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


_MARKS = "\u0301\u093e\u094d\u09bf\u0e48\u064e"
"""Combining marks of five scripts (an accent, Devanagari vowel sign and virama, Bengali vowel sign,
a Thai tone mark, an Arabic haraka)."""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1_' \u2019.-কখकখกขعب") + list(_MARKS)), max_size=40))
def test_a_run_of_letters_reads_what_a_letter_at_a_time_reads(text: str) -> None:
    """`marked_run` tries the marks once per run of letters, for speed; it must find exactly the words
    of the pattern that tries them after every letter, wherever marks, digits and apostrophes fall."""
    marks = re.escape(combining_marks())
    for letter in (r"[^\W\d_]", r"[^\W_]"):
        each = rf"(?:{letter}[{marks}]*)+"
        run = marked_run(letter)
        assert re.findall(rf"{run}(?:['\u2019]{run})*", text) == re.findall(
            rf"{each}(?:['\u2019]{each})*", text
        )
