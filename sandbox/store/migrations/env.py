"""Alembic environment: runs on the engine the sandbox hands over (no alembic.ini needed)."""

from alembic import context

from sandbox.store.orm import metadata, start_mappers

start_mappers()
config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` run from the command line: build from the URL given with -x url=...
    from sandbox.store.db import make_engine

    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
