"""The similarity engine unit by unit (#23): what a finding's evidence says about a pair, and the
decisions verification makes on small texts, pinned exactly so that a changed cut, count or rule fails."""

from __future__ import annotations

from dataqa.text.worddiff import word_diff


def test_word_diff_names_each_kind_of_difference_as_written() -> None:
    """A replaced word, a dropped and an added run, compared case-blind, shown as the texts write them."""
    assert word_diff("The cat sat on the mat today", "the CAT sat on a mat") == (
        'shares 5 of 7 words ("The cat sat on"); differs: "the" → "a", -"today"'
    )
    assert word_diff("", "a b") == 'shares none of 2 words; differs: +"a b"'
    assert word_diff("a b", "a b c") == 'shares 2 of 3 words ("a b"); differs: +"c"'


def test_word_diff_of_texts_that_differ_only_in_case_punctuation_and_apostrophes() -> None:
    assert word_diff("Hello, world!", "hello world") == (
        'shares 2 of 2 words ("Hello world"); differs only in case and punctuation'
    )
    assert word_diff("don't stop", "dont stop") == (
        'shares 2 of 2 words ("don\'t stop"); differs only in case and punctuation'
    )


def test_word_diff_cuts_sides_runs_and_the_number_of_differences_shown() -> None:
    """Eight words of a side, 60 characters of the shared run, four differences and a count of the rest."""
    long = "one two three four five six seven eight nine ten"
    assert (
        word_diff(long, "x")
        == 'shares none of 10 words; differs: "one two three four five six seven eight …" → "x"'
    )
    nine = "one two three four five six seven eight nine"
    assert (
        word_diff("a b", f"a b {nine}")
        == 'shares 2 of 11 words ("a b"); differs: +"one two three four five six seven eight …"'
    )
    assert word_diff("a b", "a b one two three four five six seven eight") == (
        'shares 2 of 10 words ("a b"); differs: +"one two three four five six seven eight"'
    )
    assert word_diff("a b c d e f g h i j k", "a X c Y e Z g W i V k") == (
        'shares 6 of 11 words ("a"); differs: "b" → "X", "d" → "Y", "f" → "Z", "h" → "W" and 1 more'
    )
    assert word_diff("a b c d e f g h i", "a X c Y e Z g W i") == (
        'shares 5 of 9 words ("a"); differs: "b" → "X", "d" → "Y", "f" → "Z", "h" → "W"'
    )
    shared = " ".join(f"longwordnumber{i}" for i in range(8))
    assert word_diff(f"alpha {shared}", f"beta {shared}") == (
        'shares 8 of 9 words ("longwordnumber0 longwordnumber1 longwordnumber2 longwordnum…"); '
        'differs: "alpha" → "beta"'
    )
