"""Field maps: the user's names for a layout's fields (`--map question=prompt`, `[tool.dataqa.fields]`).

A field map is read and checked here (`parse_map`, `check_map`), turned into the layouts it makes
out of the built-in ones (`mapped_layouts`), and written back as command-line options
(`map_options`, for the map dataqa suggests for a file in no known layout).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from dataqa.ingest.layouts import KTO, LAYOUTS, MAPPED, OPENAI_PREFERENCE, RFT, ROLES, Layout

SINGLE_ROLES = frozenset(ROLES) - {"meta", "tools", "media"}
"""Roles one field plays at a time: mapping one replaces the layout's own field for it."""
_EXTRA_ROLES = frozenset({"label", "system", "meta", "tools", "media", "history"})
"""Roles a map may add to a layout that does not read them (a label next to chat, a system field)."""


class FieldMapError(ValueError):
    """A field map that cannot be used: an unknown role, or one field given two roles."""


def parse_map(entries: Iterable[str]) -> dict[str, str]:
    """`["question=prompt", "answer=response"]` (the `--map` values) as {"question": "prompt", ...}."""
    out: dict[str, str] = {}
    for entry in entries:
        key, sep, role = entry.partition("=")
        key, role = key.strip(), role.strip()
        if not sep or not key or not role:
            raise FieldMapError(f"--map {entry!r}: write FIELD=ROLE, e.g. --map question=prompt")
        if key in out and out[key] != role:
            raise FieldMapError(f"--map gives {key!r} two roles ({out[key]}, {role})")
        out[key] = role
    return check_map(out, "--map")


def check_map(fields: Mapping[str, Any], where: str) -> dict[str, str]:
    """A field map with every role known and every field a non-empty string; `where` names its source."""
    out: dict[str, str] = {}
    for key, role in fields.items():
        if not isinstance(key, str) or not key.strip():
            raise FieldMapError(f"{where}: a field name must be a non-empty string, not {key!r}")
        if not isinstance(role, str) or role not in ROLES:
            raise FieldMapError(
                f"{where}.{key}: unknown role {role!r}; roles are {', '.join(ROLES)} (`dataqa formats`)"
            )
        out[key] = role
    roles = Counter(role for role in out.values() if role in SINGLE_ROLES)
    twice = sorted(role for role, n in roles.items() if n > 1)
    if twice:
        names = ", ".join(f"{k}" for k, r in out.items() if r == twice[0])
        raise FieldMapError(f"{where}: {names} all map to {twice[0]}; one field plays each role")
    return out


def mapped_layouts(fields: Mapping[str, str], base: str | None = None) -> list[Layout]:
    """The layouts a field map makes: each built-in layout (or only `base`, a `--format`) with the
    mapped fields in place of its own, where the layout has the mapped roles.

    A layout whose required fields did not change keeps its name (a map that adds a label to chat
    data is still chat); any other is named `MAPPED`. Its unmapped fields stay: `--map
    answer=response` reads {"instruction", "input", "answer"} as Alpaca with another target.
    """
    out: list[Layout] = []
    bases = [LAYOUTS[base]] if base is not None else list(LAYOUTS.values())
    for layout in bases:
        if layout.kind == RFT and base is None:  # decided per split on the data (`dataqa.ingest.rft`)
            continue
        has = {r for _, r in (*layout.fields, *layout.optional)}
        if any(role not in has and role not in _EXTRA_ROLES for role in fields.values()):
            continue
        mapped_roles = {r for r in fields.values() if r in SINGLE_ROLES}
        mapped_keys = set(fields)
        required = [(f, r) for f, r in layout.fields if r not in mapped_roles and f not in mapped_keys]
        optional = [(f, r) for f, r in layout.optional if r not in mapped_roles and f not in mapped_keys]
        required_roles = {r for _, r in layout.fields}
        for key, role in fields.items():
            (required if role in required_roles else optional).append((key, role))
        label = next((k for k, r in fields.items() if r == "label"), None)
        # The replaced label field's declared type goes to the mapped one: a mapped multi-label field
        # is still a set of classes, a mapped BoolQ answer still a boolean.
        replaced = {f for f, r in (*layout.fields, *layout.optional) if r == "label"} if label else set()
        types = tuple((label if f in replaced else f, t) for f, t in layout.types if f not in mapped_keys)
        if layout.kind == KTO and label is not None:
            types += ((label, "boolean"),)  # a mapped KTO label is true/false; a string one is a class
        prompt = next((k for k, r in fields.items() if r == "prompt"), None)
        if layout.kind == OPENAI_PREFERENCE and prompt is not None:
            # OpenAI's input is {"messages": [...]}: a prompt of text is the plain preference layout's,
            # which otherwise loses to this one (three required fields against two)
            types += ((prompt, "object"),)
        same = {*required} == {*layout.fields}
        out.append(
            replace(
                layout,
                name=layout.name if same else MAPPED,
                fields=tuple(required),
                optional=tuple(optional),
                anchors=frozenset(),
                types=types,
                strict=False,
                base=layout.name,
                given=tuple(fields.items()),
                lenient=True,
            )
        )
    if not out:
        roles = ", ".join(sorted(set(fields.values())))
        where = f"the {base} layout" if base else "any layout"
        raise FieldMapError(
            f"the field map's roles ({roles}) do not fit {where}: a layout needs prompt and response, "
            "messages, text, or chosen and rejected (`dataqa formats` lists them)"
        )
    return out


def map_options(fields: Mapping[str, str]) -> str:
    """A field map as the command-line options that give it."""
    return " ".join(f"--map {_quote(k)}={r}" for k, r in fields.items())


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_.-]+", key) else "'" + key.replace("'", "'\\''") + "'"
