"""The text around a personal value that PII002 reads to judge whose it is, and the reason it reports.

The two judgements built on it each have their module: `task_samples` (the value is a task's material:
a format exercise's sample, an example the request asks for, a made-up contact) and
`published_contacts` (the value is a contact a business or an institution publishes for anyone). Both
read the same things here: the value's sentence (`sentence_at`), the words next to it (`CONTEXT_CHARS`),
the words that make a value a person's own (`OWN_CUE`, `PERSONAL_CUE`) and the free-mail providers
(`mailboxes.free_mail`). What neither explains away is reported with the reason it is believed real
(`why_real`): the kind of evidence a reviewer asks for first.
"""

from __future__ import annotations

import re

from dataqa.text.mailboxes import free_mail

CONTACT_NOUN = (
    r"cell|mobile|phone|telephone|tel|number|no|line|landline|contact|e-?mail|mail|mailbox|address"
    r"|details|info"
)
"""What a number or an address is called: a word "personal", "home" or "private" qualifies for it to be
someone's own (`OWN_WORDS`)."""
OWN_WORDS = (
    r"my|me|mine|his|her|cell|mobile"
    rf"|(?:personal|home|private)(?=\W{{0,3}}(?:(?:{CONTACT_NOUN})\b|\+?\(?\d))"
    r"|(?:(?<=\bas )|(?<=\())(?:personal|home|private)"
)
"""Possessives, and "personal", "home", "private" where they qualify a contact (`CONTACT_NOUN`, or
the number itself: "home: 555-...", "... 5309 as home", "(home)"), not an advertisement's product
("personal #hydration. Book now.")."""
OWN_CUE = re.compile(rf"(?i)\b(?:{OWN_WORDS})\b|我的|他的|她的|手机")
"""Words just before a number that make it a person's own, whatever the talk is about ("the
manager's personal cell"); unlike `PERSONAL_CUE`, not "their", which names a place as often."""
PERSONAL_CUE = re.compile(rf"(?i)\b(?:{OWN_WORDS}|their)\b|我的|他的|她的|手机")
"""Words near a value that name it someone's: `OWN_CUE`'s and "their" ("their cell"). Read for the reason
`why_real` gives, and so that an advertisement's words never make a person's number a seller's line."""
CONTEXT_CHARS = 80
"""Characters on each side of a value that say whose it is."""
WHY: dict[str, str] = {
    "payment card": "passes the Luhn check with a card issuer's prefix",
    "iban": "its mod-97 check digits are right",
    "national id": (
        "its check digits or letter, or its name beside it (SSN, National Insurance, NHS, passport), "
        "confirm it"
    ),
    "ip address": "a public address, not a private, reserved or resolver one",
}
"""Why a value of a checksummed kind is believed real (the validators of `personal_data`)."""


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


def until_sentence_end(text: str, end: int) -> str:
    """Up to `CONTEXT_CHARS` of the text after a value, cut where its sentence ends: what the next
    sentence says ("... thanks. Chicago is up next in our Team Talk series") is about something else."""
    after = text[end : end + CONTEXT_CHARS]
    stop = _SENTENCE_END.search(after)
    return after[: stop.end()] if stop else after


def why_real(kind: str, value: str, text: str, start: int, end: int) -> str:
    """A short reason a value that passed every test is believed to be a real person's."""
    if kind in WHY:
        return WHY[kind]
    around = text[max(start - CONTEXT_CHARS // 2, 0) : end + 10]
    cue = PERSONAL_CUE.search(around)
    if kind == "email":
        domain = value.rsplit("@", 1)[1].lower()
        if free_mail(domain):
            return "a personal mailbox at a free-mail provider"
        if re.fullmatch(r"[A-Za-z]{2,}[._][A-Za-z]{2,}\d{0,4}", value.rsplit("@", 1)[0]):
            return "a person's name as the mailbox (first.last), not a role or desk"
        return "a mailbox that is no role, desk, sample or documentation address"
    if cue:
        return "given as a person's own number"
    return "a dialable number, not given as a business's or as a format task's sample"
