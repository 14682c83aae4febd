"""The benchmarks: throughput, Meltano end to end, latency-bound sync, requests, full pass."""

from __future__ import annotations

import collections
import json
import math
import os
import subprocess
import tempfile
import time
import typing as t
from pathlib import Path

import duckdb
import requests
from target_duckdb_sdk.connector import LIMIT_RAISED
from target_duckdb_sdk.sink import CHECKPOINT_RETRY

from benchmarks.harness import (
    API_KEY,
    BIN,
    PAGE_SIZE,
    ROOT,
    RssSampler,
    compile_bytecode,
    contacts_only_catalog,
    endpoint_of,
    ensure_dlt,
    lean_server,
    meltano_env,
    mib,
    simulator,
    table,
    tap_config,
)

RUN_TIMEOUT_S = 3600
_RECORD_MARKS = (b'"type":"RECORD"', b'"type": "RECORD"')
_CHILD_ENDPOINTS = ("notes", "call-logs")


def _print(text: str) -> None:
    print(text, flush=True)


# ---- 1. throughput of the tap against a plain requests + json loop ----------------------------


def plain_loop(url: str, max_pages: int) -> tuple[int, float]:
    """Read every contacts page the way the tap does, with nothing else.

    Args:
        url: The simulator's URL.
        max_pages: Stop after this many pages whatever happens (a bound on the loop).

    Returns:
        (records, seconds).
    """
    session = requests.Session()
    headers = {"Authorization": API_KEY, "Accept": "application/json"}
    cursor: str | None = None
    count = 0
    started = time.perf_counter()
    for _ in range(max_pages):
        form = {"page_size": PAGE_SIZE, "sort_key": "created_time"}
        if cursor:
            form["cursor"] = cursor
        resp = session.post(
            f"{url}/dev/api/panel/subscribers", data=form, headers=headers, timeout=60
        )
        resp.raise_for_status()
        records = json.loads(resp.content)
        count += len(records)
        cursor = records[-1].get("cursor") if records else None
        if not cursor:
            break
    session.close()
    return count, time.perf_counter() - started


def tap_run(config: Path, catalog: Path | None = None) -> tuple[int, float, float, int]:
    """Run the tap, counting RECORD messages on its stdout as they arrive.

    Args:
        config: Tap config.
        catalog: Catalog (selection), if any.

    Returns:
        (records, wall seconds including start-up, seconds from the first record to the end,
        peak RSS in bytes).

    Raises:
        RuntimeError: When the tap fails.
    """
    cmd = [str(BIN / "tap-engagebay"), "--config", str(config)]
    if catalog is not None:
        cmd += ["--catalog", str(catalog)]
    started = time.perf_counter()
    first: float | None = None
    count = 0
    rest = b""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with (
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env) as proc,
        RssSampler(proc.pid) as sampler,
    ):
        assert proc.stdout is not None  # noqa: S101
        deadline = started + RUN_TIMEOUT_S
        while chunk := os.read(proc.stdout.fileno(), 1 << 20):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            whole, rest = data[:cut], data[cut:]
            found = sum(whole.count(mark) for mark in _RECORD_MARKS)
            if found and first is None:
                first = time.perf_counter()
            count += found
            if time.perf_counter() > deadline:
                proc.kill()
                msg = "tap run exceeded its time limit"
                raise RuntimeError(msg)
        rc = proc.wait(timeout=60)
    ended = time.perf_counter()
    if rc != 0:
        msg = f"tap-engagebay exited with {rc}"
        raise RuntimeError(msg)
    return count, ended - started, ended - (first or started), sampler.peak_total


