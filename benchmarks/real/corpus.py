"""Restore and verify the sets this project added to the shared real-data folder, from git mirrors.

The folder `../shared/realdata` is reset between sessions to its original ten sets. `restore` puts
back every file of `corpus_sources.toml` byte for byte from local git mirrors (bare git directories,
as the `fetch` tool leaves them in /work/.mirror/<owner>+<name>), adds their `MANIFEST.tsv` rows and
merges `corpus_readme.md` (table rows, coverage and gap bullets, per-set notes) into the folder's
`README.md`. It is idempotent: a file whose bytes already match is left alone, and a second run
changes nothing. `verify` re-hashes every file of the source list and every `MANIFEST.tsv` row.
`add` records one more file's provenance (read from a mirror) in the source list. Only provenance
lives in the project; the data never enters it.

    python benchmarks/real/corpus.py restore --mirrors /work/.mirror --into ../shared/realdata
    python benchmarks/real/corpus.py verify --into ../shared/realdata
    python benchmarks/real/corpus.py add --mirrors /work/.mirror --repo OWNER/NAME --commit SHA \
        --source PATH/IN/REPO --local SET/FILE --licence SPDX

Exit codes: 0 done (or all verified), 1 a verification failed, 2 refused: a mirror, commit or path
is missing, or the mirror contradicts a recorded hash. A refusal writes nothing and names the
`fetch github:OWNER/NAME` that brings the missing mirror.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import stat
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "corpus_sources.toml"
NOTES = HERE / "corpus_readme.md"
MANIFEST_HEADER = ["local_path", "source_repo", "commit", "source_path", "git_blob_sha1", "sha256", "bytes"]
REFUSED, FAILED = 2, 1
MARKER = re.compile(r"\s*<!-- corpus: ([\w-]+) -->")  # names a bullet of corpus_readme.md in the README


class Refusal(Exception):
    """The restore cannot be done as recorded; the message says why and what brings the missing piece."""


@dataclass(frozen=True)
class Source:
    """One file of the corpus: where it goes, where it comes from, and the hashes of its bytes."""

    local: str
    repo: str
    commit: str
    source: str
    blob: str
    sha256: str
    bytes: int
    licence: str

    def manifest_row(self) -> list[str]:
        """The file's `MANIFEST.tsv` row (the folder's own column order)."""
        return [self.local, self.repo, self.commit, self.source, self.blob, self.sha256, str(self.bytes)]


def load_sources(path: Path = SOURCES) -> list[Source]:
    """The `[[file]]` entries of a source list, in file order."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("file", [])
    return [Source(**entry) for entry in entries]


def digests(data: bytes) -> tuple[str, str, int]:
    """Git blob SHA-1 (what `git hash-object` prints), SHA-256 and size of some bytes."""
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    return blob, hashlib.sha256(data).hexdigest(), len(data)


def fetch_hint(repo: str) -> str:
    """The tool call that brings a repository's mirror onto this machine."""
    return f"`fetch github:{repo}` brings it"


