"""Soak and hostile-scale benchmark for the loader and the scan (issues #7, #21).

1. Soak: 500 scans through the command line in one process, each of a freshly drawn random hostile
   file (`hostile.py`: cut compressed streams, binary, UTF-16, huge lines, blank-line bombs, ragged
   CSV, cut JSON arrays, truncated Parquet, random bytes, damaged lines), with reports written to one
   output folder. Resident memory is sampled every `--every` scans (first, last, max, slope); the
   tree around the inputs is listed before and after every scan and the checkout before and after
   the run (names, sizes, mtimes): nothing outside the output folder may change.
2. Scale: one 200 MB line and one million tiny lines, each scanned in a fresh process by the
   installed command, with wall time and peak resident memory.

    nice -n 10 python benchmarks/soak.py [--scans 500] [--skip-scale] [--append benchmarks/soak.md]

Prints Markdown; `--append` adds it to a file. Exit 1 when a scan crashed or a file outside the
output folder changed.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import io
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import dataqa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # beside this script, not a package

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


Entry = tuple[str, int, int]
"""What a listed path is: its kind (d, f, l or other), its size and its modification time (ns)."""


def tree(root: Path, skip: frozenset[Path] = frozenset(), names: tuple[str, ...] = ()) -> dict[str, Entry]:
    """Every path under `root` (itself included) but those under `skip` or a folder called one of
    `names`, with kind, size and mtime."""
    listed: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if here / d not in skip and d not in names)
        for name in [".", *dirs, *sorted(files)]:
            path = here / name if name != "." else here
            info = path.lstat()
            kind = "d" if stat.S_ISDIR(info.st_mode) else "f" if stat.S_ISREG(info.st_mode) else "l"
            size = 0 if kind == "d" else info.st_size
            listed[str(path.relative_to(root))] = (kind, size, info.st_mtime_ns)
    return listed


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    """Paths added, removed or changed (kind, size or mtime) between two listings."""
    out = [f"added {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"removed {p}" for p in sorted(before.keys() - after.keys())]
    out += [f"changed {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return out


def rss_mb() -> float:
    """This process's resident memory now, in MiB (Linux: /proc)."""
    resident = int(Path("/proc/self/statm").read_text().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_fds() -> int:
    """This process's open file descriptors (Linux: /proc)."""
    return len(os.listdir("/proc/self/fd"))


def malloc_trim() -> bool:
    """Hand glibc's free heap pages back to the system (`malloc_trim(0)`); False where there is none."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def slope(samples: list[tuple[int, float]]) -> float:
    """Least-squares growth of the samples, in MiB per 100 scans."""
    n = len(samples)
    if n < 2:
        return 0.0
    mx = sum(i for i, _ in samples) / n
    my = sum(mb for _, mb in samples) / n
    var = sum((i - mx) ** 2 for i, _ in samples)
    return 100 * sum((i - mx) * (mb - my) for i, mb in samples) / var if var else 0.0


STEADY_TOLERANCE = 10.0
"""MiB per 100 scans over the second half of a run under which memory counts as flat: 100 KiB kept
per scan would show; the noise of the slope over 25 samples is 2-4 MiB per 100 scans
(`benchmarks/soak.md`, issue #21)."""


def verdict(samples: list[tuple[int, float]], tolerance: float = STEADY_TOLERANCE) -> str:
    """Warm-up (growth over the first half) told apart from steady growth (the slope over the second
    half, against `tolerance` MiB per 100 scans). A leak keeps the first half's slope; a high-water
    mark (allocators keeping pages for the largest input seen, lazily loaded models) levels off.
    Run with `--cycle N` (the second half scanning files already seen) for a clean answer; with
    glibc's default arenas a cycled run still creeps until each arena has held the largest input
    (`MALLOC_ARENA_MAX=2` keeps it flat, `benchmarks/soak.md`)."""
    if len(samples) < 6:
        return "too few samples for a verdict"
    last = samples[-1][0]
    first_half = [s for s in samples if s[0] <= last // 2]
    second_half = [s for s in samples if s[0] >= last // 2]
    warm = first_half[-1][1] - samples[0][1]
    steady = slope(second_half)
    head = (
        f"warm-up {warm:+.0f} MiB over scans 0-{first_half[-1][0]}; "
        f"slope {steady:+.1f} MiB per 100 scans over scans {second_half[0][0]}-{last} "
        f"(tolerance {tolerance:g}): "
    )
    if steady <= tolerance:
        return head + "FLAT after warm-up (no steady growth)"
    return head + (
        "GROWING (a leak, new larger inputs still arriving, or glibc's arenas filling one by one: "
        "rerun with --cycle, and with MALLOC_ARENA_MAX=2)"
    )


class InProcessCli:
    """The command line run in this process the way a real process runs it: one stdout and one
    stderr for the life of the harness, emptied after each command.

    Not click's `CliRunner`: each `invoke` makes new stream wrappers, and click caches text stream
    wrappers in a `WeakKeyDictionary` whose value is the key itself when the stream is already
    text (`click._compat._make_cached_stream_func`), so every scan's captured output stayed alive,
    a growth of the harness, not of dataqa (issue #21: 7 objects and the printed bytes a scan).
    """

    def __init__(self) -> None:
        from dataqa.commands.cli import main as cli

        self.cli = cli
        self.out, self.err = io.StringIO(), io.StringIO()

    def invoke(self, args: list[str]) -> tuple[int | str | None, str, BaseException | None]:
        """Run one command: (exit code, what it wrote to stderr, an exception that escaped it)."""
        code: int | str | None = 0
        escaped: BaseException | None = None
        with contextlib.redirect_stdout(self.out), contextlib.redirect_stderr(self.err):
            try:
                self.cli.main(args, prog_name="dataqa")
            except SystemExit as stop:
                code = stop.code
            except Exception as exc:  # a crash: reported by the soak, never raised
                code, escaped = None, exc
        stderr = self.err.getvalue()
        for stream in (self.out, self.err):
            stream.seek(0)
            stream.truncate()
        return code, stderr, escaped


REPOSITORY_SKIP = (".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", ".mypy_cache")
"""Caches of other tools (and Python's bytecode) left out of the listing of the checkout."""

OUTPUTS = {"report.json", "report.html", "report.md", "report.sarif"}


@dataclass
class Soak:
    """What a soak run measured."""

    scans: int = 0
    seconds: float = 0.0
    codes: Counter[int | str | None] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    slowest: dict[str, float] = field(default_factory=dict)
    findings: int = 0
    errored: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)
    stray_outputs: list[str] = field(default_factory=list)
    rss: list[tuple[int, float]] = field(default_factory=list)
    largest: list[tuple[int, int]] = field(default_factory=list)
    trimmed: bool = False
    fds: tuple[int, int] = (0, 0)


def soak(
    scans: int,
    folder: Path,
    seed: int = 21,
    every: int = 10,
    select: str | None = None,
    checkout: bool = True,
    cycle: int = 0,
    trim: bool = False,
) -> Soak:
    """`scans` CLI scans in this process, each of a freshly drawn hostile train file (and half the
    time a hostile test file) with JSON and HTML reports (sometimes Markdown and SARIF too) written
    to one output folder. Before and after each scan the whole tree around the inputs is listed
    (names, kinds, sizes, mtimes; the output folder left out), and the checkout before and after
    the run: any difference is a file touched outside the output folder. With `cycle`, scan i
    draws the files of scan (i - 1) % cycle + 1: a second pass over files already seen tells a
    leak (memory keeps growing) from the allocators' high-water mark (flat once all were seen).
    With `trim`, glibc's free pages are handed back (`malloc_trim`) before each memory sample, so
    the samples show memory held rather than pages the allocator kept."""
    inputs, out, tmp = folder / "inputs", folder / "out", folder / "tmp"
    for made in (inputs, out, tmp):
        made.mkdir()
    saved = (os.getcwd(), tempfile.tempdir, os.environ.get("TMPDIR"))
    tempfile.tempdir = str(tmp)  # a temporary file left behind shows up in the listing
    os.environ["TMPDIR"] = str(tmp)
    os.chdir(folder)  # a cache or stray file written relative to the working directory too
    try:
        return _soak(scans, folder, seed, every, select, checkout, cycle, trim)
    finally:
        os.chdir(saved[0])
        tempfile.tempdir = saved[1]
        if saved[2] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[2]


def _soak(
    scans: int,
    folder: Path,
    seed: int,
    every: int,
    select: str | None,
    checkout: bool,
    cycle: int,
    trim: bool,
) -> Soak:
    """The loop of `soak`, in the folder it prepared."""
    inputs, out = folder / "inputs", folder / "out"
    test_copy = inputs / "test.jsonl"
    shutil.copyfile(SAMPLE / "test.jsonl", test_copy)
    lines = hostile.good_lines()
    runner = InProcessCli()
    repository = tree(ROOT, names=REPOSITORY_SKIP) if checkout else {}
    base = ["--no-config", "--json", str(out / "report.json"), "--html", str(out / "report.html")]
    extra = ["--select", select] if select else []
    runner.invoke(["scan", str(test_copy), *base, *extra])  # warm-up: imports, registries, regexes
    gc.collect()
    result = Soak(scans=scans, trimmed=trim and malloc_trim())
    result.rss.append((0, rss_mb()))
    result.largest.append((0, test_copy.stat().st_size))
    largest = result.largest[0][1]
    fds_start = open_fds()
    started = time.perf_counter()
    for i in range(1, scans + 1):
        rng = random.Random(seed * 1_000_003 + ((i - 1) % cycle + 1 if cycle else i))
        kind, train = hostile.random_file(rng, inputs, f"train{i}", lines)
        made = [train]
        test = test_copy
        if rng.random() < 0.5:
            _, test = hostile.random_file(rng, inputs, f"test{i}", lines)
            made.append(test)
        args = ["scan", str(train), "--test", str(test), *base, *extra]
        if rng.random() < 0.3:
            args += ["--md", str(out / "report.md"), "--sarif", str(out / "report.sarif")]
        before = tree(folder, frozenset({out}))
        began = time.perf_counter()
        code, stderr, escaped = runner.invoke(args)
        largest = max(largest, *(path.stat().st_size for path in made))
        took = time.perf_counter() - began
        result.touched += [f"scan {i} ({kind}): {c}" for c in changes(before, tree(folder, frozenset({out})))]
        result.kinds[kind] += 1
        result.slowest[kind] = max(result.slowest.get(kind, 0.0), took)
        result.codes[code] += 1
        if code not in (0, 1, 2) or "internal error" in stderr or escaped is not None:
            said = stderr.strip()[-300:] or repr(escaped)
            result.crashes.append(f"scan {i} ({kind}, {train.name}): {said}")
        stray = set(os.listdir(out)) - OUTPUTS
        result.stray_outputs += [f"scan {i}: {name}" for name in sorted(stray)]
        if code in (0, 1):
            report = json.loads((out / "report.json").read_bytes())
            result.findings += len(report["findings"])
            result.errored += [
                f"scan {i} ({kind}): {c['id']}" for c in report["checks"] if c["status"] == "errored"
            ]
        for path in made:
            path.unlink()
        if i % every == 0:
            gc.collect()
            if trim:
                malloc_trim()
            result.rss.append((i, rss_mb()))
            result.largest.append((i, largest))
    result.seconds = time.perf_counter() - started
    result.fds = (fds_start, open_fds())
    if checkout:
        result.touched += [f"checkout: {c}" for c in changes(repository, tree(ROOT, names=REPOSITORY_SKIP))]
    return result


def soak_rows(result: Soak, every: int, tolerance: float = STEADY_TOLERANCE) -> list[str]:
    """The soak's numbers as Markdown bullets, with the memory verdict."""
    mbs = [mb for _, mb in result.rss]
    codes = ", ".join(f"exit {code}: {n}" for code, n in sorted(result.codes.items(), key=str))
    sampled = "after gc and malloc_trim" if result.trimmed else "after gc"
    grew = [
        f"scan {i}: {mb / 2**20:.1f}"
        for n, (i, mb) in enumerate(result.largest)
        if n == 0 or mb > result.largest[n - 1][1]
    ]
    kinds = ", ".join(
        f"{kind} {n} (slowest {result.slowest[kind]:.1f} s)" for kind, n in sorted(result.kinds.items())
    )
    return [
        f"- {result.scans} scans in one process: {result.seconds:.0f} s "
        f"({result.seconds / result.scans:.2f} s a scan); {codes}; {result.findings:,} findings.",
        f"- Kinds drawn: {kinds}.",
        f"- Resident memory ({sampled}, every {every} scans): first {mbs[0]:.0f} MiB, "
        f"last {mbs[-1]:.0f} MiB, max {max(mbs):.0f} MiB; slope {slope(result.rss):+.1f} MiB per 100 "
        "scans over the run.",
        "- RSS samples (MiB): " + ", ".join(f"{mb:.0f}" for mb in mbs),
        "- Largest input so far (MiB), at the samples where it grew: " + ", ".join(grew),
        f"- **Memory verdict: {verdict(result.rss, tolerance)}**.",
        f"- Open file descriptors: {result.fds[0]} after warm-up, {result.fds[1]} at the end.",
        f"- Crashes (exit other than 0/1/2, an internal error or an exception): {len(result.crashes)}"
        + "".join(f"\n  - {c}" for c in result.crashes[:10]),
        f"- Checks errored: {len(result.errored)}" + "".join(f"\n  - {c}" for c in result.errored[:10]),
        f"- Paths touched outside the output folder (tree around the inputs listed before and after each "
        f"scan, checkout before and after the run): {len(result.touched)}"
        + "".join(f"\n  - {c}" for c in result.touched[:10]),
        f"- Files in the output folder other than the asked reports: {len(result.stray_outputs)}"
        + "".join(f"\n  - {c}" for c in result.stray_outputs[:10]),
    ]


_MEASURE = (
    "import resource, subprocess, sys\n"
    "try:\n"
    "    r = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))\n"
    "    code = r.returncode\n"
    "except subprocess.TimeoutExpired:\n"
    "    code = -1\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
"""A one-child wrapper: its RUSAGE_CHILDREN peak is exactly the scan's peak resident memory."""


def timed_cli(args: list[str], timeout: float = 1800) -> tuple[float, float, int]:
    """Run the installed command in a fresh process: (seconds, peak RSS MiB, exit code; -1 timeout)."""
    exe = shutil.which("dataqa")
    assert exe, "install the package first: pip install -e ."
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), exe, *args], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - started
    code, peak_kb = out.stdout.split()
    return elapsed, int(peak_kb) / 1024, int(code)


def scale(folder: Path, big_mb: int, tiny: int, timeout: float) -> list[str]:
    rows = []
    big = folder / "big_line.jsonl"
    block = b"a" * 2**20
    with open(big, "wb") as fh:
        fh.write(
            b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}]}\n'
        )
        fh.write(b'{"messages": [{"role": "user", "content": "')
        for _ in range(big_mb):
            fh.write(block)
        fh.write(b'"}, {"role": "assistant", "content": "ok"}]}\n')
    out = folder / "big.json"
    seconds, peak, code = timed_cli(["scan", str(big), "--no-config", "--json", str(out), "-q"])
    report = json.loads(out.read_text())
    (finding,) = [f for f in report["findings"] if f["check_id"] == "FMT001"]
    rows.append(
        f"- One {big_mb} MB line (+1 normal line), all checks: {seconds:.1f} s, peak RSS {peak:.0f} MiB, "
        f'exit {code}; FMT001 line {finding["locations"][0]["line"]}: "{finding["message"]}", evidence '
        f"{len(finding['evidence'][0])} characters."
    )
    big.unlink()
    tiny_path = folder / "tiny.jsonl"
    with open(tiny_path, "wb") as fh:
        fh.writelines(b'{"text":"t%d","label":"%s"}\n' % (i, b"ab"[i % 2 : i % 2 + 1]) for i in range(tiny))
    for label, extra in (("FMT,SIZE", ["--select", "FMT,SIZE"]), ("all checks", [])):
        seconds, peak, code = timed_cli(["scan", str(tiny_path), "--no-config", "-q", *extra], timeout)
        outcome = f"exit {code}" if code >= 0 else f"stopped after the {timeout:.0f} s time limit"
        rows.append(
            f"- {tiny:,} tiny lines ({tiny_path.stat().st_size / 2**20:.0f} MiB), {label}: {seconds:.1f} s, "
            f"peak RSS {peak:.0f} MiB, {outcome}."
        )
    return rows


