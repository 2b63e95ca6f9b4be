"""Case-insensitive paths, as the real services match them (``/v1/Customers``, ``/Adminportal/Home``).

The middleware walks the request path through a tree of the app's routes and rewrites each literal
segment to the spelling its route uses; ids and other variable segments are left exactly as sent (the
template id, for one, is case-sensitive). Two routes may spell the same word differently at different
places (``/dashboard/home`` and ``/AdminPortal/Home``): the tree keeps them apart.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl

from flask import Flask

API_PREFIX = "/v1"
_VARIABLE = re.compile(r"<[^>]+>")
_ANY = "<*>"


def is_api_path(path: str) -> bool:
    """Whether a (canonical) path is the REST API's: ``/v1`` and below."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _route_tree(app: Flask) -> dict:
    tree: dict = {}
    for rule in app.url_map.iter_rules():
        node = tree
        for segment in rule.rule.strip("/").split("/"):
            if _VARIABLE.search(segment):
                node = node.setdefault(_ANY, {})
            else:
                node = node.setdefault(segment.lower(), {"": segment})
    return tree


def canonical_path(tree: dict, path: str) -> str:
    segments = path.split("/")
    node: dict | None = tree
    fixed = []
    for segment in segments:
        if not segment or node is None:
            fixed.append(segment)
            continue
        # a segment spelled like the variable marker itself ("<*>") is a value, never a literal
        child = node.get(segment.lower()) if segment != _ANY else None
        if child is not None:
            fixed.append(child[""])
            node = child
        else:
            fixed.append(segment)
            node = node.get(_ANY)
    return "/".join(fixed)


class CaseInsensitivePaths:
    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._canonical = None  # path -> its canonical spelling, remembered (clients repeat their paths)

    def __call__(self, environ, start_response):
        if self._canonical is None:  # the routes are all known by the first request
            tree = _route_tree(self.app)
            self._canonical = functools.lru_cache(maxsize=4096)(lambda path: canonical_path(tree, path))
        path = environ.get("PATH_INFO", "")
        if path:
            environ["PATH_INFO"] = self._canonical(path)
        return self.wsgi_app(environ, start_response)


def init_case_insensitive_paths(app: Flask) -> None:
    app.wsgi_app = CaseInsensitivePaths(app.wsgi_app, app)


@functools.lru_cache(maxsize=256)
def query_parameters(query_string: str) -> tuple[tuple[str, str], ...]:
    """A WSGI ``QUERY_STRING``'s parameters in order, decoded as Werkzeug decodes ``request.args``, parsed
    once per distinct string (clients repeat their queries)."""
    text = query_string.encode("latin-1").decode(errors="replace")
    return tuple(parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"))
