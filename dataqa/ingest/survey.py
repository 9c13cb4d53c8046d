"""What a file's first records hold, key by key, and what each key's name and values say it is.

`KeySurvey` records the keys of a file's first records and the JSON types of their values; the
readers below judge one key of it: its role by name (`role_by_name`), whether it is an id or
metadata, a count, a conversation, a label (short values that repeat) or free text. The guesses
that read a file without options (`dataqa.ingest.guesses`) and the `--map` suggestion for one in no
known layout (`dataqa.ingest.suggestion`) are built from them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from dataqa.ingest.damage import ArrayRecord
from dataqa.ingest.issues import json_type
from dataqa.ingest.joined_pairs import joining_marker, markers_joining
from dataqa.ingest.label_sets import flag_value
from dataqa.ingest.layouts import META_KEYS


@dataclass
class KeySurvey:
    """The keys of the first records of a file, with the JSON types of their values: what the one
    finding for a file in no known layout lists, and what its suggested `--map` is built from."""

    records: int = 0
    keys: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    lengths: Counter[str] = field(default_factory=Counter)
    """Total characters of each key's string values (a list of strings counts its strings' characters)."""
    distinct: dict[str, set[str]] = field(default_factory=dict)
    """Distinct short string and number values of each key, up to `DISTINCT` + 1 (a label has few)."""
    repeats: dict[str, Counter[str]] = field(default_factory=dict)
    """How many records hold each of a key's `distinct` values (a class's size, over the whole file)."""
    nested: dict[str, Counter[str]] = field(default_factory=dict)
    """Keys of the objects in a key's list of objects (self-instruct's "instances")."""
    samples: list[dict[str, Any]] = field(default_factory=list)
    """The first records, to try a suggestion on."""
    arrays: int = 0
    """Records written as JSON arrays (their keys are positions: "0", "1", ...)."""
    joined: dict[str, Counter[str]] = field(default_factory=dict)
    """Per key, the strings that hold a pair marker once (`dataqa.ingest.joined_pairs`), by marker."""
    heads: dict[str, list[str]] = field(default_factory=dict)
    """The opening of each string value of the first records in no layout, by key (`add_heads`):
    what a chat template rendered into a field of another name is found in."""

    SAMPLES = 200
    DISTINCT = 200

    def add(self, obj: dict[str, Any]) -> None:
        self.records += 1
        self.arrays += isinstance(obj, ArrayRecord)
        if len(self.samples) < self.SAMPLES:
            self.samples.append(_shrink(obj))
        for key, value in islice(obj.items(), 200):
            key = str(key)[:100]
            self.keys[key] += 1
            kind = json_type(value)
            if kind == "array" and value:
                kind = "array of " + json_type(value[0])
                if isinstance(value[0], dict):
                    self.nested.setdefault(key, Counter()).update(str(k)[:100] for k in islice(value[0], 50))
            self.kinds.setdefault(key, Counter())[kind] += 1
            if isinstance(value, str):
                self.lengths[key] += len(value)
                for marker in markers_joining(value):
                    self.joined.setdefault(key, Counter())[marker] += 1
                seen = self.distinct.setdefault(key, set())
                if len(seen) <= self.DISTINCT and len(value) <= 64:
                    seen.add(value)
                    self.repeats.setdefault(key, Counter())[value] += 1
                elif len(value) > 64:
                    seen.add(f"<long {len(seen)}>")
            elif kind == "array of string":  # a text written as a list of its sentences
                self.lengths[key] += sum(len(v) for v in value if isinstance(v, str))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                seen = self.distinct.setdefault(key, set())
                if len(seen) <= self.DISTINCT:
                    seen.add(repr(value))
                    self.repeats.setdefault(key, Counter())[repr(value)] += 1

    HEAD_CHARS = 4_000_000
    """Characters `heads` keeps at the most, whatever the records hold (wide records of long texts)."""

    def add_heads(self, obj: dict[str, Any], chars: int) -> None:
        """Keep the first `chars` of each string value of a record in no layout (of the first
        `SAMPLES` such records, up to `HEAD_CHARS` in all)."""
        kept = sum(len(v) for values in self.heads.values() for v in values)
        if kept >= self.HEAD_CHARS or max(map(len, self.heads.values()), default=0) >= self.SAMPLES:
            return
        for key, value in islice(obj.items(), 200):
            if isinstance(value, str):
                self.heads.setdefault(str(key)[:100], []).append(value[:chars])

    def joining_marker(self, key: str) -> str | None:
        """The separator token that joins two texts in the key's strings (`joined_pairs`), or None."""
        return joining_marker(self.joined.get(key, Counter()), self.kinds.get(key, Counter())["string"])

    def common(self, share: float = 0.5) -> list[str]:
        """Keys at least `share` of the records have, most frequent first."""
        return [k for k, n in self.keys.most_common() if n >= share * self.records]

    def kind(self, key: str) -> str:
        return self.kinds[key].most_common(1)[0][0] if key in self.kinds else ""

    def mean_length(self, key: str) -> float:
        kinds = self.kinds.get(key, Counter())
        strings = kinds["string"] + kinds["array of string"]
        return self.lengths[key] / strings if strings else 0.0

    @property
    def of_arrays(self) -> bool:
        """Whether most records were written as JSON arrays."""
        return self.arrays * 2 > self.records


