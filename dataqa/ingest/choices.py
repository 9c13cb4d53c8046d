"""Multiple-choice records: a question, its choices and which one is right, read as one example.

The shapes public sets ship them in: the choices in numbered or lettered fields (JCommonsenseQA's
`choice0`..`choice4` and `label`, SWAG's `ending0`..`ending3`, PIQA's `sol1`/`sol2`, Winogrande's
`option1`/`option2`, MedMCQA's `opa`..`opd` and `cop`, MMLU's CSV columns `A`..`D` and `answer`), in
one list (MMLU's `choices` with an index, HellaSwag's `endings`, RACE's `options` with a letter,
AQuA's `options` written "A)21" with `correct`), as objects with their own labels (ARC and
CommonsenseQA as released: `question: {stem, choices: [{label, text}]}`, `answerKey`; their Hub form
`choices: {text: [...], label: [...]}`). The right one is named by an index (0- or 1-based, decided
for the whole split from its values), a letter, a choice's own label, or its text.

Each record becomes the example a model is given: the prompt is the question (after its passage,
when it has one) with its choices rendered as a user would write them ("A. x", "B. y", ...), the
target the right choice as "B. y", and the label the right choice's position ("B"). Duplicate,
leakage, PII and quality checks read the prompt and target as for any request and answer, but the
checks that compare texts by similarity or tell their language read the question and the right
choice alone (`Record.compared`): distractors are shared by many questions (JCommonsenseQA draws
them from one concept net), and a shared distractor is no copied question; and a near copy or a
shared span counts only where the right answers agree (`same_answer`: CMMLU asks "which group of
four characters is all phono-semantic?" over other groups again and again); the label
checks read the position, which is no class the words decide (`dataqa.engine.context`: the
"text_classes" need), but whose balance is judged (COV001). A label that points at no choice is a record
with no target (FMT011); two choices of one question with the same text are FMT022.

`choice_layout` decides the layout from a file's first records (`dataqa.ingest.survey`);
`normalise_choices` reads one record in it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

from dataqa.ingest.formats import DUPLICATE_CHOICE, MISSING_FIELD, NO_TARGET, WRONG_TYPE
from dataqa.ingest.issues import a_json_type, excerpt
from dataqa.ingest.layouts import MISSING, MULTIPLE_CHOICE, Layout, lookup, top_key
from dataqa.ingest.record import Record, string_field
from dataqa.ingest.survey import KeySurvey, role_by_name

NUMBERED_CHOICE = re.compile(r"(?i)(choice|option|ending|sol|answer|candidate|op)[_ -]?(\d|[a-e])")
"""A field that holds one numbered or lettered choice of a multiple-choice question ("choice0",
"ending2", "sol1", "option_a", "answerB", MedMCQA's "opa")."""
LETTER_KEY = re.compile(r"[A-H]")
"""A column named by a choice's letter alone (MMLU's CSV: question, A, B, C, D, answer)."""
CHOICE_LISTS = frozenset({"choices", "options", "endings", "candidates"})
"""Fields that hold a multiple-choice question's choices as one list (of texts, or of objects with
their own labels)."""
CHOSEN_KEYS = (
    *("label", "answer", "answerkey", "answer_key", "gold", "correct", "target", "answer_idx"),
    *("answer_index", "cop", "correct_answer", "correct_option"),
)
"""Fields that name the right choice, by index, letter, own label or text."""
QUESTION_KEYS = ("ctx", "startphrase", "goal", "sentence", "stem", "text", "sent1")
"""Fields that hold what the choices complete or answer when no field is named like a question
(HellaSwag's "ctx", SWAG's "startphrase", PIQA's "goal", Winogrande's "sentence")."""
PASSAGE_KEYS = ("article", "passage", "context", "paragraph", "document", "fact1")
"""Fields that hold the passage a question is about (RACE's "article", OpenBookQA's "fact1")."""
RESOLVED_SHARE = 0.5
"""Share of the surveyed records (more than) whose right choice must be found among their choices for
the file to be read as multiple choice: most of them. The others are records whose answer names no
choice (FMT011), not a reason to read none."""
LETTER = re.compile(r"\(?([A-Za-z])[).:]?")
"""A right answer written as a letter: "B", "b", "(B)", "B)", "B.", "B:"."""
MARKED = re.compile(r"\s*\(?([A-Z])\s?[).:]\s*")
"""A letter at a choice's start (AQuA's "A)21", "A ) 21"): the rendering's, when it is its position's."""


ALIKE = "the same question and right choice; distractors aside"
"""What two multiple-choice records whose compared text is equal share (`Record.compared`): the exact
duplicate and leak checks say so rather than "identical"."""
CHOICES_AFTER = r"(?s)\nA\. .*\z"
"""A regular expression for the rendered choices at a multiple-choice prompt's end (from the first
line "A. ..."): removed, what is left is the question (and its passage) as the record writes it."""


RENDERED = re.compile(r"(?:[A-Z]|\d+)\. ")
"""The position a rendered right choice opens with ("B. ", "27. "), `normalise_choices`'s target."""
_ENDING = ".。!? "
"""Closing punctuation a choice may carry or not ("不一致的。", "不一致的"), after NFKC (full-width forms
folded)."""


def answer_text(target: str) -> str:
    """A multiple-choice target ("B. 札幌市。") as the answer it names, its position aside: the choice's
    text without its letter, NFKC, case-folded, spaces squeezed, closing punctuation dropped."""
    return folded(RENDERED.sub("", target, count=1) if RENDERED.match(target) else target)


def folded(choice: str) -> str:
    """A choice's text as answers are compared (`answer_text`): NFKC, case-folded, spaces squeezed,
    closing punctuation dropped."""
    return _fold(choice).rstrip(_ENDING)


def contradictions(answers: list[str], offered: list[list[str]]) -> list[set[int]]:
    """Per record of one question (its `answer_text` and its choices `folded`): the others that
    contradict it, where one's right answer is offered by the other as a wrong choice (the same
    question, two answers to it). Records whose choices are other texts altogether ("which is an
    animal?" answered "egret" over one set of choices and "tiger" over another) contradict nothing:
    a question that asks which of its choices fits has another right answer among other choices."""
    where: dict[str, list[int]] = {}
    for i, texts in enumerate(offered):
        for text in set(texts):
            where.setdefault(text, []).append(i)
    found: list[set[int]] = [set() for _ in answers]
    for i, answer in enumerate(answers):
        for j in where.get(answer, []) if answer else []:
            if j != i and not same_answer(answer, answers[j]):
                found[i].add(j)
                found[j].add(i)
    return found


def same_answer(a: str, b: str) -> bool:
    """Whether two multiple-choice targets ("B. 札幌", "A. 札幌市") name the same answer, their
    positions aside: one text, or one opening the other (`_extends`: a city with its suffix, an
    adjective with its particle). Two items over one question stem with other right answers ("which
    group of four characters is all phono-semantic?") are two items, not a copy or a leak of one."""
    x, y = sorted((answer_text(a), answer_text(b)), key=len)
    return bool(x) and (x == y or _extends(x, y))


UNSPACED_ANSWER = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
"""An answer written in a script without spaces between words (Japanese, Chinese)."""
UNSPACED_STEM = 2
"""Characters an unspaced answer has at least for a longer one opening with it to be the same answer
with a suffix (札幌 -> 札幌市, 不一致 -> 不一致的): one character is a word of its own (公 is not 公道)."""


def _extends(short: str, long: str) -> bool:
    """Whether `long` is `short` with something after it that does not change the answer: after a
    word boundary in spaced text ("paris" -> "paris, france"; not "5" -> "50", "true" -> "not true"),
    a suffix to a stem of `UNSPACED_STEM` characters or more in unspaced text."""
    if not long.startswith(short):
        return False
    if UNSPACED_ANSWER.fullmatch(short):
        return len(short) >= UNSPACED_STEM
    return not (short[-1].isalnum() and long[len(short)].isalnum())


def rendered(prompt: str) -> tuple[str, list[str]]:
    """A multiple-choice prompt as `normalise_choices` renders it, read back: (the question, with its
    passage, and its choices' texts in order); no choices when it has none rendered."""
    start = prompt.find("\nA. ")  # where `CHOICES_AFTER` matches
    if start < 0:
        return prompt, []
    rest, choices, position = prompt[start + 4 :], [], 1
    while (cut := rest.find(f"\n{letter(position)}. ")) >= 0:
        choices.append(rest[:cut])
        rest, position = rest[cut + len(letter(position)) + 3 :], position + 1
    return prompt[:start], [*choices, rest]


def letter(position: int) -> str:
    """The letter of a choice's position (0 -> "A"); past Z, its number from 1."""
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _order(key: str) -> int:
    """A numbered or lettered choice field's position key ("choice3" -> 3, "option_b" -> 1, "B" -> 1)."""
    tail = key[-1]
    return int(tail) if tail.isdigit() else ord(tail.lower()) - ord("a")


def _choice_fields(survey: KeySurvey) -> list[str]:
    """The numbered or lettered choice fields most records have, in their order (one family: the
    prefix most of them share), or []."""
    common = survey.common()
    numbered = [k for k in common if NUMBERED_CHOICE.fullmatch(k) and survey.kind(k) in ("string", "number")]
    if len(numbered) < 2:
        numbered = [k for k in common if LETTER_KEY.fullmatch(k) and survey.kind(k) in ("string", "number")]
    prefixes = Counter(k[:-1].rstrip("_ -").lower() for k in numbered)
    if not prefixes:
        return []
    prefix = prefixes.most_common(1)[0][0]
    fields = sorted((k for k in numbered if k[:-1].rstrip("_ -").lower() == prefix), key=_order)
    return fields if len(fields) >= 2 else []


def _nested(survey: KeySurvey) -> tuple[str, str] | None:
    """(stem path, choices path) when most records nest the question as an object with its stem and
    choices (ARC and CommonsenseQA as released: `"question": {"stem", "choices": [...]}`)."""
    for key in survey.common():
        if survey.kind(key) != "object":
            continue
        inner = [obj[key] for obj in survey.samples if isinstance(obj.get(key), dict)]
        stems = [k for k in ("stem", "question", "text") if sum(k in v for v in inner) * 2 > len(inner)]
        lists = [k for k in CHOICE_LISTS if sum(k in v for v in inner) * 2 > len(inner)]
        if stems and lists:
            return f"{key}.{stems[0]}", f"{key}.{lists[0]}"
    return None


def choice_texts(value: Any) -> tuple[list[Any], list[str] | None] | None:
    """(the choices, their own labels or None) of one list field's value: a list of texts, a list of
    `{"label", "text"}` objects, or an object of two lists (`{"text": [...], "label": [...]}`); None
    when it is none of these."""
    if isinstance(value, dict) and isinstance(value.get("text"), list):
        labels = value.get("label")
        own = (
            [str(v) for v in labels]
            if isinstance(labels, list) and len(labels) == len(value["text"])
            else None
        )
        return list(value["text"]), own
    if not isinstance(value, list) or not value:
        return None
    if all(isinstance(v, dict) for v in value):
        texts = [v.get("text", MISSING) for v in value]
        labels = [v.get("label") for v in value]
        own = [str(v) for v in labels] if all(v is not None for v in labels) else None
        return texts, own
    return list(value), None


def _read_choices(obj: dict[str, Any], layout: Layout) -> tuple[list[Any], list[str] | None, list[str]]:
    """(the record's choices as written, their own labels or None, the field each is shown as)."""
    sources = layout.sources("choices")
    if len(sources) == 1:
        value = lookup(obj, sources[0])
        found = choice_texts(value) if value is not MISSING else None
        if found is None:
            return [], None, []
        texts, own = found
        return texts, own, [f"{sources[0]}[{i}]" for i in range(len(texts))]
    present = [k for k in sources if lookup(obj, k) is not MISSING]
    return [lookup(obj, k) for k in present], None, present


def _index(value: Any, count: int, own: list[str] | None, texts: list[str], first: int) -> int | None:
    """The position the answer `value` names among `count` choices, or None: a choice's own label, an
    index counted from `first` (0 or 1), a letter, or a choice's text."""
    if isinstance(value, bool) or value is None:
        return None
    shown = str(value).strip()
    if own is not None and shown in own:
        return own.index(shown)
    if isinstance(value, int | float) or shown.lstrip("-").isdigit():
        try:
            n = int(float(shown)) - first
        except ValueError:
            return None
        return n if 0 <= n < count and float(shown) == int(float(shown)) else None
    if (m := LETTER.fullmatch(shown)) is not None:
        n = ord(m.group(1).upper()) - ord("A")
        return n if n < count else None
    for folded in ([_fold(t) for t in texts], [_fold(unmarked(t, i)) for i, t in enumerate(texts)]):
        if _fold(shown) in folded:
            return folded.index(_fold(shown))
    return None


def _fold(text: str) -> str:
    """A right answer's text for finding its choice: NFKC, case-folded, spaces squeezed."""
    return " ".join(_spaced(text).casefold().split())


def _spaced(text: str) -> str:
    """A choice's text for telling two choices apart: NFKC and spaces squeezed, case kept (alleles are
    "Bb" and "bb", units "mA" and "MA")."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def unmarked(text: str, position: int) -> str:
    """A choice's text without its own letter at its start (AQuA's "A)21" first -> "21"); a letter that
    is not its position's is the choice's text ("I. Newton" third)."""
    m = MARKED.match(text)
    return text[m.end() :] if m is not None and m.group(1) == letter(position) else text


def _first(survey: KeySurvey, answer: str, counts: list[int], fields: list[str]) -> int:
    """Whether the split's numeric answers count from 0 or 1: the base more of them fit (a 5 among
    five choices is 1-based, a 0 0-based); a tie goes to the fields' own numbering ("option1",
    "option2": 1), else 0."""
    fits = [0, 0]
    for obj, count in zip(survey.samples, counts, strict=False):
        value = obj.get(answer)
        shown = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if shown.isdigit():
            n = int(shown)
            fits[0] += 0 <= n < count
            fits[1] += 1 <= n <= count
    if fits[0] != fits[1]:
        return 0 if fits[0] > fits[1] else 1
    return 1 if fields and fields[0][-1] == "1" else 0


def question_field(survey: KeySurvey, taken: set[str]) -> str | None:
    """The text field most records have that asks the question, among those not `taken` (the choices
    and the answer): one named like a request ("question", "query", ...), else one named like what
    choices complete (`QUESTION_KEYS`); None without one."""
    strings = [k for k in survey.common() if k not in taken and survey.kind(k) == "string"]
    named = [k for k in strings if role_by_name(k) == "prompt"]
    return (named or [k for k in QUESTION_KEYS if k in strings] or [None])[0]


def choice_layout(survey: KeySurvey) -> tuple[Layout, str] | None:
    """The multiple-choice layout of the surveyed records, with the sentence that says what was taken;
    or None. Taken when most records have a question (or what the choices complete), at least two
    choices (numbered fields, one list, or a question object with its stem and choices) and a field
    naming the right one, and the right one is found among the choices in most of them
    (`RESOLVED_SHARE`)."""
    if survey.of_arrays or not survey.records:
        return None
    common = survey.common()
    nested = _nested(survey)
    fields = _choice_fields(survey)
    if nested is not None:
        question, choices = nested[0], [nested[1]]
    elif fields:
        question, choices = "", fields
    else:
        listed = [k for k in common if k.lower() in CHOICE_LISTS and survey.kind(k) in _LIST_KINDS]
        if not listed:
            return None
        question, choices = "", listed[:1]
    taken = {top_key(c) for c in choices}
    answers = [
        k
        for k in common
        if k.lower() in CHOSEN_KEYS and k not in taken and survey.kind(k) in ("number", "string")
    ]
    if not answers:
        return None
    answer = answers[0]
    question = question or question_field(survey, {*taken, answer}) or ""
    if not question:
        return None
    passage = next(
        (k for k in PASSAGE_KEYS if k in common and k != top_key(question) and survey.kind(k) == "string"),
        None,
    )
    probe = Layout(MULTIPLE_CHOICE, MULTIPLE_CHOICE, "", "", tuple((c, "choices") for c in choices))
    read = [_read_choices(obj, probe) for obj in survey.samples]
    first = _first(survey, answer, [len(texts) for texts, _, _ in read], fields)
    resolved = sum(
        1
        for obj, (texts, own, _) in zip(survey.samples, read, strict=True)
        if len(texts) >= 2
        and _index(obj.get(answer), len(texts), own, [t for t in texts if isinstance(t, str)], first)
        is not None
    )
    if resolved <= RESOLVED_SHARE * len(survey.samples):
        return None
    used = {top_key(question), *taken, answer, *([passage] if passage else [])}
    meta = [k for k in survey.keys if k not in used]
    shown = f'"{choices[0]}" .. "{choices[-1]}"' if len(choices) > 1 else f'"{choices[0]}"'
    layout = Layout(
        MULTIPLE_CHOICE,
        MULTIPLE_CHOICE,
        f'multiple choice: {{"{question}", {shown}, "{answer}"}} (the fields found by their names)',
        '{"question": "Which is a fruit?", "choices": ["stone", "apple", "chair"], "answer": 1}',
        ((question, "prompt"), *((c, "choices") for c in choices), (answer, "label")),
        (*([(passage, "context")] if passage else []), *((k, "meta") for k in meta)),
        first_choice=first,
    )
    counted = " (counted from 1)" if first == 1 else ""
    note = (
        f'read as multiple choice: "{question}" is the question, {shown} its choices and "{answer}" the '
        f"right one{counted}; each example is the question with its choices lettered A, B, ... and the right "
        "choice as its answer"
    )
    return layout, note


_LIST_KINDS = ("array of string", "array of object", "object")
"""Surveyed kinds of a field holding the choices as one list (of texts, of objects, or an object of
lists)."""


def normalise_choices(obj: dict[str, Any], rec: Record, layout: Layout) -> None:
    """One multiple-choice record as the question with its lettered choices and the right choice
    (see the module docstring); its issues: no choices, a right answer that names no choice (no
    target), a choice that is not text, two choices with one text (`DUPLICATE_CHOICE`)."""
    question = string_field(obj, layout.source("prompt") or "question", rec)
    passage_key = layout.source_in(obj, "context")
    passage = string_field(obj, passage_key, rec, required=False) if passage_key else ""
    texts, own, names = _read_choices(obj, layout)
    choices: list[str] = []
    for name, value in zip(names, texts, strict=True):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # a number as a choice ("42") is its text
        if not isinstance(value, str):
            rec.issue(
                WRONG_TYPE,
                f'"{name}" is {a_json_type(None if value is MISSING else value)}; a choice is text',
            )
            value = ""
        choices.append(value)
    answer_key = layout.source("label") or "label"
    value = lookup(obj, answer_key)
    right: int | None = None
    if len(choices) < 2:
        rec.issue(MISSING_FIELD, f"{len(choices)} choice(s) where a multiple-choice question has two or more")
    elif value is MISSING or value is None:
        said = f'no "{answer_key}" field' if value is MISSING else f'"{answer_key}" is null'
        rec.issue(MISSING_FIELD, f"{said}: which choice is right is not said")
    elif isinstance(value, str) and not value.strip():
        rec.issue(NO_TARGET, f'"{answer_key}" is empty: which choice is right is not said')
    else:
        right = _index(value, len(choices), own, choices, layout.first_choice or 0)
        if right is None:
            rec.issue(
                NO_TARGET,
                f'"{answer_key}" is {excerpt(str(value), 40)!r}, which names none of the {len(choices)} '
                f"choices ({names[0]} .. {names[-1]})",
            )
        elif not choices[right].strip():
            rec.issue(NO_TARGET, f'"{names[right]}", the right choice, is empty')
    plain = [unmarked(c, i) for i, c in enumerate(choices)]
    _duplicates(plain, names, right, rec)
    lines = [f"{letter(i)}. {c}" for i, c in enumerate(plain)]
    asked = f"{passage}\n\n{question}" if passage.strip() else question
    prompt = "\n".join([asked, *lines])
    rec.label = letter(right) if right is not None else None
    rec.compared = f"{asked}\n{plain[right]}" if right is not None else asked
    rec.turns = [("user", prompt), ("assistant", lines[right] if right is not None else "")]


def _duplicates(choices: list[str], names: list[str], right: int | None, rec: Record) -> None:
    """`DUPLICATE_CHOICE` for each text two or more choices of the record share (spaces aside, case
    kept)."""
    seen: dict[str, list[int]] = {}
    for i, text in enumerate(choices):
        if text.strip():
            seen.setdefault(_spaced(text), []).append(i)
    for at in (at for at in seen.values() if len(at) > 1):
        where = ", ".join(f'"{names[i]}"' for i in at[:-1]) + f' and "{names[at[-1]]}"'
        both = "both" if len(at) == 2 else "all"
        why = (
            f": the right answer stands at {len(at)} positions, so any of them is right"
            if right in at
            else f": one choice offered {len(at)} times"
        )
        rec.issue(DUPLICATE_CHOICE, f"{where} are {both} {excerpt(choices[at[0]], 60)!r}{why}")