def throughput(contacts: int, repeats: int) -> str:
    """Benchmark 1: contacts records/s of the tap and of a plain loop, same simulator.

    Args:
        contacts: Contacts in the simulated account.
        repeats: Alternating runs of each (the best of each is kept).

    Returns:
        The report section.
    """
    _print(f"\n## 1. Tap throughput, contacts stream only ({contacts:,} contacts)\n")
    rows = []
    with simulator("--preset", "demo", "--contacts", str(contacts)) as sim, \
            tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
        work = Path(tmp)
        config = tap_config(sim.url, work)
        catalog = contacts_only_catalog(config, work)
        max_pages = contacts // PAGE_SIZE + 2
        best_plain = best_tap = best_stream = 0.0
        for i in range(repeats):
            n, secs = plain_loop(sim.url, max_pages)
            best_plain = max(best_plain, n / secs)
            rows.append([f"plain requests + json (run {i + 1})", f"{n:,}", f"{secs:.1f}",
                         f"{n / secs:,.0f}", ""])  # fmt: skip
            n, wall, streaming, _ = tap_run(config, catalog)
            best_tap = max(best_tap, n / wall)
            best_stream = max(best_stream, (n - PAGE_SIZE) / max(streaming, 1e-9))
            rows.append([f"tap-engagebay (run {i + 1})", f"{n:,}", f"{wall:.1f}",
                         f"{n / wall:,.0f}",
                         f"{(n - PAGE_SIZE) / max(streaming, 1e-9):,.0f}"])  # fmt: skip
            if n != contacts:
                rows[-1][0] += f" (expected {contacts:,})"
    text = table(
        ["run", "records", "seconds", "records/s (wall)", "records/s (after 1st page)"], rows
    )
    text += (
        f"\n\nRatio tap / plain loop (best of {repeats}): **{best_tap / best_plain:.2f}x** on wall "
        f"time including the tap's start-up (imports, 4 custom-field requests, catalog); "
        f"**{best_stream / best_plain:.2f}x** once records flow. Goal: >= 0.5x."
    )
    _print(text)
    return text


# ---- 2. end to end through Meltano into DuckDB ------------------------------------------------


