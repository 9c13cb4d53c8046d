"""The readings the scan takes without asking, for records in no known layout, and says it took.

Records of one free-text field and one field named like a label whose short values repeat
(Banking77's `text,category`, `utterance`/`intent`) are text/label classification, two free texts
and such a label (NLI's premise/hypothesis, sentence1/sentence2) a sentence pair; a list of classes
under a label's name, or one 0/1 field a class (Jigsaw), multi-label classification
(`classification_layout`). Records of one text named like a request and one named like its answer,
under names no layout lists (`{"prompt", "answer"}`, `{"question", "solution"}`), are a request and
its answer; a request written as messages beside a reference (`{"prompt": [{"role": "user", ...}],
"answer": "18"}`, the shape TRL's GRPO and verl read) is reinforcement-learning data, read as RFT
(`pair_layout`). A conversation under a key no layout names, whose messages write their role and words
under keys of their own (`{"dialog": [{"speaker": "user", "text": ...}]}`), is chat (`chat_layout`). Each
is built from the keys of the file's first records (`dataqa.ingest.survey`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dataqa.ingest.formats import LAST_NOT_ASSISTANT, LEADING_ASSISTANT, TURN_ORDER
from dataqa.ingest.label_sets import cell_classes
from dataqa.ingest.layouts import (
    CHAT,
    CLASSIFICATION,
    LABEL_FLAG,
    LABEL_SET,
    LAYOUTS,
    PAIR,
    RFT,
    ROLES,
    Layout,
)
from dataqa.ingest.normalisers import normalise
from dataqa.ingest.rft import REFERENCE
from dataqa.ingest.role_names import MIN_SHARE, ROLE_KEYS, RoleSurvey
from dataqa.ingest.suggestion import map_by_values
from dataqa.ingest.survey import (
    TEXT_ROLES,
    KeySurvey,
    annotator_votes,
    flag_like,
    free_text,
    is_meta,
    is_quantity,
    key_words,
    label_like,
    messages_like,
    nameless,
    numbered_pair,
    numeric,
    role_by_name,
)


def classification_fields(
    survey: KeySurvey, label_field: str | None = None
) -> tuple[str, str, list[str], str | None] | None:
    """(text field, label field, metadata fields, second text field or None) when the surveyed
    records are text/label classification under other names: every key most records have is a
    free-text field (any name but a target's: "text", "sentence", "utterance", "query", ...), the
    one field named like a label ("category", "intent", "target", ...) whose short values repeat
    (or that holds a list of classes per row: multi-label, `LABEL_SET`), an id or metadata key, or
    a value that is not a string (Rasa's "entities" list, a score); else None. A field unique per
    record is an id and long text is not a label. Two free texts make a sentence pair (premise and
    hypothesis, sentence1 and sentence2: NLI, paraphrase), the second read as the pair's context; a
    target's name among them (question and answer), or a third text, rules it out; beside two texts of
    one name numbered (`numbered_pair`), a 0/1 field of any name is the pair's label. Records that name
    no fields are read by their items' values (`position_fields`). A `label_field` the user named
    (`--label-field`) among them is the label whatever its name, and every other field of short
    values that repeat describes the record (ArSarcasm's `tweet` beside `sarcasm`, `sentiment`,
    `dialect`: the user chose which class the text is judged by). Without one, a short repeated
    string under a name of no role (a party, a speaker) describes the record beside a field named
    the label (`final_label`; beside a "category" it may be the label), label fields that are one
    name numbered are the votes the label was resolved from (`annotator_votes`), and a date or time
    stamp is metadata (`survey.dated`)."""
    if survey.of_arrays:
        return position_fields(survey)
    if not survey.records:
        return None
    texts: list[str] = []
    labels: list[str] = []
    meta: list[str] = []
    unnamed: list[str] = []
    chosen = label_field if label_field in survey.common() else None
    for key in survey.common():
        role = role_by_name(key)
        named_label = role == "label" or key_words(key) in _LABEL_NAMES
        if key == chosen:
            labels.insert(0, key)
        elif chosen is not None and (survey.kind(key) != "string" or label_like(survey, key)):
            meta.append(key)  # beside the label the user chose, another class describes the record
        elif is_meta(survey, key) or (
            not named_label and numeric(survey, key) and not label_like(survey, key)
        ):
            meta.append(key)  # numbers written as text ("19.05", "78.57"): a score of the record, as in JSON
        elif named_label and survey.kind(key) in ("string", "number") and label_like(survey, key):
            labels.append(key)
        elif named_label and survey.kind(key) in _LABEL_SET_KINDS:
            labels.append(key)  # a list of classes per row: multi-label ("emotions": ["joy", "love"])
        elif role in TEXT_ROLES and free_text(survey, key):
            texts.append(key)
        elif survey.kind(key) != "string" and not named_label:
            meta.append(key)
        elif role is None and chosen is None and not nameless(key):
            unnamed.append(key)  # short repeated strings a name gives no role: a party, a speaker
        else:
            return None
    if len(labels) > 1 and chosen not in labels:
        votes = annotator_votes(labels)
        if len(labels) - len(votes) == 1:
            meta.extend(votes)
            labels = [key for key in labels if key not in votes]
    if len(labels) > 1:
        labels, others = ([chosen], labels[1:]) if chosen in labels else _named_label(labels)
        meta.extend(others)
    if not labels and len(unnamed) == 1 and numbered_pair(texts) and flag_like(survey, unnamed[0]):
        labels = unnamed[:]  # the one 0/1 field beside two texts of one name is what the pair is judged by
        unnamed = []
    if unnamed and not (len(labels) == 1 and key_words(labels[0]).endswith(_LABEL_WORDS)):
        return None  # beside a class ("category") or none, which is the label is the user's to say
    meta.extend(unnamed)  # beside a field named the label, they describe the record
    if len(labels) != 1 or not 1 <= len(texts) <= 2:
        return None
    if len(texts) == 2 and survey.kind(labels[0]) in _LABEL_SET_KINDS:
        return None  # a sentence pair carries one class
    return texts[0], labels[0], meta, texts[1] if len(texts) == 2 else None


_EXACT_LABEL = frozenset({"label", "labels", "goldlabel"})
"""Names that say a field is the label and nothing else: beside them, a field whose name only
suggests a class ("category", "topic", "source") describes the record."""
_LABEL_WORDS = ("label", "labels")
"""How a field's name ends when it says the field is the label (`final_label`, `gold_label`)."""


def _named_label(labels: list[str]) -> tuple[list[str], list[str]]:
    """(the label, the other fields) when of several fields named like a label exactly one is named
    the label (`_EXACT_LABEL`): ParsiNLU's `{"q1", "q2", "label", "category"}`, whose category says
    which corpus a pair came from; else the fields unchanged (which is the label is the user's to
    say: GermEval's coarse and fine classes under other names)."""
    exact = [key for key in labels if key_words(key) in _EXACT_LABEL]
    if len(exact) != 1:
        return labels, []
    return exact, [key for key in labels if key != exact[0]]


DISTINCT_TEXTS = 0.9
"""Share of the surveyed rows whose text differs from every other's, from which a column is the
examples' text: a label repeats, an example seldom does."""


def position_fields(survey: KeySurvey) -> tuple[str, str, list[str], None] | None:
    """(text item, label item, id items, None) when records that name no fields (JSON arrays, rows of
    a headerless table: ASTD's `tweet<TAB>class`, Banking77 written as arrays) are unambiguously
    text/label classification: every item is the one free text (`DISTINCT_TEXTS` of its values
    differ, longer on average than the label's), the one label (short values that repeat, one class a
    cell: not GoEmotions' joined "2,27", not a score such as "3.8") or an id (a unique token); else
    None. Two free texts (a news table's title and body, a prompt and its response) say nothing of
    which is which: they stay unread, with the `--map` the finding suggests."""
    found = map_by_values(survey, survey.common())
    if not found or set(found.values()) - {"meta"} != {"text", "label"} or set(survey.common()) - set(found):
        return None
    text = next(k for k, role in found.items() if role == "text")
    label = next(k for k, role in found.items() if role == "label")
    texts = {value for obj in survey.samples if isinstance(value := obj.get(text), str)}
    labels = [obj.get(label) for obj in survey.samples]
    if len(texts) < DISTINCT_TEXTS * len(survey.samples) or survey.mean_length(text) <= survey.mean_length(
        label
    ):
        return None
    for value in labels:
        if isinstance(value, float) or (
            isinstance(value, str) and (len(cell_classes(value)) > 1 or _DECIMAL.fullmatch(value))
        ):
            return None
    return text, label, [k for k, role in found.items() if role == "meta"], None


_DECIMAL = re.compile(r"\s*[-+]?\d*[.,]\d+\s*")
"""A number with a fraction: a score to predict, not a class."""


_LABEL_SET_KINDS = ("array of string", "array of number", "array")
"""Surveyed kinds of a label field that holds a list of classes per row ("array": empty lists)."""


_LABEL_NAMES = frozenset({"target", "goldlabel", "labels"})
"""Names of a label field that the role words do not give ("target" is also an answer's name): a
short value that repeats under one of them is a class."""


FLAG_FIELDS = 2
"""Flag fields it takes at least to read a table as multi-label by flags (one flag is a binary label)."""


def flag_fields(survey: KeySurvey) -> tuple[str, list[str], list[str]] | None:
    """(text field, flag fields, metadata fields) when the surveyed records are classification by
    0/1 fields: multi-label with one field a class (Jigsaw's `comment_text` beside `toxic`,
    `obscene`, `insult`, ... each 0 or 1: at least `FLAG_FIELDS` flags, and ids or metadata), or
    binary with one flag whatever its name (RuCoLA's `sentence` beside `acceptable`, CoLA's
    acceptability judgement), where short values that repeat under names of no role (an
    `error_type`, a `detailed_source`) are metadata: one 0/1 field beside one free text is what the
    text is judged by. One free text; else None."""
    if survey.of_arrays or not survey.records:
        return None
    texts: list[str] = []
    flags: list[str] = []
    meta: list[str] = []
    classes: list[str] = []
    for key in survey.common():
        role = role_by_name(key)
        if is_meta(survey, key):
            meta.append(key)
        elif flag_like(survey, key):
            flags.append(key)
        elif role in TEXT_ROLES and free_text(survey, key):
            texts.append(key)
        elif survey.kind(key) not in ("string", "number") and role is None:
            meta.append(key)
        elif role is None and label_like(survey, key):
            classes.append(key)  # a type or a source: metadata beside one flag, a doubt beside several
        else:
            return None
    if len(texts) != 1 or not flags or (len(flags) < FLAG_FIELDS and len(flags) != 1):
        return None
    if len(flags) >= FLAG_FIELDS and classes:
        return None
    return texts[0], flags, meta + classes


def classification_layout(survey: KeySurvey, label_field: str | None = None) -> tuple[Layout, str] | None:
    """The text/label classification layout `classification_fields` finds (or the multi-label one
    `flag_fields` finds), with the sentence that says what was taken, or None."""
    found = classification_fields(survey, label_field)
    if found is None:
        flagged = flag_fields(survey)
        if flagged is None:
            return None
        text, flags, meta = flagged
        if len(flags) == 1:
            layout = Layout(
                CLASSIFICATION,
                CLASSIFICATION,
                f'binary classification: {{"{text}", "{flags[0]}"}} (the one field of 0 or 1 is the label)',
                LAYOUTS[CLASSIFICATION].example,
                ((text, "text"), (flags[0], "label")),
                tuple((key, "meta") for key in meta),
            )
            note = (
                f'read as binary classification: "{text}" is the text and "{flags[0]}" (0 or 1) its label'
                + (f", {', '.join(f'{chr(34)}{k}{chr(34)}' for k in meta)} kept as metadata" if meta else "")
                + "; --label-field or --map names other fields"
            )
            return layout, note
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
        fields = ((text, "text"), (label, "label"))
        shape, how = f'{{"{text}", "{label}"}}', "the label field found by its name and values"
        said, other = (
            f'"{text}" is the text and "{label}" the label',
            "--label-field or --map names other fields",
        )
        if survey.of_arrays:  # rows of a table without a header row, or JSON arrays
            shape, how = f"[item {text}, item {label}]", "by position: the rows name no fields"
            said, other = f"item {text} is the text and item {label} the label", "--map names them otherwise"
        title = f"text/label classification: {shape} ({how})"
        note = f"read as text/label classification: {said} (short values that repeat); {other}"
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
    request ("prompt", "question", "problem", ...), a text or number named like its answer ("answer",
    "solution", "output", ...; short answers too: "7", "Paris", 18), at most one passage ("context")
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
        kind, role = survey.kind(key), role_by_name(key)
        if is_meta(survey, key) or (role != "response" and is_quantity(key)):
            meta.append(key)
        elif (role == "response" and kind in ("string", "number")) or (
            role in _PAIR_ROLES and free_text(survey, key)
        ):  # an answer may be short, or a number (a math set's "answer": 18, read as its text)
            if role in roles.values():
                return None
            roles[key] = role
        elif kind != "string":
            if role is not None:  # a request, an answer or a label that is not text: not a guess to make
                return None
            meta.append(key)
        elif label_like(survey, key) and role in (None, "label", "prompt", "text"):
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
    prompts = [k for k in survey.common() if messages_like(survey, k) and role_by_name(k) == "prompt"]
    if len(prompts) != 1:
        return None
    references: list[str] = []
    meta: list[str] = []
    for key in survey.common():
        if key == prompts[0]:
            continue
        if is_meta(survey, key) or survey.kind(key) == "null":
            meta.append(key)
        elif messages_like(survey, key) or role_by_name(key) in ("messages", "chosen", "rejected"):
            return None  # a conversation beside the prompt: a chat or a preference pair, not a reference
        elif role_by_name(key) in ("response", "label") or any(w in key_words(key) for w in _REFERENCE_WORDS):
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


def chat_layout(survey: KeySurvey) -> tuple[Layout, str] | None:
    """Chat under a key no layout names (`{"dialog": [{"speaker", "text"}, ...]}`), with the sentence that
    says what was taken; or None. Taken only when, with the roles and keys the role survey reads
    (`dataqa.ingest.role_names`), most surveyed records are valid chats with an answer: a list of
    `{"text", "label"}` items, turns by speakers' own names ("Alice"), or a prompt alone (TRL's
    prompt-only form, said as such by FMT018) is no conversation to train on; nor is one of two lists
    of objects a record carries (a prompt as messages beside a dialogue: which one is the example?),
    nor a list of exchanges without speakers beside a string named as the request, which the chat
    would drop (self-instruct's `{"instruction", "instances": [{"input", "output"}]}`). A string named
    as the system prompt beside the list is read as the conversation's system prompt; one named as a
    request beside turns that name their speakers is metadata about a conversation complete in itself
    (Taskmaster's `{"instructions": <the worker's scenario>, "utterances": [{"speaker", "text"}]}`)."""
    common = survey.common(MIN_SHARE)
    lists = [key for key in common if survey.kind(key) == "array of object"]
    if len(lists) != 1 or not survey.samples:  # none, or two: which is the conversation?
        return None
    key = lists[0]
    beside = {k: role_by_name(k) for k in common if survey.kind(k) == "string"}
    requests = [k for k, role in beside.items() if role == "prompt"]
    if requests and not any(k in survey.nested.get(key, ()) for k in ROLE_KEYS):
        return None  # an instruction beside exchanges (self-instruct's "instances"): the chat would drop it
    base = LAYOUTS[CHAT]
    known = {k for k, _ in base.optional}
    optional = (
        *base.optional,
        *((k, "system") for k, role in beside.items() if role == "system" and k not in known),
        *((k, "meta") for k in requests if k not in known),
    )
    title = f'chat under "{key}": {{"{key}": [{{role, content}}, ...]}} (found by its messages)'
    layout = replace(
        base, fields=((key, "messages"),), optional=optional, title=title, anchors=frozenset(), base=CHAT
    )
    roles = RoleSurvey()
    for obj in survey.samples:
        roles.add(obj, layout)
    layout = replace(layout, renamed=roles.renamed(layout))
    read = sum(1 for obj in survey.samples if key in obj and _talk(normalise(obj, layout)))
    if read < MIN_SHARE * len(survey.samples):
        return None
    kept = "".join(f'; "{k}" beside them is kept as metadata' for k in requests if k not in known)
    return layout, f'read as chat: "{key}" holds each record\'s messages{kept}; --map names other fields'


def _talk(row: dict[str, Any]) -> bool:
    """Whether a surveyed record's first turns read as a conversation: valid, or a user and an assistant
    talking whose only faults are the order of their turns (`ORDER_KINDS`: the survey's sample cut after
    a request, the assistant greeting first, two turns of one speaker in a row). Those are the records'
    faults, each reported (FMT012, FMT013), not a sign that the layout is another."""
    roles = {t["role"] for t in row["turns"]}
    return row["valid"] or ({i.kind for i in row["issues"]} <= ORDER_KINDS and {"user", "assistant"} <= roles)


ORDER_KINDS = frozenset({LAST_NOT_ASSISTANT, LEADING_ASSISTANT, TURN_ORDER})
"""Record issues of the order of a conversation's turns alone."""
