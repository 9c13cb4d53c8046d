"""Line-based files whose records are not their lines: a line that holds several records (an
OpenAssistant message tree, an MRQA passage with its questions) or rows that make records together
(OpenAssistant's flat message table).

`opener_of` tells from a file's first lines which of them it is; `open_lines` and `open_table`
read its records out of the records the file's own reader gives, keyed by position as a JSON
document's are: `lines` holds the line (or 1-based row) each key sits on, `positions` where in the
line's object (`prompt.replies[0].replies[1]`, `qas[2]`) or along which lines (`lines 1 > 4 > 9`)
the record is. The reader's issues are keyed the same way, so a damaged line in the middle is
reported at its line and the rest is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from dataqa.ingest.issues import FILE_LEVEL, LoadIssue
from dataqa.ingest.load import Limits, read_records
from dataqa.ingest.readers import nested, threads
from dataqa.ingest.readers.sniff import ARROW, PARQUET, Sniffed, file_head

TREES, MESSAGES, PASSAGES, TASKS = "message trees", "message table", "passages", "tasks with their examples"
"""The openers: OASST's message-tree export, OASST's flat message table, extractive-QA passages
(or articles) with their questions, one a line (MRQA's JSON Lines: a header line, then a passage
a line, `{"context", "context_tokens", "qas": [{"qid", "question", "answers", "detected_answers"}]}`),
tasks written once with their examples (Self-Instruct's seed tasks, `nested.task_examples`)."""

LINES, ROWS = "lines", "rows"
"""How a message table's thread names its messages: by line (JSON Lines), by 0-based row (a table)."""

HEAD_LINES = 8
"""How many of a file's first lines may decide its opener (a header line comes first)."""

HEADER = "header"


def opener_of(path: Path) -> str | None:
    """Which opener a JSON Lines file takes, from its first whole lines (up to `HEAD_LINES`): the
    one that at least half of the objects that are not an MRQA header call for, so one damaged
    first line does not decide (an MRQA header with no object after it in the head says
    passages); None for ordinary records."""
    head = file_head(path)
    ended = head.endswith(b"\n") or len(head) < 64 * 1024
    rows = head.split(b"\n")
    if not ended:
        rows = rows[:-1]
    header, objects = False, 0
    votes: Counter[str] = Counter()
    for raw in rows[:HEAD_LINES]:
        try:
            obj = orjson.loads(raw.strip().removeprefix(b"\xef\xbb\xbf") or b"null")
        except orjson.JSONDecodeError:
            continue
        if is_header(obj):
            header = True
        elif isinstance(obj, dict):
            objects += 1
            kind = _kind(obj)
            if kind is not None:
                votes[kind] += 1
    if votes:
        kind, count = votes.most_common(1)[0]
        if 2 * count >= objects:
            return kind
    return PASSAGES if header and not objects else None  # a header, its passage past the head


def _kind(obj: dict[str, Any]) -> str | None:
    """The opener one object of a file calls for, or None."""
    if threads.is_tree(obj):
        return TREES
    if threads.is_message(obj, first=True):
        return MESSAGES
    if nested.questions(obj) is not None:  # a passage (MRQA's line) or an article
        return PASSAGES
    if nested.task_examples(obj) is not None:
        return TASKS
    return None


def table_opener(path: Path, sniffed: Sniffed) -> str | None:
    """MESSAGES for a Parquet or Arrow file whose columns are OASST's message table's, else None
    (a stream, or a file whose schema cannot be read: its reader reports it)."""
    try:
        if sniffed.kind == PARQUET and not sniffed.compression:
            names = pl.read_parquet_schema(path).keys()
        elif sniffed.kind == ARROW and not sniffed.arrow_stream and not sniffed.compression:
            names = pl.read_ipc_schema(path).keys()
        else:
            return None
    except Exception:  # polars raises many kinds for a damaged file
        return None
    return MESSAGES if set(names) >= threads.MESSAGE_KEYS else None


def is_header(obj: Any) -> bool:
    """Whether `obj` is MRQA's first line, `{"header": {"dataset", "split"}}`: no record."""
    return isinstance(obj, dict) and len(obj) == 1 and isinstance(obj.get(HEADER), dict)


def _opened(opener: str, obj: Any) -> nested.Opened | None:
    if opener == TREES:
        return threads.tree_threads(obj)
    if is_header(obj):
        return []
    return nested.task_examples(obj) if opener == TASKS else nested.questions(obj)


class _Keys:
    """Keys for what a line-based reader gave: `lines` (key -> line) grows as keys are handed out,
    and the reader's issues (keyed by line) are moved to keys as they come."""

    def __init__(self, found_issues: list[LoadIssue], issues: list[LoadIssue], lines: Any) -> None:
        self.found, self.issues, self.lines = found_issues, issues, lines
        self.taken = 0
        self.first: dict[int, int] = {}

    def new(self, line: int) -> int:
        self.lines.append(line)
        self.first.setdefault(line, len(self.lines))
        return len(self.lines)

    def move_issues(self) -> None:
        """The reader's issues so far, keyed: at the first record of their line, else a key of
        their own on it."""
        for issue in self.found[self.taken :]:
            key = self.first.get(issue.line)
            self.issues.append(replace(issue, line=key if key is not None else self.new(issue.line)))
        self.taken = len(self.found)


def read_jsonl(
    path: Path,
    opener: str,
    issues: list[LoadIssue],
    limits: Limits,
    lines: Any,
    positions: nested.NestedPositions,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a JSON Lines file its `opener` reads (`opener_of`), keyed by position."""
    found: list[LoadIssue] = []
    rows = read_records(path, found, limits)
    if opener == MESSAGES:
        yield from open_table(rows, found, issues, lines, positions)
    else:
        yield from open_lines(opener, rows, found, issues, lines, positions)


def open_lines(
    opener: str,
    found: Iterable[tuple[int, dict[str, Any]]],
    found_issues: list[LoadIssue],
    issues: list[LoadIssue],
    lines: Any,
    positions: nested.NestedPositions,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a file whose lines hold several (`opener`: TREES, PASSAGES or TASKS), out of the
    (line, object) pairs its reader gives (`found`, issues into `found_issues`): each line's
    records keyed in order and placed by their steps; a line the opener does not know is one
    record, as read."""
    keys = _Keys(found_issues, issues, lines)
    for line, obj in found:
        number = keys.new(line)
        keys.move_issues()
        opened = _opened(opener, obj)
        if opened is None:
            yield number, obj
        else:
            yield from nested.keyed(opened, number, ((), -1), lines, issues, positions)
    keys.move_issues()


def open_table(
    found: Iterable[tuple[int, dict[str, Any]]],
    found_issues: list[LoadIssue],
    issues: list[LoadIssue],
    lines: Any,
    positions: nested.NestedPositions,
    unit: str = LINES,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The threads of OpenAssistant's flat message table (one message a row), out of the (line or
    1-based row, object) pairs its reader gives: the rows are put back into their trees by
    `parent_id` and read as the tree export is (`threads.threads`). A thread sits on the line (row)
    of its last message; its position lists the lines (rows) of its messages. A message whose
    parent is not in the file starts a tree of its own; a row that is no message is one record."""
    keys = _Keys(found_issues, issues, lines)
    nodes: list[dict[str, Any]] = []
    place: dict[int, int] = {}
    for line, obj in found:
        if threads.is_message(obj):
            node = {**obj, threads.REPLIES: []}
            place[id(node)] = line
            nodes.append(node)
        else:
            keys.move_issues()
            yield keys.new(line), obj
    keys.move_issues()
    by_id = {n["message_id"]: n for n in nodes if isinstance(n["message_id"], str | int)}
    roots: list[dict[str, Any]] = []
    for node in nodes:
        parent = node.get("parent_id")
        above = by_id.get(parent) if isinstance(parent, str | int) else None
        (above[threads.REPLIES] if above is not None and above is not node else roots).append(node)
    shown = 0 if unit == LINES else 1  # a row is shown 0-based, as a table's row is
    at: dict[str, int] = {}

    def name(parent: str, _index: int, reply: dict[str, Any]) -> str:
        steps = f"{parent} > {place[id(reply)] - shown}"
        at[steps] = place[id(reply)]
        return steps

    for root in roots:
        start = f"{unit} {place[id(root)] - shown}"
        at[start] = place[id(root)]
        for steps, item in threads.threads(root, start, name):
            yield from nested.keyed([(steps, item)], keys.new(at[steps]), ((), -1), lines, issues, positions)
    lost = _unreached(nodes, roots)
    if lost:  # parents in a loop: no prompt above them
        first = min(place[id(n)] for n in lost)
        where = f"line {first}" if unit == LINES else f"row {first - 1}"
        issues.append(
            LoadIssue(
                keys.new(first),
                FILE_LEVEL,
                f"{len(lost):,} message(s), the first at {where}, are in no tree: following their "
                '"parent_id" never reaches a prompt (the ids loop), so they are not read',
            )
        )


def _unreached(nodes: list[dict[str, Any]], roots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages no root leads to."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack += node[threads.REPLIES]
    return [n for n in nodes if id(n) not in seen]
