"""What a detector of a sensitive value is: a candidate pattern, a validator that confirms it, a mask."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Detector:
    """One kind of sensitive value: a candidate pattern (valid in Python and polars), a validator
    that confirms a match, a mask for evidence, and whether code blocks are searched too."""

    kind: str
    pattern: str
    validate: Callable[[re.Match[str], str], bool]
    show: Callable[[str], str]
    in_code: bool = True
    group: int = 0
    """The pattern group that is the secret itself (0: the whole match)."""
    hint: str = ""
    """A substring every match holds ("" for none; "0" for a digit; "a|b" for one of several, any case):
    texts without it are skipped."""
    generic: bool = False
    """Found by the name it is set under, not its own shape: gives way to another detector's match
    on the same characters (`OPENAI_API_KEY=sk-…` is an OpenAI key, not a generic one)."""

    @functools.cached_property
    def hints(self) -> tuple[str, ...]:
        """The hint's alternatives in lower case (matched against the lower-cased text)."""
        return tuple(h.lower() for h in self.hint.split("|"))

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)

    @property
    def candidates(self) -> str:
        """`loosened(pattern)`: what a polars filter picks the texts to search with."""
        return loosened(self.pattern)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern)
    return _CACHE[pattern]


_BOUNDED = re.compile(r"\{(\d+),\d+\}")


@functools.cache  # a detector's pattern, loosened once per process (every block asks for its union)
def loosened(pattern: str) -> str:
    """`pattern` without its word boundaries (`\\b`) and with each bounded repeat `{m,n}` made
    `{m,}`: it matches every text the pattern matches (and a few more), so it picks the candidates
    that the pattern then confirms (`re`, text by text). Polars keeps few compiled regexes and compiles a
    pattern afresh once others pushed it out; Unicode word boundaries and a repeat of up to 600
    characters (a private key's body) made the secrets' union 90 ms to compile, about 8 ms so, and
    the record checks recompile it on every block of a split that the Ray workers hold."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            if not (pattern[i + 1] == "b" and not in_class):
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            for opener in ("^", "]"):  # a class's first "]" (after a "^") is a literal
                if pattern.startswith(opener, i):
                    out.append(opener)
                    i += 1
            continue
        elif c == "{" and (bounded := _BOUNDED.match(pattern, i)):
            out.append(f"{{{bounded.group(1)},}}")
            i = bounded.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)
