"""The harness as a product, measured: the whole suite's wall time by xdist worker count, the time of
`make demo`, and the plugin's own cost for a test that only creates a tenant.

- ``suite``: ``pytest -n N`` of the whole suite (``testpaths``) for N in 0, 2 and auto, in subprocesses;
  prints each wall time and the speed-up over ``-n 0`` (target: ``-n 2`` at least 1.5x faster).
- ``demo``: ``mca-sandbox demo --headless`` into a temporary folder (what ``make demo`` runs without a display).
- ``overhead``: against one running ``mca-sandbox serve``, N tests that each take ``sandbox_tenant`` (the
  plugin makes the tenant through the control API and deletes it after the test, as with any external
  sandbox) against N tests that make and delete a tenant with ``requests`` themselves; the difference per
  test is the plugin's overhead. Also the one-time start of the in-process sandbox (no ``--sandbox-url``).

Run: ``.venv/bin/python -m bench.harness [suite|demo|overhead ...]`` (default: all), on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .common import BIN, ROOT, free_port, running

SUITE_TARGET_SPEEDUP = 1.5
MEASURES = ("suite", "demo", "overhead")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def suite(workers: list[str], extra: list[str], repeat: int = 1) -> None:
    """Each worker count ``repeat`` times, the counts taking turns (so that a busy spell of the machine
    falls on all of them alike); the median wall time of each is compared with ``-n 0``'s."""
    walls: dict[str, list[float]] = {count: [] for count in workers}
    # As `make test` runs pytest: with its assertion-rewrite cache (see the Makefile), warmed by one collection
    # first, so that no timed run pays for writing it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    subprocess.run([*base, "--collect-only", *extra], cwd=ROOT, env=env, capture_output=True)
    for _round in range(repeat):
        for count in workers:
            command = [*base, "-n", count, *extra]
            start = time.perf_counter()
            finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            walls[count].append(time.perf_counter() - start)
            print(f"suite -n {count:<5} {walls[count][-1]:8.1f} s   {_last_line(finished.stdout)}", flush=True)
    medians = {count: statistics.median(times) for count, times in walls.items()}
    if "0" in medians:
        for count, wall in medians.items():
            if count != "0":
                ratio = medians["0"] / wall
                verdict = "ok" if ratio >= SUITE_TARGET_SPEEDUP else "BELOW TARGET"
                print(f"speed-up -n {count} over -n 0 (medians of {repeat}: {medians['0']:.1f} s / {wall:.1f} s): "
                      f"{ratio:.2f}x (target >= {SUITE_TARGET_SPEEDUP}x) {verdict}")


def demo() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        start = time.perf_counter()
        finished = subprocess.run([str(BIN / "mca-sandbox"), "demo", "--headless", "--output", f"{folder}/out"],
                                  cwd=folder, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
    print(f"demo (headless, 5 journeys, videos + screenshots): {wall:.1f} s, exit {finished.returncode}: "
          f"{_last_line(finished.stdout)}")


PLUGIN_TEST = """
def test_{n}(sandbox_tenant):
    assert sandbox_tenant.id
"""
DIRECT_TEST = """
import requests
URL = {url!r}

def test_{n}():
    made = requests.post(URL + "/_sandbox/tenants", json={{"kind": "DirectBill", "customers": 0}}, timeout=10)
    assert made.status_code == 201
    requests.delete(URL + "/_sandbox/tenants/" + made.json()["id"], timeout=10)
"""


def _run_tests(folder: Path, source: str, count: int, url: str, *args: str) -> tuple[float, list[float]]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_tenants.py").write_text("".join(source.format(n=n, url=url) for n in range(count)))
    (folder / "pytest.ini").write_text("[pytest]\n")
    junit = folder / "junit.xml"
    env = {k: v for k, v in os.environ.items() if k != "MCA_SANDBOX_URL"}
    start = time.perf_counter()
    finished = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o",
                               "junit_duration_report=total", f"--junitxml={junit}", *args],
                              cwd=folder, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if finished.returncode != 0:
        raise RuntimeError(finished.stdout[-3000:])
    durations = [float(case.get("time", 0)) for case in ET.parse(junit).getroot().iter("testcase")]
    return wall, durations


def overhead(count: int) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        command = [str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", f"sqlite:///{root / 's.db'}"]
        with running(command, f"{url}/_sandbox/health"):
            for _ in range(2):  # warm both paths once (imports, first connections), keep the second run
                plugin_wall, plugin = _run_tests(root / "plugin", PLUGIN_TEST, count, url, f"--sandbox-url={url}")
                direct_wall, direct = _run_tests(root / "direct", DIRECT_TEST, count, url)
        inproc_wall, inproc = _run_tests(root / "inproc", PLUGIN_TEST, count, url)
    per_plugin, per_direct = statistics.median(plugin) * 1000, statistics.median(direct) * 1000
    print(f"tenant-only tests x{count} against one `mca-sandbox serve` (median per test, setup+call+teardown):")
    print(f"  with the plugin's sandbox_tenant:      {per_plugin:7.2f} ms   (run wall {plugin_wall:.2f} s)")
    print(f"  requests POST + DELETE, no fixture:    {per_direct:7.2f} ms   (run wall {direct_wall:.2f} s)")
    print(f"  plugin overhead per test:              {per_plugin - per_direct:7.2f} ms "
          f"({per_plugin / per_direct:.2f}x); wall difference per test "
          f"{(plugin_wall - direct_wall) / count * 1000:.2f} ms")
    print(f"  in-process sandbox (no --sandbox-url): first test {max(inproc) * 1000:.0f} ms (starts the sandbox), "
          f"median {statistics.median(inproc) * 1000:.2f} ms, run wall {inproc_wall:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measures", nargs="*", metavar="{suite,demo,overhead}", help="what to measure (default: all)")
    parser.add_argument("--workers", nargs="+", default=["0", "2", "auto"], help="xdist worker counts for suite")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of suite, the worker counts taking turns")
    parser.add_argument("--tests", type=int, default=200, help="tests per run for overhead")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments for suite, e.g. '-m browser'")
    args = parser.parse_args()
    unknown = set(args.measures) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measure(s): {', '.join(sorted(unknown))}; choose from {', '.join(MEASURES)}")
    args.measures = args.measures or list(MEASURES)
    extra = shlex.split(args.pytest_args)
    print(f"cores: {os.cpu_count()}; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if "overhead" in args.measures:
        overhead(args.tests)
    if "demo" in args.measures:
        demo()
    if "suite" in args.measures:
        suite(args.workers, extra, args.repeat)


if __name__ == "__main__":
    main()
