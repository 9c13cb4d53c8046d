"""Media beside the messages: LLaMA-Factory and ms-swift `images`, `videos`, `audios`; LLaVA `image`.

Multimodal sets in these layouts keep the files in a top-level list and mark where each goes with
a placeholder in the text ("<image>Who is this?"). The file is part of the input: one question
asked about two photos is two examples, not a copy, so each placeholder is replaced, in order, by
the file's marker (`parts.media_marker`, the same `<image 1.jpg mediaref:1a2b3c4d>` a content part
gets). Files without a placeholder go in front of the first user turn, where they are shown.
"""

from __future__ import annotations

import re
from typing import Any

from dataqa.ingest.formats import WRONG_TYPE
from dataqa.ingest.layouts import MISSING, Layout, lookup
from dataqa.ingest.parts import media_marker
from dataqa.ingest.record import Record

MEDIA_FIELDS: dict[str, str] = {
    "images": "image",
    "image": "image",
    "videos": "video",
    "video": "video",
    "audios": "audio",
    "audio": "audio",
}
"""Top-level media fields of the published multimodal layouts, and the kind of file each holds."""

_PLACEHOLDER = re.compile(r"<(image|video|audio)>")


def _references(value: Any) -> list[Any] | None:
    """The files a media field names (a path, a URL, an object with one, or a list of them), or
    None when the value is none of these."""
    if isinstance(value, str | dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str | dict) for v in value):
        return value
    return None


def _marker(kind: str, reference: Any) -> str:
    part = reference if isinstance(reference, dict) else {"url": reference}
    return media_marker("image" if kind == "image" else f"{kind}_url", part) or f"<{kind}>"


def attach_media(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """Put the record's media files into its user turns as markers (see the module docstring); a
    media field that names no file is a wrong-type issue naming the field."""
    queues: dict[str, list[str]] = {}
    for key in layout.sources("media"):
        value = lookup(obj, key)
        if value is MISSING or value is None or value == []:
            continue
        references = _references(value)
        kind = MEDIA_FIELDS.get(key.rsplit(".", 1)[-1], "image")
        if references is None:
            rec.issue(WRONG_TYPE, f'"{key}" must be a file path, a URL or a list of them')
            continue
        queues.setdefault(kind, []).extend(_marker(kind, r) for r in references)
    if not queues:
        return

    def fill(match: re.Match[str]) -> str:
        waiting = queues.get(match.group(1))
        return waiting.pop(0) if waiting else match.group(0)

    turns = [(role, _PLACEHOLDER.sub(fill, text) if role == "user" else text) for role, text in rec.turns]
    left = [marker for kind in sorted(queues) for marker in queues[kind]]
    first_user = next((i for i, (role, _) in enumerate(turns) if role == "user"), None)
    if left and first_user is not None:
        role, content = turns[first_user]
        turns[first_user] = (role, " ".join(left) + ("\n" + content if content else ""))
    rec.turns = turns
