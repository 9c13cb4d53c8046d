"""PII002 personal-data: emails, phone, card and IBAN numbers, national ids and IP addresses in the text."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from dataqa.checks.pii.common import Hit, describe, group_hits, scan_messages, unescaped
from dataqa.checks.pii.context import OWN_CUE, why_real
from dataqa.checks.pii.published_contacts import (
    ASKS_OWN_NUMBER,
    SOMEONES_NUMBER,
    field_value,
    number_run,
    organisation_listing,
    published,
    read_out_listing,
    staff_contact,
)
from dataqa.checks.pii.task_samples import (
    ARITHMETIC,
    EXAMPLE_REQUEST,
    asked_about_ip,
    bare_answer,
    converted_ip,
    format_task_kinds,
    made_up_contact,
    parts_named,
    regex_sample,
    template_domains,
)
from dataqa.checks.quality.common import messages
from dataqa.core.errors import ConfigError
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import role_name
from dataqa.text.detectors import Detector
from dataqa.text.personal_data import (
    DEFAULT_IGNORED_DOMAINS,
    PERSONAL_DETECTORS,
    PERSONAL_KINDS,
    listed_domain,
)


@register
@dataclass
class PersonalData(Check):
    """Text holds personal data: e-mail addresses, phone, card and IBAN numbers, national ids, IP addresses.

    Kinds: e-mail addresses, phone numbers (international, North American, and national ones named a
    phone), payment cards, IBANs, US SSNs (dashed, spaced or bare beside "SSN"), UK National Insurance
    numbers, Spanish DNI/NIE, Chinese resident ids, Brazilian CPFs, Indian Aadhaar, NHS and Canadian
    SIN numbers (check digits and, but for a CPF written 000.000.000-00, their name beside them),
    passport and driving licence numbers named as such, and global IPv4 and IPv6 addresses. A number
    named an order, reference or case number just before it is no phone. E-mail addresses and phones
    are read in code too, and a message that is JSON (a tool call's arguments) as the text its
    strings hold.

    Why: a model can reproduce personal data from its training set, which makes the data set a
    compliance question (GDPR, CCPA) before it is a quality one.
    Example: a support transcript with "reach me at jane.doe@gmail.com or +44 7911 123456".
    Fix: pseudonymise the values (consistent fake names and addresses) or drop the records. Every
    candidate is validated: card numbers by Luhn and issuer prefix, IBANs by mod-97, Spanish DNI/NIE
    by their check letter, US SSNs need the word "SSN" nearby, a phone number without its country code
    is one written as a mobile in its country's grouping ("07911 482913", "06 41 27 83 95") or named
    a phone (or the writer's own) just before it, a Chinese mobile one beside Chinese text or so named;
    documentation and stand-in domains (example.com, somecompany.com), role and desk mailboxes
    (support@, presse@, and at an organisation's domain a desk named by what it handles: games@,
    mybaggage@), the addresses a record builds from an address format its prompt gives
    ("{first_initial}{last_name}@acme.com" for the names it lists), published test cards, private
    and reserved IP ranges and IP addresses in code (servers) are not reported, nor are
    the samples of a task about a format ("extract the phone number from ...") or the contact a
    business or institution publishes ("call us at ...", a desk address beside its web page, a tool's
    result that lists businesses by their web sites and ratings, a place's number a booking agent
    reads out when asked for it), nor the values a reply writes when the request it answers asks for
    an example or made-up data ("give me an example JSON response", "donne-moi un exemple": a sample
    record's "Jean Dupont" is no one; the prompt's own values still count), nor an exercise's values
    by shapes that hold in any language: a placeholder mask of the value ("(xxx) xxx-xxxx",
    "###-##-####"), a regular expression of the exchange that matches it, a malformed address among
    the listed ones, the reply's binary form of an address, a reply that is the value alone, a
    card-length sum of the arithmetic asked, an IPv4 question that closes on its address, a
    cleaning task's broken addresses ("x@gmail, com"), a lesson that names an address's domain on its
    own; toll-free lines are businesses', as are the number an advertisement gives after its price
    and the line of an organisation a request names and its reply describes ("Bank of America");
    a number given with an example.com address is made up. Shapes that hold in any language mark a
    published contact too: a mailing list's or a group's address (`@googlegroups.com`, `NAME-L@listserv`),
    a line open 24/7, the "label: number" a notice of several sentences signs off with, a document's
    line inviting readers to reach a named person with a work mailbox ("To reach reporter X, call ...
    or e-mail x@paper.com"); "@name@server" is a fediverse handle, no mailbox. What says so is
    read
    around the value (its sentence, and the user's turn a reply answers), never in another turn of
    the conversation. Each finding says why its value is believed real. For data meant to hold
    synthetic values, list their domains in `ignore-domains` or narrow `kinds`.
    """

    id = "PII002"
    shares = frozenset({"quality.messages"})
    name = "personal-data"
    family = "pii"
    scope = RECORD
    severity = Severity.WARNING
    kinds: list[str] = field(default_factory=lambda: list(PERSONAL_KINDS))
    """Which kinds to report: email, phone, payment card, iban, national id, ip address."""
    ignore_domains: list[str] = field(default_factory=lambda: list(DEFAULT_IGNORED_DOMAINS))
    """Email domains that hold no one's address ("*.example" matches subdomains)."""

    def _ignored_domain(self, detector: Detector, value: str) -> bool:
        return detector.kind != "email" or not self._sample_domain(value.rsplit("@", 1)[1])

    def _sample_domain(self, domain: str) -> bool:
        return listed_domain(domain, self.ignore_domains)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(PERSONAL_KINDS))
        if unknown:
            raise ConfigError(f"{self.id}.kinds: unknown {unknown}; kinds are {', '.join(PERSONAL_KINDS)}")

    def run(self, ctx: Context) -> Iterator[Finding]:
        detectors = [d for d in PERSONAL_DETECTORS if d.kind in self.kinds]
        by_kind: Counter[str] = Counter()
        for split in ctx:
            hits = (
                scan_messages(ctx, split.name, detectors, self._ignored_domain, _judge) if detectors else []
            )
            grouped = group_hits(_without_samples(ctx, split, hits, self._sample_domain))
            for line, items in grouped.items():
                by_kind.update(h.kind for h in items)
                yield self.finding(
                    f"personal data: {describe(items)}",
                    [ctx.location(split, line)],
                    [h.evidence for h in items[:5]],
                    metrics={"kinds": sorted({h.kind for h in items})},
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))


def _judge(detector: Detector, value: str, text: str, start: int, end: int) -> str | None:
    """Why a value is believed someone's, or None for a contact a business or institution publishes
    and for a number of a run the text lists (a directory page's number block)."""
    if published(detector.kind, value, text, start, end):
        return None
    if detector.kind == "phone" and number_run(value, text):
        return None
    return why_real(detector.kind, value, text, start, end)


def _without_samples(
    ctx: Context, split: Split, hits: list[Hit], sample_domain: Callable[[str], bool]
) -> list[Hit]:
    """`hits` without the values that are no one's: a contact published (`_judge` said None) anywhere
    in its record, also where the record repeats it (a translation, a summary), and every value of a
    record whose request works on that kind of value as a format (extract, validate, format, mask...):
    those are the task's samples, as are the addresses built at the domain of an address format the
    prompt gives ("{first_initial}{last_name}@acme.com" for the names it lists), and the values a reply
    writes to a request for an example or made-up data (`EXAMPLE_REQUEST`), and the phone numbers of
    places a reply reads out (`read_out_listing`; a record with no prompt, a web page's text, is no
    dialogue: a museum it names makes no number a listing), and the phones and addresses of a tool's
    result that lists businesses or organisations, as its fields' values (`organisation_listing`,
    `field_value`: a directory API's record of a shop or an agency, not a user's profile), with their
    copies, and a phone number given with an address at a sample domain (`made_up_contact`:
    `sample_domain`, the ignored domains). The request a value answers is the
    system prompt and the last user turn up to the value's own (`_requests`): what an earlier turn
    asked or named ("the email is boss@example.com", "hospital care") says nothing of a later turn's value."""
    if not hits:
        return hits
    talks: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    frame = messages(ctx, split).filter(pl.col("line").is_in(sorted({h.line for h in hits})))
    for line, turn, role, content in frame.select("line", "turn", "role", "content").iter_rows():
        talks[line].append((turn, role, content))
    listings = {
        (line, turn)
        for line, talk in talks.items()
        for turn, role, content in talk
        if role in ("tool", "function") and organisation_listing(content)
    }
    # the text the hits' positions are in (a JSON message as `scan_messages` read it)
    texts = {(line, turn): unescaped(content) for line, talk in talks.items() for turn, _, content in talk}
    public = {
        (h.line, h.kind, h.shown)
        for h in hits
        if h.why is None
        or (
            h.kind in ("email", "phone")
            and (h.line, h.turn) in listings
            and field_value(texts[h.line, h.turn], h.start)
        )
    }
    hits = [h for h in hits if (h.line, h.kind, h.shown) not in public]
    requests = _requests(talks, hits)
    domains = {
        line: template_domains("\n".join(c for _, r, c in talk if r in ("system", "user")))
        for line, talk in talks.items()
    }
    replies = {role_name(split, "assistant"), role_name(split, "rejected")}
    kept = []
    for h in hits:
        system, asked = requests[h.line, h.turn]
        request = f"{system}\n{asked}"
        if h.kind in format_task_kinds(request) or (h.role in replies and EXAMPLE_REQUEST.search(request)):
            continue
        if h.kind == "email" and h.shown.rsplit("@", 1)[-1].lower() in domains[h.line]:
            continue
        text = texts[h.line, h.turn]
        value = text[h.start : h.end]
        if h.kind == "phone" and made_up_contact(text, h.start, h.end, sample_domain):
            continue
        if (h.role not in replies or not asked.strip()) and staff_contact(text, h.start, h.end):
            continue  # a text's "To reach reporter X, call ... or e-mail x@paper.com", not a reply's
        if _exercise(h, value, text, asked, _exchange(talks[h.line], h.turn), h.role in replies):
            continue
        if (
            h.kind == "phone"
            and h.role in replies
            and asked.strip()
            and read_out_listing(texts[h.line, h.turn], h.start, h.end, asked)
        ):
            continue
        kept.append(h)
    return kept


def _requests(
    talks: dict[int, list[tuple[int, str, str]]], hits: list[Hit]
) -> dict[tuple[int, int], tuple[str, str]]:
    """Per (line, turn) of a hit, the request its message answers or makes: the record's system prompt,
    and the last user turn at or before it (a user's own turn is its request)."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for line, turn in {(h.line, h.turn) for h in hits}:
        talk = talks.get(line, [])
        asked = [c for t, r, c in talk if r == "user" and t <= turn]
        out[line, turn] = ("\n".join(c for _, r, c in talk if r == "system"), asked[-1] if asked else "")
    return out


def _exchange(talk: list[tuple[int, str, str]], turn: int) -> str:
    """The request a message belongs to and the replies to it: the last user turn at or before `turn`
    and the turns after it up to the next user turn (a regex in the reply is written for the request's
    text)."""
    first = min((t for t, _, _ in talk), default=0)
    asked = max((t for t, r, _ in talk if r == "user" and t <= turn), default=first)
    after = min((t for t, r, _ in talk if r == "user" and t > asked), default=None)
    return "\n".join(c for t, r, c in talk if t >= asked and (after is None or t < after) and r != "system")


def _exercise(h: Hit, value: str, text: str, asked: str, exchange: str, reply: bool) -> bool:
    """Whether a value is an exercise's material or answer by shapes no language words: a regular
    expression of the exchange matches it (`regex_sample`), the reply writes an IP in binary or hex
    (`converted_ip`), a request names the address family and closes on the address (`asked_about_ip`),
    the sentence of an address names its domain on its own (`parts_named`), a reply is the value
    alone to a request that names no one's own number (`bare_answer`: "Create a phone number" ->
    "(244) 890-4578"), or a card-length number answers an arithmetic
    request (`ARITHMETIC`: the sum, right or wrong, is no card)."""
    if regex_sample(value, exchange):
        return True
    if h.kind == "ip address" and (converted_ip(value, exchange) or asked_about_ip(value, asked)):
        return True
    if h.kind == "email" and parts_named(value, text, h.start, h.end):
        return True
    if not reply:
        return False
    if h.kind == "payment card" and ARITHMETIC.search(asked):
        return True
    own = OWN_CUE.search(asked) or ASKS_OWN_NUMBER.search(asked) or SOMEONES_NUMBER.search(asked)
    return bare_answer(text, h.start, h.end) and not own