def meltano_run(url: str, work: Path) -> tuple[float, RssSampler, int, tuple[int, int]]:
    """``meltano run tap-engagebay target-duckdb`` (contacts only) into a fresh warehouse.

    Meltano's system database is a throwaway SQLite file, so the project's state is untouched.

    Args:
        url: The server's URL.
        work: Scratch folder.

    Returns:
        (seconds, the RSS sampler with its peaks, rows in the warehouse, (loads that ran out
        of memory, of those the loads retried with a higher limit)).

    Raises:
        RuntimeError: When the run fails.
    """
    warehouse = work / "warehouse.duckdb"
    env = meltano_env(url, work, TAP_ENGAGEBAY__SELECT='["contacts.*"]')
    log = (work / "meltano.log").open("wb")
    started = time.perf_counter()
    with (
        log,
        subprocess.Popen(
            [
                str(ROOT / ".venv-meltano" / "bin" / "meltano"),
                "run",
                "tap-engagebay",
                "target-duckdb",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ) as proc,
        RssSampler(proc.pid) as sampler,
    ):
        try:
            rc = proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    seconds = time.perf_counter() - started
    if rc != 0:
        tail = (work / "meltano.log").read_text(errors="replace")[-3000:]
        msg = f"meltano run exited with {rc}:\n{tail}"
        raise RuntimeError(msg)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("SELECT count(*) FROM engagebay.contacts").fetchone()
    finally:
        con.close()
    text = (work / "meltano.log").read_text(errors="replace")
    retries = (text.count(CHECKPOINT_RETRY), text.count(LIMIT_RAISED))
    return seconds, sampler, int(rows[0]) if rows else 0, retries


def end_to_end(sizes: list[int]) -> str:
    """Benchmark 2: rows/s and peak RSS of a Meltano run at several sizes.

    Args:
        sizes: Contact counts.

    Returns:
        The report section.
    """
    _print("\n## 2. End to end: meltano run tap-engagebay target-duckdb (contacts only)\n")
    rows = []
    peaks: dict[int, int] = {}
    for size in sizes:
        with simulator("--preset", "demo", "--contacts", str(size)) as sim, \
                tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
            seconds, sampler, loaded, (checkpointed, raised) = meltano_run(sim.url, Path(tmp))
        by_name = sampler.peak_by_name
        peaks[size] = sampler.peak_total
        rows.append(
            [
                f"{size:,}",
                f"{loaded:,}" + ("" if loaded == size else " (MISMATCH)"),
                f"{seconds:,.1f}",
                f"{loaded / seconds:,.0f}",
                mib(sampler.peak_total),
                mib(by_name.get("meltano", 0)),
                mib(by_name.get("tap-engagebay", 0)),
                mib(by_name.get("target-duckdb-sdk", 0)),
                str(checkpointed),
                str(raised),
            ]
        )
        _print(f"  {size:,} contacts: {seconds:,.1f} s, peak {mib(sampler.peak_total)} MiB")
    text = table(
        [
            "contacts",
            "rows loaded",
            "seconds",
            "rows/s",
            "peak RSS all (MiB)",
            "meltano",
            "tap",
            "loader",
            "out of memory",
            "limit raised",
        ],
        rows,
    )
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        growth = peaks[large] / peaks[small] - 1
        text += (
            f"\n\nPeak memory at {large:,} vs {small:,} contacts: {growth:+.0%} "
            "(goal: no more than +20%). Peaks are of the sum of every process's RSS, "
            "sampled every 0.1 s; per-process columns are each process's own peak. "
            "'out of memory': loads that ran out of DuckDB's memory_limit (the loader then "
            "checkpoints and retries them at the same limit); 'limit raised': those that ran "
            "out again and were retried with a higher limit (the loader's warnings)."
        )
    _print(text)
    return text


# ---- 3. latency: wall time against the longest chain of dependent requests ---------------------


def chains(log: list[dict[str, t.Any]]) -> dict[str, list[int]]:
    """Split a request log into chains of requests that must run one after another.

    A cursor-paged listing (same endpoint, sort key and partition) is one chain: each page
    needs the previous page's last record. Each contact's notes or call logs are a chain of
    their own, and so is every other request (unpaged endpoints, event windows).

    Args:
        log: The simulator's request log.

    Returns:
        ``{endpoint: [length of each chain]}``.
    """
    out: dict[str, list[int]] = collections.defaultdict(list)
    open_chain: dict[tuple[str, ...], int] = {}
    for entry in log:
        endpoint = endpoint_of(entry["path"])
        params = {**entry.get("query", {}), **entry.get("form", {})}
        if "cursor" not in params and "sort_key" not in params:
            out[endpoint].append(1)
            continue
        key = (
            endpoint,
            str(params.get("sort_key")),
            str(params.get("track_id")),
            str(params.get("parentId", params.get("contact_id"))),
        )
        if "cursor" not in params or key not in open_chain:
            open_chain[key] = len(out[endpoint])
            out[endpoint].append(1)
        else:
            out[endpoint][open_chain[key]] += 1
    return out


def latency(contacts: int, latency_ms: float, levels: list[int]) -> str:
    """Benchmark 3: a full sync of a small account with latency, at several concurrencies.

    Args:
        contacts: Contacts in the account (demo preset otherwise).
        latency_ms: Latency of every API answer.
        levels: ``max_concurrent_requests`` values.

    Returns:
        The report section.
    """
    _print(f"\n## 3. Full sync of a small account at {latency_ms:.0f} ms per request\n")
    rows = []
    with simulator("--preset", "demo", "--contacts", str(contacts)) as sim, \
            tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
        work = Path(tmp)
        counts = {s: sim.count(s) for s in ("contacts", "notes", "call_logs", "deals")}
        # The tap's own time: the same sync with no latency, at the default concurrency.
        _, own, _, _ = tap_run(tap_config(sim.url, work))
        sim.set_latency(latency_ms)
        for level in levels:
            sim.clear_requests()
            config = tap_config(sim.url, work, max_concurrent_requests=level)
            launched = time.time()
            records, wall, _, _ = tap_run(config)
            log = sim.requests()
            # The simulator's clock is the wall clock here (nothing advances it).
            start_up = min(e["ts"] for e in log) - launched
            peak = sim.peak_in_flight()
            by_endpoint = chains(log)
            children = [n for e in _CHILD_ENDPOINTS for n in by_endpoint.get(e, [])]
            longest_child = max(children, default=0)
            contact_chain = max(by_endpoint.get("subscribers", [0]))
            full_pages = math.ceil(counts["contacts"] / PAGE_SIZE)
            others = [n for e, ns in by_endpoint.items() if e not in _CHILD_ENDPOINTS for n in ns]
            longest = max([*others, full_pages + longest_child])
            bound = longest * latency_ms / 1000
            waves = max(longest, math.ceil(len(log) / level))
            bound_at = waves * latency_ms / 1000
            rows.append(
                [
                    level,
                    peak,
                    f"{len(log):,}",
                    f"{records:,}",
                    f"{wall:.1f}",
                    f"{start_up:.1f}",
                    f"{longest} ({bound:.2f} s)",
                    f"{wall / bound:.1f}x",
                    f"{waves} ({bound_at:.1f} s)",
                    f"**{wall / bound_at:.2f}x**",
                ]
            )
            _print(f"  max_concurrent_requests={level}: {wall:.1f} s")
    text = (
        f"Account: {counts['contacts']:,} contacts, {counts['notes']:,} notes, "
        f"{counts['call_logs']:,} call logs, {counts['deals']:,} deals in 3 tracks "
        f"(`--preset demo --contacts {contacts}`), every stream synced, tap alone "
        f"(output to a pipe, counted), {latency_ms:.0f} ms on every API request. Contacts chain: "
        f"{contact_chain} pages. The same sync with no latency takes {own:.1f} s (the tap's "
        "own work: start-up, decoding, typing, writing).\n\n"
    )
    text += table(
        [
            "max_concurrent_requests",
            "peak in flight (server)",
            "requests",
            "records",
            "wall (s)",
            "first request after (s)",
            "longest chain, requests (bound)",
            "wall / bound",
            "rounds at this concurrency (bound)",
            "wall / bound at this concurrency",
        ],
        rows,
    )
    text += (
        "\n\n*longest chain*: the requests that must run one after another (a cursor chain; "
        "the contacts chain plus one child page), times the latency: what a client with "
        "unlimited concurrency could reach. *rounds at this concurrency*: the larger of that "
        "chain and requests / `max_concurrent_requests`, times the latency: no client allowed "
        "that many requests in flight can take less. *peak in flight*: the most requests the "
        "simulator was answering at once. *first request after*: the tap's start-up (Python "
        "and the SDK's imports, settings, catalog), before any request can be sent."
    )
    _print(text)
    return text


# ---- 4. request counts of a full and an incremental sync --------------------------------------


def _tap_with_state(config: Path, state: dict[str, t.Any] | None, work: Path) -> dict[str, t.Any]:
    cmd = [str(BIN / "tap-engagebay"), "--config", str(config)]
    if state is not None:
        (work / "state.json").write_text(json.dumps(state))
        cmd += ["--state", str(work / "state.json")]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        cmd, check=True, capture_output=True, timeout=RUN_TIMEOUT_S, env=env
    ).stdout
    last: dict[str, t.Any] = {}
    for line in out.splitlines():
        if b'"STATE"' in line:
            message = json.loads(line)
            if message.get("type") == "STATE":
                last = message["value"]
    return last


