#!/usr/bin/env python3
"""Instances benchmark (issue 10): the fetch corpus of ../shared/bench served by nginx, fetched
in ONE run by feedd on SQLite (one instance), on PostgreSQL (one instance) and on PostgreSQL
with three instances sharing the store. Cold cycle (every feed new) then warm cycle (all 304).
For each: wall time, CPU of every feedd process, CPU of the PostgreSQL server (postmaster and
every backend), peak RSS of each feedd, nginx's count of 200/304 answers (each feed must be
fetched exactly once per cycle, whichever instance fetched it). Standard library only.

  python3 bench/instances/instances_bench.py --feedd build-soak/feedd \
      --feedctl build-soak/feedctl --feeds 1000 [--cases sqlite,pg1,pg3] [--instances 3]

See bench/instances/README.md for the end condition of a cycle and what the figures mean."""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED_BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")
sys.path.insert(0, os.path.join(ROOT, "bench", "fetch"))

from fetch_bench import corpus, nginx_counts, proc_cpu, proc_hwm_mib  # noqa: E402


def pg_bindir() -> str:
    found = [d for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"))
             if os.access(os.path.join(d, "initdb"), os.X_OK)]
    if os.environ.get("FEEDD_PG_BINDIR"):
        found.append(os.environ["FEEDD_PG_BINDIR"])
    if not found:
        raise SystemExit("no PostgreSQL server (initdb): apt-get install postgresql")
    return found[-1]


