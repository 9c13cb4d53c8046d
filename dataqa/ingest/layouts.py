"""Record layouts as one table: which fields of a record play which canonical role.

A layout is a `kind` (how its records become canonical rows, `dataqa.ingest.normalisers`) and its
field names, each with a role (`ROLES`). The built-in layouts (`LAYOUTS`) are the shapes public
fine-tuning sets come in; a field map (`--map question=prompt`, `[tool.dataqa.fields]`, `fields=`)
is the same mechanism for any other names (`mapped_layouts`). Detection (`Detector`) picks, per
record, the layout whose required fields the record has, the most specific first; messages about a
record name the data set's own fields, since the normalisers read every field through its layout.

Nothing here imports polars: `dataqa formats` and `dataqa --help` stay light.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from typing import Any

# Kinds: how a layout's records are normalised. Several layouts share a kind; the first nine are
# also the names of the layouts dataqa always knew (provider profiles name them).
CHAT = "chat"
SHAREGPT = "sharegpt"
PROMPT_COMPLETION = "prompt_completion"
ALPACA = "alpaca"
CLASSIFICATION = "classification"
PREFERENCE = "preference"
OPENAI_PREFERENCE = "openai_preference"
KTO = "kto"
VERTEX = "vertex"
PAIR = "pair"
"""Kind of every prompt/response layout (Alpaca, question/answer, prompt/completion, ...)."""
TEXT = "text"
"""Kind and layout of plain text for continued pre-training: no prompt, no target."""

MAPPED = "mapped"
"""Name of a layout built from the user's field map."""

ROLES: dict[str, str] = {
    "prompt": "the input the model is given (a string; for KTO and preference, also a message list)",
    "context": "extra input appended to the prompt (Alpaca's input, Dolly's context)",
    "response": "the target the model learns to write",
    "system": "a system prompt",
    "messages": "a conversation: a list of {role, content} or {from, value} messages",
    "chosen": "the preferred answer of a preference pair",
    "rejected": "the rejected answer of a preference pair",
    "label": "a class label; with messages or a prompt and response, KTO's true/false",
    "text": "plain text (continued pre-training; with a label, a classification example)",
    "tools": "tool definitions sent with the example",
    "meta": "metadata: kept with the record, not checked",
}
"""The canonical roles a field can play, the names `--map KEY=ROLE` accepts."""

CONTENT_ROLES = frozenset(
    {"prompt", "context", "response", "messages", "chosen", "rejected", "label", "text"}
)
"""Roles that make a record what it is; a field in another role (system, tools, meta) is reported
to provider profiles as an extra top-level key (`Structure.keys`)."""

_META_KEYS = ("id", "meta", "metadata", "source", "url", "title", "timestamp", "date", "lang", "language")
"""Keys plain pre-training text is often published with (C4, The Pile, RedPajama, FineWeb)."""


