#!/usr/bin/env python3
"""Walking skeleton (issue 2), end to end: the real feedd and feedctl against the fixture
server.  Two feeds (RSS 2.0 and Atom) are added, fetched, listed, merged into
/feeds/all.atom; duplicates are not stored; SIGTERM exits 0 and a restart keeps the
entries; bad feeds get an error status and a logged warning; feedctl exit codes."""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer, rfc3339  # noqa: E402
from harness import (EX_UNAVAILABLE, EX_USAGE, Feedd, TestRunner, check, closed_port,  # noqa: E402
                     parse_args, run_feedctl, wait_until, xmllint_ok)

ATOM = "{http://www.w3.org/2005/Atom}"
ENTRY_FIELDS = ("id", "title", "link", "published", "updated", "authors", "summary", "content",
                "categories", "enclosures", "thumbnail", "comments", "feed_id", "story_id",
                "fetched", "entry_id")
STATUS_FIELDS = ("version", "uptime_seconds", "feeds", "entries", "stories", "failing_feeds",
                 "fetches_in_flight", "public_address")
FEED_FIELDS = ("id", "url", "title", "tags", "status", "error", "error_stage", "http_status",
               "last_fetch", "last_success", "next_fetch", "entries")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
FETCH = {"connect_timeout": "5s", "timeout": "20s"}


class Ctx:
    """State shared by the ordered skeleton tests."""

    def __init__(self, args, server: FixtureServer, daemon: Feedd):
        self.args, self.server, self.daemon = args, server, daemon
        self.rss_url = server.feed_url("alpha", "rss")
        self.atom_url = server.feed_url("beta", "atom")
        self.ids: dict[str, str] = {}          # url -> feed id (as a string)
        self.snapshot: list[dict] = []

    def expected_entries(self) -> list:
        """Fixture entries of both feeds, newest first."""
        entries = self.server.feed("alpha").entries + self.server.feed("beta").entries
        return sorted(entries, key=lambda e: e.published, reverse=True)


def all_entries(daemon: Feedd) -> list[dict]:
    return daemon.entries("--limit", "1000")


def feed_by_url(feeds: list[dict], url: str) -> list[dict]:
    return [f for f in feeds if f.get("url") == url]


def entry_keys(entries: list[dict]) -> list[tuple]:
    return sorted((str(e["entry_id"]), str(e["feed_id"]), e["id"]) for e in entries)


# ---------------------------------------------------------------------------------------------

def test_daemon_starts_and_status_has_the_contract_fields(ctx: Ctx) -> None:
    ctx.daemon.start()
    status = ctx.daemon.status()
    missing = [k for k in STATUS_FIELDS if k not in status]
    check(not missing, f"status --json lacks {missing}: {status}")
    check(status["feeds"] == 0 and status["entries"] == 0, f"fresh daemon not empty: {status}")
    check(re.match(r"^127\.0\.0\.1:\d+$", status["public_address"] or "")
          and not status["public_address"].endswith(":0"),
          f"public_address must be the bound address: {status['public_address']!r}")
    plain = ctx.daemon.ctl("status", use_json=False)
    check(plain.stdout.strip(), "plain `feedctl status` printed nothing")


def test_add_prints_the_feed_id_and_json_prints_the_feed(ctx: Ctx) -> None:
    plain = ctx.daemon.ctl("add", ctx.rss_url, use_json=False)
    feed_id = plain.stdout.strip()
    check(feed_id and len(feed_id.split()) == 1, f"`add` should print the id alone: {plain}")
    ctx.ids[ctx.rss_url] = feed_id
    feed = ctx.daemon.add(ctx.atom_url)
    check(feed.get("url") == ctx.atom_url, f"add --json url: {feed}")
    check(str(feed["id"]) != feed_id, "two feeds got one id")
    ctx.ids[ctx.atom_url] = str(feed["id"])
    feeds = ctx.daemon.feeds()
    check(len(feeds) == 2, f"ls shows {len(feeds)} feeds, want 2: {feeds}")
    for f in feeds:
        missing = [k for k in FEED_FIELDS if k not in f]
        check(not missing, f"ls --json feed lacks {missing}: {f}")
        check(f["status"] in ("new", "ok", "error", "gone"), f"unknown status {f['status']!r}")
    check({str(f["id"]) for f in feeds} == set(ctx.ids.values()), f"ids differ: {feeds}")


