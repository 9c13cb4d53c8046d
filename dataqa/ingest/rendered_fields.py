"""A conversation rendered in a chat template into a field no layout names, read without asking.

Published sets sometimes keep the rendered example under a name of their own, beside fields that
describe it (Gorilla's APIBench: `{"code": "###Instruction: ...\\n###Output: ...", "api_call",
"provider", "api_data"}`). When one string field of a file's first records carries a chat template
in a clear majority of them (`chat_templates.detect`), that field is the text read in the template,
as a `{"text": ...}` field would be, and every other field describes the record. The openings of the
fields are kept by the survey (`KeySurvey.add_heads`); the rendered records' normaliser is
`dataqa.ingest.rendered`.
"""

from __future__ import annotations

from dataqa.ingest import chat_templates
from dataqa.ingest.layouts import LAYOUTS, TEXT, Layout, templated
from dataqa.ingest.survey import KeySurvey


def rendered_layout(survey: KeySurvey) -> tuple[Layout, str] | None:
    """The templated text layout of the string field whose values carry one chat template, with the
    sentence that says what was taken; None when no field does (the longest fields tried first)."""
    if survey.of_arrays or not survey.heads:
        return None
    common = survey.common()
    keys = sorted(
        (key for key in survey.heads if key in common),
        key=lambda key: (-sum(map(len, survey.heads[key])), common.index(key)),
    )
    for key in keys:
        values = survey.heads[key]
        found = chat_templates.detect(values, total=max(len(v) for v in survey.heads.values()))
        if found is None:
            continue
        template, carried = found
        others = [k for k in common if k != key]
        layout = Layout(
            TEXT,
            TEXT,
            f'a chat rendered in one field: {{"{key}"}} in the {template.title} template',
            LAYOUTS[TEXT].example,
            ((key, "text"),),
            tuple((k, "meta") for k in others),
        )
        shown = ", ".join(f'"{k}"' for k in others[:6]) + (", ..." if len(others) > 6 else "")
        note = (
            f'read as chat: "{key}" holds each example in the {template.title} template '
            f"({carried} of {len(values)} first records)"
            + (f", {shown} kept as metadata" if others else "")
            + "; --map names other fields"
        )
        return templated(layout, template.name), note
    return None
