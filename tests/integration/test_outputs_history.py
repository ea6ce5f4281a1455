#!/usr/bin/env python3
"""Merged outputs over time (issue 8): RFC 5005 archived feeds (prev-archive from the current
document, complete pages counted from the oldest story that never change, long cache lifetimes,
fh:archive, also in public_dir) and WebSub (hub and self links; a publish ping to a fixture hub
on loopback when an output changes, none when nothing changed; a failing hub is only logged)."""

from __future__ import annotations

import http.server
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, parse_args, wait_until, xmllint_ok  # noqa: E402
from outputs_support import (ATOM, atom_entries, atom_titles, fetch, fetch_ok,  # noqa: E402
                             jing_errors, rss_items, skip, tool)

PAGE = 50  # kArchivePageSize in daemon/src/output_service.h
FH = "{http://purl.org/syndication/history/1.0}"
# Files and WebSub pings come from the output writer, which spaces its passes by five times
# the last one's duration (OutputService::ScheduleWrite): seconds apart in a sanitizer build
# on a busy machine, so the waits for them are long.
FILES_WAIT = 30


def links(body: bytes, rel: str) -> list[str]:
    import xml.etree.ElementTree as ET
    root = ET.fromstring(body)
    return [l.get("href") for l in root.findall(f"{ATOM}link") if l.get("rel") == rel]


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


# ---------------------------------------------------------------------------------------------
# RFC 5005

def test_archives(args) -> None:
    with FixtureServer() as server, Feedd(args.feedd, args.feedctl) as d:
        server.add_feed("bulk", 2 * PAGE + 20)
        d.write_config(outputs=[{"name": "all", "title": "Everything", "limit": 100}])
        d.start()
        d.add(server.feed_url("bulk", "rss"))
        d.refresh()
        current = wait_until(lambda: (lambda b: b if links(b, "prev-archive") else None)(
            fetch_ok(d, "/feeds/all.atom")), 10, message="a prev-archive link")
        check(len(atom_entries(current)) == 100, "the current document keeps its limit")
        prev = links(current, "prev-archive")
        check(len(prev) == 1 and path_of(prev[0]) == "/feeds/all/archive/1.atom",
              f"prev-archive of the current document: {prev}")

        oldest_first = [e.title for e in server.feed("bulk").entries]
        pages: dict[int, bytes] = {}
        for page in (0, 1):
            status, headers, body = fetch(d, f"/feeds/all/archive/{page}.atom")
            check(status == 200, f"archive {page}: {status}")
            cache = headers.get("cache-control", "")
            check("max-age=31536000" in cache and "immutable" in cache, f"Cache-Control {cache}")
            check(headers.get("content-type", "").startswith("application/atom+xml"), "type")
            ok, message = xmllint_ok(body)
            check(ok, message)
            import xml.etree.ElementTree as ET
            check(ET.fromstring(body).find(f"{FH}archive") is not None, "no fh:archive")
            want = list(reversed(oldest_first[page * PAGE:(page + 1) * PAGE]))
            check(atom_titles(body) == want, f"archive {page} holds {atom_titles(body)[:3]}...")
            check([path_of(u) for u in links(body, "current")] == ["/feeds/all.atom"], "current")
            check([path_of(u) for u in links(body, "self")] == [f"/feeds/all/archive/{page}.atom"],
                  "self link of an archive page")
            want_prev = [f"/feeds/all/archive/{page - 1}.atom"] if page else []
            check([path_of(u) for u in links(body, "prev-archive")] == want_prev, "prev chain")
            pages[page] = body
            if tool("jing"):
                with tempfile.NamedTemporaryFile(suffix=".atom") as f:
                    f.write(body)
                    f.flush()
                    errors = jing_errors(f.name)
                check(errors == "", f"archive {page} fails RFC 4287:\n{errors}")
        check(not set(atom_titles(pages[0])) & set(atom_titles(pages[1])), "pages overlap")

        for bad in ("/feeds/all/archive/2.atom", "/feeds/all/archive/01.atom",
                    "/feeds/all/archive/-1.atom", "/feeds/all/archive/0.html",
                    "/feeds/none/archive/0.atom", "/feeds/all/archive/0.atom.gz",
                    "/feeds/all/archive/99999999999999999999.atom"):
            status, _, _ = fetch(d, bad)
            check(status == 404, f"{bad}: {status}")

        rss = fetch_ok(d, "/feeds/all/archive/1.rss")
        check(len(rss_items(rss)) == PAGE and b"fh:archive" in rss, "RSS archive page")
        doc = json.loads(fetch_ok(d, "/feeds/all/archive/1.json"))
        check(len(doc["items"]) == PAGE and path_of(doc.get("next_url", "")) ==
              "/feeds/all/archive/0.json", f"JSON archive page next_url {doc.get('next_url')}")
        check(path_of(json.loads(fetch_ok(d, "/feeds/all.json")).get("next_url", "")) ==
              "/feeds/all/archive/1.json", "JSON Feed next_url of the current document")

        # Pages never shift: more entries add a page, old pages keep their bytes.
        server.add_entries("bulk", PAGE)
        d.refresh()
        wait_until(lambda: [path_of(u) for u in links(fetch_ok(d, "/feeds/all.atom"),
                                                      "prev-archive")]
                   == ["/feeds/all/archive/2.atom"], 10, message="a third archive page")
        for page, before in pages.items():
            check(fetch_ok(d, f"/feeds/all/archive/{page}.atom") == before,
                  f"archive {page} changed after new entries")
        check(len(atom_entries(fetch_ok(d, "/feeds/all/archive/2.atom"))) == PAGE, "page 2")

        # public_dir holds the complete pages too, byte for byte.
        archive_dir = os.path.join(d.public_dir, "all", "archive")
        wait_until(lambda: os.path.exists(os.path.join(archive_dir, "2.json")), FILES_WAIT,
                   message="archive files in public_dir")
        for page in (0, 1, 2):
            with open(os.path.join(archive_dir, f"{page}.atom"), "rb") as f:
                check(f.read() == fetch_ok(d, f"/feeds/all/archive/{page}.atom"),
                      f"public_dir archive {page} differs from the served one")
        d.stop()


