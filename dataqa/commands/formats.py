"""`dataqa formats`: every record layout dataqa reads without options, with a one-line example, the
chat templates it reads from one text field, and the roles a field map (`--map FIELD=ROLE`,
`[tool.dataqa.fields]`, `fields=`) can give other names.

Reads only the layout and template tables (`dataqa.ingest.layouts`, `dataqa.ingest.chat_templates`),
which import nothing heavy.
"""

from __future__ import annotations

import sys

import click

from dataqa.commands.options import debug_option


def render() -> str:
    """The text `dataqa formats` prints: the layouts, the roles, and how to map other field names."""
    from dataqa.ingest.chat_templates import MIN_SHARE, TEMPLATES
    from dataqa.ingest.layouts import LAYOUTS, ROLES

    width = max(len(name) for name in LAYOUTS)
    lines = [
        "Record layouts read without options (each record's keys decide; --format NAME forces one):",
        "",
    ]
    for name, layout in LAYOUTS.items():
        lines.append(f"  {name:<{width}}  {layout.title}")
        lines.append(f"  {'':<{width}}  e.g. {layout.example}")
    lines += [
        "",
        'Message content may be a string or a list of parts: {"type": "text", "text" (or "value"): ...}.',
        "",
        "Text/label records whose label field has another name (category, intent, topic, ...) are read",
        "as classification when the label's short values repeat and one text field is beside it (ids,",
        "metadata and lists may be too); the scan names the label it took.",
        "",
        "Multiple-choice records (a question; its choices in numbered fields such as choice0.., option1..",
        "or in one list such as choices, options, endings; the right one's index, letter or text under",
        "label, answer, answerKey, ...) are read as the question with its choices lettered A, B, ...",
        "and the right choice as the answer; the scan names the fields it took.",
        "",
        'Other field names: --map FIELD=ROLE (repeatable), [tool.dataqa.fields] FIELD = "ROLE" in the',
        "configuration, or fields={FIELD: ROLE} in dataqa.scan(). A FIELD may be a path into nested",
        "values (instances.0.output), or a position in records written as JSON arrays (--map 0=text",
        "--map 1=label). Fields a map leaves out keep their usual names. Roles:",
        "",
    ]
    role_width = max(len(role) for role in ROLES)
    lines += [f"  {role:<{role_width}}  {meaning}" for role, meaning in ROLES.items()]
    lines += ["", "Example: dataqa scan qa.json --map qText=prompt --map answers=response"]
    lines += [
        "",
        'Chats rendered in a template inside one text field ({"text": ...}) are read as conversations',
        f"when at least {MIN_SHARE:.0%} of a split's text records carry one template's turns (a user turn,",
        "then an assistant turn); the text before the first marker is the system part where the",
        "template has one. --template NAME forces one, --format text keeps plain text. Templates:",
        "",
    ]
    template_width = max(len(name) for name in TEMPLATES)
    for name, template in TEMPLATES.items():
        lines.append(f"  {name:<{template_width}}  {template.title}")
        lines.append(f"  {'':<{template_width}}  e.g. {template.example}")
    lines += [
        "",
        "OpenAI reinforcement fine-tuning (rft) records are chats that end on a user turn with the",
        f"grader's fields beside messages; a split is read so when at least {MIN_SHARE:.0%} of its chats",
        "end on a user turn and most of those carry the same grader fields (never by file name);",
        "--format rft forces it. Each record's target is its reference: those fields (one string as",
        "it is, several as JSON).",
    ]
    lines += [
        "",
        "Records elsewhere than one per line or in one array:",
        "  --records-path KEY.KEY  the list of records in a JSON document (a * step: every key there)",
        "  --records-key FIELD     the key a record list sits under, put into each record as FIELD",
        "  --line-pattern REGEX    each line of a text file split into fields by the named groups:",
        "                          '(?P<label>\\S+) (?P<text>.*)' reads `LABEL text` lines",
    ]
    return "\n".join(lines)


@click.command("formats", short_help="List the record layouts dataqa reads, and the roles --map takes.")
@debug_option
def command(debug: bool) -> None:
    """List every record layout dataqa recognises, with a one-line example, and the field-map roles."""
    try:
        text = render()
    except Exception as exc:  # a bug: one line and exit 2, like every command; the traceback under --debug
        if debug:
            raise
        click.echo(f"dataqa: error: internal error: {type(exc).__name__}: {exc} (run with --debug)", err=True)
        sys.exit(2)
    click.echo(text)
