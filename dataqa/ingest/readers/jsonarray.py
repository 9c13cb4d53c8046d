"""JSON documents read as a stream of records: a top-level array, or a list inside an object.

Alpaca-style data is published as one (often pretty-printed) JSON array, and NLU data as an object
holding its list of examples under a key (`{"data": [...]}`, Rasa's
`rasa_nlu_data.common_examples`). Such a file is never parsed whole: a byte-level scanner finds
each element's span and the line it starts on, and each element is parsed on its own
(`damage.parse_json`), so a file of several hundred MB costs one element at a time.

The scanner is vectorised with numpy over 1 MiB chunks: it finds the structural characters
(`"{}[],:`), drops quotes escaped by an odd run of backslashes, keeps the characters outside
strings, and tracks the nesting depth with a running sum. Python sees only the characters at the
depth of the record list (one comma per record) and, while looking for the list, the keys of the
objects above it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import orjson

from dataqa.ingest.compression import open_stream
from dataqa.ingest.damage import parse_json
from dataqa.ingest.issues import FILE_LEVEL, INVALID_JSON, LoadIssue, excerpt
from dataqa.ingest.load import MAX_LINE_BYTES

CHUNK = 1 << 20

_STRUCTURAL = np.zeros(256, dtype=bool)
for _c in b'"{}[],:':
    _STRUCTURAL[_c] = True
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENERS = frozenset(b"{[")
_CLOSERS = frozenset(b"}]")
_DELTA = np.zeros(256, dtype=np.int64)
_DELTA[ord("{")] = _DELTA[ord("[")] = 1
_DELTA[ord("}")] = _DELTA[ord("]")] = -1
_WHITESPACE = b" \t\r\n"
_KEY_BYTES = 1 << 20
"""The longest key kept while looking for the record list; a longer one is never a path step."""

WILDCARD = "*"
"""A step of a wanted key path that matches every key at its level."""

SURVEY_DEPTH = 3
"""How deep in nested objects a list of records is looked for when no records path is given."""


@dataclass
class _ScanState:
    """What the scanner carries from one chunk to the next."""

    in_string: bool = False
    depth: int = 0
    trailing_backslashes: int = 0


def _backslash_runs(a: np.ndarray, at: np.ndarray, carried: int) -> np.ndarray:
    """The length of the run of backslashes just before each position in `at` (each preceded by
    one), counting `carried` more when a run reaches the chunk's start. Runs are short in real
    text, so they are measured a step at a time; a long one is measured by a search."""
    run = np.zeros(at.size, dtype=np.int64)
    open_ = np.ones(at.size, dtype=bool)
    for _ in range(17):
        probe = at - 1 - run
        inside = probe >= 0
        more = open_ & inside
        more[more] = a[probe[more]] == _BACKSLASH
        run[open_ & ~inside] += carried  # the run reaches the chunk's start
        open_ = more
        if not open_.any():
            return run
        run[open_] += 1
    plain = np.flatnonzero(a != _BACKSLASH)
    k = np.searchsorted(plain, at) - 1
    last = np.where(k >= 0, plain[np.maximum(k, 0)], -1)
    full = at - 1 - last
    return np.where(last < 0, full + carried, full)


def structure(chunk: bytes, state: _ScanState, max_depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, characters, depth before each) of the structural characters outside strings in
    `chunk` whose depth before them is at most `max_depth`; `state` moves to the chunk's end."""
    a = np.frombuffer(chunk, dtype=np.uint8)
    cand = np.flatnonzero(_STRUCTURAL[a])
    tail = len(chunk) - len(chunk.rstrip(b"\\"))
    carried = state.trailing_backslashes
    state.trailing_backslashes = tail + (carried if tail == len(chunk) else 0)
    if cand.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.uint8), empty
    chars = a[cand]
    quote = chars == _QUOTE
    qpos = cand[quote]
    if qpos.size:
        before = np.zeros(qpos.size, dtype=bool)
        inner = qpos > 0
        before[inner] = a[qpos[inner] - 1] == _BACKSLASH
        if qpos[0] == 0 and carried:
            before[0] = True
        if before.any():
            which = np.flatnonzero(before)
            run = _backslash_runs(a, qpos[which], carried)
            escaped = np.zeros(qpos.size, dtype=bool)
            escaped[which] = run % 2 == 1
            real = quote.copy()
            real[np.flatnonzero(quote)[escaped]] = False
        else:
            real = quote
    else:
        real = quote
    parity = (np.cumsum(real) + int(state.in_string)) & 1
    state.in_string = bool(parity[-1])
    outside = (~quote) & (parity == 0)
    pos = cand[outside]
    chars = chars[outside]
    if pos.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.uint8), empty
    delta = _DELTA[chars]
    after = np.cumsum(delta) + state.depth
    state.depth = int(after[-1])
    depth_before = after - delta
    keep = depth_before <= max_depth
    return pos[keep], chars[keep], depth_before[keep]


