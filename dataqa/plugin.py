"""What a third-party check needs, in one import: `from dataqa.plugin import Check, register, ...`.

A check is a dataclass subclass of `Check` whose fields are its options, registered with `@register`
and shipped through the `dataqa.checks` entry point (README, "Writing a check"). Everything here is
public and stable; the modules it re-exports from may move.
"""

from __future__ import annotations

from dataqa.core.errors import ConfigError
from dataqa.core.models import Finding, Location, Severity
from dataqa.core.options import ranged
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest.issues import excerpt

__all__ = [
    "Check",
    "ConfigError",
    "Context",
    "Finding",
    "Location",
    "Severity",
    "excerpt",
    "ranged",
    "register",
]
