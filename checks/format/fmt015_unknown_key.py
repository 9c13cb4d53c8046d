"""FMT015 unknown-key: top-level keys the format does not define, often typos of real ones."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Summarised, register
from dataqa.ingest import formats
from dataqa.ingest.dataset import Split
from dataqa.ingest.issues import with_article
from dataqa.ingest.survey import is_id


@register
@dataclass
class UnknownKey(Summarised):
    """Records carry top-level keys the format does not define.

    Why: most providers ignore or reject unknown keys; often they are a typo of a real key
    ("mesages") or metadata that should live elsewhere.
    Example: `{"messages": [...], "source": "crm-export"}`.
    Fix: remove the key, or fix its spelling. One finding per key, listing every record; keys that
    the same records carry (a dump's "dataset", "generator", "datasplit" on every record) are one
    finding that names them all. A key that names the record ("ConversionId", "sample_id": an
    identifier's name, `survey.is_id`) on every record of the split is its identifier, which the
    layouts take as they take "id" and which trainers ignore; on some records only it stays a finding
    (a typo, "promt_id").

    Runs from block summaries (how many records carry each key, of how many), and the lines of the
    keys it reports come in a second round, so a split left on the Ray workers is checked too.
    """

    id = "FMT015"
    name = "unknown-key"
    family = "format"
    severity = Severity.WARNING

    def summarise(self, ctx: Context) -> dict[str, Any]:
        """Per split: records per unknown key, and records in all (a record's rows are in one block)."""
        return {
            "splits": {
                split.name: {
                    "keys": Counter({key: len(lines) for key, lines in _unknown_keys(split).items()}),
                    "records": split.frame["line"].n_unique(),
                }
                for split in ctx
            }
        }

    def wanted(self, ctx: Context, summary: dict[str, Any]) -> Any:
        """The keys to report per split: all but an identifier's name on every record."""
        wanted = {
            name: sorted(key for key, n in seen["keys"].items() if not (is_id(key) and n >= seen["records"]))
            for name, seen in summary["splits"].items()
        }
        return {name: keys for name, keys in wanted.items() if keys} or None

    def gather(self, ctx: Context, wanted: Any) -> dict[str, Any]:
        """The lines of the records carrying each wanted key, per split."""
        out = {}
        for name, keys in wanted.items():
            found = _unknown_keys(ctx.splits[name])
            out[name] = {key: found[key] for key in keys if key in found}
        return out

    def conclude(self, ctx: Context, summary: dict[str, Any]) -> Iterator[Finding]:
        for split in ctx:
            by_key: dict[str, list[int]] = summary.get("rows", {}).get(split.name, {})
            by_lines: dict[tuple[int, ...], list[str]] = defaultdict(list)
            for key, lines in by_key.items():
                by_lines[tuple(lines)].append(key)
            for lines, keys in sorted(by_lines.items(), key=lambda kv: (kv[0][0], sorted(kv[1]))):
                named = ", ".join(f'"{key}"' for key in sorted(keys))
                yield self.finding(
                    f"unknown top-level key{'s' if len(keys) > 1 else ''} {named} in {len(lines)} record(s) "
                    f"of {with_article(split.format)} file",
                    [ctx.location(split, n) for n in lines],
                )
            if split.name in summary["splits"]:
                self.metrics[f"{split.name}_keys"] = len(summary["splits"][split.name]["keys"])


def _unknown_keys(split: Split) -> dict[str, list[int]]:
    """The lines of the records carrying each top-level key the split's layout does not read."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for line, issue in split.record_issues:
        if issue.kind == formats.UNKNOWN_KEYS:
            for key in issue.detail.split(", "):
                by_key[key].append(line)
    return by_key