_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("messages", ("messages", "conversation", "conversations", "dialog", "dialogue", "turns", "chat")),
    ("chosen", ("chosen", "preferred", "accepted", "better", "winner")),
    ("rejected", ("rejected", "dispreferred", "worse", "loser")),
    ("system", ("system", "systemprompt")),
    ("context", ("context", "passage", "document", "background", "evidence")),
    ("response", ("answer", "response", "output", "completion", "target", "solution", "reply", "summary")),
    ("prompt", ("question", "query", "prompt", "instruction", "problem", "request", "input", "utterance")),
    (
        "label",
        (
            "label",
            "intent",
            "category",
            "class",
            "tag",
            "sentiment",
            "topic",
            "emotion",
            "polarity",
            "stars",
            "rating",
        ),
    ),
    ("text", ("text", "content", "body", "sentence", "document")),
]
"""Words in a key's name that suggest its role, most telling first."""


def key_words(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


_ABBREVIATED: dict[str, str] = {
    "ques": "prompt",
    "req": "prompt",
    "ans": "response",
    "res": "response",
    "resp": "response",
}
"""Names that abbreviate a request or its answer ("req", "res" in a Korean chat CSV): read only as
the key's whole name, since inside a longer name they are other words ("frequency", "address").
Not "Q" and "A": ChatbotData's `Q,A,label` is read as its pair's label (its label conflicts are
defects the corpus documents), and "A" names a choice in multiple-choice tables."""


def role_by_name(key: str) -> str | None:
    name = key_words(key)
    if name in _ABBREVIATED:
        return _ABBREVIATED[name]
    for role, words in _WORDS:
        if any(w in name for w in words):
            return role
    return None


def named_as_role(key: str) -> bool:
    """Whether a key's whole name is one of a role's words ("answer", "Label"), not a name that only
    holds one beside other words ("bill_summary", "company_description"): of two keys named for one
    role, the one named exactly is the role's field, the other a property of something else."""
    name = key_words(key)
    return name in _ABBREVIATED or any(name in words for _, words in _WORDS)


_QUANTITY_WORDS = frozenset(
    {
        "num",
        "number",
        "count",
        "n",
        "score",
        "scores",
        "rating",
        "ratings",
        "rank",
        "length",
        "len",
        "total",
        "size",
    }
)
"""Words of a key's name that say it counts or scores what the rest names ("num_responses",
"answer_length", "score_chosen"): a number about a text, never the text itself."""


def is_quantity(key: str) -> bool:
    words = re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower())
    return any(word in _QUANTITY_WORDS for word in words)


_ID_WORDS = frozenset({"id", "ids", "idx", "index", "uid", "uuid", "guid", "qid", "pid", "docid"})
"""Words of a key's name that make it a record's identifier, first or last ("id", "qId", "pairID",
"message_id", "id_str", Quora's "qid1"); not a word that only starts or ends like one ("identity_hate",
"valid", "paid")."""


def is_id(key: str) -> bool:
    """Whether the key names the record rather than says something about it (its words, camelCase
    and digits split: `_ID_WORDS` first or last)."""
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", key)]
    return bool(words) and (words[0] in _ID_WORDS or words[-1] in _ID_WORDS)


def is_meta(survey: KeySurvey, key: str) -> bool:
    """Whether the key names the record (`is_id`), is a metadata key data sets are published with
    (`META_KEYS`) or a table's row numbers (`row_index`): never a text, a label or an answer in a
    guessed reading."""
    return is_id(key) or key.lower() in META_KEYS or row_index(survey, key) or dated(survey, key)


_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?)?"
)
"""A date or a time stamp as tables write them (ISO 8601, `2021-05-27 14:44:01+00:00`; `5/27/2021`)."""


def dated(survey: KeySurvey, key: str) -> bool:
    """Whether every sampled value of `key` is a date or time stamp (a tweet's `created_at`): when a
    record was made, never its text, a label or an answer."""
    values = [v.strip() for obj in survey.samples if isinstance(v := obj.get(key), str) and v.strip()]
    return len(values) > 1 and all(_DATE.fullmatch(v) for v in values)


_UNNAMED = re.compile(r"\s*(?:Unnamed: \d+)?\s*")
"""A column a header leaves unnamed: an empty cell, or pandas' own name for one ("Unnamed: 0")."""


def nameless(key: str) -> bool:
    """Whether a table's header leaves the column unnamed (an empty cell, pandas' "Unnamed: 0")."""
    return _UNNAMED.fullmatch(key) is not None


