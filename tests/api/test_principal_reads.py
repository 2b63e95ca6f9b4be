"""On a SQLite file, each server thread authenticates through its own reader and remembers the caller
while nothing was committed since (the WAL index header, as ``PRAGMA data_version`` reads it): never
stale, whoever wrote."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from sandbox.app import create_app
from sandbox.store.db import thread_reader

from .helpers import bearer, request_token, set_clock

METADATA = "/v1/agreements?agreementType=MicrosoftCustomerAgreement"


@pytest.fixture
def file_app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'reads.db'}", "PUBLIC_URL": "http://sandbox.test",
                      "SECRET_KEY": "test-secret"})
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def file_client(file_app):
    return file_app.test_client()


@pytest.fixture
def partner(file_client) -> dict:
    response = file_client.post("/_sandbox/tenants", json={"customers": 1, "clock": {"now": "2020-05-05T12:00:00Z",
                                                                                     "frozen": True}})
    assert response.status_code == 201
    return response.get_json()


def test_the_reader_remembers_the_caller_until_something_is_committed(file_app, file_client, partner):
    headers = bearer(request_token(file_client, partner))
    assert file_client.get(METADATA, headers=headers).status_code == 200
    reader = thread_reader(file_app.extensions["engine"])
    assert reader is not None and len(reader.memory) == 1
    version = reader.data_version()
    assert file_client.get(METADATA, headers=headers).status_code == 200
    assert reader.data_version() == version  # nothing written: the remembered caller was used


def test_a_moved_clock_is_seen_at_once(file_client, partner):
    headers = bearer(request_token(file_client, partner))
    assert file_client.get(METADATA, headers=headers).status_code == 200
    set_clock(file_client, partner["id"], "2020-05-05T14:00:00+00:00")  # the token (1 hour) has expired
    assert file_client.get(METADATA, headers=headers).status_code == 401


def test_a_change_by_another_process_is_seen_at_once(file_app, file_client, partner):
    headers = bearer(request_token(file_client, partner))
    assert file_client.get(METADATA, headers=headers).status_code == 200
    other = sqlite3.connect(file_app.extensions["engine"].url.database)  # not this process's pool or readers
    with other:
        other.execute("UPDATE workspaces SET clock_frozen_at = '2020-05-06 12:00:00.000000' WHERE id = ?", (partner["id"],))
    other.close()
    assert file_client.get(METADATA, headers=headers).status_code == 401  # expired on the new date


def test_a_deleted_tenant_signs_in_no_more(file_client, partner):
    headers = bearer(request_token(file_client, partner))
    assert file_client.get(METADATA, headers=headers).status_code == 200
    assert file_client.delete(f"/_sandbox/tenants/{partner['id']}").status_code == 204
    assert file_client.get(METADATA, headers=headers).status_code == 401


def test_each_thread_reads_through_its_own_connection(file_app, file_client, partner):
    headers = bearer(request_token(file_client, partner))
    readers, statuses = [], []

    def call() -> None:
        statuses.append(file_app.test_client().get(METADATA, headers=headers).status_code)
        readers.append(thread_reader(file_app.extensions["engine"]))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200, 200]
    assert len({id(reader.connection) for reader in readers}) == 3


def test_the_commit_watch_reads_the_wal_index_and_sees_every_commit_of_any_connection(file_app, file_client, partner):
    reader = thread_reader(file_app.extensions["engine"])
    assert reader.watch is not None  # mapped, not the PRAGMA fallback
    seen = {reader.data_version()}
    other = sqlite3.connect(file_app.extensions["engine"].url.database)
    for hour in range(10, 15):
        with other:
            other.execute("UPDATE workspaces SET clock_frozen_at = ? WHERE id = ?",
                          (f"2020-05-06 {hour}:00:00.000000", partner["id"]))
        seen.add(reader.data_version())
    other.close()
    assert len(seen) == 6  # five commits, five new headers
    version = reader.data_version()
    assert file_client.get(f"/_sandbox/tenants/{partner['id']}/clock").status_code == 200  # a read commits nothing
    assert reader.data_version() == version


def test_without_a_wal_index_the_reader_asks_sqlite(tmp_path):
    path = tmp_path / "rollback.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").close()
    from sandbox.store.db import _ThreadReaders, make_engine

    engine = make_engine(f"sqlite:///{path}")
    readers = _ThreadReaders(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    reader = readers.get()
    assert reader.watch is None and isinstance(reader.data_version(), int)
    readers.close()
    engine.dispose()
