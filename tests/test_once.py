"""`dataqa.core.once.once_per_object`: computed once per object, and one object's computation never
waits for another object's (Python 3.11's `functools.cached_property` shares one lock by class)."""

from __future__ import annotations

import threading

from dataqa.core.once import once_per_object


class _Step:
    def __init__(self, name: str, started: threading.Event, go_on: threading.Event) -> None:
        self.name, self.started, self.go_on, self.calls = name, started, go_on, 0

    @once_per_object
    def value(self) -> str:
        """Waits, mid-computation, for another thread's step to be done."""
        self.calls += 1
        self.started.set()
        assert self.go_on.wait(20), "waited for the other object's step"
        return self.name


def test_a_step_waiting_on_another_objects_step_does_not_wait_for_its_lock() -> None:
    """Thread A computes `a.value` and waits until thread B has `b.value`: with a class-wide lock B
    waits for A and A for B (the Ray engine's held-split hang); with a lock per object both end."""
    a_started, b_done = threading.Event(), threading.Event()
    a = _Step("a", a_started, b_done)
    b = _Step("b", threading.Event(), threading.Event())
    b.go_on.set()
    got: dict[str, str] = {}

    def first() -> None:
        got["a"] = a.value

    def second() -> None:
        assert a_started.wait(20)
        got["b"] = b.value
        b_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "the two steps waited for each other"
    assert got == {"a": "a", "b": "b"}


def test_the_value_is_computed_once_whoever_asks_first() -> None:
    go = threading.Event()
    step = _Step("x", threading.Event(), go)
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(step.value)) for _ in range(4)]
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join(30)
    assert seen == ["x"] * 4 and step.calls == 1
    assert step.__dict__["value"] == "x"
    assert isinstance(_Step.value, once_per_object)
