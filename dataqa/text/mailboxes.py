"""Whose mailbox an e-mail address is, read from its local part and domain: a person's, or no one person's (a
stand-in, a role or a desk of an organisation, a mailing list), and the free-mail providers where an
address is an individual's own. Read by PII002's validator (`personal_data`) and its reasons."""

from __future__ import annotations

import re

FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "ymail.com", "hotmail.com",
        "hotmail.co.uk", "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "protonmail.com", "proton.me", "gmx.de", "gmx.net", "gmx.com", "web.de", "mail.ru", "yandex.ru",
        "qq.com", "163.com", "126.com", "sina.com", "sohu.com", "naver.com", "hanmail.net", "libero.it",
        "orange.fr", "free.fr", "t-online.de", "rediffmail.com", "zoho.com", "fastmail.com", "tutanota.com",
        "live.co.uk", "live.fr", "wp.pl", "o2.pl", "onet.pl", "list.ru", "inbox.ru", "bk.ru", "daum.net",
        "yeah.net", "sina.cn", "139.com", "aim.com", "comcast.net", "btinternet.com", "bigpond.com",
    }
)  # fmt: skip
"""Free-mail providers: an address there is an individual's own mailbox."""
FREE_MAIL_BRANDS = frozenset(
    {
        "gmail", "googlemail", "yahoo", "ymail", "rocketmail", "hotmail", "outlook", "msn", "aol", "icloud",
        "protonmail", "gmx", "yandex", "rambler", "seznam", "interia", "libero", "virgilio", "laposte",
        "wanadoo", "foxmail", "hanmail", "rediffmail", "tutanota",
    }
)  # fmt: skip
"""The names providers give their free mail under every country's domain ("yahoo.fr", "hotmail.de",
"outlook.com.br"); generic words ("mail", "web", "list") only in `FREE_MAIL`'s own domains."""


def free_mail(domain: str) -> bool:
    """Whether an address's domain is a free-mail provider's, under any country's domain."""
    domain = domain.lower().rstrip(".")
    labels = domain.split(".")
    return domain in FREE_MAIL or (len(labels) <= 3 and labels[0] in FREE_MAIL_BRANDS)


_PLACEHOLDER_LOCAL = re.compile(
    r"(?i)(?:j(?:ohn|ane|oe|on)?[._-]?doe|doe|example|sample|test(?:ing)?|user(?:[._-]?name)?|your[._-]?\w*"
    r"|my[._-]?(?:(?:new|old|main|work|personal|other)[._-]?)?(?:e-?mail(?:[._-]?id)?|id|name|number|address)"
    r"|name|e-?mail|someone|somebody|foo|bar|foobar|first[._-]?(?:name)?[._-]?last(?:name)?"
    r"|abc(?:d(?:ef?)?)?|xyz|asdf|qwerty)(?:[._-]?\d{1,3})?"
)
"""Local parts of made-up addresses: the stock placeholder names (John/Jane Doe), "your.email", "test",
one's own address named for what it is ("my.email", "mynewemail", "myid", "my.name"), and letters typed in
order, of the alphabet ("abc", "xyz") or of the keyboard ("asdf", "qwerty"), each with up to three digits,
joined or after a dot ("abc123", "abc.123")."""
_ROLE_LOCAL = re.compile(
    r"(?i)(?:info|support|help|helpdesk|contact|sales|admin|alerts?|no-?reply|do-?not-?reply|hello|team|office"
    r"|marketing|billing|service|customer-?service|webmaster|postmaster|hostmaster|abuse|security|privacy|hr"
    r"|jobs|careers|press|media|news|newsletter|feedback|enquir(?:y|ies)|inquir(?:y|ies)|notifications?|orders?"
    r"|pr|admissions?|registrar|reception|bookings?|reservations?|events?|tickets?|editors?|editorial|submissions?"
    r"|membership|members|accounts?|accounting|finance|legal|compliance|investors?|recruit(?:ment|ing)"
    r"|donations?|volunteers?|partners?|partnerships?|advertising|ads|shop|store|studio|general|mail"
    r"|returns|shipping|customer-?care|care|complaints|licensing|permissions|rights|helpline|hotline"
    r"|dev|devs|developers?|engineering|ops|devops|sysadmin|noc|root|git|ci|build|deploy|bots?|it)"
)
"""Local parts of role addresses: an organisation's mailbox (support@, alerts@, admissions@, pr@), or a
team's or a machine's (dev@, devops@, ci@, deploy@, a repository's `user.email = dev@…`), not a
person's data."""
_ROLE_LOCAL_ABROAD = re.compile(
    r"(?i)(?:presse|prensa|imprensa|stampa|pers|kontakt|contacto|contato|contatti|redaktion|redaccion|redacao"
    r"|redazione|verwaltung|sekretariat|secretaria|segreteria|buero|bureau|anfragen?|bestellungen?|spenden"
    r"|ventas|vendas|vendite|soporte|suporte|assistenza|atencion|accueil|kundenservice|kundendienst"
    r"|klantenservice|servicio|servico|servizio)"
)
"""The same desks in German, French, Spanish, Portuguese, Italian and Dutch (presse@, kontakt@, ventas@):
GermEval's tweets give `presse@` of a refugee charity as its press contact."""
_ROLE_END = re.compile(
    r"(?i)[a-z]{3,}(?:info|service|support|kontakt|presse|team|center|centre|desk|care|office)"
)
"""A local part that is a compound ending in a role word, as German and Dutch write them
("spendenservice", "schnellinfo", "kundensupport"), and as companies and agencies name their desks in
one word ("callcenter", "servicedesk", "customercare", a health agency's "policyoffice"): the desk
named by what it handles. Not "line": "caroline"."""