@dataclass(frozen=True)
class Layout:
    """One record layout: its kind and the (field, role) pairs it reads.

    `fields` are required: a record with all of them is in the layout. `optional` fields are read
    when present. `anchors` claim a record that lacks a required field (so a record without its
    Alpaca "output" is an Alpaca record with a missing field, not a record in no layout); `types`
    restrict detection to records whose field has that JSON type (KTO's boolean label). A `strict`
    layout takes only records without other keys (plain text: a "text" key next to unknown ones
    is more likely a layout that needs a map).
    """

    name: str
    kind: str
    title: str
    example: str
    fields: tuple[tuple[str, str], ...]
    optional: tuple[tuple[str, str], ...] = ()
    anchors: frozenset[str] = frozenset()
    types: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    base: str | None = None
    """For a mapped layout: the built-in layout it was made from."""
    lenient: bool = False
    """Numbers and lists of strings or numbers are read as text (the user's own mapped fields)."""

    @cached_property
    def _by_role(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for f, r in (*self.fields, *self.optional):
            out.setdefault(r, []).append(f)
        return out

    @cached_property
    def _first(self) -> dict[str, str]:
        return {role: found[0] for role, found in self._by_role.items()}

    def source(self, role: str) -> str | None:
        """The first field read in `role` (required fields first), or None."""
        return self._first.get(role)

    def sources(self, role: str) -> list[str]:
        """Every field read in `role`, required ones first."""
        return self._by_role.get(role, [])

    def roles(self) -> dict[str, str]:
        """Role -> the field that plays it (the first one), for messages that name the data's fields;
        metadata is left out."""
        out: dict[str, str] = {}
        for f, r in (*self.fields, *self.optional):
            if r != "meta":
                out.setdefault(r, f)
        return out

    @cached_property
    def required_keys(self) -> frozenset[str]:
        return frozenset(top_key(f) for f, _ in self.fields)

    @cached_property
    def known_keys(self) -> frozenset[str]:
        """Top-level keys the layout reads: any other is an unknown key (FMT015)."""
        return frozenset(top_key(f) for f, _ in (*self.fields, *self.optional))

    @cached_property
    def core_keys(self) -> frozenset[str]:
        """Top-level keys in a content role; any other key is kept in `structure` for provider profiles."""
        return frozenset(top_key(f) for f, r in (*self.fields, *self.optional) if r in CONTENT_ROLES)

    @property
    def summary(self) -> str:
        """The layout in one line: its title and its fields (what `FORMATS` and messages show)."""
        if self.base is None:
            return self.title
        return "your field map: " + ", ".join(f"{f} = {r}" for f, r in (*self.fields, *self.optional))


def _layout(
    name: str,
    kind: str,
    title: str,
    example: str,
    fields: dict[str, str],
    optional: dict[str, str] | None = None,
    **more: Any,
) -> Layout:
    return Layout(name, kind, title, example, tuple(fields.items()), tuple((optional or {}).items()), **more)


_SYSTEM = {"system": "system"}

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in [
        _layout(
            CHAT,
            CHAT,
            'OpenAI chat: {"messages": [{"role", "content"}, ...]}',
            '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
            {"messages": "messages"},
            # "system" and "schemaVersion": Amazon Bedrock's Claude and Nova records; a root
            # "weight": Fireworks weighted training.
            {
                "tools": "tools",
                "functions": "tools",
                "parallel_tool_calls": "meta",
                "system": "system",
                "schemaVersion": "meta",
                "weight": "meta",
            },
        ),
        _layout(
            "kto_messages",
            KTO,
            'KTO chat: {"messages": [...], "label": true|false}',
            '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], '
            '"label": true}',
            {"messages": "messages", "label": "label"},
            _SYSTEM,
            types=(("label", "boolean"),),
        ),
        _layout(
            SHAREGPT,
            SHAREGPT,
            'ShareGPT: {"conversations": [{"from", "value"}, ...]}',
            '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}',
            {"conversations": "messages"},
            {"system": "system", "tools": "tools"},
        ),
        _layout(
            VERTEX,
            VERTEX,
            'Vertex AI Gemini: {"contents": [{"role": "user"|"model", "parts"}, ...]}',
            '{"contents": [{"role": "user", "parts": [{"text": "Hi"}]}, '
            '{"role": "model", "parts": [{"text": "Hello!"}]}]}',
            {"contents": "messages"},
            {"systemInstruction": "system", "system_instruction": "system", "tools": "tools"},
        ),
        _layout(
            OPENAI_PREFERENCE,
            OPENAI_PREFERENCE,
            'OpenAI DPO: {"input": {"messages"}, "preferred_output", "non_preferred_output"}',
            '{"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": '
            '[{"role": "assistant", "content": "Hello!"}], "non_preferred_output": '
            '[{"role": "assistant", "content": "Go away."}]}',
            {"input": "prompt", "preferred_output": "chosen", "non_preferred_output": "rejected"},
            anchors=frozenset({"preferred_output", "non_preferred_output"}),
        ),
        _layout(
            PREFERENCE,
            PREFERENCE,
            '{"prompt", "chosen", "rejected"}',
            '{"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."}',
            {"chosen": "chosen", "rejected": "rejected"},
            {"prompt": "prompt", "conversations": "messages", "system": "system", "tools": "tools"},
        ),
        _layout(
            KTO,
            KTO,
            'KTO: {"prompt", "completion", "label": true|false}',
            '{"prompt": "Hi", "completion": "Hello!", "label": true}',
            {"prompt": "prompt", "completion": "response", "label": "label"},
            _SYSTEM,
        ),
        _layout(
            PROMPT_COMPLETION,
            PAIR,
            '{"prompt", "completion"}',
            '{"prompt": "Hi", "completion": "Hello!"}',
            {"prompt": "prompt", "completion": "response"},
        ),
        _layout(
            ALPACA,
            PAIR,
            'Alpaca: {"instruction", "input", "output"}',
            '{"instruction": "Translate to French", "input": "Hello", "output": "Bonjour"}',
            {"instruction": "prompt", "output": "response"},
            {"input": "context", "system": "system", "history": "meta"},
            anchors=frozenset({"instruction"}),
        ),
        _layout(
            "instruction_response",
            PAIR,
            'instruction/response: {"instruction", "input"?, "response"}',
            '{"instruction": "Translate to French", "input": "Hello", "response": "Bonjour"}',
            {"instruction": "prompt", "response": "response"},
            {"input": "context", "system": "system"},
        ),
        _layout(
            "dolly",
            PAIR,
            'Dolly: {"instruction", "context", "response", "category"}',
            '{"instruction": "Who wrote it?", "context": "Hamlet is a play by Shakespeare.", '
            '"response": "Shakespeare", "category": "closed_qa"}',
            {"instruction": "prompt", "context": "context", "response": "response"},
            {"category": "meta", "system": "system"},
        ),
        _layout(
            "question_answer",
            PAIR,
            'question/answer: {"question", "answer"}',
            '{"question": "What is the capital of France?", "answer": "Paris"}',
            {"question": "prompt", "answer": "response"},
            {"context": "context", "system": "system"},
        ),
        _layout(
            "prompt_response",
            PAIR,
            '{"prompt", "response"}',
            '{"prompt": "Hi", "response": "Hello!"}',
            {"prompt": "prompt", "response": "response"},
            _SYSTEM,
        ),
        _layout(
            "query_response",
            PAIR,
            '{"query", "response"}',
            '{"query": "Hi", "response": "Hello!"}',
            {"query": "prompt", "response": "response"},
            {"system": "system", "history": "meta"},
        ),
        _layout(
            "input_output",
            PAIR,
            '{"input", "output"}',
            '{"input": "Hi", "output": "Hello!"}',
            {"input": "prompt", "output": "response"},
            _SYSTEM,
        ),
        _layout(
            CLASSIFICATION,
            CLASSIFICATION,
            '{"text", "label"}',
            '{"text": "Where is my refund?", "label": "billing"}',
            {"text": "text", "label": "label"},
        ),
        _layout(
            TEXT,
            TEXT,
            'plain text for continued pre-training: {"text"}',
            '{"text": "The mitochondria is the powerhouse of the cell."}',
            {"text": "text"},
            {key: "meta" for key in _META_KEYS},
            strict=True,
        ),
    ]
}
"""Every built-in layout, in the order that breaks ties between equally good matches."""


