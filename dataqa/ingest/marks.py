"""A record's own verdict on itself: the status or review field a producer left on each row (QUAL016).

Generators, annotation tools and review queues ship their work with the verdict beside it: a
self-instruct pool's `"status": "too similar"`, an Argilla export's `"status": "Discarded"`, a Prodigy
file's `"answer": "ignore"`, `"deleted": true`, `"is_valid": false`. The filter that field stood for
was meant to run before training; a trainer that reads every row does not run it. Here a top-level
key the layout does not read is taken as such a field when its name says so (`STATUS_KEYS`, or a
yes/no name: `KEEP_KEYS`, `DROP_KEYS`) and its value is a short scalar; each record's value is
classed as dropping the record, keeping it, or neither (`verdict`). Words a plain "status" may use
of the record's subject (a refund "rejected") drop it only where the field shows itself a filter's.
The check reports the dropped records only where the same field keeps others in the split, so a
field that is the data's subject, the same on every row, is never read as a verdict.
"""

from __future__ import annotations

import re
from typing import Any

DROP, MAYBE, KEEP, OTHER = "drop", "maybe", "keep", "other"
"""A verdict's classes: drops the record, drops it if the field is a filter's (`DROPPING_IF_REVIEW`),
keeps it, neither."""

STATUS_KEYS = frozenset(
    {
        "status",
        "state",
        "review",
        "review_status",
        "review_result",
        "verdict",
        "decision",
        "filter",
        "filter_status",
        "filter_result",
        "qc",
        "qc_status",
        "quality_check",
        "annotation_status",
        "label_status",
        "answer",
    }
)
"""Names of a field whose value is a verdict word ("ok", "rejected", "too similar"); "answer" is
Prodigy's (accept / reject / ignore), a field of its own only where the layout does not read it;
its "reject" on a binary annotation (`binary_reject`) keeps the record."""
PLAIN_STATUS_KEYS = frozenset({"status", "state", "decision"})
"""Of `STATUS_KEYS`, the names a record's own subject may use (an order's state, a claim's decision)."""
KEEP_KEYS = frozenset(
    {
        "keep",
        "kept",
        "accept",
        "accepted",
        "approved",
        "valid",
        "is_valid",
        "passed",
        "usable",
        "is_usable",
        "is_good",
        "review_result",
        "success",
        "is_correct",
        "correct",
        "verified",
        "is_verified",
    }
)
"""Yes/no names whose "no" drops the record (OpenAssistant's `review_result`: false)."""
DROP_KEYS = frozenset(
    {
        "deleted",
        "is_deleted",
        "discard",
        "discarded",
        "removed",
        "is_removed",
        "is_rejected",
        "dropped",
        "filtered",
        "is_filtered",
        "filtered_out",
        "is_duplicate",
        "spam",
        "is_spam",
        "was_cancelled",
        "skipped",
        "is_bad",
        "invalid",
        "is_invalid",
        "failed",
        "excluded",
    }
)
"""Yes/no names whose "yes" drops the record (`deleted`: true)."""

DROPPING = re.compile(
    r"(?:discard(?:ed)?|filtered(?: out)?|(?:black|block)list(?:ed)?|spam|duplicated?|skip(?:ped)?|ignored?"
    r"|remove[d]?|delete[d]?|drop(?:ped)?|excluded?|unusable|invalid|low quality|poor quality|not ok|nok"
    r"|empty|too \w+(?: \w+)?|bad \w+)"
)
"""Verdict words only a filter or a review gives a record: a filter's reasons ("too similar",
"blacklist", "bad start") and a reviewer's ("discarded", "spam")."""
DROPPING_IF_REVIEW = re.compile(
    r"(?:reject(?:ed)?|fail(?:ed|ure)?|errors?|errored|incorrect|wrong|bad|cancell?ed|blocked|banned|poor)"
)
"""Words that drop a record in a review's field, but may describe what the record is about in a plain
"status" (a refund "rejected", a payment "failed"): they count there only beside a word of `DROPPING`
in the same field of the split, which shows it is a filter's."""
KEEPING = re.compile(
    r"(?:ok(?:ay)?|accept(?:ed)?|approved?|valid(?:ated)?|pass(?:ed)?|keep|kept|good|success(?:ful)?"
    r"|succeeded|complete[d]?|done|submitted|verified|clean|correct|final|published|selected)"
)
"""Verdict words that keep a record ("ok", "accept", "Validated", "completed")."""
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0"})
MAX_VALUE = 40
"""Longest value (characters) read as a verdict: a longer one is text, not a status."""


def key_name(key: str) -> str:
    """A key in one spelling: snake case, lower ("isValid", "Review-Status" → "is_valid", "review_status")."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key.strip())
    return re.sub(r"[\s\-]+", "_", snake).casefold()


def verdict(key: str, value: Any) -> tuple[str, str] | None:
    """(DROP / MAYBE / KEEP / OTHER, the value shown) for a record's field that names a verdict, else None."""
    name = key_name(key)
    if isinstance(value, bool):
        word = "true" if value else "false"
    elif isinstance(value, int | str) and len(str(value)) <= MAX_VALUE:
        word = re.sub(r"[\s_\-]+", " ", str(value)).strip().casefold()
    else:
        return None
    shown = str(value).lower() if isinstance(value, bool) else str(value).strip()
    if name in KEEP_KEYS or name in DROP_KEYS:
        truth = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if truth is None:
            return (OTHER, shown) if name not in STATUS_KEYS else _worded(name, word, shown)
        return (DROP if truth == (name in DROP_KEYS) else KEEP), shown
    if name in STATUS_KEYS and isinstance(value, str):
        return _worded(name, word, shown)
    return None


def _worded(name: str, word: str, shown: str) -> tuple[str, str]:
    if DROPPING.fullmatch(word):
        return DROP, shown
    if DROPPING_IF_REVIEW.fullmatch(word):
        return (MAYBE if name in PLAIN_STATUS_KEYS else DROP), shown
    return (KEEP if KEEPING.fullmatch(word) else OTHER), shown


def binary_reject(obj: dict[str, Any], key: str) -> bool:
    """Whether `key` is Prodigy's "answer" of a binary annotation saying "reject": a record naming
    the one "label" it asks about answers whether that label applies, so "reject" makes it a
    negative example of the label (trained on as such), not a record the annotator threw out."""
    label, answer = obj.get("label"), obj[key]
    return (
        key_name(key) == "answer"
        and isinstance(label, str)
        and bool(label.strip())
        and isinstance(answer, str)
        and answer.strip().casefold() == "reject"
    )


def verdicts(obj: dict[str, Any], keys: set[str]) -> list[str]:
    """A record's verdict fields among `keys` (the top-level keys its layout does not read), each as
    the record issue's detail: key, class and value, tab-separated."""
    out = []
    for key in sorted(keys):
        found = (KEEP, obj[key].strip()) if binary_reject(obj, key) else verdict(key, obj[key])
        if found is not None:
            out.append(f"{key[:MAX_VALUE]}\t{found[0]}\t{found[1]}")
    return out
