"""Whether a personal value is a contact a business or an institution publishes for anyone (PII002).

A phone number or address can be real and still be no one's private data: "Call us at ...", a desk,
a hotline or a firm's line, an advertisement's number to order through, a toll-free number, the address
at the domain of the web page the text cites (`published`); a run of consecutive numbers a directory
page enumerates (`number_run`); the number of a restaurant or a hotel an agent reads out in a booking
dialogue (`read_out_listing`); a directory tool's record of a business (`organisation_listing`,
`field_value`). Words that make the value a person's own (`context.OWN_CUE`: "my number", "her personal
cell") hold against the place a conversation names.
"""

from __future__ import annotations

import re

from dataqa.checks.pii.context import CONTEXT_CHARS, OWN_CUE, PERSONAL_CUE, sentence_at, until_sentence_end
from dataqa.text.mailboxes import free_mail
from dataqa.text.personal_data import CHINESE_MOBILE

BUSINESS_CONTACT = re.compile(
    r"(?i)\b(?:call|contact|reach|email|e-mail|write to|text|visit|find|follow|phone|message"
    r"|(?:get |be |keep )?in (?:contact|touch) with) us\b"
    r"|\bour (?:office|offices|team|store|shop|website|site|hotline|number|phone|telephone|fax|reception"
    r"|front desk|customer service|support|address|email|inbox)\b|\b(?:customer service|customer care|hotline"
    r"|toll[- ]free|reservations?|bookings?|opening hours|business hours|open (?:daily|monday|mon)"
    r"|for (?:more |further )?(?:[a-z]+ )?(?:information|info|details|enquiries|inquiries|questions)"
    r"|(?:serious |all |any |general |business |press |media )?(?:enquiries|inquiries)"
    r"|box office|headquarters|switchboard|registrant(?:'s|\u2019s)? (?:tele)?phone"
    r"|principal (?:executive |business )?offices?"
    r"|appointments?|(?:press|main|front|box|head|sales|ticket|admissions|district|field|branch)"
    r" office|anyone with (?:any )?information)\b"
    r"|联系我们|聯繫我們|咨询(?:电话|热线)|欢迎(?:来电)?咨询|热线|客服|预订(?:电话|热线)"
    r"|详情请?(?:咨询|致电|联系|拨打)"
    r"|\b(?:assistenza clienti|servizio clienti|contattaci|contatta(?:re)? l['\u2019]assistenza"
    r"|atenci[oó]n al cliente|servicio al cliente|cont[aá]ctanos|service client(?:s|èle)?|contactez[- ]nous"
    r"|kundenservice|kundendienst|kontaktieren sie uns|atendimento ao cliente|fale conosco)\b"
    r"|(?:\bsend (?:us |in )?your (?:photos|pictures|images|videos|stories|questions|comments|views|tips"
    r"|letters)\b(?! to (?:me|my)\b))"
)
"""Words around a phone number or address that a business or institution publishes for anyone to use
(a company filing's cover page prints "principal executive offices" and "Registrant's telephone number";
a news item's appeal, "anyone with information ... can call", prints an investigator's line for the public).
An invitation of inquiries ("only serious inquiries please! <mailbox>", a festival calling for
volunteers) publishes the contact for anyone. A switchboard is an organisation's exchange ("call the
Department of State switchboard at ..."), no private person's. The Chinese ones are whole phrases ("咨询电话",
"详情请致电"): 咨询 alone is also in 心理咨询师, a counsellor, and 详情 in any "details". A business's
customer service and "contact us" in Italian, Spanish, French, German and Portuguese ("contatta
l'assistenza", "servicio al cliente", "contactez-nous", "Kundenservice", "fale conosco") are the same
words in other languages (real-data shape: a classifieds site's FAQ, "contatta l'assistenza a te
dedicata, scrivendo a pro@subito.it"). A call for submissions ("Send your photos to
scotlandpictures@bbc.co.uk", a news article's) publishes the mailbox too; "send your photos to me at"
gives one's own."""
VISITED = (
    r"restaurants?|hotels?|motels?|hostels?|resorts?|salons?|spas?|barber(?:shop)?s?|venues?|pubs?"
    r"|caf[eé]s?|bakery|bakeries|cinemas?|theat(?:er|re)s?|museums?|galler(?:y|ies)|gyms?|clinics?"
    r"|dentists?|pharmac(?:y|ies)|hospitals?"
)
"""Kinds of place one visits, whose number a guide, a directory or a booking agent reads out."""
INSTITUTION_LINE = re.compile(
    r"(?:\b(?:Office|Department|Dept\.?|Police|Constabulary|Sheriff|Agency|Authority"
    r"|Bureau|Commission|Council|Ministry|Embassy|Consulate|Court|Services?|Cent(?:er|re)|Hospital|Clinic"
    r"|University|College|School|Library|Museum|Foundation|Association|Society|Trust|Institute|Board"
    r"|Administration|Hotline|Helpline|Lifeline|Stoppers|Company|Co\.|Corp\.?|Corporation|Inc\.?|LLC|Ltd\.?"
    r"|Limited|Group|Solutions|Associates|Enterprises|Industries|Experts|Specialists|Contractors)"
    r"(?:\s+[A-Z][\w&\u2019'-]*){0,2}|\b(?:the )?police"
    r"|\b(?i:attorney general|senator|congress(?:man|woman|person)|governor|mayor)"
    rf"|\b(?i:{VISITED}))"
    r"(?:'s|\u2019s)?(?:\s+a\s+(?:call|ring))?(?:\s*(?:&#?\w+;|[\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff]))*"
    r"\s*(?:at|on|:|,|\.|-|\u2013)?\s*(?:tel\.?|phone)?\s*\(?\s*$"
)
"""The end of the text just before a number that the text gives as an institution's or a firm's line:
"contact the Wilson County Sheriff's Office at", "call Crime Stoppers on", "ring the police on" (news
items and public notices print these for anyone to call), "give McKinley Heating Service Experts a call
at" (a firm's name, up to two words after the word that makes it one, in its own advertisement), "Call
your attorney general. 615-..." (an official's office line, as a call to action prints it), a place one
visits named right before its number ("TOP RATED SPA ★718-...", an advertisement's). A symbol or an HTML
character reference between name and number ("★", "☎", "&#9733;") parts them as a colon does."""
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
AROUND_THE_CLOCK = re.compile(r"(?<![\d/])24\s?(?:/|x|\u00d7)\s?(?:7|365)(?![\d/])|(?<!\d)365\s?/\s?24(?!\d)")
"""Service hours around the clock ("24/7", "24x7", "24/365"), written so in any language: a desk, a shop
or a hotline's line ("অর্ডার করার জন্য 24/7 কল বা SMS করুন", order 24/7 by call or SMS), no private
person's. Not a date ("24/7/2019"), whose digits run on."""
SALES_REACH = 160
"""Characters before a value within which an advertisement's words make it a seller's line."""
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
_URL_HOST = re.compile(r"(?i)(?:https?://|www\.)([a-z0-9.-]+\.[a-z]{2,24})")
"""A web address the text cites, its host captured (an address at its domain is the site's own)."""


