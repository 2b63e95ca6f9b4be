"""A sandbox served on a free loopback port in a background thread, for browser tests, and the
:class:`Sandbox` a test run drives (that one, or an external one by its URL)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox.tls import CertificateFiles

from .control import ControlClient, Tenant


class _QuietHandler(WSGIRequestHandler):
    """No access log: a browser suite makes thousands of requests; failures carry a Playwright trace instead."""

    def log_request(self, code="-", size="-") -> None:
        pass


class LiveServer:
    """``create_app`` behind werkzeug's threaded server on 127.0.0.1, with its own SQLite file.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. ``url`` is also the
    sandbox's ``PUBLIC_URL``, so the invitation links the pages show point back at this server.
    """

    def __init__(self, config: dict | None = None, *, host: str = "127.0.0.1", database_url: str | None = None,
                 certificate: CertificateFiles | None = None):
        self.config = dict(config or {})
        self.host = host
        self.database_url = database_url
        self.certificate = certificate  # serve HTTPS with it (``url`` is then https)
        self.url = ""
        self.app = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._folder: Path | None = None

    def start(self) -> LiveServer:
        """Build the app, bind a free port and serve in a daemon thread."""
        from sandbox.app import create_app  # here, so that driving an external sandbox never loads the app

        url = self.database_url
        if url is None:
            self._folder = Path(tempfile.mkdtemp(prefix="mca-sandbox-"))
            url = f"sqlite:///{self._folder / 'sandbox.db'}"
        self.app = create_app({"SECRET_KEY": "live-server", **self.config, "DATABASE_URL": url})
        tls = (str(self.certificate.cert), str(self.certificate.key)) if self.certificate else None
        self._server = make_server(self.host, 0, self.app, threaded=True, request_handler=_QuietHandler, ssl_context=tls)
        self.url = f"{'https' if tls else 'http'}://{self.host}:{self._server.server_port}"
        self.app.config["PUBLIC_URL"] = self.url  # known only once the port is bound
        self._thread = threading.Thread(target=self._server.serve_forever, name="mca-sandbox-live-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release the database and remove the temporary folder."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.app is not None:
            self.app.extensions["engine"].dispose()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class Sandbox:
    """The sandbox a test run drives: its ``url``, a ``control`` client, and, when it was started here, the
    in-process ``server`` (else it is ``external``, e.g. a team's shared sandbox).

    With ``seed``, a sandbox started here also gets the demo workspace of ``mca-sandbox serve``
    (``workspace``: its partners, users and app credentials).
    """

    def __init__(self, url: str, control: ControlClient, server: LiveServer | None = None,
                 workspace: dict | None = None):
        self.url = url.rstrip("/")
        self.control = control
        self.server = server
        self.workspace = workspace

    @property
    def external(self) -> bool:
        return self.server is None

    @classmethod
    def connect(cls, url: str, *, key: str = "") -> Sandbox:
        """An already running sandbox; the tenants a test makes there are deleted after it. Its health is asked
        once first, so that a wrong URL is one clear error instead of every test's connection traceback."""
        control = ControlClient(url, key=key, delete_tenants_after_use=True)
        control.health()
        return cls(url, control)

    @classmethod
    def start(cls, *, database_url: str | None = None, seed: int | None = None) -> Sandbox:
        """A sandbox served here on a free port, on ``database_url`` (default: a temporary SQLite file)."""
        server = LiveServer(database_url=database_url).start()
        workspace = None
        if seed is not None:
            from sandbox import seed as seeding

            workspace, _created = seeding.ensure_demo_workspace(server.app.extensions["services"], seed=seed)
        return cls(server.url, ControlClient(server.url), server, workspace)

    def create_tenant(self, **options) -> Tenant:
        """A fresh, isolated partner tenant (see :meth:`ControlClient.create_tenant`)."""
        return self.control.create_tenant(**options)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def __repr__(self) -> str:
        return f"<Sandbox {self.url} ({'external' if self.external else 'in-process'})>"
