"""The demo journeys use the sandbox's step library as it is."""

from sandbox.testing.steps import *  # noqa: F403