def _chunks(path: Path, start: int = 0) -> Iterator[bytes]:
    """The decompressed bytes of `path` from byte `start` on, in chunks; damage ends them with
    `EOFError`/`OSError` after the readable bytes."""
    with open_stream(path) as fh:
        if start and isinstance(fh, io.BufferedReader):
            fh.seek(start)
        else:
            skip = start
            while skip > 0:  # a compressed stream cannot seek: read past the bytes before `start`
                got = fh.read(min(skip, CHUNK))
                if not got:
                    return
                skip -= len(got)
        read1 = getattr(fh, "read1", None)
        while True:
            chunk = read1(CHUNK) if read1 is not None else fh.read(CHUNK)
            if not chunk:
                return
            yield chunk


@dataclass
class RecordList:
    """A list found in a JSON document: where its `[` is and what it holds."""

    path: tuple[str, ...]
    """The object keys that lead to it from the root (empty: the root array)."""
    offset: int
    """Byte offset of its `[` in the (decompressed) file."""
    line: int
    depth: int
    """Depth of its elements (1 for a top-level array)."""
    elements: int = 0
    first: str | None = None
    """What its first element is: "object", "array", or None (a string, number or other value)."""
    keyed: bool = False  # an object whose values are the records (`{"id-1": {...}, ...}`), not an array

    @property
    def records(self) -> bool:
        """Whether it holds records: objects, or arrays (records written by position, `[text, label]`)."""
        return self.first is not None and self.elements > 0

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass
class Survey:
    """The shape of a JSON document: its root, and the lists of objects in objects near the top."""

    root: str | None
    """'array', 'object', 'other' (a scalar) or None (no content)."""
    line: int = 1
    """The line the root starts on."""
    lists: list[RecordList] = field(default_factory=list)
    damage: str | None = None
    """Why the survey stopped early (a damaged stream, a document that is not complete)."""
    offset: int = 0  # byte offset of the root's `{` or `[`
    values: int = 0  # a root object's values (its top-level keys), and those that are objects:
    object_values: int = 0


@dataclass
class _Frame:
    """An open container while surveying: its kind, its key path (None under an array), its list."""

    kind: int
    path: tuple[str, ...] | None
    key: str | None = None
    listed: RecordList | None = None
    begun: bool = False
    """For a list: whether its first element has been seen."""


def survey(path: Path, max_depth: int = SURVEY_DEPTH, want: tuple[str, ...] | None = None) -> Survey:
    """The root of the document at `path` and its lists: for an array root, the array itself (nothing
    more is read); for an object, every list reached through object keys at most `max_depth` keys
    deep, with its element count (or, with `want`, only the list at that key path, read up to it; a
    `*` step of `want` matches any key, and then every list it matches is listed)."""
    state = _ScanState()
    found: Survey | None = None
    offset = line = 0
    frames: list[_Frame] = []
    carry = b""  # bytes after the last structural character seen, while they can hold a key
    deepest = (max_depth if want is None else len(want)) + 1
    try:
        for chunk in _chunks(path):
            chunk_line = line + 1
            if found is None:
                stripped = chunk.lstrip(_WHITESPACE)
                if not stripped:
                    line += chunk.count(b"\n")
                    offset += len(chunk)
                    continue
                lead = len(chunk) - len(stripped)
                root_line = chunk_line + chunk.count(b"\n", 0, lead)
                if stripped[0] == ord("["):
                    return Survey("array", root_line, [RecordList((), offset + lead, root_line, 1)])
                if stripped[0] != ord("{"):
                    return Survey("other", root_line)
                found = Survey("object", root_line, offset=offset + lead)
            positions, chars, depths = structure(chunk, state, deepest)
            previous = -1
            cursor, cursor_line = 0, chunk_line
            for pos, ch, depth in zip(positions.tolist(), chars.tolist(), depths.tolist(), strict=True):
                segment = (carry + chunk[:pos])[:_KEY_BYTES] if previous < 0 else chunk[previous + 1 : pos]
                previous = pos
                top = frames[-1] if frames else None
                if depth != len(frames):
                    continue
                blank = not segment.strip(_WHITESPACE)
                if ch == ord(":"):
                    if top is not None and top.kind == ord("{"):
                        top.key = _key(segment)
                        found.values += len(frames) == 1
                elif ch in _OPENERS:
                    if len(frames) == 1 and ch == ord("{") and blank:
                        found.object_values += 1
                    if top is not None and top.listed is not None and not top.begun:
                        top.begun = True
                        if blank:
                            top.listed.first = "object" if ch == ord("{") else "array"
                    if len(frames) >= deepest:
                        continue
                    if top is None:
                        step: tuple[str, ...] | None = ()
                    elif top.kind == ord("{") and top.path is not None and top.key is not None:
                        step = (*top.path, top.key)
                    else:
                        step = None
                    listed = None
                    if ch == ord("[") and step:
                        cursor_line += chunk.count(b"\n", cursor, pos)
                        cursor = pos
                        listed = RecordList(step, offset + pos, cursor_line, depth + 1)
                        if want is None:
                            found.lists.append(listed)
                        elif _wanted(step, want):
                            found.lists.append(listed)
                            if WILDCARD not in want:
                                return found
                    frames.append(_Frame(ch, step, listed=listed))
                elif ch in _CLOSERS:
                    if top is None:
                        continue
                    frames.pop()
                    if top.listed is not None and (top.begun or not blank):
                        top.listed.elements += 1
                    if not frames:
                        return found
                elif ch == ord(",") and top is not None and top.listed is not None:
                    top.listed.elements += 1
                    top.begun = True
            carry = (carry + chunk)[:_KEY_BYTES] if previous < 0 else chunk[previous + 1 :][:_KEY_BYTES]
            line += chunk.count(b"\n")
            offset += len(chunk)
    except (EOFError, OSError) as exc:
        damaged = found or Survey(None)
        damaged.damage = f"file ends early or is damaged ({exc})"
        return damaged
    if found is None:
        return Survey(None)
    found.damage = "file ends before the JSON document is complete (cut off?)"
    return found


