"""The `--map` suggestion for a file in no known layout: its keys surveyed, their roles guessed.

`KeySurvey` records the keys of a file's first records and the JSON types of their values;
`suggest_map` guesses a field map from the keys' names and values, and `readable_share` measures
how much of the surveyed records the suggestion would read (`dataqa.ingest.unrecognised` words
the finding). Records written as JSON arrays are guessed from their items' values alone.

Two guesses are taken without asking, and the scan says what it took: records of one free-text
field and one field named like a label whose short values repeat (Banking77's `text,category`,
`utterance`/`intent`) are text/label classification, two free texts and such a label (NLI's
premise/hypothesis, sentence1/sentence2) a sentence pair (`classification_layout`); records of one
text named like a request and one named like its answer, under names no layout lists
(`{"prompt", "answer"}`, `{"question", "solution"}`), are a request and its answer; a request
written as messages beside a reference (`{"prompt": [{"role": "user", ...}], "answer": "18"}`, the
shape TRL's GRPO and verl read) is reinforcement-learning data, read as RFT (`pair_layout`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from dataqa.ingest.damage import ArrayRecord
from dataqa.ingest.detection import Detector
from dataqa.ingest.issues import json_type
from dataqa.ingest.layouts import (
    CLASSIFICATION,
    LABEL_FLAG,
    LABEL_SET,
    LAYOUTS,
    META_KEYS,
    PAIR,
    RFT,
    ROLES,
    Layout,
)
from dataqa.ingest.rft import REFERENCE


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
    """Distinct short string and number values of each key, up to `DISTINCT` + 1 (a label has few)."""
    nested: dict[str, Counter[str]] = field(default_factory=dict)
    """Keys of the objects in a key's list of objects (self-instruct's "instances")."""
    samples: list[dict[str, Any]] = field(default_factory=list)
    """The first records, to try a suggestion on."""
    arrays: int = 0
    """Records written as JSON arrays (their keys are positions: "0", "1", ...)."""

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
                seen = self.distinct.setdefault(key, set())
                if len(seen) <= self.DISTINCT and len(value) <= 64:
                    seen.add(value)
                elif len(value) > 64:
                    seen.add(f"<long {len(seen)}>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                seen = self.distinct.setdefault(key, set())
                if len(seen) <= self.DISTINCT:
                    seen.add(repr(value))

    def common(self, share: float = 0.5) -> list[str]:
        """Keys at least `share` of the records have, most frequent first."""
        return [k for k, n in self.keys.most_common() if n >= share * self.records]

    def kind(self, key: str) -> str:
        return self.kinds[key].most_common(1)[0][0] if key in self.kinds else ""

    def mean_length(self, key: str) -> float:
        strings = self.kinds.get(key, Counter())["string"]
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


def _words(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def _role_by_name(key: str) -> str | None:
    name = _words(key)
    for role, words in _WORDS:
        if any(w in name for w in words):
            return role
    return None


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


def _is_quantity(key: str) -> bool:
    words = re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower())
    return any(word in _QUANTITY_WORDS for word in words)


_ID_WORDS = frozenset({"id", "ids", "idx", "index", "uid", "uuid", "guid", "qid", "pid", "docid"})
"""Words of a key's name that make it a record's identifier, first or last ("id", "qId", "pairID",
"message_id", "id_str", Quora's "qid1"); not a word that only starts or ends like one ("identity_hate",
"valid", "paid")."""


def _is_id(survey: KeySurvey, key: str) -> bool:
    """Whether the key names the record rather than says something about it (its words, camelCase
    and digits split: `_ID_WORDS` first or last)."""
    words = [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", key)]
    return bool(words) and (words[0] in _ID_WORDS or words[-1] in _ID_WORDS)


def _is_meta(survey: KeySurvey, key: str) -> bool:
    """Whether the key names the record (`_is_id`) or is a metadata key data sets are published with
    (`META_KEYS`): never a text, a label or an answer in a guessed reading."""
    return _is_id(survey, key) or key.lower() in META_KEYS


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


def _free_text(survey: KeySurvey, key: str) -> bool:
    """Strings that are not a label: the text of an example."""
    return survey.kind(key) == "string" and not _label_like(survey, key)


_TEXT_ROLES = (None, "prompt", "text", "context")
"""Roles a key's name may suggest for the one text of a classification record (not "answer")."""


