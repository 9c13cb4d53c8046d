"""SIZE: is there enough data, per split and per class? The verdict judges the usable count."""

from dataqa.checks.size import (
    size001_training_set_size,
    size002_rare_class,
    size003_small_eval_set,
)

__all__ = ["size001_training_set_size", "size002_rare_class", "size003_small_eval_set"]