def top_key(source: str) -> str:
    """The top-level key a field path starts with ("instances.0.output" -> "instances")."""
    return source.split(".", 1)[0]


_MISSING = object()


def lookup(obj: dict[str, Any], source: str) -> Any:
    """The value of field `source` in `obj`, or `MISSING`: a key, or a dotted path into nested
    objects and lists ("instances.0.output") when no key has the dotted name itself."""
    if source in obj:
        return obj[source]
    if "." not in source:
        return _MISSING
    value: Any = obj
    for step in source.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
    return value


MISSING = _MISSING
"""What `lookup` returns for a field the record does not have."""


def json_kind(value: Any) -> str:
    """The JSON type name of a parsed value (for `Layout.types` and the key survey)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


# -- field maps -----------------------------------------------------------------------------------

SINGLE_ROLES = frozenset(ROLES) - {"meta", "tools"}
"""Roles one field plays at a time: mapping one replaces the layout's own field for it."""
_EXTRA_ROLES = frozenset({"label", "system", "meta", "tools"})
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
        types = tuple((f, t) for f, t in layout.types if f not in mapped_keys)
        label = next((k for k, r in fields.items() if r == "label"), None)
        if layout.kind == KTO and label is not None:
            types += ((label, "boolean"),)  # a mapped KTO label is true/false; a string one is a class
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


