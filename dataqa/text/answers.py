"""Whether answers to one prompt contradict each other (yes vs no, final numbers, wording): LBL007's rules.

Pure text machinery: the pairwise rule `contradiction()`, per-answer facts read in polars
(`answer_facts`), and `contradictions()`, which finds the first contradiction of a group in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

_YES = {"yes", "true", "correct", "right", "sí", "si", "oui", "ja", "sim"}
_NO = {"no", "false", "incorrect", "wrong", "non", "nein", "não", "nao"}
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_MARKER = re.compile(
    r"(?:####|\\boxed\{|\banswer(?: is)?:?)\s*[$€£]?\s*-?\d+(?:[.,]\d+)?\D*\Z", re.IGNORECASE
)
YES_NO = "one answer says yes, the other no"
SHORT_DIFFER = "short answers differ"
DISSIMILAR = "answers are very dissimilar"
_MAX_WORDS_FOR_NUMBERS = 60  # the final number of a longer answer in prose is not its answer
_MAX_WORDS_MARKED = 400  # nor of a longer one that marks it ('#### 18' after a long solution)
_SHORT_WORDS = 5
# What `str.split()` splits on (every character whose `isspace()` is true), for polars regexes.
PY_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
PY_WHITESPACE += "\u2028\u2029\u202f\u205f\u3000"
_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE)
_MORE_THAN_SHORT = rf"^[{_SPACE}]*(?:[^{_SPACE}]+[{_SPACE}]+){{{_SHORT_WORDS}}}[^{_SPACE}]"
_CJK = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
"""Kana, CJK ideographs and Hangul: written without spaces, each about a word (same class in
Python's `re` and polars' Rust regex)."""
CJK_RE = re.compile(_CJK)
_ASKS_BACK = rf"[?\uff1f][{_SPACE}]*$"
"""A text that ends on a question mark (ASCII or full-width), in polars: a reply that asks back."""


def _polarity(text: str) -> int:
    """+1 for an answer that opens with yes/true, -1 with no/false, 0 otherwise."""
    m = _FIRST_WORD.search(text[:40])
    if not m or m.start() > 3:
        return 0
    word = m.group(0).lower()
    return 1 if word in _YES else -1 if word in _NO else 0


def _counts_numbers(text: str) -> bool:
    """Whether the answer's final number can be its answer: a short answer (at most 60 words), or one
    of at most 400 words that marks it ('#### 18', 'the answer is 18'). The last number of a longer
    reply in prose is a detail (a yard count after the score, a year in passing)."""
    # n + 1 words take at least 2n + 1 characters; split stops after the word past the limit.
    if len(text) <= 2 * _MAX_WORDS_FOR_NUMBERS:
        return True
    words = len(text.split(None, _MAX_WORDS_MARKED))
    return words <= _MAX_WORDS_FOR_NUMBERS or (words <= _MAX_WORDS_MARKED and _marked(text))


_CALL = r"[A-Za-z_][A-Za-z0-9_.]*\([^()]*\)"
"""A call written out (`range(1, 101)`, `python('9**2')`): its arguments are code, not a stated
result. Removed innermost first, `_CALL_DEPTH` times, before the final number is read."""
_CALL_RE = re.compile(_CALL)
_CALL_DEPTH = 3


_JOINED = r"([0-9])-"
"""A hyphen right after a digit joins two numbers ("won 40-22", "pages 10-12"): it is no minus sign."""
_JOINED_RE = re.compile(_JOINED)
_SPLIT_PRICE = r"([0-9])[€$£]([0-9]{2})([^0-9]|$)"
"""A price written with its currency sign as the decimal point ("1€05", "3$50"): 1.05 and 3.50."""
_SPLIT_PRICE_RE = re.compile(_SPLIT_PRICE)
_DECIMAL_COMMA = r"^(-?[0-9]+),([0-9]{1,2})$"
"""A decimal comma ("1,05", "2,5"): one or two digits after it are no thousands group."""
_DECIMAL_COMMA_RE = re.compile(_DECIMAL_COMMA)
_PROSE_WORDS = 25
"""Past this many words a reply is an explanation: a number it ends on is one of its details."""


def _without_calls(text: str) -> str:
    """`text` with its written-out calls blanked, innermost first (see `_CALL`)."""
    for _ in range(_CALL_DEPTH):
        text = _CALL_RE.sub(" ", text)
    return text


def _canonical(number: str) -> str:
    """A number as it compares: a decimal comma read as a point ("1,05" is 1.05), trailing zeros after
    a decimal point dropped ("12.0" and "12.50" are 12 and 12.5; "-0.0" is 0). A comma before three
    digits is left alone: "1,500" may be either."""
    number = _DECIMAL_COMMA_RE.sub(r"\1.\2", number)
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return "0" if number in ("-0", "") else number


def _numbers(text: str) -> list[str]:
    """The numbers written in `text` (`_canonical`), a hyphen between two of them read as a dash
    (`_JOINED`), a currency sign between units and cents as a point (`_SPLIT_PRICE`)."""
    text = _SPLIT_PRICE_RE.sub(r"\1.\2\3", _JOINED_RE.sub(r"\1 ", text))
    return [_canonical(n) for n in _NUMBER.findall(text)]


def _final_number(text: str) -> str | None:
    """The last number of the answer's last 200 characters outside written-out calls (an answer that
    ends on "python('sum(range(1,101))')" states no 101), when it counts (see `_counts_numbers`)."""
    numbers = _numbers(_without_calls(text[-200:]))
    return numbers[-1] if numbers and _counts_numbers(text) else None


def is_short(text: str) -> bool:
    """At most five words, and at most five CJK characters (a 14-character Chinese greeting is no
    one-word answer), stating something: two such answers that differ contradict each other. A reply
    that asks back ("Which model?", "Jsp, regarde youtube ?") states no answer to contradict."""
    return (
        len(text.split(None, _SHORT_WORDS)) <= _SHORT_WORDS
        and len(CJK_RE.findall(text)) <= _SHORT_WORDS
        and not text.rstrip().endswith(("?", "\uff1f"))
    )


def _marked(text: str) -> bool:
    """Whether the answer's final number follows an answer marker ('#### 18', 'The answer is 84.')."""
    return _MARKER.search(text[-200:]) is not None


