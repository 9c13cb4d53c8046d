"""The installed distribution's version, read once (a leaf: the cache key and every output carry it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("dataqa-finetune")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    VERSION = "0.0.0+unknown"
