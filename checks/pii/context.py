"""Whether a confirmed personal value is someone's, judged from the text around it (PII002).

A value can be well-formed and still expose no one: the sample a format task works on ("extract
the phone number from: My number is 415-...") and the contact a business or an institution
publishes ("Call us at ...", the desk address beside its own web page). What is left is reported
with the reason it is believed real: the kind of evidence a reviewer asks for first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dataqa.text.personal_data import CHINESE_MOBILE

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
BUSINESS_CONTACT = re.compile(
    r"(?i)\b(?:call|contact|reach|email|e-mail|write to|text|visit|find|follow|phone|message"
    r"|(?:get |be |keep )?in (?:contact|touch) with) us\b"
    r"|\bour (?:office|offices|team|store|shop|website|site|hotline|number|phone|telephone|fax|reception"
    r"|front desk|customer service|support|address|email|inbox)\b|\b(?:customer service|customer care|hotline"
    r"|toll[- ]free|reservations?|bookings?|opening hours|business hours|open (?:daily|monday|mon)"
    r"|for (?:more |further )?(?:[a-z]+ )?(?:information|info|details|enquiries|inquiries|questions)"
    r"|box office|headquarters|registrant(?:'s|\u2019s)? (?:tele)?phone"
    r"|principal (?:executive |business )?offices?"
    r"|appointments?|(?:press|main|front|box|head|sales|ticket|admissions|district|field|branch)"
    r" office|anyone with (?:any )?information)\b"
    r"|联系我们|聯繫我們|咨询(?:电话|热线)|欢迎(?:来电)?咨询|热线|客服|预订(?:电话|热线)"
    r"|详情请?(?:咨询|致电|联系|拨打)"
)
"""Words around a phone number or address that a business or institution publishes for anyone to use
(a company filing's cover page prints "principal executive offices" and "Registrant's telephone number";
a news item's appeal, "anyone with information ... can call", prints an investigator's line for the public).
The Chinese ones are whole phrases ("咨询电话", "详情请致电"): 咨询 alone is also in 心理咨询师, a
counsellor, and 详情 in any "details"."""
INSTITUTION_LINE = re.compile(
    r"(?:\b(?:Office|Department|Dept\.?|Police|Constabulary|Sheriff|Agency|Authority"
    r"|Bureau|Commission|Council|Ministry|Embassy|Consulate|Court|Services?|Cent(?:er|re)|Hospital|Clinic"
    r"|University|College|School|Library|Museum|Foundation|Association|Society|Trust|Institute|Board"
    r"|Administration|Hotline|Helpline|Lifeline|Stoppers|Company|Co\.|Corp\.?|Corporation|Inc\.?|LLC|Ltd\.?"
    r"|Limited|Group|Solutions|Associates|Enterprises|Industries|Experts|Specialists|Contractors)"
    r"(?:\s+[A-Z][\w&\u2019'-]*){0,2}|\b(?:the )?police"
    r"|\b(?i:attorney general|senator|congress(?:man|woman|person)|governor|mayor))"
    r"(?:'s|\u2019s)?(?:\s+a\s+(?:call|ring))?\s*(?:at|on|:|,|\.|-|\u2013)?\s*(?:tel\.?|phone)?\s*\(?\s*$"
)
"""The end of the text just before a number that the text gives as an institution's or a firm's line:
"contact the Wilson County Sheriff's Office at", "call Crime Stoppers on", "ring the police on" (news
items and public notices print these for anyone to call), "give McKinley Heating Service Experts a call
at" (a firm's name, up to two words after the word that makes it one, in its own advertisement), "Call
your attorney general. 615-..." (an official's office line, as a call to action prints it)."""
WE_REPLY = re.compile(r"(?i)\bwe(?:'ll|\u2019ll| will| shall)\b[^.!?\n]{0,60}\byou\b")
"""Words after a number or address in which its owner answers the reader as "we" ("write to ... We'll
check our possibilities and inform you", "email ... and we will get back to you"): an organisation's
published contact, a business's reply promise."""
SALES_CONTACT = re.compile(
    r"(?i)\b(?:pre[- ]?orders?|(?<!in )(?<!the )(?<!your )(?<!my )(?<!our )orders?"
    r" (?:now|today|here|via|by|at|through|on)|to order"
    r"|(?:need|get|buy|want|grab|book|for) (?:your |the |some )?tickets?"
    r"|tickets? (?:available|on sale|from|via)"
    r"|guest ?list|rsvp|(?:text|txt) (?:your |ur )?names? to|for sale|on sale"
    r"|(?:book|buy|shop) (?:now|online|today|here)"
    r"|free (?:shipping|delivery)|wholesale|resellers?)\b"
)
"""Words of an advertisement around a number or address it gives to order, book or buy through ("Pre
Order ... SMS/WA 0812...", "Need tickets? Call ...", "text ... to get on the guest list", "TxT Names to ..."):
a seller's or promoter's published line. Looked for further back than `CONTEXT_CHARS` (`SALES_REACH`), as an
advertisement names its offer first and its number last, and never where the words just before the
value make it someone's own ("call me at", "my number"). Tickets and orders count as the offer ("need
tickets", "tickets on sale", "order now"), not as things a text talks about ("a ferry ticket", "your
order at first")."""
PRICE = re.compile(
    r"(?:[$\u20ac\u00a3\u00a5\u20b9\u20a9\u20b1\u0e3f\u20ab]\s?\d|\b(?:USD|EUR|GBP|IDR|Rp|RM|INR|CNY|RMB|JPY|PHP"
    r"|MYR|SGD|THB|VND|AUD|CAD|NGN|KES|ZAR|BRL|MXN)\.?\s?\d|\d\s?(?:USD|EUR|IDR|VND|\u20ac|\u20ab|\u5143|\u5186)(?!\w))"
)
"""A price: a currency's sign or code beside an amount ("IDR 175rb", "$25", "45 €", "99元"). A price
before a number in its sentence makes the text an advertisement and the number its seller's line
("jaket MU ... IDR 175rb PIN 32783FC8 SMS 0819..."), in any language."""
SALES_REACH = 160
"""Characters before a value within which an advertisement's words make it a seller's line."""
VISITED = (
    r"restaurants?|hotels?|motels?|hostels?|resorts?|salons?|spas?|barber(?:shop)?s?|venues?|pubs?"
    r"|caf[eé]s?|bakery|bakeries|cinemas?|theat(?:er|re)s?|museums?|galler(?:y|ies)|gyms?|clinics?"
    r"|dentists?|pharmac(?:y|ies)|hospitals?"
)
"""Kinds of place one visits, whose number a guide, a directory or a booking agent reads out."""
VENUE = (
    rf"(?:{VISITED}|shops?|stores?|boutiques?|studios?|airlines?|agenc(?:y|ies)|dealerships?|garages?"
    r"|attractions?|librar(?:y|ies)|banks?|business(?:es)?|compan(?:y|ies)|propert(?:y|ies)|apartments?)"
)
"""Places and businesses a number can be named as the line of ("the company's number")."""
PLACE = (
    rf"(?:{VISITED}|eating places?|reservations?|(?:places?|somewhere) (?:to|for) (?:\w+ ){{0,3}}"
    r"(?:eat|dine|stay|meal)|(?:book|reserve)\w* (?:a |the )?(?:table|room)s?)"
)
"""What a conversation about a place one visits says: its kind (not "company" or "agency", which talk
about anyone names: "government agencies"), a table or room reserved there, somewhere to eat or stay."""
ASKS_OWN_NUMBER = re.compile(
    r"(?i)\b(?:home|cell|mobile|personal|private)(?: ?phone)? numbers?\b|\bcell ?phones?\b"
)
"""A conversation that asks for someone's own number ("is the home phone number available?"): a number
its reply gives is that person's, whatever place the talk also names."""
VENUE_WORD = re.compile(rf"(?i)\b{PLACE}\b")
VENUE_LINE = re.compile(
    rf"(?i)\b{VENUE}(?:'s|\u2019s)?\s+(?:(?:main|front desk|phone|telephone|contact|booking)\s+)*"
    rf"(?:number|line)\b"
    rf"|\b(?:phone|telephone|contact)\s+(?:number|line)\s+(?:of|for|at)\s+(?:the|this|that|a|your)\s+{VENUE}\b"
)
"""A number named as a place's ("the restaurant's phone number is", "the number for the hotel")."""
OWN_WORDS = r"my|me|mine|his|her|cell|mobile|personal|home|private"
OWN_CUE = re.compile(rf"(?i)\b(?:{OWN_WORDS})\b|我的|他的|她的|手机")
"""Words just before a number that make it a person's own, whatever the talk is about ("the
manager's personal cell"); unlike `_PERSONAL_CUE`, not "their", which names a place as often."""
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "ymail.com", "hotmail.com",
        "hotmail.co.uk", "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "protonmail.com", "proton.me", "gmx.de", "gmx.net", "gmx.com", "web.de", "mail.ru", "yandex.ru",
        "qq.com", "163.com", "126.com", "sina.com", "sohu.com", "naver.com", "hanmail.net", "libero.it",
        "orange.fr", "free.fr", "t-online.de", "rediffmail.com", "zoho.com", "fastmail.com", "tutanota.com",
    }
)  # fmt: skip
"""Free-mail providers: an address there is an individual's own mailbox."""
_URL_HOST = re.compile(r"(?i)(?:https?://|www\.)([a-z0-9.-]+\.[a-z]{2,24})")
_PERSONAL_CUE = re.compile(rf"(?i)\b(?:{OWN_WORDS}|their)\b|我的|他的|她的|手机")
CONTEXT_CHARS = 80
"""Characters on each side of a value that say whose it is."""
WHY: dict[str, str] = {
    "payment card": "passes the Luhn check with a card issuer's prefix",
    "iban": "its mod-97 check digits are right",
    "national id": "its check letter, or its name beside it (SSN, National Insurance number), confirms it",
    "ip address": "a public address, not a private, reserved or resolver one",
}
"""Why a value of a checksummed kind is believed real (the validators of `personal_data`)."""


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
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]+@([A-Za-z][A-Za-z0-9-]{2,})\.?(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)
"""An e-mail address whose domain has no top-level part ("jacob.benson@gmail, com", "sam@hotmail."),
the provider's name captured."""


