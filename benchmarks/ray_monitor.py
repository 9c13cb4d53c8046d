"""Sample a long Ray scan every few seconds: the driver's memory by kind, the workers', the spill, and
the disk reads and writes of Ray's processes (what stage 27 of ray.md asks the next 5M run to record:
whether a held check's time goes to reading its blocks back from the spill).

    python benchmarks/ray_monitor.py --driver 'scan.py --child' --log /tmp/ray_monitor.log [--every 30]

One line per sample, appended to the log: the time, the load, the driver's VmRSS/VmHWM/RssAnon/
RssShmem/RssFile (GB), the four largest Ray workers' RSS (GB), the size of /tmp/ray (GB), the free
disk and memory, and the MB/s Ray's processes (raylet, workers, GCS) read (page cache included), read
from the disk and wrote to it since the last sample (`/proc/PID/io`): a spill larger than the page
cache is read from the disk. The driver is the largest process whose command line holds the word (not
a shell around it). Stops when the driver is gone, or with Ctrl-C. Linux only; stdlib only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

RAY_PROCESSES = ("raylet", "gcs_server", "ray::", "default_worker")
"""Command-line words of the processes whose disk traffic is the spill's."""


def _processes() -> dict[int, str]:
    """Every process's id and command line."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                out[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue
    return out


def _status(pid: int) -> dict[str, float]:
    """The memory lines of /proc/PID/status, in GB (none for a process that has ended)."""
    fields: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssShmem", "RssFile"):
            fields[key] = int(value.split()[0]) / 1048576
    return fields


IO_FIELDS = ("rchar", "read_bytes", "write_bytes")
"""Of /proc/PID/io: bytes read (page cache included), read from the disk, written to the disk."""


def _io(pids: list[int]) -> list[int]:
    """`IO_FIELDS` summed over `pids` so far (those still readable)."""
    totals = [0] * len(IO_FIELDS)
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/io").read_text().splitlines()
        except OSError:
            continue
        values = dict(line.split(": ") for line in lines)
        for k, name in enumerate(IO_FIELDS):
            totals[k] += int(values.get(name, 0))
    return totals


def _size_gb(folder: Path) -> float:
    """The bytes of the files under `folder`, in GB."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total / 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", required=True, help="a word of the driver's command line")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    args = parser.parse_args()
    last: tuple[float, list[int]] | None = None
    while True:
        procs = _processes()
        matching = [pid for pid, cmd in procs.items() if args.driver in cmd and pid != os.getpid()]
        if not matching:
            break
        driver = max(matching, key=lambda pid: _status(pid).get("VmRSS", 0.0))  # not a shell around it
        ray = [pid for pid, cmd in procs.items() if any(word in cmd for word in RAY_PROCESSES)]
        workers = sorted(
            (
                _status(pid).get("VmRSS", 0.0)
                for pid, cmd in procs.items()
                if "ray::" in cmd or "default_worker" in cmd
            ),
            reverse=True,
        )[:4]
        now, counts = time.time(), _io(ray)
        rates = ""
        if last is not None and now > last[0]:
            per_second = [(c - p) / (now - last[0]) / 1e6 for c, p in zip(counts, last[1], strict=True)]
            rates = " read={:.1f}MB/s read_disk={:.1f}MB/s wrote_disk={:.1f}MB/s".format(*per_second)
        last = (now, counts)
        memory = " ".join(f"{k}={v:.2f}" for k, v in _status(driver).items())
        available = next(
            int(line.split()[1]) / 1048576
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemAvailable")
        )
        line = (
            f"{time.strftime('%H:%M:%S', time.gmtime(now))} load={os.getloadavg()[0]:.2f} {memory} "
            f"workers=[{' '.join(f'{w:.2f}' for w in workers)}] raydir={_size_gb(Path('/tmp/ray')):.1f}G "
            f"diskfree={shutil.disk_usage('/').free / 2**30:.0f}G memavail={available:.1f}G{rates}"
        )
        with args.log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")
        time.sleep(args.every)


if __name__ == "__main__":
    main()
