"""LBL008 structured-label: labels given as JSON objects, arrays or booleans, each value a class."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import structure
from dataqa.ingest.dataset import Split

_PLURAL = {"object": "objects", "array": "arrays", "boolean": "booleans"}


@register
@dataclass
class StructuredLabel(Summarised):
    """Labels that are JSON objects, arrays or booleans rather than text, said once per split.

    Such a value is read as its JSON text, so every distinct object or array is a class of its own
    and `true`/`false` become two classes named "true" and "false". A list of class names or ids
    read as multi-label classification (`{"text", "labels": [3, 27]}`, `dataqa.ingest.label_sets`)
    is a set of classes, not one: no finding; a list where one class is expected (a sentence
    pair's label, a label beside chat, a few lists among single labels) still is one.
    Why: a label like `{"intent": "refund", "score": 0.93}` makes each score a new class, and a
    multi-label array makes each combination one; the classes the model is taught are not the ones
    you meant, and nothing else says so.
    Example: 400 rows whose `label` is `{"name": "billing", "id": 3}`, 12 with `true`.
    Fix: give each label as a string naming its class, or point `--label-field` (or `--map`) at the
    field that holds the class.
    """

    id = "LBL008"
    name = "structured-label"
    family = "labels"
    severity = Severity.WARNING
    shares = frozenset({"structure"})

    def _structured(self, ctx: Context, split: Split) -> dict[str, list[int]]:
        """JSON type -> the lines of the split's records (of those the context holds) labelled so."""
        by_type: dict[str, list[int]] = {}
        for line, st in structure.records(ctx, split):
            kind = st.get("label_type")
            if kind is not None:
                by_type.setdefault(kind, []).append(line)
        return by_type

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: records per JSON type of label, and rows per label text (the classes they made)."""
        out = {}
        for split in ctx:
            by_type = self._structured(ctx, split)
            if not by_type:
                continue
            lines = [line for found in by_type.values() for line in found]
            labels = split.frame.filter(pl.col("line").is_in(lines))["label"].drop_nulls().to_list()
            out[split.name] = {
                "types": Counter({kind: len(found) for kind, found in by_type.items()}),
                "classes": Counter(labels),
            }
        return {"splits": out}

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        return sorted(summary["splits"]) or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The lines of the records with a structured label, per split `wanted`."""
        return {
            name: [line for found in self._structured(ctx, ctx.splits[name]).values() for line in found]
            for name in wanted
        }

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            seen = summary["splits"].get(split.name)
            if seen is None:
                continue
            by_type, classes = seen["types"], seen["classes"]
            lines = sorted(summary["rows"][split.name])
            kinds = " and ".join(
                f"{_PLURAL[kind]} ({by_type[kind]:,})" for kind in sorted(by_type, key=list(_PLURAL).index)
            )
            common = [label for label, _ in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))]
            self.metrics[f"{split.name}_structured_labels"] = len(lines)
            yield self.finding(
                f"{len(lines):,} {split.name} label(s) are JSON {kinds}, not text: each distinct value "
                f"became a class of its own ({len(classes):,} class(es), e.g. {common[0][:80]!r}); "
                "give labels as class-name strings, or name the field holding the class with --label-field",
                [ctx.location(split, line) for line in lines],
                [label[:160] for label in common[:5]],
                metrics={
                    "split": split.name,
                    "records": len(lines),
                    "types": dict(sorted(by_type.items())),
                    "classes": len(classes),
                },
            )
