"""`dataqa diff`: two planted versions with known edits give exactly those changes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from conftest import run_cli, ticket_records, write_jsonl

from dataqa.commands.diff import diff
from dataqa.engine.config import load_config


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    old = ticket_records(120, seed=21)
    new = copy.deepcopy(old)
    # Re-label old line 5 (same ticket, another queue): new line 5.
    decision = json.loads(new[4]["messages"][-1]["content"])
    decision["queue"] = "account" if decision["queue"] != "account" else "billing"
    new[4]["messages"][-1]["content"] = json.dumps(decision)
    # Edit the ticket of old line 10 by a few words: modified.
    new[9]["messages"][1]["content"] = new[9]["messages"][1]["content"] + " Please hurry, thanks."
    # Remove old lines 20 and 21; add three new tickets at the end.
    del new[19:21]
    new.extend(ticket_records(3, seed=5150))
    return write_jsonl(tmp_path / "v1.jsonl", old), write_jsonl(tmp_path / "v2.jsonl", new)


def test_diff_finds_the_planted_edits(tmp_path: Path) -> None:
    old, new = _versions(tmp_path)
    d = diff(str(old), str(new), load_config(discover=False))
    assert d.counts["old_rows"] == 120 and d.counts["new_rows"] == 121
    assert [(r["old_line"], r["new_line"]) for r in d.relabelled] == [(5, 5)]
    assert [(r["old_line"], r["new_line"]) for r in d.modified] == [(10, 10)]
    assert [r["line"] for r in d.removed] == [20, 21]
    assert all(r["reason"] == "not in the new version" and r["content"] for r in d.removed)
    assert d.added == [119, 120, 121]
    assert d.counts["unchanged"] == 120 - 4
    assert {s["value"] for s in d.shifts["labels"]}


def test_identical_files_have_no_changes(tmp_path: Path) -> None:
    old, _ = _versions(tmp_path)
    d = diff(str(old), str(old), load_config(discover=False))
    assert d.counts["unchanged"] == 120
    assert d.added == d.removed == d.modified == d.relabelled == []


def test_cli_diff_text_json_html(tmp_path: Path) -> None:
    old, new = _versions(tmp_path)
    proc = run_cli(
        "diff",
        str(old),
        str(new),
        "--no-config",
        "--json",
        str(tmp_path / "d.json"),
        "--html",
        str(tmp_path / "d.html"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "re-labelled 1" in proc.stdout and "added 3" in proc.stdout
    payload = json.loads((tmp_path / "d.json").read_text())
    assert payload["counts"]["removed"] == 2
    html = (tmp_path / "d.html").read_text()
    assert "Content-Security-Policy" in html and "Re-labelled examples" in html


def adds_up(d) -> None:
    """Every old row is unchanged, modified, re-labelled, moved or removed; every new row is unchanged,
    modified, re-labelled or added."""
    c = d.counts
    assert c["old_rows"] == c["unchanged"] + c["modified"] + c["relabelled"] + c["moved"] + c["removed"]
    assert c["new_rows"] == c["unchanged"] + c["modified"] + c["relabelled"] + c["added"]


def test_counts_add_up_with_unreadable_lines_and_say_why_rows_went(tmp_path: Path) -> None:
    old, new = _versions(tmp_path)
    adds_up(diff(str(old), str(new), load_config(discover=False)))
    records = ticket_records(40, seed=8)
    before = write_jsonl(tmp_path / "before.jsonl", [*records[:30], records[3], "{broken", *records[30:]])
    after = write_jsonl(tmp_path / "after.jsonl", records)
    d = diff(str(before), str(after), load_config(discover=False))
    adds_up(d)
    assert d.counts["old_rows"] == 42 and d.counts["removed"] == 2
    removed = {r["line"]: r for r in d.removed}
    assert removed[31]["reason"] == "DUP001" and removed[31]["content"]
    assert removed[32]["reason"] == "FMT001" and "{broken" in removed[32]["content"]


def test_diff_judges_both_versions_with_the_test_split_and_counts_moved_rows(tmp_path: Path) -> None:
    records = ticket_records(90, seed=31)
    test = write_jsonl(tmp_path / "test.jsonl", records[60:80])
    old = write_jsonl(tmp_path / "old.jsonl", [*records[:60], records[65]])  # line 61 leaked from test
    new = write_jsonl(tmp_path / "new.jsonl", records[:60])
    d = diff(str(old), str(new), load_config(discover=False), {"test": str(test)})
    adds_up(d)
    assert d.held_out == {"test": str(test)}
    assert d.moved == [{"line": 61, "split": "test", "split_line": 6, "reason": "LEAK001"}]
    assert d.counts["removed"] == 0
    proc = run_cli("diff", str(old), str(new), "--test", str(test), "--no-config")
    assert proc.returncode == 0, proc.stderr
    assert "both judged with test" in proc.stdout
    assert "old 61 = unchanged 60 + modified 0 + re-labelled 0 + moved 1 + removed 0" in proc.stdout
    assert "moved: old line 61 → test line 6 (LEAK001)" in proc.stdout
