"""When two near inputs of one DUP004 group are two prompts after all, told by what answers or labels
them: a word only one input has is taken up by its own answer (`answered_apart`), goes with its own
label in the rest of the set (`labelled_apart`), or qualifies a factoid question whose short answers
differ as the question does (`qualified_apart`). Each is a reason not to report a near pair as one
prompt answered twice; `dup004_near_duplicate_input` asks them pair by pair."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from dataqa.checks.labels.base import DECIDING, tie, weighed_classes
from dataqa.text.typos import is_number
from dataqa.text.word_lists import FILLER, word_set


def answered_apart(
    prompts: tuple[set[str], set[str]], answers: tuple[set[str], set[str]], common: frozenset[str]
) -> bool:
    """Whether two near inputs ask two things: a word only one of them has (not a common word of
    the set's inputs, not filler or a number) is taken up by its own answer and not by the other
    ("What is the Shiba Inu (crypto)?" answered about the token, "What is the Shiba Inu?" about the
    dog; "Who won the 2022 NBA Finals (MVP)?")."""
    for own, other, answer, other_answer in (
        (prompts[0], prompts[1], answers[0], answers[1]),
        (prompts[1], prompts[0], answers[1], answers[0]),
    ):
        for word in own - other - common - FILLER:
            if not is_number(word) and _takes_up(answer, word) and not _takes_up(other_answer, word):
                return True
    return False


TAKEN_UP_LETTERS = 4
"""Letters of an input's word from which an answer's word that begins with it takes it up ("crypto" in
"cryptocurrency", "electric" in "electrical"); a shorter word must stand in the answer as it is."""


def _takes_up(answer: set[str], word: str) -> bool:
    """Whether an answer (its set of normalised words) holds `word`, or a word that begins with it
    when it has `TAKEN_UP_LETTERS` letters or more."""
    if word in answer:
        return True
    return len(word) >= TAKEN_UP_LETTERS and any(w.startswith(word) for w in answer)


def labelled_apart(
    prompts: tuple[set[str], set[str]],
    labels: tuple[str, str],
    seen: dict[str, dict[str, int]],
    common: frozenset[str],
    sizes: dict[str, int],
) -> bool:
    """Whether two near inputs under two labels differ in a word that goes with one label: only one
    input has it, the set has it under that input's label in more rows than this one, and never
    under the other's ("restaurants with 1000 reviews (in Śródmieście)" is the in-location
    intent), or the other examples of that label use it at least `DECIDING` times as often as the
    other label's (LBL002's notion, `labels.base.tie`: "virtual" in all 98 getting_virtual_card
    examples, once in 120 order_physical_card ones, so "order a (virtual) card" is two requests).
    Labels are weighed class by class (`labels.base.weighed_classes`: a multi-label row's set by each
    class it has and the other's lacks, against the other's classes; `seen` and `sizes` count rows
    per class).
    A word common in the set's inputs (`common`) decides only by that ratio: that it is never
    under the other label may be chance. Of the filler words, an interjection ("thanks", "haha",
    "omg") decides only by that ratio and where at least `FILLER_SHARE` of the label's other rows hold
    it (an emotion set's gratitude rows thank); the others never. The word is what the labels tell
    apart, not a conflict.
    `sizes`: rows per class."""
    for own, other, label, other_label, shared in (
        *((prompts[0], prompts[1], *classes) for classes in weighed_classes(labels[0], labels[1])),
        *((prompts[1], prompts[0], *classes) for classes in weighed_classes(labels[1], labels[0])),
    ):
        for word in own - other:
            under = seen.get(word, {})
            mine, theirs = under.get(label, 0), under.get(other_label, 0) - shared
            if is_number(word) or mine < 2:
                continue
            # the compared inputs left out of the counts: the word is judged by the other examples
            ratio = tie(mine - 1, sizes.get(label, 0) - 1, theirs, sizes.get(other_label, 0) - 1 - shared)
            if word in INTERJECTIONS:
                if ratio >= DECIDING and mine - 1 >= FILLER_SHARE * (sizes.get(label, 0) - 1):
                    return True  # "(Thanks!) You too!": gratitude, where most gratitude rows thank
            elif word in FILLER:
                continue
            elif (not theirs and word not in common) or ratio >= DECIDING:
                return True
    return False


INTERJECTIONS = word_set("thanks thank thx haha hahaha hehe lol lmao lmfao rofl omg oh xd")
"""Filler words that voice a feeling (thanks, laughter, surprise): an emotion set's labels turn on them."""
FILLER_SHARE = 0.25
"""Share of a label's other rows that must hold an interjection for it to go with that label: an
emotion set writes "thanks" in most gratitude rows; an intent set's "thanks" is spread thin."""


SHORT_ANSWER_WORDS = 10
"""An answer of at most this many words is a factoid answer, a span or a label (`qualified_apart`):
"OneDrive for Business", "Programa das Nações Unidas para o Meio Ambiente"."""


def qualified_apart(
    prompts: tuple[list[str], list[str]], answers: tuple[set[str], set[str]], common: frozenset[str]
) -> bool:
    """Whether one factoid question qualifies the other: the longer is the shorter with one to three
    words put in after its first word, one of them a content word (not common, filler, a function
    word such as "whom", an initial such as the "k" of "james k polk", or a number), and the two
    short answers share no word or one is the other with words added, as the question is ("the
    largest (internal) organ": skin / liver; "the first woman to win a Nobel Prize (in
    Literature)"; "who funds the (vice) secretary"; "renamed Sky Drive (Pro)": OneDrive / OneDrive
    for Business; SQuAD 2.0's adversarial "quantos vitorianos são (cientistas) cristãos", answered
    once and unanswerable once: no answer is a short answer). The words put in plausibly explain the
    other answer: two questions, not one answered twice. Two answers that each say something of
    their own ("what coloring of cat is (usually) almost always female": "calico cats are ..." /
    "tortoiseshell cats are ...") are one question answered twice. Words put in front ("Wait a
    second, which river ...") only preface the same question; a word swapped, or a long answer (an
    essay, an idea: "brainstorm a (new) idea for a film"), is left to the other rules."""
    short, long = sorted(prompts, key=len)
    added = len(long) - len(short)
    if not 1 <= added <= 3 or not any(answers) or not all(len(a) <= SHORT_ANSWER_WORDS for a in answers):
        return False
    extends = answers[0] < answers[1] or answers[1] < answers[0]
    if (answers[0] & answers[1]) - common - FILLER and not extends:
        return False
    start = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    if start == 0 or long[start + added :] != short[start:]:
        return False
    return any(
        len(w) > 1
        and w not in common
        and w not in FILLER
        and w not in ENGLISH_STOP_WORDS
        and not is_number(w)
        for w in long[start : start + added]
    )
