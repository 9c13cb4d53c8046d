"""Ray for one scan (`--engine ray`): connecting to the cluster `ray-address` names, or starting a
local Ray with the scan's CPUs and stopping it after, and failing at once, with one line naming the
fix (exit code 2), when Ray is not installed or nothing answers at the address. What runs on that
Ray is `ray_engine.RayEngine`."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Iterator
from typing import Any

from dataqa.core.errors import ConfigError, first_line
from dataqa.engine import ray_waits
from dataqa.engine.config import Config
from dataqa.engine.ray_engine import RayEngine

MISSING = "--engine ray needs Ray, which is not installed: pip install 'dataqa-finetune[ray]'"
PROBE_SECONDS = 3.0
"""How long the cluster's address may take to accept a connection: `ray.init` itself retries an
unreachable address for a minute or more before it gives up."""


def import_ray() -> Any:
    """The `ray` module, or a `ConfigError` naming the pip command when it is not installed."""
    try:
        import ray
    except ImportError:
        raise ConfigError(MISSING) from None
    return ray


def probe(address: str, timeout: float = PROBE_SECONDS) -> None:
    """Raise `ConfigError` at once when nothing accepts a connection at HOST:PORT (also `ray://`)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"ray-address must be auto or HOST:PORT, not {address!r}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError(f"cannot reach the Ray cluster at {address}: {why}") from None


@contextlib.contextmanager
def session(config: Config, cpus: int) -> Iterator[RayEngine]:
    """Ray for one scan: the running session of this process if there is one (a notebook, a test),
    else the cluster at `ray_address`, else a local Ray with `cpus` CPUs, stopped after the scan."""
    ray = import_ray()
    started = False
    if not ray.is_initialized():
        address = config.ray_address
        if address and address not in ("auto", "local"):
            probe(address)
        options: dict[str, Any] = dict(include_dashboard=False, logging_level=logging.ERROR)
        if not address:
            options["num_cpus"] = cpus
            options["runtime_env"] = {"env_vars": worker_env()}
            if config.ray_object_store_gb:
                options["object_store_memory"] = int(config.ray_object_store_gb * 2**30)
        stage = f"connecting to Ray at {address!r}" if address else "starting a local Ray"
        try:
            ray_waits.started(ray, config.check_timeout, stage, address=address or None, **options)
        except ConnectionError as exc:
            if address == "auto":
                raise ConfigError(
                    "--ray-address auto: no running Ray cluster on this machine (start one with `ray start "
                    "--head`, or leave out --ray-address for a local Ray started for the scan)"
                ) from None
            raise ConfigError(f"cannot connect to Ray at {address}: {first_line(exc)}") from None
        except (RuntimeError, ValueError) as exc:
            where = address or "a new local cluster"
            raise ConfigError(f"cannot connect to Ray at {where}: {first_line(exc)}") from None
        started = True
    try:
        where = config.ray_address or ("local" if started else "this process's session")
        env = worker_env() if started and not config.ray_address else {}
        yield RayEngine(
            ray,
            where,
            env,
            held_rows=config.ray_driver_rows,
            limit=config.check_timeout,
            block_rows=config.ray_block_rows,
        )
    finally:
        if started:
            ray_waits.stopped(ray, config.check_timeout)


def worker_env() -> dict[str, str]:
    """The environment of the workers of a Ray the scan starts itself: polars on one thread
    (`POLARS_MAX_THREADS`, unless this process's environment sets it), since each worker runs one
    task on one CPU and a pool of a thread per core in every worker only competes for the cores."""
    return {"POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "1")}