_GROUP_HOST = re.compile(r"(?i)(?:google|yahoo)?groups|lists?|listserv|mailman|majordomo|sympa")
"""A label of the host of a mailing list or a group ("okolkata@googlegroups.com", "users@lists.debian.org",
"x@groups.io", "L@listserv.uga.edu"): the address reaches its members, no one person."""
_GROUP_LOCAL = re.compile(
    r"(?i)(?:.+-(?:l|list|announce|discuss|users|devel|request|owner|subscribe|unsubscribe)"
    r"|owner-.+|listserv|majordomo|mailman|announce|discuss)"
)
"""Local parts of a list's addresses: its LISTSERV name ("SOCNET-L"), its -announce, -request or owner-
address, the list robot."""


_SUBJECT = (
    # what a firm's or a newspaper's desk handles, in English
    r"baggage|luggage|lost(?:[._-]?(?:and|n)?[._-]?found)?|claims?|refunds?|payments?|invoices?|invoicing"
    r"|receipts?|deliver(?:y|ies)|shipments?|tracking|warranty|repairs?|parts|spares|exchanges|subscriptions?"
    r"|subscribers|renewals?|cancell?ations?|compliments|suggestions|questions|requests|applications"
    r"|quotes?|quotations?|offers|deals|promos?|promotions?|coupons?|vouchers?|rewards|loyalty|gifts?"
    r"|giftcards?|contests?|competitions?|giveaways?|sweepstakes|raffles?|lottery|lotto|prizes?|winners"
    r"|entries|votes?|polls?|surveys?|research|letters|opinions?|comments|readers|listeners|viewers|fans"
    r"|community|social|online|web|digital|apps?|games?|gaming|sports?|travel|trips|tours|holidays"
    r"|flights|cruises|hotels?|dining|recipes|catering|music|movies|films|cinema|theat(?:re|er)|video|photos?"
    r"|pictures|books|library|archives?|gallery|culture|science|tech|technology|health|wellness"
    r"|fitness|beauty|fashion|garden|cars|motors?|property|realestate|rentals?|leasing|loans|mortgages?"
    r"|insurance|pensions?|benefits|payroll|tax|taxes|fraud|disputes|chargebacks?|safety|emergency|recalls?"
    r"|quality|training|courses|learning|education|students|alumni|faculty|staff|teachers|parents|schools"
    r"|kids|youth|visitors|guests|weddings|venues|fleet|facilities|maintenance|tips|newsroom|weather"
    r"|traffic|politics|business|economy|markets|hiring|talent|procurement|purchasing|suppliers|vendors"
    r"|tenders|grants|funding|scholarships|awards|sponsors(?:hip)?|affiliates|resellers|dealers|wholesale"
    r"|logistics|freight|cargo|parcels|translations?|accounts?|bookings?|orders?|reservations?|tickets?"
    # the same in German, French, Spanish, Portuguese, Italian and Dutch
    r"|gewinnspiele?|leserbriefe|leser|briefe|tipps|hinweise|abo|reisen?|kultur|wirtschaft|politik|wissen"
    r"|technik|immobilien|wetter|verkehr|familie|gesundheit|karriere|bildung|veranstaltungen|termine"
    r"|fundbuero|gepaeck|beschwerden?|reklamation(?:en)?|rechnungen?|bewerbung(?:en)?|datenschutz"
    r"|jeux|concours|voyages?|reclamations?|factures?|bagages?|abonnements?|lecteurs|courrier|emploi"
    r"|recrutement|juegos|concursos?|viajes?|equipaje|reclamaciones|facturas?|suscripciones|lectores"
    r"|empleo|cartas|jogos|viagens|bagagem|faturas?|giochi|viaggi|bagagli|fatture|reizen|bagage"
    r"|facturen|klachten"
)
"""What a desk of an organisation handles, by which it names its mailbox (`games@` of a newspaper, a
contest's `gewinnspiel@`, an airline's `baggage@`): common nouns, plural where a desk names itself
so, none of them a given name or a surname ("grant", "cook", "page" and "art" are left out)."""
_DESK_SUBJECT = re.compile(
    rf"(?i)(?:my|your|our|mon|ma|mein|meine|mi|mijn)?[._-]?(?:{_SUBJECT})"
    rf"(?:[._-]?(?:and|und|et|y|e|en)?[._-]?(?:{_SUBJECT}))?"
)
"""A local part made of one or two of those nouns, after a possessive as a firm names a customer's desk
("mybaggage", "myaccount", "mon.abonnement"), joined as one word or by a dot, a dash or "and"
("lost.and.found", "travel-tips")."""


