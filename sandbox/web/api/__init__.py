"""The Partner Center REST API surface: /v1 operations, agreement documents, OpenAPI and Swagger UI.

``document_urls(link)`` gives the (displayUri, downloadUri) of an agreement document link; the
admin center links to the same preview.
"""

from __future__ import annotations

from flask import Flask

from . import documents, openapi, views, wire
from .documents import document_urls
from .operations import REGISTRY

__all__ = ["document_urls", "init_app"]


def init_app(app: Flask) -> None:
    from sandbox.web.control import traffic

    wire.install(app)
    traffic.OPERATIONS.update(REGISTRY)
    app.register_blueprint(views.bp)
    app.register_blueprint(documents.bp)
    openapi.init_docs(app)