_PAGE_LINK = re.compile(r"(?i)\s{0,3}(?:https?://|www\.)([a-z0-9.-]+\.[a-z]{2,24})/[^\s/]+")
"""A link to a web page (a host and a path) that starts right after a number, as a page's or a shop's
post gives its line and its page together ("... למספר 058-... https://www.facebook.com/pages/..."): the
number is that page's contact, not a private person's, in any language."""
SHORT_LINKS = frozenset(
    {"t.co", "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "lnkd.in", "fb.me", "dlvr.it",
     "ift.tt", "youtu.be", "tiny.cc", "rb.gy", "cutt.ly", "shorturl.at", "trib.al"}
)  # fmt: skip
"""Link shorteners, which a tweet's client appends to any post (its photo, a quoted tweet): they name no
page, so a number before one is read as any other."""


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
FAX_AFTER = re.compile(
    r"(?i)[^\n]{0,40}?\b(?:fax|facsimile|telecopier|telecopy)(?:\s*(?:no\.?|number|#))?\s*[:.]?\s*\(?\+?\d"
)
"""A fax number further along a phone number's line ("Phone +91-11-2301..., 2301... Fax +91-11-..."):
the phone is that office's too, as a letterhead or an address block gives the two together; no one
lists a fax beside their own mobile."""


