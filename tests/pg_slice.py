"""The PostgreSQL slice of the suite: one database per xdist worker on the server named by
``MCA_SANDBOX_TEST_DATABASE_URL`` (``scripts/postgres-for-tests.sh`` starts one; ``make test`` does it
when a PostgreSQL server binary is installed), emptied before each test that uses it.

Without the variable everything here is off and the suite runs on SQLite alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

SERVER_URL = os.environ.get("MCA_SANDBOX_TEST_DATABASE_URL", "").strip()
ENABLED = bool(SERVER_URL)
# The modules whose `app` fixture runs on PostgreSQL as well as SQLite: store, API, concurrency, the pages, the
# control API and the hostile inputs. SQLite takes what PostgreSQL refuses (a portal write of 69 characters into
# a 64-character column; a NUL in a looked-up key): each was a 500 on PostgreSQL alone.
SLICE = ("tests/api/", "tests/test_store.py", "tests/concurrency/", "tests/portal/", "tests/admin_center/", "tests/hostile/", "tests/fuzz/", "tests/test_control_api.py")
ROOT = Path(__file__).resolve().parents[1]


def in_slice(path: Path) -> bool:
    relative = path.resolve().relative_to(ROOT).as_posix()
    return any(relative == part or relative.startswith(part) for part in SLICE)


def worker() -> str:
    """This process's share of the server: the run (so that two runs on one server never meet) and the worker."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    return re.sub(r"\W", "_", f"{run}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def _admin_engine() -> Engine:
    return create_engine(_sqlalchemy_url(SERVER_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def fresh_database(name: str) -> str:
    """Drop and create database ``name`` on the test server; its URL (the sandbox's own spelling)."""
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class WorkerDatabase:
    """This worker's database, migrated once; ``empty()`` deletes every row (faster than TRUNCATE here)."""

    def __init__(self):
        from sandbox.store.db import make_engine, prepare_schema
        from sandbox.store.orm import metadata

        self.name = f"mca_test_{worker()}"
        self.url = fresh_database(self.name)
        self.engine = make_engine(self.url)
        prepare_schema(self.engine, migrate=True)
        tables = [t.name for t in reversed(metadata.sorted_tables)]
        self._delete = ";".join(f"DELETE FROM {name}" for name in tables)

    def empty(self) -> str:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self._delete)
        return self.url

    def close(self) -> None:
        self.engine.dispose()
        drop_database(self.name)
