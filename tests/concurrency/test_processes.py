"""Real `mca-sandbox serve` processes: a crash (SIGKILL) in the middle of writes loses no answered write
and leaves nothing half-written; two servers on one PostgreSQL serve one state; two workers keep one journal."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pg_slice
import pytest
import requests
from api.helpers import agreement_body, customer_body

from .conftest import new_tenant, token_for

BIN = Path(sys.executable).with_name("mca-sandbox")
pytestmark = pytest.mark.skipif(os.name == "nt", reason="signals and process groups differ on Windows")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Serve:
    """One `mca-sandbox serve` process group (granian's workers included), output in a file."""

    def __init__(self, db: str, log: Path, *, env: dict | None = None, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN), "serve", "--port", str(self.port), "--db", db, "--threads", "8", "--workers", str(workers)],
            stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})},
        )

    def wait_up(self, deadline_s: float = 60.0) -> None:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}: {self.output()}")
            try:
                if requests.get(f"{self.url}/_sandbox/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError(f"serve did not come up: {self.output()}")

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up of any kind, as a crash."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl-C: granian stops its workers and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        self.kill()  # whatever is left of the group
        self._out.close()


@pytest.fixture
def serve_db(request, backend, tmp_path) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database").empty()
    return f"sqlite:///{tmp_path / 'crash.db'}"


WRITERS = 8
KILL_AFTER_WRITES = 60


def test_a_sigkill_mid_write_loses_no_answered_write_and_leaves_nothing_half_done(serve_db, tmp_path):
    """Eight writers create customers and confirmations until 60 have been answered 201, then the whole
    server (granian and its workers) gets SIGKILL while they are still sending, and serve starts again on the
    same database. Precisely:

    - every write answered 201 before the kill is there, whole (it reads back as answered);
    - a write whose request got no answer (in flight at the kill) may be there or not, but if it is, it is
      whole (a customer is listed, i.e. its relationship row is there, and reads back; a confirmation has
      its contact, template and date);
    - nothing else is there: no write answered 4xx, none never sent.
    """
    server = Serve(serve_db, tmp_path / "serve.log")
    try:
        server.wait_up()
        tenant = new_tenant(server.url, customers=2)
        token = token_for(server.url, tenant)
        headers = {"Authorization": f"Bearer {token}"}
        seeded = {c["id"] for c in tenant["customers"]}
        lock = threading.Lock()
        created: dict[str, dict] = {}  # domain -> the 201 body
        confirmed: dict[str, dict] = {}  # contact e-mail -> the 201 body
        in_flight_domains: set[str] = set()  # sent, no answer (the kill came first)
        in_flight_emails: set[str] = set()
        server_errors: list[str] = []
        stop = threading.Event()
        enough = threading.Event()

        def writer(n: int) -> None:
            session = requests.Session()
            customer_ids = list(seeded)
            i = 0
            while not stop.is_set():
                i += 1
                if i % 2:
                    body = customer_body(domain=f"crash{n}x{i}x{uuid.uuid4().hex[:8]}.onmicrosoft.com")
                    key, url, sink, pending = body["companyProfile"]["domain"], f"{server.url}/v1/customers", created, in_flight_domains
                else:
                    contact = {"firstName": "Crash", "lastName": f"Writer{n}", "email": f"w{n}.{i}.{uuid.uuid4().hex[:6]}@example.com"}
                    body = agreement_body(primaryContact=contact)
                    key, sink, pending = contact["email"], confirmed, in_flight_emails
                    url = f"{server.url}/v1/customers/{customer_ids[i % len(customer_ids)]}/agreements"
                with lock:
                    pending.add(key)
                try:
                    answer = session.post(url, json=body, headers=headers, timeout=10)
                except requests.RequestException:
                    return  # the server is gone: this request stays "in flight"
                with lock:
                    pending.discard(key)
                    if answer.status_code == 201:
                        sink[key] = answer.json()
                        if sink is created:
                            customer_ids.append(answer.json()["id"])
                        if len(created) + len(confirmed) >= KILL_AFTER_WRITES:
                            enough.set()
                    elif answer.status_code >= 500:
                        server_errors.append(answer.text)

        threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=60), "the writers did not get enough answers"
        server.kill()  # mid-flight: the writers are still sending
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert not server_errors, server_errors[:3]
        assert created and confirmed
    finally:
        server.stop()

    again = Serve(serve_db, tmp_path / "serve-again.log")
    try:
        again.wait_up()
        headers = {"Authorization": f"Bearer {token_for(again.url, tenant)}"}
        # every answered customer is there, whole: the same resource as the 201 said
        for domain, body in created.items():
            got = requests.get(f"{again.url}/v1/customers/{body['id']}", headers=headers, timeout=10)
            assert got.status_code == 200, (domain, got.text)
            assert got.json()["companyProfile"]["domain"] == domain
            assert got.json()["billingProfile"]["companyName"] == body["billingProfile"]["companyName"]
        listed = []
        page = requests.get(f"{again.url}/v1/customers?size=500", headers=headers, timeout=10).json()
        listed.extend(page["items"])
        while page.get("continuationToken"):
            page = requests.get(f"{again.url}/v1/customers?size=500&seekOperation=Next", timeout=10,
                                headers={**headers, "MS-ContinuationToken": page["continuationToken"]}).json()
            listed.extend(page["items"])
        domains = {c["companyProfile"]["domain"] for c in listed if c["id"] not in seeded}
        # nothing else: a customer is there only if it was answered 201, or its request was cut by the kill
        assert set(created) <= domains
        assert domains <= set(created) | in_flight_domains, domains - set(created)
        # ... and any that is there is whole (listed means its relationship row is there too; it reads back)
        for customer in listed:
            assert requests.get(f"{again.url}/v1/customers/{customer['id']}", headers=headers, timeout=10).status_code == 200
        emails = set()
        for customer_id in seeded | {b["id"] for b in created.values()}:
            got = requests.get(f"{again.url}/v1/customers/{customer_id}/agreements?agreementType=*", headers=headers,
                               timeout=10)
            assert got.status_code == 200, got.text
            for item in got.json()["items"]:
                assert item["primaryContact"]["firstName"] == "Crash" and item["templateId"] and item["dateAgreed"]
                emails.add(item["primaryContact"]["email"])
        assert set(confirmed) <= emails
        assert emails <= set(confirmed) | in_flight_emails, emails - set(confirmed)
    finally:
        again.stop()


