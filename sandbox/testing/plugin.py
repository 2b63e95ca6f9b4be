"""The sandbox's pytest pieces in one module: fixtures, failure artifacts, the browser step library and a
marker per rule id. A ``conftest.py`` imports it whole (``from sandbox.testing.plugin import *``); a later
``pytest11`` entry point can name this module as it is.
"""

from __future__ import annotations

from pathlib import Path

from .fixtures import *  # noqa: F403
from .fixtures import __all__ as _fixtures
from .markers import register_rule_markers
from .steps import *  # noqa: F403
from .steps import __all__ as _steps


def pytest_configure(config):
    """Register a marker for every rule id the feature files use (``-m R-OPT2-REL-7`` then selects)."""
    base = config.getini("bdd_features_base_dir") or "features"
    features = Path(base) if Path(base).is_absolute() else config.rootpath / base
    register_rule_markers(config, features)


__all__ = [*_fixtures, *_steps, "pytest_configure"]
