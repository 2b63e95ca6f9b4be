"""Engines, sessions and schema set-up for SQLite (file or memory) and PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .orm import metadata, start_mappers

MIGRATIONS = Path(__file__).with_name("migrations")


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("mca-sandbox", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'sandbox.db'}"


class SerialStaticPool(StaticPool):
    """One shared connection (a memory database), handed to one thread at a time.

    The lock is taken before the pool hands its single connection record out and released when the
    record comes back; a lock taken in the checkout event came too late (a second thread got the same
    record first, and its check-in was then dropped as a "double checkin", so the lock was never released).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._serial = threading.RLock()

    def _do_get(self):
        self._serial.acquire()
        try:
            return super()._do_get()
        except BaseException:
            self._serial.release()
            raise

    def _do_return_conn(self, record) -> None:
        self._serial.release()


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a multi-threaded server."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        kwargs: dict = {"connect_args": {"check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = SerialStaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no branch - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def prepare_schema(engine: Engine, *, migrate: bool = True) -> None:
    """Bring the schema up to date: Alembic migrations, or a plain create_all for throw-away memory databases."""
    start_mappers()
    if not migrate:
        metadata.create_all(engine)
        return
    if _is_current(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def _is_current(engine: Engine) -> bool:
    """Skip Alembic's import on a database already at head (a faster start)."""
    from sqlalchemy import text

    if "alembic_version" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return current == head_revision()


def head_revision() -> str:
    """The newest migration's id, read from the versions folder without importing Alembic."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        scope: dict = {}
        for line in path.read_text().splitlines():
            if line.startswith(("revision", "down_revision")) and "=" in line:
                exec(line, scope)  # noqa: S102 - our own migration files, two assignments
        revisions.add(scope.get("revision"))
        parents.add(scope.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else ""


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def shared_secret(engine: Engine, name: str, make) -> str:
    """A setting kept in the database, created once: every process on the database reads the same value."""
    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError

    from .orm import settings

    with engine.begin() as connection:
        value = connection.execute(select(settings.c.value).where(settings.c.key == name)).scalar()
    if value is not None:
        return value
    try:
        with engine.begin() as connection:
            connection.execute(insert(settings).values(key=name, value=make()))
    except IntegrityError:
        pass  # another process made it first
    with engine.begin() as connection:
        return connection.execute(select(settings.c.value).where(settings.c.key == name)).scalar()
