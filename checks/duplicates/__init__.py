"""DUP: duplicate examples inside one split. One module per check, all imported here."""

from dataqa.checks.duplicates import (
    dup001_exact_duplicate,
    dup002_normalised_duplicate,
    dup003_near_duplicate,
    dup004_near_duplicate_input,
)

__all__ = [
    "dup001_exact_duplicate",
    "dup002_normalised_duplicate",
    "dup003_near_duplicate",
    "dup004_near_duplicate_input",
]
