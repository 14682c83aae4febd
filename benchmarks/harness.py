"""Shared pieces of the benchmarks: the simulator in its own process, catalogs, RSS sampling.

The simulator runs as a separate process (``engagebay-sim``), so that it never competes for
the GIL with the plain ``requests`` loop or with the memory sampler of this process. Every
connection goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
import urllib.request
from pathlib import Path

if t.TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API_KEY = "bench-key"
API_PREFIX = "/dev/api/panel/"
PAGE_SIZE = 100
_START_TIMEOUT_S = 30.0


class Sim:
    """A running ``engagebay-sim`` process and its control API (``/_sim/...``)."""

    def __init__(self, url: str, proc: subprocess.Popen[bytes]) -> None:
        """Wrap a started simulator.

        Args:
            url: Its base URL.
            proc: Its process.
        """
        self.url = url
        self.proc = proc

    def _call(self, method: str, route: str, body: object = None) -> t.Any:  # noqa: ANN401
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
            f"{self.url}/_sim/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as resp:  # noqa: S310
            return json.loads(resp.read())

    def requests(self) -> list[dict[str, t.Any]]:
        """The API request log (oldest first)."""
        return [e for e in self._call("GET", "requests") if e["path"].startswith(API_PREFIX)]

    def peak_in_flight(self) -> int:
        """The most API requests answered at once since the log was last cleared."""
        return int(self._call("GET", "in-flight")["peak"])

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._call("POST", "requests/clear", {})

    def set_latency(self, ms: float) -> None:
        """Latency of every API answer, in ms.

        Args:
            ms: Milliseconds.
        """
        self._call("POST", "latency", {"ms": ms})

    def count(self, stream: str) -> int:
        """The simulator's own count of a stream.

        Args:
            stream: Stream name.

        Returns:
            The count.
        """
        return int(self._call("GET", f"truth/{stream}/count")["count"])


@contextlib.contextmanager
def simulator(*args: str) -> Iterator[Sim]:
    """Start ``engagebay-sim`` with these arguments on a free loopback port; stop it after.

    Args:
        *args: CLI arguments (``--preset``, ``--contacts``...).

    Yields:
        The simulator.

    Raises:
        RuntimeError: When it does not start within 30 s.
    """
    with tempfile.TemporaryDirectory(prefix="eb-bench-sim-") as tmp:
        port_file = Path(tmp) / "url"
        log = (Path(tmp) / "sim.log").open("wb")
        cmd = [str(BIN / "engagebay-sim"), "--port", "0", "--port-file", str(port_file)]
        cmd += ["--api-key", API_KEY, *args]
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + _START_TIMEOUT_S
            while not port_file.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"engagebay-sim did not start: {(Path(tmp) / 'sim.log').read_text()}"
                    raise RuntimeError(msg)
                time.sleep(0.05)
            yield Sim(port_file.read_text().strip(), proc)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()


def tap_config(url: str, workdir: Path, **extra: t.Any) -> Path:  # noqa: ANN401
    """Write a tap config for the simulator.

    Args:
        url: The simulator's URL.
        workdir: Folder to write ``tap.json`` in.
        **extra: Further settings.

    Returns:
        The file.
    """
    path = workdir / "tap.json"
    path.write_text(json.dumps({"api_key": API_KEY, "api_url": url, **extra}))
    return path


def contacts_only_catalog(config: Path, workdir: Path) -> Path:
    """Discover, then select only the contacts stream (notes and call logs deselected).

    Args:
        config: The tap config.
        workdir: Folder to write ``catalog.json`` in.

    Returns:
        The catalog file.
    """
    out = subprocess.run(
        [str(BIN / "tap-engagebay"), "--config", str(config), "--discover"],
        check=True,
        capture_output=True,
        timeout=300,
    ).stdout
    catalog = json.loads(out)
    for stream in catalog["streams"]:
        selected = stream["tap_stream_id"] == "contacts"
        for entry in stream.get("metadata", []):
            if entry.get("breadcrumb") == []:
                entry["metadata"]["selected"] = selected
    path = workdir / "catalog.json"
    path.write_text(json.dumps(catalog))
    return path


def meltano_env(url: str, work: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``meltano run`` against the simulator, into ``work/warehouse.duckdb``.

    Meltano's system database is a throwaway SQLite file in ``work``, so the project's state is
    untouched; a second run with the same ``work`` starts from the state the first one saved.

    Args:
        url: The simulator's URL.
        work: Scratch folder.
        **extra: Further variables (e.g. ``TAP_ENGAGEBAY__SELECT``).

    Returns:
        The environment.
    """
    return {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "MELTANO_DATABASE_URI": f"sqlite:///{work / 'meltano.db'}",
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "TAP_ENGAGEBAY_API_URL": url,
        "TAP_ENGAGEBAY_API_KEY": API_KEY,
        "TARGET_DUCKDB_PATH": str(work / "warehouse.duckdb"),
        "PYTHONWARNINGS": "ignore",
        **extra,
    }


def endpoint_of(path: str) -> str:
    """The endpoint a request path belongs to (``customfields/list/CONTACT`` kept whole).

    Args:
        path: The request path.

    Returns:
        The path after ``/dev/api/panel/``.
    """
    return path.removeprefix(API_PREFIX)


