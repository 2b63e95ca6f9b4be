"""What a test suite needs to drive the sandbox: the pytest plugin (:mod:`.plugin`, loaded by pytest
wherever mca-sandbox is installed: ``sandbox``, ``sandbox_tenant``, ``partner_api``, browser contexts and
failure evidence), the control-API client (:mod:`.control`), the REST API client (:mod:`.partner_api`),
page objects for every Partner Center and Microsoft 365 admin center page (:mod:`.pages`) and the BDD step
library (:mod:`.steps`, imported into a ``conftest.py``).

The project's own ``steps/`` uses these pieces exactly as a partner's suite does (``examples/partner-suite``).
"""
