"""Where two near-identical texts differ, and whether the difference decides what they say.

Verification (`dataqa.text.verify`) aligns the words of a candidate pair and looks at every gap
between the words they share:

- a typo fix ("recieve" / "receive", "e mail" / "email") counts as the same word (not two words
  the data set uses, two letters apart inside the word: "baseball" / "basketball", `typos.is_typo`);
- a filler word added, dropped or swapped for another ("please", "hi", "can" / "could") is left
  out of the comparison, which is what makes reordered filler a near copy;
- two neighbouring words swapped, the texts otherwise equal ("who was tiny tim's father" / "who
  was tim tiny's father"), is the same words: a short text would otherwise fall under the
  threshold for it (two edits in six words); not two numbers ("rows 12 14" / "rows 14 12");
- a *decisive* difference makes two texts different however much else they share: another
  quantity ("270 miles in 3 hours" / "360 miles in 4 hours", "the (second) oldest"; an order number
  or other identifier of five digits or more is not one, nor a number both state elsewhere:
  `repeats`), a model code swapped for another ("the engine d5244 t" / "d5252 t", "a320" / "b737":
  `is_code`), a negation added or dropped ("is" /
  "isn't"; "nicht", "nie" and the other languages' too), a direction turned (`turns`: "25 or
  older" / "25 or younger", "who are (taller than) 6'8"), and in a short text (`SHORT_WORDS`
  content words or fewer) any other word swapped for another ("physical" / "virtual card",
  "where" / "when were you born", "closures" / "decorators") or a word added that the data set
  writes only beside the word it is added to (`dataqa.text.templates.set_words`: "garching" /
  "garching forschungszentrum", two stations; "in alphabetical order" / "in reverse alphabetical
  order"; a point of the compass put before a name, "university of (west) alabama": another place,
  `set_words.other_term`); in a text of up to `NAME_WORDS`
  words a swapped name (a capitalised word inside a sentence: "news anchor A" / "B", "Ada
  Lovelace" / "Alan Turing"); and, whatever the length,
  another media part or one added (an image, a file: `dataqa.ingest.parts.media_marker`);
- the same rules hold inside a *part* of a longer text (`raw_parts.decisive_part`): a record whose
  input is a long shared passage and a short part of its own (a premise and a hypothesis, a schema and a
  question, a tool list and a request) is another example when that part says something else,
  however little of the whole text it is. Parts are the text's paragraphs (blank-line separated:
  how a record's fields are joined, and a whole example's prompt and target); a word swapped in a
  part of up to `SHORT_WORDS` words, or a part of up to `NAME_WORDS` words rewritten (words
  swapped, added or dropped) under the threshold, decides. A paragraph only added or dropped
  does not (a closing paragraph added is still a near copy).
- a text written as key/value lists (`k#v*k#v`, `key: value` lines, `k=v; k=v`, a JSON object, a
  table: `dataqa.text.fields`) is another input when a short value differs or a pair is on one
  side only, however many words the lists share ("颜色#浅蓝色" / "颜色#深蓝色"); the same pairs in
  another order are the same list.

The score is the word-level edit ratio with those adjustments: (words matched on both sides) /
(words on both sides, filler differences left out).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, TypeAlias

from rapidfuzz.distance import Indel

from dataqa.ingest.parts import MEDIA_TAG
from dataqa.text.moves import block_move, transposed
from dataqa.text.normalise import operators_between
from dataqa.text.quantities import (
    NUMBER_WORDS,
    is_code,
    is_long_number,
    is_quantity,
    names_number,
    names_which,
    quantity_value,
    ranks,
    repeats,
)
from dataqa.text.set_words import SetWords, other_term, own_words_apart, rare_slot_words
from dataqa.text.typos import extended, is_number, is_typo
from dataqa.text.word_lists import DOWN_WORDS, FILLER, NEGATIONS, UP_WORDS

if TYPE_CHECKING:
    import numpy as np

Flags: TypeAlias = "int | bool | np.ndarray"
"""A number or bool, or a numpy array of them: `swap_rules` takes one gap or a batch."""

SHORT_WORDS = 20
"""In a text of this many content words or fewer, one word swapped for another changes what it says."""
NAME_WORDS = 60
"""In a text of this many content words or fewer, a swapped name changes what it says."""


DIRECTION_REACH = 3
"""A direction word added, dropped or swapped for a word that is none decides when a quantity stands
in its gap or within this many words of it: "(more than) 5", "25 years (or older)"; "explain in
(more) detail", "tell me (more) about it" are the same request."""
SMALL_GAP = 3
"""A negation decides, and filler is left out, only in a small gap (a word or three a side); in a
longer one they are part of a passage that differs."""
TITLE_SHARE = 0.6
"""A text with more than this share of capitalised words is a title or shouting: it names nothing."""
_NOT_NAMES = frozenset({"i", "im", "ive", "id", "ill"})


