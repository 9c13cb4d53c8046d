"""Merging what checks computed over blocks of rows into what they would have computed over all of
them: summaries (`add_summaries`, exact whatever the blocks) and metrics (`add_counts`, counts only).
Both engines merge so: the local one over parts of a split, the Ray one over its blocks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any


def add_summaries(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Summaries of blocks merged key by key, in block order: integers and `Counter`s add, tables
    (polars frames) and lists are concatenated, sets are joined, dicts merge per key; anything
    else is a `ValueError` (a summary must merge exactly, whatever the blocks)."""
    import polars as pl

    def add(a: Any, b: Any, key: str) -> Any:
        if _count(a) and _count(b):
            return a + b
        if isinstance(a, Counter) and isinstance(b, Counter):
            merged = Counter(a)
            merged.update(b)
            return merged
        if isinstance(a, pl.DataFrame) and isinstance(b, pl.DataFrame):
            return pl.concat([a, b], how="vertical_relaxed")
        if isinstance(a, list) and isinstance(b, list):
            return a + b
        if isinstance(a, set | frozenset) and isinstance(b, set | frozenset):
            return set(a) | set(b)
        if isinstance(a, dict) and isinstance(b, dict):
            merged = dict(a)
            for k, v in b.items():
                merged[k] = add(merged[k], v, f"{key}.{k}") if k in merged else v
            return merged
        raise ValueError(f"summary {key!r}: {type(a).__name__} and {type(b).__name__} do not merge")

    return _by_key(parts, add)


def _by_key(parts: list[dict[str, Any]], add: Callable[[Any, Any, str], Any]) -> dict[str, Any]:
    """Dicts merged key by key in order, a key's values put together by `add(a, b, key)`."""
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            out[key] = add(out[key], value, key) if key in out else value
    return out


def add_counts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Metrics of blocks added up key by key: integers add, tables of them add per key (keys then
    sorted, as the checks write them), and any other value must be the same in every block; a
    value that is not (a share, a rate) is a `ValueError`: the check is not one to run on blocks."""

    def add(a: Any, b: Any, key: str) -> Any:
        if _count(a) and _count(b):
            return a + b
        if isinstance(a, dict) and isinstance(b, dict):
            merged = dict(a)
            for k, v in b.items():
                merged[k] = add(merged[k], v, f"{key}.{k}") if k in merged else v
            return dict(sorted(merged.items()))
        if a == b:
            return a
        raise ValueError(f"metric {key!r} is {a!r} in one block and {b!r} in another, and is no count")

    return _by_key(parts, add)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
