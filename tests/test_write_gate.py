"""SQLite file databases: writers of one process queue on the write gate, not in SQLite's busy handler."""

from __future__ import annotations

import struct
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import bindparam, event, insert, select, text
from sqlalchemy.exc import IntegrityError

from sandbox.store import orm
from sandbox.store.db import Checkpointer, PreparedWrite, make_engine, prepare_schema, run_writes

_SETTING = PreparedWrite(insert(orm.settings).values(key=bindparam("key"), value=bindparam("value")))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    prepare_schema(engine, migrate=False)
    yield engine
    engine.dispose()


def settings_rows(engine) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(select(orm.settings.c.key, orm.settings.c.value)).all())


def writes_from_another_thread(engine, key: str, value: str) -> bool:
    """Whether another thread's write commits within 5 s (it would hang on a gate never given back)."""
    written = threading.Event()

    def write() -> None:
        with engine.begin() as connection:
            connection.execute(insert(orm.settings).values(key=key, value=value))
        written.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    thread.join(timeout=5)
    return written.is_set()


def errors_of_writers(write, count: int = 8) -> list[BaseException]:
    """Run ``write(n)`` for n in 0..count-1, each on a thread of its own, all at once; what they raised."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            write(n)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_all_commit_without_waiting_in_the_busy_handler(engine):
    def write(n: int) -> None:
        for i in range(20):
            with engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA busy_timeout=0")  # SQLite would refuse at once: only the gate queues them
                connection.execute(insert(orm.settings).values(key=f"k{n}-{i}", value="v"))
                time.sleep(0.0005)  # hold the write lock a moment, as a real transaction does

    assert errors_of_writers(write) == []
    assert len(settings_rows(engine)) == 160


def test_the_gate_is_given_back_after_a_failed_write(engine):
    with engine.begin() as connection:
        connection.execute(insert(orm.settings).values(key="once", value="1"))
    with pytest.raises(Exception), engine.begin() as connection:  # noqa: B017 - IntegrityError, whatever the driver
        connection.execute(insert(orm.settings).values(key="once", value="2"))

    assert writes_from_another_thread(engine, "later", "3"), "the gate was not given back"
    assert settings_rows(engine) == {"once": "1", "later": "3"}


def test_reads_do_not_take_the_gate(engine):
    with engine.connect() as reader:
        reader.execute(text("SELECT 1")).all()
        assert writes_from_another_thread(engine, "k", "v")


@pytest.fixture
def impatient_engine(engine):
    """Every pooled connection refuses at once where SQLite would wait in its busy handler."""
    engine.dispose()
    event.listen(engine, "connect", lambda dbapi_connection, _record: dbapi_connection.execute("PRAGMA busy_timeout=0"))
    return engine


def test_prepared_writes_queue_on_the_same_gate_as_other_writes(impatient_engine):
    def write(n: int) -> None:
        for i in range(20):
            if n % 2:
                run_writes(impatient_engine, (_SETTING, {"key": f"k{n}-{i}", "value": "v"}))
                continue
            with impatient_engine.begin() as connection:
                connection.execute(insert(orm.settings).values(key=f"k{n}-{i}", value="v"))
                time.sleep(0.0005)  # hold the write lock a moment while a prepared write wants it

    assert errors_of_writers(write) == []
    assert len(settings_rows(impatient_engine)) == 160


def test_prepared_writes_are_one_transaction_and_give_the_gate_back_when_refused(engine):
    run_writes(engine, (_SETTING, {"key": "once", "value": "1"}))

    with pytest.raises(IntegrityError):  # SQLAlchemy's error, as Connection.execute raises it
        run_writes(engine, (_SETTING, {"key": "twice", "value": "2"}), (_SETTING, {"key": "once", "value": "3"}))

    assert settings_rows(engine) == {"once": "1"}, "the first write of the refused transaction was kept"
    assert writes_from_another_thread(engine, "later", "4"), "the gate was not given back"


def test_prepared_writes_go_on_after_the_engine_is_disposed(engine):
    run_writes(engine, (_SETTING, {"key": "before", "value": "1"}))
    engine.dispose()  # closes every connection, the gate's own among them

    run_writes(engine, (_SETTING, {"key": "after", "value": "2"}))

    assert settings_rows(engine) == {"before": "1", "after": "2"}


def test_a_first_prepared_write_needs_no_pooled_connection(engine):
    """Every pooled connection checked out, as when each is held by a writer queued on the gate (a burst of
    more requests than the pool holds): the first prepared write, which the gate's holder runs, must not wait
    for the pool, whose connections would come back only after it. It waited 30 s and failed, and the burst
    with it."""
    held = [engine.connect() for _ in range(engine.pool.size() + engine.pool._max_overflow)]
    try:
        done = threading.Event()

        def first_prepared_write() -> None:
            run_writes(engine, (_SETTING, {"key": "first", "value": "1"}))
            done.set()

        thread = threading.Thread(target=first_prepared_write, daemon=True)
        thread.start()
        thread.join(timeout=10)
        assert done.is_set(), "the prepared write waited for a pooled connection"
    finally:
        for connection in held:
            connection.close()
    assert settings_rows(engine) == {"first": "1"}


def wal_frames(database: Path) -> tuple[int, int]:
    """(frames in the write-ahead log, frames already copied back into the database), from the log's
    shared-memory index: mxFrame at byte 16 of its header, nBackfill at byte 96 (sqlite.org/walformat.html)."""
    index = Path(f"{database}-shm").read_bytes()
    return struct.unpack_from("=I", index, 16)[0], struct.unpack_from("=I", index, 96)[0]


def checkpoint_threads(engine) -> int:
    """The engine's checkpoint threads (other tests' engines end theirs in their own time)."""
    name = Checkpointer.thread_name_for(engine)
    return sum(thread.name == name for thread in threading.enumerate())


def test_the_log_is_copied_back_by_a_thread_of_its_own_not_by_a_writer(engine, tmp_path):
    database = tmp_path / "gate.db"
    for n in range(30):
        run_writes(engine, (_SETTING, {"key": f"k{n}", "value": "v"}))
    with engine.begin() as connection:  # a write through SQLAlchemy is heard of too
        connection.execute(insert(orm.settings).values(key="last", value="v"))
    frames, _ = wal_frames(database)
    assert 0 < frames < Checkpointer.SAFETY_NET_PAGES  # far below the writers' own threshold

    deadline = time.monotonic() + 10
    while wal_frames(database)[1] < frames and time.monotonic() < deadline:
        time.sleep(0.02)  # a background thread: wait for what it does, bounded
    assert wal_frames(database)[1] >= frames, "no checkpoint copied the log back"
    assert len(settings_rows(engine)) == 31


def test_disposing_the_engine_ends_its_checkpoint_thread_and_a_write_starts_one_again(engine):
    assert checkpoint_threads(engine) == 0
    run_writes(engine, (_SETTING, {"key": "a", "value": "1"}))
    assert checkpoint_threads(engine) == 1

    engine.dispose()
    assert checkpoint_threads(engine) == 0

    run_writes(engine, (_SETTING, {"key": "b", "value": "2"}))
    assert checkpoint_threads(engine) == 1


_WRITER = """
import sys
from sandbox.store.db import make_engine, prepare_schema, run_writes, PreparedWrite
from sandbox.store import orm
from sqlalchemy import bindparam, insert
engine = make_engine("sqlite:///" + sys.argv[1])
prepare_schema(engine, migrate=False)
setting = PreparedWrite(insert(orm.settings).values(key=bindparam("key"), value=bindparam("value")))
for n in range(200):
    run_writes(engine, (setting, {"key": f"k{n}", "value": "v" * 500}))
if sys.argv[2] == "worker":  # as granian's workers end: a multiprocessing process, which skips atexit
    import multiprocessing
    multiprocessing.get_context("fork").Process(target=lambda: run_writes(engine, (setting, {"key": "child", "value": "c"}))).start()
"""


@pytest.mark.parametrize("how", ["interpreter", "worker"])
def test_a_process_that_wrote_leaves_the_database_file_whole_at_its_exit(tmp_path, how):
    """A stopped server left a log of several MB beside the file: a copy of the .db alone lost the last writes."""
    import shutil
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "exit.db"
    done = subprocess.run([sys.executable, "-c", _WRITER, str(database), how], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copy.db"
    shutil.copy(database, copy)  # the file alone, as a backup would take it
    with sqlite3.connect(copy) as connection:
        keys = {row[0] for row in connection.execute("SELECT key FROM sandbox_settings")}
    assert {f"k{n}" for n in range(200)} <= keys and ("child" in keys) == (how == "worker")
