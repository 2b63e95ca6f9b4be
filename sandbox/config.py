"""Settings of one sandbox instance; ``create_app`` takes any of these keys in its config mapping."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

DEFAULTS = {
    # "" means the embedded default: a SQLite file in the user's data directory.
    "DATABASE_URL": "",
    # Where the sandbox is reachable from a browser; invitation links and document links use it.
    "PUBLIC_URL": "http://127.0.0.1:8080",
    # Control API under /_sandbox: on by default; off for a shared deployment, or behind a key.
    "CONTROL_API": True,
    "CONTROL_API_KEY": "",
    # Signs tokens and session cookies; when empty, one is made and kept in the database.
    "SECRET_KEY": "",
    "TOKEN_LIFETIME_SECONDS": 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Run Alembic migrations at start (memory databases use create_all instead).
    "MIGRATE": True,
    # The real time source: tests may pass a function; the tenants' clocks are built on it.
    "REAL_NOW": None,
    "JOURNAL_SIZE": 200,
    # Where the journal of /_sandbox/tenants/{id}/journal is kept: "memory" (the serving process's), "database"
    # (every process's, for several serve processes or workers), or "auto": the database on PostgreSQL.
    "JOURNAL_STORE": "auto",
}


def system_now() -> datetime:
    return datetime.now(UTC)


def from_environment() -> dict:
    """Settings from MCA_SANDBOX_* variables (used by the production server's worker processes)."""
    config = {}
    for key, default in DEFAULTS.items():
        value = os.environ.get(f"MCA_SANDBOX_{key}")
        if value is None:
            continue
        if isinstance(default, bool):
            config[key] = value.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            config[key] = int(value)
        else:
            config[key] = value
    return config


def resolve(config: dict | None) -> dict:
    settings = {**DEFAULTS, **(config or {})}
    if settings["REAL_NOW"] is None:
        settings["REAL_NOW"] = system_now
    return settings


def data_directory() -> Path:
    """The user's data directory for the sandbox: the default SQLite file and the self-signed certificate."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("mca-sandbox", appauthor=False))