FILLER_WORD, NEGATION_WORD, QUANTITY_WORD, NUMBER_WORD, MEDIA_WORD, CODE_WORD = 1, 2, 4, 8, 16, 32
UP_WORD, DOWN_WORD, LONG_NUMBER_WORD, NUMBER_NAME_WORD = 64, 128, 256, 512
"""Kinds of word (bit flags, `word_kind`) that `compare`'s rules read."""


@lru_cache(maxsize=1 << 16)
def word_kind(word: str) -> int:
    """What `compare`'s rules read of one word, as bit flags: filler, negation, quantity, number,
    media marker, model code, a direction (`UP_WORDS`, `DOWN_WORDS`), a long number (`is_long_number`).
    With them a word swapped for another is decided by `swap_rules`, also for many pairs at once
    (verification decides most short pairs so, before aligning them one by one)."""
    return (
        FILLER_WORD * (word in FILLER)
        | NEGATION_WORD * (word in NEGATIONS)
        | QUANTITY_WORD * is_quantity(word)
        | NUMBER_WORD * is_number(word)
        | MEDIA_WORD * (word == MEDIA_TAG)
        | CODE_WORD * is_code(word)
        | UP_WORD * (word in UP_WORDS)
        | DOWN_WORD * (word in DOWN_WORDS)
        | LONG_NUMBER_WORD * is_long_number(word)
        | NUMBER_NAME_WORD * (word in NUMBER_WORDS)
    )


ADDED_NUMBER = QUANTITY_WORD | NUMBER_NAME_WORD
"""Words that, added alone in a small gap, say another quantity: a number in digits or a number word
(`quantities.NUMBER_WORDS`: "the square root of (thirty) four")."""


WHICH_WORD = QUANTITY_WORD | CODE_WORD
"""Words that say which thing (`names_which`): two different ones decide."""
MEDIA_RULE, NEGATION_RULE, NUMBER_RULE, WORD_RULE = 1, 2, 4, 8
"""The rules a swapped word can break (bit flags, `swap_rules`), in the order `compare` names them."""
SWAP_REASONS = tuple(
    next((name for bit, name in enumerate(("media", "negation", "number", "word")) if rules >> bit & 1), None)
    for rules in range(16)
)
"""`compare`'s reason for a gap by the rules it breaks (`swap_rules`): the first of them."""


def swap_rules(kind_a: Flags, kind_b: Flags, typo: Flags, short: Flags, after_media: Flags) -> Flags:
    """The decisive rules broken by one word swapped for another, different word (a gap of one word a
    side): bit flags `MEDIA_RULE` ... `WORD_RULE`, 0 when the swap decides nothing. `kind_a`,
    `kind_b`: the words' `word_kind`; `typo`: `is_typo` of the two; `short`: the shorter text has
    at most `SHORT_WORDS` content words; `after_media`: a media marker stands before the gap.

    Another media part decides; a negation on one side only; two quantities or model codes; and in a
    short text any other word (not a typo fix, not filler for filler, not an identifier for another).
    Integer operations only: the arguments are numbers (`compare`, one gap) or numpy arrays
    (`dataqa.text.verify`, a batch of gaps), with the same rules."""
    both = kind_a & kind_b
    media = ((kind_a | kind_b) & MEDIA_WORD != 0) | after_media
    negation = (kind_a ^ kind_b) & NEGATION_WORD != 0
    number = (kind_a & WHICH_WORD != 0) & (kind_b & WHICH_WORD != 0)
    word = short & (typo ^ 1) & (both & (FILLER_WORD | NUMBER_WORD) == 0)
    return media * MEDIA_RULE | negation * NEGATION_RULE | number * NUMBER_RULE | word * WORD_RULE


