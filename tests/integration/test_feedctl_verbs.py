#!/usr/bin/env python3
"""Issue 7: every feedctl verb against the real daemon, with its error paths: a bad URL, an
unknown id (exit 1), a dead daemon (exit 69), usage errors (exit 2), malformed requests sent
straight to the socket (a JSON error, the daemon unharmed); `follow` streaming new entries;
`backup`; RELIABILITY.md F-C6 (no credentials in logs or listings).  About 20 s."""

from __future__ import annotations

import json
import os
import re
import threading
from queue import Empty, Queue
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import (EX_UNAVAILABLE, EX_USAGE, Feedd, TestRunner, check, parse_args,  # noqa: E402
                     run_feedctl, unix_http_request, wait_until)

FETCH = {"connect_timeout": "5s", "timeout": "20s", "host_spacing": "0s"}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Ctx:
    def __init__(self, args, server: FixtureServer, daemon: Feedd):
        self.args, self.server, self.daemon = args, server, daemon
        self.alpha = server.feed_url("alpha", "rss")
        self.beta = server.feed_url("beta", "atom")
        self.ids: dict[str, int] = {}

    def ctl(self, *args: str, **kw):
        return self.daemon.ctl(*args, **kw)

    def fails(self, *args: str, code: int = 1, use_json: bool = True, contains: str = ""):
        result = self.daemon.ctl(*args, check=False, use_json=use_json)
        check(result.code == code, f"want exit {code}\n{result}")
        check(result.stderr.strip(), f"no message on stderr\n{result}")
        if contains:
            check(contains in result.stderr, f"stderr lacks {contains!r}\n{result}")
        return result


def verbs_from_help(feedctl: str) -> list[str]:
    out = subprocess.run([feedctl, "--help"], capture_output=True, text=True, timeout=10)
    check(out.returncode == 0, out.stderr)
    section = out.stdout.split("SUBCOMMANDS:")[-1].split("Exit status")[0]
    return re.findall(r"^\s{2}(\w[\w-]*)\s", section, re.M)


def test_help_man_and_completions(ctx: Ctx) -> None:
    feedctl = ctx.args.feedctl
    verbs = verbs_from_help(feedctl)
    check(len(verbs) >= 18, f"verbs in --help: {verbs}")
    man = open(os.path.join(ROOT, "docs/man/feedctl.1"), encoding="utf-8").read()
    generated = subprocess.run([feedctl, "--man"], capture_output=True, text=True, timeout=10)
    check(generated.stdout == man, "docs/man/feedctl.1 differs from `feedctl --man`: regenerate it")
    for verb in verbs:
        check(f".B {verb}\n" in man, f"man page lacks verb {verb}")
        out = subprocess.run([feedctl, verb, "--help"], capture_output=True, text=True, timeout=10)
        check(out.returncode == 0 and "Examples:" in out.stdout, f"{verb} --help: {out}")
    bash = os.path.join(ROOT, "completions/feedctl.bash")
    check(subprocess.run(["bash", "-n", bash]).returncode == 0, "bash -n failed")
    script = (f"source {bash}; COMP_WORDS=(feedctl ''); COMP_CWORD=1; COMP_LINE='feedctl '; "
              "COMP_POINT=8; _feedctl; printf '%s\\n' \"${COMPREPLY[@]}\"")
    offered = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=10)
    for verb in verbs:
        check(verb in offered.stdout.split(), f"bash completion does not offer {verb}: {offered}")
    zsh = open(os.path.join(ROOT, "completions/_feedctl"), encoding="utf-8").read()
    for verb in verbs:
        check(f"'{verb}:" in zsh, f"zsh completion lacks {verb}")
    feedd_help = subprocess.run([ctx.args.feedd, "--help"], capture_output=True, text=True,
                                timeout=10).stdout
    feedd_man = open(os.path.join(ROOT, "docs/man/feedd.8"), encoding="utf-8").read()
    for option in re.findall(r"(--[a-z-]+)", feedd_help):
        check(option.replace("-", "\\-") in feedd_man, f"feedd.8 lacks {option}")


