"""The application factory: the only way to build the sandbox's Flask app."""

from __future__ import annotations

import secrets
from functools import cached_property

from flask import Flask, Request, Response
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream, get_content_length, get_input_stream

from . import config as settings
from .services.context import ServiceContext
from .store.db import (
    default_database_url,
    is_memory_url,
    make_engine,
    make_session_factory,
    prepare_schema,
    shared_secret,
)
from .web.control.traffic import has_body
from .web.errors import register_error_handlers
from .web.pages import init_pages
from .web.paths import init_case_insensitive_paths

WHOLE_FILE_LIMIT = 8 * 1024 * 1024  # the largest file answer handed to the server in memory (the static assets)


class SandboxResponse(Response):
    """Flask's response, handed to the WSGI server as a list holding the whole body when the body is
    already in memory (every API answer and page) or is a file of known size up to ``WHOLE_FILE_LIMIT``:
    granian sends a list in one go, without a thread of the app, while an iterator (what Werkzeug hands
    over) has it take the GIL again from its own thread for every chunk and for the close, and holds that
    thread while the client is slow to read. A generator is handed over as Werkzeug hands it."""

    def get_app_iter(self, environ):
        size = self.content_length
        whole_file = self.direct_passthrough and size is not None and size <= WHOLE_FILE_LIMIT
        if not whole_file and (not self.is_sequence or self.direct_passthrough):
            return super().get_app_iter(environ)
        # Werkzeug's rule for an answer without a body, without its ClosingIterator around the list
        status = self.status_code
        empty = environ["REQUEST_METHOD"] == "HEAD" or 100 <= status < 200 or status in (204, 304)
        try:
            if empty:
                return [b""]
            # a file (Swagger UI's 1 MB bundle) read whole: walked by the server, it held a thread for as long as
            # the client took to read it, and eight clients that read nothing stopped the server
            return [b"".join(self.response if whole_file else self.iter_encoded())]
        finally:
            self.close()  # what the server would have called: the response's close callbacks (the file's close)


DRAIN_LIMIT = 32 * 1024 * 1024


def drain_unread_body(environ: dict, limit: int = DRAIN_LIMIT) -> None:
    """Read what the app left of the request body before the answer goes out, where the server's stream ends with
    the body (``wsgi.input_terminated``: granian's). An answer given before the body was read (a 401, a 403, a 413
    for a body over the limit) was otherwise followed by granian closing a connection that still held unread bytes:
    over TLS (and HTTP/2) the client got a reset instead of the answer. Up to ``limit`` bytes; a body larger still
    is left (its answer may then be lost)."""
    if not environ.get("wsgi.input_terminated"):
        # the server hands over its socket (Werkzeug's, for a body with a Content-Length): what the app read of it
        # is not known here, and a read past the body's end would wait for the client's next request
        return
    length = get_content_length(environ)
    if length is not None and length > limit:
        return
    stream, read = environ["wsgi.input"], 0  # the server's own stream of this body (granian's): it ends with it
    try:
        while read <= limit and (chunk := stream.read(65536)):
            read += len(chunk)
    except Exception:  # noqa: BLE001 - a client gone, a broken chunked body: nothing left to save
        pass


class _CappedBody(LimitedStream):
    """A body sent without Content-Length (chunked), read to its end: past ``limit`` bytes, a 413."""

    def __init__(self, stream, limit: int):
        super().__init__(stream, limit + 1, is_max=True)  # one byte more than allowed: proof of too much

    def readinto(self, buffer) -> int:
        count = super().readinto(buffer)
        if self.tell() >= self.limit:
            raise RequestEntityTooLarge()
        return count


class SandboxRequest(Request):
    """Flask's request, with its blueprint names worked out once: Flask asks for them afresh each time it
    looks for hooks (before, after, teardown, error handlers). Routing sets the rule when the request
    context is pushed, before any of them asks, and nothing changes it afterwards."""

    @cached_property
    def blueprints(self) -> list[str]:
        return super().blueprints

    @cached_property
    def stream(self):
        """The body, with MAX_CONTENT_LENGTH applied to a chunked body too: Werkzeug's own stream stops
        reading such a body at the limit and says nothing, so a body over it was read cut short. Where the
        server ends the stream with the body (granian), a body with a Content-Length must bring all of it:
        a client gone before its last byte leaves a body cut short, which Werkzeug's stream (a maximum there,
        not an exact length) would hand over as whole; here it is a 400 (``ClientDisconnected``), and nothing
        of it is acted on."""
        limit = self.max_content_length
        if "wsgi.input_terminated" in self.environ:
            length = get_content_length(self.environ)
            if length is None:
                return _CappedBody(self.environ["wsgi.input"], limit) if limit is not None else self.environ["wsgi.input"]
            if limit is not None and length > limit:
                raise RequestEntityTooLarge()
            return LimitedStream(self.environ["wsgi.input"], length)  # exactly: fewer bytes raise ClientDisconnected
        return get_input_stream(self.environ, max_content_length=limit)


class SandboxFlask(Flask):
    """Flask, with each hook's sync check made once: Flask asks ``inspect.iscoroutinefunction`` of every
    before/after/teardown hook and view on every request (eight times per API call, about 4 % of a GET).
    Bounded: a callable made per request (``after_this_request``) must not pile up here."""

    MAX_SYNCED = 512
    request_class = SandboxRequest
    response_class = SandboxResponse

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced: dict = {}

    def ensure_sync(self, func):
        try:
            return self._synced[func]
        except KeyError:
            made = super().ensure_sync(func)
            if len(self._synced) < self.MAX_SYNCED:
                self._synced[func] = made
            return made
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)

    def __call__(self, environ, start_response):
        answer = self.wsgi_app(environ, start_response)
        if has_body(environ):
            drain_unread_body(environ)
        return answer

    def make_default_options_response(self) -> Response:
        """Flask's answer to OPTIONS (200, ``Allow``, no body), without the ``text/html`` it labels the empty
        body with: no surface answers HTML where it answers JSON."""
        response = super().make_default_options_response()
        del response.headers["Content-Type"]
        return response


def create_app(config: dict | None = None) -> Flask:
    """Build a sandbox: one database, four surfaces, one state."""
    cfg = settings.resolve(config)
    app = SandboxFlask(__name__, static_folder=None)
    app.config.update(cfg)
    url = cfg["DATABASE_URL"] or default_database_url()
    app.config["DATABASE_URL"] = url
    engine = make_engine(url)
    memory = is_memory_url(url)
    prepare_schema(engine, migrate=cfg["MIGRATE"] and not memory)
    if not cfg["SECRET_KEY"]:
        app.config["SECRET_KEY"] = shared_secret(engine, "secret_key", lambda: secrets.token_urlsafe(48))
    app.extensions["engine"] = engine
    app.extensions["services"] = ServiceContext(session_factory=make_session_factory(engine), real_now=cfg["REAL_NOW"],
                                                 signing_key=app.config["SECRET_KEY"])
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False  # "/v1//customers" is not found, rather than a 308 redirect page

    register_error_handlers(app)
    init_pages(app)
    _register_surfaces(app)
    init_case_insensitive_paths(app)
    return app


def _register_surfaces(app: Flask) -> None:
    from .web import admin_center, api, control, identity, portal

    if app.config["CONTROL_API"]:
        app.register_blueprint(control.bp)
    for surface in (identity, api, portal, admin_center):
        surface.init_app(app)
