#!/usr/bin/env python3
"""Fetch benchmark (issue 5): N distinct feeds served by a local nginx, fetched by feedd,
by newsboat and by `curl --parallel` in the same run. Three cycles each:

  cold     every feed new (empty database / cache); feedd's time includes its start-up
  warm     nothing changed (feedd and curl send validators and get 304s; newsboat refetches)
  changed  10% of the files gained an entry

feedd defers work off the fetch path (story assignment, the full-text index, output files), so
each of its cycles is reported twice: until `refresh --wait` returns, and "+idle", until its
CPU goes quiet (under 0.02 s per 0.5 s); the next cycle starts only then.

For each tool and cycle: wall time, CPU time (user+sys of the tool's process) and peak RSS,
and nginx's own count of 200/304 answers for feedd's cycles. Prints a table and the ratios
against the goals of issue 5. Standard library only.

  python3 bench/fetch/fetch_bench.py --feedd build-rel/feedd --feedctl build-rel/feedctl \
      --feeds 1000,10000 [--data /tmp/fetch-bench] [--skip newsboat] \
      [--newsboat-cycles cold] [--newsboat-max 1000]

Politeness settings. Every feed here lives on one host (127.0.0.1), so feedd's defaults
(fetch.per_host = 2, fetch.host_spacing = 1 s between two request starts to one host) would
make the bench measure the spacing: 1,000 feeds = 1,000 s. The bench therefore configures
per_host = concurrency (32 by default, feedd's default concurrency, --concurrency;
curl --parallel-max gets the same) and host_spacing = 0s, which is what
1,000 feeds spread over many hosts get from the defaults. min/max_interval are 24 h so no
scheduled fetch runs between the cycles; each cycle is one `feedctl refresh --wait`.

The corpus comes from ../shared/bench/gen_corpus.py (generated into --data when missing)
and nginx from ../shared/bench/fetch_server.sh (apt-get install nginx-light newsboat).
newsboat with 10,000 feeds takes about 12 minutes per cycle: --newsboat-max skips it above
that many feeds, --newsboat-cycles limits it to some cycles."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")


QUIET_FOR = 5.0  # seconds of idle CPU that end a cycle's "until idle" (Feedd.settle)


def sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def corpus(data: str, feeds: int) -> list[str]:
    www = os.path.join(data, "www", "f")
    have = sorted(f for f in os.listdir(www) if f.endswith(".xml")) if os.path.isdir(www) else []
    if len(have) < feeds:
        print(f"generating {feeds} feeds into {www} ...", flush=True)
        sh([sys.executable, os.path.join(SHARED_BENCH, "gen_corpus.py"), "--out", www,
            "--files", str(feeds), "--min-entries", "10", "--max-entries", "40",
            "--min-content", "512", "--max-content", "8192", "--seed", "7"])
        have = sorted(f for f in os.listdir(www) if f.endswith(".xml"))
    return have[:feeds]


def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def proc_hwm_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def proc_io_gb(pid: int) -> tuple[float, float]:
    """Bytes the process has read and written through system calls (files and sockets), GB:
    with SQLite's 16 KiB pages, a writer that misses its page cache shows here."""
    counts = {}
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            key, value = line.split(":")
            counts[key] = int(value)
    return counts.get("rchar", 0) / 1e9, counts.get("wchar", 0) / 1e9


