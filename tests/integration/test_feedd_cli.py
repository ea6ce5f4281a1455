#!/usr/bin/env python3
"""feedd's own command line (interface.md): --version, --check-config (exit 0, or
`PATH:LINE: message` and exit 78), $FEEDD_CONFIG, and output names that would escape
public_dir (RELIABILITY.md F-C2).  No network; a few seconds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Feedd, TestRunner, check, hermetic_env, parse_args  # noqa: E402

EX_CONFIG = 78


def run_feedd(feedd: str, args: list[str], env_extra: dict | None = None, cwd: str | None = None,
              timeout: float = 30) -> subprocess.CompletedProcess:
    env = hermetic_env()
    env.update(env_extra or {})
    return subprocess.run([feedd, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=cwd)


class Ctx:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="feedd-cli-", dir="/tmp")

    def config(self, name: str, text: str) -> str:
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def good_config(self) -> str:
        daemon = Feedd(self.args.feedd, self.args.feedctl, workdir=os.path.join(self.dir, "d"))
        os.makedirs(daemon.dir, exist_ok=True)
        daemon.write_config(outputs=[{"name": "all", "title": "Everything", "limit": 50}])
        return daemon.config_path


def test_version_exits_zero_and_prints_a_version(ctx: Ctx) -> None:
    got = run_feedd(ctx.args.feedd, ["--version"])
    check(got.returncode == 0, f"--version exit {got.returncode}: {got.stderr}")
    check(re.search(r"\d+\.\d+", got.stdout + got.stderr), f"no version number: {got.stdout!r}")


def test_check_config_accepts_a_valid_file(ctx: Ctx) -> None:
    path = ctx.good_config()
    got = run_feedd(ctx.args.feedd, ["--check-config", "--config", path])
    check(got.returncode == 0, f"valid config: exit {got.returncode}\n{got.stdout}{got.stderr}")


def expect_config_error(ctx: Ctx, name: str, text: str, line: int) -> str:
    path = ctx.config(name, text)
    got = run_feedd(ctx.args.feedd, ["--check-config", "--config", path])
    out = got.stdout + got.stderr
    check(got.returncode == EX_CONFIG, f"{name}: want exit 78, got {got.returncode}\n{out}")
    check(re.search(rf"^{re.escape(path)}:{line}: \S", out, re.MULTILINE),
          f"{name}: want a `{path}:{line}: message` line, got:\n{out}")
    return out


def test_check_config_names_file_and_line_of_an_unknown_key(ctx: Ctx) -> None:
    expect_config_error(ctx, "unknown.toml",
                        '[storage]\npath = "x.db"\n\n[fetch]\nallow_privat = true\n', 5)


def test_check_config_rejects_a_bad_value_type(ctx: Ctx) -> None:
    expect_config_error(ctx, "badtype.toml", '[fetch]\nconcurrency = "many"\n', 2)


def test_check_config_rejects_broken_toml(ctx: Ctx) -> None:
    expect_config_error(ctx, "broken.toml", '[storage]\npath = "unterminated\n', 2)


def test_output_names_outside_the_safe_alphabet_are_rejected(ctx: Ctx) -> None:
    for bad in ("../x", "a/b", "UPPER", ""):
        expect_config_error(ctx, "badname.toml",
                            f'[[output]]\nname = "{bad}"\n', 2)


def test_feedd_config_environment_variable_names_the_config(ctx: Ctx) -> None:
    path = ctx.config("env-bad.toml", "[nosuchsection]\nx = 1\n")
    got = run_feedd(ctx.args.feedd, ["--check-config"], env_extra={"FEEDD_CONFIG": path})
    check(got.returncode == EX_CONFIG, f"$FEEDD_CONFIG ignored? exit {got.returncode}\n"
                                       f"{got.stdout}{got.stderr}")
    check(path in got.stdout + got.stderr, "message does not name the $FEEDD_CONFIG file")


def test_a_missing_config_file_fails_with_one_clear_line(ctx: Ctx) -> None:
    missing = os.path.join(ctx.dir, "nope.toml")
    got = run_feedd(ctx.args.feedd, ["--check-config", "--config", missing])
    check(got.returncode != 0, "a missing config file was accepted")
    check(missing in got.stderr + got.stdout, f"error does not name the file: {got.stderr!r}")


def main() -> int:
    args = parse_args(needs=("feedd",))
    runner = TestRunner(args.only)
    ctx = Ctx(args)
    try:
        for name, fn in list(globals().items()):
            if name.startswith("test_") and callable(fn):
                runner.run(name, fn, ctx)
    finally:
        shutil.rmtree(ctx.dir, ignore_errors=True)
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
