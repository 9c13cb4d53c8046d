"""Whether a personal value is a task's material rather than someone's, judged from its exchange (PII002).

A value can be well-formed and still expose no one: the sample a format task works on ("extract the
phone number from: My number is 415-..."), the example or made-up data a request asks for, the text
a regular expression is written for, an address converted to binary, a value taken apart as a lesson's
example, a number given beside an address at a documentation domain. Each test reads the prompt, the
reply or the value's sentence (`context.sentence_at`) in any language.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dataqa.checks.pii.context import CONTEXT_CHARS, sentence_at
from dataqa.text.mailboxes import FREE_MAIL_BRANDS

FORMAT_TASK = re.compile(
    r"(?i)\b(?:extract\w*|validat\w*|valid|verif\w*|format\w*|pars\w*|regex\w*|regular expressions?|match\w*"
    r"|mask\w*|redact\w*|anonymi[sz]\w*|detect\w*|recogni[sz]\w*|find all|normali[sz]\w*|convert\w*"
    r"|check (?:if|whether)|is it a valid|mock|fake|dummy|synthetic|sample|invalid|subnet\w*|netmask"
    r"|broadcast|cidr)\b"
    r"|提取|验证|校验|格式|正则|匹配|脱敏|无效|掩码|子网|广播"
)
"""A prompt that works on a value's form (extract, validate, format, match, mask, generate fake
data) or computes with it (a networking exercise's subnet, mask or broadcast address): the values it
hands over are its material, samples rather than someone's data."""
EXAMPLE_REQUEST = re.compile(
    r"(?i)(?<!for )(?<![@./-])\b(?:examples?|samples?|mock\w*|fake|dummy|fictional|fictitious|made[- ]up"
    r"|imaginary|invent\w*|exemples?|fictif|fictive|fictifs|fictives|imaginaire|ejemplos?|fictici\w*|beispiel\w*|fiktiv\w*"
    r"|esempi|esempio|fittizi\w*|exemplos?|fictíci\w*)\b(?![.@-]\w)|示例|例子|样例|举例|虚构|模拟|假数据"
)
"""A prompt that asks for an example, a sample or made-up data ("Donne-moi un exemple de réponse
JSON", "invent a customer record"): the values the reply writes are the example's, no one's. Not
the word inside a name ("boss@example.com", "sample-app") nor "for example", which gives one."""
_KIND_WORDS: dict[str, str] = {
    "email": r"\b(?:e-?mails?|mail address(?:es)?|addresses)\b|邮箱|邮件",
    "phone": r"\b(?:(?:tele)?phones?|mobiles?|cell ?phones?|(?:contact|cell|fax) numbers?)\b|电话|手机|号码",
    "payment card": r"\b(?:cards?|credit|payment|luhn)\b|卡号|信用卡",
    "iban": r"\b(?:iban|account|bank)\b|账号",
    "national id": r"\b(?:ssn|social security|id|identity)\b|身份证",
    "ip address": r"\b(?:ip|ipv4|address|addresses)\b|地址",
}
"""Words by which a prompt names a kind of value, for `FORMAT_TASK` to hold for that kind. "Number"
alone names none: "a regex that matches exactly 3 numbers", "check if a given number is prime" are
about arithmetic, and a phone or card number in their reply is no sample of theirs."""


TASK_REACH = 60
"""Characters after a format verb within which the prompt names the kind it works on ("extract the
phone number", "a regular expression that matches US phone numbers")."""


FORMAT_MASK = re.compile(
    r"(?<![\w#])\(?(?:[xX]{2,4}|#{2,4})\)?(?:[ .-]\(?(?:[xX]{1,4}|#{1,4})\)?){1,4}(?![\w#])"
)
"""A value's shape written with placeholders ("(xxx) xxx-xxxx", "###-##-####", "xxx.xxx.xxx.xxx"), in
any language's prompt: the numbers of the record are the shape filled in, samples of the task."""
MASKED_KINDS = frozenset({"phone", "payment card", "iban", "national id", "ip address"})
"""The kinds written in digits, which a placeholder mask shapes."""
_DOTTED_QUAD = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")


def malformed_ip(prompt: str) -> bool:
    """Whether a prompt holds an IPv4 address with an octet over 255 ("255.256.12.1"): a validity
    exercise puts a wrong one among its samples, whatever the language of its instructions."""
    return any(max(int(g) for g in m.groups()) > 255 for m in _DOTTED_QUAD.finditer(prompt))


_BROKEN_ADDRESS = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@([A-Za-z][A-Za-z0-9-]{2,})\.?(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)
"""An e-mail address whose domain has no top-level part ("jacob.benson@gmail, com", "sam@hotmail.",
"x@gmail"), the provider's name captured."""


def malformed_email(prompt: str) -> bool:
    """Whether a prompt lists an address at a free-mail provider with the top-level part of its domain
    cut off (`_BROKEN_ADDRESS`: "jacob.benson@gmail, com", "sam@hotmail."): the broken entry a
    cleaning or validation exercise hands over, whatever the language of its instructions, as a
    malformed IP is (`malformed_ip`). The provider is named by its brand (`FREE_MAIL_BRANDS`: "gmail",
    "hotmail"), not by any free-mail domain's first label: "list", "live", "139" and "comcast" are words,
    numbers and an ISP a prompt writes after an "@" for other reasons ("@list." of a mailing list).
    Not an address at a domain no one knows ("bobbyboi@gahoo" among the friends a user e-mails), which
    may be the writer's slip."""
    return any(m.group(1).lower() in FREE_MAIL_BRANDS for m in _BROKEN_ADDRESS.finditer(prompt))


def format_task_kinds(prompt: str) -> frozenset[str]:
    """The kinds of value a prompt works on as a format (its samples are material), or none: a verb
    of `FORMAT_TASK` with the kind's word close after it, a placeholder mask of a value's shape
    (`FORMAT_MASK`, for the digit kinds), or a malformed address among its IPs or e-mail addresses
    (`malformed_ip`, `malformed_email`). "Format this customer record: ..." names no kind, so the
    record's values are still someone's."""
    kinds: set[str] = set(MASKED_KINDS) if FORMAT_MASK.search(prompt) else set()
    if malformed_ip(prompt):
        kinds.add("ip address")
    if malformed_email(prompt):
        kinds.add("email")
    for verb in FORMAT_TASK.finditer(prompt):
        reach = prompt[verb.end() : verb.end() + TASK_REACH]
        kinds.update(kind for kind, words in _KIND_WORDS.items() if re.search(rf"(?i){words}", reach))
    return frozenset(kinds)


_ADDRESS_TEMPLATE = re.compile(r"[{<\[][^{}<>\[\]\n]{1,40}[}>\]]@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
"""An address format with slots ("{first_initial}{last_name}@acme.com", "<name>@corp.io")."""


def template_domains(prompt: str) -> frozenset[str]:
    """Domains at which the prompt gives an address format with slots to fill: the addresses a
    record builds there are the format applied to the names it hands over, samples of the task."""
    return frozenset(d.lower().rstrip(".") for d in _ADDRESS_TEMPLATE.findall(prompt))


_REGEX_SYNTAX = re.compile(r"\\\s?[dws]\s?(?:\{\s?\d|[+*?])|\[0-9\]|\[a-zA-Z0-9")
"""A regular expression's own syntax ("\\d{3}", "\\w+", "[0-9]"), also as a translation spaces it
("\\ d {3}")."""


def regex_sample(value: str, exchange: str) -> bool:
    """Whether a regular expression written in the exchange (the request or its reply) matches the
    value: the value is the text the expression is written for or tested on, in any language. Each
    line with a regex's syntax is tried whole and by its words, spaces removed (a translated answer
    spaces its tokens: "\\ (\\ d {3} \\)"), from each of its first opening characters to its end and
    between quotes."""
    for line in exchange.splitlines():
        if not _REGEX_SYNTAX.search(line) or len(line) > 2000:
            continue
        flat = re.sub(r"\s+", "", line)
        starts = [m.start() for m in re.finditer(r"[\\\[(^]", flat)][:6]
        pieces = [*(flat[i:] for i in starts), *re.findall(r"[`\"'/](.+?)[`\"'/]", line)]
        for piece in pieces:
            pattern = re.sub(r"\s+", "", piece).strip("`\"'/^$:.")
            if len(pattern) < 4 or not _REGEX_SYNTAX.search(pattern):
                continue
            try:
                if re.search(pattern, value):
                    return True
            except (re.error, RecursionError, OverflowError):
                continue
    return False


def converted_ip(value: str, reply: str) -> bool:
    """Whether a reply writes the IP address in another notation (binary or hex octets): a
    conversion exercise's answer, so the address is its material."""
    octets = [int(o) for o in value.split(".")] if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", value) else []
    if not octets or max(octets) > 255:
        return False
    flat = re.sub(r"[\s.:]", "", reply).lower()
    return "".join(f"{o:08b}" for o in octets) in flat or "".join(f"{o:02x}" for o in octets) in flat


def bare_answer(text: str, start: int, end: int) -> bool:
    """Whether a message is nothing but the value (and punctuation): a reply that only writes a value
    answers a request to make or reshape one ("Create a phone number", "Format: 9094561234"), in any
    language; a reply that gives someone's number says whose."""
    return not re.search(r"\w", text[:start] + text[end:])


ARITHMETIC = re.compile(r"\d{4,}\s*[-+*/\u00d7\u00f7xX]\s*\d{4,}")
"""Two long numbers with an operator between them ("256626720691 + 1646615806005"): a reply's long
number to such a request is its result, no card."""


ADDRESS_FAMILY = re.compile(r"\bIPv[46]\b", re.I)
"""The name of an IP address's family ("IPv4", "IPv6"), written the same in every language."""


def asked_about_ip(value: str, request: str) -> bool:
    """Whether a request names the address family (`ADDRESS_FAMILY`) and hands the address over after
    its question or colon, closing the request ("Là địa chỉ IPv4 hợp lệ sau đây? 59.187.84.127", "Which
    class is this IPv4 address: ..."): the address is what an exercise asks about, in any language."""
    closing = re.search(rf"[?:\uff1f\uff1a]\s*{re.escape(value)}[\s.!?\u3002]*$", request)
    return closing is not None and ADDRESS_FAMILY.search(request) is not None


def parts_named(value: str, text: str, start: int, end: int) -> bool:
    """Whether the sentence of an e-mail address names its domain again on its own ("the address is
    wyzx@sohu.com; sohu.com is its A. web site B. country C. host D. user name"): the address is taken
    apart as a lesson's example, in any language. Not the domain in another address, in a web address
    ("www.acme.com") or as a quoted field's value ("website": "acme.com")."""
    sentence, at = sentence_at(text, start, end)
    rest = f"{sentence[:at]} {sentence[at + end - start :]}"
    domain = re.escape(value.rsplit("@", 1)[1])
    alone = rf"""(?i)(?<![A-Za-z0-9.@/"'-]){domain}(?![A-Za-z0-9-]|\.[A-Za-z0-9])"""
    return re.search(alone, rest) is not None


def made_up_contact(text: str, start: int, end: int, sample_domain: Callable[[str], bool]) -> bool:
    """Whether a phone number is given with an e-mail address at a documentation or stand-in domain
    (`sample_domain`: example.com, .test) in its sentence, within `CONTEXT_CHARS` of it ("kathyphilip@
    example.com hoặc +1 (790) 998-9545", a profile's "email": "...@example.com", "phone": ...): the
    contact is made up, its number with its address."""
    sentence, at = sentence_at(text, start, end)
    near = sentence[max(at - CONTEXT_CHARS, 0) : at + end - start + CONTEXT_CHARS]
    return any(sample_domain(domain) for domain in _ANY_ADDRESS.findall(near))


_ANY_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
"""An e-mail address, its domain captured."""