def git_dir(mirrors: Path, repo: str) -> Path | None:
    """The git directory of a repository's mirror (bare, or a clone's .git), or None."""
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def git(directory: Path, *args: str) -> bytes | None:
    """A git command's standard output inside one git directory, or None when it fails."""
    done = subprocess.run(["git", f"--git-dir={directory}", *args], capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def read_from_mirror(mirrors: Path, repo: str, commit: str, source: str) -> bytes:
    """The bytes of `source` at `commit` in a repository's mirror; Refusal when any piece is missing."""
    directory = git_dir(mirrors, repo)
    if directory is None:
        raise Refusal(f"no mirror of {repo} under {mirrors}: {fetch_hint(repo)}")
    if git(directory, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        raise Refusal(f"the mirror of {repo} ({directory}) lacks commit {commit}: {fetch_hint(repo)}")
    data = git(directory, "cat-file", "blob", f"{commit}:{source}")
    if data is None:
        raise Refusal(
            f"{repo}@{commit[:12]} has no readable file {source} (absent, or its blob is not in the "
            f"mirror): {fetch_hint(repo)} again, or record another source"
        )
    return data


def read_sources(sources: list[Source], mirrors: Path) -> dict[str, bytes]:
    """Every source's bytes, checked against its recorded hashes; Refusal listing every problem."""
    payloads: dict[str, bytes] = {}
    problems: list[str] = []
    for src in sources:
        try:
            data = read_from_mirror(mirrors, src.repo, src.commit, src.source)
        except Refusal as refusal:
            problems.append(str(refusal))  # a missing mirror or commit is said once, not per file
            continue
        if digests(data) != (src.blob, src.sha256, src.bytes):
            problems.append(f"{src.local}: the mirror's bytes do not match the recorded hashes; not restored")
            continue
        payloads[src.local] = data
    if problems:
        raise Refusal("\n".join(dict.fromkeys(problems)))
    return payloads


@contextmanager
def writable(root: Path) -> Iterator[dict[Path, int]]:
    """Lets the owner write into `root` and its folders for the block, then puts every mode back.

    Yields the mode new folders get (the root's own). Files are replaced through a temporary file in
    their folder, so a read-only file needs no change of its own mode.
    """
    modes = {root: stat.S_IMODE(root.stat().st_mode)}
    modes.update({p: stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_dir()})
    for path, mode in modes.items():
        os.chmod(path, mode | stat.S_IWUSR)
    try:
        yield modes
    finally:
        for path, mode in modes.items():
            os.chmod(path, mode)


def write_bytes(path: Path, data: bytes, mode: int) -> None:
    """Writes a file whole or not at all (temporary file, then rename), with the given mode."""
    temporary = path.with_name(path.name + ".corpus-tmp")
    temporary.write_bytes(data)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def file_mode(root: Path) -> int:
    """The mode restored files get: that of the folder's MANIFEST.tsv, or read-only for all."""
    manifest = root / "MANIFEST.tsv"
    return stat.S_IMODE(manifest.stat().st_mode) if manifest.exists() else 0o444


def place_files(root: Path, payloads: dict[str, bytes], modes: dict[Path, int]) -> dict[str, str]:
    """Writes each file whose bytes differ from its payload; returns what happened to each."""
    mode, actions = file_mode(root), {}
    for local, data in payloads.items():
        target = root / local
        if target.is_file() and target.read_bytes() == data:
            actions[local] = "unchanged"
            continue
        actions[local] = "replaced (bytes differed)" if target.exists() else "restored"
        for folder in reversed(target.relative_to(root).parents[:-1]):
            path = root / folder
            if not path.is_dir():
                path.mkdir()
                modes[path] = modes[root]
        write_bytes(target, data, mode)
    return actions


def merge_manifest(text: str, sources: list[Source]) -> str:
    """MANIFEST.tsv with each source's row: replaced where its local path has a row, else appended."""
    lines = text.splitlines() or ["\t".join(MANIFEST_HEADER)]
    rows = {src.local: "\t".join(src.manifest_row()) for src in sources}
    merged = [rows.pop(line.split("\t", 1)[0], line) for line in lines]
    return "\n".join([*merged, *rows.values()]) + "\n"


def parse_notes(notes: str) -> dict[str, list[str]]:
    """The notes file's `## ` sections, each as its list of lines (text before the first is dropped)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in notes.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return sections


def row_key(line: str) -> str:
    """A table row's first cell (the folder)."""
    return line.split("|")[1].strip()


def set_sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Per-set `### ` blocks of some lines, each keyed by its heading's first backticked name."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("### "):
            found = re.match(r"### `([^`]+)`", line)
            blocks.append((found.group(1) if found else line, [line]))
        elif blocks:
            blocks[-1][1].append(line)
    return [(key, trim(block)) for key, block in blocks]


def trim(block: list[str]) -> list[str]:
    """A block without its trailing blank lines."""
    while block and not block[-1].strip():
        block = block[:-1]
    return block


def merge_rows(lines: list[str], heading: str, rows: list[str]) -> list[str]:
    """Puts each table row under `heading`: replacing the row of its folder, or after the last row."""
    start = lines.index(heading) if heading in lines else None
    if start is None:
        return lines
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("|")), start + 1)
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    body = lines[start + 1 : end]
    for row in rows:
        keys = [row_key(line) if line.startswith("|") else None for line in body]
        if row_key(row) in keys:
            body[keys.index(row_key(row))] = row
        else:
            body.append(row)
    return [*lines[: start + 1], *body, *lines[end:]]


def bullet_key(line: str) -> str:
    """What identifies a bullet: its `<!-- corpus: NAME -->` marker, else its text."""
    found = MARKER.search(line)
    return found.group(1) if found else line.strip()


