"""Personal-data detectors (emails, phones, cards, IBANs, national ids, IP addresses) and the
checksums and validity rules that confirm each candidate."""

from __future__ import annotations

import ipaddress
import re

from dataqa.text.detectors import Detector
from dataqa.text.mailboxes import group_host, never_issued, no_ones_mailbox
from dataqa.text.national_ids import NATIONAL_ID_DETECTORS, luhn_ok

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
                           "*.localhost", "*.local", "company.com", "yourcompany.com", "mycompany.com",
                           "domain.com", "yourdomain.com", "mydomain.com", "website.com", "yourwebsite.com",
                           "email.com", "mail.com", "*.gserviceaccount.com"]  # fmt: skip
"""Reserved for documentation and testing (RFC 2606 / RFC 6761), and the generic-word domains that
made-up examples use ("boss@company.com", "oliver@email.com"), and Google Cloud's service accounts
(`loader@project.iam.gserviceaccount.com`, a machine's identity): addresses there are not anyone's."""


def listed_domain(domain: str, patterns: list[str]) -> bool:
    """Whether an e-mail domain is one of `patterns` or under one ("example.com" also covers
    "mail.example.com"; "*.test" covers "shop.test" and "test")."""
    domain = domain.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if domain.endswith(pattern[1:]) or domain == pattern[2:]:
                return True
        elif domain == pattern or domain.endswith("." + pattern):
            return True
    return False


_PLACEHOLDER_DOMAIN = re.compile(
    r"(?i)(?:some|any|your|my|our|their|example|sample|fake|dummy|test)[-_]?(?:company|companies|domain|website"
    r"|site|business|corp|corporation|org|organi[sz]ation|email|mail|school|university|college|bank|store|shop"
    r"|firm|employer|provider|host|server)|(?:example|sample)\d{1,3}"
)
"""Domain names made of a stand-in word and a generic noun ("somecompany.com", "anycorp.org",
"your-school.edu"), or the reserved example domain numbered for a second one ("example2.com"): a writer's
placeholder for "the organisation's domain", no one's mailbox."""
_FICTION_DOMAIN = re.compile(r"(?i).*(?:fictional|fictitious|imaginary|made-?up|pretend).*")
"""A domain name that says it is made up ("myfictionalemail.com", "imaginary-bank.org")."""


_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^\s/@:]*:[^\s/@]*$")
"""A URL up to the password of its userinfo: what follows, "password@host", is no mailbox."""


_REMOTE_LOGIN = re.compile(r"\b(?:ssh|sftp|scp|rsync|mosh|ssh-copy-id|sshpass)\b[^\n@]{0,60}$")
"""A remote-login command up to its target: `user@host` after it names an account on a machine."""


def _email_ok(m: re.Match[str], text: str) -> bool:
    local, domain = m.group().rsplit("@", 1)
    if local.endswith(".") or ".." in local:
        # no address ends its name in a dot: "the cause.@plantingaseed.net" is a word and a handle
        return False
    tld = domain.lower().rsplit(".", 1)[1]
    if not (len(tld) == 2 or tld in _COMMON_TLDS):
        return False
    if any(
        _PLACEHOLDER_DOMAIN.fullmatch(label) or _FICTION_DOMAIN.fullmatch(label)
        for label in domain.split(".")[:-1]
    ):
        return False
    if group_host(domain) or no_ones_mailbox(local, domain) or never_issued(local, domain):
        return False  # a list's, a stand-in's, a role's or a desk's mailbox ("entertainment.news@")
    if len(domain.split(".")[0]) == 1:
        return False  # "a@b.com", "x@y.org": letters standing for an address
    if text[m.start() - 1 : m.start()] == "@":
        return False  # "@name@mastodon.social": a fediverse handle, published to be followed
    if _REMOTE_LOGIN.search(text, max(m.start() - 80, 0), m.start()):
        return False  # `ssh deploy@build.acme.io`, `rsync -av dist/ web@host`: an account on a host
    if _USERINFO.search(text, max(m.start() - 200, 0), m.start()):
        return False  # a URL's "user:password@host" (https://user:pass@proxy.com): a login, PII001's
    if _URL_PATH.search(text, max(m.start() - 200, 0), m.start()):
        return False  # "mail-archive.com/list@host/msg1.html": part of a link's path, no mailbox given
    return text[m.end() : m.end() + 1] != ":"  # git@github.com:org/repo is an address of a repository


