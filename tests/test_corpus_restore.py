"""benchmarks/real/corpus.py restores the project's sets into a reset real-data folder byte for byte.

Everything runs on a throwaway git repository and a small fake real-data folder in tmp_path (no
network, not the real corpus): restore, its idempotence, the refusals that write nothing, verify.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import load_script

REAL = Path(__file__).resolve().parents[1] / "benchmarks" / "real"
DATA = b'{"text": "caf\xc3\xa9", "label": "a"}\r\n{"text": "x", "label": "b"}'  # CRLF, no final newline
README = """# realdata

These are ten small, real data sets.

## Table

| folder | source | license |
|---|---|---|
| `orig/` | someone/else @ 1 : `a.txt` | MIT |

Total: 1 sets, 1 copied files (data, licenses and upstream READMEs) plus this README and
`MANIFEST.tsv`, about 1 MB (`du -sh`).

Where each shape is covered:

- Plain text: `orig`.

Gaps:

- **No JSONL.**

## Per-set notes

### `orig/`: the original set
Kept as it is.

## Reproducing the checks
Throw-away scripts.
"""
NOTES = """# additions

## Table

| `toy/` | owner/toy @ C : `data/toy.jsonl` | MIT | JSONL | 2 | 1 KB | none |

## Coverage

- JSONL with CRLF: `toy`.

## Per-set notes

### `toy/`: a toy set
Two records.