# -- detection ------------------------------------------------------------------------------------

_CACHE_MAX = 4096
_CACHED_KEYS = 64
"""Records with more top-level keys than this are detected afresh: the cache holds key tuples."""


@dataclass
class Detector:
    """Finds the layout of each record among `layouts` (mapped ones first, then the built-ins).

    A record is in a layout when it has all the layout's required fields (of the right type); the
    layout with the most required fields wins, then the one reading most of the record's keys,
    then the first. With none complete, a layout whose anchor field the record has claims it, as
    an incomplete record of that layout (`complete` False). `label_field` (`--label-field`) is
    the label of a text record, and of no other layout. Results are cached by the record's keys.
    """

    layouts: Sequence[Layout]
    label_field: str | None = None
    _cache: dict[tuple, tuple[Layout | None, bool]] = field(default_factory=dict)
    _typed: tuple[str, ...] = ()
    _paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._typed = tuple(sorted({f for layout in self.layouts for f, _ in layout.types}))
        self._paths = tuple(
            sorted({f for lay in self.layouts for f, _ in (*lay.fields, *lay.optional) if "." in f})
        )

    def detect(self, obj: dict[str, Any]) -> tuple[Layout | None, bool]:
        """(the record's layout or None, whether the record has every required field of it)."""
        if len(obj) > _CACHED_KEYS:  # a hostile record's keys are not kept
            return self._detect(obj)
        key: tuple = tuple(obj)
        for k in self._typed:  # the Python type stands for the JSON type
            if k in obj:
                key += (type(obj[k]),)
        if self._paths:
            key = (key, *[lookup(obj, p) is not MISSING for p in self._paths])
        hit = self._cache.get(key)
        if hit is None:
            hit = self._detect(obj)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = hit
        return hit

    def complete_in(self, obj: dict[str, Any], layout: Layout, types: bool = True) -> bool:
        """Whether the record has every required field of `layout` (of the right type, unless not
        `types`: then a KTO record whose label is a string is still KTO, with a wrong-type label)."""
        return self._fits(obj, layout, self._keys(obj), types) is not None

    def _keys(self, obj: dict[str, Any]) -> set[str]:
        keys = set(obj)
        if self.label_field is not None:
            keys.discard(self.label_field)
        return keys

    def _fits(self, obj: dict[str, Any], layout: Layout, keys: set[str], types: bool = True) -> int | None:
        """The number of required fields when the record is complete in `layout`, else None."""
        fields = layout.fields
        if (
            layout.kind == CLASSIFICATION
            and self.label_field is not None
            and self.label_field in obj
            and layout.base is None
        ):
            fields = tuple((f, r) for f, r in fields if r != "label")
        for f, _ in fields:
            if not (f in keys if "." not in f else lookup(obj, f) is not MISSING):
                return None
        if types and any(json_kind(obj[f]) != t for f, t in layout.types if f in obj):
            return None
        if layout.strict and keys - layout.known_keys:
            return None
        return len(fields)

    def _detect(self, obj: dict[str, Any]) -> tuple[Layout | None, bool]:
        keys = self._keys(obj)
        best: tuple[int, int, int] | None = None
        chosen: Layout | None = None
        partial: Layout | None = None
        partial_score = -1
        for order, layout in enumerate(self.layouts):
            required = self._fits(obj, layout, keys)
            if required is None:
                if layout.anchors & keys:
                    have = sum(1 for f, _ in layout.fields if f in keys)
                    if have > partial_score:
                        partial, partial_score = layout, have
                continue
            score = (required, len(keys & layout.known_keys), -order)
            if best is None or score > best:
                best, chosen = score, layout
        if chosen is not None:
            return chosen, True
        return partial, False


