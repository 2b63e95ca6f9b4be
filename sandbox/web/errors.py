"""The one place where errors get their wire shape.

Partner Center answers errors in two bodies: the classic ``{code, description, data, source}`` of
the front door (PartnerFD), and the agreements service's extended body for 600xxx codes.
"""

from __future__ import annotations

import json

from flask import Flask, Request, Response, request
from marshmallow import ValidationError
from marshmallow.exceptions import SCHEMA
from werkzeug.exceptions import HTTPException

from sandbox.domain.errors import InvalidRequestInput, PartnerCenterError
from sandbox.web.pages import body_limit, page_error_response

JSON_SURFACES = ("/v1", "/_sandbox", "/openapi.json")
# The identity endpoints answer in Entra ID's own error shape (see web/identity).


def error_body(error: PartnerCenterError) -> dict:
    if error.extended:
        return {
            "code": error.code,
            "message": error.description,
            "description": error.description,
            "errorName": error.name,
            "isRetryable": error.status in (429, 503),
            "parameters": {"field": error.field} if error.field else {},
            "errorMessageExtended": f"InternalErrorCode={error.code}",
        }
    return {"code": error.code, "description": error.description[:1024], "data": error.data, "source": "PartnerFD"}


def error_response(error: PartnerCenterError, headers: dict | None = None) -> Response:
    response = Response(json.dumps(error_body(error)), status=error.status, mimetype="application/json")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mca-sandbox", error="invalid_token"'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_HTTP_ERRORS = {
    400: (800002, "Invalid request input"),
    404: (1000, "Not found"),
    405: (405, "Method not allowed"),
    413: (800002, "The request body is larger than the {limit} the service accepts."),
    415: (800002, "Unsupported content type: send application/json."),
    500: (800003, "Unexpected service error"),
}


class _HttpError(PartnerCenterError):
    pass


def http_error(status: int, description: str | None = None) -> PartnerCenterError:
    code, default = _HTTP_ERRORS.get(status, (800002, "Invalid request input"))
    error = _HttpError(description or default.format(limit=body_limit() if status == 413 else ""))
    error.status, error.code, error.name = status, code, "HttpError"
    return error


# The sign-in endpoints that answer JSON (the authorize endpoint and /devicelogin are pages)
_IDENTITY_JSON_ENDS = ("/oauth2/token", "/oauth2/v2.0/token", "/oauth2/devicecode", "/oauth2/v2.0/devicecode",
                       "/.well-known/openid-configuration", "/discovery/keys", "/discovery/v2.0/keys")


def is_identity_json(path: str) -> bool:
    path = path.lower()
    return path.endswith(_IDENTITY_JSON_ENDS) or path.startswith("/common/userrealm/")


def wants_json(req: Request) -> bool:
    return req.path.lower().startswith(JSON_SURFACES) or is_identity_json(req.path)


def read_json_object(req: Request | None = None, *, required: bool = True, allow_trailing_commas: bool = False) -> dict:
    """The request's JSON object, or a clear 4xx: wrong content type, malformed JSON, not an object.

    ``allow_trailing_commas``: read ``{"a": 1,}`` as Json.NET does (Partner Center's own examples have them).
    """
    req = req or request
    raw = req.get_data(cache=True)
    if not raw.strip():
        if required:
            raise InvalidRequestInput("The request body is empty; send a JSON object.")
        return {}
    mimetype = (req.mimetype or "").lower()
    if mimetype not in ("application/json", "text/json", "") and not mimetype.endswith("+json"):
        raise http_error(415)
    try:
        text = raw.decode("utf-8-sig")
        try:
            value = json.loads(text)
        except ValueError:
            if not allow_trailing_commas:
                raise
            value = json.loads(_without_trailing_commas(text))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidRequestInput(f"The request body is not valid JSON: {_why_not_json(exc)}"[:300]) from exc
    if not isinstance(value, dict):
        raise InvalidRequestInput("The request body must be a JSON object.")
    return value


def _why_not_json(exc: Exception) -> str:
    """The JSON parser's own words where they point at the place (``Expecting ',' delimiter: line 1 column
    9 (char 8)``); the service's, not Python's, for the rest."""
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not UTF-8 text (byte {exc.start})."
    if isinstance(exc, RecursionError):
        return "it nests too deeply."
    if isinstance(exc, json.JSONDecodeError):
        return str(exc)
    return "a number has too many digits."  # int()'s limit of 4,300 digits, the only other ValueError of loads


def _without_trailing_commas(text: str) -> str:
    """``text`` without the commas that directly precede a ``}`` or ``]`` (outside strings)."""
    out: list[str] = []
    in_string = escaped = False
    pending = None  # index in ``out`` of a comma that may turn out to be trailing
    for ch in text:
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch in "}]" and pending is not None:
            out[pending] = ""
        if not ch.isspace():
            pending = None
        if ch == ",":
            pending = len(out)
        elif ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PartnerCenterError)
    def _domain_error(error: PartnerCenterError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_exception(error: HTTPException):
        if not wants_json(request):
            return page_error_response(app, error) or error  # a surface's own page, else the server's
        if is_identity_json(request.path):  # in Entra's shape
            from sandbox.web.identity import http_error_response

            return http_error_response(error)
        allowed = getattr(error, "valid_methods", None)  # a 405 says what the path does take, as HTTP asks
        return error_response(http_error(error.code or 500, None if error.code != 400 else error.description),
                              headers={"Allow": ", ".join(sorted(allowed))} if allowed else None)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # never a stack trace on the wire
        app.logger.exception("Unexpected error on %s %s", request.method, request.path)
        if wants_json(request):
            return error_response(http_error(500))
        return Response("<h1>Something went wrong</h1><p>The sandbox hit an unexpected error.</p>", 500, mimetype="text/html")


def load_json(schema, *, required: bool = True, allow_trailing_commas: bool = False, prefix: str = "") -> dict:
    """The request's JSON object through a marshmallow schema; 400 / 800002 naming every field at fault."""
    body = read_json_object(required=required, allow_trailing_commas=allow_trailing_commas)
    try:
        return schema.load(body)
    except ValidationError as exc:
        problems = [p[:300] for p in _flatten(exc.messages)[:50]]
        raise InvalidRequestInput(prefix + "; ".join(problems)[:900], data=problems) from exc


def _flatten(messages, prefix: str = "") -> list[str]:
    """marshmallow's nested messages as ``field.sub[0]: message`` lines."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == SCHEMA:  # marshmallow's key for the object itself (a nested one given a string, say): no name of the API's
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix and not isinstance(key, int) else (f"{prefix}[{key}]" if prefix else str(key))
            out.extend(_flatten(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out.append(f"{prefix}: {' '.join(messages)}" if prefix else " ".join(messages))
    elif isinstance(messages, list):
        for m in messages:
            out.extend(_flatten(m, prefix))
    else:
        out.append(f"{prefix}: {messages}")
    return out
