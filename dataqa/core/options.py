"""Option values checked against their annotated types and declared ranges: one rule for check
options and config keys."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any

from dataqa.core.errors import ConfigError


def coerce_option(value: Any, kind: Any, where: str) -> Any:
    """Check a config value against an option's annotated type (ints are accepted as floats)."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(kind):
            if arg is type(None) and value is None:
                return None
            try:
                return coerce_option(value, arg, where)
            except ConfigError:
                continue
        raise ConfigError(f"{where}: {value!r} is not a {kind}")
    if origin in (list, tuple, frozenset, set):
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        (item,) = typing.get_args(kind)[:1] or (Any,)
        items = [coerce_option(v, item, where) for v in value]
        return origin(items) if origin is not list else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return dict(value)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is bool and isinstance(value, bool):
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ConfigError(f"{where}: expected {getattr(kind, '__name__', kind)}, got {value!r}")


INF = float("inf")
RANGE = "dataqa.range"
"""Key of a dataclass field's metadata holding its valid range (see `ranged`)."""


def ranged(default: Any, low: float, high: float = INF) -> Any:
    """A dataclass field whose value must be finite and lie from `low` to `high` (both included).

    The one way a numeric option declares its range, for config keys and check options alike:
    `threshold: float = ranged(0.85, low=0, high=1)`. Reading a value outside it (a negative
    count, a share above 1, `1e999` read as infinity, nan) is a `ConfigError` naming the key and
    the range."""
    return dataclasses.field(default=default, metadata={RANGE: (low, high)})


def field_range(item: dataclasses.Field[Any]) -> tuple[float, float] | None:
    """The (low, high) range `ranged` declared for a dataclass field, or None."""
    bounds = item.metadata.get(RANGE)
    return (float(bounds[0]), float(bounds[1])) if bounds is not None else None


def range_text(low: float, high: float, whole: bool) -> str:
    """How a range reads in a message: "a whole number from 1 to 1,000", "a finite number, 0 or more"."""
    kind = "a whole number" if whole else "a finite number"
    if high == INF:
        return f"{kind}, {low:g} or more"
    return f"{kind} from {low:g} to {high:,g}"


def check_range(bounds: tuple[float, float] | None, value: Any, key: str, where: str) -> None:
    """Raise `ConfigError` when a numeric `value` is not finite or outside `bounds` (None: any
    finite number). `key` is named kebab-case, after `where` (the file and table)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    low, high = bounds if bounds is not None else (-INF, INF)
    if not (low <= value <= high and math.isfinite(value)):
        rule = range_text(low, high, isinstance(value, int)) if bounds is not None else "a finite number"
        raise ConfigError(f"{where}: {key.replace('_', '-')} = {value!r} is out of range; it must be {rule}")
