"""The command line, as a user runs it: a real `mca-sandbox serve` process, and the JSON commands."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("mca-sandbox")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, deadline_s: float = 60.0) -> dict:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.05)
    raise AssertionError("serve did not answer /_sandbox/health in time")


@pytest.mark.skipif(os.name == "nt", reason="signals differ on Windows")
def test_serve_answers_health_prints_sign_ins_and_stops_cleanly(tmp_path):
    port = free_port()
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--db", db, "--seed", "42"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert wait_for_health(f"http://127.0.0.1:{port}/_sandbox/health", process) == {"status": "ok", "service": "mca-sandbox"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/tenants", timeout=5) as response:
            items = json.loads(response.read())["items"]
        assert [item["seed"] for item in items] == [42]  # the demo workspace, made on first start
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert f"mca-sandbox serving on http://127.0.0.1:{port}" in output
    assert "AdminAgent" in output and "adminagent@" in output
    assert "MCAAcceptedDirectly" in output and "admin@" in output  # the customers' admin center sign-ins too
    assert "Traceback" not in output


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=60)


def test_tenants_create_and_reset_print_json(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    created = run("tenants", "create", "--db", db, "--kind", "IndirectReseller", "--customers", "1",
                  "--now", "2020-01-15T00:00:00+00:00", "--frozen")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)
    assert tenant["kind"] == "IndirectReseller" and tenant["provider"]["kind"] == "IndirectProvider"
    assert tenant["clock"] == {"now": "2020-01-15T00:00:00+00:00", "frozen": True}

    reset_one = run("reset", "--db", db, "--tenant", tenant["id"])
    assert reset_one.returncode == 0 and json.loads(reset_one.stdout)["id"] == tenant["id"]
    reset_all = run("reset", "--db", db)
    assert json.loads(reset_all.stdout) == {"deleted": 1}


def test_cli_errors_are_json_on_stderr(tmp_path):
    result = run("reset", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--tenant", "nope")
    assert result.returncode == 2
    assert json.loads(result.stderr)["code"] == 1000
