"""QUAL: content quality of the text a model learns from; one module per check, each registers on import."""

from dataqa.checks.quality import (
    qual001_refusal_boilerplate,
    qual002_template_debris,
    qual003_degenerate_text,
    qual004_mojibake,
    qual005_markup_residue,
    qual006_invisible_context,
    qual007_truncated_target,
    qual008_echo_target,
    qual009_trivial_target,
    qual010_placeholder_input,
    qual011_reference_only_input,
    qual012_merged_records,
    qual013_placeholder_target,
    qual014_cross_language_answer,
    qual015_generator_remark,
    qual016_marked_rejected,
)

__all__ = [
    "qual001_refusal_boilerplate",
    "qual002_template_debris",
    "qual003_degenerate_text",
    "qual004_mojibake",
    "qual005_markup_residue",
    "qual006_invisible_context",
    "qual007_truncated_target",
    "qual008_echo_target",
    "qual009_trivial_target",
    "qual010_placeholder_input",
    "qual011_reference_only_input",
    "qual012_merged_records",
    "qual013_placeholder_target",
    "qual014_cross_language_answer",
    "qual015_generator_remark",
    "qual016_marked_rejected",
]
