"""Every secret detector PII001 runs and evidence masks: common keys, provider tokens, credentials."""

from __future__ import annotations

from dataqa.text.credentials import CREDENTIAL_DETECTORS
from dataqa.text.detectors import Detector
from dataqa.text.provider_tokens import PROVIDER_DETECTORS
from dataqa.text.secrets import KEY_DETECTORS

SECRET_DETECTORS: list[Detector] = KEY_DETECTORS + PROVIDER_DETECTORS + CREDENTIAL_DETECTORS
"""All secret kinds; a generic one (a value under a secret's name) gives way to a specific one."""
