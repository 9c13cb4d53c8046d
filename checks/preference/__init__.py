"""PREF: preference data (DPO pairs, KTO examples) whose pairs teach nothing or teach the wrong thing."""

from dataqa.checks.preference import (
    pref001_identical_pair,
    pref002_empty_side,
    pref003_prompt_mismatch,
    pref004_side_ends_on_user,
    pref005_length_bias,
    pref006_kto_label_balance,
    pref007_tied_comparison,
)

__all__ = [
    "pref001_identical_pair",
    "pref002_empty_side",
    "pref003_prompt_mismatch",
    "pref004_side_ends_on_user",
    "pref005_length_bias",
    "pref006_kto_label_balance",
    "pref007_tied_comparison",
]