def test_usage_errors_exit_2(ctx: Ctx) -> None:
    for argv in ([], ["bogus-verb"], ["add"], ["entries", "--limit", "0"], ["show"],
                 ["tag", "1"], ["search"], ["entry", "x1"], ["set", "1"], ["follow", "--after", "-3"]):
        result = run_feedctl(ctx.args.feedctl, argv, ctx.daemon.socket, use_json=False)
        check(result.code == EX_USAGE, f"want exit 2\n{result}")


def test_dead_daemon_exits_69(ctx: Ctx) -> None:
    dead = os.path.join(ctx.daemon.dir, "nobody-here.sock")
    for argv in (["status"], ["ls"], ["show", "1"], ["entries"], ["search", "x"], ["outputs"],
                 ["export"], ["follow"], ["backup", "/tmp/x.db"], ["tag", "1", "t"]):
        result = run_feedctl(ctx.args.feedctl, argv, dead, use_json=True, timeout=20)
        check(result.code == EX_UNAVAILABLE, f"want exit 69\n{result}")
        check("no feedd" in result.stderr, f"unclear message\n{result}")


def test_add_show_and_bad_urls(ctx: Ctx) -> None:
    for url in (ctx.alpha, ctx.beta):
        ctx.ids[url] = ctx.daemon.add(url, "--tag", "fixture")["id"]
    ctx.ctl("refresh", "--wait", use_json=False)
    for bad in ("file:///etc/passwd", "ftp://example.org/feed", "javascript:alert(1)", "http://",
                "not a url"):
        ctx.fails("add", bad)
    shown = ctx.ctl("show", str(ctx.ids[ctx.alpha])).data
    for field in ("id", "url", "status", "last_fetch", "next_fetch", "error", "interval_seconds",
                  "entries"):
        check(field in shown, f"show lacks {field}: {shown}")
    check(shown["status"] == "ok" and shown["entries"] == 3, f"{shown}")
    by_url = ctx.ctl("show", ctx.alpha).data
    check(by_url["id"] == shown["id"], "show by URL")
    human = ctx.ctl("show", str(shown["id"]), use_json=False)
    check("next fetch" in human.stdout and re.search(r"just now|ago", human.stdout), human.stdout)
    ctx.fails("show", "999999", contains="no feed with id 999999")
    ctx.fails("show", "https://not-subscribed.example/feed")
    ls = ctx.ctl("ls", use_json=False).stdout
    check("ID" in ls.splitlines()[0] and "\x1b[" not in ls, f"ls human: {ls}")


def test_tags_title_and_interval(ctx: Ctx) -> None:
    fid = str(ctx.ids[ctx.alpha])
    data = ctx.ctl("tag", fid, "tech", "rust").data
    check(sorted(data["tags"]) == ["fixture", "rust", "tech"], f"{data}")
    data = ctx.ctl("untag", fid, "fixture", "absent").data
    check(sorted(data["tags"]) == ["rust", "tech"], f"{data}")
    data = ctx.ctl("set", fid, "--title", "My Alpha", "--interval", "2h").data
    check(data["title"] == "My Alpha" and data["interval_seconds"] == 7200, f"{data}")
    data = ctx.ctl("set", fid, "--interval", "auto", "--title", "", "--tags", "a,b").data
    check(data["interval_seconds"] is None and data["user_title"] is None, f"{data}")
    check(sorted(data["tags"]) == ["a", "b"], f"{data}")
    ctx.fails("set", fid, "--interval", "5s")
    ctx.fails("set", fid, "--interval", "soon")
    ctx.fails("tag", "424242", "x", contains="no feed with id")
    entries = ctx.ctl("entries", "--tag", "a").data
    check(len(entries) == 3, f"entries --tag a: {len(entries)}")


