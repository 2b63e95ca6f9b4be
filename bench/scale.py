"""One tenant with 100,000 customers: a page of the customer list p50 <= 20 ms (the first page and a
continuation deep in the list), server memory <= 200 MB.

The customers are written straight into the store with bulk inserts (a customer row and its reseller
relationship each, as the API would make them), then ``mca-sandbox serve`` (granian, 1 worker, 8 threads)
serves the database; GET /v1/customers is timed one request at a time over loopback (keep-alive), the
resident memory (VmRSS) of the server's processes read from /proc after the runs. Baseline: the bare
Flask app of ``bench.baseline`` answering a body of the same size, same server, same client.

Run: ``.venv/bin/python -m bench.scale`` (SQLite file; ``--backends sqlite,postgresql`` adds PostgreSQL;
``--customers N``, ``--size N``, ``--requests N``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sandbox.domain.model import search_key

from . import pg
from .common import BIN, free_port, running

RESOURCE = "https://api.partnercenter.microsoft.com"
TARGET_P50_MS = 20.0
TARGET_RSS_MB = 200.0
WORDS = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Wingtip", "Adventure", "Litware", "Proseware", "Lucerne",
         "Margie", "Trey", "Woodgrove", "Alpine", "Coho", "Humongous", "Wide World"]


def seed_store(url: str, customers: int) -> dict:
    """A tenant made by the seed, then ``customers`` customers bulk-inserted with their relationships."""
    from sqlalchemy import insert

    from sandbox import seed
    from sandbox.app import create_app
    from sandbox.services.context import hash_secret
    from sandbox.store import orm

    app = create_app({"DATABASE_URL": url})
    tenant = seed.create_tenant(app.extensions["services"], customers=0)
    now = datetime.now(UTC).replace(tzinfo=None) if url.startswith("sqlite") else datetime.now(UTC)
    password_hash = hash_secret("not-used-in-this-benchmark")
    started = time.perf_counter()
    engine = app.extensions["engine"]
    chunk = 5000
    for start in range(0, customers, chunk):
        rows, links = [], []
        for n in range(start, min(start + chunk, customers)):
            cid = str(uuid.UUID(int=n + 1, version=4))
            name = f"{WORDS[n % len(WORDS)]} {n:06d} Ltd"
            rows.append({
                "id": cid, "workspace_id": tenant["id"], "commerce_id": cid, "billing_profile_id": cid,
                "domain": f"scale{n:06d}.onmicrosoft.com", "company_name": name, "search_name": search_key(name),
                "email": f"admin{n}@example.com", "culture": "en-US", "language": "en", "country": "US", "state": "WA",
                "address_line1": "1 Microsoft Way", "address_line2": None, "city": "Redmond", "postal_code": "98052",
                "first_name": "Scale", "last_name": f"Test{n}", "phone_number": None,
                "organization_registration_number": None, "admin_user_name": f"admin@scale{n:06d}.onmicrosoft.com",
                "admin_password_hash": password_hash, "admin_must_change_password": True, "created_at": now,
            })
            links.append({"id": str(uuid.uuid4()), "workspace_id": tenant["id"], "customer_id": cid,
                          "partner_id": tenant["id"], "kind": "reseller", "delegated_admin": True, "since": now,
                          "associated_partner_id": None})
        with engine.begin() as connection:
            connection.execute(insert(orm.customers), rows)
            connection.execute(insert(orm.relationships), links)
    with engine.begin() as connection:
        connection.execute(orm.workspaces.update().where(orm.workspaces.c.id == tenant["id"]).values(customer_count=customers))
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    tenant["seconds_to_seed"] = time.perf_counter() - started
    return tenant


def token_for(base: str, tenant: dict) -> str:
    user = next(u for u in tenant["users"] if u["role"] == "AdminAgent")
    form = urllib.parse.urlencode({
        "grant_type": "password", "client_id": tenant["application"]["clientId"],
        "client_secret": tenant["application"]["clientSecret"], "resource": RESOURCE,
        "username": user["userName"], "password": user["password"]}).encode()
    with urllib.request.urlopen(f"{base}/{tenant['id']}/oauth2/token", data=form, timeout=30) as response:
        return json.loads(response.read())["access_token"]


def timed_gets(port: int, path: str, headers: dict, n: int) -> tuple[list[float], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, body = [], b""
    for _ in range(n):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:300]!r}")
    connection.close()
    return times, body


def tree_rss_mb(pid: int) -> tuple[float, list[tuple[int, float]]]:
    """VmRSS of ``pid`` and its descendants (granian's main process and its worker)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            status = (Path("/proc") / str(current) / "status").read_text()
        except OSError:
            continue
        kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        found.append((current, kb / 1024))
        todo.extend(children.get(current, []))
    return sum(mb for _, mb in found), found


def token_after(db: str, tenant: dict, size: int, company_name: str, customer_id: str) -> str:
    """The continuation token the sandbox would give after that customer: signed with the database's key, as
    the service signs its own (sandbox.services.customers)."""
    from sandbox.services.customers import continuation_token
    from sandbox.store.db import make_engine, shared_secret

    engine = make_engine(db)
    try:
        secret = shared_secret(engine, "secret_key", lambda: None)
    finally:
        engine.dispose()
    return continuation_token(secret, tenant["id"], size, None, None, company_name, customer_id)


def measure(db: str, tenant: dict, size: int, requests: int) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running([str(BIN / "mca-sandbox"), "serve", "--port", str(port), "--db", db], f"{base}/_sandbox/health") as (
        process, _):
        headers = {"Authorization": f"Bearer {token_for(base, tenant)}", "Accept": "application/json"}
        first_times, body = timed_gets(port, f"/v1/customers?size={size}", headers, requests)
        first = json.loads(body)
        assert len(first["items"]) == size, len(first["items"])
        following = {**headers, "MS-ContinuationToken": first["continuationToken"]}
        next_times, _ = timed_gets(port, f"/v1/customers?size={size}&seekOperation=Next", following, requests)
        half = tenant["customer_total"] // 2
        middle = {**headers, "MS-ContinuationToken": token_after(db, tenant, size, f"{WORDS[half % len(WORDS)]} {half:06d} Ltd",
                                                                   str(uuid.UUID(int=half + 1, version=4)))}
        deep_times, deep_body = timed_gets(port, f"/v1/customers?size={size}&seekOperation=Next", middle, requests)
        assert len(json.loads(deep_body)["items"]) == size
        one_times, _ = timed_gets(port, f"/v1/customers/{first['items'][0]['id']}", headers, requests)
        rss, parts = tree_rss_mb(process.pid)
    return {
        "first page p50 ms": statistics.median(first_times) * 1000,
        "next page p50 ms": statistics.median(next_times) * 1000,
        "deep page p50 ms": statistics.median(deep_times) * 1000,
        "first page p99 ms": sorted(first_times)[int(len(first_times) * 0.99) - 1] * 1000,
        "one customer p50 ms": statistics.median(one_times) * 1000,
        "page bytes": len(body),
        "rss MB": rss,
        "rss by process MB": [round(mb, 1) for _, mb in parts],
    }


def baseline(page_bytes: int, requests: int) -> float:
    port = free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({"items": ["x" * 100] * max(1, page_bytes // 104)}, file)
    os.environ["BENCH_BODY_FILE"] = file.name
    try:
        with running([sys.executable, "-m", "bench.baseline", "--port", str(port)], f"http://127.0.0.1:{port}/"):
            times, _ = timed_gets(port, "/v1/customers", {}, requests)
    finally:
        os.environ.pop("BENCH_BODY_FILE", None)
        os.unlink(file.name)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=200, help="page size (the API's default is 200)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backends", default="sqlite")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="mca-bench-scale-"))
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            db = f"sqlite:///{folder / 'scale.db'}"
            tenant = seed_store(db, args.customers)
            tenant["customer_total"] = args.customers
            results["sqlite"] = {"seed s": tenant["seconds_to_seed"], **measure(db, tenant, args.size, args.requests)}
        elif backend == "postgresql":
            with pg.postgres() as server:
                db = pg.create_database(server, "mca_bench_scale")
                tenant = seed_store(db, args.customers)
                tenant["customer_total"] = args.customers
                results["postgresql"] = {"seed s": tenant["seconds_to_seed"], **measure(db, tenant, args.size, args.requests)}
    bare = baseline(int(next(iter(results.values()))["page bytes"]), args.requests)
    print(f"{args.customers:,} customers in one tenant, GET /v1/customers?size={args.size}, {args.requests} sequential "
          f"requests each, keep-alive; baseline: bare Flask answering a body of the same size: p50 {bare:.2f} ms")
    for backend, figures in results.items():
        print(f"[{backend}]")
        for name, value in figures.items():
            ratio = f"  ({value / bare:.1f} x baseline)" if name.endswith("p50 ms") else ""
            shown = f"{value:.2f}" if isinstance(value, float) else value
            target = (f"  target <= {TARGET_P50_MS:.0f}: {'ok' if value <= TARGET_P50_MS else 'MISSED'}"
                      if name in ("first page p50 ms", "next page p50 ms", "deep page p50 ms") else
                      f"  target <= {TARGET_RSS_MB:.0f}: {'ok' if value <= TARGET_RSS_MB else 'MISSED'}" if name == "rss MB" else "")
            print(f"  {name:<22}{shown}{ratio}{target}")
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
