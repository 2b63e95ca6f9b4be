"""What a test suite needs to drive the sandbox: a live server, a control-API client, a browser,
page objects for every Partner Center and Microsoft 365 admin center page, and the BDD step library.

The project's own ``steps/`` uses these pieces; a later pytest plugin will export them as they are.
"""
