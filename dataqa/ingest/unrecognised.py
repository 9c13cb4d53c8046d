"""The one message for a file whose records are in no known layout: the keys most records have, and
the exact option that would read them (a `--map` guessed from the keys and tried on the first
records, or a `--format`), instead of one error per record. Records written as JSON arrays are
named as such, with the map that names their items by position (`--map 0=text --map 1=label`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import fuzz, process

from dataqa.ingest.choices import CHOICE_LISTS, CHOSEN_KEYS, NUMBERED_CHOICE, question_field
from dataqa.ingest.fieldmaps import map_options, mapped_layouts
from dataqa.ingest.label_sets import cell_classes
from dataqa.ingest.layouts import LAYOUTS, ROLES, Layout
from dataqa.ingest.readers.nested import CONTEXT, PARAGRAPHS, QUESTIONS
from dataqa.ingest.suggestion import independent_classes, readable_share, suggest_map
from dataqa.ingest.survey import KeySurvey, free_text, is_id, key_words, label_like, role_by_name
from dataqa.ingest.textless import answer_key, ids_and_classes, token_ids

READ_SHARE = 0.5
"""A suggestion is made only when it reads at least this share of the surveyed records."""

_KNOWN: dict[str, str] = {}
for _layout in LAYOUTS.values():
    for _key, _role in (*_layout.fields, *_layout.optional):
        _KNOWN.setdefault(_key, _role)
"""Every field name a built-in layout reads, with its role (for keys misspelt in the data)."""


def _typos(survey: KeySurvey, keys: list[str]) -> dict[str, str]:
    """Keys that are a near spelling of a built-in field ("mesages"), mapped to that field's role."""
    out: dict[str, str] = {}
    for key in keys:
        if key in _KNOWN or survey.kind(key) == "null":  # null in most records: nothing to read there
            continue
        match = process.extractOne(key, list(_KNOWN), scorer=fuzz.ratio, score_cutoff=85)
        if match is not None:
            out[key] = _KNOWN[match[0]]
    return out


def _reads(fields: Mapping[str, str], survey: KeySurvey, label_field: str | None) -> bool:
    try:
        layouts = mapped_layouts(fields)
    except ValueError:
        return False
    return readable_share([*layouts, *LAYOUTS.values()], survey.samples, label_field) >= READ_SHARE


def _joined_labels(fields: Mapping[str, str], survey: KeySurvey) -> str:
    """`--format multi_label_list ` when the mapped label's cells join several classes by commas
    ("2,27", a multi-label row as GoEmotions' TSV writes it), else nothing: read as one class each,
    every combination would be a class of its own."""
    label = next((k for k, r in fields.items() if r == "label"), None)
    cells = [obj.get(label) for obj in survey.samples] if label is not None else []
    joined = sum(1 for v in cells if isinstance(v, str) and len(cell_classes(v)) > 1)
    return "--format multi_label_list " if joined else ""


def suggestion(survey: KeySurvey, label_field: str | None = None) -> str | None:
    """The options that read the surveyed records (`--map ...` or `--format ...`), or None."""
    keys = survey.common()
    if label_field is None and (classes := independent_classes(survey)):
        return " or ".join(f"--label-field {k}" for k in classes) + (
            f" ({len(classes)} class fields beside one text, not one label hierarchy: which is the label is "
            "yours to say)"
        )
    guesses = [_typos(survey, keys), suggest_map(survey) or {}]
    for guess in guesses:
        if not guess:
            continue
        # Fields named as a layout already names them need no map ("text" as text): leave them out.
        short = {k: r for k, r in guess.items() if _KNOWN.get(k) != r}
        for fields in (short, guess) if short else ():
            if _reads(fields, survey, label_field):
                return _joined_labels(fields, survey) + map_options(fields)
    if survey.of_arrays:
        return None  # no layout's fields are positions
    for name, layout in LAYOUTS.items():  # a layout that only its strict rules or types kept out
        relaxed = Layout(name, layout.kind, layout.title, layout.example, layout.fields)
        if readable_share([relaxed], survey.samples, label_field) >= READ_SHARE:
            return f"--format {name}"
    return None


