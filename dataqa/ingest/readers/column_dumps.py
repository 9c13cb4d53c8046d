"""A table saved as one JSON object by column: each key a column, its value the column's values.

pandas writes this by default (`DataFrame.to_json()`: `{"text": {"0": "...", "1": "..."}, "label":
{...}}`), and as `orient="split"` (`{"columns": [...], "index": [...], "data": [[...], ...]}`);
`Dataset.to_dict()` of Hugging Face `datasets` and `DataFrame.to_dict(orient="list")` give
`{"text": ["...", "..."], "label": [...]}`, which people save with `json.dump`. Read as records, the
file is a table: its rows are the records. Without this, the first is read as a few records of
numbered keys, the second as one record whose fields are lists, and nothing looks wrong but the size.

An object whose lists all hold objects holds lists of records (SNIPS' `{"RateBook": [{...}]}`,
SQuAD's `{"data": [...]}`), no columns. A whole-record object whose values happen to be lists is told
apart too: a chat record's `messages` holds turns (objects), where a column of conversations holds
lists; and a table has a column of text (a string with a space in it) or of nested values, where
one token-tagging example's parallel lists hold single words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from dataqa.ingest.compression import open_stream
from dataqa.ingest.readers import jsonarray

MAX_BYTES = 256 * 2**20
"""Largest document (decompressed) read whole to be turned by column: a larger one is read as before."""
MAX_COLUMNS = 64
"""Most top-level keys of a table saved by column: an object with more is keyed by record (an id dump)."""
TURN_LISTS = frozenset({"messages", "conversations", "conversation", "contents"})
"""A record's own list of turns (`documents.RECORD_LISTS`): as a column, it holds lists, not objects."""
SPLIT_KEYS = frozenset({"columns", "index", "data"})


def column_rows(path: Path, found: jsonarray.Survey) -> list[dict[str, Any]] | None:
    """The rows of a JSON object that is a table saved by column (module doc), else None. The survey
    says whether the object can be one (every value a list of one length, or every value an object,
    or pandas' split keys) before the document is read whole."""
    top = [lst for lst in found.lists if len(lst.path) == 1]
    by_list = (
        1 <= found.values <= MAX_COLUMNS
        and len(top) == found.values
        and len({lst.elements for lst in top}) == 1
        and top[0].elements >= 2
        and not all(lst.first == "object" for lst in top)  # lists of records: `documents.choose_lists`
    )
    by_split = found.values in (2, 3) and {lst.path[0] for lst in top} >= {"columns", "data"}
    by_object = 1 <= found.values <= MAX_COLUMNS and found.object_values == found.values and not top
    if found.damage or not (by_list or by_split or by_object):
        return None
    try:
        with open_stream(path) as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        doc = orjson.loads(raw)
    except (EOFError, OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    if by_split:
        return _split_rows(doc)
    columns = dict(doc.items())
    if by_object:
        return _indexed_rows(columns)
    return _listed_rows(columns)


def _split_rows(doc: dict[str, Any]) -> list[dict[str, Any]] | None:
    """pandas' `orient="split"`: column names, and each row's values in their order."""
    names, data = doc.get("columns"), doc.get("data")
    if not set(doc) <= SPLIT_KEYS or not isinstance(names, list) or not isinstance(data, list):
        return None
    if not names or not all(isinstance(n, str) for n in names) or len(set(names)) < len(names):
        return None
    if len(data) < 2 or not all(isinstance(row, list) and len(row) == len(names) for row in data):
        return None
    return [dict(zip(names, row, strict=True)) for row in data]


def _indexed_rows(columns: dict[str, Any]) -> list[dict[str, Any]] | None:
    """pandas' default `to_json()`: each column an object from the row's index label to its value;
    only a numbered index (pandas' default) tells a table from an object of records by id."""
    indexes = {tuple(values) for values in columns.values()}
    if len(indexes) != 1:
        return None
    index = next(iter(indexes))
    if len(index) < 2 or not all(label.isdigit() for label in index):
        return None
    order = sorted(index, key=int)
    return [{name: values[label] for name, values in columns.items()} for label in order]


def _listed_rows(columns: dict[str, Any]) -> list[dict[str, Any]] | None:
    """`Dataset.to_dict()`: each column a list of its values, one per row."""
    for name, values in columns.items():
        if name in TURN_LISTS and any(isinstance(v, dict) for v in values):
            return None  # one record's turns
    if not any(_text_or_nested(v) for values in columns.values() for v in values[:100]):
        return None
    rows = len(next(iter(columns.values())))
    return [{name: values[i] for name, values in columns.items()} for i in range(rows)]


def _text_or_nested(value: Any) -> bool:
    return isinstance(value, list | dict) or (isinstance(value, str) and " " in value.strip())
