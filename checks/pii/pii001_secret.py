"""PII001 secret: keys, tokens and passwords in the text; the verdict's secrets condition."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from dataqa.checks.pii.common import Hit, describe, group_hits, scan_messages
from dataqa.checks.quality.common import messages
from dataqa.core.models import Condition, Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import RECORD, Check, register
from dataqa.engine.verdict import VerdictInputs, condition, records_in
from dataqa.text.secret_kinds import SECRET_DETECTORS


@register
@dataclass
class Secret(Check):
    """Text holds a secret: an API key or token, a private key, a JWT, a password (in a URL, prose or config).

    Kinds: AWS access key ids and secret keys, GitHub, OpenAI/Anthropic-style `sk-`, Slack, Google,
    Stripe live and Hugging Face tokens, Slack webhooks, the prefixed tokens of some forty more
    providers (GitLab `glpat-`, SendGrid `SG.`, npm, PyPI, Twilio `SK`, Telegram and Discord bots,
    Google OAuth, Shopify, DigitalOcean, Vault…: `provider_tokens`), PEM/OpenSSH/PuTTY private keys
    (also a service-account key file's, written with `\n` escapes), JWTs with registered claims,
    passwords in URLs of any scheme (postgres://, mongodb+srv://, https://user:pass@…), Azure storage
    and service-bus keys and SAS signatures, bearer tokens, HTTP Basic credentials, session cookies,
    a key, token or secret set in config, `.env` or code (`SECRET_KEY=…`, `api_key = "…"`,
    `"client_secret": …`, `?appid=…`) or said in words ("my API key is …", "API密钥是…") that looks
    generated, passwords given to `curl -u`, `mysql -p…`, `sshpass -p`, `docker login -p`, an XML
    `<password>` or a `.netrc`, and a password set in prose or config
    ("password: X", "DB_PASS=X", "MYSQL_ROOT_PASSWORD: X", "my password is X", "mein Passwort ist X",
    "我的密码是X", a login pair "admin / X") that looks chosen, unless the exchange
    made it up on request (a password generator's task or result: its output, nobody's credential)
    or works on the password itself (hash it, validate it, encrypt it: the task's sample). A message
    that is JSON (a tool call's arguments) is read as the text its strings hold.

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
            grouped = group_hits(
                _credentials(ctx, split.name, scan_messages(ctx, split.name, SECRET_DETECTORS))
            )
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


_MADE_UP = re.compile(
    r"(?i)\b(?:generat\w*|random\w*|suggest\w*|new\b|strong\b|make up\b)[^.\n]{0,40}?pass(?:word|phrase)"
    r"|\bpass(?:word|phrase) generator|新的?密码|(?:生成|随机|创建).{0,10}密码|密码.{0,6}(?:生成|随机)"
)
"""An exchange that makes a password up: "Generate a random password", "Here is your new password",
"suggest a strong passphrase", a `generate_password` call, 新密码; not "suggests" or "random" said of
anything else, nor an account's `new_phone_number` beside the password a user logs in with."""
_WORKED_ON = re.compile(
    r"(?i)\b(?:hash\w*|salt\w*|bcrypt|validat\w*|encrypt\w*)\b[^.\n]{0,60}?pass(?:word|phrase)"
    r"|pass(?:word|phrase)[^.\n]{0,30}?\b(?:hash\w*|strength|validat\w*|validity|encrypt\w*)\b(?:\s*[^\s=:]|\s*$)"
)
"""An exchange that works on a password it hands over: "How would you hash a user's password in PHP?",
"a function that validates whether a given password has 8 characters", "password strength checker":
the password in its input or its code is the task's sample, as a value a format task works on is
(PII002's `task_samples`). Not "check" or "verify", which a user asks of their own login, nor a
setting's name after it (`Password=…;Encrypt=True` in a connection string)."""
_SAID = "password in text"


def _credentials(ctx: Context, split: str, hits: list[Hit]) -> list[Hit]:
    """`hits` without the passwords said in text of a record whose exchange makes one up on request
    ("Generate a random password" and its answer "Here is your new password: aB3#fG7!kL9@") or works
    on the one it hands over (`_WORKED_ON`): the password is the task's output or sample, nobody's
    credential. Other kinds are kept as found."""
    lines = sorted({h.line for h in hits if h.kind == _SAID})
    if not lines:
        return hits
    rows = messages(ctx, ctx.splits[split]).filter(
        pl.col("line").is_in(pl.Series(lines, dtype=pl.Int64).implode())
        & pl.col("content").str.contains(f"{_MADE_UP.pattern}|{_WORKED_ON.pattern}")
    )
    made_up = set(rows["line"].to_list())
    return [h for h in hits if not (h.kind == _SAID and h.line in made_up)]


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
