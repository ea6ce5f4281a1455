#!/usr/bin/env python3
"""OPML import and export through feedctl (issue 7): folders become tags, titles are kept,
an export imports back to the same subscriptions; RELIABILITY.md F-C5: every outline is
refused or accepted exactly as `feedctl add` would treat its URL, and the daemon never takes
a path (the client reads the file).  About 15 s."""

from __future__ import annotations

import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, parse_args, unix_http_request  # noqa: E402

# Outlines `add` refuses outright, and private addresses it accepts but the SSRF guard
# refuses at fetch time (allow_private = false). No DNS names: nothing leaves the machine.
HOSTILE = [
    "file:///etc/passwd", "file://localhost/etc/shadow", "ftp://127.0.0.1/feed.xml",
    "gopher://127.0.0.1:70/_x", "javascript:alert(1)", "data:text/xml,<rss/>",
    "exec:rm -rf /", "|cat /etc/passwd", "/etc/passwd", "http://",
    "http://127.0.0.1:9/feed.xml", "http://[::1]:9/feed.xml", "http://10.0.0.1/feed.xml",
    "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:9/", "http://127.1/feed.xml",
    "http://2130706433/feed.xml",
]


def opml(outlines: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>t</title>'
            f"</head><body>{outlines}</body></opml>\n")


def test_import_keeps_folders_as_tags_and_titles(ctx) -> None:
    server, daemon = ctx["server"], ctx["a"]
    urls = {name: server.feed_url(name) for name in ("one", "two", "three")}
    text = opml(
        f'<outline text="Tech"><outline text="Rust">'
        f'<outline type="rss" text="Feed One" xmlUrl={quoteattr(urls["one"])}/></outline>'
        f'<outline type="rss" title="Feed Two" text="x" xmlUrl={quoteattr(urls["two"])} category="news"/>'
        f'</outline><outline type="rss" text="Three" xmlUrl={quoteattr(urls["three"])}/>')
    path = os.path.join(daemon.dir, "in.opml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    result = daemon.ctl("import", path)
    check(result.data["added"] == 3 and result.data["refused"] == 0, f"{result}")
    again = daemon.ctl("import", "-", stdin=text, use_json=False)
    check("0 added, 3 already subscribed, 0 refused" in again.stdout, f"{again}")
    feeds = {f["url"]: f for f in daemon.feeds()}
    check(sorted(feeds[urls["one"]]["tags"]) == ["Rust", "Tech"], f"{feeds[urls['one']]}")
    check(feeds[urls["one"]]["user_title"] == "Feed One", f"{feeds[urls['one']]}")
    check(sorted(feeds[urls["two"]]["tags"]) == ["Tech", "news"], f"{feeds[urls['two']]}")
    check(feeds[urls["two"]]["user_title"] == "Feed Two", "title attribute wins over text")
    check(feeds[urls["three"]]["tags"] == [], f"{feeds[urls['three']]}")
    bad = daemon.ctl("import", os.path.join(daemon.dir, "missing.opml"), check=False)
    check(bad.code == 74, f"missing file: {bad}")
    notopml = daemon.ctl("import", "-", stdin="<rss version='2.0'/>", check=False)
    check(notopml.code == 65, f"not OPML: {notopml}")


def test_export_round_trips(ctx) -> None:
    a, b = ctx["a"], ctx["b"]
    a.ctl("tag", str(a.feeds()[2]["id"]), "extra", "more")
    exported = a.ctl("export", use_json=False).stdout
    root = ET.fromstring(exported)
    check(root.tag == "opml" and root.get("version") == "2.0", exported[:200])
    out_file = os.path.join(a.dir, "out.opml")
    a.ctl("export", "-o", out_file, use_json=False)
    with open(out_file, encoding="utf-8") as f:
        check(f.read() == exported, "export -o wrote something else")
    b.ctl("import", out_file)
    def summary(daemon):
        return sorted((f["url"], f["user_title"], tuple(f["tags"])) for f in daemon.feeds())
    check(summary(a) == summary(b), f"\n{summary(a)}\n{summary(b)}")
    def outlines(text):
        return sorted((o.get("xmlUrl"), o.get("title"), o.get("category"))
                      for o in ET.fromstring(text).iter("outline") if o.get("xmlUrl"))
    check(outlines(b.ctl("export", use_json=False).stdout) == outlines(exported),
          "the second export lists other feeds, titles or tags")
    as_json = a.ctl("export").data
    check(len(as_json["feeds"]) == len(a.feeds()), f"{as_json}")


def add_outcome(daemon: Feedd, url: str) -> tuple:
    result = daemon.ctl("add", url, check=False)
    if result.code == 0:
        daemon.ctl("rm", str(result.data["id"]), use_json=False)
        return ("accepted",)
    return ("refused", result.code, result.stderr.strip().removeprefix("feedctl: "))


def test_import_refuses_what_add_refuses(ctx) -> None:
    """F-C5."""
    daemon = ctx["guarded"]
    outlines = "".join(f"<outline type={quoteattr('command' if u.startswith(('exec', '|')) else 'rss')} "
                       f"text=\"x\" xmlUrl={quoteattr(u)}/>" for u in HOSTILE)
    result = daemon.ctl("import", "-", stdin=opml(outlines), check=False)
    check(result.code == 1, f"an import with refusals exits 1: {result}")
    by_url = {r["url"]: r for r in result.data["results"]}
    imported_ids = sorted({r["id"] for r in result.data["results"] if "id" in r})
    daemon.ctl("refresh", "--wait", use_json=False)
    for feed in daemon.feeds():
        check(feed["status"] == "error" and feed["error_stage"] == "policy",
              f"an imported private address was fetched: {feed}")
    for fid in imported_ids:
        daemon.ctl("rm", str(fid), use_json=False)
    for url in HOSTILE:
        got = by_url.get(url)
        check(got is not None, f"{url!r} missing from the import results")
        via_add = add_outcome(daemon, url)
        via_import = ("accepted",) if "id" in got else ("refused", 1, got["error"]["message"])
        check(via_add == via_import, f"{url!r}: add {via_add} vs import {via_import}")
    # The daemon never takes a path: an import body naming a file is just a bad request.
    status, _, body = unix_http_request(daemon.socket, "/v1/import", "POST",
                                        json.dumps({"file": "/etc/passwd"}).encode())
    check(status == 400 and b"missing_feeds" in body, f"{status} {body!r}")


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    server = FixtureServer()
    for name in ("one", "two", "three"):
        server.add_feed(name, 2)
    daemons = {"a": Feedd(args.feedd, args.feedctl), "b": Feedd(args.feedd, args.feedctl),
               "guarded": Feedd(args.feedd, args.feedctl)}
    for key, daemon in daemons.items():
        fetch = {"allow_private": key != "guarded", "host_spacing": "0s", "connect_timeout": "3s"}
        daemon.write_config(fetch=fetch, http={"listen": ""})
    started = time.monotonic()
    try:
        for daemon in daemons.values():
            daemon.start()
        ctx = {"server": server, **daemons}
        for fn in (test_import_keeps_folders_as_tags_and_titles, test_export_round_trips,
                   test_import_refuses_what_add_refuses):
            if not runner.run(fn.__name__, fn, ctx):
                for daemon in daemons.values():
                    daemon.failed = True
        for daemon in daemons.values():
            daemon.stop()
    finally:
        for daemon in daemons.values():
            daemon.close()
        server.stop()
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