_UNITS = {
    "temperature": "°C °F ° ℃ ℉ degrees degrés grad",
    "share": "% ‰ percent pourcent pour-cent prozent por-ciento",
    "speed": "km/h kmh mph m/s kph kts nœuds knots",
    "length": "km cm mm ft miles mile mi mètres mètre meters meter metres metre kilomètres kilometers",
    "mass": "kg mg lb lbs kilos kilo grammes gramme grams gram tonnes tons",
    "volume": "ml cl litres litre liters liter gallons gallon",
    "time": "h min ms sec heures heure hours hour minutes minute secondes seconds jours jour days day "
    "semaines semaine weeks week mois months month ans années année years year",
    "money": "€ $ £ ¥ euros euro dollars dollar eur usd",
}
_DIMENSION = {unit.lower(): dimension for dimension, units in _UNITS.items() for unit in units.split()}
"""Units written after a number, by what they measure: a temperature and a wind speed are no one
quantity, so their numbers are no two answers to one question."""
_UNIT_RE = re.compile(
    r"-?\d+(?:[.,]\d+)?\s?("
    + "|".join(re.escape(u) for u in sorted(_DIMENSION, key=len, reverse=True))
    + r")(?![^\W\d_]|/)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def final_dimension(text: str) -> str | None:
    """What the last number of the answer's last 200 characters measures, by the unit written right
    after it ("23 km/h": speed, "4°C": temperature), or None (no unit, or one not listed)."""
    tail = _without_calls(text[-200:])
    last = next(reversed([*_NUMBER.finditer(tail)]), None)
    if last is None:
        return None
    unit = _UNIT_RE.match(tail, last.start())
    return _DIMENSION[unit.group(1).lower()] if unit and unit.end(0) > last.end() else None


def one_value(na: str, nb: str) -> bool:
    """Whether two final numbers are one value at two precisions: the one with fewer decimals is the
    other rounded or truncated to them ("78" for "78.37", "3.14" for "3.14159"), and keeps at least two
    significant digits (a "3" for "3.7" or a "0" for "0.4" says too little to agree). A value half a
    step from both ("12.5" against "12" or "13") rounds to neither: either one is another answer."""
    try:
        x, y = sorted((Decimal(na), Decimal(nb)), key=lambda d: -d.as_tuple().exponent)
    except InvalidOperation:
        return False  # "1,500": a comma that may be a thousands group
    step = Decimal(1).scaleb(x.as_tuple().exponent)
    if y.as_tuple().exponent >= step.as_tuple().exponent or len(x.normalize().as_tuple().digits) < 2:
        return False
    off = abs(y - x)
    return off < step / 2 or (off > step / 2 and y.quantize(step, ROUND_DOWN) == x)


def numbers_conflict(a: str, b: str, na: str | None, nb: str | None) -> bool:
    """Whether final numbers `na` of answer `a` and `nb` of `b` contradict.

    A free-text reply's last number is often no answer: a rank ("the 14th prime minister"), a year
    in passing ("until 2006"), the last line of a worked check ("-2 * -2 = 4"). Unless both answers
    mark their final number as the answer ('#### N', 'the answer is N'), they contradict only when
    neither states the other's final number anywhere: a reply that gives the other's answer and then
    goes on to a check, a rank or a date agrees with it. Numbers of two different measures ("wind
    23 km/h" and "4°C") are no two answers to one question (`final_dimension`), and a number rounded
    from the other ("78" and "78.37") is the same answer less precisely (`one_value`).
    """
    if na is None or nb is None or na == nb or one_value(na, nb):
        return False
    da, db = final_dimension(a), final_dimension(b)
    if da and db and da != db:
        return False
    if _marked(a) and _marked(b):
        return True
    return na not in _numbers(b) and nb not in _numbers(a)


def _hard_reason(a: str, b: str, pa: int, pb: int, na: str | None, nb: str | None) -> str | None:
    """Why two answers contradict whatever their wording (yes vs no, other final numbers), or None."""
    if pa and pb and pa != pb:
        return YES_NO
    if numbers_conflict(a, b, na, nb):
        return f"final numbers differ ({na} vs {nb})"
    return None


def _similar(score: float | np.ndarray, max_similarity: float) -> bool | np.ndarray:
    """Whether a token-set ratio (0-100) makes two answers compatible rewordings."""
    return score / 100 >= max_similarity


def contradiction(a: str, b: str, max_similarity: float) -> str | None:
    """Why two answers to one prompt contradict each other, or None when they are compatible."""
    reason = _hard_reason(a, b, _polarity(a), _polarity(b), _final_number(a), _final_number(b))
    if reason:
        return reason
    if _similar(fuzz.token_set_ratio(a, b, processor=default_process), max_similarity):
        return None
    return SHORT_DIFFER if is_short(a) and is_short(b) else DISSIMILAR


@dataclass
class AnswerFacts:
    """What the pair rules of `contradiction()` read from each answer, one entry per answer."""

    polarity: list[int]  # +1 opens with yes, -1 with no, 0 neither
    number: list[int]  # the same code for the same final number, -1 when none counts
    final: list[str | None]  # the final number as written
    short: list[bool]  # at most five words
    prose: list[bool] = field(default_factory=list)  # set by `in_prose`: an explanation's final number

    def take(self, rows: list[int]) -> AnswerFacts:
        return AnswerFacts(
            [self.polarity[r] for r in rows],
            [self.number[r] for r in rows],
            [self.final[r] for r in rows],
            [self.short[r] for r in rows],
            [self.prose[r] for r in rows] if self.prose else [],
        )

    def in_prose(self, answers: list[str]) -> AnswerFacts:
        """The same facts with the answers of more than 25 words that end on a number marked: two such
        explanations do not contradict on the numbers they end on ("call the 15" and "the 112 in
        Europe" both say to call emergency services), a short answer against one of them still does."""
        prose = [
            final is not None and len(answer.split(None, _PROSE_WORDS)) > _PROSE_WORDS
            for answer, final in zip(answers, self.final, strict=True)
        ]
        return replace(self, prose=prose)

    def without_numbers(self) -> AnswerFacts:
        """The same facts with no final number counted (a question whose answer is no number)."""
        return replace(self, number=[-1] * len(self.number), final=[None] * len(self.final))


_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
SPELLED = {word: str(value) for value, word in enumerate(_NUMBER_WORDS)}
"""Number words up to twenty and their digits ("two" -> "2")."""
_HOW_MANY = re.compile(
    r"(?i)\bhow many\s+((?:[a-z][a-z'-]*\s+){0,2}?[a-z][a-z'-]*?)s?\s+"
    r"(?:did|do|does|are|is|was|were|have|has|had|will|can|could|would|should|in|of|for|on|at|per|were)\b"
)
"""A question for a count of something: its noun (the last word before the verb, "passing touchdowns")."""


def counted_noun(prompt: str) -> str | None:
    """The thing a "how many ... ?" prompt counts, singular ("interception" of "How many interceptions
    did he throw?"), or None."""
    found = _HOW_MANY.findall(prompt[-300:])
    return found[-1].split()[-1].lower() if found else None


def counted_facts(facts: AnswerFacts, answers: list[str], noun: str) -> AnswerFacts:
    """`facts` with each answer's number read as the count it gives of `noun` (a digit or number word
    up to two other words before it, in one sentence: "two passing touchdowns", "2 touchdowns"), the
    first one it gives (what follows elaborates: "one before, making it two"), or
    none: the other numbers of a long answer (yards, a score, a year) answer something else."""
    words = "|".join(SPELLED)
    pattern = re.compile(
        rf"(?i)\b(\d+(?:[.,]\d+)*|{words})\s+(?:(?!(?:{words})\b)[a-z'-]+\s+){{0,2}}?{re.escape(noun)}(?:e?s)?\b"
    )
    final: list[str | None] = []
    for answer, given in zip(answers, facts.final, strict=True):
        if _marked(answer):  # '#### 16', 'the answer is 16': the answer says which number it gives
            final.append(given)
            continue
        counts = pattern.findall(answer)
        final.append(SPELLED.get(counts[0].lower(), counts[0]) if counts else None)
    codes = {value: code for code, value in enumerate(sorted({f for f in final if f is not None}))}
    return AnswerFacts(
        facts.polarity, [codes.get(f, -1) if f else -1 for f in final], final, facts.short, facts.prose
    )


def answer_facts(texts: pl.Series) -> AnswerFacts:
    """The facts of every text (None counts as ""), in polars where that gives exactly Python's answer.

    Polars reads the opening word when the first 40 characters are ASCII, the final number when no
    digit of the last 200 characters is outside ASCII (Python's and Rust's Unicode digit tables may
    differ in version); the other texts, and the word count of long texts with a final number, go
    through the Python functions. "At most five words" is a polars regex on `str.split()`'s own
    whitespace, and a count of CJK characters (`_CJK`, the same class in both engines).
    """
    text = pl.col("text").fill_null("")
    head, tail = text.str.slice(0, 40), text.str.slice(-200)
    uncalled = tail
    for _ in range(_CALL_DEPTH):
        uncalled = uncalled.str.replace_all(_CALL, " ")
    uncalled = uncalled.str.replace_all(_JOINED, "${1} ").str.replace_all(_SPLIT_PRICE, "${1}.${2}${3}")
    word = head.str.extract(r"^[^A-Za-z]{0,3}([A-Za-z]+)", 1).str.to_lowercase()
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String}).select(
        (head.str.contains(r"[^\x00-\x7F]") | tail.str.contains(r"[\d&&[^\x00-\x7F]]")).alias("slow"),
        pl.when(word.is_in(sorted(_YES)))
        .then(1)
        .when(word.is_in(sorted(_NO)))
        .then(-1)
        .otherwise(0)
        .cast(pl.Int8)
        .alias("polarity"),
        uncalled.str.extract_all(r"-?[0-9]+(?:[.,][0-9]+)?")
        .list.last()
        .str.replace(_DECIMAL_COMMA, "${1}.${2}")
        .str.replace(r"^(-?[0-9]+\.[0-9]*?)0+$", "${1}")  # `_canonical`: "12.50" -> "12.5", "12.0" -> "12."
        .str.replace(r"\.$", "")
        .str.replace(r"^-0$", "0")
        .alias("final"),
        (text.str.len_chars() > 2 * _MAX_WORDS_FOR_NUMBERS).alias("long"),
        (
            ~text.str.contains(_MORE_THAN_SHORT)
            & (text.str.count_matches(_CJK) <= _SHORT_WORDS)
            & ~text.str.contains(_ASKS_BACK)
        ).alias("short"),
    )
    polarity = frame["polarity"].to_list()
    final = frame["final"].to_list()
    recheck = frame.with_row_index().filter(pl.col("slow") | (pl.col("long") & pl.col("final").is_not_null()))
    for row, slow in recheck.select("index", "slow").iter_rows():
        t = texts[row] or ""
        if slow:
            polarity[row] = _polarity(t)
            final[row] = _final_number(t)
        elif not _counts_numbers(t):
            final[row] = None
    codes = (pl.Series(final, dtype=pl.String).rank("dense").fill_null(0).cast(pl.Int64) - 1).to_list()
    return AnswerFacts(polarity, codes, final, frame["short"].to_list())


