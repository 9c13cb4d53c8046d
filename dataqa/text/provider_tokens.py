# ruff: noqa: E501  (a table of token formats: one per line)
"""Tokens that name their provider in a fixed prefix (GitLab `glpat-`, SendGrid `SG.`, npm `npm_`,
Twilio `SK`, Telegram `123:AA…`…): the prefix finds them, a random body confirms them.

The prefixes and lengths are the providers' published token formats, as public secret scanners
(gitleaks, trufflehog, GitHub secret scanning) list them; each body must look generated (mixed
alphabet, entropy, no placeholder word), so `glpat-xxxxxxxxxxxxxxxxxxxx` or `npm_YOUR_TOKEN` are not
reported.
"""

from __future__ import annotations

import base64
import binascii
import re

from dataqa.text.detectors import Detector
from dataqa.text.secrets import looks_random, mask


def _token(
    kind: str, pattern: str, prefix: str, min_entropy: float = 3.0, mixed: bool = True, hint: str = ""
) -> Detector:
    """A detector of one provider's token: `pattern` matches it whole, `prefix` (a regex) is its
    fixed start, stripped before the body's randomness is judged and kept when it is masked; the
    literal start of `prefix` is the hint texts must hold."""
    head = re.compile(prefix)
    hint = hint or re.sub(r"\\(.)", r"\1", re.split(r"[\[(?*+{|]", prefix.removeprefix("^"), maxsplit=1)[0])

    def ok(m: re.Match[str], text: str) -> bool:
        return looks_random(head.sub("", m.group(), count=1), min_entropy, mixed)

    def show(value: str) -> str:
        cut = head.match(value)
        return mask(value, cut.end() if cut else 0)

    return Detector(kind, pattern, ok, show, hint=hint or "0")


def _discord_ok(m: re.Match[str], text: str) -> bool:
    """A Discord bot token: its first part is the bot's numeric id in base64, its last part random."""
    first, _, last = m.group().split(".")
    try:
        user_id = base64.b64decode(first + "=" * (-len(first) % 4), altchars=b"-_").decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return user_id.isdigit() and 16 <= len(user_id) <= 20 and looks_random(last, 3.5)


