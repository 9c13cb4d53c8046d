"""Soak and hostile-scale benchmark for the loader and the scan (issue #7).

1. Soak: 100 scans in one process over a rotation of varied broken files (seeded), with the
   process's resident memory after a warm-up scan, every 10 scans, and at the end: memory must
   not grow with the number of scans.
2. Scale: one 200 MB line and one million tiny lines, each scanned in a fresh process by the
   installed command, with wall time and peak resident memory.

    python benchmarks/soak.py [--scans 100] [--big-mb 200] [--tiny 1000000] [--out benchmarks/soak.md]

Prints a Markdown table; `--out` also writes it.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

import dataqa

ROOT = Path(__file__).resolve().parent.parent


SAMPLE = ROOT / "sample_data"


def hostile_files(folder: Path, seed: int = 7) -> list[Path]:
    """The rotation: one file per kind of damage the loader must survive (seeded, rebuilt each run)."""
    rng = random.Random(seed)
    good = (SAMPLE / "train.jsonl").read_bytes().splitlines()[:300]
    files: dict[str, bytes] = {
        "empty.jsonl": b"",
        "blank.jsonl": b"\n \n\t\n" * 50,
        "png.jsonl": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(20_000)),
        "noise.jsonl": bytes(rng.randrange(256) for _ in range(50_000)),
        "utf16.jsonl": b"\n".join(good[:100]).decode().encode("utf-16"),
        "utf16le.jsonl": b"\n".join(good[:100]).decode().encode("utf-16-le"),
        "latin1.jsonl": b"\n".join(g.replace(b"order", "commandé".encode("latin-1")) for g in good),
        "nul.jsonl": b"\n".join(
            g if i % 7 else g.replace(b"order", b"or\x00der") for i, g in enumerate(good)
        ),
        "surrogates.jsonl": b"\n".join(
            g if i % 5 else g.replace(b"order", b"\\ud800") for i, g in enumerate(good)
        ),
        "nested.jsonl": b"\n".join(
            [b"[" * 100_000 + b"]" * 100_000, *good[:50], b'{"a":' * 600 + b"1" + b"}" * 600]
        ),
        "numbers.jsonl": b"\n".join(
            [b'{"text": "x", "label": 1e999}', b'{"text": "y", "label": NaN}', *good[:50]]
        ),
        "dupkeys.jsonl": b"\n".join(
            g[:-1] + b', "messages": []}' if i % 3 == 0 else g for i, g in enumerate(good)
        ),
        "truncated.jsonl": b"\n".join(good)[: len(b"\n".join(good)) * 2 // 3],
        "crlf_bom.jsonl": b"\xef\xbb\xbf" + b"\r\n".join(good) + b"\r\n",
        "mixed_format.jsonl": b"\n".join(
            g if i % 4 else b'{"prompt": "p%d", "completion": "c"}' % i for i, g in enumerate(good)
        ),
        "many_keys.jsonl": json.dumps({f"k{i}": i for i in range(50_000)} | json.loads(good[0])).encode(),
        "random_json.jsonl": b"\n".join(
            json.dumps(
                rng.choice(
                    [None, 1, "s", [1, {"a": "b"}], {"messages": rng.random()}, {"text": "t", "label": []}]
                )
            ).encode()
            for _ in range(300)
        ),
    }
    packed = gzip.compress(b"\n".join(good) + b"\n", mtime=0)
    files["truncated.jsonl.gz"] = packed[: len(packed) // 2]
    files["not_gzip.jsonl.gz"] = b"\n".join(good)
    files["fine.jsonl"] = b"\n".join(good) + b"\n"
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def soak(scans: int, folder: Path) -> list[str]:
    files = hostile_files(folder)
    test = SAMPLE / "test.jsonl"
    dataqa.scan(str(files[0]), test=str(test))  # warm-up: imports, registries, compiled regexes
    gc.collect()
    samples: list[tuple[int, float]] = [(0, rss_mb())]
    fds_start = psutil.Process().num_fds()
    started = time.perf_counter()
    findings = 0
    errored = 0
    for i in range(1, scans + 1):
        report = dataqa.scan(str(files[i % len(files)]), test=str(test))
        findings += len(report.findings)
        errored += sum(1 for r in report.results if r.status.value == "errored")
        del report
        if i % 10 == 0:
            gc.collect()
            samples.append((i, rss_mb()))
    elapsed = time.perf_counter() - started
    fds_end = psutil.Process().num_fds()
    start, end = samples[0][1], samples[-1][1]
    peak = max(mb for _, mb in samples)
    rows = [
        f"- {scans} scans of {len(files)} kinds of broken file in one process: {elapsed:.1f} s "
        f"({elapsed / scans * 1000:.0f} ms a scan), {findings:,} findings, {errored} errored check runs.",
        f"- Resident memory after warm-up {start:.0f} MiB, at the end {end:.0f} MiB "
        f"(growth {end - start:+.0f} MiB, peak sample {peak:.0f} MiB).",
        "- RSS every 10 scans (MiB): " + ", ".join(f"{mb:.0f}" for _, mb in samples),
        f"- Open file descriptors: {fds_start} after warm-up, {fds_end} at the end.",
    ]
    return rows


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--tiny", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per scale scan")
    parser.add_argument("--skip-scale", action="store_true", help="only the soak (100 scans in one process)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dataqa-soak-") as tmp:
        folder = Path(tmp)
        lines = ["## Soak", "", *soak(args.scans, folder)]
        if not args.skip_scale:
            lines += ["", "## Hostile scale", "", *scale(folder, args.big_mb, args.tiny, args.timeout)]
    cpu = os.cpu_count()
    header = [
        "# Soak benchmark (issue #7)",
        "",
        f"`python benchmarks/soak.py` on {cpu} cores, Python {sys.version.split()[0]}, "
        f"dataqa {dataqa.__version__}, {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
