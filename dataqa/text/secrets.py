"""Secret detectors (API keys, tokens, private keys, passwords in URLs) and the entropy tests that
tell a real key from a placeholder."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Callable

import orjson

from dataqa.text.detectors import Detector

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
        "pw", "p@ssw0rd", "password123", "pass123", "123456", "dbpass", "dbpassword", "letmein", "changeit",
    }
)  # fmt: skip


_LEET = str.maketrans("@4$50!1|3", "aassoiiie")
"""Letters a stock password writes as digits or marks ("P@ssw0rd", "Adm1n", "S3cr3t"), read back."""


def placeholder_password(password: str) -> bool:
    """A password a writer puts for "the password": a stock word (digits or marks after it too:
    "mypassword123", "admin1!"; letters written as digits or marks: "MyP@ssw0rd123"), a mask, a
    variable or a slot."""
    lowered = password.lower()
    stem = re.sub(r"[\d!@#$%&*._-]+$", "", lowered)
    return (
        lowered in _PLACEHOLDER_PASSWORDS
        or stem in _PLACEHOLDER_PASSWORDS
        or stem.translate(_LEET) in _PLACEHOLDER_PASSWORDS
        or re.fullmatch(r"[*x.•]+|[$%<{\[].*", lowered) is not None
        or _PLACEHOLDER_WORDS.search(password) is not None
    )


_CONCATENATED = re.compile(r"""^["'`]?\s*\+|\+\s*["'`]?$""")
"""A connection string's password that is a quote closed and a variable added in code
(`'mysql://'+user+':'+password+'@'+host`): the string is assembled, no password is in it."""


def password_ok(m: re.Match[str], text: str) -> bool:
    """The password of group 1 is no placeholder, nor a variable concatenated into the string."""
    return not placeholder_password(m.group(1)) and not _CONCATENATED.search(m.group(1))


_NOT_SET = re.compile(r"[A-Za-z]+(?:_[A-Za-z0-9]+)+|.*[(\[].*")
"""A value that names a password rather than sets it: an identifier (`hashed_pw_2`), a call or an index."""


_LOOKUP = re.compile(
    r"[a-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.[\w$]*(?i:password|passwd|passwort|pwd|pass)[\w$]*"
)
"""A value that looks the password up by a dotted name ending in the field's own word, written as
code is (its first name in lower case: `password: process.env.DB_PASSWORD`, `pwd = settings.db_pwd`):
a reference, not a password set ("Summer.Pass2024" is one)."""


_TRANSFORMED = re.compile(r"(?i)\b(?:enc|encrypted|encoded|hashed|hash|salted|cipher|crypted|md5|sha\d*)_")
"""A key naming a password's ciphertext or hash (`encrypted_password = "IH6no..."` in a decryption
exercise): the value is no password."""


def said_password_ok(m: re.Match[str], text: str) -> bool:
    """A password set in prose or config ("password: X", "pwd=X", "DB_PASS=X", "MYSQL_ROOT_PASSWORD: X",
    "PGPASSWORD=X", "my password is X") that looks
    chosen: eight or more characters, letters and digits mixed at random, not a placeholder, a
    variable, a call, an index, a lookup (`process.env.DB_PASSWORD`) or a ciphertext. "The password
    is incorrect", `password=args.password` or `encrypted_password = "IH6no..."` set none."""
    value = m.group(1)
    return (
        not _TRANSFORMED.search(m.group()[: m.start(1) - m.start()])
        and len(value) >= 8
        and password_ok(m, text)
        and not _NOT_SET.fullmatch(value)
        and not _LOOKUP.fullmatch(value)
        and looks_random(value, 2.8)
    )


_EMULATOR_ACCOUNT = "devstoreaccount1"
"""The Azure storage emulator's account, whose key Microsoft publishes: no secret."""


KEY_DETECTORS: list[Detector] = [
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
        r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,.…\\-]{0,6000}?"
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
        "password in text",
        r"(?i:\b(?:[a-z0-9]+[_.-])*(?:[a-z0-9]*password|passwd|passwort|passphrase|pwd|pass)\b)[\"']?\s*(?::=|=>|[:=]|\bis\b)\s*[\"'`]?"
        r"([^\s\"'`,;]{7,63}[^\s\"'`,;.)])",
        said_password_ok,
        lambda s: "…",
        group=1,
        hint="pass|pwd",
    ),
    # a login given as a pair, "the login is admin / X", "log in with jsmith/X": the second half is a
    # password when it looks chosen (as above); "admin/admin", "/account/login", "email/phone" are not
    Detector(
        "password in text",
        r"(?i:\b(?:log[- ]?in|logon|sign-?in|credentials?|creds)\b)(?:\s+(?:is|are|was|were|with|as))?"
        r"\s*[:=]?\s*"
        r"[\"'`]?[\w.@+-]{1,64}[\"'`]?\s?/\s?[\"'`]?([^\s\"'`,;/]{7,63}[^\s\"'`,;.)/])",
        said_password_ok,
        lambda s: "…",
        group=1,
        hint="/",
    ),
    Detector(
        "Azure storage or service key",
        r"\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})",
        lambda m, t: _EMULATOR_ACCOUNT not in t and looks_random(m.group(1), 4.0),
        lambda s: mask(s, 0),
        group=1,
        hint="Key=",
    ),
    Detector(
        "bearer token",
        r"\bBearer\s+([A-Za-z0-9._~+/-]{20,}=*)",
        lambda m, t: looks_random(m.group(1), 3.5),
        lambda s: mask(s, 0),
        group=1,
        hint="Bearer",
    ),
    Detector(
        "password in connection string",
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|s?ftp|smtps?"
        r"|ldaps?)://[^\s:/@]{1,64}:([^\s@/]{1,128})@[^\s/?#]+",
        password_ok,
        lambda s: "…",
        group=1,
        hint="://",
    ),
]
"""Secrets of common providers; each candidate is confirmed by its validator (the rest of the
secret kinds are in `provider_tokens` and `credentials`; `secret_kinds.SECRET_DETECTORS` is all)."""