- **Observed:** none.
"""


corpus = load_script(REAL / "corpus.py", "corpus_restore")


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        capture_output=True,
        check=True,
        text=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    return done.stdout.strip()


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """A bare mirror of owner/toy under mirrors/, a read-only real-data folder, a source list."""
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "toy.jsonl").write_bytes(DATA)
    (work / "LICENSE").write_text("MIT License\n")
    git("init", "-q", str(work))
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "toy", cwd=work)
    mirrors = tmp_path / "mirrors"
    git("clone", "-q", "--bare", str(work), str(mirrors / "owner+toy" / "repo"))
    commit = git("rev-parse", "HEAD", cwd=work)

    root = tmp_path / "realdata"
    (root / "orig").mkdir(parents=True)
    (root / "orig" / "a.txt").write_text("original\n")
    (root / "README.md").write_text(README)
    orig_hashes = corpus.digests(b"original\n")
    row = ["orig/a.txt", "someone/else", "1" * 40, "a.txt", *map(str, orig_hashes)]
    (root / "MANIFEST.tsv").write_text("\t".join(corpus.MANIFEST_HEADER) + "\n" + "\t".join(row) + "\n")
    for path in [*root.rglob("*"), root]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)

    listing = tmp_path / "sources.toml"
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES)
    for local, source in (("toy/toy.jsonl", "data/toy.jsonl"), ("toy/LICENSE", "LICENSE")):
        corpus.add(mirrors, listing, local, "owner/toy", commit[:7], source, "MIT")
    return {"mirrors": mirrors, "root": root, "sources": listing, "notes": notes, "tmp": tmp_path}


def run(world: dict[str, Path], command: str, *extra: str) -> int:
    args = [command, "--into", str(world["root"]), "--sources", str(world["sources"])]
    args += ["--notes", str(world["notes"])]
    if command == "restore":
        args += ["--mirrors", str(world["mirrors"])]
    return corpus.main([*args, *extra])


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every path's bytes (None for folders), mode and inode."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None, p.stat().st_mode, p.stat().st_ino)
        for p in [root, *root.rglob("*")]
    }


def test_add_records_the_full_commit_and_the_hashes_git_computes(world: dict[str, Path]) -> None:
    entries = tomllib.loads(world["sources"].read_text())["file"]
    work = world["tmp"] / "work"
    assert entries[0]["commit"] == git("rev-parse", "HEAD", cwd=work)
    assert entries[0]["blob"] == git("hash-object", "data/toy.jsonl", cwd=work)
    assert (entries[0]["bytes"], entries[0]["local"]) == (len(DATA), "toy/toy.jsonl")
    with pytest.raises(corpus.Refusal, match="already in"):
        corpus.add(world["mirrors"], world["sources"], "toy/LICENSE", "owner/toy", "HEAD", "LICENSE", "MIT")


def test_restore_puts_the_bytes_manifest_and_notes_back_and_keeps_the_modes(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = world["root"]
    assert run(world, "restore") == 0
    assert (root / "toy" / "toy.jsonl").read_bytes() == DATA
    manifest = (root / "MANIFEST.tsv").read_text().splitlines()
    assert manifest[1].startswith("orig/a.txt\t") and len(manifest) == 4
    assert manifest[2].split("\t")[:2] == ["toy/toy.jsonl", "owner/toy"]
    readme = (root / "README.md").read_text()
    assert readme.count("| `toy/` |") == 1 and readme.index("| `orig/` |") < readme.index("| `toy/` |")
    assert readme.index("### `toy/`") < readme.index("## Reproducing the checks")
    assert "- JSONL with CRLF: `toy`." in readme and "These are 2 small" in readme
    assert "Total: 2 sets, 3 copied files" in readme
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}
    assert modes == {n: 0o555 if n in ("realdata", "orig", "toy") else 0o444 for n in modes}
    assert "verified: 2 source files" in capsys.readouterr().out


def test_a_second_restore_changes_nothing(world: dict[str, Path]) -> None:
    assert run(world, "restore") == 0
    before = snapshot(world["root"])
    assert run(world, "restore") == 0
    assert snapshot(world["root"]) == before  # same bytes, modes and inodes: nothing rewritten


def test_matching_files_are_left_alone_and_a_damaged_one_is_replaced(world: dict[str, Path]) -> None:
    assert run(world, "restore") == 0
    root = world["root"]
    licence_inode = (root / "toy" / "LICENSE").stat().st_ino
    os.chmod(root / "toy", 0o755)
    target = root / "toy" / "toy.jsonl"
    os.chmod(target, 0o644)
    target.write_bytes(DATA.replace(b"\r\n", b"\n"))
    os.chmod(root / "toy", 0o555)
    assert run(world, "verify") == corpus.FAILED
    actions = corpus.restore(
        world["mirrors"], root, corpus.load_sources(world["sources"]), world["notes"].read_text()
    )
    assert actions == {"toy/toy.jsonl": "replaced (bytes differed)", "toy/LICENSE": "unchanged"}
    assert target.read_bytes() == DATA and (root / "toy" / "LICENSE").stat().st_ino == licence_inode


def test_a_missing_mirror_is_refused_with_the_fetch_that_brings_it(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(world["root"])
    (world["mirrors"] / "owner+toy").rename(world["mirrors"] / "elsewhere")
    assert run(world, "restore") == corpus.REFUSED
    err = capsys.readouterr().err
    assert "no mirror of owner/toy" in err and "`fetch github:owner/toy`" in err
    assert snapshot(world["root"]) == before


def test_a_commit_the_mirror_lacks_is_refused_and_nothing_is_written(
    world: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = world["sources"].read_text()
    commit = tomllib.loads(text)["file"][1]["commit"]
    world["sources"].write_text(text.replace(commit, "0" * 40, 1))  # the first entry only
    before = snapshot(world["root"])
    assert run(world, "restore") == corpus.REFUSED
    err = capsys.readouterr().err
    assert f"lacks commit {'0' * 40}" in err and "fetch github:owner/toy" in err
    assert snapshot(world["root"]) == before  # the other file was readable, but nothing is written


def test_a_mirror_that_contradicts_the_recorded_hash_is_refused(world: dict[str, Path]) -> None:
    text = world["sources"].read_text()
    sha = tomllib.loads(text)["file"][0]["sha256"]
    world["sources"].write_text(text.replace(sha, "f" * 64))
    assert run(world, "restore") == corpus.REFUSED
    assert not (world["root"] / "toy").exists()


def test_verify_reads_every_manifest_row_not_only_the_sources(world: dict[str, Path]) -> None:
    assert run(world, "restore") == 0
    root = world["root"]
    os.chmod(root / "orig", 0o755)
    os.chmod(root / "orig" / "a.txt", 0o644)
    (root / "orig" / "a.txt").write_text("changed\n")
    assert corpus.verify(root, corpus.load_sources(world["sources"]), NOTES) == [
        "orig/a.txt: SHA-256 or size differs from its MANIFEST.tsv row"
    ]


def test_merging_replaces_a_changed_section_and_row_in_place() -> None:
    once = corpus.merge_readme(README, NOTES)
    assert corpus.merge_readme(once, NOTES) == once
    changed = NOTES.replace("Two records.", "Two records, both short.").replace("| 2 |", "| 3 |")
    twice = corpus.merge_readme(once, changed)
    assert "Two records, both short." in twice and "Two records.\n" not in twice
    assert twice.count("### `toy/`") == 1 and twice.count("| `toy/` |") == 1 and "| 3 |" in twice
    assert twice.splitlines()[:9] == once.splitlines()[:9] and "| 3 |" in twice.splitlines()[9]  # in place


def test_the_projects_notes_cover_every_folder_of_its_source_list() -> None:
    folders = {src.local.split("/")[0] for src in corpus.load_sources()}
    sections = corpus.parse_notes(corpus.NOTES.read_text(encoding="utf-8"))
    rows = {corpus.row_key(line) for line in sections["Table"] if line.startswith("| `")}
    notes = {key for key, _ in corpus.set_sections(sections["Per-set notes"])}
    assert rows == {f"`{folder}/`" for folder in folders}
    assert notes == {f"{folder}/" for folder in folders}
    for src in corpus.load_sources():
        assert len(src.commit) == len(src.blob) == 40 and len(src.sha256) == 64 and src.licence, src.local


def test_a_marked_bullet_replaces_its_older_text_and_an_unmarked_copy_of_itself() -> None:
    readme = README.replace("- **No JSONL.**", "- **No JSONL.**\n- Old. <!-- corpus: old -->")
    gaps_notes = "\n## Gaps\n\n- **No JSONL.** <!-- corpus: jsonl -->\n- New wording. <!-- corpus: old -->\n"
    marked = corpus.merge_readme(readme, NOTES + gaps_notes)
    gaps = marked.split("Gaps:\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert gaps == ["- **No JSONL.** <!-- corpus: jsonl -->", "- New wording. <!-- corpus: old -->"]
    assert corpus.merge_readme(marked, NOTES + gaps_notes) == marked
