"""Request bodies the app leaves unread (an early 401, a 413) under both servers the sandbox runs under: granian
(``serve``; tests/test_cli.py drives it over TLS) and Werkzeug's, which the pytest plugin serves with."""

from __future__ import annotations

import http.client

from sandbox.testing.server import LiveServer


def test_an_unread_body_neither_hangs_nor_spills_into_the_next_request_under_werkzeug():
    """On a kept-alive connection: a 401 before the body is read, then a request whose body is read, then a GET.
    Werkzeug hands over its socket for a body with a Content-Length, so the sandbox must not read past it."""
    with LiveServer() as server:
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        body = b'{"a": "' + b"x" * 200_000 + b'"}'
        connection.request("POST", "/v1/customers", body=body,
                           headers={"Authorization": "Bearer not-a-token", "Content-Type": "application/json"})
        answer = connection.getresponse()
        assert answer.status == 401
        answer.read()
        connection.request("POST", "/_sandbox/tenants", body=b'{"customers": 0}', headers={"Content-Type": "application/json"})
        created = connection.getresponse()
        assert created.status == 201, created.read()
        created.read()
        connection.request("GET", "/_sandbox/health")
        assert connection.getresponse().status == 200