def malformed_email(prompt: str) -> bool:
    """Whether a prompt lists an address at a free-mail provider with the top-level part of its domain
    cut off (`_BROKEN_ADDRESS`: "jacob.benson@gmail, com", "sam@hotmail."): the broken entry a
    cleaning or validation exercise hands over, whatever the language of its instructions, as a
    malformed IP is (`malformed_ip`). Not an address at a domain no one knows ("bobbyboi@gahoo" among
    the friends a user e-mails), which may be the writer's slip."""
    providers = {domain.split(".", 1)[0] for domain in FREE_MAIL}
    return any(m.group(1).lower() in providers for m in _BROKEN_ADDRESS.finditer(prompt))


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


_SECOND_LEVEL = frozenset(
    {"co", "com", "ac", "gov", "org", "net", "edu", "ne", "or", "go", "gob", "nic", "ltd"}
)
"""Second-level labels under a country code ("bbc.co.uk", "uni.ac.jp") that no one registers alone."""


def _registered(host: str) -> str:
    """The registered domain of a host: its last two labels, three under a country code's shared second
    level ("www.ucc.ie" -> "ucc.ie", "news.bbc.co.uk" -> "bbc.co.uk")."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


FAX_LINE = re.compile(
    r"(?i)\b(?:fax|facsimile|telecopier|telecopy)(?:\s*(?:no\.?|number|#))?\s*[:.]?\s*\(?\s*$"
)
"""The end of the text just before a number labelled as a fax line ("Fax: ", "Facsimile No. "): an
office's line, as contracts' notice clauses and letterheads print them."""


BESIDE_ADDRESS = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9.-]+\.[A-Za-z]{2,24})\s*(?:,|/|or|and)?\s*(?:(?:tel|phone)\W{0,3})?$"
)
"""An e-mail address just before a phone number, the two given as one contact ("contact Wendy Rall at
woof@rescuedtails.com or 951-..."): the number is published where the address is."""


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|[\n\u3002\uff01\uff1f]")
"""Where a sentence ends: a full stop, question or exclamation mark before a space (not "e.g" inside a
word, nor a number's "."), a Chinese one, or a line break."""


SENTENCE_REACH = 400
"""Characters on each side of a value within which its sentence is looked for (a longer run without a
full stop is cut there): a long message with many numbers is read once around each, not whole."""


def sentence_at(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence that holds `text[start:end]` (at most `SENTENCE_REACH` characters on each side),
    and where the value starts in it."""
    reach = max(start - SENTENCE_REACH, 0)
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, reach, start)), default=reach)
    stop = _SENTENCE_END.search(text, end, end + SENTENCE_REACH)
    return text[begin : stop.end() if stop else min(end + SENTENCE_REACH, len(text))], start - begin


def _until_sentence_end(text: str, end: int) -> str:
    """Up to `CONTEXT_CHARS` of the text after a value, cut where its sentence ends: what the next
    sentence says ("... thanks. Chicago is up next in our Team Talk series") is about something else."""
    after = text[end : end + CONTEXT_CHARS]
    stop = _SENTENCE_END.search(after)
    return after[: stop.end()] if stop else after


TOLL_FREE = re.compile(r"1?8(?:00|33|44|55|66|77|88)[2-9]\d{6}")
"""A North American toll-free number ("1-800-222-1222", "(888) ..."): the caller does not pay, so
only businesses and institutions hold one; no one's private line."""


def published(kind: str, value: str, text: str, start: int, end: int) -> bool:
    """Whether a phone number or address is one a business or institution publishes: named as how to
    reach "us", as a desk, a hotline or a firm's line, as a place's number, followed by "we will ...
    you", as an advertisement's line to order through, an address at the domain of a web page the
    text cites, or a number given beside such an address. Words after the value count up to the end
    of its sentence."""
    if kind not in ("email", "phone"):
        return False
    if (
        kind == "phone"
        and TOLL_FREE.fullmatch(re.sub(r"\D", "", value))
        and not CHINESE_MOBILE.fullmatch(value)  # a toll-free number's digits, grouped as a Chinese mobile
    ):
        return True
    around = text[max(start - CONTEXT_CHARS, 0) : end] + _until_sentence_end(text, end)
    if BUSINESS_CONTACT.search(around):
        return True
    before = text[max(start - CONTEXT_CHARS, 0) : start]
    just_before = before[-CONTEXT_CHARS // 2 :]
    if kind == "phone" and (INSTITUTION_LINE.search(before) or FAX_LINE.search(before)):
        return True
    own = OWN_CUE.search(just_before) is not None  # "call me at", "my number": a person's own
    if kind == "phone" and VENUE_LINE.search(around) and not own:
        return True
    if not own and WE_REPLY.search(text[end : end + SALES_REACH]):
        return True
    if kind == "phone" and not own and (beside := BESIDE_ADDRESS.search(before)):
        at = start - len(beside.group())
        if published("email", beside.group(1), text, at, at + len(beside.group(1))):
            return True
    sentence, at = sentence_at(text, start, end)
    offered = SALES_CONTACT.search(
        text[max(start - SALES_REACH, 0) : end] + _until_sentence_end(text, end)
    ) or PRICE.search(sentence[max(at - SALES_REACH, 0) : at])
    if offered and not _PERSONAL_CUE.search(just_before):
        return True
    if kind == "email":
        domain = _registered(value.rsplit("@", 1)[1])
        return any(_registered(host) == domain for host in _URL_HOST.findall(text))
    return False


def number_run(value: str, text: str) -> bool:
    """Whether a phone number is one of a run of consecutive numbers the text lists (a number block,
    as reverse-lookup and directory pages enumerate "213-484-0480", "-0481", "-0482" ...): a listing
    of numbers, no one's contact. Two of the four nearest numbers, written the same way, must be in
    the text: an office's line beside its fax one digit apart is no run."""
    last = re.search(r"\d{2,4}$", value)
    if last is None:
        return False
    width, number = len(last.group()), int(last.group())
    listed = 0
    for other in (number - 2, number - 1, number + 1, number + 2):
        if 0 <= other < 10**width and value[: last.start()] + str(other).zfill(width) in text:
            listed += 1
    return listed >= 2


PERSON_CUE = re.compile(
    r"(?i)\b(?:customer|client|patient|tenant|applicant|candidate|caller|employee|student|buyer)s?(?:'s|\u2019s)?\b"
)
"""A person a number is named as the line of, just before it ("reach the customer via", "the patient's
number"): no place's listing, whatever place the conversation names."""
THIRD_PARTY = re.compile(r"(?i)\b(?:they|them|their|there)\b")
"""Words by which a reply or a request names the place it talks about ("call them on", "their number",
"the number there")."""
_NUMBER_NOUN = (
    r"\s+(?:(?!(?:an?|the)\b)[\w-]+\s+){0,3}?"
    r"(?:(?:tele)?phones?|contacts?|cells?|mobiles?|numbers?(?!\s+of\b))\b"
)
"""A number's noun after its determiner and up to three words ("the address and contact number"); not
"the number of tools", a count."""
NUMBER_ASKED = re.compile(
    rf"(?i)\b(?:the|their|its){_NUMBER_NOUN}|\b(?:call|reach|ring|dial|contact)\s+(?:them|there)\b"
    rf"|\bnumbers?\s+(?:of|for|at)\s+(?:the|that|this)\s+{VENUE}"
)
"""A request for the number of the thing the talk is about, or theirs ("tell me the phone number", "what's
their contact?", "how can I contact them?", "the number of the restaurant"), not a person's ("his
number", "Ann's cell")."""
SOMEONES_NUMBER = re.compile(rf"(?i)\b(?:my|his|her|your){_NUMBER_NOUN}")
"""A request for a person's own number ("what is her phone number?", "give me your cell")."""


QUESTION_CHARS = 400
"""The longest request read as a dialogue's question; a longer one is a task that quotes a document or
tool schemas ("the second a number that is the maximum", "the phone number of the recipient"), whose
words ask nothing of the reply."""


ORGANISATION_NAME = re.compile(
    r"\b(?:[A-Z][\w&'.-]*[ ]+){0,3}(?:Bank|Banco|Banque|Bancorp|Hotels?|H\u00f4tel|Resorts?|Restaurants?"
    r"|Airlines?|Airways|Hospital|Clinic|University|College|Museum|Library|Insurance|Motors|Company"
    r"|Corporation|Corp\.?|Inc\.?|LLC|Ltd\.?|GmbH)\b(?:[ ]+(?:of|de|du|der|di|del)(?:[ ]+[A-Z][\w&'-]*)+)?"
)
"""An organisation's proper name: capitalised words with a word that makes them a firm or an
institution ("Bank of America", "Hilton Hotel", "Acme Corp."), left as they are in any language's
text."""


def organisation_asked(request: str, reply: str) -> bool:
    """Whether a request names an organisation by its proper name (`ORGANISATION_NAME`, two words at
    least: "Bank of America", not "the bank") and the reply names it too: the reply tells about that
    organisation ("Tên ngân hàng: Bank of America" -> "Chi nhánh Bank of America New York ... số điện
    thoại của nó là ..."), so a number it gives is the organisation's line."""
    names = {m.group().strip() for m in ORGANISATION_NAME.finditer(request)}
    return any(" " in name and name in reply for name in names)


def read_out_listing(text: str, start: int, end: int, request: str) -> bool:
    """Whether a phone number a reply gives is a place's listing, read out (`VENUE_WORD`: a restaurant,
    a hotel, a table booked): in booking and directory dialogues the agent gives "their number" when
    asked. Only the reply's own sentence and the request it answers say so, never another turn: its
    sentence names a place, or the request names an organisation the reply talks about
    (`organisation_asked`), or names "them" in a line or after a request that names a place ("Which
    restaurant is good?" -> "Try Luigi's. You can call them on ..."), or the request asks for a
    place's, their or "the" number ("what's their phone number?" -> "It is 707-585-9069."). The
    request is the user's turn the reply answers, without the system prompt. A number
    named as a person's just before it (`OWN_CUE`, `PERSON_CUE`: "her personal cell", "the customer's
    line"), or a request or sentence for someone's own number (`ASKS_OWN_NUMBER`, `SOMEONES_NUMBER`),
    is no listing."""
    sentence, at = sentence_at(text, start, end)
    near = sentence[:at][-CONTEXT_CHARS // 2 :]
    if (
        OWN_CUE.search(near)
        or PERSON_CUE.search(near)
        or ASKS_OWN_NUMBER.search(f"{sentence}\n{request}")
        or SOMEONES_NUMBER.search(request)
    ):
        return False
    if VENUE_WORD.search(sentence) or organisation_asked(request, text):
        return True
    stop = text.find("\n", end)
    line = text[text.rfind("\n", 0, start) + 1 : stop if stop >= 0 else len(text)]
    question = request if len(request) <= QUESTION_CHARS else ""
    if THIRD_PARTY.search(sentence) and (VENUE_WORD.search(line) or VENUE_WORD.search(question)):
        return True
    return NUMBER_ASKED.search(question) is not None


_FIELD_KEY = re.compile(r"""(?:[{,]\s*\\*["']|^[ \t-]*)([A-Za-z][A-Za-z0-9_ ]{0,40}?)\\*["']?\s*:""", re.M)
"""A field's name in a tool's result: a JSON or Python key (escaped or not), or a "Name:" line."""
ORGANISATION_FIELD = re.compile(
    r"(?:web_?site|homepage|rating|ratings|reviews?|review_count|stars|categor(?:y|ies)|cuisine"
    r"|opening_hours|hours|open_now|price_level|price_range|amenities|place_id|business_status"
    r"|industry|headquarters|founded|year_founded|employees_count)"
)
"""Field names of a record about a business or an organisation itself: its web site, rating, category,
opening hours ("website", "rating", "opening_hours"). Not "company" or "hotel", which a person's
record (a contact's employer) or a booking (the guest's hotel) holds as well."""
PERSON_FIELD = re.compile(
    r"(?:first_?name|last_?name|given_?name|family_?name|middle_?name|surname|full_?name|user_?name|user"
    r"|user_?id|login|birth\w*|\w*_?birthday|dob|date_of_birth|gender|sex|age|ssn|nationality|marital\w*"
    r"|guests?|guest_\w+|customers?|customer_\w+|clients?|patients?|passengers?|employee|spouse|profile"
    r"|account_holder|job_title|position|department|reservation_name|booked_by|contact_person)"
)
"""Field names of a record about a person: a user's profile, a contact's job, a guest or a customer
("first_name", "username", "job_title", "guest")."""


def organisation_listing(text: str) -> bool:
    """Whether a tool's result lists businesses or organisations: a field of one (`ORGANISATION_FIELD`:
    a web site, a rating, opening hours) and none of a person's (`PERSON_FIELD`). A directory or
    search API's public record of a shop, a hotel or a company gives that business's line and desk
    address; a tool that returns a user's profile, or a booking with its guest, gives a person's."""
    fields = {_snake(m.group(1)) for m in _FIELD_KEY.finditer(text)}
    return any(ORGANISATION_FIELD.fullmatch(f) for f in fields) and not any(
        PERSON_FIELD.fullmatch(f) for f in fields
    )


_FIELD_VALUE = re.compile(r"""[:=,\[]\s*\\*["']?\s*\+?$""")
"""The end of the text just before a field's value ("phone": "...", 'email': '...', "Phone: ...")."""


def field_value(text: str, start: int) -> bool:
    """Whether the value at `start` is a field's value in a record, not a sentence's word: a listing's
    fields are the business's, a line someone wrote into the result ("reach me at ...") is not."""
    return _FIELD_VALUE.search(text, max(start - 8, 0), start) is not None


def _snake(name: str) -> str:
    """A field name in lower snake case ("codePostal" -> "code_postal", "Open Now" -> "open_now")."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[ -]+", "_", name.strip()).lower()


def why_real(kind: str, value: str, text: str, start: int, end: int) -> str:
    """A short reason a value that passed every test is believed to be a real person's."""
    if kind in WHY:
        return WHY[kind]
    around = text[max(start - CONTEXT_CHARS // 2, 0) : end + 10]
    cue = _PERSONAL_CUE.search(around)
    if kind == "email":
        domain = value.rsplit("@", 1)[1].lower()
        if domain in FREE_MAIL:
            return "a personal mailbox at a free-mail provider"
        if re.fullmatch(r"[A-Za-z]{2,}[._][A-Za-z]{2,}\d{0,4}", value.rsplit("@", 1)[0]):
            return "a person's name as the mailbox (first.last), not a role or desk"
        return "a mailbox that is no role, desk, sample or documentation address"
    if cue:
        return "given as a person's own number"
    return "a dialable number, not given as a business's or as a format task's sample"


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
