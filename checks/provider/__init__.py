"""PROV: will the provider's upload accept this file? One module per check, all imported here."""

from dataqa.checks.provider import (
    prov001_unsupported_shape,
    prov002_unsupported_role,
    prov003_over_model_context,
    prov004_invalid_weight,
    prov005_image_limits,
    prov006_content_part,
    prov007_example_count,
    prov008_file_size,
    prov009_tool_call_id,
)

__all__ = [
    "prov001_unsupported_shape",
    "prov002_unsupported_role",
    "prov003_over_model_context",
    "prov004_invalid_weight",
    "prov005_image_limits",
    "prov006_content_part",
    "prov007_example_count",
    "prov008_file_size",
    "prov009_tool_call_id",
]
