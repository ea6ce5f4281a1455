#!/usr/bin/env python3
"""Crash safety (RELIABILITY.md F-D1, F-D2): feedd is killed with SIGKILL at random moments
while it ingests, many times, and restarted.  After every kill the database must hold every
entry the API had shown (committed) exactly once, pass `PRAGMA integrity_check` and
`PRAGMA foreign_key_check`; every file in public_dir must be a complete, well-formed
document; after every restart feedd must resume, and leave no temporary output file.

    python3 test_crash.py --feedd build/feedd --feedctl build/feedctl [--rounds 200]
        [--feeds 200] [--seed N]

Defaults (10 rounds, 20 feeds x 50 entries) keep CI short; the F-D1 figure is
`--rounds 200 --feeds 200`."""

from __future__ import annotations

import argparse
import glob
import os
import random
import sqlite3
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, parse_args, wait_until, xmllint_ok  # noqa: E402

ENTRIES_PER_FEED = 50
NEW_PER_ROUND = 2  # new entries in each of a third of the feeds, every round


def extra_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    args, _ = parser.parse_known_args()
    return args


def check_database(path: str, snapshot: list[dict], round_no: int) -> int:
    """F-D1 checks on the database of a killed feedd; returns its entry count."""
    db = sqlite3.connect(path, timeout=10)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        check(integrity == ["ok"], f"round {round_no}: integrity_check: {integrity[:5]}")
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        check(not foreign, f"round {round_no}: foreign_key_check: {foreign[:5]}")
        duplicates = db.execute(
            "SELECT feed_id, entry_key, COUNT(*) FROM entries GROUP BY 1, 2 HAVING COUNT(*) > 1"
        ).fetchall()
        check(not duplicates, f"round {round_no}: duplicate entries: {duplicates[:5]}")
        stored = {row[0]: (row[1], row[2]) for row in db.execute(
            "SELECT id, feed_id, guid FROM entries")}
        lost = [e for e in snapshot
                if stored.get(int(e["entry_id"])) != (int(e["feed_id"]), e.get("id"))]
        check(not lost, f"round {round_no}: {len(lost)} committed entries lost or changed, "
                        f"e.g. {lost[:3]}")
        # The deferred full-text queue only names existing entries (the FK cascades).
        orphans = db.execute("SELECT COUNT(*) FROM fts_pending p WHERE NOT EXISTS "
                             "(SELECT 1 FROM entries e WHERE e.id = p.entry_id)").fetchone()[0]
        check(orphans == 0, f"round {round_no}: {orphans} orphan fts_pending rows")
        return len(stored)
    finally:
        db.close()


def check_outputs(public_dir: str, round_no: int) -> int:
    """F-D2: every output file is complete and well-formed; returns how many were checked."""
    checked = 0
    # Current outputs at the top, immutable archive pages under NAME/archive/.
    for path in sorted(glob.glob(os.path.join(public_dir, "**", "*"), recursive=True)):
        if os.path.isdir(path):
            continue
        name = os.path.relpath(path, public_dir)
        if os.path.basename(name).startswith("."):
            continue  # a temporary file a kill left behind; the restart check counts those
        with open(path, "rb") as f:
            data = f.read()
        check(data, f"round {round_no}: empty output file {name}")
        if name.endswith(".json"):
            import json
            try:
                json.loads(data)
            except ValueError as error:
                raise AssertionError(f"round {round_no}: {name} is not JSON: {error}")
        else:
            ok, why = xmllint_ok(data)
            check(ok, f"round {round_no}: {name} is not well-formed: {why}")
        checked += 1
    return checked


def temp_files(public_dir: str) -> list[str]:
    return sorted(glob.glob(os.path.join(public_dir, "**", ".*.tmp"), recursive=True))


def test_kill_loop(cli, extra) -> None:
    seed = extra.seed if extra.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"seed {seed}, {extra.rounds} rounds, {extra.feeds} feeds", flush=True)
    with FixtureServer() as server, Feedd(cli.feedd, cli.feedctl) as daemon:
        names = [f"f{i}" for i in range(extra.feeds)]
        for name in names:
            server.add_feed(name, ENTRIES_PER_FEED)
        daemon.write_config(
            feeds=[{"url": server.feed_url(name)} for name in names],
            outputs=[{"name": "all", "title": "All", "limit": 50}],
            fetch={"min_interval": "1s", "max_interval": "2s", "host_spacing": "0s",
                   "per_host": 16, "concurrency": 32, "connect_timeout": "5s",
                   "timeout": "20s"})
        outputs_seen = 0
        max_entries = 0
        for round_no in range(1, extra.rounds + 1):
            for name in rng.sample(names, max(1, len(names) // 3)):
                server.add_entries(name, NEW_PER_ROUND)
            daemon.start(timeout=60)
            if round_no > 1:
                # The restart resumed: outputs rewritten, no temporary file left behind.
                wait_until(lambda: not temp_files(daemon.public_dir), 15,
                           message="no temporary output files after the restart")
            time.sleep(rng.uniform(0, 3))
            snapshot = daemon.entries("--limit", "10000")
            daemon.kill()
            max_entries = max(max_entries, check_database(daemon.db_path, snapshot, round_no))
            outputs_seen += check_outputs(daemon.public_dir, round_no)
        # Finally a clean run: everything the server serves is stored exactly once.
        daemon.start(timeout=60)
        expected = sum(len(server.feed(name).entries) for name in names)

        def all_stored() -> bool:
            return daemon.status().get("entries") == expected
        wait_until(all_stored, 120, interval=0.5,
                   message=f"all {expected} fixture entries stored after the last restart")
        daemon.stop()
        stored = check_database(daemon.db_path, [], extra.rounds + 1)
        check(stored == expected, f"{stored} entries stored, {expected} served")
        print(f"{extra.rounds} kills: 0 lost, 0 duplicates, integrity ok; {outputs_seen} output "
              f"files well-formed; {expected} entries at the end", flush=True)


def main() -> int:
    cli = parse_args()
    extra = extra_args()
    runner = TestRunner(cli.only)
    runner.run("kill -9 loop (F-D1, F-D2)", test_kill_loop, cli, extra)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
