"""``python -m benchmarks``: run the benchmarks against the simulator and print the tables."""

from __future__ import annotations

import argparse
import platform
import sys
import time
import typing as t

from benchmarks import bench, kill

SECTIONS = ("throughput", "e2e", "latency", "requests", "reconcile", "kill", "side-by-side")
#: Sections run when none is named: not ``kill`` (a full run per kill) nor ``side-by-side``
#: (~25 min); ask for them with --only.
DEFAULT_SECTIONS = ("throughput", "e2e", "latency", "requests", "reconcile")


def _ints(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser.

    Returns:
        The parser.
    """
    p = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__)
    p.add_argument("--only", choices=SECTIONS, action="append",
                   help="run only these sections (default: all but kill)")  # fmt: skip
    p.add_argument("--throughput-contacts", type=int, default=20_000)
    p.add_argument("--repeats", type=int, default=2, help="alternating plain/tap runs")
    p.add_argument("--sizes", type=_ints, default=[10_000, 100_000, 1_000_000],
                   help="end-to-end contact counts, comma separated")  # fmt: skip
    p.add_argument("--latency-contacts", type=int, default=500)
    p.add_argument("--latency-ms", type=float, default=150.0)
    p.add_argument("--concurrency", type=_ints, default=[1, 4, 8, 16])
    p.add_argument("--requests-contacts", type=int, default=500)
    p.add_argument("--kill-sizes", type=_ints, default=[20_000],
                   help="contact counts of the kill section, comma separated")  # fmt: skip
    p.add_argument("--kill-at", type=_ints, default=[60, 100, 180, 360],
                   help="seconds after the start of a run at which to kill it")  # fmt: skip
    p.add_argument("--kill-modes", type=lambda s: s.split(","), default=list(kill.MODES),
                   help="who is killed: pipeline, tap, loader (comma separated)")  # fmt: skip
    p.add_argument("--reconcile-sizes", type=_ints, default=[2_000, 20_000],
                   help="full sync vs full pass contact counts, comma separated")  # fmt: skip
    p.add_argument("--sbs-sizes", type=_ints, default=[50_000, 200_000],
                   help="side-by-side contact counts (no latency), comma separated")  # fmt: skip
    p.add_argument("--sbs-latency", type=_ints, default=[20_000, 50],
                   help="side-by-side latency case: contacts,ms per request")  # fmt: skip
    p.add_argument("--sbs-repeats", type=int, default=2, help="side-by-side rounds")
    return p


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the chosen sections.

    Args:
        argv: Arguments.

    Returns:
        The exit code.
    """
    args = build_parser().parse_args(argv)
    only = args.only or list(DEFAULT_SECTIONS)
    bench._print(  # noqa: SLF001
        f"# tap-engagebay benchmarks\n\n{time.strftime('%Y-%m-%d %H:%M')}, Python "
        f"{platform.python_version()}, {platform.machine()}, "
        f"{__import__('os').cpu_count()} CPUs; simulator in its own process on 127.0.0.1."
    )
    if "throughput" in only:
        bench.throughput(args.throughput_contacts, args.repeats)
    if "e2e" in only:
        bench.end_to_end(args.sizes)
    if "latency" in only:
        bench.latency(args.latency_contacts, args.latency_ms, args.concurrency)
    if "requests" in only:
        bench.request_counts(args.requests_contacts)
    if "reconcile" in only:
        bench.full_pass(args.reconcile_sizes)
    if "side-by-side" in only:
        contacts, ms = args.sbs_latency
        bench.side_by_side(args.sbs_sizes, (contacts, float(ms)), args.sbs_repeats)
    if "kill" in only:
        kill.kill(args.kill_sizes, [float(s) for s in args.kill_at], args.kill_modes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
