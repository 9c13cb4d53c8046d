"""CoNLL-style token files (CoNLL-2003 NER, WNUT, chunking data), read one sentence a record.

Such a file holds a token a line in whitespace-separated columns, the last one its tag (`O`, `B-PER`,
`I-ORG`), a blank line between sentences and `-DOCSTART-` lines between documents. Read as plain text
lines it would be a record a word and a blank-line finding a sentence. `is_conll` tells from a file's
first lines; `sentences` reads each sentence as `{"text": its tokens joined by spaces, "meta": its
tags}`, at the line of its first token, so a sentence repeated or shared with the test split is found
as one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from dataqa.ingest.issues import ENCODING, INVALID_JSON, LoadIssue, excerpt

TAG = re.compile(r"O|[BIESLU][-_]\S+")
"""A token's tag in the IOB, BIO, BIOES or BILOU schemes."""
HEAD_LINES = 200
"""Lines of the file's head that decide."""
SHARE = 0.9
"""Share of the head's token lines that must have the common width and a tag last."""
DOCUMENT = "-DOCSTART-"


def is_conll(head: bytes) -> bool:
    """Whether a text file's first bytes are CoNLL-style token lines: blank lines between blocks, and
    nearly every other line as wide as the rest (two columns or more) and ending on a tag, `O` among
    them (a file of `LABEL text` lines varies in width; a list of words has one column)."""
    lines = head.decode("utf-8", "replace").splitlines()[:HEAD_LINES]
    lines = lines[:-1] if len(lines) > 1 else lines  # the head may cut its last line
    rows = [line.split() for line in lines if line.strip() and not line.startswith(DOCUMENT)]
    if len(rows) < 3 or not any(not line.strip() for line in lines):
        return False
    width, common = Counter(len(row) for row in rows).most_common(1)[0]
    tagged = sum(bool(TAG.fullmatch(row[-1])) for row in rows)
    outside = any(row[-1] == "O" for row in rows)
    return width >= 2 and common >= SHARE * len(rows) and tagged >= SHARE * len(rows) and outside


def sentences(
    lines: Iterable[str], bad: dict[int, str], issues: list[LoadIssue]
) -> Iterator[tuple[int, dict]]:
    """(line of its first token, record) for every sentence of the file's lines (numbered from 1;
    `bad` names the lines that are not UTF-8, each an issue, as a line without a tag is)."""
    tokens: list[str] = []
    tags: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        columns = line.split()
        if not columns or columns[0] == DOCUMENT:
            if tokens:
                yield start, {"text": " ".join(tokens), "meta": " ".join(tags)}
            tokens, tags = [], []
        elif number in bad:
            issues.append(LoadIssue(number, ENCODING, bad[number], excerpt(line.rstrip()), dropped=True))
        elif len(columns) < 2:
            issues.append(
                LoadIssue(number, INVALID_JSON, "a token line without a tag", excerpt(line), dropped=True)
            )
        else:
            start = start if tokens else number
            tokens.append(columns[0])
            tags.append(columns[-1])
    if tokens:
        yield start, {"text": " ".join(tokens), "meta": " ".join(tags)}
