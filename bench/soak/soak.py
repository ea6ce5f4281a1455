#!/usr/bin/env python3
"""F-C7 soak: feedd follows many loopback feeds on an accelerated schedule, a minority of them
hostile, for a long time; memory, file descriptors and the error rate must stay flat.

    python3 bench/soak/soak.py --feedd build-release/feedd --feedctl build-release/feedctl \
        [--minutes 30] [--feeds 1000] [--hostile 0.05] [--entries 40]

Every 10 s it samples VmRSS and the open descriptors of the daemon (/proc) and the fetch
outcome counters (/metrics on the control socket); healthy feeds gain entries as it runs, and
SIGHUP reloads the config every few minutes. After a warm-up (a sixth of the run, at least
one minute) it reports RSS growth (and RssAnon, the part that is feedd's own), the
descriptor range and the error rate of the first and second half of the measured part, one
line per bar, and exits non-zero when a bar of RELIABILITY.md is missed: RSS growth >= 5%
after warm-up (median of the first third of the measured samples against the last third),
descriptors drifting (see fd_verdict), or the error rate drifting.

Memory has a bound made of feedd's heap plus SQLite's page caches: 8 MiB per connection
(PRAGMA cache_size = -8192 in storage/src/sqlite_store.cc), a writer and a reader, 16 MiB in
all. A cache fills as the connection touches pages, so while the database is smaller than
the bound the cache grows with it, which is growth toward the bound, not a leak. Each feed
therefore starts with --entries entries (40, what real feeds carry), so the first ingest
writes a database well past the bound before the warm-up ends; the output states the
database size at the end of the warm-up, so a reader can check the caches were full when
measuring started.

Under FEEDD_TEST_WRAPPER (e.g. "heaptrack -o /tmp/ht") it samples and signals feedd itself,
not the wrapper, and waits for the wrapper to write its data after SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, proc_stats, unix_http_request  # noqa: E402

# One behaviour per hostile feed, taken in turn: slow, broken, oversized or refusing servers.
HOSTILE = [
    {"slow_body_bps": 200.0},
    {"reset_after": 300},
    {"truncate": 0.5},
    {"gzip": "always", "truncate_gzip": 0.5},
    {"gzip_bomb": 200 * 1024 * 1024},
    {"endless": True, "endless_bytes": 64 * 1024 * 1024},
    {"status": 500},
    {"status": 503, "retry_after": 30},
    {"status": 429},
    {"broken_chunking": True, "chunked": True},
    {"content_length_delta": -200},
    {"body": b"<html><body>not a feed</body></html>", "content_type": "text/html"},
    {"body": b"<?xml version='1.0'?><rss><channel><item><title>&bogus; <b></item>"},
    {"many_headers": 5000},
]

# SQLite page cache bound per connection, MiB (storage/src/sqlite_store.cc, cache_size).
K_CACHE_MIB = 8

OUTCOME = re.compile(r'^feedd_fetches_total\{outcome="([^"]+)"\} (\d+)', re.M)


def daemon_pid(root: int, binary: str) -> int:
    """The feedd process itself: `root` when it runs bare, its descendant running `binary`
    when FEEDD_TEST_WRAPPER (heaptrack, valgrind) runs it; `root` if none is found yet."""
    binary = os.path.realpath(binary)
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            if os.path.realpath(f"/proc/{pid}/exe") == binary:
                return pid
        except OSError:
            pass
        todo += children.get(pid, [])
    return root


def memory_split(pid: int) -> dict[str, int]:
    """RssAnon (heap, SQLite page caches, arenas) and RssFile (mapped binary and libraries),
    KiB, from /proc/PID/status: growth in RssAnon is ours, growth in RssFile is not."""
    split: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("RssAnon", "RssFile"):
                    split[key] = int(value.split()[0])
    except OSError:
        pass
    return split


def database_mib(path: str) -> tuple[float, float]:
    """Sizes of the database file and of its WAL, MiB (0 when missing)."""
    sizes = []
    for name in (path, path + "-wal"):
        try:
            sizes.append(os.path.getsize(name) / 1048576)
        except OSError:
            sizes.append(0.0)
    return sizes[0], sizes[1]


def fetch_outcomes(socket_path: str) -> dict[str, int]:
    try:
        status, _, body = unix_http_request(socket_path, "/metrics", timeout=10)
    except OSError:
        return {}
    if status != 200:
        return {}
    return {name: int(count) for name, count in OUTCOME.findall(body.decode())}


def error_rate(before: dict[str, int], after: dict[str, int]) -> tuple[float, int]:
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    total = sum(delta.values())
    good = delta.get("ok", 0) + delta.get("not_modified", 0)
    return ((total - good) / total if total else 0.0), total


def fd_kinds(pid: int) -> tuple[int, int]:
    """(sockets, everything else) among the open descriptors of `pid`."""
    sockets = other = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:"):
                sockets += 1
            else:
                other += 1
    except OSError:
        pass
    return sockets, other


def fd_verdict(fds: list[int], concurrency: int) -> tuple[bool, str]:
    """Descriptors vary with the fetches in flight (one socket each, at most fetch.concurrency)
    and the idle keep-alive connections curl keeps for reuse (the fixture server speaks
    HTTP/1.1; curl closes a connection idle for 118 s); the rest (two database connections
    with their WAL and shm, the listeners, epoll, timers, log) is fixed. A busy moment raises
    the count and it falls back; a leak raises the floor. So: the range must fit
    2 x concurrency plus a few control connections (bounded), and the count must come back to
    its baseline: the lowest count of the last third of the samples within k_fd_slack of the
    lowest of the first third, and the medians likewise (flat)."""
    k_fd_slack = 4
    third = max(1, len(fds) // 3)
    first, last = fds[:third], fds[-third:]
    bound = 2 * concurrency + 8
    spread = max(fds) - min(fds)
    floor_rise = min(last) - min(first)
    median_rise = statistics.median(last) - statistics.median(first)
    bounded = spread <= bound
    flat = floor_rise <= k_fd_slack and median_rise <= k_fd_slack
    what = (f"fds {min(fds)}..{max(fds)} ({'bounded' if bounded else 'OVER'}: range {spread} "
            f"<= {bound} = 2 x concurrency + 8), floor {min(first)} -> {min(last)}, median "
            f"{statistics.median(first):.0f} -> {statistics.median(last):.0f} "
            f"({'flat' if flat else 'DRIFT'}: within {k_fd_slack})")
    return bounded and flat, what


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedd", required=True)
    parser.add_argument("--feedctl", required=True)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hostile", type=float, default=0.05, help="fraction of hostile feeds")
    parser.add_argument("--entries", type=int, default=40,
                        help="entries per feed at the start (the database outgrows the caches)")
    parser.add_argument("--interval", default="20s", help="fetch.min_interval (accelerated)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    duration = args.minutes * 60.0
    warmup = max(60.0, duration / 6)
    hostile_count = int(args.feeds * args.hostile)
    concurrency = 32
    # The hostile feeds live on a host of their own (127.0.0.2): a 429 or 503 rightly pauses
    # every feed of its host, which is per-host politeness, not what this soak measures. The
    # healthy feeds are spread over four more loopback hosts.
    servers = [FixtureServer(host=f"127.0.0.{n}") for n in (2, 1, 3, 4, 5)]
    with Feedd(args.feedd, args.feedctl) as daemon:
        names = [f"f{i:05d}" for i in range(args.feeds)]
        server_of: dict[str, FixtureServer] = {}
        for i, name in enumerate(names):
            server = servers[0] if i < hostile_count else servers[1 + i % 4]
            server_of[name] = server
            server.add_feed(name, args.entries)
            if i < hostile_count:
                server.set_behavior(server.feed_path(name), **HOSTILE[i % len(HOSTILE)])
        healthy = names[hostile_count:]
        feeds = [{"url": server_of[name].feed_url(name)} for name in names]
        fetch = {"min_interval": args.interval, "max_interval": "2m", "host_spacing": "0s",
                 "per_host": 16, "concurrency": concurrency, "timeout": "15s",
                 "connect_timeout": "5s"}
        daemon.write_config(feeds=feeds, fetch=fetch)
        wrapped = bool(os.environ.get("FEEDD_TEST_WRAPPER"))
        daemon.start(timeout=600 if wrapped else 120)
        # Under FEEDD_TEST_WRAPPER (heaptrack) the child is the wrapper: sample and signal
        # feedd itself.
        pid = daemon_pid(daemon.proc.pid, args.feedd)
        print(f"soak: {args.feeds} feeds ({hostile_count} hostile), {args.minutes} min, "
              f"feedd pid {pid}, workdir {daemon.dir}", flush=True)

        started = time.monotonic()
        samples: list[tuple[float, int, int, dict[str, int], int]] = []
        warmup_db: tuple[float, float] | None = None  # (database, WAL) MiB at warm-up's end
        next_reload = started + 300
        while (elapsed := time.monotonic() - started) < duration:
            if not daemon.running():
                print("soak: FAIL feedd exited", daemon.log_tail(), sep="\n")
                return 1
            for name in rng.sample(healthy, max(1, len(healthy) // 20)):
                server_of[name].add_entries(name, 1)
            stats = proc_stats(pid)
            anon = memory_split(pid).get("RssAnon", 0)
            outcomes = fetch_outcomes(daemon.socket)
            samples.append((elapsed, stats.get("VmRSS", 0), stats.get("fds", 0), outcomes, anon))
            if warmup_db is None and elapsed >= warmup:
                warmup_db = database_mib(daemon.db_path)
                print(f"soak: warm-up over at t={elapsed / 60:.1f} min: database "
                      f"{warmup_db[0]:.1f} MiB (WAL {warmup_db[1]:.1f} MiB), SQLite page "
                      f"caches bounded at 2 x {K_CACHE_MIB} MiB", flush=True)
            if len(samples) % 6 == 0:
                sockets, other = fd_kinds(pid)
                db, _ = database_mib(daemon.db_path)
                print(f"  t={elapsed / 60:5.1f} min rss={stats.get('VmRSS', 0) / 1024:6.1f} MiB "
                      f"(anon {anon / 1024:6.1f}) fds={stats.get('fds', 0)} ({sockets} sockets) "
                      f"fetches={sum(outcomes.values())} db={db:.1f} MiB", flush=True)
            if time.monotonic() >= next_reload:
                os.kill(pid, signal.SIGHUP)
                next_reload += 300
            time.sleep(10)
        if wrapped:
            # feedd first; then let the wrapper write its report (heaptrack takes minutes).
            os.kill(pid, signal.SIGTERM)
            daemon.proc.wait(900)
        daemon.stop(timeout=30)
    for server in servers:
        server.stop()

    measured = [s for s in samples if s[0] >= warmup and s[3]]
    if len(measured) < 4:
        print("soak: FAIL too few samples after warm-up")
        return 1
    # Growth is the trend: the median RSS of the last third of the measured samples against
    # that of the first third. A single peak (a capped body being decoded) is bounded by the
    # fetch limits and reported apart, as the peak.
    third = max(1, len(measured) // 3)
    rss_start = statistics.median(s[1] for s in measured[:third])
    rss_end = statistics.median(s[1] for s in measured[-third:])
    anon_start = statistics.median(s[4] for s in measured[:third])
    anon_end = statistics.median(s[4] for s in measured[-third:])
    rss_peak = max(s[1] for s in measured)
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0.0
    half = len(measured) // 2
    rate1, n1 = error_rate(measured[0][3], measured[half][3])
    rate2, n2 = error_rate(measured[half][3], measured[-1][3])
    # Hostile feeds back off while healthy ones keep their pace, so a slowly falling error
    # rate is expected; drift means the rate rising by more than a few points.
    drift_ok = rate2 <= rate1 + 0.03
    fd_ok, fd_text = fd_verdict([s[2] for s in measured], concurrency)
    rss_ok = growth < 5.0
    verdict = "PASS" if (rss_ok and fd_ok and drift_ok) else "FAIL"
    db_text = (f"database {warmup_db[0]:.1f} MiB at its end, caches bound 2 x {K_CACHE_MIB} MiB"
               if warmup_db else "database size not sampled")
    print(f"soak: {args.minutes:.0f} min, {args.feeds} feeds ({hostile_count} hostile, "
          f"{args.entries} entries each at start), warm-up {warmup / 60:.0f} min ({db_text}), "
          f"{len(measured)} samples after it")
    print(f"soak: median RSS {rss_start / 1024:.1f} -> {rss_end / 1024:.1f} MiB "
          f"({growth:+.1f}%, bar < 5%; anon {anon_start / 1024:.1f} -> {anon_end / 1024:.1f} "
          f"MiB; peak {rss_peak / 1024:.1f} MiB): {'ok' if rss_ok else 'FAIL'}")
    print(f"soak: {fd_text}: {'ok' if fd_ok else 'FAIL'}")
    print(f"soak: error rate {rate1:.1%} ({n1} fetches) then {rate2:.1%} ({n2} fetches) "
          f"(bar: +3 points): {'ok' if drift_ok else 'FAIL'}")
    print(f"soak: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
