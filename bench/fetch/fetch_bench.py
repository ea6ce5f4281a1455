#!/usr/bin/env python3
"""Fetch benchmark (issue 5): N distinct feeds served by a local nginx, fetched by feedd,
by newsboat and by `curl --parallel` in the same run. Three cycles each:

  cold     every feed new (empty database / cache)
  warm     nothing changed (feedd and curl send validators and get 304s; newsboat refetches)
  changed  10% of the files gained an entry

For each tool and cycle: wall time, CPU time (user+sys of the tool's process) and peak RSS.
Prints a table and the ratios against the goals of issue 5. Standard library only.

  python3 bench/fetch/fetch_bench.py --feedd build-release/feedd --feedctl build-release/feedctl \\
      --feeds 1000 [--data /tmp/feedd-bench] [--skip newsboat]

The corpus comes from ../shared/bench/gen_corpus.py (generated into --data when missing)
and nginx from ../shared/bench/fetch_server.sh (apt-get install nginx-light newsboat)."""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")


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
    def __init__(self, feedd: str, feedctl: str, urls: list[str], work: str, concurrency: int):
        self.feedd, self.feedctl, self.work = feedd, feedctl, work
        self.socket = os.path.join(work, "feedd.sock")
        conf = os.path.join(work, "feedd.toml")
        with open(conf, "w") as f:
            f.write(f'[storage]\npath = "{work}/feedd.db"\n[control]\nsocket = "{self.socket}"\n'
                    f'[fetch]\nallow_hosts = ["127.0.0.1"]\nconcurrency = {concurrency}\n'
                    f'per_host = {concurrency}\nhost_spacing = "0s"\nmin_interval = "24h"\n'
                    f'max_interval = "24h"\n[log]\nlevel = "warn"\n')
            for url in urls:
                f.write(f'[[feed]]\nurl = "{url}"\n')
        self.conf = conf
        self.proc: subprocess.Popen | None = None

    def ctl(self, *args: str) -> None:
        sh([self.feedctl, "--socket", self.socket, *args], stdout=subprocess.DEVNULL,
           timeout=3600)

    def cold(self) -> tuple[float, float, float]:
        start = time.monotonic()
        self.proc = subprocess.Popen([self.feedd, "--config", self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.work, "feedd.log"), "w"))
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None:
                raise SystemExit(f"feedd exited: see {self.work}/feedd.log")
            time.sleep(0.01)
        # New feeds are due at start; refresh --wait joins those fetches and returns at the end.
        self.ctl("refresh", "--wait")
        return time.monotonic() - start, proc_cpu(self.proc.pid), proc_hwm_mib(self.proc.pid)

    def cycle(self) -> tuple[float, float, float]:
        assert self.proc is not None
        cpu0 = proc_cpu(self.proc.pid)
        start = time.monotonic()
        self.ctl("refresh", "--wait")
        return (time.monotonic() - start, proc_cpu(self.proc.pid) - cpu0,
                proc_hwm_mib(self.proc.pid))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feedd", default=os.path.join(ROOT, "build", "feedd"))
    ap.add_argument("--feedctl", default=os.path.join(ROOT, "build", "feedctl"))
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/feedd-bench"))
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--newsboat-threads", type=int, default=8)
    ap.add_argument("--skip", action="append", default=[], help="newsboat, curl")
    args = ap.parse_args()

    files = corpus(args.data, args.feeds)
    www = os.path.join(args.data, "www", "f")
    urls = [f"http://127.0.0.1:{args.port}/f/{name}" for name in files]
    paths = [os.path.join(www, name) for name in files]
    env = dict(os.environ, PORT=str(args.port), WWW=os.path.join(args.data, "www"),
               NGX=os.path.join(args.data, "nginx"), NGINX_TTL="7200")
    server = os.path.join(SHARED_BENCH, "fetch_server.sh")
    sh(["bash", server, "start"], env=env, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="feedd-fetch-bench-")
    rows: dict[tuple[str, str], tuple[float, float, float]] = {}
    try:
        with open(os.path.join(work, "urls"), "w") as f:
            f.write("\n".join(urls) + "\n")
        if "curl" not in args.skip:
            cfg = curl_config(urls, paths, False, os.path.join(work, "curl-cold.cfg"))
            rows[("curl", "cold")] = timed_child(["curl", "-s", "--parallel", "--parallel-max",
                                                  "32", "-K", cfg])
            cfg = curl_config(urls, paths, True, os.path.join(work, "curl-warm.cfg"))
            rows[("curl", "warm")] = timed_child(["curl", "-s", "--parallel", "--parallel-max",
                                                  "32", "-K", cfg])
        daemon = Feedd(args.feedd, args.feedctl, urls, work, args.concurrency)
        try:
            rows[("feedd", "cold")] = daemon.cold()
            rows[("feedd", "warm")] = daemon.cycle()
            change_tenth(www, files, 1)
            rows[("feedd", "changed")] = daemon.cycle()
        finally:
            daemon.stop()
        if "newsboat" not in args.skip and shutil.which("newsboat"):
            nb = os.path.join(work, "newsboat")
            os.makedirs(nb, exist_ok=True)
            with open(os.path.join(nb, "config"), "w") as f:
                f.write(f"reload-threads {args.newsboat_threads}\n")
            cmd = ["newsboat", "-u", os.path.join(work, "urls"), "-c",
                   os.path.join(nb, "cache.db"), "-C", os.path.join(nb, "config"), "-x", "reload"]
            home = dict(os.environ, HOME=nb, XDG_CONFIG_HOME=nb, XDG_DATA_HOME=nb)
            rows[("newsboat", "cold")] = timed_child(cmd, env=home)
            rows[("newsboat", "warm")] = timed_child(cmd, env=home)
            change_tenth(www, files, 2)
            rows[("newsboat", "changed")] = timed_child(cmd, env=home)
    finally:
        sh(["bash", server, "stop"], env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{args.feeds} feeds, nginx on 127.0.0.1:{args.port}, feedd concurrency "
          f"{args.concurrency}, newsboat {args.newsboat_threads} threads")
    print(f"{'tool':10} {'cycle':8} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for (tool, cycle), (wall, cpu, rss) in rows.items():
        print(f"{tool:10} {cycle:8} {wall:8.2f} {cpu:8.2f} {rss:9.1f}")
    fc, nc, cw = rows.get(("feedd", "cold")), rows.get(("newsboat", "cold")), rows.get(("curl", "warm"))
    fw = rows.get(("feedd", "warm"))
    if fc and nc:
        print(f"cold: newsboat / feedd = {nc[0] / fc[0]:.1f}x faster (goal >= 5x); "
              f"peak RSS feedd {fc[2]:.0f} MiB vs newsboat {nc[2]:.0f} MiB")
    if fw and cw:
        print(f"all-304: feedd / curl --parallel = {fw[0] / cw[0]:.1f}x (goal <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