def test_entries_entry_and_search(ctx: Ctx) -> None:
    entries = ctx.ctl("entries", "--limit", "2").data
    check(len(entries) == 2, f"{entries}")
    one = ctx.ctl("entry", str(entries[0]["entry_id"])).data
    check(one["entry_id"] == entries[0]["entry_id"] and one["title"] == entries[0]["title"], f"{one}")
    human = ctx.ctl("entry", str(entries[0]["entry_id"]), use_json=False).stdout
    check(entries[0]["title"] in human, human)
    ctx.fails("entry", "99999999", contains="no entry with id")
    word = entries[0]["title"].split()[0]
    # The index is written off the fetch path and waits while ingest goes on, and `refresh
    # --wait` (test_add_show_and_bad_urls) does not wait for it; a search indexes what is
    # pending before it looks, so it finds what the refresh stored: the README tour searches
    # straight after one.
    hits = ctx.ctl("search", word).data
    check(hits and all("snippet" in hit for hit in hits), f"search {word!r}: {hits}")
    # Straight after a refresh, inside the 2 s the maintenance task waits after an ingest
    # before it indexes: the search's own catch-up is what finds the new entry.
    ctx.server.add_entry("alpha", title="Wombatquill arrives at the meeting")
    ctx.ctl("refresh", "--wait")
    hits = ctx.ctl("search", "wombatquill").data
    check(len(hits) == 1 and "Wombatquill" in hits[0]["title"], f"search after refresh: {hits}")
    ctx.fails("search", "AND OR (")
    ctx.fails("entries", "--since", "yesterday-ish")


