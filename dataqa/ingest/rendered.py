"""A text record rendered in a chat template, read into its turns (kind `TEMPLATED`).

The templates and how a text splits at their markers are `dataqa.ingest.chat_templates`; this is the
normaliser of one such record (`dataqa.ingest.normalisers` dispatches to it): its turns checked like
any conversation's, and a text not in the split's template reported as a record in another format.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from dataqa.ingest import chat_templates
from dataqa.ingest.formats import OTHER_FORMAT, TURN_ORDER, UNKNOWN_ROLE
from dataqa.ingest.layouts import Layout
from dataqa.ingest.record import Record, check_turns, string_field, system_field
from dataqa.ingest.structure import result_items
from dataqa.ingest.text_calls import record_text_calls, tagged_blocks

_ROLES = (chat_templates.SYSTEM, chat_templates.USER, chat_templates.ASSISTANT, chat_templates.TOOL)
"""The roles a templated turn may have (a marker's other words are unknown roles)."""


def normalise_templated(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """One text field holding a conversation rendered in a chat template: its turns, read at the
    template's markers (`dataqa.ingest.chat_templates`), checked like any conversation. A text without the
    template's turns is a record in another format than its split, kept as the plain text it is."""
    key = layout.source("text") or "text"
    text = string_field(obj, key, rec, lenient=layout.lenient)
    template = chat_templates.TEMPLATES[layout.template or ""]
    turns = chat_templates.parse(text, template)
    if not chat_templates.carries(turns):
        found = ", ".join(dict.fromkeys(t.marker for t in turns if t.marker)) or "none"
        rec.issue(
            OTHER_FORMAT,
            f'"{key}" is not a chat in the {template.title} template the split is read in '
            f"(a user turn, then an assistant turn; its markers: {found}): {text[:60]!r}",
        )
        rec.turns = [("assistant", text)]
        return
    msgs: list[dict[str, Any]] = []
    system_key = layout.source_in(obj, "system")  # a system prompt beside the text (glaive's "system")
    if system_key is not None and (system := system_field(obj, system_key, rec)) is not None:
        msgs.append(system)
    for i, turn in enumerate(turns):
        at = f'"{key}" turn {i + 1}' + (f" ({turn.marker})" if turn.marker else " (before the first marker)")
        if turn.role == chat_templates.CONTEXT:  # the Alpaca prompt's input belongs to its instruction
            if msgs and msgs[-1]["role"] == "user" and turn.content:
                msgs[-1]["content"] += "\n\n" + turn.content
            continue
        if turn.role == chat_templates.OUTSIDE:
            rec.issue(TURN_ORDER, f"{at}: text outside any turn: {turn.content[:40]!r}")
            continue
        if turn.role not in _ROLES:
            rec.issue(UNKNOWN_ROLE, f'{at}: role "{turn.role[:40]}"')
            continue
        if turn.role == chat_templates.USER and only_tool_responses(turn.content):
            turn = dataclasses.replace(turn, role=chat_templates.TOOL)  # Qwen renders results as a user turn
        calls = turn.role == chat_templates.ASSISTANT and record_text_calls(
            rec.structure, turn.content, at, len(msgs)
        )
        if turn.role == chat_templates.TOOL:
            rec.structure.result(at, len(msgs), items=result_items(turn.content))
        msgs.append({"role": turn.role, "content": turn.content, "tool_calls": calls, "at": at})
    rec.structure.next_turn = len(msgs)
    check_turns(msgs, key, rec)
    rec.turns = [(m["role"], m["content"]) for m in msgs]


def only_tool_responses(content: str) -> bool:
    """Whether a turn holds nothing but `<tool_response>` blocks: tool results, whatever its marker."""
    if not content.startswith("<tool_response>"):
        return False
    blocks, outside = tagged_blocks(content, "tool_response")
    return bool(blocks) and not outside.strip()
