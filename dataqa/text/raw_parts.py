"""Which part of a longer text decides, and which words are names, read from the raw text.

Verification compares normalised words (`dataqa.text.slots`); what it cannot see there is in the raw
text: which words are written as names (capitalised inside a sentence), and which paragraph each word
is in. A record whose input is a long shared passage and a short part of its own (a premise and a
hypothesis, a schema and a question) is another example when that part says something else
(`decisive_part`); the rules are the module doc of `dataqa.text.slots`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Container

import polars as pl

from dataqa.ingest.chat_templates import ASSISTANT, TOOL, USER
from dataqa.text.mojibake import repaired
from dataqa.text.normalise import SPELLED_SIGNS, UNSPACED_PER_WORD, UNSPACED_WORD, normalise, spell_signs
from dataqa.text.slots import (
    _NOT_NAMES,
    NAME_WORDS,
    SHORT_WORDS,
    TITLE_SHARE,
    Comparison,
    names_which,
)
from dataqa.text.typos import is_number, is_typo
from dataqa.text.word_lists import FILLER

TOKEN = re.compile(r"[^\W_]+")
"""A word of a raw text: a run of letters and digits."""
_APOSTROPHE_IN_WORD = re.compile(r"(?<=[^\W_])['\u2019](?=[^\W_])")
_SENTENCE_END = re.compile(r"[.!?:\n]")
PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
"""What separates two paragraphs (parts) of a raw text: a blank line."""
TURN = re.compile(rf"\n(?={USER}: )")
"""Where a user turn of a conversation's history begins: a line that opens with the role, as an
input of several turns is written (`dataqa.ingest.normalisers`: "user: ...\nassistant: ...\nuser: ...")."""


def _raw_tokens(raw: str, words: list[str]) -> tuple[str, list[re.Match[str]]] | None:
    """The raw text as normalisation reads it (`normalise_texts`' first steps) and its word tokens, one
    per normalised word; None when they cannot be lined up."""
    text = unicodedata.normalize("NFKC", repaired(raw)) if not raw.isascii() else raw
    text = _APOSTROPHE_IN_WORD.sub("", text)
    if not SPELLED_SIGNS.isdisjoint(text):  # "C++", "x + 1": the words normalisation made of them
        text = spell_signs(pl.Series([text], dtype=pl.String))[0]
    tokens = list(TOKEN.finditer(text))
    if len(tokens) != len(words) or any(t.group().lower() != w for t, w in zip(tokens, words, strict=True)):
        return None
    return text, tokens


def part_of_words(raw: str, words: list[str], asks: bool = False) -> list[int] | None:
    """The paragraph (0-based, blank-line separated) of each normalised word; None when the raw words
    cannot be lined up with them (`asks`: an input's)."""
    return _parts(raw, words, _raw_tokens(raw, words), asks)


def names_and_parts(
    raw: str, words: list[str], asks: bool = False
) -> tuple[set[int] | None, list[int] | None]:
    """`name_positions` and `part_of_words` (with `asks`) of one text, its raw words read once."""
    found = _raw_tokens(raw, words)
    return (None if found is None else _names(*found, words)), _parts(raw, words, found, asks)


def _parts(
    raw: str, words: list[str], found: tuple[str, list[re.Match[str]]] | None, asks: bool = False
) -> list[int] | None:
    """`part_of_words`, given `_raw_tokens(raw, words)`."""
    if found is None:  # damaged text (format characters): normalise each paragraph
        paragraphs = normalise(pl.Series(PARAGRAPH.split(raw), dtype=pl.String)).to_list()
        split = [p.split(" ") if p else [] for p in paragraphs]
        if [w for p in split for w in p] != words:
            return None
        return [i for i, p in enumerate(split) for _ in p]
    text, tokens = found
    request = _last_request_at(text)
    heads = [] if request is not None else _request_heads(text, tokens)
    tail = [] if request is not None or not asks else _question_tail(text, tokens)
    turn = [] if request is None else [request]
    breaks = sorted({m.start() for m in PARAGRAPH.finditer(text)}.union(turn, heads, tail))
    if not breaks:
        return [0] * len(tokens)
    out, part = [], 0
    for token in tokens:
        while part < len(breaks) and breaks[part] < token.start():
            part += 1
        out.append(part)
    if request is not None:  # the history is one part, `HISTORY`; the request and what follows from 0 on
        first = next((p for t, p in zip(tokens, out, strict=True) if t.start() > request), len(breaks))
        out = [HISTORY if p < first else p - first for p in out]
    return out


HISTORY = -1
"""The part of a conversation's history, the turns before its last request (`_last_request_at`)."""


def _last_request_at(text: str) -> int | None:
    """Where the last request of a conversation written out as one input begins (`TURN`: its last
    user turn; None when the text is no transcript of several turns, one that opens with a role).
    The last request is a part of the input of its own, as a paragraph is: two conversations that
    share their opening exchange and ask for another thing in their last turn ("write a letter to
    my (grandmother / manager)") are two inputs, as the last turns alone are, however many words
    the shared opening adds. The turns before it are one part, `HISTORY`, weighed together with the
    request as the whole input was (`_sizes`): an earlier reply reworded ("I am" / "I'm") is a
    near copy's rewording, as in any text that long."""
    if not text.startswith((f"{USER}: ", f"{ASSISTANT}: ", f"{TOOL}: ")):
        return None
    return next((m.start() for m in reversed(list(TURN.finditer(text)))), None)


HEAD_END = re.compile(r"[:\n]")
"""What ends a request written before the text it is about, in one paragraph: "Summarise this
passage: ...", "Classify the text below\n..." (Alpaca's instruction and input run together)."""


def _request_heads(text: str, tokens: list[re.Match[str]]) -> list[int]:
    """Where, in a text's first blank-line paragraph, a short request ends and a passage begins: its
    first `HEAD_END` with at most `SHORT_WORDS` words before it and more after it (none: []). A
    request and the passage it is about are two parts, so that a long shared passage does not
    outvote the request ("find the commonest noun in this paragraph: P" / "describe the style of
    this paragraph: P" are two tasks; `decisive_part` reads the short part on its own). Only the
    first paragraph: a request comes before what it is about, and a passage's own colon ("12 is not
    prime: 12 = 3 · 4") would cut the passage in two, the question above it then read together with
    the passage's first sentence."""
    first = PARAGRAPH.search(text)
    end = len(text) if first is None else first.start()
    head = HEAD_END.search(text, 0, end)
    if head is None:
        return []
    before = sum(1 for t in tokens if t.start() < head.start())
    inside = sum(1 for t in tokens if t.start() < end)
    return [head.start()] if 0 < before <= SHORT_WORDS and inside - before > SHORT_WORDS else []


LINE_LABEL = re.compile(r"\s*[^\w\s]*\w+(?:[ _-]\w+){0,2}[^\w\s]*:\s")
"""A line opening with a label of up to three words and a colon ("#Person2#: ", "A: "): a turn."""
ENDS_SENTENCE = re.compile(r"[.!?\u2026\u3002\uff01\uff1f\u061f][\"')\]\u201d\u2019]*\s*\Z")
"""A line that ends as a sentence does (full stop, exclamation or question mark; quotes after it)."""


def _question_tail(text: str, tokens: list[re.Match[str]]) -> list[int]:
    """Where an input's last line, a sentence of at most `SHORT_WORDS` words and no labelled turn, begins
    after more than `SHORT_WORDS` words that end a sentence (none: []): the question asked of a shared
    setting ("Determine the number in the 50th row" / "... a formula for the number in the R th row"
    under one table), a part of its own as a conversation's last request is."""
    body = text.rstrip()
    cut = body.rfind("\n")
    if cut < 0 or LINE_LABEL.match(body, cut + 1) or not ENDS_SENTENCE.search(body[:cut]):
        return []
    after = sum(1 for t in tokens if t.start() > cut)
    asked = ENDS_SENTENCE.search(body) and 0 < after <= SHORT_WORDS < len(tokens) - after
    return [cut] if asked else []


def _same_answer(verdict: Comparison, parts_a: list[int], parts_b: list[int]) -> int:
    """Words of the last part of two texts when it is the same in both (all of it matched), else 0."""
    last_a, last_b = parts_a[-1], parts_b[-1]
    size = parts_a.count(last_a)
    if size != parts_b.count(last_b) or any(parts_a[at] == last_a for at in verdict.differ[0]):
        return 0
    if any(parts_b[at] == last_b for at in verdict.differ[1]):
        return 0
    matched = sum(
        1
        for a, b, n in verdict.runs
        for k in range(n)
        if parts_a[a + k] == last_a and parts_b[b + k] == last_b
    )
    return size if matched == size else 0


def _final_part(parts: list[int]) -> int:
    """The last part of a text that holds more than one word (a lone trailing role marker,
    "Assistant:", asks nothing)."""
    sizes = Counter(parts)
    return next((p for p in sorted(sizes, reverse=True) if sizes[p] > 1), parts[-1])


def _last_request(verdict: Comparison, parts_a: list[int], parts_b: list[int]) -> float:
    """Similarity of the final parts of two texts (`_final_part`): the share of their words the
    alignment matches with each other. A transcript that goes on by another turn ends on another
    request, which the alignment matches with nothing of the other's final turn."""
    last_a, last_b = _final_part(parts_a), _final_part(parts_b)
    matched = sum(
        1
        for a, b, n in verdict.runs
        for k in range(n)
        if parts_a[a + k] == last_a and parts_b[b + k] == last_b
    )
    return 2 * matched / (parts_a.count(last_a) + parts_b.count(last_b))


def _sizes(parts: list[int], words: list[str] | None) -> Counter[int]:
    """The length of each part in words, a character of a script written without spaces
    (`UNSPACED_WORD`, each a word once normalised) counted as `1 / UNSPACED_PER_WORD` of one; a
    conversation's history (`HISTORY`) as long as itself and the request after it (part 0)."""
    if words is None or len(words) != len(parts):
        sizes = Counter(parts)
    else:
        sizes = Counter()
        for part, word in zip(parts, words, strict=True):
            sizes[part] += 1 if len(word) != 1 or not UNSPACED_WORD.match(word) else 1 / UNSPACED_PER_WORD
    return _with_history(sizes)


def _with_history(counts: Counter[int]) -> Counter[int]:
    """Per part counts (of words, of words that differ) with a conversation's history (`HISTORY`)
    counting its request's too (part 0): the history is read as the whole input it opens."""
    if HISTORY in counts:
        counts[HISTORY] += counts[0]
    return counts


def _written_beside(words: list[str], parts: list[int], sizes: Counter[int], at: int) -> bool:
    """Whether the word `words[at]` stands, in another part of the same text (the passage the two
    texts share), beside the neighbour it has in its own part (`_same_stem`): "who is the (vice)
    chair" over a passage that names the vice-chair asks about another person the passage names.
    Only a passage counts (a part longer than `SHORT_WORDS`): a sentence pair's other sentence is
    no passage, and a word it shares ("(한) 남자가", Korean's "a man") is the pair's own wording."""
    part, word = parts[at], words[at]
    beside = [
        (step, words[at + step])
        for step in (-1, 1)
        if 0 <= at + step < len(words) and parts[at + step] == part
    ]
    return any(
        parts[k] != part
        and sizes[parts[k]] > SHORT_WORDS
        and 0 <= k + step < len(words)
        and parts[k + step] == parts[k]
        and _same_stem(words[k + step], neighbour)
        for k, found in enumerate(words)
        if found == word
        for step, neighbour in beside
    )


AFFIX_LETTERS = 2
"""Letters an article or ending may add to a word of at least `STEM_LETTERS` and leave it the same
word beside another (`_same_stem`): Arabic "رئيس" / "الرئيس", "chair" / "chairs"."""
STEM_LETTERS = 3


def _same_stem(x: str, y: str) -> bool:
    """Whether two words are one word but for a short prefix or ending (`AFFIX_LETTERS`)."""
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    return (
        len(short) >= STEM_LETTERS
        and len(long) - len(short) <= AFFIX_LETTERS
        and (long.startswith(short) or long.endswith(short))
    )


def _replaced(
    linked: set[tuple[int, int]],
    sizes: tuple[Counter[int], Counter[int]],
    differ: tuple[Counter[int], Counter[int]],
    answer: float,
    answer_last: bool,
) -> bool:
    """Whether two texts of as many parts have, at one place, two short parts (at most
    `SHORT_WORDS` words, longer than a same `answer`) that share no word and hold words the other
    text has not: a question replaced by another over one shared passage ("what do
    paleoclimatologists want to know" / "how much heavier is O-18"), which the alignment may match
    with words of the passage rather than with each other. With `answer_last` the answers are
    left to `decisive_part`'s other rules."""
    if len(sizes[0]) != len(sizes[1]):
        return False
    places = list(zip(sorted(sizes[0]), sorted(sizes[1]), strict=True))
    for p, q in places[:-1] if answer_last else places:
        if (
            (p, q) not in linked
            and differ[0][p]
            and differ[1][q]
            and answer < max(sizes[0][p], sizes[1][q])
            and max(sizes[0][p], sizes[1][q]) <= SHORT_WORDS
        ):
            return True
    return False


ONE_EDIT = 2
"""Words one text has and the other not when one word is swapped for another: a question that
differs by no more is left to the rules for one swapped word (`decisive_part`), not read as another
question."""


def _other_question(
    verdict: Comparison,
    parts: tuple[list[int], list[int]],
    sizes: tuple[Counter[int], Counter[int]],
    words: tuple[list[str], list[str]],
    threshold: float,
    answer: tuple[float, bool],
    in_use: Container[str] = frozenset(),
) -> bool:
    """Whether two texts share a long part (a passage of more than `SHORT_WORDS` words each, near
    copies of each other) and, on one side of it, hold short parts (at most `SHORT_WORDS` words)
    that are not near copies on their own: the share of their words they have in common, in any
    order and filler (`FILLER`) left out, under `threshold`, and more than one word swapped
    (`ONE_EDIT`). The order is left out so that a sentence pair's sentence said again in another
    order ("on a mountain which is rocky" / "on a rocky mountain", SICK) stays the same sentence.
    Two questions over one passage are two inputs whatever words of the passage the alignment
    matches theirs with ("quem pode estar no gabinete" / "o que o secretário precisa liderar"), and
    wherever one text has a part the other has not (an answer to one, none to the other); so are
    short parts near in words that each have a word the other has not (`_swapped_words`). The same
    question twice, with filler, a typo fixed or a word added, stays a copy. `answer`: the length of
    a same answer and `answer_last`; with `answer_last` the answers (each text's last part after
    the passage) are left to `decisive_part`'s other rules. `in_use`: `is_typo`'s."""
    matched: Counter[tuple[int, int]] = Counter(
        (parts[0][a + k], parts[1][b + k]) for a, b, n in verdict.runs for k in range(n)
    )
    counts = Counter(parts[0]), Counter(parts[1])
    shared = [
        (n, p, q)
        for (p, q), n in matched.items()
        if min(sizes[0][p], sizes[1][q]) > SHORT_WORDS and 2 * n / (counts[0][p] + counts[1][q]) >= threshold
    ]
    if not shared:
        return False
    _, passage_a, passage_b = max(shared)
    same, answer_last = answer
    for before in (True, False):
        group = []
        for own, size, text, passage in zip(parts, sizes, words, (passage_a, passage_b), strict=True):
            kept = {p for p in size if p != passage and (p < passage) == before}
            if answer_last:
                kept.discard(own[-1])
            group.append((kept, size, text, own))
        (kept_a, size_a, text_a, own_a), (kept_b, size_b, text_b, own_b) = group
        if not kept_a or not kept_b:
            continue
        long_a, long_b = sum(size_a[p] for p in kept_a), sum(size_b[p] for p in kept_b)
        if max(long_a, long_b) > SHORT_WORDS or max(long_a, long_b) <= same:
            continue
        bag_a = Counter(w for w, p in zip(text_a, own_a, strict=True) if p in kept_a and w not in FILLER)
        bag_b = Counter(w for w, p in zip(text_b, own_b, strict=True) if p in kept_b and w not in FILLER)
        total, shared_words = bag_a.total() + bag_b.total(), (bag_a & bag_b).total()
        if bag_a and bag_b and total - 2 * shared_words > ONE_EDIT and 2 * shared_words / total < threshold:
            return True
        if _swapped_words(bag_a - bag_b, bag_b - bag_a, in_use):
            return True
    return False


def _swapped_words(only_a: Counter[str], only_b: Counter[str], in_use: Container[str]) -> bool:
    """Whether each of two short parts beside one passage has a word the other has not, in any order
    (filler left out, typo fixes paired, `typos.is_typo`; identifiers left out): the same question
    with a word swapped for another ("o leste" / "o oeste", "vários cilindros" / "um cilindro",
    "tiveram uma disputa" / "fizeram um acordo") asks another thing, as one word swapped does in a
    short text (`slots.compare`), wherever the alignment matched the words with the passage's. A
    word only added or dropped leaves the question the same ("o tribunal mais alto (do direito)")."""
    rest_a = [w for w in only_a.elements() if not (is_number(w) and not names_which(w))]
    rest_b = [w for w in only_b.elements() if not (is_number(w) and not names_which(w))]
    for x in list(rest_a):
        partner = next((y for y in rest_b if is_typo(x, y, in_use)), None)
        if partner is not None:
            rest_a.remove(x)
            rest_b.remove(partner)
    return bool(rest_a) and bool(rest_b)


def _names_swapped(
    swap: tuple[list[int], list[int]],
    names: tuple[set[int] | None, set[int] | None],
    words: tuple[list[str], list[str]] | None,
) -> bool:
    """Whether both sides of a swap (positions in each text) hold a name (`names`) of more than one
    letter: a capital letter alone is a size, a grade or a variable ("size M" / "size L")."""
    if words is None or names[0] is None or names[1] is None:
        return False
    return all(
        any(at in named and len(text[at]) > 1 for at in spots)
        for named, spots, text in zip(names, swap, words, strict=True)
    )


def decisive_part(
    verdict: Comparison,
    parts_a: list[int] | None,
    parts_b: list[int] | None,
    threshold: float,
    names: tuple[set[int] | None, set[int] | None] = (None, None),
    *,
    answer_last: bool = False,
    request_last: bool = False,
    words: tuple[list[str], list[str]] | None = None,
    in_use: Container[str] = frozenset(),
) -> bool:
    """Whether an aligned pair differs decisively in a part of each text (see the module doc):
    words swapped inside a part of at most `SHORT_WORDS` words on either side, or two parts that
    match each other (share words) of at most `NAME_WORDS` words each whose own similarity is
    under `threshold`, or a name swapped for another name in a part of at most `NAME_WORDS` words,
    or a name (`names`: `name_positions` of each text) that one text has and
    the other not in a part of at most `SHORT_WORDS` words ("cleared of assaulting a man in
    Caernarfon"; not a name beside another name, a middle name). `parts_a` / `parts_b`:
    `part_of_words` of each text. Two texts of one part each are left to `compare`'s rules for the
    whole text. With `answer_last` (whole examples, whose
    last part is the answer), the same answer at least as long as a part that differs makes the
    difference a rephrasing of one question, not another example. With `request_last` (inputs,
    whose last part is what is asked: a conversation's final turn), two inputs whose last parts
    are not near each other are two requests however much history they share (`_last_request`).
    With `words` (each text's normalised words), a part's length counts characters of unspaced
    scripts as part of a word (`_sizes`), and a word added alone in a part of at most
    `SHORT_WORDS` words decides when another part of the text (the shared passage) writes it
    beside the same neighbour (`_written_beside`): "the (vice) chair", "(另)一种算法"; and two
    texts that share a long passage differ decisively where the short parts beside it are not
    near copies of each other or have a word swapped (`_other_question`; `in_use`: the set's words
    `typos.is_typo` reads)."""
    if parts_a is None or parts_b is None or len(set(parts_a) | set(parts_b)) < 2:
        return False
    if request_last and _last_request(verdict, parts_a, parts_b) < threshold:
        return True
    answer = _same_answer(verdict, parts_a, parts_b) if answer_last else 0
    own = words or (None, None)
    sizes_a, sizes_b = _sizes(parts_a, own[0]), _sizes(parts_b, own[1])
    if answer:
        answer = sizes_a[parts_a[-1]]
    for swap in verdict.swaps:
        size_a = sum(sizes_a[p] for p in {parts_a[at] for at in swap[0]})
        size_b = sum(sizes_b[p] for p in {parts_b[at] for at in swap[1]})
        if min(size_a, size_b) <= SHORT_WORDS and max(size_a, size_b) > answer:
            return True
        # a name swapped for another, as in a whole text of up to `NAME_WORDS` words: "de acordo
        # com o teorema de Wilson / Fermat" in a question of 22 words over a passage (a capital
        # letter alone is a size, a grade or a variable: "size M" / "size L")
        if (
            _names_swapped(swap, names, words)
            and min(size_a, size_b) <= NAME_WORDS
            and max(size_a, size_b) > answer
        ):
            return True
    for parts, sizes, differ, named in zip(
        (parts_a, parts_b), (sizes_a, sizes_b), verdict.differ, names, strict=True
    ):
        # A name beside another (a middle name: "Randy Steven Craft" / "Randy Craft") names the same one.
        new = [at for at in differ if named and at in named and at - 1 not in named and at + 1 not in named]
        if any(answer < sizes[parts[at]] <= SHORT_WORDS for at in new):
            return True
    if words is not None:
        for parts, sizes, added, text in zip(
            (parts_a, parts_b), (sizes_a, sizes_b), verdict.added, words, strict=True
        ):
            if any(
                answer < sizes[parts[at]] <= SHORT_WORDS and _written_beside(text, parts, sizes, at)
                for at in added
            ):
                return True
    differ_a = Counter(parts_a[at] for at in verdict.differ[0])
    differ_b = Counter(parts_b[at] for at in verdict.differ[1])
    linked = {(parts_a[a + k], parts_b[b + k]) for a, b, n in verdict.runs for k in range(n)}
    if _replaced(linked, (sizes_a, sizes_b), (differ_a, differ_b), answer, answer_last):
        return True
    if words is not None and _other_question(
        verdict, (parts_a, parts_b), (sizes_a, sizes_b), words, threshold, (answer, answer_last), in_use
    ):
        return True
    count_a, count_b = _with_history(Counter(parts_a)), _with_history(Counter(parts_b))
    differ_a, differ_b = _with_history(differ_a), _with_history(differ_b)
    for p, q in linked:
        size = count_a[p] + count_b[q]
        if (
            answer < max(sizes_a[p], sizes_b[q]) <= NAME_WORDS
            and 1 - (differ_a[p] + differ_b[q]) / size < threshold
        ):
            return True
    return False


def name_positions(raw: str, words: list[str]) -> set[int] | None:
    """Positions in `words` (a text's normalised words) of the words written as names in the raw
    text: capitalised, not opening a sentence, not "I". None when the raw words cannot be lined
    up with the normalised ones, or when most words are capitalised (`TITLE_SHARE`: a title,
    shouting)."""
    found = _raw_tokens(raw, words)
    return None if found is None else _names(*found, words)


def _names(text: str, tokens: list[re.Match[str]], words: list[str]) -> set[int] | None:
    """`name_positions`, given the raw text and its word tokens (`_raw_tokens`)."""
    capitalised = [t.group()[:1].isupper() for t in tokens]
    if sum(capitalised) > TITLE_SHARE * len(tokens):
        return None
    found = set()
    end = 0
    for i, token in enumerate(tokens):
        opens = i == 0 or _SENTENCE_END.search(text, end, token.start()) is not None
        if capitalised[i] and not opens and words[i] not in _NOT_NAMES:
            found.add(i)
        end = token.end()
    return found