def _first_dissimilar(processed: list[str], i: int, stop: int, max_similarity: float) -> int:
    """The first j in [i + 1, stop) whose answer is dissimilar to answer i, or `stop`.

    `processed` are the answers after `default_process` (what the scorer would do to them on
    each call). Scored one, then in growing batches: the first dissimilar answer is usually
    near, and every score past it would be wasted.
    """
    if i + 1 < stop and not _similar(fuzz.token_set_ratio(processed[i], processed[i + 1]), max_similarity):
        return i + 1
    start, size = i + 2, 2
    while start < stop:
        end = min(start + size, stop)
        scores = process.cdist(
            [processed[i]], processed[start:end], scorer=fuzz.token_set_ratio, dtype=np.float64
        )
        differ = ~_similar(scores[0], max_similarity)
        if differ.any():
            return start + int(differ.argmax())
        start, size = end, size * 2
    return stop


def contradictions(
    answers: list[str], max_similarity: float, facts: AnswerFacts | None = None
) -> tuple[str | None, bool]:
    """The first contradiction among one prompt's distinct answers in pair order (0,1), (0,2), ...,
    (1,2), ..., exactly as `contradiction()` pair by pair would find it, and whether ANY pair
    contradicts hard (a reason other than dissimilar wording). `(None, False)` when all agree.

    The hard rules are read from per-answer facts (`facts`: `answer_facts` of `answers`), and the
    similarity, the costly part, is scored only for the pairs before the first contradiction:
    linear in the answers when they contradict early, quadratic only when all of them agree.
    """
    if facts is None:
        facts = answer_facts(pl.Series(answers, dtype=pl.String))
    k = len(answers)
    pol, num, short = facts.polarity, facts.number, facts.short
    clash = _first_number_conflict(answers, facts)
    hard = (1 in pol and -1 in pol) or clash is not None
    processed = [default_process(a) for a in answers]
    first = None
    for i in range(k - 1):
        p, n = pol[i], num[i]
        stop = k  # the first answer that contradicts answer i whatever the wording
        if hard and (p or n >= 0):
            stop = next(
                (
                    j
                    for j in range(i + 1, k)
                    if (p and pol[j] == -p)
                    or (n >= 0 and num[j] not in (-1, n) and _conflict(answers, facts, i, j))
                ),
                k,
            )
        j = _first_dissimilar(processed, i, stop, max_similarity)
        if j < stop:
            first = SHORT_DIFFER if short[i] and short[j] else DISSIMILAR
            break
        if stop < k:
            first = _hard_reason(answers[i], answers[stop], p, pol[stop], facts.final[i], facts.final[stop])
            break
    if first is None or hard or first == SHORT_DIFFER:
        return first, first is not None
    # Only dissimilar wording so far: hard if two short answers differ anywhere in the group.
    brief = [a for a, s in zip(processed, short, strict=True) if s]
    return first, _any_dissimilar(brief, max_similarity)


