"""The REST API features' step library (no browser: Flask's test client). Defined in this folder's conftest,
below the browser steps', so that a sentence both read the same way resolves to its API step here."""

from sandbox.testing.steps.api import *  # noqa: F403
