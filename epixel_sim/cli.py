"""Command line: serve a simulated Epixel install until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import typing as t

from crm_sim.cli import account_parser, run_account
from epixel_sim.server import EpixelSimulator


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: the core's options (``account_parser``), then this vendor's."""
    p = account_parser("epixel-sim", __doc__, EpixelSimulator)
    p.add_argument("--api-key", default="sim-epixel-apikey", help="the apikey header")
    p.add_argument("--username", default="sim.distributor", help="the login's user name")
    p.add_argument("--password", default="sim-epixel-password", help="the login's password")
    p.add_argument("--access-token", default=None, help="a token accepted without a login")
    p.add_argument("--api-prefix", default="/api/v2/", help="/<api prefix>/<version>/")
    p.add_argument("--plain", action="store_false", dest="envelope",
                   help="answer plain JSON arrays, no envelope")  # fmt: skip
    p.add_argument("--page-size", type=int, default=argparse.SUPPRESS,
                   help="envelope page size (default: the preset's)")  # fmt: skip
    p.add_argument("--token-ttl-requests", type=int, default=0,
                   help="tokens expire after this many requests (0: never)")  # fmt: skip
    p.add_argument("--token-ttl-seconds", type=float, default=0,
                   help="tokens expire this long after issue (0: never)")  # fmt: skip
    return p


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the simulator until SIGTERM/SIGINT (``argv`` defaults to sys.argv).

    Returns:
        The exit code.
    """
    return run_account(argv, build_parser(), EpixelSimulator)
