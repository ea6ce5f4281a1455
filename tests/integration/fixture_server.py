#!/usr/bin/env python3
"""A local HTTP/1.1 fixture server for feedd's integration tests: serves generated
RSS/Atom feeds and plays scripted misbehaviours (RELIABILITY.md, "Fetcher under
hostile servers") on 127.0.0.1. Standard library only; usable as a library or CLI.

Library use:
    server = FixtureServer()            # binds 127.0.0.1:0 and starts a thread
    server.add_feed("a", 3)             # /feeds/a.xml (RSS 2.0) and /atom/a.xml (Atom)
    server.url("/feeds/a.xml")
    server.set_behavior("/feeds/a.xml", status=503, retry_after=120, times=1)
    server.request_count("/feeds/a.xml"); server.requests; server.max_in_flight()
    server.stop()

CLI use (manual runs, benchmarks): python3 fixture_server.py --port 0 --feeds 1000
prints the bound port on its first stdout line and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import email.utils
import gzip
import hashlib
import html
import http.server
import select
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from typing import Iterable, Iterator

_REASONS = {
    200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other",
    304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}

FEED_XML_PREFIX = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                   b"<title>bottomless</title><link>http://127.0.0.1/</link>")


def http_date(ts: float) -> str:
    """An IMF-fixdate (RFC 9110) for a POSIX time, e.g. for Retry-After or Last-Modified."""
    return email.utils.formatdate(ts, usegmt=True)


def rfc822(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def rfc3339(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


# ---------------------------------------------------------------------------------------------
# CRC-32 of long repeated data without touching every byte (for the gzip bomb's trailer).
# crc32(A || B) from crc32(A), crc32(B) and len(B): multiply crc(A) by the GF(2) operator
# that appends len(B) zero bytes, then xor crc(B).

def _gf2_times(mat: list[int], vec: int) -> int:
    total, i = 0, 0
    while vec:
        if vec & 1:
            total ^= mat[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    if len2 <= 0:
        return crc1
    one_bit = [0xEDB88320] + [1 << n for n in range(31)]
    op = _gf2_square(_gf2_square(_gf2_square(one_bit)))  # appends one zero byte
    while len2:
        if len2 & 1:
            crc1 = _gf2_times(op, crc1)
        len2 >>= 1
        if len2:
            op = _gf2_square(op)
    return crc1 ^ crc2


def crc32_repeat(block_crc: int, block_len: int, count: int) -> int:
    result, cur_crc, cur_len = 0, block_crc, block_len
    while count:
        if count & 1:
            result = crc32_combine(result, cur_crc, cur_len)
        cur_crc = crc32_combine(cur_crc, cur_crc, cur_len)
        cur_len *= 2
        count >>= 1
    return result


class GzipBomb:
    """A gzip stream that inflates to `decompressed` bytes (prefix + filler) from roughly
    decompressed/1000 compressed bytes, generated on the fly: one deflate block of `piece`
    filler bytes, ended by a full flush so it does not refer back, is repeated.  The
    stream is valid gzip (correct CRC-32 and ISIZE) when read to the end."""

    PIECE = 1 << 20

    def __init__(self, decompressed: int, prefix: bytes = FEED_XML_PREFIX, fill: bytes = b" "):
        self.prefix = prefix[:decompressed]
        body_len = decompressed - len(self.prefix)
        self.count, remainder = divmod(body_len, self.PIECE)
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = fill[:1] * self.PIECE
        self.head = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + comp.compress(self.prefix)
                     + comp.flush(zlib.Z_FULL_FLUSH))
        first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
        second = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
        third = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
        assert second == third, "deflate output after a full flush must repeat"
        self.head += first if self.count else b""
        self.piece = second
        self._block_crc = zlib.crc32(block)
        self._remainder = remainder
        self._tail_data = fill[:1] * remainder
        self.tail_raw = comp.compress(self._tail_data) + comp.flush(zlib.Z_FINISH)
        self.decompressed = decompressed

    def trailer(self) -> bytes:
        """CRC-32 and ISIZE; computed only when a reader gets this far."""
        crc = zlib.crc32(self.prefix)
        crc = crc32_combine(crc, crc32_repeat(self._block_crc, self.PIECE, self.count),
                            self.PIECE * self.count)
        crc = crc32_combine(crc, zlib.crc32(self._tail_data), self._remainder)
        return struct.pack("<II", crc, self.decompressed & 0xFFFFFFFF)

    def compressed_length(self) -> int:
        return len(self.head) + len(self.piece) * max(self.count - 1, 0) + len(self.tail_raw) + 8

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        batch = self.piece * 64
        left = max(self.count - 1, 0)
        while left >= 64:
            yield batch
            left -= 64
        if left:
            yield self.piece * left
        yield self.tail_raw + self.trailer()


def endless_body(total: int | None, prefix: bytes = FEED_XML_PREFIX,
                 fill: bytes = b" ") -> Iterator[bytes]:
    """A feed-looking prefix followed by filler, `total` bytes in all (None: forever)."""
    chunk = fill[:1] * 65536
    sent = 0
    first = prefix if total is None else prefix[:total]
    yield first
    sent += len(first)
    while total is None or sent < total:
        part = chunk if total is None else chunk[: min(len(chunk), total - sent)]
        yield part
        sent += len(part)


# ---------------------------------------------------------------------------------------------
# Feeds

@dataclasses.dataclass
class Entry:
    id: str
    title: str
    link: str
    published: float
    summary: str
    author: str = "Fixture Author"
    categories: tuple[str, ...] = ()


@dataclasses.dataclass
class Feed:
    name: str
    title: str
    entries: list[Entry]
    modified: float
    etag: bool = True            # send ETag and honour If-None-Match
    last_modified: bool = True   # send Last-Modified and honour If-Modified-Since
    encoding: str = "utf-8"      # how the document is encoded (and declared in the XML)


@dataclasses.dataclass
class Behavior:
    """What to do for one path.  Fields combine: e.g. gzip + truncate_gzip, slow_body_bps +
    content_length_delta.  `times` = how many requests it applies to (None: all)."""
    status: int | None = None            # error status with a small body (404, 410, 500, 503...)
    retry_after: int | str | None = None  # seconds, or an HTTP date string
    redirect_to: str | None = None        # Location (absolute URL or path)
    redirect_code: int = 302
    body: bytes | None = None             # raw body instead of the feed
    content_type: str | None = None       # override Content-Type (wrong type / charset)
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0                    # seconds before anything is sent
    truncate: int | float | None = None   # keep this many bytes (int) or fraction (float)
    gzip: str | None = None               # "accepted": if the client asks; "always"
    truncate_gzip: int | float | None = None
    gzip_bomb: int | None = None          # decompressed bytes of a generated bomb
    endless: bool = False                 # never-ending body (or endless_bytes long)
    endless_bytes: int | None = None
    chunked: bool = False                 # Transfer-Encoding: chunked
    broken_chunking: bool = False         # an invalid chunk-size line mid-body
    content_length_delta: int = 0         # declare len+delta (short < 0 > long)
    slow_headers_bps: float | None = None
    slow_body_bps: float | None = None
    stall_after: int | None = None        # body bytes, then stall
    stall_seconds: float = 3600.0
    reset_after: int | None = None        # body bytes, then TCP RST
    huge_header_bytes: int = 0            # one header line of this many bytes
    many_headers: int = 0                 # this many extra header lines
    times: int | None = None


@dataclasses.dataclass
class RequestRecord:
    method: str
    path: str            # without the query
    target: str          # as sent
    headers: list[tuple[str, str]]
    host: str
    conn_id: int
    started: float
    ended: float | None = None
    status: int | None = None
    body_bytes_sent: int = 0
    outcome: str = "pending"   # complete | client_closed | reset | stalled | server_stopped

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


class _Abort(Exception):
    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feedd-fixture/1"

    def setup(self) -> None:
        super().setup()
        self.fixture: FixtureServer = self.server.fixture  # type: ignore[attr-defined]
        self.conn_id = self.fixture._connection_opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.fixture._connection_closed(self.conn_id, self.connection)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        if self.fixture.verbose:
            sys.stderr.write("fixture: " + (format % args) + "\n")

    def do_GET(self) -> None:
        self.fixture._serve(self, head_only=False)

    def do_HEAD(self) -> None:
        self.fixture._serve(self, head_only=True)

    def _not_allowed(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _not_allowed


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


class _Server6(_Server):
    address_family = socket.AF_INET6


class FixtureServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                 autocreate_entries: int | None = None, max_log: int = 200_000):
        """Binds now and serves from a background thread.  autocreate_entries: serve any
        /feeds/NAME.xml or /atom/NAME.xml, creating the feed with that many entries.
        max_log: request records kept (oldest dropped; counts stay exact)."""
        self.verbose = verbose
        self.autocreate_entries = autocreate_entries
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._feeds: dict[str, Feed] = {}
        self._behaviors: dict[str, Behavior] = {}
        self._raw: dict[str, tuple[bytes, str, float]] = {}
        self._requests: collections.deque[RequestRecord] = collections.deque(maxlen=max_log)
        self._counts: dict[str, int] = {}
        self._clock = float(int(time.time()) - 7 * 86400)
        self._conns: dict[int, socket.socket] = {}
        self._next_conn = 0
        self._open_conns = 0
        self._max_open_conns = 0
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._httpd = (_Server6 if ":" in host else _Server)((host, port), _Handler)
        self._httpd.fixture = self  # type: ignore[attr-defined]
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    # -- lifetime ------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            conns = list(self._conns.values())
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)

    def __enter__(self) -> "FixtureServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path if path.startswith('/') else '/' + path}"

    def feed_url(self, name: str, fmt: str = "rss") -> str:
        return self.url(self.feed_path(name, fmt))

    @staticmethod
    def feed_path(name: str, fmt: str = "rss") -> str:
        return f"/atom/{name}.xml" if fmt == "atom" else f"/feeds/{name}.xml"

    # -- feeds ---------------------------------------------------------------------------------
    def _tick(self) -> float:
        self._clock += 1.0
        return self._clock

    def add_feed(self, name: str, entries: int = 3, title: str | None = None, **options) -> Feed:
        """Creates (or replaces) feed NAME with `entries` generated entries, oldest first."""
        with self._lock:
            feed = Feed(name=name, title=title or f"Fixture feed {name}", entries=[],
                        modified=time.time(), **options)
            self._feeds[name] = feed
            self._append_locked(feed, entries)
            return feed

    def add_entries(self, name: str, count: int) -> list[Entry]:
        """Appends `count` newer entries to feed NAME; returns them."""
        with self._lock:
            return self._append_locked(self._feeds[name], count)

    def add_entry(self, name: str, **fields) -> Entry:
        """Appends one entry with chosen fields (id, title, link, summary, published...)."""
        with self._lock:
            feed = self._feeds[name]
            index = len(feed.entries)
            base = self._make_entry(feed, index)
            entry = dataclasses.replace(base, **fields)
            feed.entries.append(entry)
            feed.modified = max(time.time(), feed.modified + 1)
            return entry

    def set_feed_options(self, name: str, **options) -> None:
        with self._lock:
            feed = self._feeds[name]
            for key, value in options.items():
                setattr(feed, key, value)
            feed.modified = max(time.time(), feed.modified + 1)

    def remove_feed(self, name: str) -> None:
        with self._lock:
            self._feeds.pop(name, None)

    def feed(self, name: str) -> Feed:
        with self._lock:
            return dataclasses.replace(self._feeds[name],
                                       entries=list(self._feeds[name].entries))

    def _make_entry(self, feed: Feed, index: int) -> Entry:
        return Entry(
            id=f"urn:fixture:{feed.name}:{index}",
            title=f"{feed.name} entry {index}",
            link=self.url(f"/posts/{feed.name}/{index}"),
            published=self._tick(),
            summary=f"<p>Summary of <b>{feed.name}</b> entry {index}.</p>",
            categories=("fixture", feed.name),
        )

    def _append_locked(self, feed: Feed, count: int) -> list[Entry]:
        added = [self._make_entry(feed, len(feed.entries) + i) for i in range(count)]
        feed.entries.extend(added)
        if count:
            feed.modified = max(time.time(), feed.modified + 1)
        return added

    def render(self, name: str, fmt: str = "rss") -> bytes:
        with self._lock:
            feed = self._feeds[name]
            return render_feed(feed, fmt, self.url(self.feed_path(name, fmt)))

    # -- other content -------------------------------------------------------------------------
    def set_raw(self, path: str, body: bytes | str, content_type: str = "application/xml") -> None:
        """Serves fixed bytes at PATH (with ETag/Last-Modified like the feeds)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self._raw[path] = (data, content_type, time.time())

    def set_html(self, path: str, alternate: str | None = None, title: str = "A page") -> None:
        """An HTML page; `alternate` (a URL or path) becomes a <link rel=alternate> to a feed."""
        link = ""
        if alternate is not None:
            link = (f'<link rel="alternate" type="application/rss+xml" title="Feed" '
                    f'href="{html.escape(alternate)}">')
        page = (f"<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>{html.escape(title)}"
                f"</title>{link}</head><body><h1>{html.escape(title)}</h1>"
                f"<p>Nothing to subscribe to here but prose.</p></body></html>\n")
        self.set_raw(path, page, "text/html; charset=utf-8")

    # -- behaviours ----------------------------------------------------------------------------
    def set_behavior(self, path: str, **fields) -> Behavior:
        behavior = Behavior(**fields)
        with self._lock:
            self._behaviors[path] = behavior
        return behavior

    def clear_behavior(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._behaviors.clear()
            else:
                self._behaviors.pop(path, None)

    def redirect(self, path: str, target: str, code: int = 302, **fields) -> None:
        """PATH answers CODE with Location TARGET (a path becomes an absolute URL here)."""
        location = self.url(target) if target.startswith("/") else target
        self.set_behavior(path, redirect_to=location, redirect_code=code, **fields)

    def redirect_loop(self, a: str, b: str, code: int = 302) -> None:
        self.redirect(a, b, code)
        self.redirect(b, a, code)

    def redirect_chain(self, prefix: str, hops: int, target: str, code: int = 302) -> str:
        """PREFIX/0 -> PREFIX/1 -> ... -> PREFIX/(hops-1) -> TARGET; returns the first path."""
        for i in range(hops):
            nxt = f"{prefix}/{i + 1}" if i + 1 < hops else target
            self.redirect(f"{prefix}/{i}", nxt, code)
        return f"{prefix}/0"

    # -- observation ---------------------------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.path == path]

    def request_count(self, path: str | None = None) -> int:
        """Requests seen for PATH (all paths when None) since start or reset_stats()."""
        with self._lock:
            return self._counts.get("*" if path is None else path, 0)

    def max_in_flight(self, key: str = "*") -> int:
        """Peak concurrent requests: "*" all, "/path" one path, "host:HOST" one Host header."""
        with self._lock:
            return self._max_in_flight.get(key, 0)

    def in_flight(self, key: str = "*") -> int:
        with self._lock:
            return self._in_flight.get(key, 0)

    def max_open_connections(self) -> int:
        with self._lock:
            return self._max_open_conns

    def open_connections(self) -> int:
        with self._lock:
            return self._open_conns

    def reset_stats(self) -> None:
        with self._lock:
            self._requests.clear()
            self._counts.clear()
            self._max_in_flight = dict(self._in_flight)
            self._max_open_conns = self._open_conns

    def wait_for(self, predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return bool(predicate())

    # -- internals: bookkeeping ----------------------------------------------------------------
    def _connection_opened(self, conn: socket.socket) -> int:
        with self._lock:
            self._next_conn += 1
            self._conns[self._next_conn] = conn
            self._open_conns += 1
            self._max_open_conns = max(self._max_open_conns, self._open_conns)
            return self._next_conn

    def _connection_closed(self, conn_id: int, conn: socket.socket) -> None:
        with self._lock:
            self._conns.pop(conn_id, None)
            self._open_conns -= 1

    def _enter(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._in_flight[key] = self._in_flight.get(key, 0) + 1
                self._max_in_flight[key] = max(self._max_in_flight.get(key, 0),
                                               self._in_flight[key])

    def _leave(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._in_flight[key] -= 1

    def _take_behavior(self, path: str) -> Behavior | None:
        with self._lock:
            behavior = self._behaviors.get(path)
            if behavior is not None and behavior.times is not None:
                behavior.times -= 1
                if behavior.times <= 0:
                    del self._behaviors[path]
            return behavior

    # -- internals: serving --------------------------------------------------------------------
    def _serve(self, h: _Handler, head_only: bool) -> None:
        target = h.path
        path = target.split("?", 1)[0]
        host = h.headers.get("Host", "")
        record = RequestRecord(method=h.command, path=path, target=target,
                               headers=list(h.headers.items()), host=host,
                               conn_id=h.conn_id, started=time.time())
        with self._lock:
            self._requests.append(record)
            self._counts[path] = self._counts.get(path, 0) + 1
            self._counts["*"] = self._counts.get("*", 0) + 1
        keys = ["*", path, "host:" + host]
        self._enter(keys)
        try:
            _Response(self, h, record, self._take_behavior(path), head_only).run()
            if record.outcome == "pending":
                record.outcome = "complete"
        except _Abort as abort:
            record.outcome = abort.outcome
            h.close_connection = True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            record.outcome = "client_closed"
            h.close_connection = True
        finally:
            record.ended = time.time()
            self._leave(keys)

    def _content(self, path: str) -> tuple[bytes, str, float, bool, bool] | None:
        """(body, content type, modified, use etag, use last-modified) or None for 404."""
        with self._lock:
            if path in self._raw:
                data, ctype, modified = self._raw[path]
                return data, ctype, modified, True, True
            for prefix, fmt in (("/feeds/", "rss"), ("/atom/", "atom")):
                if path.startswith(prefix) and path.endswith(".xml"):
                    name = path[len(prefix):-4]
                    feed = self._feeds.get(name)
                    if feed is None and self.autocreate_entries is not None and name:
                        feed = Feed(name=name, title=f"Fixture feed {name}", entries=[],
                                    modified=time.time())
                        self._feeds[name] = feed
                        self._append_locked(feed, self.autocreate_entries)
                    if feed is None:
                        return None
                    ctype = ("application/atom+xml" if fmt == "atom" else "application/rss+xml")
                    ctype += f"; charset={feed.encoding}"
                    body = render_feed(feed, fmt, self.url(path))
                    return body, ctype, feed.modified, feed.etag, feed.last_modified
        return None


class _Response:
    """Writes one response for a request, applying a Behavior."""

    def __init__(self, server: FixtureServer, h: _Handler, record: RequestRecord,
                 behavior: Behavior | None, head_only: bool):
        self.server, self.h, self.record = server, h, record
        self.b = behavior or Behavior()
        self.head_only = head_only
        self.stop = server._stop

    # -- low-level I/O -------------------------------------------------------------------------
    def _sleep(self, seconds: float) -> None:
        """Sleeps, but returns early (raising _Abort) if the client hangs up or we stop."""
        deadline = time.monotonic() + seconds
        sock = self.h.connection
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.stop.is_set():
                raise _Abort("server_stopped")
            readable, _, _ = select.select([sock], [], [], min(left, 0.1))
            if readable:
                try:
                    data = sock.recv(4096, socket.MSG_PEEK)
                except OSError:
                    raise _Abort("client_closed")
                if not data:
                    raise _Abort("client_closed")
                # Pipelined bytes from the client: leave them, wait without spinning.
                time.sleep(min(left, 0.1))

    def _write(self, data: bytes, bps: float | None) -> None:
        if self.stop.is_set():
            raise _Abort("server_stopped")
        if not bps:
            self.h.wfile.write(data)
            return
        step = max(1, int(bps / 10))
        for i in range(0, len(data), step):
            self.h.wfile.write(data[i:i + step])
            self._sleep(len(data[i:i + step]) / bps)

    def _reset(self) -> None:
        sock = self.h.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        raise _Abort("reset")

    # -- response ------------------------------------------------------------------------------
    def _head(self, status: int, headers: list[tuple[str, str]]) -> None:
        b = self.b
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
                 f"Date: {http_date(time.time())}", "Server: feedd-fixture/1"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines += [f"{k}: {v}" for k, v in b.headers]
        if b.huge_header_bytes:
            lines.append("X-Huge: " + "a" * b.huge_header_bytes)
        lines += [f"X-Filler-{i}: {i}" for i in range(b.many_headers)]
        self.record.status = status
        # Raw UTF-8 for non-Latin-1 values (an IDNA host in a Location), as some servers send.
        head = "\r\n".join(lines) + "\r\n\r\n"
        try:
            data = head.encode("latin-1")
        except UnicodeEncodeError:
            data = head.encode("utf-8")
        self._write(data, b.slow_headers_bps)

    def _simple(self, status: int, headers: list[tuple[str, str]], text: str) -> None:
        body = text.encode()
        self._head(status, headers + [("Content-Type", "text/plain; charset=utf-8"),
                                      ("Content-Length", str(len(body)))])
        if not self.head_only:
            self._write(body, None)
            self.record.body_bytes_sent = len(body)

    def run(self) -> None:
        b = self.b
        if b.delay:
            self._sleep(b.delay)
        if b.redirect_to is not None:
            return self._simple(b.redirect_code, [("Location", b.redirect_to)],
                                f"moved to {b.redirect_to}\n")
        if b.status is not None and b.status != 200:
            headers = []
            if b.retry_after is not None:
                headers.append(("Retry-After", str(b.retry_after)))
            return self._simple(b.status, headers, f"status {b.status}\n")
        if b.gzip_bomb is not None:
            bomb = GzipBomb(b.gzip_bomb)
            headers = [("Content-Type", b.content_type or "application/rss+xml"),
                       ("Content-Encoding", "gzip")]
            return self._stream(headers, bomb.chunks(),
                                None if b.chunked else bomb.compressed_length())
        if b.endless:
            headers = [("Content-Type", b.content_type or "application/rss+xml")]
            length = None if (b.chunked or b.endless_bytes is None) else b.endless_bytes
            return self._stream(headers, endless_body(b.endless_bytes), length)

        content = self.server._content(self.record.path)
        if content is None and b.body is None:
            return self._simple(404, [], "no such fixture\n")
        if b.body is not None:
            body, ctype, modified, use_etag, use_lm = b.body, "application/xml", 0.0, False, False
        else:
            body, ctype, modified, use_etag, use_lm = content  # type: ignore[misc]
        if b.content_type is not None:
            ctype = b.content_type
        headers = [("Content-Type", ctype)]
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        if use_etag:
            headers.append(("ETag", etag))
        if use_lm:
            headers.append(("Last-Modified", http_date(modified)))
        if self._not_modified(etag if use_etag else None, modified if use_lm else None):
            self._head(304, [h for h in headers if h[0] != "Content-Type"])
            return None
        if b.truncate is not None:
            body = body[:_cut(len(body), b.truncate)]
        accepts_gzip = "gzip" in (self.h.headers.get("Accept-Encoding") or "")
        if b.gzip == "always" or (b.gzip == "accepted" and accepts_gzip) or b.truncate_gzip:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
            if b.truncate_gzip is not None:
                body = body[:_cut(len(body), b.truncate_gzip)]
        return self._stream(headers, [body], None if b.chunked else len(body))

    def _not_modified(self, etag: str | None, modified: float | None) -> bool:
        inm = self.h.headers.get("If-None-Match")
        if inm is not None:
            if etag is None:
                return False
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or etag in tags or ("W/" + etag) in tags
        ims = self.h.headers.get("If-Modified-Since")
        if ims is not None and modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return int(modified) <= since
        return False

    def _stream(self, headers: list[tuple[str, str]], chunks: Iterable[bytes],
                length: int | None) -> None:
        b = self.b
        if b.broken_chunking:
            length = None
        if length is None:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(max(0, length + b.content_length_delta))))
        if (b.content_length_delta or b.reset_after is not None or b.stall_after is not None
                or b.broken_chunking):
            self.h.close_connection = True
        self._head(200, headers)
        if self.head_only:
            return
        if b.broken_chunking:
            chunks = [_broken_chunks(b"".join(chunks))]
            length = 0  # already framed: write the bytes as they are
        sent = 0
        for chunk in chunks:
            pieces = [chunk]
            # Split at the byte count where a stall or reset must happen.
            for mark in (b.stall_after, b.reset_after):
                if mark is not None and sent <= mark < sent + len(chunk):
                    pieces = [chunk[:mark - sent], chunk[mark - sent:]]
            for piece in pieces:
                if b.reset_after is not None and sent >= b.reset_after:
                    self.record.body_bytes_sent = sent
                    self._reset()
                if b.stall_after is not None and sent >= b.stall_after:
                    self.record.body_bytes_sent = sent
                    self.record.outcome = "stalled"
                    self._sleep(b.stall_seconds)
                    raise _Abort("stalled")
                if not piece:
                    continue
                if length is None:
                    self._write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n",
                                b.slow_body_bps)
                else:
                    self._write(piece, b.slow_body_bps)
                sent += len(piece)
                self.record.body_bytes_sent = sent
        if b.broken_chunking:
            raise _Abort("broken_chunking")
        if b.reset_after is not None and sent >= b.reset_after:
            self._reset()
        if b.stall_after is not None and sent >= b.stall_after:
            self.record.outcome = "stalled"
            self._sleep(b.stall_seconds)
            raise _Abort("stalled")
        if length is None:
            self._write(b"0\r\n\r\n", b.slow_body_bps)
        if b.content_length_delta > 0:
            raise _Abort("short_body")  # declared more than sent: close to end it
        self.h.wfile.flush()


def _broken_chunks(body: bytes) -> bytes:
    """The first half of BODY as a good chunk, then a chunk-size line that is not hex."""
    half = len(body) // 2
    return (f"{half:x}\r\n".encode() + body[:half] + b"\r\nzz\r\n" + body[half:]
            + b"\r\n0\r\n\r\n")


def _cut(total: int, amount: int | float) -> int:
    return int(total * amount) if isinstance(amount, float) else min(total, amount)


def render_feed(feed: Feed, fmt: str, self_url: str) -> bytes:
    """The document of a feed, newest entry first, encoded as feed.encoding says."""
    esc = html.escape
    entries = list(reversed(feed.entries))
    updated = max([e.published for e in feed.entries], default=feed.modified)
    out: list[str] = [f'<?xml version="1.0" encoding="{feed.encoding}"?>\n']
    site = self_url.rsplit("/", 1)[0] + "/"
    if fmt == "atom":
        out.append('<feed xmlns="http://www.w3.org/2005/Atom">\n')
        out.append(f"<title>{esc(feed.title)}</title>\n<id>urn:fixture:feed:{esc(feed.name)}</id>\n"
                   f'<link rel="self" href="{esc(self_url)}"/>\n<link href="{esc(site)}"/>\n'
                   f"<updated>{rfc3339(updated)}</updated>\n")
        for e in entries:
            cats = "".join(f'<category term="{esc(c)}"/>' for c in e.categories)
            out.append(
                f"<entry><title>{esc(e.title)}</title><id>{esc(e.id)}</id>"
                f'<link href="{esc(e.link)}"/><published>{rfc3339(e.published)}</published>'
                f"<updated>{rfc3339(e.published)}</updated>"
                f"<author><name>{esc(e.author)}</name></author>{cats}"
                f'<summary type="html">{esc(e.summary)}</summary></entry>\n')
        out.append("</feed>\n")
    else:
        out.append('<rss version="2.0"><channel>\n')
        out.append(f"<title>{esc(feed.title)}</title>\n<link>{esc(site)}</link>\n"
                   f"<description>Generated by the feedd fixture server</description>\n"
                   f"<lastBuildDate>{rfc822(updated)}</lastBuildDate>\n")
        for e in entries:
            cats = "".join(f"<category>{esc(c)}</category>" for c in e.categories)
            out.append(
                f"<item><title>{esc(e.title)}</title><link>{esc(e.link)}</link>"
                f'<guid isPermaLink="false">{esc(e.id)}</guid>'
                f"<pubDate>{rfc822(e.published)}</pubDate>"
                f"<author>fixture@example.org ({esc(e.author)})</author>{cats}"
                f"<description>{esc(e.summary)}</description></item>\n")
        out.append("</channel></rss>\n")
    return "".join(out).encode(feed.encoding, errors="xmlcharrefreplace")


# ---------------------------------------------------------------------------------------------
# A named set of hostile paths, for the CLI, soak runs and the "all at once" scenario.

def install_hostile_suite(server: FixtureServer, prefix: str = "/hostile") -> dict[str, str]:
    """Installs one path per misbehaviour under PREFIX; returns {scenario: path}."""
    server.add_feed("hostile-base", 5)
    base = server.feed_path("hostile-base")
    feed_body = server.render("hostile-base")
    paths: dict[str, str] = {}

    def put(name: str, **fields) -> None:
        path = f"{prefix}/{name}.xml"
        server.set_raw(path, feed_body, "application/rss+xml")
        server.set_behavior(path, **fields)
        paths[name] = path

    put("not-found", status=404)
    put("gone", status=410)
    put("server-error", status=500)
    put("unavailable-retry-seconds", status=503, retry_after=120)
    put("too-many-retry-date", status=429, retry_after=http_date(time.time() + 3600))
    put("unavailable-no-retry", status=503)
    put("truncated-xml", truncate=0.6)
    put("slow-headers", slow_headers_bps=1)
    put("slow-body", slow_body_bps=16)
    put("stall-mid-body", stall_after=200)
    put("reset-mid-body", reset_after=200)
    put("content-length-long", content_length_delta=1000)
    put("content-length-short", content_length_delta=-100)
    put("gzip", gzip="always")
    put("truncated-gzip", truncate_gzip=0.5)
    put("gzip-bomb", gzip_bomb=10 * 1024 ** 3)
    put("endless-chunked", endless=True, chunked=True)
    put("huge-plain-body", endless=True, endless_bytes=10 * 1024 ** 3)
    put("broken-chunking", chunked=True, broken_chunking=True)
    put("wrong-content-type", content_type="application/octet-stream")
    put("html-content-type", content_type="text/html; charset=utf-8")
    put("wrong-charset", content_type="application/rss+xml; charset=shift_jis")
    put("huge-header-line", huge_header_bytes=1024 * 1024)
    put("many-headers", many_headers=10_000)
    server.set_html(f"{prefix}/page-with-feed.html", alternate=base)
    paths["page-with-feed"] = f"{prefix}/page-with-feed.html"
    server.set_html(f"{prefix}/page-without-feed.html")
    paths["page-without-feed"] = f"{prefix}/page-without-feed.html"
    server.redirect_loop(f"{prefix}/loop-a.xml", f"{prefix}/loop-b.xml")
    paths["redirect-loop"] = f"{prefix}/loop-a.xml"
    paths["redirect-chain-50"] = server.redirect_chain(f"{prefix}/chain", 50, base)
    for code in (301, 302, 307, 308):
        server.redirect(f"{prefix}/redirect-{code}.xml", base, code)
        paths[f"redirect-{code}"] = f"{prefix}/redirect-{code}.xml"
    server.redirect(f"{prefix}/redirect-file.xml", "file:///etc/passwd", 302)
    paths["redirect-file"] = f"{prefix}/redirect-file.xml"
    server.redirect(f"{prefix}/redirect-gopher.xml", "gopher://127.0.0.1:70/", 302)
    paths["redirect-gopher"] = f"{prefix}/redirect-gopher.xml"
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--feeds", type=int, default=0, help="generated feeds feed-0..feed-N-1")
    parser.add_argument("--entries", type=int, default=10, help="entries per generated feed")
    parser.add_argument("--autocreate", action="store_true",
                        help="serve any /feeds/NAME.xml, creating it on first request")
    parser.add_argument("--hostile", action="store_true",
                        help="install the hostile suite under /hostile/ and list its URLs")
    parser.add_argument("--grow-every", type=float, default=0.0,
                        help="seconds between adding one entry to every feed (0: never)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    # Before the port is printed: a caller may signal as soon as it has read it (the test of
    # this CLI once sent SIGTERM while the handlers were not yet installed, and the default
    # action killed the server with status -15).
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    server = FixtureServer(args.host, args.port, verbose=args.verbose,
                           autocreate_entries=args.entries if args.autocreate else None)
    for i in range(args.feeds):
        server.add_feed(f"feed-{i}", args.entries)
    print(server.port, flush=True)
    if args.hostile:
        for name, path in sorted(install_hostile_suite(server).items()):
            print(f"{name} {server.url(path)}", flush=True)
    while not done.wait(args.grow_every or 3600):
        if args.grow_every:
            for i in range(args.feeds):
                server.add_entries(f"feed-{i}", 1)
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
