"""CSV and TSV files, read record by record with the line each record starts on.

The first row names the fields, unless it is data: many public tables have no header row (AG News,
Yelp and DBpedia as their authors ship them, MMLU's CSVs). Then each row is read as a record written
by position, as a JSON array is (`damage.ArrayRecord`: items "0", "1", ...; `--map 0=label --map
2=text` names them), and `first_row_is_data` says when.

Python's `csv` module reads them (not polars), because a damaged table must be reported row by
row: a row with more or fewer fields than the header, a quoted field that runs over many lines (an
unclosed quote), bytes that are not UTF-8. Every such row becomes an issue at the physical line
where it starts and is left out; the rows around it are read. A file saved as Windows-1252 (a
spreadsheet's CSV export) is read as such, and said once. Values are strings, as in the file; an
empty cell is an empty string. A TSV whose quotes are text (GLUE's files) is split at tabs alone
(`quoting_of`).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from dataqa.core.errors import InputError
from dataqa.ingest.compression import open_stream
from dataqa.ingest.damage import array_record
from dataqa.ingest.issues import BLANK_LINE, ENCODING, FILE_LEVEL, INVALID_JSON, LoadIssue, excerpt
from dataqa.ingest.load import MAX_LINE_BYTES
from dataqa.ingest.readers import conll
from dataqa.ingest.readers.sniff import file_head

LONG_RECORD_LINES = 1000
"""A record spanning more physical lines than this is reported: an unclosed quote swallows rows."""

_CHUNK = 1 << 20


def _lines(
    path: Path, bad: dict[int, str], issues: list[LoadIssue], legacy: list[tuple[int, int]] | None = None
) -> Iterator[str]:
    """The file's physical lines as text (with their newline), numbered in order from 1; a line that
    is not UTF-8 is decoded with replacement characters and noted in `bad`, unless `legacy` is given
    and it is Windows-1252 (a spreadsheet's CSV export): then it is read as such and noted there as
    (line, byte)."""
    number = 0
    pending = b""
    try:
        with open_stream(path) as fh:
            read1 = getattr(fh, "read1", fh.read)
            while chunk := read1(_CHUNK):
                pieces = (pending + chunk).split(b"\n")
                pending = pieces.pop()
                if len(pending) > MAX_LINE_BYTES:
                    raise ValueError(f"line {number + len(pieces) + 1} is over {MAX_LINE_BYTES // 2**20} MiB")
                for piece in pieces:
                    number += 1
                    yield _decode(piece + b"\n", number, bad, legacy)
    except (EOFError, OSError) as exc:
        issues.append(
            LoadIssue(
                number + 1,
                FILE_LEVEL,
                f"file ends early or is damaged ({exc}); nothing after line {number} could be read",
            )
        )
    except ValueError as exc:
        issues.append(
            LoadIssue(
                number + 1, FILE_LEVEL, f"{exc}, not read; nothing from there on could be read", dropped=True
            )
        )
        return
    if pending:
        yield _decode(pending, number + 1, bad, legacy)


def _decode(raw: bytes, number: int, bad: dict[int, str], legacy: list[tuple[int, int]] | None) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # Excel writes a BOM; every CSV reader skips it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if legacy is not None:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                pass
            else:
                legacy.append((number, exc.start))
                return text
        bad[number] = f"invalid UTF-8 at byte {exc.start} of line {number}"
        return raw.decode("utf-8", errors="replace")


def _legacy_issue(legacy: list[tuple[int, int]], issues: list[LoadIssue]) -> None:
    """One issue for the lines read as Windows-1252, at the first of them: the file's encoding is
    one problem, and its rows are read (JSONL written from them by `dataqa clean` is UTF-8)."""
    if legacy:
        line, byte = legacy[0]
        issues.append(
            LoadIssue(
                line,
                ENCODING,
                f"{len(legacy):,} line(s) are not UTF-8 (the first at byte {byte} of line {line}) and were "
                "read as Windows-1252, as spreadsheets save CSV; save the file as UTF-8 (`dataqa clean` "
                "writes UTF-8 JSONL)",
            )
        )


def compile_line_pattern(text: str | None) -> re.Pattern[str] | None:
    """The compiled `--line-pattern`; `InputError` unless it is a regular expression with a named
    group (the fields of each record)."""
    if not text:
        return None
    try:
        pattern = re.compile(text)
    except re.error as exc:
        raise InputError(f"line pattern {text!r} is not a regular expression: {exc}") from None
    if not pattern.groupindex:
        raise InputError(
            f"line pattern {text!r} names no field: use named groups, e.g. '(?P<label>\\S+) (?P<text>.*)'"
        )
    return pattern


FASTTEXT_LINE = re.compile(r"((?:__label__\S+\s+)+)(.*)", re.DOTALL)
"""fastText's supervised format: `__label__spam __label__ads Buy now!` is text with its labels. fastText
trains each label of a line as a class of its own, so a file whose lines carry several (the cooking
tags of its tutorial) is multi-label: every line's labels are read as a set (`fasttext_sets`)."""
_SEVERAL_LABELS = re.compile(rb"(?m)^__label__\S+[ \t]+__label__\S")


def fasttext_sets(head: bytes) -> bool:
    """Whether a file is multi-label fastText: most lines of its head are labelled, one with two labels
    or more (a stray labelled line in prose leaves the prose as it is)."""
    lines = [line for line in head.splitlines() if line.strip()]
    labelled = sum(line.startswith(b"__label__") for line in lines)
    return 2 * labelled > len(lines) and _SEVERAL_LABELS.search(head) is not None


def read_text_lines(
    path: Path, issues: list[LoadIssue], pattern: re.Pattern[str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {"text": line}) for every line of a plain text file (`.txt`): one record per line, the
    shape of continued pre-training text; a fastText line (`__label__X text`) is {"label", "text"}; a
    CoNLL-style token file is read a sentence a record (`conll`).
    Blank lines and lines that are not UTF-8 become issues.

    With a line `pattern` (`--line-pattern`), its named groups are the record's fields
    (`(?P<label>\\S+) (?P<text>.*)` reads TREC's `LABEL question` lines); a line it does not
    match is an issue at that line, not a record."""
    bad: dict[int, str] = {}
    legacy: list[tuple[int, int]] = []
    number = 0
    head = file_head(path) if pattern is None else b""
    if pattern is None and conll.is_conll(head):  # a token a line: a sentence a record
        yield from conll.sentences(_lines(path, bad, issues), bad, issues)
        return
    sets = fasttext_sets(head)
    for number, text in enumerate(_lines(path, bad, issues, legacy), start=1):
        body = text.rstrip("\r\n")
        if number in bad:
            issues.append(LoadIssue(number, ENCODING, bad[number], excerpt(body), dropped=True))
        elif not body.strip():
            issues.append(LoadIssue(number, BLANK_LINE, "blank line"))
        elif "\x00" in body:
            issues.append(
                LoadIssue(
                    number, ENCODING, "NUL byte in line", excerpt(body.replace("\x00", "\\0")), dropped=True
                )
            )
        elif pattern is None and (labelled := FASTTEXT_LINE.fullmatch(body)):
            labels, text = labelled.groups()
            classes = labels.replace("__label__", " ").split()
            yield number, {"label": classes if sets else " ".join(classes), "text": text}
        elif pattern is None:  # in a multi-label file, a line with no label is short of it, not of no class
            yield number, {"text": body, "label": None} if sets else {"text": body}
        elif found := pattern.fullmatch(body):
            yield number, {k: v for k, v in found.groupdict().items() if v is not None}
        else:
            issues.append(
                LoadIssue(
                    number,
                    INVALID_JSON,
                    f"line does not match the line pattern {excerpt(pattern.pattern, 80)!r}",
                    excerpt(body),
                    dropped=True,
                )
            )
    _legacy_issue(legacy, issues)
    if not number and not issues:
        issues.append(LoadIssue(1, FILE_LEVEL, "file is empty: there are no records to check"))


LOOKAHEAD_ROWS = 20
"""Rows after the first that `first_row_is_data` compares it with."""
_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?")
SENTENCE_WORDS = 8
"""Words from which a cell is a sentence, not a column's name."""


def first_row_is_data(first: list[str], following: list[list[str]]) -> bool:
    """Whether the table's first row is a record, not a header: a cell of it is a number in a column
    of numbers (a class id "3" over ids; a column is seldom named by a number), a value its column
    holds again below (a class such as "POS" beside a short first tweet; a column's name is not one of
    its values, unless the whole header row is repeated), or a sentence (`SENTENCE_WORDS` words or
    more; a name is a word or two). One row alone is a header, as before."""
    rows = [row for row in following if len(row) == len(first)]
    if not rows:
        return False
    if first not in rows and any(
        cell.strip() and any(row[j] == cell for row in rows) for j, cell in enumerate(first)
    ):
        return True
    for j, cell in enumerate(first):
        if _NUMBER.fullmatch(cell.strip()):
            numbers = sum(bool(_NUMBER.fullmatch(row[j].strip())) for row in rows)
            if numbers * 10 >= len(rows) * 9:
                return True
    return any(len(cell.split()) >= SENTENCE_WORDS for cell in first)


OTHER_DELIMITERS = (";", "\t", "|")
"""Delimiters a file named `.csv` may use instead of commas (spreadsheets in locales whose decimal
mark is a comma write semicolons)."""


def delimiter_of(path: Path, default: str) -> str:
    """The delimiter of the table at `path`: `default`, unless its first two non-blank rows have no
    `default` outside quotes and the same number (one or more) of one of `OTHER_DELIMITERS`."""
    lines: list[str] = []
    for line in _lines(path, {}, []):
        if line.strip():
            lines.append(line)
        if len(lines) == 2:
            break
    if not lines or len(next(csv.reader(lines[:1], delimiter=default), [])) > 1:
        return default
    for other in OTHER_DELIMITERS:
        widths = {len(row) for row in csv.reader(lines, delimiter=other)}
        if other != default and len(widths) == 1 and widths.pop() > 1:
            return other
    return default


QUOTE_CHARS = ('"', "'")
"""Quote characters a CSV may use: the standard double quote, or the single quote of tables written
by Python's `csv.writer(quotechar="'")` (10kGNAD's `;`-separated articles)."""
DIALECT_LINES = 200
"""Physical lines (from the top) that `dialect_of` reads each way."""
STEADY = 0.9
"""Share of rows as wide as most rows from which a reading of a table is steady: a few damaged rows
are the data's, not the reading's."""


def _steadiness(lines: list[str], delimiter: str, quotechar: str) -> tuple[float, int]:
    """The share of the rows in `lines`, read with `delimiter` and `quotechar`, that are as wide as
    most rows are, and that width (the last row is left out when the lines are a cut sample)."""
    try:
        rows = [
            r
            for r in csv.reader(lines, delimiter=delimiter, quotechar=quotechar)
            if any(c.strip() for c in r)
        ]
    except csv.Error:
        return 0.0, 0
    if len(rows) > 2 and len(lines) >= DIALECT_LINES:
        rows.pop()  # may be cut mid-record
    if not rows:
        return 1.0, 1
    width, count = Counter(len(r) for r in rows).most_common(1)[0]
    return count / len(rows), width


def dialect_of(path: Path, default: str) -> tuple[str, str]:
    """(delimiter, quote character) of the CSV table at `path`. The delimiter is `delimiter_of`'s and
    the quote `"`, unless that reading is unsteady (under `STEADY` of its rows as wide as most) and
    another pair of `OTHER_DELIMITERS` and `QUOTE_CHARS` is steady, two fields or more, over the
    first `DIALECT_LINES` lines (the steadiest such pair; on a tie the first): a table whose first
    rows hold commas in their text but whose fields are separated by `;` and quoted with `'` (as
    Python's `csv` writes with `quotechar="'"`) is read as written, its few damaged rows reported,
    not as hundreds of ragged comma rows. A TSV keeps its tabs (`quoting_of` decides how it quotes)."""
    delimiter = delimiter_of(path, default)
    if default == "\t":
        return delimiter, '"'
    lines: list[str] = []
    for line in _lines(path, {}, []):
        lines.append(line)
        if len(lines) >= DIALECT_LINES:
            break
    steadiest, best = _steadiness(lines, delimiter, '"')[0], (delimiter, '"')
    if steadiest >= STEADY:
        return best
    for quotechar in QUOTE_CHARS:
        for other in (default, *OTHER_DELIMITERS):
            share, width = _steadiness(lines, other, quotechar)
            if share > steadiest and share >= STEADY and width > 1:
                steadiest, best = share, (other, quotechar)
    return best


def _bad_rows(path: Path, delimiter: str, quoting: int) -> tuple[int, bool]:
    """How many rows of the table, read with `quoting`, cannot be read, are not as wide as its first
    row or span `LONG_RECORD_LINES` lines or more; and whether a field starts with a quote (else both
    readings agree). Quoting is strict: text after a closing quote (`"Yes," he said`) is an error."""
    reader = csv.reader(_lines(path, {}, []), delimiter=delimiter, quoting=quoting, strict=True)
    width, bad, quoted, end = 0, 0, False, 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return bad, quoted
        except csv.Error:
            bad, end = bad + 1, reader.line_num
            continue
        start, end = end + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        width = width or len(row)
        bad += len(row) != width or end - start >= LONG_RECORD_LINES
        quoted = quoted or any(cell.startswith('"') for cell in row)


def quoting_of(path: Path, delimiter: str) -> int:
    """How the table at `path` quotes: as CSV does (`csv.QUOTE_MINIMAL`), unless it is a TSV that
    split at tabs alone has fewer damaged rows than read as CSV. TSV has no quoting of its own and
    published TSVs (GLUE's MRPC, SST-2, MultiNLI) write quotes as text: a sentence that starts with
    `"` read as CSV swallows the tabs and lines after it, and rows are lost or merged."""
    if delimiter != "\t":
        return csv.QUOTE_MINIMAL
    plain, quoted = _bad_rows(path, delimiter, csv.QUOTE_NONE)
    if not quoted or _bad_rows(path, delimiter, csv.QUOTE_MINIMAL)[0] <= plain:
        return csv.QUOTE_MINIMAL
    return csv.QUOTE_NONE


def _has_header(path: Path, delimiter: str, quoting: int = csv.QUOTE_MINIMAL, quotechar: str = '"') -> bool:
    """Whether the table's first non-blank row is its header (`first_row_is_data` on the rows after it)."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(
            _lines(path, {}, []), delimiter=delimiter, quoting=quoting, quotechar=quotechar
        ):
            if row and not (len(row) == 1 and not row[0].strip()):
                rows.append(row)
            if len(rows) > LOOKAHEAD_ROWS:
                break
    except csv.Error:
        pass  # the main read reports the damage where it is
    return not rows or not first_row_is_data(rows[0], rows[1:])


def read_table(
    path: Path, delimiter: str, issues: list[LoadIssue], quotechar: str = '"'
) -> Iterator[tuple[int, dict[str, str]]]:
    """(start line, record) for every data row of the table at `path`; its first row names the
    fields, or, when it is data (`first_row_is_data`), every row is a record by position. Damaged
    rows become issues (see the module docstring)."""
    if csv.field_size_limit() < MAX_LINE_BYTES:
        csv.field_size_limit(min(MAX_LINE_BYTES, sys.maxsize))
    quoting = quoting_of(path, delimiter)
    headed = _has_header(path, delimiter, quoting, quotechar)
    bad: dict[int, str] = {}
    legacy: list[tuple[int, int]] = []
    reader = csv.reader(
        _lines(path, bad, issues, legacy), delimiter=delimiter, quoting=quoting, quotechar=quotechar
    )
    header: list[str] | None = None
    widths = "header" if headed else "first row"
    rows = 0
    end = 0  # the last physical line of the previous record
    what = "TSV" if delimiter == "\t" else "CSV"
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = end + 1
            end = reader.line_num
            issues.append(LoadIssue(start, INVALID_JSON, f"{what} row cannot be read ({exc})", dropped=True))
            continue
        start, end = end + 1, reader.line_num
        damaged = [bad[n] for n in range(start, end + 1) if n in bad]
        if not row or (len(row) == 1 and not row[0].strip()):
            if header is not None or start > 1:
                issues.append(LoadIssue(start, BLANK_LINE, "blank line"))
            continue
        if header is None and not headed:
            header = [str(i) for i in range(len(row))]
        elif header is None:
            header = [name.strip() for name in row]
            twice = sorted({name for name in header if header.count(name) > 1})
            if twice:
                issues.append(
                    LoadIssue(
                        start,
                        FILE_LEVEL,
                        f"the header names {', '.join(repr(n[:40]) for n in twice)} more than once; the last "
                        "column of each name is read",
                    )
                )
            if damaged:
                issues.append(LoadIssue(start, ENCODING, f"header: {damaged[0]}"))
            continue
        if damaged:
            issues.append(
                LoadIssue(
                    start,
                    ENCODING,
                    f"{damaged[0]} (the row is left out)",
                    excerpt(delimiter.join(row)),
                    dropped=True,
                )
            )
            continue
        if "\x00" in "".join(row):
            issues.append(
                LoadIssue(
                    start,
                    ENCODING,
                    f"NUL byte in {what} row",
                    excerpt(delimiter.join(row).replace("\x00", "\\0")),
                    dropped=True,
                )
            )
            continue
        if len(row) != len(header):
            issues.append(
                LoadIssue(
                    start,
                    INVALID_JSON,
                    f"{what} row has {len(row)} field(s) where the {widths} has {len(header)}"
                    + (f" (the row runs over lines {start}-{end})" if end > start else "")
                    + (
                        ": a field with an unquoted delimiter or a stray quote?"
                        if len(row) > len(header)
                        else ""
                    ),
                    excerpt(delimiter.join(row), flat=True),
                    dropped=True,
                )
            )
            continue
        if end - start >= LONG_RECORD_LINES:
            issues.append(
                LoadIssue(
                    start,
                    INVALID_JSON,
                    f"{what} row runs over {end - start + 1:,} lines ({start}-{end}): an unclosed quote "
                    "swallows the rows after it",
                    excerpt(delimiter.join(row), flat=True),
                    dropped=True,
                )
            )
            continue
        rows += 1
        if headed:
            yield start, dict(zip(header, row, strict=True))
        else:
            yield start, array_record(row, excerpt(delimiter.join(row), flat=True))
    _legacy_issue(legacy, issues)
    if header is not None and not rows and not any(issue.dropped for issue in issues):
        issues.append(LoadIssue(1, FILE_LEVEL, "file holds a header row and no records"))
    if header is None and not any(issue.kind == FILE_LEVEL for issue in issues):
        issues.append(LoadIssue(1, FILE_LEVEL, "file is empty: there are no records to check"))