@pytest.mark.skipif(not pg_slice.ENABLED, reason="the PostgreSQL slice is off")
def test_two_servers_on_one_postgresql_serve_one_state(tmp_path):
    """Two first starts at once on a fresh database (migrations, demo workspace, signing key), then a write
    through either is read through the other, with a token issued by the other."""
    name = f"mca_test_{pg_slice.worker()}_two"
    db = pg_slice.fresh_database(name)
    first = Serve(db, tmp_path / "a.log")
    second = Serve(db, tmp_path / "b.log")
    try:
        first.wait_up()
        second.wait_up()
        tenants = [requests.get(f"{s.url}/_sandbox/tenants", timeout=10).json()["items"] for s in (first, second)]
        assert tenants[0] == tenants[1] and [t["seed"] for t in tenants[0]] == [42]  # one demo workspace
        tenant = new_tenant(first.url, customers=1)
        token_a = token_for(first.url, tenant)
        token_b = token_for(second.url, tenant)
        created = requests.post(f"{first.url}/v1/customers", json=customer_body(),
                                headers={"Authorization": f"Bearer {token_b}"}, timeout=10)
        assert created.status_code == 201, created.text
        read = requests.get(f"{second.url}/v1/customers/{created.json()['id']}",
                            headers={"Authorization": f"Bearer {token_a}"}, timeout=10)
        assert read.status_code == 200
        assert read.json()["companyProfile"]["domain"] == created.json()["companyProfile"]["domain"]
        assert read.json()["billingProfile"]["companyName"] == created.json()["billingProfile"]["companyName"]
        customer = tenant["customers"][0]["id"]
        confirmed = requests.post(f"{second.url}/v1/customers/{customer}/agreements", json=agreement_body(),
                                  headers={"Authorization": f"Bearer {token_a}"}, timeout=10)
        assert confirmed.status_code == 201, confirmed.text
        again = requests.post(f"{first.url}/v1/customers/{customer}/agreements", json=agreement_body(),
                              headers={"Authorization": f"Bearer {token_b}"}, timeout=10)
        assert again.status_code == 409 and again.json()["code"] == 600061
        # an idempotent retry lands on the other server: the first answer, not a second record
        rid = {"Authorization": f"Bearer {token_a}", "MS-RequestId": str(uuid.uuid4())}
        one = requests.post(f"{first.url}/v1/customers", json=(body := customer_body()), headers=rid, timeout=10)
        two = requests.post(f"{second.url}/v1/customers", json=body, headers=rid, timeout=10)
        assert one.status_code == two.status_code == 201 and json.loads(one.text) == json.loads(two.text)
    finally:
        first.stop()
        second.stop()
        pg_slice.drop_database(name)
    for server in (first, second):
        assert "Traceback" not in server.output(), server.output()


