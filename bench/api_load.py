"""The REST API under load: GET agreement metadata and POST attestation at 1, 8 and 32 concurrent clients.

In one run, with ``wrk`` (Debian's package): the sandbox as ``mca-sandbox serve`` runs it (granian, a
SQLite file), against (a) a bare Flask JSON view answering the metadata's exact body, served by the same
server with the same settings (``bench.baseline``), and (b) Prism mocking the sandbox's own
``/openapi.json``. Every sandbox POST is a new confirmation (a new contact per request, per wrk thread,
spread over several customers) with its own ``MS-RequestId``, so each should be a 201. When ``ab``
(Debian's apache2-utils) is installed, the GET at the top concurrency runs once more through it, for the
requests' own percentiles: wrk's are corrected for coordinated omission (see ``run_ab``).

Run: ``.venv/bin/python -m bench.api_load`` (about 2 minutes; ``--rounds 3`` repeats every step with the
targets taking turns and reports the median run, about 6 minutes; ``--duration 10`` for longer runs,
``--workers 2`` to try two server processes, ``--no-prism`` to skip Prism, ``--targets
sandbox,bare,prism,floor`` to add the floor app of ``bench.baseline``: the least a confirmation POST can do
on this stack, so the ceiling of the POST's ratio). Prism is found in
``--prism-dir`` (default ``/tmp/prism``, made once with ``npm install --prefix /tmp/prism
@stoplight/prism-cli@5``), else run with ``npx --yes @stoplight/prism-cli@5``; when neither works it is
skipped and the run says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .common import BIN, ROOT, free_port, running

METADATA_PATH = "/v1/agreements?agreementType=MicrosoftCustomerAgreement"
MCA_TEMPLATE = "117a77b0-9360-443b-8795-c6dedc750cf9"
RESOURCE = "https://api.partnercenter.microsoft.com"
CONCURRENCY = (1, 8, 32)
CUSTOMERS = 8
TARGETS = {  # at 32 connections
    "GET vs prism": 3.0,
    "GET vs bare": 0.6,
    "POST vs bare": 0.3,
    "p99 ms": 25.0,
}
PRISM_PACKAGE = "@stoplight/prism-cli@5"


# --- talking to the sandbox ------------------------------------------------------------------


def call(url: str, *, method: str = "GET", body: dict | None = None, form: dict | None = None,
         headers: dict | None = None) -> tuple[int, bytes]:
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Rehearsal:
    """What the load needs from the sandbox: a tenant's customers and an Admin agent's App+User token."""

    tenant_id: str
    customers: list[str]
    token: str
    metadata_body: bytes
    openapi: bytes


def prepare(base: str) -> Rehearsal:
    status, raw = call(f"{base}/_sandbox/tenants", method="POST", body={
        "customers": CUSTOMERS, "clock": {"now": "2020-05-05T12:00:00+00:00", "frozen": True},
    })
    assert status == 201, raw
    tenant = json.loads(raw)
    user = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    app = tenant["application"]
    status, raw = call(f"{base}/{tenant['id']}/oauth2/token", method="POST", form={
        "grant_type": "password", "client_id": app["clientId"], "client_secret": app["clientSecret"],
        "username": user["userName"], "password": user["password"], "resource": RESOURCE,
    })
    assert status == 200, raw
    token = json.loads(raw)["access_token"]
    status, metadata = call(base + METADATA_PATH, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, metadata
    status, openapi = call(f"{base}/openapi.json")
    assert status == 200
    return Rehearsal(tenant["id"], [c["id"] for c in tenant["customers"]], token, metadata, openapi)


def stored_confirmations(base: str, rehearsal: Rehearsal) -> int:
    total = 0
    for customer in rehearsal.customers:
        status, raw = call(f"{base}/v1/customers/{customer}/agreements?agreementType=MicrosoftCustomerAgreement",
                           headers={"Authorization": f"Bearer {rehearsal.token}"})
        assert status == 200, raw
        total += json.loads(raw)["totalCount"]
    return total


# --- wrk ---------------------------------------------------------------------------------------


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these characters


def get_script(token: str) -> str:
    return (
        'wrk.method = "GET"\n'
        f'wrk.headers["Authorization"] = {lua_string("Bearer " + token)}\n'
        'wrk.headers["Accept"] = "application/json"\n'
    )


def post_script(token: str, customers: list[str], run: str) -> str:
    """Each request: the next customer, a contact no request used before (thread id and a counter in the
    e-mail, the run's tag in both), and an MS-RequestId of its own: a new confirmation, so a 201."""
    ids = ", ".join(lua_string(c) for c in customers)
    return f"""
local customers = {{{ids}}}
local token = {lua_string("Bearer " + token)}
local run = {lua_string(run)}
local template = {lua_string(MCA_TEMPLATE)}
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function request()
  counter = counter + 1
  local customer = customers[(counter + tid) % #customers + 1]
  local body = string.format(
    '{{"primaryContact":{{"firstName":"Bench","lastName":"Load","email":"load.%s.%d.%d@example.com"}},' ..
    '"templateId":"%s","dateAgreed":"2020-05-01T00:00:00.000Z","type":"MicrosoftCustomerAgreement"}}',
    run, tid, counter, template)
  local headers = {{}}
  headers["Authorization"] = token
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  headers["MS-RequestId"] = string.format("%s-%d-%d", run, tid, counter)
  return wrk.format("POST", "/v1/customers/" .. customer .. "/agreements", headers, body)
end
"""


@dataclass
class Result:
    target: str
    operation: str
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: str
    max_ms: float = float("nan")  # the slowest request


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(target: str, operation: str, url: str, script: str, connections: int, duration: int, folder: Path) -> Result:
    path = folder / f"{target}-{operation}-{connections}.lua"
    path.write_text(script)
    threads = 1 if connections == 1 else 2
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "5s", "--latency", "-s", str(path),
         url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))  # "1.28s " : wrk pads a one-letter unit
    slowest = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.+)$", out, re.M)
    return Result(
        target=target, operation=operation, connections=connections,
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # no latency lines when no request completed (all timed out)
        p50_ms=_ms(latency["50"]) if "50" in latency else float("nan"),
        p99_ms=_ms(latency["99"]) if "99" in latency else float("nan"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=errors.group(1).strip() if errors else "",
        max_ms=_ms(slowest.group(1)) if slowest else float("nan"),
    )


def run_ab(target: str, url: str, token: str, connections: int, requests: int) -> Result:
    """The same GET through ``ab`` (Debian's apache2-utils, keep-alive): its percentiles are the requests'
    own. wrk 4.1 corrects its latency histogram for coordinated omission (``stats_correct``: every request
    slower than the run's mean interval adds samples for the requests it held up), so wrk's p99 follows
    the run's slowest request; ab's are the raw figures, for comparison."""
    out = subprocess.run(
        ["ab", "-q", "-k", "-c", str(connections), "-n", str(requests), "-H", f"Authorization: Bearer {token}",
         "-H", "Accept: application/json", url],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    percent = dict(re.findall(r"^\s+(50|99|100)%\s+(\d+)", out, re.M))
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return Result(
        target=target, operation="GET (ab)", connections=connections,
        requests=int(re.search(r"Complete requests:\s+(\d+)", out).group(1)),
        rps=float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1)),
        p50_ms=float(percent.get("50", "nan")), p99_ms=float(percent.get("99", "nan")),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=f"{failed.group(1)} failed" if failed and failed.group(1) != "0" else "",
        max_ms=float(percent.get("100", "nan")),
    )


