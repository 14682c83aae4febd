"""A simulator's large account in flat memory, and its command line (serve, stop on SIGTERM)."""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import sys
import time
import tracemalloc
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Iterator

MB = 1024 * 1024


@contextlib.contextmanager
def flat_memory(limit: int = 20 * MB) -> Iterator[None]:
    """Fail unless what the block allocates (Python's heap, at its peak) stays under ``limit``.

    Start the simulator inside the block: its account must be served, not held.
    """
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit, f"peak {peak / MB:.1f} MB"


@contextlib.contextmanager
def simulator_cli(
    module: str, port_file: pathlib.Path, *args: str
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``python -m <module> --port-file <port_file> <args>``; yield it and the URL it serves.

    The first line it prints must be ``<module as name>-sim listening on http://127.0.0.1:…``
    and the port file must then hold that URL. The process is killed at the end if it still runs.
    """
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *args, "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        name = module.removesuffix("_sim") + "-sim"
        assert line.startswith(f"{name} listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        for _ in range(100):
            if port_file.exists():
                break
            time.sleep(0.05)
        assert port_file.read_text().strip() == url
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
