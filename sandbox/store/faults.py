"""A tenant's fault and latency rules in the database, so that every process on it applies the same rules.

The web layer's traffic module (``sandbox.web.control.traffic``) decides what a rule does; this module keeps
them. Prepared statements outside any ORM session: every API and token request asks for its tenant's rules.

On a SQLite file each thread reads through its own connection and remembers a tenant's rules for as long
as nothing has been committed to the file since (``ThreadReader.data_version``: the write-ahead log's index
header, read without a system call), as ``repository.principal_records`` does: a request of a tenant without
rules costs a dictionary look-up. Elsewhere (PostgreSQL, a memory database) the rules are read each time.

A rule fires through a conditional update (``fired = fired + 1`` while ``fired < count``, or always for a rule
without a count): its count holds across processes and threads, and ``fired`` counts every firing.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, delete, insert, or_, select, update

from . import orm
from .db import PreparedRead, PreparedWrite, run_writes, thread_reader

F = orm.fault_rules


class StoredFaultRule(NamedTuple):
    """A rule as kept (the web layer's ``FaultRule`` adds what it does with one)."""

    id: str
    operation: str
    status: int | None
    probability: float
    delay_ms: int
    count: int | None
    retry_after: int | None
    fired: int = 0
    phase: str = "before"  # or "after": the operation runs, then the client gets the fault instead of its answer


_OF_TENANT = PreparedRead(
    select(F.c.id, F.c.operation, F.c.status, F.c.probability, F.c.delay_ms, F.c.count, F.c.retry_after, F.c.fired,
           F.c.phase)
    .where(F.c.workspace_id == bindparam("ws"))
    .order_by(F.c.created_at, F.c.id)
)
_ADD = PreparedWrite(insert(F).values(
    id=bindparam("rule_id"), workspace_id=bindparam("ws"), operation=bindparam("operation"), status=bindparam("status"),
    probability=bindparam("probability"), delay_ms=bindparam("delay_ms"), count=bindparam("count_"),
    retry_after=bindparam("retry_after"), fired=bindparam("fired"), created_at=bindparam("created_at"),
    phase=bindparam("phase"),
))
_FIRE = PreparedWrite(
    update(F).where(F.c.id == bindparam("rule_id"), or_(F.c.count.is_(None), F.c.fired < F.c.count))
    .values(fired=F.c.fired + 1)
)
_DELETE = PreparedWrite(delete(F).where(F.c.workspace_id == bindparam("ws"), F.c.id == bindparam("rule_id")))
_CLEAR = PreparedWrite(delete(F).where(F.c.workspace_id == bindparam("ws")))

_MEMORY = "fault_rules"  # the thread reader's memory of them: workspace id -> (data version, rules)


def rules(engine: Engine, workspace_id: str) -> tuple[StoredFaultRule, ...]:
    """The tenant's rules in the order they were added (none for an unknown tenant), as last committed."""
    reader = thread_reader(engine)
    if reader is None:
        return _read(engine, None, workspace_id)
    memory = reader.memory_named(_MEMORY)
    version = reader.data_version()
    remembered = memory.get(workspace_id)
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    found = _read(engine, reader.connection, workspace_id)
    reader.remember(workspace_id, (version, found), memory)
    return found


def _read(engine: Engine, connection, workspace_id: str) -> tuple[StoredFaultRule, ...]:
    return tuple(StoredFaultRule._make(row) for row in _OF_TENANT.all(engine, {"ws": workspace_id}, connection))


def add_rule(engine: Engine, workspace_id: str, rule: StoredFaultRule, created_at: datetime) -> None:
    """Keep a new rule (IntegrityError for a tenant that is gone)."""
    run_writes(engine, (_ADD, {
        "rule_id": rule.id, "ws": workspace_id, "operation": rule.operation, "status": rule.status,
        "probability": rule.probability, "delay_ms": rule.delay_ms, "count_": rule.count,
        "retry_after": rule.retry_after, "fired": rule.fired, "created_at": created_at, "phase": rule.phase,
    }))


def fire(engine: Engine, rule_id: str) -> bool:
    """Count one firing of the rule; False if its count is spent (or it is gone), whoever spent it."""
    return run_writes(engine, (_FIRE, {"rule_id": rule_id}))[0] == 1


def delete_rule(engine: Engine, workspace_id: str, rule_id: str) -> bool:
    return run_writes(engine, (_DELETE, {"ws": workspace_id, "rule_id": rule_id}))[0] == 1


def clear_rules(engine: Engine, workspace_id: str) -> None:
    run_writes(engine, (_CLEAR, {"ws": workspace_id}))