_URL_PATH = re.compile(r"\bhttps?://[^\s\"'<>()]+/$")
"""A URL up to a slash of its path, just before an address: an archive's link names the list in it."""


def _mask_email(value: str) -> str:
    local, domain = value.rsplit("@", 1)
    return f"{local[:1]}…@{domain}"


_DIGIT_RUNS = "0123456789" * 2 + "9876543210" * 2
"""Runs of consecutive digits up and down: a number written as one ("123-456-7890", "987-654-3210")
is the stand-in a writer types for "a phone number", no one's line."""


_NAMED_IDENTIFIER = re.compile(
    r"(?i)(?:\b(?:order|tracking|reference|ref|invoice|ticket|case|serial|confirmation|booking|policy|id"
    r"|clause|section|article|dfars?|cfr)|§)"
    r"(?:\s*(?:number|no\.?|nr\.?|#))?\s*[:#.]?\s*$"
)
"""A number named, just before it, as an order, reference or case number ("ref 943 476 5919"), or
cited as a clause or section of a law or regulation ("clause at DFARS 252.227-7013")."""


def _phone_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7 and digits in _DIGIT_RUNS:
        return False
    if value.startswith("+") and any(len(digits) - i >= 9 and digits[i:] in _DIGIT_RUNS for i in (1, 2, 3)):
        return False  # the run behind a country code: "+19876543210"
    before = text[max(m.start() - 12, 0) : m.start()].lower()
    if (
        "isbn" in before
        or re.search(r"[\d.,/-]$", before)
        or re.match(r"[\d/-]", text[m.end() : m.end() + 1])
        or _NAMED_IDENTIFIER.search(text, max(m.start() - 30, 0), m.start())
    ):
        return False
    if re.match(r"\(\d{2}\)", value):
        # a two-digit area code in brackets, as Brazil writes a number ("(11) 91234-5678"): named a
        # phone, or given as the writer's own, just before it
        near = text[max(m.start() - 40, 0) : m.start()]
        return not _OTHER_NUMBER.search(near[-24:]) and bool(
            _PHONE_CUE.search(near) or _OWN_VALUE.search(near)
        )
    if value.startswith("+") and not (len(digits) == 11 and digits[0] == "1"):
        # one or two digits repeated behind the country code ("+91-8888888888", "+91-8008008000") are
        # typed, not dialled, as the whole number's are
        behind = [digits[i:] for i in (1, 2, 3) if len(digits) - i >= 9]
        return 8 <= len(digits) <= 15 and all(len(set(rest)) > 2 for rest in [digits, *behind])
    if value.startswith("0") or CHINESE_MOBILE.fullmatch(value):
        return _national_phone_ok(value, digits, text, m.start(), m.end())
    # A North American number, with or without +1, goes by the plan's rules: "+1 615 555 0153" is
    # one of the 555 numbers kept for fiction and examples, as "(615) 555-0153" is; an area code
    # whose middle digit is 9 (N9X) is kept back for the plan's expansion and never dialled, as a
    # game's "1-999-367-3767" is not.
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    area, exchange = digits[:3], digits[3:6]
    return (
        area[0] in "23456789"
        and area[1] != "9"
        and exchange[0] in "23456789"
        and exchange != "555"
        and area[1:] != "11"
    )


_PHONE_CUE = re.compile(
    r"(?i)\b(?:phone|tel|telephone|call|calling|mobile|cell|cellphone|contact|reach|whatsapp|text|ring|dial"
    r"|number|fax|sms|handy|portable|num[ée]ro|t[ée]l[ée]phone|celular|telefone|tel[ée]fono|m[óo]vil|cellulare"
    r"|handynummer|telefonnummer|rufnummer|mobil|номер|телефон|мобильный)\b"
    r"|电话|電話|手机|手機|号码|號碼|联系|聯繫|致电|拨打|微信|携帯|番号"
)
"""Words that name a number as a phone number just before it ("call me on", "mobile:", "手机", "celular",
"Telefonnummer", "телефон")."""
_OWN_VALUE = re.compile(r"(?i)\b(?:my|me)\b\W*(?:\w+\W+){0,2}$|我的\W*$")
"""A value given as the writer's own, a few words after "my" or "me" ("My details: 186 1253 0579",
"text me at", "我的"): a number someone hands over as theirs, where an order or account number is
named as one (`_OTHER_NUMBER`)."""
_OTHER_NUMBER = re.compile(
    r"(?i)\b(?:order|tracking|reference|ref|invoice|account|ticket|serial|isbn|id|part|case|policy|customer"
    r"|member|booking|confirmation|model|product|item|batch|lot|version)\b|订单|单号|编号|账号|運單|运单|快递"
)
"""Nouns that make "number" an identifier's ("order number", "part number"), not a phone's."""
CHINESE_MOBILE = re.compile(r"1[3-9]\d(?:[ -]?\d{4}){2}")
"""A Chinese mobile as written at home, eleven digits grouped 3-4-4 ("186 6654 9645")."""
_NATIONAL_MOBILE = re.compile(r"07\d{3} ?\d{6}|0[67](?:[ .]\d{2}){4}|01[5-7]\d[ /-]?\d{7,8}")
"""Mobile numbers as their countries write them without the country code, each in a grouping no
amount, date or code takes: UK "07700 900123", French "06 12 34 56 78", German "0151 23456789"."""


