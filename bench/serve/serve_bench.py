#!/usr/bin/env python3
"""Requests/s for a 100-item merged output on loopback under wrk: feedd's public listener next
to nginx serving the very same bytes from feedd's public_dir, in the same run, with and without
If-None-Match (304s). Prints a table and feedd's rate as a share of nginx's.

  python3 bench/serve/serve_bench.py --feedd build-release/feedd --feedctl build-release/feedctl
      [--duration 10] [--connections 32] [--threads 1] [--nginx-workers 1]

Needs wrk and nginx (scripts/install-deps.sh --with-bench). Use a Release build."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "integration"))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, http_request, wait_until  # noqa: E402

NGINX_CONF = """{user}worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ application/atom+xml atom; application/rss+xml rss; application/feed+json json; }}
  server {{
    listen 127.0.0.1:{port};
    location /feeds/ {{ alias {public}/; etag on; }}
  }}
}}
"""


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, args, etag: str | None) -> tuple[float, str]:
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
            "--latency", url]
    if etag:
        argv[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out)
    return rate, p99.group(1) if p99 else "?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feedd", required=True)
    parser.add_argument("--feedctl", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--nginx-workers", type=int, default=1)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            print(f"{tool} not installed (scripts/install-deps.sh --with-bench)")
            return 2
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with FixtureServer() as server, Feedd(args.feedd, args.feedctl) as daemon, \
            tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        server.add_feed("bench", 100)
        daemon.write_config(outputs=[{"name": "all", "title": "Bench", "limit": 100}])
        daemon.start()
        daemon.add(server.feed_url("bench", "rss"))
        daemon.refresh()
        host, port = daemon.public_address()
        body = wait_until(lambda: (lambda r: r[2] if r[2].count(b"<entry>") == 100 else None)(
            http_request(host, port, "/feeds/all.atom")), 20, message="100 items")
        on_disk = os.path.join(daemon.public_dir, "all.atom")
        wait_until(lambda: os.path.exists(on_disk) and open(on_disk, "rb").read() == body, 10,
                   message="public_dir/all.atom")
        nginx_port = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            # As root, nginx's workers would run as nobody, who cannot read the 0700 temp dirs.
            user = "user root;\n" if os.geteuid() == 0 else ""
            f.write(NGINX_CONF.format(user=user, workers=args.nginx_workers, dir=tmp, port=nginx_port,
                                      public=daemon.public_dir))
        proc = subprocess.Popen([nginx, "-c", conf, "-p", tmp])
        try:
            nginx_body = wait_until(lambda: _try(nginx_port), 10, message="nginx")
            assert nginx_body[2] == body, "nginx serves other bytes"
            feedd_etag = http_request(host, port, "/feeds/all.atom")[1]["etag"]
            nginx_etag = nginx_body[1]["etag"]
            print(f"one output of 100 items, {len(body)} bytes; wrk -t{args.threads} "
                  f"-c{args.connections} -d{args.duration}s; nginx workers {args.nginx_workers}")
            rows = []
            for label, url, etag in (
                    ("feedd 200", f"http://{host}:{port}/feeds/all.atom", None),
                    ("nginx 200", f"http://127.0.0.1:{nginx_port}/feeds/all.atom", None),
                    ("feedd 304", f"http://{host}:{port}/feeds/all.atom", feedd_etag),
                    ("nginx 304", f"http://127.0.0.1:{nginx_port}/feeds/all.atom", nginx_etag)):
                rate, p99 = wrk(url, args, etag)
                rows.append((label, rate, p99))
                print(f"  {label}: {rate:10.0f} req/s  p99 {p99}", flush=True)
            rates = {label: rate for label, rate, _ in rows}
            print(f"feedd/nginx 200: {rates['feedd 200'] / rates['nginx 200'] * 100:.0f}%   "
                  f"304: {rates['feedd 304'] / rates['nginx 304'] * 100:.0f}%")
        finally:
            proc.terminate()
            proc.wait(10)
        daemon.stop()
    return 0


def _try(port: int):
    try:
        response = http_request("127.0.0.1", port, "/feeds/all.atom")
        return response if response[0] == 200 else None
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