BESIDE_ADDRESS = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9.-]+\.[A-Za-z]{2,24})\s*(?:,|/|or|and|o|oppure|e|y|ou|et|oder|und)?"
    r"\s*(?:(?:by )?(?:calling|chiamando|llamando|appelant|ligando|anrufen)\s+(?:(?:the|il|al|el|le|o|a)\s+)?"
    r"(?:number|numero|número|numéro|nummer)?\s*)?(?:(?:tel|phone|telefono|teléfono|téléphone|telefon)\W{0,3})?$"
)
"""An e-mail address just before a phone number, the two given as one contact ("contact Wendy Rall at
woof@rescuedtails.com or 951-...", "scrivendo a pro@... o chiamando il numero 02..."): the number is
published where the address is."""


_SIGN_OFF = re.compile(
    r"(?:^|[.!?\u0964\u0965\u06d4\u3002\uff01\uff1f]\s*)[^\s\d:\uff1a.!?\u0964()\[\]]+\s?[:\uff1a\u0983]\s*$",
    re.M,
)
"""A sentence of one word and a colon just before a number ("Contact: ", "Informes: ", Bengali
"যোগাযোগঃ", whose writers use the visarga as a colon): a label standing alone, not "My number:" nor
a bracket's "(details: ...)"."""
_SENTENCE_MARK = re.compile(r"[.!?\u0964\u0965\u06d4\u3002\uff01\uff1f](?=\D)")
"""The end of a sentence in any script: a full stop, a question or exclamation mark, the Devanagari
and Bengali danda, the Urdu and the Chinese full stop (not a decimal point)."""
NOTICE_SENTENCES = 3
"""Sentences a text must have before its closing contact line to be a notice (an advertisement, a
flyer, an announcement), not a comment."""


def signed_notice(text: str, start: int, end: int) -> bool:
    """Whether a number closes a text of several sentences under a one-word label ("... ২৮ দিন। ...
    পারবে। যোগাযোগঃ01731...", "... Plazas limitadas. Informes: +34 ..."): a notice or advertisement
    signs off with its contact line so, for anyone to call; a person gives their own number in a
    sentence ("my number is ..."). Read by shape alone (the label's colon, nothing after the number,
    `NOTICE_SENTENCES` before it), so it holds in any language."""
    if text[end:].strip(" \t\r\n.!'\"\u201d\u2019)]"):
        return False
    label = _SIGN_OFF.search(text, max(start - 40, 0), start)
    if label is None:
        return False
    return len(_SENTENCE_MARK.findall(text, max(label.start() - 2000, 0), label.end())) >= NOTICE_SENTENCES


READER_REACH = re.compile(
    r"(?i)(?:(?:^|[.!?:]\s+|\n)\s*(?:to\s+)?(?:reach|contact)|\b(?:you|readers)\s+(?:can|may)\s+(?:reach|contact)"
    r"|\bcan\s+be\s+(?:reached|contacted))\b(?![^.!?]{0,80}\b(?:me|my|I)\b)"
)
"""An invitation to the reader to reach someone named, opening its sentence or addressed to "you" ("To
reach John A. Dvorak, who covers Kansas, call ...", "You can reach George Hunter at ...", "Reach her at
...", "Hunter can be reached at ..."), not the writer ("reach me at") nor someone's wish ("I need to
contact John at ...")."""
WORK_MAILBOX = re.compile(r"\b[\w.+-]+@([\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24})\b")
"""A mailbox, its domain captured (an organisation's when it is no free-mail provider's)."""
REACH_SPAN = 200
"""Characters before a value within which an invitation to reach someone opens its contact line."""
_LINE_BREAK = re.compile(r"\n|(?<!\b[A-Z])(?<!\bMrs)(?<!\bMr)(?<!\bMs)(?<!\bDr)[.!?](?=\s)")
"""The end of a sentence inside a contact line, but for a name's initial or title ("John A.", "Mr.")."""