def _keys_text(survey: KeySurvey) -> str:
    if survey.of_arrays:
        items = survey.common()
        kinds = ", ".join(survey.kind(k) for k in items[:12]) + (", ..." if len(items) > 12 else "")
        return (
            "the records name no fields (JSON arrays, or rows of a table without a header row): "
            f"{len(items)} items each ({kinds})"
        )
    keys = survey.common() or [k for k, _ in survey.keys.most_common(10)]
    shown = ", ".join(f'"{k[:40]}"' for k in keys[:12]) + (
        f" and {len(keys) - 12} more" if len(keys) > 12 else ""
    )
    return f"most records have the keys {shown}" if survey.common() else f"the keys seen most are {shown}"


EVAL_ITEM_KEYS = frozenset({"item", "sample"})
"""The keys of an OpenAI Evals data-source line (`{"item": {...}, "sample": {...}}`)."""
EVAL_RUN_KEYS = frozenset({"run_id", "data_source_idx", "grades", "grader_samples", "passes"})
"""The keys an OpenAI Evals run's output items add (what an eval run's results export holds)."""


def _eval_items(survey: KeySurvey) -> str | None:
    """What records of OpenAI Evals items (or an eval run's graded items) are, and how RFT data would
    hold them; None for others. An item has no prompt of its own (the eval's template makes it), so no
    map can read it."""
    keys = set(survey.common())
    kinds = survey.kinds.get("item")
    if "item" not in keys or not keys <= EVAL_ITEM_KEYS | EVAL_RUN_KEYS or not kinds:
        return None
    if kinds.most_common(1)[0][0] != "object":
        return None
    inner = [k for s in survey.samples if isinstance(s.get("item"), dict) for k in s["item"]]
    fields = ", ".join(f'"{k[:40]}"' for k in list(dict.fromkeys(inner))[:8])
    what = (
        "the graded items of an OpenAI Evals run (each item with the model's sample and its grades)"
        if keys & EVAL_RUN_KEYS
        else "OpenAI Evals data-source items"
    )
    return (
        f'the records are {what} ({{"item": {{{fields}}}}}): data for or from an eval, whose prompt the '
        "eval's own template makes, not a fine-tuning file. For reinforcement fine-tuning, write each "
        'item as {"messages": [..., {"role": "user", "content": ...}]} with its grader fields beside it'
    )


PARENT_KEYS = ("parent_id", "parent", "parentid", "parent_message_id", "reply_to", "in_reply_to")
"""Keys by which a record names the message it answers: a message table of conversation trees."""


def _message_rows(survey: KeySurvey) -> str | None:
    """What records that are single messages of conversation trees are (OpenAssistant's export:
    `message_id`, `parent_id`, `role`, `text`), and what to do; None for others. One message is no
    example: a conversation is a path from a tree's root to one of its replies."""
    keys = {k.lower(): k for k in survey.common()}
    parent = next((keys[k] for k in PARENT_KEYS if k in keys), None)
    role = next((keys[k] for k in ("role", "from", "author", "speaker") if k in keys), None)
    text = next((keys[k] for k in ("text", "content", "value", "message", "body") if k in keys), None)
    if parent is None or role is None or text is None or survey.kind(text) != "string":
        return None
    return (
        f'the records are single messages of conversation trees ("{parent}" names the message each one '
        f'answers, "{role}" its author, "{text}" its words: an export such as OpenAssistant\'s), not '
        "examples. Join each path from a tree's root to a reply into one record "
        '({"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}) and scan those'
    )


