#!/usr/bin/env python3
"""Self-test of the fixture server: each scripted behaviour does what it says.  Needs no
feedd, so CI covers the test tool itself.  Accepts (and ignores) --feedd/--feedctl."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
import zlib

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer, GzipBomb, install_hostile_suite  # noqa: E402
from harness import TestRunner, parse_args  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"


def get(server: FixtureServer, path: str, headers: dict | None = None, method: str = "GET",
        timeout: float = 10.0):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def raw_request(server: FixtureServer, path: str, extra: str = "", timeout: float = 5.0):
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n{extra}"
                 f"Connection: close\r\n\r\n".encode())
    return sock


def read_head(sock: socket.socket, limit: int = 64 << 20) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        assert len(data) < limit, "head larger than the limit"
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def test_rss_and_atom_feeds_are_well_formed_and_grow(s: FixtureServer) -> None:
    s.add_feed("grow", 3)
    status, headers, body = get(s, "/feeds/grow.xml")
    assert status == 200 and headers["content-type"].startswith("application/rss+xml")
    items = ET.fromstring(body).findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["grow entry 2", "grow entry 1", "grow entry 0"]
    status, _, body = get(s, "/atom/grow.xml")
    assert status == 200 and len(ET.fromstring(body).findall(ATOM + "entry")) == 3
    s.add_entries("grow", 2)
    root = ET.fromstring(get(s, "/atom/grow.xml")[2])
    entries = root.findall(ATOM + "entry")
    assert len(entries) == 5 and entries[0].findtext(ATOM + "title") == "grow entry 4"
    dates = [e.findtext(ATOM + "published") for e in entries]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 5, dates
    assert get(s, "/feeds/nope.xml")[0] == 404


def test_conditional_get_answers_304_until_the_feed_changes(s: FixtureServer) -> None:
    s.add_feed("cond", 2)
    _, headers, _ = get(s, "/feeds/cond.xml")
    etag, lm = headers["etag"], headers["last-modified"]
    assert get(s, "/feeds/cond.xml", {"If-None-Match": etag})[0] == 304
    assert get(s, "/feeds/cond.xml", {"If-Modified-Since": lm})[0] == 304
    assert get(s, "/feeds/cond.xml", {"If-None-Match": '"other"'})[0] == 200
    s.add_entries("cond", 1)
    status, headers2, _ = get(s, "/feeds/cond.xml", {"If-None-Match": etag})
    assert status == 200 and headers2["etag"] != etag
    s.set_feed_options("cond", etag=False, last_modified=False)
    _, headers3, _ = get(s, "/feeds/cond.xml")
    assert "etag" not in headers3 and "last-modified" not in headers3
    assert get(s, "/feeds/cond.xml", {"If-None-Match": headers2["etag"]})[0] == 200


def test_status_codes_retry_after_and_times(s: FixtureServer) -> None:
    s.add_feed("st", 1)
    for code in (404, 410, 500):
        s.set_behavior("/feeds/st.xml", status=code)
        assert get(s, "/feeds/st.xml")[0] == code
    s.set_behavior("/feeds/st.xml", status=503, retry_after=120)
    status, headers, _ = get(s, "/feeds/st.xml")
    assert status == 503 and headers["retry-after"] == "120"
    when = email.utils.formatdate(time.time() + 3600, usegmt=True)
    s.set_behavior("/feeds/st.xml", status=429, retry_after=when, times=2)
    assert get(s, "/feeds/st.xml")[1]["retry-after"] == when
    assert get(s, "/feeds/st.xml")[0] == 429
    assert get(s, "/feeds/st.xml")[0] == 200, "behaviour must end after `times` requests"


def test_redirects_loops_and_chains(s: FixtureServer) -> None:
    s.add_feed("target", 1)
    for code in (301, 302, 307, 308):
        s.redirect(f"/r{code}", "/feeds/target.xml", code)
        status, headers, _ = get(s, f"/r{code}")
        assert status == code and headers["location"] == s.url("/feeds/target.xml")
    s.redirect_loop("/loop/a", "/loop/b")
    assert get(s, "/loop/a")[1]["location"].endswith("/loop/b")
    assert get(s, "/loop/b")[1]["location"].endswith("/loop/a")
    path, hops = s.redirect_chain("/chain", 50, "/feeds/target.xml"), 0
    while hops < 60:
        status, headers, _ = get(s, path)
        if status != 302:
            break
        path = headers["location"].split(str(s.port), 1)[1]
        hops += 1
    assert hops == 50 and status == 200


def test_html_pages_with_and_without_alternate(s: FixtureServer) -> None:
    s.set_html("/page.html", alternate="/feeds/target.xml")
    s.set_html("/plain.html")
    status, headers, body = get(s, "/page.html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'rel="alternate"' in body and b"/feeds/target.xml" in body
    assert b"alternate" not in get(s, "/plain.html")[2]


def test_truncated_xml_does_not_parse(s: FixtureServer) -> None:
    s.add_feed("trunc", 4)
    s.set_behavior("/feeds/trunc.xml", truncate=0.5)
    _, _, body = get(s, "/feeds/trunc.xml")
    assert len(body) < len(s.render("trunc")) // 2 + 2
    try:
        ET.fromstring(body)
    except ET.ParseError:
        return
    raise AssertionError("truncated XML parsed")


def test_slow_headers_and_slow_body(s: FixtureServer) -> None:
    s.set_raw("/slowh", b"x" * 10, "text/plain")
    s.set_behavior("/slowh", slow_headers_bps=400)
    t0 = time.monotonic()
    assert get(s, "/slowh")[2] == b"x" * 10
    assert time.monotonic() - t0 > 0.25  # ~150 header bytes at 400 B/s
    s.set_raw("/slowb", b"y" * 200, "text/plain")
    s.set_behavior("/slowb", slow_body_bps=400)
    t0 = time.monotonic()
    assert get(s, "/slowb")[2] == b"y" * 200
    elapsed = time.monotonic() - t0
    assert 0.35 < elapsed < 3, elapsed


def test_stall_mid_body_then_client_gives_up(s: FixtureServer) -> None:
    s.set_raw("/stall", b"z" * 1000, "text/plain")
    s.set_behavior("/stall", stall_after=300)
    sock = raw_request(s, "/stall", timeout=1.0)
    head, rest = read_head(sock)
    got = rest
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("server closed instead of stalling")
            got += chunk
    except socket.timeout:
        pass
    sock.close()
    assert b"Content-Length: 1000" in head and got == b"z" * 300
    assert s.wait_for(lambda: s.requests_for("/stall")[-1].outcome == "client_closed", 3)


def test_reset_mid_body(s: FixtureServer) -> None:
    s.set_raw("/reset", b"r" * 5000, "text/plain")
    s.set_behavior("/reset", reset_after=1000)
    sock = raw_request(s, "/reset")
    _, got = read_head(sock)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("orderly close instead of a reset")
            got += chunk
    except ConnectionResetError:
        pass
    finally:
        sock.close()
    assert len(got) <= 1000 and s.requests_for("/reset")[-1].outcome == "reset"


def test_wrong_content_length_long_and_short(s: FixtureServer) -> None:
    s.set_raw("/long", b"L" * 100, "text/plain")
    s.set_behavior("/long", content_length_delta=50)
    try:
        get(s, "/long")
        raise AssertionError("a short body passed as complete")
    except http.client.IncompleteRead as err:
        assert len(err.partial) == 100
    s.set_raw("/short", b"S" * 100, "text/plain")
    s.set_behavior("/short", content_length_delta=-40)
    status, headers, body = get(s, "/short")
    assert headers["content-length"] == "60" and body == b"S" * 60


def test_gzip_accepted_always_and_truncated(s: FixtureServer) -> None:
    s.add_feed("gz", 3)
    plain = s.render("gz")
    s.set_behavior("/feeds/gz.xml", gzip="accepted")
    _, headers, body = get(s, "/feeds/gz.xml")
    assert "content-encoding" not in headers and body == plain
    _, headers, body = get(s, "/feeds/gz.xml", {"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == plain
    s.set_behavior("/feeds/gz.xml", gzip="always")
    assert gzip.decompress(get(s, "/feeds/gz.xml")[2]) == plain
    s.set_behavior("/feeds/gz.xml", truncate_gzip=0.5)
    body = get(s, "/feeds/gz.xml")[2]
    try:
        gzip.decompress(body)
        raise AssertionError("truncated gzip decompressed")
    except EOFError:
        pass


def test_gzip_bomb_streams_a_huge_ratio_without_memory(s: FixtureServer) -> None:
    small = GzipBomb(5 * (1 << 20) + 777)
    data = b"".join(small.chunks())
    assert len(data) == small.compressed_length()
    assert gzip.decompress(data) == small.prefix + b" " * (5 * (1 << 20) + 777 - len(small.prefix))
    s.set_behavior("/bomb", gzip_bomb=10 * 1024 ** 3)
    sock = raw_request(s, "/bomb")
    head, rest = read_head(sock)
    assert b"Content-Encoding: gzip" in head
    declared = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert 9_000_000 < declared < 12_000_000, declared  # ~10 MB on the wire
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    compressed, inflated, pending = 0, 0, rest
    while compressed < 200_000:
        chunk = sock.recv(65536)
        assert chunk
        compressed += len(chunk)
        pending += chunk
        while pending:  # inflate in 1 MiB steps: never hold the expansion
            inflated += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    sock.close()
    assert inflated > 500 * compressed, (compressed, inflated)
    assert s.wait_for(lambda: s.requests_for("/bomb")[-1].outcome == "client_closed", 5)


def test_endless_chunked_and_huge_plain_bodies(s: FixtureServer) -> None:
    s.set_behavior("/endless", endless=True, chunked=True)
    conn = http.client.HTTPConnection(s.host, s.port, timeout=5)
    conn.request("GET", "/endless")
    resp = conn.getresponse()
    assert resp.getheader("Transfer-Encoding") == "chunked"
    got = 0
    while got < 5_000_000:
        got += len(resp.read(65536))
    conn.close()
    assert s.wait_for(lambda: s.requests_for("/endless")[-1].outcome == "client_closed", 5)
    s.set_behavior("/huge", endless=True, endless_bytes=10 * 1024 ** 3)
    sock = raw_request(s, "/huge")
    head, _ = read_head(sock)
    sock.close()
    assert b"Content-Length: 10737418240" in head


def test_broken_chunking(s: FixtureServer) -> None:
    s.set_raw("/chunky", b"c" * 1000, "text/plain")
    s.set_behavior("/chunky", broken_chunking=True)
    try:
        get(s, "/chunky")
        raise AssertionError("broken chunking read as complete")
    except (http.client.IncompleteRead, ValueError, http.client.HTTPException):
        pass


def test_wrong_content_type_and_charset(s: FixtureServer) -> None:
    s.add_feed("latin", 1, title="Caf\u00e9 \u00e0 la carte", encoding="iso-8859-1")
    body = get(s, "/feeds/latin.xml")[2]
    assert b"Caf\xe9" in body and ET.fromstring(body).findtext("./channel/title").startswith("Caf")
    s.set_behavior("/feeds/latin.xml", content_type="text/plain; charset=utf-8")
    assert get(s, "/feeds/latin.xml")[1]["content-type"] == "text/plain; charset=utf-8"


def test_huge_header_line_and_many_headers(s: FixtureServer) -> None:
    s.set_raw("/hh", b"ok", "text/plain")
    s.set_behavior("/hh", huge_header_bytes=1 << 20)
    sock = raw_request(s, "/hh")
    head, _ = read_head(sock)
    sock.close()
    assert len(head) > 1 << 20
    s.set_behavior("/hh", many_headers=10_000)
    sock = raw_request(s, "/hh")
    head, _ = read_head(sock)
    sock.close()
    assert head.count(b"\r\nX-Filler-") == 10_000


def test_requests_are_logged_and_concurrency_counted(s: FixtureServer) -> None:
    s.set_raw("/conc", b"ok", "text/plain")
    s.set_behavior("/conc", delay=0.5)
    s.reset_stats()
    threads = [threading.Thread(target=get, args=(s, "/conc", {"X-Probe": str(i)}))
               for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert s.request_count("/conc") == 5 and s.max_in_flight("/conc") == 5
    assert s.max_in_flight(f"host:{s.host}:{s.port}") == 5
    # A client can read the whole response before the server thread has counted the request
    # as finished: wait (bounded) for the count to settle.
    deadline = time.monotonic() + 5
    while s.in_flight("/conc") != 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert s.in_flight("/conc") == 0
    assert s.max_open_connections() >= 5
    probes = sorted(r.header("x-probe") for r in s.requests_for("/conc"))
    assert probes == [str(i) for i in range(5)]
    assert all(r.status == 200 and r.outcome == "complete" for r in s.requests_for("/conc"))
    status, headers, body = get(s, "/conc", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "2"


def test_keep_alive_serves_several_requests_on_one_connection(s: FixtureServer) -> None:
    s.add_feed("ka", 1)
    conn = http.client.HTTPConnection(s.host, s.port, timeout=5)
    for _ in range(3):
        conn.request("GET", "/feeds/ka.xml")
        assert conn.getresponse().read()
    conn.close()
    ids = {r.conn_id for r in s.requests_for("/feeds/ka.xml")}
    assert len(ids) == 1


def test_hostile_suite_installs_every_scenario(s: FixtureServer) -> None:
    paths = install_hostile_suite(s)
    assert len(paths) >= 30
    assert get(s, paths["gone"])[0] == 410
    assert get(s, paths["redirect-file"])[1]["location"] == "file:///etc/passwd"
    assert get(s, paths["page-with-feed"])[0] == 200


def test_cli_prints_its_port_and_stops_on_sigterm(_: FixtureServer) -> None:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture_server.py")
    proc = subprocess.Popen([sys.executable, script, "--port", "0", "--feeds", "2",
                             "--entries", "4"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/feeds/feed-1.xml")
        body = conn.getresponse().read()
        conn.close()
        assert len(ET.fromstring(body).findall("./channel/item")) == 4
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(10)
    assert code == 0


def test_autocreate_serves_any_feed_name(_: FixtureServer) -> None:
    with FixtureServer(autocreate_entries=2) as auto:
        body = get(auto, "/atom/anything-42.xml")[2]
        assert len(ET.fromstring(body).findall(ATOM + "entry")) == 2


def main() -> int:
    args = parse_args()  # --feedd/--feedctl are accepted and unused here
    runner = TestRunner(args.only)
    server = FixtureServer()
    try:
        for name, fn in list(globals().items()):
            if name.startswith("test_") and callable(fn):
                runner.run(name, fn, server)
    finally:
        server.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
