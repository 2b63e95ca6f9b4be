"""The baselines, served by the same production server the same way as the sandbox:

- the bare app: a Flask app with one JSON view answering a fixed body (the issue's yardstick);
- the floor app (``--floor``): the least a confirmation POST can do under the given stack, with none of the
  sandbox's features. It loads the body with a marshmallow schema of the confirmation's shape, inserts one
  row into a SQLite file (WAL, synchronous=NORMAL, a connection per thread, as the sandbox runs it) and
  answers 201 with the schema's dump. No token, tenant, customer or template check, no MS-RequestId, no
  duplicate contact, no journal, no fault rules. Its POST against the bare view's is the ratio no
  implementation of the sandbox's POST can pass on this stack and machine. Its GET is the bare view's.

Run ``python -m bench.baseline --port N [--floor]`` to serve one; benchmarks start it as a process.
"""

from __future__ import annotations

import argparse
import json
import os


def create_bare_app():
    from flask import Flask, Response

    app = Flask(__name__)
    body = os.environ.get("BENCH_BODY", json.dumps({"status": "ok", "service": "mca-sandbox"}))
    if os.environ.get("BENCH_BODY_FILE"):  # a body too large for an environment variable
        with open(os.environ["BENCH_BODY_FILE"], encoding="utf-8") as file:
            body = file.read()

    @app.route("/<path:anything>", methods=["GET", "POST"])
    @app.route("/", methods=["GET", "POST"])
    def view(anything=""):
        return Response(body, mimetype="application/json")

    return app


def create_floor_app():
    import sqlite3
    import tempfile
    import threading
    import uuid

    from flask import Response, request
    from marshmallow import Schema, fields

    class Contact(Schema):
        firstName = fields.String(required=True)  # noqa: N815 (the wire's names)
        lastName = fields.String(required=True)  # noqa: N815
        email = fields.Email(required=True)
        phoneNumber = fields.String(load_default=None)  # noqa: N815

    class Confirmation(Schema):
        primaryContact = fields.Nested(Contact, required=True)  # noqa: N815
        templateId = fields.UUID(required=True)  # noqa: N815
        dateAgreed = fields.DateTime(required=True)  # noqa: N815
        type = fields.String(required=True)

    app = create_bare_app()
    schema = Confirmation()
    path = os.path.join(tempfile.mkdtemp(prefix="bench-floor-"), "floor.db")
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE IF NOT EXISTS confirmations (id TEXT PRIMARY KEY, customer_id TEXT, first_name TEXT, "
                      "last_name TEXT, email TEXT, phone TEXT, template_id TEXT, type TEXT, date_agreed TEXT)")
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            local.db.execute("PRAGMA synchronous=NORMAL")
            local.db.execute("PRAGMA busy_timeout=10000")
        return local.db

    @app.post("/v1/customers/<customer_id>/agreements")
    def confirm(customer_id):
        body = schema.load(request.get_json())
        contact = body["primaryContact"]
        connection().execute("INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            str(uuid.uuid4()), customer_id, contact["firstName"], contact["lastName"], contact["email"],
            contact["phoneNumber"], str(body["templateId"]), body["type"], body["dateAgreed"].isoformat()))
        return Response(json.dumps(schema.dump(body)), status=201, mimetype="application/json")

    return app


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces

    from sandbox.cli import connection_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--floor", action="store_true", help="serve the floor app instead of the bare one")
    args = parser.parse_args()
    Granian(f"bench.baseline:{'create_floor_app' if args.floor else 'create_bare_app'}", factory=True, address="127.0.0.1", port=args.port,
            interface=Interfaces.WSGI, workers=args.workers, blocking_threads=args.threads, log_access=False,
            websockets=False, **connection_settings()).serve()


if __name__ == "__main__":
    main()
