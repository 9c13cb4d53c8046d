"""National identity numbers beyond the US, UK and Spanish ones: each confirmed by its check digits
and, where its shape alone is any long number's, by its name just before it.

China's resident identity number (birth date and ISO 7064 check), Brazil's CPF (two mod-11 check
digits; written 000.000.000-00 it needs no name), India's Aadhaar (Verhoeff), the UK's NHS number
(mod 11) and Canada's SIN (Luhn). A checksum passes one random number in ten or a hundred: a long
number in an order or a table is no one's id unless the text names the id beside it.
"""

from __future__ import annotations

import datetime
import re
from itertools import pairwise

from dataqa.text.detectors import Detector


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum of a card number or a Canadian SIN."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def chinese_id_ok(value: str) -> bool:
    """A Chinese resident identity number: a real birth date and the ISO 7064 MOD 11-2 check character."""
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(value[:17], _CN_WEIGHTS, strict=True)) % 11]
    return value[17].upper() == check


def cpf_ok(digits: str) -> bool:
    """A Brazilian CPF: its two mod-11 check digits, and not one digit repeated (000.000.000-00)."""
    if len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits[:n], range(n + 1, 1, -1), strict=True)) % 11
        if int(digits[n]) != (0 if total < 2 else 11 - total):
            return False
    return True


_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]  # fmt: skip
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]  # fmt: skip


def verhoeff_ok(digits: str) -> bool:
    """The Verhoeff checksum (India's Aadhaar)."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0


def nhs_ok(digits: str) -> bool:
    """A UK NHS number: its mod-11 check digit (a remainder giving 10 makes no valid number)."""
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


_CN_CUE = re.compile(
    r"(?i)身份证|身份證|证件号|證件號|公民身份|\bid(?:entity)? (?:card|number|no)\b|resident id"
)
_CPF_CUE = re.compile(r"\bCPF\b")
_AADHAAR_CUE = re.compile(r"(?i)\baadh?aar\b|आधार|\buidai\b|\buid\b")
_NHS_CUE = re.compile(r"\bNHS\b")
_SIN_CUE = re.compile(r"(?i)\bSIN\b|social insurance|assurance sociale|\bNAS\b")
"""The names that make a long number one of these ids (a checksum alone passes one number in ten)."""


def _cued(cue: re.Pattern[str], text: str, start: int, reach: int = 40) -> bool:
    """Whether the id's name stands in the `reach` characters before it."""
    return cue.search(text, max(start - reach, 0), start) is not None


def _standalone(text: str, m: re.Match[str]) -> bool:
    """Not part of a longer run of digits, letters, or a decimal or dotted number."""
    before = text[max(m.start() - 1, 0) : m.start()]
    after = text[m.end() : m.end() + 2]
    return not re.match(r"[A-Za-z0-9.,/-]", before) and not re.match(r"[A-Za-z0-9]|[.,/-]\d", after)


def _digits(m: re.Match[str]) -> str:
    return re.sub(r"\D", "", m.group())


def _cn_ok(m: re.Match[str], text: str) -> bool:
    return _standalone(text, m) and chinese_id_ok(m.group()) and _cued(_CN_CUE, text, m.start())


def _cpf_found(m: re.Match[str], text: str) -> bool:
    formatted = "." in m.group()
    return _standalone(text, m) and cpf_ok(_digits(m)) and (formatted or _cued(_CPF_CUE, text, m.start(), 20))


def _aadhaar_ok(m: re.Match[str], text: str) -> bool:
    return _standalone(text, m) and verhoeff_ok(_digits(m)) and _cued(_AADHAAR_CUE, text, m.start())


def _nhs_found(m: re.Match[str], text: str) -> bool:
    return _standalone(text, m) and nhs_ok(_digits(m)) and _cued(_NHS_CUE, text, m.start())


def _sin_ok(m: re.Match[str], text: str) -> bool:
    digits = _digits(m)
    return (
        _standalone(text, m)
        and digits[0] not in "08"
        and luhn_ok(digits)
        and _cued(_SIN_CUE, text, m.start())
    )


_DOCUMENT_NAMED = re.compile(
    r"(?i)\b(?:passport|driv(?:ing|er'?s?) licen[cs]e)\s*(?:number|no\.?|nr\.?|#)?\s*[:#]?\s*$"
)
"""A passport's or a driving licence's number named just before it ("passport number: ..."); a
"license number" alone is as often a business's (a record label's licence) as a person's."""


def counted(digits: str) -> bool:
    """Whether digits are typed by counting: one or two runs of three or more, each up or down by one
    ("123456789", "123987654"), as a made-up number is written, never an issued one."""
    runs, length, step = [], 1, 0
    for a, b in pairwise(digits):
        d = int(b) - int(a)
        if d in (1, -1) and (length == 1 or d == step):
            length, step = length + 1, d
        else:
            runs.append(length)
            length, step = 1, 0
    runs.append(length)
    return len(runs) <= 2 and min(runs) >= 3


def _document_ok(m: re.Match[str], text: str) -> bool:
    """A passport or licence number right after its name: six or more digits in it, not a run of one
    or two digits nor of counting (`counted`)."""
    digits = _digits(m)
    return (
        _standalone(text, m)
        and len(digits) >= 6
        and len(set(digits)) > 2
        and not counted(digits)
        and _DOCUMENT_NAMED.search(text, max(m.start() - 40, 0), m.start()) is not None
    )


def _show(value: str) -> str:
    return "…" + value[-2:]


NATIONAL_ID_DETECTORS: list[Detector] = [
    Detector(
        "national id",
        r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]",
        _cn_ok,
        _show,
        hint="身份|证件|證件|id",
    ),
    Detector("national id", r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b|\b\d{11}\b", _cpf_found, _show, hint="0"),
    Detector("national id", r"\b[2-9]\d{3} ?\d{4} ?\d{4}\b", _aadhaar_ok, _show, hint="aadh|आधार|uid"),
    Detector("national id", r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b", _nhs_found, _show, hint="nhs"),
    Detector(
        "national id", r"\b\d{3}[ -]?\d{3}[ -]?\d{3}\b", _sin_ok, _show, hint="sin|insurance|sociale|nas"
    ),
    Detector(
        "national id",
        r"\b[A-Z0-9]{0,5}\d{6,9}[A-Z0-9]{0,7}\b",
        _document_ok,
        _show,
        hint="passport|driv",
    ),
]
"""National ids of China, Brazil, India, the UK's NHS and Canada, and passport and driving licence
numbers named as such (the US, UK NI and Spanish ids are `personal_data`'s)."""
