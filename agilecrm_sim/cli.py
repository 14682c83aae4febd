"""Command line: serve a simulated Agile CRM account until SIGTERM or SIGINT."""

from __future__ import annotations

import typing as t

from agilecrm_sim.server import AgileSimulator
from crm_sim.cli import account_parser, run_account

if t.TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: the core's options (``account_parser``), then this vendor's."""
    p = account_parser("agilecrm-sim", __doc__, AgileSimulator)
    p.add_argument("--email", default="admin@sim.example.com", help="Basic auth user name")
    p.add_argument("--api-key", default="sim-agile-key", help="Basic auth password")
    p.add_argument("--page-size", type=int, dest="default_page_size", default=20,
                   help="page size when a request sends none")  # fmt: skip
    p.add_argument("--max-page-size", type=int, default=1000,
                   help="larger pages time out with a 500")  # fmt: skip
    p.add_argument("--repeat-cursor-page", type=int, default=None,
                   help="the page of this number repeats the cursor it was asked with")  # fmt: skip
    return p


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the simulator until SIGTERM/SIGINT (``argv`` defaults to sys.argv).

    Returns:
        The exit code.
    """
    return run_account(argv, build_parser(), AgileSimulator)
