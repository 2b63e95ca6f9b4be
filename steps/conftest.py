"""The BDD suite's set-up: the sandbox's fixtures, failure artifacts, step library and rule-id markers.

Binding modules (``steps/ui/test_*.py``; ``steps/api/`` for the API features) only call ``scenarios``.
"""

from sandbox.testing.plugin import *  # noqa: F403
