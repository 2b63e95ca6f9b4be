"""The production server's worker entry point."""

from __future__ import annotations

import gc

from sandbox import wsgi


def test_the_worker_app_keeps_its_start_up_objects_out_of_the_collector(monkeypatch, tmp_path):
    monkeypatch.setenv("MCA_SANDBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'worker.db'}")
    gc.unfreeze()
    app = None
    try:
        app = wsgi.app_from_environment()
        assert gc.get_freeze_count() > 10_000  # the app and everything it imported
        assert app.test_client().get("/_sandbox/health").status_code == 200
    finally:
        gc.unfreeze()
        if app is not None:
            app.extensions["engine"].dispose()


def test_callables_made_per_request_do_not_pile_up_in_the_apps_sync_memory(app):
    """after_this_request hooks are new callables each request: the memory of sync checks stays bounded."""
    from flask import after_this_request

    @app.get("/_test/after-this-request")
    def with_a_hook():
        @after_this_request
        def stamp(response):
            response.headers["X-Stamped"] = "yes"
            return response

        return "ok"

    client = app.test_client()
    for _ in range(app.MAX_SYNCED + 50):
        assert client.get("/_test/after-this-request").headers["X-Stamped"] == "yes"
    assert len(app._synced) <= app.MAX_SYNCED
