"""How a split's records are read: the layouts detected among, or the layout `--format` forces, and
whether a text layout is read as chat in a template (`--template`, or found in the data).

A text split whose records carry one chat template's markers (`dataqa.ingest.chat_templates`) is read in
the templated form of its text layout; a pass counts each record in that form only when its text
carries the template, so the split's counts say how many records are in it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dataqa.ingest import chat_templates, rft
from dataqa.ingest.detection import Detector
from dataqa.ingest.fieldmaps import FieldMapError, mapped_layouts
from dataqa.ingest.layouts import LAYOUTS, RFT, TEXT, Layout, lookup, templated, top_key


@dataclass(frozen=True)
class Reading:
    """How a split's records are read: the layouts to detect among (a field map's first), or the one
    layout `--format` (with `--map`, its mapped form; with `--template`, its templated form) forces,
    and the `--label-field`."""

    layouts: tuple[Layout, ...]
    forced: Layout | None = None
    label_field: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    """The user's field map, as given (for the message when no record fits it)."""
    find_template: bool = True
    """Whether a text split is looked at for a chat template (not with `--format` or `--template`)."""
    templated: Layout | None = None
    """The layout decided for the split on its first records, which a pass counts a record in when the
    record is in it: a text layout read as chat when the text carries its template, the RFT layout for a
    chat that ends on a user turn (`dataqa.ingest.rft`), a chat layout with the roles the file names in
    its own words (`dataqa.ingest.role_names`)."""

    @classmethod
    def of(
        cls,
        fmt: str | None,
        label_field: str | None,
        fields: dict[str, str] | None,
        template: str | None = None,
    ) -> Reading:
        """The reading `--format`, `--label-field`, `--map` and `--template` ask for; raises
        `FieldMapError` (a map that fits no layout, a template on a layout without one text field)."""
        base = fmt or (TEXT if template else None)
        mapped = mapped_layouts(fields, base) if fields else []
        forced = (mapped[0] if mapped else LAYOUTS[base]) if base else None
        chat = None
        if template is not None and forced is not None:
            if forced.kind != TEXT:
                raise FieldMapError(
                    f"the {template} template reads one text field; the {forced.name} layout is not text "
                    "(--format text, or no format)"
                )
            forced = chat = templated(forced, template)
        elif forced is not None and forced.kind == RFT:  # counted so, to say how many end on a user turn
            chat = forced
        layouts = (*mapped, *LAYOUTS.values())
        return cls(layouts, forced, label_field, tuple((fields or {}).items()), base is None, chat)

    def detector(self) -> Detector:
        return Detector(self.layouts, self.label_field)

    @property
    def positional(self) -> bool:
        """Whether the field map, or a layout guessed for records that name no fields, names fields by
        position ("0", "1.text"): records written as JSON arrays are then read; otherwise each is a JSON
        array where an object was expected."""
        named = (*self.fields, *(field for layout in self.layouts for field in layout.fields))
        return any(top_key(key).isdigit() for key, _ in named)

    def counted(self, own: Layout | None, complete: bool, obj: dict[str, Any]) -> Layout | None:
        """The layout a pass counts a record in: its own when it is complete in it (None when not),
        the templated layout for a text record that carries that layout's template, the RFT layout for
        a chat that ends on a user turn, the renamed chat layout for a record in its plain form."""
        if not complete:
            return None
        chat = self.templated
        if chat is not None and chat.renamed:  # a chat whose roles the file names in its own words
            return chat if own == replace(chat, renamed=()) else own
        if chat is not None and chat.kind == RFT:
            return chat if rft.counts_as_rft(obj, own) else own
        if chat is None or own is None or own.kind != TEXT:
            return own
        text = lookup(obj, chat.source("text") or "text")
        if isinstance(text, str) and chat_templates.carries(
            chat_templates.parse(text, chat_templates.TEMPLATES[chat.template or ""])
        ):
            return chat
        return own
