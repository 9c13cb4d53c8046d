"""FMT015 unknown-key: top-level keys the format does not define, often typos of real ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from dataqa.core.models import Finding, Severity
from dataqa.engine.context import Context
from dataqa.engine.registry import Check, register
from dataqa.ingest import formats
from dataqa.ingest.issues import with_article
from dataqa.ingest.survey import is_id


@register
@dataclass
class UnknownKey(Check):
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
    """

    id = "FMT015"
    name = "unknown-key"
    family = "format"
    severity = Severity.WARNING

    def run(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx:
            by_key: dict[str, list[int]] = defaultdict(list)
            for line, issue in split.record_issues:
                if issue.kind == formats.UNKNOWN_KEYS:
                    for key in issue.detail.split(", "):
                        by_key[key].append(line)
            records = split.frame["line"].n_unique()
            by_lines: dict[tuple[int, ...], list[str]] = defaultdict(list)
            for key, lines in by_key.items():
                if not (is_id(key) and len(set(lines)) >= records):
                    by_lines[tuple(lines)].append(key)
            for lines, keys in sorted(by_lines.items(), key=lambda kv: (kv[0][0], sorted(kv[1]))):
                named = ", ".join(f'"{key}"' for key in sorted(keys))
                yield self.finding(
                    f"unknown top-level key{'s' if len(keys) > 1 else ''} {named} in {len(lines)} record(s) "
                    f"of {with_article(split.format)} file",
                    [ctx.location(split, n) for n in lines],
                )
            self.metrics[f"{split.name}_keys"] = len(by_key)