def machine_state() -> str:
    """Date (UTC), commit, cores and load at the time of the run, for the record."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, dataqa {dataqa.__version__}; `uptime`: {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=500)
    parser.add_argument("--every", type=int, default=10, help="scans between memory samples")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--select", help="check ids or prefixes to run (default: all)")
    parser.add_argument("--cycle", type=int, default=0, help="repeat the files of the first N scans")
    parser.add_argument("--trim", action="store_true", help="malloc_trim before each memory sample")
    parser.add_argument(
        "--tolerance", type=float, default=STEADY_TOLERANCE, help="MiB per 100 scans still called flat"
    )
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--tiny", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per scale scan")
    parser.add_argument("--skip-scale", action="store_true", help="only the soak (scans in one process)")
    parser.add_argument("--append", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args(argv)
    state = machine_state()
    with tempfile.TemporaryDirectory(prefix="dataqa-soak-") as tmp:
        folder = Path(tmp)
        result = soak(
            args.scans, folder, args.seed, args.every, args.select, cycle=args.cycle, trim=args.trim
        )
        again = f", the files of the first {args.cycle} drawn again in turn" if args.cycle else ""
        lines = [f"## Soak: {args.scans} random hostile scans in one process (seed {args.seed}{again})"]
        lines += ["", state, ""]
        lines += soak_rows(result, args.every, args.tolerance)
        if not args.skip_scale:
            lines += ["", "## Hostile scale", "", *scale(folder, args.big_mb, args.tiny, args.timeout)]
    lines.append(f"\nAfter the run: {machine_state()}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)
    return 0 if not (result.crashes or result.touched or result.stray_outputs) else 1


if __name__ == "__main__":
    sys.exit(main())