def timed_child(cmd: list[str], **kw) -> tuple[float, float, float]:
    """Runs cmd; returns wall s, CPU s and peak RSS MiB of the child (wait4 rusage)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"  warning: {cmd[0]} exited {os.waitstatus_to_exitcode(status)}", flush=True)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def change_tenth(www: str, files: list[str], cycle: int) -> None:
    rng = random.Random(cycle)
    for name in rng.sample(files, max(1, len(files) // 10)):
        path = os.path.join(www, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        tag = f"bench-{cycle}-{name}"
        if "<item>" in text:
            text = text.replace("<item>", f"<item><title>{tag}</title><guid isPermaLink=\"false\">"
                                f"{tag}</guid><description>new</description></item><item>", 1)
        else:
            text = text.replace("<entry>", f"<entry><id>urn:{tag}</id><title>{tag}</title>"
                                f"<updated>2026-11-26T00:00:00Z</updated></entry><entry>", 1)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


class Feedd:
    def __init__(self, feedd: str, feedctl: str, urls: list[str], work: str, concurrency: int,
                 log_level: str = "warn"):
        self.feedd, self.feedctl, self.work = feedd, feedctl, work
        self.socket = os.path.join(work, "feedd.sock")
        conf = os.path.join(work, "feedd.toml")
        with open(conf, "w") as f:
            f.write(f'[storage]\npath = "{work}/feedd.db"\n[control]\nsocket = "{self.socket}"\n'
                    f'[http]\nlisten = "127.0.0.1:0"\n'
                    f'[fetch]\nallow_hosts = ["127.0.0.1"]\nconcurrency = {concurrency}\n'
                    f'per_host = {concurrency}\nhost_spacing = "0s"\nmin_interval = "24h"\n'
                    f'max_interval = "24h"\n[log]\nlevel = "{log_level}"\n')
            for url in urls:
                f.write(f'[[feed]]\nurl = "{url}"\n')
        self.conf = conf
        self.count = len(urls)
        self.proc: subprocess.Popen | None = None
        self.started, self.cpu_at_start = 0.0, 0.0  # of the last cycle, for settle()
        self.on_start: Callable[[int], None] | None = None  # called with feedd's pid

    def ctl(self, *args: str) -> None:
        sh([self.feedctl, "--socket", self.socket, *args], stdout=subprocess.DEVNULL,
           timeout=3600)

    def cold(self) -> tuple[float, float, float]:
        start = time.monotonic()
        self.started = start
        self.proc = subprocess.Popen([self.feedd, "--config", self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "feedd.log"), "w"))
        if self.on_start is not None:
            self.on_start(self.proc.pid)
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None:
                raise SystemExit(f"feedd exited: see {self.work}/feedd.log")
            time.sleep(0.01)
        # The [[feed]] tables are synced into the database after start-up: wait for all of
        # them, or refresh --wait would only see some.
        while True:
            out = subprocess.run([self.feedctl, "--socket", self.socket, "--json", "status"],
                                 capture_output=True, text=True)
            if out.returncode == 0 and json.loads(out.stdout).get("feeds") == self.count:
                break
            if self.proc.poll() is not None:
                raise SystemExit(f"feedd exited: see {self.work}/feedd.log")
            time.sleep(0.05)
        # New feeds are due at start; refresh --wait joins those fetches and returns at the end.
        self.ctl("refresh", "--wait")
        return time.monotonic() - start, proc_cpu(self.proc.pid), proc_hwm_mib(self.proc.pid)

    def cycle(self) -> tuple[float, float, float]:
        assert self.proc is not None
        cpu0 = proc_cpu(self.proc.pid)
        start = time.monotonic()
        self.started, self.cpu_at_start = start, cpu0
        self.ctl("refresh", "--wait")
        return (time.monotonic() - start, proc_cpu(self.proc.pid) - cpu0,
                proc_hwm_mib(self.proc.pid))

    def settle(self, started: float, cpu_at_start: float) -> tuple[float, float, float]:
        """Waits (at most 300 s) until feedd is idle: its deferred work (story pass, full-text
        index, output files and archive pages) done, i.e. under 0.02 CPU s per 0.5 s for
        QUIET_FOR seconds in a row - longer than the 2 s feedd waits after the last ingest
        before it writes archive pages and the index, so that pause is not taken for the end.
        Returns the wall time, CPU time and peak RSS from `started` / `cpu_at_start` to the
        start of that quiet, so a cycle is also reported with everything it caused, and the
        next cycle starts from rest."""
        assert self.proc is not None
        deadline = time.monotonic() + 300
        last = proc_cpu(self.proc.pid)
        quiet_at = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = proc_cpu(self.proc.pid)
            if now - last >= 0.02:
                quiet_at = time.monotonic()
            elif time.monotonic() - quiet_at >= QUIET_FOR:
                break
            last = now
        return (quiet_at - started, proc_cpu(self.proc.pid) - cpu_at_start,
                proc_hwm_mib(self.proc.pid))

    def stored(self) -> str:
        """What the store holds, to show a cycle did its work (not only its fetches)."""
        out = subprocess.run([self.feedctl, "--socket", self.socket, "--json", "status"],
                             capture_output=True, text=True, timeout=600)
        status = json.loads(out.stdout) if out.returncode == 0 else {}
        failing = status.get("maintenance_errors")
        if failing:
            # The story pass or the index failing skips most of a cold cycle's work: the
            # figures would look good and mean nothing.
            raise SystemExit(f"feedd's deferred work fails, the run is void: {failing}")
        return (f"stored {status.get('entries', '?')} entries in {status.get('stories', '?')} "
                f"stories")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:  # mid-cycle with 10,000 fetches queued
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def perf_attached(args: argparse.Namespace, cycle: str, daemon: "Feedd"):
    """With --perf-cycle CYCLE, records a call-graph profile of feedd during that cycle into
    --perf-out (perf slows feedd: the cycle's figures are then not comparable). The cold
    cycle's profile starts as feedd does."""
    if args.perf_cycle != cycle:
        yield
        return
    perfs: list[subprocess.Popen] = []

    def attach(pid: int) -> None:
        # System-wide (-a): `-p` misses the threads feedd starts after perf attaches.
        perfs.append(subprocess.Popen(["perf", "record", "-a", "-F", "499",
                                       *args.perf_call_graph.split(), "-o", args.perf_out],
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        print(f"  perf: feedd is pid {pid} (perf report --pid {pid})", flush=True)
        time.sleep(0.5)  # attached before the work starts

    if daemon.proc is None:
        daemon.on_start = attach
    else:
        attach(daemon.proc.pid)
    try:
        yield
    finally:
        daemon.on_start = None
        for perf in perfs:
            perf.send_signal(signal.SIGINT)
            perf.wait(timeout=300)
            print(f"  perf profile of feedd's {cycle} cycle: {args.perf_out}", flush=True)


def nginx_etag(path: str) -> str:
    st = os.stat(path)
    return f'"{int(st.st_mtime):x}-{st.st_size:x}"'


def curl_config(urls: list[str], paths: list[str], conditional: bool, out: str) -> str:
    with open(out, "w") as f:
        for i, (url, path) in enumerate(zip(urls, paths)):
            if i > 0:
                f.write("next\n")  # a trailing `next` is an error for curl
            f.write(f'url = "{url}"\noutput = "/dev/null"\n')
            if conditional:
                etag = nginx_etag(path).replace('"', '\\"')
                f.write(f'header = "If-None-Match: {etag}"\n')
    return out


def nginx_forget(env: dict) -> None:
    """nginx's open_file_cache keeps a file's size and mtime (so its ETag) for 60 s: after
    changing files, a reload (SIGHUP: new workers, empty caches) makes it see the change."""
    with open(os.path.join(env["NGX"], "nginx.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGHUP)
    time.sleep(1.0)


def nginx_counts(server: str, env: dict) -> tuple[int, int, int]:
    """(total, 200s, 304s) in nginx's access log so far."""
    out = subprocess.run(["bash", server, "log-counts"], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


Row = tuple[float, float, float]


def run_size(args: argparse.Namespace, feeds: int, server: str, env: dict) -> dict:
    files = corpus(args.data, feeds)
    www = os.path.join(args.data, "www", "f")
    urls = [f"http://127.0.0.1:{args.port}/f/{name}" for name in files]
    paths = [os.path.join(www, name) for name in files]
    work = tempfile.mkdtemp(prefix="feedd-fetch-bench-")
    rows: dict[tuple[str, str], Row] = {}
    answers: dict[str, tuple[int, int, int]] = {}
    try:
        with open(os.path.join(work, "urls"), "w") as f:
            f.write("\n".join(urls) + "\n")
        if "curl" not in args.skip:
            for cycle, conditional in (("cold", False), ("warm", True)):
                cfg = curl_config(urls, paths, conditional, os.path.join(work, f"curl-{cycle}.cfg"))
                rows[("curl", cycle)] = timed_child(["curl", "-s", "--parallel", "--parallel-max",
                                                     str(args.concurrency), "-K", cfg])
                print(f"  curl {cycle}: {rows[('curl', cycle)][0]:.2f} s", flush=True)
        daemon = Feedd(args.feedd, args.feedctl, urls, work, args.concurrency, args.log_level)
        try:
            for cycle in args.cycles.split(","):
                if cycle == "changed":
                    change_tenth(www, files, feeds)
                    nginx_forget(env)
                before = nginx_counts(server, env)
                io_before = proc_io_gb(daemon.proc.pid) if daemon.proc else (0.0, 0.0)
                with perf_attached(args, cycle, daemon):
                    rows[("feedd", cycle)] = daemon.cold() if cycle == "cold" else daemon.cycle()
                after = nginx_counts(server, env)
                answers[cycle] = tuple(x - y for x, y in zip(after, before))  # type: ignore
                assert daemon.proc is not None
                io = [x - y for x, y in zip(proc_io_gb(daemon.proc.pid), io_before)]
                print(f"  feedd {cycle}: {rows[('feedd', cycle)][0]:.2f} s, nginx answered "
                      f"{answers[cycle][0]} ({answers[cycle][1]} x 200, {answers[cycle][2]} x 304); "
                      f"feedd read {io[0]:.2f} GB, wrote {io[1]:.2f} GB", flush=True)
                if "idle" in args.skip:
                    continue
                rows[("feedd", cycle + "+idle")] = daemon.settle(daemon.started,
                                                                daemon.cpu_at_start)
                print(f"  feedd {cycle} until idle: {rows[('feedd', cycle + '+idle')][0]:.2f} s; "
                      f"{daemon.stored()}", flush=True)
        finally:
            daemon.stop()
        if ("newsboat" not in args.skip and shutil.which("newsboat")
                and feeds <= args.newsboat_max):
            nb = os.path.join(work, "newsboat")
            os.makedirs(nb, exist_ok=True)
            with open(os.path.join(nb, "config"), "w") as f:
                f.write(f"reload-threads {args.newsboat_threads}\n")
            cmd = ["newsboat", "-u", os.path.join(work, "urls"), "-c",
                   os.path.join(nb, "cache.db"), "-C", os.path.join(nb, "config"), "-x", "reload"]
            home = dict(os.environ, HOME=nb, XDG_CONFIG_HOME=nb, XDG_DATA_HOME=nb)
            for cycle in args.newsboat_cycles.split(","):
                if cycle == "changed":
                    change_tenth(www, files, feeds + 1)
                    nginx_forget(env)
                rows[("newsboat", cycle)] = timed_child(cmd, env=home)
                print(f"  newsboat {cycle}: {rows[('newsboat', cycle)][0]:.2f} s", flush=True)
    finally:
        if args.keep_work:
            print(f"  kept {work} (feedd.log, feedd.db)", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return {"rows": rows, "answers": answers}


def report(args: argparse.Namespace, feeds: int, result: dict) -> None:
    rows = result["rows"]
    print(f"\n{feeds} feeds, nginx on 127.0.0.1:{args.port}, feedd concurrency = per_host = "
          f"{args.concurrency}, host_spacing 0s; newsboat {args.newsboat_threads} threads")
    print(f"{'tool':10} {'cycle':13} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for (tool, cycle), (wall, cpu, rss) in rows.items():
        print(f"{tool:10} {cycle:13} {wall:8.2f} {cpu:8.2f} {rss:9.1f}")
    fc, nc, cw = rows.get(("feedd", "cold")), rows.get(("newsboat", "cold")), rows.get(("curl", "warm"))
    fw = rows.get(("feedd", "warm"))
    fci = rows.get(("feedd", "cold+idle"))
    if fc and nc:
        print(f"cold: newsboat / feedd = {nc[0] / fc[0]:.1f}x faster (goal >= 5x); "
              f"peak RSS feedd {fc[2]:.0f} MiB vs newsboat {nc[2]:.0f} MiB")
    if fci and nc:
        print(f"cold until idle (deferred indexing and outputs included): newsboat / feedd = "
              f"{nc[0] / fci[0]:.1f}x faster; CPU newsboat / feedd = {nc[1] / fci[1]:.1f}x")
    if fw and cw:
        print(f"all-304: feedd / curl --parallel = {fw[0] / cw[0]:.1f}x (goal <= 3x)")
    warm = result["answers"].get("warm")
    if warm:
        print(f"warm cycle: nginx answered {warm[2]}/{warm[0]} with 304")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feedd", default=os.path.join(ROOT, "build", "feedd"))
    ap.add_argument("--feedctl", default=os.path.join(ROOT, "build", "feedctl"))
    ap.add_argument("--feeds", default="1000", help="comma-separated sizes, e.g. 1000,10000")
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/fetch-bench"))
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--concurrency", type=int, default=32,
                    help="feedd fetch.concurrency = per_host, and curl --parallel-max")
    ap.add_argument("--cycles", default="cold,warm,changed",
                    help="feedd's cycles, in this order (cold first: the others need its state)")
    ap.add_argument("--newsboat-threads", type=int, default=8)
    ap.add_argument("--newsboat-cycles", default="cold,warm,changed")
    ap.add_argument("--newsboat-max", type=int, default=1000,
                    help="run newsboat only up to this many feeds (10,000 take ~12 min)")
    ap.add_argument("--skip", action="append", default=[],
                    help="newsboat, curl, idle (the wait until feedd is idle after each cycle); repeat it, or separate them by commas")
    ap.add_argument("--perf-cycle", default="", help="cold, warm or changed: profile feedd during that cycle")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the work folder (feedd's log and database) for a look afterwards")
    ap.add_argument("--log-level", default="warn",
                    help="feedd's log level (with --keep-work, its log shows where a cycle went)")
    ap.add_argument("--perf-out", default="/tmp/feedd-fetch-bench.perf")
    ap.add_argument("--perf-call-graph", default="-g",
                    help="perf's call-graph option; '--call-graph dwarf' through libc")
    args = ap.parse_args()
    args.skip = {tool for item in args.skip for tool in item.split(",") if tool}
    # timeout(1) and CI cancel with SIGTERM: exit through the finally blocks (nginx, feedd).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    sizes = [int(x) for x in args.feeds.split(",")]
    corpus(args.data, max(sizes))
    env = dict(os.environ, PORT=str(args.port), WWW=os.path.join(args.data, "www"),
               NGX=os.path.join(args.data, "nginx"), NGINX_TTL="7200")
    server = os.path.join(SHARED_BENCH, "fetch_server.sh")
    sh(["bash", server, "start"], env=env, stdout=subprocess.DEVNULL)
    results = {}
    try:
        for feeds in sizes:
            print(f"{feeds} feeds ...", flush=True)
            results[feeds] = run_size(args, feeds, server, env)
            report(args, feeds, results[feeds])  # now, in case a later size hits a timeout
    finally:
        sh(["bash", server, "stop"], env=env, stdout=subprocess.DEVNULL)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        for cycle in ("cold", "warm", "changed"):
            a = results[small]["rows"].get(("feedd", cycle))
            b = results[large]["rows"].get(("feedd", cycle))
            if a and b:
                print(f"feedd {cycle}: {large} feeds / {small} feeds = {b[0] / a[0]:.1f}x time "
                      f"({b[0]:.1f} s; goal <= {large // small * 1.2:.0f}x and cold < 30 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