def _national_phone_ok(value: str, digits: str, text: str, start: int, end: int) -> bool:
    """A number written the national way, without a country code: a trunk-prefixed one ("020 7946 0018",
    "06 12 34 56 78", "0151 23456789") or a Chinese mobile ("138 0013 8000", "13800138000"). A mobile
    in its country's own grouping stands on its own; any other needs a word naming it a phone, or
    giving it as the writer's own ("my details:"), just before it, and a Chinese mobile needs that
    word or Chinese text beside it (eleven digits in an English text are as often an order or account
    number)."""
    if not 9 <= len(digits) <= 12 or len(set(digits)) < 4:
        return False
    if re.search(r"[A-Za-z0-9]", text[max(start - 1, 0) : start] + text[end : end + 1]):
        return False  # inside a word, a code or a longer number
    if digits.startswith("00"):
        return False  # an international prefix: the country code after it is not checked here
    before = text[max(start - 40, 0) : start]
    if _OTHER_NUMBER.search(before[-24:]):
        return False  # "order number 0151 ...", "订单号 138...": an identifier
    cue = _PHONE_CUE.search(before) is not None or _OWN_VALUE.search(before) is not None
    if digits[0] == "1":
        near = text[max(start - 20, 0) : start] + text[end : end + 20]
        return (
            len(digits) == 11
            and digits[1] in "3456789"
            and (cue or re.search(r"[\u4e00-\u9fff]", near) is not None)
        )
    return cue or _NATIONAL_MOBILE.fullmatch(value) is not None


_TEST_CARDS = frozenset(
    {
        "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "5555555555554444",
        "5105105105105100", "378282246310005", "371449635398431", "6011111111111117", "6011000990139424",
        "30569309025904", "38520000023237", "3530111333300000", "3566002020360505", "4222222222222",
        "2223003122003222", "5200828282828210", "4000000000000002", "4000000000009995",
    }
)  # fmt: skip
"""Card numbers the payment providers publish for testing: documentation, not anyone's card."""


_URL_BEFORE = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)\S*$")
"""A link that runs, without a space, up to where a number starts: the number is part of it."""


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
    if re.match(r"[.,]?\d", text[m.end() : m.end() + 2]) or re.search(
        r"\d[.,]?$", text[max(m.start() - 2, 0) : m.start()]
    ):
        return False  # part of a longer number or a decimal; a sentence's full stop or comma is not
    if _URL_BEFORE.search(text[max(m.start() - 200, 0) : m.start()]):
        return False  # a number inside a link (a video's id: photo.php?v=649251715189979) names a page
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


_NINO_NAMED = re.compile(r"(?i)national insurance|\bnino\b|\bni\s*(?:no\b|number|#|:)|\bn\.i\.")
"""Words that name a UK National Insurance number beside it ("NI number", "National Insurance No.")."""


def _national_id_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    if re.fullmatch(r"\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}|\d{9}", value):
        digits = re.sub(r"\D", "", value)
        value = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
        context = text[max(m.start() - 40, 0) : m.start()].lower()
        return (
            us_ssn_ok(value)
            and value not in ("123-45-6789", "078-05-1120")
            and bool(re.search(r"ssn|social security|soc\.? ?sec|ss#", context))
        )
    if re.fullmatch(r"[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]", value):
        # no checksum: without its name beside it, the shape is as often a part or order code
        around = text[max(m.start() - 40, 0) : m.end() + 20]
        return (
            uk_nino_ok(value)
            and value.replace(" ", "").upper() != "QQ123456C"
            and _NINO_NAMED.search(around) is not None
        )
    return spanish_id_ok(value)


