"""A property computed once per object, under that object's own lock.

Python 3.11's `functools.cached_property` computes under one lock shared by every instance of the
class. A held split's step (`dataqa.text.near_held`, `dataqa.text.language_held`) asks the scan for
shared values (`Context.shared`, one lock per key) while it computes; a thread holding such a key's
lock that then asks the same step of another split's object waits for the class-wide lock, and the
two threads wait for each other (an intermittent hang of the Ray engine's tests under load, issue
#22). With a lock per object, two threads wait for each other only where the values really depend
on each other, which would recurse on one thread too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

R = TypeVar("R")


class once_per_object(Generic[R]):
    """Like `functools.cached_property`: the value is stored in the object's `__dict__` under the
    property's name; the first callers of one object wait for one computation."""

    def __init__(self, compute: Callable[[Any], R]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> once_per_object[R]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> R: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> R | once_per_object[R]:
        if obj is None:
            return self
        values = obj.__dict__
        if self.name in values:
            return values[self.name]
        lock = values.setdefault(f"_{self.name}_lock", threading.RLock())  # setdefault is atomic
        with lock:
            if self.name not in values:
                values[self.name] = self.compute(obj)
        return values[self.name]
