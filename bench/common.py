"""Helpers shared by the benchmarks: free ports, starting and stopping servers, timing, reporting."""

from __future__ import annotations

import json
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, deadline_s: float = 30.0) -> float:
    """Seconds until ``url`` answers 200 (polling every 5 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline_s:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def running(command: list[str], health_url: str):
    """Start a server process, yield (process, seconds to first 200), stop it with Ctrl-C."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    try:
        wait_until_up(health_url, process)
        yield process, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def timed_requests(url: str, n: int, *, method: str = "GET", body: dict | None = None) -> list[float]:
    data = json.dumps(body).encode() if body is not None else None
    times = []
    for _ in range(n):
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        times.append(time.perf_counter() - start)
    return times


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def report(rows: list[tuple[str, float, float, float | None]]) -> None:
    """Print ``name, measured, baseline, target`` rows (milliseconds) with the ratio."""
    print(f"{'measure':<38}{'sandbox ms':>12}{'baseline ms':>13}{'ratio':>8}{'target ms':>11}  ok")
    for name, value, baseline, target in rows:
        ok = "yes" if target is None or value <= target else "NO"
        target_text = f"{target:>11.1f}" if target is not None else f"{'-':>11}"
        print(f"{name:<38}{value:>12.1f}{baseline:>13.1f}{value / baseline:>8.2f}{target_text}  {ok}")
