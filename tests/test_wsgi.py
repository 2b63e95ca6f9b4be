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
