"""What a value cached per scan needs of the scan and of a split, named by shape (protocols).

Lower layers (e.g. `dataqa.ingest.structure`) cache what they derive from a split once per scan
through these, so they need not import the engine's `Context` or `dataqa.ingest.dataset.Split`,
which sit above them and import them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")


class SharedValues(Protocol):
    """A per-scan cache: `dataqa.engine.context.Context` is the one the scan passes around."""

    def shared(self, key: Any, factory: Callable[[], T]) -> T:
        """Compute `factory()` once under `key`; later calls get the cached value."""
        ...


class FramedSplit(Protocol):
    """A split as a per-scan cache keys it: its name and canonical frame (`dataqa.ingest.dataset.Split`)."""

    name: str
    frame: pl.DataFrame
