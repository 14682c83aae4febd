"""Command line: serve a simulated Whautomate account until SIGTERM or SIGINT."""

from __future__ import annotations

import typing as t

from crm_sim.cli import account_parser, run_account
from whautomate_sim.config import PAGE_ZERO, PAST_END
from whautomate_sim.server import WhautomateSimulator

if t.TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: the core's options (``account_parser``), then this vendor's."""
    p = account_parser("whautomate-sim", __doc__, WhautomateSimulator)
    p.add_argument("--api-key", default="sim-whautomate-key", help="the x-api-key expected")
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
    """Run the simulator until SIGTERM/SIGINT (``argv`` defaults to sys.argv).

    Returns:
        The exit code.
    """
    return run_account(argv, build_parser(), WhautomateSimulator)