PROMPT_ONLY_BESIDE = frozenset(
    {
        "id", "prompt_id", "system", "images", "image", "source", "data_source", "ability", "task",
        "dataset", "meta", "metadata", "extra_info", "reward_model", "level", "type", "category",
        "question_id", "reference",
    }
)  # fmt: skip
"""Keys that go with a prompt in prompt-only data (TRL's prompt-only form; verl's data_source,
ability, reward_model, extra_info; MT-Bench's question_id and the reference answers a judge reads):
none of them is an answer to learn."""

PROMPT_KEYS = {"prompt": ("string", "array of object"), "turns": ("array of string",)}
"""Fields that hold a prompt alone, with the JSON kinds they take: a text or a conversation
("prompt"), or the user turns of a multi-turn question (MT-Bench's and Vicuna bench's "turns")."""


_NUMBERED = re.compile(r"(.*?)[_-]?([0-9]|[a-bA-B])")
"""A key that is a stem and a side's number or letter ("response_1", "output_b", "answer2")."""


def _numbered_answers(survey: KeySurvey) -> str | None:
    """What records of one prompt, two answers under one name numbered ("response_1", "response_2")
    and a short field saying which is better are (a pairwise comparison in no layout's names): a
    preference pair, to be written as chosen and rejected. A map that reads one answer as the
    response would drop the other and the verdict, so none is offered unless the verdict names the
    same side on every record; None for records without two such answers beside one verdict."""
    keys = survey.common()
    sides: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        found = _NUMBERED.fullmatch(key)
        if found and found.group(1) and role_by_name(key) == "response" and free_text(survey, key):
            sides.setdefault(found.group(1), []).append((found.group(2), key))
    pairs = [sorted(found) for found in sides.values() if len(found) == 2]
    prompt = next((k for k in keys if role_by_name(k) == "prompt" and free_text(survey, k)), None)
    if len(pairs) != 1 or prompt is None:
        return None  # two sentences and a label without a prompt are a paraphrase or NLI pair
    (mark_a, side_a), (mark_b, side_b) = pairs[0]
    votes = _annotator_verdicts(survey, keys, {mark_a, mark_b})
    if votes:
        return (
            f'the records are two answers ("{side_a}", "{side_b}") to one prompt ("{prompt}") and '
            f"{len(votes)} annotators' verdicts (" + ", ".join(f'"{k}"' for k in votes) + "), each naming "
            "the better answer: a preference pair. Combine the verdicts into one (their majority), then "
            'write the better answer as "chosen" and the other as "rejected" ({"prompt", "chosen", '
            '"rejected"}); a record whose verdict names neither answer is no pair'
        )
    verdicts = [k for k in keys if label_like(survey, k) and not is_id(k) and not _NUMBERED.fullmatch(k)]
    if len(verdicts) != 1:
        return None
    verdict = verdicts[0]
    head = (
        f'the records are two answers ("{side_a}", "{side_b}") to one prompt ("{prompt}") and "{verdict}", '
        'which says which is better: a preference pair. Write the better answer as "chosen" and the other '
        'as "rejected" ({"prompt", "chosen", "rejected"})'
    )
    values = {str(v) for v in survey.distinct.get(verdict, set())}
    if len(values) == 1 and (value := values.pop()) in (mark_a, mark_b):
        chosen, rejected = (side_a, side_b) if value == mark_a else (side_b, side_a)
        fields = {prompt: "prompt", chosen: "chosen", rejected: "rejected"}
        head += (
            f'; "{verdict}" is {value} on every record, the mark of "{chosen}": if it names that answer, the '
            "better one always sits in one place, which a reward model learns instead of quality; "
            f"{map_options(fields)} reads it so"
        )
    return head


ANNOTATOR_WORDS = ("user", "annotator", "worker", "rater", "judge", "coder", "labeler", "labeller")
"""Words of the key that names who gave a label, in a list of per-annotator labels."""


