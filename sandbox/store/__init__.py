"""Persistence: SQLAlchemy tables mapped onto the domain's dataclasses, repositories, migrations.

No rules live here. SQLite (a file, or memory for tests) and PostgreSQL both work: nothing SQLite-only.
"""