def turns(a: list[str], b: list[str], a0: int, a1: int, b0: int, b1: int) -> bool:
    """Whether the gap `a[a0:a1]` / `b[b0:b1]` (a small one) changes a direction (`UP_WORDS`,
    `DOWN_WORDS`): one side says more and the other less ("older" / "younger", "max" / "min"),
    or a direction word is added, dropped or swapped for a word that is none with a quantity in
    the gap or within `DIRECTION_REACH` words of it ("who are (taller than) 6'8"). A direction
    word moved elsewhere, said by another word of the same way ("over" / "more than"), or added
    where a word beside the gap already says that way ("the (top) 5 highest-paid"), turns
    nothing."""
    up = down = 0
    for side, sign in ((a[a0:a1], 1), (b[b0:b1], -1)):
        for w in side:
            kind = word_kind(w)
            up += sign * (kind & UP_WORD != 0)
            down += sign * (kind & DOWN_WORD != 0)
    if not up and not down:
        return False
    if up * down < 0:
        return True
    beside = a[max(a0 - DIRECTION_REACH, 0) : a0] + a[a1 : a1 + DIRECTION_REACH]
    way = UP_WORD * (up != 0) | DOWN_WORD * (down != 0)
    if any(word_kind(w) & way for w in beside):
        return False
    return any(is_quantity(w) for w in beside + a[a0:a1] + b[b0:b1])


def gaps(
    a_codes: str, b_codes: str
) -> tuple[int, list[tuple[int, int, int, int]], list[tuple[int, int, int]]]:
    """(words matched, the gaps between matched runs as (a start, a end, b start, b end), the
    matched runs as (a start, b start, length)) of the longest common subsequence of two
    word-coded strings (one character per word)."""
    matched = 0
    out: list[tuple[int, int, int, int]] = []
    runs: list[tuple[int, int, int]] = []
    a_at = b_at = 0
    # The matching blocks of the edit operations are the "equal" opcodes, built for less (about 40 %
    # of this function's time on short texts, which verification calls for every aligned pair).
    for a_start, b_start, size in Indel.editops(a_codes, b_codes).as_matching_blocks():
        if not size:  # the closing (len a, len b, 0) block
            continue
        if a_start > a_at or b_start > b_at:
            out.append((a_at, a_start, b_at, b_start))
        matched += size
        runs.append((a_start, b_start, size))
        a_at, b_at = a_start + size, b_start + size
    if a_at < len(a_codes) or b_at < len(b_codes):
        out.append((a_at, len(a_codes), b_at, len(b_codes)))
    return matched, out, runs


def content_through(
    a: list[str],
    b: list[str],
    runs: list[tuple[int, int, int]],
    marks: tuple[bytes | None, bytes | None],
    in_use: Container[str] = frozenset(),
) -> tuple[list[int], list[int]] | None:
    """The positions of the content words of two texts read through `compare`'s alignment of them
    (its matched `runs`): a word paired across with a template word of either text is a template
    word on both sides; a word only one text has keeps its own mark. Paired:
    matched, or a typo fix standing word for word in a gap whose sides have as many words
    ("oirgin" / "origin"). `marks`: each text's own template marks, a byte a word (None: none).
    None when the content words are each text's own, or when reading them so leaves either text
    none (each text's own then). `in_use`: `is_typo`'s."""
    own = marks[0] or bytes(len(a)), marks[1] or bytes(len(b))
    mark_a, mark_b = bytearray(own[0]), bytearray(own[1])
    a_at = b_at = 0
    for a_start, b_start, size in [*runs, (len(a), len(b), 0)]:
        if a_start - a_at == b_start - b_at:  # a gap word for word: its typo fixes are paired
            for i, j in zip(range(a_at, a_start), range(b_at, b_start), strict=True):
                if (own[0][i] or own[1][j]) and is_typo(a[i], b[j], in_use):
                    mark_a[i] = mark_b[j] = 1
        x, y = own[0][a_start : a_start + size], own[1][b_start : b_start + size]
        if x.strip(b"\0") or y.strip(b"\0"):  # matched words, a template word among them
            either = (int.from_bytes(x, "big") | int.from_bytes(y, "big")).to_bytes(size, "big")
            mark_a[a_start : a_start + size] = mark_b[b_start : b_start + size] = either
        a_at, b_at = a_start + size, b_start + size
    if (mark_a == own[0] and mark_b == own[1]) or all(mark_a) or all(mark_b):
        return None
    return [i for i, m in enumerate(mark_a) if not m], [i for i, m in enumerate(mark_b) if not m]