def request_counts(contacts: int) -> str:
    """Benchmark 4: requests per endpoint of a full sync, then of an incremental one.

    Args:
        contacts: Contacts in the account (demo preset otherwise).

    Returns:
        The report section.
    """
    _print(f"\n## 4. Requests per endpoint, full then incremental sync ({contacts:,} contacts)\n")
    with simulator("--preset", "demo", "--contacts", str(contacts)) as sim, \
            tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
        work = Path(tmp)
        config = tap_config(sim.url, work)
        started = time.perf_counter()
        state = _tap_with_state(config, None, work)
        full_s = time.perf_counter() - started
        full = collections.Counter(endpoint_of(e["path"]) for e in sim.requests())
        sim.clear_requests()
        started = time.perf_counter()
        _tap_with_state(config, state, work)
        incr_s = time.perf_counter() - started
        incr = collections.Counter(endpoint_of(e["path"]) for e in sim.requests())
    rows = [[e, full[e], incr.get(e, 0)] for e in sorted(full.keys() | incr.keys())]
    rows.append(["**total**", f"**{sum(full.values()):,}**", f"**{sum(incr.values()):,}**"])
    rows.append(["wall time, no latency (s)", f"{full_s:.1f}", f"{incr_s:.1f}"])
    text = table(["endpoint", "full sync", "incremental (same account, first run's state)"], rows)
    _print(text)
    return text


# ---- 5. the full pass against a full sync, end to end -----------------------------------------