# ---------------------------------------------------------------------------------------------
# WebSub

class Hub:
    """A WebSub hub on loopback that records publish pings and answers `status`."""

    def __init__(self) -> None:
        self.pings: list[dict[str, list[str]]] = []
        self.status = 204
        self.lock = threading.Lock()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                with hub.lock:
                    hub.pings.append(urllib.parse.parse_qs(body))
                    status = hub.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self) -> int:
        with self.lock:
            return len(self.pings)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_websub(args) -> None:
    hub = Hub()
    try:
        with FixtureServer() as server, Feedd(args.feedd, args.feedctl) as d:
            server.add_feed("alpha", 3)
            d.write_config(http={"websub_hub": hub.url})
            d.start()
            time.sleep(1.5)  # the first look at the outputs records them; it pings nothing
            check(hub.count() == 0, f"pinged before any change: {hub.pings}")
            body = fetch_ok(d, "/feeds/all.atom")
            check(links(body, "hub") == [hub.url], f"hub link {links(body, 'hub')}")
            self_links = links(body, "self")
            check(len(self_links) == 1 and path_of(self_links[0]) == "/feeds/all.atom", "self")
            rss = fetch_ok(d, "/feeds/all.rss")
            check(f'rel="hub" href="{hub.url}"'.encode() in rss, "RSS lacks the hub link")
            doc = json.loads(fetch_ok(d, "/feeds/all.json"))
            check(doc.get("hubs") == [{"type": "WebSub", "url": hub.url}], f"hubs {doc.get('hubs')}")

            d.add(server.feed_url("alpha", "rss"))
            d.refresh()
            wait_until(hub.count, FILES_WAIT, message="a publish ping")
            time.sleep(0.5)
            with hub.lock:
                pings = list(hub.pings)
            check(all(p.get("hub.mode") == ["publish"] for p in pings), f"pings {pings}")
            topics = sorted(path_of(u) for p in pings for u in p.get("hub.url", []))
            check(topics == ["/feeds/all.atom", "/feeds/all.json", "/feeds/all.rss"],
                  f"published topics {topics}")
            check(self_links[0] in [u for p in pings for u in p["hub.url"]],
                  "the topic must be the self link")

            # Nothing changed: no ping.
            before = hub.count()
            d.refresh()
            time.sleep(2.5)
            check(hub.count() == before, f"pinged without a change: {hub.pings[before:]}")

            # A failing hub is logged, not fatal.
            with hub.lock:
                hub.status = 500
            offset = d.log_size()
            server.add_entries("alpha", 1)
            d.refresh()
            d.wait_log(r"websub: hub .* answered HTTP 500", timeout=FILES_WAIT, since=offset)
            check(fetch(d, "/healthz")[0] == 200 and d.running(), "feedd unwell after a 500")
            d.stop()
    finally:
        hub.close()


def test_websub_hub_down_is_bounded_and_not_fatal(args) -> None:
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts into the backlog, never answers
    hub = f"http://127.0.0.1:{silent.getsockname()[1]}/hub"
    try:
        with FixtureServer() as server, Feedd(args.feedd, args.feedctl) as d:
            server.add_feed("alpha", 2)
            d.write_config(http={"websub_hub": hub})
            d.start()
            time.sleep(1.5)
            d.add(server.feed_url("alpha", "rss"))
            d.refresh()
            started = time.monotonic()
            status, _, _ = fetch(d, "/feeds/all.atom")
            check(status == 200 and time.monotonic() - started < 2, "outputs held up by the hub")
            stop_started = time.monotonic()
            d.stop()
            check(time.monotonic() - stop_started < 8, "SIGTERM waited on the silent hub")
    finally:
        silent.close()


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    runner.run("archives", test_archives, args)
    runner.run("websub", test_websub, args)
    runner.run("websub_hub_down", test_websub_hub_down_is_bounded_and_not_fatal, args)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
