"""Command line: serve a simulated EngageBay account until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import json
import pathlib
import signal
import sys
import threading
import typing as t

from engagebay_sim.config import COUNT_FIELDS, PRESETS, preset
from engagebay_sim.server import Simulator


def _latency(text: str) -> float | tuple[float, float]:
    if "," in text or ":" in text:
        lo, hi = text.replace(":", ",").split(",", 1)
        return float(lo), float(hi)
    return float(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="engagebay-sim", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 is accepted")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", type=pathlib.Path, help="write the URL here once listening")
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--api-key", default="sim-key")
    for name in COUNT_FIELDS:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=int, dest=name, help=f"number of {name.replace('_', ' ')}")
    p.add_argument("--date-format", default="dd/MM/yyyy")
    p.add_argument("--page-size", type=int, dest="default_page_size", default=20,
                   help="default page size when a request sends none")  # fmt: skip
    p.add_argument("--latency-ms", type=_latency, default=0.0, help="ms, or LO,HI for a range")
    p.add_argument("--faults", type=json.loads, default=[], help="JSON list of fault rules")
    p.add_argument("--timeout-s", type=float, default=5.0, help="hold time of the timeout fault")
    p.add_argument("--quota", type=int, default=None, help="daily API call quota")
    p.add_argument(
        "--clock-offset", type=float, default=0.0, help="seconds the server's clock is ahead"
    )
    return p


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the simulator until SIGTERM/SIGINT.

    Args:
        argv: Arguments (defaults to sys.argv).

    Returns:
        The exit code.
    """
    args = build_parser().parse_args(argv)
    overrides: dict[str, t.Any] = {
        name: getattr(args, name) for name in COUNT_FIELDS if getattr(args, name) is not None
    }
    config = preset(
        args.preset,
        seed=args.seed,
        api_key=args.api_key,
        date_format=args.date_format,
        default_page_size=args.default_page_size,
        latency=args.latency_ms,
        faults=args.faults,
        timeout_s=args.timeout_s,
        quota=args.quota,
        clock_offset=args.clock_offset,
        **overrides,
    )
    sim = Simulator(config, host=args.host, port=args.port)
    done = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with sim:
        if args.port_file:
            tmp = args.port_file.with_name(args.port_file.name + ".tmp")
            tmp.write_text(sim.url + "\n")
            tmp.replace(args.port_file)
        sys.stdout.write(f"engagebay-sim listening on {sim.url}\n")
        sys.stdout.flush()
        while not done.wait(0.5):
            pass
    return 0