BAND_ROWS = 128
"""Answers scored at once against every later one: the scores held are this many rows, not n²
(a prompt answered 20,000 short ways would need 3 GB for the whole matrix)."""


def _any_dissimilar(brief: list[str], max_similarity: float) -> bool:
    """Whether any two of `brief` (processed answers) are dissimilar: a band of rows at a time, each
    scored against the answers after it, stopping at the first band that holds such a pair."""
    for start in range(0, len(brief) - 1, BAND_ROWS):
        rows = brief[start : start + BAND_ROWS]
        scores = process.cdist(rows, brief[start + 1 :], scorer=fuzz.token_set_ratio, dtype=np.float64)
        # row r is answer start + r, column j answer start + 1 + j: a pair once, when j >= r
        after = np.arange(scores.shape[1])[None, :] >= np.arange(len(rows))[:, None]
        if (~_similar(scores, max_similarity) & after).any():
            return True
    return False


def _conflict(answers: list[str], facts: AnswerFacts, i: int, j: int) -> bool:
    """Whether answers i and j contradict in their final numbers (`numbers_conflict`), which two
    explanations' numbers do not (`AnswerFacts.in_prose`)."""
    if facts.prose and facts.prose[i] and facts.prose[j]:
        return False
    return numbers_conflict(answers[i], answers[j], facts.final[i], facts.final[j])


def _first_number_conflict(answers: list[str], facts: AnswerFacts) -> tuple[int, int] | None:
    """The first pair (i, j) in pair order whose final numbers contradict, or None.

    Only pairs with two different final numbers are read (none when all finals agree).
    """
    counted = [i for i, n in enumerate(facts.number) if n >= 0]
    if len({facts.number[i] for i in counted}) < 2:
        return None
    for x, i in enumerate(counted):
        for j in counted[x + 1 :]:
            if facts.number[i] != facts.number[j] and _conflict(answers, facts, i, j):
                return i, j
    return None


def hard_reason(first: str, facts: AnswerFacts, answers: list[str]) -> str:
    """The reason to show for a group that contradicts hard: `first` (what `contradictions()` found
    first) unless that is only dissimilar wording, then the hard rule some other pair breaks."""
    if first != DISSIMILAR:
        return first
    if 1 in facts.polarity and -1 in facts.polarity:
        return YES_NO
    clash = _first_number_conflict(answers, facts)
    if clash is not None:
        return f"final numbers differ ({facts.final[clash[0]]} vs {facts.final[clash[1]]})"
    return SHORT_DIFFER