# ---- memory -------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_and_name(pid: int) -> tuple[int, str]:
    """RSS in bytes and a short name (the script run, e.g. ``target-duckdb-sdk``)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return 0, "?"
    rss = 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
            break
    args = [a.decode(errors="replace") for a in cmdline if a]
    name = "?"
    for arg in args[:3]:
        base = os.path.basename(arg)  # noqa: PTH119
        if not base.startswith("python"):
            name = base
            break
    return rss, name


def descendants(pid: int) -> list[tuple[int, str]]:
    """A process's descendants (not itself), each with its short name (see ``RssSampler``).

    Args:
        pid: The root process.

    Returns:
        ``(pid, name)`` of each, e.g. ``(1234, "tap-engagebay")``.
    """
    tree = _children()
    found, todo = [], list(tree.get(pid, []))
    while todo:
        child = todo.pop()
        found.append((child, _rss_and_name(child)[1]))
        todo.extend(tree.get(child, []))
    return found


class RssSampler:
    """Sample the RSS of a process and all its descendants in a thread (every ``interval``)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        """Prepare.

        Args:
            pid: The root process.
            interval: Seconds between samples.
        """
        self.pid = pid
        self.interval = interval
        self.peak_total = 0
        self.peak_by_name: dict[str, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = _children()
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(tree.get(pid, []))
            total = 0
            for pid in pids:
                rss, name = _rss_and_name(pid)
                total += rss
                self.peak_by_name[name] = max(self.peak_by_name.get(name, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> t.Self:
        """Start sampling.

        Returns:
            self.
        """
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(timeout=5)


def mib(n: float) -> str:
    """Bytes as MiB text.

    Args:
        n: Bytes.

    Returns:
        e.g. ``123.4``.
    """
    return f"{n / 2**20:,.1f}"


def table(headers: list[str], rows: list[list[t.Any]]) -> str:
    """A Markdown table.

    Args:
        headers: Column titles.
        rows: Cells.

    Returns:
        The table text.
    """
    cells = [[str(c) for c in r] for r in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in cells]
    return "\n".join(lines)


@contextlib.contextmanager
def lean_server(contacts: int, latency_ms: float = 0.0) -> Iterator[str]:
    """Start ``benchmarks.lean_server`` for a demo account of ``contacts``; stop it after.

    Its pages are rendered once per size into ``.bench-cache/`` (git-ignored) and reused.

    Args:
        contacts: Contacts in the account.
        latency_ms: Delay of every API answer, in ms.

    Yields:
        Its base URL.

    Raises:
        RuntimeError: When it does not start (rendering included) within 30 minutes.
    """
    with tempfile.TemporaryDirectory(prefix="eb-bench-lean-") as tmp:
        port_file = Path(tmp) / "url"
        log_path = Path(tmp) / "server.log"
        cmd = [sys.executable, "-m", "benchmarks.lean_server", "--contacts", str(contacts),
               "--api-key", API_KEY, "--cache-dir", str(ROOT / ".bench-cache"),
               "--port-file", str(port_file), "--latency-ms", str(latency_ms)]  # fmt: skip
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 1800
                while not port_file.exists():
                    if proc.poll() is not None or time.monotonic() > deadline:
                        msg = f"lean server did not start: {log_path.read_text()}"
                        raise RuntimeError(msg)
                    time.sleep(0.05)
                yield port_file.read_text().strip()
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
                strays = log_path.read_text(errors="replace")
                if strays:
                    sys.stderr.write(strays)


DLT_VENV = ROOT / ".venv-dlt"
DLT_REQUIREMENT = "dlt[duckdb]==1.31.0"


def ensure_dlt() -> Path:
    """Install dlt with DuckDB into ``.venv-dlt`` from PyPI (once), apart from the project's.

    Returns:
        Its Python.
    """
    python = DLT_VENV / "bin" / "python"
    probe = [str(python), "-c", "import dlt, duckdb; print(dlt.__version__)"]
    if python.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return python
    uv = str(BIN / "uv")
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(DLT_VENV)], check=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), DLT_REQUIREMENT],
                   check=True)  # fmt: skip
    return python


def compile_bytecode() -> None:
    """Compile every environment's modules once, as ``pip install`` does by default.

    ``uv`` (which the bootstrap and Meltano use) does not, and with ``PYTHONDONTWRITEBYTECODE``
    set every run would compile its imports again (~2 s of a tap's start-up here): without this
    the contenders would not start on equal terms.
    """
    venvs = [ROOT / ".venv", ROOT / ".venv-meltano", DLT_VENV]
    venvs += sorted(p.parent.parent for p in (ROOT / ".meltano").glob("*/*/venv/bin"))
    for venv in venvs:
        if (venv / "bin" / "python").exists():
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0",
                            str(venv / "lib")], capture_output=True, check=False)  # fmt: skip
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "tap_engagebay",
                    "crm_core", "engagebay_sim", "loaders/target-duckdb-sdk/target_duckdb_sdk"],
                   cwd=ROOT, capture_output=True, check=False)  # fmt: skip