@dataclass
class Comparison:
    """One aligned pair: its adjusted score, the decisive difference if any, and the swapped words
    that decide only if they are names (positions in each text), to be checked on the raw texts."""

    score: float
    reason: str | None = None
    maybe_names: list[tuple[list[int], list[int]]] = field(default_factory=list)
    swaps: list[tuple[list[int], list[int]]] = field(default_factory=list)
    """Every gap where words of one text stand for other words of the other (positions in each),
    for `raw_parts.decisive_part`."""
    runs: list[tuple[int, int, int]] = field(default_factory=list)
    """The matched runs (a start, b start, length), which say which part of one text is which
    part of the other."""
    differ: tuple[list[int], list[int]] = ([], [])
    """Positions of the words of each text that the other has not (filler, typo fixes and
    identifiers left out)."""
    added: tuple[list[int], list[int]] = ([], [])
    """Positions of the words of each text added alone (one word, not filler nor a number, where
    the other text has none), for `raw_parts.decisive_part`: "who is the (vice) chair"."""
    maybe_quantities: list[tuple[list[int], list[int]]] = field(default_factory=list)
    """Gaps where a long number (`is_long_number`) stands for another number (positions of the
    long numbers in each text, one side may have none): they decide if the raw text writes one of
    them as an operand (`operands.operand_numbers`), as two other quantities do."""


