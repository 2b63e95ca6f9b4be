"""The browser suite's figures: median time per scenario and the whole suite's wall time, per worker count.

Runs ``pytest steps -m browser`` in a subprocess (a JUnit report gives each scenario's setup + call +
teardown), once per ``-n`` value, and compares the median scenario with a baseline measured in the same
run: a bare browser round trip (new context, new page, two navigations, close) against the same server.
Target: median <= 1 s per scenario on a 2-core machine.

Run: ``.venv/bin/python -m bench.browser_scenarios`` (``--workers 0 2``, ``--tracing-off`` to also
measure the suite without Playwright tracing, ``-k EXPR`` to select scenarios).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .common import ROOT, report

TARGET_MEDIAN_MS = 1000.0


def baseline_round_trip_ms(rounds: int = 15) -> float:
    """Median of a bare browser scenario: context, page, two navigations to a tiny JSON page, close."""
    from playwright.sync_api import sync_playwright

    from sandbox.testing.browser import launch_chromium
    from sandbox.testing.server import LiveServer

    times = []
    with LiveServer() as server, sync_playwright() as driver:
        browser = launch_chromium(driver)
        for _ in range(rounds + 2):
            start = time.perf_counter()
            context = browser.new_context(base_url=server.url)
            page = context.new_page()
            page.goto("/_sandbox/health")
            page.goto("/_sandbox/health")
            page.close()  # as the plugin closes them: pages first, then the context
            context.close()
            times.append(time.perf_counter() - start)
        browser.close()
    return statistics.median(times[2:]) * 1000


def run_suite(workers: int, *, tracing: bool, select: str | None) -> tuple[float, dict[str, float], str]:
    """Run the browser scenarios; answer (wall seconds, {scenario: seconds}, pytest's last line)."""
    with tempfile.TemporaryDirectory() as folder:
        junit = Path(folder) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "steps", "-m", "browser", "-p", "no:cacheprovider", "-q",
                   "-o", "junit_duration_report=total", f"--junitxml={junit}", "-n", str(workers),
                   f"--tracing={'retain-on-failure' if tracing else 'off'}", f"--output={Path(folder) / 'results'}"]
        if select:
            command += ["-k", select]
        start = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        durations = {
            f"{case.get('classname')}::{case.get('name')}": float(case.get("time", 0))
            for case in ET.parse(junit).getroot().iter("testcase")
        }
    lines = [line for line in finished.stdout.splitlines() if line.strip()]
    return wall, durations, lines[-1] if lines else finished.stderr[-500:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--tracing-off", action="store_true", help="also run without Playwright tracing")
    parser.add_argument("-k", dest="select", default=None)
    args = parser.parse_args()

    baseline = baseline_round_trip_ms()
    print(f"cores: {os.cpu_count()}; baseline browser round trip: {baseline:.1f} ms\n")
    rows = []
    variants = [(w, True) for w in args.workers] + ([(w, False) for w in args.workers] if args.tracing_off else [])
    for workers, tracing in variants:
        wall, durations, outcome = run_suite(workers, tracing=tracing, select=args.select)
        times = sorted(durations.values())
        label = f"-n {workers}{'' if tracing else ', tracing off'}"
        print(f"{label}: {len(times)} scenarios, {outcome}")
        if not times:
            continue
        print(f"  median {statistics.median(times) * 1000:.0f} ms, mean {statistics.mean(times) * 1000:.0f} ms, "
              f"p90 {times[int(0.9 * (len(times) - 1))] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, "
              f"sum {sum(times):.1f} s, wall {wall:.1f} s")
        for name, seconds in sorted(durations.items(), key=lambda item: -item[1])[:3]:
            print(f"  slowest: {seconds * 1000:6.0f} ms  {name.rsplit('.', 1)[-1]}")
        rows.append((f"median scenario ({label})", statistics.median(times) * 1000, baseline, TARGET_MEDIAN_MS))
        rows.append((f"whole suite wall ({label})", wall * 1000, baseline, None))
    print()
    report(rows)


if __name__ == "__main__":
    main()