def detect_layout(obj: dict[str, Any], label_field: str | None = None) -> Layout | None:
    """The built-in layout of one record (complete, or claimed by an anchor field), or None."""
    return Detector(list(LAYOUTS.values()), label_field).detect(obj)[0]


# -- what to suggest for a file in no known layout --------------------------------------------------


@dataclass
class KeySurvey:
    """The keys of the first records of a file, with the JSON types of their values: what the one
    finding for a file in no known layout lists, and what its suggested `--map` is built from."""

    records: int = 0
    keys: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    lengths: Counter[str] = field(default_factory=Counter)
    """Total characters of each key's string values."""
    distinct: dict[str, set[str]] = field(default_factory=dict)
    """Distinct short string values of each key, up to `DISTINCT` + 1 (a label has few)."""
    nested: dict[str, Counter[str]] = field(default_factory=dict)
    """Keys of the objects in a key's list of objects (self-instruct's "instances")."""
    samples: list[dict[str, Any]] = field(default_factory=list)
    """The first records, to try a suggestion on."""

    SAMPLES = 200
    DISTINCT = 200

    def add(self, obj: dict[str, Any]) -> None:
        self.records += 1
        if len(self.samples) < self.SAMPLES:
            self.samples.append(_shrink(obj))
        for key, value in islice(obj.items(), 200):
            key = str(key)[:100]
            self.keys[key] += 1
            kind = json_kind(value)
            if kind == "array" and value:
                kind = "array of " + json_kind(value[0])
                if isinstance(value[0], dict):
                    self.nested.setdefault(key, Counter()).update(str(k)[:100] for k in islice(value[0], 50))
            self.kinds.setdefault(key, Counter())[kind] += 1
            if isinstance(value, str):
                self.lengths[key] += len(value)
                seen = self.distinct.setdefault(key, set())
                if len(seen) <= self.DISTINCT and len(value) <= 64:
                    seen.add(value)
                elif len(value) > 64:
                    seen.add(f"<long {len(seen)}>")

    def common(self, share: float = 0.5) -> list[str]:
        """Keys at least `share` of the records have, most frequent first."""
        return [k for k, n in self.keys.most_common() if n >= share * self.records]

    def kind(self, key: str) -> str:
        return self.kinds[key].most_common(1)[0][0] if key in self.kinds else ""

    def mean_length(self, key: str) -> float:
        strings = self.kinds.get(key, Counter())["string"]
        return self.lengths[key] / strings if strings else 0.0


_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("messages", ("messages", "conversation", "conversations", "dialog", "dialogue", "turns", "chat")),
    ("chosen", ("chosen", "preferred", "accepted", "better", "winner")),
    ("rejected", ("rejected", "dispreferred", "worse", "loser")),
    ("system", ("system", "systemprompt")),
    ("context", ("context", "passage", "document", "background", "evidence")),
    ("response", ("answer", "response", "output", "completion", "target", "solution", "reply", "summary")),
    ("prompt", ("question", "query", "prompt", "instruction", "problem", "request", "input", "utterance")),
    ("label", ("label", "intent", "category", "class", "tag", "sentiment", "topic")),
    ("text", ("text", "content", "body", "sentence", "document")),
]
"""Words in a key's name that suggest its role, most telling first."""


