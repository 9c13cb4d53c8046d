"""LEAK: held-out examples also in the training data. One module per check, all imported here."""

from dataqa.checks.leakage import (
    leak001_exact_leak,
    leak002_normalised_leak,
    leak003_near_leak,
    leak004_ngram_overlap,
    leak005_input_leak,
    leak006_contained_leak,
    leak007_answer_leak,
    leak008_exchange_leak,
)

__all__ = [
    "leak001_exact_leak",
    "leak002_normalised_leak",
    "leak003_near_leak",
    "leak004_ngram_overlap",
    "leak005_input_leak",
    "leak006_contained_leak",
    "leak007_answer_leak",
    "leak008_exchange_leak",
]