def compare(
    a: list[str],
    b: list[str],
    a_codes: str,
    b_codes: str,
    content_words: int,
    *,
    early: bool = False,
    terms: SetWords | None = None,
    moves: bool = True,
) -> Comparison:
    """Compare two word sequences (and their one-character-per-word codes, equal words equal
    characters). `content_words`: the shorter text's content words (template words left out),
    which says whether it is short (see the module doc). `early`: stop at the first decisive
    difference (its score is then 0: a decisive difference drops the pair whatever the score).
    `terms`: the data set's words (`SetWords`): those it writes only beside one neighbour
    (`dataqa.text.templates.set_words`; in a short text, one added beside that neighbour
    decides, as a point of the compass put before a name does: `set_words.other_term`) and those
    it writes in several texts (`is_typo`). `moves`: a block moved (two sentences trading places,
    `dataqa.text.moves`) is put back before the texts are compared."""
    in_use = terms.in_use if terms is not None else frozenset()
    at = transposed(a_codes, b_codes)
    if at is not None and not (is_number(a[at]) and is_number(a[at + 1])):
        runs = [(0, 0, at), (at, at + 1, 1), (at + 1, at, 1), (at + 2, at + 2, len(a) - at - 2)]
        return Comparison(1.0, runs=[run for run in runs if run[2]])
    matched, holes, runs = gaps(a_codes, b_codes)
    order = block_move(a_codes, b_codes, holes) if moves else None
    if order is not None:
        b_moved, codes_moved = [b[i] for i in order], "".join([b_codes[i] for i in order])
        found = compare(
            a, b_moved, a_codes, codes_moved, content_words, early=early, terms=terms, moves=False
        )
        return mapped(found, order)
    got_a = got_b = matched
    differ: tuple[list[int], list[int]] = ([], [])
    ignored = 0
    reason: str | None = None
    maybe_names: list[tuple[list[int], list[int]]] = []
    swaps: list[tuple[list[int], list[int]]] = []
    alone: tuple[list[int], list[int]] = ([], [])
    one_sided: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])  # `own_words_apart`
    quantities: list[tuple[list[int], list[int]]] = []
    short = content_words <= SHORT_WORDS
    for a0, a1, b0, b1 in holes:
        if a1 - a0 == 1 and b1 - b0 == 1:  # one word for another: `swap_rules`
            x, y = a[a0], b[b0]
            kind_x, kind_y, typo = word_kind(x), word_kind(y), is_typo(x, y, in_use)
            if typo and rare_slot_words(a, b, a0, b0, terms):
                typo = False  # "what is a (urologist / horologist)": a slot the set fills with words
            rules = swap_rules(kind_x, kind_y, typo, short, a0 > 0 and a[a0 - 1] == MEDIA_TAG)
            if reason is None and rules:
                reason = SWAP_REASONS[rules]
                if early:
                    break
            if (
                reason is None
                and not typo
                and (kind_x | kind_y) & (UP_WORD | DOWN_WORD)
                and turns(a, b, a0, a1, b0, b1)
            ):
                reason = "direction"
                if early:
                    break
            if not rules and kind_x & kind_y & NUMBER_WORD and (kind_x | kind_y) & LONG_NUMBER_WORD:
                long_x, long_y = kind_x & LONG_NUMBER_WORD != 0, kind_y & LONG_NUMBER_WORD != 0
                quantities.append(([a0] * long_x, [b0] * long_y))
            if typo:
                got_a, got_b = got_a + 1, got_b + 1
                if content_words <= NAME_WORDS and extended(x, y):
                    maybe_names.append(([a0], [b0]))  # "Szczecin" / "Szczecinek": names, if written as names
            elif kind_x & kind_y & FILLER_WORD:
                ignored += 2
            elif not kind_x & kind_y & NUMBER_WORD:  # identifiers differ: not what is asked
                differ[0].append(a0)
                differ[1].append(b0)
                swaps.append(([a0], [b0]))
                if reason is None and content_words <= NAME_WORDS:
                    maybe_names.append(([a0], [b0]))
            continue
        sa, sb = a[a0:a1], b[b0:b1]
        if reason is None and (MEDIA_TAG in sa or MEDIA_TAG in sb or (a0 and a[a0 - 1] == MEDIA_TAG)):
            reason = "media"  # another image, file or recording: another input, however long the text
            if early:
                break
        small = max(len(sa), len(sb)) <= SMALL_GAP
        if reason is None and small and sum(w in NEGATIONS for w in sa) != sum(w in NEGATIONS for w in sb):
            reason = "negation"
            if early:
                break
        if reason is None and small and turns(a, b, a0, a1, b0, b1):
            reason = "direction"  # "25 or older" / "25 or younger", "are (taller than) 6'8"
            if early:
                break
        if reason is None and small and operators_between(a, a0, a1) != operators_between(b, b0, b1):
            reason = "operator"  # "x^3 (-) 2x^2 (+) x" / "x^3 (+) 2x^2 (-) x": another expression
            if early:
                break
        if not sa or not sb:  # words added on one side: filler is left out, the rest differs
            side, start = (a, a0) if sa else (b, b0)
            if (
                reason is None
                and small
                and any(
                    (
                        (is_quantity(w) or names_number(side, start + i))
                        and not repeats(side, start + i, b if sa else a)
                    )
                    or ranks(side, start + i)
                    for i, w in enumerate(sa or sb)
                )
            ):
                reason = "number"  # "the fourth (second) highest mountain" / "the highest mountain"
                if early:
                    break
            if (
                reason is None
                and content_words <= SHORT_WORDS
                and len(sa or sb) == 1
                and other_term(side, start, terms)
            ):
                reason = "term"  # "garching (forschungszentrum)", "(west) alabama": another place
                if early:
                    break
            # filler alone names nothing however many words it runs to (content words read without
            # their template bring one text's scattered fillers together: "really thanks actually")
            ignored += sum(w in FILLER for w in sa or sb) if small or set(sa or sb) <= FILLER else 0
            added, at = (differ[0], a0) if sa else (differ[1], b0)
            own = [at + i for i, w in enumerate(sa or sb) if w not in FILLER and not is_number(w)]
            added.extend(own)
            place = sum(n for x, _, n in runs if x < a0)  # the words matched before the gap
            one_sided[0 if sa else 1].extend((place, side[i]) for i in own)
            if len(sa or sb) == 1 and added and added[-1] == at:
                alone[0 if sa else 1].append(at)
            continue
        if "".join(sa) == "".join(sb) or (len(sa) + len(sb) > 2 and is_typo("".join(sa), "".join(sb))):
            got_a, got_b = got_a + len(sa), got_b + len(sb)  # "e mail" / "email", "w 2" / "w2"
            continue
        numbers_a = sorted(quantity_value(w) for w in sa if names_which(w))
        numbers_b = sorted(quantity_value(w) for w in sb if names_which(w))
        if reason is None and numbers_a and numbers_b and numbers_a != numbers_b:
            reason = "number"
            if early:
                break
        long_a = [a0 + i for i, w in enumerate(sa) if is_long_number(w)]
        long_b = [b0 + i for i, w in enumerate(sb) if is_long_number(w)]
        if (long_a or long_b) and _other_numbers(sa, sb):
            quantities.append((long_a, long_b))
        swapped_a: list[int] = []
        swapped_b: list[int] = []
        if len(sa) == len(sb):
            for i, (x, y) in enumerate(zip(sa, sb, strict=True)):
                if is_typo(x, y, in_use):
                    got_a, got_b = got_a + 1, got_b + 1
                elif x in FILLER and y in FILLER:
                    ignored += 2 if small else 0
                elif not (is_number(x) and is_number(y)):  # identifiers differ: not what is asked
                    swapped_a.append(a0 + i)
                    swapped_b.append(b0 + i)
        else:
            if small:
                ignored += sum(w in FILLER for w in sa) + sum(w in FILLER for w in sb)
            swapped_a = [a0 + i for i, w in enumerate(sa) if w not in FILLER and not is_number(w)]
            swapped_b = [b0 + i for i, w in enumerate(sb) if w not in FILLER and not is_number(w)]
        differ[0].extend(swapped_a)
        differ[1].extend(swapped_b)
        if swapped_a and swapped_b:
            swaps.append((swapped_a, swapped_b))
        refilled = short and _refilled(sa, sb, swapped_a) and _refilled(sb, sa, swapped_b)
        if reason is None and ((swapped_a and swapped_b) or refilled):
            if short:
                reason = "word"
                if early:
                    break
            elif content_words <= NAME_WORDS:
                maybe_names.append((swapped_a, swapped_b))
    if reason is None and short and one_sided[0] and one_sided[1] and own_words_apart(*one_sided, in_use):
        reason = "word"  # one word for another, the alignment reading it as two words added apart
    if early and reason is not None:
        return Comparison(0.0, reason)
    total = len(a) + len(b) - ignored
    score = (got_a + got_b) / total if matched and total > 0 else (1.0 if a == b else 0.0)
    return Comparison(
        min(score, 1.0), reason, maybe_names, swaps, runs, differ, alone, maybe_quantities=quantities
    )