def test_refresh_wait_stores_every_entry_with_the_contract_fields(ctx: Ctx) -> None:
    ctx.daemon.refresh()
    entries = all_entries(ctx.daemon)
    expected = ctx.expected_entries()
    check(len(entries) == len(expected),
          f"entries: {len(entries)}, want {len(expected)}: {[e.get('title') for e in entries]}")
    for e in entries:
        missing = [k for k in ENTRY_FIELDS if k not in e]
        check(not missing, f"entry lacks {missing}: {e}")
        check(RFC3339_UTC.match(e["fetched"] or ""), f"fetched not RFC 3339 UTC: {e['fetched']}")
        check(isinstance(e["authors"], list) and isinstance(e["categories"], list)
              and isinstance(e["enclosures"], list), f"list fields: {e}")
    by_id = {e["id"]: e for e in entries}
    for fx in expected:
        got = by_id.get(fx.id)
        check(got is not None, f"entry {fx.id} missing")
        check(got["title"] == fx.title, f"title {got['title']!r} != {fx.title!r}")
        check(got["link"] == fx.link, f"link {got['link']!r} != {fx.link!r}")
        check(got["published"] == rfc3339(fx.published),
              f"{fx.id}: published {got['published']} != {rfc3339(fx.published)}")
        check("fixture" in got["categories"], f"categories lost: {got['categories']}")
        check(got["summary"] and "Summary of" in got["summary"], f"summary: {got['summary']!r}")
        feed_url = ctx.rss_url if fx.id.startswith("urn:fixture:alpha:") else ctx.atom_url
        check(str(got["feed_id"]) == ctx.ids[feed_url], f"{fx.id} in feed {got['feed_id']}")
    published = [e["published"] for e in entries]
    check(published == sorted(published, reverse=True), f"entries not newest first: {published}")
    feeds = ctx.daemon.feeds()
    for f in feeds:
        check(f["status"] == "ok", f"feed not ok after refresh: {f}")
        check(f["last_fetch"] and f["last_success"], f"fetch times missing: {f}")
    status = ctx.daemon.status()
    check(status["feeds"] == 2 and status["entries"] == len(expected), f"status: {status}")
    listing = ctx.daemon.ctl("ls", use_json=False).stdout
    check(ctx.rss_url in listing and ctx.atom_url in listing, f"plain ls: {listing!r}")
    plain = ctx.daemon.ctl("entries", use_json=False).stdout
    check(expected[0].title in plain, f"plain entries lacks the newest title: {plain[:500]!r}")
    ctx.snapshot = entries


def test_merged_atom_feed_has_every_entry_newest_first(ctx: Ctx) -> None:
    status, headers, body = ctx.daemon.http_get("/feeds/all.atom")
    check(status == 200, f"/feeds/all.atom -> {status}")
    check("xml" in headers.get("content-type", ""), f"content-type {headers.get('content-type')}")
    root = ET.fromstring(body)
    check(root.tag == ATOM + "feed", f"root element {root.tag}")
    ok, message = xmllint_ok(body)
    check(ok, f"xmllint: {message}")
    titles = [e.findtext(ATOM + "title") for e in root.findall(ATOM + "entry")]
    want = [e.title for e in ctx.expected_entries()]
    check(titles == want, f"all.atom titles {titles}\nwant (newest first) {want}")
    status, _, _ = ctx.daemon.http_get("/healthz")
    check(status == 200, f"/healthz -> {status}")
    etag = headers.get("etag")
    if etag:
        check(ctx.daemon.http_get("/feeds/all.atom", {"If-None-Match": etag})[0] == 304,
              "all.atom ignores If-None-Match")


def test_outputs_are_written_to_public_dir(ctx: Ctx) -> None:
    path = os.path.join(ctx.daemon.public_dir, "all.atom")
    wait_until(lambda: os.path.exists(path), 15, message=f"{path} written")

    def complete() -> bool:
        with open(path, "rb") as f:
            data = f.read()
        return data.count(b"<entry") == len(ctx.expected_entries())
    wait_until(complete, 15, message="public_dir/all.atom with every entry")
    with open(path, "rb") as f:
        data = f.read()
    ET.fromstring(data)
    ok, message = xmllint_ok(data)
    check(ok, f"xmllint {path}: {message}")


