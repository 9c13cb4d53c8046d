"""PII002 personal-data: emails, phone, card and IBAN numbers, national ids and IP addresses in the text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from dataqa.checks.pii.common import describe, group_hits, scan_messages
from dataqa.core.errors import ConfigError
from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
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
            grouped = group_hits(hits)
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
