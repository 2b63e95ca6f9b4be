"""What the hostile-input and isolation tables share: a snapshot of the store, bad values, form posting."""

from __future__ import annotations

import copy
import re

from sqlalchemy import func, select

from sandbox.store.orm import metadata

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

CONTROL = "Tania\x00\x1b[31m\u202e"
LONG = "x" * 100_000
SQL = "'; DROP TABLE customers; --"
SQL_OR = "' OR '1'='1"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
NOT_GUIDS = ["not-a-guid", "../../etc/passwd", SQL_OR, "1 OR 1=1", "%00", "a" * 300, "\u202e" + "0" * 36]
BAD_EMAILS = ["not-an-email", "a@", "@example.com", "a@b@c.com", "a b@example.com", "a@exam\nple.com"]  # a break inside; around one it is trimmed
BAD_DATES = ["2020-02-30T00:00:00Z", "2021-13-01", "0000-00-00", "9999-99-99T99:99:99Z", "yesterday", "2020-02-30",
             "0001-01-01T00:00:00+05:00"]
FUTURE_DATE = "2999-01-01T00:00:00Z"


JOURNAL_TABLES = frozenset({"journal_entries", "journal_marks"})  # refused requests are journalled, by design


def snapshot(app) -> dict[str, int]:
    """Row counts of every table but the journal's: a refused request must leave them all as they were (the
    journal records it: in the database where it is kept there, with PostgreSQL)."""
    with app.extensions["engine"].connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar()
                for t in metadata.sorted_tables if t.name not in JOURNAL_TABLES}


def leaves(body, path=()):
    """Every (path, value) of a JSON body's scalar leaves."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield from leaves(value, (*path, key))
    elif isinstance(body, list):
        for i, value in enumerate(body):
            yield from leaves(value, (*path, i))
    else:
        yield path, body


def with_value(body, path, value):
    changed = copy.deepcopy(body)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def without(body, path):
    changed = copy.deepcopy(body)
    node = changed
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return changed


def wrong_types(value):
    """Values of every JSON type but ``value``'s own (a bool is not a number here)."""
    candidates = [123, 1.5, True, [], {}, "text"]
    return [c for c in candidates if type(c) is not type(value)]


def body_level_bad(valid: dict) -> list[tuple[str, bytes, str]]:
    """Whole bodies that no operation may accept: (label, raw bytes, content type)."""
    import json

    text = json.dumps(valid)
    return [
        ("malformed", b'{"primaryContact": {', "application/json"),
        ("truncated", text[: len(text) // 2].encode(), "application/json"),
        ("not an object: list", b"[1, 2, 3]", "application/json"),
        ("not an object: string", b'"text"', "application/json"),
        ("not an object: null", b"null", "application/json"),
        ("invalid UTF-8", b'{"a": "\xff\xfe"}', "application/json"),
        ("deeply nested", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
        ("empty", b"", "application/json"),
        ("form-encoded", b"a=1&b=2", "application/x-www-form-urlencoded"),
        ("XML", b"<customer><domain>x</domain></customer>", "application/xml"),
        ("NaN", text.replace("}", ', "x": NaN}', 1).encode(), "application/json"),
        ("huge", b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}', "application/json"),
    ]


def csrf_token(client, path: str) -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = CSRF.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)
