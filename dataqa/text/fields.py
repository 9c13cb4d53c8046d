"""Key/value lists: inputs written as fields, whose keys a template shares and whose values say
what the input is.

An input can be a list of key/value pairs rather than prose: AdvertiseGen's
`类型#上衣*版型#宽松*颜色#浅蓝色`, `key: value` lines, `k=v; k=v`, a JSON object as text, a table
row. Its keys are the template that many inputs share; its values are the slots. Word by word two
such lists can be near (one value of a dozen, one Han character of forty) while they describe two
things: a light blue pair of jeans and a dark blue one, a shirt and a hoodie. So a near pair
(`dataqa.text.verify`) whose lists differ in a short value, or where one has a pair the other
lacks, is two inputs in any script (`fields_differ`); the same pairs reordered, or written with
other spacing, are the same list.

Only values that name a thing are read as slots (`TERM_WORDS` words at the most, not a sentence):
a field that holds free text ("Question: ...", a description) is left to the word rules, which
compare it as they compare prose. Lines of `key: value` count only when their keys are all
distinct (a record; a transcript repeats its speakers' names).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeAlias

import orjson

from dataqa.text.normalise import UNSPACED_PER_WORD, UNSPACED_WORD
from dataqa.text.raw_parts import PARAGRAPH, TOKEN
from dataqa.text.slots import is_typo
from dataqa.text.word_lists import FILLER

Fields: TypeAlias = Counter[tuple[str, str]]
"""One list's (key, value) pairs, normalised (`_plain`), as a multiset: order does not count."""

TERM_WORDS = 4
"""A value of at most this many words (a character of an unspaced script counted as
`1 / UNSPACED_PER_WORD` of one) and not ending a sentence names a thing: a slot."""
TERM_CHARS = 64
"""The longest slot in characters (a code, a URL, a few words): a longer run is no name of a thing."""
KEY_CHARS = 32
"""The longest key: a field's name, not a phrase."""
KEY_WORDS = 3
MIN_PAIRS = 2
"""Pairs a list needs (of which slots, `TERM_WORDS`): one "key: value" is a sentence's opening."""

_KEY = re.compile(rf"[^\W\d_][\w \-/.()]{{0,{KEY_CHARS - 1}}}")
_PAIR_SEPARATORS = ("*", ";", "|", "&", "\t", ",")
_KEY_SEPARATORS = ("#", "=", ":")
_LINE = re.compile(r"[-*•]?\s*([^:=\n]+?)\s*[:=]\s*(.+?)\s*")
_TABLE_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?")
_SENTENCE_END = (".", "?", "!", "\u3002")  # after NFKC: full-width "?" and "!" are ASCII
_SEPARATOR_CHARS = frozenset("#=:|{")


def _plain(text: str) -> str:
    """A key or value as compared: NFKC, lower case, its words (letters and digits) one space apart."""
    return " ".join(TOKEN.findall(unicodedata.normalize("NFKC", text).lower()))


def _words(plain: str) -> float:
    """Words of a plain value, a word of an unspaced script's characters only counted as
    `1 / UNSPACED_PER_WORD` of one a character."""
    return sum(
        len(word) / UNSPACED_PER_WORD
        if UNSPACED_WORD.fullmatch(word[0]) and len(UNSPACED_WORD.findall(word)) == len(word)
        else 1
        for word in plain.split()
    )


def _is_key(text: str) -> bool:
    return bool(_KEY.fullmatch(text)) and text.count(" ") < KEY_WORDS


def _is_term(value: str) -> bool:
    """Whether a raw value names a thing (see `TERM_WORDS`)."""
    value = value.strip()
    plain = _plain(value)
    return (
        bool(plain)
        and len(plain) <= TERM_CHARS
        and not value.endswith(_SENTENCE_END)
        and _words(plain) <= TERM_WORDS
    )


JSON_DEPTH = 8
"""Levels of a JSON object read as keys; deeper values are compared whole, as text."""


def _flatten(value: Any, key: str, out: list[tuple[str, str]], depth: int = 0) -> None:
    """The leaf (key path, value) pairs of a parsed JSON value."""
    if isinstance(value, dict) and depth < JSON_DEPTH:
        for k, v in value.items():
            _flatten(v, f"{key}.{k}" if key else str(k), out, depth + 1)
    elif isinstance(value, list) and depth < JSON_DEPTH:
        for v in value:
            _flatten(v, key, out, depth + 1)
    elif isinstance(value, str):
        out.append((key, value))
    else:
        try:
            out.append((key, orjson.dumps(value).decode()))
        except TypeError:  # nested beyond what orjson writes: no slot, a key all the same
            out.append((key, ""))


def _json_pairs(part: str) -> list[tuple[str, str]] | None:
    if not (part.startswith("{") and part.endswith("}")):
        return None
    try:
        value = orjson.loads(part)
    except orjson.JSONDecodeError:
        return None
    out: list[tuple[str, str]] = []
    _flatten(value, "", out)
    return out if isinstance(value, dict) else None


def _line_pairs(lines: list[str]) -> list[tuple[str, str]] | None:
    """`key: value` (or `key = value`) lines, keys all distinct."""
    out = []
    for line in lines:
        found = _LINE.fullmatch(line)
        if found is None or not _is_key(found.group(1)):
            return None
        out.append((found.group(1), found.group(2)))
    keys = [_plain(k) for k, _ in out]
    return out if len(set(keys)) == len(keys) else None


