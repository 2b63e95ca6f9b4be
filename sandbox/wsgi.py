"""Entry point for the production server's workers: build the app from MCA_SANDBOX_* variables."""

from __future__ import annotations

import gc
import os


def app_from_environment():
    from .app import create_app
    from .config import from_environment

    app = create_app(from_environment())
    if demo_seed := os.environ.get("MCA_SANDBOX_DEMO_SEED"):  # serve on an in-memory database: the banner's workspace
        from .seed import ensure_demo_workspace

        ensure_demo_workspace(app.extensions["services"], seed=int(demo_seed))
    # Everything built so far (SQLAlchemy, marshmallow, Faker, the routes: about 120,000 objects) lives as
    # long as the worker: keep it out of the collector's way. Otherwise a full collection, every few
    # thousand requests, stopped the worker for 100-170 ms (the API's p99 at 32 clients); with it, the
    # longest pause measured over 20,000 requests was 7 ms.
    gc.collect()
    gc.freeze()
    return app