def classification_fields(survey: KeySurvey) -> tuple[str, str, list[str], str | None] | None:
    """(text field, label field, metadata fields, second text field or None) when the surveyed
    records are text/label classification under other names: every key most records have is a
    free-text field (any name but a target's: "text", "sentence", "utterance", "query", ...), the
    one field named like a label ("category", "intent", "target", ...) whose short values repeat
    (or that holds a list of classes per row: multi-label, `LABEL_SET`), an id or metadata key, or
    a value that is not a string (Rasa's "entities" list, a score); else None. A field unique per
    record is an id and long text is not a label. Two free texts make a sentence pair (premise and
    hypothesis, sentence1 and sentence2: NLI, paraphrase), the second read as the pair's context; a
    target's name among them (question and answer), or a third text, rules it out."""
    if survey.of_arrays or not survey.records:
        return None
    texts: list[str] = []
    labels: list[str] = []
    meta: list[str] = []
    for key in survey.common():
        role = _role_by_name(key)
        named_label = role == "label" or _words(key) in _LABEL_NAMES
        if _is_meta(survey, key):
            meta.append(key)
        elif named_label and survey.kind(key) in ("string", "number") and _label_like(survey, key):
            labels.append(key)
        elif named_label and survey.kind(key) in _LABEL_SET_KINDS:
            labels.append(key)  # a list of classes per row: multi-label ("emotions": ["joy", "love"])
        elif role in _TEXT_ROLES and _free_text(survey, key):
            texts.append(key)
        elif survey.kind(key) != "string" and not named_label:
            meta.append(key)
        else:
            return None
    if len(labels) != 1 or not 1 <= len(texts) <= 2:
        return None
    if len(texts) == 2 and survey.kind(labels[0]) in _LABEL_SET_KINDS:
        return None  # a sentence pair carries one class
    return texts[0], labels[0], meta, texts[1] if len(texts) == 2 else None


_LABEL_SET_KINDS = ("array of string", "array of number", "array")
"""Surveyed kinds of a label field that holds a list of classes per row ("array": empty lists)."""


_LABEL_NAMES = frozenset({"target", "goldlabel", "labels"})
"""Names of a label field that the role words do not give ("target" is also an answer's name): a
short value that repeats under one of them is a class."""


_FLAG_TEXTS = frozenset({"0", "1", "0.0", "1.0", "true", "false"})
"""A flag's surveyed values (numbers as their repr, strings lower-cased): 0 or 1, false or true."""


def _flag_like(survey: KeySurvey, key: str) -> bool:
    """Values that are 0 or 1 (or booleans): one class's flag in a one-field-a-class table. One
    other short value is a slip in a flag column (a "2"), reported on its record, not a reason to
    read the table otherwise."""
    kinds = survey.kinds.get(key, Counter())
    if kinds["boolean"] == survey.keys[key]:
        return True
    values = {v.strip().lower() for v in survey.distinct.get(key, set())}
    others = values - _FLAG_TEXTS
    return (
        kinds["number"] + kinds["string"] == survey.keys[key]
        and bool(values & _FLAG_TEXTS)
        and (not others or (len(others) == 1 and len(values) > 2 and len(next(iter(others))) <= 4))
    )


FLAG_FIELDS = 2
"""Flag fields it takes at least to read a table as multi-label by flags (one flag is a binary label)."""


def flag_fields(survey: KeySurvey) -> tuple[str, list[str], list[str]] | None:
    """(text field, flag fields, metadata fields) when the surveyed records are multi-label
    classification with one field a class (Jigsaw's `comment_text` beside `toxic`, `obscene`,
    `insult`, ... each 0 or 1): one free text, at least `FLAG_FIELDS` fields whose values are all 0
    or 1, and ids or metadata; else None."""
    if survey.of_arrays or not survey.records:
        return None
    texts: list[str] = []
    flags: list[str] = []
    meta: list[str] = []
    for key in survey.common():
        role = _role_by_name(key)
        if _is_meta(survey, key):
            meta.append(key)
        elif _flag_like(survey, key):
            flags.append(key)
        elif role in _TEXT_ROLES and _free_text(survey, key):
            texts.append(key)
        elif survey.kind(key) not in ("string", "number") and role is None:
            meta.append(key)
        else:
            return None
    if len(texts) != 1 or len(flags) < FLAG_FIELDS:
        return None
    return texts[0], flags, meta