_WELL_KNOWN_IPS = frozenset({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
                             "208.67.222.222", "208.67.220.220", "4.2.2.2", "64.6.64.6"})  # fmt: skip
"""Public DNS resolvers: infrastructure everyone names, not a person's address."""


def _ip_ok(m: re.Match[str], text: str) -> bool:
    value = m.group()
    before = text[max(m.start() - 9, 0) : m.start()].lower()
    if re.search(r"\b(?:v|version|ver\.?)\s*$", before) or re.match(r"\.\d", text[m.end() : m.end() + 2]):
        return False  # a version number ("v 1.2.3.4"; not "Server 81.2.69.160")
    if all(len(part) == 1 for part in value.split(".")):
        return False  # four single digits: a version ("Docker Desktop 2.1.0.1"), a resolver, an example
    if m.start() and text[m.start() - 1] in ".-":
        return False
    if re.search(r"[A-Za-z0-9_+]/$", text[max(m.start() - 2, 0) : m.start()]):
        return False  # a module or package at its version ("libfabric/1.15.2.0"), not a URL's host ("//")
    if _outline_number(value, text):
        return False
    if re.match(r"/\d{1,2}\b", text[m.end() : m.end() + 3]):
        return False  # a network block in CIDR notation ("34.64.0.0/10"): a range, not one host's address
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.is_global and value not in _WELL_KNOWN_IPS


def _outline_number(value: str, text: str) -> bool:
    """Whether a dotted quad is a section number of an outline ("1.2.3.1 Laws" under "1.2.3 History"):
    its parent number stands alone elsewhere in the text."""
    parent = value.rsplit(".", 1)[0]
    return re.search(rf"(?<![\d.]){re.escape(parent)}(?![\d]|\.\d)", text) is not None


def _mask_ip(value: str) -> str:
    return ".".join(value.split(".")[:2]) + ".…"


def _ipv6_ok(m: re.Match[str], text: str) -> bool:
    """A global unicast IPv6 address (2000::/3) written whole, not the documentation range
    (2001:db8::/32), a version, a time or part of a longer run of hex and colons."""
    value = m.group()
    if m.start() and re.match(r"[\w:.]", text[m.start() - 1]):
        return False
    if re.match(r"[\w:]", text[m.end() : m.end() + 1]) or re.match(r"/\d", text[m.end() : m.end() + 2]):
        return False  # a longer token, or a network block in CIDR notation: a range, not a host
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return address.is_global and value.count(":") >= 3


def _mask_ipv6(value: str) -> str:
    return ":".join(value.split(":")[:2]) + ":…"


PERSONAL_DETECTORS: list[Detector] = [
    Detector(
        "email",
        r"\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b",
        _email_ok,
        _mask_email,
        hint="@",
    ),
    Detector(
        "phone",
        r"\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){2,4}\b"
        r"|(?:\b1[ .-])?(?:\(\d{3}\)[ ]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b"
        # national (trunk 0) and Chinese mobiles: no \b, which a Chinese character beside a digit removes;
        # `_national_phone_ok` rejects a letter or digit on either side
        r"|0\d{1,4}(?:[ ./-]?\d{2,4}){2,4}|1[3-9]\d(?:[ -]?\d{4}){2}|\(\d{2}\) ?9?\d{4}-\d{4}\b",
        _phone_ok,
        lambda s: "…" + re.sub(r"\D", "", s)[-2:],
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
        r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b|\b\d{9}\b"
        r"|\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b|\b[XYZ]?\d{7,8}-?[A-Z]\b",
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
    Detector(
        "ip address",
        r"\b[23][0-9a-fA-F]{3}:[0-9a-fA-F:]{2,35}[0-9a-fA-F]\b",
        _ipv6_ok,
        _mask_ipv6,
        in_code=False,
        hint=":",
    ),
]
"""Personal data; each candidate is confirmed by a checksum or a validity rule. E-mail addresses and
phone numbers are read in code too (a customer's address in a fixture or a `send_mail` call is theirs
as much as in prose); IP addresses are not (in code they are servers, not people)."""
PERSONAL_DETECTORS += NATIONAL_ID_DETECTORS
PERSONAL_KINDS = list(dict.fromkeys(d.kind for d in PERSONAL_DETECTORS))
