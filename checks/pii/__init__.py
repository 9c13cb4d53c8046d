"""PII: secrets and personal data in training text; one module per check, each registers on import."""

from dataqa.checks.pii import pii001_secret, pii002_personal_data

__all__ = ["pii001_secret", "pii002_personal_data"]
