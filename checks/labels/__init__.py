"""LBL: label consistency, within a split, across splits, and of generative answers."""

from dataqa.checks.labels import (
    lbl001_conflicting_labels,
    lbl002_near_identical_conflict,
    lbl003_label_spelling_variant,
    lbl004_eval_label_unseen,
    lbl005_label_missing_from_eval,
    lbl006_likely_mislabel,
    lbl007_contradictory_answers,
    lbl008_structured_label,
    lbl009_answer_contradicts_working,
    lbl010_comparative_reading,
)

__all__ = [
    "lbl001_conflicting_labels",
    "lbl002_near_identical_conflict",
    "lbl003_label_spelling_variant",
    "lbl004_eval_label_unseen",
    "lbl005_label_missing_from_eval",
    "lbl006_likely_mislabel",
    "lbl007_contradictory_answers",
    "lbl008_structured_label",
    "lbl009_answer_contradicts_working",
    "lbl010_comparative_reading",
]
