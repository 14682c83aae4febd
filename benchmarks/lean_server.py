"""A lean EngageBay server for the benchmarks: pre-rendered pages, served from a file.

The bundled simulator builds every record on each request (about 2,500 records/s here), so
against it a benchmark measures the simulator as much as the client. This server renders the
contacts listing (``sort_key=created_time``, 100 a page, the cursor chain a full sync follows)
and the small lists a run needs (custom fields, tracks, users...) once, with the simulator's own
generator, into a cache file; then it answers from that file (memory-mapped) with a
single-threaded asyncio loop on 127.0.0.1, so that it serves far faster than any client reads.
Anything else gets a 404 that it also writes to stderr, so a benchmark that strays is seen.

Run ``python -m benchmarks.lean_server --contacts N --port-file F`` (``--latency-ms`` delays
every API answer; the delays of concurrent requests overlap, as a real server's do).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mmap
import signal
import sys
import typing as t
import urllib.parse
from pathlib import Path

from engagebay_sim.api import SMALL_PATHS
from engagebay_sim.config import preset
from engagebay_sim.data import SCOPES
from engagebay_sim.store import Store

if t.TYPE_CHECKING:
    from collections.abc import Sequence

API_PREFIX = "/dev/api/panel/"
PAGE_SIZE = 100
CACHE_VERSION = 1
_MAX_HEADER = 64 * 1024
_MAX_BODY = 1 << 20


def _json(data: object) -> bytes:
    # As the simulator writes its answers (engagebay_sim/server.py).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(contacts: int, api_key: str, seed: int, cache_dir: Path) -> Path:
    """Render the account's contact pages and small lists into ``cache_dir`` (once).

    Args:
        contacts: Contacts in the account (``--preset demo`` otherwise).
        api_key: The key requests must carry (not stored in the cache).
        seed: The simulator's seed.
        cache_dir: Folder of the cache files.

    Returns:
        The index file (``<name>.json``, beside its ``<name>.bin``).
    """
    name = f"contacts-{contacts}-seed{seed}-v{CACHE_VERSION}"
    index_path = cache_dir / f"{name}.json"
    if index_path.exists():
        return index_path
    cache_dir.mkdir(parents=True, exist_ok=True)
    store = Store(preset("demo", seed=seed, api_key=api_key, contacts=contacts))
    routes: dict[str, list[int]] = {}
    pages: dict[str, list[int]] = {}
    bin_tmp = cache_dir / f"{name}.bin.tmp"
    with bin_tmp.open("wb") as out:

        def put(body: bytes) -> list[int]:
            at = out.tell()
            out.write(body)
            return [at, len(body)]

        for path, stream in SMALL_PATHS.items():
            routes[path] = put(_json(store.small(stream)))
        for scope in SCOPES:
            routes[f"customfields/list/{scope}"] = put(_json(store.custom_fields(scope)))
        cursor = ""
        for _ in range(contacts // PAGE_SIZE + 2):  # bounded: one more page than needed
            records = store.page("contacts", sort_key="created_time", cursor=cursor or None,
                                 size=PAGE_SIZE)  # fmt: skip
            pages[cursor] = put(_json(records))
            cursor = records[-1].get("cursor", "") if records else ""
            if not cursor:
                break
    bin_tmp.replace(cache_dir / f"{name}.bin")
    tmp = index_path.with_name(index_path.name + ".tmp")
    tmp.write_text(json.dumps({"routes": routes, "pages": pages}))
    tmp.replace(index_path)
    return index_path


class LeanServer:
    """Answer from the rendered cache."""

    def __init__(self, index_path: Path, api_key: str, latency_ms: float) -> None:
        """Open the cache.

        Args:
            index_path: The index file written by :func:`render`.
            api_key: The key requests must carry.
            latency_ms: Delay of every API answer, in ms.
        """
        index = json.loads(index_path.read_text())
        self.routes: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in index["routes"].items()}
        self.pages: dict[str, tuple[int, int]] = {k: tuple(v) for k, v in index["pages"].items()}
        self._file = index_path.with_suffix(".bin").open("rb")
        self.data = memoryview(mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ))
        self.api_key = api_key.encode()
        self.delay = latency_ms / 1000

    def answer(self, method: bytes, target: bytes, auth: bytes, body: bytes) -> tuple[int, t.Any]:
        """The status and body (a slice of the cache, or bytes) of one request.

        Args:
            method: HTTP method.
            target: Request target (path and query).
            auth: The ``Authorization`` header.
            body: The request body.

        Returns:
            ``(status, body)``.
        """
        split = urllib.parse.urlsplit(target.decode("latin-1"))
        route = split.path.removeprefix(API_PREFIX).strip("/")
        if auth != self.api_key:
            return 401, b'{"error":"Unauthorized"}'
        if route == "subscribers" and method in {b"POST", b"GET"}:
            params = dict(urllib.parse.parse_qsl(split.query))
            params.update(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
            if params.get("sort_key", "created_time") == "created_time" and params.get(
                "page_size"
            ) == str(PAGE_SIZE):
                at = self.pages.get(params.get("cursor", ""))
                if at is not None:
                    return 200, self.data[at[0] : at[0] + at[1]]
        elif method == b"GET" and route in self.routes:
            at = self.routes[route]
            return 200, self.data[at[0] : at[0] + at[1]]
        sys.stderr.write(f"lean server: 404 for {method.decode()} {target.decode()} {body!r}\n")
        return 404, b'{"error":"Resource not found","status":"404"}'

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one keep-alive connection until the client closes it.

        Args:
            reader: Its reader.
            writer: Its writer.
        """
        try:
            while True:  # one request a turn; ends with the connection
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    ConnectionError,
                    asyncio.CancelledError,  # the server is stopping
                ):
                    return
                lines = head.split(b"\r\n")
                method, target, _ = lines[0].split(b" ", 2)
                headers = {}
                for line in lines[1:]:
                    key, _, value = line.partition(b":")
                    headers[key.strip().lower()] = value.strip()
                length = min(int(headers.get(b"content-length", b"0")), _MAX_BODY)
                body = await reader.readexactly(length) if length else b""
                status, payload = self.answer(method, target, headers.get(b"authorization", b""),
                                              body)  # fmt: skip
                if self.delay and target.startswith(API_PREFIX.encode()):
                    await asyncio.sleep(self.delay)
                reason = {200: b"OK", 401: b"Unauthorized", 404: b"Not Found"}[status]
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
                    b"Content-Length: %d\r\n\r\n" % (status, reason, len(payload))
                )
                writer.write(payload)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()


async def _serve(server: LeanServer, port: int, port_file: Path | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    srv = await asyncio.start_server(server.connection, "127.0.0.1", port, limit=_MAX_HEADER)
    async with srv:
        bound = srv.sockets[0].getsockname()[1]
        if port_file is not None:
            tmp = port_file.with_name(port_file.name + ".tmp")
            tmp.write_text(f"http://127.0.0.1:{bound}\n")
            tmp.replace(port_file)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Render (if not cached) and serve until SIGTERM/SIGINT.

    Args:
        argv: Arguments.

    Returns:
        The exit code.
    """
    p = argparse.ArgumentParser(prog="python -m benchmarks.lean_server", description=__doc__)
    p.add_argument("--contacts", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--api-key", default="sim-key")
    p.add_argument("--cache-dir", type=Path, default=Path(".bench-cache"))
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", type=Path)
    p.add_argument("--latency-ms", type=float, default=0.0)
    args = p.parse_args(argv)
    index = render(args.contacts, args.api_key, args.seed, args.cache_dir)
    asyncio.run(_serve(LeanServer(index, args.api_key, args.latency_ms), args.port, args.port_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
