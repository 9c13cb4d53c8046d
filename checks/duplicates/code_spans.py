"""What an input names in code, for DUP004: its file paths and inline code (`NAMED`), whose words are
what it asks about however common they are, and the tokens of its code as written (`cased_apart`),
where letter case tells two flags apart ("sshd -t" checks the configuration, "sshd -T" prints it)."""

from __future__ import annotations

import re

NAMED = re.compile(r"`[^`\n]+`|(?<![\w/.:~])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]+)*")
"""What an input names: its inline code (`redis-server`) and file paths (/var/lib/docker, ~/.ssh)."""

_FENCED = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_TOKEN = re.compile(r"-{0,2}\w[\w.-]*")
"""A token of code: a word, a name with dots or dashes, a flag with its dashes ("-T", "--all")."""


def named_spans(text: str) -> str:
    """The paths and inline code of a text (`NAMED`), joined by spaces."""
    return " ".join(NAMED.findall(text))


def code_tokens(text: str) -> frozenset[str]:
    """The tokens of a text's code as written: its fenced blocks and inline code."""
    code = _FENCED.findall(text) + [span[1:-1] for span in NAMED.findall(text) if span.startswith("`")]
    return frozenset(token for part in code for token in _TOKEN.findall(part))


def cased_apart(codes: tuple[frozenset[str], frozenset[str]], answers: tuple[str, str]) -> bool:
    """Whether two inputs' code differs only in letter case ("sshd -t" / "sshd -T") and each answer
    writes its own input's tokens as written and not the other's: two commands, which normalising
    case made one prompt."""
    own = (codes[0] - codes[1], codes[1] - codes[0])
    if not own[0] or not own[1] or {t.lower() for t in own[0]} != {t.lower() for t in own[1]}:
        return False
    said = (set(_TOKEN.findall(answers[0])), set(_TOKEN.findall(answers[1])))
    return all(own[k] <= said[k] and not own[k] & said[1 - k] for k in (0, 1))
