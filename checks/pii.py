"""PII: sensitive data in training text: secrets (API keys, tokens, private keys, passwords in
connection strings) and personal data (emails, phone numbers, card numbers, IBANs, national ids,
IP addresses).

Regexes find candidates (vectorised in polars over every message of every valid record, the
rejected answer of a preference pair included); validators confirm them: checksums (Luhn, IBAN
mod 97, national id check letters), entropy and placeholder tests for keys, reserved ranges for
addresses. Nothing leaves the machine, and no finding, message or metric holds a full secret:
evidence is masked (`sk-…3f9a`).

Rows with a secret count as unusable (a model must not be trained on a live credential; redact it
and the row is usable again). Personal data is a warning and leaves rows usable: it is often
synthetic or intended, and the data owner decides.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import orjson
import polars as pl

from dataqa.checks.quality import blank_code, messages, snippet
from dataqa.core.errors import ConfigError
from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.engine.verdict import VerdictInputs, condition, records_in

# --------------------------------------------------------------------------------------------
# Validators and masks
# --------------------------------------------------------------------------------------------

_PLACEHOLDER_WORDS = re.compile(
    r"(?i)example|sample|dummy|fake|placeholder|your|redacted|xxxx|\*\*\*|\.\.\.|…|<|>|\{|\}|abcdef|bcdefg|123456|234567|012345"
)
_RUN = re.compile(r"(.)\1{5,}")


def entropy(text: str) -> float:
    """Shannon entropy of the characters of `text`, in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(body: str, min_entropy: float = 3.0, mixed: bool = True) -> bool:
    """Whether a token body looks like a real random secret, not a placeholder or a documented example.

    `mixed` asks for digits and letters (or both cases): true of generated keys of a mixed alphabet,
    not of one-case alphabets like AWS key ids, which may hold no digit at all.
    """
    if _PLACEHOLDER_WORDS.search(body) or _RUN.search(body):
        return False
    if not mixed:
        return entropy(body) >= min_entropy
    digits_and_letters = re.search(r"[0-9]", body) and re.search(r"[A-Za-z]", body)
    mixed_case = len(body) >= 20 and re.search(r"[a-z]", body) and re.search(r"[A-Z]", body)
    if not (digits_and_letters or mixed_case):
        return False
    return entropy(body) >= min_entropy


def mask(secret: str, keep_prefix: int) -> str:
    """A masked secret: its known prefix, an ellipsis, and the last four characters if it is long."""
    tail = secret[-4:] if len(secret) >= 16 else ""
    return f"{secret[:keep_prefix]}…{tail}"


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum of a card number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip
"""IBAN length per country (ISO 13616 registry)."""


def iban_ok(iban: str) -> bool:
    """A well-formed IBAN: known country, its length, and the mod-97 check digits."""
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def spanish_id_ok(value: str) -> bool:
    """Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter): the mod-23 check letter."""
    value = value.replace("-", "").upper()
    prefix = {"X": "0", "Y": "1", "Z": "2"}.get(value[0], value[0])
    digits = prefix + value[1:-1]
    return digits.isdigit() and len(digits) == 8 and _DNI_LETTERS[int(digits) % 23] == value[-1]


