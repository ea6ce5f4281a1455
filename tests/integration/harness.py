#!/usr/bin/env python3
"""Helpers for feedd integration tests: a temp config, the real feedd started and stopped,
feedctl run with --socket/--json, the public listener fetched, a tiny test runner.
Standard library only.  Hermetic: temp dirs, port 0, 127.0.0.1, no proxies.

Environment knobs:
  FEEDD_TEST_WRAPPER="valgrind --error-exitcode=1"   prefix for the feedd command line
  FEEDD_TEST_KEEP=1                                   keep temp dirs (paths are printed)
  FEEDD_TEST_VERBOSE=1                                echo every feedctl call
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from typing import Any, Callable

EX_USAGE = 2
EX_UNAVAILABLE = 69

_HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------------
# Command line and a small runner

def parse_args(argv: list[str] | None = None,
               needs: tuple[str, ...] = ("feedd", "feedctl")) -> argparse.Namespace:
    """--feedd PATH --feedctl PATH (as CTest passes them); defaults: the dev build.

    A binary named in `needs` that is missing fails the whole file at once (exit 1, with the
    runner's summary line) rather than as a confusing first test failure."""
    root = os.path.dirname(os.path.dirname(_HERE))
    parser = argparse.ArgumentParser()
    parser.add_argument("--feedd", default=os.path.join(root, "build", "feedd"))
    parser.add_argument("--feedctl", default=os.path.join(root, "build", "feedctl"))
    parser.add_argument("-k", dest="only", default=None, help="run tests whose name has this")
    args, _ = parser.parse_known_args(argv)
    exit_on_sigterm()
    for name in needs:
        binary = getattr(args, name)
        if not os.access(binary, os.X_OK):
            print(f"missing binary {binary}\n0 passed, 1 failed")
            sys.exit(1)
    return args


class TestRunner:
    """Runs named test functions, prints PASS/FAIL lines and a final `N passed, M failed`."""

    def __init__(self, only: str | None = None):
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.only = only

    def run(self, name: str, fn: Callable[..., Any], *args: Any, always: bool = False) -> bool:
        """Runs fn(*args) unless -k filters it out (`always`: run regardless)."""
        if self.only and self.only not in name and not always:
            return True
        started = time.monotonic()
        try:
            fn(*args)
        except Exception:  # a failing test must not stop the others
            self.failed.append(name)
            print(f"FAIL {name} ({time.monotonic() - started:.1f}s)", flush=True)
            traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
            return False
        self.passed.append(name)
        print(f"PASS {name} ({time.monotonic() - started:.1f}s)", flush=True)
        return True

    def finish(self) -> int:
        if self.failed:
            print("failed: " + ", ".join(self.failed))
        print(f"{len(self.passed)} passed, {len(self.failed)} failed", flush=True)
        return 1 if self.failed or not self.passed else 0


def check(condition: Any, message: str = "") -> None:
    """An assert that survives `python3 -O`."""
    if not condition:
        raise AssertionError(message)


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.1,
               message: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# ---------------------------------------------------------------------------------------------
# TOML

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def toml_dumps(doc: dict[str, Any]) -> str:
    """{section: {key: value}} as tables and {section: [{...}, ...]} as arrays of tables."""
    out: list[str] = []
    for section, body in doc.items():
        if isinstance(body, dict):
            out.append(f"[{section}]")
            out += [f"{k} = {_toml_value(v)}" for k, v in body.items()]
            out.append("")
        elif isinstance(body, (list, tuple)):
            for table in body:
                out.append(f"[[{section}]]")
                out += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
                out.append("")
        else:
            out.insert(0, f"{section} = {_toml_value(body)}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# feedctl results and the daemon

@dataclasses.dataclass
class CtlResult:
    argv: list[str]
    code: int
    stdout: str
    stderr: str
    data: Any = None   # parsed JSON when --json and stdout held JSON

    def __str__(self) -> str:
        return (f"$ {shlex.join(self.argv)}\n-> exit {self.code}\nstdout: {self.stdout[:2000]}\n"
                f"stderr: {self.stderr[:2000]}")


class FeeddError(AssertionError):
    pass


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent dies (Linux prctl)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def exit_on_sigterm() -> None:
    """Turns SIGTERM/SIGHUP of the test process into SystemExit, so `finally` blocks run
    and the daemon and servers are stopped (timeout(1), a CI runner's cancel)."""
    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def hermetic_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                                "feedd_socket", "feedd_config")}
    return env


