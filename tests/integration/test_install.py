#!/usr/bin/env python3
"""Packaging (issue 9): `cmake --install` into a DESTDIR puts binaries, units, sysusers and
tmpfiles snippets, the config, docs, man pages and completions where Debian expects them;
`cpack -G DEB` builds a package whose contents, Depends and maintainer scripts are right, and
only with a maintainer named (FEEDD_PACKAGE_MAINTAINER; none is made up). The installed config
subscribes a fresh install to no feed.
Uses the build folder holding --feedd; skips (exit 0) without CMake, or without dpkg-deb
for the package part."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TestRunner, check, parse_args  # noqa: E402

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Ctx:
    def __init__(self, build: str, work: str):
        self.build = build
        self.work = work
        self.prefix = cache_value(build, "CMAKE_INSTALL_PREFIX") or "/usr/local"
        # GNUInstallDirs: prefix /usr keeps its config in /etc.
        self.sysconf = "/etc" if self.prefix == "/usr" else self.prefix + "/etc"


def cache_value(build: str, key: str) -> str | None:
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split("=", 1)[1].strip()
    return None


def run(argv: list[str], timeout: float = 240, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    check(proc.returncode == 0, f"{' '.join(argv)} -> {proc.returncode}\n{proc.stdout[-3000:]}"
          f"\n{proc.stderr[-3000:]}")
    return proc


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def expected_files(ctx: Ctx) -> list[str]:
    p = ctx.prefix
    files = [f"{p}/sbin/feedd", f"{p}/bin/feedctl",
             f"{p}/lib/systemd/system/feedd.service", f"{p}/lib/systemd/system/feedd.socket",
             f"{p}/lib/sysusers.d/feedd.conf", f"{p}/lib/tmpfiles.d/feedd.conf",
             f"{ctx.sysconf}/feedd/feedd.toml",
             f"{p}/share/doc/feedd/examples/feedd.toml", f"{p}/share/doc/feedd/config.md",
             f"{p}/share/doc/feedd/service.md"]
    man = os.path.join(SOURCE, "docs", "man")
    if os.path.isdir(man):
        for page in os.listdir(man):
            if re.search(r"\.[1-8]$", page):
                files.append(f"{p}/share/man/man{page[-1]}/{page}")
    if os.path.exists(os.path.join(SOURCE, "completions", "feedctl.bash")):
        files.append(f"{p}/share/bash-completion/completions/feedctl")
    if os.path.exists(os.path.join(SOURCE, "completions", "_feedctl")):
        files.append(f"{p}/share/zsh/vendor-completions/_feedctl")
    return files


def test_cmake_install_lays_out_a_debian_tree(ctx: Ctx) -> None:
    root = os.path.join(ctx.work, "root")
    run(["cmake", "--install", ctx.build], env={**os.environ, "DESTDIR": root})
    for path in expected_files(ctx):
        check(os.path.isfile(root + path), f"not installed: {path}")
    for binary in (f"{ctx.prefix}/sbin/feedd", f"{ctx.prefix}/bin/feedctl"):
        check(os.access(root + binary, os.X_OK), f"not executable: {binary}")
    unit = read(root + f"{ctx.prefix}/lib/systemd/system/feedd.service")
    check(f"ExecStart={ctx.prefix}/sbin/feedd --config {ctx.sysconf}/feedd/feedd.toml" in unit,
          "the installed unit does not start the installed feedd with the installed config")
    for key in ("Type=notify", "WatchdogSec=", "ExecReload=", "StateDirectory=feedd"):
        check(key in unit, f"{key} missing from the unit")
    # The installed daemon accepts the installed config.
    proc = subprocess.run([root + f"{ctx.prefix}/sbin/feedd", "--check-config", "--config",
                           root + f"{ctx.sysconf}/feedd/feedd.toml"],
                          capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0, f"--check-config on the installed config: {proc.stderr}")
    # A fresh install fetches nothing until its administrator subscribes: no third-party feed
    # is declared, and the public listener keeps /metrics to itself.
    with open(root + f"{ctx.sysconf}/feedd/feedd.toml", "rb") as f:
        installed = tomllib.load(f)
    check("feed" not in installed, f"the installed config declares feeds: {installed.get('feed')}")
    check(installed.get("http", {}).get("metrics", False) is False,
          "the installed config turns http.metrics on")


def test_systemd_analyze_verify_is_silent_on_the_installed_units(ctx: Ctx) -> None:
    if shutil.which("systemd-analyze") is None:
        print("  systemd-analyze not installed; skipped")
        return
    root = os.path.join(ctx.work, "root")
    if not os.path.isdir(root):
        run(["cmake", "--install", ctx.build], env={**os.environ, "DESTDIR": root})
    # verify checks that ExecStart= names an executable: point the installed units at the
    # DESTDIR's feedd (--root= would also want a whole systemd tree under DESTDIR).
    verify = os.path.join(ctx.work, "verify")
    os.makedirs(verify, exist_ok=True)
    units = []
    for name in ("feedd.service", "feedd.socket"):
        text = read(root + f"{ctx.prefix}/lib/systemd/system/{name}")
        text = text.replace(f"{ctx.prefix}/sbin/feedd", root + f"{ctx.prefix}/sbin/feedd")
        units.append(os.path.join(verify, name))
        with open(units[-1], "w", encoding="utf-8") as f:
            f.write(text)
    proc = subprocess.run(["systemd-analyze", "verify", *units],
                          capture_output=True, text=True, timeout=60)
    output = (proc.stdout + proc.stderr).strip()
    check(proc.returncode == 0 and output == "", f"systemd-analyze verify said:\n{output}")
    proc = subprocess.run(["systemd-analyze", "security", "--offline=yes", units[0]],
                          capture_output=True, text=True, timeout=60)
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout)
    check(level, f"no exposure level:\n{proc.stdout[-500:]}{proc.stderr[-500:]}")
    print(f"  exposure {level.group(1)}")
    check(float(level.group(1)) <= 2.0, f"exposure {level.group(1)} > 2.0")


def test_cpack_builds_a_deb_with_depends_and_maintainer_scripts(ctx: Ctx) -> None:
    if shutil.which("dpkg-deb") is None or shutil.which("cpack") is None:
        print("  dpkg-deb or cpack not installed; skipped")
        return
    out = os.path.join(ctx.work, "pkg")
    cpack = ["cpack", "-G", "DEB", "--config", os.path.join(ctx.build, "CPackConfig.cmake")]
    maintainer = cache_value(ctx.build, "FEEDD_PACKAGE_MAINTAINER") or ""
    if not maintainer:
        # No maintainer configured: cpack refuses rather than ship a made-up one...
        refused = subprocess.run(cpack + ["-B", os.path.join(ctx.work, "refused")],
                                 capture_output=True, text=True, timeout=240, cwd=ctx.work)
        check(refused.returncode != 0 and "maintainer" in refused.stdout + refused.stderr,
              f"cpack without a maintainer -> {refused.returncode}\n{refused.stdout[-2000:]}"
              f"\n{refused.stderr[-2000:]}")
        # ...and builds with the one its caller names.
        maintainer = "feedd install test <install-test@feedd.invalid>"
        cpack += ["-D", f"CPACK_PACKAGE_CONTACT={maintainer}"]
    run(cpack + ["-B", out], cwd=ctx.work)
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    check(len(debs) == 1, f"packages built: {os.listdir(out)}")
    deb = os.path.join(out, debs[0])
    check(re.fullmatch(r"feedd_\d+\.\d+\.\d+_[a-z0-9]+\.deb", debs[0]), f"name {debs[0]}")

    info = run(["dpkg-deb", "-I", deb]).stdout
    fields = dict(re.findall(r"^ ([A-Za-z-]+): (.*)$", info, re.MULTILINE))
    check(fields.get("Package") == "feedd", info)
    check(fields.get("Maintainer") == maintainer, f"Maintainer {fields.get('Maintainer')!r}, "
          f"want {maintainer!r}")
    depends = fields.get("Depends", "")
    for package in ("libc6", "libcurl4", "libsqlite3-0", "libpugixml1v5", "adduser"):
        check(re.search(rf"\b{re.escape(package)}\b", depends), f"Depends lacks {package}: "
              f"{depends}")
    for script in ("postinst", "prerm", "postrm", "conffiles"):
        check(re.search(rf"\b{script}\b", info), f"control member {script} missing:\n{info}")

    listing = run(["dpkg-deb", "-c", deb]).stdout
    for path in expected_files(ctx):
        check(f" .{path}\n" in listing + "\n", f"package lacks {path}")
    check(re.search(r"^-rwxr-xr-x .* \./usr/sbin/feedd$", listing, re.MULTILINE)
          or ctx.prefix != "/usr", "feedd is not an executable in the package")

    control = os.path.join(ctx.work, "control")
    run(["dpkg-deb", "-e", deb, control])
    for script in ("postinst", "prerm", "postrm"):
        path = os.path.join(control, script)
        check(os.access(path, os.X_OK), f"{script} is not executable")
        run(["sh", "-n", path])
    postinst = read(os.path.join(control, "postinst"))
    for needle in ("systemd-sysusers", "systemd-tmpfiles --create", "daemon-reload",
                   "systemctl enable"):
        check(needle in postinst, f"postinst lacks {needle}")
    check("systemctl stop feedd.service" in read(os.path.join(control, "prerm")),
          "prerm does not stop the service")
    check(read(os.path.join(control, "conffiles")).split() == [f"{ctx.sysconf}/feedd/feedd.toml"],
          "conffiles")


def main() -> int:
    args = parse_args()
    build = os.path.dirname(os.path.abspath(args.feedd))
    if shutil.which("cmake") is None or not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        print(f"skipped: no cmake or no CMake build folder at {build}")
        return 0
    runner = TestRunner(args.only)
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="feedd-install-")
    try:
        ctx = Ctx(build, work)
        for fn in (test_cmake_install_lays_out_a_debian_tree,
                   test_systemd_analyze_verify_is_silent_on_the_installed_units,
                   test_cpack_builds_a_deb_with_depends_and_maintainer_scripts):
            runner.run(fn.__name__, fn, ctx)
    finally:
        if runner.failed or os.environ.get("FEEDD_TEST_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"  ({time.monotonic() - started:.1f}s)")
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
