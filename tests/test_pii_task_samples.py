"""A prompt's cut-off address is a cleaning exercise's sample only at a free-mail provider named by its
brand (`task_samples.malformed_email`): since session 35 every free-mail domain's first label counted,
so "list", "live", "139" and "comcast" after an "@" made a prompt a format exercise and its real
addresses samples."""

from __future__ import annotations

import pytest

from dataqa.checks.pii.task_samples import format_task_kinds, malformed_email


@pytest.mark.parametrize(
    "prompt",
    [
        "Clean these contacts: jacob.benson@gmail, com\nSam Cook- Samjaycook@hotmail.",
        "Fix the list: anna@yahoo, bob@outlook",
        "Limpia: maria@gmail",
        "Validate: x@gmail",
    ],
)
def test_an_address_cut_after_a_brand_is_a_format_exercise(prompt: str) -> None:
    """Cut-off "x@gmail", "x@hotmail." and "x@yahoo," are the broken entries a cleaning task hands over."""
    assert malformed_email(prompt)
    assert "email" in format_task_kinds(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "Please forward the minutes to x@list. Thanks, Mary",
        "Please forward the minutes to board@list. Thanks, Mary",
        "I wrote to support@live. and nobody answered",
        "Call me or mail bob@139 when you land",
        "My old address was joe@comcast, I think",
    ],
)
def test_an_address_cut_after_a_generic_label_is_no_format_exercise(prompt: str) -> None:
    """The words "list", "live", "139", "comcast" are first labels of free-mail domains but no brand a cut-off
    address names: a prompt that writes them is no format exercise."""
    assert not malformed_email(prompt)
    assert "email" not in format_task_kinds(prompt)
