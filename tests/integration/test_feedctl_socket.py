#!/usr/bin/env python3
"""RELIABILITY.md F-C3: the control socket's permissions and hostile clients.  Mode 0660,
another uid refused (when run as root), a stale socket file replaced, a live one not taken
over; random bytes, a 1 MB header, a 5 MB body, a slow request and 1,000 idle connections
(and more than the connection limit) leave the daemon serving.  About 20 s."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Feedd, TestRunner, check, parse_args  # noqa: E402


def timed_status(daemon: Feedd, limit: float = 5.0) -> float:
    started = time.monotonic()
    result = daemon.ctl("status", timeout=limit + 5)
    took = time.monotonic() - started
    check(result.code == 0, f"{result}")
    check(took < limit, f"status took {took:.2f}s")
    return took


def connect(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_socket_mode_and_owner(daemon: Feedd) -> None:
    mode = stat.S_IMODE(os.stat(daemon.socket).st_mode)
    check(mode == 0o660, f"socket mode {oct(mode)}")
    if os.geteuid() != 0 or not os.path.exists("/usr/bin/python3"):
        print("  (not root, or no /usr/bin/python3: the other-uid check is skipped)")
        return
    # Let another user reach the socket file itself, so the socket's own mode decides.
    for folder in (daemon.dir, os.path.dirname(os.path.dirname(daemon.socket)),
                   os.path.dirname(daemon.socket)):
        os.chmod(folder, 0o755)
    try:
        def as_nobody() -> None:
            os.setgid(65534)
            os.setgroups([])
            os.setuid(65534)
        probe = ("import socket, sys\ns = socket.socket(socket.AF_UNIX)\n"
                 "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    sys.exit(13)\n")
        result = subprocess.run(["/usr/bin/python3", "-c", probe, daemon.socket], capture_output=True,
                                text=True, timeout=20, preexec_fn=as_nobody)
        check(result.returncode == 13, f"another uid was not refused with EACCES: {result}")
    finally:
        os.chmod(daemon.dir, 0o700)


def test_random_bytes_and_broken_requests(daemon: Feedd) -> None:
    rng = random.Random(7)
    answered = 0
    for i in range(150):
        payload = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
        if i % 3 == 0:
            payload = b"GET /v1/status HTTP/1.1\r\n" + payload
        with connect(daemon.socket) as sock:
            try:
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                continue
            answer = read_all(sock)
            if answer.startswith(b"HTTP/1.1 4"):
                answered += 1
                check(b'"error"' in answer, f"error without JSON: {answer[:300]!r}")
    check(answered > 50, f"only {answered} of 150 got an HTTP error back")
    timed_status(daemon)


def test_oversized_header_and_body(daemon: Feedd) -> None:
    with connect(daemon.socket) as sock:
        try:
            sock.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(sock)
        check(answer == b"" or answer.startswith(b"HTTP/1.1 4"), f"{answer[:200]!r}")
    with connect(daemon.socket) as sock:
        body = b"x" * (5 << 20)
        try:
            sock.sendall(b"POST /v1/feeds HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(sock)
        check(answer == b"" or answer.startswith(b"HTTP/1.1 413"), f"{answer[:200]!r}")
    timed_status(daemon)


def test_slow_request_does_not_block_others(daemon: Feedd) -> None:
    slow = connect(daemon.socket)
    try:
        for piece in (b"GET /v1/st", b"atus HTTP/1.1\r\n", b"Host: x\r\n"):
            slow.sendall(piece)
            timed_status(daemon, 5.0)
            time.sleep(0.3)
        slow.sendall(b"\r\n")
        check(read_all_one_response(slow).startswith(b"HTTP/1.1 200"), "slow request unanswered")
    finally:
        slow.close()


def read_all_one_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_idle_connections_do_not_lock_out(daemon: Feedd) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1400
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    count = min(1000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 100)
    idle = []
    try:
        for _ in range(count):
            idle.append(connect(daemon.socket))
        took = timed_status(daemon, 5.0)
        print(f"  {count} idle connections open: status in {took * 1000:.0f} ms")
        # Past the connection limit (1024): the longest-idle ones make room.
        extra = min(200, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - count - 100)
        for _ in range(max(extra, 0)):
            idle.append(connect(daemon.socket))
        took = timed_status(daemon, 5.0)
        print(f"  {len(idle)} idle connections: status in {took * 1000:.0f} ms")
    finally:
        for sock in idle:
            sock.close()
    timed_status(daemon)


def test_stale_socket_replaced_live_one_kept(daemon: Feedd) -> None:
    daemon.kill()  # SIGKILL leaves the socket file behind
    check(os.path.exists(daemon.socket), "socket file gone after SIGKILL")
    daemon.start()
    check(stat.S_IMODE(os.stat(daemon.socket).st_mode) == 0o660, "mode after restart")
    second = Feedd(daemon.feedd, daemon.feedctl, workdir=daemon.dir)
    second.log_path = os.path.join(daemon.dir, "second.log")
    second.start(wait=False)
    try:
        code = second.proc.wait(20)
    finally:
        second.kill()
    check(code == 69, f"a second feedd on a live socket exited {code}")
    timed_status(daemon)


ORDERED = [test_socket_mode_and_owner, test_random_bytes_and_broken_requests,
           test_oversized_header_and_body, test_slow_request_does_not_block_others,
           test_idle_connections_do_not_lock_out, test_stale_socket_replaced_live_one_kept]


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    daemon = Feedd(args.feedd, args.feedctl)
    daemon.write_config(http={"listen": ""})
    started = time.monotonic()
    try:
        daemon.start()
        for fn in ORDERED:
            if not runner.run(fn.__name__, fn, daemon):
                daemon.failed = True
            check(daemon.running(), "feedd died")
        daemon.stop()
    finally:
        daemon.close()
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