def us_ssn_ok(value: str) -> bool:
    """A US SSN that could be issued: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    area, group, serial = value.split("-")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino_ok(value: str) -> bool:
    """A UK National Insurance number: allowed letters and prefix (no checksum exists)."""
    compact = value.replace(" ", "").upper()
    return compact[:2] not in _NINO_BAD_PREFIXES and compact[1] != "O"


# --------------------------------------------------------------------------------------------
# Detectors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detector:
    """One kind of sensitive value: a candidate pattern (valid in Python and polars), a validator
    that confirms a match, a mask for evidence, and whether code blocks are searched too."""

    kind: str
    pattern: str
    validate: Callable[[re.Match[str], str], bool]
    show: Callable[[str], str]
    in_code: bool = True
    group: int = 0
    """The pattern group that is the secret itself (0: the whole match)."""
    hint: str = ""
    """A substring every match holds ("" for none; "0" for a digit): texts without it are skipped."""

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern)
    return _CACHE[pattern]


def _body_random(prefix: re.Pattern[str], min_entropy: float = 3.0) -> Callable[[re.Match[str], str], bool]:
    def check(m: re.Match[str], text: str) -> bool:
        return looks_random(prefix.sub("", m.group(), count=1), min_entropy)

    return check


def _jwt_ok(m: re.Match[str], text: str) -> bool:
    head = m.group().split(".")[0]
    try:
        header = orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        return False
    if not (isinstance(header, dict) and "alg" in header):
        return False
    body = m.group().split(".")[1]
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        return False
    # A session or API token carries registered claims (subject, expiry, issuer…); a documentation
    # example like {"some": "payload"} does not.
    registered = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}
    return isinstance(claims, dict) and len(registered & set(claims)) >= 2


def _private_key_ok(m: re.Match[str], text: str) -> bool:
    """A key block with real key material (at least 64 base64 characters), not "…" in documentation."""
    block = m.group()
    body = block.split("-----", 2)[2].split("-----END", 1)[0]
    return len(re.sub(r"[^A-Za-z0-9+/=]", "", body)) >= 64 and "..." not in body and "…" not in body


def _show_key_block(block: str) -> str:
    return block[: block.index("-----", 5) + 5] + "…"


_PLACEHOLDER_PASSWORDS = frozenset(
    {
        "password", "pass", "passwd", "pwd", "secret", "changeme", "admin", "root", "postgres", "mysql",
        "guest", "user", "test", "mypassword", "yourpassword", "mysecretpassword", "example", "redis",
        "pw", "p@ssw0rd", "password123", "pass123", "123456", "dbpass", "dbpassword", "letmein",
    }
)  # fmt: skip


def _password_ok(m: re.Match[str], text: str) -> bool:
    password = m.group(1)
    lowered = password.lower()
    if lowered in _PLACEHOLDER_PASSWORDS or re.fullmatch(r"[*x.•]+|[$%<{\[].*", lowered):
        return False
    return not _PLACEHOLDER_WORDS.search(password)


SECRET_DETECTORS: list[Detector] = [
    Detector(
        "AWS access key id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
        lambda m, t: looks_random(m.group()[4:], 2.5, mixed=False),
        lambda s: mask(s, 4),
        hint="A",
    ),
    Detector(
        "AWS secret access key",
        r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+]{40})\b",
        lambda m, t: looks_random(m.group(1), 4.0),
        lambda s: mask(s, 0),
        group=1,
        hint="0",
    ),
    Detector(
        "GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})\b",
        _body_random(re.compile(r"^(?:gh[pousr]_|github_pat_)")),
        lambda s: mask(s, 11 if s.startswith("github_pat_") else 4),
        hint="_",
    ),
    Detector(
        "OpenAI/Anthropic-style key",
        r"\bsk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?[A-Za-z0-9_-]{20,}",
        _body_random(re.compile(r"^sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d\d-)?")),
        lambda s: mask(s, 3),
        hint="sk-",
    ),
    Detector(
        "Slack token",
        r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
        _body_random(re.compile(r"^xox[abposr]-"), 2.8),
        lambda s: mask(s, 5),
        hint="xox",
    ),
    Detector(
        "Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]{16,}",
        lambda m, t: looks_random(m.group().rsplit("/", 1)[1]),
        lambda s: mask(s, 33),
        hint="hooks.slack.com",
    ),
    Detector(
        "Google API key",
        r"\bAIza[0-9A-Za-z_-]{35}",
        _body_random(re.compile(r"^AIza")),
        lambda s: mask(s, 4),
        hint="AIza",
    ),
    Detector(
        "Stripe live key",
        r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b",
        _body_random(re.compile(r"^(?:sk|rk)_live_")),
        lambda s: mask(s, 8),
        hint="_live_",
    ),
    Detector(
        "Hugging Face token",
        r"\bhf_[A-Za-z0-9]{30,}\b",
        _body_random(re.compile(r"^hf_")),
        lambda s: mask(s, 3),
        hint="hf_",
    ),
    Detector(
        "private key",
        r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,.…-]{0,6000}?"
        r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)",
        _private_key_ok,
        _show_key_block,
        hint="PRIVATE KEY",
    ),
    Detector(
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}",
        _jwt_ok,
        lambda s: mask(s, 3),
        hint="eyJ",
    ),
    Detector(
        "password in connection string",
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|s?ftp|smtps?"
        r"|ldaps?)://[^\s:/@]{1,64}:([^\s@/]{1,128})@[^\s/?#]+",
        _password_ok,
        lambda s: "…",
        group=1,
        hint="://",
    ),
]
"""Secrets of common providers; each candidate is confirmed by its validator."""

# --- personal data -------------------------------------------------------------------------

_COMMON_TLDS = frozenset(
    {
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "co", "app", "dev", "me",
        "name", "pro", "mobi", "email", "online", "site", "tech", "store", "shop", "cloud", "xyz", "club",
        "company", "agency", "digital", "global", "solutions", "services", "media", "news", "blog", "live",
        "life", "world", "today", "group", "team", "work", "studio", "design", "health", "law", "bank",
        "finance", "capital", "consulting", "network", "systems", "software", "page", "one", "family",
    }
)  # fmt: skip
DEFAULT_IGNORED_DOMAINS = ["example.com", "example.org", "example.net", "*.example", "*.test", "*.invalid",
                           "*.localhost", "*.local"]  # fmt: skip
"""Reserved for documentation and testing (RFC 2606 / RFC 6761): addresses there are not anyone's."""