def _annotator_verdicts(survey: KeySurvey, keys: list[str], marks: set[str]) -> list[str]:
    """Several annotators' verdicts on a pair, numbered under one annotator's or label's name
    ("annotator1", "annotator2", "label_0", ...), each a side's mark or one other value (a tie);
    empty for anything else (one verdict, or each side's own score, "score_1" and "score_2")."""
    stems: dict[str, list[str]] = {}
    for key in keys:
        found = _NUMBERED.fullmatch(key)
        values = {str(v) for v in survey.distinct.get(key, set())}
        if found and label_like(survey, key) and values & marks and len(values - marks) <= 1:
            stems.setdefault(found.group(1), []).append(key)
    return next((found for stem, found in stems.items() if len(found) >= 2 and _names_a_verdict(stem)), [])


def _names_a_verdict(stem: str) -> bool:
    """Whether a numbered key's stem names who judged or what was judged, not a side's own score."""
    words = key_words(stem)
    return any(w in words for w in (*ANNOTATOR_WORDS, "label", "vote", "verdict", "preference"))


def _annotator_labels(survey: KeySurvey) -> str | None:
    """What records of one text and a list of its annotators' labels are (GermEval 2024's sexism set:
    `"annotations": [{"user": "A001", "label": "0-Kein"}, ...]`, ten a text), and what a fine-tuning
    file would need; None for others (a list of spans with a label each, NER's, names no annotator)."""
    common = survey.common()
    texts = [k for k in common if free_text(survey, k) and not is_id(k)]
    lists = [
        k
        for k in common
        if survey.kind(k) == "array of object"
        and any(role_by_name(str(n)) == "label" for n in survey.nested.get(k, ()))
        and any(w in key_words(str(n)) for n in survey.nested.get(k, ()) for w in ANNOTATOR_WORDS)
    ]
    if len(texts) != 1 or len(lists) != 1:
        return None
    key = lists[0]
    inner = next(str(n) for n in survey.nested[key] if role_by_name(str(n)) == "label")
    return (
        f'the records are one text ("{texts[0]}") with its annotators\' labels ("{key}": a list of '
        f'{{..., "{inner}": ...}}, one an annotator), no single label to train on: write the label '
        'they agree on (their majority, or the set\'s own rule) as a "label" field beside the text '
        '({"text": ..., "label": ...}) and scan that'
    )


def _prompt_only(survey: KeySurvey) -> str | None:
    """What records that hold a prompt and no answer are (TRL's prompt-only form, GRPO and online
    DPO data, a benchmark's questions), and what a fine-tuning file would need; None for others."""
    keys = set(survey.common())
    field = next((k for k, kinds in PROMPT_KEYS.items() if k in keys and survey.kind(k) in kinds), None)
    if field is None or not keys - {field} <= PROMPT_ONLY_BESIDE:
        return None
    beside = sorted(keys - {field})
    with_ = f" (beside it: {', '.join(beside[:6])})" if beside else ""
    if field == "turns":
        return (
            f'the records are the user turns of questions alone ("turns"{with_}, no answer): a benchmark\'s '
            "questions (MT-Bench's form), which a model answers and a judge scores; no record has a target "
            'to check. For fine-tuning write each question with its answers as a conversation ({"messages": '
            '[{"role": "user", ...}, {"role": "assistant", ...}, ...]})'
        )
    return (
        f'the records are prompts alone ("prompt"{with_}, no answer): data for online training such as '
        "GRPO or online DPO, where the model writes the answers and a reward scores them; no record has "
        'a target to check. For supervised fine-tuning give each prompt its answer ("completion"); for '
        'reinforcement learning write the prompt as messages ({"prompt": [{"role": "user", ...}]}) beside '
        'what its answer is scored against ("answer", "ground_truth", verl\'s "reward_model"), which is '
        "read as OpenAI RFT data is"
    )