def classification_layout(survey: KeySurvey) -> tuple[Layout, str] | None:
    """The text/label classification layout `classification_fields` finds (or the multi-label one
    `flag_fields` finds), with the sentence that says what was taken, or None."""
    found = classification_fields(survey)
    if found is None:
        flagged = flag_fields(survey)
        if flagged is None:
            return None
        text, flags, meta = flagged
        shown = ", ".join(f'"{f}"' for f in flags[:8]) + (", ..." if len(flags) > 8 else "")
        layout = Layout(
            CLASSIFICATION,
            CLASSIFICATION,
            f'multi-label classification, one field a class: {{"{text}", {shown}}} (0 or 1 each)',
            LAYOUTS[CLASSIFICATION].example,
            ((text, "text"), *((f, "label") for f in flags)),
            tuple((key, "meta") for key in meta),
            types=tuple((f, LABEL_FLAG) for f in flags),
        )
        note = (
            f'read as multi-label classification: "{text}" is the text, and each of {shown} (0 or 1) says '
            "whether the class it names applies; --map names other fields"
        )
        return layout, note
    text, label, meta, second = found
    base = LAYOUTS[CLASSIFICATION]
    types: tuple[tuple[str, str], ...] = ()
    if survey.kind(label) in _LABEL_SET_KINDS:
        title = (
            f'multi-label classification: {{"{text}", "{label}": [classes]}} '
            "(the label field found by its name and values)"
        )
        fields: tuple[tuple[str, str], ...] = ((text, "text"), (label, "label"))
        types = ((label, LABEL_SET),)
        note = (
            f'read as multi-label classification: "{text}" is the text and "{label}" its set of classes '
            "(a list per row); --label-field or --map names other fields"
        )
    elif second is None:
        title = (
            f'text/label classification: {{"{text}", "{label}"}} '
            "(the label field found by its name and values)"
        )
        fields = ((text, "text"), (label, "label"))
        note = (
            f'read as text/label classification: "{text}" is the text and "{label}" the label (short '
            "values that repeat); --label-field or --map names other fields"
        )
    else:
        title = f'sentence-pair classification: {{"{text}", "{second}", "{label}"}} (NLI, paraphrase)'
        fields = ((text, "text"), (second, "context"), (label, "label"))
        note = (
            f'read as sentence-pair classification: "{text}" and "{second}" are the pair and "{label}" '
            "the label (short values that repeat); --label-field or --map names other fields"
        )
    layout = Layout(
        CLASSIFICATION,
        CLASSIFICATION,
        title,
        base.example,
        fields,
        tuple((key, "meta") for key in meta),
        types=types,
    )
    return layout, note


_PAIR_ROLES = ("prompt", "response", "context", "system")
"""The roles `pair_fields` reads: a request, its answer, a passage and a system prompt."""


def pair_fields(survey: KeySurvey) -> tuple[dict[str, str], list[str]] | None:
    """(field map, metadata fields) when the surveyed records are a request and its answer under
    names no layout lists (`{"prompt", "answer"}`, `{"question", "solution"}`, `{"problem",
    "answer"}`); else None. Every key most records have must be one of: a free text named like a
    request ("prompt", "question", "problem", ...), a text named like its answer ("answer",
    "solution", "output", ...; short answers too: "7", "Paris"), at most one passage ("context")
    and one system prompt, or metadata (an id, a known metadata key, a count or score, short values
    that repeat such as a source or a category, a value that is not text under a name of no text
    role). Exactly one request and one answer. Anything else (a second request, a free text whose
    name says nothing, a request or answer that is not text) leaves the reading to the user (`--map`):
    which field is the answer would be a guess."""
    if survey.of_arrays or not survey.records:
        return None
    roles: dict[str, str] = {}
    meta: list[str] = []
    for key in survey.common():
        kind, role = survey.kind(key), _role_by_name(key)
        if _is_meta(survey, key) or (role != "response" and _is_quantity(key)):
            meta.append(key)
        elif kind != "string":
            if role is not None:  # a request, an answer or a label that is not text: not a guess to make
                return None
            meta.append(key)
        elif role == "response" or (role in _PAIR_ROLES and _free_text(survey, key)):
            if role in roles.values():
                return None
            roles[key] = role
        elif _label_like(survey, key) and role in (None, "label", "prompt", "text"):
            meta.append(key)  # a source, a category, a type: short values that repeat
        else:
            return None
    if sorted(roles.values()).count("prompt") != 1 or "response" not in roles.values():
        return None
    return roles, meta


def graded_prompt_fields(survey: KeySurvey) -> tuple[str, list[str], list[str]] | None:
    """(the messages field, the reference fields, metadata fields) when the surveyed records are
    prompts written as messages under a request's name ("prompt") beside what a reward compares the
    model's answer with ("answer", "solution", "ground_truth", a verl "reward_model" object): the
    prompt-and-reference data of online reinforcement learning (TRL's GRPO, verl), the shape of
    OpenAI RFT under other names. A key named like an answer, a label or a reward's input
    (`_REFERENCE_WORDS`) is a reference; every other key most records have is metadata; at least one
    reference. Else None."""
    if survey.of_arrays or not survey.records:
        return None
    prompts = [k for k in survey.common() if _messages_like(survey, k) and _role_by_name(k) == "prompt"]
    if len(prompts) != 1:
        return None
    references: list[str] = []
    meta: list[str] = []
    for key in survey.common():
        if key == prompts[0]:
            continue
        if _is_meta(survey, key) or survey.kind(key) == "null":
            meta.append(key)
        elif _messages_like(survey, key) or _role_by_name(key) in ("messages", "chosen", "rejected"):
            return None  # a conversation beside the prompt: a chat or a preference pair, not a reference
        elif _role_by_name(key) in ("response", "label") or any(w in _words(key) for w in _REFERENCE_WORDS):
            references.append(key)
        else:
            meta.append(key)  # verl's "data_source", "ability", "extra_info": about the prompt, not scored
    return (prompts[0], references, meta) if references else None


