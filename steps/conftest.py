"""The BDD suite's set-up: the step library, browser and REST API steps together, so that one scenario may
use both. The fixtures (sandbox, browser contexts, failure evidence) and the rule-id markers come from the
mca-sandbox pytest plugin (``sandbox.testing.plugin``, loaded by pytest itself), as in any partner's suite.

Binding modules (``steps/ui/test_*.py``, ``steps/api/test_*.py``) only call ``scenarios``.
"""

from sandbox.testing.steps import *  # noqa: F403
from sandbox.testing.steps.api import *  # noqa: F403