def _model_answers(survey: KeySurvey) -> str | None:
    """What records of a model's answers to a benchmark's questions are (FastChat's answer files:
    `question_id`, `model_id`, `choices: [{"turns": [...]}]`), answers kept apart from the questions
    they answer; None for others."""
    keys = set(survey.common())
    if not {"question_id", "choices"} <= keys or survey.kind("choices") != "array of object":
        return None
    if "turns" not in survey.nested.get("choices", {}):
        return None
    return (
        'the records are a model\'s answers to a benchmark\'s questions ("question_id", "choices": '
        '[{"turns": [...]}], FastChat\'s answer form), kept apart from the questions they answer: join '
        'each with its question by question_id into a conversation ({"messages": [{"role": "user", ...}, '
        '{"role": "assistant", ...}, ...]}) and scan that'
    )


TOOL_KEYS = frozenset({"function", "functions", "tools"})
"""Names of the list of functions a record offers the model (BFCL's "function", OpenAI's "tools")."""
_ANSWER_WORDS = ("answer", "truth", "reference", "gold", "expected", "call")
"""Words in a key's name that say it holds what the model should answer (a ground truth beside the
question makes the records graded prompts, not questions alone)."""


def _questions_alone(survey: KeySurvey, key: str) -> bool:
    """Whether `key` holds messages with no answer among them in every surveyed record that has it:
    a list of messages, or a list of turns each a list of messages (BFCL's "question": [[{role,
    content}], ...])."""
    values = [obj[key] for obj in survey.samples if isinstance(obj.get(key), list) and obj[key]]
    messages = [m for v in values for item in v for m in (item if isinstance(item, list) else [item])]
    return bool(messages) and all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and m["role"] != "assistant" for m in messages
    )


def _benchmark_questions(survey: KeySurvey) -> str | None:
    """What records of a benchmark's questions written as messages, with no answer, are (the Berkeley
    function-calling leaderboard's `{"id", "question": [[messages], ...], "function": [tools]}`, its
    multi-turn tasks beside the state they start from), and what a fine-tuning file would need; None
    for others. The expected calls are kept in other files, joined by id."""
    common = survey.common()
    questions = [
        k
        for k in common
        if role_by_name(k) == "prompt"
        and survey.kind(k) in ("array of array", "array of object")
        and _questions_alone(survey, k)
    ]
    answers = [
        k
        for k in common
        if role_by_name(k) in ("response", "chosen", "rejected")
        or (role_by_name(k) == "label" and survey.kind(k) in ("string", "number"))
    ]  # not a list named like one ("involved_classes": the API classes a multi-turn task loads)
    if len(questions) != 1 or answers or any(w in key_words(k) for k in common for w in _ANSWER_WORDS):
        return None
    question = questions[0]
    tools = next((k for k in common if k.lower() in TOOL_KEYS and survey.kind(k) == "array of object"), None)
    beside = [k for k in common if k not in (question, tools) and not is_id(k)]
    nested = survey.kind(question) == "array of array"
    turns = "the user's turns, a list of messages each" if nested else "messages"
    parts = ([f'"{tools}" (the functions offered)'] if tools else []) + [f'"{k}"' for k in beside[:4]]
    state = f"; beside it: {', '.join(parts)}" if parts else ""
    answer = (
        '{"role": "assistant", "tool_calls": [...]}], "tools": [...]'
        if tools
        else '{"role": "assistant", ...}]'
    )
    return (
        f'the records are a benchmark\'s questions ("{question}": {turns}{state}) with no answer: '
        "a model answers them and its answer is scored against expected results kept in other files "
        "(the Berkeley function-calling leaderboard's possible_answer files, by id). For fine-tuning join "
        'each question with its expected answer into a conversation ({"messages": [{"role": "user", ...}, '
        f"{answer}}}) and scan that"
    )