def _words(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _role_by_name(key: str) -> str | None:
    name = _words(key)
    for role, words in _WORDS:
        if any(w in name for w in words):
            return role
    return None


def _is_id(survey: KeySurvey, key: str) -> bool:
    name = _words(key)
    return name in ("id", "idx", "index", "uid", "uuid") or name.endswith("id") or name.startswith("id")


def _messages_like(survey: KeySurvey, key: str) -> bool:
    inner = survey.nested.get(key, Counter())
    return survey.kind(key) == "array of object" and (
        ("role" in inner and "content" in inner) or ("from" in inner and "value" in inner)
    )


def _shrink(value: Any, depth: int = 0) -> Any:
    """A small copy of a record that keeps what detection reads (keys, JSON types, the first list
    items), so the survey's samples cost little whatever the records hold."""
    if isinstance(value, str):
        return value[:64]
    if depth >= 4:
        return None if isinstance(value, dict | list) else value
    if isinstance(value, list):
        return [_shrink(v, depth + 1) for v in value[:2]]
    if isinstance(value, dict):
        return {k: _shrink(v, depth + 1) for k, v in islice(value.items(), 64)}
    return value


def _label_like(survey: KeySurvey, key: str) -> bool:
    """Short strings, repeated: a class label, not free text."""
    distinct = survey.distinct.get(key, set())
    strings = survey.kinds.get(key, Counter())["string"]
    return (
        len(distinct) <= survey.DISTINCT and len(distinct) <= 0.5 * strings and survey.mean_length(key) <= 40
    )


def suggest_map(survey: KeySurvey) -> dict[str, str] | None:
    """A field map that reads the surveyed records, guessed from their keys' names and values."""
    keys = survey.common()
    roles: dict[str, str] = {}
    taken: set[str] = set()

    def give(key: str, role: str) -> None:
        if role not in taken and key not in roles:
            roles[key] = role
            taken.add(role)

    for key in keys:
        if _messages_like(survey, key):
            give(key, "messages")
        elif survey.kind(key) == "array of object" and "text" in survey.nested.get(key, ()):
            give(key, "text")  # text in segments (SNIPS: [{"text": "Rate "}, {"text": ..., "entity": ...}])
    for key in keys:
        role = _role_by_name(key)
        kind = survey.kind(key)
        if role is None or key in roles or _is_id(survey, key):
            continue
        if role == "messages" and "messages" not in taken and not _messages_like(survey, key):
            continue
        if role in ("prompt", "context", "system", "text") and kind != "string":
            continue
        if role == "response" and kind not in ("string", "number", "array of string", "array of number"):
            continue
        if role == "label" and kind == "string" and not _label_like(survey, key):
            continue
        if role == "label" and kind not in ("string", "number") and _words(key) != "label":
            continue  # a flag such as "is_classification" is not the label
        give(key, role)
    if "response" not in taken:  # a nested target: self-instruct's "instances": [{"input", "output"}]
        for key in keys:
            inner = survey.nested.get(key)
            if key in roles or not inner:
                continue
            for sub in inner:
                role = _role_by_name(sub)
                if role in ("response", "context") and role not in taken:
                    give(f"{key}.0.{sub}", role if role == "response" or "prompt" in taken else "prompt")
                elif role == "prompt":
                    give(f"{key}.0.{sub}", "context" if "prompt" in taken else "prompt")
    if "response" in taken and "prompt" not in taken and "messages" not in taken:
        # The question is the longest string that is not an id or the answer.
        rest = [k for k in keys if k not in roles and survey.kind(k) == "string" and not _is_id(survey, k)]
        if rest:
            give(max(rest, key=survey.mean_length), "prompt")
    if "label" in taken and not taken & {"prompt", "messages", "text", "response"}:
        rest = [k for k in keys if k not in roles and survey.kind(k) == "string" and not _is_id(survey, k)]
        if rest:
            give(max(rest, key=survey.mean_length), "text")
    if "text" in taken and "response" in taken and "prompt" not in taken:
        text = next(k for k, r in roles.items() if r == "text")
        roles[text] = "prompt"
    order = list(ROLES)
    return dict(sorted(roles.items(), key=lambda kv: order.index(kv[1]))) or None


def readable_share(
    layouts: Sequence[Layout], records: Sequence[dict[str, Any]], label_field: str | None
) -> float:
    """Share of `records` complete in one of `layouts` (how well a suggestion would read a file)."""
    if not records:
        return 0.0
    detector = Detector(layouts, label_field)
    return sum(1 for r in records if detector.detect(r)[1]) / len(records)


def map_options(fields: Mapping[str, str]) -> str:
    """A field map as the command-line options that give it."""
    return " ".join(f"--map {_quote(k)}={r}" for k, r in fields.items())


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_.-]+", key) else "'" + key.replace("'", "'\\''") + "'"
