"""COV: coverage gaps between and within splits; one module per check, each registers on import."""

from dataqa.checks.coverage import (
    cov001_class_balance,
    cov002_language_mix,
    cov003_length_outlier,
    cov004_thin_topic,
    cov005_test_coverage,
    cov006_conversation_structure,
)

__all__ = [
    "cov001_class_balance",
    "cov002_language_mix",
    "cov003_length_outlier",
    "cov004_thin_topic",
    "cov005_test_coverage",
    "cov006_conversation_structure",
]
