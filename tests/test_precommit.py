"""The hook through the real pre-commit framework, in temporary git repositories, on real `git commit`s.

The hook repository is a snapshot of this working copy (tracked and untracked, not ignored files;
what `pre-commit try-repo` would use), committed into a temporary git repository that the data
repositories' `.pre-commit-config.yaml` points at. pre-commit builds its own virtualenv for the hook
and pip-installs the project into it (about 20-30 s here); one PRE_COMMIT_HOME is shared by the
whole module so that happens once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.conftest import ROOT, ticket_records, write_jsonl

RECORDS = ticket_records(80, seed=23)
SELECT = "FMT,LEAK"
"""The families these tests are about (other checks may warn on tiny sets; that is not the point here)."""


@dataclass
class HookRepo:
    path: Path
    rev: str
    env: dict[str, str]


def git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    # the pre-commit installed beside this Python first, as the `dataqa` of the CLI tests: a test run
    # from a virtualenv that is not activated still runs its own framework, not PATH's or none
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    if shutil.which("pre-commit", path=path) is None or shutil.which("git", path=path) is None:
        pytest.fail("pre-commit and git are test dependencies: pip install -e '.[test]'")
    base = tmp_path_factory.mktemp("precommit")
    (base / "gitconfig").write_text(
        "[user]\n\tname = dataqa tests\n\temail = tests@example.invalid\n[init]\n\tdefaultBranch = main\n"
    )
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_COLOR": "never",
        "PATH": path,
    }
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    snapshot = base / "hook-repo"
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT, env=env)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "snapshot of the working copy")):
        done = git(*args, cwd=snapshot, env=env)
        assert done.returncode == 0, done.stderr
    rev = git("rev-parse", "HEAD", cwd=snapshot, env=env).stdout.strip()
    return HookRepo(snapshot, rev, env)


@dataclass
class DataRepo:
    path: Path
    env: dict[str, str]

    def write(self, name: str, records: list) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(target, records)

    def commit(self, *names: str) -> subprocess.CompletedProcess:
        """`git add NAMES && git commit` (the installed pre-commit hook runs); output merged."""
        added = git("add", *names, cwd=self.path, env=self.env)
        assert added.returncode == 0, added.stderr
        done = git("commit", "-m", f"update {' '.join(names)}", cwd=self.path, env=self.env)
        done.stdout += done.stderr
        return done

    def commits(self) -> int:
        done = git("rev-list", "--count", "HEAD", cwd=self.path, env=self.env)
        return int(done.stdout.strip()) if done.returncode == 0 else 0

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pre-commit", *args], cwd=self.path, env=self.env, capture_output=True, text=True, check=False
        )


def make_data_repo(root: Path, hook: HookRepo, pyproject: str = "") -> DataRepo:
    repo = DataRepo(root, hook.env)
    root.mkdir()
    assert git("init", "-q", cwd=root, env=hook.env).returncode == 0
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"-   repo: {hook.path}\n"
        f"    rev: {hook.rev}\n"
        "    hooks:\n"
        "    -   id: dataqa\n"
        f"        args: [--select, '{SELECT}']\n"
    )
    names = [".pre-commit-config.yaml"]
    if pyproject:
        (root / "pyproject.toml").write_text(pyproject)
        names.append("pyproject.toml")
    installed = repo.pre_commit("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    first = repo.commit(*names)  # no JSONL yet: the hook is skipped
    assert first.returncode == 0, first.stdout
    return repo


def test_a_clean_dataset_commits_and_a_rerun_comes_from_the_cache(
    tmp_path: Path, hook_repo: HookRepo
) -> None:
    repo = make_data_repo(tmp_path / "data-repo", hook_repo)
    repo.write("data/train.jsonl", RECORDS[:50])
    repo.write("data/test.jsonl", RECORDS[50:60])
    done = repo.commit("data/train.jsonl", "data/test.jsonl")
    assert done.returncode == 0, done.stdout
    assert "dataqa" in done.stdout and "Passed" in done.stdout
    assert repo.commits() == 2
    # The cache folder ignores itself: the data repository stays clean without a .gitignore entry.
    assert (repo.path / ".dataqa_cache").is_dir()
    assert git("status", "--porcelain", cwd=repo.path, env=repo.env).stdout == ""

    stats = repo.path / ".dataqa_cache" / "stats.json"
    before = orjson.loads(stats.read_bytes())
    again = repo.pre_commit("run", "--all-files")
    assert again.returncode == 0, again.stdout
    after = orjson.loads(stats.read_bytes())
    assert after["hits"] == before["hits"] + 1
    assert after["stores"] == before["stores"], "unchanged data was scanned again"


def test_a_bad_line_blocks_the_commit_and_names_file_and_line(tmp_path: Path, hook_repo: HookRepo) -> None:
    repo = make_data_repo(tmp_path / "data-repo", hook_repo)
    repo.write(
        "data/train.jsonl", [*RECORDS[:2], '{"messages": [{"role": "user", "content": "hi"}', *RECORDS[2:9]]
    )
    done = repo.commit("data/train.jsonl")
    assert done.returncode == 1, done.stdout
    assert "Failed" in done.stdout
    assert "data/train.jsonl:3: FMT001 " in done.stdout
    assert "dataqa: 1 error" in done.stdout
    assert repo.commits() == 1, "the commit went through although the hook failed"

    repo.write("data/train.jsonl", RECORDS[:9])  # fixed: the same commit now goes through
    assert repo.commit("data/train.jsonl").returncode == 0


DATASET = """
[tool.dataqa.datasets.support]
train = "sets/sft.jsonl"
test = "sets/heldout.jsonl"
"""


def test_a_test_file_leaking_into_train_blocks_a_commit_of_the_test_file_alone(
    tmp_path: Path, hook_repo: HookRepo
) -> None:
    repo = make_data_repo(tmp_path / "data-repo", hook_repo, pyproject=DATASET)
    repo.write("sets/sft.jsonl", RECORDS[:60])
    repo.write("sets/heldout.jsonl", RECORDS[60:75])
    done = repo.commit("sets/sft.jsonl", "sets/heldout.jsonl")
    assert done.returncode == 0, done.stdout

    repo.write("sets/heldout.jsonl", [*RECORDS[60:75], RECORDS[31]])  # line 16 is train line 32
    done = repo.commit("sets/heldout.jsonl")
    assert done.returncode == 1, done.stdout
    assert "sets/heldout.jsonl:16: LEAK001 " in done.stdout
    assert repo.commits() == 2


def readme_local_config() -> str:
    """The README's `repo: local` snippet, exactly as a user pastes it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```yaml\n")[1:]]
    local = [b for b in blocks if "-   repo: local" in b]
    assert len(local) == 1, "the README shows one repo: local snippet"
    return local[0]


