"""Full-scan benchmark (issue #3, "Speed bar"): `dataqa scan` of N chat rows (train) + N/10 (test).

For each size the data is generated once with `benchmarks/similarity/generate.py` (seeded, cached
under `--data`), then scanned in a fresh child process that runs the real CLI (`dataqa scan ...
--no-config --json`). The parent records the child's wall time, CPU time (user + system) and peak
resident memory (`os.wait4`); inside the child, the loading of the splits and every check are timed
and the peak RSS reached by the end of each stage is noted, so the stage that sets the peak is
visible. The machine's load average (other work on the same 2 cores) is recorded with each run.

    python benchmarks/scan.py --sizes 10000 100000 [1000000] [--data /tmp/dataqa-scan]
        [--engine ray] [--out benchmarks/scan.md]
    python benchmarks/scan.py --sizes 5000000 --inputs SHARDS/ test.jsonl --engine ray   # given inputs

With `--engine ray` the child scans with the Ray engine (a local Ray of `--jobs` CPUs it starts and
stops); the peak RSS is then the driver's, and the summed RSS of the Ray processes it started
(workers, raylet, object store) is sampled beside it (`benchmarks/ray.md`).

Prints a Markdown section per run; `--out` appends it to the results file (the file keeps the
history: before/after figures of each change).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "benchmarks" / "similarity" / "generate.py"
SHAPES = {"chat": GENERATE, "intents": ROOT / "benchmarks" / "similarity" / "intents.py"}
"""Generators by data shape: chat exchanges, or short utterances under 150 intents (issue #19)."""
TARGET_S = 300.0
TARGET_GB = 8.0


def dataset(folder: Path, rows: int, test_rows: int, shape: str = "chat") -> tuple[Path, Path]:
    """The generated train/test files for `rows` (generated on first use, reused afterwards)."""
    out = folder / (f"{rows}" if shape == "chat" else f"{shape}-{rows}")
    train, test = out / "train.jsonl", out / "test.jsonl"
    if not (train.exists() and test.exists() and (out / "truth.json").exists()):
        out.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(SHAPES[shape]), "--rows", str(rows), "--test-rows", str(test_rows)]
        subprocess.run([*cmd, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return train, test


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _status_mb(*names: str) -> dict[str, float]:
    """Fields of this process's /proc status in MB, by name (`VmHWM`, `RssAnon`, ...)."""
    found = {}
    with open("/proc/self/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in names:
                found[name] = int(value.split()[0]) / 1024
    return found


def _rss_parts_mb() -> dict[str, float]:
    """This process's resident memory now by kind: its own (`RssAnon`), files mapped (`RssFile`)
    and shared memory it mapped (`RssShmem`: with Ray, the object store's pages it read or wrote,
    which are the object store's memory, counted in every process that maps them)."""
    return _status_mb("RssAnon", "RssFile", "RssShmem")


def _reset_peak() -> bool:
    """Start this process's peak RSS (`VmHWM`) again from its RSS now (Linux `clear_refs` 5), so
    that the peak read after a check is that check's own; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_since_reset_mb() -> float:
    """`VmHWM`: the highest RSS since the last `_reset_peak` (or since the process began)."""
    return _status_mb("VmHWM").get("VmHWM", 0.0)


def _size_mb(value: object, depth: int = 0) -> float:
    """Roughly how much memory a shared value holds: frames and arrays by their buffers, containers
    by their items (three levels down, the first 2,000 items of each, scaled up)."""
    import numpy as np
    import polars as pl

    if isinstance(value, pl.DataFrame | pl.Series):
        return value.estimated_size() / 2**20
    if isinstance(value, np.ndarray):
        return value.nbytes / 2**20
    own = sys.getsizeof(value) / 2**20
    if depth >= 3:
        return own
    if isinstance(value, dict):
        items = list(value.items())
        seen = items[:2000]
        inner = sum(_size_mb(k, depth + 1) + _size_mb(v, depth + 1) for k, v in seen)
        return own + inner * (len(items) / len(seen) if seen else 0)
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        seen = items[:2000]
        inner = sum(_size_mb(v, depth + 1) for v in seen)
        return own + inner * (len(items) / len(seen) if seen else 0)
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return own + sum(_size_mb(v, depth + 1) for v in vars(value).values())
    return own


def _shared_held(ctx: object, top: int = 6) -> list[tuple[str, float]]:
    """The largest values the scan's shared cache holds now (`Context._cache`), by key, in MB."""
    cache = dict(getattr(ctx, "_cache", {}))
    sized = []
    for key, value in cache.items():
        try:
            sized.append((repr(key)[:90], _size_mb(value)))
        except Exception:  # a measurement, never a failure of the scan
            continue
    return sorted(sized, key=lambda kv: -kv[1])[:top]


def _process_cpu() -> float:
    """CPU seconds of this whole process so far (every thread: polars', rapidfuzz's, BLAS')."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


_RUNNING_LOCK = threading.Lock()


def _running(stages_out: str, check_id: str, since_s: float | None) -> None:
    """Record that a check started (`since_s`: its start in the scan) or ended, beside the stages
    file: a run stopped for memory names the checks that were running, not only those that ended."""
    path = Path(stages_out + ".running")
    with _RUNNING_LOCK:  # checks start and end on several threads (`--jobs`)
        running = json.loads(path.read_text()) if path.exists() else {}
        if since_s is None:
            running.pop(check_id, None)
        else:
            running[check_id] = round(since_s)
        path.write_text(json.dumps(running))


def child(
    train: str,
    test: str,
    json_out: str,
    stages_out: str,
    jobs: str = "0",
    engine: str = "local",
    timeout: str = "",
    select: str = "",
    object_store_gb: str = "",
) -> None:
    """Run the real CLI scan in this process, timing the load and each check (the child side).
    `object_store_gb`: with Ray, the scan's `--ray-object-store-gb` (the store's pages the driver
    maps are bounded by its size).

    With `jobs` 1 the checks run one after another, so a check's CPU is the whole process's
    (its library threads included) while it runs; with more, its own thread's."""
    from dataqa.commands import cli
    from dataqa.engine import runner

    stages: list[dict] = []
    clock = _process_cpu if jobs == "1" else time.thread_time
    load_splits, run_check = runner.load_splits, runner.run_check
    # One check at a time: each check's own peak is measured (the peak is reset as it starts), and
    # the RSS it leaves behind is what it (or what it was the last to read) still holds.
    own_peaks = jobs == "1"
    if own_peaks and engine == "ray":
        # The driver runs one check at a time; Ray still gets every core for the workers' tasks.
        from dataqa.engine import ray_session

        session = ray_session.session
        ray_session.session = lambda config, cpus: session(config, cpus=os.cpu_count() or 1)

    began = time.perf_counter()

    def timed_load(*args, **kwargs):
        start, cpu = time.perf_counter(), clock()
        out = load_splits(*args, **kwargs)
        stages.append(
            {
                "stage": "load",
                "start_s": start - began,
                "wall_s": time.perf_counter() - start,
                "cpu_s": clock() - cpu,
                "peak_mb": _maxrss_mb(),
            }
        )
        return out

    def timed_check(check, ctx, debug=False):
        # Checks run on several threads (`--jobs`): CPU is this check's own thread (polars' pool
        # threads are not counted), and wall times overlap.
        rss_before = _rss_gb(os.getpid()) * 1024
        reset = own_peaks and _reset_peak()
        start, cpu = time.perf_counter(), clock()
        _running(stages_out, check.id, start - began)
        try:
            result = run_check(check, ctx, debug)
        finally:
            _running(stages_out, check.id, None)
        stages.append(
            {
                "stage": check.id,
                "start_s": start - began,
                "wall_s": time.perf_counter() - start,
                "cpu_s": clock() - cpu,
                "peak_mb": _maxrss_mb(),
                **({"own_peak_mb": _peak_since_reset_mb()} if reset else {}),
                "rss_before_mb": rss_before,
                "rss_after_mb": _rss_gb(os.getpid()) * 1024,
                "rss_parts_after_mb": _rss_parts_mb(),
                **({"shared_mb": _shared_held(ctx)} if own_peaks else {}),
                "status": result.status.value,
                "findings": len(result.findings),
            }
        )
        Path(stages_out).write_text(json.dumps(stages))  # so far: a run stopped for memory says where
        return result

    runner.load_splits, runner.run_check = timed_load, timed_check
    try:
        cli.main(
            [
                "scan",
                train,
                "--test",
                test,
                "--no-config",
                "--quiet",
                "--exit-zero",
                "--json",
                json_out,
                "--jobs",
                jobs,
                "--engine",
                engine,
                # One at a time means no time limit too: a check past it is abandoned, runs on beside
                # the next ones, and their CPU overlaps (300k intents at load 15 passed 600 s wall).
                *(
                    ["--check-timeout", "0"]
                    if jobs == "1"
                    else ["--check-timeout", timeout]
                    if timeout
                    else []
                ),
                *(["--select", select] if select else []),
                *(["--ray-object-store-gb", object_store_gb] if engine == "ray" and object_store_gb else []),
            ],
            standalone_mode=False,
        )
    finally:
        stages.append({"stage": "total", "wall_s": time.perf_counter() - began, "peak_mb": _maxrss_mb()})
        Path(stages_out).write_text(json.dumps(stages))


def _rss_gb(pid: int) -> float:
    """Resident memory of a running process (Linux /proc), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants_rss_gb(pid: int) -> float:
    """Summed resident memory of every process below `pid` (the Ray processes a scan started);
    pages shared between them (Ray's object store) are counted in each process that maps them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0.0, list(children.get(pid, []))
    while todo:
        child_pid = todo.pop()
        total += _rss_gb(child_pid)
        todo += children.get(child_pid, [])
    return total


CALIBRATION_LINES = 300_000


def calibrate(train: Path) -> float:
    """Seconds a plain orjson loop takes over the first 300k lines of `train`: this machine's speed
    varies by 2x over a day (1.05 s on a quiet day), and every run records it beside its times."""
    import orjson

    if train.is_dir():  # a folder of shards: its first one
        train = sorted(train.glob("*.jsonl"))[0]
    began = time.perf_counter()
    with train.open("rb") as f:
        for i, line in enumerate(f):
            orjson.loads(line)
            if i + 1 >= CALIBRATION_LINES:
                break
    return time.perf_counter() - began


def measure(
    train: Path,
    test: Path,
    max_gb: float,
    jobs: int = 0,
    keep: Path | None = None,
    engine: str = "local",
    timeout: str = "",
    select: str = "",
    object_store_gb: float = 0.0,
) -> dict:
    """Scan in a fresh process; wall, CPU and peak RSS of that process, plus its stage timings.
    `keep`: copy the scan's JSON report there (to compare findings before and after a change)."""
    calibration = calibrate(train)
    with tempfile.TemporaryDirectory(prefix="dataqa-scan-") as tmp:
        json_out, stages_out = Path(tmp) / "report.json", Path(tmp) / "stages.json"
        load_before = os.getloadavg()
        began = time.perf_counter()
        cmd = [
            sys.executable,
            __file__,
            "--child",
            str(train),
            str(test),
            str(json_out),
            str(stages_out),
            str(jobs),
            engine,
            timeout,
            select,
            str(object_store_gb or ""),
        ]
        proc = subprocess.Popen(cmd)
        killed = False
        others_gb = 0.0  # the Ray processes' summed RSS, at its highest
        while True:  # poll, so that a run past `max_gb` is stopped before it starves the machine
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if engine != "local":
                others_gb = max(others_gb, _descendants_rss_gb(proc.pid))
            if not killed and _rss_gb(proc.pid) > max_gb:
                proc.kill()
                killed = True
            time.sleep(0.2)
        wall = time.perf_counter() - began
        load_after = os.getloadavg()
        if killed:
            done = json.loads(stages_out.read_text()) if stages_out.exists() else []
            last = ", ".join(
                f"{s['stage']} (ended {s.get('start_s', 0) + s['wall_s']:.0f} s, peak "
                f"{s['peak_mb'] / 1024:.1f} GB)"
                for s in done[-6:]
            )
            running_path = Path(str(stages_out) + ".running")
            running = json.loads(running_path.read_text()) if running_path.exists() else {}
            now = ", ".join(f"{check} (since {since} s)" for check, since in running.items())
            raise SystemExit(
                f"scan stopped after {wall:.0f} s: resident memory passed {max_gb} GB; "
                f"{len(done)} stages had ended, the last: {last or 'none'}; running: {now or 'none'}"
            )
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"scan failed with status {status}")
        stages = json.loads(stages_out.read_text())
        report = json.loads(json_out.read_text())
        if keep is not None:
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(json_out.read_bytes())
    return {
        "jobs": jobs,
        "engine": engine,
        "engine_report": report.get("engine", {}),
        "others_peak_gb": others_gb,
        "train": str(train),
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        # Checks one at a time reset the peak as each starts (`_reset_peak`): the run's is their highest.
        "peak_mb": max([usage.ru_maxrss / 1024, *(s.get("own_peak_mb", 0) for s in stages)]),
        "load": (load_before, load_after),
        "calibration_s": (calibration, calibrate(train)),
        "stages": stages,
        "findings": {c["id"]: c["findings"] for c in report["checks"]},
        "verdict": report["verdict"],
    }


def _worker_cpu(engine: dict) -> str:
    """The CPU seconds the checks on the Ray workers took there, in all and for the costliest five."""
    seconds = engine.get("worker_cpu_seconds", {})
    top = sorted(seconds.items(), key=lambda kv: -kv[1])[:5]
    return f"{sum(seconds.values()):.1f} s in all; " + ", ".join(f"{cid} {s:.1f} s" for cid, s in top)


def _worker_stages(engine: dict) -> str:
    """The blocks' tasks' wall seconds by stage, summed over the blocks, and the rows per second
    of one worker's task time (the throughput per CPU that the projections start from)."""
    blocks = engine.get("per_block", [])
    if not blocks:
        return "no figures"
    stages: dict[str, float] = {}
    for b in blocks:
        for name, seconds in b["stages"].items():
            stages[name] = stages.get(name, 0.0) + seconds
    wall, cpu = sum(b["wall_s"] for b in blocks), sum(b["cpu_s"] for b in blocks)
    rows = sum(b["rows"] for b in blocks)
    parts = ", ".join(f"{name} {s:.1f} s" for name, s in stages.items())
    return (
        f"{len(blocks)} tasks, {wall:.1f} s wall / {cpu:.1f} s CPU in all ({parts}); "
        f"{rows / cpu if cpu else 0:,.0f} rows per CPU-second, "
        f"{rows / wall if wall else 0:,.0f} per task-second"
    )


def _workers(engine: dict) -> str:
    """Each worker process's blocks, task seconds and peak resident memory."""
    workers = engine.get("workers", {})
    return (
        "; ".join(
            f"pid {name.rsplit(':', 1)[-1]}: {w['blocks']} blocks, {w['wall_s']:.1f} s, "
            f"peak {w['peak_rss_mb'] / 1024:.2f} GB"
            for name, w in workers.items()
        )
        or "no figures"
    )


def _anon(stage: dict) -> str:
    """The driver's own memory and the object store's pages it mapped, after a stage."""
    parts = stage.get("rss_parts_after_mb", {})
    return f"own {parts.get('RssAnon', 0) / 1024:.2f}, shared {parts.get('RssShmem', 0) / 1024:.2f}"


def render(rows: int, test_rows: int, run: dict, top: int, shape: str = "chat") -> str:
    """One Markdown section: totals, then the costliest stages with the peak RSS after each."""
    lb, la = run["load"]
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    own = any("own_peak_mb" in s for s in run["stages"])  # checks one at a time: each one's own peak
    meets = run["wall_s"] < TARGET_S and run["peak_mb"] < TARGET_GB * 1024
    lines = [
        f"### {rows:,} train + {test_rows:,} test rows{'' if shape == 'chat' else f' ({shape})'} "
        f"({stamp}, HEAD {commit})",
        "",
        f"- wall **{run['wall_s']:.1f} s**, CPU {run['cpu_s']:.1f} s "
        f"({run['cpu_s'] / rows * 1000:.2f} ms per train row), "
        f"peak RSS **{run['peak_mb'] / 1024:.2f} GB**"
        + (f" (target < {TARGET_S:.0f} s and < {TARGET_GB:.0f} GB: {'met' if meets else 'missed'})"),
        f"- machine load average (1 min) before / after: {lb[0]:.1f} / {la[0]:.1f} on {os.cpu_count()} cores",
        "- machine speed before / after: orjson over {:,} lines in {:.2f} / {:.2f} s (1.05 when fast)".format(
            CALIBRATION_LINES, *run["calibration_s"]
        ),
        f"- verdict {run['verdict']}",
        *(
            [
                f"- engine {run['engine']}: {run['engine_report'].get('blocks', 0)} blocks, "
                f"{len(run['engine_report'].get('on_workers', []))} checks on the workers; "
                f"the Ray processes' summed RSS at its highest {run['others_peak_gb']:.2f} GB "
                "(object store pages counted in each process that maps them)",
                f"- CPU on the workers: {_worker_cpu(run['engine_report'])}",
                f"- on the workers, by stage: {_worker_stages(run['engine_report'])}",
                f"- each worker: {_workers(run['engine_report'])}",
            ]
            if run.get("engine", "local") != "local"
            else []
        ),
        "",
        "| stage | start s | wall s | CPU s ({}) | peak RSS after (GB) | findings |{}".format(
            "process, checks one at a time" if run.get("jobs") == 1 else "own thread",
            " own peak (GB) | RSS before → after (GB; after: own, object-store pages) |" if own else "",
        ),
        "|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if own else ""),
    ]
    stages = [s for s in run["stages"] if s["stage"] != "total"]
    shown = sorted(stages, key=lambda s: -s["wall_s"])[:top]
    if own:  # and every check whose own peak stood 0.25 GB above the RSS it started from
        grew = [s for s in stages if s.get("own_peak_mb", 0) - s.get("rss_before_mb", 0) > 256]
        shown += [s for s in grew if s not in shown]
    for s in sorted(shown, key=stages.index):
        lines.append(
            f"| {s['stage']} | {s.get('start_s', 0):.1f} | {s['wall_s']:.2f} | {s.get('cpu_s', 0):.2f} "
            f"| {s['peak_mb'] / 1024:.2f} | {s.get('findings', '')} |"
            + (
                f" {s['own_peak_mb'] / 1024:.2f} | {s['rss_before_mb'] / 1024:.2f} → "
                f"{s['rss_after_mb'] / 1024:.2f} ({_anon(s)}) |"
                if "own_peak_mb" in s
                else " | |"
                if own
                else ""
            )
        )
    rest = [s for s in stages if s not in shown]
    if rest:
        lines.append(
            f"| {len(rest)} other checks | | {sum(s['wall_s'] for s in rest):.2f} "
            f"| {sum(s.get('cpu_s', 0) for s in rest):.2f} | | |" + (" | |" if own else "")
        )
    total = next(s for s in run["stages"] if s["stage"] == "total")
    checks_end = max(s.get("start_s", 0) + s["wall_s"] for s in stages)
    after = total["wall_s"] - checks_end
    tail = " | |" if own else ""
    lines.append(f"| report, verdict, profile, JSON | {checks_end:.1f} | {after:.2f} | | | |{tail}")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:11])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="chat", help="generated data shape")
    parser.add_argument("--data", type=Path, default=Path("/tmp/dataqa-scan"), help="generated data cache")
    parser.add_argument("--jobs", type=int, default=0, help="scan --jobs (1: per-check process CPU)")
    parser.add_argument("--engine", choices=["local", "ray"], default="local", help="scan --engine")
    parser.add_argument(
        "--check-timeout",
        default="",
        help="scan --check-timeout (default: the scan's, 600 s; under heavy load a heavy check past it is "
        "abandoned and runs on beside the next heavy one, so their memory adds up: 0 turns it off)",
    )
    parser.add_argument(
        "--object-store-gb",
        type=float,
        default=0.0,
        help="with --engine ray: scan --ray-object-store-gb (default: Ray's, 30%% of memory); the "
        "driver's RSS counts the store's pages it maps, up to the store's size",
    )
    parser.add_argument("--select", default="", help="scan --select: only these checks (one check's cost)")
    parser.add_argument("--top", type=int, default=14, help="stages listed one by one (costliest)")
    parser.add_argument("--max-gb", type=float, default=14.0, help="stop a scan past this resident memory")
    parser.add_argument("--note", default="", help="a line to put under the heading (what changed)")
    parser.add_argument("--out", type=Path, help="append the Markdown to this file")
    parser.add_argument("--keep-json", type=Path, help="folder to keep each scan's JSON report in")
    parser.add_argument(
        "--inputs",
        type=Path,
        nargs=2,
        metavar=("TRAIN", "TEST"),
        help="scan these (a folder of shards, say) instead of generating; --sizes then gives one size, "
        "the train rows, and the test rows are counted",
    )
    args = parser.parse_args()
    for rows in args.sizes:
        test_rows = max(rows // 10, 1)
        if args.inputs:
            train, test = args.inputs
            with test.open("rb") as f:
                test_rows = sum(1 for _ in f)
        else:
            train, test = dataset(args.data, rows, test_rows, args.shape)
        keep = args.keep_json / f"{args.shape}-{rows}.json" if args.keep_json else None
        run = measure(
            train,
            test,
            args.max_gb,
            args.jobs,
            keep,
            args.engine,
            args.check_timeout,
            args.select,
            args.object_store_gb,
        )
        text = render(rows, test_rows, run, args.top, args.shape)
        if args.note:
            head, rest = text.split("\n", 1)
            text = f"{head}\n\n{args.note}\n{rest}"
        print(text)
        if args.out:
            with args.out.open("a", encoding="utf-8") as f:
                f.write("\n" + text)


if __name__ == "__main__":
    main()
