"""PII001 secret: keys, tokens and passwords in the text; the verdict's secrets condition."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.checks.pii.common import describe, group_hits, scan_messages
from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.engine.verdict import VerdictInputs, condition, records_in
from dataqa.text.secrets import SECRET_DETECTORS


@register
@dataclass
class Secret(Check):
    """Text holds a secret: an API key or token, a private key, a JWT or a password in a connection string.

    Kinds: AWS access key ids and secret keys, GitHub, OpenAI/Anthropic-style `sk-`, Slack, Google,
    Stripe live and Hugging Face tokens, Slack webhooks, PEM/OpenSSH private key blocks, JWTs with
    registered claims, passwords in postgres://, mysql://, mongodb://, redis://… URLs.

    Why: a model trained on a credential can repeat it to anyone who asks the right way, and the
    training set itself becomes a leak; any secret is a NO-GO by default (`block-on-secrets`).
    Example: a support answer that pastes `OPENAI_API_KEY=sk-proj-…` or
    `postgres://app:s3cr3t-pw@db.internal/prod`.
    Fix: revoke the credential first (it is exposed already), then redact it in the data (e.g.
    `sk-...REDACTED`). Documented examples (AKIA…EXAMPLE), placeholders (`sk-xxxx`, `your-key`) and
    low-entropy strings are not reported. Records with a secret count as unusable until redacted.
    """

    id = "PII001"
    shares = frozenset({"quality.messages"})
    name = "secret"
    family = "pii"
    scope = RECORD
    severity = Severity.ERROR
    unusable: bool = True
    """Whether records holding a secret are removed from the usable-example count."""

    def run(self, ctx: Context) -> Iterator[Finding]:
        by_kind: Counter[str] = Counter()
        for split in ctx:
            grouped = group_hits(scan_messages(ctx, split.name, SECRET_DETECTORS))
            for line, hits in grouped.items():
                by_kind.update(h.kind for h in hits)
                loc = ctx.location(split, line)
                yield self.finding(
                    f"secret: {describe(hits)}",
                    [loc],
                    [h.evidence for h in hits[:5]],
                    metrics={"kinds": sorted({h.kind for h in hits})},
                    unusable=[loc] if self.unusable else [],
                )
            self.metrics[f"{split.name}_records"] = len(grouped)
        self.metrics["by_kind"] = dict(sorted(by_kind.items()))


@condition
def secrets(v: VerdictInputs) -> Condition | None:
    """Any record with a secret (PII001), in any split, blocks the fine-tune by default."""
    result = v.result(Secret.id)
    if result is None or result.status.value in ("skipped", "errored"):
        return None
    n = records_in(result.findings)
    return Condition(
        name="secrets",
        description="Records that hold an API key, token, private key or password",
        value=n,
        threshold=0,
        passed=n == 0,
        blocking=v.config.block_on_secrets,
        reason=""
        if n == 0
        else f"{n} record(s) hold a secret: revoke the credentials and redact them before training "
        "(PII001 lists every one).",
    )