_REFERENCE_WORDS = ("reward", "truth", "reference", "gold", "expected", "grader", "verif")
"""Words in a key's name, beside those of an answer or a label, that say a reward reads it
("ground_truth", verl's "reward_model", "reference_answer", "expected_output", "verification_info")."""


def pair_layout(survey: KeySurvey) -> tuple[Layout, str] | None:
    """The request/answer layout `pair_fields` finds, or the RFT layout `graded_prompt_fields`
    finds, with the sentence that says what was taken; or None."""
    graded = graded_prompt_fields(survey)
    if graded is not None:
        prompt, references, meta = graded
        shown = ", ".join(f'"{k}"' for k in references)
        base = LAYOUTS[RFT]
        layout = Layout(
            base.name,
            RFT,
            f'prompts as messages with a reference: {{"{prompt}": [...], {shown}}} (GRPO, verl)',
            base.example,
            ((prompt, "messages"),),
            (*((key, "meta") for key in meta), *((key, REFERENCE) for key in references)),
        )
        note = (
            f'read as reinforcement-learning prompts: "{prompt}" holds the messages the model answers and '
            f"{shown} what its answer is scored against (as OpenAI RFT data); --map names other fields"
        )
        return layout, note
    found = pair_fields(survey)
    if found is None:
        return None
    roles, meta = found
    by_role = {role: key for key, role in roles.items()}
    request, answer = by_role["prompt"], by_role["response"]
    title = f'request/answer: {{"{request}", "{answer}"}} (the fields found by their names)'
    note = (
        f'read as a request and its answer: "{request}" is the request and "{answer}" the answer '
        "(found by their names); --map names other fields"
    )
    order = list(ROLES)
    fields = tuple(sorted(roles.items(), key=lambda kv: order.index(kv[1])))
    base = LAYOUTS["prompt_response"]
    return Layout(base.name, PAIR, title, base.example, fields, tuple((key, "meta") for key in meta)), note


def _map_by_values(survey: KeySurvey, items: list[str]) -> dict[str, str] | None:
    """A field map from the values of `items` (an array's positions, or keys whose names say
    nothing: Kaggle's spam.csv "v1", "v2"): one free text and one label ([text, label]), a label and
    two texts (a headerless news table's class, title and body: the longer is the text, the other
    its context), or two free texts (a prompt, then its response)."""
    texts = [k for k in items if _free_text(survey, k)]
    labels = [k for k in items if survey.kind(k) in ("string", "number") and _label_like(survey, k)]
    if len(texts) == 1 and len(labels) == 1:
        return {texts[0]: "text", labels[0]: "label"}
    if len(texts) == 2 and len(labels) == 1:
        text, context = sorted(texts, key=lambda k: (-survey.lengths[k], items.index(k)))
        return {labels[0]: "label", text: "text", context: "context"}
    if len(texts) == 2 and not labels:
        return {texts[0]: "prompt", texts[1]: "response"}
    return None


def suggest_map(survey: KeySurvey) -> dict[str, str] | None:
    """A field map that reads the surveyed records, guessed from their keys' names and values (for
    records written as arrays, from their items' values)."""
    if survey.of_arrays:
        return _map_by_values(survey, [k for k in survey.common() if k.isdigit()])
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
        if role is None or key in roles or _is_id(survey, key) or kind == "null":
            continue  # a key that is null in most records holds nothing to read
        if role == "messages" and "messages" not in taken and not _messages_like(survey, key):
            continue
        if role in ("prompt", "context", "system", "text") and kind != "string":
            continue
        if role != "label" and _is_quantity(key):
            continue  # Nectar's "num_responses" is how many answers there are, not an answer
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
    if "label" in taken and "text" in taken and not taken & {"prompt", "response", "context"}:
        # sentence-pair classification (premise and hypothesis): the second free text is read too
        rest = [k for k in keys if k not in roles and _free_text(survey, k) and not _is_id(survey, k)]
        if rest:
            give(max(rest, key=survey.mean_length), "context")
    if "text" in taken and "response" in taken and "prompt" not in taken:
        text = next(k for k, r in roles.items() if r == "text")
        roles[text] = "prompt"
    if not roles:  # no name says a role: read the values (empty columns and ids left out)
        return _map_by_values(survey, [k for k in keys if survey.lengths[k] and not _is_id(survey, k)])
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
