"""A throw-away PostgreSQL for the benchmarks, through scripts/postgres-for-tests.sh (own directory, free port)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .common import ROOT, free_port

SCRIPT = ROOT / "scripts" / "postgres-for-tests.sh"


@contextmanager
def postgres():
    """Yield a server URL (``postgresql://sandbox@127.0.0.1:PORT/postgres``); stop and remove it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="mca-bench-pg-"))
    data = folder / "data"
    env = {**os.environ, "MCA_SANDBOX_PG_DIR": str(data), "MCA_SANDBOX_PG_PORT": str(free_port())}
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    engine = create_engine("postgresql+psycopg://" + server_url.removeprefix("postgresql://"),
                           isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
