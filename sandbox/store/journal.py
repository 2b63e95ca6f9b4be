"""A tenant's journal in the database (table ``journal_entries``), for a sandbox served by several processes.

The web layer's traffic module (``sandbox.web.control.traffic``) decides what an entry holds (secrets redacted)
and when it is written; this module keeps the entries: appended a batch at a time, read newest last, and
bounded per tenant (the oldest go once a tenant holds more than ``keep``).

Each process writes what it served a moment later. An entry is written only if its tenant still exists and
its journal was not emptied (a clear, a reset: ``journal_marks``) after the entry was recorded: a clear or a
reset through one process then holds for what the others still had waiting.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, Text, bindparam, delete, exists, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import orm

J = orm.journal_entries
M = orm.journal_marks
W = orm.workspaces

_WS, _AT = bindparam("ws", type_=orm.GUID), bindparam("at", type_=orm.UTCDateTime)
_APPEND = insert(J).from_select(
    ["workspace_id", "recorded_at", "entry"],
    select(_WS, _AT, bindparam("entry", type_=Text))
    .where(exists().where(W.c.id == _WS))
    .where(~exists().where(M.c.workspace_id == _WS, M.c.cleared_at >= _AT)),
)
# every row of the tenant's older than its ``keep``-th newest
_TRIM = delete(J).where(
    J.c.workspace_id == bindparam("ws"),
    J.c.id <= select(J.c.id).where(J.c.workspace_id == bindparam("ws")).order_by(J.c.id.desc())
    .limit(1).offset(bindparam("keep")).scalar_subquery(),
)


def append(engine: Engine, rows: list[tuple[str, datetime, str]], keep: int) -> None:
    """Keep ``(workspace id, recorded at, entry JSON)`` rows, in their order; then each of their tenants'
    newest ``keep``. A row whose tenant is gone (deleted meanwhile), or whose journal was emptied after the
    row was recorded, is dropped; the others are kept."""
    params = [{"ws": ws, "at": at, "entry": entry} for ws, at, entry in rows]
    tenants = sorted({ws for ws, _, _ in rows})
    try:
        with engine.begin() as connection:
            # a clear or reset holds its tenant's row while it empties the journal (``hold``): wait for it, so that
            # the inserts below (statements of their own) see its mark; SQLite writers take turns anyway
            connection.execute(select(W.c.id).where(W.c.id.in_(tenants)).order_by(W.c.id).with_for_update(read=True))
            for one in params:  # one statement each: an INSERT ... SELECT isn't sent as one batch everywhere
                connection.execute(_APPEND, one)
    except IntegrityError:  # a tenant deleted between the check and the insert: keep the rest
        for one in params:
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
    with Session(engine) as session, session.begin():
        hold(session, workspace_id)
        session.execute(delete(J).where(J.c.workspace_id == workspace_id))
        mark_cleared(session, workspace_id)


def hold(session: Session, workspace_id: str) -> None:
    """Take the tenant's row before emptying its journal: a process writing entries it recorded earlier waits
    until the mark is in (PostgreSQL's row lock; SQLite's writers take turns anyway). FOR NO KEY UPDATE: it
    holds off the writer's FOR SHARE, not the foreign keys' KEY SHARE of the tenant's other writes (a
    confirmation racing a delete would deadlock with it)."""
    session.execute(select(W.c.id).where(W.c.id == workspace_id).with_for_update(key_share=True))


def mark_cleared(session: Session, workspace_id: str) -> None:
    """The tenant's journal is empty as of now: entries recorded before, still waiting in a process, are dropped."""
    session.execute(delete(M).where(M.c.workspace_id == workspace_id))
    session.execute(insert(M).from_select(["workspace_id", "cleared_at"], select(
        literal(workspace_id, orm.GUID), literal(datetime.now(UTC), orm.UTCDateTime)).where(exists().where(W.c.id == workspace_id))))
