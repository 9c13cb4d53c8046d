"""Progress of a scan on a terminal: stage, checks done, elapsed time and an estimate of the rest.

One line on stderr, redrawn in place, only when stderr is a terminal and the run is not `--quiet`
(piped or redirected output gets nothing extra). It appears once the scan has run for a second,
so short scans print nothing, and a ticker redraws it every second while one long check runs.
The scan reports what it starts ("reading train: …", "running DUP003 near-duplicate"); checks
run on up to two threads, so "done" counts the checks started minus the ones that may still run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

import click

from dataqa.reports.terminal import neutralise

Clock = Callable[[], float]


def clock_text(seconds: float) -> str:
    """`0:42`, `3:05`, `1:02:03`."""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ScanProgress:
    """A callable for `run_scan(progress=...)` that draws one status line; `close()` erases it."""

    def __init__(
        self,
        total_checks: int,
        stream: TextIO,
        *,
        jobs: int = 1,
        delay: float = 1.0,
        width: int = 100,
        clock: Clock = time.monotonic,
        tick: float | None = 1.0,
    ) -> None:
        self.total = max(total_checks, 1)
        self.stream = stream
        self.jobs = max(jobs, 1)
        self.delay = delay
        self.width = width
        self.clock = clock
        self.started = clock()
        self.checks_started_at: float | None = None
        self.started_checks = 0
        self.stage = "starting"
        self.drawn = False
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.ticker = None
        if tick:
            self.ticker = threading.Thread(
                target=self._tick, args=(tick,), daemon=True, name="dataqa-progress"
            )
            self.ticker.start()

    def __call__(self, message: str) -> None:
        with self.lock:
            if message.startswith("running "):
                if self.checks_started_at is None:
                    self.checks_started_at = self.clock()
                self.started_checks += 1
                self.stage = message[len("running ") :]
            else:
                self.stage = message
            self._draw()

    def done(self) -> int:
        """Checks finished, as far as the starts tell: the ones started, less those that may still run."""
        return max(min(self.started_checks, self.total) - self.jobs, 0)

    def line(self) -> str:
        """The status line: `checks 12/70 (17 %) · DUP003 near-duplicate · 0:42 elapsed, about 3:20 left`."""
        now = self.clock()
        elapsed = clock_text(now - self.started)
        if self.checks_started_at is None:
            return f"{self.stage} · {elapsed} elapsed"
        done = self.done()
        share = done / self.total
        text = f"checks {done}/{self.total} ({100 * share:.0f} %) · {self.stage} · {elapsed} elapsed"
        if share >= 0.1:
            spent = now - self.checks_started_at
            text += f", about {clock_text(spent / share * (1 - share))} left"
        return text

    def _draw(self) -> None:
        if self.stop.is_set() or self.clock() - self.started < self.delay:
            return
        text = neutralise(self.line())  # the stage names a file path
        click.echo(f"\r\x1b[K{text[: self.width]}", file=self.stream, nl=False)
        self.stream.flush()
        self.drawn = True

    def _tick(self, every: float) -> None:
        while not self.stop.wait(every):
            with self.lock:
                self._draw()

    def close(self) -> None:
        """Stop redrawing and erase the line (nothing is left behind in the terminal's scrollback)."""
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            if self.drawn:
                click.echo("\r\x1b[K", file=self.stream, nl=False)
                self.stream.flush()