def run_feedctl(feedctl: str, args: list[str], socket_path: str | None = None,
                use_json: bool = True, timeout: float = 60.0, stdin: str | None = None,
                ) -> CtlResult:
    argv = [feedctl]
    if socket_path is not None:
        argv += ["--socket", socket_path]
    if use_json:
        argv.append("--json")
    argv += args
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=hermetic_env(), input=stdin)
    except subprocess.TimeoutExpired as err:
        raise FeeddError(f"feedctl timed out after {timeout}s: {shlex.join(argv)}") from err
    result = CtlResult(argv, proc.returncode, proc.stdout, proc.stderr)
    if use_json and proc.stdout.strip():
        try:
            result.data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            result.data = None
    if os.environ.get("FEEDD_TEST_VERBOSE"):
        print(str(result), flush=True)
    return result


class Feedd:
    """One feedd instance in a temp folder.  Use as a context manager, or call close()."""

    def __init__(self, feedd: str, feedctl: str, workdir: str | None = None):
        self.feedd = os.path.abspath(feedd)  # feedd runs with cwd = the temp folder
        self.feedctl = os.path.abspath(feedctl)
        # Unix socket paths are limited to 107 bytes: keep the folder short.
        self.dir = workdir or tempfile.mkdtemp(prefix="feedd-it-", dir="/tmp")
        self.config_path = os.path.join(self.dir, "feedd.toml")
        self.socket = os.path.join(self.dir, "var", "run", "feedd.sock")
        self.db_path = os.path.join(self.dir, "var", "feedd.db")
        self.public_dir = os.path.join(self.dir, "var", "public")
        self.log_path = os.path.join(self.dir, "feedd.log")
        self.proc: subprocess.Popen | None = None
        self._log_file = None
        self.starts = 0
        self.failed = False
        os.makedirs(os.path.dirname(self.socket), exist_ok=True)

    # -- config --------------------------------------------------------------------------------
    def write_config(self, feeds: list[dict] | None = None, outputs: list[dict] | None = None,
                     fetch: dict | None = None, http: dict | None = None,
                     extra: dict | None = None) -> str:
        doc: dict[str, Any] = {
            "storage": {"path": "var/feedd.db"},
            "control": {"socket": "var/run/feedd.sock"},
            "http": {"listen": "127.0.0.1:0", "public_dir": "var/public"},
            "fetch": {"allow_private": True, "min_interval": "1h", "max_interval": "24h"},
        }
        doc["http"].update(http or {})
        doc["fetch"].update(fetch or {})
        for section, body in (extra or {}).items():
            if isinstance(body, dict) and isinstance(doc.get(section), dict):
                doc[section].update(body)
            else:
                doc[section] = body
        if feeds:
            doc["feed"] = feeds
        if outputs:
            doc["output"] = outputs
        text = toml_dumps(doc)
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(text)
        return text

    # -- process -------------------------------------------------------------------------------
    def command(self) -> list[str]:
        wrapper = shlex.split(os.environ.get("FEEDD_TEST_WRAPPER", ""))
        return wrapper + [self.feedd, "--config", self.config_path]

    def start(self, wait: bool = True, timeout: float = 30.0) -> None:
        if not os.path.exists(self.config_path):
            self.write_config()
        check(self.proc is None or self.proc.poll() is not None, "feedd already running")
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(f"==== harness: start #{self.starts + 1} at {time.time():.3f}\n"
                             .encode())
        self._log_file.flush()
        # Own session: a terminal's ^C reaches the test, which stops feedd itself.  The
        # parent-death signal kills feedd if the test process is killed outright.
        self.proc = subprocess.Popen(self.command(), stdout=self._log_file,
                                     stderr=subprocess.STDOUT, cwd=self.dir,
                                     env=hermetic_env(), start_new_session=True,
                                     preexec_fn=_die_with_parent)
        self.starts += 1
        if wait:
            self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 30.0) -> dict:
        """Polls `feedctl status` until it answers; fails early if feedd exits."""
        deadline = time.monotonic() + timeout
        last: CtlResult | None = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise FeeddError(f"feedd exited with {self.proc.returncode} during start-up\n"
                                 + self.log_tail())
            last = self.ctl("status", check=False, timeout=5)
            if last.code == 0 and isinstance(last.data, dict):
                return last.data
            time.sleep(0.1)
        raise FeeddError(f"feedd not ready after {timeout}s\n{last}\n{self.log_tail()}")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, signum: int) -> None:
        check(self.proc is not None, "feedd not started")
        self.proc.send_signal(signum)

    def stop(self, timeout: float = 20.0, expect: int | None = 0) -> int:
        """SIGTERM and wait; checks the exit status is `expect` (None: any)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise FeeddError(f"feedd did not exit within {timeout}s of SIGTERM\n"
                             + self.log_tail())
        self._close_log()
        if expect is not None and code != expect:
            raise FeeddError(f"feedd exited with {code} after SIGTERM (want {expect}, took "
                             f"{time.monotonic() - started:.1f}s)\n" + self.log_tail())
        return code

    def kill(self) -> None:
        """SIGKILL (crash simulation, or cleanup)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._close_log()

    def restart(self, timeout: float = 30.0) -> None:
        self.stop()
        self.start(timeout=timeout)

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def close(self) -> None:
        self.kill()
        keep = os.environ.get("FEEDD_TEST_KEEP") or self.failed
        if keep:
            print(f"kept {self.dir} (log: {self.log_path})", flush=True)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Feedd":
        return self

    def __exit__(self, exc_type, *_: object) -> None:
        if exc_type is not None:
            self.failed = True
        self.close()

    # -- feedctl -------------------------------------------------------------------------------
    def ctl(self, *args: str, use_json: bool = True, check: bool = True,
            timeout: float = 60.0, stdin: str | None = None) -> CtlResult:
        """feedctl --socket S [--json] ARGS; with check, a non-zero exit fails the test."""
        result = run_feedctl(self.feedctl, list(args), self.socket, use_json, timeout, stdin)
        if check and result.code != 0:
            state = ""
            if self.proc is not None and self.proc.poll() is not None:
                state = f"feedd is not running (exit status {self.proc.returncode})\n"
            raise FeeddError(f"feedctl failed\n{state}{result}\n{self.log_tail(20)}")
        if check and use_json and result.data is None:
            raise FeeddError(f"feedctl --json printed no JSON\n{result}")
        return result

    def status(self) -> dict:
        return self.ctl("status").data

    def feeds(self) -> list[dict]:
        data = self.ctl("ls").data
        check(isinstance(data, list), f"ls --json is not an array: {data!r}")
        return data

    def entries(self, *args: str) -> list[dict]:
        data = self.ctl("entries", *args).data
        check(isinstance(data, list), f"entries --json is not an array: {data!r}")
        return data

    def add(self, url: str, *args: str) -> dict:
        data = self.ctl("add", url, *args).data
        check(isinstance(data, dict) and "id" in data, f"add --json gave {data!r}")
        return data

    def refresh(self, *ids: str, timeout: float = 120.0) -> CtlResult:
        return self.ctl("refresh", "--wait", *[str(i) for i in ids], use_json=False,
                        timeout=timeout)

    # -- public listener -----------------------------------------------------------------------
    def public_address(self) -> tuple[str, int]:
        address = self.status().get("public_address")
        check(isinstance(address, str) and ":" in address,
              f"status has no public_address: {address!r}")
        host, port = address.rsplit(":", 1)
        return host.strip("[]"), int(port)

    def http_get(self, path: str, headers: dict | None = None, method: str = "GET",
                 timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
        host, port = self.public_address()
        return http_request(host, port, path, headers, method, timeout)

    # -- log -----------------------------------------------------------------------------------
    def log(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_size(self) -> int:
        try:
            return os.path.getsize(self.log_path)
        except FileNotFoundError:
            return 0

    def log_since(self, offset: int) -> str:
        return self.log()[offset:] if offset else self.log()

    def log_tail(self, lines: int = 40) -> str:
        tail = self.log().splitlines()[-lines:]
        return "---- feedd log (tail) ----\n" + "\n".join(tail) + "\n----"

    def wait_log(self, pattern: str, timeout: float = 10.0, since: int = 0) -> re.Match:
        regex = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
        return wait_until(lambda: regex.search(self.log_since(since)), timeout,
                          message=f"log line matching {pattern!r}")


def http_request(host: str, port: int, path: str, headers: dict | None = None,
                 method: str = "GET", timeout: float = 10.0
                 ) -> tuple[int, dict[str, str], bytes]:
    """One request without proxies; (status, lower-cased headers, body)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def xmllint_ok(data: bytes) -> tuple[bool, str]:
    """(well-formed per xmllint --noout, message); (True, "skipped") without xmllint."""
    if shutil.which("xmllint") is None:
        return True, "xmllint not installed; skipped"
    proc = subprocess.run(["xmllint", "--noout", "-"], input=data, capture_output=True,
                          timeout=60)
    return proc.returncode == 0, proc.stderr.decode(errors="replace")


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._unix_path)
        self.sock = sock


def unix_http_request(socket_path: str, path: str, method: str = "GET",
                      body: bytes | None = None, timeout: float = 10.0
                      ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request to the control socket directly (as `curl --unix-socket` would)."""
    conn = _UnixHTTPConnection(socket_path, timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def proc_stats(pid: int) -> dict[str, int]:
    """Peak and current RSS (KiB) and open file descriptors of a process (Linux /proc)."""
    stats: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    stats[key] = int(value.split()[0])
        stats["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return stats


class LatencyProbe:
    """Samples the control socket (GET /v1/status) and /healthz every `interval` seconds
    in a thread; .report() gives p50/p99/max in ms and failures."""

    def __init__(self, daemon: "Feedd", interval: float = 0.1):
        import threading
        self.daemon = daemon
        self.interval = interval
        self.samples: dict[str, list[float]] = {"control": [], "healthz": []}
        self.failures: dict[str, int] = {"control": 0, "healthz": 0}
        self._stop = threading.Event()
        host, port = daemon.public_address()
        self._public = (host, port)
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while True:  # sample at once, then every interval until stopped
            for name, call in (("control", lambda: unix_http_request(self.daemon.socket,
                                                                      "/v1/status", timeout=5)),
                               ("healthz", lambda: http_request(*self._public, "/healthz",
                                                                timeout=5))):
                started = time.monotonic()
                try:
                    status = call()[0]
                    ok = status == 200
                except OSError:
                    ok = False
                if ok:
                    self.samples[name].append((time.monotonic() - started) * 1000)
                else:
                    self.failures[name] += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "LatencyProbe":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def report(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, values in self.samples.items():
            ordered = sorted(values) or [float("nan")]
            pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
            out[name] = {"n": len(values), "p50": pick(0.5), "p99": pick(0.99),
                         "max": ordered[-1], "failures": self.failures[name]}
        return out
