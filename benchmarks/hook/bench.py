"""Benchmark of the pre-commit hook on a 100k-row training file: real `git commit`s, cold and warm cache.

    python benchmarks/hook/bench.py [--rows 100000] [--test-rows 5000] [--out benchmarks/hook.md]

Builds (seeded) a chat-format train/test pair in a temporary git repository whose
`.pre-commit-config.yaml` points at a snapshot of this working copy, installs the hook, and times:
1. `git commit` of train + test (cold cache: full scan with every registered check);
2. `pre-commit run --all-files` on the unchanged files (warm cache);
3. `git commit` of a one-line change to test.jsonl alone (the dataset is scanned again, since an
   input changed) and its warm re-run;
4. `dataqa hook` called directly, with an empty cache and warm, with peak memory, so the framework's
   own overhead can be told apart;
5. each check on its own, in-process (where a cold scan's time goes).
pre-commit's one-off virtualenv install of the hook is timed separately (`pre-commit install-hooks`).
Results go to a Markdown file (default `benchmarks/hook.md`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261129

REPLIES = [
    "I have routed this to the {queue} team with {priority} priority.",
    "The {queue} team handles this kind of request; they usually answer within {hours} hours.",
    "Please keep your order number at hand: the {queue} team may ask for it.",
    "If anything changes before then, reply to this ticket and it will stay with the same agent.",
    "You do not need to open a second ticket; this one already has all the details you gave.",
    "Our {queue} colleagues can see the history of your account, so you will not need to repeat it.",
    "For urgent cases outside business hours, the status page lists known incidents first.",
    "We will follow up by email once the {queue} team has looked at the details.",
    "Thank you for the clear description; it saves a round of questions.",
    "Expect a first answer within {hours} hours on working days.",
]


def _generator():
    sys.path.insert(0, str(ROOT / "sample_data"))
    import generate  # the project's seeded support-ticket generator

    return generate


def make_records(n: int, rng: random.Random, seen: set[str]) -> list[dict]:
    """`n` distinct chat records: a routing ticket and a reply of a few sentences (~150-300 tokens)."""
    gen = _generator()
    out = []
    while len(out) < n:
        text, decision = gen.ticket(rng)
        extra = " ".join(_fill_reply(rng, decision) for _ in range(rng.randint(3, 7)))
        reply = json.dumps(decision) + "\n\n" + extra
        key = text + reply
        if key in seen:
            continue
        seen.add(key)
        rec = gen.record(text, decision)
        rec["messages"][-1]["content"] = reply
        out.append(rec)
    return out


def _fill_reply(rng: random.Random, decision: dict[str, str]) -> str:
    return rng.choice(REPLIES).format(
        queue=decision.get("queue", "support"),
        priority=decision.get("priority", "normal"),
        hours=rng.randint(2, 72),
    )


def write(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def snapshot(base: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This working copy (tracked + untracked, not ignored) committed into a repo pre-commit can clone."""
    repo = base / "hook-repo"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "snapshot"]):
        subprocess.run(cmd, cwd=repo, env=env, check=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, env=env, capture_output=True, text=True
    ).stdout
    return repo, rev.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--test-rows", type=int, default=5_000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "hook.md"))
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    parser.add_argument(
        "--no-per-check", dest="per_check", action="store_false", help="Skip per-check times."
    )
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="dataqa-hook-bench-"))
    (base / "gitconfig").write_text("[user]\n\tname = bench\n\temail = bench@example.invalid\n")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "pre-commit-home"),
        "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_COLOR": "never",
    }
    rows: list[tuple[str, float, str]] = []
    try:
        hook_repo, rev = snapshot(base, env)
        data = base / "data-repo"
        data.mkdir()
        rng = random.Random(SEED)
        seen: set[str] = set()
        t0 = time.perf_counter()
        records = make_records(args.rows + args.test_rows + 1, rng, seen)
        write(data / "train.jsonl", records[: args.rows])
        write(data / "test.jsonl", records[args.rows : args.rows + args.test_rows])
        gen_s = time.perf_counter() - t0
        size_mib = (data / "train.jsonl").stat().st_size / 2**20
        (data / ".pre-commit-config.yaml").write_text(
            f"repos:\n-   repo: {hook_repo}\n    rev: {rev}\n    hooks:\n    -   id: dataqa\n"
            "        args: [--exit-zero]\n"  # the full scan runs; the commits go through whatever it finds
        )
        subprocess.run(["git", "init", "-q"], cwd=data, env=env, check=True)
        subprocess.run(["git", "add", ".pre-commit-config.yaml"], cwd=data, env=env, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "config"], cwd=data, env=env, check=True)
        subprocess.run(["pre-commit", "install"], cwd=data, env=env, check=True, capture_output=True)
        install_s, _ = run(["pre-commit", "install-hooks"], data, env)
        rows.append(("pre-commit install-hooks (one-off virtualenv + pip install of dataqa)", install_s, ""))

        subprocess.run(["git", "add", "train.jsonl", "test.jsonl"], cwd=data, env=env, check=True)
        s, done = run(["git", "commit", "-m", "add data"], data, env)
        rows.append(("git commit train+test, cold cache (full scan)", s, _outcome(done)))
        s, done = run(["pre-commit", "run", "--all-files"], data, env)
        rows.append(("pre-commit run --all-files, unchanged data (warm cache)", s, _outcome(done)))

        with open(data / "test.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(records[-1]) + "\n")
        subprocess.run(["git", "add", "test.jsonl"], cwd=data, env=env, check=True)
        s, done = run(["git", "commit", "-m", "one more test row"], data, env)
        rows.append(("git commit of test.jsonl alone (+1 row): train+test rescanned", s, _outcome(done)))
        s, done = run(["pre-commit", "run", "--files", "test.jsonl"], data, env)
        rows.append(("pre-commit run --files test.jsonl, unchanged (warm cache)", s, _outcome(done)))

        # The hook's own virtualenv: the snapshot's code, which (unlike an editable install of a
        # working copy others edit) cannot change between the cold and the warm run.
        venv_dataqa = sorted((base / "pre-commit-home").glob("repo*/py_env-*/bin/dataqa"))
        hook = [str(venv_dataqa[0]) if venv_dataqa else (shutil.which("dataqa") or "dataqa"), "hook"]
        stats = json.loads((data / ".dataqa_cache" / "stats.json").read_text())
        shutil.rmtree(data / ".dataqa_cache")
        s, done = run(["/usr/bin/time", "-f", "maxrss_kib=%M", *hook, "train.jsonl", "test.jsonl"], data, env)
        rss = next((ln for ln in done.stderr.splitlines() if ln.startswith("maxrss_kib=")), "maxrss_kib=0")
        cold_rss = int(rss.split("=")[1]) / 1024
        rows.append(("dataqa hook train+test (direct, empty cache)", s, _outcome(done)))
        s, done = run([*hook, "train.jsonl", "test.jsonl"], data, env)
        rows.append(("dataqa hook train+test (direct, warm cache)", s, _outcome(done)))
        per_check = time_checks(data) if args.per_check else []
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    lines = [
        "# Hook benchmark: a 100k-row file on a commit",
        "",
        f"Generated by `python benchmarks/hook/bench.py --rows {args.rows} --test-rows {args.test_rows}` "
        f"({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}). Chat-format support tickets (seeded), train {args.rows:,} rows "
        f"({size_mib:.0f} MiB), test {args.test_rows:,} rows; generated in {gen_s:.1f} s. Every registered "
        "check runs (the hook's defaults, plus `--exit-zero` so that every commit goes through whatever the "
        "generated data holds); times are wall-clock of the whole command, on a machine shared with other "
        "jobs.",
        "",
        "| step | seconds | outcome |",
        "|---|---:|---|",
    ]
    lines += [f"| {name} | {s:.2f} | {outcome} |" for name, s, outcome in rows]
    lines += [
        "",
        f"Peak memory of the direct cold `dataqa hook` run: {cold_rss:,.0f} MiB (max RSS).",
        f"Cache counters after the pre-commit steps: {stats}.",
    ]
    if per_check:
        total = sum(t for _, t, _ in per_check)
        lines += [
            "",
            f"Where a cold scan's time goes (in-process, same data; loading {per_check[0][1]:.1f} s, "
            f"checks {total - per_check[0][1]:.1f} s in all), slowest first:",
            "",
            "| step | seconds | findings |",
            "|---|---:|---:|",
        ]
        lines += [
            f"| {name} | {t:.2f} | {n} |"
            for name, t, n in per_check[:1] + sorted(per_check[1:], key=lambda r: -r[1])[:12]
        ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def time_checks(folder: Path) -> list[tuple[str, float, int | str]]:
    """Seconds to load the splits, then per check (the runner's own steps, timed one by one)."""
    from dataqa.engine.config import load_config
    from dataqa.engine.context import Context
    from dataqa.engine.registry import load_checks, make_check
    from dataqa.engine.runner import load_splits, run_check

    config = load_config(discover=False)
    start = time.perf_counter()
    splits = load_splits({"train": str(folder / "train.jsonl"), "test": str(folder / "test.jsonl")}, config)
    out: list[tuple[str, float, int | str]] = [
        ("load + normalise train and test", time.perf_counter() - start, "")
    ]
    ctx = Context(splits, config)
    for cid, cls in load_checks(config.plugins).items():
        start = time.perf_counter()
        result = run_check(make_check(cls, config.checks.get(cid)), ctx)
        status = "" if result.status.value in ("passed", "failed") else f" ({result.status.value})"
        out.append((f"{cid} {cls.name}{status}", time.perf_counter() - start, len(result.findings)))
    return out


def _outcome(done: subprocess.CompletedProcess) -> str:
    text = (done.stdout + done.stderr).strip().splitlines()
    summary = next((line for line in reversed(text) if line.startswith("dataqa:")), "")
    return f"exit {done.returncode}" + (f"; `{summary}`" if summary else "")


if __name__ == "__main__":
    main()