def row_index(survey: KeySurvey, key: str) -> bool:
    """Whether an unnamed column holds a whole number on every sampled row, mostly different ones:
    the row numbers `DataFrame.to_csv` writes first unless told not to (ParsiNLU's
    `,sent1,sent2,label`, whose frames were concatenated, so a number may come back), which name the
    row, not say anything of it. An unnamed column of texts or of few repeated values is not one."""
    if not nameless(key):
        return False
    values = [obj.get(key) for obj in survey.samples]
    distinct = {str(v).strip() for v in values}
    return len(values) > 1 and all(map(whole_number, values)) and len(distinct) * 2 > len(values)


def whole_number(value: Any) -> bool:
    """Whether a field's value is a whole number, as JSON or as a table's text ("17")."""
    if isinstance(value, str):
        return value.strip().isascii() and value.strip().isdigit()
    return isinstance(value, int) and not isinstance(value, bool)


def messages_like(survey: KeySurvey, key: str) -> bool:
    inner = survey.nested.get(key, Counter())
    return survey.kind(key) == "array of object" and (
        ("role" in inner and "content" in inner) or ("from" in inner and "value" in inner)
    )


SAMPLED_TURNS = 8
"""Items kept of a record's own lists: a dialogue's turns up to the answer that makes it one, past a
system turn or two and a request written over several user turns (system, user, user, assistant)."""


def _shrink(value: Any, depth: int = 0) -> Any:
    """A small copy of a record that keeps what detection reads (keys, JSON types, the first
    `SAMPLED_TURNS` items of a record's own list, the first three of a list inside it), so the
    survey's samples cost little whatever the records hold."""
    if isinstance(value, str):
        return value[:64]
    if depth >= 4:
        return None if isinstance(value, dict | list) else value
    if isinstance(value, list):
        return [_shrink(v, depth + 1) for v in value[: SAMPLED_TURNS if depth <= 1 else 3]]
    if isinstance(value, dict):
        return {k: _shrink(v, depth + 1) for k, v in islice(value.items(), 64)}
    return value


def label_like(survey: KeySurvey, key: str) -> bool:
    """Short strings (or numbers) that repeat: a class label; not free text, and not an id (whose
    values are unique per record)."""
    distinct = survey.distinct.get(key, set())
    kinds = survey.kinds.get(key, Counter())
    values = kinds["string"] + kinds["number"]
    return (
        values > 0
        and len(distinct) <= survey.DISTINCT
        and len(distinct) <= 0.5 * values
        and survey.mean_length(key) <= 40
    )


def free_text(survey: KeySurvey, key: str) -> bool:
    """Strings that are not a label, a date or a number: the text of an example."""
    return (
        survey.kind(key) == "string"
        and not label_like(survey, key)
        and not dated(survey, key)
        and not numeric(survey, key)
    )


_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?\s*%?")
"""A number as a table writes it: "19.05", "100.0", "-3", "1,250", "1e-3", "42 %"."""


def numeric(survey: KeySurvey, key: str) -> bool:
    """Whether every sampled value of `key` is a number written as text (a table's "hindi_pct"
    column of "19.05", "100.0"): a score or a share of the record, never its text."""
    values = [v.strip() for obj in survey.samples if isinstance(v := obj.get(key), str) and v.strip()]
    return len(values) > 1 and all(_NUMBER.fullmatch(v) for v in values)


TEXT_ROLES = (None, "prompt", "text", "context")
"""Roles a key's name may suggest for the one text of a classification record (not "answer")."""


def flag_like(survey: KeySurvey, key: str) -> bool:
    """Values that are 0 or 1 (or booleans): one class's flag in a one-field-a-class table. One
    other short value is a slip in a flag column (a "2"), reported on its record, not a reason to
    read the table otherwise."""
    kinds = survey.kinds.get(key, Counter())
    if kinds["boolean"] == survey.keys[key]:
        return True
    values = survey.distinct.get(key, set())  # numbers as their repr: the flag's own test reads both
    others = {v for v in values if flag_value(v) is None}
    return (
        kinds["number"] + kinds["string"] == survey.keys[key]
        and len(others) < len(values)
        and (not others or (len(others) == 1 and len(values) > 2 and len(next(iter(others))) <= 4))
    )


_NUMBERED = re.compile(r"(?P<stem>.*?)[\W_]*\d+")


def numbered_pair(texts: list[str]) -> bool:
    """Whether two text fields are one name numbered (`question_1`, `question_2`): two texts of one kind
    set side by side to be compared (duplicate questions, paraphrases), not a request and its answer."""
    if len(texts) != 2:
        return False
    found = [_NUMBERED.fullmatch(key) for key in texts]
    stems = {key_words(match.group("stem")) if match else "" for match in found}
    return len(stems) == 1 and "" not in stems


def annotator_votes(labels: list[str]) -> list[str]:
    """The label fields that are one name numbered (`label_1`, `label_2`, `label_3`; `annotator1`,
    `annotator2`): each annotator's vote, kept beside the label they were resolved into (SentiMP-21's
    `final_label`); a number alone is no series."""
    stems: dict[str, list[str]] = {}
    for key in labels:
        match = _NUMBERED.fullmatch(key)
        if match is not None and key_words(match.group("stem")):
            stems.setdefault(key_words(match.group("stem")), []).append(key)
    return [key for keys in stems.values() if len(keys) > 1 for key in keys]