def test_adding_the_same_feed_twice_keeps_one_subscription(ctx: Ctx) -> None:
    for use_json in (False, True):
        again = ctx.daemon.ctl("add", ctx.rss_url, use_json=use_json, check=False)
        check(again.code in (0, 1), f"second add: {again}")
        if again.code == 0:
            got = str(again.data["id"]) if use_json else again.stdout.strip()
            check(got == ctx.ids[ctx.rss_url], f"second add gave id {got}, first {ctx.ids}")
    feeds = ctx.daemon.feeds()
    check(len(feed_by_url(feeds, ctx.rss_url)) == 1 and len(feeds) == 2, f"ls: {feeds}")


def test_ten_refreshes_store_each_entry_once(ctx: Ctx) -> None:
    before = entry_keys(all_entries(ctx.daemon))
    paths = ["/feeds/alpha.xml", "/atom/beta.xml"]
    counts = [ctx.server.request_count(p) for p in paths]
    for _ in range(10):
        ctx.daemon.refresh()
    for path, count in zip(paths, counts):
        got = ctx.server.request_count(path) - count
        check(got >= 10, f"{path}: {got} requests in 10 refreshes (refresh did not fetch)")
    entries = all_entries(ctx.daemon)
    pairs = [(str(e["feed_id"]), e["id"]) for e in entries]
    check(len(pairs) == len(set(pairs)), f"duplicate (feed_id, id) pairs: {sorted(pairs)}")
    check(entry_keys(entries) == before, "entries changed across refreshes of unchanged feeds")
    conditional = [r for p in paths for r in ctx.server.requests_for(p)[1:]
                   if r.header("If-None-Match") or r.header("If-Modified-Since")]
    print(f"  info: {len(conditional)} conditional requests, "
          f"{sum(1 for p in paths for r in ctx.server.requests_for(p) if r.status == 304)} "
          "answered 304")
    # New entries arrive once, old ones keep their database ids.
    ctx.server.add_entries("alpha", 2)
    ctx.daemon.refresh(ctx.ids[ctx.rss_url])
    entries = all_entries(ctx.daemon)
    check(len(entries) == len(before) + 2, f"after growth: {len(entries)} entries")
    check(set(before) <= set(entry_keys(entries)), "existing entries changed ids after growth")
    check(entries[0]["title"] == "alpha entry 4", f"newest entry first: {entries[0]['title']}")
    ctx.snapshot = entries


def test_sigterm_exits_zero_and_restart_keeps_the_entries(ctx: Ctx) -> None:
    ctx.daemon.stop(expect=0)
    ctx.daemon.start()
    entries = all_entries(ctx.daemon)
    check(entry_keys(entries) == entry_keys(ctx.snapshot),
          f"entries after restart differ:\n{entry_keys(entries)}\n{entry_keys(ctx.snapshot)}")
    feeds = ctx.daemon.feeds()
    check({str(f["id"]) for f in feeds} == set(ctx.ids.values()), f"feeds after restart {feeds}")
    status, _, body = ctx.daemon.http_get("/feeds/all.atom")
    check(status == 200 and len(ET.fromstring(body).findall(ATOM + "entry")) == len(entries),
          "all.atom after restart")
    ctx.daemon.stop(expect=0)


def log_mentions_warning(log: str, needles: list[str]) -> bool:
    for line in log.splitlines():
        if re.search(r"warn|error", line, re.IGNORECASE) and any(n in line for n in needles):
            return True
    return False


