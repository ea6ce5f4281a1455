#!/usr/bin/env python3
"""feedd as a systemd service (issue 9), without systemd: the test plays the service manager.
It owns a NOTIFY_SOCKET (AF_UNIX datagrams) and checks READY=1, STATUS=, WATCHDOG=1 every
half WATCHDOG_USEC, RELOADING=1/READY=1 on SIGHUP, STOPPING=1 and exit 0 on SIGTERM; a
broken config on SIGHUP is rejected while feedd keeps serving; socket activation
(LISTEN_FDS) and journal priority prefixes (JOURNAL_STREAM); /metrics on the control socket.
Skips (exit 0) when feedd was built without libsystemd."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import (Feedd, TestRunner, check, parse_args, run_feedctl,  # noqa: E402
                     unix_http_request, wait_until)

WATCHDOG_USEC = 400_000
# Generous for ASan builds and a loaded machine; the happy path takes well under a second.
STARTUP = 20.0


class NotifyListener:
    """The service manager's end of sd_notify: a datagram socket and the messages received,
    each as (monotonic time, {key: value})."""

    def __init__(self, directory: str):
        self.path = os.path.join(directory, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            fields = {}
            for line in data.decode("utf-8", errors="replace").splitlines():
                key, _, value = line.partition("=")
                fields[key] = value
            with self._lock:
                self.messages.append((time.monotonic(), fields))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()

    def since(self, start: float) -> list[tuple[float, dict[str, str]]]:
        with self._lock:
            return [m for m in self.messages if m[0] >= start]

    def wait_for(self, key: str, value: str | None = None, since: float = 0.0,
                 timeout: float = STARTUP) -> tuple[float, dict[str, str]]:
        def found():
            for message in self.since(since):
                if key in message[1] and (value is None or message[1][key] == value):
                    return message
            return None
        return wait_until(found, timeout, 0.02, f"{key}={value or '*'} on NOTIFY_SOCKET")

    def keys_in_order(self, since: float) -> list[str]:
        return [f"{k}={v}" for _, fields in self.since(since) for k, v in fields.items()
                if k in ("READY", "RELOADING", "STOPPING")]


@contextlib.contextmanager
def environment(**values: str):
    """Sets variables for the processes started inside (the harness copies os.environ)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def start_with_notify(daemon: Feedd, listener: NotifyListener, watchdog: bool = True) -> None:
    values = {"NOTIFY_SOCKET": listener.path}
    if watchdog:
        values["WATCHDOG_USEC"] = str(WATCHDOG_USEC)
    with environment(**values):
        daemon.start(wait=False)
    listener.wait_for("READY", "1")
    daemon.wait_ready(STARTUP)


class Ctx:
    def __init__(self, args, server: FixtureServer):
        self.args = args
        self.server = server


