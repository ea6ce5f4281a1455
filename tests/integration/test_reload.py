#!/usr/bin/env python3
"""Config reload (SIGHUP): feeds declared in the config are added, changed (title, tags) or
removed; feeds added at run time with `feedctl add` survive every reload; a restart keeps
the same state. http.metrics (off by default) puts /metrics on the public listener, and a
reload turns it on and off."""

from __future__ import annotations

import os
import signal
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import (Feedd, TestRunner, check, parse_args, unix_http_request,  # noqa: E402
                     wait_until)

FETCH = {"connect_timeout": "5s", "timeout": "20s", "host_spacing": "0s"}


def by_url(daemon: Feedd) -> dict[str, dict]:
    return {feed["url"]: feed for feed in daemon.feeds()}


def reload(daemon: Feedd, server: FixtureServer, feeds: list[dict]) -> None:
    daemon.write_config(feeds=[dict(f, url=server.feed_url(f["url"])) for f in feeds],
                        fetch=FETCH)
    since = daemon.log_size()
    daemon.signal(signal.SIGHUP)
    daemon.wait_log(r"feeds scheduled", timeout=20, since=since)


def test_reload(cli) -> None:
    with FixtureServer() as server, Feedd(cli.feedd, cli.feedctl) as daemon:
        for name in ("a", "b", "c", "runtime"):
            server.add_feed(name, 3)
        url = server.feed_url
        daemon.write_config(feeds=[{"url": url("a"), "title": "Feed A", "tags": ["x"]},
                                   {"url": url("b")}], fetch=FETCH)
        daemon.start()
        feeds = by_url(daemon)
        check(set(feeds) == {url("a"), url("b")}, f"config feeds at start: {sorted(feeds)}")
        check(feeds[url("a")]["title"] == "Feed A", f"title: {feeds[url('a')]}")
        runtime = daemon.add(url("runtime"))
        daemon.refresh(str(runtime["id"]))
        check(by_url(daemon)[url("runtime")]["entries"] == 3, "runtime feed fetched")

        # b removed, a retitled and retagged, c added; the runtime feed stays.
        reload(daemon, server, [{"url": "a", "title": "Feed A2", "tags": ["y", "z"]},
                                {"url": "c"}])
        feeds = by_url(daemon)
        check(set(feeds) == {url("a"), url("c"), url("runtime")},
              f"after the reload: {sorted(feeds)}")
        check(feeds[url("a")]["title"] == "Feed A2", f"retitled: {feeds[url('a')]}")
        check(sorted(feeds[url("a")]["tags"]) == ["y", "z"], f"retagged: {feeds[url('a')]}")
        check(feeds[url("runtime")]["entries"] == 3, "the runtime feed kept its entries")
        # The new feed is fetched without being asked.
        wait_until(lambda: by_url(daemon)[url("c")]["entries"] == 3, 30,
                   message="the feed added by the reload is fetched")
        before = server.request_count(server.feed_path("b"))
        daemon.refresh()  # every scheduled feed; b must not be among them
        check(server.request_count(server.feed_path("b")) == before,
              "the removed feed is no longer fetched")

        # A config without feeds removes the config's feeds only.
        reload(daemon, server, [])
        check(set(by_url(daemon)) == {url("runtime")}, f"empty config: {sorted(by_url(daemon))}")

        # A restart keeps it so; declaring the runtime feed adopts it (no duplicate).
        reload(daemon, server, [{"url": "runtime", "tags": ["adopted"]}])
        daemon.restart()
        feeds = by_url(daemon)
        check(list(feeds) == [url("runtime")], f"after restart: {sorted(feeds)}")
        check(feeds[url("runtime")]["id"] == runtime["id"], "adopted, not re-added")
        check(feeds[url("runtime")]["tags"] == ["adopted"], f"adopted tags: {feeds}")
        check(feeds[url("runtime")]["entries"] == 3, "entries kept")


def test_public_metrics_follow_http_metrics(cli) -> None:
    with Feedd(cli.feedd, cli.feedctl) as daemon:
        daemon.write_config(fetch=FETCH)
        daemon.start()
        # Off by default: the public listener does not know /metrics; the control socket does.
        status, _, _ = daemon.http_get("/metrics")
        check(status == 404, f"/metrics on the public listener by default: {status}")
        status, _, _ = unix_http_request(daemon.socket, "/metrics")
        check(status == 200, f"/metrics on the control socket: {status}")

        def reload_with(metrics: bool) -> None:
            daemon.write_config(fetch=FETCH, http={"metrics": metrics})
            since = daemon.log_size()
            daemon.signal(signal.SIGHUP)
            daemon.wait_log(r"reloaded ", timeout=20, since=since)

        reload_with(True)
        status, headers, body = daemon.http_get("/metrics")
        check(status == 200, f"/metrics with http.metrics = true: {status} {body[:200]!r}")
        check(headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
              f"content type {headers.get('content-type')}")
        check(headers.get("cache-control") == "no-store", f"headers {headers}")
        text = body.decode()
        check('feedd_fetches_total{outcome="ok"}' in text and "feedd_uptime_seconds" in text,
              text[:500])
        status, headers, body = daemon.http_get("/metrics", method="HEAD")
        check(status == 200 and body == b"", f"HEAD /metrics: {status} {body[:100]!r}")
        # The rest of the public listener is unchanged.
        status, _, _ = daemon.http_get("/healthz")
        check(status == 200, f"/healthz: {status}")

        reload_with(False)
        status, _, _ = daemon.http_get("/metrics")
        check(status == 404, f"/metrics after turning http.metrics off: {status}")
        check(daemon.stop() == 0, "exit status after SIGTERM")


def main() -> int:
    cli = parse_args()
    runner = TestRunner(cli.only)
    runner.run("SIGHUP syncs config feeds, keeps runtime feeds", test_reload, cli)
    runner.run("http.metrics puts /metrics on the public listener, SIGHUP toggles it",
               test_public_metrics_follow_http_metrics, cli)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