def _refilled(side: list[str], other: list[str], swapped: list[int]) -> bool:
    """Whether one side of a gap says something of its own: a swapped word, or a quantity where the
    other side holds no number ("on (the 14th)" / "on (friday)": a slot filled with another value;
    an identifier refilled, "order (12345678)", is not what is asked)."""
    return bool(swapped) or (any(is_quantity(w) for w in side) and not any(is_number(w) for w in other))


def _other_numbers(sa: list[str], sb: list[str]) -> bool:
    """Whether the two sides of a gap both hold numbers, not the same ones (as multisets)."""
    numbers_a, numbers_b = sorted(w for w in sa if is_number(w)), sorted(w for w in sb if is_number(w))
    return bool(numbers_a and numbers_b) and numbers_a != numbers_b


def mapped(found: Comparison, order: list[int]) -> Comparison:
    """`found`, a comparison of `a` with `b` reordered by `order`, with its positions in `b` read
    back in `b`'s own order (a matched run split where the move cut it)."""
    runs: list[tuple[int, int, int]] = []
    for a0, b0, n in found.runs:
        start = 0
        for k in range(1, n + 1):
            if k == n or order[b0 + k] != order[b0 + k - 1] + 1:
                runs.append((a0 + start, order[b0 + start], k - start))
                start = k

    def back(positions: list[int]) -> list[int]:
        return [order[i] for i in positions]

    return replace(
        found,
        runs=runs,
        maybe_names=[(x, back(y)) for x, y in found.maybe_names],
        swaps=[(x, back(y)) for x, y in found.swaps],
        differ=(found.differ[0], back(found.differ[1])),
        added=(found.added[0], back(found.added[1])),
        maybe_quantities=[(x, back(y)) for x, y in found.maybe_quantities],
    )
