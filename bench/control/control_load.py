#!/usr/bin/env python3
"""Load test of the control API: N concurrent clients (default 200) doing list and search
requests against feedd's unix socket for D seconds (default 60), each on its own keep-alive
connection.  Reports requests, errors, throughput and latency percentiles.

Against a running daemon:
    python3 bench/control/control_load.py --socket var/run/feedd.sock [--clients 200] [--duration 60]
Self-contained (starts feedd with seeded feeds from the integration fixture server):
    python3 bench/control/control_load.py --feedd build/feedd --feedctl build/feedctl --feeds 50

Exit status 0 when no request failed.  Python 3.11 standard library only."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

WORDS = ["entry", "fixture", "feed", "alpha", "news", "rust", "linux", "update", "post", "a*"]


def request_paths(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "/v1/feeds"
    if kind == 1:
        return f"/v1/entries?limit={rng.choice([10, 50, 100])}"
    return f"/v1/search?q={rng.choice(WORDS)}&limit=20"


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    body = await reader.readexactly(length)
    return status, body


async def client(socket_path: str, deadline: float, seed: int, latencies: list[float],
                 errors: list[str]) -> None:
    rng = random.Random(seed)
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_unix_connection(socket_path)
            path = request_paths(rng)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            await writer.drain()
            status, body = await asyncio.wait_for(read_response(reader), 30)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"{path}: HTTP {status} {body[:120]!r}")
            elif not body.strip().startswith((b"[", b"{")):
                errors.append(f"{path}: not JSON")
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as e:
            errors.append(f"{type(e).__name__}: {e}")
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
    if writer is not None:
        writer.close()


async def run_load(socket_path: str, clients: int, duration: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + duration
    started = time.monotonic()
    await asyncio.gather(*(client(socket_path, deadline, i, latencies, errors)
                           for i in range(clients)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
            "errors": len(errors), "first_errors": errors[:5],
            "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0,
            "p50_ms": round(pct(50), 1), "p90_ms": round(pct(90), 1), "p99_ms": round(pct(99), 1),
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
            "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", help="a running daemon's control socket")
    parser.add_argument("--feedd", help="start this feedd (self-contained run)")
    parser.add_argument("--feedctl", help="feedctl for the self-contained run")
    parser.add_argument("--feeds", type=int, default=50, help="seeded feeds (self-contained)")
    parser.add_argument("--entries", type=int, default=20, help="entries per seeded feed")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args()

    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.clients + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.clients + 200), hard))

    daemon = server = None
    try:
        socket_path = args.socket
        if socket_path is None:
            if not (args.feedd and args.feedctl):
                parser.error("give --socket, or --feedd and --feedctl")
            from fixture_server import FixtureServer
            from harness import Feedd
            server = FixtureServer()
            for i in range(args.feeds):
                server.add_feed(f"f{i}", args.entries)
            daemon = Feedd(args.feedd, args.feedctl)
            daemon.write_config(fetch={"host_spacing": "0s", "per_host": 16}, http={"listen": ""})
            daemon.start()
            for i in range(args.feeds):
                daemon.ctl("add", server.feed_url(f"f{i}"))
            daemon.ctl("refresh", "--wait", use_json=False, timeout=300)
            status = daemon.status()
            print(f"seeded {status['feeds']} feeds, {status['entries']} entries", file=sys.stderr)
            socket_path = daemon.socket
        result = asyncio.run(run_load(socket_path, args.clients, args.duration))
        if daemon is not None:
            result["daemon_alive"] = daemon.running()
            daemon.stop()
        print(json.dumps(result, indent=2))
        return 0 if result["errors"] == 0 and result["requests"] > 0 else 1
    finally:
        if daemon is not None:
            daemon.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
