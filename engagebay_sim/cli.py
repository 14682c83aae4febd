"""Command line: serve a simulated EngageBay account until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from crm_sim.cli import add_common_args, common_kwargs, serve
from engagebay_sim.config import COUNT_FIELDS, PRESETS, preset
from engagebay_sim.server import Simulator


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="engagebay-sim", description=__doc__)
    add_common_args(p)
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--api-key", default="sim-key")
    for name in COUNT_FIELDS:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=int, dest=name, help=f"number of {name.replace('_', ' ')}")
    p.add_argument("--date-format", default="dd/MM/yyyy")
    p.add_argument("--page-size", type=int, dest="default_page_size", default=20,
                   help="default page size when a request sends none")  # fmt: skip
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
    common = common_kwargs(args)
    host, port = common.pop("host"), common.pop("port")
    counts = {n: getattr(args, n) for n in COUNT_FIELDS if getattr(args, n) is not None}
    config = preset(
        args.preset,
        api_key=args.api_key,
        date_format=args.date_format,
        default_page_size=args.default_page_size,
        clock_offset=args.clock_offset,
        **common,
        **counts,
    )
    return serve(Simulator(config, host=host, port=port), args.port_file)
