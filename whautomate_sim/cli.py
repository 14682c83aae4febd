"""Command line: serve a simulated Whautomate account until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from crm_sim.cli import add_common_args, common_kwargs, serve
from whautomate_sim.config import PAGE_ZERO, PAST_END, PRESETS, preset
from whautomate_sim.server import WhautomateSimulator


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="whautomate-sim", description=__doc__)
    add_common_args(p)
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--api-key", default="sim-whautomate-key", help="the x-api-key expected")
    p.add_argument("--contacts", type=int, help="number of contacts")
    p.add_argument("--locations", type=int, help="number of locations")
    p.add_argument("--first-page", type=int, choices=(0, 1), default=1,
                   help="the number of the first page")  # fmt: skip
    p.add_argument("--page-zero", choices=PAGE_ZERO, default="alias",
                   help="what page 0 answers when pages count from 1")  # fmt: skip
    p.add_argument("--max-limit", type=int, default=100,
                   help="the largest page served (a larger limit is capped silently)")  # fmt: skip
    p.add_argument("--default-limit", type=int, default=10,
                   help="page size when a request sends no limit")  # fmt: skip
    p.add_argument("--past-end", choices=PAST_END, default="empty",
                   help="what a page past the end answers")  # fmt: skip
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
    counts = {
        n: getattr(args, n) for n in ("contacts", "locations") if getattr(args, n) is not None
    }
    config = preset(
        args.preset,
        api_key=args.api_key,
        first_page=args.first_page,
        page_zero=args.page_zero,
        max_limit=args.max_limit,
        default_limit=args.default_limit,
        past_end=args.past_end,
        **common,
        **counts,
    )
    return serve(WhautomateSimulator(config, host=host, port=port), args.port_file)
