"""The step library: Given steps arrange through the control API, When steps act through page objects,
Then steps assert with Playwright's ``expect``.

pytest-bdd registers a step as a fixture in the module that defines it; import everything from here
into a ``conftest.py`` (``from sandbox.testing.steps import *``) to make the steps visible to features.
"""

from .arrange import *  # noqa: F403
from .arrange import __all__ as _arrange
from .customer import *  # noqa: F403
from .customer import __all__ as _customer
from .partner import *  # noqa: F403
from .partner import __all__ as _partner

__all__ = [*_arrange, *_customer, *_partner]
