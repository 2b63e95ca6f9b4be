"""The BDD suite's set-up: the step library. The fixtures (sandbox, browser contexts, failure evidence)
and the rule-id markers come from the mca-sandbox pytest plugin (``sandbox.testing.plugin``, loaded by
pytest itself), as in any partner's suite.

Binding modules (``steps/ui/test_*.py``; ``steps/api/`` for the API features) only call ``scenarios``.
"""

from sandbox.testing.steps import *  # noqa: F403