def staff_contact(text: str, start: int, end: int) -> bool:
    """Whether a phone number or address is part of a contact line that invites readers to reach a
    named person and gives a mailbox at an organisation's domain: "To reach reporter X, call ... or
    e-mail x@paper.com", as a publication prints for its staff. The invitation opens the line within
    `REACH_SPAN` before the value (a name's initial, "John A. Dvorak", is no sentence end to it), and
    the line runs to the end of the value's sentence; a free-mail mailbox is no work one, so a
    person's own contact ("reach her at ... or jane@gmail.com") still counts. Read in the text a
    record gives, never in a reply: a reply's "you can reach him at ..." hands out someone's
    contact, it prints no publication's footer."""
    invites = list(READER_REACH.finditer(text, max(start - REACH_SPAN, 0), start))
    if not invites:
        return False
    if _LINE_BREAK.search(text, invites[-1].end(), start):
        return False  # the invitation is another sentence's
    line = text[invites[-1].start() : end] + until_sentence_end(text, end)
    return any(not free_mail(m.group(1).lower()) for m in WORK_MAILBOX.finditer(line))


TOLL_FREE = re.compile(r"1?8(?:00|33|44|55|66|77|88)[2-9]\d{6}")
"""A North American toll-free number ("1-800-222-1222", "(888) ..."): the caller does not pay, so
only businesses and institutions hold one; no one's private line."""


def published(kind: str, value: str, text: str, start: int, end: int) -> bool:
    """Whether a phone number or address is one a business or institution publishes: named as how to
    reach "us", as a desk, a hotline or a firm's line, as a place's number, followed by "we will ...
    you", as an advertisement's line to order through or a line open around the clock, as the contact
    line a notice signs off with, a number a web page's link follows, a fax number or one its line
    follows with a fax number, an address at the domain of a web page the text cites, or a number
    given beside such an address. Words after the value count up to the end of its sentence."""
    if kind not in ("email", "phone"):
        return False
    if (
        kind == "phone"
        and TOLL_FREE.fullmatch(re.sub(r"\D", "", value))
        and not CHINESE_MOBILE.fullmatch(value)  # a toll-free number's digits, grouped as a Chinese mobile
    ):
        return True
    around = text[max(start - CONTEXT_CHARS, 0) : end] + until_sentence_end(text, end)
    if BUSINESS_CONTACT.search(around):
        return True
    before = text[max(start - CONTEXT_CHARS, 0) : start]
    just_before = before[-CONTEXT_CHARS // 2 :]
    if kind == "phone" and (
        INSTITUTION_LINE.search(before) or FAX_LINE.search(before) or FAX_AFTER.match(text, end)
    ):
        return True
    own = OWN_CUE.search(just_before) is not None  # "call me at", "my number": a person's own
    if kind == "phone" and not own and signed_notice(text, start, end):
        return True
    page = _PAGE_LINK.match(text, end) if kind == "phone" else None
    if page and not own and page.group(1).lower().removeprefix("www.") not in SHORT_LINKS:
        return True
    if kind == "phone" and VENUE_LINE.search(around) and not own:
        return True
    if not own and WE_REPLY.search(text[end : end + SALES_REACH]):
        return True
    if kind == "phone" and not own and (beside := BESIDE_ADDRESS.search(before)):
        at = start - len(beside.group())
        if published("email", beside.group(1), text, at, at + len(beside.group(1))):
            return True
    sentence, at = sentence_at(text, start, end)
    offered = (
        SALES_CONTACT.search(text[max(start - SALES_REACH, 0) : end] + until_sentence_end(text, end))
        or PRICE.search(sentence[max(at - SALES_REACH, 0) : at])
        or AROUND_THE_CLOCK.search(sentence)
    )
    if offered and not PERSONAL_CUE.search(just_before):
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
