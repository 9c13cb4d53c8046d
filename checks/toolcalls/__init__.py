"""TOOL: broken tool calls, results, arguments or tool definitions. A module per check, all imported here."""

from dataqa.checks.toolcalls import (
    tool001_unpaired_tool_call,
    tool002_bad_tool_arguments,
    tool003_undefined_tool,
    tool004_invalid_tool_schema,
    tool005_arguments_off_schema,
)

__all__ = [
    "tool001_unpaired_tool_call",
    "tool002_bad_tool_arguments",
    "tool003_undefined_tool",
    "tool004_invalid_tool_schema",
    "tool005_arguments_off_schema",
]