def _email_ok(m: re.Match[str], text: str) -> bool:
    domain = m.group().rsplit("@", 1)[1].lower()
    tld = domain.rsplit(".", 1)[1]
    if not (len(tld) == 2 or tld in _COMMON_TLDS):
        return False
    return text[m.end() : m.end() + 1] != ":"  # git@github.com:org/repo is an address of a repository


def _mask_email(value: str) -> str:
    local, domain = value.rsplit("@", 1)
    return f"{local[:1]}…@{domain}"


def _phone_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    digits = re.sub(r"\D", "", value)
    before = text[max(m.start() - 12, 0) : m.start()].lower()
    if (
        "isbn" in before
        or re.search(r"[\d.,/-]$", before)
        or re.match(r"[\d/-]", text[m.end() : m.end() + 1])
    ):
        return False
    if value.startswith("+"):
        return 8 <= len(digits) <= 15 and len(set(digits)) > 2
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    area, exchange = digits[:3], digits[3:6]
    return area[0] in "23456789" and exchange[0] in "23456789" and exchange != "555" and area[1:] != "11"


_TEST_CARDS = frozenset(
    {
        "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "5555555555554444",
        "5105105105105100", "378282246310005", "371449635398431", "6011111111111117", "6011000990139424",
        "30569309025904", "38520000023237", "3530111333300000", "3566002020360505", "4222222222222",
        "2223003122003222", "5200828282828210", "4000000000000002", "4000000000009995",
    }
)  # fmt: skip
"""Card numbers the payment providers publish for testing: documentation, not anyone's card."""


def _card_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    digits = re.sub(r"\D", "", value)
    if not 13 <= len(digits) <= 19 or digits in _TEST_CARDS or len(set(digits)) < 3:
        return False
    groups = re.split(r"[ -]", value)
    if len(groups) > 1 and not (
        all(len(g) == 4 for g in groups[:-1]) or [len(g) for g in groups] in ([4, 6, 5], [4, 6, 4])
    ):
        return False  # digits grouped like a card, or not grouped at all
    if re.match(r"[\d.,]", text[m.end() : m.end() + 1]) or re.search(
        r"[\d.,]$", text[max(m.start() - 1, 0) : m.start()]
    ):
        return False
    if re.search(
        r"(?i)(?:order|tracking|reference|ref|invoice|account|ticket|serial|isbn|id|#)"
        r"(?:\s*(?:number|no\.?|nr\.?|#))?\W{0,3}$",
        text[max(m.start() - 24, 0) : m.start()],
    ):
        return False  # a long number named as something else is not a card number
    iin = int(digits[:6])
    known = (
        digits[0] == "4"
        or 510000 <= iin <= 559999
        or 222100 <= iin <= 272099
        or digits[:2] in ("34", "37", "36", "38", "30", "35", "62", "65")
        or digits[:4] == "6011"
        or 644000 <= iin <= 649999
    )
    return known and luhn_ok(digits)


