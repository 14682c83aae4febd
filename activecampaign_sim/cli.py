"""Command line: serve a simulated ActiveCampaign account until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from activecampaign_sim.config import COUNT_FIELDS, PRESETS, preset
from activecampaign_sim.server import ACSimulator
from crm_sim.cli import add_common_args, common_kwargs, serve


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="activecampaign-sim", description=__doc__)
    add_common_args(p)
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--api-token", default="sim-ac-token", help="the Api-Token header's value")
    p.add_argument("--timezone", default="America/Chicago", help="the account's time zone")
    for name in COUNT_FIELDS:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, type=int, dest=name, help=f"number of {name.replace('_', ' ')}")
    p.add_argument("--rate-limit", type=int, default=5,
                   help="requests per second per account (0: no limit)")  # fmt: skip
    p.add_argument("--field-value-touches-contact", action="store_true",
                   help="a changed field value moves its contact's udate")  # fmt: skip
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
        api_token=args.api_token,
        timezone=args.timezone,
        rate_limit=args.rate_limit or None,
        field_value_touches_contact=args.field_value_touches_contact,
        **common,
        **counts,
    )
    return serve(ACSimulator(config, host=host, port=port), args.port_file)