def _nested_questions(survey: KeySurvey) -> str | None:
    """What records that are extractive-QA passages with their questions nested under them are (SQuAD's
    articles or paragraphs) when they were not opened into questions: a table's rows, or JSON Lines
    whose first lines are not such passages (`dataqa.ingest.readers.opened` looks at those)."""
    keys = set(survey.common())
    paragraph = CONTEXT in keys and QUESTIONS in survey.nested
    article = PARAGRAPHS in keys and QUESTIONS in survey.nested.get(PARAGRAPHS, ())
    if not paragraph and not article:
        return None
    return (
        f"the records are extractive-QA {'articles' if article else 'passages'} with their questions "
        f'nested under them ({{"context", "qas": [...]}}, SQuAD\'s nesting), one a record: dataqa opens '
        'this nesting into one record a question in a JSON document (SQuAD\'s own {"data": [...]}, or '
        "an array) and in JSON Lines that start with it (MRQA's); elsewhere (a table) write one "
        "question a record: "
        '{"question", "context", "answers": {"text": [...]}}'
    )


def _multiple_choice(survey: KeySurvey) -> str | None:
    """What multiple-choice records are (a question, its choices in numbered fields or one list, and
    the index or letter of the right one), when they were not read as such (`dataqa.ingest.choices`:
    no question found, or most right answers name no choice), and how to write them as fine-tuning
    data; None for others."""
    common = survey.common()
    numbered = [k for k in common if NUMBERED_CHOICE.fullmatch(k) and survey.kind(k) == "string"]
    listed = [k for k in common if k.lower() in CHOICE_LISTS and survey.kind(k) == "array of string"]
    chosen = next(
        (k for k in common if k.lower() in CHOSEN_KEYS and survey.kind(k) in ("number", "string")), None
    )
    if chosen is None or not (len(numbered) >= 2 or listed):
        return None
    many = len(numbered) >= 2
    choices = f'{len(numbered)} choices "{numbered[0]}" .. "{numbered[-1]}"' if many else f'"{listed[0]}"'
    question = question_field(survey, {*numbered, *listed, chosen})
    asked = f'"{question}", ' if question else ""
    return (
        f'the records are multiple-choice questions ({asked}{choices}, "{chosen}" the right one), not '
        "read as such: no field holds the question, or most right answers name none of the choices. "
        "For fine-tuning write each as a conversation whose answer is the right choice's text, or whose "
        'prompt lists the choices and whose answer names the right one ({"messages": [{"role": "user", ...}, '
        '{"role": "assistant", ...}]}), and scan that'
    )


def unrecognised_detail(
    survey: KeySurvey,
    records: int,
    fields: Mapping[str, str] | None = None,
    label_field: str | None = None,
) -> str:
    """The message of the one finding for a file of `records` records in no known layout (see the
    module docstring); `survey` holds its first records."""
    n = survey.records
    counted = f"{records:,} record(s)" if n >= records else f"the first {n:,} of {records:,} records"
    items = (
        None
        if fields
        else (
            _eval_items(survey)
            or _message_rows(survey)
            or _prompt_only(survey)
            or ids_and_classes(survey)
            or token_ids(survey)
            or _numbered_answers(survey)
            or answer_key(survey)
            or _annotator_labels(survey)
            or _model_answers(survey)
            or _benchmark_questions(survey)
            or _nested_questions(survey)
            or _multiple_choice(survey)
        )
    )
    if items is not None:
        return f"no record is in a layout dataqa knows; {items} ({counted})"
    if fields:
        head = (
            "no record has the fields your field map names ("
            + ", ".join(f"{k} = {r}" for k, r in fields.items())
            + ") with a layout's other fields"
        )
    else:
        head = "no record is in a layout dataqa knows"
    head += f"; {_keys_text(survey)} ({counted})"
    option = suggestion(survey, label_field)
    by_position = "fields by position; " if survey.of_arrays else ""
    if option is not None:
        return f"{head}. Read it with: {option} ({by_position}`dataqa formats` lists the layouts)"
    if survey.of_arrays:
        return (
            f"{head}. Name the items by position with --map 0=ROLE --map 1=ROLE ... (roles: "
            f"{', '.join(ROLES)}; `dataqa formats` lists the layouts)"
        )
    return (
        f"{head}. Name the fields with --map FIELD=ROLE (roles: {', '.join(ROLES)}) or a layout with "
        "--format (`dataqa formats` lists them)"
    )