def no_ones_mailbox(local: str, domain: str) -> bool:
    """Whether a local part names no one person: a stand-in ("john.doe", "your.email"), a role or a
    desk (`support@`, "entertainment.news@", "kundenservice@"), a list's address, or, at an
    organisation's domain rather than a free-mail provider's, a desk named by what it handles
    ("games@derstandard.at", "mybaggage@airline.com"); the same nouns at a free-mail provider are
    someone's chosen name ("games@gmail.com")."""
    if _PLACEHOLDER_LOCAL.fullmatch(local) or _ROLE_END.fullmatch(local) or _GROUP_LOCAL.fullmatch(local):
        return True
    if any(_ROLE_LOCAL.fullmatch(p) or _ROLE_LOCAL_ABROAD.fullmatch(p) for p in re.split(r"[._-]", local)):
        return True  # "entertainment.news@", "customer-service@": a desk's mailbox
    return _DESK_SUBJECT.fullmatch(local) is not None and not free_mail(domain)


_GMAIL = frozenset({"gmail.com", "googlemail.com"})
_GMAIL_NAME = re.compile(r"[a-z0-9.]*", re.I)
_GMAIL_SHORTEST = 6
"""Gmail gives names of 6 to 30 letters, digits and dots (the dots not counted), a "+tag" after them."""


def never_issued(local: str, domain: str) -> bool:
    """Whether a free-mail provider could not have given out the address, so that it is made up:
    Gmail has no name shorter than six letters and digits or with another character ("bob@gmail.com",
    "you@gmail.com", "joe_doe@gmail.com" are a writer's stand-ins)."""
    if domain.lower().rstrip(".") not in _GMAIL:
        return False
    name = local.split("+", 1)[0]
    return not _GMAIL_NAME.fullmatch(name) or len(name.replace(".", "")) < _GMAIL_SHORTEST


def group_host(domain: str) -> bool:
    """Whether a domain hosts a mailing list or a group (`googlegroups.com`, `lists.debian.org`)."""
    return any(_GROUP_HOST.fullmatch(label) for label in domain.split(".")[:-1])