def _pipeline(config: Path, target_config: Path, work: Path, name: str) -> float:
    """Run ``tap-engagebay | target-duckdb-sdk`` once; its wall time in seconds.

    Raises:
        RuntimeError: When the tap or the loader fails.
    """
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    with (work / f"{name}.tap.log").open("wb") as tap_log, \
            (work / f"{name}.target.log").open("wb") as target_log:  # fmt: skip
        tap = subprocess.Popen(
            [str(BIN / "tap-engagebay"), "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=tap_log,
            env=env,
        )
        target = subprocess.Popen(
            [str(BIN / "target-duckdb-sdk"), "--config", str(target_config)],
            stdin=tap.stdout,
            stdout=subprocess.DEVNULL,
            stderr=target_log,
            env=env,
        )
        assert tap.stdout is not None  # noqa: S101 - Popen's contract with stdout=PIPE
        tap.stdout.close()
        target.wait(timeout=RUN_TIMEOUT_S)
        tap.wait(timeout=RUN_TIMEOUT_S)
    elapsed = time.perf_counter() - started
    if tap.returncode or target.returncode:
        msg = f"{name}: tap exited {tap.returncode}, loader {target.returncode} (logs in {work})"
        raise RuntimeError(msg)
    return elapsed


def full_pass(sizes: list[int]) -> str:
    """Benchmark 5: a full sync, then the full pass (``reconcile``) into the same warehouse.

    Every stream, the demo account with ``--contacts`` contacts; tap piped into the DuckDB
    loader as Meltano does, without Meltano's own start-up.

    Args:
        sizes: Contact counts.

    Returns:
        The report section.
    """
    _print("\n## 5. Full sync vs the full pass (reconcile), every stream, into DuckDB\n")
    rows = []
    for contacts in sizes:
        with simulator("--preset", "demo", "--contacts", str(contacts)) as sim, \
                tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
            work = Path(tmp)
            target = work / "target.json"
            target.write_text(
                json.dumps({"path": str(work / "w.duckdb"), "default_target_schema": "engagebay"})
            )
            full_s = _pipeline(tap_config(sim.url, work), target, work, "full")
            requests_full = len(sim.requests())
            sim.clear_requests()
            reconcile = tap_config(sim.url, work, reconcile=True)
            pass_s = _pipeline(reconcile, target, work, "reconcile")
            requests_pass = len(sim.requests())
        rows.append([
            f"{contacts:,}",
            f"{full_s:.1f} ({requests_full:,} requests)",
            f"{pass_s:.1f} ({requests_pass:,} requests)",
            f"**{pass_s / full_s:.2f}x**",
        ])  # fmt: skip
        _print(f"{contacts:,} contacts: full sync {full_s:.1f} s, full pass {pass_s:.1f} s")
    text = table(["contacts", "full sync (s)", "full pass (s)", "pass / sync"], rows)
    _print(text)
    return text


# ---- 6. side by side against a lean server: plain loop, tap, Meltano, dlt ---------------------

_PLAIN_SCRIPT = (
    "import json, sys; from benchmarks.bench import plain_loop; "
    "print(json.dumps(plain_loop(sys.argv[1], int(sys.argv[2]))))"
)


def _sampled(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, int, str]:
    """Run a command to its end, sampling the RSS of it and its children.

    Returns:
        (wall seconds, peak RSS in bytes, its stdout).

    Raises:
        RuntimeError: When it fails.
    """
    started = time.perf_counter()
    with (
        log.open("wb") as err,
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err) as proc,
        RssSampler(proc.pid) as sampler,
    ):
        out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        msg = f"{cmd[0]} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
        raise RuntimeError(msg)
    return seconds, sampler.peak_total, out.decode()


def dlt_run(python: Path, url: str, work: Path) -> tuple[float, int, int]:
    """dlt's ``rest_api`` source into a fresh DuckDB file (``benchmarks/dlt_pipeline.py``).

    Returns:
        (seconds, peak RSS in bytes, rows in the warehouse).
    """
    env = {**os.environ, "EB_API_KEY": API_KEY, "RUNTIME__DLTHUB_TELEMETRY": "false",
           "PYTHONWARNINGS": "ignore"}  # fmt: skip
    cmd = [str(python), str(ROOT / "benchmarks" / "dlt_pipeline.py"), url, str(work)]
    seconds, peak, out = _sampled(cmd, env, work / "dlt.log")
    return seconds, peak, int(json.loads(out.strip().splitlines()[-1])["rows"])


_PLAIN = "plain requests + json"
_TAP = "tap-engagebay alone (to a pipe)"
_MELTANO = "meltano run tap-engagebay target-duckdb"
_DLT = "dlt rest_api -> duckdb (jsonl)"


def _contenders(dlt_python: Path, url: str, pages: int, work: Path, catalog: Path) -> dict[
    str, t.Callable[[], tuple[int, float, int]]
]:  # fmt: skip
    """Each contender as a call returning (records or rows, seconds, peak RSS in bytes)."""

    def plain() -> tuple[int, float, int]:
        cmd = [str(BIN / "python"), "-c", _PLAIN_SCRIPT, url, str(pages + 1)]
        _, peak, out = _sampled(cmd, dict(os.environ), work / "plain.log")
        n, secs = json.loads(out)  # the loop's own time: Python's start-up not counted
        return n, secs, peak

    def tap() -> tuple[int, float, int]:
        n, secs, _, peak = tap_run(tap_config(url, work), catalog)
        return n, secs, peak

    def meltano() -> tuple[int, float, int]:
        with tempfile.TemporaryDirectory(prefix="eb-bench-m-") as mtmp:
            try:
                secs, sampler, n, _ = meltano_run(url, Path(mtmp))
            except RuntimeError:
                kept = ROOT / ".bench-cache" / "meltano-failed.log"
                kept.write_bytes((Path(mtmp) / "meltano.log").read_bytes())
                raise
        return n, secs, sampler.peak_total

    def dlt() -> tuple[int, float, int]:
        with tempfile.TemporaryDirectory(prefix="eb-bench-d-") as dtmp:
            secs, peak, n = dlt_run(dlt_python, url, Path(dtmp))
        return n, secs, peak

    return {_PLAIN: plain, _TAP: tap, _MELTANO: meltano, _DLT: dlt}


