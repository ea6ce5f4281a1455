#!/usr/bin/env python3
"""The SSRF guard against the real feedd, inside a network namespace of its own
(RELIABILITY.md F-N1..F-N5, issue 5). Internal addresses (10.0.0.1, 169.254.169.254,
fd00:ec2::254, ...) are put on `lo` there, a canary listens on them and counts every
accepted connection, and /etc/hosts is replaced (bind mount) by one naming them; nothing can
leave the namespace. Then, with allow_private = false:

  F-N1  each URL of the list added and refreshed: refused, 0 connections at the canary
  F-N2  the same URLs as the Location of a 301/302/307/308 from an allowlisted host
  F-N3  a name resolving to an internal and a public address (IPv4 and IPv6): the feed is
        fetched from the public one, 0 connections to the internal one
  F-N4  allow_private = true really connects (the guard is not just broken networking)
  F-N5  enclosure/image/thumbnail/hub URLs are never fetched; a discovered feed link to an
        internal address is refused like any other
  proxy http_proxy/https_proxy/all_proxy in feedd's environment do not route around it

Needs root and unshare(1) (util-linux) and ip(8); otherwise prints `skipped: REASON` and
exits 0. `--urls ../shared/security/ssrf-urls.txt --hosts ../shared/security/ssrf-hosts.txt`
runs the shared yardstick list instead of the built-in one.

  python3 tests/integration/test_ssrf.py --feedd build/feedd --feedctl build/feedctl"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, exit_on_sigterm  # noqa: E402

V4_INTERNAL = ["10.0.0.1", "172.16.0.1", "192.168.0.1", "100.64.0.1", "169.254.169.254",
               "169.254.170.2", "192.0.0.1", "198.18.0.1", "192.0.2.1", "203.0.113.10"]
V6_INTERNAL = ["fd00:ec2::254", "fc00::1", "fd12:3456:789a::1"]
# Stand-ins for public addresses: global to the guard, on `lo` inside the namespace only.
PUBLIC4, PUBLIC6 = "93.184.216.34", "2606:2800:220:1::1"
ALLOWED = "127.45.67.89"  # fetch.allow_hosts: the redirector and proxy stand-in live here
CANARY_PORTS = [80, 443, 8080, 8088, 6379, 22, 23, 25, 11211, 1900, 3128]
MIXED_PORT = 8081         # public fixture and internal canary share it (F-N3)
PRIVATE_PORT = 8082       # F-N4's feed on 10.0.0.1

HOSTS = f"""
10.0.0.1 private.feedd.test
169.254.169.254 metadata.feedd.test
::ffff:127.0.0.1 mapped.feedd.test
::1 loopback6.feedd.test
10.0.0.1 mixed.feedd.test
{PUBLIC4} mixed.feedd.test
fd00:ec2::254 mixed6.feedd.test
{PUBLIC6} mixed6.feedd.test
"""

# A cross-section of ../shared/security/ssrf-urls.txt (the tests must pass without it).
BUILTIN_URLS = """
http://127.0.0.1/feed.xml
https://127.0.0.1/feed.xml
http://127.0.0.1:6379/
http://127.1/feed.xml
http://2130706433/feed.xml
http://0x7f000001/feed.xml
http://017700000001/feed.xml
http://0177.0.0.1/feed.xml
http://localhost/feed.xml
http://localhost./feed.xml
http://ssrf.localhost/feed.xml
http://0.0.0.0/feed.xml
http://0/feed.xml
http://[::]/feed.xml
http://[::1]/feed.xml
http://[::ffff:127.0.0.1]/feed.xml
http://[::ffff:7f00:1]/feed.xml
http://[::ffff:10.0.0.1]/feed.xml
http://[::ffff:a9fe:a9fe]/latest/meta-data/
http://[::127.0.0.1]/feed.xml
http://[64:ff9b::a00:1]/feed.xml
http://[2002:a00:1::]/feed.xml
http://10.0.0.1/feed.xml
http://10.0.0.1:8081/feed.xml
http://172.16.0.1/feed.xml
http://192.168.0.1/feed.xml
http://100.64.0.1/feed.xml
http://169.254.169.254/latest/meta-data/
http://169.254.170.2/v2/credentials
http://[fd00:ec2::254]/latest/meta-data/
http://[fc00::1]/feed.xml
http://192.0.2.1/feed.xml
http://198.18.0.1/feed.xml
http://224.0.0.1/feed.xml
http://user:secret@10.0.0.1/feed.xml
http://93.184.216.34@10.0.0.1/feed.xml
http://10.0.0.1#@93.184.216.34/feed.xml
http://private.feedd.test/feed.xml
http://metadata.feedd.test/latest/meta-data/
http://mapped.feedd.test/feed.xml
http://loopback6.feedd.test/feed.xml
feed:http://10.0.0.1/feed.xml
file:///etc/passwd
gopher://127.0.0.1:6379/_INFO
dict://127.0.0.1:11211/stat
ftp://10.0.0.1/feed.xml
"""


def skip(reason: str) -> int:
    print(f"skipped: {reason}")
    return 0


def sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


class Canary:
    """Listens on every internal address (wildcard sockets for the usual ports, specific ones
    for the F-N3/F-N4 ports) and counts accepted connections by local address."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._sel = selectors.DefaultSelector()
        self._socks: list[socket.socket] = []
        for port in CANARY_PORTS:
            self._listen("0.0.0.0", port)
            self._listen("::", port)
        self._listen("10.0.0.1", MIXED_PORT)
        self._listen("fd00:ec2::254", MIXED_PORT)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _listen(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen(64)
        sock.setblocking(False)
        self._sel.register(sock, selectors.EVENT_READ)
        self._socks.append(sock)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._sel.select(0.1):
                try:
                    conn, _ = key.fileobj.accept()  # type: ignore[union-attr]
                except OSError:
                    continue
                self.hits.append("%s:%d" % conn.getsockname()[:2])
                conn.close()

    def count(self) -> int:
        return len(self.hits)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for sock in self._socks:
            sock.close()


def enter_namespace_setup(extra_hosts: str | None) -> None:
    """Inside `unshare --net --mount`: lo up with the test addresses, nothing else, and an
    /etc/hosts of our own."""
    sh("ip", "link", "set", "lo", "up")
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    routes = subprocess.run(["ip", "route", "show", "default"], capture_output=True,
                            text=True).stdout
    if any(": lo:" not in line for line in links.splitlines()) or routes.strip():
        raise SystemExit("the namespace has more than lo: refusing to run")
    for address in V4_INTERNAL + [PUBLIC4]:
        sh("ip", "addr", "add", f"{address}/32", "dev", "lo")
    for address in V6_INTERNAL + [PUBLIC6]:
        sh("ip", "addr", "add", f"{address}/128", "dev", "lo", "nodad")
    with open("/etc/hosts", encoding="utf-8") as f:
        hosts = f.read() + HOSTS
    if extra_hosts:
        with open(extra_hosts, encoding="utf-8") as f:
            hosts += f.read()
    fd, path = tempfile.mkstemp(prefix="feedd-ssrf-hosts-")
    with os.fdopen(fd, "w") as f:
        f.write(hosts)
    sh("mount", "--bind", path, "/etc/hosts")


def read_urls(path: str | None) -> list[str]:
    text = BUILTIN_URLS
    if path:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    urls = []
    for line in text.splitlines():
        line = line.split("\t", 1)[0].strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.urls = read_urls(args.urls)
        self.canary = Canary()
        self.allowed = FixtureServer(host=ALLOWED)
        self.public = FixtureServer(host=PUBLIC4, port=MIXED_PORT)
        self.public6 = FixtureServer(host=PUBLIC6, port=MIXED_PORT)
        self.private: FixtureServer | None = None
        self.daemon: Feedd | None = None
        self.report: list[str] = []

    def start(self, allow_private: bool = False, env: dict[str, str] | None = None) -> Feedd:
        if self.daemon is not None:
            self.daemon.close()
        daemon = ProxiedFeedd(self.args.feedd, self.args.feedctl, env or {})
        daemon.write_config(fetch={"allow_private": allow_private, "allow_hosts": [ALLOWED],
                                   "host_spacing": "0s", "connect_timeout": "2s",
                                   "timeout": "5s", "per_host": 8})
        daemon.start()
        self.daemon = daemon
        return daemon

    def close(self) -> None:
        if self.daemon is not None:
            self.daemon.close()
        for server in (self.allowed, self.public, self.public6, self.private):
            if server is not None:
                server.stop()
        self.canary.close()

    def add_all(self, urls: list[str]) -> tuple[list[str], int]:
        """Adds each URL; returns the ids of those added and the number refused at add."""
        assert self.daemon is not None
        ids, refused = [], 0
        for url in urls:
            result = self.daemon.ctl("add", url, check=False)
            if result.code == 0 and isinstance(result.data, dict) and "id" in result.data:
                ids.append(str(result.data["id"]))
            else:
                refused += 1
        return ids, refused

    def refused_everywhere(self, label: str, urls: list[str]) -> None:
        assert self.daemon is not None
        before = self.canary.count()
        ids, refused_at_add = self.add_all(urls)
        if ids:
            self.daemon.refresh(*ids, timeout=240)
            self.daemon.refresh(*ids, timeout=240)  # and on a second refresh
        feeds = {str(f["id"]): f for f in self.daemon.feeds()}
        fetched = [feeds[i]["url"] for i in ids if feeds[i]["status"] == "ok"
                   or feeds[i].get("entries", 0)]
        stages: dict[str, int] = {}
        for i in ids:
            stage = str(feeds[i].get("error_stage") or feeds[i]["status"])
            stages[stage] = stages.get(stage, 0) + 1
        hits = self.canary.hits[before:]
        self.report.append(f"{label}: {len(urls) - len(fetched)}/{len(urls)} refused "
                           f"({refused_at_add} at add, then by stage {stages}); "
                           f"{len(hits)} connections at the canary")
        check(not fetched, f"{label}: fetched {fetched}")
        check(not hits, f"{label}: canary saw connections to {sorted(set(hits))}")

    # -- the figures ---------------------------------------------------------------------------
    def direct(self) -> None:
        self.start()
        self.refused_everywhere("F-N1 direct", self.urls)

    def redirects(self) -> None:
        codes = [301, 302, 307, 308]
        paths = []
        for i, url in enumerate(self.urls):
            path = f"/to/{i}"
            self.allowed.set_behavior(path, redirect_to=url, redirect_code=codes[i % 4])
            paths.append(self.allowed.url(path))
        self.start()
        self.refused_everywhere("F-N2 redirects", paths)
        hops = sum(self.allowed.request_count(f"/to/{i}") for i in range(len(self.urls)))
        check(hops >= len(self.urls), f"the redirector saw only {hops} requests")

    def mixed_names(self) -> None:
        daemon = self.start()
        before = self.canary.count()
        for server, name in ((self.public, "mixed.feedd.test"),
                             (self.public6, "mixed6.feedd.test")):
            server.add_feed("m", 2)
            feed = daemon.add(f"http://{name}:{MIXED_PORT}/feeds/m.xml")
            daemon.refresh(str(feed["id"]))
            got = next(f for f in daemon.feeds() if f["id"] == feed["id"])
            self.report.append(f"F-N3 {name}: status {got['status']}, {got.get('entries')} "
                               f"entries, public server saw "
                               f"{server.request_count('/feeds/m.xml')} requests")
            check(got["status"] == "ok", f"{name}: {got}")
            check(server.request_count("/feeds/m.xml") >= 1, f"{name}: public half not used")
        hits = self.canary.hits[before:]
        self.report.append(f"F-N3: {len(hits)} connections to the internal halves")
        check(not hits, f"canary saw {hits}")

    def allow_private(self) -> None:
        self.private = FixtureServer(host="10.0.0.1", port=PRIVATE_PORT)
        self.private.add_feed("p", 2)
        daemon = self.start(allow_private=True)
        ok = 0
        for url in (self.private.feed_url("p"),
                    f"http://private.feedd.test:{PRIVATE_PORT}/feeds/p.xml"):
            feed = daemon.add(url)
            daemon.refresh(str(feed["id"]))
            got = next(f for f in daemon.feeds() if f["id"] == feed["id"])
            check(got["status"] == "ok" and got.get("entries") == 2, f"{url}: {got}")
            ok += 1
        self.report.append(f"F-N4 allow_private = true: {ok}/2 internal feeds fetched, "
                           f"{self.private.request_count('/feeds/p.xml')} requests served")

    def other_urls(self) -> None:
        daemon = self.start()
        before = self.canary.count()
        internal = ["http://10.0.0.1/enclosure.mp3", "http://169.254.169.254/latest/image.png",
                    "http://[fd00:ec2::254]/thumb.jpg", "http://192.168.0.1/hub",
                    "http://172.16.0.1/pixel.gif"]
        rss = ('<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/'
               'mrss/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.'
               'itunes.com/dtds/podcast-1.0.dtd"><channel><title>Outbound</title>'
               f'<link>{internal[0]}</link><atom:link rel="hub" href="{internal[3]}"/>'
               f'<itunes:image href="{internal[1]}"/><image><url>{internal[1]}</url>'
               '<title>i</title><link>http://example.org/</link></image>'
               '<item><title>one</title><guid>urn:o:1</guid>'
               f'<enclosure url="{internal[0]}" length="1" type="audio/mpeg"/>'
               f'<media:thumbnail url="{internal[2]}"/>'
               f'<description>&lt;img src="{internal[4]}"&gt; &lt;a href="{internal[0]}"&gt;'
               'x&lt;/a&gt;</description></item></channel></rss>')
        self.allowed.set_raw("/outbound.xml", rss, "application/rss+xml")
        feed = daemon.add(self.allowed.url("/outbound.xml"))
        daemon.refresh(str(feed["id"]))
        got = next(f for f in daemon.feeds() if f["id"] == feed["id"])
        check(got["status"] == "ok", f"outbound feed: {got}")
        # Discovery: a page whose feed link points inside.
        self.allowed.set_html("/page.html", alternate="http://10.0.0.1/feed.xml")
        page = daemon.add(self.allowed.url("/page.html"))
        for _ in range(3):
            daemon.refresh(str(page["id"]))
        moved = next(f for f in daemon.feeds() if f["id"] == page["id"])
        check(moved["status"] != "ok", f"discovered internal feed fetched: {moved}")
        hits = self.canary.hits[before:]
        self.report.append(f"F-N5: feed with {len(internal)} internal enclosure/image/"
                           f"thumbnail/hub URLs {got['status']}; discovered internal link "
                           f"-> {moved['status']} ({moved.get('error')}); {len(hits)} "
                           f"connections at the canary")
        check(not hits, f"canary saw {hits}")

    def proxies(self) -> None:
        # The proxy stand-in is the allowlisted fixture server itself: a proxied request
        # would reach it in absolute form and let it connect inside on feedd's behalf.
        proxy = f"http://{ALLOWED}:{self.allowed.port}"
        env = {name: proxy for name in ("http_proxy", "https_proxy", "all_proxy",
                                        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")}
        daemon = self.start(env=env)
        before, served = self.canary.count(), len(self.allowed.requests)
        ids, _ = self.add_all(["http://10.0.0.1/feed.xml", "http://169.254.169.254/latest/",
                               f"http://[::1]:{self.allowed.port}/feed.xml"])
        daemon.refresh(*ids)
        feeds = {str(f["id"]): f for f in daemon.feeds()}
        check(all(feeds[i]["status"] != "ok" for i in ids), f"fetched through a proxy: {feeds}")
        proxied = [r.target for r in self.allowed.requests[served:]
                   if r.target.startswith("http")]
        self.allowed.add_feed("direct", 2)
        direct = daemon.add(self.allowed.feed_url("direct"))
        daemon.refresh(str(direct["id"]))
        record = self.allowed.requests_for("/feeds/direct.xml")[-1]
        hits = self.canary.hits[before:]
        self.report.append(f"proxy env set: {len(ids)} internal URLs refused, {len(proxied)} "
                           f"proxied requests, allowed feed fetched directly "
                           f"(request target {record.target!r}); {len(hits)} canary hits")
        check(not proxied, f"requests went through the proxy: {proxied}")
        check(record.target.startswith("/"), f"allowed feed went through the proxy: {record}")
        check(not hits, f"canary saw {hits}")


class ProxiedFeedd(Feedd):
    """feedd started with extra environment variables (the harness strips proxies)."""

    def __init__(self, feedd: str, feedctl: str, env: dict[str, str]) -> None:
        super().__init__(feedd, feedctl)
        self.extra_env = env

    def command(self) -> list[str]:
        if not self.extra_env:
            return super().command()
        return ["env", *[f"{k}={v}" for k, v in self.extra_env.items()], *super().command()]


def inside(args: argparse.Namespace) -> int:
    enter_namespace_setup(args.hosts)
    runner = TestRunner(args.only)
    run = Run(args)
    try:
        runner.run("F-N1 direct URLs refused, 0 connections", run.direct)
        runner.run("F-N2 redirects to them refused, 0 connections", run.redirects)
        runner.run("F-N3 multi-address names use only the public address", run.mixed_names)
        runner.run("F-N4 allow_private = true connects", run.allow_private)
        runner.run("F-N5 enclosures, images, discovery links not fetched", run.other_urls)
        runner.run("proxy environment variables do not route around the guard", run.proxies)
    finally:
        run.close()
    print("\n".join(run.report))
    return runner.finish()


def main() -> int:
    parser = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--feedd", default=os.path.join(root, "build", "feedd"))
    parser.add_argument("--feedctl", default=os.path.join(root, "build", "feedctl"))
    parser.add_argument("--urls", help="URL list (ssrf-urls.txt format); default: built in")
    parser.add_argument("--hosts", help="hosts(5) lines to add (ssrf-hosts.txt)")
    parser.add_argument("-k", dest="only", default=None)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.inside:
        return inside(args)
    if os.geteuid() != 0:
        return skip("needs root for unshare --net --mount")
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return skip(f"{tool} not installed")
    probe = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True,
                           text=True)
    if probe.returncode != 0:
        return skip(f"unshare not permitted here: {probe.stderr.strip()}")
    argv = [sys.executable, os.path.abspath(__file__), "--inside", *sys.argv[1:]]
    return subprocess.run(["unshare", "--net", "--mount", *argv]).returncode


if __name__ == "__main__":
    sys.exit(main())
