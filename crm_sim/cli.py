"""Command-line helpers shared by the vendor simulators' console scripts."""

from __future__ import annotations

import argparse
import dataclasses
import json
import pathlib
import signal
import sys
import threading
import typing as t

if t.TYPE_CHECKING:
    from crm_sim.account import AccountSimulator
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


def account_parser(
    prog: str, description: str | None, simulator: type[AccountSimulator[t.Any, t.Any]]
) -> argparse.ArgumentParser:
    """A vendor simulator's parser: the common options, ``--preset`` and one option per count.

    Args:
        prog: The console script's name.
        description: What it does.
        simulator: The vendor's simulator class (its ``config_class`` gives presets and counts).

    Returns:
        The parser, for the vendor's own options.
    """
    config_class = simulator.config_class
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_common_args(parser)
    parser.add_argument("--preset", choices=sorted(config_class.presets), default="demo")
    for name in config_class.count_fields:
        flag = "--" + name.replace("_", "-")
        words = name.replace("_", " ")
        parser.add_argument(flag, type=int, dest=name, help=f"number of {words}")
    return parser


def run_account(
    argv: t.Sequence[str] | None,
    parser: argparse.ArgumentParser,
    simulator: type[AccountSimulator[t.Any, t.Any]],
) -> int:
    """Serve the account of ``--preset`` with the counts and the vendor's options given.

    A vendor's option sets the config field named by its ``dest`` (``argparse.SUPPRESS`` as
    its default leaves the preset's value when the option is not given).

    Args:
        argv: Arguments (defaults to sys.argv).
        parser: The vendor's parser (made by ``account_parser``).
        simulator: The vendor's simulator class.

    Returns:
        The exit code.
    """
    args = parser.parse_args(argv)
    common = common_kwargs(args)
    host, port = common.pop("host"), common.pop("port")
    config_class = simulator.config_class
    counted = config_class.count_fields
    fields = {f.name for f in dataclasses.fields(config_class)} - set(common) - set(counted)
    settings = {k: v for k, v in vars(args).items() if k in fields}
    counts = {n: getattr(args, n) for n in counted if getattr(args, n) is not None}
    config = config_class.preset(args.preset, **settings, **common, **counts)
    return serve(simulator(config, host=host, port=port), args.port_file)
