#!/usr/bin/env python3
"""The public listener under hostile requests (RELIABILITY F-C4), with raw sockets: traversal
and encoding tricks give 404 and never file content, conflicting Content-Length and
Transfer-Encoding give 400, methods other than GET/HEAD give 405, the control API is not
reachable, slowloris connections do not block other clients; and the polite side: HEAD, gzip,
ETag/304 and Content-Types."""

from __future__ import annotations

import gzip
import os
import socket
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, parse_args, wait_until  # noqa: E402
from outputs_support import atom_entries, fetch, fetch_ok  # noqa: E402

TRAVERSALS = [
    "/feeds/../../etc/passwd", "/../../etc/passwd", "/feeds/..%2f..%2fetc%2fpasswd",
    "/feeds/%2e%2e/%2e%2e/etc/passwd", "/feeds/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/feeds/%252e%252e%252fetc%252fpasswd", "/feeds/all.atom%00.html", "/feeds/all%00.atom",
    "/feeds/all/archive/../../../../etc/passwd", "//etc/passwd", "/feeds//etc/passwd.atom",
    "/feeds/..\\..\\etc\\passwd", "/feeds/ALL.ATOM", "/feeds/all.atom/", "/feeds/.atom",
    "/feeds/all.atom/../../../etc/passwd", "/etc/passwd", "/feedd.db", "/var/feedd.db",
    "/feeds/%c0%ae%c0%ae/etc/passwd", "/feeds/all.atom;/etc/passwd", "/public/all.atom",
]
CONTROL_PATHS = ["/v1/status", "/v1/feeds", "/v1/entries", "/v1/outputs", "/v1/refresh"]


def raw(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends `data` on a fresh connection; returns everything read until close or timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"Content-Length: 0" in chunks[0]:
                    break
        except socket.timeout:
            pass
        return b"".join(chunks)


def status_of(response: bytes) -> int:
    line = response.split(b"\r\n", 1)[0].split()
    check(len(line) >= 2 and line[0].startswith(b"HTTP/1."), f"no status line: {response[:80]!r}")
    return int(line[1])


def request(port: int, method: str, target: str, extra: str = "", body: bytes = b"") -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n"
    return raw(port, head.encode("latin-1") + body)


def started(args, server: FixtureServer) -> Feedd:
    d = Feedd(args.feedd, args.feedctl)
    server.add_feed("alpha", 5)
    d.write_config()
    d.start()
    d.add(server.feed_url("alpha", "rss"))
    d.refresh()
    wait_until(lambda: len(atom_entries(fetch_ok(d, "/feeds/all.atom"))) == 5, 10,
               message="all.atom")
    return d


def test_hostile_requests(args) -> None:
    with FixtureServer() as server, started(args, server) as d:
        _, port = d.public_address()
        for path in TRAVERSALS:
            response = request(port, "GET", path)
            check(status_of(response) in (400, 404), f"{path}: {response[:120]!r}")
            check(b"root:" not in response and b"SQLite format" not in response, f"{path} leaks")
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"):
            response = request(port, method, "/feeds/all.atom", "Content-Length: 0\r\n")
            check(status_of(response) == 405, f"{method}: {response[:120]!r}")
            check(b"Allow: GET, HEAD" in response, f"{method}: no Allow header")
        for extra in ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                      "Content-Length: 5\r\nContent-Length: 6\r\n",
                      "Transfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n"):
            response = request(port, "GET", "/feeds/all.atom", extra, b"0\r\n\r\n")
            check(status_of(response) == 400, f"{extra!r}: {response[:120]!r}")
        for path in CONTROL_PATHS:
            for method in ("GET", "POST"):
                response = request(port, method, path, "Content-Length: 2\r\n", b"{}")
                # 413: the public listener takes no request bodies at all.
                check(status_of(response) in (404, 405, 413),
                      f"{method} {path}: {response[:120]!r}")
                check(b'"version"' not in response and b'"feeds"' not in response,
                      f"{method} {path} answered like the control API")
        # Still healthy after all that.
        check(fetch(d, "/healthz")[0] == 200 and d.running(), "listener unwell")
        d.stop()


def test_polite_requests(args) -> None:
    with FixtureServer() as server, started(args, server) as d:
        status, headers, body = fetch(d, "/feeds/all.atom")
        check(headers["content-type"] == "application/atom+xml; charset=utf-8", "Atom type")
        etag = headers["etag"]
        check(etag.startswith('"') and etag.endswith('"'), f"strong ETag: {etag}")
        check(fetch(d, "/feeds/all.atom", {"If-None-Match": etag})[0] == 304, "304 by ETag")
        check(fetch(d, "/feeds/all.atom", {"If-Modified-Since": headers["last-modified"]})[0]
              == 304, "304 by Last-Modified")
        status, head_headers, head_body = fetch(d, "/feeds/all.atom", method="HEAD")
        check(status == 200 and head_body == b"" and head_headers["etag"] == etag, "HEAD")
        status, gz_headers, gz_body = fetch(d, "/feeds/all.atom", {"Accept-Encoding": "gzip"})
        check(gz_headers.get("content-encoding") == "gzip" and gzip.decompress(gz_body) == body,
              "gzip representation")
        check(gz_headers["etag"] != etag, "the gzip variant has its own strong ETag")
        check(fetch(d, "/feeds/all.atom", {"Accept-Encoding": "gzip", "If-None-Match":
                                           gz_headers["etag"]})[0] == 304, "304 for gzip")
        for ext, kind in (("rss", "application/rss+xml"), ("json", "application/feed+json"),
                          ("html", "text/html")):
            _, h, _ = fetch(d, f"/feeds/all.{ext}")
            check(h["content-type"].startswith(kind), f"{ext}: {h['content-type']}")
        index = fetch_ok(d, "/")
        for ext, kind in (("atom", "application/atom+xml"), ("rss", "application/rss+xml"),
                          ("json", "application/feed+json")):
            check(f'type="{kind}"'.encode() in index and f"/feeds/all.{ext}".encode() in index,
                  f"index lacks autodiscovery of {ext}")
        d.stop()


def test_slowloris_does_not_block_others(args) -> None:
    with FixtureServer() as server, started(args, server) as d:
        _, port = d.public_address()
        slow: list[socket.socket] = []
        try:
            for _ in range(500):
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"GET /feeds/all.atom HTTP/1.1\r\nHost: x\r\n")
                slow.append(sock)
            latencies = []
            for i in range(60):
                for sock in slow[i::60][:10]:  # keep the slow ones trickling
                    try:
                        sock.sendall(b"X-a: b\r\n")
                    except OSError:
                        pass
                begun = time.monotonic()
                status, _, _ = fetch(d, "/feeds/all.atom" if i % 2 else "/healthz")
                latencies.append(time.monotonic() - begun)
                check(status == 200, f"request {i} during slowloris: {status}")
            latencies.sort()
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(f"  slowloris: 500 slow connections, {len(latencies)} requests, "
                  f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
            # Blocked clients would wait out the 10 s client timeout; the bar leaves room for a
            # loaded CI machine.
            check(p99 < 3.0, f"p99 {p99:.3f}s with slowloris running")
        finally:
            for sock in slow:
                sock.close()
        d.stop()


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    runner.run("hostile_requests", test_hostile_requests, args)
    runner.run("polite_requests", test_polite_requests, args)
    runner.run("slowloris", test_slowloris_does_not_block_others, args)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
