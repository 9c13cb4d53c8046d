"""Read-only shared values: a check that changes what it reads cannot change what the next one reads.

Every value `Context.shared` caches is frozen once, where that is cheap (`freeze`): numpy arrays
become read-only (the check gets a view whose base is read-only too, so it cannot switch writing
back on), lists and dicts become `FrozenList` / `FrozenDict` (still a `list` / `dict` to every
reader, orjson and `==` included, but refusing every change), sets frozensets, and the fields of a
dataclass holder are frozen in place. Each check then gets its own handle (`handout`): polars
frames and series are cloned (a clone shares the data; `drop_in_place`, `df[0, "a"] = ...` or
`Series.append` on it change only the clone), and a dataclass holder is a shallow copy, so
rebinding one of its fields stays with the check that did it.

Left as they are: scipy sparse matrices and fitted scikit-learn objects (their own methods sort
or fill buffers in place), and any other object (a plugin's own shared values included).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, NoReturn

import numpy as np
import polars as pl

MAX_DEPTH = 8
"""Containers nested deeper than this are left as they are (shared values are shallow)."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError("a value shared between checks is read-only; copy it first (list(x), dict(x))")


class FrozenList(list):
    """A list that refuses every change (shared between checks); `list(x)` is a mutable copy."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))  # pickles (to a process) as a plain list


class FrozenDict(dict):
    """A dict that refuses every change (shared between checks); `dict(x)` is a mutable copy."""

    __slots__ = ()
    update = pop = popitem = clear = setdefault = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


def freeze(value: Any, memo: dict[int, Any] | None = None, depth: int = 0) -> Any:
    """`value` made read-only where that is cheap (see the module docstring); objects reached twice
    stay one object (records that share one tool list keep sharing it)."""
    if memo is None:
        memo = {}
    key = id(value)
    if key in memo:
        return memo[key]
    if depth > MAX_DEPTH or value is None or isinstance(value, str | bytes | int | float | bool):
        return value
    out: Any = value
    if isinstance(value, np.ndarray):
        if value.flags.writeable:
            out = value.view()
            value.flags.writeable = False
            out.flags.writeable = False
    elif isinstance(value, FrozenList | FrozenDict | frozenset | pl.DataFrame | pl.Series):
        out = value
    elif isinstance(value, list):
        memo[key] = out = FrozenList()
        list.extend(out, (freeze(v, memo, depth + 1) for v in value))
    elif isinstance(value, dict):
        memo[key] = out = FrozenDict()
        for k, v in value.items():
            dict.__setitem__(out, k, freeze(v, memo, depth + 1))
    elif isinstance(value, set):
        out = frozenset(value)
    elif isinstance(value, tuple) and type(value) is tuple:
        out = tuple(freeze(v, memo, depth + 1) for v in value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            object.__setattr__(value, f.name, freeze(getattr(value, f.name), memo, depth + 1))
    memo[key] = out
    return out


def handout(value: Any) -> Any:
    """A check's own handle on a frozen shared value: frames cloned, a dataclass holder shallow-copied
    (its frame fields cloned); everything else is already read-only and handed out as it is."""
    if isinstance(value, pl.DataFrame | pl.Series):
        return value.clone()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = copy.copy(value)
        for f in dataclasses.fields(value):
            field = getattr(value, f.name)
            if isinstance(field, pl.DataFrame | pl.Series):
                object.__setattr__(own, f.name, field.clone())
        return own
    return value
