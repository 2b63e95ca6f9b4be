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


def _served(app, path: str, method: str = "GET", headers: dict | None = None):
    """What a WSGI server gets back for one request: the app's iterable as returned, and the status and
    headers it was started with."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, method=method, headers=headers or {}).get_environ()
    started = []
    return app(environ, lambda status, headers, exc_info=None: started.append((status, headers))), started[0]


def test_an_answer_in_memory_reaches_the_server_whole_as_a_list(app, client):
    """granian sends a list in one go; an iterator it walks chunk by chunk, taking the GIL again each time."""
    body, (status, sent_headers) = _served(app, "/openapi.json")
    assert status.startswith("200")
    assert type(body) is list and len(body) == 1
    assert body[0] == client.get("/openapi.json").data
    assert dict(sent_headers)["Content-Length"] == str(len(body[0]))
    head, _ = _served(app, "/openapi.json", method="HEAD")
    assert head == [b""]


def test_a_static_file_reaches_the_server_whole_so_a_slow_reader_holds_no_thread(app, client):
    """Walked chunk by chunk, Swagger UI's 1 MB bundle held a server thread for as long as its client took to
    read it: eight clients reading nothing stopped the server. Whole, the server sends it without the app."""
    body, (status, sent_headers) = _served(app, "/docs/swagger-ui-bundle.js")
    assert status.startswith("200")
    assert type(body) is list and len(body) == 1
    assert body[0] == client.get("/docs/swagger-ui-bundle.js").data and len(body[0]) > 500_000
    assert dict(sent_headers)["Content-Length"] == str(len(body[0]))
    head, _ = _served(app, "/docs/swagger-ui-bundle.js", method="HEAD")
    assert head == [b""]


def test_an_answer_that_may_not_have_a_body_reaches_the_server_without_one(app):
    """HTTP forbids a body on 204 and 304 (and on any answer to HEAD), whatever the view put in it."""
    from flask import Response

    @app.get("/_test/status/<int:code>")
    def with_status(code):
        return Response("not to be sent", status=code)

    for code in (204, 304):
        body, (status, _) = _served(app, f"/_test/status/{code}")
        assert status.startswith(str(code)) and body == [b""]
    body, _ = _served(app, "/_test/status/200")
    assert body == [b"not to be sent"]


def test_a_whole_answers_close_callbacks_have_run_when_the_server_gets_it(app):
    from flask import Response

    closed = []

    @app.get("/_test/close-callback")
    def with_close_callback():
        response = Response("done")
        response.call_on_close(lambda: closed.append(True))
        return response

    body, _ = _served(app, "/_test/close-callback")
    assert body == [b"done"] and closed == [True]


def test_a_streamed_answer_is_still_streamed(app):
    from flask import Response

    sent = []

    @app.get("/_test/stream")
    def stream():
        def chunks():
            for chunk in ("one,", "two"):
                sent.append(chunk)
                yield chunk

        return Response(chunks())

    body, _ = _served(app, "/_test/stream")
    assert not isinstance(body, list) and sent == []  # nothing produced before the server asks
    assert b"".join(body) == b"one,two"
    body.close()
