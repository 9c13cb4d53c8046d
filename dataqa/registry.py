"""Deprecated home of the check registry, kept for one release: import from `dataqa.plugin` instead.

The registry moved to `dataqa.engine.registry` when the package took layers (#17); this re-export
keeps `from dataqa.registry import Check, register` in existing plugins working.
"""

from __future__ import annotations

from dataqa.core.errors import ConfigError
from dataqa.engine.registry import FAMILIES, Check, load_checks, register

__all__ = ["FAMILIES", "Check", "ConfigError", "load_checks", "register"]
