"""Which long numbers of a text are operands of its task, read from the raw text.

A number of five or more digits is an identifier (an order, a ticket, a code) unless the text writes
it as something computed with: inside LaTeX math, with a sign or an operation beside it, with a
decimal point, a currency sign or a unit, near an operation word, or in a text that asks for a
computation. Verification (`dataqa.text.verify`) reads a pair whose only differences are such numbers
as two problems ("-200 mod 19" / "38574 mod 19"); the rules are the module doc of `dataqa.text.slots`.
"""

from __future__ import annotations

import re

from dataqa.text.raw_parts import _raw_tokens
from dataqa.text.slots import is_long_number
from dataqa.text.word_lists import IDENTIFIER_NOUNS, OPERATION_WORDS, UNIT_WORDS

MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
"""Math written in LaTeX: `$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`."""
OPERATORS = frozenset("+-\u2212*/^=<>\u00d7\u00f7\u00b7\u2261\u2264\u2265\u2260%")
"""Signs of an operation written beside a number ("12345 + 678", "n = 142857", "-314159", "12345%")."""
CURRENCY = frozenset("$\u20ac\u00a3\u00a5\u20b9")
"""Currency signs written just before an amount ("$12500")."""
OPERAND_REACH = (3, 2)
"""Words before and after a long number that an operation word (`OPERATION_WORDS`) makes it an
operand from: "the sum of the digits of 123456", "38574 mod 19"."""
NAMING_REACH = 2
"""Words before a long number that an identifier noun (`IDENTIFIER_NOUNS`) names it from: "order
55120", "ticket no 883412"."""


def operand_numbers(raw: str, words: list[str]) -> set[int]:
    """Positions of a text's long numbers (`slots.is_long_number`) written as operands of its task,
    quantities however long: inside LaTeX math (`MATH_SPAN`), with a sign or an operation beside it
    (`OPERATORS`: "-314159", "12345 + 678"; not a hyphen joining a code, "555-12345", "SKU-12345"),
    with a decimal point ("12345.5"; not a version, "10.0.19041"), after a currency sign or before a
    unit (`UNIT_WORDS`), near an operation word (`OPERATION_WORDS`, `OPERAND_REACH`), or anywhere in a
    text that asks for a computation (`asks_computation`: "A factory makes 12500 bolts a day. How many
    ..."). A number that
    an identifier noun names (`IDENTIFIER_NOUNS`, within `NAMING_REACH` words before it: "order
    55120") or a "#" is an identifier whatever is beside it. When the raw words cannot be lined up with
    the normalised ones, the normalised words alone are read."""
    at = [i for i, word in enumerate(words) if is_long_number(word)]
    if not at:
        return set()
    found = _raw_tokens(raw, words)
    spans = [] if found is None else [m.span() for m in MATH_SPAN.finditer(found[0])]
    computed = bool(spans) or asks_computation(words)
    out = set()
    for i in at:
        if any(w in IDENTIFIER_NOUNS for w in words[max(i - NAMING_REACH, 0) : i]):
            continue
        before, after = OPERAND_REACH
        near = words[max(i - before, 0) : i] + words[i + 1 : i + 1 + after]
        unit = i + 1 < len(words) and words[i + 1] in UNIT_WORDS
        operand = computed or unit or any(w in OPERATION_WORDS for w in near)
        if found is not None:
            text, tokens = found
            start, end = tokens[i].span()
            if text[start - 1 : start] == "#":
                continue
            in_math = any(s <= start and end <= e for s, e in spans)
            operand = operand or in_math or _written_as_operand(text, start, end)
        if operand:
            out.add(i)
    return out


def asks_computation(words: list[str]) -> bool:
    """Whether a text asks for a computation: an operation word (`OPERATION_WORDS`) or "how many",
    "how much" anywhere in it. Its numbers are what it computes with (a word problem's "12500 bolts"),
    but for those an identifier noun names (`operand_numbers`)."""
    return any(
        w in OPERATION_WORDS or (w == "how" and words[i + 1 : i + 2] in (["many"], ["much"]))
        for i, w in enumerate(words)
    )


def _written_as_operand(text: str, start: int, end: int) -> bool:
    """Whether the number `text[start:end]` has a sign, an operation, a currency sign or a decimal
    point beside it (`operand_numbers`)."""
    left = text[:start].rstrip(" ")
    sign = left[-1:]
    if sign in CURRENCY:
        return True
    if sign == "^" and not (left[-2:-1].isalnum() or left[-2:-1] in ")}"):
        return False  # a superscript mark ("^^Counter: ^^231652", Reddit's), not a power of something
    if sign in OPERATORS:
        joined = len(left) == start and left[-2:-1].isalnum()  # "555-12345", "SKU-12345", "orders/12345"
        return not (joined and sign in "-/" and not (sign == "/" and left[-2:-1].isdigit()))
    right = text[end:]
    if right[:1] == "." and right[1:2].isdigit():
        return re.match(r"\.\d+\.\d", right) is None  # "12345.5", not "10.0.19041"
    sign = right.lstrip(" ")[:1]
    if sign in OPERATORS:
        joined = right[:1] == sign and right[1:2].isalnum()  # "12345-6789", "12345/abc"
        return not (joined and sign in "-/" and not (sign == "/" and right[1:2].isdigit()))
    return False
