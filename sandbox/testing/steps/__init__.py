"""The step library: Given steps arrange through the control API, When steps act through page objects,
Then steps assert with Playwright's ``expect``.

pytest-bdd registers a step as a fixture in the module that defines it; import everything from here
into a ``conftest.py`` (``from sandbox.testing.steps import *``) to make the steps visible to features.
The REST API's steps (``sandbox.testing.steps.api``) are a module of their own: import it into the same
``conftest.py`` to use both in one scenario; they share the scenario's ``tenant`` and ``customer``.
"""

from .admin_center import *  # noqa: F403
from .admin_center import __all__ as _admin_center
from .arrange import *  # noqa: F403
from .arrange import __all__ as _arrange
from .portal_account import *  # noqa: F403
from .portal_account import __all__ as _portal_account
from .portal_customers import *  # noqa: F403
from .portal_customers import __all__ as _portal_customers
from .situations import *  # noqa: F403
from .situations import __all__ as _situations

__all__ = [*_admin_center, *_arrange, *_portal_account, *_portal_customers, *_situations]