def merge_bullets(lines: list[str], anchor: str, bullets: list[str]) -> list[str]:
    """Puts each bullet in the list that follows the line `anchor`: replacing the bullet with its key
    (its marker, or the same text without one), else at the end of the list."""
    if anchor not in lines or not bullets:
        return lines
    start = lines.index(anchor) + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    while end < len(lines) and (lines[end].startswith("- ") or lines[end].startswith("  ")):
        end += 1
    body = lines[start:end]
    for bullet in bullets:
        keys = {bullet_key(bullet), MARKER.sub("", bullet).strip()}
        same = [i for i, line in enumerate(body) if bullet_key(line) in keys]
        if same:
            body[same[0]] = bullet
        else:
            body.append(bullet)
    return [*lines[:start], *body, *lines[end:]]


def merge_sections(lines: list[str], blocks: list[tuple[str, list[str]]]) -> list[str]:
    """Replaces each folder's `### ` section, or inserts it before "## Reproducing the checks"."""
    for key, block in blocks:
        head = next((i for i, line in enumerate(lines) if line.startswith(f"### `{key}`")), None)
        if head is not None:
            end = head + 1
            while end < len(lines) and not lines[end].startswith(("### ", "## ")):
                end += 1
            lines = [*lines[:head], *block, "", *lines[end:]]
            continue
        anchor = next((i for i, line in enumerate(lines) if line == "## Reproducing the checks"), len(lines))
        lead = [""] if anchor and lines[anchor - 1].strip() else []
        lines = [*lines[:anchor], *lead, *block, "", *lines[anchor:]]
    return lines


def merge_readme(readme: str, notes: str) -> str:
    """The folder's README with the notes file merged in (idempotent: merging twice changes nothing)."""
    sections = parse_notes(notes)
    lines = readme.splitlines()
    rows = [line for line in sections.get("Table", []) if line.startswith("| `")]
    lines = merge_rows(lines, "## Table", rows)
    for name, anchor in (("Coverage", "Where each shape is covered:"), ("Gaps", "Gaps:")):
        bullets = [line for line in sections.get(name, []) if line.startswith("- ")]
        lines = merge_bullets(lines, anchor, bullets)
    lines = merge_sections(lines, set_sections(sections.get("Per-set notes", [])))
    return "\n".join(lines) + "\n"


def refresh_totals(readme: str, root: Path) -> str:
    """The README's counts (sets, copied files, largest file, folder size) as the folder has them now."""
    sets = [p for p in root.iterdir() if p.is_dir()]
    files = [p for s in sets for p in s.rglob("*") if p.is_file()]
    largest = max((p.stat().st_size for p in files), default=0) / 1e6
    used = math.ceil(sum(p.stat().st_blocks * 512 for p in root.rglob("*")) / 2**20)  # as du -sh
    count = len(sets)
    text = re.sub(r"These are \S+ small", f"These are {count} small", readme)
    text = re.sub(
        r"Total: \d+ sets, \d+ copied files", f"Total: {count} sets, {len(files)} copied files", text
    )
    text = re.sub(r"the largest is [\d.]+ MB", f"the largest is {largest:.1f} MB", text)
    text = re.sub(r"The whole folder is about \d+ MB", f"The whole folder is about {used:.0f} MB", text)
    return re.sub(r"about \d+ MB \(`du -sh`\)", f"about {used:.0f} MB (`du -sh`)", text)