_EXAMPLE_IBANS = frozenset(
    {
        "DE89370400440532013000", "GB82WEST12345698765432", "GB29NWBK60161331926819",
        "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957",
    }
)  # fmt: skip
"""IBANs printed in the IBAN standard and bank documentation as examples."""


def _iban_ok(m: re.Match[str], text: str) -> bool:
    compact = m.group().replace(" ", "")
    return compact not in _EXAMPLE_IBANS and iban_ok(compact)


def _national_id_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    if re.fullmatch(r"\d{3}-\d{2}-\d{4}", value):
        context = text[max(m.start() - 40, 0) : m.start()].lower()
        return (
            us_ssn_ok(value)
            and value not in ("123-45-6789", "078-05-1120")
            and bool(re.search(r"ssn|social security|soc\.? ?sec|ss#", context))
        )
    if re.fullmatch(r"[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]", value):
        return uk_nino_ok(value) and value.replace(" ", "").upper() != "QQ123456C"
    return spanish_id_ok(value)


_WELL_KNOWN_IPS = frozenset({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
                             "208.67.222.222", "208.67.220.220", "4.2.2.2", "64.6.64.6"})  # fmt: skip
"""Public DNS resolvers: infrastructure everyone names, not a person's address."""


def _ip_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    before = text[max(m.start() - 9, 0) : m.start()].lower()
    if re.search(r"(?:v|version|ver\.?)\s*$", before) or re.match(r"\.\d", text[m.end() : m.end() + 2]):
        return False
    if m.start() and text[m.start() - 1] in ".-":
        return False
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.is_global and value not in _WELL_KNOWN_IPS


def _mask_ip(value: str) -> str:
    return ".".join(value.split(".")[:2]) + ".…"


PERSONAL_DETECTORS: list[Detector] = [
    Detector(
        "email",
        r"\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b",
        _email_ok,
        _mask_email,
        in_code=False,
        hint="@",
    ),
    Detector(
        "phone",
        r"\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){2,4}\b"
        r"|(?:\b1[ .-])?(?:\(\d{3}\)[ ]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b",
        _phone_ok,
        lambda s: "…" + re.sub(r"\D", "", s)[-2:],
        in_code=False,
        hint="0",
    ),
    Detector(
        "payment card",
        r"\b\d(?:[ -]?\d){12,18}\b",
        _card_ok,
        lambda s: "…" + re.sub(r"\D", "", s)[-4:],
        hint="0",
    ),
    Detector(
        "iban",
        r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b",
        _iban_ok,
        lambda s: s[:2] + "…" + s.replace(" ", "")[-4:],
        hint="0",
    ),
    Detector(
        "national id",
        r"\b\d{3}-\d{2}-\d{4}\b|\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b|\b[XYZ]?\d{7,8}-?[A-Z]\b",
        _national_id_ok,
        lambda s: "…" + s[-2:],
        hint="0",
    ),
    Detector(
        "ip address",
        r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
        _ip_ok,
        _mask_ip,
        in_code=False,
        hint=".",
    ),
]
"""Personal data; each candidate is confirmed by a checksum or a validity rule."""
PERSONAL_KINDS = [d.kind for d in PERSONAL_DETECTORS]
ALL_DETECTORS = SECRET_DETECTORS + PERSONAL_DETECTORS


# --------------------------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------------------------


@dataclass
class Hit:
    """One confirmed sensitive value in one message."""

    line: int
    role: str
    kind: str
    shown: str
    """The masked value (never the value itself)."""
    evidence: str
    """A masked excerpt of the text around the value."""


def find_values(
    text: str, detectors: list[Detector], extra_ok: Callable[[Detector, str], bool] | None = None
) -> list[tuple[int, int, Detector, str]]:
    """(start, end, detector, value) of every confirmed sensitive value of `text`."""
    prose: str | None = None
    spans: list[tuple[int, int, Detector, str]] = []
    has_digit = _DIGIT.search(text) is not None
    for det in detectors:
        if det.hint and not (has_digit if det.hint == "0" else det.hint in text):
            continue
        searched = text
        if not det.in_code:
            prose = prose if prose is not None else blank_code(text)
            searched = prose
        for m in det.regex.finditer(searched):
            if not det.validate(m, searched):
                continue
            value = m.group(det.group)
            if extra_ok is not None and not extra_ok(det, value):
                continue
            spans.append((m.start(det.group), m.end(det.group), det, value))
    return spans


