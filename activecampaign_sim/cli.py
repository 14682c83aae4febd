"""Command line: serve a simulated ActiveCampaign account until SIGTERM or SIGINT."""

from __future__ import annotations

import typing as t

from activecampaign_sim.server import ACSimulator
from crm_sim.cli import account_parser, run_account

if t.TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: the core's options (``account_parser``), then this vendor's."""
    p = account_parser("activecampaign-sim", __doc__, ACSimulator)
    p.add_argument("--api-token", default="sim-ac-token", help="the Api-Token header's value")
    p.add_argument("--timezone", default="America/Chicago", help="the account's time zone")
    p.add_argument("--rate-limit", type=_rate_limit, default=5,
                   help="requests per second per account (0: no limit)")  # fmt: skip
    p.add_argument("--field-value-touches-contact", action="store_true",
                   help="a changed field value moves its contact's udate")  # fmt: skip
    return p


def _rate_limit(text: str) -> int | None:
    return int(text) or None


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the simulator until SIGTERM/SIGINT (``argv`` defaults to sys.argv).

    Returns:
        The exit code.
    """
    return run_account(argv, build_parser(), ACSimulator)
