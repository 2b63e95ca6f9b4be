"""Alembic environment: runs on the engine the sandbox hands over (no alembic.ini needed)."""

from alembic import context

from sandbox.store.orm import metadata, start_mappers

start_mappers()
config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` run from the command line: build from the URL given with -x url=...
    from sandbox.store.db import make_engine

    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])

# One migrator at a time per PostgreSQL database: two servers starting at once on a fresh database would
# both create the tables. The second waits here, then finds the schema at head and does nothing.
MIGRATION_LOCK = 0x6D63615F73616E64  # any constant shared by every sandbox process

with engine.connect() as connection:
    locked = connection.dialect.name == "postgresql"
    if locked:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        connection.commit()
    elif connection.dialect.name == "sqlite":
        # The same on a SQLite file (pytest-xdist's workers starting on one new --sandbox-db): the whole upgrade
        # is one exclusive transaction, and a second migrator waits for it (busy_timeout), then finds it done.
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    try:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if locked:
            connection.rollback()
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")
            connection.commit()