_DIGIT = re.compile(r"\d")
_KEY_MARKS = ("@", "AKIA", "ASIA", "ABIA", "ACCA", "_", "sk-", "xox", "AIza", "-----BEGIN", "eyJ", "://")
"""What every sensitive value holds besides a digit (an "@" or a key prefix): most prose has none."""


def redact(text: str) -> str:
    """`text` with every secret and personal value masked (for evidence of any check)."""
    if not _DIGIT.search(text) and not any(mark in text for mark in _KEY_MARKS):
        return text
    return _mask_spans(text, find_values(text, ALL_DETECTORS)).text


def scan_messages(
    ctx: Context,
    split_name: str,
    detectors: list[Detector],
    extra_ok: Callable[[Detector, str], bool] | None = None,
) -> list[Hit]:
    """Every confirmed value of the given kinds in one split's messages, in line order.

    Evidence is cut from the text with every sensitive value masked, of these kinds or others.
    """
    split = ctx.splits[split_name]
    union = "|".join(f"(?:{d.pattern})" for d in detectors)
    cand = messages(ctx, split).filter(pl.col("content").str.contains(union))
    others = [d for d in ALL_DETECTORS if d not in detectors]
    hits: list[Hit] = []
    for line, role, text in cand.select("line", "role", "content").iter_rows():
        spans = find_values(text, detectors, extra_ok)
        if not spans:
            continue
        masked = _mask_spans(text, spans + find_values(text, others))
        for start, _end, det, value in spans:
            shown = det.show(value)
            pos = masked.positions.get(start, 0)
            hits.append(Hit(line, role, det.kind, shown, snippet(masked.text, pos, pos + len(shown), 40)))
    return hits


@dataclass
class _Masked:
    text: str
    positions: dict[int, int] = field(default_factory=dict)


def _mask_spans(text: str, spans: list[tuple[int, int, Detector, str]]) -> _Masked:
    """`text` with every confirmed value replaced by its mask; maps each span start to its new position."""
    ordered = sorted({(s, e): (s, e, d, v) for s, e, d, v in spans}.values(), key=lambda x: x[0])
    parts: list[str] = []
    positions: dict[int, int] = {}
    cursor = 0
    length = 0
    for start, end, det, value in ordered:
        if start < cursor:  # overlapping matches: the earlier mask already covers this one
            positions[start] = max(length - 1, 0)
            continue
        parts.append(text[cursor:start])
        length += start - cursor
        positions[start] = length
        shown = det.show(value)
        parts.append(shown)
        length += len(shown)
        cursor = end
    parts.append(text[cursor:])
    return _Masked("".join(parts), positions)


def _group_hits(hits: list[Hit]) -> dict[int, list[Hit]]:
    grouped: dict[int, list[Hit]] = defaultdict(list)
    for hit in hits:
        if all((h.kind, h.shown, h.role) != (hit.kind, hit.shown, hit.role) for h in grouped[hit.line]):
            grouped[hit.line].append(hit)
    return dict(sorted(grouped.items()))


def _describe(hits: list[Hit]) -> str:
    parts = [f"{h.kind} ({h.shown}) in {h.role}" for h in hits[:6]]
    more = f"; and {len(hits) - 6} more" if len(hits) > 6 else ""
    return "; ".join(parts) + more


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


