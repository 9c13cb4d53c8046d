"""Documentation drawn from the registry, so nothing is written twice.

python -m dataqa.commands.docs README.md    # rewrite the checks table between its markers
"""

from __future__ import annotations

import sys
from pathlib import Path

from dataqa.engine.registry import FAMILIES, load_checks

START, END = "<!-- checks-table:start -->", "<!-- checks-table:end -->"


def checks_table() -> str:
    """A Markdown table of every registered check: id, name, family, severity, summary."""
    rows = ["| id | name | family | severity | what it finds |", "|---|---|---|---|---|"]
    for cls in load_checks().values():
        summary = cls.summary().replace("|", "\\|")
        rows.append(
            f"| `{cls.id}` | {cls.name} | {FAMILIES.get(cls.family, cls.family)} | "
            f"{cls.severity.label} | {summary} |"
        )
    return "\n".join(rows)


def update_readme(path: Path) -> bool:
    """Replace the table between the markers; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    updated = f"{head}{START}\n{checks_table()}\n{END}{tail}"
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    changed = update_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("README checks table updated" if changed else "README checks table already current")