def _wanted(step: tuple[str, ...], want: tuple[str, ...]) -> bool:
    """Whether the key path `step` is `want`, a `*` in `want` matching any one key."""
    return len(step) == len(want) and all(w in (WILDCARD, s) for s, w in zip(step, want, strict=True))


def _key(segment: bytes) -> str | None:
    """The object key written in `segment` (the bytes between a `{` or `,` and its `:`), or None."""
    text = segment.strip(_WHITESPACE)
    if len(text) >= _KEY_BYTES or not text.startswith(b'"'):
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None


class _Cursor:
    """Line numbers of absolute offsets, counted forward through a sliding buffer."""

    def __init__(self, offset: int, line: int) -> None:
        self.offset, self.line = offset, line

    def line_at(self, buffer: bytearray, buffer_start: int, pos: int) -> int:
        if pos > self.offset:
            self.line += buffer.count(b"\n", self.offset - buffer_start, pos - buffer_start)
            self.offset = pos
        return self.line


def elements(
    path: Path, found: RecordList, issues: list[LoadIssue], root: bool
) -> Iterator[tuple[int, bytes]]:
    """(start line, bytes) of every element of the list `found` describes, in order. Damage becomes
    issues: a cut array, an empty element, a trailing comma, an element over MAX_LINE_BYTES, and,
    for the `root` array, content after its end."""
    depth = found.depth
    state = _ScanState(depth=depth)
    start = found.offset + 1  # absolute offset where the current element's bytes begin
    buffer = bytearray()
    buffer_start = start
    cursor = _Cursor(start, found.line)
    offset = start
    complete = 0
    closed: int | None = None
    big: tuple[int, bytes] | None = None  # (line, head) of an element over the limit, not kept

    def finish(end: int, closer: bool) -> Iterator[tuple[int, bytes]]:
        nonlocal big, complete
        if big is not None:
            line, head = big
            issues.append(
                LoadIssue(
                    line,
                    INVALID_JSON,
                    f"record is {(end - start) / 2**20:,.1f} MiB, over the {MAX_LINE_BYTES // 2**20} MiB "
                    "limit; not kept or parsed",
                    excerpt(head),
                    dropped=True,
                )
            )
            big = None
            complete += 1
            return
        raw = bytes(buffer[start - buffer_start : end - buffer_start])
        body = raw.strip(_WHITESPACE)
        if not body:
            if not closer:
                issues.append(
                    LoadIssue(
                        cursor.line_at(buffer, buffer_start, end),
                        INVALID_JSON,
                        "invalid JSON: a comma with no value before it in the array (an empty element)",
                    )
                )
            elif complete:
                issues.append(
                    LoadIssue(
                        cursor.line_at(buffer, buffer_start, end),
                        INVALID_JSON,
                        "invalid JSON: a trailing comma before the end of the array (JSON parsers refuse it)",
                    )
                )
            return
        complete += 1
        lead = len(raw) - len(raw.lstrip(_WHITESPACE))
        yield cursor.line_at(buffer, buffer_start, start + lead), body

    chunks = _chunks(path, start)
    try:
        for chunk in chunks:
            chunk_start = offset
            buffer += chunk
            offset += len(chunk)
            positions, chars, depths = structure(chunk, state, depth)
            for pos, ch, level in zip(positions.tolist(), chars.tolist(), depths.tolist(), strict=True):
                if level != depth:
                    continue
                at = chunk_start + pos
                if ch == ord(","):
                    yield from finish(at, closer=False)
                    start = at + 1
                elif ch in _CLOSERS:
                    yield from finish(at, closer=True)
                    closed = at + 1
                    break
            if closed is not None:
                break
            if big is None and offset - start > MAX_LINE_BYTES:
                region = bytes(buffer[start - buffer_start : start - buffer_start + MAX_LINE_BYTES])
                lead = len(region) - len(region.lstrip(_WHITESPACE))
                big = (cursor.line_at(buffer, buffer_start, start + lead), region[lead : lead + 640])
            keep_from = offset if big is not None else start
            if keep_from > buffer_start:
                cursor.line_at(buffer, buffer_start, keep_from)
                del buffer[: keep_from - buffer_start]
                buffer_start = keep_from
    except (EOFError, OSError) as exc:
        issues.append(
            LoadIssue(
                cursor.line_at(buffer, buffer_start, offset),
                FILE_LEVEL,
                f"file ends early or is damaged ({exc}); nothing after this line could be read",
            )
        )
        return
    if closed is None:
        tail = b"" if big is not None else bytes(buffer[start - buffer_start :])
        body = tail.strip(_WHITESPACE)
        if big is not None:
            where = big[0]
        elif body:
            where = cursor.line_at(buffer, buffer_start, start + len(tail) - len(tail.lstrip(_WHITESPACE)))
        else:
            where = cursor.line_at(buffer, buffer_start, offset)
        issues.append(
            LoadIssue(
                where,
                FILE_LEVEL,
                f"file ends inside the JSON array, after {complete:,} complete record(s): it is cut off (an "
                "interrupted download or write?); the unfinished record and everything after it are missing",
                excerpt(b" ".join(body.split())) if body else "",
                dropped=bool(body) or big is not None,
            )
        )
        return
    if not root:
        return
    rest = bytes(buffer[closed - buffer_start :])
    at = closed
    try:
        while not rest.strip(_WHITESPACE):
            cursor.line_at(buffer, buffer_start, offset)
            nxt = next(chunks, None)
            if nxt is None:
                return
            buffer, buffer_start, at = bytearray(nxt), offset, offset
            offset += len(nxt)
            rest = nxt
    except (EOFError, OSError):
        return
    lead = len(rest) - len(rest.lstrip(_WHITESPACE))
    issues.append(
        LoadIssue(
            cursor.line_at(buffer, buffer_start, at + lead),
            FILE_LEVEL,
            "content after the end of the JSON array is not read (a second document appended to the file?)",
            excerpt(b" ".join(rest[lead : lead + 640].split())),
        )
    )


def read_list(
    path: Path, found: RecordList, issues: list[LoadIssue], lines: list[int], records_key: str | None = None
) -> Iterator[tuple[int, int, dict]]:
    """(key, 0-based position in the list, record) for every element of the list `found` of the
    document at `path` (for a `keyed` object, every value; with `records_key`, its key is kept).

    Records of a JSON document can share a line (a one-line array), so a record's key is its
    position in `lines` + 1, where the line it starts on is appended; every issue gets a key the
    same way, in file order."""
    met: list[LoadIssue] = []

    def keyed() -> None:
        for issue in met:
            lines.append(issue.line)
            issues.append(replace(issue, line=len(lines)))
        met.clear()

    for element, (line, raw) in enumerate(elements(path, found, met, root=not found.path)):
        keyed()
        lines.append(line)
        if found.keyed:  # `"id": {...}`: the value is the record
            member = parse_json(b"{" + raw + b"}", len(lines), issues, "record")
            key, obj = next(iter(member.items())) if isinstance(member, dict) and member else (None, None)
            if records_key and isinstance(obj, dict) and records_key not in obj:
                obj[records_key] = key
        else:
            obj = parse_json(raw, len(lines), issues, "record")
        if obj is not None:
            yield len(lines), element, obj
    keyed()
