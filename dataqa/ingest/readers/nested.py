"""Extractive-QA releases whose questions sit under their passage: SQuAD's original JSON and its kin.

SQuAD v1.1 and v2.0 as their authors ship them nest each question under its paragraph, and each
paragraph under its article (`{"data": [{"title", "paragraphs": [{"context", "qas": [{"id",
"question", "answers": [{"text", "answer_start"}], "is_impossible"?, "plausible_answers"?}]}]}]}`);
other extractive-QA sets (CMRC 2018, DRCD, TyDi QA GoldP, Quoref) use the same nesting, or one level
less (a list of `{"context", "qas"}`). Read as records, such an article or paragraph is in no layout:
the passage is one level above the questions.

`questions` opens such a record into one record per question, in the shape the Hub ships SQuAD in
(the `question_answers` layout): the question's own fields, its paragraph's `context`, its article's
`title`, and `answers` as `{"text": [...], "answer_start": [...]}`. Each comes with the steps that
lead to it from the record (`paragraphs[1].qas[2]`), which the reader keeps so a finding names the
question (`NestedPositions`).

A task written once with its examples under it (Self-Instruct's seed tasks and the sets built on
them: `{"id", "name", "instruction", "instances": [{"input", "output"}, ...], "is_classification"}`)
is opened the same way by `task_examples`: one record per example, the task's fields with the
example's (`instances[1]`), so that every example is read and none is left out.
"""

from __future__ import annotations

import bisect
import json
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from dataqa.ingest.issues import NOT_OBJECT, LoadIssue, excerpt, json_type

PARAGRAPHS, QUESTIONS, CONTEXT = "paragraphs", "qas", "context"
INSTANCES, INSTRUCTION = "instances", "instruction"


@dataclass(frozen=True)
class Aside:
    """What an opener found and left out on purpose (a withdrawn OpenAssistant message): no record,
    an issue of `kind` at its place."""

    kind: str
    detail: str
    excerpt: str = ""


Opened = list[tuple[str, Any]]
"""What an opener gives: (steps, record) pairs in order; a record that is not an object is
reported where it stands, an `Aside` is reported as its issue."""


def questions(obj: Any) -> Opened | None:
    """The questions of an extractive-QA article (`{"title", "paragraphs": [...]}`) or paragraph
    (`{"context", "qas": [...]}`) as (steps, record) pairs in order; None when `obj` is neither.

    A paragraph that is not `{"context", "qas": [...]}`, or a question that is not an object, is
    given as it is (with its steps), so the reader reports it where it stands."""
    if paragraph(obj):
        return [(f"{QUESTIONS}[{k}]", record) for k, record in _paragraph_questions(obj, None)]
    paragraphs = obj.get(PARAGRAPHS) if isinstance(obj, dict) else None
    if not isinstance(paragraphs, list) or not any(paragraph(p) for p in paragraphs):
        return None
    title = obj.get("title")
    out: list[tuple[str, Any]] = []
    for j, passage in enumerate(paragraphs):
        where = f"{PARAGRAPHS}[{j}]"
        if not paragraph(passage):
            out.append((where, passage))
            continue
        out += [(f"{where}.{QUESTIONS}[{k}]", record) for k, record in _paragraph_questions(passage, title)]
    return out


def task_examples(obj: Any) -> Opened | None:
    """The examples of a task written once (`{"instruction", "instances": [{"input", "output"}, ...]}`)
    as (steps, record) pairs in order: the task's fields and the example's (an example's own field
    wins); None when `obj` is no such task. An example that is not an object is given as it is, so
    the reader reports it where it stands."""
    if not isinstance(obj, dict) or not isinstance(obj.get(INSTRUCTION), str):
        return None
    examples = obj.get(INSTANCES)
    if not isinstance(examples, list) or not any(isinstance(e, dict) and "output" in e for e in examples):
        return None
    task = {key: value for key, value in obj.items() if key != INSTANCES}
    return [
        (f"{INSTANCES}[{k}]", {**task, **example} if isinstance(example, dict) else example)
        for k, example in enumerate(examples)
    ]


def opened_records(obj: Any, tasks: bool = True) -> Opened | None:
    """The records an object holds under it (an extractive-QA article's or paragraph's questions,
    `questions`; with `tasks`, a task's examples, `task_examples`), or None when the object is a
    record itself."""
    found = questions(obj)
    return found if found is not None or not tasks else task_examples(obj)


def paragraph(obj: Any) -> bool:
    """Whether `obj` is a passage with its questions: `{"context", "qas": [...]}`."""
    return isinstance(obj, dict) and CONTEXT in obj and isinstance(obj.get(QUESTIONS), list)


def _paragraph_questions(paragraph: dict[str, Any], title: Any) -> list[tuple[int, Any]]:
    """(index, record) of every question of a paragraph: the question's fields, the paragraph's
    context and the article's title (a field the question has itself is kept as it is); a question
    marked unanswerable with no "answers" gets SQuAD 2.0's empty answer list."""
    out: list[tuple[int, Any]] = []
    for k, question in enumerate(paragraph[QUESTIONS]):
        if not isinstance(question, dict):
            out.append((k, question))
            continue
        record = dict(question)
        record.setdefault(CONTEXT, paragraph[CONTEXT])
        if title is not None:
            record.setdefault("title", title)
        if "answers" in record:
            record["answers"] = hub_answers(record["answers"])
        elif record.get("is_impossible") is True:
            # an unanswerable question written without "answers" (a SQuAD 2.0 translation keeps only
            # its plausible_answers): the empty answer list SQuAD 2.0 writes for one
            record["answers"] = {"text": [], "answer_start": []}
        out.append((k, record))
    return out


