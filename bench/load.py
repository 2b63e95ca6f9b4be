"""Mixed reads and writes at 32 concurrent clients for 60 s, on SQLite and on PostgreSQL.

``mca-sandbox serve`` (granian, its defaults: 1 worker, 8 threads) on a SQLite file, then on a throw-away
PostgreSQL (scripts/postgres-for-tests.sh); ``wrk`` (Debian's package) with a Lua script drives 32
connections through a mix of 80 % reads (list a page of customers, read a customer, its confirmations,
agreement metadata) and 20 % writes (a new customer; a new confirmation, each with its own contact, so
each should be a 201). Errors are every non-2xx answer and every socket error. The baseline is a bare
Flask JSON view under the same server, same settings, same wrk (``bench.baseline``), in the same run.

Run: ``.venv/bin/python -m bench.load`` (about 3 minutes; ``--duration 10`` for a quick look,
``--backends sqlite`` for one).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from . import pg
from .common import BIN, free_port, running

RESOURCE = "https://api.partnercenter.microsoft.com"
CONNECTIONS = 32
TARGETS = {"errors": 0}


def call(url: str, *, body: dict | None = None, form: dict | None = None, headers: dict | None = None) -> dict:
    data, headers = None, dict(headers or {})
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def prepare(base: str) -> dict:
    tenant = call(f"{base}/_sandbox/tenants", body={"customers": 40})
    user = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    token = call(f"{base}/{tenant['id']}/oauth2/token", form={
        "grant_type": "password", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "resource": RESOURCE,
        "username": user["userName"], "password": user["password"]})["access_token"]
    return {"tenant": tenant, "token": token, "customers": [c["id"] for c in tenant["customers"]]}


def lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal here (ASCII)


def mixed_script(token: str, customers: list[str], run: str) -> str:
    ids = ", ".join(lua(c) for c in customers)
    return f"""
local token = {lua("Bearer " + token)}
local run = {lua(run)}
local customers = {{ {ids} }}
local counter = 0
thread_id = 0
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end
function request()
  counter = counter + 1
  local customer = customers[(counter % #customers) + 1]
  local headers = {{ ["Authorization"] = token, ["Content-Type"] = "application/json", ["Accept"] = "application/json" }}
  local kind = counter % 10
  if kind == 0 then
    local domain = "load" .. run .. "t" .. thread_id .. "n" .. counter .. ".onmicrosoft.com"
    local body = '{{"companyProfile":{{"domain":"' .. domain .. '"}},"billingProfile":{{"email":"a@example.com",' ..
      '"culture":"en-US","language":"en","companyName":"Load ' .. counter .. '","defaultAddress":{{"firstName":"A",' ..
      '"lastName":"B","addressLine1":"1 Way","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}}}}}}'
    return wrk.format("POST", "/v1/customers", headers, body)
  elseif kind == 5 then
    local email = "c" .. run .. "t" .. thread_id .. "n" .. counter .. "@example.com"
    local body = '{{"primaryContact":{{"firstName":"Load","lastName":"Test","email":"' .. email .. '"}},' ..
      '"templateId":"117a77b0-9360-443b-8795-c6dedc750cf9","dateAgreed":"2019-12-01T00:00:00Z","type":"MicrosoftCustomerAgreement"}}'
    return wrk.format("POST", "/v1/customers/" .. customer .. "/agreements", headers, body)
  elseif kind < 3 then
    return wrk.format("GET", "/v1/customers?size=20", headers)
  elseif kind < 6 then
    return wrk.format("GET", "/v1/customers/" .. customer, headers)
  elseif kind < 8 then
    return wrk.format("GET", "/v1/customers/" .. customer .. "/agreements?agreementType=*", headers)
  else
    return wrk.format("GET", "/v1/agreements?agreementType=MicrosoftCustomerAgreement", headers)
  end
end
"""


def _ms(text: str) -> float:
    """wrk's ``74.28ms`` / ``812.00us`` / ``1.02s`` in ms; NaN when it measured nothing (``-nanus``)."""
    number, unit = re.match(r"([\d.]+)", text), re.search(r"(us|ms|s)$", text)
    if number is None or unit is None:
        return float("nan")
    value, unit = float(number.group(1)), unit.group(1)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url: str, script: str, duration: int, folder: Path, name: str) -> dict:
    path = folder / f"{name}.lua"
    path.write_text(script)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "10s", "--latency",
                          "-s", str(path), url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)) if "Socket errors" in out else 0
    return {
        "requests": requests, "errors": non_2xx + socket, "non2xx": non_2xx, "socket_errors": socket,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+(\S+)", out).group(1)), "p99_ms": _ms(re.search(r"99%\s+(\S+)", out).group(1)),
    }


def serve_command(db: str, port: int) -> list[str]:
    return [str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", db]


def measure_sandbox(db: str, duration: int, folder: Path, name: str) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(serve_command(db, port), f"{base}/_sandbox/health"):
        rehearsal = prepare(base)
        script = mixed_script(rehearsal["token"], rehearsal["customers"], name)
        run_wrk(base, script.replace(f'local run = {lua(name)}', f'local run = {lua(name + "w")}'), 2, folder, name + "-warmup")
        result = run_wrk(base, script, duration, folder, name)
        stored = call(f"{base}/_sandbox/tenants/{rehearsal['tenant']['id']}")["customerCount"]
    result["customers_after"] = stored
    return result


def measure_baseline(duration: int, folder: Path) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bench.baseline", "--port", str(port)]
    with running(command, f"{base}/"):
        return run_wrk(base, 'wrk.headers["Accept"] = "application/json"\n', duration, folder, "baseline")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="mca-bench-load-"))
    results = {"baseline (bare Flask GET)": measure_baseline(min(args.duration, 15), folder)}
    try:
        if "sqlite" in args.backends:
            results["sqlite"] = measure_sandbox(f"sqlite:///{folder / 'load.db'}", args.duration, folder, "sqlite")
        if "postgresql" in args.backends:
            with pg.postgres() as server:
                results["postgresql"] = measure_sandbox(pg.create_database(server, "mca_bench_load"), args.duration,
                                                        folder, "postgresql")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base_rps = results["baseline (bare Flask GET)"]["rps"]
    print(f"Mixed load, {CONNECTIONS} connections, wrk -t2 -d{args.duration}s (80 % reads, 20 % writes), "
          "mca-sandbox serve (granian, 1 worker, 8 threads); baseline: bare Flask GET, same server")
    print(f"{'':28}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs baseline':>13}")
    for name, r in results.items():
        print(f"{name:28}{r['requests']:>10}{r['errors']:>8}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{r['rps'] / base_rps:>13.2f}")
    failed = [name for name, r in results.items() if r["errors"] > TARGETS["errors"]]
    print("errors: none" if not failed else f"ERRORS in: {', '.join(failed)}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
