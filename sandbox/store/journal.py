"""A tenant's journal in the database (table ``journal_entries``), for a sandbox served by several processes.

The web layer's traffic module (``sandbox.web.control.traffic``) decides what an entry holds (secrets redacted)
and when it is written; this module keeps the entries: appended a batch at a time, read newest last, and
bounded per tenant (the oldest go once a tenant holds more than ``keep``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from . import orm

J = orm.journal_entries

_APPEND = insert(J).values(workspace_id=bindparam("ws"), recorded_at=bindparam("at"), entry=bindparam("entry"))
# every row of the tenant's older than its ``keep``-th newest
_TRIM = delete(J).where(
    J.c.workspace_id == bindparam("ws"),
    J.c.id <= select(J.c.id).where(J.c.workspace_id == bindparam("ws")).order_by(J.c.id.desc())
    .limit(1).offset(bindparam("keep")).scalar_subquery(),
)


def append(engine: Engine, rows: list[tuple[str, datetime, str]], keep: int) -> None:
    """Keep ``(workspace id, recorded at, entry JSON)`` rows, in their order; then each of their tenants'
    newest ``keep``. A row whose tenant is gone (deleted meanwhile) is dropped, the others kept."""
    params = [{"ws": ws, "at": at, "entry": entry} for ws, at, entry in rows]
    try:
        with engine.begin() as connection:
            connection.execute(_APPEND, params)
    except IntegrityError:
        for one in params:  # a tenant was deleted while its entries waited: keep the rest
            try:
                with engine.begin() as connection:
                    connection.execute(_APPEND, one)
            except IntegrityError:
                continue
    with engine.begin() as connection:
        for ws in dict.fromkeys(ws for ws, _, _ in rows):
            connection.execute(_TRIM, {"ws": ws, "keep": keep})


def read(engine: Engine, workspace_id: str, limit: int) -> list[tuple[int, str]]:
    """The tenant's newest ``limit`` entries, oldest first: ``(id, entry JSON)``."""
    stmt = (select(J.c.id, J.c.entry).where(J.c.workspace_id == bindparam("ws"))
            .order_by(J.c.id.desc()).limit(bindparam("limit")))
    with engine.connect() as connection:
        rows = connection.execute(stmt, {"ws": workspace_id, "limit": limit}).all()
    return [(row.id, row.entry) for row in reversed(rows)]


def clear(engine: Engine, workspace_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(J).where(J.c.workspace_id == workspace_id))