def test_notify_ready_status_watchdog_stopping(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        listener = NotifyListener(daemon.dir)
        try:
            daemon.write_config(feeds=[{"url": ctx.server.feed_url("alpha")}])
            start_with_notify(daemon, listener)
            _, status = listener.wait_for("STATUS")
            check(re.fullmatch(r"\d+ feeds?, \d+ entr(y|ies), \d+ failing", status["STATUS"]),
                  f"STATUS= is not a one-line summary: {status['STATUS']!r}")
            # Pings keep coming at about WATCHDOG_USEC / 2 while the loop runs.
            start = time.monotonic()
            time.sleep(1.3)
            pings = [t for t, m in listener.since(start) if m.get("WATCHDOG") == "1"]
            check(len(pings) >= 4, f"{len(pings)} WATCHDOG=1 in 1.3 s (want >= 4 at 200 ms)")
            gaps = [b - a for a, b in zip(pings, pings[1:])]
            check(max(gaps) < WATCHDOG_USEC / 1e6,
                  f"a watchdog gap of {max(gaps):.3f}s exceeds WATCHDOG_USEC: {gaps}")
            stop_sent = time.monotonic()
            code = daemon.stop(timeout=15)
            check(code == 0, f"exit {code}")
            listener.wait_for("STOPPING", "1", since=stop_sent, timeout=1)
        finally:
            listener.close()


def test_no_watchdog_pings_without_watchdog_usec(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        listener = NotifyListener(daemon.dir)
        try:
            daemon.write_config()
            start_with_notify(daemon, listener, watchdog=False)
            time.sleep(0.5)
            pings = [m for _, m in listener.since(0) if "WATCHDOG" in m]
            check(not pings, f"WATCHDOG=1 sent without WATCHDOG_USEC: {pings}")
            daemon.stop()
        finally:
            listener.close()


def test_sighup_reloads_and_a_broken_config_is_rejected(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        listener = NotifyListener(daemon.dir)
        try:
            daemon.write_config()
            start_with_notify(daemon, listener)
            check(daemon.feeds() == [], "a fresh daemon has no feeds")

            # A feed added to the config appears after SIGHUP: RELOADING=1, then READY=1.
            daemon.write_config(feeds=[{"url": ctx.server.feed_url("beta")}])
            sent = time.monotonic()
            daemon.signal(signal.SIGHUP)
            listener.wait_for("READY", "1", since=sent, timeout=10)
            check(listener.keys_in_order(sent)[:2] == ["RELOADING=1", "READY=1"],
                  f"reload notifications: {listener.keys_in_order(sent)}")
            feeds = wait_until(lambda: daemon.feeds(), 10, message="the config's feed listed")
            check(feeds[0]["url"] == ctx.server.feed_url("beta"), f"feeds: {feeds}")

            # A broken file: logged, rejected, the old config keeps running.
            with open(daemon.config_path, "a", encoding="utf-8") as f:
                f.write("\n[log]\nlevle = \"debug\"\n")
            offset = daemon.log_size()
            sent = time.monotonic()
            daemon.signal(signal.SIGHUP)
            listener.wait_for("READY", "1", since=sent, timeout=10)
            check(listener.keys_in_order(sent)[:2] == ["RELOADING=1", "READY=1"],
                  f"notifications after a bad reload: {listener.keys_in_order(sent)}")
            daemon.wait_log(r"reload rejected.*levle", timeout=5, since=offset)
            check(daemon.running(), "feedd exited after a bad reload")
            status = daemon.status()
            check(status.get("feeds") == 1, f"status after a bad reload: {status}")
            check(len(daemon.feeds()) == 1, "the running feed list changed")
            check(daemon.stop() == 0, "exit status after SIGTERM")
        finally:
            listener.close()


def test_metrics_on_the_control_socket(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        daemon.write_config(feeds=[{"url": ctx.server.feed_url("alpha")}])
        daemon.start(timeout=STARTUP)
        # The config's new feed is fetched at start; once stored, a refresh is answered 304.
        wait_until(lambda: daemon.feeds() and daemon.feeds()[0].get("entries") == 3, 15,
                   message="the config feed fetched")
        daemon.refresh(str(daemon.feeds()[0]["id"]))
        status, headers, body = unix_http_request(daemon.socket, "/metrics")
        text = body.decode()
        check(status == 200, f"/metrics: {status} {text[:300]}")
        check(headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
              f"content type {headers.get('content-type')}")
        samples = dict(line.rsplit(" ", 1) for line in text.splitlines()
                       if line and not line.startswith("#"))
        check(samples.get('feedd_fetches_total{outcome="ok"}') == "1", text)
        check(int(samples.get('feedd_fetches_total{outcome="not_modified"}', "0")) >= 1, text)
        check(int(samples.get("feedd_fetch_bytes_total", "0")) > 0, text)
        check(samples.get('feedd_entries_ingested_total{change="new"}') == "3", text)
        fetches = sum(int(v) for k, v in samples.items() if k.startswith("feedd_fetches_total"))
        check(samples.get('feedd_fetch_duration_seconds_bucket{le="+Inf"}') == str(fetches),
              text)
        check("feedd_scheduled_feeds" in samples, text)
        status, _, _ = unix_http_request(daemon.socket, "/metrics", method="POST", body=b"{}")
        check(status == 405, f"POST /metrics: {status}")
        daemon.stop()


def test_socket_activation_adopts_the_passed_socket(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        daemon.write_config()
        activated = os.path.join(daemon.dir, "activated.sock")
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listening.bind(activated)
        listening.listen(16)

        def as_fd3() -> None:  # in the child, before exec: what systemd does
            os.dup2(listening.fileno(), 3)
            os.environ["LISTEN_PID"] = str(os.getpid())
            os.environ["LISTEN_FDS"] = "1"

        # env=None: the child's environment, as as_fd3 left it, is what feedd gets.
        with open(daemon.log_path, "ab") as log:
            proc = subprocess.Popen([daemon.feedd, "--config", daemon.config_path],
                                    stdout=log, stderr=subprocess.STDOUT, cwd=daemon.dir,
                                    preexec_fn=as_fd3, close_fds=False, start_new_session=True)
        listening.close()  # feedd holds its own copy now
        try:
            got = wait_until(lambda: run_feedctl(daemon.feedctl, ["status"], activated,
                                                 timeout=5).code == 0,
                             STARTUP, 0.1, "feedctl status on the activated socket")
            check(got, "no answer on the passed socket")
            check(not os.path.exists(daemon.socket),
                  "feedd bound control.socket although systemd passed one")
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(15)
            check(code == 0, f"exit {code}")
            # The socket file is systemd's: feedd leaves it in place.
            check(os.path.exists(activated), "feedd removed the activated socket file")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)


def test_journal_lines_carry_priorities(ctx: Ctx) -> None:
    with Feedd(ctx.args.feedd, ctx.args.feedctl) as daemon:
        daemon.write_config(feeds=[{"url": ctx.server.url("/missing.xml")}])
        open(daemon.log_path, "ab").close()
        info = os.stat(daemon.log_path)
        with environment(JOURNAL_STREAM=f"{info.st_dev}:{info.st_ino}"):
            daemon.start(timeout=STARTUP)
        feed_id = daemon.feeds()[0]["id"]
        daemon.ctl("refresh", "--wait", str(feed_id), use_json=False, check=False)
        daemon.stop()
        lines = [line for line in daemon.log().splitlines() if not line.startswith("====")]
        check(lines and all(re.match(r"<[0-7]>", line) for line in lines),
              "lines without a <N> prefix:\n" + "\n".join(
                  line for line in lines if not re.match(r"<[0-7]>", line)))
        check(any(line.startswith("<6>feedd ") for line in lines), "no <6> start line")
        check(any(line.startswith("<4>") for line in lines), "the 404 warning is not <4>")
        check(not any(re.match(r"<\d>\d{4}-\d\d-\d\dT", line) for line in lines),
              "journal lines carry their own timestamp")


def main() -> int:
    args = parse_args()
    version = subprocess.run([args.feedd, "--version"], capture_output=True, text=True,
                             timeout=30)
    if "+systemd" not in version.stdout:
        print(f"skipped: feedd built without systemd support ({version.stdout.strip()!r})")
        return 0
    runner = TestRunner(args.only)
    started = time.monotonic()
    server = FixtureServer()
    server.add_feed("alpha", 3)
    server.add_feed("beta", 2)
    try:
        ctx = Ctx(args, server)
        for fn in (test_notify_ready_status_watchdog_stopping,
                   test_no_watchdog_pings_without_watchdog_usec,
                   test_sighup_reloads_and_a_broken_config_is_rejected,
                   test_metrics_on_the_control_socket,
                   test_socket_activation_adopts_the_passed_socket,
                   test_journal_lines_carry_priorities):
            runner.run(fn.__name__, fn, ctx)
    finally:
        server.stop()
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
