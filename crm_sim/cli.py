"""Command-line helpers shared by the vendor simulators' console scripts."""

from __future__ import annotations

import json
import pathlib
import signal
import sys
import threading
import typing as t

if t.TYPE_CHECKING:
    import argparse

    from crm_sim.server import Latency, Simulator


def latency_arg(text: str) -> Latency:
    """Parse ``--latency-ms``: a number, or ``LO,HI`` for a uniform range.

    Args:
        text: The argument.

    Returns:
        The latency.
    """
    if "," in text or ":" in text:
        lo, hi = text.replace(":", ",").split(",", 1)
        return float(lo), float(hi)
    return float(text)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Add the options every simulator has (address, seed, latency, faults, quota).

    Args:
        parser: The vendor's parser.
    """
    parser.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 is accepted")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", type=pathlib.Path, help="write the URL here once listening")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=latency_arg, default=0.0, help="ms, or LO,HI")
    parser.add_argument("--faults", type=json.loads, default=[], help="JSON list of fault rules")
    parser.add_argument("--timeout-s", type=float, default=5.0, help="hold time of timeouts")
    parser.add_argument("--quota", type=int, default=None, help="daily API call quota")


def common_kwargs(args: argparse.Namespace) -> dict[str, t.Any]:
    """The ``Simulator`` keyword arguments from the common options.

    Args:
        args: Parsed arguments.

    Returns:
        Keyword arguments.
    """
    return {
        "seed": args.seed,
        "latency": args.latency_ms,
        "faults": args.faults,
        "timeout_s": args.timeout_s,
        "quota": args.quota,
        "host": args.host,
        "port": args.port,
    }


def serve(sim: Simulator, port_file: pathlib.Path | None = None) -> int:
    """Serve until SIGTERM or SIGINT; print (and optionally write) the URL once listening.

    Args:
        sim: The simulator (not started).
        port_file: Where to write the URL (atomically), if anywhere.

    Returns:
        The exit code.
    """
    done = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with sim:
        if port_file:
            tmp = port_file.with_name(port_file.name + ".tmp")
            tmp.write_text(sim.url + "\n")
            tmp.replace(port_file)
        sys.stdout.write(f"{sim.name} listening on {sim.url}\n")
        sys.stdout.flush()
        while not done.wait(0.5):
            pass
    return 0
