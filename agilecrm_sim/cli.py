"""Command line: serve a simulated Agile CRM account until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from agilecrm_sim.config import COUNT_FIELDS, PRESETS, preset
from agilecrm_sim.server import AgileSimulator
from crm_sim.cli import add_common_args, common_kwargs, serve


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="agilecrm-sim", description=__doc__)
    add_common_args(p)
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--email", default="admin@sim.example.com", help="Basic auth user name")
    p.add_argument("--api-key", default="sim-agile-key", help="Basic auth password")
    for name in COUNT_FIELDS:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=int, dest=name, help=f"number of {name.replace('_', ' ')}")
    p.add_argument("--page-size", type=int, dest="default_page_size", default=20,
                   help="page size when a request sends none")  # fmt: skip
    p.add_argument("--max-page-size", type=int, default=1000,
                   help="larger pages time out with a 500")  # fmt: skip
    p.add_argument("--repeat-cursor-page", type=int, default=None,
                   help="the page of this number repeats the cursor it was asked with")  # fmt: skip
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
        email=args.email,
        api_key=args.api_key,
        default_page_size=args.default_page_size,
        max_page_size=args.max_page_size,
        repeat_cursor_page=args.repeat_cursor_page,
        **common,
        **counts,
    )
    return serve(AgileSimulator(config, host=host, port=port), args.port_file)
