"""OpenAI reinforcement fine-tuning (RFT) data: chats that end on a user turn, graded against fields
beside them.

An RFT record is `{"messages": [..., {"role": "user", ...}], <grader fields>, "tools"?}`: the model
writes the answer during training and a grader scores it against the record's other top-level
fields (`{{item.reference_answer}}`; OpenAI: "messages and tools are the only reserved keywords",
every other key is available to the grader). Its keys are a chat's, so which records are RFT is
decided per split, on the data, like a chat template (`dataqa.ingest.chat_templates`): a split is read
as RFT (`Survey.layout`) when at least `MIN_SHARE` of its chats end on a user turn and most of those
carry the same grader fields. A chat set with a few records missing their answer stays chat (FMT011
on those), and so does a file of prompts without any grader field.

In an RFT split the target of a record is its reference: the grader fields rendered as text
(`reference_text`), so duplicate, conflict, leakage, PII and quality checks compare prompts and
references as they compare prompts and answers elsewhere. The prompt is the conversation before the
model's turn, developer and system messages are the system part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from dataqa.ingest.chat_templates import MIN_SHARE
from dataqa.ingest.formats import MISSING_FIELD, NO_TARGET, OTHER_FORMAT
from dataqa.ingest.layouts import CHAT, LAYOUTS, RFT, Layout, lookup, top_key
from dataqa.ingest.record import Record
from dataqa.ingest.survey import is_id

REFERENCE = "reference"
"""The role of a grader field in an RFT layout (`dataqa.ingest.layouts.CONTENT_ROLES`)."""


COMMON_SHARE = 0.5
"""A field is one of the split's grader fields when at least this share of its user-ending chats
carry it; a record without it is missing it (FMT007)."""


def _names_record(key: str) -> bool:
    """Whether a top-level key names the record rather than grades it ("id", "task_id", "uuid",
    "key"): not a grader's reference (a prompts file with ids is not RFT data), and left out of the
    reference text, which would otherwise differ on every record."""
    return is_id(key) or key.lower() == "key"


def grader_fields(obj: Mapping[str, Any], layout: Layout | None = None) -> list[str]:
    """The record's top-level keys a grader reads: every key a chat (or `layout`, in another role than
    a reference: a field map's messages) does not read, ids aside."""
    known = LAYOUTS[CHAT].known_keys
    if layout is not None:
        known = known | {top_key(f) for f, r in (*layout.fields, *layout.optional) if r != REFERENCE}
    return [k for k in obj if k not in known and not _names_record(k)]


def ends_on_user(obj: Mapping[str, Any], key: str = "messages") -> bool:
    """Whether the record's messages (`key`) end on a user message (the model answers it in training)."""
    msgs = lookup(obj, key)
    last = msgs[-1] if isinstance(msgs, list) and msgs else None
    return isinstance(last, dict) and last.get("role") == "user"


@dataclass
class Survey:
    """The first records of a split, as far as RFT is concerned: its chats, the ones that end on a
    user turn, and the grader fields those carry."""

    chats: int = 0
    user_ending: int = 0
    keys: Counter[str] = field(default_factory=Counter)

    def add(self, obj: Mapping[str, Any], own: Layout | None) -> None:
        """Count one record complete in layout `own`; only records in the built-in OpenAI chat layout
        can be RFT (not a chat layout the user's field map made)."""
        if own is not LAYOUTS[CHAT]:
            return
        self.chats += 1
        if ends_on_user(obj):
            self.user_ending += 1
            self.keys.update(grader_fields(obj))

    def layout(self) -> Layout | None:
        """The RFT layout these records are in, with the split's grader fields, or None (see the
        module docstring)."""
        if not self.chats or self.user_ending < MIN_SHARE * self.chats:
            return None
        common = [k for k, n in self.keys.items() if n >= COMMON_SHARE * self.user_ending]
        return with_references(LAYOUTS[RFT], common) if common else None


def with_references(layout: Layout, keys: list[str]) -> Layout:
    """The RFT layout with the split's grader fields (in the order the data first has them)."""
    return replace(layout, optional=(*layout.optional, *((k, REFERENCE) for k in keys)))


def counts_as_rft(obj: Mapping[str, Any], own: Layout | None) -> bool:
    """Whether a pass counts a record in the split's RFT layout: a complete chat ending on a user turn."""
    if own is None or own.kind not in (CHAT, RFT):
        return False
    return ends_on_user(obj, own.source("messages") or "messages")


def reference_text(obj: Mapping[str, Any], keys: list[str]) -> str:
    """What the grader compares the model's answer with, as text: one field's string as it is, any
    other value or several fields as compact JSON with sorted keys (the same reference written in
    another key order is the same text)."""
    if len(keys) == 1 and isinstance(value := obj[keys[0]], str):
        return value
    value = obj[keys[0]] if len(keys) == 1 else {k: obj[k] for k in keys}
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=repr).decode()


def check_record(obj: Mapping[str, Any], rec: Record, layout: Layout, msgs: list[dict[str, Any]]) -> None:
    """The RFT rules of one record whose messages are read: it ends on the user's turn, carries the
    split's grader fields, and its reference is not empty; `rec.reference` is set to its reference."""
    src = layout.source("messages") or "messages"
    if msgs and msgs[-1]["role"] == "assistant":
        rec.issue(
            OTHER_FORMAT,
            f"{src} ends with an assistant reply (supervised fine-tuning data); the rest of the split is "
            "reinforcement fine-tuning, whose records end on the user's turn for the model to answer",
        )
    expected = layout.sources(REFERENCE)
    for key in expected:
        if key not in obj:
            rec.issue(MISSING_FIELD, f'no "{key}" field: the grader reference the rest of the split carries')
    own = grader_fields(obj, layout)
    if not own:
        rec.reference = ""
        if not expected:
            rec.issue(MISSING_FIELD, f'no field beside "{src}" for the grader to score the answer against')
        return
    rec.reference = reference_text(obj, own)
    empty = [k for k in own if obj[k] is None or (isinstance(obj[k], str | list | dict) and not obj[k])]
    if len(empty) == len(own):
        rec.issue(NO_TARGET, f'"{empty[0]}" is empty: no reference to score the answer against')


@dataclass(frozen=True)
class Graded:
    """How a split was read as RFT: the records read so (ending on a user turn), all records, and the
    grader fields the split carries."""

    records: int
    total: int
    references: tuple[str, ...]

    @classmethod
    def of(cls, layout: Layout | None, counts: Mapping[Any, int]) -> Graded | None:
        """For a split read in an RFT `layout`, from a pass's records counted by layout; else None."""
        if layout is None or layout.kind != RFT:
            return None
        return cls(counts.get(layout, 0), sum(counts.values()), tuple(layout.sources(REFERENCE)))

    def to_dict(self) -> dict[str, Any]:
        """The report's `splits[].rft`."""
        return {"records": self.records, "of": self.total, "references": list(self.references)}