@register
@dataclass
class Secret(Check):
    """Text holds a secret: an API key or token, a private key, a JWT or a password in a connection string.

    Kinds: AWS access key ids and secret keys, GitHub, OpenAI/Anthropic-style `sk-`, Slack, Google,
    Stripe live and Hugging Face tokens, Slack webhooks, PEM/OpenSSH private key blocks, JWTs with
    registered claims, passwords in postgres://, mysql://, mongodb://, redis://… URLs.

    Why: a model trained on a credential can repeat it to anyone who asks the right way, and the
    training set itself becomes a leak; any secret is a NO-GO by default (`block-on-secrets`).
    Example: a support answer that pastes `OPENAI_API_KEY=sk-proj-…` or
    `postgres://app:s3cr3t-pw@db.internal/prod`.
    Fix: revoke the credential first (it is exposed already), then redact it in the data (e.g.
    `sk-...REDACTED`). Documented examples (AKIA…EXAMPLE), placeholders (`sk-xxxx`, `your-key`) and
    low-entropy strings are not reported. Records with a secret count as unusable until redacted.
    """

    id = "PII001"
    shares = frozenset({"quality.messages"})
    name = "secret"
    family = "pii"
    severity = Severity.ERROR
    unusable: bool = True
    """Whether records holding a secret are removed from the usable-example count."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        by_kind: Counter[str] = Counter()
        for split in ctx:
            grouped = _group_hits(scan_messages(ctx, split.name, SECRET_DETECTORS))
            for line, hits in grouped.items():
                by_kind.update(h.kind for h in hits)
                loc = ctx.location(split, line)
                yield self.finding(
                    f"secret: {_describe(hits)}",
                    [loc],
                    [h.evidence for h in hits[:5]],
                    metrics={"kinds": sorted({h.kind for h in hits})},
                    unusable=[loc] if self.unusable else [],
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))


@condition
def secrets(v: VerdictInputs) -> Condition | None:
    """Any record with a secret (PII001), in any split, blocks the fine-tune by default."""
    result = v.result(Secret.id)
    if result is None or result.status.value in ("skipped", "errored"):
        return None
    n = records_in(result.findings)
    return Condition(
        name="secrets",
        description="Records that hold an API key, token, private key or password",
        value=n,
        threshold=0,
        passed=n == 0,
        blocking=v.config.block_on_secrets,
        reason=""
        if n == 0
        else f"{n} record(s) hold a secret: revoke the credentials and redact them before training "
        "(PII001 lists every one).",
    )


@register
@dataclass
class PersonalData(Check):
    """Text holds personal data: e-mail addresses, phone, card and IBAN numbers, national ids, IP addresses.

    Why: a model can reproduce personal data from its training set, which makes the data set a
    compliance question (GDPR, CCPA) before it is a quality one.
    Example: a support transcript with "reach me at jane.doe@gmail.com or +44 7911 123456".
    Fix: pseudonymise the values (consistent fake names and addresses) or drop the records. Every
    candidate is validated: card numbers by Luhn and issuer prefix, IBANs by mod-97, Spanish DNI/NIE
    by their check letter, US SSNs need the word "SSN" nearby; documentation domains (example.com),
    published test cards, private and reserved IP ranges and code blocks are not reported. For data
    meant to hold synthetic values, list their domains in `ignore-domains` or narrow `kinds`.
    """

    id = "PII002"
    shares = frozenset({"quality.messages"})
    name = "personal-data"
    family = "pii"
    severity = Severity.WARNING
    kinds: list[str] = field(default_factory=lambda: list(PERSONAL_KINDS))
    """Which kinds to report: email, phone, payment card, iban, national id, ip address."""
    ignore_domains: list[str] = field(default_factory=lambda: list(DEFAULT_IGNORED_DOMAINS))
    """Email domains that hold no one's address ("*.example" matches subdomains)."""

    def _ignored_domain(self, detector: Detector, value: str) -> bool:
        if detector.kind != "email":
            return True
        domain = value.rsplit("@", 1)[1].lower()
        for pattern in self.ignore_domains:
            pattern = pattern.lower()
            if pattern.startswith("*."):
                if domain.endswith(pattern[1:]) or domain == pattern[2:]:
                    return False
            elif domain == pattern or domain.endswith("." + pattern):
                return False
        return True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(PERSONAL_KINDS))
        if unknown:
            raise ConfigError(f"{self.id}.kinds: unknown {unknown}; kinds are {', '.join(PERSONAL_KINDS)}")

    def run(self, ctx: Context) -> Iterator[Finding]:
        detectors = [d for d in PERSONAL_DETECTORS if d.kind in self.kinds]
        by_kind: Counter[str] = Counter()
        for split in ctx:
            hits = scan_messages(ctx, split.name, detectors, self._ignored_domain) if detectors else []
            grouped = _group_hits(hits)
            for line, items in grouped.items():
                by_kind.update(h.kind for h in items)
                yield self.finding(
                    f"personal data: {_describe(items)}",
                    [ctx.location(split, line)],
                    [h.evidence for h in items[:5]],
                    metrics={"kinds": sorted({h.kind for h in items})},
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))
