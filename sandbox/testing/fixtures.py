"""Kept for old imports only: the fixtures are now in the mca-sandbox pytest plugin
(:mod:`sandbox.testing.plugin`, with the browser's in :mod:`sandbox.testing.browsing`), which pytest loads
by itself wherever mca-sandbox is installed. ``from sandbox.testing.fixtures import *`` imports nothing,
so that a conftest written for the old layout does not define the fixtures a second time.
"""

__all__: list[str] = []