def _table_pairs(lines: list[str]) -> list[tuple[str, str]] | None:
    """A table's rows (`| a | b |` lines, a header above a `|---|` rule), each cell under its
    column's name (or number)."""
    if not all(line.startswith("|") and line.endswith("|") and len(line) > 2 for line in lines):
        return None
    rows = [[cell.strip() for cell in line[1:-1].split("|")] for line in lines]
    header: list[str] | None = None
    if len(rows) > 2 and _TABLE_RULE.fullmatch(lines[1]):
        header, rows = rows[0], rows[2:]
    out = []
    for row in rows:
        names = (
            header if header is not None and len(header) == len(row) else [str(i) for i in range(len(row))]
        )
        out.extend((name, cell) for name, cell in zip(names, row, strict=True) if cell)
    return out


def _inline_pairs(line: str) -> list[tuple[str, str]] | None:
    """One line of pairs (`k#v*k#v`, `k=v; k=v`, `k: v | k: v`): the separators that read the
    most pairs, every item of the line a pair."""
    best: list[tuple[str, str]] | None = None
    for between in _PAIR_SEPARATORS:
        if between not in line:
            continue
        items = [item.strip() for item in line.split(between)]
        items = [item for item in items if item]
        for inside in _KEY_SEPARATORS:
            pairs = []
            for item in items:
                key, sep, value = item.partition(inside)
                if not sep or not value.strip() or not _is_key(key.strip()):
                    break
                pairs.append((key.strip(), value.strip()))
            else:
                if len(pairs) >= MIN_PAIRS and (best is None or len(pairs) > len(best)):
                    best = pairs
    return best


def part_fields(part: str) -> Fields | None:
    """The key/value pairs of one paragraph when it is a list of them with `MIN_PAIRS` slots or
    more (the pairs whose values are slots, `_is_term`; and every key once with an empty value,
    so that a pair one list has and the other not counts whatever its value), else None."""
    if not part.isascii():
        part = unicodedata.normalize("NFKC", part)  # full-width colons, commas, bars
    part = part.strip()
    if not _SEPARATOR_CHARS.intersection(part):
        return None
    lines = [line.strip() for line in part.splitlines() if line.strip()]
    pairs = _json_pairs(part)
    if pairs is None and len(lines) > 1:
        pairs = _table_pairs(lines) or _line_pairs(lines)
    if pairs is None and len(lines) == 1:
        pairs = _table_pairs(lines) or _inline_pairs(lines[0])
    if not pairs or len(pairs) < MIN_PAIRS:
        return None
    slots = [(_plain(k), _plain(v)) for k, v in pairs if _is_term(v)]
    if len(slots) < MIN_PAIRS:
        return None
    return Counter(slots) + Counter((_plain(k), "") for k, _ in pairs)


@dataclass(frozen=True)
class Listed:
    """What a raw text holds as key/value lists: `part_fields` of each paragraph that is one, in
    order, and its last paragraph (plain, `_plain`), which for a whole example is its answer."""

    lists: list[Fields]
    last: str


def text_fields(raw: str) -> Listed | None:
    """The key/value lists of a raw text (blank lines separate its paragraphs); None when no
    paragraph is one."""
    if raw and not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    if not raw or not _SEPARATOR_CHARS.intersection(raw):
        return None
    parts = PARAGRAPH.split(raw)
    found = [f for f in map(part_fields, parts) if f is not None]
    return Listed(found, _plain(parts[-1]) if len(parts) > 1 else "") if found else None


def _unfilled(words: str) -> str:
    return " ".join(w for w in words.split() if w not in FILLER)


def lists_differ(a: Fields, b: Fields) -> bool:
    """Whether two lists say different things: a slot's value differs (not a typo fix, not filler:
    `typos.is_typo`, `FILLER`) or a key is in one list only."""
    only_a, only_b = a - b, b - a
    if not only_a and not only_b:
        return False
    rest: Counter[tuple[str, str]] = Counter()
    for (k, v), n in only_b.items():
        rest[k, _unfilled(v)] += n
    for (key, value), n in only_a.items():
        for _ in range(n):
            plain = _unfilled(value)
            match = next(
                (
                    (k, v)
                    for (k, v), m in rest.items()
                    if m and k == key and (v == plain or is_typo(v, plain))
                ),
                None,
            )
            if match is None:
                return True
            rest[match] -= 1
    return any(rest.values())


def fields_differ(a: Listed | None, b: Listed | None, *, answer_last: bool = False) -> bool:
    """Whether two texts (`text_fields` of each) hold key/value lists that say different things
    (`lists_differ`), list by list in order. Texts whose lists are not as many, or lists that
    share no key (two templates), are left to the word rules. With `answer_last` (whole examples,
    whose last paragraph is the answer) the same answer makes a list's difference a rewording of
    one example, as it does for any other part (`raw_parts.decisive_part`)."""
    if a is None or b is None or len(a.lists) != len(b.lists):
        return False
    if answer_last and a.last and a.last == b.last:
        return False
    return any(
        {k for k, _ in x} & {k for k, _ in y} and lists_differ(x, y)
        for x, y in zip(a.lists, b.lists, strict=True)
    )
