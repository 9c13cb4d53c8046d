"""A block of words moved (`dataqa.text.moves`): put back before the edit ratio, positions read back."""

from __future__ import annotations

from dataqa.text.moves import block_move
from dataqa.text.slots import Comparison, compare, gaps


def _codes(words: list[str], vocab: dict[str, int]) -> str:
    return "".join(chr(0x100 + vocab.setdefault(w, len(vocab))) for w in words)


def _words(text: str) -> list[str]:
    return text.split(" ")


def _compare(x: str, y: str) -> Comparison:
    a, b = _words(x), _words(y)
    vocab: dict[str, int] = {}
    return compare(a, b, _codes(a, vocab), _codes(b, vocab), min(len(a), len(b)))


def test_two_sentences_trading_places_are_the_same_words() -> None:
    found = _compare("write a poem about the sea make it rhyme", "make it rhyme write a poem about the sea")
    assert found.score == 1.0 and found.reason is None
    assert sorted(found.runs) == [(0, 3, 6), (6, 0, 3)]  # positions in the second text's own order


def test_a_word_reworded_in_a_short_moved_sentence_still_decides() -> None:
    found = _compare("write a poem about the sea make it rhyme", "make it rhyme compose a poem about the sea")
    assert found.reason == "word"  # a word swapped in a short text, as without the move


def test_roles_exchanged_and_steps_reordered_move_no_block() -> None:
    vocab: dict[str, int] = {}
    x, y = "the big dog chased the small cat today", "the small cat chased the big dog today"
    cx, cy = _codes(_words(x), vocab), _codes(_words(y), vocab)
    assert block_move(cx, cy, gaps(cx, cy)[1]) is None
    assert _compare(x, y).score < 0.85
    steps = _compare("add 3 to the number then multiply it by 2", "multiply the number by 2 then add 3 to it")
    assert steps.score < 0.85 or steps.reason is not None


def test_a_sentence_moved_past_a_reworded_word_is_found() -> None:
    a = _words("write a letter for john based on this he has solved hard problems for years i recommend him")
    b = _words(
        "he has solved hard problems for years compose a letter for john based on this i recommend him"
    )
    vocab: dict[str, int] = {}
    ca, cb = _codes(a, vocab), _codes(b, vocab)
    order = block_move(ca, cb, gaps(ca, cb)[1])
    assert order is not None and sorted(order) == list(range(len(b)))
    assert _compare(" ".join(a), " ".join(b)).score >= 0.9
