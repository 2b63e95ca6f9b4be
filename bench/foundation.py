"""Issue 2's figures: `mca-sandbox serve` start to first 200, tenant creation, tenant reset.

Each against a bare Flask JSON app started the same way (same production server, same settings).
Run: ``.venv/bin/python -m bench.foundation`` (about a minute).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

from .common import BIN, free_port, median_ms, report, running, timed_requests

STARTS = 5
REQUESTS = 60


def start_times(make_command, health_path: str) -> list[float]:
    times = []
    for _ in range(STARTS):
        port = free_port()
        with running(make_command(port), f"http://127.0.0.1:{port}{health_path}") as (_process, seconds):
            times.append(seconds)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        counter = iter(range(1000))

        def sandbox_fresh(port):
            return [str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", f"sqlite:///{Path(folder) / f'fresh{next(counter)}.db'}"]

        warm_db = f"sqlite:///{Path(folder) / 'warm.db'}"

        def sandbox_warm(port):
            return [str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", warm_db]

        def bare(port):
            return [sys.executable, "-m", "bench.baseline", "--port", str(port)]

        bare_start = start_times(bare, "/health")
        fresh_start = start_times(sandbox_fresh, "/_sandbox/health")
        start_times(sandbox_warm, "/_sandbox/health")  # make the warm database (and warm the disk cache)
        warm_start = start_times(sandbox_warm, "/_sandbox/health")

        port, bare_port = free_port(), free_port()
        with running(sandbox_warm(port), f"http://127.0.0.1:{port}/_sandbox/health"), \
             running(bare(bare_port), f"http://127.0.0.1:{bare_port}/health"):
            base = f"http://127.0.0.1:{port}/_sandbox"
            timed_requests(f"http://127.0.0.1:{bare_port}/health", 5)  # warm-up
            bare_post = timed_requests(f"http://127.0.0.1:{bare_port}/tenants", REQUESTS, method="POST", body={})
            timed_requests(f"{base}/tenants", 5, method="POST", body={})  # warm Faker's locales
            create = timed_requests(f"{base}/tenants", REQUESTS, method="POST", body={"customers": 3})
            request = urllib.request.Request(f"{base}/tenants", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                tenant = json.loads(response.read())
            reset = timed_requests(f"{base}/tenants/{tenant['id']}/reset", REQUESTS, method="POST")

    print(f"mca-sandbox foundation benchmark (median of {STARTS} starts, {REQUESTS} requests each)")
    report([
        ("serve: start to first 200 (new db)", median_ms(fresh_start), median_ms(bare_start), 1000.0),
        ("serve: start to first 200 (existing db)", median_ms(warm_start), median_ms(bare_start), 1000.0),
        ("tenant create (3 customers)", median_ms(create), median_ms(bare_post), 20.0),
        ("tenant reset", median_ms(reset), median_ms(bare_post), 10.0),
    ])
    print(f"(start times, s: bare {[round(t, 3) for t in bare_start]}, sandbox new db {[round(t, 3) for t in fresh_start]},"
          f" existing db {[round(t, 3) for t in warm_start]}; create p90 {statistics.quantiles(create, n=10)[-1] * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