def test_the_readme_local_snippet_works_when_pasted(tmp_path: Path, hook_repo: HookRepo) -> None:
    """`repo: local` with `entry: dataqa hook` and `language: system` runs the dataqa already installed."""
    config = readme_local_config()
    assert "entry: dataqa hook" in config and "language: system" in config
    root = tmp_path / "data-repo"
    root.mkdir()
    repo = DataRepo(root, hook_repo.env)
    assert git("init", "-q", cwd=root, env=repo.env).returncode == 0
    (root / ".pre-commit-config.yaml").write_text(config)
    (root / "pyproject.toml").write_text(f"[tool.dataqa]\nselect = {SELECT.split(',')!r}\n".replace("'", '"'))
    assert repo.pre_commit("install").returncode == 0
    assert repo.commit(".pre-commit-config.yaml", "pyproject.toml").returncode == 0
    repo.write("data/train.jsonl", [*RECORDS[:2], "{broken", *RECORDS[2:9]])
    done = repo.commit("data/train.jsonl")
    assert done.returncode == 1, done.stdout
    assert "data/train.jsonl:3: FMT001 [blocking error] " in done.stdout
    repo.write("data/train.jsonl", RECORDS[:9])
    assert repo.commit("data/train.jsonl").returncode == 0
    assert repo.commits() == 2


def test_a_leak_blocks_first_and_notes_stay_hidden(tmp_path: Path, hook_repo: HookRepo) -> None:
    """Through pre-commit: the blocking leak is the first line, and no info-level note is listed."""
    repo = make_data_repo(tmp_path / "data-repo", hook_repo)
    repo.write("data/train.jsonl", RECORDS[:60])
    repo.write("data/test.jsonl", [*RECORDS[60:70], RECORDS[5]])
    done = repo.commit("data/train.jsonl", "data/test.jsonl")
    assert done.returncode == 1, done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith("data/")]
    assert lines[0].startswith("data/test.jsonl:11: LEAK001 [blocking error] ")
    assert not any("[note]" in line for line in lines)