def update_text(path: Path, new: str, mode: int) -> bool:
    """Rewrites a text file when its content changes; True when it did."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == new:
        return False
    write_bytes(path, new.encode("utf-8"), stat.S_IMODE(path.stat().st_mode) if path.exists() else mode)
    return True


def restore(mirrors: Path, root: Path, sources: list[Source], notes: str) -> dict[str, str]:
    """Puts every source file, its MANIFEST row and the README notes in place; Refusal writes nothing."""
    if not root.is_dir():
        raise Refusal(f"{root} is not a folder")
    payloads = read_sources(sources, mirrors)
    with writable(root) as modes:
        actions = place_files(root, payloads, modes)
        mode = file_mode(root)
        manifest = root / "MANIFEST.tsv"
        old = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
        if update_text(manifest, merge_manifest(old, sources), mode):
            actions["MANIFEST.tsv"] = "updated"
        readme = root / "README.md"
        text = readme.read_text(encoding="utf-8") if readme.exists() else ""
        # Totals count the folder as it is now, the restored files included.
        if update_text(readme, refresh_totals(merge_readme(text, notes), root), mode):
            actions["README.md"] = "updated"
    return actions


def verify(root: Path, sources: list[Source], notes: str) -> list[str]:
    """Every problem found: a source file or MANIFEST row whose bytes differ, a note the README lacks."""
    problems: list[str] = []
    for src in sources:
        path = root / src.local
        if not path.is_file():
            problems.append(f"{src.local}: missing")
        elif digests(path.read_bytes()) != (src.blob, src.sha256, src.bytes):
            problems.append(f"{src.local}: bytes differ from {src.repo}@{src.commit[:12]}:{src.source}")
    manifest = root / "MANIFEST.tsv"
    rows = manifest.read_text(encoding="utf-8").splitlines()[1:] if manifest.exists() else []
    listed = {row.split("\t")[0]: row.split("\t") for row in rows if row.strip()}
    for src in sources:
        if listed.get(src.local) != src.manifest_row():
            problems.append(f"{src.local}: MANIFEST.tsv row missing or different")
    for local, row in listed.items():
        path = root / local
        if path.is_file() and digests(path.read_bytes())[1:] != (row[5], int(row[6])):
            problems.append(f"{local}: SHA-256 or size differs from its MANIFEST.tsv row")
        elif not path.is_file():
            problems.append(f"{local}: listed in MANIFEST.tsv but missing")
    readme = (root / "README.md").read_text(encoding="utf-8") if (root / "README.md").exists() else ""
    if merge_readme(readme, notes) != "\n".join(readme.splitlines()) + "\n":
        problems.append("README.md: lacks some of the notes (table rows, bullets or per-set sections)")
    return problems


def toml_entry(src: Source) -> str:
    """One `[[file]]` entry as TOML text (JSON string escapes are valid TOML basic strings)."""
    fields = [f"{name} = {json.dumps(getattr(src, name))}" for name in ("local", "repo", "commit", "source")]
    fields += [f'blob = "{src.blob}"', f'sha256 = "{src.sha256}"', f"bytes = {src.bytes}"]
    fields.append(f"licence = {json.dumps(src.licence)}")
    return "\n".join(["[[file]]", *fields]) + "\n"


def add(
    mirrors: Path, listing: Path, local: str, repo: str, commit: str, source: str, licence: str
) -> Source:
    """Appends one file's provenance to the source list, hashes read from the mirror's bytes."""
    if listing.exists() and any(src.local == local for src in load_sources(listing)):
        raise Refusal(f"{local} is already in {listing}")
    data = read_from_mirror(mirrors, repo, commit, source)  # refuses unless mirror, commit and path exist
    full = git(git_dir(mirrors, repo) or mirrors, "rev-parse", f"{commit}^{{commit}}") or commit.encode()
    src = Source(local, repo, full.decode().strip(), source, *digests(data), licence)
    with listing.open("a", encoding="utf-8") as handle:
        handle.write("\n" + toml_entry(src))
    return src


def main(argv: list[str] | None = None) -> int:
    """Command line: restore, verify or add; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("restore", "verify", "add"):
        command = commands.add_parser(name)
        command.add_argument("--sources", type=Path, default=SOURCES, help="the source list (TOML)")
        if name != "add":
            command.add_argument("--into", type=Path, required=True, help="the real-data folder")
            command.add_argument("--notes", type=Path, default=NOTES, help="README text to merge")
        if name != "verify":
            command.add_argument("--mirrors", type=Path, required=True, help="folder of git mirrors")
    adding = commands.choices["add"]
    for option in ("--repo", "--commit", "--source", "--local", "--licence"):
        adding.add_argument(option, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            src = add(
                args.mirrors, args.sources, args.local, args.repo, args.commit, args.source, args.licence
            )
            print(toml_entry(src), end="")
            return 0
        sources = load_sources(args.sources)
        notes = args.notes.read_text(encoding="utf-8")
        if args.command == "restore":
            for local, action in restore(args.mirrors, args.into, sources, notes).items():
                print(f"{action:>26}  {local}")
        problems = verify(args.into, sources, notes)
    except Refusal as refusal:
        print(f"refused, nothing written:\n{refusal}", file=sys.stderr)
        return REFUSED
    for problem in problems:
        print(f"FAILED  {problem}", file=sys.stderr)
    if not problems:
        print(f"verified: {len(sources)} source files byte for byte, every MANIFEST.tsv row, README notes")
    return FAILED if problems else 0


if __name__ == "__main__":
    sys.exit(main())
