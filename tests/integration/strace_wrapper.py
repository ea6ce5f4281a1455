#!/usr/bin/env python3
"""FEEDD_TEST_WRAPPER for RELIABILITY.md F-C1/F-C2: runs feedd under `strace -f` (one trace
file per feedd process tree) and forwards SIGTERM/SIGINT/SIGHUP to feedd itself, so the
harness's signals and exit-status checks work as without the wrapper.

    FEEDD_TEST_WRAPPER="python3 tests/integration/strace_wrapper.py --out DIR --"
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

TRACED = "execve,execveat,fork,vfork,openat,open,creat,rename,renameat,renameat2,link," \
         "linkat,symlink,symlinkat,mkdir,mkdirat,unlink,unlinkat,bind"


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return found


def main() -> int:
    args = sys.argv[1:]
    out = "."
    if args[:1] == ["--out"]:
        out, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    os.makedirs(out, exist_ok=True)
    trace = os.path.join(out, f"feedd.{os.getpid()}.{time.time_ns()}.trace")
    strace = subprocess.Popen(["strace", "-f", "-qq", "-y", "-e", f"trace={TRACED}", "-o", trace,
                               "--", *args])

    def forward(signum: int, _frame: object) -> None:
        targets = children(strace.pid) or [strace.pid]
        for pid in targets:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        try:
            return strace.wait()
        except InterruptedError:
            continue


if __name__ == "__main__":
    sys.exit(main())
