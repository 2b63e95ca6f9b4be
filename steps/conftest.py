"""The BDD suite's set-up: the sandbox's fixtures and step library, and a marker per rule id.

Binding modules (``steps/ui/test_*.py``; ``steps/api/`` for the API features) only call ``scenarios``.
"""

from __future__ import annotations

from pathlib import Path

from sandbox.testing.fixtures import *  # noqa: F403
from sandbox.testing.markers import register_rule_markers
from sandbox.testing.steps import *  # noqa: F403


def pytest_configure(config):
    base = config.getini("bdd_features_base_dir") or "features"
    features = Path(base) if Path(base).is_absolute() else config.rootpath / base
    register_rule_markers(config, features)
