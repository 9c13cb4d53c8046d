"""A contact pasted verbatim into several records (PII002): a post broadcast many times, reported once.

A page's or a shop's post, an advertisement pasted under many comments, a newsletter footer: the
same sentence with the same number or address recurs in record after record. Whoever wrote it gave
it to everyone, many times over; a person handing over their own number writes a sentence of their
own each time. That holds in any language, as it reads no word: the value's sentence, letters and
digits only (a data set's own quoting of one copy, `"" page ""` beside `" page "`, changes nothing),
recurring in `BROADCAST_RECORDS` records or more, across all splits. Such a value is reported once,
in one finding that names every record it is in (the data owner pseudonymises all copies or none),
not once per record: six findings on one page's number say nothing the first did not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

BROADCAST_RECORDS = 3
"""Records a sentence with its contact must recur in to be a broadcast post. Two copies are what a
merge or a train/test leak leaves of one person's message; the duplicate and leakage checks report
those, and the number in them stays one person's, reported in each."""


def sentence_key(kind: str, value: str, sentence: str) -> str:
    """What makes two values the same pasted contact: the kind, the value without its spacing and
    punctuation, and its sentence's letters and digits (lower case)."""
    words = " ".join(re.findall(r"\w+", sentence.lower()))
    bare = re.sub(r"\W", "", value.lower())
    return "\x00".join((kind, bare, words))


def broadcasts(values: Iterable[tuple[str, int, str]]) -> dict[str, list[tuple[str, int]]]:
    """Per sentence key of the (split, line, key) values whose key recurs in `BROADCAST_RECORDS` records
    or more, those records as (split, line), in the order given."""
    records: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for split, line, key in values:
        if key and (split, line) not in records[key]:
            records[key].append((split, line))
    return {key: places for key, places in records.items() if len(places) >= BROADCAST_RECORDS}