class PgServer:
    """A throwaway cluster as scripts/with-postgres.sh starts it (temp dir, unix socket only,
    fsync off; as root the server runs as `nobody`), plus pg_stat_statements."""

    def __init__(self, bindir: str, stat_statements: bool):
        self.bindir = bindir
        self.dir = tempfile.mkdtemp(prefix="feedd-pg-bench-", dir="/tmp")
        self.data = os.path.join(self.dir, "data")
        self.run_as: list[str] = []
        import pwd
        self.user = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            self.user = os.environ.get("FEEDD_PG_USER", "nobody")
            shutil.chown(self.dir, self.user)
            self.run_as = ["runuser", "-u", self.user, "--"]
        self.stat_statements = stat_statements
        self.started = False

    def _run(self, *args: str, timeout: float = 120) -> str:
        return subprocess.run(self.run_as + list(args), check=True, timeout=timeout,
                              capture_output=True, text=True).stdout

    def start(self) -> None:
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", self.user, "-A",
                  "trust", "-E", "UTF8", "--no-locale")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=60")
        if self.stat_statements:
            options += " -c shared_preload_libraries=pg_stat_statements"
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l",
                  os.path.join(self.dir, "server.log"), "-w", "-t", "60", "-o", options, "start")
        self.started = True

    def create_db(self, name: str) -> str:
        self._run(os.path.join(self.bindir, "createdb"), "-h", self.dir, "-U", self.user, name)
        if self.stat_statements:
            self.psql(name, "CREATE EXTENSION pg_stat_statements")
        return f"postgresql://{self.user}@{self.dir.replace('/', '%2F')}/{name}"

    def psql(self, db: str, sql: str) -> str:
        return self._run(os.path.join(self.bindir, "psql"), "-h", self.dir, "-U", self.user,
                         "-d", db, "-X", "-q", "-At", "-F", "\t", "-c", sql)

    def postmaster_pid(self) -> int:
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def cpu(self) -> float:
        """User+system seconds of the whole server so far: the postmaster's own, the backends
        it has reaped (cutime/cstime) and the ones alive now."""
        pm = self.postmaster_pid()
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.split("/")[2])
            if pid == pm:
                total += sum(int(x) for x in fields[11:15])
            elif int(fields[1]) == pm:
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        if self.started:
            subprocess.run(self.run_as + [os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                                          "-m", "immediate", "-w", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Instance:
    """One feedd process with its own config, socket and log."""

    def __init__(self, args: argparse.Namespace, work: str, name: str, storage: str,
                 feeds_toml: str):
        self.args, self.name = args, name
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "feedd.sock")
        self.conf = os.path.join(self.dir, "feedd.toml")
        with open(self.conf, "w") as f:
            f.write(f'[storage]\n{storage}\n[control]\nsocket = "{self.socket}"\n'
                    f'[http]\nlisten = "127.0.0.1:0"\n'
                    f'[fetch]\nallow_hosts = ["127.0.0.1"]\nconcurrency = {args.concurrency}\n'
                    f'per_host = {args.per_host}\nhost_spacing = "0s"\nmin_interval = "24h"\n'
                    f'max_interval = "24h"\n[log]\nlevel = "warn"\n{feeds_toml}')
        self.proc: subprocess.Popen | None = None

    def launch(self) -> None:
        self.log = open(os.path.join(self.dir, "feedd.log"), "w")
        self.proc = subprocess.Popen([self.args.feedd, "--config", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=self.log)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while not os.path.exists(self.socket):
            self.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.name}: no control socket after 60 s")
            time.sleep(0.02)

    def check_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            raise SystemExit(f"{self.name} exited: see {self.dir}/feedd.log")

    def ctl(self, *argv: str, timeout: float = 600) -> str:
        out = subprocess.run([self.args.feedctl, "--socket", self.socket, *argv],
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise SystemExit(f"feedctl {' '.join(argv)} on {self.name}: exit {out.returncode}: "
                             f"{out.stderr.strip()}")
        return out.stdout

    def cpu(self) -> float:
        assert self.proc is not None
        return proc_cpu(self.proc.pid)

    def hwm(self) -> float:
        assert self.proc is not None
        return proc_hwm_mib(self.proc.pid)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Progress:
    """Counts the feeds whose last fetch is at or after a unix second, straight from the store
    (a read-only SQLite connection, or one long-lived psql session, so polling forks no
    backend): cheap next to `feedctl --json ls` of 10,000 feeds, and the same question for one
    instance or three."""

    def __init__(self, sqlite_path: str | None = None, pg: PgServer | None = None,
                 db: str = ""):
        self.sqlite_path = sqlite_path
        self.conn: sqlite3.Connection | None = None
        self.psql: subprocess.Popen | None = None
        if pg is not None:
            self.psql = subprocess.Popen(
                [os.path.join(pg.bindir, "psql"), "-h", pg.dir, "-U", pg.user, "-d", db, "-X",
                 "-q", "-At"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def fetched_since(self, second: int) -> int:
        sql = f"SELECT count(*) FROM feeds WHERE last_fetch >= {int(second)}"
        if self.psql is not None:
            assert self.psql.stdin is not None and self.psql.stdout is not None
            self.psql.stdin.write(sql + ";\n")
            self.psql.stdin.flush()
            line = self.psql.stdout.readline()  # psql answers every statement with one line
            if not line:
                raise SystemExit("the progress psql session ended")
            return int(line.strip() or 0)
        assert self.sqlite_path is not None
        if self.conn is None:
            if not os.path.exists(self.sqlite_path):
                return 0
            self.conn = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=5)
        try:
            return int(self.conn.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:  # the schema is still being created
            return 0

    def close(self) -> None:
        if self.psql is not None:
            assert self.psql.stdin is not None
            self.psql.stdin.close()
            self.psql.wait(timeout=30)
        if self.conn is not None:
            self.conn.close()


def next_second() -> int:
    """Sleeps to the next whole unix second and returns it: every fetch recorded before now has
    last_fetch < that second, so `last_fetch >= start` counts this cycle's fetches only."""
    start = int(time.time()) + 1
    time.sleep(max(0.0, start - time.time()))
    return start


def run_case(args, case: str, files: list[str], server: str, env: dict,
             pg: PgServer | None) -> dict:
    urls = [f"http://127.0.0.1:{args.port}/f/{name}" for name in files]
    work = tempfile.mkdtemp(prefix=f"feedd-inst-bench-{case}-")
    count = args.instances if case == "pg3" else 1
    if case == "sqlite":
        storage = [f'path = "{work}/feedd.db"'] * count
        progress = Progress(sqlite_path=f"{work}/feedd.db")
    else:
        assert pg is not None
        db = f"bench_{case}_{len(files)}"
        url = pg.create_db(db)
        storage = [f'url = "{url}"\ninstance = "{case}-{i}"' for i in range(count)]
        progress = Progress(pg=pg, db=db)
    feeds_toml = "".join(f'[[feed]]\nurl = "{u}"\n' for u in urls)
    instances = [Instance(args, work, f"{case}-{i}", storage[i], feeds_toml)
                 for i in range(count)]
    result: dict = {"cycles": {}}
    try:
        for cycle in ("cold", "warm"):
            if cycle == "warm" and result["cycles"]["cold"]["done"] < len(urls):
                print(f"  {case} warm: skipped (the cold cycle did not end)", flush=True)
                break
            before_answers = nginx_counts(server, env)
            cpu0 = [i.cpu() for i in instances] if cycle == "warm" else [0.0] * count
            pg_cpu0 = pg.cpu() if pg is not None and case != "sqlite" else 0.0
            start = next_second()
            t0 = time.monotonic()
            if cycle == "cold":
                for instance in instances:  # all at once; each syncs the same [[feed]] list
                    instance.launch()
                for instance in instances:
                    instance.wait_ready()
            else:
                instances[0].ctl("refresh")  # every feed due now; any instance may take it
            deadline = t0 + args.cycle_timeout
            done = 0
            while True:
                done = progress.fetched_since(start)
                if done >= len(urls):
                    break
                for instance in instances:
                    instance.check_alive()
                if time.monotonic() > deadline:
                    print(f"  {case} {cycle}: timeout after {args.cycle_timeout} s with "
                          f"{done}/{len(urls)} fetched", flush=True)
                    break
                time.sleep(args.poll)
            wall = time.monotonic() - t0
            cpu = [i.cpu() - c for i, c in zip(instances, cpu0)]
            pg_cpu = (pg.cpu() - pg_cpu0) if pg is not None and case != "sqlite" else 0.0
            hwm = [i.hwm() for i in instances]
            time.sleep(1.5)  # nginx flushes its access log every second
            after = nginx_counts(server, env)
            answers = tuple(a - b for a, b in zip(after, before_answers))
            result["cycles"][cycle] = {"wall": wall, "cpu": cpu, "pg_cpu": pg_cpu, "hwm": hwm,
                                       "answers": answers, "done": done}
            print(f"  {case} {cycle}: {wall:.2f} s, feedd CPU {sum(cpu):.2f} s "
                  f"({' + '.join(f'{c:.2f}' for c in cpu)}), postgres CPU {pg_cpu:.2f} s, "
                  f"peak RSS {' / '.join(f'{h:.0f}' for h in hwm)} MiB, nginx {answers[0]} "
                  f"({answers[1]} x 200, {answers[2]} x 304), {done}/{len(urls)} fetched",
                  flush=True)
        for instance in instances:
            failing = json.loads(instance.ctl("--json", "status")).get("maintenance_errors")
            if failing:
                # Deferred work that fails (the story pass, the index) is work not done: the
                # figures would look good and mean nothing.
                raise SystemExit(f"{instance.name}: deferred work fails, the run is void: "
                                 f"{failing}")
        if pg is not None and case != "sqlite" and args.top_statements:
            result["top"] = pg.psql(
                db, "SELECT calls, round(total_exec_time::numeric, 0), "
                    "round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\\s+', ' ', "
                    "'g'), 110) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT "
                    f"{args.top_statements}")
    finally:
        progress.close()
        for instance in instances:
            instance.stop()
        if args.keep:
            print(f"  kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return result


def report(args, feeds: int, results: dict) -> None:
    print(f"\n{feeds} feeds, nginx on 127.0.0.1:{args.port}; per instance fetch.concurrency "
          f"{args.concurrency}, per_host {args.per_host} (one host: a budget for all instances "
          f"together on PostgreSQL), host_spacing 0s")
    print(f"{'case':7} {'cycle':5} {'wall s':>8} {'feedd cpu s':>12} {'pg cpu s':>9} "
          f"{'peak MiB':>9} {'200':>6} {'304':>6} {'fetched':>8}")
    for case, result in results.items():
        for cycle, row in result["cycles"].items():
            print(f"{case:7} {cycle:5} {row['wall']:8.2f} {sum(row['cpu']):12.2f} "
                  f"{row['pg_cpu']:9.2f} {max(row['hwm']):9.0f} {row['answers'][1]:6} "
                  f"{row['answers'][2]:6} {row['done']:8}")
    for cycle in ("cold", "warm"):
        def wall(case: str) -> float | None:
            row = results.get(case, {}).get("cycles", {}).get(cycle)
            return row["wall"] if row else None
        s, p1, p3 = wall("sqlite"), wall("pg1"), wall("pg3")
        parts = []
        if p1 and s:
            parts.append(f"PG 1 / SQLite = {p1 / s:.2f}x time")
        if p1 and p3:
            parts.append(f"PG {args.instances} / PG 1 = {p3 / p1:.2f}x time")
        if parts:
            print(f"{cycle}: " + "; ".join(parts))
    for case, result in results.items():
        if "top" in result:
            print(f"\n{case}: top statements by total time (calls, total ms, mean ms, query)")
            print(result["top"].rstrip())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feedd", default=os.path.join(ROOT, "build", "feedd"))
    ap.add_argument("--feedctl", default=os.path.join(ROOT, "build", "feedctl"))
    ap.add_argument("--feeds", type=int, default=10000)
    ap.add_argument("--cases", default="sqlite,pg1,pg3")
    ap.add_argument("--instances", type=int, default=3, help="instances in the pg3 case")
    ap.add_argument("--data", default=os.environ.get("BENCH_DATA", "/tmp/fetch-bench"))
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--concurrency", type=int, default=32, help="fetch.concurrency per instance")
    ap.add_argument("--per-host", type=int, default=0,
                    help="fetch.per_host (default: = concurrency, as bench/fetch)")
    ap.add_argument("--cycle-timeout", type=float, default=1800)
    ap.add_argument("--poll", type=float, default=0.2, help="seconds between progress reads")
    ap.add_argument("--top-statements", type=int, default=8,
                    help="pg_stat_statements lines per PG case (0: off)")
    ap.add_argument("--keep", action="store_true", help="keep the work dirs (logs)")
    args = ap.parse_args()
    args.per_host = args.per_host or args.concurrency
    # timeout(1) and CI cancel with SIGTERM: exit through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    cases = args.cases.split(",")
    files = corpus(args.data, args.feeds)
    env = dict(os.environ, PORT=str(args.port), WWW=os.path.join(args.data, "www"),
               NGX=os.path.join(args.data, "nginx"), NGINX_TTL="7200")
    server = os.path.join(SHARED_BENCH, "fetch_server.sh")
    pg = None
    results: dict = {}
    subprocess.run(["bash", server, "start"], env=env, stdout=subprocess.DEVNULL, check=True)
    try:
        if any(c.startswith("pg") for c in cases):
            pg = PgServer(pg_bindir(), args.top_statements > 0)
            pg.start()
        for case in cases:
            print(f"{case}, {args.feeds} feeds ...", flush=True)
            results[case] = run_case(args, case, files, server, env,
                                     pg if case != "sqlite" else None)
    finally:
        if pg is not None:
            pg.stop()
        subprocess.run(["bash", server, "stop"], env=env, stdout=subprocess.DEVNULL)
        if results:
            report(args, args.feeds, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