# --- Prism -------------------------------------------------------------------------------------


def prism_command(prism_dir: Path, port: int, spec: Path) -> list[str] | None:
    local = prism_dir / "node_modules" / ".bin" / "prism"
    if local.exists():
        return [str(local), "mock", "-p", str(port), str(spec)]
    if shutil.which("npx"):
        return ["npx", "--yes", PRISM_PACKAGE, "mock", "-p", str(port), str(spec)]
    return None


@contextmanager
def prism(prism_dir: Path, spec: Path, token: str):
    """Prism mocking the sandbox's OpenAPI document, with its default settings (it logs each request: to a
    file, never a pipe that could fill); yields its base URL, or None with the reason printed."""
    port = free_port()
    command = prism_command(prism_dir, port, spec)
    if command is None:
        print("Prism skipped: neither a local install nor npx was found.", flush=True)
        yield None
        return
    log = (spec.parent / "prism.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                log.flush()
                print(f"Prism skipped: it exited ({process.returncode}): "
                      f"{(spec.parent / 'prism.log').read_text()[-800:]}", flush=True)
                yield None
                return
            try:
                status, _ = call(base + METADATA_PATH, headers={"Authorization": f"Bearer {token}"})
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                print("Prism skipped: it did not answer within 120 s.", flush=True)
                yield None
                return
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --- the run -----------------------------------------------------------------------------------


def measure(args) -> tuple[list[Result], dict]:
    results: list[Result] = []
    notes: dict = {"load average at start": os.getloadavg()}
    server_args = ["--workers", str(args.workers), "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        port = free_port()
        sandbox = f"http://127.0.0.1:{port}"
        stack.enter_context(running(
            [str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", f"sqlite:///{folder / 'sandbox.db'}", *server_args],
            f"{sandbox}/_sandbox/health",
        ))
        rehearsal = prepare(sandbox)
        spec = folder / "openapi.json"
        spec.write_bytes(rehearsal.openapi)

        bare_port = free_port()
        bare = f"http://127.0.0.1:{bare_port}"
        os.environ["BENCH_BODY"] = rehearsal.metadata_body.decode()  # the exact metadata body
        stack.enter_context(running([sys.executable, "-m", "bench.baseline", "--port", str(bare_port), *server_args],
                                    f"{bare}/health"))
        _, bare_body = call(bare + METADATA_PATH)
        assert bare_body == rehearsal.metadata_body, "the bare view must answer the same body"

        floor = None
        if "floor" in args.targets:  # the least a confirmation can do on this stack (see bench.baseline)
            floor_port = free_port()
            floor = f"http://127.0.0.1:{floor_port}"
            stack.enter_context(running([sys.executable, "-m", "bench.baseline", "--floor", "--port", str(floor_port),
                                         *server_args], f"{floor}/health"))

        use_prism = args.prism and "prism" in args.targets
        prism_base = stack.enter_context(prism(Path(args.prism_dir), spec, rehearsal.token)) if use_prism else None
        if not use_prism:
            print("Prism skipped (not asked for).", flush=True)

        targets = {"sandbox": sandbox, "bare": bare}
        if floor:
            targets["floor"] = floor
        if prism_base:
            targets["prism"] = prism_base
        targets = {name: base for name, base in targets.items() if name in args.targets}
        for name, base in targets.items():  # warm-up: imports, caches, SQLite pages, JIT (Prism)
            run_wrk(name, "warmup", base + METADATA_PATH, get_script(rehearsal.token), 8, 1, folder)
        # The targets take turns at each step, and the steps repeat ``--rounds`` times: the machine's speed
        # drifts, and a ratio of two figures measured minutes apart followed the drift.
        steps = [("GET", c) for c in (args.connections if "GET" in args.operations else ())]
        if args.ab and "GET" in args.operations:
            steps.append(("GET (ab)", max(args.connections)))
        steps += [("POST", c) for c in (args.connections if "POST" in args.operations else ())]
        runs: dict = {}
        for round_ in range(args.rounds):
            for operation, connections in steps:
                for name, base in targets.items():
                    if (operation == "GET (ab)" and name == "prism") or (operation != "POST" and name == "floor"):
                        continue
                    result = _run_step(name, base, operation, connections, rehearsal, args, folder, round_)
                    runs.setdefault((name, operation, connections), []).append(result)
                    print(f"  {name:<8} {operation:<8} c={connections:<3} {result.rps:>9.0f} req/s", flush=True)
        results.extend(_median(found) for found in runs.values())
        notes["rounds"] = args.rounds
        stored = stored_confirmations(sandbox, rehearsal)
        posted = sum(r.requests - r.non_2xx for found in runs.values() for r in found  # every round's, not the medians'
                     if r.target == "sandbox" and r.operation == "POST")
        notes["sandbox confirmations stored"] = stored
        notes["sandbox non-2xx"] = sum(r.non_2xx for found in runs.values() for r in found if r.target == "sandbox")
        notes["sandbox POST 2xx counted by wrk"] = posted
        notes["prism"] = "measured" if prism_base else "skipped"
    notes["load average at end"] = os.getloadavg()
    return results, notes


def _run_step(name: str, base: str, operation: str, connections: int, rehearsal: Rehearsal, args, folder: Path,
              round_: int) -> Result:
    if operation == "GET":
        return run_wrk(name, "GET", base + METADATA_PATH, get_script(rehearsal.token), connections, args.duration, folder)
    if operation == "GET (ab)":
        return run_ab(name, base + METADATA_PATH, rehearsal.token, connections, args.ab_requests)
    tag = f"{name}{connections}r{round_}x{int(time.time())}"  # new contacts in every run
    return run_wrk(name, "POST", f"{base}/v1/customers/{rehearsal.customers[0]}/agreements",
                   post_script(rehearsal.token, rehearsal.customers, tag), connections, args.duration, folder)


def _median(found: list[Result]) -> Result:
    """The run with the median req/s (the lower middle one of an even count), whole: its latencies with it."""
    return sorted(found, key=lambda r: r.rps)[(len(found) - 1) // 2]


def report(results: list[Result], notes: dict, args) -> dict:
    by = {(r.target, r.operation, r.connections): r for r in results}
    print()
    rounds = f", median of {args.rounds} rounds taking turns" if args.rounds > 1 else ", the targets taking turns"
    print(f"API load, wrk -d {args.duration}s{rounds}, server: granian --workers {args.workers} --threads {args.threads}, "
          f"SQLite file; {os.cpu_count()} cores; load average at start "
          f"{' '.join(f'{x:.1f}' for x in notes['load average at start'])}, at end "
          f"{' '.join(f'{x:.1f}' for x in notes['load average at end'])} (other work on the machine skews every figure)")
    columns = ("sandbox", "bare", "prism", "floor") if any(r.target == "floor" for r in results) else ("sandbox", "bare", "prism")
    header = f"{'operation':<9}{'conc':>5} | " + " | ".join(
        f"{t + ' req/s':>14}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'non2xx':>7}" for t in columns)
    print(header)
    print("-" * len(header))
    top = max(args.connections)
    rows = [(operation, c) for operation in ("GET", "POST") for c in args.connections]
    rows.insert(len(args.connections), ("GET (ab)", top))
    for operation, c in rows:
        cells = []
        for target in columns:
            r = by.get((target, operation, c))
            cells.append(f"{r.rps:>14.0f}{r.p50_ms:>8.2f}{r.p99_ms:>8.2f}{r.max_ms:>8.0f}{r.non_2xx:>7}" if r
                         else f"{'-':>14}{'':>8}{'':>8}{'':>8}{'':>7}")
        if any(by.get((target, operation, c)) for target in columns):
            print(f"{operation:<9}{c:>5} | " + " | ".join(cells))
    print("(wrk's percentiles are corrected for coordinated omission: one slow request counts for every request "
          "it held up, so its p99 follows the slowest request; the ab row gives the requests' own percentiles)")
    errors = [f"{r.target} {r.operation} c={r.connections}: {r.socket_errors}" for r in results if r.socket_errors]
    if errors:
        print("socket errors: " + "; ".join(errors))

    verdicts = {}

    def ratio(a, b):
        return a.rps / b.rps if a and b else None

    sandbox_get, sandbox_post = by.get(("sandbox", "GET", top)), by.get(("sandbox", "POST", top))
    checks = [
        ("GET req/s >= 3x Prism", ratio(sandbox_get, by.get(("prism", "GET", top))), TARGETS["GET vs prism"]),
        ("GET req/s >= 0.6x bare Flask", ratio(sandbox_get, by.get(("bare", "GET", top))), TARGETS["GET vs bare"]),
        ("POST req/s >= 0.3x bare Flask", ratio(sandbox_post, by.get(("bare", "POST", top))), TARGETS["POST vs bare"]),
    ]
    print(f"\nTargets at {top} connections:")
    for name, value, target in checks:
        ok = None if value is None else value >= target
        verdicts[name] = {"value": value, "target": target, "met": ok}
        shown = "n/a (not measured)" if value is None else f"{value:.2f}x"
        print(f"  {name:<32} {shown:>20}  {'-' if ok is None else ('yes' if ok else 'NO')}")
    for operation, r in (("GET", sandbox_get), ("POST", sandbox_post)):
        if r is None:
            continue
        ok = r.p99_ms <= TARGETS["p99 ms"]
        verdicts[f"{operation} p99 <= 25 ms"] = {"value": r.p99_ms, "target": TARGETS["p99 ms"], "met": ok}
        print(f"  {operation + ' p99 <= 25 ms':<32} {r.p99_ms:>18.2f}ms  {'yes' if ok else 'NO'}")
    floor_post = ratio(by.get(("floor", "POST", top)), by.get(("bare", "POST", top)))
    if floor_post is not None:
        verdicts["floor POST vs bare"] = {"value": floor_post, "target": None, "met": None}
        print(f"  {'floor POST vs bare Flask':<32} {floor_post:>19.2f}x  (the stack's ceiling for a confirmation; "
              "see bench.baseline)")
    raw = by.get(("sandbox", "GET (ab)", top))
    if raw is not None:
        ok = raw.p99_ms <= TARGETS["p99 ms"]
        verdicts["GET p99 <= 25 ms (ab)"] = {"value": raw.p99_ms, "target": TARGETS["p99 ms"], "met": ok}
        print(f"  {'GET p99 <= 25 ms (ab, raw)':<32} {raw.p99_ms:>18.2f}ms  {'yes' if ok else 'NO'}")
    print(f"\nsandbox non-2xx responses (every round): {notes['sandbox non-2xx']}; confirmations stored: {notes['sandbox confirmations stored']} "
          f"(wrk counted {notes['sandbox POST 2xx counted by wrk']} POST 2xx; a request still in flight when wrk stops "
          "is stored but not counted)")
    return verdicts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api_load", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat every step, the targets taking turns, and report each figure's median run (default 1)")
    parser.add_argument("--connections", type=lambda s: [int(x) for x in s.split(",")], default=list(CONCURRENCY))
    parser.add_argument("--workers", type=int, default=1, help="server processes, for the sandbox and the bare app")
    parser.add_argument("--threads", type=int, default=8, help="threads per process (granian blocking threads)")
    parser.add_argument("--prism-dir", default="/tmp/prism", help="where `npm install --prefix` put Prism")
    parser.add_argument("--no-prism", dest="prism", action="store_false")
    parser.add_argument("--targets", type=lambda s: s.split(","), default=["sandbox", "bare", "prism"],
                        help="which of sandbox,bare,prism,floor to load (default the first three, which the targets "
                             "need; floor: the least a confirmation POST can do on this stack, see bench.baseline)")
    parser.add_argument("--operations", type=lambda s: s.split(","), default=["GET", "POST"])
    parser.add_argument("--no-ab", dest="ab", action="store_false",
                        help="skip the GET latency check with ab (run only when ab is installed)")
    parser.add_argument("--ab-requests", type=int, default=30_000, help="requests in the ab run (default 30000)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    if args.ab and shutil.which("ab") is None:
        print("ab skipped: not installed (Debian: apt-get install apache2-utils).", flush=True)
        args.ab = False
    results, notes = measure(args)
    verdicts = report(results, notes, args)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"api_load-{stamp}.json").write_text(json.dumps(
        {"settings": vars(args), "results": [asdict(r) for r in results], "notes": notes, "verdicts": verdicts}, indent=2))


if __name__ == "__main__":
    main()
