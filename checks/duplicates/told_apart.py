"""When two near inputs of one DUP004 group are two prompts after all, told by what answers or labels
them: a word only one input has is taken up by its own answer (`answered_apart`), goes with its own
label in the rest of the set (`labelled_apart`), or qualifies a factoid question whose short answers
differ as the question does (`qualified_apart`); words put in that move a question to another span
of the material both inputs hold (`located_apart`); a content word that explains why one input is
answered and the other not (`unanswered_apart`). Each is a reason not to report a near pair as one
prompt answered twice; `dup004_near_duplicate_input` asks them pair by pair, and DUP003 asks
`unanswered_apart` of the members of its groups (an example and its unanswerable twin are two)."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from dataqa.checks.labels.base import DECIDING, tie, weighed_classes
from dataqa.checks.labels.lbl002_near_identical_conflict import (
    _TOKEN,
    AUXILIARIES,
    MODALS,
    PAIR_SEPARATOR,
    QUESTION_WORDS,
    _typo_fixes,
)
from dataqa.text.normalise import UNSPACED_WORD
from dataqa.text.quantities import is_code, names_which
from dataqa.text.typos import is_number, is_typo
from dataqa.text.word_lists import CLOSED_WORDS, FILLER, PARTICLES, word_set


def answered_apart(
    prompts: tuple[set[str], set[str]],
    answers: tuple[set[str], set[str]],
    common: frozenset[str],
    asked: frozenset[str] = frozenset(),
) -> bool:
    """Whether two near inputs ask two things: a word only one of them has (not filler or a number,
    not a common word of the set's inputs unless it is what one of them asks about, `asked`:
    `asked_attributes`) is taken up by its own answer and not by the other ("What is the Shiba Inu
    (crypto)?" answered about the token, "What is the Shiba Inu?" about the dog; "Who won the 2022
    NBA Finals (MVP)?"; MedQuAD's "What are the (treatments) for Chagas disease?" answered
    "Treatment for Chagas disease is ...", "What is (are) Chagas disease?" about the parasite). A
    product's or program's code is a name, not a number (`is_code`: "fail2ban", "ipv4", "a320"):
    "running `fail2ban` processes" answered "ps -C fail2ban", the other input's "redis-server"
    answered with its own, are two requests."""
    for own, other, answer, other_answer in (
        (prompts[0], prompts[1], answers[0], answers[1]),
        (prompts[1], prompts[0], answers[1], answers[0]),
    ):
        for word in own - other - FILLER:
            if (is_number(word) and not is_code(word)) or (word in common and word not in asked):
                continue
            if _takes_up(answer, word) and not _takes_up(other_answer, word):
                return True
    return False


_ATTRIBUTE = re.compile(
    r"\b(?:what|which|whats)\s+(?:(?:is|are|was|were)\s+)?(?:the\s+)?((?:\w+\s+){0,2}?\w+)"
    r"\s+(?:of|for|to|in|on|with|from|about|like)\b"
)
"""A question for an attribute of its subject (normalised words): "what are the treatments for X",
"what is the cause of X", "which side effects of X"."""


def asked_attributes(words: list[str]) -> frozenset[str]:
    """The head of the attribute a question asks for, its last word before the preposition
    ("treatments" in "what are the treatments for chagas disease", not "market" in "what is the current
    market value of bitcoin"): a word a set of several kinds of question about each subject writes in
    many inputs (a common word, how the set asks), yet what this one asks (`answered_apart`)."""
    match = _ATTRIBUTE.search(" ".join(words))
    if match is None:
        return frozenset()
    head = match.group(1).split()[-1]
    if head in ENGLISH_STOP_WORDS or head in FILLER or is_number(head):
        return frozenset()
    return frozenset({head})


TAKEN_UP_LETTERS = 4
"""Letters of an input's word from which an answer's word that begins with it takes it up ("crypto" in
"cryptocurrency", "electric" in "electrical"); a shorter word must stand in the answer as it is."""
INFLECTION_LETTERS = 2
"""Letters an answer's word may lack at the end of an input's word and still take it up: the
singular of a plural ("treatment" for "treatments"), a stem of an inflected form."""


def _takes_up(answer: set[str], word: str) -> bool:
    """Whether an answer (its set of normalised words) holds `word`, or, when it has
    `TAKEN_UP_LETTERS` letters or more, a word that begins with it or that it begins with, short of
    at most `INFLECTION_LETTERS` letters."""
    if word in answer:
        return True
    if len(word) < TAKEN_UP_LETTERS:
        return False
    shortest = max(TAKEN_UP_LETTERS, len(word) - INFLECTION_LETTERS)
    return any(w.startswith(word) or (len(w) >= shortest and word.startswith(w)) for w in answer)


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
    it (an emotion set's gratitude rows thank) or the other text says at most
    `INTERJECTION_TEXT_WORDS` words besides filler ("(Oh) my bad (hahaha)", amusement, / "My bad.",
    remorse: the laughter is half of what is said, and 66 amusement rows laugh so against 3 of 14k
    neutral ones); the others never. The word is what the labels tell apart, not a conflict.
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
                held = mine - 1 >= FILLER_SHARE * (sizes.get(label, 0) - 1)
                if ratio >= DECIDING and (held or len(other - FILLER) <= INTERJECTION_TEXT_WORDS):
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
INTERJECTION_TEXT_WORDS = 2
"""Words besides filler of a text so short that an interjection added to it is a large part of what
the other text says (`labelled_apart`): it decides by the ratio alone."""


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
    if not any(answers) or not all(len(a) <= SHORT_ANSWER_WORDS for a in answers):
        return False
    extends = answers[0] < answers[1] or answers[1] < answers[0]
    if (answers[0] & answers[1]) - common - FILLER and not extends:
        return False
    return any(
        len(w) > 1
        and w not in common
        and w not in FILLER
        and w not in ENGLISH_STOP_WORDS
        and not is_number(w)
        for w in _put_in(prompts)
    )


PUT_IN_WORDS = 3
"""Words put into a question that may qualify it (`qualified_apart`, `located_apart`)."""


def _put_in(prompts: tuple[list[str], list[str]]) -> list[str]:
    """The words the longer of two texts has put in at one place after its first word, the texts
    otherwise equal (one to `PUT_IN_WORDS` words); [] when it is not so (words put in front preface
    the same question; a word swapped is left to the other rules)."""
    short, long = sorted(prompts, key=len)
    added = len(long) - len(short)
    if not 1 <= added <= PUT_IN_WORDS:
        return []
    start = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    if start == 0 or long[start + added :] != short[start:]:
        return []
    return long[start : start + added]


def kind_apart(prompts: tuple[list[str], list[str]], answers: tuple[set[str], set[str]]) -> bool:
    """Whether the longer of two inputs answered two ways is the shorter with one to `PUT_IN_WORDS`
    words put between a determiner (at most one word of the phrase between) and the noun after them,
    one of them a content word that does more than rate the thing (not `RATING_WORDS`) and that the
    shorter input's answer does not take up (`answers`, each input's answer's words): "what is a
    (put) option in finance" (a right to sell / a contract of either kind), "the edges of a simple
    (triangle free) planar graph" (56 / 84). The words name another kind of the thing asked about,
    whatever the answers' length or the words' use elsewhere in the set: two questions. "What is the
    (English) Premier League", answered "the highest level of the English football league system",
    is one question: the answer to the shorter says the word. "Brainstorm a (new) idea", "write a
    (short) poem" ask the same thing; a word put elsewhere ("how long does it (usually) take") is left
    to the other rules. Articles are read as one ("a" / "an"), and "what" and "which" open a noun
    phrase as a determiner does ("what (city and) state was the academy established" / "(in) what
    state ...": a preposition that opens a question is read past)."""
    read = [_unprefaced([ARTICLE.get(w, w) for w in p]) for p in prompts]
    at_short = 0 if len(read[0]) <= len(read[1]) else 1
    short, long = read[at_short], read[1 - at_short]
    added = _put_in((short, long))
    if not added:
        return False
    start = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    before, end = long[max(start - 2, 0) : start], start + len(added)
    opened = bool(before) and (
        before[-1] in DETERMINERS
        or (len(before) == 2 and before[0] in ARTICLES and before[1] not in CLOSED_WORDS | FILLER)
    )
    said = answers[at_short]
    kinds = [w for w in added if _kind_word(w) and not _takes_up(said, w)]
    return opened and end < len(long) and _kind_word(long[end]) and bool(kinds)


def _unprefaced(words: list[str]) -> list[str]:
    """`words` without the preposition that opens them (`PREFACE_WORDS`)."""
    return words[1:] if words and words[0] in PREFACE_WORDS else words


def _kind_word(word: str) -> bool:
    """Whether `word` may name a thing or a kind of it: not filler, a closed-class word
    (`CLOSED_WORDS`), a rating word, a single letter or a number."""
    return (
        len(word) > 1
        and word not in FILLER
        and word not in CLOSED_WORDS
        and word not in RATING_WORDS
        and not is_number(word)
    )


ARTICLE = {"an": "a"}
"""The article's other form, read as one word by `kind_apart`."""
DETERMINERS = word_set("a the my your his her its our their this that these those what which")
"""Words that open a noun phrase (`kind_apart`), "what" and "which" of "what (city and) state" too."""
ARTICLES = DETERMINERS - word_set("what which")
"""Determiners a word of the phrase may follow before the words put in ("a simple (triangle free)
planar graph"); after a question word they must follow it ("what language (do people) speak" is one
question)."""
PREFACE_WORDS = word_set("in on at to for from of by with about")
"""Prepositions that open a question whose noun phrase they belong to ("(in) what state was it
founded" / "what state was it founded (in)"): read past by `kind_apart`."""
RATING_WORDS = word_set(
    "new good great nice best better short long brief simple quick small big large little old "
    "different main basic general common typical real actual specific certain particular important "
    "interesting creative unique funny catchy detailed complete possible popular famous favorite "
    "favourite current recent exact whole entire full kind kinds type types sort sorts form forms "
    "given provided specified supplied arbitrary random single individual"
)
"""Adjectives that rate or size the thing asked for rather than name another kind of it, the nouns
that only say it has kinds, and the words that only point at the thing the task hands over
(`kind_apart`): "a (new) idea for a film", "a (short) poem", "what (type of) government", "the
factorial of a (given) non-negative integer"."""


def located_apart(prompts: tuple[list[str], list[str]], answers: tuple[list[str], list[str]]) -> bool:
    """Whether two inputs over one material (a passage, a list of choices) ask two questions that
    point at two places of it: the longer is the shorter with words put in (`_put_in`; not only
    filler, particles such as 的, English function words or numbers), and the two answers are other
    spans of the material, each found in both inputs (`_located`), neither inside the other. SQuAD-style sets,
    whose answers are spans of the passage in the input: "谁(曾)是...年龄最大的四分卫记录保持者"
    (who *was* the oldest quarterback's record holder: Elway; who is: Manning), "测试素性的(另)一种
    算法" (Miller-Rabin / AKS): the word put in moves the question to another span, even one as
    common in the set as a tense character, since the passage is part of every input. The same
    question twice with two spans (SQuAD's repeated questions), or with a filler, a particle or an
    article put in, stays one question answered twice; so does one span and a longer one that holds
    it ("安装了 由特斯拉设计的 (电弧灯照明系统)"). A word swapped is not read here: "最主要 / 最重要的
    因素" (main / most important factor) says the same with two right choices, which only meaning
    tells from "物 / 人的依赖性关系"."""
    added = _put_in(prompts)
    if all(w in FILLER or w in PARTICLES or w in ENGLISH_STOP_WORDS or is_number(w) for w in added):
        return False
    a, b = answers
    if not _located(a, prompts) or not _located(b, prompts):
        return False
    return not _inside(a, b) and not _inside(b, a)


LOCATED_CHARACTERS = 3
"""Characters an answer needs to be read as a place in the material: a choice's letter alone ("D"),
or a one-digit number, is in every input."""


def _located(answer: list[str], prompts: tuple[list[str], list[str]]) -> bool:
    """Whether an answer (its normalised words, in order) is long enough to locate (two words or
    more, or `LOCATED_CHARACTERS` characters) and stands, word for word, in both inputs."""
    if not answer or (len(answer) < 2 and len(answer[0]) < LOCATED_CHARACTERS):
        return False
    return all(_inside(answer, prompt) for prompt in prompts)


def _inside(part: list[str], whole: list[str]) -> bool:
    """Whether `part` stands as a run of consecutive words in `whole`."""
    n = len(part)
    if not n or n > len(whole):
        return False
    first = part[0]
    return any(whole[i] == first and whole[i : i + n] == part for i in range(len(whole) - n + 1))


def swapped_apart(prompts: tuple[list[str], list[str]], answers: tuple[set[str], set[str]]) -> bool:
    """Whether two near inputs with short answers that differ (a span, a choice, a name: DUP004's
    `is_short`, told by the caller) ask two things because a content word of one stands for another
    of the other: each has a word the other has not, in any order (filler, particles such as 的,
    English function words, single letters and identifiers left out; typo fixes paired,
    `typos.is_typo`), and each answer is its own. A question that turns on one word over the same
    choices is another item when it has another right answer ("达伦多夫 / 科塞提出的理论", "动脉收缩压 /
    舒张压主要反映", "实行民族区域自治的关键 / 核心是"): the word is what is asked, and the other answer
    says so. The same question with a typo, a filler word or its choices in another order, answered
    otherwise, is one question with two answers; so is one with only a word added (left to
    `qualified_apart` and `located_apart`), and one with a single character of a script written
    without spaces put for another, which is as often a word said otherwise ("最主要 / 最重要的因素",
    main / most important factor, two right answers) as another word ("物 / 人的依赖性关系"). Read
    in any order so that choices listed in another order are the same words."""
    said = set(_content(list(answers[0]))), set(_content(list(answers[1])))
    if not said[0] or not said[1] or said[0] == said[1]:  # one choice at two letters is one answer
        return False
    bag_a, bag_b = Counter(_content(prompts[0])), Counter(_content(prompts[1]))
    only_a, only_b = list((bag_a - bag_b).elements()), list((bag_b - bag_a).elements())
    for x in list(only_a):
        partner = next((y for y in only_b if is_typo(x, y)), None)
        if partner is not None:
            only_a.remove(x)
            only_b.remove(partner)
    if len(only_a) == len(only_b) == 1 and all(UNSPACED_WORD.fullmatch(w) for w in only_a + only_b):
        return False  # one character for one: as a letter for a letter, it may say the same ("最主 / 重要")
    return bool(only_a) and bool(only_b)


def _content(words: list[str]) -> list[str]:
    """The words of a text that say what it asks: not filler, particles, English function words,
    single letters of a spaced script (a choice's letter) or numbers that name nothing
    (`is_number` without `names_which`: an identifier)."""
    return [
        w
        for w in words
        if w not in FILLER
        and w not in PARTICLES
        and w not in ENGLISH_STOP_WORDS
        and (len(w) > 1 or bool(UNSPACED_WORD.match(w)))
        and not (is_number(w) and not names_which(w))
    ]


def unanswered_apart(prompts: tuple[list[str], list[str]], answers: tuple[set[str], set[str]]) -> bool:
    """Whether one of two near inputs is answered and the other is not (SQuAD 2.0's unanswerable
    question, an empty answer), and the inputs differ in a content word, added or swapped (not
    filler, a particle, an English function word, a single letter, or one word of a typo fix,
    `typos.is_typo`; words put in front preface the same question: "(Por favor,) o que ..."): the
    word explains why one has an answer and the other none. SQuAD 2.0 makes its unanswerable
    questions by editing answerable ones: "para qualquer número inteiro positivo / negativo n",
    "gera o número 2 precisamente uma vez / duas vezes", "a seita (menos) favorita de Kublai",
    "infinitos primos / infinitas linhas". The same question answered once and left unanswered
    once (a space or a typo apart) is one question with two answers, one of them none; but a name
    edited by a letter away from the material (`edited_away`: "Hamas" / "Pamas", "Ladner" /
    "Ladder") is another question."""
    if bool(answers[0]) == bool(answers[1]):
        return False
    a, b = prompts
    only_a: list[str] = []
    only_b: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal" and (i1 or j1 or tag == "replace"):  # words put in front preface it
            only_a += a[i1:i2]
            only_b += b[j1:j2]
    answered, unanswered = (set(a), set(b)) if answers[0] else (set(b), set(a))
    for x in list(only_a):
        partner = next((y for y in only_b if is_typo(x, y)), None)
        if partner is None:
            continue
        said, unsaid = (x, partner) if answers[0] else (partner, x)
        if edited_away(said, unsaid, answered, unanswered):
            return True
        only_a.remove(x)
        only_b.remove(partner)
    return any(
        len(w) > 1 and w not in FILLER and w not in PARTICLES and w not in ENGLISH_STOP_WORDS
        for w in only_a + only_b
    )


def edited_away(said: str, unsaid: str, answered: set[str], unanswered: set[str]) -> bool:
    """Whether a word of the answered input (`said`), written a letter apart in the unanswered one
    (`unsaid`), is a name edited away from the material both inputs hold: the unanswered input
    still holds `said` elsewhere (its passage names it) and the answered input nowhere holds
    `unsaid`. SQuAD 2.0 makes unanswerable questions so ("Onde o Hamas / Pamas se origina?" over a
    passage that names Hamas): the question asks about something the passage does not name, which
    is why it has no answer. A typo the material does not settle (neither word in it) stays a typo."""
    return len(said) > 1 and said in unanswered and unsaid not in answered


def claims_apart(a: str, b: str, named: bool = False) -> bool:
    """Whether two labelled examples that are each a pair of texts (premise and hypothesis) under one
    label keep the premise and make two claims in the hypothesis: a content word put for another
    (not filler, not a typo fix unless the premise writes both) or two words that are not
    neighbours exchanged (`_roles_swapped`).
    Inference annotators write several hypotheses to one premise, one label often holding two of
    them ("Richardson memulai karier (seniornya / juniornya)", both contradictions; "Luyten adalah
    Loyten" / "Loyten adalah Luyten"): the long premise made them near copies, yet each teaches its
    own claim. Words only added ("Khanzir selalu (saja) sendiri") or a typo fixed stay one example
    written twice. Only where the layout names the second text a hypothesis (`named`): in a
    paraphrase set one sentence reworded ("slipping to" / "sliding down to" 6.1 percent, MRPC) is the
    same example again."""
    parts = a.split(PAIR_SEPARATOR), b.split(PAIR_SEPARATOR)
    if not named or len(parts[0]) != 2 or len(parts[1]) != 2:
        return False
    premises = {" ".join(_TOKEN.findall(p[0].lower())) for p in parts}
    ours, theirs = (_TOKEN.findall(p[1].lower()) for p in parts)
    if len(premises) != 1 or ours == theirs:
        return False
    if _roles_swapped(ours, theirs):
        return True
    only_ours, only_theirs = set(ours) - set(theirs) - FILLER, set(theirs) - set(ours) - FILLER
    premise = set(_TOKEN.findall(parts[0][0].lower()))
    return bool(only_ours and only_theirs) and not _typo_fixes(only_ours, only_theirs, premise)


def _roles_swapped(a: list[str], b: list[str]) -> bool:
    """Whether one word list is the other with two words that are not neighbours exchanged ("Luyten
    adalah Loyten" / "Loyten adalah Luyten": who is whose neighbour), the rest in place; two
    neighbours swapped, or a phrase moved, says the same."""
    if len(a) != len(b):
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 2 or differ[1] == differ[0] + 1:
        return False
    i, j = differ
    return a[i] == b[j] and a[j] == b[i]


_VERDICTS = frozenset({"yes", "no", "true", "false"})
"""The answers of a yes/no question (`polar_apart`)."""
_LAST_QUESTION = re.compile(r"([^.!?\n]*)\?[^?]*$")
"""The last question of a prompt: the words before its last question mark, back to the sentence's start."""
_LABEL_PREFIX = re.compile(r"^\s*\w+:\s*")
"""A field name opening the question ("question: Is Paris ..."), no word of it."""


def _opening(prompt: str) -> str:
    """The first word of the prompt's last question, lower-cased ("" when it asks none)."""
    found = _LAST_QUESTION.search(prompt)
    words = _LABEL_PREFIX.sub("", found.group(1)).lower().split() if found else []
    return words[0] if words else ""


def polar_apart(prompts: tuple[str, str], answers: tuple[str, str]) -> bool:
    """Whether one input is a yes/no question (opened by an auxiliary or a modal) answered by a bare
    verdict and the other a question-word question answered otherwise ("Is Paris the capital of
    Germany?" True / "Which is the capital of Germany?" Paris): one asks whether, the other which."""
    verdicts = [a.strip().strip(".!").lower() in _VERDICTS for a in answers]
    if verdicts[0] == verdicts[1]:
        return False
    polar, other = (0, 1) if verdicts[0] else (1, 0)
    return _opening(prompts[polar]) in AUXILIARIES | MODALS and _opening(prompts[other]) in QUESTION_WORDS
