"""Command line: serve a simulated Epixel install until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from crm_sim.cli import add_common_args, common_kwargs, serve
from epixel_sim.config import COUNT_FIELDS, PRESETS, preset
from epixel_sim.server import EpixelSimulator


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="epixel-sim", description=__doc__)
    add_common_args(p)
    p.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    p.add_argument("--api-key", default="sim-epixel-apikey", help="the apikey header")
    p.add_argument("--username", default="sim.distributor", help="the login's user name")
    p.add_argument("--password", default="sim-epixel-password", help="the login's password")
    p.add_argument("--access-token", default=None, help="a token accepted without a login")
    p.add_argument("--api-prefix", default="/api/v2/", help="/<api prefix>/<version>/")
    for name in COUNT_FIELDS:
        p.add_argument("--" + name, type=int, dest=name, help=f"number of {name}")
    p.add_argument("--plain", action="store_true", help="answer plain JSON arrays, no envelope")
    p.add_argument("--page-size", type=int, default=None, help="envelope page size")
    p.add_argument("--token-ttl-requests", type=int, default=0,
                   help="tokens expire after this many requests (0: never)")  # fmt: skip
    p.add_argument("--token-ttl-seconds", type=float, default=0,
                   help="tokens expire this long after issue (0: never)")  # fmt: skip
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
    extra = {"page_size": args.page_size} if args.page_size else {}
    config = preset(
        args.preset,
        api_key=args.api_key,
        username=args.username,
        password=args.password,
        access_token=args.access_token,
        api_prefix=args.api_prefix,
        envelope=not args.plain,
        token_ttl_requests=args.token_ttl_requests,
        token_ttl_seconds=args.token_ttl_seconds,
        **extra,
        **common,
        **counts,
    )
    return serve(EpixelSimulator(config, host=host, port=port), args.port_file)
