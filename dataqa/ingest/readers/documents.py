"""The records of a JSON document: a top-level array, the list of records an object holds, every
list a records path with a `*` step matches, the values of an object that maps keys to records, or
the document itself when it is one record (one chat example, or a flat object of fields), or the
rows of a table saved by column (`column_dumps`: pandas' `to_json()`, `datasets`' `to_dict()`).

`--records-path rasa_nlu_data.common_examples` names the list; a `*` step matches every key at its
level (`--records-path '*'`: the lists under each top-level key). `--records-key FIELD` carries the
key a list sits under into each of its records as FIELD, for data whose label is that key (SNIPS:
`{"RateBook": [{"data": [...]}, ...]}`). Records are keyed by position across all lists read, and
the line each starts on is kept (`jsonarray.read_list`). An extractive-QA article or paragraph in
a list (SQuAD's `data[].paragraphs[].qas[]`) is read as its questions, one record each, with its
position kept (`nested`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dataqa.ingest.compression import open_stream
from dataqa.ingest.damage import parse_json
from dataqa.ingest.issues import FILE_LEVEL, LoadIssue
from dataqa.ingest.readers import jsonarray, nested
from dataqa.ingest.readers.column_dumps import column_rows
from dataqa.ingest.readers.layout import document_splits

WILDCARD = jsonarray.WILDCARD

WHOLE_RECORD_BYTES = 16 * 2**20
"""A JSON object this small that is one record (see `RECORD_LISTS`) is parsed whole."""

RECORD_LISTS = frozenset({"messages", "conversations", "conversation", "contents"})
"""Top-level lists of a single record (its turns), not lists of records: a `.json` file holding one
pretty-printed chat example is that one example."""

DEFINITION_LISTS = frozenset({"tools", "functions", "function"})
"""Lists of tool definitions beside a document's examples (ToolBench's `answer_generation.function`):
never the list suggested as its records."""

WHOLE = jsonarray.RecordList((), -1, 1, 0)
"""The list `choose_lists` returns when the document is itself one record."""


def document_records(
    path: Path,
    issues: list[LoadIssue],
    records_path: tuple[str, ...] | None,
    lines: list[int],
    records_key: str | None = None,
    positions: nested.NestedPositions | None = None,
    tasks: bool = True,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a JSON document: its array, or the list(s) of records it holds (see
    `choose_lists`), keyed by position; `lines` receives the line each key starts on (see
    `jsonarray.read_list`). With `records_key`, each record of a list under a key gets that key as
    the field `records_key` (unless it has such a field already). With `positions`, an
    extractive-QA article or paragraph (SQuAD's nesting) is read as its questions, and a task
    written once as its examples (unless `tasks` is false), each a record whose position in the
    document `positions` receives (`nested.opened_records`)."""
    found = jsonarray.survey(path, want=records_path)

    def document_issue(line: int, detail: str) -> None:
        lines.append(line)
        issues.append(LoadIssue(len(lines), FILE_LEVEL, detail))

    if found.root == "array":
        targets = found.lists[:1]
    elif found.root == "object":
        rows = column_rows(path, found) if records_path is None else None
        if rows is not None:  # a table saved by column (pandas' to_json, datasets' to_dict)
            for row in rows:
                lines.append(found.line)
                yield len(lines), row
            return
        targets = choose_lists(path, found, records_path, document_issue)
    else:
        detail = found.damage or (
            "file is empty: there are no records to check"
            if found.root is None
            else "the JSON document is a single value, not records (an array of objects, or an object "
            "holding one)"
        )
        document_issue(found.line, detail)
        return
    if targets == [WHOLE]:
        lines.append(found.line)
        yield from _whole(path, len(lines), issues)
        return
    for target in targets:
        before = len(issues)
        count = 0
        key = target.path[-1] if records_key and target.path else None
        keyed = records_key if target.keyed else None
        for number, element, obj in jsonarray.read_list(path, target, issues, lines, keyed):
            count += 1
            opened = nested.opened_records(obj, tasks) if positions is not None and not target.keyed else None
            if opened is not None:  # an extractive-QA article's questions, a task's examples: the records
                assert positions is not None
                found = nested.keyed(opened, number, (target.path, element), lines, issues, positions)
            else:
                found = iter([(number, obj)])
            for number, record in found:
                if key is not None and records_key not in record:
                    record[records_key] = key
                yield number, record
        if not count and len(issues) == before:
            document_issue(target.line, "the JSON array is empty: there are no records to check")