def hub_answers(answers: Any) -> Any:
    """SQuAD's answer list (`[{"text", "answer_start"}, ...]`, a list of texts, or ParsiNLU's
    `[[start, text], ...]` pairs) as the Hub writes it: `{"text": [...], "answer_start": [...]}` (no
    starts when an answer has none). Any other value is kept as it is, for the normaliser to report."""
    if not isinstance(answers, list):
        return answers
    if answers and all(_start_text(a) for a in answers):
        answers = [
            {"text": a[1], "answer_start": a[0]}
            if isinstance(a[0], int)
            else {"text": a[0], "answer_start": a[1]}
            for a in answers
        ]
    if not all(isinstance(a, str) or (isinstance(a, dict) and "text" in a) for a in answers):
        return answers
    texts = [a if isinstance(a, str) else a["text"] for a in answers]
    starts = [a.get("answer_start") for a in answers if isinstance(a, dict)]
    if len(starts) == len(answers) and all(s is not None for s in starts):
        return {"text": texts, "answer_start": starts}
    return {"text": texts}


def _start_text(answer: Any) -> bool:
    """Whether an answer is written as a pair of its offset in the passage and its text, in either
    order (`[293, "بره"]`)."""
    return (
        isinstance(answer, list)
        and len(answer) == 2
        and sorted(type(v).__name__ for v in answer) == ["int", "str"]
    )


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_$-]+")


def path_text(keys: tuple[str, ...]) -> str:
    """A key path as a position names it: `data`, `corpus.train`; a key that is not a plain name is
    written as a JSON string (`["my data"]`), so a document's keys carry no control character or
    stray dot into a message."""
    return "".join(
        f".{key}" if _PLAIN_KEY.fullmatch(key) else f"[{json.dumps(key)}]" for key in keys
    ).removeprefix(".")


@dataclass
class NestedPositions:
    """Where the records read out of nested lists sit in their JSON document, by key.

    A record's key is its position among the document's records; its line is the line its
    enclosing record starts on, which many questions share (a SQuAD file is often one line). The
    position names the question: `data[3].paragraphs[1].qas[2]`. Kept as integer arrays: one
    entry a question, whatever the document's size."""

    keys: array = field(default_factory=lambda: array("q"))
    """Keys in increasing order (records are read in order)."""
    lists: list[str] = field(default_factory=list)
    """The key path of each record list the records came from (`path_text`; "" for a root array)."""
    which: array = field(default_factory=lambda: array("l"))
    """For each key, its record list (an index into `lists`)."""
    element: array = field(default_factory=lambda: array("q"))
    """For each key, the position of its enclosing record in its list."""
    steps: list[str] = field(default_factory=list)
    """The distinct step strings below the enclosing record (`paragraphs[1].qas[2]`)."""
    step: array = field(default_factory=lambda: array("l"))
    """For each key, its steps (an index into `steps`)."""
    _step_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def add(self, key: int, listed: tuple[str, ...], element: int, steps: str) -> None:
        """Record that the record keyed `key` is at `steps` in element `element` of the list at the
        key path `listed` (element -1: at `steps` in the object on its own line)."""
        shown = path_text(listed)
        if not self.lists or self.lists[-1] != shown:
            self.lists.append(shown)
        index = self._step_index.get(steps)
        if index is None:
            index = self._step_index[steps] = len(self.steps)
            self.steps.append(steps)
        self.keys.append(key)
        self.which.append(len(self.lists) - 1)
        self.element.append(element)
        self.step.append(index)

    def at(self, key: int) -> str | None:
        """The position of the record keyed `key` (`data[3].paragraphs[1].qas[2]`), or None when
        it was not read out of a nested list."""
        i = bisect.bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return None
        if self.element[i] < 0:  # read out of a line of its own (JSON Lines): the line names the record
            return self.steps[self.step[i]]
        listed = self.lists[self.which[i]]
        return f"{listed}[{self.element[i]}].{self.steps[self.step[i]]}"

    def __len__(self) -> int:
        return len(self.keys)


def keyed(
    opened: Opened,
    number: int,
    where: tuple[tuple[str, ...], int],
    lines: Any,
    issues: list[LoadIssue],
    positions: NestedPositions,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records an opener gave for the record keyed `number` (element `where[1]` of the list at
    the key path `where[0]`; element -1 for a line's own object), keyed: the first takes the
    record's key, the others the next keys, all on its line (`lines`, the key -> line array). A
    record that is not an object is an issue at its key, as a record would be; an `Aside` is its
    own issue there."""
    line = lines[number - 1]
    listed, element = where
    for i, (steps, record) in enumerate(opened):
        if i:
            lines.append(line)
        key = len(lines) if i else number
        positions.add(key, listed, element, steps)
        if isinstance(record, dict):
            yield key, record
        elif isinstance(record, Aside):
            issues.append(LoadIssue(key, record.kind, record.detail, record.excerpt))
        else:
            issues.append(
                LoadIssue(
                    key,
                    NOT_OBJECT,
                    f"JSON {json_type(record)} where an object was expected",
                    excerpt(orjson.dumps(record)),
                    dropped=True,
                )
            )
