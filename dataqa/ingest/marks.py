"""A record's own verdict on itself: the status or review field a producer left on each row (QUAL016).

Generators, annotation tools and review queues ship their work with the verdict beside it: a
self-instruct pool's `"status": "too similar"`, an Argilla export's `"status": "Discarded"`, a Prodigy
file's `"answer": "reject"`, `"deleted": true`, `"is_valid": false`. The filter that field stood for
was meant to run before training; a trainer that reads every row does not run it. Here a top-level
key the layout does not read is taken as such a field when its name says so (`STATUS_KEYS`, or a
yes/no name: `KEEP_KEYS`, `DROP_KEYS`) and its value is a short scalar; each record's value is
classed as dropping the record, keeping it, or neither (`verdict`). The check reports the dropped
records only where the same field keeps others in the split, so a field that is the data's
subject, the same on every row, is never read as a verdict.
"""

from __future__ import annotations

import re
from typing import Any

DROP, KEEP, OTHER = "drop", "keep", "other"

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
Prodigy's (accept / reject / ignore), a field of its own only where the layout does not read it."""
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
    r"(?:reject(?:ed)?|discard(?:ed)?|fail(?:ed|ure)?|errors?|errored|invalid|bad(?: \w+)?|drop(?:ped)?"
    r"|remove[d]?|delete[d]?|filtered(?: out)?|(?:black|block)list(?:ed)?|blocked|banned|spam"
    r"|duplicated?|skip(?:ped)?|ignored?|cancell?ed|excluded?|unusable|incorrect|wrong"
    r"|low quality|poor(?: quality)?|not ok|nok|empty|too \w+(?: \w+)?)"
)
"""Verdict words that drop a record: a filter's reasons ("too similar", "blacklist", "bad start") and
a reviewer's ("rejected", "discarded", "spam")."""
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
    """(DROP / KEEP / OTHER, the value as shown) for a record's field that names a verdict, else None."""
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
            return (OTHER, shown) if name not in STATUS_KEYS else _worded(word, shown)
        return (DROP if truth == (name in DROP_KEYS) else KEEP), shown
    if name in STATUS_KEYS and isinstance(value, str):
        return _worded(word, shown)
    return None


def _worded(word: str, shown: str) -> tuple[str, str]:
    if DROPPING.fullmatch(word):
        return DROP, shown
    return (KEEP if KEEPING.fullmatch(word) else OTHER), shown


def verdicts(obj: dict[str, Any], keys: set[str]) -> list[str]:
    """A record's verdict fields among `keys` (the top-level keys its layout does not read), each as
    the record issue's detail: key, class and value, tab-separated."""
    out = []
    for key in sorted(keys):
        found = verdict(key, obj[key])
        if found is not None:
            out.append(f"{key[:MAX_VALUE]}\t{found[0]}\t{found[1]}")
    return out