def test_bad_feeds_get_an_error_status_and_a_logged_warning(ctx: Ctx) -> None:
    server = ctx.server
    server.set_html("/pages/no-feed.html")
    server.add_feed("cut", 5)
    server.set_raw("/bad/truncated.xml", server.render("cut")[:700], "application/rss+xml")
    cases = {
        "unreachable": f"http://127.0.0.1:{closed_port()}/unreachable.xml",
        "not-found": server.url("/bad/missing.xml"),
        "html": server.url("/pages/no-feed.html"),
        "truncated": server.url("/bad/truncated.xml"),
    }
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        daemon.write_config(fetch=FETCH)
        daemon.start()
        ids = {}
        for name, url in cases.items():
            added = daemon.ctl("add", url, check=False)
            check(added.code == 0 and isinstance(added.data, dict),
                  f"{name}: `add` must subscribe and report the failure as the feed's status "
                  f"(issue 2: error visible in `feedctl ls`)\n{added}")
            ids[name] = str(added.data["id"])
        daemon.refresh(timeout=120)
        feeds = {str(f["id"]): f for f in daemon.feeds()}
        log = daemon.log()
        problems = []
        for name, url in cases.items():
            f = feeds.get(ids[name])
            if f is None:
                problems.append(f"{name}: feed {ids[name]} not in ls")
                continue
            path = url.split("/", 3)[3]
            needles = [url, "/" + path, f"feed {ids[name]}", f"feed={ids[name]}",
                       f"feed #{ids[name]}", f"id={ids[name]}"]
            if not log_mentions_warning(log, needles):
                problems.append(f"{name}: no warning line in the log mentioning {url}")
            if name == "truncated" and f["status"] == "ok":
                if not f.get("entries"):
                    problems.append(f"truncated: status ok but no recovered entries: {f}")
                continue
            if f["status"] != "error" or not f.get("error"):
                problems.append(f"{name}: want status error with a message, got {f}")
        check(daemon.running(), "feedd died on bad input\n" + daemon.log_tail())
        status = daemon.status()
        check(status["feeds"] == 4, f"status after bad input: {status}")
        check(not problems, "\n".join(problems) + "\n" + daemon.log_tail(30))
        print("  info: " + "; ".join(f"{n}: {feeds[ids[n]]['status']} / {feeds[ids[n]]['error']!r}"
                                     f" / stage {feeds[ids[n]].get('error_stage')!r}"
                                     for n in cases))
        daemon.stop(expect=0)


def test_feedctl_exit_codes_without_a_daemon_and_on_usage_errors(ctx: Ctx) -> None:
    folder = tempfile.mkdtemp(prefix="feedctl-it-", dir="/tmp")
    try:
        missing = os.path.join(folder, "missing.sock")
        got = run_feedctl(ctx.args.feedctl, ["status"], missing)
        check(got.code == EX_UNAVAILABLE, f"no socket: want 69\n{got}")
        stale = os.path.join(folder, "stale.sock")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(stale)  # bound, never listening: connect() is refused
        try:
            for args in (["status"], ["ls"], ["entries"], ["refresh", "--wait"]):
                got = run_feedctl(ctx.args.feedctl, args, stale)
                check(got.code == EX_UNAVAILABLE, f"stale socket: want 69\n{got}")
        finally:
            sock.close()
        for args in (["--no-such-flag", "status"], ["add"], ["no-such-verb"],
                     ["entries", "--limit", "many"]):
            got = run_feedctl(ctx.args.feedctl, args, missing)
            check(got.code == EX_USAGE, f"usage error: want 2\n{got}")
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def test_daemon_log_is_free_of_sanitizer_reports(ctx: Ctx) -> None:
    log = ctx.daemon.log()
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:", "ERROR SUMMARY: [1-9]",
                   "double free", "free\\(\\): invalid", "terminate called",
                   "Segmentation fault", "stack smashing"):
        check(not re.search(marker, log), f"sanitizer report in the log: {marker}")


ORDERED = [
    test_daemon_starts_and_status_has_the_contract_fields,
    test_add_prints_the_feed_id_and_json_prints_the_feed,
    test_refresh_wait_stores_every_entry_with_the_contract_fields,
    test_merged_atom_feed_has_every_entry_newest_first,
    test_outputs_are_written_to_public_dir,
    test_adding_the_same_feed_twice_keeps_one_subscription,
    test_ten_refreshes_store_each_entry_once,
    test_sigterm_exits_zero_and_restart_keeps_the_entries,
    test_bad_feeds_get_an_error_status_and_a_logged_warning,
    test_feedctl_exit_codes_without_a_daemon_and_on_usage_errors,
    test_daemon_log_is_free_of_sanitizer_reports,
]


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    started = time.monotonic()
    server = FixtureServer()
    server.add_feed("alpha", 3, title="Alpha (RSS 2.0)")
    server.add_feed("beta", 4, title="Beta (Atom)")
    daemon = Feedd(args.feedd, args.feedctl)
    daemon.write_config(fetch=FETCH)
    try:
        ctx = Ctx(args, server, daemon)
        for fn in ORDERED:
            if not runner.run(fn.__name__, fn, ctx):
                daemon.failed = True
    finally:
        daemon.close()
        server.stop()
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
