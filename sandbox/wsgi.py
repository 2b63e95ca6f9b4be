"""Entry point for the production server's workers: build the app from MCA_SANDBOX_* variables."""

from __future__ import annotations


def app_from_environment():
    from .app import create_app
    from .config import from_environment

    return create_app(from_environment())