def test_two_workers_keep_one_journal(serve_db, tmp_path):
    """serve --workers 2: forty calls from eight clients at once are spread over both workers, and the tenant's
    journal, read through either, lists all forty (each worker writes its entries to the database)."""
    server = Serve(serve_db, tmp_path / "workers.log", workers=2)
    try:
        server.wait_up()
        tenant = new_tenant(server.url)
        token = token_for(server.url, tenant)

        def calls(n: int) -> None:
            for i in range(5):
                with requests.Session() as session:  # a connection of its own: either worker may take it
                    answer = session.get(f"{server.url}/v1/agreements", timeout=10, headers={
                        "Authorization": f"Bearer {token}", "MS-CorrelationId": f"client-{n}-{i}"})
                    assert answer.status_code == 200

        threads = [threading.Thread(target=calls, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        wanted = {f"client-{n}-{i}" for n in range(8) for i in range(5)}
        deadline = time.monotonic() + 15  # each worker writes what it served within a fraction of a second
        while True:
            entries = requests.get(f"{server.url}/_sandbox/tenants/{tenant['id']}/journal", timeout=10).json()["items"]
            seen = {e["correlationId"] for e in entries if e["operation"] == "getAgreementMetadata"}
            if seen == wanted or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert seen == wanted, sorted(wanted - seen)[:5]
    finally:
        server.stop()
    assert "Traceback" not in server.output(), server.output()


def test_a_server_stopped_with_ctrl_c_writes_the_journal_entries_it_had_waiting(serve_db, tmp_path):
    """serve --workers 2 writes each worker's entries a moment later; a clean stop (Ctrl-C, as the README's)
    writes what was still waiting instead of dropping it (shared-deployment audit: 0 of 3 kept)."""
    server = Serve(serve_db, tmp_path / "stop.log", workers=2)
    try:
        server.wait_up()
        tenant = new_tenant(server.url)
        token = token_for(server.url, tenant)
        for i in range(3):
            answer = requests.get(f"{server.url}/v1/agreements", timeout=10,
                                  headers={"Authorization": f"Bearer {token}", "MS-CorrelationId": f"last-{i}"})
            assert answer.status_code == 200
    finally:
        server.stop()  # at once: the entries are still waiting in the workers
    assert "Traceback" not in server.output(), server.output()
    again = Serve(serve_db, tmp_path / "again.log", env={"MCA_SANDBOX_JOURNAL_STORE": "database"})
    try:
        again.wait_up()
        entries = requests.get(f"{again.url}/_sandbox/tenants/{tenant['id']}/journal", timeout=10).json()["items"]
    finally:
        again.stop()
    assert {e["correlationId"] for e in entries if e["operation"] == "getAgreementMetadata"} == {"last-0", "last-1", "last-2"}
