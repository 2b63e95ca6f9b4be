"""The baseline: a bare Flask app with one JSON view, served by the same production server the same way.

Run ``python -m bench.baseline --port N [--body FILE]`` to serve it; benchmarks start it as a process.
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


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    Granian("bench.baseline:create_bare_app", factory=True, address="127.0.0.1", port=args.port,
            interface=Interfaces.WSGI, workers=args.workers, blocking_threads=args.threads, log_access=False,
            websockets=False).serve()


if __name__ == "__main__":
    main()