def test_follow_streams_new_entries(ctx: Ctx) -> None:
    newest = max(e["entry_id"] for e in ctx.daemon.entries("--limit", "1000"))
    proc = subprocess.Popen([ctx.args.feedctl, "--socket", ctx.daemon.socket, "follow", "--json",
                             "--after", str(newest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: ctx.daemon.status().get("followers") == 1, 10, message="a follower")
        new = ctx.server.add_entries("beta", 2)
        ctx.ctl("refresh", "--wait", str(ctx.ids[ctx.beta]), use_json=False)
        lines: list[dict] = []
        queue: "Queue[str]" = Queue()
        threading.Thread(target=lambda: [queue.put(line) for line in proc.stdout],
                         daemon=True).start()
        deadline = time.monotonic() + 15
        while len(lines) < 2 and time.monotonic() < deadline:
            try:
                lines.append(json.loads(queue.get(timeout=0.5)))
            except Empty:
                pass
        check(len(lines) == 2, f"follow printed {lines}")
        titles = sorted(line["title"] for line in lines)
        check(titles == sorted(e.title for e in new), f"{titles} vs {[e.title for e in new]}")
        check(all(line["feed_id"] == ctx.ids[ctx.beta] for line in lines), f"{lines}")
    finally:
        proc.terminate()
        proc.wait(10)
    # A client going away releases its place at once.
    wait_until(lambda: ctx.daemon.status().get("followers") == 0, 5, message="follower released")


def test_outputs(ctx: Ctx) -> None:
    outputs = ctx.ctl("outputs").data
    check(isinstance(outputs, list) and outputs and outputs[0]["name"] == "all", f"{outputs}")
    one = ctx.ctl("outputs", "all").data
    check(one["item_count"] >= 5 and one["urls"]["atom"].endswith("/feeds/all.atom"), f"{one}")
    human = ctx.ctl("outputs", use_json=False).stdout
    check("all" in human and "NAME" in human, human)
    ctx.fails("outputs", "nope", contains="no output named")


def test_backup(ctx: Ctx) -> None:
    cwd = os.path.join(ctx.daemon.dir, "backups")
    os.makedirs(cwd)
    result = subprocess.run([os.path.abspath(ctx.args.feedctl), "--socket", ctx.daemon.socket, "--json", "backup",
                             "copy.db"], cwd=cwd, capture_output=True, text=True, timeout=30)
    check(result.returncode == 0, f"{result}")
    path = json.loads(result.stdout)["path"]
    check(path == os.path.join(cwd, "copy.db"), f"relative path resolved by the client: {path}")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        count = db.execute("SELECT count(*) FROM feeds").fetchone()[0]
    check(count == len(ctx.daemon.feeds()), f"backup has {count} feeds")
    ctx.fails("backup", os.path.join(ctx.daemon.dir, "no-such-dir", "x.db"), contains="no such directory")
    ctx.fails("backup", ctx.daemon.db_path, contains="live database")
    status, _, body = unix_http_request(ctx.daemon.socket, "/v1/backup", "POST", b'{"path":"rel.db"}')
    check(status == 400 and json.loads(body)["error"]["code"] == "bad_path", f"{status} {body!r}")


def test_status(ctx: Ctx) -> None:
    data = ctx.daemon.status()
    for field in ("version", "uptime_seconds", "feeds", "entries", "failing_feeds",
                  "fetches_in_flight", "database_bytes", "last_errors", "followers",
                  "maintenance_errors"):
        check(field in data, f"status lacks {field}: {data}")
    check(data["database_bytes"] > 0, f"{data}")
    check(data["maintenance_errors"] == {}, f"a healthy daemon reports {data['maintenance_errors']}")
    human = ctx.ctl("status", use_json=False).stdout
    check("database:" in human and "feeds:" in human, human)


def test_a_failing_story_pass_shows_in_status_until_it_works_again(ctx: Ctx) -> None:
    # The story pass runs off the fetch path; when it cannot write, new entries stay out of
    # merged outputs and search. A trigger makes it fail the way a broken build or a damaged
    # database would.
    with sqlite3.connect(ctx.daemon.db_path, timeout=20) as db:
        db.execute("CREATE TRIGGER feedd_test_fail BEFORE DELETE ON story_pending BEGIN "
                   "SELECT RAISE(ABORT, 'injected story pass failure'); END")
    try:
        held_back = ctx.server.add_entry("alpha", title="Quokkaquill held back by the failure")
        ctx.ctl("refresh", "--wait", str(ctx.ids[ctx.alpha]), use_json=False)
        errors = wait_until(lambda: ctx.daemon.status()["maintenance_errors"], 15,
                            message="the story pass failure in the status")
        check("injected story pass failure" in errors.get("story assignment", ""), f"{errors}")
        human = ctx.ctl("status", use_json=False).stdout
        check("maintenance: story assignment" in human, human)
    finally:
        with sqlite3.connect(ctx.daemon.db_path, timeout=20) as db:
            db.execute("DROP TRIGGER feedd_test_fail")
    wait_until(lambda: ctx.daemon.status()["maintenance_errors"] == {}, 15,
               message="the failure to clear once the pass works")
    wait_until(lambda: any(hit["title"] == held_back.title
                           for hit in ctx.ctl("search", "quokkaquill").data),
               15, message="the held-back entry to become searchable")


def curl_or_python(ctx: Ctx, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
    curl = shutil.which("curl")
    if curl:
        argv = [curl, "-s", "-o", "-", "-w", "\n%{http_code}", "--unix-socket", ctx.daemon.socket,
                "-X", method, f"http://localhost{path}"]
        if body is not None:
            argv += ["--data-binary", "@-", "-H", "Content-Type: application/json"]
        out = subprocess.run(argv, input=body, capture_output=True, timeout=20).stdout
        text, _, code = out.rpartition(b"\n")
        return int(code), text
    status, _, data = unix_http_request(ctx.daemon.socket, path, method, body)
    return status, data


def raw_exchange(path: str, payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(path)
        sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_malformed_requests_get_json_errors(ctx: Ctx) -> None:
    cases = [
        ("POST", "/v1/feeds", b"{not json", 400, "bad_json"),
        ("POST", "/v1/feeds", b'{"url": 42}', 400, "missing_url"),
        ("POST", "/v1/feeds", b'{"url": "gopher://x/"}', 400, "bad_url"),
        ("PATCH", "/v1/feeds/1", b'{"colour": "red"}', 400, "unknown_field"),
        ("PATCH", "/v1/feeds/1", b'[1,2]', 400, "bad_json"),
        ("GET", "/v1/feeds/abc", None, 400, "bad_id"),
        ("GET", "/v1/nothing", None, 404, "not_found"),
        ("PUT", "/v1/status", None, 405, "method_not_allowed"),
        ("POST", "/v1/import", b'{"feeds": 3}', 400, "missing_feeds"),
        ("GET", "/v1/entries?limit=0", None, 400, "bad_limit"),
        ("GET", "/v1/entries/stream?after=x", None, 400, "bad_cursor"),
    ]
    for method, path, body, want, code in cases:
        status, data = curl_or_python(ctx, method, path, body)
        check(status == want, f"{method} {path}: {status} {data!r}")
        check(json.loads(data)["error"]["code"] == code, f"{method} {path}: {data!r}")
    for garbage in (b"\x00\xff\xfe garbage\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                    b"GET /v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"):
        answer = raw_exchange(ctx.daemon.socket, garbage)
        check(answer.startswith(b"HTTP/1.1 400"), f"{garbage!r} -> {answer[:200]!r}")
        check(b'"error"' in answer, f"{answer!r}")
    check(ctx.daemon.running() and ctx.daemon.status()["feeds"] >= 2, "daemon unharmed")


def test_credentials_never_shown(ctx: Ctx) -> None:
    """F-C6: a feed URL with user:secret@ never appears in logs or listings."""
    ctx.server.add_feed("private", 2)
    url = ctx.server.feed_url("private").replace("http://", "http://reader:s3cretpass@")
    added = ctx.daemon.add(url, "--title", "Private")
    ctx.ctl("refresh", "--wait", str(added["id"]), use_json=False)
    ctx.server.set_behavior("/feeds/private.xml", status=500, times=1)
    ctx.ctl("refresh", "--wait", str(added["id"]), use_json=False)
    for argv, use_json in ((["ls"], False), (["ls"], True), (["show", str(added["id"])], False),
                           (["show", str(added["id"])], True), (["status"], True),
                           (["status"], False), (["outputs", "all"], True), (["refresh", "--wait"], True)):
        result = ctx.ctl(*argv, use_json=use_json)
        check("s3cretpass" not in result.stdout + result.stderr, f"secret shown by {argv}\n{result}")
    check("***@" in ctx.ctl("ls", use_json=False).stdout, "redacted form not shown")
    ctx.ctl("rm", str(added["id"]), use_json=False)
    log = ctx.daemon.log()
    check("s3cretpass" not in log, "secret in the daemon's log")


def test_rm(ctx: Ctx) -> None:
    fid = str(ctx.ids[ctx.beta])
    out = ctx.ctl("rm", fid, use_json=False)
    check(f"removed feed {fid}" in out.stdout, out.stdout)
    ctx.fails("rm", fid, contains="no feed with id")
    ctx.fails("rm", ctx.beta)


ORDERED = [test_help_man_and_completions, test_usage_errors_exit_2, test_dead_daemon_exits_69,
           test_add_show_and_bad_urls, test_tags_title_and_interval, test_entries_entry_and_search,
           test_follow_streams_new_entries, test_outputs, test_backup, test_status,
           test_a_failing_story_pass_shows_in_status_until_it_works_again,
           test_malformed_requests_get_json_errors, test_credentials_never_shown, test_rm]


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    started = time.monotonic()
    server = FixtureServer()
    server.add_feed("alpha", 3, title="Alpha")
    server.add_feed("beta", 4, title="Beta")
    daemon = Feedd(args.feedd, args.feedctl)
    daemon.write_config(fetch=FETCH)
    try:
        daemon.start()
        ctx = Ctx(args, server, daemon)
        for fn in ORDERED:
            if not runner.run(fn.__name__, fn, ctx):
                daemon.failed = True
        daemon.stop()
    finally:
        daemon.close()
        server.stop()
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