def _side_by_side_case(  # noqa: PLR0913 - one case of the table
    dlt_python: Path, contacts: int, latency_ms: float, repeats: int, *, rows: list[list[str]],
    best: dict[str, float],
) -> None:  # fmt: skip
    pages = math.ceil(contacts / PAGE_SIZE)  # the last page has no cursor
    bound = pages * latency_ms / 1000
    label = f"{contacts:,}" + (f" @ {latency_ms:.0f} ms" if latency_ms else "")
    with lean_server(contacts, latency_ms) as url, \
            tempfile.TemporaryDirectory(prefix="eb-bench-") as tmp:  # fmt: skip
        work = Path(tmp)
        catalog = contacts_only_catalog(tap_config(url, work), work)
        contenders = _contenders(dlt_python, url, pages, work, catalog)
        for i in range(repeats):
            for name, run in contenders.items():
                try:
                    n, secs, peak = run()
                except (RuntimeError, subprocess.SubprocessError, ValueError) as exc:
                    # One contender failing costs the others nothing: its row says why.
                    why = str(exc).strip().splitlines()[0][:120]
                    rows.append([label, f"{name} (run {i + 1})", "**failed**", why, "", "", ""])
                    _print(f"| {' | '.join(rows[-1])} |")
                    continue
                rate = n / secs
                key = f"{label}|{name}"
                best[key] = max(best.get(key, 0.0), rate)
                rows.append([
                    label, f"{name} (run {i + 1})",
                    f"{n:,}" + ("" if n == contacts else f" (expected {contacts:,})"),
                    f"{secs:,.1f}", f"{rate:,.0f}",
                    f"{secs / bound:.2f}x" if latency_ms else "", mib(peak),
                ])  # fmt: skip
                _print(f"| {' | '.join(rows[-1])} |")


def side_by_side(sizes: list[int], latency: tuple[int, float], repeats: int) -> str:
    """Benchmark 6: plain loop, tap, Meltano and dlt against the lean server, alternating.

    Args:
        sizes: Contact counts read with no latency.
        latency: ``(contacts, ms per request)`` of the latency case.
        repeats: Rounds of the four contenders at each size.

    Returns:
        The report section.
    """
    _print("\n## 6. Side by side against a lean server: tap, Meltano and dlt (contacts only)\n")
    dlt_python = ensure_dlt()
    compile_bytecode()
    load = os.getloadavg()
    rows: list[list[str]] = []
    best: dict[str, float] = {}
    cases = [(size, 0.0) for size in sizes] + [latency]
    for contacts, ms in cases:
        _side_by_side_case(dlt_python, contacts, ms, repeats, rows=rows, best=best)
    end_load = os.getloadavg()
    text = (
        f"Load average at the start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"(1/5/15 min), at the end {end_load[0]:.1f} / {end_load[1]:.1f} / "
        f"{end_load[2]:.1f}.\n\n"
    )
    text += table(["contacts", "contender", "records / rows", "seconds", "per second",
                   "wall / sequential bound", "peak RSS (MiB)"], rows)  # fmt: skip
    lines = []
    for contacts, ms in cases:
        label = f"{contacts:,}" + (f" @ {ms:.0f} ms" if ms else "")
        plain, tap, melt, dlt = (best.get(f"{label}|{n}", math.nan) for n in
                                 (_PLAIN, _TAP, _MELTANO, _DLT))  # fmt: skip
        lines.append(
            f"- {label}: tap alone **{tap / plain:.2f}x** the plain loop; Meltano end "
            f"to end **{melt / dlt:.2f}x** dlt's rows/s ({melt:,.0f} vs {dlt:,.0f})"
        )
    text += f"\n\nBest of {repeats} of each:\n\n" + "\n".join(lines)
    _print(text)
    return text