PROVIDER_DETECTORS: list[Detector] = [
    _token("GitLab token", r"\bgl(?:pat|dt|ptt|rt|soat|ft|imt|cbt|oas|agent)-[0-9A-Za-z_-]{20,300}\b", r"^gl[a-z]+-"),
    _token("GitLab token", r"\bGR1348941[0-9A-Za-z_-]{20,}\b", r"^GR1348941"),
    _token("SendGrid key", r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}\b", r"^SG\."),
    _token("npm token", r"\bnpm_[0-9A-Za-z]{36}\b", r"^npm_"),
    _token("PyPI token", r"\bpypi-AgE[IN][A-Za-z0-9]{12,20}[0-9A-Za-z_-]{40,}", r"^pypi-AgE[IN][A-Za-z0-9]{12}"),
    _token("Twilio key", r"\bSK[0-9a-fA-F]{32}\b", r"^SK"),
    _token("Google OAuth secret", r"\bGOCSPX-[0-9A-Za-z_-]{28}\b", r"^GOCSPX-"),
    _token("Google OAuth token", r"\bya29\.[0-9A-Za-z_-]{30,}", r"^ya29\."),
    _token("Google OAuth token", r"\b1//0[0-9A-Za-z_-]{40,}", r"^1//0"),
    _token("Telegram bot token", r"\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b", r"^\d+:AA", hint=":AA"),
    Detector(
        "Discord bot token",
        r"\b[MNO][0-9A-Za-z_-]{23,27}\.[0-9A-Za-z_-]{6}\.[0-9A-Za-z_-]{27,40}\b",
        _discord_ok,
        lambda s: mask(s, 0),
        hint=".",
    ),
    _token("Shopify token", r"\bshp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}\b", r"^shp[a-z]{2}_"),
    _token("DigitalOcean token", r"\bdo[opr]_v1_[0-9a-f]{64}\b", r"^do[opr]_v1_", hint="_v1_"),
    _token("Databricks token", r"\bdapi[0-9a-f]{32}(?:-\d)?\b", r"^dapi"),
    _token("Vault token", r"\bhv[sb]\.[0-9A-Za-z_-]{24,}", r"^hv[sb]\."),
    _token("Doppler token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,44}\b", r"^dp\.[a-z]+\."),
    _token("Linear key", r"\blin_(?:api|oauth)_[0-9A-Za-z]{40}\b", r"^lin_[a-z]+_"),
    _token("Notion token", r"\bntn_[0-9A-Za-z]{40,50}\b", r"^ntn_"),
    _token("Groq key", r"\bgsk_[0-9A-Za-z]{48,56}\b", r"^gsk_"),
    _token("Replicate token", r"\br8_[0-9A-Za-z]{37}\b", r"^r8_"),
    _token("Perplexity key", r"\bpplx-[0-9A-Za-z]{48}\b", r"^pplx-"),
    _token("xAI key", r"\bxai-[0-9A-Za-z]{70,90}\b", r"^xai-"),
    _token("Mailgun key", r"\bkey-[0-9a-f]{32}\b", r"^key-"),
    _token("Mailchimp key", r"\b[0-9a-f]{32}-us\d{1,2}\b", r"^(?=[0-9a-f]{32}-)"),
    _token("Square token", r"\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}\b", r"^sq0[a-z]{3}-"),
    _token("Square token", r"\bEAAA[0-9A-Za-z_-]{60}\b", r"^EAAA"),
    _token("Facebook token", r"\bEAA[BCDGI][0-9A-Za-z]{90,}", r"^EAA"),
    _token("Atlassian token", r"\bATATT3[0-9A-Za-z_=-]{150,}", r"^ATATT3"),
    _token("Postman key", r"\bPMAK-[0-9a-f]{24}-[0-9a-f]{34}\b", r"^PMAK-"),
    _token("New Relic key", r"\bNRAK-[0-9A-Z]{27}\b", r"^NRAK-", mixed=False),
    _token("Grafana token", r"\bglsa_[0-9A-Za-z]{32}_[0-9a-fA-F]{8}\b", r"^glsa_"),
    _token("Grafana token", r"\bglc_[0-9A-Za-z+/]{32,400}={0,2}", r"^glc_"),
    _token("Alibaba key", r"\bLTAI[0-9A-Za-z]{20}\b", r"^LTAI"),
    _token("Tencent key", r"\bAKID[0-9A-Za-z]{32}\b", r"^AKID"),
    _token("1Password token", r"\bops_eyJ[0-9A-Za-z+/]{250,}={0,3}", r"^ops_"),
    _token("age secret key", r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b", r"^AGE-SECRET-KEY-1", mixed=False),
    _token("Sentry token", r"\bsntry[su]_[0-9A-Za-z+/=_]{40,}", r"^sntry[su]_"),
    _token("Heroku key", r"\bHRKU-[0-9A-Za-z_-]{60}\b", r"^HRKU-"),
    _token("Supabase token", r"\bsbp_[0-9a-f]{40}\b", r"^sbp_"),
    _token("Stripe webhook secret", r"\bwhsec_[0-9A-Za-z]{32,}\b", r"^whsec_"),
    _token("Azure client secret", r"\b[0-9A-Za-z_~.-]{3}\dQ~[0-9A-Za-z_~.-]{31,34}", r"^[0-9A-Za-z_~.-]{3}\dQ~"),
    _token("Dropbox token", r"\bsl\.[0-9A-Za-z_-]{130,}", r"^sl\."),
    _token("Firebase server key", r"\bAAAA[0-9A-Za-z_-]{7}:APA91b[0-9A-Za-z_-]{134}", r"^AAAA[0-9A-Za-z_-]{7}:APA91b"),
]  # fmt: skip
"""Provider tokens beside the common ones of `secrets.SECRET_DETECTORS`."""
