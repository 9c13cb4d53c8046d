"""PII002 personal-data: emails, phone, card and IBAN numbers, national ids and IP addresses in the text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from dataqa.checks.pii.common import Hit, describe, group_hits, scan_messages
from dataqa.checks.pii.context import (
    ASKS_OWN_NUMBER,
    EXAMPLE_REQUEST,
    VENUE_WORD,
    format_task_kinds,
    number_run,
    published,
    read_out_listing,
    template_domains,
    why_real,
)
from dataqa.checks.quality.common import messages
from dataqa.core.errors import ConfigError
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.ingest.dataset import Split
from dataqa.ingest.naming import role_name
from dataqa.text.detectors import Detector
from dataqa.text.personal_data import DEFAULT_IGNORED_DOMAINS, PERSONAL_DETECTORS, PERSONAL_KINDS


@register
@dataclass
class PersonalData(Check):
    """Text holds personal data: e-mail addresses, phone, card and IBAN numbers, national ids, IP addresses.

    Why: a model can reproduce personal data from its training set, which makes the data set a
    compliance question (GDPR, CCPA) before it is a quality one.
    Example: a support transcript with "reach me at jane.doe@gmail.com or +44 7911 123456".
    Fix: pseudonymise the values (consistent fake names and addresses) or drop the records. Every
    candidate is validated: card numbers by Luhn and issuer prefix, IBANs by mod-97, Spanish DNI/NIE
    by their check letter, US SSNs need the word "SSN" nearby, a phone number without its country code
    is one written as a mobile in its country's grouping ("07911 482913", "06 41 27 83 95") or named
    a phone just before it, a Chinese mobile one beside Chinese text; documentation and stand-in domains
    (example.com, somecompany.com), the addresses a record builds from an address format its prompt
    gives ("{first_initial}{last_name}@acme.com" for the names it lists),
    published test cards, private and reserved IP ranges and code blocks are not reported, nor are
    the samples of a task about a format ("extract the phone number from ...") or the contact a
    business or institution publishes ("call us at ...", a desk address beside its web page), nor the
    values a reply writes when its prompt asks for an example or made-up data ("give me an example
    JSON response", "donne-moi un exemple": a sample record's "Jean Dupont" is no one; the prompt's
    own values still count). Each
    finding says why its value is believed real. For data meant to hold synthetic values, list
    their domains in `ignore-domains` or narrow `kinds`.
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
            hits = (
                scan_messages(ctx, split.name, detectors, self._ignored_domain, _judge) if detectors else []
            )
            grouped = group_hits(_without_samples(ctx, split, hits))
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


def _without_samples(ctx: Context, split: Split, hits: list[Hit]) -> list[Hit]:
    """`hits` without the values that are no one's: a contact published (`_judge` said None) anywhere
    in its record, also where the record repeats it (a translation, a summary), and every value of a
    record whose prompt works on that kind of value as a format (extract, validate, format, mask...):
    those are the task's samples, as are the addresses built at the domain of an address format the
    prompt gives ("{first_initial}{last_name}@acme.com" for the names it lists), and the values a reply
    writes to a prompt that asks for an example or made-up data (`EXAMPLE_REQUEST`), and the phone
    numbers of places a reply reads out in a dialogue about a place (`read_out_listing`; a record
    with no prompt, a web page's text, is no dialogue: a museum it names makes no number a listing)."""
    public = {(h.line, h.kind, h.shown) for h in hits if h.why is None}
    hits = [h for h in hits if (h.line, h.kind, h.shown) not in public]
    lines = sorted({h.line for h in hits})
    if not lines:
        return hits
    content = pl.col("content")
    records = (
        messages(ctx, split)
        .filter(pl.col("line").is_in(lines))
        .group_by("line")
        .agg(
            content.filter(pl.col("role").is_in(["system", "user"])).str.join("\n").alias("prompt"),
            content.str.join("\n").alias("talk"),
        )
    )
    prompts = records.select("line", "prompt")
    kinds = {line: format_task_kinds(prompt) for line, prompt in prompts.iter_rows()}
    domains = {line: template_domains(prompt) for line, prompt in prompts.iter_rows()}
    examples = {line for line, prompt in prompts.iter_rows() if EXAMPLE_REQUEST.search(prompt)}
    about_places = {  # a dialogue: a text alone (a web page) has no one to read a listing out to
        line
        for line, prompt, talk in records.select("line", "prompt", "talk").iter_rows()
        if prompt and VENUE_WORD.search(talk) and not ASKS_OWN_NUMBER.search(talk)
    }
    replies = {role_name(split, "assistant"), role_name(split, "rejected")}
    return [
        h
        for h in hits
        if h.kind not in kinds.get(h.line, frozenset())
        and not (h.line in examples and h.role in replies)
        and not (
            h.kind == "phone"
            and h.line in about_places
            and h.role in replies
            and read_out_listing(h.evidence, h.shown)
        )
        and not (h.kind == "email" and h.shown.rsplit("@", 1)[-1].lower() in domains.get(h.line, frozenset()))
    ]