def choose_lists(
    path: Path,
    found: jsonarray.Survey,
    records_path: tuple[str, ...] | None,
    report: Callable[[int, str], None],
) -> list[jsonarray.RecordList]:
    """The lists of records of a JSON object: the one at `records_path` (every one its `*` steps
    match), or the only list of objects in it (`[WHOLE]` when the object is one chat record, or a
    flat one: no list of records and no object among its values); else
    none, after one issue that names the lists found and the option that picks one."""
    if records_path:
        if found.lists:
            return found.lists if WILDCARD in records_path else found.lists[:1]
        report(
            found.line,
            f"records path {'.'.join(records_path)!r} leads to no list in this JSON object"
            + (f" ({found.damage})" if found.damage else "")
            + "; check the key names (--records-path KEY.KEY)",
        )
        return []
    candidates = [lst for lst in found.lists if lst.records]
    small = path.stat().st_size <= WHOLE_RECORD_BYTES
    if len(candidates) == 1 and candidates[0].path[0] in RECORD_LISTS and small:
        return [WHOLE]
    if not candidates and found.values and not found.object_values and not found.damage and small:
        # a flat object (strings, numbers, lists of them): one record a file, as MATH ships its
        # problems (`train/algebra/1.json` = {"problem", "level", "type", "solution"})
        return [WHOLE]
    if len(candidates) == 1:
        return candidates
    if not candidates and found.values >= 2 and found.object_values == found.values and not found.damage:
        # every value an object: an id-to-record dump (`{"algebra_419.json": {"problem": ...}, ...}`)
        return [jsonarray.RecordList((), found.offset, found.line, 1, found.values, "object", keyed=True)]
    if candidates:
        named = ", ".join(
            f"{c.dotted} ({c.elements:,} records)"
            for c in sorted(candidates, key=lambda c: (-c.elements, c.dotted))
        )
        examples = [c for c in candidates if not c.path or c.path[-1] not in DEFINITION_LISTS] or candidates
        best = max(examples, key=lambda c: (c.elements, c.dotted))
        everyone = all(len(c.path) == 1 for c in candidates)
        if document_splits(found) is not None:  # mixing a train and a test list would hide leakage
            more = (
                "; `dataqa scan` given the file as its only input reads it as the splits its top-level "
                "keys name (train, validation, test)"
            )
        elif everyone:
            more = (
                " (or all of them with --records-path '*', and --records-key FIELD to keep the key "
                "of each list)"
            )
        else:
            more = ""
        detail = (
            f"the JSON object holds several lists of records: {named}; name the one to read with "
            f"--records-path {best.dotted}{more}"
        )
    else:
        detail = (
            "the JSON object holds no list of records (objects or arrays) near its top"
            + (f" ({found.damage})" if found.damage else "")
            + f"; {lists_seen(found)}; name the list to read with --records-path KEY.KEY"
        )
    report(found.line, detail)
    return []


def lists_seen(found: jsonarray.Survey, limit: int = 6) -> str:
    """The lists a JSON object holds near its top, with what they hold, for a message."""
    if not found.lists:
        return f"it holds no list at all (keys looked into {jsonarray.SURVEY_DEPTH} deep)"

    def what(lst: jsonarray.RecordList) -> str:
        if not lst.elements:
            return "empty"
        return f"{lst.elements:,} {'records' if lst.records else 'strings, numbers or other values'}"

    shown = [f"{lst.dotted} ({what(lst)})" for lst in found.lists[:limit]]
    more = len(found.lists) - limit
    return "its lists: " + ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def _whole(path: Path, key: int, issues: list[LoadIssue]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The document as its one record, keyed `key`."""
    try:
        with open_stream(path) as fh:
            raw = fh.read(WHOLE_RECORD_BYTES + 1)
    except (EOFError, OSError) as exc:
        issues.append(LoadIssue(key, FILE_LEVEL, f"file ends early or is damaged ({exc})"))
        return
    obj = parse_json(raw.strip(), key, issues, "record")
    if obj is not None:
        yield key, obj
