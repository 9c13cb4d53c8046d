"""The errors a command turns into a one-line message and exit code 2; a leaf every layer may raise."""

from __future__ import annotations


class InputError(Exception):
    """A path that cannot be scanned at all (missing, a directory, unreadable)."""


class OutputError(Exception):
    """An output path that must not or cannot be written (exit code 2)."""


class EngineError(Exception):
    """A stage of the scan that an engine runs elsewhere gave nothing within its time limit (a Ray
    task that hangs, a cluster with no CPU free for it): the scan cannot go on without it (exit code 2)."""


class ConfigError(ValueError):
    """A configuration or option the user gave is unknown or of the wrong type (exit code 2)."""


def first_line(exc: BaseException) -> str:
    """An exception as one line (Ray's and the file systems' messages run over several)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
